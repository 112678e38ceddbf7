// Which roles a principal may assume, hop by hop, according to the access analysis: its own credentials
// first (a person's long-term keys, an Identity Center session, a role session), then every role reached,
// as a source for role chaining. For each role it finds the least the request needs (MFA, the external
// ID) by asking the analysis, never by reading the trust policy itself.
import type { AccessContext, AccessResult } from "../analysis/access";
import { STS_LIMITS } from "../aws";
import type { RoleCatalog, SwitchableRole } from "./catalog";
import { badInput } from "./errors";
import { ssoRoleArn, type SwitchPrincipal } from "./principals";
import { checkSessionName, fillSessionNamePattern, sanitizeSessionName } from "./session-name";

/** AWS sets no limit on chains; three hops cover a person → a pipeline role → a deploy role and then some. */
const DEFAULT_MAX_HOPS = 3;

/** Credentials a hop starts from. */
interface Caller {
    /** The ARN the analysis evaluates as the caller. */
    requester: string;
    accountId: string;
    /** The profile giving these credentials; undefined: the caller's own (`--source-profile`). */
    profile?: string;
    /** A role session: MFA cannot be presented again, and the next session lasts at most an hour. */
    chained: boolean;
}

/** An Identity Center sign-in: the permission set's role in one account. */
export interface SsoAccess {
    env: string;
    accountId: string;
    region: string;
    permissionSet: string;
    /** `<env>-sso-<PermissionSet>`: not `<env>-<Name>`, which a role of that name would take. */
    profileName: string;
}

export interface RoleRoute {
    role: SwitchableRole;
    /** The profile whose credentials call AssumeRole; undefined: the caller's own. */
    sourceProfile?: string;
    chained: boolean;
    /** The analysis denies the request without MFA and allows it with. */
    mfa: boolean;
    /** The analysis denies the request without the trust's external ID and allows it with. */
    externalId: boolean;
    sessionName: string;
    durationSeconds: number;
    hops: number;
}

export interface Reachability {
    principal: SwitchPrincipal;
    sso: SsoAccess[];
    routes: RoleRoute[];
}

export interface ReachOptions {
    /** RoleSessionName to use (default: the principal's name, fitted to each trust's pattern). */
    sessionName?: string;
    /**
     * Environments where an `sso/` principal's permission set is provisioned (default: every one it reaches a role
     * from); a `<env>/sso/` principal is provisioned in its environment.
     */
    ssoEnvironments?: string[];
    maxHops?: number;
}

export async function reachableRoles(catalog: RoleCatalog, principal: SwitchPrincipal, options: ReachOptions = {}): Promise<Reachability> {
    if (options.sessionName !== undefined) checkSessionName(options.sessionName, "--session-name");
    const sso = principal.kind === "sso" ? ssoAccesses(catalog, principal, options.ssoEnvironments) : [];
    let frontier = startingCallers(catalog, principal, sso);
    const routes = new Map<string, RoleRoute>();
    const maxHops = options.maxHops ?? DEFAULT_MAX_HOPS;
    for (let hop = 1; hop <= maxHops && frontier.length > 0; hop++) {
        const next: Caller[] = [];
        for (const role of catalog.roles) {
            if (routes.has(role.arn) || (principal.kind === "role" && principal.arn === role.arn)) continue;
            const sessionName = sessionNameFor(principal, role, options.sessionName);
            for (const caller of ownAccountFirst(frontier, role)) {
                const found = await leastContext(catalog, caller, role, sessionName);
                if (!found.allowed) continue;
                routes.set(role.arn, {
                    role,
                    sourceProfile: caller.profile,
                    chained: caller.chained,
                    mfa: found.mfa,
                    externalId: found.externalId,
                    sessionName,
                    durationSeconds: caller.chained
                        ? Math.min(STS_LIMITS.chainedSessionSeconds, role.maxSessionSeconds)
                        : role.maxSessionSeconds,
                    hops: hop,
                });
                next.push({ requester: role.arn, accountId: role.accountId, profile: role.profileName, chained: true });
                break;
            }
        }
        frontier = next;
    }
    const reachedFrom = new Set([...routes.values()].map((r) => r.sourceProfile));
    const explicit = options.ssoEnvironments !== undefined || (principal.kind === "sso" && principal.env !== undefined);
    return {
        principal,
        sso: sso.filter((s) => explicit || reachedFrom.has(s.profileName)),
        routes: [...routes.values()].sort((a, b) => (a.role.profileName < b.role.profileName ? -1 : 1)),
    };
}

export interface DirectVerdict {
    allowed: boolean;
    mfa: boolean;
    externalId: boolean;
    /** The analysis' result for the most permissive request (with MFA and the external ID when the trust has one). */
    result: AccessResult;
}

/** Whether the principal's own credentials may assume the role (one hop), and what the request needs. */
export async function directVerdict(
    catalog: RoleCatalog,
    principal: SwitchPrincipal,
    role: SwitchableRole,
    sessionName: string,
): Promise<DirectVerdict> {
    const callers = startingCallers(catalog, principal, principal.kind === "sso" ? ssoAccesses(catalog, principal) : []);
    // Denied from everywhere: explain from the role's own account, the first one tried.
    let first: DirectVerdict | undefined;
    for (const caller of ownAccountFirst(callers, role)) {
        const verdict = await leastContext(catalog, caller, role, sessionName);
        if (verdict.allowed) return verdict;
        first ??= verdict;
    }
    return first!;
}

/** The RoleSessionName for `role`: the given one, or the principal's name fitted to the trust's pattern. */
export function sessionNameFor(principal: SwitchPrincipal, role: SwitchableRole, explicit?: string): string {
    if (explicit !== undefined) return explicit;
    const base = sanitizeSessionName(principal.name);
    if (!role.sessionNamePattern) return base;
    return fillSessionNamePattern(role.sessionNamePattern, base, principal.kind === "user" ? principal.name : undefined);
}

/** Callers from the role's own account first: the shortest path a person would take. */
function ownAccountFirst(callers: Caller[], role: SwitchableRole): Caller[] {
    return [...callers].sort((a, b) => Number(b.accountId === role.accountId) - Number(a.accountId === role.accountId));
}

function startingCallers(catalog: RoleCatalog, principal: SwitchPrincipal, sso: SsoAccess[]): Caller[] {
    switch (principal.kind) {
        case "sso":
            return sso.map((s) => ({
                requester: ssoRoleArn(catalog.partition, s.accountId, s.permissionSet),
                accountId: s.accountId,
                profile: s.profileName,
                chained: true,
            }));
        case "role":
            return [{ requester: principal.arn, accountId: principal.accountId, chained: true }];
        default:
            return [{ requester: principal.arn, accountId: principal.accountId, chained: false }];
    }
}

function ssoAccesses(catalog: RoleCatalog, principal: SwitchPrincipal & { kind: "sso" }, environments?: string[]): SsoAccess[] {
    const { permissionSet, env: own } = principal;
    if (own !== undefined && environments !== undefined && (environments.length !== 1 || environments[0] !== own)) {
        throw badInput(
            `--sso-account ${environments.join(" ")}: ${principal.ref} is provisioned in ${own} only; give sso/${permissionSet} instead`,
        );
    }
    const names = environments ?? (own !== undefined ? [own] : Object.keys(catalog.organization.environments).sort());
    return names.map((env) => {
        const environment = catalog.environment(env);
        if (!environment)
            throw badInput(
                `--sso-account ${env}: no such environment (known: ${Object.keys(catalog.organization.environments).sort().join(", ")})`,
            );
        return {
            env,
            accountId: environment.accountId,
            region: environment.region,
            permissionSet,
            profileName: `${env}-sso-${permissionSet}`,
        };
    });
}

/**
 * The least the request needs: tries the most permissive context first (most roles deny everything:
 * one evaluation), then drops MFA and the external ID while the analysis still allows. A role session
 * never carries MFA (it cannot be presented again when chaining), so chained calls are tried without.
 */
async function leastContext(catalog: RoleCatalog, caller: Caller, role: SwitchableRole, sessionName: string): Promise<DirectVerdict> {
    const full: AccessContext = { sessionName };
    if (!caller.chained) Object.assign(full, { mfa: true, mfaAgeSeconds: 0 });
    if (role.externalId !== undefined) full.externalId = role.externalId;
    const result = await catalog.evaluate(caller.requester, role, full);
    if (result.result !== "Allowed") return { allowed: false, mfa: false, externalId: false, result };
    let mfa = !!full.mfa;
    if (mfa && (await catalog.evaluate(caller.requester, role, { ...full, mfa: false, mfaAgeSeconds: undefined })).result === "Allowed")
        mfa = false;
    let externalId = full.externalId !== undefined;
    if (externalId) {
        const without: AccessContext = { sessionName, ...(mfa ? { mfa: true, mfaAgeSeconds: 0 } : {}) };
        if ((await catalog.evaluate(caller.requester, role, without)).result === "Allowed") externalId = false;
    }
    return { allowed: true, mfa, externalId, result };
}
