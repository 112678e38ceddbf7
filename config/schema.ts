// The shape of one environment's stack config (keys under the `crossaccount:` namespace).
// Everything a stack file may say is described here, once; the program never reads raw config.
import { z } from "zod";
import * as ipaddr from "ipaddr.js";
import { parseIpv4Cidr } from "../components/cidr";

export const CONFIG_NAMESPACE = "crossaccount";

const accountId = z.string().regex(/^\d{12}$/, "must be a 12-digit AWS account ID");
const environmentName = z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,31}$/, "must be lowercase letters, digits and '-', starting with a letter (at most 32)");
export const roleName = z
    .string()
    .min(1, "must not be empty")
    .max(64, "must be at most 64 characters (IAM limit)")
    .regex(/^[\w+=,.@-]+$/, "may only contain letters, digits and + = , . @ _ -");
const rolePath = z
    .string()
    .max(512, "must be at most 512 characters")
    .regex(/^\/(?:[\x21-\x7E]+\/)?$/, "must start and end with '/' (for example /crossaccount/)");
// sts:ExternalId: 2-1,224 characters of [\w+=,.@:/-] (AWS STS API reference).
export const externalId = z
    .string()
    .min(2, "must be at least 2 characters")
    .max(1224, "must be at most 1,224 characters")
    .regex(/^[\w+=,.@:\/-]+$/, "may only contain letters, digits and + = , . @ : / _ -");
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
const actionName = z
    .string()
    .regex(/^[a-z0-9-]+:[A-Za-z0-9*?]+$/, "must be an IAM action such as s3:GetObject");

/** `<env>/role/<Name>`: a role defined in that environment's stack file. */
export const ROLE_REF = /^([a-z][a-z0-9-]*)\/role\/([\w+=,.@-]+)$/;
/** `<env>/bucket/<key>`, optionally followed by `/<object key or prefix pattern>`. */
export const BUCKET_REF = /^([a-z][a-z0-9-]*)\/bucket\/([a-z0-9][a-z0-9.-]*)(?:\/(.*))?$/;
/** `<env>/group/<Name>` and `<env>/user/<Name>`: identities in that environment's account. */
export const IDENTITY_REF = /^([a-z][a-z0-9-]*)\/(group|user)\/([\w+=,.@-]+)$/;

const roleRef = z.string().regex(ROLE_REF, "must reference a role as <environment>/role/<RoleName>");
const bucketRef = z.string().regex(BUCKET_REF, "must reference a bucket as <environment>/bucket/<key>");

const conditionBlock = z.record(z.string(), z.record(z.string(), z.union([z.string(), z.array(z.string())])));

const trustSchema = z
    .object({
        /** Trusted accounts, by environment name or 12-digit ID; the principal is the account root. */
        accounts: z.array(z.string()).default([]),
        /** Trusted roles of other environments; trusts their account root narrowed by aws:PrincipalArn. */
        roles: z.array(roleRef).default([]),
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
        services: z.array(z.string().regex(/^[a-z0-9.-]+\.amazonaws\.com$/, "must be a service principal")).default([]),
    })
    .strict();

const permissionSchema = z
    .object({
        sid: z.string().regex(/^[A-Za-z0-9]+$/, "must be alphanumeric").optional(),
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
        tags: z.record(z.string(), z.string()).default({}),
    })
    .strict();

const bucketGrantSchema = z
    .object({
        sid: z.string().regex(/^[A-Za-z0-9]+$/, "must be alphanumeric").optional(),
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
        keyPrefix: z.string().regex(/^[A-Za-z0-9!_.*'()-]+(\/[A-Za-z0-9!_.*'()-]+)*$/).optional(),
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
        currentTime: z.string().optional(),
        sessionName: z.string().optional(),
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
        expect: z.enum(["allow", "deny"]),
    })
    .strict();

export const organizationSchema = z
    .object({
        /** Every account of the organization, by name; a stack's environment must be one of them. */
        accounts: z.record(environmentName, accountId).refine((a) => Object.keys(a).length > 0, "must list at least one account"),
        orgId: z.string().regex(/^o-[a-z0-9]{10,32}$/, "must be an AWS Organizations ID such as o-a1b2c3d4e5").optional(),
        partition: z.enum(["aws", "aws-cn", "aws-us-gov"]).default("aws"),
        /** Role the per-account providers assume to deploy (omit to use ambient credentials). */
        deploymentRoleName: roleName.optional(),
    })
    .strict();

/** One stack file's `crossaccount:` keys, after defaults. */
export const environmentSchema = z
    .object({
        organization: organizationSchema,
        environment: environmentName.optional(),
        groups: z.array(iamName).default([]),
        roles: z.array(roleSchema).default([]),
        buckets: z.array(bucketSchema).default([]),
        assumeRoleGrants: z.array(assumeRoleGrantSchema).default([]),
        audit: auditSchema.optional(),
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
export type NetworkSettings = z.infer<typeof networkSchema>;
export type AccessExpectationSettings = z.infer<typeof accessExpectationSchema>;
export type AccessContextSettings = z.infer<typeof accessContextSchema>;
