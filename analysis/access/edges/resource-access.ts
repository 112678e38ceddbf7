/**
 * Resource-access candidates: what bucket, function, repository and snapshot policies let other
 * accounts do, and which identities of an admitted account name those resources in their own policies.
 */
import { coversAction, mayCoverResource, wildcardMatch, type Statement } from "../../../policy-pack/lib/iam";
import { renderStatementConditions } from "../conditions";
import type { AccessModel, ResourceNode } from "../model";
import type { Target } from "../simulate";
import { RESOURCE_VIA, bucketTargets, identityVia, resourceTargets, type Candidate, type Listed } from "./candidate";
import { concretePrincipal, grantees, serviceGrantees, servicePrincipals } from "./grantees";

/** Resources whose policy admits principals of an account, with the actions it grants them there. */
export type ResourceIndex = Map<string, Map<ResourceNode, Set<string>>>;

type Grant = Pick<Candidate, "target" | "targetAccountId" | "targets" | "service" | "via">;

/** The candidates of one Allow statement with actions: its service grantees and its AWS grantees. */
function statementCandidates(st: Statement, actions: string[], account: string, partition: string, grant: Grant): Candidate[] {
    return [
        ...serviceGrantees(st, account).map((g) => ({
            ...grant,
            kind: "resource-access" as const,
            principal: g.service,
            requester: g.service,
            sourceAccountId: g.account,
            actions,
            context: g.context,
            conditions: g.conditions,
        })),
        ...grantees(st, account, partition).map((g) => ({
            ...grant,
            kind: "resource-access" as const,
            principal: g.principal,
            requester: concretePrincipal(g.principal),
            sourceAccountId: g.account,
            actions,
        })),
    ];
}

/** 3. Bucket policies: statements granting principals (or services acting for) other accounts. */
export function bucketCandidates(model: AccessModel): { candidates: Candidate[]; listed: Listed[] } {
    const candidates: Candidate[] = [];
    const listed: Listed[] = [];
    for (const bucket of model.buckets) {
        for (const st of bucket.policy?.statements ?? []) {
            const gs = grantees(st, bucket.accountId, bucket.partition);
            if (!gs.length && !servicePrincipals(st).length) continue;
            if (!st.action) {
                // NotAction grants cannot be enumerated without iam-expand: list them as written, unverified.
                const conditions = renderStatementConditions(st)
                    .filter((c) => !/^aws:Principal(Arn|Account) /i.test(c))
                    .sort();
                for (const g of gs) {
                    listed.push({
                        edge: {
                            kind: "resource-access",
                            principal: g.principal,
                            target: bucket.arn,
                            conditions,
                            sourceAccountId: g.account,
                            targetAccountId: bucket.accountId,
                        },
                        actions: (st.notAction?.values ?? []).map((a) => `NotAction:${a}`),
                        via: "bucket-policy (unverified NotAction)",
                    });
                }
                continue;
            }
            const targets = bucketTargets(bucket, st);
            if (!targets.length) continue;
            candidates.push(
                ...statementCandidates(st, st.action.values, bucket.accountId, bucket.partition, {
                    target: bucket.arn,
                    targetAccountId: bucket.accountId,
                    targets,
                    service: "s3",
                    via: "bucket-policy",
                }),
            );
        }
    }
    return { candidates, listed };
}

/**
 * 4. Function, repository and snapshot policies: principals (and services acting for accounts) of
 * other accounts they let in. Snapshots grant their shared accounts' roots.
 */
export function resourcePolicyCandidates(model: AccessModel): { candidates: Candidate[]; index: ResourceIndex } {
    const index: ResourceIndex = new Map();
    const candidates: Candidate[] = [];
    for (const node of model.resources) {
        const service = node.arn.split(":")[2];
        for (const st of node.policy?.statements ?? []) {
            if (!st.action) continue; // NotAction in a resource policy: nothing the program or AWS's builders write
            const actions = st.action.values;
            for (const g of grantees(st, node.accountId, node.partition)) {
                const byNode = index.get(g.account) ?? index.set(g.account, new Map()).get(g.account)!;
                const granted = byNode.get(node) ?? byNode.set(node, new Set()).get(node)!;
                actions.forEach((a) => granted.add(a));
            }
            candidates.push(
                ...statementCandidates(st, actions, node.accountId, node.partition, {
                    target: node.arn,
                    targetAccountId: node.accountId,
                    targets: resourceTargets(node, st),
                    service,
                    via: RESOURCE_VIA[node.kind],
                }),
            );
        }
    }
    return { candidates, index };
}

/**
 * 5. Identity policies naming those resources, in accounts their policy admits: who actually gets in
 * (a snapshot shared with test's account: the test roles whose policies allow restoring it).
 */
export function identityResourceCandidates(model: AccessModel, index: ResourceIndex): Candidate[] {
    const out: Candidate[] = [];
    for (const owner of [...model.groups, ...model.users, ...model.roles]) {
        const admitted = index.get(owner.accountId);
        if (!admitted) continue;
        for (const [node, granted] of admitted) {
            if (node.accountId === owner.accountId) continue;
            const targets: Target[] = [
                ...new Map((node.policy?.statements ?? []).flatMap((st) => resourceTargets(node, st)).map((t) => [t.arn, t])).values(),
            ];
            // A granted wildcard ("ecr:*") is covered by any statement naming one of its actions.
            const covers = (st: Statement) =>
                [...granted].some((a) => coversAction(st, a) || !!st.action?.values.some((x) => wildcardMatch(a, x)));
            const named = model
                .ownPolicies(owner)
                .some((policy) =>
                    policy.statements.some((st) => st.effect === "Allow" && covers(st) && targets.some((t) => mayCoverResource(st, t.arn))),
                );
            if (!named) continue;
            out.push({
                kind: "resource-access",
                principal: owner.arn,
                requester: owner.arn,
                target: node.arn,
                sourceAccountId: owner.accountId,
                targetAccountId: node.accountId,
                actions: [...granted].sort(),
                targets,
                service: node.arn.split(":")[2],
                via: identityVia,
            });
        }
    }
    return out;
}
