/**
 * Verifying a candidate edge with the simulator in Discovery mode, which also reports the conditions
 * (MFA, external ID, ...) the access depends on.
 */
import { coversAction, hasWildcard, parseArn } from "../../../policy-pack/lib/iam";
import type { AccessModel } from "../model";
import { evaluateOnEveryResource, otherLabel } from "../multi-resource";
import { appliesTo, arnOfType, concreteActions, otherRequiredResources, type ResourceType } from "../resource-types";
import { renderAllowedConditions } from "../conditions";
import { evaluate, grantingIdentityPolicies, principalContext, type Requester, type Target } from "../simulate";

/** Upper bound on denied simulations spent proving one action (e.g. "s3:*" expanded) of one edge. */
const MAX_WILDCARD_TRIES = 12;

export interface Verified {
    actions: string[];
    /** Actions the target allows but another resource they are authorized against denies, with that resource. */
    deniedOn: string[];
    conditions: string[];
    identityPolicies: string[];
}

/**
 * Which of `actions` (as written) the simulator allows. A wildcard action counts as allowed when
 * one concrete action it covers is allowed on one of the candidate resource ARNs.
 */
export async function verify(
    model: AccessModel,
    req: Requester,
    actions: string[],
    targets: Target[],
    fallbackService: string,
    extraContext: Record<string, string> = {},
): Promise<Verified> {
    const context = { ...principalContext(req), ...extraContext };
    const allowed: string[] = [];
    const deniedOn = new Set<string>();
    const conditions = new Set<string>();
    const policies = new Set<string>();
    for (const action of actions) {
        const candidates = hasWildcard(action) ? await concreteActions(action, fallbackService) : [action];
        let denied = 0;
        search: for (const concrete of candidates) {
            for (const target of targets) {
                if (hasWildcard(action) && !(await appliesTo(concrete, target.arn))) continue;
                const ev = await evaluate(req, concrete, target, "Discovery", context);
                if (ev.error) continue; // e.g. the action does not apply to this resource type
                if (ev.decision === "Allowed") {
                    const blocker = await otherResourceDenying(model, req, concrete, target, context);
                    if (blocker) {
                        deniedOn.add(`${concrete}: ${blocker}`);
                        if (++denied >= MAX_WILDCARD_TRIES) break search;
                        continue;
                    }
                    allowed.push(action);
                    renderAllowedConditions(ev.conditions).forEach((c) => conditions.add(c));
                    grantingIdentityPolicies(ev).forEach((p) => policies.add(p));
                    break search;
                }
                if (++denied >= MAX_WILDCARD_TRIES) break search;
            }
        }
    }
    return { actions: allowed, deniedOn: [...deniedOn].sort(), conditions: [...conditions].sort(), identityPolicies: [...policies] };
}

/**
 * The other required resource (resource-types.ts) that denies an action the target allowed, as the
 * matrix shows it; undefined when every one allows. Their ARNs are the principal's own: the first
 * pattern of its policies granting the action on that type, made concrete, else AWS's default.
 */
async function otherResourceDenying(
    model: AccessModel,
    req: Requester,
    action: string,
    target: Target,
    context: Record<string, string>,
): Promise<string | undefined> {
    const account = req.accountId ?? target.accountId;
    const partition = parseArn(target.arn)?.partition ?? "aws";
    const region = parseArn(target.arn)?.region ?? "";
    const fromPolicies = (type: ResourceType): string | undefined => {
        for (const policy of req.identity) {
            for (const st of policy.statements) {
                if (st.effect !== "Allow" || !coversAction(st, action)) continue;
                for (const pattern of st.resource?.values ?? []) {
                    const arn = pattern === "*" ? arnOfType(type, partition, region, account, "x") : pattern.replace(/[*?]/g, "x");
                    if (type.pattern.test(arn) && parseArn(arn)?.account === account) return arn;
                }
            }
        }
        return undefined;
    };
    const others = await otherRequiredResources(action, target.arn, { account, partition }, [], fromPolicies);
    if (others.length === 0) return undefined;
    const result = await evaluateOnEveryResource(model, req, action, target, others, "Discovery", context);
    if (result.unnamed.length > 0) return result.unnamed.map(otherLabel).join(", ");
    return result.denied?.other ? otherLabel(result.denied.other) : undefined;
}
