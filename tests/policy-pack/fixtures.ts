// Builders for policy tests: a complete stack that satisfies every rule, which tests break one thing at a time
// (./expect.ts runs the pack over it and compares the violations).
import { readFileSync } from "fs";
import * as path from "path";
import { PolicyResourceInput } from "../../policy-pack/engine";
import type { PrincipalAccount } from "../../policy-pack/lib/iam";

export const ACCOUNTS = { dev: "111111111111", test: "222222222222", prod: "999999999999", outsider: "333333333333" };

/** The reference organization's config, as shipped. */
export const REFERENCE_CONFIG: Record<string, unknown> = JSON.parse(
    readFileSync(path.join(__dirname, "..", "..", "policy-pack", "config.json"), "utf8"),
);

/** What the analyzer sends for a string that is not known during preview. */
export const UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
export const UNKNOWN_NUMBER = "3eeb2bf0-c639-47a8-9e75-3b44932eb421";
export const UNKNOWN_ARRAY = "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2";
export const UNKNOWN_OBJECT = "dd056dcd-154b-4c76-9bd3-c8f88648b5ff";

/** Principals and ARNs of every kind, with the account the IAM model attributes each to. */
export const PRINCIPAL_ACCOUNTS: [principalOrArn: string, account: PrincipalAccount][] = [
    ["111111111111", { kind: "account", id: "111111111111" }],
    ["arn:aws:iam::222222222222:role/x", { kind: "account", id: "222222222222" }],
    ["arn:aws-us-gov:sts::333333333333:assumed-role/r/s", { kind: "account", id: "333333333333" }],
    ["*", { kind: "any" }],
    ["arn:aws:iam::*:root", { kind: "any" }],
    ["arn:aws:iam::11111111111?:root", { kind: "pattern", pattern: "11111111111?" }],
    ["AROAEXAMPLE", { kind: "unknown" }],
    ["arn:aws:iam::aws:policy/ReadOnlyAccess", { kind: "unknown" }],
    ["arn:aws:s3:::bucket", { kind: "unknown" }],
];

export const T = {
    provider: "pulumi:providers:aws",
    role: "aws:iam/role:Role",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    rolePolicyAttachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    policy: "aws:iam/policy:Policy",
    group: "aws:iam/group:Group",
    groupPolicy: "aws:iam/groupPolicy:GroupPolicy",
    groupPolicyAttachment: "aws:iam/groupPolicyAttachment:GroupPolicyAttachment",
    user: "aws:iam/user:User",
    userPolicy: "aws:iam/userPolicy:UserPolicy",
    userPolicyAttachment: "aws:iam/userPolicyAttachment:UserPolicyAttachment",
    policyAttachment: "aws:iam/policyAttachment:PolicyAttachment",
    bucket: "aws:s3/bucket:Bucket",
    bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
    publicAccessBlock: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    ownershipControls: "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
    encryption: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    trail: "aws:cloudtrail/trail:Trail",
    peering: "aws:ec2/vpcPeeringConnection:VpcPeeringConnection",
    peeringAccepter: "aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter",
    route: "aws:ec2/route:Route",
    routeTable: "aws:ec2/routeTable:RouteTable",
    lambdaPermission: "aws:lambda/permission:Permission",
    repositoryPolicy: "aws:ecr/repositoryPolicy:RepositoryPolicy",
    snapshot: "aws:rds/snapshot:Snapshot",
    snapshotCopy: "aws:rds/snapshotCopy:SnapshotCopy",
    clusterSnapshot: "aws:rds/clusterSnapshot:ClusterSnapshot",
    clusterSnapshotCopy: "aws:rds/clusterSnapshotCopy:ClusterSnapshotCopy",
    kmsKey: "aws:kms/key:Key",
    permissionSet: "aws:ssoadmin/permissionSet:PermissionSet",
    permissionSetInlinePolicy: "aws:ssoadmin/permissionSetInlinePolicy:PermissionSetInlinePolicy",
    managedPolicyAttachment: "aws:ssoadmin/managedPolicyAttachment:ManagedPolicyAttachment",
    customerManagedPolicyAttachment: "aws:ssoadmin/customerManagedPolicyAttachment:CustomerManagedPolicyAttachment",
    permissionsBoundaryAttachment: "aws:ssoadmin/permissionsBoundaryAttachment:PermissionsBoundaryAttachment",
    kmsKeyPolicy: "aws:kms/keyPolicy:KeyPolicy",
    bucketLogging: "aws:s3/bucketLogging:BucketLogging",
    topicPolicy: "aws:sns/topicPolicy:TopicPolicy",
    queuePolicy: "aws:sqs/queuePolicy:QueuePolicy",
    secretPolicy: "aws:secretsmanager/secretPolicy:SecretPolicy",
} as const;

export const urnOf = (stack: string, type: string, name: string): string => `urn:pulumi:${stack}::crossaccount::${type}::${name}`;

export function awsProvider(
    account: string,
    stack = "dev",
    props: Record<string, unknown> = {},
): NonNullable<PolicyResourceInput["provider"]> {
    return {
        urn: urnOf(stack, T.provider, `aws-${account}`),
        type: T.provider,
        name: `aws-${account}`,
        props: {
            // As the CLI passes provider inputs: JSON-encoded.
            allowedAccountIds: JSON.stringify([account]),
            region: "us-east-1",
            defaultTags: JSON.stringify({ tags: { Environment: stack, Project: "crossaccount" } }),
            ...props,
        },
    };
}

export interface ResourceOptions {
    stack?: string;
    account?: string;
    /** No provider at all (the account cannot be told). */
    noProvider?: boolean;
    parent?: string;
    dependencies?: string[];
    propertyDependencies?: Record<string, string[]>;
}

export function resource(type: string, name: string, props: Record<string, unknown>, options: ResourceOptions = {}): PolicyResourceInput {
    const stack = options.stack ?? "dev";
    return {
        urn: urnOf(stack, type, name),
        type,
        name,
        props,
        ...(options.noProvider ? {} : { provider: awsProvider(options.account ?? ACCOUNTS.dev, stack) }),
        ...(options.parent ? { parent: options.parent } : {}),
        ...(options.dependencies ? { dependencies: options.dependencies } : {}),
        ...(options.propertyDependencies ? { propertyDependencies: options.propertyDependencies } : {}),
    };
}

export type StatementInput = Record<string, unknown>;

/** A policy document as a JSON string, the form most programs produce. */
export const policyJson = (...statements: StatementInput[]): string => JSON.stringify({ Version: "2012-10-17", Statement: statements });

export const tlsDeny = (bucket: string): StatementInput => ({
    Sid: "DenyInsecureTransport",
    Effect: "Deny",
    Principal: "*",
    Action: "s3:*",
    Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
    Condition: { Bool: { "aws:SecureTransport": "false" } },
});

/** An Allow statement of the images bucket's policy on the bucket's objects. */
export const allowOnImages = (principal: unknown, action: string | string[], condition?: Record<string, unknown>): StatementInput => ({
    Effect: "Allow",
    Principal: principal,
    Action: action,
    Resource: "arn:aws:s3:::images-dev/*",
    ...(condition ? { Condition: condition } : {}),
});

/** CloudTrail's two statements in the policy of its bucket trail-logs-dev (CloudTrail User Guide, Amazon S3 bucket policy for CloudTrail). */
const byCloudTrail = { Effect: "Allow", Principal: { Service: "cloudtrail.amazonaws.com" } };
export const trailAclCheck = (condition: Record<string, unknown>): StatementInput => ({
    Sid: "AWSCloudTrailAclCheck",
    ...byCloudTrail,
    Action: "s3:GetBucketAcl",
    Resource: "arn:aws:s3:::trail-logs-dev",
    Condition: condition,
});
export const trailWrite = (condition?: Record<string, unknown>): StatementInput => ({
    Sid: "AWSCloudTrailWrite",
    ...byCloudTrail,
    Action: "s3:PutObject",
    Resource: `arn:aws:s3:::trail-logs-dev/AWSLogs/${ACCOUNTS.dev}/*`,
    ...(condition ? { Condition: condition } : {}),
});

/** Trusting the other account's root narrowed by aws:PrincipalArn: the program's preferred pattern. */
export const crossAccountTrust = (account: string, extraCondition: Record<string, unknown> = {}): StatementInput => ({
    Sid: "TrustPartner",
    Effect: "Allow",
    Principal: { AWS: `arn:aws:iam::${account}:root` },
    Action: "sts:AssumeRole",
    Condition: { ArnEquals: { "aws:PrincipalArn": `arn:aws:iam::${account}:role/ImageReader` }, ...extraCondition },
});

export const sameAccountTrust: StatementInput = {
    Effect: "Allow",
    Principal: { AWS: `arn:aws:iam::${ACCOUNTS.dev}:root` },
    Action: "sts:AssumeRole",
};

/** Every resource kind the pack checks, configured as the rules want; keyed by resource name. */
export function goodResources(): Record<string, PolicyResourceInput> {
    const bucketWith = (name: string) => ({
        [name]: resource(T.bucket, name, { bucket: name, forceDestroy: false }),
        [`${name}-pab`]: resource(T.publicAccessBlock, `${name}-pab`, {
            bucket: name,
            blockPublicAcls: true,
            blockPublicPolicy: true,
            ignorePublicAcls: true,
            restrictPublicBuckets: true,
        }),
        [`${name}-ownership`]: resource(T.ownershipControls, `${name}-ownership`, {
            bucket: name,
            rule: { objectOwnership: "BucketOwnerEnforced" },
        }),
        [`${name}-sse`]: resource(T.encryption, `${name}-sse`, {
            bucket: name,
            rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" }, bucketKeyEnabled: true }],
        }),
        // Server access logs go to the account's log bucket, which needs no logging of its own.
        ...(name === "access-logs-dev"
            ? {}
            : {
                  [`${name}-logging`]: resource(T.bucketLogging, `${name}-logging`, {
                      bucket: name,
                      targetBucket: "access-logs-dev",
                      targetPrefix: `${name}/`,
                  }),
              }),
    });
    const trailArn = `arn:aws:cloudtrail:us-east-1:${ACCOUNTS.dev}:trail/org-trail`;
    return {
        "image-sharing": resource(T.role, "image-sharing", {
            name: "image-sharing",
            assumeRolePolicy: policyJson(crossAccountTrust(ACCOUNTS.test, { StringEquals: { "sts:ExternalId": "image-sharing-test" } })),
            maxSessionDuration: 3600,
            inlinePolicies: [
                {
                    name: "read-images",
                    policy: policyJson(
                        { Effect: "Allow", Action: ["s3:GetObject", "s3:GetObjectVersion"], Resource: "arn:aws:s3:::images-dev/*" },
                        { Effect: "Allow", Action: "s3:ListBucket", Resource: "arn:aws:s3:::images-dev" },
                    ),
                },
            ],
            tags: { Owner: "platform" },
        }),
        "ci-deployer": resource(T.role, "ci-deployer", {
            name: "ci-deployer",
            // An object document, single statement: a same-account root trust needs no condition.
            assumeRolePolicy: { Version: "2012-10-17", Statement: sameAccountTrust },
        }),
        "assume-prod": resource(T.rolePolicy, "assume-prod", {
            role: "ci-deployer",
            name: "assume-prod",
            policy: policyJson(
                { Effect: "Allow", Action: "sts:AssumeRole", Resource: `arn:aws:iam::${ACCOUNTS.prod}:role/ImageSharingRole` },
                { Effect: "Deny", Action: "sts:AssumeRole", Resource: `arn:aws:iam::${ACCOUNTS.prod}:role/OrganizationAccountAccessRole` },
            ),
        }),
        "read-only": resource(T.rolePolicyAttachment, "read-only", {
            role: "ci-deployer",
            policyArn: "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
        }),
        inventory: resource(T.policy, "inventory", {
            name: "inventory",
            policy: {
                Version: "2012-10-17",
                // Wildcard-only actions: a pattern such as "ec2:Describe*" would draw the iam-unscopable-wildcard advisory.
                Statement: [
                    { Effect: "Allow", Action: ["s3:ListAllMyBuckets", "sts:GetCallerIdentity", "ec2:DescribeRegions"], Resource: "*" },
                ],
            },
        }),
        developers: resource(T.group, "developers", { name: "developers" }),
        "developers-mfa": resource(T.groupPolicy, "developers-mfa", {
            group: "developers",
            name: "deny-without-mfa",
            policy: policyJson({
                Sid: "DenyAllExceptListedIfNoMFA",
                Effect: "Deny",
                NotAction: ["iam:ChangePassword", "iam:GetUser", "sts:GetSessionToken"],
                Resource: "*",
                Condition: { BoolIfExists: { "aws:MultiFactorAuthPresent": "false" } },
            }),
        }),
        alice: resource(T.user, "alice", { name: "alice" }),
        "alice-assume": resource(T.userPolicy, "alice-assume", {
            user: "alice",
            policy: policyJson({
                Effect: "Allow",
                Action: "sts:AssumeRole",
                Resource: `arn:aws:iam::${ACCOUNTS.test}:role/ImageSharingRole`,
                Condition: { Bool: { "aws:MultiFactorAuthPresent": "true" } },
            }),
        }),
        ...bucketWith("images-dev"),
        "images-dev-policy": resource(T.bucketPolicy, "images-dev-policy", {
            bucket: "images-dev",
            policy: policyJson(tlsDeny("images-dev"), {
                Sid: "PartnerRead",
                Effect: "Allow",
                Principal: { AWS: `arn:aws:iam::${ACCOUNTS.test}:root` },
                Action: ["s3:GetObject", "s3:ListBucket"],
                Resource: ["arn:aws:s3:::images-dev", "arn:aws:s3:::images-dev/*"],
                Condition: { ArnLike: { "aws:PrincipalArn": `arn:aws:iam::${ACCOUNTS.test}:role/ImageReader` } },
            }),
        }),
        ...bucketWith("access-logs-dev"),
        ...bucketWith("trail-logs-dev"),
        "trail-logs-dev-policy": resource(T.bucketPolicy, "trail-logs-dev-policy", {
            bucket: "trail-logs-dev",
            policy: policyJson(
                tlsDeny("trail-logs-dev"),
                trailAclCheck({ StringEquals: { "aws:SourceArn": trailArn } }),
                trailWrite({ StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": trailArn } }),
            ),
        }),
        "org-trail": resource(T.trail, "org-trail", {
            name: "org-trail",
            s3BucketName: "trail-logs-dev",
            isMultiRegionTrail: true,
            includeGlobalServiceEvents: true,
            enableLogFileValidation: true,
            kmsKeyId: `arn:aws:kms:us-east-1:${ACCOUNTS.dev}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
            cloudWatchLogsGroupArn: `arn:aws:logs:us-east-1:${ACCOUNTS.dev}:log-group:trail:*`,
            cloudWatchLogsRoleArn: `arn:aws:iam::${ACCOUNTS.dev}:role/trail-to-logs`,
        }),
        "to-test": resource(T.peering, "to-test", { vpcId: "vpc-dev", peerVpcId: "vpc-test", peerOwnerId: ACCOUNTS.test }),
        "to-test-route": resource(T.route, "to-test-route", {
            routeTableId: "rtb-dev",
            destinationCidrBlock: "10.1.0.0/16",
            vpcPeeringConnectionId: "pcx-1",
        }),
        private: resource(T.routeTable, "private", {
            vpcId: "vpc-dev",
            routes: [
                { cidrBlock: "0.0.0.0/0", natGatewayId: "nat-1" },
                { cidrBlock: "10.1.0.0/16", vpcPeeringConnectionId: "pcx-1" },
            ],
        }),
        // A function other accounts invoke: a role of test by name, and test's EventBridge rule.
        "invoke-from-test": resource(T.lambdaPermission, "invoke-from-test", {
            action: "lambda:InvokeFunction",
            function: "notifier",
            statementId: "invoke-test",
            principal: `arn:aws:iam::${ACCOUNTS.test}:role/Integration`,
        }),
        "invoke-from-events": resource(T.lambdaPermission, "invoke-from-events", {
            action: "lambda:InvokeFunction",
            function: "notifier",
            statementId: "invoke-events",
            principal: "events.amazonaws.com",
            sourceAccount: ACCOUNTS.test,
            sourceArn: `arn:aws:events:us-east-1:${ACCOUNTS.test}:rule/nightly`,
        }),
        "images-repository-policy": resource(T.repositoryPolicy, "images-repository-policy", {
            repository: "images",
            policy: policyJson({
                Sid: "TestPull",
                Effect: "Allow",
                Principal: { AWS: `arn:aws:iam::${ACCOUNTS.test}:root` },
                Action: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"],
                Condition: { ArnEquals: { "aws:PrincipalArn": `arn:aws:iam::${ACCOUNTS.test}:role/Integration` } },
            }),
        }),
        "baseline-share": resource(T.snapshotCopy, "baseline-share", {
            sourceDbSnapshotIdentifier: "appdb-2026-01",
            targetDbSnapshotIdentifier: "baseline",
            sharedAccounts: [ACCOUNTS.test],
        }),
    };
}

/** The good stack's resources by name, and an edit a test makes to them. */
export type Resources = Record<string, PolicyResourceInput>;
export type Change = (resources: Resources) => void;

/** The good stack after `change` edits it, as the engine's input. */
export function stackWith(change: Change = () => undefined): PolicyResourceInput[] {
    const resources = goodResources();
    change(resources);
    return Object.values(resources);
}

/** Replace one resource's props (merged). */
export function patch(resources: Resources, name: string, props: Record<string, unknown>): void {
    resources[name] = { ...resources[name], props: { ...resources[name].props, ...props } };
}

/** The change that merges `props` into one resource of the good stack. */
export const patched =
    (name: string, props: Record<string, unknown>): Change =>
    (resources) =>
        patch(resources, name, props);

/** Replaces alice's inline user policy with these statements. */
export const userPolicy = (...statements: StatementInput[]): Change => patched("alice-assume", { policy: policyJson(...statements) });

/** Replaces the images bucket's policy with the TLS deny and these statements. */
export const bucketPolicy = (...statements: StatementInput[]): Change =>
    patched("images-dev-policy", { policy: policyJson(tlsDeny("images-dev"), ...statements) });
