// The access lock: the organization's approved cross-account edges, committed as access.lock.json, so
// that a change of who can reach what shows up as the lock's diff in review and fails the plan until
// someone approves it with `--update-lock` (an offline, organization-wide analogue of IAM Access
// Analyzer's CheckNoNewAccess). `--baseline` compares with another plan's JSON instead (main's plan).
import * as fs from "fs";
import * as path from "path";
import type { AccessEdge } from "../analysis/access";
import { redact } from "./redact";
import { UsageError, type PlanResult } from "./plan";

export const LOCK_FILE = "access.lock.json";
export const LOCK_VERSION = 1;

/** One approved grant: who (principal) may do what (actions) to which target, under which conditions. */
export interface LockEntry {
    principal: string;
    target: string;
    actions: string[];
    conditions: string[];
}

export interface AccessLock {
    lockVersion: number;
    about: string;
    edges: LockEntry[];
}

/** Actions gained or lost by one principal on one target under the same conditions. */
export type AccessChange = LockEntry;

export interface AccessDiff {
    gained: AccessChange[];
    lost: AccessChange[];
}

export type LockStatus = "match" | "differs" | "missing" | "updated" | "not-checked";

export interface AccessReview {
    lock: {
        file: string;
        status: LockStatus;
        /** Why the lock was not checked (only some stacks planned). */
        reason?: string;
        /** Planned edges against the lock as it was (before an update). */
        diff: AccessDiff;
    };
    /** What the report calls "access gained and lost": against the baseline when given, else the lock. */
    diff: AccessDiff & { against: "lock" | "baseline" | "none"; file?: string };
}

export class LockFileError extends Error {}

const ABOUT =
    "Approved cross-account access, one entry per principal, target and conditions. `npm start` fails when the " +
    "planned edges differ; `npm run plan -- --update-lock` rewrites this file, so a change of access is its diff.";

const keyOf = (e: LockEntry) => [e.target, e.principal, e.conditions.join("\n")].join("\u0000");

function compareEntries(a: LockEntry, b: LockEntry): number {
    const ka = keyOf(a);
    const kb = keyOf(b);
    return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** The lock's form of edges: merged per principal, target and conditions, sorted, secrets redacted. */
export function lockEntries(
    edges: Pick<AccessEdge, "principal" | "target" | "actions" | "conditions">[],
    secrets: Iterable<string> = [],
): LockEntry[] {
    const merged = new Map<string, LockEntry>();
    for (const edge of redact(edges, secrets)) {
        const conditions = [...new Set(edge.conditions)].sort();
        const entry = { principal: edge.principal, target: edge.target, actions: [] as string[], conditions };
        const found = merged.get(keyOf(entry)) ?? merged.set(keyOf(entry), entry).get(keyOf(entry))!;
        found.actions = [...new Set([...found.actions, ...edge.actions])].sort();
    }
    return [...merged.values()].sort(compareEntries);
}

export function diffAccess(before: LockEntry[], after: LockEntry[]): AccessDiff {
    const index = (entries: LockEntry[]) => new Map(entries.map((e) => [keyOf(e), e]));
    const minus = (from: Map<string, LockEntry>, other: Map<string, LockEntry>) =>
        [...from.entries()]
            .map(([key, e]) => ({ ...e, actions: e.actions.filter((a) => !other.get(key)?.actions.includes(a)) }))
            .filter((e) => e.actions.length > 0)
            .sort(compareEntries);
    const b = index(before);
    const a = index(after);
    return { gained: minus(a, b), lost: minus(b, a) };
}

export function renderLock(entries: LockEntry[]): string {
    const lock: AccessLock = { lockVersion: LOCK_VERSION, about: ABOUT, edges: entries };
    return `${JSON.stringify(lock, null, 2)}\n`;
}

/** Reads edges from a lock file or from another plan's JSON (both keep them under `edges`). */
export function readEdges(file: string, what: "lock" | "baseline"): LockEntry[] {
    let data: unknown;
    try {
        data = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (error) {
        const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : "not valid JSON";
        throw new LockFileError(`${file}: ${reason} (the ${what === "lock" ? "access lock" : "--baseline plan"})`);
    }
    const edges = (data as { edges?: unknown } | null)?.edges;
    if (!Array.isArray(edges)) {
        const failed = (data as { ok?: unknown } | null)?.ok === false ? " (the plan it holds failed)" : "";
        throw new LockFileError(`${file}: edges: missing or not a list${failed}`);
    }
    const isStrings = (v: unknown) => Array.isArray(v) && v.every((s) => typeof s === "string");
    edges.forEach((e: Record<string, unknown>, i) => {
        for (const key of ["principal", "target"]) {
            if (typeof e?.[key] !== "string") throw new LockFileError(`${file}: edges[${i}].${key}: must be a string`);
        }
        for (const key of ["actions", "conditions"]) {
            if (!isStrings(e[key])) throw new LockFileError(`${file}: edges[${i}].${key}: must be a list of strings`);
        }
    });
    return lockEntries(edges as LockEntry[]);
}

export interface ReviewOptions {
    projectDir: string;
    /** Only some stacks were planned: their edges cannot be compared with the whole organization's lock. */
    partial?: boolean;
    updateLock?: boolean;
    baselineFile?: string;
}

/**
 * Compares the plan's cross-account edges with the lock (and the baseline, when given); rewrites the
 * lock with `updateLock`. The verdict fails when the lock exists and differs. Throws UsageError or
 * LockFileError (exit 2) on an unusable lock, baseline or combination of options.
 */
export function reviewAccess(plan: PlanResult, options: ReviewOptions): PlanResult {
    const file = path.join(options.projectDir, LOCK_FILE);
    const planned = lockEntries(plan.edges, plan.secretValues);
    const none: AccessDiff = { gained: [], lost: [] };
    if (options.partial && options.updateLock) {
        throw new UsageError("--update-lock needs every stack planned (the lock is the whole organization's); drop --stack");
    }
    let lock: AccessReview["lock"];
    if (options.partial) {
        lock = { file, status: "not-checked", reason: "only some stacks were planned", diff: none };
    } else if (!fs.existsSync(file)) {
        if (options.updateLock) fs.writeFileSync(file, renderLock(planned));
        lock = { file, status: options.updateLock ? "updated" : "missing", diff: diffAccess([], planned) };
    } else {
        const diff = diffAccess(readEdges(file, "lock"), planned);
        const same = diff.gained.length === 0 && diff.lost.length === 0;
        if (options.updateLock) fs.writeFileSync(file, renderLock(planned));
        lock = { file, status: options.updateLock ? "updated" : same ? "match" : "differs", diff };
    }
    const diff: AccessReview["diff"] = options.baselineFile
        ? { against: "baseline", file: options.baselineFile, ...diffAccess(readEdges(options.baselineFile, "baseline"), planned) }
        : lock.status === "not-checked"
          ? { against: "none", ...none }
          : lock.status === "missing"
            ? { against: "none", ...none }
            : { against: "lock", file, ...lock.diff };
    return { ...plan, ok: plan.ok && lock.status !== "differs", review: { lock, diff } };
}
