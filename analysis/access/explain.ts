/**
 * The explanation of one decision: who asked for what, which side of the evaluation allowed or denied
 * it by which statements, and which conditions were not met (keys only: values may be secrets).
 */
import type { RequestAnalysis } from "@cloud-copilot/iam-simulate";
import { otherLabel, type EveryResourceEvaluation } from "./multi-resource";
import type { Evaluation, Requester, Target } from "./simulate";

type Analysis = NonNullable<RequestAnalysis["identityAnalysis"]>;
type Stmt = Analysis["allowStatements"][number];

function stmtLabel(s: Stmt, policy: string | undefined): string {
    return `${policy ?? s.policyId ?? "policy"}#${s.explain.identifier}`;
}

/** Keys of conditions that failed in statements that otherwise applied (values omitted: they may be secrets). */
function failedConditionKeys(statements: Stmt[]): string[] {
    const keys = new Set<string>();
    for (const s of statements) {
        // A Deny whose condition does not hold is the good case; only report Allows that missed.
        if (
            s.explain.effect !== "Allow" ||
            !s.actionMatch ||
            !s.resourceMatch ||
            s.principalMatch === "NoMatch" ||
            s.conditionMatch === "Match"
        )
            continue;
        for (const c of s.explain.conditions ?? []) if (!c.matches) keys.add(c.conditionKeyValue);
    }
    return [...keys];
}

export function explain(req: Requester, action: string, target: Target, ev: Evaluation): string {
    const parts: string[] = [`${req.label} → ${action} on ${target.label}`];
    if (ev.error) {
        parts.push(`simulation failed: ${ev.error}`);
        return `${ev.decision}: ${parts.join("; ")}`;
    }
    const a = ev.analysis;
    if (!a) return `${ev.decision}: ${parts.join("; ")}`;
    parts.push(
        a.sameAccount ? "same account: identity OR resource policy may allow" : "cross-account: identity AND resource policy must allow",
    );
    const side = (
        name: string,
        an: { result: string; allowStatements: Stmt[]; denyStatements: Stmt[]; unmatchedStatements: Stmt[] } | undefined,
        policyLabel?: string,
    ) => {
        if (!an) return;
        if (an.denyStatements.length)
            parts.push(`${name}: denied by ${an.denyStatements.map((s) => stmtLabel(s, policyLabel)).join(", ")}`);
        else if (an.allowStatements.length) {
            const by = an.allowStatements.map((s) => stmtLabel(s, policyLabel)).join(", ");
            parts.push(
                an.result === "AllowedForAccount"
                    ? `${name}: ${by} allows the principal's account (its identity policies must allow too)`
                    : `${name}: allowed by ${by}`,
            );
        } else if (an.result !== "NotApplicable") parts.push(`${name}: no statement allows`);
        const failed = failedConditionKeys([...an.unmatchedStatements]);
        if (failed.length) parts.push(`${name}: conditions not met: ${failed.join(", ")}`);
    };
    if (req.kind === "outside" || req.kind === "root") parts.push("identity side assumed to allow");
    else side("identity policies", a.identityAnalysis);
    if (target.resourcePolicy) side(target.resourcePolicyLabel ?? "resource policy", a.resourceAnalysis, target.resourcePolicyLabel);
    else parts.push("no resource policy");
    side("permissions boundary", a.permissionBoundaryAnalysis);
    if (a.blockedBy?.length) parts.push(`blocked by: ${a.blockedBy.join(", ")}`);
    if (req.unresolved.length) parts.push(`not modelled (managed policies outside the plan): ${req.unresolved.join(", ")}`);
    return `${ev.decision}: ${parts.join("; ")}`;
}

/**
 * The explanation of an action authorized against several resources: the resource that denied (or the
 * required one nothing names) and why, else the granted resource's explanation and the others allowed.
 */
export function explainEvery(req: Requester, action: string, result: EveryResourceEvaluation): string {
    const [main, ...rest] = result.parts;
    if (result.denied) {
        const why = explain(req, action, result.denied.target, result.denied.evaluation);
        if (result.parts.length === 1) return why;
        const where = result.denied.other ? otherLabel(result.denied.other) : `${main.target.arn} (the resource asked about)`;
        return `${result.decision}: denied on ${where}: ${why.slice(why.indexOf(": ") + 2)}`;
    }
    if (result.unnamed.length > 0) {
        return (
            `${result.decision}: ${action} is also authorized against ${result.unnamed.map(otherLabel).join(", ")}; ` +
            "name it in the expectation's otherResources"
        );
    }
    const text = explain(req, action, main.target, main.evaluation);
    return rest.length === 0
        ? text
        : `${text}; also authorized against, and allowed on: ${rest.map((p) => otherLabel(p.other!)).join(", ")}`;
}
