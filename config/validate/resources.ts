// Cross-checks of the shared resources: buckets, functions, repositories and snapshots, and the
// references their grants make to roles of other environments.
import {
    IAM_LIMITS,
    LAMBDA_RUNTIMES_SOURCE,
    RDS_SNAPSHOT_SHARE_ACCOUNTS,
    RUNTIME_NOTICE_DAYS,
    bucketNameProblems,
    runtimeStatus,
    usableRuntimes,
} from "../../aws";
import { executionRoleName } from "../../components/shared-function";
import { bucketName } from "../names";
import { ValidationContext } from "./helpers";

export function validateBuckets({ environment, settings, ns, problem, helpers }: ValidationContext): void {
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
            grant.principals.forEach((ref, k) => helpers.checkRoleRef(`${where}.grants[${j}].principals[${k}]`, ref)),
        );
    });
}

export function validateFunctions({ environment, settings, organization, ns, problem, helpers, now }: ValidationContext): void {
    const seenFunctions = new Set<string>();
    settings.functions.forEach((fn, i) => {
        const where = `${ns}:functions[${i}]`;
        if (seenFunctions.has(fn.name)) problem(`${where}.name`, `duplicate function name '${fn.name}'`);
        seenFunctions.add(fn.name);
        const runtime = runtimeStatus(fn.runtime, now, "create");
        if (runtime.kind === "blocked" || runtime.kind === "blocked-soon") {
            const when = runtime.kind === "blocked" ? `since ${runtime.date}` : `from ${runtime.date}, within ${RUNTIME_NOTICE_DAYS} days`;
            problem(
                `${where}.runtime`,
                `AWS blocks creating functions on '${fn.runtime}' ${when} (${LAMBDA_RUNTIMES_SOURCE}); use one of ${usableRuntimes(now).join(", ")}`,
            );
        }
        fn.invokers.forEach((ref, j) => {
            helpers.checkRoleRef(`${where}.invokers[${j}]`, ref);
            // The invoker's stack creates the permission: without its invoke entry the grant would silently not exist.
            const caller = organization.environments[ref.env];
            const role = caller?.settings.roles.find((r) => r.name === ref.name);
            const invokesThis = role?.invoke.some((target) => target.env === environment.name && target.name === fn.name);
            if (role && !invokesThis) {
                const self = `${environment.name}/function/${fn.name}`;
                problem(
                    `${where}.invokers[${j}]`,
                    `role '${ref.name}' in ${caller.fileName} does not invoke ${self}; its stack creates the permission, so add it to that role's invoke`,
                );
            }
        });
        // The execution role is the component's: its name is derived from the function's.
        const executionRole = executionRoleName(fn.name);
        if (executionRole.length > IAM_LIMITS.roleName)
            problem(
                `${where}.name`,
                `the execution role name '${executionRole}' is over ${IAM_LIMITS.roleName} characters; shorten the function name`,
            );
        if (helpers.definesRoleNamed(settings, executionRole)) {
            problem(`${where}.name`, `the function's execution role '${executionRole}' has the name of a role in ${ns}:roles`);
        }
    });
}

export function validateRepositories({ settings, ns, problem, helpers }: ValidationContext): void {
    const seenRepositories = new Set<string>();
    settings.repositories.forEach((repository, i) => {
        const where = `${ns}:repositories[${i}]`;
        if (seenRepositories.has(repository.name)) problem(`${where}.name`, `duplicate repository name '${repository.name}'`);
        seenRepositories.add(repository.name);
        repository.grants.forEach((grant, j) =>
            grant.principals.forEach((ref, k) => helpers.checkRoleRef(`${where}.grants[${j}].principals[${k}]`, ref)),
        );
    });
}

export function validateSnapshots({ environment, settings, ns, problem, helpers }: ValidationContext): void {
    const seenSnapshots = new Set<string>();
    settings.snapshots.forEach((snapshot, i) => {
        const where = `${ns}:snapshots[${i}]`;
        if (seenSnapshots.has(snapshot.key.toLowerCase())) problem(`${where}.key`, `duplicate snapshot key '${snapshot.key}'`);
        seenSnapshots.add(snapshot.key.toLowerCase());
        if (snapshot.kmsKeyArn !== undefined) {
            const [, , , region, accountId] = snapshot.kmsKeyArn.split(":");
            if (snapshot.unencrypted) problem(`${where}.kmsKeyArn`, "is given with unencrypted: true; an unencrypted source has no key");
            else if (accountId !== environment.accountId || region !== environment.region) {
                problem(
                    `${where}.kmsKeyArn`,
                    `must be a key of this environment's account ${environment.accountId} in ${environment.region} (got ${accountId} in ${region})`,
                );
            }
        }
        if (snapshot.sharedWith.length > RDS_SNAPSHOT_SHARE_ACCOUNTS) {
            problem(
                `${where}.sharedWith`,
                `names ${snapshot.sharedWith.length} accounts; RDS shares a snapshot with at most ${RDS_SNAPSHOT_SHARE_ACCOUNTS}`,
            );
        }
        snapshot.sharedWith.forEach((account, j) => {
            const at = `${where}.sharedWith[${j}]`;
            if (account.toLowerCase() === "all")
                return problem(at, "'all' would make the snapshot public; name the accounts to share it with");
            helpers.checkAccount(at, account);
            if (helpers.accountIdOfSetting(account) === environment.accountId) {
                problem(at, `account '${account}' is this environment's own account; a snapshot is not shared with its owner`);
            }
        });
    });
}
