// The access graph a reviewer reads: every principal and resource in its owner's account (the plan
// knows the account of each bucket, whose ARN has none), two hops (who may assume a role, what the
// role may then do, inside its account too), one edge per pair with its actions summarized. Above
// MAX_RESOURCE_GRAPH_ACCOUNTS accounts the Markdown shows the account-level graph instead.
import { AccountNames } from "./names";
import type { PlanResult } from "./plan";

/** Above this many accounts a resource-level graph is unreadable in a pull request. */
export const MAX_RESOURCE_GRAPH_ACCOUNTS = 12;

/**
 * The AWS accounts the graph draws (the organization's and third parties'): "any account", the CI providers
 * and "the organization" are boxes but no account, and do not count towards MAX_RESOURCE_GRAPH_ACCOUNTS.
 */
export function accountCount(graph: AccessGraph): number {
    return graph.accounts.filter((a) => /^\d{12}$/.test(a.id)).length;
}

export type NodeKind = "principal" | "role" | "resource";

export interface GraphNode {
    id: string;
    /** Unique in the graph: "dev root", "prod role UpdateApp". */
    label: string;
    /** The principal or resource as the analysis names it (an ARN, a service principal, "*"). */
    ref: string;
    /** Owner account ID ("*" for any account). */
    account: string;
    kind: NodeKind;
}

export interface GraphEdge {
    from: string;
    to: string;
    kind: "assume-role" | "resource-access";
    /** Across accounts (the analysis's edges, in the lock) or inside one account (the second hop). */
    scope: "cross-account" | "in-account";
    actions: string[];
    conditions: string[];
    /** The summarized actions, e.g. "s3:Get*, ListBucket (3)". */
    label: string;
    /** Actions this pair gained against the lock or baseline (cross-account edges only). */
    gained: string[];
}

export interface AccessGraph {
    accounts: { id: string; label: string }[];
    nodes: GraphNode[];
    edges: GraphEdge[];
}

export interface AccountEdge {
    from: string;
    to: string;
    /** Principal-target pairs from one account to the other. */
    count: number;
}

/**
 * Actions grouped by service and leading verb: s3:GetObject, s3:GetObjectVersion, s3:ListBucket ->
 * "s3:Get*, ListBucket (3)". The count is the number of actions whenever a group was shortened.
 * "Get*" here only stands for the listed actions, never for every Get action; the matrix lists them.
 */
export function summarizeActions(actions: string[]): string {
    const unique = [...new Set(actions)];
    const services = new Map<string, Map<string, string[]>>();
    for (const action of unique) {
        const colon = action.indexOf(":");
        const [service, name] = colon < 0 ? ["", action] : [action.slice(0, colon), action.slice(colon + 1)];
        const verb = /^[A-Z][a-z]*/.exec(name)?.[0] ?? name;
        const verbs = services.get(service) ?? services.set(service, new Map()).get(service)!;
        verbs.set(verb, [...(verbs.get(verb) ?? []), name]);
    }
    let shortened = false;
    const parts = [...services.entries()].map(([service, verbs]) => {
        const names = [...verbs.entries()].map(([verb, list]) => {
            if (list.length === 1) return list[0];
            shortened = true;
            return `${verb}*`;
        });
        return `${service ? `${service}:` : ""}${names.join(", ")}`;
    });
    return `${parts.join("; ")}${shortened ? ` (${unique.length})` : ""}`;
}

export function accessGraph(plan: Pick<PlanResult, "accounts" | "vendors" | "edges" | "inAccount" | "review">): AccessGraph {
    const names = new AccountNames(plan.accounts, plan.vendors);
    const nodes = new Map<string, GraphNode>();
    const roles = new Set([
        ...plan.edges.filter((e) => e.kind === "assume-role").map((e) => e.target),
        ...plan.inAccount.filter((a) => a.kind === "assume-role").map((a) => a.target),
    ]);
    const node = (ref: string, account: string, kind: NodeKind): string => {
        // A service principal acts for one account: cloudtrail for dev is not cloudtrail for test.
        const key = `${account}\u0000${ref}`;
        if (!nodes.has(key)) nodes.set(key, { id: "", label: names.label(ref, account), ref, account, kind });
        return key;
    };
    const kindOf = (ref: string, isTarget: boolean): NodeKind =>
        /:iam::[^:]*:role\//.test(ref) || roles.has(ref) ? "role" : isTarget ? "resource" : "principal";

    const drafts = new Map<string, Omit<GraphEdge, "label" | "gained">>();
    const addEdge = (
        from: string,
        to: string,
        kind: GraphEdge["kind"],
        scope: GraphEdge["scope"],
        actions: string[],
        conditions: string[],
    ) => {
        const key = `${from}\u0001${to}`;
        const draft = drafts.get(key) ?? drafts.set(key, { from, to, kind, scope, actions: [], conditions: [] }).get(key)!;
        draft.actions = [...new Set([...draft.actions, ...actions])].sort();
        draft.conditions = [...new Set([...draft.conditions, ...conditions])].sort();
    };
    for (const e of plan.edges) {
        // A service scoped by aws:SourceOrgID acts for every account of the organization, not for "any account".
        const forOrganization = e.sourceAccountId === "*" && e.conditions.some((c) => c.startsWith("aws:SourceOrgID"));
        const from = node(e.principal, forOrganization ? "organization" : e.sourceAccountId, kindOf(e.principal, false));
        const to = node(e.target, e.targetAccountId, kindOf(e.target, true));
        addEdge(from, to, e.kind, "cross-account", e.actions, e.conditions);
    }
    for (const a of plan.inAccount) {
        const from = node(a.principal, a.accountId, kindOf(a.principal, false));
        const to = node(a.target, a.accountId, kindOf(a.target, true));
        addEdge(from, to, a.kind, "in-account", a.actions, []);
    }

    // Stable ids and unique labels: two nodes can only share a label when their references differ
    // in what shortName drops (a role path); those keep the full reference.
    const accountKey = (id: string) => [id === "*" ? "" : names.account(id), id];
    const sorted = [...nodes.entries()].sort(([, a], [, b]) =>
        compare([...accountKey(a.account), a.label, a.ref], [...accountKey(b.account), b.label, b.ref]),
    );
    const labelCount = new Map<string, number>();
    sorted.forEach(([, n]) => labelCount.set(n.label, (labelCount.get(n.label) ?? 0) + 1));
    sorted.forEach(([, n], i) => {
        n.id = `n${i}`;
        if (labelCount.get(n.label)! > 1) n.label = `${names.account(n.account)} ${n.ref}`;
    });
    const gained = new Map<string, string[]>();
    for (const c of plan.review?.diff.gained ?? []) {
        const key = `${c.principal}\u0001${c.target}`;
        gained.set(key, [...new Set([...(gained.get(key) ?? []), ...c.actions])].sort());
    }
    const edges = [...drafts.values()]
        .map((d) => ({
            ...d,
            from: nodes.get(d.from)!.id,
            to: nodes.get(d.to)!.id,
            label: summarizeActions(d.actions),
            gained: d.scope === "cross-account" ? (gained.get(`${nodes.get(d.from)!.ref}\u0001${nodes.get(d.to)!.ref}`) ?? []) : [],
        }))
        .sort((a, b) => Number(a.from.slice(1)) - Number(b.from.slice(1)) || Number(a.to.slice(1)) - Number(b.to.slice(1)));
    const accountIds = [...new Set(sorted.map(([, n]) => n.account))];
    return {
        accounts: accountIds.map((id) => ({ id, label: id === "*" ? "any account" : names.accountWithId(id) })),
        nodes: sorted.map(([, n]) => n),
        edges,
    };
}

/** Cross-account edges counted per pair of accounts (in-account hops are left out). */
export function accountEdges(graph: AccessGraph): AccountEdge[] {
    const accountOf = new Map(graph.nodes.map((n) => [n.id, n.account]));
    const counts = new Map<string, AccountEdge>();
    for (const e of graph.edges.filter((x) => x.scope === "cross-account")) {
        const from = accountOf.get(e.from)!;
        const to = accountOf.get(e.to)!;
        const key = `${from}\u0000${to}`;
        const found = counts.get(key) ?? counts.set(key, { from, to, count: 0 }).get(key)!;
        found.count++;
    }
    return [...counts.values()].sort((a, b) => compare([a.from, a.to], [b.from, b.to]));
}

function compare(a: string[], b: string[]): number {
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
    return 0;
}
