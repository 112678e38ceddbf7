// Validates every stack file of the project once, cross-checks them, and resolves references
// (`prod/role/UpdateApp`, `prod/bucket/productionapp`) into names and ARNs. Bad config stops here,
// with one message that names the stack file, the key path and the problem.
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import {
    BUCKET_REF,
    CONFIG_NAMESPACE,
    EnvironmentSettings,
    FUNCTION_REF,
    IDENTITY_REF,
    REPOSITORY_REF,
    ROLE_REF,
    SNAPSHOT_REF,
    environmentSchema,
} from "./schema";
import { StackFile } from "./stack-files";
import { callerStatements } from "./caller-statements";
import { deliveryRoleName } from "../components/audit-trail";
import { executionRoleName } from "../components/shared-function";
import { bucketNameProblems, cidrContains, cidrsOverlap, parseIpv4Cidr } from "../aws";

export class ConfigError extends pulumi.RunError {
    constructor(readonly problems: string[]) {
        super(`Invalid stack configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
        this.name = "ConfigError";
    }
}

export interface Environment {
    name: string;
    stack: string;
    fileName: string;
    accountId: string;
    region: string;
    settings: EnvironmentSettings;
    secretKeys: string[];
}

export interface Organization {
    accounts: Record<string, string>;
    partition: string;
    orgId?: string;
    deploymentRoleName?: string;
    environments: Record<string, Environment>;
}

type Problem = (where: string, message: string) => void;

/** Validates the given stack files together; throws ConfigError listing every problem found. */
export function loadOrganization(stackFiles: StackFile[]): Organization {
    const problems: string[] = [];
    const environments: Record<string, Environment> = {};
    for (const file of stackFiles) {
        const environment = parseEnvironment(file, (where, message) => problems.push(`${file.fileName}: ${where}: ${message}`));
        if (!environment) continue;
        const existing = environments[environment.name];
        if (existing) {
            problems.push(
                `${file.fileName}: ${CONFIG_NAMESPACE}:environment: environment '${environment.name}' is already deployed by ${existing.fileName}`,
            );
            continue;
        }
        environments[environment.name] = environment;
    }
    if (problems.length > 0) throw new ConfigError(problems);

    const [first] = Object.values(environments);
    if (!first) throw new ConfigError(["no stack file found (expected Pulumi.<stack>.yaml next to Pulumi.yaml)"]);
    const organization: Organization = {
        accounts: first.settings.organization.accounts,
        partition: first.settings.organization.partition,
        orgId: first.settings.organization.orgId,
        deploymentRoleName: first.settings.organization.deploymentRoleName,
        environments,
    };
    for (const environment of Object.values(environments)) {
        crossCheck(environment, organization, (where, message) =>
            problems.push(`${environment.fileName}: ${where}: ${message}`),
        );
    }
    if (problems.length > 0) throw new ConfigError(problems);
    return organization;
}

function parseEnvironment(file: StackFile, problem: Problem): Environment | undefined {
    const prefix = `${CONFIG_NAMESPACE}:`;
    const raw: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(file.values)) {
        if (!key.startsWith(prefix)) continue;
        raw[key.slice(prefix.length)] = value;
    }
    const region = file.values["aws:region"];
    if (typeof region !== "string" || !/^[a-z]{2}(-gov)?-[a-z]+-\d$/.test(region)) {
        problem("aws:region", `must be set to an AWS region such as us-east-1 (got ${JSON.stringify(region)})`);
    }
    const parsed = environmentSchema.safeParse(raw);
    if (!parsed.success) {
        for (const issue of parsed.error.issues) problem(keyPath(issue), describeIssue(issue, raw));
        return undefined;
    }
    const settings = parsed.data;
    const name = settings.environment ?? file.stack;
    const accountId = settings.organization.accounts[name];
    if (accountId === undefined) {
        problem(
            `${CONFIG_NAMESPACE}:environment`,
            `environment '${name}' is not one of ${CONFIG_NAMESPACE}:organization.accounts (${Object.keys(settings.organization.accounts).join(", ")})`,
        );
        return undefined;
    }
    if (typeof region !== "string") return undefined;
    return { name, stack: file.stack, fileName: file.fileName, accountId, region, settings, secretKeys: file.secretKeys };
}

function keyPath(issue: z.core.$ZodIssue): string {
    const [key, ...rest] = issue.path;
    let text = `${CONFIG_NAMESPACE}:${String(key ?? "")}`;
    for (const part of rest) text += typeof part === "number" ? `[${part}]` : `.${String(part)}`;
    if (issue.code === "unrecognized_keys") text += `.${issue.keys.join(", ")}`;
    return text;
}

function describeIssue(issue: z.core.$ZodIssue, raw: unknown): string {
    if (issue.code === "unrecognized_keys") return "is not a known setting (check the spelling)";
    let value: unknown = raw;
    for (const part of issue.path) value = (value as Record<PropertyKey, unknown> | undefined)?.[part as PropertyKey];
    if (value === undefined) return issue.message.includes("received undefined") ? "is required" : issue.message;
    const shown = typeof value === "object" ? "" : ` (got ${JSON.stringify(value)})`;
    return `${issue.message}${shown}`;
}

function crossCheck(environment: Environment, organization: Organization, problem: Problem): void {
    const { settings } = environment;
    const ns = CONFIG_NAMESPACE;
    if (JSON.stringify(sortKeys(settings.organization.accounts)) !== JSON.stringify(sortKeys(organization.accounts))) {
        problem(`${ns}:organization.accounts`, "differs from the other stack files; every stack must list the same accounts");
    }
    const knownAccountIds = new Set(Object.values(organization.accounts));
    const checkRoleRef = (where: string, ref: string) => {
        const [, env, role] = ROLE_REF.exec(ref)!;
        const target = organization.environments[env];
        if (!target) return problem(where, `environment '${env}' is referenced but no stack file defines it`);
        if (!target.settings.roles.some((r) => r.name === role)) {
            problem(where, `role '${role}' is referenced but not defined in ${target.fileName}`);
        }
    };
    const checkBucketRef = (where: string, ref: string) => {
        const [, env, key] = BUCKET_REF.exec(ref)!;
        const target = organization.environments[env];
        if (!target) return problem(where, `environment '${env}' is referenced but no stack file defines it`);
        const auditKey = target.settings.audit && BUCKET_REF.exec(target.settings.audit.bucket);
        const ownsAuditBucket = auditKey && auditKey[1] === env && auditKey[2] === key;
        if (!target.settings.buckets.some((b) => b.key === key) && !ownsAuditBucket) {
            problem(where, `bucket '${key}' is referenced but not defined in ${target.fileName}`);
        }
    };
    const checkFunctionRef = (where: string, ref: string) => {
        const [, env, name] = FUNCTION_REF.exec(ref)!;
        const target = organization.environments[env];
        if (!target) return void problem(where, `environment '${env}' is referenced but no stack file defines it`);
        const fn = target.settings.functions.find((f) => f.name === name);
        if (!fn) problem(where, `function '${name}' is referenced but not defined in ${target.fileName}`);
        return fn && { target, fn };
    };
    const checkRepositoryRef = (where: string, ref: string) => {
        const [, env, name] = REPOSITORY_REF.exec(ref)!;
        const target = organization.environments[env];
        if (!target) return void problem(where, `environment '${env}' is referenced but no stack file defines it`);
        const repository = target.settings.repositories.find((r) => r.name === name);
        if (!repository) problem(where, `repository '${name}' is referenced but not defined in ${target.fileName}`);
        return repository && { target, repository };
    };
    const checkSnapshotRef = (where: string, ref: string) => {
        const [, env, key] = SNAPSHOT_REF.exec(ref)!;
        const target = organization.environments[env];
        if (!target) return void problem(where, `environment '${env}' is referenced but no stack file defines it`);
        const snapshot = target.settings.snapshots.find((s) => s.key === key);
        if (!snapshot) problem(where, `snapshot '${key}' is referenced but not defined in ${target.fileName}`);
        return snapshot && { target, snapshot };
    };
    const checkAccount = (where: string, value: string) => {
        if (/^\d{12}$/.test(value)) {
            if (!knownAccountIds.has(value)) {
                problem(where, `account ${value} is not in the organization's account list (${ns}:organization.accounts)`);
            }
        } else if (organization.accounts[value] === undefined) {
            problem(where, `account '${value}' is not in the organization's account list (${ns}:organization.accounts)`);
        }
    };

    const seenRoles = new Map<string, string>();
    settings.roles.forEach((role, i) => {
        const where = `${ns}:roles[${i}]`;
        const lower = role.name.toLowerCase();
        if (seenRoles.has(lower)) problem(`${where}.name`, `duplicate role name '${role.name}' (IAM role names are case-insensitive; also used by ${seenRoles.get(lower)})`);
        seenRoles.set(lower, `${where}.name`);
        role.trust.accounts.forEach((account, j) => checkAccount(`${where}.trust.accounts[${j}]`, account));
        role.trust.roles.forEach((ref, j) => checkRoleRef(`${where}.trust.roles[${j}]`, ref));
        role.trust.principalArns.forEach((arn, j) => {
            const account = /^arn:[\w-]+:(?:iam|sts)::(\d{12}):/.exec(arn)?.[1];
            if (!account) problem(`${where}.trust.principalArns[${j}]`, `must be an IAM or STS principal ARN (got "${arn}")`);
            else checkAccount(`${where}.trust.principalArns[${j}]`, account);
        });
        const t = role.trust;
        // One trust statement: aws:PrincipalArn narrowing applies to every trusted account.
        const narrowedAccounts = new Set(
            [...t.roles.map((ref) => organization.environments[ROLE_REF.exec(ref)![1]]?.accountId), ...t.principalArns.map((arn) => arn.split(":")[4])],
        );
        if (narrowedAccounts.size > 0) {
            t.accounts.forEach((account, j) => {
                const id = /^\d{12}$/.test(account) ? account : organization.accounts[account];
                if (id && !narrowedAccounts.has(id)) {
                    problem(`${where}.trust.accounts[${j}]`, `account '${account}' would be narrowed to nothing by trust.roles/principalArns; name its principals there instead`);
                }
            });
        }
        if (t.accounts.length + t.roles.length + t.services.length === 0) {
            problem(`${where}.trust`, "must trust at least one account, role or service");
        }
        if (t.requireOrganization && !organization.orgId) {
            problem(`${where}.trust.requireOrganization`, `needs ${ns}:organization.orgId`);
        }
        if (t.notBefore && t.notAfter && t.notBefore >= t.notAfter) {
            problem(`${where}.trust.notAfter`, "must be later than notBefore");
        }
        role.permissions.forEach((permission, j) => {
            permission.buckets.forEach((ref, k) => checkBucketRef(`${where}.permissions[${j}].buckets[${k}]`, ref));
            permission.objects.forEach((ref, k) => checkBucketRef(`${where}.permissions[${j}].objects[${k}]`, ref));
        });
        // The caller side of a grant is useless (and misleading) unless the owner grants it too.
        const self = `${environment.name}/role/${role.name}`;
        role.invoke.forEach((ref, j) => {
            const found = checkFunctionRef(`${where}.invoke[${j}]`, ref);
            if (found && !found.fn.invokers.includes(self)) {
                problem(`${where}.invoke[${j}]`, `function '${found.fn.name}' in ${found.target.fileName} does not list ${self} among its invokers`);
            }
        });
        for (const access of ["pull", "push"] as const) {
            role[access].forEach((ref, j) => {
                const found = checkRepositoryRef(`${where}.${access}[${j}]`, ref);
                const granted = found?.repository.grants.some((g) => g.principals.includes(self) && (access === "pull" || g.access === "push"));
                if (found && !granted) {
                    problem(`${where}.${access}[${j}]`, `repository '${found.repository.name}' in ${found.target.fileName} grants ${self} no ${access} access`);
                }
            });
        }
        role.restore.forEach((ref, j) => {
            const found = checkSnapshotRef(`${where}.restore[${j}]`, ref);
            const shared = found?.snapshot.sharedWith.some((account) => accountIdOfSetting(organization, account) === environment.accountId);
            if (found && !shared) {
                problem(`${where}.restore[${j}]`, `snapshot '${found.snapshot.key}' in ${found.target.fileName} is not shared with account ${environment.accountId}`);
            }
        });
        const generated = generatedSids(role);
        role.permissions.forEach((permission, j) => {
            if (permission.sid && generated.includes(permission.sid)) {
                problem(`${where}.permissions[${j}].sid`, `'${permission.sid}' is used by the statement generated for pull/push/restore; choose another`);
            }
        });
    });
    // Role names are unique per account, so environments sharing an account share the namespace.
    for (const other of Object.values(organization.environments)) {
        if (other === environment || other.accountId !== environment.accountId || other.name > environment.name) continue;
        settings.roles.forEach((role, i) => {
            if (other.settings.roles.some((r) => r.name.toLowerCase() === role.name.toLowerCase())) {
                problem(`${ns}:roles[${i}].name`, `duplicate role name '${role.name}' in account ${environment.accountId} (also defined in ${other.fileName})`);
            }
        });
    }

    const seenBuckets = new Set<string>();
    settings.buckets.forEach((bucket, i) => {
        const where = `${ns}:buckets[${i}]`;
        if (seenBuckets.has(bucket.key)) problem(`${where}.key`, `duplicate bucket key '${bucket.key}'`);
        seenBuckets.add(bucket.key);
        const name = bucketName(bucket.key, bucket.name, environment.accountId);
        const nameProblems = bucketNameProblems(name);
        if (nameProblems.length > 0) {
            problem(bucket.name ? `${where}.name` : `${where}.key`, `bucket name '${name}' ${nameProblems.join("; ")}`);
        }
        bucket.grants.forEach((grant, j) =>
            grant.principals.forEach((ref, k) => checkRoleRef(`${where}.grants[${j}].principals[${k}]`, ref)),
        );
    });

    const seenFunctions = new Set<string>();
    settings.functions.forEach((fn, i) => {
        const where = `${ns}:functions[${i}]`;
        if (seenFunctions.has(fn.name)) problem(`${where}.name`, `duplicate function name '${fn.name}'`);
        seenFunctions.add(fn.name);
        fn.invokers.forEach((ref, j) => {
            checkRoleRef(`${where}.invokers[${j}]`, ref);
            // The invoker's stack creates the permission: without its invoke entry the grant would silently not exist.
            const [, env, roleName] = ROLE_REF.exec(ref)!;
            const caller = organization.environments[env];
            const self = `${environment.name}/function/${fn.name}`;
            const role = caller?.settings.roles.find((r) => r.name === roleName);
            if (role && !role.invoke.includes(self)) {
                problem(`${where}.invokers[${j}]`, `role '${roleName}' in ${caller.fileName} does not invoke ${self}; its stack creates the permission, so add it to that role's invoke`);
            }
        });
        const executionRole = executionRoleName(fn.name);
        if (executionRole.length > 64) problem(`${where}.name`, `the execution role name '${executionRole}' is over 64 characters; shorten the function name`);
        if (settings.roles.some((r) => r.name.toLowerCase() === executionRole.toLowerCase())) {
            problem(`${where}.name`, `the function's execution role '${executionRole}' has the name of a role in ${ns}:roles`);
        }
    });

    const seenRepositories = new Set<string>();
    settings.repositories.forEach((repository, i) => {
        const where = `${ns}:repositories[${i}]`;
        if (seenRepositories.has(repository.name)) problem(`${where}.name`, `duplicate repository name '${repository.name}'`);
        seenRepositories.add(repository.name);
        repository.grants.forEach((grant, j) =>
            grant.principals.forEach((ref, k) => checkRoleRef(`${where}.grants[${j}].principals[${k}]`, ref)),
        );
    });

    const seenSnapshots = new Set<string>();
    settings.snapshots.forEach((snapshot, i) => {
        const where = `${ns}:snapshots[${i}]`;
        if (seenSnapshots.has(snapshot.key.toLowerCase())) problem(`${where}.key`, `duplicate snapshot key '${snapshot.key}'`);
        seenSnapshots.add(snapshot.key.toLowerCase());
        snapshot.sharedWith.forEach((account, j) => {
            const at = `${where}.sharedWith[${j}]`;
            if (account.toLowerCase() === "all") return problem(at, "'all' would make the snapshot public; name the accounts to share it with");
            checkAccount(at, account);
            if (accountIdOfSetting(organization, account) === environment.accountId) {
                problem(at, `account '${account}' is this environment's own account; a snapshot is not shared with its owner`);
            }
        });
    });

    if (settings.alarms && !settings.audit) {
        problem(`${ns}:alarms`, `needs ${ns}:audit: the alarms read the trail's events, which the trail then delivers to CloudWatch Logs`);
    }
    if (settings.alarms && settings.audit) {
        const role = deliveryRoleName(settings.audit.trailName);
        if (role.length > 64) problem(`${ns}:audit.trailName`, `with ${ns}:alarms the trail's delivery role '${role}' is over 64 characters; shorten the trail name`);
        if (settings.roles.some((r) => r.name.toLowerCase() === role.toLowerCase())) {
            problem(`${ns}:audit.trailName`, `the trail's delivery role '${role}' has the name of a role in ${ns}:roles`);
        }
    }

    settings.assumeRoleGrants.forEach((grant, i) => {
        const where = `${ns}:assumeRoleGrants[${i}]`;
        grant.roles.forEach((ref, j) => checkRoleRef(`${where}.roles[${j}]`, ref));
        grant.groups.forEach((group, j) => {
            if (!settings.groups.includes(group)) problem(`${where}.groups[${j}]`, `group '${group}' is referenced but not defined in ${ns}:groups`);
        });
    });

    if (settings.audit) {
        const where = `${ns}:audit.bucket`;
        const [, ownerName, key] = BUCKET_REF.exec(settings.audit.bucket)!;
        const owner = organization.environments[ownerName];
        if (!owner) {
            problem(where, `environment '${ownerName}' is referenced but no stack file defines it`);
        } else if (owner.settings.audit?.bucket !== `${ownerName}/bucket/${key}`) {
            problem(where, `the audit bucket's owner ${owner.fileName} must set ${ns}:audit.bucket to ${ownerName}/bucket/${key} itself`);
        } else {
            const name = bucketName(key, undefined, owner.accountId);
            const nameProblems = bucketNameProblems(name);
            if (nameProblems.length > 0) problem(where, `bucket name '${name}' ${nameProblems.join("; ")}`);
        }
    }

    settings.network?.peerings.forEach((peering, i) => {
        const where = `${ns}:network.peerings[${i}].peer`;
        const peer = organization.environments[peering.peer];
        if (peering.peer === environment.name) return problem(where, "an environment cannot peer with itself");
        if (!peer) return problem(where, `environment '${peering.peer}' is referenced but no stack file defines it`);
        if (!peer.settings.network) return problem(where, `environment '${peering.peer}' has no ${ns}:network in ${peer.fileName}`);
        if (cidrsOverlap(parseIpv4Cidr(settings.network!.cidr), parseIpv4Cidr(peer.settings.network.cidr))) {
            problem(
                `${ns}:network.cidr`,
                `${settings.network!.cidr} overlaps ${peer.settings.network.cidr} of '${peering.peer}' (${peer.fileName}); peered VPCs need disjoint CIDR blocks`,
            );
        }
    });
    settings.network?.subnets.forEach((subnet, i) => {
        if (!cidrContains(parseIpv4Cidr(settings.network!.cidr), parseIpv4Cidr(subnet))) {
            problem(`${ns}:network.subnets[${i}]`, `${subnet} is not inside the VPC block ${settings.network!.cidr}`);
        }
    });

    settings.accessExpectations.forEach((expectation, i) => {
        const where = `${ns}:accessExpectations[${i}]`;
        for (const field of ["principal", "resource"] as const) {
            const value = expectation[field];
            if (value.startsWith("arn:")) continue;
            if (ROLE_REF.test(value)) checkRoleRef(`${where}.${field}`, value);
            else if (BUCKET_REF.test(value)) checkBucketRef(`${where}.${field}`, value);
            else if (FUNCTION_REF.test(value)) checkFunctionRef(`${where}.${field}`, value);
            else if (REPOSITORY_REF.test(value)) checkRepositoryRef(`${where}.${field}`, value);
            else if (SNAPSHOT_REF.test(value)) checkSnapshotRef(`${where}.${field}`, value);
            else if (IDENTITY_REF.test(value)) {
                const [, env, kind, name] = IDENTITY_REF.exec(value)!;
                const target = organization.environments[env];
                if (!target) problem(`${where}.${field}`, `environment '${env}' is referenced but no stack file defines it`);
                else if (kind === "group" && !target.settings.groups.includes(name)) {
                    problem(`${where}.${field}`, `group '${name}' is referenced but not defined in ${target.fileName}`);
                }
            } else problem(`${where}.${field}`, `must be an ARN or a reference such as prod/role/UpdateApp (got "${value}")`);
        }
    });
}

/** An environment name or account ID as an account ID (undefined when it is neither). */
function accountIdOfSetting(organization: Organization, value: string): string | undefined {
    return /^\d{12}$/.test(value) ? value : organization.accounts[value];
}

/** Sids of the statements the program adds to a role's permission policy for its pull/push/restore lists. */
function generatedSids(role: EnvironmentSettings["roles"][number]): string[] {
    return callerStatements(role, () => "arn:aws:placeholder").map((statement) => statement.sid!);
}

function sortKeys(record: Record<string, string>): [string, string][] {
    return Object.entries(record).sort(([a], [b]) => a.localeCompare(b));
}

/** Bucket names are derived from the account ID so they are globally unique and computable. */
export function bucketName(key: string, explicitName: string | undefined, accountId: string): string {
    return explicitName ?? `${key}-${accountId}`;
}
