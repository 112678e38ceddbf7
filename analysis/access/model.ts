/**
 * The index of IAM identities, their policies, S3 buckets and the other resources with a resource
 * policy (Lambda functions, ECR repositories, shared RDS snapshots) built from the planned resources of
 * all stacks. What each resource type contributes is said by its kind module (kinds/); this file holds
 * the tables and the look-ups the simulator and the edges use. Names are matched within one account
 * only, as IAM and the Pulumi provider of that account do.
 */
import {
    createValidatedPolicy,
    validateIdentityPolicy,
    validateResourcePolicy,
    validateTrustPolicy,
    type ValidatedPolicy,
    type ValidationError,
} from "@cloud-copilot/iam-policy";
import { parseArn, parsePolicyDocument, type Statement } from "../../policy-pack/lib/iam";
import type { Value, ValueRecord } from "../../policy-pack/lib/values";
import { normalizeDateConditions } from "./dates";
import { KINDS } from "./kinds";
import { str } from "./kinds/kind";
import { permissionSetOfRole, permissionSetPolicies } from "./permission-sets";
import type { PlannedResource } from "./types";

/** One policy of the model: its statements as the IAM document model reads them, and as the simulator validated it. */
export interface ModelPolicy {
    /** Display name: "<owner>/<inline name>" for inline policies, the ARN for managed ones. */
    name: string;
    statements: Statement[];
    validated: ValidatedPolicy<{ name: string }>;
    /** The document as JSON data (for a variant the simulator reads, see web-identity.ts). */
    document: ValueRecord;
}

export type PolicyUse = "identity" | "trust" | "resource";

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

/** A bucket, function, repository or snapshot: where it lives, and the resource policy AWS evaluates for it. */
interface PolicyHolder {
    name: string;
    arn: string;
    accountId: string;
    partition: string;
    urn: string;
    stack: string;
    policy?: ModelPolicy;
}

export type BucketNode = PolicyHolder;

export type ResourceKind = "function" | "repository" | "snapshot" | "key";

/**
 * A kind of resource node and where its ARNs put the resource's name:
 * `arn:<partition>:<service>:<region>:<account>:<prefix><name>`.
 */
export interface ResourceNodeType {
    kind: ResourceKind;
    service: string;
    prefix: string;
}

/**
 * A resource other accounts may be granted: its policy is what AWS evaluates for them. A function's
 * policy is built from its aws.lambda.Permission resources the way AddPermission builds it; a
 * snapshot has no policy, its sharing (the restore attribute) is modelled as one.
 */
export interface ResourceNode extends PolicyHolder {
    kind: ResourceKind;
    /** Not created by the plan, only named by a permission or policy of the plan. */
    external?: boolean;
}

export { SNAPSHOT_SHARE_ACTIONS } from "./kinds/rds";

/** How explanations and edges name each kind of resource policy. */
export const RESOURCE_POLICY_LABEL: Record<ResourceKind, string> = {
    function: "function policy",
    repository: "repository policy",
    snapshot: "snapshot sharing",
    key: "key policy",
};

export interface ResolvedPolicies {
    identity: ModelPolicy[];
    boundary?: ModelPolicy[];
    /** Managed policy ARNs (attachments or boundary) that are neither in the plan nor known AWS-managed policies. */
    unresolved: string[];
}

/** The few AWS-managed policies whose content is stable and small enough to model exactly. */
const AWS_MANAGED: Record<string, Value> = {
    AdministratorAccess: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] },
};

const VALIDATORS = { identity: validateIdentityPolicy, trust: validateTrustPolicy, resource: validateResourcePolicy };

function formatErrors(errors: readonly ValidationError[]): string {
    return errors.map((e) => `${e.path}: ${e.message}`).join("; ");
}

/**
 * Parses a policy once with the IAM document model and validates it once for the simulator. Statements
 * whose Effect is neither Allow nor Deny are left out: the validator reports them, nothing can grant.
 */
export function modelPolicy(name: string, input: unknown, use: PolicyUse, warnings: string[]): ModelPolicy | undefined {
    const parsed = parsePolicyDocument(input as Value);
    if (parsed.state === "invalid") {
        // Not the JSON parser's message: it quotes the document, which may hold an external ID.
        warnings.push(`policy ${name}: ${parsed.reason.replace(/^is /, "")}; ignored`);
        return undefined;
    }
    if (parsed.state !== "parsed") return undefined;
    // Date condition values in one unit (dates.ts): the statements keep the text as written.
    const validated = createValidatedPolicy(normalizeDateConditions(parsed.document as Value) as typeof parsed.document, VALIDATORS[use], {
        name,
    });
    if (validated.errors.length > 0) warnings.push(`policy ${name} is invalid: ${formatErrors(validated.errors)}`);
    const statements = parsed.statements.filter((st) => st.effect === "Allow" || st.effect === "Deny");
    return { name, statements, validated, document: parsed.document };
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
    /** Identities by "<kind>|<account>|<name, id or ARN>". */
    readonly identityKeys = new Map<string, IdentityNode>();
    readonly identityArns = new Map<string, IdentityNode>();
    readonly bucketsByName = new Map<string, BucketNode>();
    readonly resourcesByArn = new Map<string, ResourceNode>();
    /** ARNs that name another resource's ARN (a KMS alias its key), which AWS authorizes the request against. */
    readonly aliases = new Map<string, string>();
    private readonly awsManaged = new Map<string, ModelPolicy>();
    /** The plan's IAM Identity Center resources, for the roles permission sets provision (permissionSetRole). */
    private readonly identityCenter: PlannedResource[];
    private readonly permissionSetRoles = new Map<string, IdentityNode | undefined>();

    constructor(resources: PlannedResource[]) {
        this.identityCenter = resources.filter((r) => r.type.startsWith("aws:ssoadmin/"));
        for (const r of resources) {
            const arn = str(r.outputs?.arn);
            if (arn && !this.planArns.has(arn)) this.planArns.set(arn, r);
        }
        // Pass 1: the nodes (principals, managed policies, buckets, resources), so pass 2 can attach by name.
        for (const r of resources) KINDS.find((kind) => kind.indexes[r.type])?.indexes[r.type](this, r);
        for (const r of resources) KINDS.find((kind) => kind.attaches[r.type])?.attaches[r.type](this, r);
        for (const kind of KINDS) kind.finish?.(this);
    }

    makePolicy(name: string, input: unknown, use: PolicyUse): ModelPolicy | undefined {
        return modelPolicy(name, input, use, this.warnings);
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
        const direct = this.identityKeys.get(`${kind}|${accountId}|${s}`);
        if (direct) return direct;
        const arn = parseArn(s);
        if (arn && arn.account === accountId) {
            const name = arn.resource.split("/").pop();
            return name ? this.identityKeys.get(`${kind}|${accountId}|${name}`) : undefined;
        }
        return undefined;
    }

    /** Finds a role, user or group by ARN (exact, else by account + type + name ignoring the path). */
    identityByArn(arnText: string): IdentityNode | undefined {
        const exact = this.identityArns.get(arnText);
        if (exact) return exact;
        const arn = parseArn(arnText);
        if (!arn || arn.service !== "iam") return undefined;
        const [type, ...rest] = arn.resource.split("/");
        if (type !== "role" && type !== "user" && type !== "group") return undefined;
        const name = rest[rest.length - 1];
        return name ? this.identityKeys.get(`${type}|${arn.account}|${name}`) : undefined;
    }

    /**
     * The role IAM Identity Center provisions in an account for a permission set of the plan, with the set's inline,
     * managed and customer managed policies and its boundary: an `sso/<PermissionSet>` session's identity side.
     */
    permissionSetRole(roleArn: string): IdentityNode | undefined {
        if (this.permissionSetRoles.has(roleArn)) return this.permissionSetRoles.get(roleArn);
        const name = permissionSetOfRole(roleArn);
        const arn = parseArn(roleArn);
        const set = name && arn ? permissionSetPolicies(this.identityCenter, arn.account, arn.partition).get(name) : undefined;
        const node: IdentityNode | undefined =
            set && arn
                ? {
                      kind: "role",
                      name: arn.resource.split("/").pop()!,
                      path: "/aws-reserved/sso.amazonaws.com/",
                      arn: roleArn,
                      accountId: arn.account,
                      partition: arn.partition,
                      urn: "",
                      stack: "",
                      inline: set.inline.flatMap((doc, i) => this.makePolicy(`sso/${name}/inline${i ? i + 1 : ""}`, doc, "identity") ?? []),
                      managedArns: set.managedArns,
                      ...(set.boundaryArn ? { boundaryArn: set.boundaryArn } : {}),
                      groups: [],
                  }
                : undefined;
        this.permissionSetRoles.set(roleArn, node);
        return node;
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
        return { identity: [...new Set(identity)], boundary, unresolved: [...new Set(unresolved)] };
    }

    /** The policies an identity owns (not its groups'): what names it in an edge's "via". */
    ownPolicies(node: IdentityNode): ModelPolicy[] {
        const out = [...node.inline];
        for (const arn of node.managedArns) {
            const p = this.managedPolicy(arn);
            if (p) out.push(p);
        }
        return out;
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

    /**
     * Adds a function, repository, snapshot or key node named `name` (else the resource's name), in the
     * resource's account; its ARN is the output ARN, else the one its type builds. A second declaration of
     * one ARN keeps the first (and warns, unless the node is only named by a policy).
     */
    addResource(
        type: ResourceNodeType,
        r: PlannedResource,
        outputArn: string | undefined,
        name: string | undefined,
        external = false,
    ): ResourceNode {
        const { kind, service, prefix } = type;
        const partition = r.partition ?? "aws";
        const resourceName = name ?? r.name;
        const arn =
            outputArn && outputArn.startsWith("arn:")
                ? outputArn
                : `arn:${partition}:${service}:${r.region}:${r.accountId}:${prefix}${resourceName}`;
        const existing = this.resourcesByArn.get(arn);
        if (existing) {
            if (!external) this.warnings.push(`${kind} ${arn} is declared twice (${r.urn}); the first one is used`);
            return existing;
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
}
