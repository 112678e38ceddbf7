// AWS's published limits, named once. Sources: IAM User Guide, "IAM and AWS STS quotas" (names, paths,
// policy sizes); Amazon S3 User Guide, "Bucket policy" size; Amazon ECR quotas (repository policy);
// AWS KMS Developer Guide, "Key policies" (size); Amazon SNS API reference (topic policy); CloudWatch
// Logs API reference, PutRetentionPolicy and PutMetricFilter; AWS Lambda quotas (memory, timeout); Amazon RDS
// User Guide, "Sharing a DB snapshot" (accounts per snapshot).
// Policy sizes are characters of compact JSON, which is what IAM counts.

export const IAM_LIMITS = {
    roleName: 64,
    /** Users, groups and policies. */
    name: 128,
    path: 512,
    /** The default trust-policy quota; accounts can raise it (to 4,096), so exceeding it only warns. */
    trustPolicy: 2048,
    /** Aggregate inline policies per identity. */
    roleInlinePolicies: 10240,
    userInlinePolicies: 2048,
    groupInlinePolicies: 5120,
} as const;

export const RESOURCE_POLICY_LIMITS = {
    s3Bucket: 20 * 1024,
    ecrRepository: 10240,
    kmsKey: 32 * 1024,
    snsTopic: 30720,
} as const;

/**
 * Accounts a manual DB snapshot can be shared with (Amazon RDS User Guide, "Sharing a DB snapshot": "You can
 * share a manual snapshot with up to 20 other AWS accounts"). It also bounds the snapshot key's policy.
 */
export const RDS_SNAPSHOT_SHARE_ACCOUNTS = 20;

/** A CloudWatch Logs metric filter pattern. */
export const FILTER_PATTERN_LIMIT = 1024;

export const LAMBDA_LIMITS = {
    minMemoryMb: 128,
    maxMemoryMb: 10240,
    maxTimeoutSeconds: 900,
} as const;

/** The retention periods CloudWatch Logs accepts (PutRetentionPolicy). */
export const LOG_RETENTION_DAYS = [
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/**
 * STS sessions. AssumeRole DurationSeconds runs from 900 seconds to the role's MaxSessionDuration (STS API
 * reference, AssumeRole), which is one hour unless set (IAM API reference, CreateRole) and at most 12 hours;
 * a role session assuming another role (role chaining) gets at most one hour (IAM User Guide, "Methods to
 * assume a role": role chaining).
 */
export const STS_LIMITS = {
    minSessionSeconds: 900,
    defaultMaxSessionSeconds: 3600,
    maxSessionSeconds: 43200,
    chainedSessionSeconds: 3600,
} as const;
