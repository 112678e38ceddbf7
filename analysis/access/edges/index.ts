/**
 * The cross-account access matrix. Edges are built from what policies *name* (trust and bucket policy
 * principals, identity policy resources), never from all principals × all resources: each phase returns
 * candidates, and every candidate is verified here with the simulator in Discovery mode, which also
 * reports the conditions (MFA, external ID, ...) the access depends on. Candidates it denies are dropped.
 */
import { usesOf } from "../kinds";
import type { AccessModel } from "../model";
import { resolveRequester, type Requester } from "../simulate";
import type { AccessEdge } from "../types";
import { identityAssumeCandidates, trustCandidates } from "./assume-role";
import type { Candidate } from "./candidate";
import { EdgeSet } from "./edge-set";
import { federatedTrustEdges } from "./federated";
import { bucketCandidates, identityResourceCandidates, resourcePolicyCandidates } from "./resource-access";
import { verify } from "./verify";

export async function buildEdges(model: AccessModel): Promise<AccessEdge[]> {
    const trust = trustCandidates(model);
    const buckets = bucketCandidates(model);
    const resources = resourcePolicyCandidates(model);
    const candidates: Candidate[] = [
        ...trust.candidates,
        ...identityAssumeCandidates(model, trust.index),
        ...buckets.candidates,
        ...resources.candidates,
        ...identityResourceCandidates(model, resources.index),
    ];
    const edges = new EdgeSet();
    for (const listed of [...buckets.listed, ...federatedTrustEdges(model)]) edges.add(listed.edge, listed.actions, listed.via);
    // The model does not change while edges are built: one requester per principal.
    const requesters = new Map<string, Requester>();
    for (const c of candidates) {
        const req = requesters.get(c.requester) ?? requesters.set(c.requester, resolveRequester(model, c.requester)).get(c.requester)!;
        const v = await verify(model, req, c.actions, c.targets, c.service, c.context);
        if (!v.actions.length && !v.deniedOn.length) continue;
        edges.add(
            {
                kind: c.kind,
                principal: c.principal,
                target: c.target,
                conditions: [...new Set([...(c.conditions ?? []), ...v.conditions])].sort(),
                sourceAccountId: c.sourceAccountId,
                targetAccountId: c.targetAccountId,
            },
            v.actions,
            typeof c.via === "string" ? c.via : c.via(v),
            v.deniedOn,
            usesOf(model.resource(c.target)?.kind, v.actions),
        );
    }
    return edges.list();
}
