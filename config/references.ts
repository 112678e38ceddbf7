// Turns validated references into the names and ARNs AWS will use. Everything here is computed from
// config alone, so stacks never need each other's outputs for a name or an ARN.
import { BUCKET_REF, IDENTITY_REF, ROLE_REF } from "./schema";
import { Organization, bucketName } from "./organization";

export function accountIdOf(organization: Organization, accountOrEnvironment: string): string {
    return /^\d{12}$/.test(accountOrEnvironment) ? accountOrEnvironment : organization.accounts[accountOrEnvironment];
}

export function accountRootArn(organization: Organization, accountId: string): string {
    return `arn:${organization.partition}:iam::${accountId}:root`;
}

export function roleArnOf(organization: Organization, ref: string): string {
    const [, env, name] = ROLE_REF.exec(ref)!;
    const environment = organization.environments[env];
    const path = environment.settings.roles.find((r) => r.name === name)?.path ?? "/";
    return `arn:${organization.partition}:iam::${environment.accountId}:role${path}${name}`;
}

export function bucketNameOf(organization: Organization, ref: string): string {
    const [, env, key] = BUCKET_REF.exec(ref)!;
    const environment = organization.environments[env];
    const bucket = environment.settings.buckets.find((b) => b.key === key);
    return bucketName(key, bucket?.name, environment.accountId);
}

export function bucketArnOf(organization: Organization, ref: string): string {
    return `arn:${organization.partition}:s3:::${bucketNameOf(organization, ref)}`;
}

/** `<env>/bucket/<key>` means every object; `<env>/bucket/<key>/<pattern>` the objects matching it. */
export function objectsArnOf(organization: Organization, ref: string): string {
    const objectPattern = BUCKET_REF.exec(ref)![3];
    return `${bucketArnOf(organization, ref)}/${objectPattern ?? "*"}`;
}

/** ARN of any reference an access expectation may use; raw ARNs pass through. */
export function arnOf(organization: Organization, refOrArn: string): string {
    if (refOrArn.startsWith("arn:")) return refOrArn;
    if (ROLE_REF.test(refOrArn)) return roleArnOf(organization, refOrArn);
    if (BUCKET_REF.test(refOrArn)) {
        return BUCKET_REF.exec(refOrArn)![3] === undefined ? bucketArnOf(organization, refOrArn) : objectsArnOf(organization, refOrArn);
    }
    const [, env, kind, name] = IDENTITY_REF.exec(refOrArn)!;
    return `arn:${organization.partition}:iam::${organization.environments[env].accountId}:${kind}/${name}`;
}

export function trailArnOf(organization: Organization, env: string): string | undefined {
    const environment = organization.environments[env];
    const trailName = environment.settings.audit?.trailName;
    if (!trailName) return undefined;
    return `arn:${organization.partition}:cloudtrail:${environment.region}:${environment.accountId}:trail/${trailName}`;
}

/** The environments whose stack outputs this environment reads (through StackReference). */
export function stackDependencies(organization: Organization, env: string): string[] {
    const { settings } = organization.environments[env];
    const dependencies = new Set<string>();
    for (const peering of settings.network?.peerings ?? []) dependencies.add(peering.peer);
    if (settings.audit) {
        const owner = BUCKET_REF.exec(settings.audit.bucket)![1];
        if (owner !== env) dependencies.add(owner);
    }
    return [...dependencies].sort();
}
