// An IAM role that principals in other accounts (or AWS services) may assume, with an inline
// permission policy. The trust policy trusts account roots and narrows them with conditions,
// because a role ARN in Principal breaks when that role does not exist yet or is recreated.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as ipaddr from "ipaddr.js";
import {
    ASSUME_ROLE_ACTION,
    ConditionBlock,
    DEFAULT_PARTITION,
    IAM_LIMITS,
    PolicyDocument,
    PolicyEffect,
    PolicyStatement,
    accountRootArn,
    assertAccountId,
    assertIamName,
    assertIamPath,
    isServicePrincipal,
    mergeConditions,
    parsePrincipalArn,
    policyDocument,
    principalArnCondition,
    sortedUnique,
    serializeWithinLimit,
} from "../aws";
import {
    IdentityCenterTrust,
    SessionOptions,
    WebIdentityTrust,
    identityCenterStatements,
    sessionParts,
    validateFederation,
    webIdentityStatements,
} from "./federated-trust";

export { WEB_IDENTITY_ACTION } from "./federated-trust";
export type { IdentityCenterTrust, SessionOptions, WebIdentityTrust } from "./federated-trust";

export interface RoleTrust {
    /** Principal AWS = the account root ARN. */
    trustedAccountIds?: string[];
    /** Explicit principal ARNs, put in Principal as given. */
    trustedPrincipalArns?: string[];
    /** Narrows the trusted principals with aws:PrincipalArn (ArnLike if any has a wildcard, else ArnEquals). */
    principalArnPatterns?: string[];
    /** StringEquals sts:ExternalId; always stored as a secret. */
    externalId?: pulumi.Input<string>;
    /** Bool aws:MultiFactorAuthPresent "true". */
    requireMfa?: boolean;
    /** NumericLessThan aws:MultiFactorAuthAge; implies requireMfa. */
    maxMfaAgeSeconds?: number;
    /** StringEquals aws:PrincipalOrgID. */
    principalOrgId?: string;
    /** IpAddress aws:SourceIp. */
    sourceIpRanges?: string[];
    /** DateGreaterThan / DateLessThan aws:CurrentTime, ISO 8601. */
    notBefore?: string;
    notAfter?: string;
    /** StringLike sts:RoleSessionName. */
    sessionNamePattern?: string;
    /** Principal Service, in its own statement without the AWS-principal conditions. */
    trustedServices?: string[];
    /** StringEquals aws:SourceArn on the service statement: the service may assume the role only for these resources. */
    serviceSourceArns?: string[];
    /** StringEquals aws:SourceAccount on the service statement. */
    serviceSourceAccounts?: string[];
    /** OIDC trusts (GitHub Actions, GitLab): one statement per provider, aud and sub pinned. */
    webIdentity?: WebIdentityTrust[];
    /** IAM Identity Center: the roles provisioned for these permission sets in these accounts. */
    identityCenter?: IdentityCenterTrust;
    /** Session options for every statement but the services': sts:TagSession, sts:SetSourceIdentity. */
    session?: SessionOptions;
}

export interface PermissionStatement {
    sid?: string;
    /** Defaults to Allow. */
    effect?: PolicyEffect;
    actions: string[];
    resources: pulumi.Input<string>[];
    conditions?: ConditionBlock;
}

export interface CrossAccountRoleArgs {
    roleName: string;
    path?: string;
    description?: string;
    trust: RoleTrust;
    permissions: PermissionStatement[];
    maxSessionDurationSeconds?: number;
    permissionsBoundaryArn?: pulumi.Input<string>;
    tags?: Record<string, string>;
    /** Partition for the account root ARNs; defaults to "aws". */
    partition?: string;
}

export const PERMISSION_POLICY_NAME = "permissions";

export class CrossAccountRole extends pulumi.ComponentResource {
    readonly role: aws.iam.Role;
    readonly arn: pulumi.Output<string>;
    readonly roleName: pulumi.Output<string>;
    readonly trustPolicy: pulumi.Output<string>;
    readonly permissionPolicy?: pulumi.Output<string>;
    readonly rolePolicy?: aws.iam.RolePolicy;

    constructor(name: string, args: CrossAccountRoleArgs, opts?: pulumi.ComponentResourceOptions) {
        validateRoleArgs(args);
        super("crossaccount:index:CrossAccountRole", name, {}, opts);

        const trustPolicyName = `Trust policy of role ${args.roleName}`;
        this.trustPolicy = serializeWithinLimit(
            trustPolicyDocument(args.trust, args.partition),
            IAM_LIMITS.trustPolicy,
            trustPolicyName,
            "warn",
        );

        this.role = new aws.iam.Role(
            name,
            {
                name: args.roleName,
                path: args.path ?? "/",
                description: args.description,
                assumeRolePolicy: this.trustPolicy,
                maxSessionDuration: args.maxSessionDurationSeconds,
                permissionsBoundary: args.permissionsBoundaryArn,
                tags: args.tags,
            },
            { parent: this },
        );
        this.arn = this.role.arn;
        this.roleName = this.role.name;

        if (args.permissions.length > 0) {
            this.permissionPolicy = serializeWithinLimit(
                permissionPolicyDocument(args.permissions),
                IAM_LIMITS.roleInlinePolicies,
                `Permission policy of role ${args.roleName}`,
            );
            this.rolePolicy = new aws.iam.RolePolicy(
                `${name}-permissions`,
                { name: PERMISSION_POLICY_NAME, role: this.role.name, policy: this.permissionPolicy },
                { parent: this },
            );
        }

        this.registerOutputs({
            arn: this.arn,
            roleName: this.roleName,
            trustPolicy: this.trustPolicy,
            permissionPolicy: this.permissionPolicy,
        });
    }
}

/** The trust (assume-role) policy; exported so the program and tests can inspect it without a role. */
export function trustPolicyDocument(trust: RoleTrust, partition = DEFAULT_PARTITION): PolicyDocument {
    validateTrust(trust);
    const statements: PolicyStatement[] = [];

    const session = sessionParts(trust.session);
    const awsPrincipals = sortedUnique([
        ...(trust.trustedAccountIds ?? []).map((accountId) => accountRootArn(accountId, partition)),
        ...(trust.trustedPrincipalArns ?? []),
    ]);
    if (awsPrincipals.length > 0) {
        statements.push({
            Sid: "TrustedPrincipals",
            Effect: "Allow",
            Principal: { AWS: awsPrincipals },
            Action: session.actions(ASSUME_ROLE_ACTION),
            Condition: mergeConditions(trustConditions(trust), session.condition),
        });
    }

    statements.push(
        ...identityCenterStatements(trust.identityCenter, session, partition),
        ...webIdentityStatements(trust.webIdentity, session),
    );

    const services = sortedUnique(trust.trustedServices ?? []);
    if (services.length > 0) {
        statements.push({
            Sid: "TrustedServices",
            Effect: "Allow",
            Principal: { Service: services },
            Action: ASSUME_ROLE_ACTION,
            // Confused-deputy protection: the service acts for these resources or accounts only.
            Condition: mergeConditions(
                trust.serviceSourceArns?.length ? { StringEquals: { "aws:SourceArn": sortedUnique(trust.serviceSourceArns) } } : undefined,
                trust.serviceSourceAccounts?.length
                    ? { StringEquals: { "aws:SourceAccount": sortedUnique(trust.serviceSourceAccounts) } }
                    : undefined,
            ),
        });
    }
    return policyDocument(statements);
}

export function permissionPolicyDocument(permissions: PermissionStatement[]): PolicyDocument {
    return policyDocument(
        permissions.map((permission) => ({
            Sid: permission.sid,
            Effect: permission.effect ?? "Allow",
            Action: permission.actions,
            Resource: permission.resources,
            Condition: permission.conditions,
        })),
    );
}

function trustConditions(trust: RoleTrust): ConditionBlock | undefined {
    const requireMfa = trust.requireMfa || trust.maxMfaAgeSeconds !== undefined;
    return mergeConditions(
        trust.principalArnPatterns?.length ? principalArnCondition(trust.principalArnPatterns) : undefined,
        // Wrapped so the external ID (and so the whole trust policy) is never stored in plain text.
        trust.externalId !== undefined ? { StringEquals: { "sts:ExternalId": pulumi.secret(trust.externalId) } } : undefined,
        trust.principalOrgId !== undefined ? { StringEquals: { "aws:PrincipalOrgID": trust.principalOrgId } } : undefined,
        requireMfa ? { Bool: { "aws:MultiFactorAuthPresent": "true" } } : undefined,
        trust.maxMfaAgeSeconds !== undefined
            ? { NumericLessThan: { "aws:MultiFactorAuthAge": String(trust.maxMfaAgeSeconds) } }
            : undefined,
        trust.sourceIpRanges?.length ? { IpAddress: { "aws:SourceIp": sortedUnique(trust.sourceIpRanges) } } : undefined,
        trust.notBefore !== undefined ? { DateGreaterThan: { "aws:CurrentTime": trust.notBefore } } : undefined,
        trust.notAfter !== undefined ? { DateLessThan: { "aws:CurrentTime": trust.notAfter } } : undefined,
        trust.sessionNamePattern !== undefined ? { StringLike: { "sts:RoleSessionName": trust.sessionNamePattern } } : undefined,
    );
}

// ---------------------------------------------------------------------------------------------
// Validation of what the types cannot express. Errors name the offending value.

const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;
const ORG_ID = /^o-[a-z0-9]{10,32}$/;
const SESSION_NAME_PATTERN = /^[\w+=,.@*?-]{1,64}$/;
const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
// Account in an aws:PrincipalArn pattern, when it is spelled out (no wildcard in that field).
const PATTERN_ACCOUNT = /^arn:[^:]+:(?:iam|sts)::(\d{12}):/;

function validateRoleArgs(args: CrossAccountRoleArgs): void {
    assertIamName(args.roleName, "role name", IAM_LIMITS.roleName);
    if (args.path !== undefined) {
        assertIamPath(args.path);
    }
    const duration = args.maxSessionDurationSeconds;
    if (duration !== undefined && (!Number.isInteger(duration) || duration < 3600 || duration > 43200)) {
        throw new Error(`Invalid maxSessionDurationSeconds ${duration} for role ${args.roleName}: must be an integer from 3600 to 43200`);
    }
    if (args.description !== undefined && args.description.length > 1000) {
        throw new Error(`Description of role ${args.roleName} is over 1000 characters`);
    }
    for (const permission of args.permissions) {
        const label = permission.sid ?? permission.actions.join(",");
        if (permission.actions.length === 0) {
            throw new Error(`Permission statement ${label} of role ${args.roleName} names no actions`);
        }
        if (permission.resources.length === 0) {
            throw new Error(`Permission statement ${label} of role ${args.roleName} names no resources`);
        }
        for (const action of permission.actions) {
            if (action !== "*" && !/^[a-z0-9-]+:[A-Za-z0-9*?]+$/.test(action)) {
                throw new Error(`Invalid action "${action}" in role ${args.roleName}: expected service:Action`);
            }
        }
    }
    try {
        validateTrust(args.trust);
    } catch (error) {
        throw new Error(`Role ${args.roleName}: ${(error as Error).message}`);
    }
}

function validateTrust(trust: RoleTrust): void {
    const accountIds = trust.trustedAccountIds ?? [];
    const principalArns = trust.trustedPrincipalArns ?? [];
    const services = trust.trustedServices ?? [];
    for (const accountId of accountIds) {
        assertAccountId(accountId, "trusted account ID");
    }
    const trustedAccounts = new Set([...accountIds, ...principalArns.map((arn) => parsePrincipalArn(arn).accountId)]);
    const hasAwsPrincipal = trustedAccounts.size > 0;
    const identityCenter = trust.identityCenter?.permissionSets.length ? trust.identityCenter : undefined;
    const webIdentity = trust.webIdentity ?? [];
    const peopleOrCi = hasAwsPrincipal || identityCenter !== undefined || webIdentity.length > 0;
    if (!peopleOrCi && services.length === 0) {
        throw new Error(
            "the trust names no principal: give trustedAccountIds, trustedPrincipalArns, identityCenter, webIdentity or trustedServices",
        );
    }
    validateFederation(identityCenter, webIdentity);
    const session = trust.session;
    if (session?.sourceIdentityPatterns?.length && !session.setSourceIdentity) {
        throw new Error(
            "session.sourceIdentityPatterns needs session.setSourceIdentity: a source identity can only be required where it may be set",
        );
    }
    if ((session?.tagSession || session?.setSourceIdentity) && !peopleOrCi) {
        throw new Error(
            "session options apply to accounts, roles, identityCenter or webIdentity trusts, and the trust names only services",
        );
    }
    for (const service of services) {
        if (!isServicePrincipal(service)) {
            throw new Error(`Invalid service principal "${service}": expected <service>.amazonaws.com`);
        }
    }
    if (services.length === 0 && (trust.serviceSourceArns?.length || trust.serviceSourceAccounts?.length)) {
        throw new Error("serviceSourceArns and serviceSourceAccounts scope trustedServices, which names no service");
    }
    for (const arn of trust.serviceSourceArns ?? []) {
        if (!arn.startsWith("arn:")) throw new Error(`Invalid serviceSourceArns entry "${arn}": must be an ARN`);
    }
    for (const accountId of trust.serviceSourceAccounts ?? []) {
        assertAccountId(accountId, "service source account ID");
    }

    const awsConditionsGiven = [
        trust.principalArnPatterns?.length ? "principalArnPatterns" : undefined,
        trust.externalId !== undefined ? "externalId" : undefined,
        trust.requireMfa ? "requireMfa" : undefined,
        trust.maxMfaAgeSeconds !== undefined ? "maxMfaAgeSeconds" : undefined,
        trust.principalOrgId !== undefined ? "principalOrgId" : undefined,
        trust.sourceIpRanges?.length ? "sourceIpRanges" : undefined,
        trust.notBefore !== undefined ? "notBefore" : undefined,
        trust.notAfter !== undefined ? "notAfter" : undefined,
        trust.sessionNamePattern !== undefined ? "sessionNamePattern" : undefined,
    ].filter((name): name is string => name !== undefined);
    // Conditions only apply to the AWS-principal statement; with services alone they would be dropped silently.
    if (!hasAwsPrincipal && awsConditionsGiven.length > 0) {
        throw new Error(`${awsConditionsGiven.join(", ")} need an AWS principal (trustedAccountIds or trustedPrincipalArns)`);
    }

    for (const pattern of trust.principalArnPatterns ?? []) {
        if (!pattern.startsWith("arn:")) {
            throw new Error(`Invalid principal ARN pattern "${pattern}": must be an ARN`);
        }
        const account = PATTERN_ACCOUNT.exec(pattern)?.[1];
        if (account !== undefined && !trustedAccounts.has(account)) {
            throw new Error(
                `Principal ARN pattern "${pattern}" is in account ${account}, which the trust does not name, so it could never match`,
            );
        }
    }
    if (typeof trust.externalId === "string" && !EXTERNAL_ID.test(trust.externalId)) {
        throw new Error("Invalid externalId: must be 2-1224 characters of letters, digits and + = , . @ : / _ -");
    }
    if (trust.maxMfaAgeSeconds !== undefined && (!Number.isInteger(trust.maxMfaAgeSeconds) || trust.maxMfaAgeSeconds <= 0)) {
        throw new Error(`Invalid maxMfaAgeSeconds ${trust.maxMfaAgeSeconds}: must be a positive integer`);
    }
    if (trust.principalOrgId !== undefined && !ORG_ID.test(trust.principalOrgId)) {
        throw new Error(`Invalid principalOrgId "${trust.principalOrgId}": expected o- followed by 10-32 lowercase letters or digits`);
    }
    for (const range of trust.sourceIpRanges ?? []) {
        if (!ipaddr.isValidCIDR(range) && !ipaddr.isValid(range)) {
            throw new Error(`Invalid sourceIpRanges entry "${range}": expected an IP address or CIDR block`);
        }
    }
    const notBefore = trust.notBefore === undefined ? undefined : parseTime(trust.notBefore, "notBefore");
    const notAfter = trust.notAfter === undefined ? undefined : parseTime(trust.notAfter, "notAfter");
    if (notBefore !== undefined && notAfter !== undefined && notBefore >= notAfter) {
        throw new Error(`notBefore ${trust.notBefore} must be earlier than notAfter ${trust.notAfter}`);
    }
    if (trust.sessionNamePattern !== undefined && !SESSION_NAME_PATTERN.test(trust.sessionNamePattern)) {
        throw new Error(
            `Invalid sessionNamePattern "${trust.sessionNamePattern}": at most 64 characters of letters, digits, + = , . @ _ - and wildcards`,
        );
    }
}

function parseTime(value: string, field: string): number {
    const time = Date.parse(value);
    if (!ISO_8601.test(value) || Number.isNaN(time)) {
        throw new Error(`Invalid ${field} "${value}": expected an ISO 8601 time such as 2026-01-31T00:00:00Z`);
    }
    return time;
}
