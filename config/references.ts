// Turns parsed references into the names and ARNs AWS will use. Everything here is computed from
// config alone, so stacks never need each other's outputs for a name or an ARN.
import { Organization, bucketName } from "./organization";
import {
    BucketRef,
    FunctionRef,
    IdentityRef,
    KeyRef,
    ObjectsRef,
    RepositoryRef,
    RoleRef,
    SnapshotRef,
    SsoRef,
    Target,
    TrustedRole,
    parseTarget,
    refText,
} from "./refs";
import {
    accountRootArn,
    bucketArn,
    ecrRepositoryArn,
    identityCenterRoleArn,
    lambdaFunctionArn,
    rdsSnapshotArn,
    regionalArn,
    roleArn,
    trailArn,
} from "../aws";

export function accountIdOf(organization: Organization, accountOrEnvironment: string): string {
    return /^\d{12}$/.test(accountOrEnvironment) ? accountOrEnvironment : organization.accounts[accountOrEnvironment];
}

/** A trusted role's ARN: a reference resolved, an exact ARN as given. */
export function trustedRoleArnOf(organization: Organization, role: TrustedRole): string {
    return role.kind === "arn" ? role.arn : roleArnOf(organization, role);
}

/** The account of a role a trust names. */
export function trustedRoleAccountOf(organization: Organization, role: TrustedRole): string {
    return role.kind === "arn" ? role.arn.split(":")[4] : organization.environments[role.env].accountId;
}

/** A session of a permission set in the environment's account; the environment's region stands in for Identity Center's home region. */
export function ssoRoleArnOf(organization: Organization, ref: SsoRef): string {
    const environment = organization.environments[ref.env];
    return identityCenterRoleArn(environment.accountId, ref.name, environment.region, organization.partition);
}

export function roleArnOf(organization: Organization, ref: RoleRef): string {
    const environment = organization.environments[ref.env];
    const path = environment.settings.roles.find((r) => r.name === ref.name)?.path ?? "/";
    return roleArn(environment.accountId, ref.name, path, organization.partition);
}

export function bucketNameOf(organization: Organization, ref: BucketRef | ObjectsRef): string {
    const environment = organization.environments[ref.env];
    const bucket = environment.settings.buckets.find((b) => b.key === ref.bucket);
    return bucketName(ref.bucket, bucket?.name, environment.accountId);
}

export function bucketArnOf(organization: Organization, ref: BucketRef | ObjectsRef): string {
    return bucketArn(bucketNameOf(organization, ref), organization.partition);
}

/** `<env>/bucket/<key>` means every object; `<env>/bucket/<key>/<pattern>` the objects matching it. */
export function objectsArnOf(organization: Organization, ref: BucketRef | ObjectsRef): string {
    return `${bucketArnOf(organization, ref)}/${ref.kind === "objects" ? ref.pattern : "*"}`;
}

export function functionArnOf(organization: Organization, ref: FunctionRef): string {
    const environment = organization.environments[ref.env];
    return lambdaFunctionArn(environment.region, environment.accountId, ref.name, organization.partition);
}

export function repositoryArnOf(organization: Organization, ref: RepositoryRef): string {
    const environment = organization.environments[ref.env];
    return ecrRepositoryArn(environment.region, environment.accountId, ref.name, organization.partition);
}

/** The shared copy's ARN: its identifier is the snapshot's key. */
export function snapshotArnOf(organization: Organization, ref: SnapshotRef): string {
    const environment = organization.environments[ref.env];
    return rdsSnapshotArn(environment.region, environment.accountId, ref.key, organization.partition);
}

/**
 * How a shared snapshot's copy is encrypted: with the key its owner's stack creates (its ARN holds a random
 * key id, so callers read it from that stack's outputs), an existing key named in config, or none.
 */
export type SnapshotKey = { kind: "created" } | { kind: "existing"; arn: string } | { kind: "none" };

export function snapshotKeyOf(organization: Organization, ref: SnapshotRef): SnapshotKey {
    const snapshot = organization.environments[ref.env].settings.snapshots.find((s) => s.key === ref.key);
    if (snapshot?.unencrypted) return { kind: "none" };
    return snapshot?.kmsKeyArn ? { kind: "existing", arn: snapshot.kmsKeyArn } : { kind: "created" };
}

/** The alias of the key the program creates for a shared snapshot (SnapshotShare's default). */
export function snapshotKeyAlias(snapshotKey: string): string {
    return `rds-snapshot-${snapshotKey}`;
}

/** Aliases (without `alias/`) of the keys an environment creates: its audit log key and its shared snapshots' keys. */
export function keyAliasesOf(organization: Organization, env: string): string[] {
    const { settings } = organization.environments[env];
    const audit = settings.audit && settings.audit.bucket.env === env ? [settings.audit.trailName] : [];
    const snapshots = settings.snapshots.filter((s) => !s.unencrypted && !s.kmsKeyArn).map((s) => snapshotKeyAlias(s.key));
    return [...audit, ...snapshots];
}

/** A key by its alias ARN: the key id is random, and KMS authorizes a request naming the alias against its key. */
export function keyAliasArnOf(organization: Organization, ref: KeyRef): string {
    const environment = organization.environments[ref.env];
    return regionalArn("kms", environment.region, environment.accountId, `alias/${ref.alias}`, organization.partition);
}

/**
 * ARN of any reference an access expectation may use; raw ARNs pass through. Text (an expectation's
 * principal or resource, which the loader has checked) is parsed here.
 */
type ArnResolvers = { [K in Target["kind"]]: (organization: Organization, target: Extract<Target, { kind: K }>) => string };

const ARN_OF: ArnResolvers = {
    arn: (_organization, target) => target.arn,
    role: roleArnOf,
    bucket: bucketArnOf,
    objects: objectsArnOf,
    function: functionArnOf,
    repository: repositoryArnOf,
    snapshot: snapshotArnOf,
    key: keyAliasArnOf,
    group: identityArnOf,
    user: identityArnOf,
    sso: ssoRoleArnOf,
    vendor: (organization, ref) => accountRootArn(organization.vendors[ref.name], organization.partition),
    // Not an ARN: the analysis plays the token against the provider of the role's own account.
    "web-identity": (_organization, ref) => refText(ref),
};

function identityArnOf(organization: Organization, ref: IdentityRef): string {
    return `arn:${organization.partition}:iam::${organization.environments[ref.env].accountId}:${ref.kind}/${ref.name}`;
}

/**
 * ARN of any reference an access expectation may use; raw ARNs pass through. Text (an expectation's
 * principal or resource, which the loader has checked) is parsed here.
 */
export function arnOf(organization: Organization, target: Target | string): string {
    const parsed = typeof target === "string" ? parseTarget(target) : target;
    if (!parsed) throw new Error(`not an ARN or a reference: "${String(target)}"`);
    return (ARN_OF[parsed.kind] as (organization: Organization, target: Target) => string)(organization, parsed);
}

export function trailArnOf(organization: Organization, env: string): string | undefined {
    const environment = organization.environments[env];
    const trailName = environment.settings.audit?.trailName;
    if (!trailName) return undefined;
    return trailArn(environment.region, environment.accountId, trailName, organization.partition);
}

/**
 * Roles that principals of other accounts may assume: their trust names another account, a role of
 * another environment, or a principal ARN in another account. The activity alarms watch these.
 */
export function crossAccountRoleArns(organization: Organization): readonly string[] {
    // Every stack's alarms ask for the whole organization's list: built once per organization, not N times.
    const known = roleArnsOf.get(organization);
    if (known) return known;
    const arns: string[] = [];
    for (const environment of Object.values(organization.environments)) {
        for (const role of environment.settings.roles) {
            const trusted = [
                ...role.trust.accounts.map((account) => accountIdOf(organization, account)),
                ...role.trust.roles.map((ref) => trustedRoleAccountOf(organization, ref)),
                ...role.trust.vendors.map((name) => organization.vendors[name]),
                ...(role.trust.identityCenter?.accounts ?? []).map((account) => accountIdOf(organization, account)),
                ...role.trust.principalArns.map((arn) => arn.split(":")[4]),
            ];
            if (trusted.some((accountId) => accountId !== environment.accountId)) {
                arns.push(roleArnOf(organization, { kind: "role", env: environment.name, name: role.name }));
            }
        }
    }
    const sorted = Object.freeze(arns.sort());
    roleArnsOf.set(organization, sorted);
    return sorted;
}

const roleArnsOf = new WeakMap<Organization, readonly string[]>();

/**
 * The environments whose stacks this environment's stack references (StackReference) and so follows: it reads
 * their outputs (the audit bucket and key, a shared snapshot's key, a peer's VPC), or adds permissions to their functions.
 */
export function stackDependencies(organization: Organization, env: string): string[] {
    const { settings } = organization.environments[env];
    const dependencies = new Set<string>();
    for (const peering of settings.network?.peerings ?? []) dependencies.add(peering.peer);
    if (settings.audit && settings.audit.bucket.env !== env) dependencies.add(settings.audit.bucket.env);
    // A caller's stack adds its permission to the function, which the owner's stack must have created.
    for (const role of settings.roles) {
        for (const ref of role.invoke) {
            if (ref.env !== env) dependencies.add(ref.env);
        }
        // A caller's policy names the key its owner's stack creates for a snapshot it restores.
        for (const ref of role.restore) {
            if (ref.env !== env && snapshotKeyOf(organization, ref).kind === "created") dependencies.add(ref.env);
        }
    }
    return [...dependencies].sort();
}
