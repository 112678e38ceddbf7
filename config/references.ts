// Turns validated references into the names and ARNs AWS will use. Everything here is computed from
// config alone, so stacks never need each other's outputs for a name or an ARN.
import { BUCKET_REF, FUNCTION_REF, IDENTITY_REF, REPOSITORY_REF, ROLE_REF, SNAPSHOT_REF } from "./schema";
import { Organization, bucketName } from "./organization";
import { bucketArn, ecrRepositoryArn, lambdaFunctionArn, rdsSnapshotArn, roleArn, trailArn } from "../aws";

export function accountIdOf(organization: Organization, accountOrEnvironment: string): string {
    return /^\d{12}$/.test(accountOrEnvironment) ? accountOrEnvironment : organization.accounts[accountOrEnvironment];
}

export function roleArnOf(organization: Organization, ref: string): string {
    const [, env, name] = ROLE_REF.exec(ref)!;
    const environment = organization.environments[env];
    const path = environment.settings.roles.find((r) => r.name === name)?.path ?? "/";
    return roleArn(environment.accountId, name, path, organization.partition);
}

export function bucketNameOf(organization: Organization, ref: string): string {
    const [, env, key] = BUCKET_REF.exec(ref)!;
    const environment = organization.environments[env];
    const bucket = environment.settings.buckets.find((b) => b.key === key);
    return bucketName(key, bucket?.name, environment.accountId);
}

export function bucketArnOf(organization: Organization, ref: string): string {
    return bucketArn(bucketNameOf(organization, ref), organization.partition);
}

/** `<env>/bucket/<key>` means every object; `<env>/bucket/<key>/<pattern>` the objects matching it. */
export function objectsArnOf(organization: Organization, ref: string): string {
    const objectPattern = BUCKET_REF.exec(ref)![3];
    return `${bucketArnOf(organization, ref)}/${objectPattern ?? "*"}`;
}

export function functionArnOf(organization: Organization, ref: string): string {
    const [, env, name] = FUNCTION_REF.exec(ref)!;
    const environment = organization.environments[env];
    return lambdaFunctionArn(environment.region, environment.accountId, name, organization.partition);
}

export function repositoryArnOf(organization: Organization, ref: string): string {
    const [, env, name] = REPOSITORY_REF.exec(ref)!;
    const environment = organization.environments[env];
    return ecrRepositoryArn(environment.region, environment.accountId, name, organization.partition);
}

/** The shared copy's ARN: its identifier is the snapshot's key. */
export function snapshotArnOf(organization: Organization, ref: string): string {
    const [, env, key] = SNAPSHOT_REF.exec(ref)!;
    const environment = organization.environments[env];
    return rdsSnapshotArn(environment.region, environment.accountId, key, organization.partition);
}

/** ARN of any reference an access expectation may use; raw ARNs pass through. */
export function arnOf(organization: Organization, refOrArn: string): string {
    if (refOrArn.startsWith("arn:")) return refOrArn;
    if (ROLE_REF.test(refOrArn)) return roleArnOf(organization, refOrArn);
    if (FUNCTION_REF.test(refOrArn)) return functionArnOf(organization, refOrArn);
    if (REPOSITORY_REF.test(refOrArn)) return repositoryArnOf(organization, refOrArn);
    if (SNAPSHOT_REF.test(refOrArn)) return snapshotArnOf(organization, refOrArn);
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
    return trailArn(environment.region, environment.accountId, trailName, organization.partition);
}

/**
 * Roles that principals of other accounts may assume: their trust names another account, a role of
 * another environment, or a principal ARN in another account. The activity alarms watch these.
 */
export function crossAccountRoleArns(organization: Organization): string[] {
    const arns: string[] = [];
    for (const environment of Object.values(organization.environments)) {
        for (const role of environment.settings.roles) {
            const trusted = [
                ...role.trust.accounts.map((account) => accountIdOf(organization, account)),
                ...role.trust.roles.map((ref) => organization.environments[ROLE_REF.exec(ref)![1]].accountId),
                ...role.trust.principalArns.map((arn) => arn.split(":")[4]),
            ];
            if (trusted.some((accountId) => accountId !== environment.accountId)) {
                arns.push(roleArnOf(organization, `${environment.name}/role/${role.name}`));
            }
        }
    }
    return arns.sort();
}

/**
 * The environments whose stacks this environment's stack references (StackReference) and so follows: it reads
 * their outputs, or adds permissions to their functions.
 */
export function stackDependencies(organization: Organization, env: string): string[] {
    const { settings } = organization.environments[env];
    const dependencies = new Set<string>();
    for (const peering of settings.network?.peerings ?? []) dependencies.add(peering.peer);
    if (settings.audit) {
        const owner = BUCKET_REF.exec(settings.audit.bucket)![1];
        if (owner !== env) dependencies.add(owner);
    }
    // A caller's stack adds its permission to the function, which the owner's stack must have created.
    for (const role of settings.roles) {
        for (const ref of role.invoke) {
            const owner = FUNCTION_REF.exec(ref)![1];
            if (owner !== env) dependencies.add(owner);
        }
    }
    return [...dependencies].sort();
}
