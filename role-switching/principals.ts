// Who is switching roles, in the organization's terms: the same references the stack files and the
// access expectations use (`dev/group/Developers`, `dev/user/alice`, `dev/role/CiBuild`, and `dev/sso/Deployers`
// for an IAM Identity Center permission set's session in one account), plus `sso/<PermissionSet>` for the
// permission set in every account it may be provisioned to (or those --sso-account names).
import { PERMISSION_SET_NAME, identityCenterRoleArn } from "../aws";
import { parseIdentityRef, parseRoleRef, parseSsoRef } from "../config";
import type { RoleCatalog, SwitchableRole } from "./catalog";
import { badInput } from "./errors";

export type SwitchPrincipal =
    | { kind: "group" | "user"; ref: string; env: string; name: string; arn: string; accountId: string }
    /** A role's session (CI, or a person already in a role): every hop from it is role chaining. */
    | { kind: "role"; ref: string; env: string; name: string; arn: string; accountId: string; role: SwitchableRole }
    /** `env`: provisioned in that environment only (`<env>/sso/<Name>`, as expectations name it); else where options say. */
    | { kind: "sso"; ref: string; name: string; permissionSet: string; env?: string };

/** `what` names the argument in messages (`--principal`). */
export function parsePrincipal(catalog: RoleCatalog, reference: string, what: string): SwitchPrincipal {
    const scoped = parseSsoRef(reference);
    const permissionSet = scoped ? scoped.name : /^sso\/(.*)$/.exec(reference)?.[1];
    if (permissionSet !== undefined) {
        if (!PERMISSION_SET_NAME.test(permissionSet)) {
            throw badInput(`${what} ${reference}: a permission set name is 1-32 characters of letters, digits and + = , . @ _ -`);
        }
        if (scoped) environmentOf(catalog, scoped.env, reference, what);
        return { kind: "sso", ref: reference, name: permissionSet, permissionSet, ...(scoped ? { env: scoped.env } : {}) };
    }
    const ref = parseIdentityRef(reference) ?? parseRoleRef(reference);
    if (!ref) {
        throw badInput(
            `${what} ${reference}: expected <env>/group/<Name>, <env>/user/<Name>, <env>/role/<Name>, <env>/sso/<PermissionSet> or sso/<PermissionSet>`,
        );
    }
    const { env, kind, name } = ref;
    const environment = environmentOf(catalog, env, reference, what);
    if (kind === "role") {
        const role = catalog.role(`${env}/role/${name}`, what);
        return { kind: "role", ref: reference, env, name, arn: role.arn, accountId: role.accountId, role };
    }
    const arn = `arn:${catalog.partition}:iam::${environment.accountId}:${kind}/${name}`;
    if (!catalog.hasIdentity(kind, arn, name, environment.accountId)) {
        throw badInput(`${what} ${reference}: the plan has no ${kind} ${name} in ${environment.fileName}`);
    }
    return { kind, ref: reference, env, name, arn, accountId: environment.accountId };
}

function environmentOf(catalog: RoleCatalog, env: string, reference: string, what: string) {
    const environment = catalog.environment(env);
    if (!environment) {
        throw badInput(
            `${what} ${reference}: no environment '${env}' (known: ${Object.keys(catalog.organization.environments).sort().join(", ")})`,
        );
    }
    return environment;
}

/**
 * The role Identity Center provisions for a permission set in an account is
 * `aws-reserved/sso.amazonaws.com/AWSReservedSSO_<PermissionSet>_<16 hex digits>` (IAM Identity Center User
 * Guide, "Referencing permission sets in resource policies"); the suffix is random, so the analysis is
 * asked about a stand-in with a fixed one.
 */
export function ssoRoleArn(partition: string, accountId: string, permissionSet: string): string {
    return identityCenterRoleArn(accountId, permissionSet, undefined, partition);
}
