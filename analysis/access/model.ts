/**
 * Builds an index of IAM identities, their policies, S3 buckets and the other resources with a
 * resource policy (Lambda functions, ECR repositories, shared RDS snapshots) from the planned resources
 * of all stacks. Names are matched within one account only, as IAM and the Pulumi provider of that
 * account do.
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

export type ResourceKind = "function" | "repository" | "snapshot";

/**
 * A resource other accounts may be granted: its policy is what AWS evaluates for them. A function's
 * policy is built from its aws.lambda.Permission resources the way AddPermission builds it; a
 * snapshot has no policy, its sharing (the restore attribute) is modelled as one.
 */
export interface ResourceNode {
    kind: ResourceKind;
    name: string;
    arn: string;
    accountId: string;
    partition: string;
    urn: string;
    stack: string;
    policy?: ModelPolicy;
    /** Not created by the plan, only named by a permission or policy of the plan. */
    external?: boolean;
}

/** What a shared account may do with a shared DB snapshot (RDS "Sharing a DB snapshot"). */
export const SNAPSHOT_SHARE_ACTIONS = ["rds:CopyDBSnapshot", "rds:RestoreDBInstanceFromDBSnapshot"];

/** How explanations and edges name each kind of resource policy. */
export const RESOURCE_POLICY_LABEL: Record<ResourceKind, string> = {
    function: "function policy",
    repository: "repository policy",
    snapshot: "snapshot sharing",
};

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
    lambdaFunction: "aws:lambda/function:Function",
    lambdaPermission: "aws:lambda/permission:Permission",
    repository: "aws:ecr/repository:Repository",
    repositoryPolicy: "aws:ecr/repositoryPolicy:RepositoryPolicy",
};
const SNAPSHOT_TYPES = new Set(["aws:rds/snapshotCopy:SnapshotCopy", "aws:rds/snapshot:Snapshot"]);
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
    readonly resources: ResourceNode[] = [];
    readonly warnings: string[] = [];
    readonly managedPolicies = new Map<string, ModelPolicy>();
    /** Any planned resource by its ARN output, so unknown resource types still get their account. */
    readonly planArns = new Map<string, PlannedResource>();
    private readonly byKey = new Map<string, IdentityNode>();
    private readonly byArn = new Map<string, IdentityNode>();
    private readonly bucketsByName = new Map<string, BucketNode>();
    private readonly awsManaged = new Map<string, ModelPolicy>();
    private readonly resourcesByArn = new Map<string, ResourceNode>();
    /** Statements AddPermission would add to each function's policy, by function ARN. */
    private readonly lambdaStatements = new Map<string, Json[]>();

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
            else if (r.type === T.lambdaFunction)
                this.addResource("function", r, str(r.outputs.arn), str(r.outputs.name) ?? str(r.inputs.name));
            else if (r.type === T.repository)
                this.addResource("repository", r, str(r.outputs.arn), str(r.outputs.name) ?? str(r.inputs.name));
            else if (SNAPSHOT_TYPES.has(r.type)) this.addSnapshot(r);
        }
        for (const r of resources) this.attach(r);
        for (const [arn, statements] of this.lambdaStatements) {
            const node = this.resourcesByArn.get(arn)!;
            node.policy = this.makePolicy(`${arn} function policy`, { Version: "2012-10-17", Statement: statements }, "resource");
        }
    }

    /**
     * The function, repository or snapshot an ARN names. A qualified function ARN (an alias or
     * version) finds its function, whose policy AWS evaluates for it.
     */
    resource(arnText: string): ResourceNode | undefined {
        const exact = this.resourcesByArn.get(arnText);
        if (exact) return exact;
        const arn = parseArn(arnText);
        if (arn?.service === "lambda" && arn.resource.startsWith("function:")) {
            return this.resourcesByArn.get(arnText.split(":").slice(0, 7).join(":"));
        }
        return undefined;
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
        const node: BucketNode = {
            name,
            arn: `arn:${partition}:s3:::${name}`,
            accountId: r.accountId,
            partition,
            urn: r.urn,
            stack: r.stack,
        };
        if (r.inputs.policy !== undefined) node.policy = this.makePolicy(`${node.arn} bucket policy`, r.inputs.policy, "resource");
        this.bucketsByName.set(name, node);
        const id = str(r.outputs.id);
        if (id && !this.bucketsByName.has(id)) this.bucketsByName.set(id, node);
        this.buckets.push(node);
    }

    private addResource(
        kind: ResourceKind,
        r: PlannedResource,
        outputArn: string | undefined,
        name: string | undefined,
        external = false,
    ): ResourceNode | undefined {
        const partition = r.partition ?? "aws";
        const resourceName = name ?? r.name;
        const computed =
            kind === "function"
                ? `arn:${partition}:lambda:${r.region}:${r.accountId}:function:${resourceName}`
                : kind === "repository"
                  ? `arn:${partition}:ecr:${r.region}:${r.accountId}:repository/${resourceName}`
                  : `arn:${partition}:rds:${r.region}:${r.accountId}:snapshot:${resourceName}`;
        const arn = outputArn && outputArn.startsWith("arn:") ? outputArn : computed;
        if (this.resourcesByArn.has(arn)) {
            if (!external) this.warnings.push(`${kind} ${arn} is declared twice (${r.urn}); the first one is used`);
            return this.resourcesByArn.get(arn);
        }
        const node: ResourceNode = {
            kind,
            name: resourceName,
            arn,
            accountId: r.accountId,
            partition,
            urn: r.urn,
            stack: r.stack,
            ...(external ? { external } : {}),
        };
        this.resourcesByArn.set(arn, node);
        this.resources.push(node);
        return node;
    }

    /** A snapshot's restore attribute as the resource policy AWS effectively applies: the shared accounts may copy or restore it. */
    private addSnapshot(r: PlannedResource): void {
        const identifier = str(r.outputs.id) ?? str(r.inputs.targetDbSnapshotIdentifier) ?? str(r.inputs.dbSnapshotIdentifier);
        const node = this.addResource("snapshot", r, str(r.outputs.dbSnapshotArn), identifier);
        const shared = toArray(r.inputs.sharedAccounts ?? r.outputs.sharedAccounts);
        if (!node || shared.length === 0) return;
        const everyone = shared.some((account) => account.toLowerCase() === "all");
        const principals = shared
            .filter((account) => /^\d{12}$/.test(account))
            .map((account) => `arn:${node.partition}:iam::${account}:root`);
        node.policy = this.makePolicy(
            `${node.arn} sharing`,
            {
                Version: "2012-10-17",
                Statement: [
                    {
                        Sid: "SharedWithAccounts",
                        Effect: "Allow",
                        Principal: everyone ? "*" : { AWS: principals },
                        Action: SNAPSHOT_SHARE_ACTIONS,
                        Resource: node.arn,
                    },
                ],
            },
            "resource",
        );
    }

    /**
     * The function a permission's `function` input names: a name, `name:qualifier`, a partial or a full ARN.
     * A name is resolved in the account of the permission's provider, not of the stack holding it: a caller's
     * stack adds its permission to a function of another account through that account's provider.
     */
    private lambdaTarget(r: PlannedResource, ref: string): { node: ResourceNode; resource: string } | undefined {
        const partition = r.partition ?? "aws";
        const full = ref.startsWith("arn:")
            ? ref
            : /^\d{12}:function:/.test(ref)
              ? `arn:${partition}:lambda:${r.region}:${ref}`
              : `arn:${partition}:lambda:${r.region}:${r.accountId}:function:${ref}`;
        const parts = full.split(":");
        if (parts.length < 7 || parts[2] !== "lambda" || parts[5] !== "function") return undefined;
        const base = parts.slice(0, 7).join(":");
        const byName = this.resources.find((n) => n.kind === "function" && n.accountId === r.accountId && n.name === parts[6]);
        const node =
            this.resourcesByArn.get(base) ??
            byName ??
            this.addResource("function", { ...r, accountId: parts[4] || r.accountId, region: parts[3] || r.region }, base, parts[6], true);
        if (!node) return undefined;
        return { node, resource: parts.length > 7 ? `${node.arn}:${parts[7]}` : node.arn };
    }

    /**
     * The statement AddPermission adds for an aws.lambda.Permission: a service, an account (as its root)
     * or an ARN as principal, and its source, organization and function URL conditions.
     */
    private addLambdaPermission(r: PlannedResource): void {
        const i = r.inputs;
        const ref = str(i.function);
        const principal = str(i.principal);
        const target = ref && this.lambdaTarget(r, ref);
        if (!target || !principal) {
            this.warnings.push(`${r.urn}: lambda permission without a known function or principal; ignored`);
            return;
        }
        const qualifier = str(i.qualifier);
        const resource = qualifier ? `${target.node.arn}:${qualifier}` : target.resource;
        const principalJson =
            principal === "*"
                ? "*"
                : /^[a-z0-9.-]+\.amazonaws\.com(\.cn)?$/.test(principal)
                  ? { Service: principal }
                  : { AWS: /^\d{12}$/.test(principal) ? `arn:${target.node.partition}:iam::${principal}:root` : principal };
        const stringEquals: Record<string, string> = {};
        if (str(i.sourceAccount)) stringEquals["AWS:SourceAccount"] = str(i.sourceAccount)!;
        if (str(i.principalOrgId)) stringEquals["aws:PrincipalOrgID"] = str(i.principalOrgId)!;
        if (str(i.functionUrlAuthType)) stringEquals["lambda:FunctionUrlAuthType"] = str(i.functionUrlAuthType)!;
        if (str(i.eventSourceToken)) stringEquals["lambda:EventSourceToken"] = str(i.eventSourceToken)!;
        const condition: Json = {
            ...(Object.keys(stringEquals).length > 0 ? { StringEquals: stringEquals } : {}),
            ...(str(i.sourceArn) ? { ArnLike: { "AWS:SourceArn": str(i.sourceArn) } } : {}),
        };
        const statement: Json = {
            Sid: str(i.statementId) ?? str(r.outputs.statementId) ?? r.name,
            Effect: "Allow",
            Principal: principalJson,
            Action: str(i.action) ?? "lambda:InvokeFunction",
            Resource: resource,
            ...(Object.keys(condition).length > 0 ? { Condition: condition } : {}),
        };
        const list = this.lambdaStatements.get(target.node.arn) ?? [];
        list.push(statement);
        this.lambdaStatements.set(target.node.arn, list);
    }

    private addRepositoryPolicy(r: PlannedResource): void {
        const ref = str(r.inputs.repository);
        if (!ref) return;
        const node =
            this.resources.find((n) => n.kind === "repository" && n.accountId === r.accountId && (n.name === ref || n.arn === ref)) ??
            this.addResource(
                "repository",
                r,
                ref.startsWith("arn:") ? ref : undefined,
                ref.startsWith("arn:") ? ref.split("/").slice(1).join("/") : ref,
                true,
            )!;
        const p = this.makePolicy(`${node.arn} repository policy`, r.inputs.policy, "resource");
        if (!p) return;
        if (node.policy) this.warnings.push(`repository ${node.name} has several repository policies; the last one (${r.urn}) is used`);
        node.policy = p;
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
            kind,
            name,
            path: "/",
            arn: arn ? s : `arn:${partition}:iam::${r.accountId}:${kind}/${name}`,
            accountId: r.accountId,
            partition,
            urn: r.urn,
            stack: r.stack,
            inline: [],
            managedArns: [],
            groups: [],
            external: true,
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
            case T.lambdaPermission:
                return this.addLambdaPermission(r);
            case T.repositoryPolicy:
                return this.addRepositoryPolicy(r);
            case T.rolePolicy:
                return inline("role", i.role);
            case T.userPolicy:
                return inline("user", i.user);
            case T.groupPolicy:
                return inline("group", i.group);
            case T.rolePolicyAttachment:
                return attachTo("role", i.role);
            case T.userPolicyAttachment:
                return attachTo("user", i.user);
            case T.groupPolicyAttachment:
                return attachTo("group", i.group);
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
                    this.warnings.push(
                        `${r.urn}: bucket ${ref} belongs to account ${bucket.accountId}, not ${r.accountId}; policy ignored`,
                    );
                    return;
                }
                if (!bucket) {
                    // A policy on a bucket created elsewhere: the policy's account owns the bucket.
                    const partition = r.partition ?? "aws";
                    bucket = {
                        name: ref,
                        arn: `arn:${partition}:s3:::${ref}`,
                        accountId: r.accountId,
                        partition,
                        urn: r.urn,
                        stack: r.stack,
                    };
                    this.bucketsByName.set(ref, bucket);
                    this.buckets.push(bucket);
                }
                const p = this.makePolicy(`${bucket.arn} bucket policy`, i.policy, "resource");
                if (p) {
                    if (bucket.policy)
                        this.warnings.push(`bucket ${bucket.name} has several bucket policies; the last one (${r.urn}) is used`);
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
