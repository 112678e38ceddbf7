// IAM Identity Center permission sets: the policies each one gives the roles it provisions in member accounts.
// A permission set's policies are separate resources (inline policy, AWS managed and customer managed policy
// attachments, a permissions boundary) that name the set by ARN, and customer managed policies only by name and
// path, so reading them needs the stack: the identity rules run on them in a stack pass (see rule-kit's
// `permissionSets`) and their messages name the permission set.
import { LocatedDocument, isReadable } from "./documents";
import { parsePolicyDocument } from "./iam";
import { groupByOwner, nameOf, ofClass } from "./relations";
import { PERMISSION_SET_POLICY_CLASSES, aws } from "./resource-types";
import type { StackEntry, StackFinding } from "./rule-kit";
import { Value, asRecord, asString } from "./values";

/** The resource types a permission-set pass reads: the sets, what attaches policies to them, and customer managed policies. */
export const PERMISSION_SET_PASS_TYPES = new Set(
    [aws.ssoadmin.PermissionSet, aws.iam.Policy, ...PERMISSION_SET_POLICY_CLASSES].map((cls) => cls.__pulumiType),
);

export type PermissionSetAttachment = "inline policy" | "managed policy" | "customer managed policy" | "permissions boundary";

export interface PermissionSetPolicy {
    /** The resource that attaches the policy; findings are reported on it. */
    entry: StackEntry;
    /** The permission set for messages: `permission set "Admins"`. */
    permissionSet: string;
    attachment: PermissionSetAttachment;
    /** An AWS managed policy attached by ARN (managed policy attachment, or a boundary given by ARN). */
    managedPolicyArn?: string;
    /** The inline policy, or the customer managed policy the reference resolves to in this stack. */
    document?: LocatedDocument;
}

/** Owner URN → children, turned around: child URN → owners. */
function ownersByChild(groups: Map<string, StackEntry[]>, owners: StackEntry[]): Map<string, StackEntry[]> {
    const byUrn = new Map(owners.map((owner) => [owner.urn, owner]));
    const result = new Map<string, StackEntry[]>();
    for (const [ownerUrn, children] of groups) {
        for (const child of children) result.set(child.urn, [...(result.get(child.urn) ?? []), byUrn.get(ownerUrn)!]);
    }
    return result;
}

/** `{ name, path }` of a customer managed policy reference (path defaults to "/", as in IAM). */
function policyReference(value: Value): { name: string | undefined; path: string } | undefined {
    const reference = asRecord(value);
    return reference ? { name: asString(reference.name), path: asString(reference.path) ?? "/" } : undefined;
}

/**
 * The customer managed policies of the stack a reference names: by name (and path) when known, else through the
 * dependency the reference created. The policy lives in the member accounts the set is provisioned to, not in the
 * account that holds the permission set, so accounts are not compared.
 */
function referencedPolicies(entry: StackEntry, prop: string, policies: StackEntry[]): StackEntry[] {
    const reference = policyReference(
        prop === "permissionsBoundary" ? asRecord(entry.props.permissionsBoundary)?.customerManagedPolicyReference : entry.props[prop],
    );
    if (!reference) return [];
    const probe: StackEntry = { ...entry, ownAccounts: [], props: { [prop]: reference.name ?? null } };
    const found = groupByOwner([probe], prop, policies, ["name"]);
    return policies.filter((policy) => found.has(policy.urn) && (asString(policy.props.path) ?? "/") === reference.path);
}

/** What a reader of one attaching resource gets: the resource, the set's name, and the stack's customer managed policies. */
interface Attaching {
    entry: StackEntry;
    permissionSet: string;
    policies: StackEntry[];
}

/** The customer managed policies a reference resolves to, as documents located for messages. */
function resolved({ entry, permissionSet, policies }: Attaching, attachment: PermissionSetAttachment, prop: string): PermissionSetPolicy[] {
    return referencedPolicies(entry, prop, policies).map((policy) => ({
        entry,
        permissionSet,
        attachment,
        document: {
            role: "identity",
            location: `${permissionSet} ${attachment} "${asString(policy.props.path) ?? "/"}${nameOf(policy, "name")}"`,
            document: parsePolicyDocument(policy.props.policy),
        },
    }));
}

/** One reader per resource type that gives a permission set a policy. */
const READERS: Record<string, (attaching: Attaching) => PermissionSetPolicy[]> = {
    [aws.ssoadmin.PermissionSetInlinePolicy.__pulumiType]: ({ entry, permissionSet }) => [
        {
            entry,
            permissionSet,
            attachment: "inline policy",
            document: {
                role: "identity",
                location: `${permissionSet} inlinePolicy`,
                document: parsePolicyDocument(entry.props.inlinePolicy),
            },
        },
    ],
    [aws.ssoadmin.ManagedPolicyAttachment.__pulumiType]: ({ entry, permissionSet }) => {
        const arn = asString(entry.props.managedPolicyArn);
        return [{ entry, permissionSet, attachment: "managed policy", ...(arn ? { managedPolicyArn: arn } : {}) }];
    },
    [aws.ssoadmin.CustomerManagedPolicyAttachment.__pulumiType]: (attaching) =>
        resolved(attaching, "customer managed policy", "customerManagedPolicyReference"),
    [aws.ssoadmin.PermissionsBoundaryAttachment.__pulumiType]: (attaching) => {
        const arn = asString(asRecord(attaching.entry.props.permissionsBoundary)?.managedPolicyArn);
        return arn
            ? [
                  {
                      entry: attaching.entry,
                      permissionSet: attaching.permissionSet,
                      attachment: "permissions boundary",
                      managedPolicyArn: arn,
                  },
              ]
            : resolved(attaching, "permissions boundary", "permissionsBoundary");
    },
};

/** Every policy a permission set of the stack gets, with the permission set named. */
export function permissionSetPolicies(entries: StackEntry[]): PermissionSetPolicy[] {
    const sets = ofClass(entries, [aws.ssoadmin.PermissionSet]);
    const attaching = ofClass(entries, PERMISSION_SET_POLICY_CLASSES);
    const policies = ofClass(entries, [aws.iam.Policy]);
    const setsOf = ownersByChild(groupByOwner(attaching, "permissionSetArn", sets, ["arn"]), sets);
    const label = (entry: StackEntry): string => {
        const owners = setsOf.get(entry.urn) ?? [];
        if (owners.length > 0) return owners.map((owner) => `permission set "${nameOf(owner, "name")}"`).join(", ");
        const arn = asString(entry.props.permissionSetArn);
        return arn ? `permission set ${arn}` : `the permission set of "${entry.resource.name}"`;
    };
    return attaching.flatMap((entry) => READERS[entry.type]?.({ entry, permissionSet: label(entry), policies }) ?? []);
}

/** IAM Identity Center quotas, "Maximum size of inline policy per permission set" (IAM Identity Center User Guide, Quotas). */
const PERMISSION_SET_INLINE_QUOTA = { withoutWhitespace: 10240, bytes: 32768 };

/** Permission-set inline policies over Identity Center's quotas, for iam-inline-policy-size. */
export function permissionSetInlineSizes(entries: StackEntry[]): StackFinding[] {
    return permissionSetPolicies(entries).flatMap(({ entry, attachment, document }) => {
        const text = asString(entry.props.inlinePolicy);
        if (attachment !== "inline policy" || !document || !isReadable(document) || text === undefined) return [];
        const over = [
            ...(document.document.size !== undefined && document.document.size > PERMISSION_SET_INLINE_QUOTA.withoutWhitespace
                ? [`${document.document.size} characters without whitespace (quota ${PERMISSION_SET_INLINE_QUOTA.withoutWhitespace})`]
                : []),
            ...(Buffer.byteLength(text) > PERMISSION_SET_INLINE_QUOTA.bytes
                ? [`${Buffer.byteLength(text)} bytes (quota ${PERMISSION_SET_INLINE_QUOTA.bytes})`]
                : []),
        ];
        return over.length === 0
            ? []
            : [
                  {
                      urn: entry.urn,
                      message:
                          `${document.location} is ${over.join(" and ")}, over the IAM Identity Center quota for a permission set's inline policy. ` +
                          "Fix: move statements into customer managed policies and attach them with customerManagedPolicyReference.",
                  },
              ];
    });
}
