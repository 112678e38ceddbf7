/**
 * Federated trusts in the access matrix: who outside AWS a role's trust lets in. A GitHub Actions or GitLab
 * trust becomes one edge per `sub` value it pins (`github:repo:acme/app:ref:refs/heads/main`), with the rest
 * of its conditions (the audience); a SAML or unknown provider one edge naming the provider. Listed as
 * written: the simulator cannot enumerate tokens (expectations evaluate them, see web-identity.ts).
 */
import { conditionValuesFor, federatedHost, oidcProviderNameOf, principalAccount } from "../../../policy-pack/lib/iam";
import { renderStatementConditions } from "../conditions";
import type { AccessModel } from "../model";
import type { Listed } from "./candidate";

const SUB_OPERATORS = ["stringequals", "stringlike"];

export function federatedTrustEdges(model: AccessModel): Listed[] {
    const out: Listed[] = [];
    for (const role of model.roles) {
        for (const st of role.trust?.statements ?? []) {
            if (st.effect !== "Allow" || !st.action) continue;
            const actions = st.action.values.filter((action) => action.toLowerCase().startsWith("sts:"));
            for (const federated of st.principal?.byType.Federated.values ?? []) {
                const host = federatedHost(federated);
                const provider = host ? oidcProviderNameOf(host) : undefined;
                const subs = provider ? (conditionValuesFor(st, `${host}:sub`, SUB_OPERATORS) ?? []) : [];
                const subKey = `${host}:sub`.toLowerCase();
                const conditions = renderStatementConditions({
                    ...st,
                    conditions: st.conditions.filter((c) => !(subs.length > 0 && c.keyLower === subKey)),
                });
                const owner = principalAccount(federated);
                const principals = subs.length > 0 ? subs.map((sub) => `${provider}:${sub}`) : [federated];
                for (const principal of principals) {
                    out.push({
                        edge: {
                            kind: "assume-role",
                            principal,
                            target: role.arn,
                            conditions,
                            // Outside AWS: the provider stands where an account would.
                            sourceAccountId: provider ?? (owner.kind === "account" ? owner.id : "*"),
                            targetAccountId: role.accountId,
                        },
                        actions,
                        via: "trust-policy",
                    });
                }
            }
        }
    }
    return out;
}
