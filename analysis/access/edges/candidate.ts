/**
 * A candidate edge: what a policy names, to be verified by the simulator in one place (index.ts).
 * Phases only read the model and return candidates; none of them runs a simulation.
 */
import { coversAction, wildcardMatch, type Statement } from "../../../policy-pack/lib/iam";
import { RESOURCE_POLICY_LABEL, type BucketNode, type IdentityNode, type ResourceKind, type ResourceNode } from "../model";
import type { Target } from "../simulate";
import type { AccessEdge } from "../types";
import type { Verified } from "./verify";

export interface Candidate {
    kind: AccessEdge["kind"];
    /** As shown in the edge (an ARN, an ARN pattern, an account root, a service, or "*"). */
    principal: string;
    /** Who the simulator plays: a concrete stand-in for a pattern. */
    requester: string;
    target: string;
    sourceAccountId: string;
    targetAccountId: string;
    actions: string[];
    targets: Target[];
    /** Service whose actions a wildcard ("*") expands to. */
    service: string;
    /** Context keys the plan knows for this request (a service's aws:SourceArn). */
    context?: Record<string, string>;
    /** Conditions that are part of the edge whatever the simulator reports (a service's source). */
    conditions?: string[];
    /** Which policy creates the edge; identity grants are named after the policies that allowed them. */
    via: string | ((verified: Verified) => string);
}

/** An edge listed as written, without simulation (NotAction grants cannot be enumerated). */
export interface Listed {
    edge: Omit<AccessEdge, "actions" | "via">;
    actions: string[];
    via: string;
}

export const identityVia = (v: Verified): string => `identity-policy:${v.identityPolicies.join("+") || "?"}`;

/** Actions that a role trust policy governs for AWS principals. */
const ROLE_ACTIONS = ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity", "sts:SetContext"];

/** The role actions a trust statement may grant (its Action patterns, or sts:AssumeRole for NotAction). */
export function trustActions(st: Statement): string[] {
    if (!coversAction(st, "sts:AssumeRole")) return [];
    if (!st.action) return ["sts:AssumeRole"]; // NotAction: verify the one action that matters
    return [...new Set(st.action.values.filter((a) => ROLE_ACTIONS.some((r) => wildcardMatch(a, r))))];
}

export function roleTarget(role: IdentityNode): Target {
    return {
        arn: role.arn,
        accountId: role.accountId,
        resourcePolicy: role.trust,
        resourcePolicyLabel: "trust policy",
        label: `role ${role.arn}`,
    };
}

const placeholder = (pattern: string): string => pattern.replace(/[*?]/g, "x");

/** Placeholder object/bucket ARNs for the Resource patterns of a bucket policy statement. */
export function bucketTargets(bucket: BucketNode, st: Statement): Target[] {
    const arns = new Set<string>();
    for (const pattern of st.resource?.values ?? [bucket.arn, `${bucket.arn}/*`]) {
        const slash = pattern.indexOf("/");
        const bucketPart = slash >= 0 ? pattern.slice(0, slash) : pattern;
        if (!wildcardMatch(bucketPart, bucket.arn)) continue;
        arns.add(slash >= 0 ? `${bucket.arn}/${placeholder(pattern.slice(slash + 1)) || "x"}` : bucket.arn);
    }
    return [...arns].map((arn) => ({
        arn,
        accountId: bucket.accountId,
        resourcePolicy: bucket.policy,
        resourcePolicyLabel: "bucket policy",
        label: arn,
    }));
}

/** Where an edge over a function, repository or snapshot comes from. */
export const RESOURCE_VIA: Record<ResourceKind, string> = {
    function: "lambda-permission",
    repository: "repository-policy",
    snapshot: "snapshot-share",
    key: "key-policy",
};

/**
 * The ARNs a statement of a function, repository or snapshot policy covers: the resource itself, or
 * the qualified function ARN (an alias) a Lambda permission names. Statements without Resource
 * (ECR repository policies) apply to the resource.
 */
export function resourceTargets(node: ResourceNode, st: Statement): Target[] {
    const arns = (st.resource?.values ?? [node.arn]).map(placeholder).filter((arn) => arn === node.arn || arn.startsWith(`${node.arn}:`));
    return [...new Set(arns.length > 0 ? arns : [node.arn])].map((arn) => ({
        arn,
        accountId: node.accountId,
        resourcePolicy: node.policy,
        resourcePolicyLabel: RESOURCE_POLICY_LABEL[node.kind],
        label: arn,
    }));
}
