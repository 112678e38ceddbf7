// A StackRunner that records what the orchestrator asks of it, in order, and fails or blocks on demand.
// Operations take one macrotask (setImmediate), so operations started together overlap in the log.
import { CancelOutcome, OperationContext, PolicyFinding, Readiness, StackPreview, StackRunner, StackUpdate } from "../../release/types";

export interface RecordingOptions {
    kind?: StackRunner["kind"];
    /** Findings each stack's preview reports. */
    findings?: Record<string, PolicyFinding[]>;
    /** Stacks whose preview errors. */
    failPreview?: string[];
    /** Stacks whose update fails. */
    failUpdate?: string[];
    /** stack → dependencies reported as never deployed. */
    notDeployed?: Record<string, string[]>;
    /** stack → another stack: this stack's update does not end before that stack's update has ended. */
    endsAfter?: Record<string, string>;
    /** Stacks whose update only ends when cancel() is called. */
    blockUntilCancel?: string[];
    /** Stacks whose preview only ends when cancel() is called. */
    blockPreviewUntilCancel?: string[];
    /** Names the log uses for this runner's entries ("stand-in:" for a stand-in). */
    prefix?: string;
    /** A shared log, so two runners' entries interleave in one order. */
    log?: string[];
}

export const mandatory = (policyName: string, urn = `urn:pulumi:x::crossaccount::aws:iam/role:Role::${policyName}`): PolicyFinding => ({
    policyName,
    enforcementLevel: "mandatory",
    urn,
    message: `${policyName} violated`,
});

export const advisory = (policyName: string): PolicyFinding => ({
    policyName,
    enforcementLevel: "advisory",
    message: `${policyName} noted`,
});

export class RecordingRunner implements StackRunner {
    readonly kind: StackRunner["kind"];
    readonly log: string[];
    readonly progress: string[] = [];
    private readonly ended = new Map<string, () => void>();
    private readonly endedPromises = new Map<string, Promise<void>>();
    private readonly cancelWaiters: (() => void)[] = [];
    private cancelled = false;

    constructor(private readonly options: RecordingOptions = {}) {
        this.kind = options.kind ?? "automation";
        this.log = options.log ?? [];
    }

    private record(entry: string) {
        this.log.push(`${this.options.prefix ?? ""}${entry}`);
    }

    private endedPromise(stack: string): Promise<void> {
        if (!this.endedPromises.has(stack)) this.endedPromises.set(stack, new Promise((resolve) => this.ended.set(stack, resolve)));
        return this.endedPromises.get(stack)!;
    }

    private untilCancel(): Promise<void> {
        return this.cancelled ? Promise.resolve() : new Promise((resolve) => this.cancelWaiters.push(resolve));
    }

    async readiness(stack: string, dependencies: string[]): Promise<Readiness> {
        const missing = (this.options.notDeployed?.[stack] ?? []).filter((d) => dependencies.includes(d));
        return missing.length === 0 ? { ready: true } : { ready: false, missing, reason: `${missing.join(", ")} never deployed` };
    }

    async preview(stack: string, context: OperationContext): Promise<StackPreview> {
        this.record(`preview:${stack}`);
        context.progress(`previewing ${stack}`);
        if (this.options.blockPreviewUntilCancel?.includes(stack)) await this.untilCancel();
        else await tick();
        this.record(`preview-end:${stack}`);
        const policy = this.options.findings?.[stack] ?? [];
        const failed = this.options.failPreview?.includes(stack);
        return {
            stack,
            ok: !failed && !policy.some((p) => p.enforcementLevel === "mandatory"),
            changes: { create: 1 },
            policy,
            error: failed ? `${stack}: program failed` : undefined,
            notes: [],
            seconds: 1,
        };
    }

    async update(stack: string, context: OperationContext): Promise<StackUpdate> {
        this.record(`start:${stack}`);
        context.progress(`updating ${stack}`);
        const after = this.options.endsAfter?.[stack];
        if (this.options.blockUntilCancel?.includes(stack)) await this.untilCancel();
        else if (after) await this.endedPromise(after);
        else await tick();
        this.record(`end:${stack}`);
        this.endedPromise(stack);
        this.ended.get(stack)!();
        const failed = this.options.failUpdate?.includes(stack) || this.options.blockUntilCancel?.includes(stack);
        return {
            stack,
            ok: !failed,
            changes: { create: 2, same: 1 },
            policy: [],
            outputs: { vpcId: `vpc-${stack}` },
            error: failed ? (this.cancelled ? "cancelled" : `${stack}: update failed`) : undefined,
            notes: [],
            seconds: 2,
        };
    }

    async cancel(): Promise<CancelOutcome[]> {
        this.record("cancel");
        this.cancelled = true;
        const outcomes = [
            ...(this.options.blockUntilCancel ?? []).map((stack): CancelOutcome => ({
                stack,
                operation: "update",
                lock: "released",
                detail: "stopped",
            })),
            ...(this.options.blockPreviewUntilCancel ?? []).map((stack): CancelOutcome => ({
                stack,
                operation: "preview",
                lock: "released",
                detail: "stopped",
            })),
        ];
        this.cancelWaiters.splice(0).forEach((resolve) => resolve());
        return outcomes;
    }
}

export function tick(): Promise<void> {
    return new Promise((resolve) => setImmediate(resolve));
}
