/**
 * Builds an index of IAM identities, their policies and S3 buckets from the planned resources of all
 * stacks. Names are matched within one account only, as IAM and the Pulumi provider of that account do.
 */
import {
  createValidatedPolicy,
  validateIdentityPolicy,
  validateResourcePolicy,
  validateTrustPolicy,
  type ValidatedPolicy,
  type ValidationError,
} from "@cloud-copilot/iam-policy";
import { parseArn, parsePolicy, statementsOf, toArray, type Json, type RawStatement } from "./policyDoc";
import type { PlannedResource } from "./types";

export interface ModelPolicy {
  /** Display name: "<owner>/<inline name>" for inline policies, the ARN for managed ones. */
  name: string;
  doc: Json;
  statements: RawStatement[];
  validated: ValidatedPolicy<{ name: string }>;
}

export type IdentityKind = "role" | "user" | "group";

export interface IdentityNode {
  kind: IdentityKind;
  name: string;
  path: string;
  arn: string;
  accountId: string;
  partition: string;
  urn: string;
  stack: string;
  inline: ModelPolicy[];
  managedArns: string[];
  boundaryArn?: string;
  /** Users only: the groups they belong to. */
  groups: IdentityNode[];
  /** Roles only: the trust (assume-role) policy. */
  trust?: ModelPolicy;
  /** Not created by the plan, only named by a policy or attachment of the plan. */
  external?: boolean;
}

export interface BucketNode {
  name: string;
  arn: string;
  accountId: string;
  partition: string;
  urn: string;
  stack: string;
  policy?: ModelPolicy;
}

export interface ResolvedPolicies {
  identity: ModelPolicy[];
  boundary?: ModelPolicy[];
  /** Managed policy ARNs (attachments or boundary) that are neither in the plan nor known AWS-managed policies. */
  unresolved: string[];
}

/** The few AWS-managed policies whose content is stable and small enough to model exactly. */
const AWS_MANAGED: Record<string, Json> = {
  AdministratorAccess: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] },
};

const T = {
  role: "aws:iam/role:Role",
  user: "aws:iam/user:User",
  group: "aws:iam/group:Group",
  policy: "aws:iam/policy:Policy",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  userPolicy: "aws:iam/userPolicy:UserPolicy",
  groupPolicy: "aws:iam/groupPolicy:GroupPolicy",
  rolePolicyAttachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  userPolicyAttachment: "aws:iam/userPolicyAttachment:UserPolicyAttachment",
  groupPolicyAttachment: "aws:iam/groupPolicyAttachment:GroupPolicyAttachment",
  policyAttachment: "aws:iam/policyAttachment:PolicyAttachment",
  userGroupMembership: "aws:iam/userGroupMembership:UserGroupMembership",
  groupMembership: "aws:iam/groupMembership:GroupMembership",
  bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
};
const BUCKET_TYPES = new Set(["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"]);

function str(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}

function normPath(p: unknown): string {
  const s = str(p) ?? "/";
  return (s.startsWith("/") ? "" : "/") + s + (s.endsWith("/") ? "" : "/");
}

function formatErrors(errors: readonly ValidationError[]): string {
  return errors.map((e) => `${e.path}: ${e.message}`).join("; ");
}

export class AccessModel {
  readonly roles: IdentityNode[] = [];
  readonly users: IdentityNode[] = [];
  readonly groups: IdentityNode[] = [];
  readonly buckets: BucketNode[] = [];
  readonly warnings: string[] = [];
  readonly managedPolicies = new Map<string, ModelPolicy>();
  /** Any planned resource by its ARN output, so unknown resource types still get their account. */
  readonly planArns = new Map<string, PlannedResource>();
  private readonly byKey = new Map<string, IdentityNode>();
  private readonly byArn = new Map<string, IdentityNode>();
  private readonly bucketsByName = new Map<string, BucketNode>();
  private readonly awsManaged = new Map<string, ModelPolicy>();

  constructor(resources: PlannedResource[]) {
    for (const r of resources) {
      const arn = str(r.outputs?.arn);
      if (arn && !this.planArns.has(arn)) this.planArns.set(arn, r);
    }
    // Pass 1: principals, managed policies and buckets, so pass 2 can attach by name.
    for (const r of resources) {
      if (r.type === T.role) this.addIdentity("role", r);
      else if (r.type === T.user) this.addIdentity("user", r);
      else if (r.type === T.group) this.addIdentity("group", r);
      else if (r.type === T.policy) this.addManagedPolicy(r);
      else if (BUCKET_TYPES.has(r.type)) this.addBucket(r);
    }
    for (const r of resources) this.attach(r);
  }

  identity(kind: IdentityKind, accountId: string, ref: unknown): IdentityNode | undefined {
    const s = str(ref);
    if (!s) return undefined;
    const direct = this.byKey.get(`${kind}|${accountId}|${s}`);
    if (direct) return direct;
    const arn = parseArn(s);
    if (arn && arn.account === accountId) {
      const name = arn.resource.split("/").pop();
      return name ? this.byKey.get(`${kind}|${accountId}|${name}`) : undefined;
    }
    return undefined;
  }

  /** Finds a role, user or group by ARN (exact, else by account + type + name ignoring the path). */
  identityByArn(arnText: string): IdentityNode | undefined {
    const exact = this.byArn.get(arnText);
    if (exact) return exact;
    const arn = parseArn(arnText);
    if (!arn || arn.service !== "iam") return undefined;
    const [type, ...rest] = arn.resource.split("/");
    if (type !== "role" && type !== "user" && type !== "group") return undefined;
    const name = rest[rest.length - 1];
    return name ? this.byKey.get(`${type}|${arn.account}|${name}`) : undefined;
  }

  bucket(name: string): BucketNode | undefined {
    return this.bucketsByName.get(name);
  }

  /** Identity policies and boundary of a role, a user (with its groups) or a group (as a member would get). */
  policiesOf(node: IdentityNode): ResolvedPolicies {
    const unresolved: string[] = [];
    const identity: ModelPolicy[] = [];
    const owners = node.kind === "user" ? [node, ...node.groups] : [node];
    for (const owner of owners) {
      identity.push(...owner.inline);
      for (const arn of owner.managedArns) {
        const p = this.managedPolicy(arn);
        if (p) identity.push(p);
        else unresolved.push(arn);
      }
    }
    let boundary: ModelPolicy[] | undefined;
    if (node.boundaryArn && node.kind !== "group") {
      const p = this.managedPolicy(node.boundaryArn);
      if (p) boundary = [p];
      else unresolved.push(node.boundaryArn);
    }
    return { identity: dedupe(identity), boundary, unresolved: [...new Set(unresolved)] };
  }

  managedPolicy(arn: string): ModelPolicy | undefined {
    const own = this.managedPolicies.get(arn);
    if (own) return own;
    const m = /^arn:[^:]+:iam::aws:policy\/(?:.*\/)?([^/]+)$/.exec(arn);
    const doc = m ? AWS_MANAGED[m[1]] : undefined;
    if (!doc) return undefined;
    let p = this.awsManaged.get(arn);
    if (!p) {
      p = this.makePolicy(arn, doc, "identity")!;
      this.awsManaged.set(arn, p);
    }
    return p;
  }

  private makePolicy(name: string, input: unknown, kind: "identity" | "trust" | "resource"): ModelPolicy | undefined {
    const { doc, error } = parsePolicy(input);
    if (error) this.warnings.push(`policy ${name}: ${error}; ignored`);
    if (!doc) return undefined;
    const validate = kind === "trust" ? validateTrustPolicy : kind === "resource" ? validateResourcePolicy : validateIdentityPolicy;
    // Validate once here; the simulator reuses the result instead of re-validating per request.
    const validated = createValidatedPolicy(doc, validate, { name });
    if (validated.errors.length > 0) this.warnings.push(`policy ${name} is invalid: ${formatErrors(validated.errors)}`);
    return { name, doc, statements: statementsOf(doc), validated };
  }

  private addIdentity(kind: IdentityKind, r: PlannedResource): void {
    const partition = r.partition ?? "aws";
    const name = str(r.outputs.name) ?? str(r.inputs.name) ?? r.name;
    const path = normPath(r.inputs.path ?? r.outputs.path);
    const outArn = str(r.outputs.arn);
    const computed = `arn:${partition}:iam::${r.accountId}:${kind}${path}${name}`;
    const arn = outArn && outArn.startsWith("arn:") ? outArn : computed;
    const node: IdentityNode = {
      kind, name, path, arn, accountId: r.accountId, partition, urn: r.urn, stack: r.stack,
      inline: [], managedArns: [], groups: [],
      boundaryArn: kind === "group" ? undefined : str(r.inputs.permissionsBoundary),
    };
    if (this.byKey.has(`${kind}|${r.accountId}|${name}`)) {
      this.warnings.push(`${kind} ${name} is declared twice in account ${r.accountId} (${r.urn}); the first one is used`);
      return;
    }
    for (const key of [name, str(r.outputs.id), str(r.inputs.name), arn, computed]) {
      if (key && !this.byKey.has(`${kind}|${r.accountId}|${key}`)) this.byKey.set(`${kind}|${r.accountId}|${key}`, node);
    }
    this.byArn.set(arn, node);
    this.byArn.set(computed, node);
    if (kind === "role") {
      node.trust = this.makePolicy(`${arn} trust policy`, r.inputs.assumeRolePolicy, "trust");
      if (!node.trust) this.warnings.push(`role ${arn} has no trust policy`);
      // Deprecated-but-valid role inputs that embed policies directly.
      const inlineList = Array.isArray(r.inputs.inlinePolicies) ? r.inputs.inlinePolicies : [];
      for (const ip of inlineList as Json[]) {
        const p = this.makePolicy(`${name}/${str(ip?.name) ?? "inline"}`, ip?.policy, "identity");
        if (p) node.inline.push(p);
      }
      node.managedArns.push(...toArray(r.inputs.managedPolicyArns));
      this.roles.push(node);
    } else if (kind === "user") this.users.push(node);
    else this.groups.push(node);
  }

  private addManagedPolicy(r: PlannedResource): void {
    const partition = r.partition ?? "aws";
    const name = str(r.outputs.name) ?? str(r.inputs.name) ?? r.name;
    const computed = `arn:${partition}:iam::${r.accountId}:policy${normPath(r.inputs.path)}${name}`;
    const outArn = str(r.outputs.arn);
    const arn = outArn && outArn.startsWith("arn:") ? outArn : computed;
    const p = this.makePolicy(arn, r.inputs.policy, "identity");
    if (!p) return;
    this.managedPolicies.set(arn, p);
    if (!this.managedPolicies.has(computed)) this.managedPolicies.set(computed, p);
  }

  private addBucket(r: PlannedResource): void {
    const name = str(r.outputs.bucket) ?? str(r.inputs.bucket) ?? str(r.outputs.id) ?? r.name;
    if (this.bucketsByName.has(name)) {
      this.warnings.push(`bucket ${name} is declared twice (${r.urn}); the first one is used`);
      return;
    }
    const partition = r.partition ?? "aws";
    const node: BucketNode = { name, arn: `arn:${partition}:s3:::${name}`, accountId: r.accountId, partition, urn: r.urn, stack: r.stack };
    if (r.inputs.policy !== undefined) node.policy = this.makePolicy(`${node.arn} bucket policy`, r.inputs.policy, "resource");
    this.bucketsByName.set(name, node);
    const id = str(r.outputs.id);
    if (id && !this.bucketsByName.has(id)) this.bucketsByName.set(id, node);
    this.buckets.push(node);
  }

  /**
   * The identity a policy resource names. Identities created outside the plan (e.g. existing users)
   * still get a node, so the policies the plan attaches to them are evaluated.
   */
  private need(kind: IdentityKind, r: PlannedResource, ref: unknown): IdentityNode | undefined {
    const existing = this.identity(kind, r.accountId, ref);
    if (existing) return existing;
    const s = str(ref);
    if (!s) return undefined;
    const arn = parseArn(s);
    if (arn && arn.account !== r.accountId) {
      this.warnings.push(`${r.urn}: ${kind} ${s} is not in account ${r.accountId}; ignored`);
      return undefined;
    }
    const partition = r.partition ?? "aws";
    const name = arn ? arn.resource.split("/").pop()! : s;
    const node: IdentityNode = {
      kind, name, path: "/", arn: arn ? s : `arn:${partition}:iam::${r.accountId}:${kind}/${name}`, accountId: r.accountId, partition,
      urn: r.urn, stack: r.stack, inline: [], managedArns: [], groups: [], external: true,
    };
    this.byKey.set(`${kind}|${r.accountId}|${name}`, node);
    this.byKey.set(`${kind}|${r.accountId}|${node.arn}`, node);
    this.byArn.set(node.arn, node);
    (kind === "role" ? this.roles : kind === "user" ? this.users : this.groups).push(node);
    if (kind === "role") this.warnings.push(`role ${node.arn} is not in the plan (${r.urn} names it); its trust policy is unknown`);
    return node;
  }

  private attach(r: PlannedResource): void {
    const i = r.inputs;
    const policyName = (owner: IdentityNode) => `${owner.name}/${str(i.name) ?? str(r.outputs.name) ?? r.name}`;
    const inline = (kind: IdentityKind, ref: unknown) => {
      const owner = this.need(kind, r, ref);
      const p = owner && this.makePolicy(policyName(owner), i.policy, "identity");
      if (owner && p) owner.inline.push(p);
    };
    const attachTo = (kind: IdentityKind, ref: unknown) => {
      const owner = this.need(kind, r, ref);
      const arn = str(i.policyArn);
      if (owner && arn && !owner.managedArns.includes(arn)) owner.managedArns.push(arn);
    };
    switch (r.type) {
      case T.rolePolicy: return inline("role", i.role);
      case T.userPolicy: return inline("user", i.user);
      case T.groupPolicy: return inline("group", i.group);
      case T.rolePolicyAttachment: return attachTo("role", i.role);
      case T.userPolicyAttachment: return attachTo("user", i.user);
      case T.groupPolicyAttachment: return attachTo("group", i.group);
      case T.policyAttachment:
        toArray(i.roles).forEach((x) => attachTo("role", x));
        toArray(i.users).forEach((x) => attachTo("user", x));
        toArray(i.groups).forEach((x) => attachTo("group", x));
        return;
      case T.userGroupMembership: {
        const user = this.need("user", r, i.user);
        for (const g of toArray(i.groups)) {
          const group = this.need("group", r, g);
          if (user && group && !user.groups.includes(group)) user.groups.push(group);
        }
        return;
      }
      case T.groupMembership: {
        const group = this.need("group", r, i.group);
        for (const u of toArray(i.users)) {
          const user = this.need("user", r, u);
          if (user && group && !user.groups.includes(group)) user.groups.push(group);
        }
        return;
      }
      case T.bucketPolicy: {
        const ref = str(i.bucket);
        if (!ref) return;
        let bucket = this.bucketsByName.get(ref);
        if (bucket && bucket.accountId !== r.accountId) {
          this.warnings.push(`${r.urn}: bucket ${ref} belongs to account ${bucket.accountId}, not ${r.accountId}; policy ignored`);
          return;
        }
        if (!bucket) {
          // A policy on a bucket created elsewhere: the policy's account owns the bucket.
          const partition = r.partition ?? "aws";
          bucket = { name: ref, arn: `arn:${partition}:s3:::${ref}`, accountId: r.accountId, partition, urn: r.urn, stack: r.stack };
          this.bucketsByName.set(ref, bucket);
          this.buckets.push(bucket);
        }
        const p = this.makePolicy(`${bucket.arn} bucket policy`, i.policy, "resource");
        if (p) {
          if (bucket.policy) this.warnings.push(`bucket ${bucket.name} has several bucket policies; the last one (${r.urn}) is used`);
          bucket.policy = p;
        }
        return;
      }
      default:
        return;
    }
  }
}

function dedupe(policies: ModelPolicy[]): ModelPolicy[] {
  return [...new Set(policies)];
}
