/**
 * Renders IAM conditions as short human-readable strings for the access matrix.
 * External IDs are shared secrets: their values are never rendered.
 */
import type { AllowedConditionExpression } from "@cloud-copilot/iam-simulate";
import { parseOperator, type Statement } from "../../policy-pack/lib/iam";

export const SECRET = "[secret]";
const SECRET_KEYS = new Set(["sts:externalid"]);

export function isSecretKey(key: string): boolean {
    return SECRET_KEYS.has(key.toLowerCase());
}

const OPERATORS: Record<string, string> = {
    stringequals: "=",
    arnequals: "=",
    bool: "=",
    numericequals: "=",
    dateequals: "=",
    binaryequals: "=",
    stringequalsignorecase: "= (any case)",
    stringnotequalsignorecase: "!= (any case)",
    stringnotequals: "!=",
    arnnotequals: "!=",
    numericnotequals: "!=",
    datenotequals: "!=",
    binarynotequals: "!=",
    stringlike: "like",
    arnlike: "like",
    stringnotlike: "not like",
    arnnotlike: "not like",
    numericlessthan: "<",
    datelessthan: "<",
    numericlessthanequals: "<=",
    datelessthanequals: "<=",
    numericgreaterthan: ">",
    dategreaterthan: ">",
    numericgreaterthanequals: ">=",
    dategreaterthanequals: ">=",
    ipaddress: "in",
    notipaddress: "not in",
};

/** One condition, e.g. `aws:MultiFactorAuthPresent = true`, `sts:ExternalId = [secret]`. */
export function renderCondition(op: string, key: string, values: string[]): string {
    const { baseOperator: base, ifExists, setQualifier } = parseOperator(op);
    const suffix = ifExists ? " (if present)" : "";
    const prefix = setQualifier ? `${setQualifier === "foranyvalue" ? "any of" : "all of"} ` : "";
    if (base === "null") {
        const absent = values.map((v) => v.toLowerCase()).includes("true");
        return `${prefix}${key} is ${absent ? "absent" : "present"}`;
    }
    const symbol = OPERATORS[base] ?? op;
    let rendered: string;
    if (isSecretKey(key)) rendered = SECRET;
    else if (values.length === 1) rendered = values[0];
    else rendered = `${symbol === "=" || symbol === "like" ? "one of " : ""}[${values.join(", ")}]`;
    return `${prefix}${key} ${symbol} ${rendered}${suffix}`;
}

/** The conditions of a statement, as parsed by the IAM document model. */
export function renderStatementConditions(statement: Statement): string[] {
    return statement.conditions.map((condition) => renderCondition(condition.operator, condition.key, condition.values));
}

/**
 * Flattens the simulator's "allowed if" expression: top-level AND terms become list entries,
 * OR groups become one entry "(a and b) or (c)".
 */
export function renderAllowedConditions(expr: AllowedConditionExpression | undefined): string[] {
    if (!expr) return [];
    const terms = expr.conditionType === "group" && expr.operator === "and" ? flattenAnd(expr) : [expr];
    const leaves = terms.filter((t) => t.conditionType !== "always");
    // "X is present" adds nothing next to another requirement on the same key (IfExists-free).
    const positiveKeys = new Set(
        leaves.flatMap((t) =>
            t.conditionType === "condition" && !/^null$/i.test(t.op) && !/IfExists$/i.test(t.op) ? [t.key.toLowerCase()] : [],
        ),
    );
    const out = new Set<string>();
    for (const t of leaves) {
        if (t.conditionType === "condition" && /^null$/i.test(t.op) && t.values.includes("false") && positiveKeys.has(t.key.toLowerCase()))
            continue;
        out.add(renderExpression(t, true));
    }
    return [...out].sort();
}

function flattenAnd(expr: AllowedConditionExpression): AllowedConditionExpression[] {
    if (expr.conditionType === "group" && expr.operator === "and") return expr.conditions.flatMap(flattenAnd);
    return [expr];
}

function renderExpression(expr: AllowedConditionExpression, top: boolean): string {
    switch (expr.conditionType) {
        case "always":
            return "always";
        case "never":
            return "never";
        case "condition":
            return renderCondition(expr.op, expr.key, expr.values);
        case "sessionName":
            return `role session name ${expr.sessionName.length === 1 ? "= " + expr.sessionName[0] : "one of [" + expr.sessionName.join(", ") + "]"}`;
        case "group": {
            const parts = [
                ...new Set(expr.conditions.filter((c) => c.conditionType !== "always").map((c) => renderExpression(c, false))),
            ].sort();
            if (parts.length === 1) return parts[0];
            const joined = parts.join(` ${expr.operator} `);
            return top ? joined : `(${joined})`;
        }
    }
}
