// What every section validator shares: the environment being checked, the organization, one error list
// (through `problem`) and the reference checks, so a reference is resolved the same way in every section.
import { CONFIG_NAMESPACE, EnvironmentSettings } from "../schema";
import {
    BucketRef,
    FunctionRef,
    IdentityRef,
    KeyRef,
    ObjectsRef,
    Reference,
    RepositoryRef,
    RoleRef,
    SnapshotRef,
    SsoRef,
    TrustedRole,
    VendorRef,
    WebIdentityRef,
} from "../refs";
import { PERMISSION_SET_NAME, pinnedRepository, OIDC_PROVIDERS } from "../../aws";
import { keyAliasesOf } from "../references";
import type { Environment, Organization } from "../organization";

export type Problem = (where: string, message: string) => void;

export interface ValidationContext {
    environment: Environment;
    settings: EnvironmentSettings;
    organization: Organization;
    /** The config namespace, `crossaccount`. */
    ns: string;
    problem: Problem;
    /** The day of the run, for AWS's dated blocks (Lambda runtimes). */
    now: Date;
    helpers: ValidationHelpers;
}

export type ValidationHelpers = ReturnType<typeof validationHelpers>;

/** The environment, or a problem when no stack file defines it. */
function targetOf(organization: Organization, problem: Problem, where: string, env: string): Environment | undefined {
    const target = organization.environments[env];
    if (!target) problem(where, `environment '${env}' is referenced but no stack file defines it`);
    return target;
}

type ReferenceChecks = { [K in Reference["kind"]]: (where: string, ref: Extract<Reference, { kind: K }>) => void };

export function validationHelpers(organization: Organization, problem: Problem) {
    const knownAccountIds = new Set(Object.values(organization.accounts));
    const helpers = {
        checkRoleRef(where: string, ref: RoleRef): void {
            const target = targetOf(organization, problem, where, ref.env);
            if (target && !target.settings.roles.some((r) => r.name === ref.name)) {
                problem(where, `role '${ref.name}' is referenced but not defined in ${target.fileName}`);
            }
        },
        checkBucketRef(where: string, ref: BucketRef | ObjectsRef): void {
            const target = targetOf(organization, problem, where, ref.env);
            if (!target) return;
            const auditBucket = target.settings.audit?.bucket;
            const ownsAuditBucket = auditBucket && auditBucket.env === ref.env && auditBucket.bucket === ref.bucket;
            if (!target.settings.buckets.some((b) => b.key === ref.bucket) && !ownsAuditBucket) {
                problem(where, `bucket '${ref.bucket}' is referenced but not defined in ${target.fileName}`);
            }
        },
        checkFunctionRef(where: string, ref: FunctionRef) {
            const target = targetOf(organization, problem, where, ref.env);
            const fn = target?.settings.functions.find((f) => f.name === ref.name);
            if (target && !fn) problem(where, `function '${ref.name}' is referenced but not defined in ${target.fileName}`);
            return target && fn && { target, fn };
        },
        checkRepositoryRef(where: string, ref: RepositoryRef) {
            const target = targetOf(organization, problem, where, ref.env);
            const repository = target?.settings.repositories.find((r) => r.name === ref.name);
            if (target && !repository) problem(where, `repository '${ref.name}' is referenced but not defined in ${target.fileName}`);
            return target && repository && { target, repository };
        },
        checkSnapshotRef(where: string, ref: SnapshotRef) {
            const target = targetOf(organization, problem, where, ref.env);
            const snapshot = target?.settings.snapshots.find((s) => s.key === ref.key);
            if (target && !snapshot) problem(where, `snapshot '${ref.key}' is referenced but not defined in ${target.fileName}`);
            return target && snapshot && { target, snapshot };
        },
        checkKeyRef(where: string, ref: KeyRef): void {
            const target = targetOf(organization, problem, where, ref.env);
            const aliases = target ? keyAliasesOf(organization, ref.env) : [];
            if (target && !aliases.includes(ref.alias)) {
                problem(where, `key '${ref.alias}' is not a key ${target.fileName} creates (${aliases.join(", ") || "it creates none"})`);
            }
        },
        /** Users need only their environment; groups must be in its crossaccount:groups. */
        checkIdentityRef(where: string, ref: IdentityRef): void {
            const target = targetOf(organization, problem, where, ref.env);
            if (target && ref.kind === "group" && !target.settings.groups.includes(ref.name)) {
                problem(where, `group '${ref.name}' is referenced but not defined in ${target.fileName}`);
            }
        },
        /** A role a trust names: a reference to a stack file's role, or an exact role ARN of an organization account. */
        checkTrustedRole(where: string, role: TrustedRole): void {
            if (role.kind === "role") helpers.checkRoleRef(where, role);
            else helpers.checkAccount(where, role.arn.split(":")[4]);
        },
        checkSsoRef(where: string, ref: SsoRef): void {
            targetOf(organization, problem, where, ref.env);
            if (!PERMISSION_SET_NAME.test(ref.name)) {
                problem(where, `'${ref.name}' is not a valid permission set name (1-32 characters of letters, digits and + = , . @ _ -)`);
            }
        },
        checkVendorRef(where: string, ref: VendorRef): void {
            if (organization.vendors[ref.name] === undefined) {
                problem(where, `vendor '${ref.name}' is not in ${CONFIG_NAMESPACE}:organization.vendors`);
            }
        },
        checkWebIdentityRef(where: string, ref: WebIdentityRef): void {
            const spec = OIDC_PROVIDERS[ref.provider];
            if (!pinnedRepository(spec, ref.sub)) {
                problem(
                    where,
                    `'${ref.sub}' is not a ${ref.provider} sub claim naming one ${spec.repositoryNoun} (e.g. ${ref.provider === "github" ? "repo:acme/app:ref:refs/heads/main" : "project_path:acme/app:ref_type:branch:ref:main"})`,
                );
            }
        },
        checkAccount(where: string, value: string): void {
            if (/^\d{12}$/.test(value)) {
                if (!knownAccountIds.has(value)) {
                    const vendor = Object.values(organization.vendors).includes(value)
                        ? "; it is a vendor: trust it through trust.vendors, with an external ID"
                        : "";
                    problem(
                        where,
                        `account ${value} is not in the organization's account list (${CONFIG_NAMESPACE}:organization.accounts)${vendor}`,
                    );
                }
            } else if (organization.accounts[value] === undefined) {
                problem(where, `account '${value}' is not in the organization's account list (${CONFIG_NAMESPACE}:organization.accounts)`);
            }
        },
        /** An environment name or account ID as an account ID (undefined when it is neither). */
        accountIdOfSetting(value: string): string | undefined {
            return /^\d{12}$/.test(value) ? value : organization.accounts[value];
        },
        /** Role names are unique per account (case-insensitively). */
        definesRoleNamed(settings: EnvironmentSettings, name: string): boolean {
            return settings.roles.some((r) => r.name.toLowerCase() === name.toLowerCase());
        },
        /** Any reference, by kind. */
        checkReference(where: string, ref: Reference): void {
            const check = checks[ref.kind] as (where: string, ref: Reference) => void;
            check(where, ref);
        },
    };
    const checks: ReferenceChecks = {
        role: helpers.checkRoleRef,
        bucket: helpers.checkBucketRef,
        objects: helpers.checkBucketRef,
        function: helpers.checkFunctionRef,
        repository: helpers.checkRepositoryRef,
        snapshot: helpers.checkSnapshotRef,
        key: helpers.checkKeyRef,
        group: helpers.checkIdentityRef,
        user: helpers.checkIdentityRef,
        sso: helpers.checkSsoRef,
        vendor: helpers.checkVendorRef,
        "web-identity": helpers.checkWebIdentityRef,
    };
    return helpers;
}
