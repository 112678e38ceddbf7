/**
 * Lambda functions and their permissions. AWS keeps no policy document for a function: each
 * AddPermission call (an aws.lambda.Permission) adds one statement, and the function's policy is the
 * list of them. The model builds that policy the same way.
 */
import { ACCOUNT_ID, isServicePrincipal, rootArn } from "../../../policy-pack/lib/iam";
import { aws } from "../../../policy-pack/lib/resource-types";
import type { AccessModel, ResourceNode, ResourceNodeType } from "../model";
import type { PlannedResource } from "../types";
import { namedResourceKind, str } from "./kind";

type Json = Record<string, unknown>;

/** Statements AddPermission would add to each function's policy, by function ARN, per model. */
const pending = new WeakMap<AccessModel, Map<string, Json[]>>();

const FUNCTION: ResourceNodeType = { kind: "function", service: "lambda", prefix: "function:" };

/**
 * The function a permission's `function` input names: a name, `name:qualifier`, a partial or a full ARN.
 * A name is resolved in the account of the permission's provider, not of the stack holding it: a caller's
 * stack adds its permission to a function of another account through that account's provider.
 */
function lambdaTarget(model: AccessModel, r: PlannedResource, ref: string): { node: ResourceNode; resource: string } | undefined {
    const partition = r.partition ?? "aws";
    const full = ref.startsWith("arn:")
        ? ref
        : /^\d{12}:function:/.test(ref)
          ? `arn:${partition}:lambda:${r.region}:${ref}`
          : `arn:${partition}:lambda:${r.region}:${r.accountId}:function:${ref}`;
    const parts = full.split(":");
    if (parts.length < 7 || parts[2] !== "lambda" || parts[5] !== "function") return undefined;
    const base = parts.slice(0, 7).join(":");
    const byName = model.resources.find((n) => n.kind === "function" && n.accountId === r.accountId && n.name === parts[6]);
    const node =
        model.resourcesByArn.get(base) ??
        byName ??
        model.addResource(FUNCTION, { ...r, accountId: parts[4] || r.accountId, region: parts[3] || r.region }, base, parts[6], true);
    return { node, resource: parts.length > 7 ? `${node.arn}:${parts[7]}` : node.arn };
}

/**
 * The statement AddPermission adds for an aws.lambda.Permission: a service, an account (as its root)
 * or an ARN as principal, and its source, organization and function URL conditions.
 */
function addLambdaPermission(model: AccessModel, r: PlannedResource): void {
    const i = r.inputs;
    const ref = str(i.function);
    const principal = str(i.principal);
    const target = ref && lambdaTarget(model, r, ref);
    if (!target || !principal) {
        model.warnings.push(`${r.urn}: lambda permission without a known function or principal; ignored`);
        return;
    }
    const qualifier = str(i.qualifier);
    const resource = qualifier ? `${target.node.arn}:${qualifier}` : target.resource;
    const principalJson =
        principal === "*"
            ? "*"
            : isServicePrincipal(principal)
              ? { Service: principal }
              : { AWS: ACCOUNT_ID.test(principal) ? rootArn(principal, target.node.partition) : principal };
    const stringEquals: Record<string, string> = {};
    if (str(i.sourceAccount)) stringEquals["AWS:SourceAccount"] = str(i.sourceAccount)!;
    if (str(i.principalOrgId)) stringEquals["aws:PrincipalOrgID"] = str(i.principalOrgId)!;
    if (str(i.functionUrlAuthType)) stringEquals["lambda:FunctionUrlAuthType"] = str(i.functionUrlAuthType)!;
    if (str(i.eventSourceToken)) stringEquals["lambda:EventSourceToken"] = str(i.eventSourceToken)!;
    const condition: Json = {
        ...(Object.keys(stringEquals).length > 0 ? { StringEquals: stringEquals } : {}),
        ...(str(i.sourceArn) ? { ArnLike: { "AWS:SourceArn": str(i.sourceArn) } } : {}),
    };
    const statement: Json = {
        Sid: str(i.statementId) ?? str(r.outputs.statementId) ?? r.name,
        Effect: "Allow",
        Principal: principalJson,
        Action: str(i.action) ?? "lambda:InvokeFunction",
        Resource: resource,
        ...(Object.keys(condition).length > 0 ? { Condition: condition } : {}),
    };
    const byFunction = pending.get(model) ?? pending.set(model, new Map()).get(model)!;
    const list = byFunction.get(target.node.arn) ?? [];
    list.push(statement);
    byFunction.set(target.node.arn, list);
}

function finish(model: AccessModel): void {
    for (const [arn, statements] of pending.get(model) ?? []) {
        const node = model.resourcesByArn.get(arn)!;
        node.policy = model.makePolicy(`${arn} function policy`, { Version: "2012-10-17", Statement: statements }, "resource");
    }
    pending.delete(model);
}

export const lambda = namedResourceKind(
    "lambda",
    { type: aws.lambda.Function, indexedAs: FUNCTION },
    { type: aws.lambda.Permission, attach: addLambdaPermission },
    finish,
);
