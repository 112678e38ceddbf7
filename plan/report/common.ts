// What the terminal and Markdown reports share: the verdict, the summary, and the rows of each table.
import { isManagedResource } from "../counts";
import { AccessChange } from "../lock";
import { AccountNames } from "../names";
import type { PlanResult, PlanViolation, PlannedStack } from "../plan";

export function isMandatory(v: PlanViolation): boolean {
    return v.enforcementLevel === "mandatory";
}

export function violationGroups(violations: PlanViolation[]): [string, PlanViolation[]][] {
    const groups = new Map<string, PlanViolation[]>();
    for (const v of violations) groups.set(v.policyName, [...(groups.get(v.policyName) ?? []), v]);
    return [...groups.entries()].sort(([a], [b]) => a.localeCompare(b));
}

/** The resource a violation names, without the URN's stack and project prefix. */
export function urnName(urn: string | undefined): string {
    if (!urn) return "(stack)";
    const parts = urn.split("::");
    return parts.length >= 4 ? `${parts[2].split("$").pop()} ${parts.slice(3).join("::")}` : urn;
}

export function lockLine(plan: PlanResult): string {
    const lock = plan.review?.lock;
    if (!lock) return "access lock: not checked";
    const changes = `${lock.diff.gained.length} gained, ${lock.diff.lost.length} lost`;
    switch (lock.status) {
        case "match":
            return "access lock: the planned cross-account edges match access.lock.json";
        case "differs":
            return `access lock: the planned cross-account edges differ from access.lock.json (${changes}); review them, then run \`npm run plan -- --update-lock\``;
        case "missing":
            return "access lock: no access.lock.json, nothing compared (create it with `npm run plan -- --update-lock`)";
        case "updated":
            return `access lock: access.lock.json rewritten from the plan (${changes} against the previous lock)`;
        case "not-checked":
            return `access lock: not checked (${lock.reason})`;
    }
}

export function summaryLine(plan: PlanResult): string {
    const mandatory = plan.violations.filter(isMandatory).length;
    const advisory = plan.violations.length - mandatory;
    const held = plan.access.filter((a) => a.pass).length;
    const diff = plan.review?.diff;
    const changes =
        diff && diff.against !== "none" ? `, ${diff.gained.length} gained and ${diff.lost.length} lost against the ${diff.against}` : "";
    return (
        `${plan.ok ? "OK" : "NOT OK"}: ${plan.stacks.length} stack(s), ${mandatory} mandatory and ${advisory} advisory violation(s), ` +
        `${held}/${plan.access.length} access expectation(s) hold, ${plan.edges.length} cross-account edge(s)${changes}`
    );
}

export function contextText(context: Record<string, unknown>): string {
    const entries = Object.entries(context);
    return entries.length === 0 ? "-" : entries.map(([k, v]) => `${k}=${v}`).join(", ");
}

/** Expectation rows: result, id, expected, decision, context. */
export function expectationRows(plan: PlanResult): string[][] {
    return plan.access.map((a) => [
        a.pass ? "PASS" : "FAIL",
        a.id,
        a.expected,
        a.result,
        contextText(a.context as Record<string, unknown>),
    ]);
}

/** Matrix rows with names: principal, target, actions, conditions (with a key's uses and the actions another resource denies). */
export function edgeRows(plan: PlanResult, names: AccountNames): string[][] {
    return plan.edges.map((e) => {
        const notes = [
            ...e.conditions,
            ...(e.uses ? [`uses: ${e.uses.join(", ")}`] : []),
            ...(e.deniedOn ?? []).map((d) => `denied: ${d}`),
        ];
        return [
            names.label(e.principal, e.sourceAccountId),
            names.label(e.target, e.targetAccountId),
            e.actions.join(", ") || "-",
            notes.join("; ") || "-",
        ];
    });
}

/** Gained and lost access as rows: sign, principal, target, actions, conditions. */
export function changeRows(plan: PlanResult, names: AccountNames): string[][] {
    const planned = new Map(plan.edges.map((e) => [changeKey(e), e]));
    const row = (sign: string, c: AccessChange) => {
        // A service principal acts for the account its conditions name; a lost bucket's account is unknown.
        const edge = planned.get(changeKey(c));
        const source = edge?.sourceAccountId ?? accountFromArn(c.principal) ?? accountInConditions(c.conditions);
        const target = edge?.targetAccountId ?? accountFromArn(c.target) ?? "";
        return [
            sign,
            names.label(c.principal, source ?? ""),
            names.label(c.target, target),
            c.actions.join(", "),
            c.conditions.join("; ") || "-",
        ];
    };
    const diff = plan.review?.diff ?? { gained: [], lost: [] };
    return [...diff.gained.map((c) => row("+", c)), ...diff.lost.map((c) => row("-", c))];
}

function changeKey(c: { principal: string; target: string; conditions: string[] }): string {
    return [c.principal, c.target, [...c.conditions].sort().join("\n")].join("\u0000");
}

function accountFromArn(ref: string): string | undefined {
    if (ref === "*") return "*";
    return ref.split(":")[4] || undefined;
}

function accountInConditions(conditions: string[]): string | undefined {
    return conditions.map((c) => /^aws:Source(?:Arn|Account) = (?:arn:[^:]*:[^:]*:[^:]*:)?(\d{12})/.exec(c)?.[1]).find(Boolean);
}

/** Resource counts of a stack by type (AWS resources only, as the header counts them). */
export function typeCounts(stack: PlannedStack): [string, number][] {
    const counts = new Map<string, number>();
    for (const r of stack.resources) {
        if (isManagedResource(r)) counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
    }
    return [...counts.entries()].sort(([a], [b]) => a.localeCompare(b));
}
