// Cross-checks of the identity sections: roles (trust, permissions, the caller side of grants) and the
// assume-role grants of groups and users.
import { RoleSettings } from "../schema";
import { refText } from "../refs";
import { roleArnOf } from "../references";
import { callerStatements } from "../caller-statements";
import { ValidationContext } from "./helpers";
import { validateTrust } from "./trust";

export function validateRoles(context: ValidationContext): void {
    const { environment, settings, organization, ns, problem, helpers } = context;
    const seenRoles = new Map<string, string>();
    settings.roles.forEach((role, i) => {
        const where = `${ns}:roles[${i}]`;
        const lower = role.name.toLowerCase();
        if (seenRoles.has(lower))
            problem(
                `${where}.name`,
                `duplicate role name '${role.name}' (IAM role names are case-insensitive; also used by ${seenRoles.get(lower)})`,
            );
        seenRoles.set(lower, `${where}.name`);
        validateTrust(context, role, where);
        role.permissions.forEach((permission, j) => {
            permission.buckets.forEach((ref, k) => helpers.checkBucketRef(`${where}.permissions[${j}].buckets[${k}]`, ref));
            permission.objects.forEach((ref, k) => helpers.checkBucketRef(`${where}.permissions[${j}].objects[${k}]`, ref));
        });
        // The caller side of a grant is useless (and misleading) unless the owner grants it too.
        const self = `${environment.name}/role/${role.name}`;
        role.invoke.forEach((ref, j) => {
            const found = helpers.checkFunctionRef(`${where}.invoke[${j}]`, ref);
            if (found && !found.fn.invokers.some((invoker) => refText(invoker) === self)) {
                problem(
                    `${where}.invoke[${j}]`,
                    `function '${found.fn.name}' in ${found.target.fileName} does not list ${self} among its invokers`,
                );
            }
        });
        for (const access of ["pull", "push"] as const) {
            role[access].forEach((ref, j) => {
                const found = helpers.checkRepositoryRef(`${where}.${access}[${j}]`, ref);
                const granted = found?.repository.grants.some(
                    (g) => g.principals.some((principal) => refText(principal) === self) && (access === "pull" || g.access === "push"),
                );
                if (found && !granted) {
                    problem(
                        `${where}.${access}[${j}]`,
                        `repository '${found.repository.name}' in ${found.target.fileName} grants ${self} no ${access} access`,
                    );
                }
            });
        }
        role.restore.forEach((ref, j) => {
            const found = helpers.checkSnapshotRef(`${where}.restore[${j}]`, ref);
            const shared = found?.snapshot.sharedWith.some((account) => helpers.accountIdOfSetting(account) === environment.accountId);
            if (found && !shared) {
                problem(
                    `${where}.restore[${j}]`,
                    `snapshot '${found.snapshot.key}' in ${found.target.fileName} is not shared with account ${environment.accountId}`,
                );
            }
        });
        // A restore creates an instance and uses option, parameter and subnet groups in this account, which
        // AWS authorizes too: the role must say how they are named.
        if (role.restore.length > 0 && !role.restoreInto) {
            problem(
                `${where}.restoreInto`,
                "is required with restore: give the prefix of the DB instances, option, parameter and subnet groups it restores into",
            );
        }
        if (role.restoreInto && role.restore.length === 0)
            problem(`${where}.restoreInto`, "is given without restore; name the shared snapshots in restore");
        role.assume.forEach((ref, j) => {
            helpers.checkRoleRef(`${where}.assume[${j}]`, ref);
            const target = organization.environments[ref.env]?.settings.roles.find((r) => r.name === ref.name);
            const selfArn = roleArnOf(organization, { kind: "role", env: environment.name, name: role.name });
            if (target && !target.trust.roles.some((trusted) => refText(trusted) === self || refText(trusted) === selfArn)) {
                problem(
                    `${where}.assume[${j}]`,
                    `role '${ref.name}' in ${organization.environments[ref.env].fileName} does not list ${self} in its trust.roles`,
                );
            }
        });
        const generated = generatedSids(role);
        role.permissions.forEach((permission, j) => {
            if (permission.sid && generated.includes(permission.sid)) {
                problem(
                    `${where}.permissions[${j}].sid`,
                    `'${permission.sid}' is used by the statement generated for pull/push/restore; choose another`,
                );
            }
        });
    });
    // Role names are unique per account, so environments sharing an account share the namespace.
    for (const other of Object.values(organization.environments)) {
        if (other === environment || other.accountId !== environment.accountId || other.name > environment.name) continue;
        settings.roles.forEach((role, i) => {
            if (helpers.definesRoleNamed(other.settings, role.name)) {
                problem(
                    `${ns}:roles[${i}].name`,
                    `duplicate role name '${role.name}' in account ${environment.accountId} (also defined in ${other.fileName})`,
                );
            }
        });
    }
}

export function validateAssumeRoleGrants({ settings, ns, problem, helpers }: ValidationContext): void {
    settings.assumeRoleGrants.forEach((grant, i) => {
        const where = `${ns}:assumeRoleGrants[${i}]`;
        grant.roles.forEach((ref, j) => helpers.checkRoleRef(`${where}.roles[${j}]`, ref));
        grant.groups.forEach((group, j) => {
            if (!settings.groups.includes(group))
                problem(`${where}.groups[${j}]`, `group '${group}' is referenced but not defined in ${ns}:groups`);
        });
    });
}

/** Sids of the statements the program adds to a role's permission policy for its pull/push/restore lists. */
function generatedSids(role: RoleSettings): string[] {
    const placeholder = "arn:aws:placeholder";
    return callerStatements(role, {
        arnOf: () => placeholder,
        roleArnOf: () => placeholder,
        snapshotOf: () => ({ arn: placeholder, region: "us-east-1", keyArn: placeholder }),
        home: { accountId: "000000000000", region: "us-east-1" },
    }).map((statement) => statement.sid!);
}
