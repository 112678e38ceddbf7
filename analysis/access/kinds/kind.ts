/**
 * What a resource kind module tells the access model: which resource types it indexes as nodes, and
 * which resource types attach policies, permissions or memberships to those nodes.
 */
import type { AccessModel } from "../model";
import type { PlannedResource } from "../types";

export type Handler = (model: AccessModel, r: PlannedResource) => void;

export interface ResourceKindModule {
    name: string;
    /** First pass: resource types that become nodes (identities, managed policies, buckets, resources). */
    indexes: Record<string, Handler>;
    /** Second pass, once every node exists: resource types that attach to nodes by name or ARN. */
    attaches: Record<string, Handler>;
    /** After both passes: policies assembled from several resources (a function's permissions). */
    finish?(model: AccessModel): void;
}

export function str(v: unknown): string | undefined {
    return typeof v === "string" && v !== "" ? v : undefined;
}

/** String-or-array input as its strings. */
export function strings(value: unknown): string[] {
    if (value === undefined || value === null) return [];
    if (Array.isArray(value)) return value.filter((v): v is string => typeof v === "string");
    return typeof value === "string" ? [value] : [];
}

export function normPath(p: unknown): string {
    const s = str(p) ?? "/";
    return (s.startsWith("/") ? "" : "/") + s + (s.endsWith("/") ? "" : "/");
}
