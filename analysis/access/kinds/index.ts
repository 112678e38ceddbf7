/**
 * The resource kinds the access model knows. A new kind is one more module here: the
 * types it indexes, how their policies attach, and its label in RESOURCE_POLICY_LABEL.
 */
import { ecr } from "./ecr";
import { iam } from "./iam";
import type { ResourceKind } from "../model";
import type { ResourceKindModule } from "./kind";
import { kms } from "./kms";
import { lambda } from "./lambda";
import { rds } from "./rds";
import { s3 } from "./s3";

export type { ResourceKindModule } from "./kind";

export const KINDS: readonly ResourceKindModule[] = [iam, s3, lambda, ecr, rds, kms];

/** How a principal may use a resource of this node kind, when its module says (KMS keys). */
export function usesOf(nodeKind: ResourceKind | undefined, actions: string[]): string[] | undefined {
    return nodeKind && KINDS.find((kind) => kind.resourceKinds?.includes(nodeKind))?.uses?.(actions);
}
