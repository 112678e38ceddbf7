// The shape of one environment's stack config (keys under the `crossaccount:` namespace).
// Everything a stack file may say is described here, once; the program never reads raw config.
import { z } from "zod";
import * as ipaddr from "ipaddr.js";
import { parseBucketRef, parseFunctionRef, parseRepositoryRef, parseRoleRef, parseSnapshotRef, referenceSchema } from "./refs";
import {
    DEFAULT_LAMBDA_RUNTIME,
    IAM_LIMITS,
    LAMBDA_LIMITS,
    LAMBDA_RUNTIMES,
    LOG_RETENTION_DAYS,
    SERVICE_PRINCIPAL,
    parseIpv4Cidr,
} from "../aws";
import { githubTrustSchema, gitlabTrustSchema, identityCenterTrustSchema, sessionSchema, trustedRole } from "./trust-schema";

export const CONFIG_NAMESPACE = "crossaccount";

const accountId = z.string().regex(/^\d{12}$/, "must be a 12-digit AWS account ID");
const environmentName = z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,31}$/, "must be lowercase letters, digits and '-', starting with a letter (at most 32)");
export const roleName = z
    .string()
    .min(1, "must not be empty")
    .max(IAM_LIMITS.roleName, `must be at most ${IAM_LIMITS.roleName} characters (IAM limit)`)
    .regex(/^[\w+=,.@-]+$/, "may only contain letters, digits and + = , . @ _ -");
const rolePath = z
    .string()
    .max(IAM_LIMITS.path, `must be at most ${IAM_LIMITS.path} characters`)
    .regex(/^\/(?:[\x21-\x7E]+\/)?$/, "must start and end with '/' (for example /crossaccount/)");
// sts:ExternalId: 2-1,224 characters of [\w+=,.@:/-] (AWS STS API reference).
export const externalId = z
    .string()
    .min(2, "must be at least 2 characters")
    .max(1224, "must be at most 1,224 characters")
    .regex(/^[\w+=,.@:/-]+$/, "may only contain letters, digits and + = , . @ : / _ -");
const iamName = z.string().regex(/^[\w+=,.@-]{1,128}$/, "must be 1-128 characters of letters, digits and + = , . @ _ -");
const cidrBlock = z.string().superRefine((value, context) => {
    try {
        parseIpv4Cidr(value);
    } catch (error) {
        context.addIssue({ code: "custom", message: (error as Error).message.replace(/^Invalid CIDR block "[^"]*": /, "must be ") });
    }
});
const anyCidr = z.string().refine((value) => {
    try {
        ipaddr.parseCIDR(value);
        return true;
    } catch {
        return false;
    }
}, "must be a CIDR block such as 203.0.113.0/24");
const isoTime = z.iso.datetime({ message: "must be an ISO 8601 time such as 2026-01-31T00:00:00Z" });
const actionName = z.string().regex(/^[a-z0-9-]+:[A-Za-z0-9*?]+$/, "must be an IAM action such as s3:GetObject");
const logRetentionDays = z
    .number()
    .int()
    .refine((days) => (LOG_RETENTION_DAYS as readonly number[]).includes(days), `must be one of ${LOG_RETENTION_DAYS.join(", ")} days`);
const tagsSchema = z.record(z.string(), z.string()).default({});

const roleRef = referenceSchema(parseRoleRef, "must reference a role as <environment>/role/<RoleName>");
const bucketRef = referenceSchema(parseBucketRef, "must reference a bucket as <environment>/bucket/<key>");
const functionRef = referenceSchema(parseFunctionRef, "must reference a function as <environment>/function/<name>");
const repositoryRef = referenceSchema(parseRepositoryRef, "must reference a repository as <environment>/repository/<name>");
const snapshotRef = referenceSchema(parseSnapshotRef, "must reference a snapshot as <environment>/snapshot/<key>");

const conditionBlock = z.record(z.string(), z.record(z.string(), z.union([z.string(), z.array(z.string())])));

const trustSchema = z
    .object({
        /** Trusted accounts, by environment name or 12-digit ID; the principal is the account root. */
        accounts: z.array(z.string()).default([]),
        /**
         * Trusted roles (CI chains): references to roles of the stack files or exact role ARNs; trusts their
         * account root narrowed by aws:PrincipalArn to exactly these roles.
         */
        roles: z.array(trustedRole).default([]),
        /** Third parties of organization.vendors; needs externalId. */
        vendors: z.array(z.string()).default([]),
        /** GitHub Actions through the account's OIDC provider. */
        github: z.array(githubTrustSchema).default([]),
        /** GitLab CI through the account's OIDC provider (gitlab.com). */
        gitlab: z.array(gitlabTrustSchema).default([]),
        identityCenter: identityCenterTrustSchema.optional(),
        session: sessionSchema.optional(),
        /** Extra aws:PrincipalArn patterns that narrow the trusted accounts. */
        principalArns: z.array(z.string().startsWith("arn:", "must be an ARN")).default([]),
        externalId: externalId.optional(),
        requireMfa: z.boolean().default(false),
        maxMfaAgeSeconds: z.number().int().min(1).max(129600).optional(),
        /** Require the caller to belong to the organization (organization.orgId). */
        requireOrganization: z.boolean().default(false),
        sourceIpRanges: z.array(anyCidr).default([]),
        notBefore: isoTime.optional(),
        notAfter: isoTime.optional(),
        sessionNamePattern: z.string().min(2).max(64).optional(),
        services: z.array(z.string().regex(SERVICE_PRINCIPAL, "must be a service principal")).default([]),
    })
    .strict();

const permissionSchema = z
    .object({
        sid: z
            .string()
            .regex(/^[A-Za-z0-9]+$/, "must be alphanumeric")
            .optional(),
        effect: z.enum(["Allow", "Deny"]).default("Allow"),
        actions: z.array(actionName).min(1, "must name at least one action"),
        /** Raw ARNs (or "*" for the few actions without resource-level permissions). */
        resources: z.array(z.string()).default([]),
        /** Bucket ARNs, by reference. */
        buckets: z.array(bucketRef).default([]),
        /** Object ARNs, by reference: `<env>/bucket/<key>` means every object, `<env>/bucket/<key>/<prefix>*` a prefix. */
        objects: z.array(bucketRef).default([]),
        conditions: conditionBlock.optional(),
    })
    .strict()
    .refine((p) => p.resources.length + p.buckets.length + p.objects.length > 0, {
        message: "must name at least one of resources, buckets or objects",
    });

const roleSchema = z
    .object({
        name: roleName,
        path: rolePath.default("/"),
        description: z.string().max(1000).optional(),
        maxSessionDurationSeconds: z
            .number()
            .int()
            .min(3600, "must be between 3600 and 43200 seconds")
            .max(43200, "must be between 3600 and 43200 seconds")
            .default(3600),
        permissionsBoundaryArn: z.string().startsWith("arn:").optional(),
        trust: trustSchema,
        permissions: z.array(permissionSchema).default([]),
        /** Functions of other environments this role invokes; their invokers must name it, and this role's stack adds the permissions. */
        invoke: z.array(functionRef).default([]),
        /** Repositories of other environments this role pulls from (push: also pushes to); their grants must name it. */
        pull: z.array(repositoryRef).default([]),
        push: z.array(repositoryRef).default([]),
        /** Shared snapshots this role copies or restores; they must be shared with this role's account. */
        restore: z.array(snapshotRef).default([]),
        /**
         * Where this role restores and copies them in its own account: the DB instances, option, parameter and
         * subnet groups and snapshot copies named `<prefix>...`; the default groups only with allowDefaultGroups.
         */
        restoreInto: z
            .object({
                prefix: z.string().regex(/^[a-z][a-z0-9-]{0,39}$/, "must be 1-40 lowercase letters, digits or '-', starting with a letter"),
                allowDefaultGroups: z.boolean().default(false),
            })
            .strict()
            .optional(),
        /** Roles this role assumes (a CI chain); each must name this role in its trust.roles. */
        assume: z.array(roleRef).default([]),
        tags: z.record(z.string(), z.string()).default({}),
    })
    .strict();

const bucketGrantSchema = z
    .object({
        sid: z
            .string()
            .regex(/^[A-Za-z0-9]+$/, "must be alphanumeric")
            .optional(),
        principals: z.array(roleRef).min(1, "must name at least one role"),
        access: z.enum(["read", "read-write"]),
        prefix: z.string().optional(),
    })
    .strict();

const bucketSchema = z
    .object({
        /** Stable key used in references; the real name is `<key>-<accountId>` unless `name` is given. */
        key: z.string().regex(/^[a-z0-9][a-z0-9.-]*$/, "must be lowercase letters, digits, '.' and '-'"),
        name: z.string().optional(),
        versioning: z.boolean().default(true),
        forceDestroy: z.boolean().default(false),
        grants: z.array(bucketGrantSchema).default([]),
        tags: z.record(z.string(), z.string()).default({}),
    })
    .strict();

const assumeRoleGrantSchema = z
    .object({
        effect: z.enum(["Allow", "Deny"]),
        groups: z.array(iamName).default([]),
        users: z.array(iamName).default([]),
        roles: z.array(roleRef).min(1, "must name at least one role"),
    })
    .strict()
    .refine((g) => g.groups.length + g.users.length > 0, { message: "must name at least one group or user" });

const auditSchema = z
    .object({
        trailName: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{2,127}$/, "must be 3-128 letters, digits, '.', '_' or '-'"),
        /** The central log bucket, as `<env>/bucket/<key>`; the owning environment creates it. */
        bucket: bucketRef,
        keyPrefix: z
            .string()
            .regex(/^[A-Za-z0-9!_.*'()-]+(\/[A-Za-z0-9!_.*'()-]+)*$/)
            .optional(),
    })
    .strict();

const functionSchema = z
    .object({
        name: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "must be 1-64 letters, digits, '-' or '_'"),
        description: z.string().max(256).optional(),
        /** A runtime of the table in policy-pack/lib/lambda-runtimes.ts; the cross-check refuses one AWS blocks within 90 days. */
        runtime: z
            .string()
            .refine(
                (id) => Object.prototype.hasOwnProperty.call(LAMBDA_RUNTIMES, id),
                `must be a Lambda runtime AWS publishes, such as ${DEFAULT_LAMBDA_RUNTIME}`,
            )
            .default(DEFAULT_LAMBDA_RUNTIME),
        memorySizeMb: z.number().int().min(LAMBDA_LIMITS.minMemoryMb).max(LAMBDA_LIMITS.maxMemoryMb).optional(),
        timeoutSeconds: z.number().int().min(1).max(LAMBDA_LIMITS.maxTimeoutSeconds).optional(),
        logRetentionDays: logRetentionDays.default(90),
        /**
         * The team deploys the function's code another way (its CI, UpdateFunctionCode): the program creates the
         * function with the placeholder once and never reverts the code afterwards (ignoreChanges on the code).
         */
        codeDeployedElsewhere: z.boolean().default(false),
        /** Roles of other environments that may invoke the function; each one's stack adds its permission, naming the role exactly. */
        invokers: z.array(roleRef).default([]),
        tags: tagsSchema,
    })
    .strict();

const repositoryGrantSchema = z
    .object({
        sid: z
            .string()
            .regex(/^[A-Za-z0-9]+$/, "must be alphanumeric")
            .optional(),
        principals: z.array(roleRef).min(1, "must name at least one role"),
        /** "push" also lets them upload images; never granted unless asked here. */
        access: z.enum(["pull", "push"]).default("pull"),
    })
    .strict();

const repositorySchema = z
    .object({
        name: z
            .string()
            .regex(
                /^(?=.{2,256}$)(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/,
                "must be an ECR repository name such as app-images",
            ),
        grants: z.array(repositoryGrantSchema).default([]),
        forceDelete: z.boolean().default(false),
        tags: tagsSchema,
    })
    .strict();

const snapshotSchema = z
    .object({
        /** Identifier of the shared copy, used in references. */
        key: z
            .string()
            .regex(/^(?!.*--)[A-Za-z][A-Za-z0-9-]{0,254}(?<!-)$/, "must be letters, digits and single hyphens, starting with a letter"),
        /** An existing DB snapshot of this account (identifier or ARN); a copy of it is shared. */
        source: z.string().min(1, "must name the snapshot to share"),
        /** Accounts to share with, by environment name or 12-digit ID. */
        sharedWith: z.array(z.string()).min(1, "must name at least one account"),
        /**
         * An existing customer managed key of this account to encrypt the shared copy with; its key policy must let
         * the shared accounts use it through RDS. Without it the program creates such a key.
         */
        kmsKeyArn: z
            .string()
            .regex(
                /^arn:[a-z-]+:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/,
                "must be a KMS key ARN such as arn:aws:kms:us-east-1:999999999999:key/<id>",
            )
            .optional(),
        /** The source snapshot is not encrypted: the copy gets no key. */
        unencrypted: z.boolean().default(false),
        tags: tagsSchema,
    })
    .strict();

/** Who an alarm topic notifies; the endpoint's form depends on the protocol (SNS Subscribe API). */
const alarmSubscriptionSchema = z.discriminatedUnion("protocol", [
    // AWS mails a confirmation link; nothing is delivered until someone follows it.
    z
        .object({ protocol: z.literal("email"), endpoint: z.string().regex(/^[^@\s]+@[^@\s]+\.[^@\s]+$/, "must be an email address") })
        .strict(),
    // The endpoint must confirm the SubscriptionConfirmation request it receives.
    z.object({ protocol: z.literal("https"), endpoint: z.string().regex(/^https:\/\/[^\s]+$/, "must be an https:// URL") }).strict(),
    z
        .object({
            protocol: z.literal("sqs"),
            endpoint: z.string().regex(/^arn:aws[a-z-]*:sqs:[a-z0-9-]+:\d{12}:[\w-]{1,80}(\.fifo)?$/, "must be an SQS queue ARN"),
        })
        .strict(),
    z
        .object({
            protocol: z.literal("lambda"),
            endpoint: z
                .string()
                .regex(/^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]{1,64}$/, "must be a Lambda function ARN"),
        })
        .strict(),
]);

const alarmsSchema = z
    .object({
        topicName: z
            .string()
            .regex(/^[A-Za-z0-9_-]{1,256}$/, "must be 1-256 letters, digits, '-' or '_'")
            .default("crossaccount-activity"),
        /** Retention of the log group the trail delivers to. */
        logRetentionDays: logRetentionDays.default(365),
        accessDeniedThreshold: z.number().int().min(1).default(1),
        /** At least one: an alarm whose topic notifies nobody fires into nothing. */
        subscriptions: z
            .array(alarmSubscriptionSchema)
            .min(1, "must name at least one subscriber (email, https, sqs or lambda): an alarm nobody receives is not an alarm"),
    })
    .strict();

const managedPolicyRuleSchema = z
    .object({
        name: z
            .string()
            .regex(/^[A-Za-z0-9_-]{1,128}$/, "must be 1-128 letters, digits, '-' or '_'")
            .default("crossaccount-blocked-managed-policies"),
        policyArns: z
            .array(z.string().regex(/^arn:[a-z-]+:iam::(aws|\d{12}):policy\/[\w+=,.@/-]+$/, "must be a managed policy ARN"))
            .default(["arn:aws:iam::aws:policy/AdministratorAccess"]),
        /** Identities allowed to keep them, by name (e.g. OrganizationAccountAccessRole). */
        exceptRoles: z.array(roleName).default([]),
        exceptUsers: z.array(iamName).default([]),
        exceptGroups: z.array(iamName).default([]),
        /**
         * The account's AWS Config recorder. By default the organization's recorder `name` must exist (checked at
         * preview through the account's provider); `create: true` creates it, its delivery channel and bucket
         * (`aws-config-<accountId>`) where the account has none (AWS allows one recorder per account and region).
         */
        recorder: z
            .object({
                name: z
                    .string()
                    .regex(/^[A-Za-z0-9_-]{1,256}$/, "must be 1-256 letters, digits, '-' or '_'")
                    .default("default"),
                create: z.boolean().default(false),
            })
            .strict()
            .default({ name: "default", create: false }),
    })
    .strict();

const peeringSchema = z
    .object({
        peer: environmentName,
        dnsResolution: z.boolean().default(true),
    })
    .strict();

const networkSchema = z
    .object({
        cidr: cidrBlock,
        subnets: z.array(cidrBlock).default([]),
        availabilityZones: z.array(z.string()).default([]),
        peerings: z.array(peeringSchema).default([]),
    })
    .strict();

const accessContextSchema = z
    .object({
        mfa: z.boolean().optional(),
        mfaAgeSeconds: z.number().int().min(0).optional(),
        externalId: z.string().optional(),
        sourceIp: z.string().optional(),
        principalOrgId: z.string().optional(),
        /** aws:CurrentTime: ISO 8601 only, like a role's notBefore and notAfter (an epoch would be ambiguous to readers). */
        currentTime: isoTime.optional(),
        sessionName: z.string().optional(),
        /** kms:ViaService: the service endpoint using a KMS key for the caller, such as rds.us-east-1.amazonaws.com. */
        viaService: z
            .string()
            .regex(/^[a-z0-9-]+\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/, "must be a service endpoint such as rds.us-east-1.amazonaws.com")
            .optional(),
    })
    .strict();

const accessExpectationSchema = z
    .object({
        id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "must be lowercase letters, digits and '-'"),
        description: z.string().optional(),
        /** A reference (`dev/group/Developers`, `prod/role/UpdateApp`) or a raw ARN. */
        principal: z.string(),
        action: actionName,
        /** A reference (`prod/role/UpdateApp`, `prod/bucket/productionapp/some/key`) or a raw ARN. */
        resource: z.string(),
        context: accessContextSchema.default({}),
        /** The other resources the request names (a restore's DB instance and groups), as ARNs. */
        otherResources: z.array(z.string().startsWith("arn:", "must be an ARN")).default([]),
        expect: z.enum(["allow", "deny"]),
    })
    .strict();

export const organizationSchema = z
    .object({
        /** Every account of the organization, by name; a stack's environment must be one of them. */
        accounts: z.record(environmentName, accountId).refine((a) => Object.keys(a).length > 0, "must list at least one account"),
        orgId: z
            .string()
            .regex(/^o-[a-z0-9]{10,32}$/, "must be an AWS Organizations ID such as o-a1b2c3d4e5")
            .optional(),
        partition: z.enum(["aws", "aws-cn", "aws-us-gov"]).default("aws"),
        /** Role the per-account providers assume to deploy (omit to use ambient credentials). */
        deploymentRoleName: roleName.optional(),
        /** Third parties outside the organization that roles may trust with an external ID, by name. */
        vendors: z.record(environmentName, accountId).default({}),
    })
    .strict();

const oidcProviderSchema = z
    .object({
        /** false: the provider already exists in the account (created elsewhere); it is referenced by its ARN. */
        create: z.boolean().default(true),
    })
    .strict();

/** One stack file's `crossaccount:` keys, after defaults. */
export const environmentSchema = z
    .object({
        organization: organizationSchema,
        environment: environmentName.optional(),
        groups: z.array(iamName).default([]),
        /** The account's OIDC providers; one a role's github/gitlab trust uses is created unless `create: false`. */
        oidcProviders: z.object({ github: oidcProviderSchema.optional(), gitlab: oidcProviderSchema.optional() }).strict().default({}),
        roles: z.array(roleSchema).default([]),
        buckets: z.array(bucketSchema).default([]),
        assumeRoleGrants: z.array(assumeRoleGrantSchema).default([]),
        functions: z.array(functionSchema).default([]),
        repositories: z.array(repositorySchema).default([]),
        snapshots: z.array(snapshotSchema).default([]),
        audit: auditSchema.optional(),
        /** Requires audit: the alarms read the trail's events, which it then delivers to CloudWatch Logs. */
        alarms: alarmsSchema.optional(),
        /** The AWS Config rule for blocked managed policies; needs the account's configuration recorder. */
        managedPolicyRule: managedPolicyRuleSchema.optional(),
        network: networkSchema.optional(),
        accessExpectations: z.array(accessExpectationSchema).default([]),
        tags: z.record(z.string(), z.string()).default({}),
    })
    .strict();

export type EnvironmentSettings = z.infer<typeof environmentSchema>;
export type OrganizationSettings = z.infer<typeof organizationSchema>;
export type RoleSettings = z.infer<typeof roleSchema>;
export type TrustSettings = z.infer<typeof trustSchema>;
export type PermissionSettings = z.infer<typeof permissionSchema>;
export type BucketSettings = z.infer<typeof bucketSchema>;
export type BucketGrantSettings = z.infer<typeof bucketGrantSchema>;
export type AssumeRoleGrantSettings = z.infer<typeof assumeRoleGrantSchema>;
export type AuditSettings = z.infer<typeof auditSchema>;
export type FunctionSettings = z.infer<typeof functionSchema>;
export type RepositorySettings = z.infer<typeof repositorySchema>;
export type SnapshotSettings = z.infer<typeof snapshotSchema>;
export type AlarmSettings = z.infer<typeof alarmsSchema>;
export type AlarmSubscriptionSettings = z.infer<typeof alarmSubscriptionSchema>;
export type ManagedPolicyRuleSettings = z.infer<typeof managedPolicyRuleSchema>;
export type NetworkSettings = z.infer<typeof networkSchema>;
export type AccessExpectationSettings = z.infer<typeof accessExpectationSchema>;
export type AccessContextSettings = z.infer<typeof accessContextSchema>;
