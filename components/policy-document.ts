// Typed IAM policy documents. Components build these as plain objects and serialize them exactly
// once, through serializePolicy, so no JSON is ever assembled by string concatenation and secret
// inputs (an external ID, say) keep the whole document secret.
import * as pulumi from "@pulumi/pulumi";

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
    Federated?: string;
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
export const DEFAULT_PARTITION = "aws";
export const ASSUME_ROLE_ACTION = "sts:AssumeRole";

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
// Validation helpers shared by the components.

const ACCOUNT_ID = /^\d{12}$/;
const IAM_NAME = /^[\w+=,.@-]+$/;
const IAM_PATH = /^\/(?:[\x21-\x7E]+\/)?$/;
// Sids in identity policies are limited to ASCII letters and digits; using the same rule for
// resource policies keeps statements portable between the two.
const SID = /^[A-Za-z0-9]+$/;

export function assertAccountId(accountId: string, what = "account ID"): void {
    if (!ACCOUNT_ID.test(accountId)) {
        throw new Error(`Invalid ${what} "${accountId}": must be 12 digits`);
    }
}

export function assertValidSid(sid: string): void {
    if (!SID.test(sid)) {
        throw new Error(`Invalid statement Sid "${sid}": only ASCII letters and digits are allowed`);
    }
}

/** IAM names (roles, policies, users, groups): `[\w+=,.@-]`, 1 to `maxLength` characters. */
export function assertIamName(value: string, what: string, maxLength: number): void {
    if (value.length < 1 || value.length > maxLength || !IAM_NAME.test(value)) {
        throw new Error(
            `Invalid ${what} "${value}": must be 1-${maxLength} characters of letters, digits and + = , . @ _ -`,
        );
    }
}

export function assertIamPath(path: string): void {
    if (path.length > 512 || !IAM_PATH.test(path)) {
        throw new Error(`Invalid IAM path "${path}": must start and end with "/" (for example /crossaccount/), at most 512 characters`);
    }
}

/** The retention periods CloudWatch Logs accepts (PutRetentionPolicy). */
export const LOG_RETENTION_DAYS = [
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

export function assertLogRetention(days: number, what: string): void {
    if (!(LOG_RETENTION_DAYS as readonly number[]).includes(days)) {
        throw new Error(`Invalid retention of ${days} days for ${what}: CloudWatch Logs accepts ${LOG_RETENTION_DAYS.join(", ")}`);
    }
}

export function hasWildcard(value: string): boolean {
    return value.includes("*") || value.includes("?");
}

/** Sorted and de-duplicated, so the rendered policy does not change with input order. */
export function sortedUnique(values: Iterable<string>): string[] {
    return [...new Set(values)].sort();
}

// ---------------------------------------------------------------------------------------------
// ARN builders and parsers.

export function accountRootArn(accountId: string, partition = DEFAULT_PARTITION): string {
    assertAccountId(accountId);
    return `arn:${partition}:iam::${accountId}:root`;
}

export function roleArn(accountId: string, roleName: string, path = "/", partition = DEFAULT_PARTITION): string {
    assertAccountId(accountId);
    assertIamPath(path);
    assertIamName(roleName, "role name", 64);
    return `arn:${partition}:iam::${accountId}:role${path}${roleName}`;
}

export function bucketArn(bucketName: string, partition = DEFAULT_PARTITION): string {
    return `arn:${partition}:s3:::${bucketName}`;
}

/** Objects under `prefix` (every object when no prefix): `arn:aws:s3:::bucket/prefix*`. */
export function objectsArn(bucketName: string, prefix = "", partition = DEFAULT_PARTITION): string {
    return `${bucketArn(bucketName, partition)}/${prefix}*`;
}

export function trailArn(region: string, accountId: string, trailName: string, partition = DEFAULT_PARTITION): string {
    assertAccountId(accountId);
    return `arn:${partition}:cloudtrail:${region}:${accountId}:trail/${trailName}`;
}

export function lambdaFunctionArn(region: string, accountId: string, functionName: string, partition = DEFAULT_PARTITION): string {
    assertAccountId(accountId);
    return `arn:${partition}:lambda:${region}:${accountId}:function:${functionName}`;
}

export function ecrRepositoryArn(region: string, accountId: string, repositoryName: string, partition = DEFAULT_PARTITION): string {
    assertAccountId(accountId);
    return `arn:${partition}:ecr:${region}:${accountId}:repository/${repositoryName}`;
}

export function rdsSnapshotArn(region: string, accountId: string, snapshotIdentifier: string, partition = DEFAULT_PARTITION): string {
    assertAccountId(accountId);
    return `arn:${partition}:rds:${region}:${accountId}:snapshot:${snapshotIdentifier}`;
}

/** Without the `:*` suffix, as the provider reports log group ARNs. */
export function logGroupArn(region: string, accountId: string, logGroupName: string, partition = DEFAULT_PARTITION): string {
    assertAccountId(accountId);
    return `arn:${partition}:logs:${region}:${accountId}:log-group:${logGroupName}`;
}

const SERVICE_PRINCIPAL = /^[a-z0-9.-]+\.amazonaws\.com(\.cn)?$/;

export function isServicePrincipal(principal: string): boolean {
    return SERVICE_PRINCIPAL.test(principal);
}

const IAM_PRINCIPAL_ARN = /^arn:([a-z-]+):(?:iam|sts)::(\d{12}):(root|(?:role|user|assumed-role|federated-user)\/.+)$/;

export interface ParsedPrincipalArn {
    partition: string;
    accountId: string;
    resource: string;
}

/** Parses an IAM/STS principal ARN; throws when it is not one (the account is needed for trust). */
export function parsePrincipalArn(arn: string): ParsedPrincipalArn {
    const match = IAM_PRINCIPAL_ARN.exec(arn);
    if (!match) {
        throw new Error(
            `Invalid principal ARN "${arn}": expected arn:<partition>:iam::<12-digit account>:role/<name> (or user/, root)`,
        );
    }
    return { partition: match[1], accountId: match[2], resource: match[3] };
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
            const message = `${what} is ${text.length} characters, over the ${limit}-character limit`;
            if (mode === "error") {
                throw new Error(message);
            }
            void pulumi.log.warn(message);
        }
        return text;
    });
}
