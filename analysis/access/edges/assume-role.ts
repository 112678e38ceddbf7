/** Assume-role candidates: who, in another account, a role's trust lets in, and who may call sts:AssumeRole on it. */
import { coversAction, mayCoverResource } from "../../../policy-pack/lib/iam";
import type { AccessModel, IdentityNode } from "../model";
import { identityVia, roleTarget, trustActions, type Candidate } from "./candidate";
import { concretePrincipal, grantees } from "./grantees";

export interface TrustIndex {
    /** Roles whose trust admits principals of an account ("*" = any account): prunes the identity-side search. */
    trusting: Map<string, Set<IdentityNode>>;
    /** The role actions each role's trust grants. */
    roleActions: Map<IdentityNode, Set<string>>;
}

/** 1. Trust policies: the principals of other accounts each role's trust names. */
export function trustCandidates(model: AccessModel): { candidates: Candidate[]; index: TrustIndex } {
    const index: TrustIndex = { trusting: new Map(), roleActions: new Map() };
    const candidates: Candidate[] = [];
    for (const role of model.roles) {
        for (const st of role.trust?.statements ?? []) {
            const actions = trustActions(st);
            if (!actions.length) continue;
            const set = index.roleActions.get(role) ?? new Set<string>();
            actions.forEach((a) => set.add(a));
            index.roleActions.set(role, set);
            for (const g of grantees(st, role.accountId, role.partition)) {
                (index.trusting.get(g.account) ?? index.trusting.set(g.account, new Set()).get(g.account)!).add(role);
                candidates.push({
                    kind: "assume-role",
                    principal: g.principal,
                    requester: concretePrincipal(g.principal),
                    target: role.arn,
                    sourceAccountId: g.account,
                    targetAccountId: role.accountId,
                    actions,
                    targets: [roleTarget(role)],
                    service: "sts",
                    via: "trust-policy",
                });
            }
        }
    }
    return { candidates, index };
}

/**
 * 2. Identity policies: groups, users and roles that may call sts:AssumeRole on a role of another
 * account whose trust names their account. Only policies the identity owns count (a user's group
 * grants show up once, on the group). Roles trusting "*" keep their single "*" edge: expanding them to
 * every identity of every account would be accounts² edges and simulations.
 */
export function identityAssumeCandidates(model: AccessModel, index: TrustIndex): Candidate[] {
    const out: Candidate[] = [];
    for (const owner of [...model.groups, ...model.users, ...model.roles]) {
        const trusting = [...(index.trusting.get(owner.accountId) ?? [])];
        if (!trusting.length) continue;
        const roles = new Set<IdentityNode>();
        for (const policy of model.ownPolicies(owner)) {
            for (const st of policy.statements) {
                if (st.effect !== "Allow" || !coversAction(st, "sts:AssumeRole")) continue;
                for (const role of trusting) if (role.accountId !== owner.accountId && mayCoverResource(st, role.arn)) roles.add(role);
            }
        }
        for (const role of roles) {
            out.push({
                kind: "assume-role",
                principal: owner.arn,
                requester: owner.arn,
                target: role.arn,
                sourceAccountId: owner.accountId,
                targetAccountId: role.accountId,
                actions: [...(index.roleActions.get(role) ?? ["sts:AssumeRole"])],
                targets: [roleTarget(role)],
                service: "sts",
                via: identityVia,
            });
        }
    }
    return out;
}
