/**
 * One action against every resource AWS authorizes it against: the resource the question is about and the
 * other required resource types of the action (resource-types.ts). The request is allowed only when each
 * one is; the first resource that denies is what the explanation and the matrix name.
 */
import { parseArn } from "../../policy-pack/lib/iam";
import type { AccessModel } from "./model";
import type { OtherResource } from "./resource-types";
import { evaluate, resolveTarget, type Evaluation, type Requester, type SimulationMode, type Target } from "./simulate";
import type { AccessDecision } from "./types";

export interface ResourceEvaluation {
    target: Target;
    evaluation: Evaluation;
    /** The other required resource this part is about; undefined for the resource the question names. */
    other?: OtherResource;
}

export interface EveryResourceEvaluation {
    decision: AccessDecision;
    /** The resource the question names first, then the others, each with its evaluation. */
    parts: ResourceEvaluation[];
    /** Required resources the request must name but nothing did (a restore's DB instance). */
    unnamed: OtherResource[];
    /** The first part that did not allow, when the decision is not Allowed. */
    denied?: ResourceEvaluation;
}

/** How a required resource is shown: its type and ARN, and where that ARN came from. */
export function otherLabel(other: OtherResource): string {
    const where = { named: "named by the question", policy: "as the principal's policy names it", default: "AWS's default" }[other.source];
    return other.arn ? `${other.type.name} ${other.arn} (${where})` : `a ${other.type.name} (${other.type.template}), which nothing names`;
}

function otherTarget(model: AccessModel, action: string, other: OtherResource & { arn: string }): Target {
    const known = resolveTarget(model, other.arn, action);
    if (known) return known;
    return { arn: other.arn, accountId: parseArn(other.arn)?.account ?? "", label: otherLabel(other) };
}

export async function evaluateOnEveryResource(
    model: AccessModel,
    req: Requester,
    action: string,
    target: Target,
    others: OtherResource[],
    mode: SimulationMode,
    context: Record<string, string>,
): Promise<EveryResourceEvaluation> {
    const parts: ResourceEvaluation[] = [{ target, evaluation: await evaluate(req, action, target, mode, context) }];
    const unnamed = others.filter((o) => o.arn === undefined);
    for (const other of others) {
        if (other.arn === undefined) continue;
        const t = otherTarget(model, action, other as OtherResource & { arn: string });
        parts.push({ target: t, other, evaluation: await evaluate(req, action, t, mode, context) });
    }
    const explicit = parts.find((p) => p.evaluation.decision === "ExplicitlyDenied");
    const denied = explicit ?? parts.find((p) => p.evaluation.decision !== "Allowed");
    const decision: AccessDecision = explicit ? "ExplicitlyDenied" : denied || unnamed.length > 0 ? "ImplicitlyDenied" : "Allowed";
    return { decision, parts, unnamed, ...(denied ? { denied } : {}) };
}
