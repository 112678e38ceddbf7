// The identity side of the grants a role asks for (invoke, pull, push, restore): the statements the
// components build for callers, which the program adds to the role's permission policy.
import { PermissionStatement } from "../components/cross-account-role";
import { lambdaInvokerStatement } from "../components/lambda-invoke-grant";
import { ecrCallerStatements } from "../components/ecr-pull-grant";
import { snapshotRestoreStatement } from "../components/snapshot-share";
import { RoleSettings } from "./schema";

/** `arnOf` resolves a function, repository or snapshot reference to its ARN. */
export function callerStatements(role: Pick<RoleSettings, "invoke" | "pull" | "push" | "restore">, arnOf: (ref: string) => string): PermissionStatement[] {
    return [
        ...(role.invoke.length > 0 ? [lambdaInvokerStatement(role.invoke.map(arnOf))] : []),
        ...(role.pull.length + role.push.length > 0 ? ecrCallerStatements(role.pull.map(arnOf), role.push.map(arnOf)) : []),
        ...(role.restore.length > 0 ? [snapshotRestoreStatement(role.restore.map(arnOf))] : []),
    ];
}
