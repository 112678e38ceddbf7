// The offline runner: the plan engine (plan/) stands in for the Pulumi CLI. Nothing is
// deployed. A "preview" is the offline plan of one stack under the policy pack; an "update" plans it
// again and records its outputs, which the stacks that read it (StackReference) then see.
// Also the real runner's stand-in, in the gate, for stacks whose dependencies were never deployed.
import { PlanOptions, PlanResult, PlannedStack, planOrganization } from "../plan/plan";
import { redact } from "../plan/report";
import { CancelOutcome, ChangeCounts, OperationContext, PolicyFinding, Readiness, StackPreview, StackRunner, StackUpdate } from "./types";

export type PlanFunction = (options: PlanOptions) => Promise<PlanResult>;

export interface OfflineRunnerOptions {
    projectDir: string;
    /** Stack → stacks it reads (organizationGraph). */
    graph: Record<string, string[]>;
    /** Content of the policy pack config (policy-pack/config.json). */
    policyConfig?: Record<string, unknown>;
    /** The plan engine; default plan/plan.ts planOrganization. */
    plan?: PlanFunction;
}

export class OfflineRunner implements StackRunner {
    readonly kind = "offline";
    /** Plans made by previews (and of dependencies outside the release), by stack. */
    private readonly planned = new Map<string, Promise<PlannedStack>>();
    /** What "updates" recorded: the stack as planned when it was updated. */
    private readonly updated = new Map<string, PlannedStack>();
    private readonly secrets = new Set<string>();
    private cancelled = false;

    constructor(private readonly options: OfflineRunnerOptions) {}

    /** Every secret value seen so far (external IDs), for redacting reports. */
    get secretValues(): ReadonlySet<string> {
        return this.secrets;
    }

    /** The stack as its offline "update" left it (resources and outputs), for reports and tests. */
    updatedStack(stack: string): PlannedStack | undefined {
        return this.updated.get(stack);
    }

    /** Offline previews read what the plans of their dependencies export: always possible. */
    async readiness(): Promise<Readiness> {
        return { ready: true };
    }

    async preview(stack: string, context: OperationContext): Promise<StackPreview> {
        const started = Date.now();
        const notes: string[] = [];
        try {
            const known = await this.dependencyOutputs(stack, notes, "preview");
            context.progress("planning under the policy pack (offline)");
            const plan = await this.plan(stack, known);
            const planned = plan.stacks[0];
            this.planned.set(stack, Promise.resolve(planned));
            const policy = findings(plan);
            notes.push(...accessNotes(plan));
            this.report(context, policy);
            return {
                stack,
                ok: !policy.some((p) => p.enforcementLevel === "mandatory"),
                changes: creates(planned),
                policy,
                notes: this.redacted(notes),
                seconds: (Date.now() - started) / 1000,
            };
        } catch (error) {
            return this.failed(stack, error, notes, started);
        }
    }

    async update(stack: string, context: OperationContext): Promise<StackUpdate> {
        const started = Date.now();
        const notes: string[] = [];
        try {
            if (this.cancelled) throw new Error("cancelled before it started");
            const known = await this.dependencyOutputs(stack, notes, "update");
            context.progress("planning again and recording outputs (offline: nothing is deployed)");
            const plan = await this.plan(stack, known);
            const planned = plan.stacks[0];
            const policy = findings(plan);
            this.report(context, policy);
            const ok = !policy.some((p) => p.enforcementLevel === "mandatory");
            if (ok) {
                this.updated.set(stack, planned);
                context.progress(`recorded ${Object.keys(planned.outputs).length} output(s) for the stacks that read ${stack}`);
            }
            return {
                stack,
                ok,
                changes: creates(planned),
                policy,
                outputs: this.redacted(planned.outputs),
                error: ok ? undefined : "mandatory policy violation(s)",
                notes: this.redacted(notes),
                seconds: (Date.now() - started) / 1000,
            };
        } catch (error) {
            return { ...this.failed(stack, error, notes, started), outputs: {} };
        }
    }

    /** Nothing runs outside this process and nothing holds a lock: plans in flight finish, no new one starts. */
    async cancel(): Promise<CancelOutcome[]> {
        this.cancelled = true;
        return [];
    }

    private async plan(stack: string, knownOutputs: Map<string, Record<string, unknown>>): Promise<PlanResult> {
        const plan = this.options.plan ?? planOrganization;
        const result = await plan({
            projectDir: this.options.projectDir,
            stacks: [stack],
            knownOutputs,
            policyConfig: this.options.policyConfig,
        });
        result.secretValues.forEach((s) => this.secrets.add(s));
        const planned = result.stacks.find((s) => s.name === stack);
        if (!planned || result.stacks.length !== 1) {
            throw new Error(`the plan engine planned ${result.stacks.map((s) => s.name).join(", ") || "nothing"} instead of ${stack}`);
        }
        return result;
    }

    /**
     * Outputs of the stacks `stack` reads: those its dependencies' "updates" recorded, else those of
     * their offline plans (previewed earlier in the gate, or planned now for a stack outside the release).
     */
    private async dependencyOutputs(stack: string, notes: string[], phase: "preview" | "update") {
        const outputs = new Map<string, Record<string, unknown>>();
        for (const dependency of this.options.graph[stack] ?? []) {
            const updated = this.updated.get(dependency);
            if (updated) {
                outputs.set(dependency, updated.outputs);
                continue;
            }
            const hadPlan = this.planned.has(dependency);
            outputs.set(dependency, (await this.planOf(dependency)).outputs);
            if (phase === "update")
                notes.push(`${dependency} was not updated by this release: ${stack} reads the outputs of its offline plan`);
            else if (!hadPlan) notes.push(`${dependency} is not previewed in this release: ${stack} reads the outputs of its offline plan`);
        }
        return outputs;
    }

    private planOf(stack: string): Promise<PlannedStack> {
        let planned = this.planned.get(stack);
        if (!planned) {
            planned = (async () => {
                const known = await this.dependencyOutputs(stack, [], "preview");
                return (await this.plan(stack, known)).stacks[0];
            })();
            this.planned.set(stack, planned);
        }
        return planned;
    }

    private report(context: OperationContext, policy: PolicyFinding[]) {
        for (const finding of policy) {
            context.progress(
                this.redacted(
                    `policy ${finding.enforcementLevel}: ${finding.policyName}${finding.urn ? ` on ${finding.urn.slice(finding.urn.lastIndexOf("::") + 2)}` : ""}: ${finding.message.replace(/\s*\n\s*/g, " ")}`,
                ),
            );
        }
    }

    /** A stack that could not be planned: nothing changes, the error says why (secrets redacted). */
    private failed(stack: string, error: unknown, notes: string[], started: number): StackPreview {
        return {
            stack,
            ok: false,
            changes: {},
            policy: [],
            error: this.redacted(messageOf(error)),
            notes: this.redacted(notes),
            seconds: (Date.now() - started) / 1000,
        };
    }

    private redacted<T>(value: T): T {
        return redact(value, this.secrets);
    }
}

function findings(plan: PlanResult): PolicyFinding[] {
    return plan.violations
        .filter((v) => v.enforcementLevel !== "disabled")
        .map((v) => ({
            policyName: v.policyName,
            enforcementLevel: v.enforcementLevel === "mandatory" ? "mandatory" : "advisory",
            urn: v.urn ?? undefined,
            message: v.message,
        }));
}

/** Nothing exists offline: every resource the program registers would be created (StackReferences are reads). */
function creates(stack: PlannedStack): ChangeCounts {
    return { create: stack.resources.filter((r) => r.type !== "pulumi:pulumi:StackReference").length };
}

function accessNotes(plan: PlanResult): string[] {
    return plan.access
        .filter((a) => !a.pass)
        .map((a) => `access expectation ${a.id} does not hold (${a.result}); npm run plan analyses access across all stacks`);
}

function messageOf(error: unknown): string {
    return error instanceof Error ? error.message : String(error);
}
