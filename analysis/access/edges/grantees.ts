/**
 * Who a statement lets in from another account, read from what it names: AWS principals (narrowed by
 * aws:PrincipalArn / aws:PrincipalAccount) and service principals acting for an account.
 */
import {
    ACCOUNT_ID,
    canonicalIdentityCenterPattern,
    conditionValuesFor,
    parseArn,
    principalAccount,
    rootArn,
    type Statement,
} from "../../../policy-pack/lib/iam";
import { renderCondition } from "../conditions";

/** Account used to stand in for "any principal" (`"Principal": "*"`) when verifying an edge. */
const ANY_ACCOUNT = "000000000000";

const ARN_OPERATORS = ["arnequals", "arnlike", "stringequals", "stringlike"];
const STRING_OPERATORS = ["stringequals", "stringlike"];

/**
 * The account an edge names for a principal: its account id, else "*". The analysis only prunes with
 * it, so "any", a pattern and an unattributable principal all mean "may be any account" here.
 */
export function edgeAccount(principalOrArn: string): string {
    const account = principalAccount(principalOrArn);
    return account.kind === "account" ? account.id : "*";
}

function isAccountRoot(principal: string): boolean {
    if (ACCOUNT_ID.test(principal)) return true;
    const arn = parseArn(principal);
    return !!arn && arn.service === "iam" && arn.resource === "root";
}

export interface Grantee {
    /** As shown in the edge: an ARN, an ARN pattern from aws:PrincipalArn, an account root, or "*". */
    principal: string;
    account: string;
}

/** AWS principals a statement names: "*" for `"Principal": "*"` (and for any NotPrincipal). */
function awsPrincipals(st: Statement): string[] {
    if (st.notPrincipal) return ["*"];
    if (!st.principal) return [];
    return st.principal.everyone ? ["*"] : st.principal.byType.AWS.values;
}

/**
 * Principals of other accounts an Allow statement grants. An account root narrowed by an
 * aws:PrincipalArn condition becomes the named ARNs, as that is who can actually use it.
 */
export function grantees(st: Statement, resourceAccount: string, partition: string): Grantee[] {
    if (st.effect !== "Allow") return [];
    const narrowArns = conditionValuesFor(st, "aws:PrincipalArn", ARN_OPERATORS);
    const narrowAccounts = conditionValuesFor(st, "aws:PrincipalAccount", STRING_OPERATORS);
    const out: Grantee[] = [];
    for (const p of awsPrincipals(st)) {
        if (p === "*") {
            if (narrowArns) out.push(...narrowArns.map((a) => ({ principal: a, account: edgeAccount(a) })));
            else if (narrowAccounts)
                out.push(
                    ...narrowAccounts.map((a) => ({
                        principal: ACCOUNT_ID.test(a) ? rootArn(a, partition) : a,
                        account: ACCOUNT_ID.test(a) ? a : "*",
                    })),
                );
            else out.push({ principal: "*", account: "*" });
        } else if (isAccountRoot(p)) {
            const account = edgeAccount(p);
            if (narrowArns) {
                out.push(...narrowArns.filter((a) => [account, "*"].includes(edgeAccount(a))).map((a) => ({ principal: a, account })));
            } else out.push({ principal: ACCOUNT_ID.test(p) ? rootArn(p, partition) : p, account });
        } else out.push({ principal: p, account: edgeAccount(p) });
    }
    // An Identity Center trust names each permission set twice (with and without the region segment): one grantee.
    const seen = new Set<string>();
    return out
        .map((g) => ({ ...g, principal: canonicalIdentityCenterPattern(g.principal) }))
        .filter((g) => g.account !== resourceAccount && !seen.has(g.principal) && seen.add(g.principal));
}

export interface ServiceGrantee {
    service: string;
    account: string;
    /** The aws:SourceArn / aws:SourceAccount the service acts for, known when verifying the edge. */
    context: Record<string, string>;
    /** Rendered form of that source condition (and the organization's); part of the edge. */
    conditions: string[];
}

/** Service principals a statement names (in Principal, else in NotPrincipal: pruning only, the simulator decides). */
export function servicePrincipals(st: Statement): string[] {
    return (st.principal ?? st.notPrincipal)?.byType.Service.values ?? [];
}

/**
 * Service principals (e.g. CloudTrail) a statement lets act for another account, as scoped by
 * aws:SourceArn or aws:SourceAccount: the trail of dev writing into prod's audit bucket. aws:SourceOrgID
 * admits the service for any account of that organization (account "*"): it is set in the request context
 * and kept in the edge's condition, alone or narrowing the source ARNs (the organization's trails of a name).
 */
export function serviceGrantees(st: Statement, resourceAccount: string): ServiceGrantee[] {
    const services = servicePrincipals(st);
    if (st.effect !== "Allow" || !services.length) return [];
    const orgIds = conditionValuesFor(st, "aws:SourceOrgID", STRING_OPERATORS) ?? [];
    const sources: Omit<ServiceGrantee, "service">[] = [
        ...(conditionValuesFor(st, "aws:SourceArn", ARN_OPERATORS) ?? []).map((arn) => ({
            account: edgeAccount(arn),
            context: {
                "aws:SourceArn": arn.replace(/[*?]/g, "x"),
                ...(ACCOUNT_ID.test(edgeAccount(arn)) ? { "aws:SourceAccount": edgeAccount(arn) } : {}),
            },
            conditions: [renderCondition(/[*?]/.test(arn) ? "ArnLike" : "StringEquals", "aws:SourceArn", [arn])],
        })),
        ...(conditionValuesFor(st, "aws:SourceAccount", STRING_OPERATORS) ?? []).map((account) => ({
            account,
            context: { "aws:SourceAccount": account },
            conditions: [renderCondition("StringEquals", "aws:SourceAccount", [account])],
        })),
    ];
    if (sources.length === 0 && orgIds.length > 0) sources.push({ account: "*", context: {}, conditions: [] });
    const inOrganization = (source: Omit<ServiceGrantee, "service">): Omit<ServiceGrantee, "service"> =>
        orgIds.length === 0
            ? source
            : {
                  ...source,
                  context: { ...source.context, "aws:SourceOrgID": orgIds[0] },
                  conditions: [...source.conditions, renderCondition("StringEquals", "aws:SourceOrgID", orgIds)],
              };
    return services.flatMap((service) =>
        sources.filter((s) => s.account !== resourceAccount).map((s) => ({ service, ...inOrganization(s) })),
    );
}

/** A concrete principal standing in for a pattern, so the simulator can evaluate it. */
export function concretePrincipal(principal: string): string {
    if (principal === "*") return rootArn(ANY_ACCOUNT);
    const arn = parseArn(principal);
    if (!arn) return principal;
    const account = /[*?]/.test(arn.account) ? ANY_ACCOUNT : arn.account;
    return `arn:${arn.partition}:${arn.service}:${arn.region}:${account}:${arn.resource.replace(/[*?]/g, "x")}`;
}
