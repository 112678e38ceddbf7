/**
 * What a resource kind module tells the access model: which resource types it indexes as nodes, and
 * which resource types attach policies, permissions or memberships to those nodes.
 */
import type { ResourceClass } from "../../../policy-pack/lib/resource-types";
import type { AccessModel, ResourceKind, ResourceNodeType } from "../model";
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
    /** The resource node kinds this module adds; with `uses`, edges to them say how the principal may use them. */
    resourceKinds?: ResourceKind[];
    /** How the allowed actions use such a resource, for the access matrix (a KMS key: decrypt, encrypt, grant). */
    uses?(actions: string[]): string[];
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

/**
 * A kind with one resource type that becomes a node, found by its `arn` and `name` outputs (else its
 * `name` input), and one resource type that attaches to such nodes.
 */
export function namedResourceKind(
    name: string,
    node: { type: ResourceClass; indexedAs: ResourceNodeType },
    attached: { type: ResourceClass; attach: Handler },
    finish?: (model: AccessModel) => void,
): ResourceKindModule {
    return {
        name,
        indexes: {
            [node.type.__pulumiType]: (model, r) => {
                model.addResource(node.indexedAs, r, str(r.outputs.arn), str(r.outputs.name) ?? str(r.inputs.name));
            },
        },
        attaches: { [attached.type.__pulumiType]: attached.attach },
        ...(finish ? { finish } : {}),
    };
}
