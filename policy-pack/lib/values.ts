import { isSecretEnvelope, isUnknownSentinel, isUnknownValueError } from "./pulumi-runtime";

/** Marks a value that is not known yet (preview) or not readable (encrypted secret). */
export const UNKNOWN: unique symbol = Symbol("unknown");
export type Unknown = typeof UNKNOWN;

export type Value = null | undefined | boolean | number | string | Unknown | Value[] | ValueRecord;
export interface ValueRecord {
    [key: string]: Value;
}

const MAX_DEPTH = 64;

/**
 * Copies resource properties into plain data, turning unknown values into UNKNOWN instead of letting
 * them throw. Works on the analyzer's unknown-checking proxy as well as on raw data that still carries
 * the wire sentinels or secret envelopes.
 */
export function plain(value: unknown): Value {
    return copy(value, 0, new WeakSet<object>());
}

function copy(value: unknown, depth: number, seen: WeakSet<object>): Value {
    if (value === null || value === undefined) return value;
    if (isUnknownSentinel(value)) return UNKNOWN;
    switch (typeof value) {
        case "boolean":
        case "number":
        case "string":
            return value;
        case "symbol":
            return value === UNKNOWN ? UNKNOWN : undefined;
        case "object":
            break;
        default:
            return undefined;
    }
    const source = value as object;
    // Secrets cannot be read from state files, live Outputs are not data, and cycles or absurd depth
    // mean this is not resource data either: all of them are "not known" to a rule.
    if (depth > MAX_DEPTH || seen.has(source) || isSecretEnvelope(source) || isOutputLike(source)) return UNKNOWN;
    seen.add(source);
    try {
        if (Array.isArray(source)) {
            const length = safeRead(source, "length");
            if (typeof length !== "number") return UNKNOWN;
            return Array.from({ length }, (_, index) => copy(safeRead(source, index), depth + 1, seen));
        }
        const record: ValueRecord = {};
        for (const key of Object.keys(source)) {
            record[key] = copy(safeRead(source, key), depth + 1, seen);
        }
        return record;
    } finally {
        seen.delete(source);
    }
}

/**
 * The proxy has no getOwnPropertyDescriptor trap, so the descriptor holds the raw value: a sentinel
 * instead of a thrown UnknownValueError, and nested data without further proxies.
 */
function safeRead(container: object, key: string | number): unknown {
    const descriptor = Object.getOwnPropertyDescriptor(container, key);
    if (descriptor && "value" in descriptor) return descriptor.value;
    try {
        return (container as Record<string | number, unknown>)[key];
    } catch (error) {
        if (isUnknownValueError(error)) return UNKNOWN;
        throw error;
    }
}

function isOutputLike(value: object): boolean {
    try {
        return (value as { __pulumiOutput?: unknown }).__pulumiOutput === true;
    } catch {
        return false;
    }
}

/**
 * Freezes a plain copy and everything in it, so one copy can be handed to many rules: a rule that tries
 * to change it fails instead of changing what the next rule reads.
 */
export function deepFreeze<T extends Value>(value: T): T {
    if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
        for (const item of Object.values(value)) deepFreeze(item);
        Object.freeze(value);
    }
    return value;
}

export function isUnknown(value: Value): value is Unknown {
    return value === UNKNOWN;
}

export function isRecord(value: Value): value is ValueRecord {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function asRecord(value: Value): ValueRecord | undefined {
    return isRecord(value) ? value : undefined;
}

export function asString(value: Value): string | undefined {
    return typeof value === "string" ? value : undefined;
}

export function asNumber(value: Value): number | undefined {
    if (typeof value === "number" && Number.isFinite(value)) return value;
    if (typeof value === "string" && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) return Number(value);
    return undefined;
}

/** Reads a boolean the way the provider does: absent means the provider default. */
export function asBoolean(value: Value, whenAbsent: boolean): boolean | Unknown | undefined {
    if (value === undefined || value === null) return whenAbsent;
    if (value === UNKNOWN) return UNKNOWN;
    if (typeof value === "boolean") return value;
    if (value === "true") return true;
    if (value === "false") return false;
    return undefined;
}

/** A single-or-list field (IAM's string-or-array) as a list; absent is empty. */
export function listOf(value: Value): Value[] {
    if (value === undefined || value === null) return [];
    return Array.isArray(value) ? value : [value];
}

export function containsUnknown(value: Value): boolean {
    if (value === UNKNOWN) return true;
    if (Array.isArray(value)) return value.some(containsUnknown);
    if (isRecord(value)) return Object.values(value).some(containsUnknown);
    return false;
}

/**
 * Provider inputs such as allowedAccountIds or defaultTags reach the analyzer either structured or
 * JSON-encoded, depending on the CLI version and whether they come from state.
 */
export function decodeJsonValue(value: Value): Value {
    if (typeof value !== "string") return value;
    const trimmed = value.trim();
    if (!trimmed.startsWith("[") && !trimmed.startsWith("{")) return value;
    try {
        return plain(JSON.parse(trimmed));
    } catch {
        return value;
    }
}

/** A list of known strings from a string-or-array value; numbers are accepted as account ids are. */
export function stringList(value: Value): string[] {
    return listOf(decodeJsonValue(value))
        .map((item) => (typeof item === "number" ? String(item) : item))
        .filter((item): item is string => typeof item === "string" && item.length > 0);
}
