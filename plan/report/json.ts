// The plan as JSON for machines, documented in the README ("Plan output and the access lock").
// Bump SCHEMA_VERSION when a field changes meaning or disappears; adding a field does not bump it.
import { isDeployed } from "../aws-mocks";
import { countResources } from "../counts";
import { AccessGraph, MAX_RESOURCE_GRAPH_ACCOUNTS, accessGraph, accountCount } from "../graph";
import { LOCK_FILE } from "../lock";
import type { PlanResult } from "../plan";
import { redact } from "../redact";
import { isMandatory } from "./common";
import { mermaidResourceGraph } from "./graph";

export const SCHEMA_VERSION = 1;

export function planSummary(plan: PlanResult) {
    const totals = plan.stacks.map((s) => countResources(s.resources));
    const sum = (key: keyof (typeof totals)[number]) => totals.reduce((n, c) => n + c[key], 0);
    const mandatory = plan.violations.filter(isMandatory).length;
    const failed = plan.access.filter((a) => !a.pass).length;
    const diff = plan.review?.diff;
    return {
        stacks: plan.stacks.length,
        resources: sum("resources"),
        providers: sum("providers"),
        components: sum("components"),
        violations: { mandatory, advisory: plan.violations.length - mandatory },
        expectations: { total: plan.access.length, held: plan.access.length - failed, failed, skipped: plan.skippedExpectations.length },
        edges: { crossAccount: plan.edges.length, inAccount: plan.inAccount.length },
        accessDiff: { against: diff?.against ?? "none", gained: diff?.gained.length ?? 0, lost: diff?.lost.length ?? 0 },
        lock: plan.review?.lock.status ?? "not-checked",
    };
}

export function planToJson(plan: PlanResult, graph: AccessGraph = accessGraph(plan)) {
    const review = plan.review;
    return redact(
        {
            schemaVersion: SCHEMA_VERSION,
            ok: plan.ok,
            summary: planSummary(plan),
            accounts: plan.accounts,
            order: plan.order,
            stacks: plan.stacks.map((stack) => ({
                name: stack.name,
                environment: stack.environment,
                accountId: stack.accountId,
                region: stack.region,
                counts: countResources(stack.resources),
                resources: stack.resources
                    .filter(isDeployed)
                    .map((r) => ({ urn: r.urn, type: r.type, name: r.name, accountId: r.accountId ?? null, inputs: r.inputs })),
                outputs: stack.outputs,
            })),
            violations: plan.violations.map((v) => ({
                policyName: v.policyName,
                enforcementLevel: v.enforcementLevel,
                stack: v.stack,
                urn: v.urn ?? null,
                message: v.message,
            })),
            access: plan.access.map((a) => ({
                id: a.id,
                principal: a.principal,
                action: a.action,
                resource: a.resource,
                context: a.context,
                expected: a.expected,
                result: a.result,
                pass: a.pass,
                explanation: a.explanation,
            })),
            skippedExpectations: plan.skippedExpectations,
            edges: plan.edges,
            inAccountAccess: plan.inAccount,
            accessDiff: {
                against: review?.diff.against ?? "none",
                file: review?.diff.against === "lock" ? LOCK_FILE : (review?.diff.file ?? null),
                gained: review?.diff.gained ?? [],
                lost: review?.diff.lost ?? [],
            },
            lock: {
                file: LOCK_FILE,
                status: review?.lock.status ?? "not-checked",
                reason: review?.lock.reason ?? null,
                gained: review?.lock.diff.gained ?? [],
                lost: review?.lock.diff.lost ?? [],
            },
            graph: {
                markdown: accountCount(graph) > MAX_RESOURCE_GRAPH_ACCOUNTS ? "account" : "resource",
                accounts: graph.accounts,
                nodes: graph.nodes,
                edges: graph.edges,
                mermaid: mermaidResourceGraph(graph),
            },
        },
        plan.secretValues,
    );
}

/** What a run that could not plan writes to --json. */
export function failureJson(errors: string[]) {
    return { schemaVersion: SCHEMA_VERSION, ok: false, errors };
}
