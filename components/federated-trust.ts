// The trust statements of people and CI who reach a role from outside IAM users and roles: IAM Identity
// Center permission sets, OIDC providers (GitHub Actions, GitLab), and the session options (sts:TagSession,
// sts:SetSourceIdentity) those statements and the account statement share. CrossAccountRole assembles them.
import * as pulumi from "@pulumi/pulumi";
import {
    ASSUME_ROLE_ACTION,
    ConditionBlock,
    OIDC_PROVIDERS,
    OidcProviderName,
    PERMISSION_SET_NAME,
    PolicyStatement,
    accountRootArn,
    assertAccountId,
    hasWildcard,
    identityCenterRolePatterns,
    mergeConditions,
    pinnedRepository,
    sortedUnique,
} from "../aws";

export interface WebIdentityTrust {
    /** Which known provider (its host, audience and sub shape). */
    provider: OidcProviderName;
    /** The provider's ARN in the role's account (an Output when this stack creates it). */
    providerArn: pulumi.Input<string>;
    /** Exact `sub` values or patterns, each naming one repository: `repo:acme/app:ref:refs/heads/main`. */
    subjects: string[];
}

export interface IdentityCenterTrust {
    /** Accounts whose provisioned permission-set roles may assume the role. */
    accountIds: string[];
    permissionSets: string[];
}

export interface SessionOptions {
    /** Allow sts:TagSession (aws-actions/configure-aws-credentials tags its sessions by default). */
    tagSession?: boolean;
    /** Allow sts:SetSourceIdentity. */
    setSourceIdentity?: boolean;
    /** StringLike sts:SourceIdentity: the session must carry a source identity matching one of these; needs setSourceIdentity. */
    sourceIdentityPatterns?: string[];
}

export const WEB_IDENTITY_ACTION = "sts:AssumeRoleWithWebIdentity";

/** The session actions a trust adds next to the assume action, and the source-identity condition. */
export function sessionParts(options: SessionOptions | undefined) {
    const extra = [...(options?.tagSession ? ["sts:TagSession"] : []), ...(options?.setSourceIdentity ? ["sts:SetSourceIdentity"] : [])];
    return {
        actions: (assume: string): string | string[] => (extra.length > 0 ? [assume, ...extra] : assume),
        condition: options?.sourceIdentityPatterns?.length
            ? ({ StringLike: { "sts:SourceIdentity": sortedUnique(options.sourceIdentityPatterns) } } as ConditionBlock)
            : undefined,
    };
}

export type SessionParts = ReturnType<typeof sessionParts>;

/** The account roots narrowed to the permission sets' provisioned roles; MFA is Identity Center's to enforce. */
export function identityCenterStatements(
    identityCenter: IdentityCenterTrust | undefined,
    session: SessionParts,
    partition: string,
): PolicyStatement[] {
    if (!identityCenter || identityCenter.permissionSets.length === 0) return [];
    const patterns = identityCenter.accountIds.flatMap((accountId) =>
        identityCenter.permissionSets.flatMap((name) => identityCenterRolePatterns(accountId, name, partition)),
    );
    return [
        {
            Sid: "IdentityCenter",
            Effect: "Allow",
            Principal: { AWS: sortedUnique(identityCenter.accountIds.map((accountId) => accountRootArn(accountId, partition))) },
            Action: session.actions(ASSUME_ROLE_ACTION),
            Condition: mergeConditions({ ArnLike: { "aws:PrincipalArn": sortedUnique(patterns) } }, session.condition),
        },
    ];
}

/** One statement per provider: aud exact; sub StringLike only when a pattern needs it, so a stray "*" cannot widen it. */
export function webIdentityStatements(webIdentity: WebIdentityTrust[] | undefined, session: SessionParts): PolicyStatement[] {
    return (webIdentity ?? []).map((federation) => {
        const spec = OIDC_PROVIDERS[federation.provider];
        const subjects = sortedUnique(federation.subjects);
        return {
            Sid: `WebIdentity${federation.provider[0].toUpperCase()}${federation.provider.slice(1)}`,
            Effect: "Allow",
            Principal: { Federated: federation.providerArn },
            Action: session.actions(WEB_IDENTITY_ACTION),
            Condition: mergeConditions(
                { StringEquals: { [`${spec.host}:aud`]: spec.audience } },
                { [subjects.some(hasWildcard) ? "StringLike" : "StringEquals"]: { [`${spec.host}:sub`]: subjects } },
                session.condition,
            ),
        };
    });
}

export function validateFederation(identityCenter: IdentityCenterTrust | undefined, webIdentity: WebIdentityTrust[]): void {
    if (identityCenter) {
        if (identityCenter.accountIds.length === 0)
            throw new Error("identityCenter names permission sets but no account they are provisioned in");
        identityCenter.accountIds.forEach((accountId) => assertAccountId(accountId, "identityCenter account ID"));
        for (const name of identityCenter.permissionSets) {
            if (!PERMISSION_SET_NAME.test(name)) {
                throw new Error(`Invalid permission set name "${name}": 1-32 characters of letters, digits and + = , . @ _ -`);
            }
        }
    }
    for (const federation of webIdentity) {
        const spec = OIDC_PROVIDERS[federation.provider];
        if (federation.subjects.length === 0)
            throw new Error(`webIdentity ${federation.provider} names no subject: every token of the provider would match`);
        for (const sub of federation.subjects) {
            if (!pinnedRepository(spec, sub)) {
                throw new Error(
                    `Invalid ${federation.provider} subject "${sub}": it must name one ${spec.repositoryNoun} without wildcards`,
                );
            }
        }
    }
}
