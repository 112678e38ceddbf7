/**
 * The identity policies IAM Identity Center gives the role a permission set provisions in a member account
 * (`AWSReservedSSO_<PermissionSet>_<suffix>`): what a `sso/<PermissionSet>` session is evaluated with
 * (AccessModel.permissionSetRole). Where the plan has no such permission set, the session's identity side stays
 * unknown (allow everything), as for any role outside the plan.
 */
import { type Value, asRecord } from "../../policy-pack/lib/values";
import { aws } from "../../policy-pack/lib/resource-types";
import { normPath, str } from "./kinds/kind";
import type { PlannedResource } from "./types";

export interface PermissionSetPolicies {
    name: string;
    /** The inline policy documents, as written (JSON string or object). */
    inline: unknown[];
    /** AWS managed policies by ARN; customer managed ones as the ARN of that name and path in the member account. */
    managedArns: string[];
    boundaryArn?: string;
}

type Reader = (target: PermissionSetPolicies, r: PlannedResource, policyArn: (reference: unknown) => string | undefined) => void;

/** One reader per resource type that gives a permission set a policy. */
const READERS: Record<string, Reader> = {
    [aws.ssoadmin.PermissionSetInlinePolicy.__pulumiType]: (target, r) => {
        if (r.inputs.inlinePolicy !== undefined) target.inline.push(r.inputs.inlinePolicy);
    },
    [aws.ssoadmin.ManagedPolicyAttachment.__pulumiType]: (target, r) => {
        const arn = str(r.inputs.managedPolicyArn);
        if (arn) target.managedArns.push(arn);
    },
    [aws.ssoadmin.CustomerManagedPolicyAttachment.__pulumiType]: (target, r, policyArn) => {
        const arn = policyArn(r.inputs.customerManagedPolicyReference);
        if (arn) target.managedArns.push(arn);
    },
    [aws.ssoadmin.PermissionsBoundaryAttachment.__pulumiType]: (target, r, policyArn) => {
        const boundary = asRecord(r.inputs.permissionsBoundary as Value);
        target.boundaryArn = str(boundary?.managedPolicyArn) ?? policyArn(boundary?.customerManagedPolicyReference);
    },
};

/**
 * The permission set a role ARN was provisioned for: `role/aws-reserved/sso.amazonaws.com/[<region>/]AWSReservedSSO_<name>_<suffix>`
 * (IAM Identity Center User Guide, "Referencing permission sets in resource policies").
 */
export function permissionSetOfRole(roleArn: string): string | undefined {
    return /:role\/aws-reserved\/sso\.amazonaws\.com\/(?:[\w-]+\/)?AWSReservedSSO_(.+)_[0-9a-f]{16}$/.exec(roleArn)?.[1];
}

/** The policies of each permission set of the plan, by permission set name, as provisioned in `accountId`. */
export function permissionSetPolicies(
    resources: PlannedResource[],
    accountId: string,
    partition = "aws",
): Map<string, PermissionSetPolicies> {
    const byName = new Map<string, PermissionSetPolicies>();
    const byArn = new Map<string, PermissionSetPolicies>();
    for (const set of resources.filter((r) => r.type === aws.ssoadmin.PermissionSet.__pulumiType)) {
        const policies: PermissionSetPolicies = {
            name: str(set.inputs.name) ?? str(set.outputs.name) ?? set.name,
            inline: [],
            managedArns: [],
        };
        byName.set(policies.name, policies);
        const arn = str(set.outputs.arn);
        if (arn) byArn.set(arn, policies);
    }
    // A customer managed policy reference names a policy that must exist in every account the set is provisioned to.
    const policyArn = (reference: unknown): string | undefined => {
        const record = asRecord(reference as Value);
        const name = str(record?.name);
        return name ? `arn:${partition}:iam::${accountId}:policy${normPath(record?.path)}${name}` : undefined;
    };
    for (const r of resources) {
        const target = byArn.get(str(r.inputs.permissionSetArn) ?? "");
        if (target) READERS[r.type]?.(target, r, policyArn);
    }
    return byName;
}
