import { ACCOUNT_ID, PrincipalSet, principalAccount } from "./iam";
import { Value, asRecord, asString, decodeJsonValue, listOf, stringList } from "./values";

export { ACCOUNT_ID };

/**
 * The account an AWS principal or ARN belongs to, as the rules compare it: "*" for every account,
 * undefined when it cannot be attributed to one account (a unique id such as AROA..., a wildcard
 * pattern, something malformed). See PrincipalAccount for the typed answer.
 */
export function accountOf(principalOrArn: string): string | undefined {
    const account = principalAccount(principalOrArn);
    return account.kind === "account" ? account.id : account.kind === "any" ? "*" : undefined;
}

export interface AccountPrincipal {
    principal: string;
    account: string | undefined;
}

/** AWS principals of a statement with the account each one belongs to. */
export function awsPrincipals(principal: PrincipalSet | undefined): AccountPrincipal[] {
    if (!principal) return [];
    const values = principal.everyone ? ["*"] : principal.byType.AWS.values;
    return values.map((value) => ({ principal: value, account: accountOf(value) }));
}

/**
 * The account(s) a resource is deployed to. The provider factory pins `allowedAccountIds`; a provider
 * that assumes a role names the account in the role ARN; in state the resource's own ARN tells.
 */
export function ownAccounts(providerProps: Value, resourceProps: Value): string[] {
    const provider = asRecord(providerProps);
    const pinned = stringList(provider?.allowedAccountIds ?? null).filter((id) => ACCOUNT_ID.test(id));
    if (pinned.length > 0) return pinned;
    const assumed = assumedRoleArns(provider?.assumeRoles ?? provider?.assumeRole)
        .map(accountOf)
        .filter((id): id is string => id !== undefined && ACCOUNT_ID.test(id));
    if (assumed.length > 0) return [...new Set(assumed)];
    const arn = asString(asRecord(resourceProps)?.arn);
    const fromArn = arn ? accountOf(arn) : undefined;
    return fromArn && ACCOUNT_ID.test(fromArn) ? [fromArn] : [];
}

function assumedRoleArns(value: Value): string[] {
    return listOf(decodeJsonValue(value))
        .map((item) => asString(asRecord(item)?.roleArn))
        .filter((arn): arn is string => !!arn);
}

export function providerRegion(providerProps: Value): string | undefined {
    return asString(asRecord(providerProps)?.region);
}

/** The accounts a principal may come from: the configured organization plus the resource's own. */
export function allowedAccounts(configured: string[], own: string[]): ReadonlySet<string> {
    // The configured list is the same array for every resource of a run (see resolveConfig) and holds
    // every account of the organization: build its set once, copy it only for an account it lacks.
    let base = configuredSets.get(configured);
    if (!base) configuredSets.set(configured, (base = new Set(configured)));
    if (own.every((account) => base.has(account))) return base;
    return new Set([...base, ...own]);
}

const configuredSets = new WeakMap<string[], ReadonlySet<string>>();

/** Without knowing its own account, a resource has to treat every account principal as foreign. */
export function isCrossAccount(account: string | undefined, own: string[]): boolean {
    return own.length === 0 || account === undefined || !own.includes(account);
}

/** A principal such as a unique id (AROA...) cannot be checked against the allowed accounts. */
export function unattributedPrincipal(where: string, principal: string): string {
    return (
        `${where}: principal "${principal}" cannot be attributed to an account. ` +
        'Fix: use an account root or role ARN such as "arn:aws:iam::<account>:root".'
    );
}

export function formatAccounts(accounts: Iterable<string>): string {
    const list = [...accounts];
    return list.length === 0 ? "[]" : `[${list.join(", ")}]`;
}
