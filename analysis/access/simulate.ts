/**
 * Wraps @cloud-copilot/iam-simulate: turns plan principals/resources into simulator requests and
 * the simulator's analysis into decisions, explanations and "allowed if" conditions.
 */
import {
    type AllowedConditionExpression,
    type DiscoveryContextKeyConstraint,
    type RequestAnalysis,
    type Simulation,
} from "@cloud-copilot/iam-simulate";
import { ACCOUNT_ID, isServicePrincipal, parseArn, rootArn } from "../../policy-pack/lib/iam";
import { runSimulationInOneDateUnit } from "./dates";
import { RESOURCE_POLICY_LABEL, modelPolicy, type AccessModel, type IdentityNode, type ModelPolicy } from "./model";
import type { AccessContext, AccessDecision } from "./types";
import { parseWebIdentityPrincipal, webIdentityRequest, withStandInKeys, type WebIdentityToken } from "./web-identity";

const DEFAULT_SESSION = "access-analysis";

/** Identity side of a principal we know nothing about: its own account is assumed to allow everything. */
const ALLOW_ALL_DOC = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] };
export const ALLOW_ALL: ModelPolicy = {
    ...modelPolicy("assumed-allow-all", ALLOW_ALL_DOC, "identity", [])!,
    // The name explanations show; the simulator reports the validated policy's own name.
    name: "assumed: the principal's own account allows everything",
};

export type RequesterKind = "role-session" | "user" | "group-member" | "root" | "outside" | "service" | "web-identity";

export interface Requester {
    kind: RequesterKind;
    /** The principal as the simulator sees it: the session ARN for roles, a synthetic user for groups. */
    requestPrincipal: string;
    /** aws:PrincipalArn: the role ARN for role sessions (as AWS reports it), undefined for services. */
    principalArn?: string;
    accountId?: string;
    identity: ModelPolicy[];
    boundary?: ModelPolicy[];
    unresolved: string[];
    username?: string;
    /** Short description for explanations. */
    label: string;
    /** The plan identity, when the principal is in the plan. */
    node?: IdentityNode;
    /** A CI job's OIDC token: the request comes from the provider of the target's account. */
    token?: WebIdentityToken;
}

export interface Target {
    arn: string;
    accountId: string;
    resourcePolicy?: ModelPolicy;
    resourcePolicyLabel?: string;
    label: string;
}

export function resolveRequester(model: AccessModel, principal: string, sessionName = DEFAULT_SESSION): Requester {
    const token = parseWebIdentityPrincipal(principal);
    if (token) {
        return {
            kind: "web-identity",
            requestPrincipal: principal,
            identity: [ALLOW_ALL],
            unresolved: [],
            label: `${token.provider} job with sub "${token.sub}" (aud ${token.audience})`,
            token,
        };
    }
    // Case-insensitive as the simulator's principal matching is.
    if (isServicePrincipal(principal.toLowerCase())) {
        return { kind: "service", requestPrincipal: principal, identity: [], unresolved: [], label: `service ${principal}` };
    }
    const text = ACCOUNT_ID.test(principal) ? rootArn(principal) : principal;
    const arn = parseArn(text);
    const outside = (label: string, extra: Partial<Requester> = {}): Requester => ({
        kind: "outside",
        requestPrincipal: text,
        principalArn: text,
        accountId: arn?.account,
        identity: [ALLOW_ALL],
        unresolved: [],
        label: `${label} (not in the plan: its identity side is assumed to allow everything)`,
        ...extra,
    });
    if (!arn) return outside(principal);
    const p = arn.partition;
    if (arn.service === "iam" && arn.resource === "root") {
        // IAM policies do not restrict an account's root user; only the resource side decides.
        return {
            kind: "root",
            requestPrincipal: text,
            principalArn: text,
            accountId: arn.account,
            identity: [ALLOW_ALL],
            unresolved: [],
            label: `account root ${arn.account}`,
        };
    }
    const [type, ...rest] = arn.resource.split("/");
    if (arn.service === "sts" && type === "assumed-role" && rest.length >= 2) {
        const roleArn = `arn:${p}:iam::${arn.account}:role/${rest[0]}`;
        return roleSession(model, roleArn, arn.account, rest[0], rest.slice(1).join("/"), p);
    }
    if (arn.service !== "iam") return outside(principal);
    if (type === "role") return roleSession(model, text, arn.account, rest[rest.length - 1], sessionName, p);
    if (type === "user") {
        const node = model.identityByArn(text);
        if (!node || node.kind !== "user") return outside(`user ${text}`, { username: rest[rest.length - 1] });
        const pol = model.policiesOf(node);
        return {
            kind: "user",
            requestPrincipal: node.arn,
            principalArn: node.arn,
            accountId: node.accountId,
            identity: pol.identity,
            boundary: pol.boundary,
            unresolved: pol.unresolved,
            username: node.name,
            label: `user ${node.arn}`,
            node,
        };
    }
    if (type === "group") {
        const node = model.identityByArn(text);
        const name = node?.name ?? rest[rest.length - 1];
        // A group cannot sign requests: simulate a member whose only policies are the group's.
        const member = `arn:${p}:iam::${arn.account}:user/member-of-${name}`;
        if (!node || node.kind !== "group") {
            return outside(`member of group ${text}`, { requestPrincipal: member, principalArn: member, username: `member-of-${name}` });
        }
        const pol = model.policiesOf(node);
        return {
            kind: "group-member",
            requestPrincipal: member,
            principalArn: member,
            accountId: node.accountId,
            identity: pol.identity,
            unresolved: pol.unresolved,
            username: `member-of-${name}`,
            label: `a member of group ${node.arn}`,
            node,
        };
    }
    return outside(principal);
}

function roleSession(model: AccessModel, roleArn: string, account: string, name: string, session: string, partition: string): Requester {
    // A permission set's role is not in the plan, but the permission set (and so its policies) may be.
    const node = model.identityByArn(roleArn) ?? model.permissionSetRole(roleArn);
    const sessionArn = `arn:${partition}:sts::${account}:assumed-role/${node?.name ?? name}/${session}`;
    if (!node || node.kind !== "role") {
        return {
            kind: "outside",
            requestPrincipal: sessionArn,
            principalArn: roleArn,
            accountId: account,
            identity: [ALLOW_ALL],
            unresolved: [],
            label: `session of role ${roleArn} (not in the plan: its identity side is assumed to allow everything)`,
        };
    }
    const pol = model.policiesOf(node);
    return {
        kind: "role-session",
        requestPrincipal: sessionArn,
        principalArn: node.arn,
        accountId: account,
        identity: pol.identity,
        boundary: pol.boundary,
        unresolved: pol.unresolved,
        label: `session of role ${node.arn}`,
        node,
    };
}

export function resolveTarget(model: AccessModel, named: string, action: string): Target | undefined {
    const resource = model.aliases.get(named) ?? named;
    const arn = parseArn(resource);
    if (!arn) return undefined;
    const service = action.split(":")[0]?.toLowerCase();
    if (arn.service === "iam" && arn.resource.startsWith("role/")) {
        const role = model.identityByArn(resource);
        if (role && role.kind === "role") {
            // The trust policy is the resource policy of sts actions only; iam:* on a role has none.
            const useTrust = service === "sts" && role.trust;
            return {
                arn: role.arn,
                accountId: role.accountId,
                resourcePolicy: useTrust ? role.trust : undefined,
                resourcePolicyLabel: useTrust ? "trust policy" : undefined,
                label: role.external ? `role ${role.arn} (not in the plan: its trust policy is unknown)` : `role ${role.arn}`,
            };
        }
    }
    if (arn.service === "s3" && !arn.account) {
        const bucket = model.bucket(arn.resource.split("/")[0]);
        if (bucket) {
            return {
                arn: resource,
                accountId: bucket.accountId,
                resourcePolicy: bucket.policy,
                resourcePolicyLabel: bucket.policy ? "bucket policy" : undefined,
                label: `${resource} (bucket in account ${bucket.accountId})`,
            };
        }
    }
    // Functions, repositories and shared snapshots: their policy is the resource side.
    const node = model.resource(resource);
    if (node) {
        return {
            arn: resource,
            accountId: node.accountId,
            resourcePolicy: node.policy,
            resourcePolicyLabel: node.policy ? RESOURCE_POLICY_LABEL[node.kind] : undefined,
            label: `${node.kind} ${resource}${node.external ? " (not in the plan: only what the plan grants on it is known)" : ""}`,
        };
    }
    const planned = model.planArns.get(resource);
    if (planned) return { arn: resource, accountId: planned.accountId, label: `${planned.type} ${resource}` };
    return undefined;
}

export type SimulationMode = "Strict" | "Discovery";

export interface Evaluation {
    decision: AccessDecision;
    analysis?: RequestAnalysis;
    error?: string;
    /** Discovery mode: what must hold for the request to be allowed. */
    conditions?: AllowedConditionExpression;
}

/** Keys whose value the plan knows for an edge; everything else (MFA, external ID, ...) stays a condition. */
const KNOWN_KEYS = [
    "aws:PrincipalArn",
    "aws:PrincipalAccount",
    "aws:PrincipalType",
    "aws:username",
    "aws:SecureTransport",
    "aws:PrincipalServiceName",
    "aws:SourceArn",
    "aws:SourceAccount",
];
const KNOWN_CONSTRAINTS: DiscoveryContextKeyConstraint[] = KNOWN_KEYS.map((keyName) => ({
    keyName,
    presenceIsKnown: true,
    valueIsKnown: true,
}));

/** What the plan knows about a request for an edge; the rest is left for Discovery mode to report. */
export function principalContext(req: Requester): Record<string, string> {
    const vars: Record<string, string> = { "aws:SecureTransport": "true" };
    if (req.kind === "service") {
        vars["aws:PrincipalServiceName"] = req.requestPrincipal;
        return vars;
    }
    if (req.principalArn) vars["aws:PrincipalArn"] = req.principalArn;
    if (req.accountId) vars["aws:PrincipalAccount"] = req.accountId;
    const type = req.requestPrincipal.includes(":assumed-role/")
        ? "AssumedRole"
        : req.requestPrincipal.endsWith(":root")
          ? "Account"
          : req.requestPrincipal.includes(":user/")
            ? "User"
            : undefined;
    if (type) vars["aws:PrincipalType"] = type;
    if (req.username) vars["aws:username"] = req.username;
    return vars;
}

/** Full request context for an expectation (Strict mode: what is not set here is absent). */
export function requestContext(req: Requester, ctx: AccessContext, now: Date): Record<string, string> {
    const vars = principalContext(req);
    vars["aws:CurrentTime"] = ctx.currentTime ?? now.toISOString();
    const epoch = Date.parse(vars["aws:CurrentTime"]);
    if (Number.isFinite(epoch)) vars["aws:EpochTime"] = String(Math.floor(epoch / 1000));
    if (ctx.mfa) {
        vars["aws:MultiFactorAuthPresent"] = "true";
        vars["aws:MultiFactorAuthAge"] = String(ctx.mfaAgeSeconds ?? 0);
    } else if (req.requestPrincipal.includes(":assumed-role/")) {
        // Temporary credentials always carry the key; long-term user credentials without MFA do not.
        vars["aws:MultiFactorAuthPresent"] = "false";
    }
    if (ctx.externalId !== undefined) vars["sts:ExternalId"] = ctx.externalId;
    if (ctx.sourceIp) vars["aws:SourceIp"] = ctx.sourceIp;
    if (ctx.principalOrgId) vars["aws:PrincipalOrgID"] = ctx.principalOrgId;
    vars["sts:RoleSessionName"] = ctx.sessionName ?? DEFAULT_SESSION;
    if (ctx.viaService) {
        // A service using a key for the caller: KMS sets kms:ViaService, and a grant RDS creates is for an AWS resource.
        vars["kms:ViaService"] = ctx.viaService;
        vars["kms:GrantIsForAWSResource"] = "true";
    }
    return vars;
}

export async function evaluate(
    req: Requester,
    action: string,
    target: Target,
    mode: SimulationMode,
    contextVariables: Record<string, string> = principalContext(req),
): Promise<Evaluation> {
    const web = req.token && webIdentityRequest(req.token, target.arn, target.accountId);
    const resourcePolicy =
        req.token && target.resourcePolicy ? withStandInKeys(target.resourcePolicy, req.token.host) : target.resourcePolicy;
    const simulation: Simulation = {
        request: {
            principal: web?.principal ?? req.requestPrincipal,
            action,
            resource: { resource: target.arn, accountId: target.accountId },
            contextVariables: { ...contextVariables, ...web?.context },
        },
        identityPolicies: req.identity.map((p) => ({ name: p.name, policy: p.validated })),
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        resourcePolicy: resourcePolicy?.validated,
        permissionBoundaryPolicies: req.boundary?.map((p) => ({ name: p.name, policy: p.validated })),
    };
    const out = await runSimulationInOneDateUnit(
        simulation,
        mode === "Discovery" ? { simulationMode: "Discovery", discoveryContextKeyConstraints: KNOWN_CONSTRAINTS } : {},
    );
    if (out.resultType === "error") {
        const details = [
            ...Object.entries(out.errors.identityPolicyErrors ?? {}).map(
                ([n, e]) => `identity policy ${n}: ${e.map((x) => x.message).join(", ")}`,
            ),
            ...Object.entries(out.errors.permissionBoundaryErrors ?? {}).map(
                ([n, e]) => `permissions boundary ${n}: ${e.map((x) => x.message).join(", ")}`,
            ),
            ...(out.errors.resourcePolicyErrors ?? []).map((e) => `${target.resourcePolicyLabel ?? "resource policy"}: ${e.message}`),
        ];
        return { decision: "ImplicitlyDenied", error: `${out.errors.message}${details.length ? ` (${details.join("; ")})` : ""}` };
    }
    const analysis = out.resultType === "single" ? out.result.analysis : out.results[0]?.analysis;
    return { decision: out.overallResult, analysis, conditions: analysis?.conditions };
}

/** Policy names (inline "Owner/Name" or managed ARN) of identity statements that allowed the request. */
export function grantingIdentityPolicies(ev: Evaluation): string[] {
    const names = (ev.analysis?.identityAnalysis?.allowStatements ?? []).map((s) => s.policyId);
    return [...new Set(names.filter((n) => n && n !== "assumed-allow-all" && n !== ALLOW_ALL.name))].sort();
}
