// The stack-config schema of what an environment shares beyond roles and buckets: Lambda functions, ECR
// repositories, DB snapshots, the activity alarms and the AWS Config rule.
import { z } from "zod";
import { grantedRoles, roleName, iamName, logRetentionDays, resourceName, statementSid, tagsSchema, roleRef } from "./schema-primitives";
import { DEFAULT_LAMBDA_RUNTIME, LAMBDA_LIMITS, LAMBDA_RUNTIMES } from "../aws";

export const functionSchema = z
    .object({
        name: resourceName(64),
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

export const repositoryGrantSchema = z
    .object({
        sid: statementSid.optional(),
        principals: grantedRoles,
        /** "push" also lets them upload images; never granted unless asked here. */
        access: z.enum(["pull", "push"]).default("pull"),
    })
    .strict();

export const repositorySchema = z
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

export const snapshotSchema = z
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
export const alarmSubscriptionSchema = z.discriminatedUnion("protocol", [
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

export const alarmsSchema = z
    .object({
        topicName: resourceName(256).default("crossaccount-activity"),
        /** Retention of the log group the trail delivers to. */
        logRetentionDays: logRetentionDays.default(365),
        accessDeniedThreshold: z.number().int().min(1).default(1),
        /** At least one: an alarm whose topic notifies nobody fires into nothing. */
        subscriptions: z
            .array(alarmSubscriptionSchema)
            .min(1, "must name at least one subscriber (email, https, sqs or lambda): an alarm nobody receives is not an alarm"),
    })
    .strict();

export const managedPolicyRuleSchema = z
    .object({
        name: resourceName(128).default("crossaccount-blocked-managed-policies"),
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
                name: resourceName(256).default("default"),
                create: z.boolean().default(false),
            })
            .strict()
            .default({ name: "default", create: false }),
    })
    .strict();
