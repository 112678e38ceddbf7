// An S3 bucket shared with principals in other accounts: private, owner-enforced, encrypted,
// TLS-only, and granting only object read/write (never bucket administration unless asked).
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import {
    DEFAULT_PARTITION,
    PolicyDocument,
    PolicyStatement,
    RESOURCE_POLICY_LIMITS,
    accountRootsNarrowedTo,
    assertValidBucketName,
    bucketArn,
    mergeConditions,
    objectsArn,
    policyDocument,
    serializeWithinLimit,
} from "../aws";

export type BucketAccess = "read" | "read-write";

export interface BucketGrant {
    /** Prefix for this grant's statement Sids; defaults to Grant<n>. */
    sid?: string;
    /** IAM role/user ARNs, typically in other accounts. */
    principalArns: string[];
    access: BucketAccess;
    /** Limits object access and listing to keys starting with this prefix. */
    prefix?: string;
    /** Bucket-level actions (s3:GetBucketPolicy, ...); only granted when named here. */
    bucketAdministrationActions?: string[];
}

export interface SharedBucketArgs {
    bucketName: string;
    grants?: BucketGrant[];
    additionalStatements?: PolicyStatement[];
    /** Defaults to true. */
    versioning?: boolean;
    forceDestroy?: boolean;
    /** SSE-KMS with this key; otherwise SSE-S3 (AES256). */
    kmsKeyArn?: pulumi.Input<string>;
    tags?: Record<string, string>;
    partition?: string;
}

export const READ_ACTIONS = ["s3:GetObject", "s3:GetObjectVersion"];
export const WRITE_ACTIONS = ["s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"];

export class SharedBucket extends pulumi.ComponentResource {
    readonly bucket: aws.s3.Bucket;
    readonly bucketName: pulumi.Output<string>;
    readonly arn: pulumi.Output<string>;
    readonly policy: pulumi.Output<string>;
    readonly bucketPolicy: aws.s3.BucketPolicy;
    readonly publicAccessBlock: aws.s3.BucketPublicAccessBlock;
    readonly ownershipControls: aws.s3.BucketOwnershipControls;
    readonly encryption: aws.s3.BucketServerSideEncryptionConfiguration;
    readonly versioning?: aws.s3.BucketVersioning;

    constructor(name: string, args: SharedBucketArgs, opts?: pulumi.ComponentResourceOptions) {
        // Built (and so validated) before anything is registered.
        const document = sharedBucketPolicyDocument(args);
        super("crossaccount:index:SharedBucket", name, {}, opts);
        const childOpts = { parent: this };

        this.bucket = new aws.s3.Bucket(name, { bucket: args.bucketName, forceDestroy: args.forceDestroy, tags: args.tags }, childOpts);
        this.bucketName = this.bucket.bucket;
        this.arn = this.bucket.arn;

        this.publicAccessBlock = new aws.s3.BucketPublicAccessBlock(
            `${name}-public-access-block`,
            {
                bucket: this.bucket.id,
                blockPublicAcls: true,
                blockPublicPolicy: true,
                ignorePublicAcls: true,
                restrictPublicBuckets: true,
            },
            childOpts,
        );
        // ACLs disabled: the bucket owner owns every object, whichever account wrote it.
        this.ownershipControls = new aws.s3.BucketOwnershipControls(
            `${name}-ownership-controls`,
            { bucket: this.bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } },
            childOpts,
        );
        this.encryption = new aws.s3.BucketServerSideEncryptionConfiguration(
            `${name}-encryption`,
            {
                bucket: this.bucket.id,
                rules: [
                    args.kmsKeyArn === undefined
                        ? { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }
                        : {
                              applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: args.kmsKeyArn },
                              bucketKeyEnabled: true,
                          },
                ],
            },
            childOpts,
        );
        if (args.versioning ?? true) {
            this.versioning = new aws.s3.BucketVersioning(
                `${name}-versioning`,
                { bucket: this.bucket.id, versioningConfiguration: { status: "Enabled" } },
                childOpts,
            );
        }

        this.policy = serializeWithinLimit(document, RESOURCE_POLICY_LIMITS.s3Bucket, `Bucket policy of ${args.bucketName}`);
        // The public access block and ownership controls go first, so the bucket is never briefly
        // governed by a policy without them.
        this.bucketPolicy = new aws.s3.BucketPolicy(
            `${name}-policy`,
            { bucket: this.bucket.id, policy: this.policy },
            { parent: this, dependsOn: [this.publicAccessBlock, this.ownershipControls] },
        );

        this.registerOutputs({ bucketName: this.bucketName, arn: this.arn, policy: this.policy });
    }
}

/** The bucket policy, in statement order: TLS-only Deny, grants, then additional statements. */
export function sharedBucketPolicyDocument(args: SharedBucketArgs): PolicyDocument {
    assertValidBucketName(args.bucketName);
    const partition = args.partition ?? DEFAULT_PARTITION;
    const bucket = bucketArn(args.bucketName, partition);
    const objects = objectsArn(args.bucketName, "", partition);

    const statements: PolicyStatement[] = [
        {
            Sid: "DenyInsecureTransport",
            Effect: "Deny",
            Principal: { AWS: "*" },
            Action: "s3:*",
            Resource: [bucket, objects],
            Condition: { Bool: { "aws:SecureTransport": "false" } },
        },
    ];
    (args.grants ?? []).forEach((grant, index) => {
        statements.push(...grantStatements(grant, grant.sid ?? `Grant${index + 1}`, args.bucketName, partition));
    });
    statements.push(...(args.additionalStatements ?? []));
    return policyDocument(statements);
}

function grantStatements(grant: BucketGrant, sid: string, bucketName: string, partition: string): PolicyStatement[] {
    validateGrant(grant, sid);
    const { principal, condition: narrowToPrincipals } = accountRootsNarrowedTo(grant.principalArns, partition);
    const prefix = grant.prefix ?? "";

    const statements: PolicyStatement[] = [
        {
            Sid: `${sid}Objects`,
            Effect: "Allow",
            Principal: principal,
            Action: grant.access === "read-write" ? [...READ_ACTIONS, ...WRITE_ACTIONS] : [...READ_ACTIONS],
            Resource: objectsArn(bucketName, prefix, partition),
            Condition: narrowToPrincipals,
        },
        {
            Sid: `${sid}List`,
            Effect: "Allow",
            Principal: principal,
            Action: "s3:ListBucket",
            Resource: bucketArn(bucketName, partition),
            Condition: mergeConditions(narrowToPrincipals, prefix ? { StringLike: { "s3:prefix": `${prefix}*` } } : undefined),
        },
    ];
    if (grant.bucketAdministrationActions?.length) {
        statements.push({
            Sid: `${sid}Administration`,
            Effect: "Allow",
            Principal: principal,
            Action: grant.bucketAdministrationActions,
            Resource: bucketArn(bucketName, partition),
            Condition: narrowToPrincipals,
        });
    }
    return statements;
}

function validateGrant(grant: BucketGrant, sid: string): void {
    if (grant.principalArns.length === 0) {
        throw new Error(`Bucket grant ${sid} names no principals`);
    }
    if (grant.prefix !== undefined && (grant.prefix.startsWith("/") || /[*?]/.test(grant.prefix))) {
        throw new Error(`Invalid prefix "${grant.prefix}" in bucket grant ${sid}: no leading "/" and no wildcards`);
    }
    for (const action of grant.bucketAdministrationActions ?? []) {
        if (!/^s3:[A-Za-z*]+$/.test(action)) {
            throw new Error(`Invalid bucket administration action "${action}" in bucket grant ${sid}: expected s3:<Action>`);
        }
    }
}
