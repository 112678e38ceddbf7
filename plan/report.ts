// Renders a plan for people (terminal, pull-request Markdown) and machines (JSON).
// Every rendering goes through `redact`: secret values (external IDs) never leave as plain text.
import { SECURE_PLACEHOLDER } from "../config";
import { isDeployed } from "./aws-mocks";
import { PlanResult, PlannedStack } from "./plan";

export const REDACTED = "[secret]";

export function redact<T>(value: T, secrets: Iterable<string>): T {
    const list = [...secrets, SECURE_PLACEHOLDER].filter((s) => s.length > 0).sort((a, b) => b.length - a.length);
    const scrub = (item: unknown): unknown => {
        if (typeof item === "string") return list.reduce((text, secret) => text.split(secret).join(REDACTED), item);
        if (Array.isArray(item)) return item.map(scrub);
        if (item !== null && typeof item === "object") {
            return Object.fromEntries(Object.entries(item).map(([k, v]) => [k, scrub(v)]));
        }
        return item;
    };
    return scrub(value) as T;
}

/** The documented JSON shape of a plan. */
export function planToJson(plan: PlanResult) {
    return redact(
        {
            ok: plan.ok,
            order: plan.order,
            stacks: plan.stacks.map((stack) => ({
                name: stack.name,
                environment: stack.environment,
                accountId: stack.accountId,
                region: stack.region,
                resources: stack.resources
                    .filter(isDeployed)
                    .map((r) => ({ urn: r.urn, type: r.type, name: r.name, accountId: r.accountId ?? null, inputs: r.inputs })),
                outputs: stack.outputs,
            })),
            violations: plan.violations.map((v) => ({
                policyName: v.policyName,
                enforcementLevel: v.enforcementLevel,
                stack: v.stack,
                urn: v.urn ?? null,
                message: v.message,
            })),
            access: plan.access.map((a) => ({
                id: a.id,
                principal: a.principal,
                action: a.action,
                resource: a.resource,
                context: a.context,
                expected: a.expected,
                result: a.result,
                pass: a.pass,
                explanation: a.explanation,
            })),
            skippedExpectations: plan.skippedExpectations,
            edges: plan.edges,
        },
        plan.secretValues,
    );
}

function resourceCounts(stack: PlannedStack): [string, string, number][] {
    const counts = new Map<string, number>();
    for (const r of stack.resources) {
        if (!r.custom || r.type.startsWith("pulumi:")) continue;
        const key = `${r.type}\u0000${r.accountId ?? "?"}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return [...counts.entries()]
        .map(([key, count]) => [...key.split("\u0000"), count] as [string, string, number])
        .sort(([a, x], [b, y]) => a.localeCompare(b) || x.localeCompare(y));
}

function table(headers: string[], rows: string[][]): string {
    const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd();
    return [line(headers), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

function markdownTable(headers: string[], rows: string[][]): string {
    const escape = (cell: string) => cell.replace(/\|/g, "\\|").replace(/\n/g, "<br>");
    return [
        `| ${headers.join(" | ")} |`,
        `| ${headers.map(() => "---").join(" | ")} |`,
        ...rows.map((r) => `| ${r.map(escape).join(" | ")} |`),
    ].join("\n");
}

function contextText(context: Record<string, unknown>): string {
    const entries = Object.entries(context);
    return entries.length === 0 ? "-" : entries.map(([k, v]) => `${k}=${v}`).join(", ");
}

function expectationRows(plan: PlanResult): string[][] {
    return plan.access.map((a) => [
        a.pass ? "PASS" : "FAIL",
        a.id,
        a.expected,
        a.result,
        contextText(a.context as Record<string, unknown>),
    ]);
}

function edgeRows(plan: PlanResult): string[][] {
    return plan.edges.map((e) => {
        // A key's uses (decrypt, encrypt, grant) and the actions another required resource denies go with the conditions.
        const notes = [...e.conditions, ...(e.uses ? [`uses: ${e.uses.join(", ")}`] : []), ...(e.deniedOn ?? []).map((d) => `denied: ${d}`)];
        return [e.kind, e.principal, e.target, e.actions.join(", ") || "-", notes.join("; ") || "-"];
    });
}

function violationGroups(plan: PlanResult): [string, PlanResult["violations"]][] {
    const groups = new Map<string, PlanResult["violations"]>();
    for (const v of plan.violations) groups.set(v.policyName, [...(groups.get(v.policyName) ?? []), v]);
    return [...groups.entries()].sort(([a], [b]) => a.localeCompare(b));
}

function summaryLine(plan: PlanResult): string {
    const mandatory = plan.violations.filter((v) => v.enforcementLevel === "mandatory").length;
    const advisory = plan.violations.length - mandatory;
    const held = plan.access.filter((a) => a.pass).length;
    return (
        `${plan.ok ? "OK" : "NOT OK"}: ${plan.stacks.length} stack(s), ` +
        `${mandatory} mandatory and ${advisory} advisory violation(s), ` +
        `${held}/${plan.access.length} access expectation(s) hold, ${plan.edges.length} cross-account edge(s)`
    );
}

export function renderText(plan: PlanResult): string {
    const out: string[] = [];
    out.push(`Offline plan (nothing is deployed): stacks in order ${plan.order.map((w) => w.join(" + ")).join(" -> ")}`);
    for (const stack of plan.stacks) {
        const total = resourceCounts(stack).reduce((sum, [, , n]) => sum + n, 0);
        out.push("", `== Stack ${stack.name}: account ${stack.accountId}, ${stack.region}, ${total} resources`);
        out.push(table(["type", "account", "count"], resourceCounts(stack).map(([t, a, n]) => [t, a, String(n)])));
    }
    out.push("", "== Policy violations");
    if (plan.violations.length === 0) out.push("none");
    for (const [policy, violations] of violationGroups(plan)) {
        out.push(`${policy} (${violations[0].enforcementLevel}, ${violations.length})`);
        for (const v of violations) out.push(`  [${v.stack}] ${v.urn ?? "(stack)"}`, `    ${v.message.replace(/\n/g, "\n    ")}`);
    }
    out.push("", "== Access expectations");
    out.push(plan.access.length === 0 ? "none" : table(["", "id", "expected", "result", "context"], expectationRows(plan)));
    for (const failed of plan.access.filter((a) => !a.pass)) out.push(`  ${failed.id}: ${failed.explanation}`);
    if (plan.skippedExpectations.length > 0) out.push(`skipped (a stack they name was not planned): ${plan.skippedExpectations.join(", ")}`);
    out.push("", "== Cross-account access matrix");
    out.push(plan.edges.length === 0 ? "none" : table(["kind", "principal", "target", "actions", "conditions"], edgeRows(plan)));
    out.push("", summaryLine(plan));
    return redact(out.join("\n"), plan.secretValues);
}

export function renderMarkdown(plan: PlanResult): string {
    const out: string[] = [];
    out.push(`## crossaccount offline plan: ${plan.ok ? "✅ OK" : "❌ NOT OK"}`, "", summaryLine(plan), "");
    out.push(`Order: ${plan.order.map((w) => w.map((s) => `\`${s}\``).join(" + ")).join(" → ")} (nothing is deployed)`, "");
    out.push("### Stacks", "");
    out.push(
        markdownTable(
            ["stack", "account", "type", "count"],
            plan.stacks.flatMap((s) => resourceCounts(s).map(([t, a, n]) => [s.name, a, `\`${t}\``, String(n)])),
        ),
        "",
    );
    out.push("### Policy violations", "");
    if (plan.violations.length === 0) out.push("None.", "");
    for (const [policy, violations] of violationGroups(plan)) {
        out.push(`**${policy}** (${violations[0].enforcementLevel})`, "");
        for (const v of violations) out.push(`- \`${v.stack}\` \`${v.urn ?? "stack"}\`: ${v.message.replace(/\n/g, " ")}`);
        out.push("");
    }
    out.push("### Access expectations", "");
    out.push(plan.access.length === 0 ? "None." : markdownTable(["", "id", "expected", "result", "context"], expectationRows(plan)), "");
    out.push("### Cross-account access", "");
    out.push(plan.edges.length === 0 ? "None." : markdownTable(["kind", "principal", "target", "actions", "conditions"], edgeRows(plan)), "");
    out.push("```mermaid", mermaidGraph(plan), "```", "");
    return redact(out.join("\n"), plan.secretValues);
}

/** Nodes are principals and targets, grouped by account; edges are labelled with their actions. */
export function mermaidGraph(plan: PlanResult): string {
    const ids = new Map<string, string>();
    const node = (arn: string) => {
        if (!ids.has(arn)) ids.set(arn, `n${ids.size}`);
        return ids.get(arn)!;
    };
    const edges = plan.edges.map((e) => {
        const label = [e.actions.join(", "), ...e.conditions].join("<br>").replace(/"/g, "'");
        const arrow = e.kind === "assume-role" ? "==>" : "-->";
        return `  ${node(e.principal)} ${arrow}|"${label}"| ${node(e.target)}`;
    });
    const accounts = new Map<string, string[]>();
    for (const arn of ids.keys()) {
        const account = arn.split(":")[4] || "any";
        accounts.set(account, [...(accounts.get(account) ?? []), arn]);
    }
    const lines = ["graph LR"];
    for (const [account, arns] of [...accounts.entries()].sort()) {
        const name = plan.stacks.find((s) => s.accountId === account)?.name;
        lines.push(`  subgraph a${account.replace(/\W/g, "")}["${name ? `${name} ` : ""}${account}"]`);
        for (const arn of arns) lines.push(`    ${ids.get(arn)}["${arn.split(":").slice(5).join(":") || arn}"]`);
        lines.push("  end");
    }
    return [...lines, ...edges].join("\n");
}
