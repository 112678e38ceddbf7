// Condition operators, parsed once: "ForAllValues:StringEqualsIfExists" → set qualifier, base operator,
// IfExists. The rules ask what a statement's conditions narrow; the analysis reads the values they name.
import type { Condition, Statement } from "./document";

export function parseOperator(operator: string): Pick<Condition, "operator" | "baseOperator" | "ifExists" | "setQualifier"> {
    let rest = operator.toLowerCase();
    let setQualifier: Condition["setQualifier"];
    const qualified = /^(foranyvalue|forallvalues):(.*)$/.exec(rest);
    if (qualified) {
        setQualifier = qualified[1] as Condition["setQualifier"];
        rest = qualified[2];
    }
    const ifExists = rest.endsWith("ifexists");
    return { operator, baseOperator: ifExists ? rest.slice(0, -"ifexists".length) : rest, ifExists, setQualifier };
}

/** Positive operators that require the key to be present and to match: these narrow a grant. */
const NARROWING_OPERATORS = new Set([
    "stringequals",
    "stringequalsignorecase",
    "stringlike",
    "arnequals",
    "arnlike",
    "bool",
    "numericlessthan",
    "numericlessthanequals",
    "numericequals",
    "ipaddress",
    "datelessthan",
    "dategreaterthan",
    "numericgreaterthan",
    "numericgreaterthanequals",
]);

/**
 * True when the statement requires `key` to be present with a constrained value. IfExists variants,
 * negated operators, ForAllValues (true when the key is missing) and a bare "*" do not narrow.
 */
export function hasNarrowingCondition(statement: Statement, keys: string[]): boolean {
    if (statement.conditionsUnknown) return true;
    const wanted = new Set(keys.map((key) => key.toLowerCase()));
    return statement.conditions.some(
        (condition) =>
            wanted.has(condition.keyLower) &&
            requiresKey(condition) &&
            (condition.hasUnknown || (condition.values.length > 0 && condition.values.every((value) => narrowsToAccount(value)))),
    );
}

/**
 * Whether a condition value stands for less than every account: not "*", not an ARN whose account field
 * is a wildcard ("arn:aws:iam::*:role/Admin" is that role in every account), not an account pattern
 * ("1111*"). Other wildcards (a role name pattern in one account, an org path) still narrow.
 */
export function narrowsToAccount(value: string): boolean {
    const wildcard = (text: string): boolean => /[*?]/.test(text);
    if (value === "*" || (/^[\d*?]+$/.test(value) && wildcard(value))) return false;
    if (!value.toLowerCase().startsWith("arn:")) return true;
    const parts = value.split(":");
    // "arn:aws:iam::*:role/x", or a pattern that reaches past the account field ("arn:aws:*").
    return parts.length >= 6 ? !wildcard(parts[4]) : !wildcard(value);
}

/** A positive operator that requires the key to be present (no IfExists, no ForAllValues). */
function requiresKey(condition: Condition): boolean {
    return !condition.ifExists && condition.setQualifier !== "forallvalues" && NARROWING_OPERATORS.has(condition.baseOperator);
}

/**
 * What the statement's narrowing conditions on `key` allow: each condition's values (all conditions must
 * hold, so the key is narrowed when any one of them narrows). "unknown" when a value is not known yet (a
 * preview's unknown, a secret): such a condition is taken as narrowing, as hasNarrowingCondition does.
 */
export function narrowingValueSets(statement: Statement, key: string): string[][] | "unknown" {
    if (statement.conditionsUnknown) return "unknown";
    const found = statement.conditions.filter((condition) => condition.keyLower === key.toLowerCase() && requiresKey(condition));
    if (found.some((condition) => condition.hasUnknown)) return "unknown";
    return found.map((condition) => condition.values).filter((values) => values.length > 0);
}

/** Whether `key` is narrowed by a condition every value of which passes `narrows` (unknown values count as narrowing). */
export function narrowedBy(statement: Statement, key: string, narrows: (value: string) => boolean): boolean {
    const sets = narrowingValueSets(statement, key);
    return sets === "unknown" || sets.some((values) => values.every(narrows));
}

/** MFA the correct way: `Bool aws:MultiFactorAuthPresent "true"` or a bounded `aws:MultiFactorAuthAge`. */
export function requiresMfa(statement: Statement): boolean {
    if (statement.conditionsUnknown) return true;
    return statement.conditions.some((condition) => {
        if (condition.ifExists || condition.setQualifier) return false;
        if (condition.keyLower === "aws:multifactorauthpresent" && condition.baseOperator === "bool") {
            return (
                condition.hasUnknown || (condition.values.length > 0 && condition.values.every((value) => value.toLowerCase() === "true"))
            );
        }
        return (
            condition.keyLower === "aws:multifactorauthage" &&
            (condition.baseOperator === "numericlessthan" || condition.baseOperator === "numericlessthanequals")
        );
    });
}

/** Known values a statement's conditions give for any of `keys` under a positive operator. */
export function conditionValues(statement: Statement, keys: string[]): string[] {
    return conditionValuesFor(statement, keys, NARROWING_OPERATORS) ?? [];
}

/**
 * Values a statement's conditions give for `keys` under any of `baseOperators` (lower-case, qualifier and
 * IfExists ignored); undefined when no such condition exists.
 */
export function conditionValuesFor(statement: Statement, keys: string | string[], baseOperators: Iterable<string>): string[] | undefined {
    const wanted = new Set((typeof keys === "string" ? [keys] : keys).map((key) => key.toLowerCase()));
    const operators = new Set(baseOperators);
    const found = statement.conditions.filter((condition) => wanted.has(condition.keyLower) && operators.has(condition.baseOperator));
    return found.length === 0 ? undefined : found.flatMap((condition) => condition.values);
}
