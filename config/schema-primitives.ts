// The building blocks of the stack-config schema: account IDs, IAM names, CIDR blocks, times, references.
import { z } from "zod";
import * as ipaddr from "ipaddr.js";
import { parseBucketRef, parseFunctionRef, parseRepositoryRef, parseRoleRef, parseSnapshotRef, referenceSchema } from "./refs";
import { IAM_LIMITS, LOG_RETENTION_DAYS, parseIpv4Cidr } from "../aws";

export const accountId = z.string().regex(/^\d{12}$/, "must be a 12-digit AWS account ID");
export const environmentName = z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,31}$/, "must be lowercase letters, digits and '-', starting with a letter (at most 32)");
export const roleName = z
    .string()
    .min(1, "must not be empty")
    .max(IAM_LIMITS.roleName, `must be at most ${IAM_LIMITS.roleName} characters (IAM limit)`)
    .regex(/^[\w+=,.@-]+$/, "may only contain letters, digits and + = , . @ _ -");
export const rolePath = z
    .string()
    .max(IAM_LIMITS.path, `must be at most ${IAM_LIMITS.path} characters`)
    .regex(/^\/(?:[\x21-\x7E]+\/)?$/, "must start and end with '/' (for example /crossaccount/)");
// sts:ExternalId: 2-1,224 characters of [\w+=,.@:/-] (AWS STS API reference).
export const externalId = z
    .string()
    .min(2, "must be at least 2 characters")
    .max(1224, "must be at most 1,224 characters")
    .regex(/^[\w+=,.@:/-]+$/, "may only contain letters, digits and + = , . @ : / _ -");
export const iamName = z.string().regex(/^[\w+=,.@-]{1,128}$/, "must be 1-128 characters of letters, digits and + = , . @ _ -");
export const cidrBlock = z.string().superRefine((value, context) => {
    try {
        parseIpv4Cidr(value);
    } catch (error) {
        context.addIssue({ code: "custom", message: (error as Error).message.replace(/^Invalid CIDR block "[^"]*": /, "must be ") });
    }
});
export const anyCidr = z.string().refine((value) => {
    try {
        ipaddr.parseCIDR(value);
        return true;
    } catch {
        return false;
    }
}, "must be a CIDR block such as 203.0.113.0/24");
export const isoTime = z.iso.datetime({ message: "must be an ISO 8601 time such as 2026-01-31T00:00:00Z" });
/** A statement Sid (or the prefix of a grant's Sids): ASCII letters and digits, as IAM allows in identity policies. */
export const statementSid = z.string().regex(/^[A-Za-z0-9]+$/, "must be alphanumeric");
/**
 * Names of Lambda functions, SNS topics, Config recorders and rules: 1 to `max` letters, digits, '-' or '_'
 * (each service's API reference gives its own maximum).
 */
export function resourceName(max: number) {
    return z.string().regex(new RegExp(`^[A-Za-z0-9_-]{1,${max}}$`), `must be 1-${max} letters, digits, '-' or '_'`);
}
export const actionName = z.string().regex(/^[a-z0-9-]+:[A-Za-z0-9*?]+$/, "must be an IAM action such as s3:GetObject");
export const logRetentionDays = z
    .number()
    .int()
    .refine((days) => (LOG_RETENTION_DAYS as readonly number[]).includes(days), `must be one of ${LOG_RETENTION_DAYS.join(", ")} days`);
export const tagsSchema = z.record(z.string(), z.string()).default({});

export const roleRef = referenceSchema(parseRoleRef, "must reference a role as <environment>/role/<RoleName>");
export const bucketRef = referenceSchema(parseBucketRef, "must reference a bucket as <environment>/bucket/<key>");
export const functionRef = referenceSchema(parseFunctionRef, "must reference a function as <environment>/function/<name>");
export const repositoryRef = referenceSchema(parseRepositoryRef, "must reference a repository as <environment>/repository/<name>");
export const snapshotRef = referenceSchema(parseSnapshotRef, "must reference a snapshot as <environment>/snapshot/<key>");

/** The roles a grant is for: a grant naming nobody is a mistake, not an empty grant. */
export const grantedRoles = z.array(roleRef).min(1, "must name at least one role");

export const conditionBlock = z.record(z.string(), z.record(z.string(), z.union([z.string(), z.array(z.string())])));
