// The Markdown report, written to be posted as a pull-request comment: the verdict and what changes
// first (access gained and lost, mandatory violations, failed expectations with their explanation,
// advisories), then the graph, then the full matrix, the expectations and the resources folded in
// <details>. It stays under MARKDOWN_LIMIT characters by shortening the folded parts first.
import { AccessGraph, MAX_RESOURCE_GRAPH_ACCOUNTS, accessGraph, accountCount } from "../graph";
import { AccountNames } from "../names";
import type { PlanResult } from "../plan";
import { redact } from "../redact";
import { changeRows, edgeRows, expectationRows, isMandatory, lockLine, summaryLine, typeCounts, urnName, violationGroups } from "./common";
import { GRAPH_LEGEND, mermaidAccountGraph, mermaidResourceGraph } from "./graph";
import { markdownTable } from "./tables";
import { COUNTS_DEFINITION, STACK_HEADERS, stackRows } from "./text";

/** GitHub refuses comments over 65,536 characters; the rest is left for a CI's own wrapping text. */
export const MARKDOWN_LIMIT = 60_000;

/** Text outside code: nothing in it is read as emphasis, HTML or code. */
export function mdEscape(text: string): string {
    return text
        .replace(/[\\`*_[\]]/g, "\\$&")
        .replace(/</g, "&lt;")
        .replace(/>/g, "&gt;");
}

const code = (text: string) => `\`${text.replace(/`/g, "'")}\``;

/** A part of the report that can show only its first `k` rows. */
interface Part {
    rows: number;
    render: (k: number) => string;
}

function fixed(text: string): Part {
    return { rows: 0, render: () => text };
}

function shortenedNote(shown: number, total: number, unit: string): string {
    return `_Shortened to fit a pull-request comment (${MARKDOWN_LIMIT.toLocaleString("en-US")} characters): ${shown} of ${total} ${unit} shown; the JSON (\`--json\`) has them all._`;
}

/** A Markdown table of `rows` under `heading`, shortened to its first k rows with a note. */
function tablePart(before: string, headers: string[], rows: string[][], unit: string, after = ""): Part {
    return {
        rows: rows.length,
        render: (k) =>
            [
                before,
                markdownTable(
                    headers,
                    rows.slice(0, k).map((r) => r.map(mdEscape)),
                ),
                k < rows.length ? `\n${shortenedNote(k, rows.length, unit)}` : "",
                after,
            ]
                .filter((s) => s !== "")
                .join("\n"),
    };
}

function listPart(before: string, items: string[], unit: string): Part {
    return {
        rows: items.length,
        render: (k) => [before, ...items.slice(0, k), ...(k < items.length ? ["", shortenedNote(k, items.length, unit)] : [])].join("\n"),
    };
}

function details(summary: string, part: Part): Part {
    return { rows: part.rows, render: (k) => `<details><summary>${summary}</summary>\n\n${part.render(k)}\n\n</details>` };
}

/** Stacks listed by name in one item before "and N more". */
const MAX_LISTED_STACKS = 12;

/**
 * One item per rule and message: the same finding on 30 stacks is one line naming the resource once
 * and the stacks it is in.
 */
function violationItems(plan: PlanResult, mandatory: boolean): string[] {
    const chosen = plan.violations.filter((v) => isMandatory(v) === mandatory);
    return violationGroups(chosen).flatMap(([policy, list]) => {
        const byMessage = new Map<string, Map<string, string[]>>();
        for (const v of list) {
            const message = v.message.replace(/\n/g, " ");
            const resources = byMessage.get(message) ?? byMessage.set(message, new Map()).get(message)!;
            resources.set(urnName(v.urn), [...(resources.get(urnName(v.urn)) ?? []), v.stack]);
        }
        return [...byMessage.entries()].map(([message, resources]) => {
            const count = [...resources.values()].reduce((n, stacks) => n + stacks.length, 0);
            const where = [...resources.entries()].map(([resource, stacks]) => {
                const named = stacks.slice(0, MAX_LISTED_STACKS).join(", ");
                const more = stacks.length > MAX_LISTED_STACKS ? ` and ${stacks.length - MAX_LISTED_STACKS} more` : "";
                return `${code(resource)} in ${stacks.length > 1 ? `${stacks.length} stacks: ` : ""}${named}${more}`;
            });
            return `- **${mdEscape(policy)}**${count > 1 ? ` (${count})` : ""}: ${mdEscape(message)} ${where.join("; ")}.`;
        });
    });
}

function graphPart(graph: AccessGraph): Part {
    if (graph.nodes.length === 0) return fixed("### Access graph\n\nNo cross-account access.");
    const accounts = accountCount(graph);
    if (accounts > MAX_RESOURCE_GRAPH_ACCOUNTS) {
        return fixed(
            [
                "### Access graph",
                "",
                `${accounts} accounts: each arrow counts the cross-account principal-target pairs from one account to another. ` +
                    "The resource-level graph is in the JSON (`graph.mermaid`).",
                "",
                "```mermaid",
                mermaidAccountGraph(graph),
                "```",
            ].join("\n"),
        );
    }
    return fixed(["### Access graph", "", GRAPH_LEGEND, "", "```mermaid", mermaidResourceGraph(graph), "```"].join("\n"));
}

export function renderMarkdown(plan: PlanResult, graph: AccessGraph = accessGraph(plan)): string {
    const names = new AccountNames(plan.accounts, plan.vendors);
    const diff = plan.review?.diff;
    const against = diff?.against === "baseline" ? `the baseline ${code(diff.file ?? "")}` : "`access.lock.json`";
    const changes = changeRows(plan, names);
    const failed = plan.access.filter((a) => !a.pass);
    const mandatory = violationItems(plan, true);
    const advisory = violationItems(plan, false);
    const held = plan.access.length - failed.length;

    const parts: Record<string, Part> = {
        head: fixed(
            [
                `## crossaccount offline plan: ${plan.ok ? "✅ OK" : "❌ NOT OK"}`,
                "",
                mdEscape(summaryLine(plan)),
                "",
                mdEscape(lockLine(plan))
                    .replace(/\\`/g, "`")
                    .replace(/^access lock:/, "**Access lock:**"),
            ].join("\n"),
        ),
        changes:
            !diff || diff.against === "none"
                ? fixed("### Access gained and lost\n\nNothing to compare with (no access lock, no baseline).")
                : changes.length === 0
                  ? fixed(`### Access gained and lost\n\nNo change against ${against}.`)
                  : tablePart(
                        `### Access gained and lost\n\nAgainst ${against} (+ gained, - lost):\n`,
                        ["", "principal", "target", "actions", "conditions"],
                        changes,
                        "changes",
                    ),
        mandatory: mandatory.length
            ? listPart("### Mandatory violations\n", mandatory, "violations")
            : fixed("### Mandatory violations\n\nNone."),
        failed: failed.length
            ? listPart(
                  "### Failed expectations\n",
                  failed.map((a) => `- **${mdEscape(a.id)}** (expected ${a.expected}, got ${a.result}): ${mdEscape(a.explanation)}`),
                  "failed expectations",
              )
            : fixed(`### Failed expectations\n\nNone: ${held} of ${plan.access.length} hold.`),
        advisories: advisory.length
            ? listPart(`### Advisories (${plan.violations.filter((v) => !isMandatory(v)).length})\n`, advisory, "advisories")
            : fixed("### Advisories\n\nNone."),
        graph: graphPart(graph),
        matrix: details(
            `Cross-account access matrix (${plan.edges.length} edges)`,
            tablePart("", ["principal", "target", "actions", "conditions"], edgeRows(plan, names), "edges"),
        ),
        expectations: details(
            `Access expectations (${held} of ${plan.access.length} hold${plan.skippedExpectations.length ? `, ${plan.skippedExpectations.length} skipped` : ""})`,
            tablePart("", ["", "id", "expected", "result", "context"], expectationRows(plan), "expectations"),
        ),
        resources: details(
            `Resources per stack (${plan.stacks.length} stacks)`,
            tablePart(
                `${mdEscape(COUNTS_DEFINITION)}.\n\n${markdownTable(STACK_HEADERS, stackRows(plan, names))}\n`,
                ["stack", "type", "count"],
                plan.stacks.flatMap((s) => typeCounts(s).map(([type, n]) => [s.name, type, String(n)])),
                "rows",
            ),
        ),
    };
    const order = ["head", "changes", "mandatory", "failed", "advisories", "graph", "matrix", "expectations", "resources"];
    // Folded parts give way first, then advisories, changes, violations and failed expectations.
    const shrinkFirst = ["resources", "expectations", "matrix", "advisories", "changes", "mandatory", "failed"];
    const shown = new Map(order.map((name) => [name, parts[name].rows]));
    const render = () => redact(`${order.map((name) => parts[name].render(shown.get(name)!)).join("\n\n")}\n`, plan.secretValues);
    let text = render();
    for (const name of shrinkFirst) {
        if (text.length <= MARKDOWN_LIMIT) break;
        // The most rows of this part that fit, by bisection (each render is linear in what it shows).
        let [low, high] = [0, shown.get(name)!];
        while (low < high) {
            const mid = Math.ceil((low + high) / 2);
            shown.set(name, mid);
            if (render().length <= MARKDOWN_LIMIT) low = mid;
            else high = mid - 1;
        }
        shown.set(name, low);
        text = render();
    }
    return text;
}

/** What a run that could not plan writes to --markdown, so that no earlier green report survives it. */
export function renderFailureMarkdown(errors: string[]): string {
    return [
        "## crossaccount offline plan: ❌ FAILED",
        "",
        "The plan could not run, so nothing was checked:",
        "",
        ...errors.map((e) => `- ${mdEscape(e)}`),
        "",
    ].join("\n");
}
