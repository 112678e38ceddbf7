// The second hop of the access graph: what happens inside an account once someone is in. The analysis
// lists cross-account edges (dev Developers may assume prod's UpdateApp); a reviewer also needs to see
// what UpdateApp may then do to prod's buckets, and which dev identities may assume the dev role that
// reads prod's images. Both are read from the planned policies and proved with the same simulator,
// through the analysis's public API only.
import { AccessEdge, AccessModel, PlannedResource, concreteActions, evaluateExpectation } from "../analysis/access";
import { type Statement, coversAction, hasWildcard, isAllow, wildcardMatch } from "../policy-pack/lib/iam";

/** An access a graph draws inside one account: an identity assuming a role, a role using a resource. */
export interface InAccountAccess {
    kind: "assume-role" | "resource-access";
    principal: string;
    target: string;
    accountId: string;
    /** As the role's policies write them (a wildcard stays a wildcard), each proved on the target. */
    actions: string[];
}

type Identity = AccessModel["roles"][number];

interface Target {
    arn: string;
    service: string;
    /** ARNs the simulator is asked about: a bucket and one of its objects. */
    probes: string[];
}

/** A session at its most capable: the cross-account trust policies ask for MFA, so a session has it. */
const SESSION = { mfa: true, mfaAgeSeconds: 60 };
/** Concrete actions tried for one wildcard before it counts as not allowed (wildcards are rare: the pack forbids them). */
const MAX_WILDCARD_TRIES = 64;

/**
 * In-account access of every role the plan creates to the buckets, functions, repositories and snapshots
 * of its own account, and the assume-role grants into roles that appear in the graph (the roles of
 * `crossAccount`, plus those with in-account access) from identities of the same account.
 */
export async function inAccountAccess(
    resources: PlannedResource[],
    crossAccount: AccessEdge[],
    now = new Date(),
): Promise<InAccountAccess[]> {
    const model = new AccessModel(resources);
    const prove = (principal: string, action: string, resource: string) =>
        evaluateExpectation(model, { id: "graph", principal, action, resource, context: SESSION, expect: "allow" }, now).then(
            (r) => r.result === "Allowed",
        );
    const targets = new Map<string, Target[]>();
    const addTarget = (accountId: string, target: Target) => targets.set(accountId, [...(targets.get(accountId) ?? []), target]);
    for (const bucket of model.buckets)
        addTarget(bucket.accountId, { arn: bucket.arn, service: "s3", probes: [bucket.arn, `${bucket.arn}/object`] });
    for (const node of model.resources.filter((r) => !r.external)) {
        addTarget(node.accountId, { arn: node.arn, service: node.arn.split(":")[2], probes: [node.arn] });
    }

    const out: InAccountAccess[] = [];
    const roles = model.roles.filter((r) => !r.external).sort(byArn);
    for (const role of roles) {
        const statements = allowStatements(model, role, true);
        for (const target of targets.get(role.accountId) ?? []) {
            const actions: string[] = [];
            for (const [pattern, probes] of writtenActions(statements, target)) {
                if (await provesAny(pattern, target.service, probes, (action, arn) => prove(role.arn, action, arn))) actions.push(pattern);
            }
            if (actions.length)
                out.push({
                    kind: "resource-access",
                    principal: role.arn,
                    target: target.arn,
                    accountId: role.accountId,
                    actions: actions.sort(),
                });
        }
    }

    const shown = new Set([...crossAccount.flatMap((e) => [e.principal, e.target]), ...out.map((a) => a.principal)]);
    // By account, in ARN order: only identities of the role's own account are asked about, and an
    // organization of N accounts would otherwise walk every identity of every account for each role.
    const identities = new Map<string, Identity[]>();
    for (const identity of [...model.groups, ...model.users, ...model.roles].filter((i) => !i.external).sort(byArn)) {
        const ofAccount = identities.get(identity.accountId) ?? identities.set(identity.accountId, []).get(identity.accountId)!;
        ofAccount.push(identity);
    }
    for (const role of roles.filter((r) => shown.has(r.arn))) {
        for (const identity of identities.get(role.accountId) ?? []) {
            if (identity.arn === role.arn) continue;
            // Only policies the identity owns: a user's group grant shows once, on the group.
            const named = allowStatements(model, identity, false).some((st) => st.action && coversAction(st, "sts:AssumeRole"));
            if (named && (await prove(identity.arn, "sts:AssumeRole", role.arn))) {
                out.push({
                    kind: "assume-role",
                    principal: identity.arn,
                    target: role.arn,
                    accountId: role.accountId,
                    actions: ["sts:AssumeRole"],
                });
            }
        }
    }
    return out;
}

function byArn(a: { arn: string }, b: { arn: string }): number {
    return a.arn < b.arn ? -1 : a.arn > b.arn ? 1 : 0;
}

function allowStatements(model: AccessModel, identity: Identity, withGroups: boolean): Statement[] {
    const policies = withGroups
        ? model.policiesOf(identity).identity
        : [...identity.inline, ...identity.managedArns.flatMap((arn) => model.managedPolicy(arn) ?? [])];
    return policies.flatMap((p) => p.statements).filter(isAllow);
}

/**
 * The actions the statements write for the target's service ("*" and "s3:Get*" included), each with the
 * ARNs to ask about: what the statements' Resource patterns name of the target (a prefix of its
 * objects), so statements about other resources cost no simulation.
 */
function writtenActions(statements: Statement[], target: Target): Map<string, Set<string>> {
    const out = new Map<string, Set<string>>();
    for (const st of statements) {
        const actions = (st.action?.values ?? []).filter((a) => a === "*" || wildcardMatch(a.split(":")[0], target.service));
        const probes = actions.length ? probesOf(st, target) : [];
        if (!probes.length) continue;
        for (const action of actions) {
            const set = out.get(action) ?? out.set(action, new Set()).get(action)!;
            probes.forEach((p) => set.add(p));
        }
    }
    return out;
}

function probesOf(st: Statement, target: Target): string[] {
    if (!st.resource) return target.probes; // NotResource: the simulator decides
    const out = new Set<string>();
    for (const pattern of st.resource.values) {
        const concrete = pattern.replace(/[*?]/g, "x");
        if (concrete === target.arn || concrete.startsWith(`${target.arn}/`) || concrete.startsWith(`${target.arn}:`)) out.add(concrete);
        else target.probes.filter((probe) => wildcardMatch(pattern, probe)).forEach((probe) => out.add(probe));
    }
    return [...out];
}

async function provesAny(
    pattern: string,
    service: string,
    probes: Set<string>,
    prove: (action: string, arn: string) => Promise<boolean>,
): Promise<boolean> {
    const wildcard = hasWildcard(pattern);
    const concrete = wildcard ? await concreteActions(pattern, service) : [pattern];
    let tries = 0;
    for (const action of concrete) {
        for (const arn of probes) {
            if (await prove(action, arn)) return true;
            if (wildcard && ++tries >= MAX_WILDCARD_TRIES) return false;
        }
    }
    return false;
}
