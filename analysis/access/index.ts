/**
 * Access analysis of the offline plan: evaluates expectations with a real IAM evaluator
 * (@cloud-copilot/iam-simulate) over the resources of all stacks, and lists cross-account edges.
 */
import { parseArn } from "../../policy-pack/lib/iam";
import { SECRET } from "./conditions";
import { buildEdges } from "./edges";
import { AccessModel } from "./model";
import { explainEvery } from "./explain";
import { evaluateOnEveryResource } from "./multi-resource";
import { otherRequiredResources } from "./resource-types";
import { requestContext, resolveRequester, resolveTarget } from "./simulate";
import type { AccessAnalysis, AccessContext, AccessExpectation, AccessResult, AnalyzeOptions, PlannedResource } from "./types";

export * from "./types";
export { AccessModel } from "./model";
export { renderCondition } from "./conditions";
export { concreteActions } from "./resource-types";

/** The expectation's context as reported: external IDs are secrets and never echoed. */
function reportedContext(ctx: AccessContext): AccessContext {
    return ctx.externalId === undefined ? { ...ctx } : { ...ctx, externalId: SECRET };
}

export async function evaluateExpectation(model: AccessModel, exp: AccessExpectation, now: Date): Promise<AccessResult> {
    const ctx = exp.context ?? {};
    const base = {
        id: exp.id,
        principal: exp.principal,
        action: exp.action,
        resource: exp.resource,
        context: reportedContext(ctx),
        expected: exp.expect,
    };
    const target = resolveTarget(model, exp.resource, exp.action);
    if (!target) {
        return {
            ...base,
            result: "ImplicitlyDenied",
            pass: exp.expect === "deny",
            explanation: `ImplicitlyDenied: resource ${exp.resource} is not in the plan (no account or policy known for it)`,
        };
    }
    const req = resolveRequester(model, exp.principal, ctx.sessionName);
    // The other resources the request names are in the caller's account: what it restores into, say.
    const caller = { account: req.accountId ?? target.accountId, partition: parseArn(target.arn)?.partition ?? "aws" };
    const others = await otherRequiredResources(exp.action, target.arn, caller, exp.otherResources);
    const ev = await evaluateOnEveryResource(model, req, exp.action, target, others, "Strict", requestContext(req, ctx, now));
    return {
        ...base,
        result: ev.decision,
        pass: (ev.decision === "Allowed") === (exp.expect === "allow"),
        explanation: explainEvery(req, exp.action, ev),
    };
}

/**
 * Evaluates every expectation and builds the cross-account edges from the resources of all stacks.
 * Async because the simulator is. Results keep the order of `expectations`; edges are sorted.
 */
export async function analyzeAccess(
    resources: PlannedResource[],
    expectations: AccessExpectation[],
    options: AnalyzeOptions = {},
): Promise<AccessAnalysis> {
    const model = new AccessModel(resources);
    const now = options.now ?? new Date();
    const results: AccessResult[] = [];
    for (const exp of expectations) results.push(await evaluateExpectation(model, exp, now));
    const edges = await buildEdges(model);
    return { results, edges, warnings: [...model.warnings] };
}
