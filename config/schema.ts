// The shape of one environment's stack config (keys under the `crossaccount:` namespace).
// Everything a stack file may say is described here and in schema-primitives.ts and resources-schema.ts, once;
// the program never reads raw config.
import { z } from "zod";
import { SERVICE_PRINCIPAL } from "../aws";
import {
    accountId,
    environmentName,
    roleName,
    rolePath,
    externalId,
    iamName,
    cidrBlock,
    anyCidr,
    isoTime,
    actionName,
    roleRef,
    bucketRef,
    functionRef,
    repositoryRef,
    snapshotRef,
    conditionBlock,
    grantedRoles,
    statementSid,
} from "./schema-primitives";
import {
    functionSchema,
    repositorySchema,
    snapshotSchema,
    alarmSubscriptionSchema,
    alarmsSchema,
    managedPolicyRuleSchema,
} from "./resources-schema";

export { roleName, externalId } from "./schema-primitives";
import { githubTrustSchema, gitlabTrustSchema, identityCenterTrustSchema, sessionSchema, trustedRole } from "./trust-schema";

export const CONFIG_NAMESPACE = "crossaccount";

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
        sid: statementSid.optional(),
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
        sid: statementSid.optional(),
        principals: grantedRoles,
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
        roles: grantedRoles,
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
