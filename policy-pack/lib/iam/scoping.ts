// Which condition keys limit who a `"Principal": "*"` statement reaches, and when a value really limits it.
// One table for the pack's public-principal rules (buckets, repositories) and anything else that asks.
//
// AWS documentation: "AWS global condition context keys", IAM User Guide,
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
// (aws:PrincipalOrgID, aws:PrincipalOrgPaths, aws:PrincipalAccount, aws:PrincipalArn, aws:PrincipalServiceName,
// aws:userid, aws:SourceArn, aws:SourceAccount, aws:SourceOrgID, aws:SourceOrgPaths, aws:SourceVpc, aws:SourceVpce,
// aws:VpcSourceIp, aws:SourceIp, aws:VpceAccount, aws:VpceOrgID, aws:VpceOrgPaths), and for the access point keys
// "Configuring IAM policies for using access points", Amazon S3 User Guide,
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-points-policies.html.
import type { Condition, Statement } from "./document";
import { parseArn } from "./arn";

/** What a limiting value names, which decides when it is concrete. */
type ValueKind = "account" | "arn" | "org-id" | "org-path" | "vpc" | "vpce" | "ip" | "id" | "service";

export interface ScopingKey {
    key: string;
    /** What the key pins a request to, for messages and docs. */
    limits: "organization" | "account" | "principal" | "source" | "network";
    kind: ValueKind;
}

/**
 * Condition keys that limit a public grant: the caller's organization or account, the principal itself, the
 * resource or account a service acts for, or the network (VPC, VPC endpoint, endpoint owner, IP range).
 * The aws:Vpce* keys name the account, organization or organization path that owns the VPC endpoint the
 * request came through, so `aws:VpceOrgID` keeps a bucket to the organization's networks.
 */
export const PUBLIC_SCOPING_KEYS: readonly ScopingKey[] = [
    { key: "aws:PrincipalOrgID", limits: "organization", kind: "org-id" },
    { key: "aws:PrincipalOrgPaths", limits: "organization", kind: "org-path" },
    { key: "aws:PrincipalAccount", limits: "account", kind: "account" },
    { key: "aws:PrincipalArn", limits: "principal", kind: "arn" },
    { key: "aws:PrincipalServiceName", limits: "principal", kind: "service" },
    { key: "aws:userid", limits: "principal", kind: "id" },
    { key: "aws:SourceArn", limits: "source", kind: "arn" },
    { key: "aws:SourceAccount", limits: "source", kind: "account" },
    { key: "aws:SourceOrgID", limits: "source", kind: "org-id" },
    { key: "aws:SourceOrgPaths", limits: "source", kind: "org-path" },
    { key: "aws:SourceVpc", limits: "network", kind: "vpc" },
    { key: "aws:SourceVpce", limits: "network", kind: "vpce" },
    { key: "aws:VpceAccount", limits: "network", kind: "account" },
    { key: "aws:VpceOrgID", limits: "network", kind: "org-id" },
    { key: "aws:VpceOrgPaths", limits: "network", kind: "org-path" },
    { key: "aws:SourceIp", limits: "network", kind: "ip" },
    { key: "aws:VpcSourceIp", limits: "network", kind: "ip" },
    { key: "s3:DataAccessPointAccount", limits: "account", kind: "account" },
    { key: "s3:DataAccessPointArn", limits: "source", kind: "arn" },
];

const BY_KEY = new Map(PUBLIC_SCOPING_KEYS.map((entry) => [entry.key.toLowerCase(), entry]));

/** Operators that require the key to be present and to match; negations and Null limit nothing. */
const LIMITING_OPERATORS = new Set(["stringequals", "stringequalsignorecase", "stringlike", "arnequals", "arnlike", "ipaddress"]);

const WILDCARD = /[*?]/;
/** `${aws:ResourceOrgID}` and other policy variables resolve to one value per request: the resource's own. */
const POLICY_VARIABLE = /^\$\{[^}]+\}$/;

/** The identifying part of a value with its fixed prefix removed ("o-", "vpce-"): must be free of wildcards. */
function literalAfter(prefix: RegExp, value: string): boolean {
    const rest = value.replace(prefix, "");
    return rest !== value && rest.length > 0 && !WILDCARD.test(rest);
}

/**
 * Whether a value pins the key to something specific: no wildcard over the identifying part ("o-*", "vpce-*",
 * "arn:aws:iam::*:role/x", "0.0.0.0/0" limit nothing). Organization paths count when the organization is fixed.
 * A "*" under StringEquals is literal and would match nothing, but it reads as a wildcard its author meant: it does
 * not count either, so the grant is reported rather than trusted.
 */
function isConcrete(kind: ValueKind, value: string): boolean {
    if (POLICY_VARIABLE.test(value)) return true;
    switch (kind) {
        case "account":
            return value.length > 0 && !WILDCARD.test(value);
        case "org-id":
            return literalAfter(/^o-/, value);
        case "org-path":
            return literalAfter(/^o-/, value.split("/")[0]);
        case "vpc":
            return literalAfter(/^vpc-/, value);
        case "vpce":
            return literalAfter(/^vpce-/, value);
        case "ip":
            return !/\/0$/.test(value) && !WILDCARD.test(value);
        case "arn": {
            const arn = parseArn(value);
            if (!arn || WILDCARD.test(arn.service)) return false;
            // ARNs without an account (S3 buckets) are pinned by their resource name.
            return arn.account === "" ? /^[^*?]/.test(arn.resource) : !WILDCARD.test(arn.account);
        }
        case "id":
        case "service":
            return value.length > 0 && !WILDCARD.test(value.split(":")[0]);
    }
}

/** A condition that limits a public grant: a table key, a positive operator, values all concrete (or not known yet). */
function limitsPublicGrant(condition: Condition): boolean {
    const entry = BY_KEY.get(condition.keyLower);
    if (!entry || condition.ifExists || condition.setQualifier === "forallvalues" || !LIMITING_OPERATORS.has(condition.baseOperator)) {
        return false;
    }
    if (condition.hasUnknown) return true;
    return condition.values.length > 0 && condition.values.every((value) => isConcrete(entry.kind, value));
}

/** Whether a statement's conditions keep a `"*"` principal to an organization, account, principal, source or network. */
export function isPublicGrantLimited(statement: Statement): boolean {
    return statement.conditionsUnknown || statement.conditions.some(limitsPublicGrant);
}
