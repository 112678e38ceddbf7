// The terminal report: fits TEXT_WIDTH columns, names accounts instead of IDs where unambiguous, and
// counts each stack's resources once, as the header defines.
import { countResources } from "../counts";
import { AccountNames } from "../names";
import type { PlanResult } from "../plan";
import { redact } from "../redact";
import { changeRows, edgeRows, expectationRows, lockLine, summaryLine, urnName, violationGroups } from "./common";
import { textTable, wrapIndented } from "./tables";

export const COUNTS_DEFINITION =
    "resources: the AWS resources a stack manages; providers, components and stack references are counted apart";

export function stackRows(plan: PlanResult, names: AccountNames): string[][] {
    return plan.stacks.map((s) => {
        const c = countResources(s.resources);
        return [
            s.name,
            names.account(s.accountId),
            s.region,
            String(c.resources),
            String(c.providers),
            String(c.components),
            String(c.stackReferences),
        ];
    });
}

/** principal, target, actions, conditions -> two cells that wrap well in 100 columns. */
function stacked([principal, target, actions, conditions]: string[]): string[] {
    return [
        `${principal}\n-> ${target}`,
        conditions === "-" ? actions : `${actions}\n${/^(uses|denied): /.test(conditions) ? "" : "if "}${conditions}`,
    ];
}

export const STACK_HEADERS = ["stack", "account", "region", "resources", "providers", "components", "stack refs"];

export function renderText(plan: PlanResult): string {
    const names = new AccountNames(plan.accounts, plan.vendors);
    const out: string[] = [];
    out.push(
        ...wrapIndented(`Offline plan (nothing is deployed): stacks in order ${plan.order.map((w) => w.join(" + ")).join(" -> ")}`, ""),
    );
    out.push(
        ...wrapIndented(
            `Accounts: ${Object.entries(plan.accounts)
                .map(([name, id]) => `${name} ${id}`)
                .join(", ")}`,
            "",
        ),
    );
    out.push("", "== Stacks", ...wrapIndented(COUNTS_DEFINITION, ""), textTable(STACK_HEADERS, stackRows(plan, names)));

    out.push("", "== Policy violations");
    if (plan.violations.length === 0) out.push("none");
    for (const [policy, violations] of violationGroups(plan.violations)) {
        out.push(`${policy} (${violations[0].enforcementLevel}, ${violations.length})`);
        for (const v of violations) out.push(...wrapIndented(`[${v.stack}] ${urnName(v.urn)}`, "  "), ...wrapIndented(v.message, "    "));
    }

    out.push("", "== Access expectations");
    out.push(plan.access.length === 0 ? "none" : textTable(["", "id", "expected", "result", "context"], expectationRows(plan)));
    for (const failed of plan.access.filter((a) => !a.pass)) out.push(...wrapIndented(`${failed.id}: ${failed.explanation}`, "  "));
    if (plan.skippedExpectations.length > 0) {
        out.push(...wrapIndented(`skipped (a stack they name was not planned): ${plan.skippedExpectations.join(", ")}`, ""));
    }

    out.push("", `== Cross-account access matrix (${plan.edges.length} edge(s))`);
    out.push(
        plan.edges.length === 0
            ? "none"
            : textTable(["principal -> target", "actions (if conditions)"], edgeRows(plan, names).map(stacked)),
    );

    const diff = plan.review?.diff;
    const against =
        diff?.against === "baseline" ? ` against the baseline ${diff.file}` : diff?.against === "lock" ? " against access.lock.json" : "";
    out.push("", `== Access gained (+) and lost (-)${against}`);
    out.push(...wrapIndented(lockLine(plan), ""));
    const changes = changeRows(plan, names);
    if (diff && diff.against !== "none")
        out.push(
            changes.length === 0
                ? "no change"
                : textTable(
                      ["+/-", "principal -> target", "actions (if conditions)"],
                      changes.map(([sign, ...row]) => [sign, ...stacked(row)]),
                  ),
        );

    out.push("", ...wrapIndented(summaryLine(plan), ""));
    return redact(out.join("\n"), plan.secretValues);
}
