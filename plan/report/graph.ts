// Mermaid source of the access graph, resource-level (one box per account) or account-level.
// Labels are quoted and stripped of what Mermaid would read as syntax; a test parses the output with
// mermaid's own parser.
import { AccessGraph, GraphEdge, accountEdges, summarizeActions } from "../graph";

/** Mermaid text in a quoted label: quotes become entities, nothing else of the label is syntax. */
function quoted(text: string): string {
    return `"${text.replace(/"/g, "#quot;")}"`;
}

const SHORT_CONDITION: Record<string, string> = {
    "aws:multifactorauthpresent": "MFA",
    "aws:multifactorauthage": "MFA age",
    "sts:externalid": "external ID",
    "aws:sourcearn": "source ARN",
    "aws:sourceaccount": "source account",
    "aws:principalorgid": "organization",
    "aws:sourceip": "source IP",
    "aws:currenttime": "time window",
    "sts:rolesessionname": "session name",
    "aws:principalarn": "principal ARN",
};

/** "if MFA, external ID": the condition keys an edge depends on, not their values (the matrix has those). */
export function conditionKeys(conditions: string[]): string {
    const keys = conditions.map((c) => {
        const key = c.split(" ")[0];
        return SHORT_CONDITION[key.toLowerCase()] ?? key;
    });
    return keys.length ? `if ${[...new Set(keys)].join(", ")}` : "";
}

function arrow(edge: GraphEdge): string {
    if (edge.scope === "in-account") return "-.->";
    return edge.kind === "assume-role" ? "==>" : "-->";
}

export const GRAPH_LEGEND =
    "`==>` may assume a role in another account, `-->` may use a resource of another account, " +
    "`-.->` inside one account (what a role may do once assumed, who may assume it). Boxes are accounts; " +
    "thick red arrows carry access gained against the lock or baseline.";

export function mermaidResourceGraph(graph: AccessGraph): string {
    const lines = ["flowchart LR"];
    // Nodes by account, in their order: filtering every node for each account grew with the square of the organization.
    const nodesOf = new Map<string, AccessGraph["nodes"]>();
    for (const n of graph.nodes) (nodesOf.get(n.account) ?? nodesOf.set(n.account, []).get(n.account)!).push(n);
    graph.accounts.forEach((account, i) => {
        lines.push(`  subgraph a${i}[${quoted(account.label)}]`);
        for (const n of nodesOf.get(account.id) ?? []) {
            lines.push(n.kind === "resource" ? `    ${n.id}[(${quoted(n.label)})]` : `    ${n.id}[${quoted(n.label)}]`);
        }
        lines.push("  end");
    });
    const gained: number[] = [];
    graph.edges.forEach((e, i) => {
        const added = !e.gained.length ? "" : e.gained.length === e.actions.length ? "new" : `gained ${summarizeActions(e.gained)}`;
        const label = [e.label, conditionKeys(e.conditions), added].filter(Boolean).join("<br>");
        lines.push(`  ${e.from} ${arrow(e)}|${quoted(label)}| ${e.to}`);
        if (e.gained.length) gained.push(i);
    });
    // What the change adds stands out: links are numbered in the order they are declared.
    if (gained.length) lines.push(`  linkStyle ${gained.join(",")} stroke:#cf222e,stroke-width:4px`);
    return lines.join("\n");
}

export function mermaidAccountGraph(graph: AccessGraph): string {
    const edges = accountEdges(graph);
    const used = new Set(edges.flatMap((e) => [e.from, e.to]));
    const index = new Map(graph.accounts.map((a, i) => [a.id, i]));
    // Top to bottom: a hub and a chain of neighbours stay readable as a column, not a strip.
    const lines = ["flowchart TB"];
    for (const account of graph.accounts.filter((a) => used.has(a.id))) lines.push(`  a${index.get(account.id)}[${quoted(account.label)}]`);
    for (const e of edges) lines.push(`  a${index.get(e.from)} -->|${quoted(String(e.count))}| a${index.get(e.to)}`);
    return lines.join("\n");
}
