// A multi-region CloudTrail trail writing to a central log bucket. The stack that owns that bucket
// also creates it here (as a SharedBucket) with the policy CloudTrail needs for every writer trail.
// It also creates the customer managed KMS key every writer trail encrypts its log files with.
// Optionally the trail also delivers to a CloudWatch Logs group in its own account, so alarms can
// react to events within minutes (CrossAccountActivityAlarms reads that group).
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import {
    DEFAULT_PARTITION,
    PolicyDocument,
    PolicyStatement,
    assertAccountId,
    assertLogRetention,
    assertValidBucketName,
    bucketArn,
    logGroupArn,
    objectsArn,
    keyAdministrationStatement,
    policyDocument,
    sortedUnique,
} from "../aws";
import { CrossAccountRole, PermissionStatement } from "./cross-account-role";
import { customerKey } from "./customer-key";
import { SharedBucket } from "./shared-bucket";

export interface OwnedTrailBucket {
    /** The bucket's account: the log key is created there too, and its root administers the key. */
    accountId: string;
    /**
     * The AWS Organizations ID of the writers' accounts. With it, the bucket and key policies admit CloudTrail for
     * the writer trails' names in any account of the organization (aws:SourceOrgID), so their size does not grow
     * with the organization; without it they list every writer trail's ARN.
     */
    organizationId?: string;
    /** ARNs of every trail (in any account) that writes to the bucket; scopes aws:SourceArn. */
    writerTrailArns: string[];
    /** Accounts whose logs land under AWSLogs/<account>/. */
    writerAccountIds: string[];
    /** The log key's alias; defaults to alias/<trailName>. */
    keyAlias?: string;
    forceDestroy?: boolean;
}

/** A log group (and delivery role) this component creates for the trail's events. */
export interface TrailCloudWatchLogs {
    /** The trail's account and region: they scope the delivery role to this trail and its log streams. */
    accountId: string;
    region: string;
    /** Defaults to /cloudtrail/<trailName>. */
    logGroupName?: string;
    /** Defaults to 365 days. */
    retentionInDays?: number;
    kmsKeyArn?: pulumi.Input<string>;
    /** Defaults to <trailName>-cloudwatch-logs. */
    roleName?: string;
}

export interface AuditTrailArgs {
    trailName: string;
    bucketName: pulumi.Input<string>;
    /** Set when this stack owns the central bucket; bucketName must then be a plain string. */
    ownedBucket?: OwnedTrailBucket;
    s3KeyPrefix?: string;
    /** The key the trail encrypts log files with; the owner of the bucket uses the key it creates instead. */
    kmsKeyArn?: pulumi.Input<string>;
    /** Deliver to a log group created here; excludes cloudWatchLogsGroupArn/RoleArn. */
    cloudWatchLogs?: TrailCloudWatchLogs;
    /** Deliver to a log group managed elsewhere (the ARN ending in ":*") through this role. */
    cloudWatchLogsGroupArn?: pulumi.Input<string>;
    cloudWatchLogsRoleArn?: pulumi.Input<string>;
    tags?: Record<string, string>;
    partition?: string;
}

export const CLOUDTRAIL_SERVICE = "cloudtrail.amazonaws.com";
const DEFAULT_TRAIL_LOG_RETENTION_DAYS = 365;

export class AuditTrail extends pulumi.ComponentResource {
    readonly trail: aws.cloudtrail.Trail;
    readonly trailArn: pulumi.Output<string>;
    readonly bucket?: SharedBucket;
    readonly bucketName: pulumi.Output<string>;
    readonly logKey?: aws.kms.Key;
    readonly logKeyAlias?: aws.kms.Alias;
    readonly keyPolicy?: pulumi.Output<string>;
    /** The key the trail encrypts its log files with, when it has one. */
    readonly kmsKeyArn?: pulumi.Output<string>;
    readonly logGroup?: aws.cloudwatch.LogGroup;
    readonly logGroupName?: pulumi.Output<string>;
    readonly deliveryRole?: CrossAccountRole;

    constructor(name: string, args: AuditTrailArgs, opts?: pulumi.ComponentResourceOptions) {
        validateTrailArgs(args);
        super("crossaccount:index:AuditTrail", name, {}, opts);

        if (args.ownedBucket) {
            const bucketName = args.bucketName as string; // checked by validateTrailArgs
            const logKey = customerKey(this, name, {
                description: `Encrypts the CloudTrail log files delivered to ${bucketName}.`,
                policy: cloudTrailKeyPolicyDocument(args.ownedBucket, args.partition),
                policyName: `Key policy of the log key of trail ${args.trailName}`,
                alias: args.ownedBucket.keyAlias ?? `alias/${args.trailName}`,
                tags: args.tags,
            });
            this.keyPolicy = logKey.policy;
            this.logKey = logKey.key;
            this.logKeyAlias = logKey.alias;
            // The bucket's default stays SSE-S3: CloudTrail asks for the trail's key on every log file it writes
            // (digest files are SSE-S3 by design), and the key policy admits only CloudTrail's encryption context.
            this.bucket = new SharedBucket(
                `${name}-bucket`,
                {
                    bucketName,
                    forceDestroy: args.ownedBucket.forceDestroy,
                    additionalStatements: cloudTrailBucketStatements(bucketName, args.ownedBucket, args.s3KeyPrefix, args.partition),
                    tags: args.tags,
                    partition: args.partition,
                },
                { parent: this },
            );
        }
        this.bucketName = this.bucket ? this.bucket.bucketName : pulumi.output(args.bucketName);
        const kmsKeyArn = this.logKey ? this.logKey.arn : args.kmsKeyArn;
        this.kmsKeyArn = kmsKeyArn === undefined ? undefined : pulumi.output(kmsKeyArn);

        let cloudWatchLogsGroupArn = args.cloudWatchLogsGroupArn;
        let cloudWatchLogsRoleArn = args.cloudWatchLogsRoleArn;
        const deliveryDependencies: pulumi.Resource[] = [];
        if (args.cloudWatchLogs) {
            const logs = args.cloudWatchLogs;
            const logGroupName = logs.logGroupName ?? defaultTrailLogGroupName(args.trailName);
            this.logGroup = new aws.cloudwatch.LogGroup(
                `${name}-logs`,
                {
                    name: logGroupName,
                    retentionInDays: logs.retentionInDays ?? DEFAULT_TRAIL_LOG_RETENTION_DAYS,
                    kmsKeyId: logs.kmsKeyArn,
                    tags: args.tags,
                },
                { parent: this },
            );
            this.logGroupName = this.logGroup.name;
            this.deliveryRole = new CrossAccountRole(
                `${name}-cloudwatch-logs`,
                {
                    roleName: logs.roleName ?? deliveryRoleName(args.trailName),
                    description: `Lets trail ${args.trailName} deliver its events to ${logGroupName}.`,
                    partition: args.partition,
                    tags: args.tags,
                    // The trust AWS documents for this role, without conditions (AWS CloudTrail User Guide, "Sending
                    // events to CloudWatch Logs", the role's trust policy; and the default CloudTrail_CloudWatchLogs_Role).
                    // No AWS page found says CloudTrail sends aws:SourceArn or aws:SourceAccount when it assumes this role:
                    // a condition on a key the service does not send would make every trail's creation fail. The role is
                    // still narrow: its permissions reach this trail's log streams only, in this account.
                    trust: { trustedServices: [CLOUDTRAIL_SERVICE] },
                    permissions: [trailDeliveryStatement(logs, logGroupName, args.partition)],
                },
                { parent: this },
            );
            // CloudTrail wants the ARN of every stream in the group (":*"); the provider reports it without.
            cloudWatchLogsGroupArn = pulumi.interpolate`${this.logGroup.arn}:*`;
            cloudWatchLogsRoleArn = this.deliveryRole.arn;
            // The trail checks at creation that the role can write to the group.
            deliveryDependencies.push(this.logGroup, this.deliveryRole);
        }

        this.trail = new aws.cloudtrail.Trail(
            name,
            {
                name: args.trailName,
                s3BucketName: this.bucketName,
                s3KeyPrefix: args.s3KeyPrefix,
                isMultiRegionTrail: true,
                // IAM and STS events are global: without these, AssumeRole calls go unrecorded.
                includeGlobalServiceEvents: true,
                enableLogFileValidation: true,
                kmsKeyId: kmsKeyArn,
                cloudWatchLogsGroupArn,
                cloudWatchLogsRoleArn,
                tags: args.tags,
            },
            // CloudTrail checks the bucket policy at creation (InsufficientS3BucketPolicyException).
            { parent: this, dependsOn: [...(this.bucket ? [this.bucket.bucketPolicy] : []), ...deliveryDependencies] },
        );
        this.trailArn = this.trail.arn;

        this.registerOutputs({
            trailArn: this.trailArn,
            bucketName: this.bucketName,
            kmsKeyArn: this.kmsKeyArn,
            logGroupName: this.logGroupName,
        });
    }
}

export function deliveryRoleName(trailName: string): string {
    return `${trailName}-cloudwatch-logs`;
}

export function defaultTrailLogGroupName(trailName: string): string {
    return `/cloudtrail/${trailName}`;
}

/** CloudTrail names its streams <account>_CloudTrail_<source region>; the role may write those only. */
export function trailDeliveryStatement(
    logs: Pick<TrailCloudWatchLogs, "accountId" | "region">,
    logGroupName: string,
    partition = DEFAULT_PARTITION,
): PermissionStatement {
    return {
        sid: "DeliverTrailEvents",
        actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
        resources: [`${logGroupArn(logs.region, logs.accountId, logGroupName, partition)}:log-stream:${logs.accountId}_CloudTrail_*`],
    };
}

/**
 * Whom CloudTrail acts for, as conditions of the bucket and key policies. With the organization's ID, the writer
 * trails' names in any account of the organization: `aws:SourceOrgID` is set on every request a service principal
 * makes for a resource of an account in an organization (IAM User Guide, "AWS global condition context keys",
 * aws:SourceOrgID), and `aws:SourceArn` is the trail's ARN (CloudTrail User Guide, "Amazon S3 bucket policy for
 * CloudTrail" and "Configure AWS KMS key policies for CloudTrail", which match it with wildcards for the region and
 * account). Both are of constant size, however many accounts write. Without an organization ID, every writer
 * trail's exact ARN.
 */
export interface TrailSources {
    organizationId?: string;
    /** Exact trail ARNs, or `arn:<partition>:cloudtrail:*:*:trail/<name>` with the organization. */
    trailArns: string[];
}

export function trailSources(
    owner: Pick<OwnedTrailBucket, "organizationId" | "writerTrailArns">,
    partition = DEFAULT_PARTITION,
): TrailSources {
    if (owner.organizationId === undefined) return { trailArns: sortedUnique(owner.writerTrailArns) };
    const names = owner.writerTrailArns.map((arn) => arn.slice(arn.indexOf(":trail/") + ":trail/".length));
    return {
        organizationId: owner.organizationId,
        trailArns: sortedUnique(names).map((name) => `arn:${partition}:cloudtrail:*:*:trail/${name}`),
    };
}

/** aws:SourceArn (and aws:SourceOrgID) as a condition block, plus `extraEquals` under StringEquals. */
function sourceConditions(sources: TrailSources, extraEquals: Record<string, string> = {}) {
    if (sources.organizationId === undefined) {
        return { StringEquals: { ...extraEquals, "aws:SourceArn": sources.trailArns } };
    }
    return {
        StringEquals: { ...extraEquals, "aws:SourceOrgID": sources.organizationId },
        ArnLike: { "aws:SourceArn": sources.trailArns },
    };
}

/**
 * The statements CloudTrail needs on its bucket, scoped to the writer trails by aws:SourceArn (and to the
 * organization by aws:SourceOrgID). With the organization, PutObject is granted on `AWSLogs/*`: naming each
 * account's `AWSLogs/<account>/` prefix would grow with the organization again; every writer is a trail of the
 * organization with the given name, and log file validation detects a file altered after delivery.
 */
export function cloudTrailBucketStatements(
    bucketName: string,
    writers: Pick<OwnedTrailBucket, "writerTrailArns" | "writerAccountIds" | "organizationId">,
    s3KeyPrefix?: string,
    partition = DEFAULT_PARTITION,
): PolicyStatement[] {
    const sources = trailSources(writers, partition);
    const logPrefix = s3KeyPrefix ? `${s3KeyPrefix}/` : "";
    return [
        {
            Sid: "AWSCloudTrailAclCheck",
            Effect: "Allow",
            Principal: { Service: CLOUDTRAIL_SERVICE },
            Action: "s3:GetBucketAcl",
            Resource: bucketArn(bucketName, partition),
            Condition: sourceConditions(sources),
        },
        {
            Sid: "AWSCloudTrailWrite",
            Effect: "Allow",
            Principal: { Service: CLOUDTRAIL_SERVICE },
            Action: "s3:PutObject",
            Resource:
                sources.organizationId === undefined
                    ? sortedUnique(writers.writerAccountIds).map((accountId) =>
                          objectsArn(bucketName, `${logPrefix}AWSLogs/${accountId}/`, partition),
                      )
                    : objectsArn(bucketName, `${logPrefix}AWSLogs/`, partition),
            Condition: sourceConditions(sources, { "s3:x-amz-acl": "bucket-owner-full-control" }),
        },
    ];
}

/**
 * The log key's policy, after AWS's "KMS key policy for CloudTrail": the account may administer the key
 * (without this statement nobody could, not even to fix the policy), and CloudTrail may encrypt and describe
 * it for the writer trails only.
 */
export function cloudTrailKeyPolicyDocument(
    owner: Pick<OwnedTrailBucket, "accountId" | "writerTrailArns" | "organizationId">,
    partition = DEFAULT_PARTITION,
): PolicyDocument {
    const sources = trailSources(owner, partition);
    const encryptionContext = { StringLike: { "kms:EncryptionContext:aws:cloudtrail:arn": sources.trailArns } };
    return policyDocument([
        keyAdministrationStatement(owner.accountId, partition),
        {
            Sid: "AllowCloudTrailEncryptLogs",
            Effect: "Allow",
            Principal: { Service: CLOUDTRAIL_SERVICE },
            Action: "kms:GenerateDataKey*",
            Resource: "*",
            Condition: { ...encryptionContext, ...sourceConditions(sources) },
        },
        {
            Sid: "AllowCloudTrailDescribeKey",
            Effect: "Allow",
            Principal: { Service: CLOUDTRAIL_SERVICE },
            Action: "kms:DescribeKey",
            Resource: "*",
            Condition: sourceConditions(sources),
        },
    ]);
}

const TRAIL_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{2,127}$/;
const LOG_GROUP_NAME = /^(?!aws\/)[\w\-/.#]{1,512}$/;
const KEY_ALIAS = /^alias\/(?!aws\/)[A-Za-z0-9/_-]{1,250}$/;
const TRAIL_ARN = /^arn:[a-z-]+:cloudtrail:[a-z0-9-]+:(\d{12}):trail\/[A-Za-z0-9._-]+$/;

function validateTrailArgs(args: AuditTrailArgs): void {
    if (!TRAIL_NAME.test(args.trailName)) {
        throw new Error(
            `Invalid trail name "${args.trailName}": must be 3-128 letters, digits, '.', '_' or '-', starting with a letter or digit`,
        );
    }
    if (args.s3KeyPrefix !== undefined && (args.s3KeyPrefix === "" || args.s3KeyPrefix.startsWith("/") || args.s3KeyPrefix.endsWith("/"))) {
        throw new Error(`Invalid s3KeyPrefix "${args.s3KeyPrefix}": give it without leading or trailing "/"`);
    }
    if ((args.cloudWatchLogsGroupArn === undefined) !== (args.cloudWatchLogsRoleArn === undefined)) {
        throw new Error("cloudWatchLogsGroupArn and cloudWatchLogsRoleArn must be given together");
    }
    if (args.cloudWatchLogs) {
        if (args.cloudWatchLogsGroupArn !== undefined) {
            throw new Error("Give either cloudWatchLogs (a log group created here) or cloudWatchLogsGroupArn/RoleArn, not both");
        }
        assertAccountId(args.cloudWatchLogs.accountId, "trail account ID");
        if (args.cloudWatchLogs.retentionInDays !== undefined) {
            assertLogRetention(args.cloudWatchLogs.retentionInDays, `the log group of trail ${args.trailName}`);
        }
        const groupName = args.cloudWatchLogs.logGroupName;
        if (groupName !== undefined && !LOG_GROUP_NAME.test(groupName)) {
            throw new Error(
                `Invalid log group name "${groupName}": 1-512 characters of letters, digits and _ - / . #, not starting with "aws/"`,
            );
        }
    }
    const owned = args.ownedBucket;
    if (!owned) return;
    if (typeof args.bucketName !== "string") {
        throw new Error(`Trail ${args.trailName}: bucketName must be a plain string when this stack owns the bucket`);
    }
    assertValidBucketName(args.bucketName);
    assertAccountId(owned.accountId, "audit bucket account ID");
    if (args.kmsKeyArn !== undefined) {
        throw new Error(`Trail ${args.trailName}: the owner of the bucket encrypts with the key it creates; do not give kmsKeyArn`);
    }
    if (owned.keyAlias !== undefined && !KEY_ALIAS.test(owned.keyAlias)) {
        throw new Error(`Invalid key alias "${owned.keyAlias}": alias/ then 1-250 letters, digits, '/', '_' or '-', not alias/aws/`);
    }
    if (owned.writerTrailArns.length === 0 || owned.writerAccountIds.length === 0) {
        throw new Error(`Trail ${args.trailName}: the owned bucket needs at least one writer trail ARN and one writer account`);
    }
    if (owned.organizationId !== undefined && !/^o-[a-z0-9]{10,32}$/.test(owned.organizationId)) {
        throw new Error(`Invalid organization ID "${owned.organizationId}": expected o- and 10-32 lowercase letters or digits`);
    }
    for (const accountId of owned.writerAccountIds) {
        assertAccountId(accountId, "writer account ID");
    }
    for (const arn of owned.writerTrailArns) {
        const accountId = TRAIL_ARN.exec(arn)?.[1];
        if (accountId === undefined) {
            throw new Error(`Invalid writer trail ARN "${arn}": expected arn:<partition>:cloudtrail:<region>:<account>:trail/<name>`);
        }
        // Its logs would have nowhere to land: PutObject is only granted under AWSLogs/<writer account>/.
        if (!owned.writerAccountIds.includes(accountId)) {
            throw new Error(`Writer trail ${arn} is in account ${accountId}, which is not among writerAccountIds`);
        }
    }
}
