/**
 * Dates brought to one unit before the simulator sees them.
 *
 * Upstream bug (@cloud-copilot/iam-simulate 0.1.x, condition/date/date.js `parseDate`): a value that is an
 * integer is returned as epoch *seconds*, any other value goes through Date.parse and comes back in epoch
 * *milliseconds*, and the two are compared as they are. So `DateLessThan aws:CurrentTime "4102444800"`
 * (2100-01-01) compares 4.1e9 seconds with ~1.8e12 milliseconds and fails, `DateGreaterThan aws:EpochTime
 * "2020-01-01T00:00:00Z"` compares ~1.6e12 with ~1.8e9 and never holds, and a request time given as an
 * epoch looks like January 1970 to an ISO window. AWS accepts both forms in policies and compares instants.
 * Here every Date condition value in a policy and every date context value becomes an ISO 8601 instant, so
 * the simulator only ever parses ISO text. Remove this once upstream parses integers as seconds × 1000.
 */
import { runSimulation, type Simulation } from "@cloud-copilot/iam-simulate";
import type { Value } from "../../policy-pack/lib/values";

const INTEGER = /^-?\d+$/;

/** Context keys AWS types as Date (global condition keys); their values are normalized like policy values. */
const DATE_CONTEXT_KEYS = new Set(["aws:currenttime", "aws:epochtime", "aws:tokenissuetime"]);

/** An integer epoch (seconds) as an ISO 8601 instant; anything else unchanged (the simulator reports what it cannot parse). */
export function toIsoDate(value: string): string {
    if (!INTEGER.test(value)) return value;
    const ms = Number(value) * 1000;
    return Number.isSafeInteger(ms) && Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : value;
}

function isDateOperator(operator: string): boolean {
    // ForAnyValue:DateEquals, DateLessThanIfExists, ...: the base operator starts with "Date".
    const base = operator.includes(":") ? operator.slice(operator.indexOf(":") + 1) : operator;
    return /^date/i.test(base);
}

function normalizeConditionBlock(block: Value): Value {
    if (!block || typeof block !== "object" || Array.isArray(block)) return block;
    const out: Record<string, Value> = {};
    for (const [operator, entries] of Object.entries(block)) {
        if (!isDateOperator(operator) || !entries || typeof entries !== "object" || Array.isArray(entries)) {
            out[operator] = entries;
            continue;
        }
        // A policy may write an epoch as a JSON number (AWS accepts it): it is parsed as the same text would be.
        const one = (v: Value): Value => (typeof v === "string" || typeof v === "number" ? toIsoDate(String(v)) : v);
        out[operator] = Object.fromEntries(
            Object.entries(entries).map(([key, values]) => [key, Array.isArray(values) ? values.map(one) : one(values)]),
        );
    }
    return out;
}

/** The document with every Date condition value as ISO 8601 (a copy; the input is not changed). */
export function normalizeDateConditions(document: Value): Value {
    if (!document || typeof document !== "object" || Array.isArray(document)) return document;
    const statements = (document as Record<string, Value>).Statement;
    if (statements === undefined) return document;
    const normalize = (st: Value): Value =>
        st && typeof st === "object" && !Array.isArray(st) && (st as Record<string, Value>).Condition !== undefined
            ? { ...(st as Record<string, Value>), Condition: normalizeConditionBlock((st as Record<string, Value>).Condition) }
            : st;
    return {
        ...(document as Record<string, Value>),
        Statement: Array.isArray(statements) ? statements.map(normalize) : normalize(statements),
    };
}

/** The request context with its Date values (aws:CurrentTime, aws:EpochTime, ...) as ISO 8601. */
export function normalizeDateContext<V extends string | string[]>(context: Record<string, V>): Record<string, V> {
    return Object.fromEntries(
        Object.entries(context).map(([key, value]) => [
            key,
            DATE_CONTEXT_KEYS.has(key.toLowerCase()) && typeof value === "string" ? toIsoDate(value) : value,
        ]),
    ) as Record<string, V>;
}

/**
 * runSimulation with the request's date context values in ISO 8601. The policies' Date values are
 * normalized once, when the model parses them (modelPolicy), as the simulator takes them validated.
 */
export function runSimulationInOneDateUnit(
    simulation: Simulation,
    options: Parameters<typeof runSimulation>[1] = {},
): ReturnType<typeof runSimulation> {
    const contextVariables = simulation.request.contextVariables;
    return runSimulation(
        { ...simulation, request: { ...simulation.request, contextVariables: contextVariables && normalizeDateContext(contextVariables) } },
        options,
    );
}
