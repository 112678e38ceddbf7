// ARN builders and parsers. Every ARN the program names is built here, from the account, region and
// partition it belongs to, so no ARN is assembled by hand elsewhere.
import { assertAccountId, assertIamName, assertIamPath } from "./names";
import { IAM_LIMITS } from "./limits";

export const DEFAULT_PARTITION = "aws";

export function accountRootArn(accountId: string, partition = DEFAULT_PARTITION): string {
    assertAccountId(accountId);
    return `arn:${partition}:iam::${accountId}:root`;
}

export function roleArn(accountId: string, roleName: string, path = "/", partition = DEFAULT_PARTITION): string {
    assertAccountId(accountId);
    assertIamPath(path);
    assertIamName(roleName, "role name", IAM_LIMITS.roleName);
    return `arn:${partition}:iam::${accountId}:role${path}${roleName}`;
}

export function bucketArn(bucketName: string, partition = DEFAULT_PARTITION): string {
    return `arn:${partition}:s3:::${bucketName}`;
}

/** Objects under `prefix` (every object when no prefix): `arn:aws:s3:::bucket/prefix*`. */
export function objectsArn(bucketName: string, prefix = "", partition = DEFAULT_PARTITION): string {
    return `${bucketArn(bucketName, partition)}/${prefix}*`;
}

/** `arn:<partition>:<service>:<region>:<account>:<resource>`, for services whose resources live in a region and an account. */
export function regionalArn(service: string, region: string, accountId: string, resource: string, partition = DEFAULT_PARTITION): string {
    assertAccountId(accountId);
    return `arn:${partition}:${service}:${region}:${accountId}:${resource}`;
}

export function trailArn(region: string, accountId: string, trailName: string, partition = DEFAULT_PARTITION): string {
    return regionalArn("cloudtrail", region, accountId, `trail/${trailName}`, partition);
}

export function lambdaFunctionArn(region: string, accountId: string, functionName: string, partition = DEFAULT_PARTITION): string {
    return regionalArn("lambda", region, accountId, `function:${functionName}`, partition);
}

export function ecrRepositoryArn(region: string, accountId: string, repositoryName: string, partition = DEFAULT_PARTITION): string {
    return regionalArn("ecr", region, accountId, `repository/${repositoryName}`, partition);
}

/** The RDS resource types an ARN names (Service Authorization Reference: db, og, pg, subgrp, snapshot). */
export type RdsResourceType = "db" | "og" | "pg" | "subgrp" | "snapshot";

/** `arn:<partition>:rds:<region>:<account>:<type>:<name>`; `name` may be a pattern such as `integration-*`. */
export function rdsArn(type: RdsResourceType, region: string, accountId: string, name: string, partition = DEFAULT_PARTITION): string {
    return regionalArn("rds", region, accountId, `${type}:${name}`, partition);
}

export function rdsSnapshotArn(region: string, accountId: string, snapshotIdentifier: string, partition = DEFAULT_PARTITION): string {
    return rdsArn("snapshot", region, accountId, snapshotIdentifier, partition);
}

/**
 * The names RDS gives the groups a restore uses when the request names none (RDS User Guide, "Working
 * with option groups / parameter groups", "Working with a DB instance in a VPC"): the engine's default
 * option group `default:<engine>-<version>`, its default parameter group `default.<family>`, and the
 * default VPC's subnet group `default`.
 */
export const RDS_DEFAULT_GROUP_NAMES: Readonly<Record<"og" | "pg" | "subgrp", string>> = {
    og: "default:*",
    pg: "default.*",
    subgrp: "default",
};

/** The endpoint KMS sees in kms:ViaService when RDS uses a key for a caller in that region. */
export function rdsViaService(region: string): string {
    return `rds.${region}.amazonaws.com`;
}

const KMS_KEY_ARN = /^arn:[a-z-]+:kms:([a-z0-9-]+):(\d{12}):key\/[A-Za-z0-9-]+$/;

/** The region and account of a KMS key ARN (`arn:<partition>:kms:<region>:<account>:key/<id>`), else undefined. */
export function parseKmsKeyArn(arn: string): { region: string; accountId: string } | undefined {
    const match = KMS_KEY_ARN.exec(arn);
    return match ? { region: match[1], accountId: match[2] } : undefined;
}

/** Without the `:*` suffix, as the provider reports log group ARNs. */
export function logGroupArn(region: string, accountId: string, logGroupName: string, partition = DEFAULT_PARTITION): string {
    return regionalArn("logs", region, accountId, `log-group:${logGroupName}`, partition);
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
        throw new Error(`Invalid principal ARN "${arn}": expected arn:<partition>:iam::<12-digit account>:role/<name> (or user/, root)`);
    }
    return { partition: match[1], accountId: match[2], resource: match[3] };
}
