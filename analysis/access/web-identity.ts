/**
 * CI jobs signing in with an OIDC token (GitHub Actions, GitLab CI), as expectations name them:
 * `github:<sub claim>`. The request is sts:AssumeRoleWithWebIdentity from the provider of the role's own
 * account, carrying the token's `sub` and the provider's audience.
 *
 * The simulator drops context keys its data (iam-data) does not list for the action, and that data lacks
 * `token.actions.githubusercontent.com:sub`/`:aud` and GitLab's `sub`/`aud` (it has their other claims). So
 * the request is evaluated under stand-in keys it knows, `accounts.google.com:sub`/`:aud`: both string
 * claims, compared by the same operators, renamed in the trust policy and in the request alike, and only
 * for the provider of the request (whose principal must match too).
 */
import { OIDC_PROVIDERS, oidcProviderArn, parseArn, type OidcProviderName } from "../../policy-pack/lib/iam";
import { asRecord, listOf, type Value, type ValueRecord } from "../../policy-pack/lib/values";
import { modelPolicy, type ModelPolicy } from "./model";

const STAND_IN = { sub: "accounts.google.com:sub", aud: "accounts.google.com:aud" };

export interface WebIdentityToken {
    provider: OidcProviderName;
    host: string;
    sub: string;
    audience: string;
}

/** `github:repo:acme/app:ref:refs/heads/main` → the token it stands for; undefined for any other principal. */
export function parseWebIdentityPrincipal(principal: string): WebIdentityToken | undefined {
    const match = /^(github|gitlab):(.+)$/.exec(principal);
    if (!match) return undefined;
    const provider = match[1] as OidcProviderName;
    const spec = OIDC_PROVIDERS[provider];
    return { provider, host: spec.host, sub: match[2], audience: spec.audience };
}

/** The request as the simulator sees it: the provider of the target's account, the claims under stand-in keys. */
export function webIdentityRequest(token: WebIdentityToken, targetArn: string, targetAccountId: string) {
    const partition = parseArn(targetArn)?.partition ?? "aws";
    return {
        principal: oidcProviderArn(targetAccountId, token.host, partition),
        context: { [STAND_IN.sub]: token.sub, [STAND_IN.aud]: token.audience },
    };
}

const renamed = new WeakMap<ModelPolicy, Map<string, ModelPolicy>>();

/** The trust policy with the provider's `sub`/`aud` keys renamed to the stand-ins (cached per policy and provider). */
export function withStandInKeys(policy: ModelPolicy, host: string): ModelPolicy {
    const byHost = renamed.get(policy) ?? renamed.set(policy, new Map()).get(policy)!;
    let out = byHost.get(host);
    if (!out) {
        const names: Record<string, string> = { [`${host}:sub`]: STAND_IN.sub, [`${host}:aud`]: STAND_IN.aud };
        const statements = listOf(policy.document.Statement).map((raw): Value => {
            const statement = asRecord(raw);
            const condition = asRecord(statement?.Condition);
            if (!statement || !condition) return raw;
            const blocks: ValueRecord = Object.fromEntries(
                Object.entries(condition).map(([operator, block]) => [
                    operator,
                    Object.fromEntries(
                        Object.entries(asRecord(block) ?? {}).map(([key, value]) => [names[key.toLowerCase()] ?? key, value]),
                    ),
                ]),
            );
            return { ...statement, Condition: blocks };
        });
        const document: ValueRecord = { ...policy.document, Statement: statements };
        // Already validated (and any problem reported) as written: the copy's warnings are not reported again.
        out = modelPolicy(policy.name, document, "trust", [])!;
        byHost.set(host, out);
    }
    return out;
}
