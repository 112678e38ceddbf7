// Identity: this environment's groups, its cross-account roles (trust and permissions) and the
// assume-role grants that let its groups and users assume roles of other environments.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import {
    AssumeRoleGrantSettings,
    RoleRef,
    RoleSettings,
    SnapshotRef,
    accountIdOf,
    arnOf,
    bucketArnOf,
    callerStatements,
    objectsArnOf,
    roleArnOf,
    snapshotKeyOf,
    trustedRoleArnOf,
} from "../config";
import {
    AssumeRoleGrant,
    CrossAccountRole,
    CrossAccountRoleArgs,
    OIDC_PROVIDERS,
    OidcProviderName,
    WebIdentityTrust,
    githubSubjects,
    gitlabSubjects,
    oidcProviderArn,
} from "../components";
import { sortedUnique } from "../aws";
import { StackContext, stackOf } from "./context";

export interface Identities {
    groups: Record<string, aws.iam.Group>;
    roles: Record<string, CrossAccountRole>;
    /** The OIDC providers this stack created, by provider name. */
    oidcProviders: Partial<Record<OidcProviderName, aws.iam.OpenIdConnectProvider>>;
}

type ProviderArns = Record<OidcProviderName, pulumi.Input<string>>;

export function deployIdentities(context: StackContext): Identities {
    const { settings, home } = context;
    const groups = Object.fromEntries(settings.groups.map((name) => [name, new aws.iam.Group(name, { name }, home)]));
    const oidcProviders = deployOidcProviders(context);
    const providerArns = Object.fromEntries(
        (Object.keys(OIDC_PROVIDERS) as OidcProviderName[]).map((name) => [
            name,
            oidcProviders[name]?.arn ??
                oidcProviderArn(context.environment.accountId, OIDC_PROVIDERS[name].host, context.organization.partition),
        ]),
    ) as ProviderArns;
    const roles = Object.fromEntries(
        settings.roles.map((role) => [role.name, new CrossAccountRole(role.name, roleArgs(context, role, providerArns), home)]),
    );
    return { groups, roles, oidcProviders };
}

/**
 * One provider per account and issuer (IAM allows no second one for a URL): created when a role of this
 * stack trusts it or the stack lists it, unless `create: false` says it exists already. Only the stack of
 * the account creates it, so its name is the provider's, not a role's.
 */
function deployOidcProviders({ settings, home, tags }: StackContext): Identities["oidcProviders"] {
    const created: Identities["oidcProviders"] = {};
    for (const name of Object.keys(OIDC_PROVIDERS) as OidcProviderName[]) {
        const used = settings.roles.some((role) => role.trust[name].length > 0) || settings.oidcProviders[name] !== undefined;
        if (!used || settings.oidcProviders[name]?.create === false) continue;
        const spec = OIDC_PROVIDERS[name];
        // No thumbprint: IAM verifies these issuers through its own trusted root CAs (IAM User Guide, "Create an OIDC identity provider").
        created[name] = new aws.iam.OpenIdConnectProvider(
            `${name}-oidc`,
            { url: `https://${spec.host}`, clientIdLists: [spec.audience], tags },
            home,
        );
    }
    return created;
}

/**
 * One inline policy per group or user and effect, naming every role the stack file's grants give that
 * identity with that effect: its URN and its AWS name (the identity and the policy name) come from what
 * it is, so reordering the grants, or adding or removing another group or role, leaves it alone.
 */
export function deployAssumeRoleGrants(context: StackContext, groups: Identities["groups"]): void {
    const { organization, settings, home } = context;
    for (const grant of assumeRoleGrantsByIdentity(settings.assumeRoleGrants)) {
        const group = grant.kind === "group" ? groups[grant.name] : undefined;
        new AssumeRoleGrant(
            assumeRoleGrantName(grant),
            {
                effect: grant.effect,
                roleArns: sortedUnique(grant.roles.map((ref) => roleArnOf(organization, ref))),
                // Through the group resource, so the policy waits for the group to exist; keyed by its name.
                groups: group ? [{ key: grant.name, name: group.name }] : [],
                userNames: grant.kind === "user" ? [grant.name] : [],
                policyName: assumeRolePolicyName(grant.effect),
            },
            home,
        );
    }
}

interface IdentityGrant {
    kind: "group" | "user";
    name: string;
    effect: AssumeRoleGrantSettings["effect"];
    roles: RoleRef[];
}

/** The stack file's grants regrouped by identity and effect, in a stable order. */
function assumeRoleGrantsByIdentity(grants: AssumeRoleGrantSettings[]): IdentityGrant[] {
    const byKey = new Map<string, IdentityGrant>();
    for (const grant of grants) {
        const identities = [
            ...grant.groups.map((name) => ({ kind: "group" as const, name })),
            ...grant.users.map((name) => ({ kind: "user" as const, name })),
        ];
        for (const { kind, name } of identities) {
            const key = assumeRoleGrantName({ kind, name, effect: grant.effect });
            const entry = byKey.get(key) ?? { kind, name, effect: grant.effect, roles: [] };
            entry.roles.push(...grant.roles);
            byKey.set(key, entry);
        }
    }
    return [...byKey.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, grant]) => grant);
}

/** `allow-assume-group-Developers`, `deny-assume-user-alice`. */
function assumeRoleGrantName(grant: Pick<IdentityGrant, "kind" | "name" | "effect">): string {
    return `${grant.effect.toLowerCase()}-assume-${grant.kind}-${grant.name}`;
}

/** The inline policy's name on the identity: one per effect, so an identity's Allow and Deny never collide. */
function assumeRolePolicyName(effect: AssumeRoleGrantSettings["effect"]): string {
    return `${effect.toLowerCase()}-assume-cross-account-roles`;
}

function roleArgs(context: StackContext, role: RoleSettings, providerArns: ProviderArns): CrossAccountRoleArgs {
    const { organization, environment, tags } = context;
    const { trust } = role;
    const trustedRoleArns = trust.roles.map((ref) => trustedRoleArnOf(organization, ref));
    const webIdentity: WebIdentityTrust[] = [
        ...(trust.github.length > 0
            ? [
                  {
                      provider: "github" as const,
                      providerArn: providerArns.github,
                      subjects: trust.github.flatMap((g) => githubSubjects(g.repository, g)),
                  },
              ]
            : []),
        ...(trust.gitlab.length > 0
            ? [
                  {
                      provider: "gitlab" as const,
                      providerArn: providerArns.gitlab,
                      subjects: trust.gitlab.flatMap((g) => gitlabSubjects(g.project, g)),
                  },
              ]
            : []),
    ];
    const identityCenter = trust.identityCenter && {
        accountIds:
            trust.identityCenter.accounts.length > 0
                ? trust.identityCenter.accounts.map((account) => accountIdOf(organization, account))
                : [environment.accountId],
        permissionSets: trust.identityCenter.permissionSets,
    };
    const trustedAccountIds = [
        ...trust.accounts.map((account) => accountIdOf(organization, account)),
        ...trust.vendors.map((name) => organization.vendors[name]),
        // A role that does not exist yet cannot be a Principal ("Invalid principal in policy"):
        // trust its account and narrow to the role with aws:PrincipalArn instead.
        ...trustedRoleArns.map((arn) => arn.split(":")[4]),
    ];
    return {
        roleName: role.name,
        path: role.path,
        description: role.description,
        maxSessionDurationSeconds: role.maxSessionDurationSeconds,
        permissionsBoundaryArn: role.permissionsBoundaryArn,
        tags: { ...tags, ...role.tags },
        trust: {
            trustedAccountIds: [...new Set(trustedAccountIds)],
            principalArnPatterns: [...trustedRoleArns, ...trust.principalArns],
            externalId: trust.externalId === undefined ? undefined : pulumi.secret(trust.externalId),
            requireMfa: trust.requireMfa,
            maxMfaAgeSeconds: trust.maxMfaAgeSeconds,
            principalOrgId: trust.requireOrganization ? organization.orgId : undefined,
            sourceIpRanges: trust.sourceIpRanges,
            notBefore: trust.notBefore,
            notAfter: trust.notAfter,
            sessionNamePattern: trust.sessionNamePattern,
            trustedServices: trust.services,
            webIdentity,
            identityCenter,
            session: trust.session && {
                tagSession: trust.session.tagSession,
                setSourceIdentity: trust.session.setSourceIdentity,
                sourceIdentityPatterns: trust.session.sourceIdentity,
            },
        },
        permissions: [
            ...role.permissions.map((permission) => ({
                sid: permission.sid,
                effect: permission.effect,
                actions: permission.actions,
                resources: [
                    ...permission.resources,
                    ...permission.buckets.map((ref) => bucketArnOf(organization, ref)),
                    ...permission.objects.map((ref) => objectsArnOf(organization, ref)),
                ],
                conditions: permission.conditions,
            })),
            // The caller side of the repositories and snapshots other environments share with it (functions: deployInvokeGrants).
            ...callerStatements(role, {
                arnOf: (ref) => arnOf(organization, ref),
                roleArnOf: (ref) => roleArnOf(organization, ref),
                snapshotOf: (ref) => sharedSnapshot(context, ref),
                home: { accountId: environment.accountId, region: environment.region, partition: organization.partition },
            }),
        ],
    };
}

/** A snapshot this role restores: its ARN from config, its key from config or from the owner's stack. */
function sharedSnapshot(context: StackContext, ref: SnapshotRef) {
    const { organization } = context;
    const owner = organization.environments[ref.env];
    const key = snapshotKeyOf(organization, ref);
    const keyArn =
        key.kind === "existing"
            ? key.arn
            : key.kind === "created"
              ? stackOf(context, ref.env).requireEntry("snapshotKeyArns", ref.key, owner.stack)
              : undefined;
    return { arn: arnOf(organization, ref), region: owner.region, keyArn };
}
