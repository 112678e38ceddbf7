// The identity side of the grants a role asks for (pull, push, restore): the statements the components
// build for callers, which the program adds to the role's permission policy. Invoking a function is not
// here: the caller's LambdaInvokeGrant attaches that policy along with the function's permission.
import { PermissionStatement } from "../components/cross-account-role";
import { ecrCallerStatements } from "../components/ecr-pull-grant";
import { snapshotRestoreStatement } from "../components/snapshot-share";
import { RoleSettings } from "./schema";
import { RepositoryRef, SnapshotRef } from "./refs";

/** `arnOf` resolves a repository or snapshot reference to its ARN. */
export function callerStatements(role: Pick<RoleSettings, "pull" | "push" | "restore">, arnOf: (ref: RepositoryRef | SnapshotRef) => string): PermissionStatement[] {
    return [
        ...(role.pull.length + role.push.length > 0 ? ecrCallerStatements(role.pull.map(arnOf), role.push.map(arnOf)) : []),
        ...(role.restore.length > 0 ? [snapshotRestoreStatement(role.restore.map(arnOf))] : []),
    ];
}
