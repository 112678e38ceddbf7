// Typed IAM policy documents. Components build these as plain objects and serialize them exactly
// once, through serializePolicy, so no JSON is ever assembled by string concatenation and secret
// inputs (an external ID, say) keep the whole document secret.
import * as pulumi from "@pulumi/pulumi";
import { DEFAULT_PARTITION, accountRootArn, parsePrincipalArn } from "./arn";
import { assertValidSid } from "./names";

export type PolicyEffect = "Allow" | "Deny";

export type ConditionOperator =
    | "StringEquals"
    | "StringNotEquals"
    | "StringLike"
    | "StringNotLike"
    | "StringEqualsIfExists"
    | "StringNotEqualsIfExists"
    | "StringLikeIfExists"
    | "ArnEquals"
    | "ArnNotEquals"
    | "ArnLike"
    | "ArnNotLike"
    | "Bool"
    | "BoolIfExists"
    | "NumericEquals"
    | "NumericLessThan"
    | "NumericLessThanEquals"
    | "NumericGreaterThan"
    | "NumericGreaterThanEquals"
    | "IpAddress"
    | "NotIpAddress"
    | "DateGreaterThan"
    | "DateLessThan"
    | "Null"
    | "ForAnyValue:StringEquals"
    | "ForAnyValue:StringLike"
    | "ForAllValues:StringEquals"
    | "ForAllValues:StringLike";

export type ConditionValue = pulumi.Input<string> | pulumi.Input<string>[];
export type ConditionBlock = Partial<Record<ConditionOperator, Record<string, ConditionValue>>>;

export interface PolicyPrincipal {
    AWS?: pulumi.Input<string> | pulumi.Input<string>[];
    Service?: string | string[];
    Federated?: pulumi.Input<string>;
}

export interface PolicyStatement {
    Sid?: string;
    Effect: PolicyEffect;
    Principal?: PolicyPrincipal;
    Action: string | string[];
    Resource?: pulumi.Input<string> | pulumi.Input<string>[];
    Condition?: ConditionBlock;
}

export interface PolicyDocument {
    Version: "2012-10-17";
    Statement: PolicyStatement[];
}

export const POLICY_VERSION = "2012-10-17";
export const ASSUME_ROLE_ACTION = "sts:AssumeRole";

/**
 * A key policy's first statement, after AWS's default key policy: the owning account administers the key
 * through IAM. Without it nobody could manage the key, not even to fix its policy.
 */
export function keyAdministrationStatement(accountId: string, partition?: string): PolicyStatement {
    return {
        Sid: "EnableIamUserPermissions",
        Effect: "Allow",
        Principal: { AWS: accountRootArn(accountId, partition) },
        Action: "kms:*",
        Resource: "*",
    };
}

export function policyDocument(statements: PolicyStatement[]): PolicyDocument {
    if (statements.length === 0) {
        throw new Error("A policy document needs at least one statement");
    }
    const sids = statements.map((s) => s.Sid).filter((sid): sid is string => sid !== undefined);
    for (const sid of sids) {
        assertValidSid(sid);
    }
    const duplicate = sids.find((sid, index) => sids.indexOf(sid) !== index);
    if (duplicate !== undefined) {
        throw new Error(`Duplicate statement Sid "${duplicate}": Sids must be unique within a policy`);
    }
    return { Version: POLICY_VERSION, Statement: statements };
}

/**
 * The one place a policy becomes JSON. Nested Outputs are lifted, so the result is unknown during
 * preview if any part is, and secret if any part is secret. Undefined fields are dropped by
 * JSON.stringify, so optional statement fields never appear as nulls.
 */
export function serializePolicy(doc: PolicyDocument): pulumi.Output<string> {
    return pulumi.jsonStringify(doc);
}

// ---------------------------------------------------------------------------------------------
// Helpers shared by the builders.

export function hasWildcard(value: string): boolean {
    return value.includes("*") || value.includes("?");
}

/** Sorted and de-duplicated, so the rendered policy does not change with input order. */
export function sortedUnique(values: Iterable<string>): string[] {
    return [...new Set(values)].sort();
}

// ---------------------------------------------------------------------------------------------
// Condition helpers.

/**
 * Narrows a principal to specific ARNs. ArnLike when any ARN has a wildcard; otherwise ArnEquals,
 * which cannot be widened by a stray `*`. Mixing both operators on one key would AND them, so a
 * single operator covers the whole list.
 */
export function principalArnCondition(arns: string[]): ConditionBlock {
    const values = sortedUnique(arns);
    const operator: ConditionOperator = values.some(hasWildcard) ? "ArnLike" : "ArnEquals";
    return { [operator]: { "aws:PrincipalArn": values } };
}

/**
 * How a resource policy grants exact roles: their accounts' roots in Principal, narrowed by aws:PrincipalArn.
 * It works before the roles exist and keeps working when they are recreated, where a role ARN in Principal
 * is refused ("Invalid principal") or stops matching.
 */
export function accountRootsNarrowedTo(
    principalArns: string[],
    partition = DEFAULT_PARTITION,
): { principal: PolicyPrincipal; condition: ConditionBlock } {
    return {
        principal: { AWS: sortedUnique(principalArns.map((arn) => accountRootArn(parsePrincipalArn(arn).accountId, partition))) },
        condition: principalArnCondition(principalArns),
    };
}

/**
 * Merges condition blocks (all of which must hold). Two blocks giving the same operator and key
 * would silently OR their values if combined, widening access, so that is refused instead.
 */
export function mergeConditions(...blocks: (ConditionBlock | undefined)[]): ConditionBlock | undefined {
    const merged: ConditionBlock = {};
    for (const block of blocks) {
        if (!block) continue;
        for (const [operator, keys] of Object.entries(block) as [ConditionOperator, Record<string, ConditionValue>][]) {
            if (!keys || Object.keys(keys).length === 0) continue;
            const target = (merged[operator] ??= {});
            for (const [key, value] of Object.entries(keys)) {
                if (key in target) {
                    throw new Error(`Conflicting condition: ${operator} ${key} is given twice`);
                }
                target[key] = value;
            }
        }
    }
    return Object.keys(merged).length > 0 ? merged : undefined;
}

// ---------------------------------------------------------------------------------------------
// Size limits. Compact JSON has no whitespace outside strings, so its length is what IAM counts.

/**
 * A document larger than AWS accepts: an organization too large for the design, not a bug. A RunError, so the
 * Pulumi CLI prints the message without a stack trace; the offline plan exits 2 with it.
 */
export class DocumentTooLargeError extends pulumi.RunError {
    constructor(
        readonly document: string,
        readonly size: number,
        readonly limit: number,
    ) {
        super(`${document} is ${size} characters, over the ${limit}-character limit`);
        this.name = "DocumentTooLargeError";
    }
}

/**
 * Passes the serialized policy through unchanged, failing (or warning, for quotas an account can
 * raise) when it exceeds `limit` characters. Checked on the resolved JSON because ARNs may be
 * Outputs.
 */
export function checkPolicySize(
    json: pulumi.Output<string>,
    limit: number,
    what: string,
    mode: "error" | "warn" = "error",
): pulumi.Output<string> {
    return json.apply((text) => {
        if (text.length > limit) {
            const error = new DocumentTooLargeError(what, text.length, limit);
            if (mode === "error") {
                throw error;
            }
            void pulumi.log.warn(error.message);
        }
        return text;
    });
}

/** The document serialized once (serializePolicy), its size checked against `limit` (checkPolicySize). */
export function serializeWithinLimit(
    document: PolicyDocument,
    limit: number,
    what: string,
    mode: "error" | "warn" = "error",
): pulumi.Output<string> {
    return checkPolicySize(serializePolicy(document), limit, what, mode);
}
