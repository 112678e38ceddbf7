// Which condition keys scope a service principal in a resource policy to the requests made for the
// organization's own resources (IAM User Guide, "The confused deputy problem" / "Cross-service confused
// deputy prevention"). A service acting on behalf of any account would otherwise let every AWS customer
// make it write to, read from or use this resource.

/** The global keys AWS services set on the requests they make for a resource owner. */
export const SOURCE_KEYS = ["aws:SourceArn", "aws:SourceAccount", "aws:SourceOrgID", "aws:SourceOrgPaths"];

export interface ServiceScoping {
    /** Keys that scope this service's requests; any one of them, with a concrete value, is enough. */
    keys: string[];
    /** Further keys that scope it in a KMS key policy (an encryption context AWS documents for the service). */
    keyPolicyKeys?: string[];
    /** Where AWS documents them. */
    source: string;
}

/**
 * Services whose scoping keys differ from the global default (SOURCE_KEYS), or that the organization uses
 * often enough to say where AWS documents it. Patterns match regional principals (`logs.<region>.amazonaws.com`).
 */
const SERVICE_SCOPING: { principal: RegExp; scoping: ServiceScoping }[] = [
    {
        // In a key policy AWS also documents the encryption context naming the trails as the scope.
        principal: /^cloudtrail\.amazonaws\.com$/,
        scoping: {
            keys: SOURCE_KEYS,
            keyPolicyKeys: ["kms:EncryptionContext:aws:cloudtrail:arn"],
            source: "CloudTrail User Guide, Amazon S3 bucket policy for CloudTrail; Configure AWS KMS key policies for CloudTrail",
        },
    },
    {
        principal: /^config\.amazonaws\.com$/,
        scoping: {
            keys: SOURCE_KEYS,
            source: "AWS Config Developer Guide, Permissions for the Amazon S3 bucket for the AWS Config delivery channel",
        },
    },
    {
        principal: /^delivery\.logs\.amazonaws\.com$/,
        scoping: { keys: ["aws:SourceArn", "aws:SourceAccount"], source: "CloudWatch Logs User Guide, Enabling logging from AWS services" },
    },
    {
        principal: /^logging\.s3\.amazonaws\.com$/,
        scoping: {
            keys: ["aws:SourceArn", "aws:SourceAccount"],
            source: "Amazon S3 User Guide, Permissions for log delivery (server access logging)",
        },
    },
    {
        principal: /^cloudwatch\.amazonaws\.com$/,
        scoping: {
            keys: ["aws:SourceArn", "aws:SourceAccount"],
            source: "Amazon SNS Developer Guide, Cross-service confused deputy prevention",
        },
    },
    {
        principal: /^cloudfront\.amazonaws\.com$/,
        scoping: {
            keys: ["aws:SourceArn", "aws:SourceAccount"],
            source: "CloudFront Developer Guide, Restricting access to an Amazon S3 origin (OAC)",
        },
    },
    {
        // Exception: CloudWatch Logs encrypting a log group names the log group in the encryption context,
        // which is how AWS documents scoping its key policy statement.
        principal: /^logs\.[a-z0-9-]+\.amazonaws\.com$/,
        scoping: {
            keys: SOURCE_KEYS,
            keyPolicyKeys: ["kms:EncryptionContext:aws:logs:arn"],
            source: "CloudWatch Logs User Guide, Encrypt log data in CloudWatch Logs using AWS KMS (kms:EncryptionContext:aws:logs:arn)",
        },
    },
];

const DEFAULT_SCOPING: ServiceScoping = { keys: SOURCE_KEYS, source: "IAM User Guide, Cross-service confused deputy prevention" };

/** How a service principal's grant is scoped to the resource owner's requests. */
export function serviceScoping(principal: string): ServiceScoping {
    return SERVICE_SCOPING.find((entry) => entry.principal.test(principal.toLowerCase()))?.scoping ?? DEFAULT_SCOPING;
}
