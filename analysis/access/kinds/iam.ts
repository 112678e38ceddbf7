/**
 * IAM roles, users, groups and managed policies, and the resources that attach policies and
 * memberships to them (inline policies, attachments, group memberships).
 */
import { parseArn } from "../../../policy-pack/lib/iam";
import { aws } from "../../../policy-pack/lib/resource-types";
import type { AccessModel, IdentityKind, IdentityNode } from "../model";
import type { PlannedResource } from "../types";
import { normPath, str, strings, type Handler, type ResourceKindModule } from "./kind";

const key = (kind: IdentityKind, account: string, ref: string) => `${kind}|${account}|${ref}`;

function listOf(model: AccessModel, kind: IdentityKind): IdentityNode[] {
    return kind === "role" ? model.roles : kind === "user" ? model.users : model.groups;
}

/** A role, user or group of the resource's account, with no policies yet. */
function identityNode(kind: IdentityKind, r: PlannedResource, name: string, path: string, arn: string): IdentityNode {
    const partition = r.partition ?? "aws";
    return {
        kind,
        name,
        path,
        arn,
        accountId: r.accountId,
        partition,
        urn: r.urn,
        stack: r.stack,
        inline: [],
        managedArns: [],
        groups: [],
    };
}

function addIdentity(kind: IdentityKind, model: AccessModel, r: PlannedResource): void {
    const partition = r.partition ?? "aws";
    const name = str(r.outputs.name) ?? str(r.inputs.name) ?? r.name;
    const path = normPath(r.inputs.path ?? r.outputs.path);
    const outArn = str(r.outputs.arn);
    const computed = `arn:${partition}:iam::${r.accountId}:${kind}${path}${name}`;
    const arn = outArn && outArn.startsWith("arn:") ? outArn : computed;
    const node: IdentityNode = {
        ...identityNode(kind, r, name, path, arn),
        boundaryArn: kind === "group" ? undefined : str(r.inputs.permissionsBoundary),
    };
    if (model.identityKeys.has(key(kind, r.accountId, name))) {
        model.warnings.push(`${kind} ${name} is declared twice in account ${r.accountId} (${r.urn}); the first one is used`);
        return;
    }
    for (const ref of [name, str(r.outputs.id), str(r.inputs.name), arn, computed]) {
        if (ref && !model.identityKeys.has(key(kind, r.accountId, ref))) model.identityKeys.set(key(kind, r.accountId, ref), node);
    }
    model.identityArns.set(arn, node);
    model.identityArns.set(computed, node);
    if (kind === "role") {
        node.trust = model.makePolicy(`${arn} trust policy`, r.inputs.assumeRolePolicy, "trust");
        if (!node.trust) model.warnings.push(`role ${arn} has no trust policy`);
        // Deprecated-but-valid role inputs that embed policies directly.
        const inlineList = Array.isArray(r.inputs.inlinePolicies) ? r.inputs.inlinePolicies : [];
        for (const ip of inlineList as Record<string, unknown>[]) {
            const p = model.makePolicy(`${name}/${str(ip?.name) ?? "inline"}`, ip?.policy, "identity");
            if (p) node.inline.push(p);
        }
        node.managedArns.push(...strings(r.inputs.managedPolicyArns));
    }
    listOf(model, kind).push(node);
}

function addManagedPolicy(model: AccessModel, r: PlannedResource): void {
    const partition = r.partition ?? "aws";
    const name = str(r.outputs.name) ?? str(r.inputs.name) ?? r.name;
    const computed = `arn:${partition}:iam::${r.accountId}:policy${normPath(r.inputs.path)}${name}`;
    const outArn = str(r.outputs.arn);
    const arn = outArn && outArn.startsWith("arn:") ? outArn : computed;
    const p = model.makePolicy(arn, r.inputs.policy, "identity");
    if (!p) return;
    model.managedPolicies.set(arn, p);
    if (!model.managedPolicies.has(computed)) model.managedPolicies.set(computed, p);
}

/**
 * The identity a policy resource names. Identities created outside the plan (e.g. existing users)
 * still get a node, so the policies the plan attaches to them are evaluated.
 */
function need(model: AccessModel, kind: IdentityKind, r: PlannedResource, ref: unknown): IdentityNode | undefined {
    const existing = model.identity(kind, r.accountId, ref);
    if (existing) return existing;
    const s = str(ref);
    if (!s) return undefined;
    const arn = parseArn(s);
    if (arn && arn.account !== r.accountId) {
        model.warnings.push(`${r.urn}: ${kind} ${s} is not in account ${r.accountId}; ignored`);
        return undefined;
    }
    const partition = r.partition ?? "aws";
    const name = arn ? arn.resource.split("/").pop()! : s;
    const node: IdentityNode = {
        ...identityNode(kind, r, name, "/", arn ? s : `arn:${partition}:iam::${r.accountId}:${kind}/${name}`),
        external: true,
    };
    model.identityKeys.set(key(kind, r.accountId, name), node);
    model.identityKeys.set(key(kind, r.accountId, node.arn), node);
    model.identityArns.set(node.arn, node);
    listOf(model, kind).push(node);
    if (kind === "role") model.warnings.push(`role ${node.arn} is not in the plan (${r.urn} names it); its trust policy is unknown`);
    return node;
}

/** An inline policy resource (RolePolicy, UserPolicy, GroupPolicy): `input` names its owner. */
const inline =
    (kind: IdentityKind, input: string): Handler =>
    (model, r) => {
        const owner = need(model, kind, r, r.inputs[input]);
        const p =
            owner && model.makePolicy(`${owner.name}/${str(r.inputs.name) ?? str(r.outputs.name) ?? r.name}`, r.inputs.policy, "identity");
        if (owner && p) owner.inline.push(p);
    };

function attachTo(model: AccessModel, kind: IdentityKind, r: PlannedResource, ref: unknown): void {
    const owner = need(model, kind, r, ref);
    const arn = str(r.inputs.policyArn);
    if (owner && arn && !owner.managedArns.includes(arn)) owner.managedArns.push(arn);
}

/** A policy attachment resource naming one owner in `input`. */
const attachment =
    (kind: IdentityKind, input: string): Handler =>
    (model, r) =>
        attachTo(model, kind, r, r.inputs[input]);

function join(user: IdentityNode | undefined, group: IdentityNode | undefined): void {
    if (user && group && !user.groups.includes(group)) user.groups.push(group);
}

export const iam: ResourceKindModule = {
    name: "iam",
    indexes: {
        [aws.iam.Role.__pulumiType]: (model, r) => addIdentity("role", model, r),
        [aws.iam.User.__pulumiType]: (model, r) => addIdentity("user", model, r),
        [aws.iam.Group.__pulumiType]: (model, r) => addIdentity("group", model, r),
        [aws.iam.Policy.__pulumiType]: addManagedPolicy,
    },
    attaches: {
        [aws.iam.RolePolicy.__pulumiType]: inline("role", "role"),
        [aws.iam.UserPolicy.__pulumiType]: inline("user", "user"),
        [aws.iam.GroupPolicy.__pulumiType]: inline("group", "group"),
        [aws.iam.RolePolicyAttachment.__pulumiType]: attachment("role", "role"),
        [aws.iam.UserPolicyAttachment.__pulumiType]: attachment("user", "user"),
        [aws.iam.GroupPolicyAttachment.__pulumiType]: attachment("group", "group"),
        [aws.iam.PolicyAttachment.__pulumiType]: (model, r) => {
            strings(r.inputs.roles).forEach((x) => attachTo(model, "role", r, x));
            strings(r.inputs.users).forEach((x) => attachTo(model, "user", r, x));
            strings(r.inputs.groups).forEach((x) => attachTo(model, "group", r, x));
        },
        [aws.iam.UserGroupMembership.__pulumiType]: (model, r) => {
            const user = need(model, "user", r, r.inputs.user);
            for (const g of strings(r.inputs.groups)) join(user, need(model, "group", r, g));
        },
        [aws.iam.GroupMembership.__pulumiType]: (model, r) => {
            const group = need(model, "group", r, r.inputs.group);
            for (const u of strings(r.inputs.users)) join(need(model, "user", r, u), group);
        },
    },
};
