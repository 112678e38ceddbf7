// The identity side of the grants a role asks for (pull, push, restore, assume): the statements the components
// build for callers, which the program adds to the role's permission policy. Invoking a function is not
// here: the caller's LambdaInvokeGrant attaches that policy along with the function's permission.
import { PermissionStatement } from "../components/cross-account-role";
import { ecrCallerStatements } from "../components/ecr-pull-grant";
import { RestoreTarget, SharedSnapshotRef, snapshotCallerStatements } from "../components/snapshot-share";
import { RoleSettings } from "./schema";
import { RepositoryRef, RoleRef, SnapshotRef } from "./refs";
import { ASSUME_ROLE_ACTION } from "../aws";

export interface CallerResolver {
    /** A repository's ARN. */
    arnOf(ref: RepositoryRef): string;
    /** A shared snapshot: its ARN, its region and its key (undefined when the source is unencrypted). */
    snapshotOf(ref: SnapshotRef): SharedSnapshotRef;
    /** A role's ARN (the roles a CI chain assumes). */
    roleArnOf(ref: RoleRef): string;
    /** The role's own account, region and partition, where it restores and copies. */
    home: Omit<RestoreTarget, "prefix" | "allowDefaultGroups">;
}

export function callerStatements(
    role: Pick<RoleSettings, "pull" | "push" | "restore" | "restoreInto" | "assume">,
    resolve: CallerResolver,
): PermissionStatement[] {
    const pull = role.pull.map((ref) => resolve.arnOf(ref));
    const push = role.push.map((ref) => resolve.arnOf(ref));
    // Validation requires restoreInto with restore; the empty prefix only serves generatedSids before it.
    const into = role.restoreInto ?? { prefix: "", allowDefaultGroups: false };
    return [
        // A CI chain's caller side: exact role ARNs, which the target roles' trust narrows to this role.
        ...(role.assume.length > 0
            ? [{ sid: "AssumeChainedRoles", actions: [ASSUME_ROLE_ACTION], resources: role.assume.map((ref) => resolve.roleArnOf(ref)) }]
            : []),
        ...(pull.length + push.length > 0 ? ecrCallerStatements(pull, push) : []),
        ...(role.restore.length > 0
            ? snapshotCallerStatements(
                  role.restore.map((ref) => resolve.snapshotOf(ref)),
                  { ...resolve.home, ...into },
              )
            : []),
    ];
}
