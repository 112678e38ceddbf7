/**
 * The resource kinds the access model knows. A new kind (KMS keys next) is one more module here: the
 * types it indexes, how their policies attach, and its label in RESOURCE_POLICY_LABEL.
 */
import { ecr } from "./ecr";
import { iam } from "./iam";
import type { ResourceKindModule } from "./kind";
import { lambda } from "./lambda";
import { rds } from "./rds";
import { s3 } from "./s3";

export type { ResourceKindModule } from "./kind";

export const KINDS: readonly ResourceKindModule[] = [iam, s3, lambda, ecr, rds];
