// Rules for CloudTrail: every stack records API activity, completely and tamper-evidently.
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { LocatedDocument, at, documentsOf } from "./lib/documents";
import { hasNarrowingCondition, isAllow } from "./lib/iam";
import { companionsByBucket, groupByOwner, nameOf, ofClass } from "./lib/relations";
import { BUCKET_CLASSES, aws } from "./lib/resource-types";
import { StackEntry, StackFinding, resourceRule, stackRule } from "./lib/rule-kit";
import { ValueRecord, asBoolean, isUnknown } from "./lib/values";

const CLOUDTRAIL_SERVICE = "cloudtrail.amazonaws.com";

export const cloudTrailRequired = stackRule({
    name: "cloudtrail-required",
    description:
        "Every stack that deploys AWS resources has a CloudTrail trail with logging enabled. " +
        "Checkov CKV_AWS_251; AWS Config MULTI_REGION_CLOUD_TRAIL_ENABLED.",
    check: (entries) => {
        if (!entries.some((entry) => entry.type.startsWith("aws:"))) return [];
        const trails = ofClass(entries, [aws.cloudtrail.Trail]);
        if (trails.some((trail) => asBoolean(trail.props.enableLogging, true) !== false)) return [];
        return [
            {
                message:
                    trails.length === 0
                        ? "The stack has no CloudTrail trail, so API activity (including cross-account AssumeRole calls) is not recorded. " +
                          "Fix: add an aws.cloudtrail.Trail with isMultiRegionTrail, includeGlobalServiceEvents and enableLogFileValidation set to true."
                        : "Every CloudTrail trail of the stack has enableLogging set to false. Fix: set enableLogging to true (the default).",
            },
        ];
    },
});

/** A rule over one trail's settings. */
function trailRule(spec: {
    name: string;
    description: string;
    enforcementLevel?: "advisory";
    check: (context: { props: ValueRecord }) => string[];
}): ResourceValidationPolicy {
    return resourceRule({ ...spec, appliesTo: [aws.cloudtrail.Trail] });
}

/**
 * A flag that must be true: a finding when it is false, or left unset where the provider's default is false.
 * Unknown values pass.
 */
function flagOff(props: ValueRecord, flag: string, providerDefault: boolean, consequence: string): string[] {
    return asBoolean(props[flag], providerDefault) === false
        ? [`${flag} ${providerDefault ? "is false" : "is not true"}, so ${consequence}. Fix: set ${flag} to true.`]
        : [];
}

/** A setting that should be given: a finding when it is empty. Unknown values pass. */
function settingUnset(props: ValueRecord, setting: string, consequence: string, fix: string): string[] {
    const value = props[setting];
    const unset = !isUnknown(value) && (value === undefined || value === null || value === "");
    return unset ? [`${setting} is not set, so ${consequence}. Fix: ${fix}`] : [];
}

export const cloudTrailMultiRegion = trailRule({
    name: "cloudtrail-multi-region",
    description:
        "Trails are multi-region and include global service events (IAM and STS events are global). " +
        "Checkov CKV_AWS_67; AWS Config MULTI_REGION_CLOUD_TRAIL_ENABLED.",
    check: ({ props }) => [
        ...flagOff(props, "isMultiRegionTrail", false, "the trail records only the region it is created in"),
        ...flagOff(props, "includeGlobalServiceEvents", true, "IAM and STS events such as cross-account AssumeRole calls are not recorded"),
    ],
});

export const cloudTrailLogFileValidation = trailRule({
    name: "cloudtrail-log-file-validation",
    description:
        "Trails validate log files, so tampering with delivered logs is detectable. " +
        "Checkov CKV_AWS_36; AWS Config CLOUD_TRAIL_LOG_FILE_VALIDATION_ENABLED.",
    check: ({ props }) => flagOff(props, "enableLogFileValidation", false, "changes to delivered log files go unnoticed"),
});

export const cloudTrailKmsEncryption = trailRule({
    name: "cloudtrail-kms-encryption",
    description: "Advisory: trails encrypt log files with a customer managed KMS key. Checkov CKV_AWS_35.",
    enforcementLevel: "advisory",
    check: ({ props }) =>
        settingUnset(
            props,
            "kmsKeyId",
            "log files are encrypted with S3-managed keys only",
            "set kmsKeyId to a customer managed KMS key whose key policy allows cloudtrail.amazonaws.com to use it.",
        ),
});

export const cloudTrailCloudWatchLogs = trailRule({
    name: "cloudtrail-cloudwatch-logs",
    description: "Advisory: trails deliver to CloudWatch Logs for near-real-time alerting. Checkov CKV2_AWS_10.",
    enforcementLevel: "advisory",
    check: ({ props }) =>
        settingUnset(
            props,
            "cloudWatchLogsGroupArn",
            "trail events cannot drive alarms",
            'set cloudWatchLogsGroupArn (the log group ARN ending in ":*") and cloudWatchLogsRoleArn.',
        ),
});

/** Bucket policy documents of one bucket: its BucketPolicy resources and its inline policy. */
function bucketPolicyDocuments(bucket: StackEntry, policies: StackEntry[]): { entry: StackEntry; located: LocatedDocument }[] {
    return [bucket, ...policies].flatMap((entry) =>
        documentsOf(entry.type, entry.props)
            .filter((located) => located.document.state !== "absent")
            .map((located) => ({ entry, located })),
    );
}

function trailBucketFindings(bucket: StackEntry, policies: StackEntry[]): StackFinding[] {
    const documents = bucketPolicyDocuments(bucket, policies);
    // A policy that is not known yet cannot be judged at preview; the update's analysis will.
    if (documents.some(({ located }) => located.document.state === "unknown")) return [];
    const grants = documents.flatMap(({ entry, located }) =>
        located.document.state !== "parsed"
            ? []
            : located.document.statements
                  .filter((statement) => isAllow(statement) && statement.principal?.byType.Service.values.includes(CLOUDTRAIL_SERVICE))
                  .map((statement) => ({ entry, located, statement })),
    );
    const name = nameOf(bucket, "bucket");
    if (grants.length === 0) {
        return [
            {
                urn: bucket.urn,
                message:
                    `trail bucket "${name}" has no bucket policy statement for ${CLOUDTRAIL_SERVICE}, so the trail cannot deliver logs ` +
                    "(InsufficientS3BucketPolicyException). Fix: add a BucketPolicy allowing s3:GetBucketAcl on the bucket and s3:PutObject on " +
                    "AWSLogs/<account-id>/* for cloudtrail.amazonaws.com, scoped with aws:SourceArn, and make the trail depend on it.",
            },
        ];
    }
    return (
        grants
            // aws:SourceOrgID admits the trails of one organization only: what a central bucket of many accounts uses.
            .filter(({ statement }) => !hasNarrowingCondition(statement, ["aws:SourceArn", "aws:SourceAccount", "aws:SourceOrgID"]))
            .map(({ entry, located, statement }) => ({
                urn: entry.urn,
                message:
                    `${at(located, statement)}: lets ${CLOUDTRAIL_SERVICE} use trail bucket "${name}" without an aws:SourceArn, ` +
                    "aws:SourceAccount or aws:SourceOrgID condition, so trails of any account can write to it. " +
                    'Fix: add "Condition": {"StringEquals": {"aws:SourceArn": "arn:aws:cloudtrail:<region>:<account>:trail/<trail>"}}.',
            }))
    );
}

export const cloudTrailBucketSourceScoped = stackRule({
    name: "cloudtrail-bucket-source-scoped",
    description:
        "A trail bucket owned by the stack has a bucket policy whose CloudTrail statements are scoped by aws:SourceArn, " +
        "aws:SourceAccount or aws:SourceOrgID (recommended by AWS; checked by none of the public scanners).",
    check: (entries) => {
        const buckets = ofClass(entries, BUCKET_CLASSES);
        const trailsByBucket = groupByOwner(ofClass(entries, [aws.cloudtrail.Trail]), "s3BucketName", buckets, ["bucket"]);
        const policies = companionsByBucket(entries, [aws.s3.BucketPolicy]);
        return buckets
            .filter((bucket) => trailsByBucket.has(bucket.urn))
            .flatMap((bucket) => trailBucketFindings(bucket, policies.get(bucket.urn) ?? []));
    },
});

export const cloudTrailPolicies: (ResourceValidationPolicy | StackValidationPolicy)[] = [
    cloudTrailRequired,
    cloudTrailMultiRegion,
    cloudTrailLogFileValidation,
    cloudTrailBucketSourceScoped,
    cloudTrailKmsEncryption,
    cloudTrailCloudWatchLogs,
];
