// The release orchestration, independent of how a stack is previewed or updated:
//   1. order the selected stacks from the StackReferences the program declares (cycles are an error);
//   2. gate: preview every selected stack under the policy pack; any failure or mandatory violation
//      anywhere means no stack is updated;
//   3. update stack by stack in dependency order, independent stacks in parallel (up to `parallel`);
//      on the first failure start nothing new, let running updates finish, report the rest;
//   4. return everything the summary needs.
//
// First deployment: a stack whose dependency has never been deployed cannot be previewed for real
// (its StackReference has nothing to read). The runner says so through `readiness`; such a stack is
// "deferred": in the gate it is checked by the stand-in (the offline plan under the same policy pack),
// and it is previewed for real right before its own update, once its dependencies have succeeded.
import { StackCycleError, orderStacks } from "../plan/stack-graph";
import { CancelOutcome, GateEntry, ReleaseResult, ReleaseUsageError, StackPreview, StackResult, StackRunner, StackUpdate } from "./types";

export interface ReleaseOptions {
    runner: StackRunner;
    /** The organization's graph: stack → stacks it reads through StackReference (plan/stack-graph.ts). */
    graph: Record<string, string[]>;
    /** Stacks to release; default every stack of the graph. Dependencies outside the selection are read, not updated. */
    stacks?: string[];
    /** Most stacks previewed or updated at once. */
    parallel: number;
    previewOnly?: boolean;
    /** Previews, in the gate, the stacks the runner cannot preview yet (the offline plan for the real runner). */
    standIn?: Pick<StackRunner, "preview">;
    /** Asked once the gate has passed, before the first update; false → nothing is updated. */
    confirm?: (gate: GateReport) => Promise<boolean>;
    /** Progress lines: `stack` is undefined for release-wide lines. */
    onProgress?: (stack: string | undefined, message: string) => void;
    now?: () => number;
}

export interface GateReport {
    order: string[];
    waves: string[][];
    entries: GateEntry[];
}

export class UnknownStackError extends ReleaseUsageError {
    constructor(
        readonly stacks: string[],
        known: string[],
    ) {
        super(`unknown stack(s): ${stacks.join(", ")} (stack files: ${known.join(", ") || "none"})`);
        this.name = "UnknownStackError";
    }
}

/** A result in which nothing was previewed or updated because the release could not even be ordered. */
export function stoppedBeforeGate(runner: StackRunner["kind"], stacks: string[], error: string, previewOnly = false): ReleaseResult {
    return {
        runner,
        previewOnly,
        ok: false,
        dependencies: {},
        waves: [],
        order: [],
        gate: { ok: false, entries: [], error },
        stopReason: "the gate failed: nothing was updated",
        stacks: stacks.map((stack) => ({ stack, status: "not-started", reason: "the gate failed" })),
        interrupted: false,
        cancellations: [],
        seconds: 0,
    };
}

export class Release {
    private stopped = false;
    private interrupted = false;
    private stopReason?: string;
    private cancelling?: Promise<CancelOutcome[]>;
    private cancellations: CancelOutcome[] = [];
    private cancelled!: Promise<void>;
    private markCancelled!: () => void;
    private readonly now: () => number;

    constructor(private readonly options: ReleaseOptions) {
        if (!Number.isInteger(options.parallel) || options.parallel < 1) {
            throw new RangeError(`parallel must be a positive integer, got ${options.parallel}`);
        }
        this.now = options.now ?? Date.now;
        this.cancelled = new Promise((resolve) => (this.markCancelled = resolve));
    }

    /**
     * Stops starting previews and updates, cancels the running ones through the runner, and makes
     * `run()` finish with what was done. Safe to call more than once.
     */
    interrupt(): Promise<CancelOutcome[]> {
        if (!this.cancelling) {
            this.interrupted = true;
            this.stop("interrupted: nothing new was started after the interrupt");
            this.progress(undefined, "interrupt: starting nothing new, cancelling running operations");
            this.cancelling = this.options.runner.cancel().then(
                (outcomes) => {
                    this.cancellations = outcomes;
                    this.markCancelled();
                    return outcomes;
                },
                (error: unknown) => {
                    this.markCancelled();
                    throw error;
                },
            );
        }
        return this.cancelling;
    }

    async run(): Promise<ReleaseResult> {
        const started = this.now();
        const { runner, graph } = this.options;
        const previewOnly = this.options.previewOnly ?? false;
        const known = Object.keys(graph).sort();
        const unknown = (this.options.stacks ?? []).filter((stack) => !(stack in graph));
        if (unknown.length > 0) throw new UnknownStackError(unknown, known);

        let order;
        try {
            order = orderStacks(graph, this.options.stacks, false);
        } catch (error) {
            if (error instanceof StackCycleError) {
                return stoppedBeforeGate(runner.kind, this.options.stacks ?? known, error.message, previewOnly);
            }
            throw error;
        }
        const { dependencies, waves } = order;
        this.progress(undefined, `order: ${waves.map((wave) => wave.join(" + ")).join(" -> ")}`);

        const entries = await this.gate(order.order, dependencies);
        const gateOk = entries.every((entry) => entry.status === "passed" || entry.status === "deferred");
        const result = (stacks: StackResult[], ok: boolean): ReleaseResult => ({
            runner: runner.kind,
            previewOnly,
            ok,
            dependencies,
            waves,
            order: order.order,
            gate: { ok: gateOk && !this.interrupted, entries },
            stopReason: this.stopReason,
            stacks,
            interrupted: this.interrupted,
            cancellations: this.cancellations,
            seconds: (this.now() - started) / 1000,
        });
        const untouched = (reason: string) => order.order.map((stack): StackResult => ({ stack, status: "not-started", reason }));

        if (this.interrupted) return result(untouched("interrupted during the gate"), false);
        if (!gateOk) {
            this.stop("the gate failed: nothing was updated");
            this.progress(undefined, "gate: FAILED, nothing will be updated");
            return result(untouched("the gate failed"), false);
        }
        this.progress(undefined, "gate: passed");
        if (previewOnly) {
            return result(
                order.order.map((stack) => ({ stack, status: "previewed" })),
                true,
            );
        }
        if (this.options.confirm && !(await this.options.confirm({ order: order.order, waves, entries }))) {
            this.stop("not confirmed: nothing was updated");
            return result(untouched("not confirmed"), false);
        }
        if (this.interrupted) return result(untouched("interrupted before the first update"), false);

        const deferred = new Set(entries.filter((e) => e.status === "deferred").map((e) => e.stack));
        const stacks = await this.update(order.order, dependencies, deferred);
        return result(
            stacks,
            stacks.every((s) => s.status === "updated"),
        );
    }

    // ---- gate ------------------------------------------------------------------------------------

    private async gate(order: string[], dependencies: Record<string, string[]>): Promise<GateEntry[]> {
        const { runner, standIn } = this.options;
        const entries = new Map<string, GateEntry>();
        this.progress(undefined, `gate: previewing ${order.join(", ")} under the policy pack`);
        // Every stack is previewed whatever happened to the others, so the report names every
        // violation; dependencies first, so a stand-in can read what its dependencies would export.
        const notStarted = await this.pool(order, {
            startable: (stack, finished) => dependencies[stack].every((d) => finished.has(d)),
            run: async (stack) => {
                const context = this.context(stack, "preview");
                let readiness;
                try {
                    readiness = await runner.readiness(stack, this.options.graph[stack] ?? []);
                } catch (error) {
                    const preview = previewFailure(stack, `cannot tell whether its dependencies are deployed: ${messageOf(error)}`);
                    entries.set(stack, { stack, status: "failed", previewedBy: this.by(runner), preview });
                    this.reportPreview(stack, preview, "preview");
                    return false;
                }
                if (readiness.ready) {
                    const preview = await this.safely(stack, () => runner.preview(stack, context), previewFailure);
                    entries.set(stack, { stack, status: preview.ok ? "passed" : "failed", previewedBy: this.by(runner), preview });
                    this.reportPreview(stack, preview, "preview");
                    return true;
                }
                const unreleased = readiness.missing.filter((d) => !(d in dependencies));
                if (unreleased.length > 0) {
                    const preview = previewFailure(
                        stack,
                        `${readiness.reason}, and ${unreleased.join(", ")} ${unreleased.length === 1 ? "is" : "are"} not part of this release (add to --stacks)`,
                    );
                    entries.set(stack, { stack, status: "failed", preview, reason: readiness.reason });
                    this.reportPreview(stack, preview, "preview");
                    return false;
                }
                this.progress(stack, `deferred: ${readiness.reason}; previewed for real right before its update`);
                if (!standIn) {
                    entries.set(stack, { stack, status: "deferred", reason: readiness.reason });
                    return true;
                }
                const preview = await this.safely(stack, () => standIn.preview(stack, context), previewFailure);
                entries.set(stack, {
                    stack,
                    status: preview.ok ? "deferred" : "failed",
                    previewedBy: "offline",
                    preview,
                    reason: readiness.reason,
                });
                this.reportPreview(stack, preview, "offline preview");
                return true;
            },
        });
        for (const stack of notStarted) entries.set(stack, { stack, status: "not-previewed", reason: "interrupted" });
        return order.map((stack) => entries.get(stack)!);
    }

    // ---- updates ---------------------------------------------------------------------------------

    private async update(order: string[], dependencies: Record<string, string[]>, deferred: Set<string>): Promise<StackResult[]> {
        const { runner } = this.options;
        const results = new Map<string, StackResult>();
        const notStarted = await this.pool(order, {
            startable: (stack, finished) => dependencies[stack].every((d) => finished.get(d) === true),
            run: async (stack) => {
                let preview: StackPreview | undefined;
                if (deferred.has(stack)) {
                    // Its dependencies exist now: the real preview the gate could not run.
                    preview = await this.safely(stack, () => runner.preview(stack, this.context(stack, "preview")), previewFailure);
                    this.reportPreview(stack, preview, "preview (deferred)");
                    if (!preview.ok) {
                        const status = this.interrupted ? "cancelled" : "failed";
                        results.set(stack, {
                            stack,
                            status,
                            preview,
                            reason: "its preview under the policy pack failed, so it was not updated",
                        });
                        this.stop(`the deferred preview of ${stack} failed: no new update was started`);
                        return false;
                    }
                    if (this.stopped) {
                        results.set(stack, { stack, status: "not-started", preview, reason: this.stopReason });
                        return false;
                    }
                }
                this.progress(stack, "updating");
                const update = await this.safely(stack, () => runner.update(stack, this.context(stack, "update")), updateFailure);
                if (update.ok) {
                    results.set(stack, { stack, status: "updated", preview, update });
                    this.progress(stack, `updated in ${update.seconds.toFixed(1)} s`);
                    return true;
                }
                const cancelled = this.interrupted;
                results.set(stack, { stack, status: cancelled ? "cancelled" : "failed", preview, update, reason: update.error });
                this.progress(stack, `${cancelled ? "cancelled" : "FAILED"}: ${update.error ?? "see the events above"}`);
                this.stop(`the update of ${stack} failed: no new update was started`);
                return false;
            },
        });
        return order.map(
            (stack) =>
                results.get(stack) ??
                ({
                    stack,
                    status: notStarted.includes(stack) ? "not-started" : "cancelled",
                    reason: notStarted.includes(stack) ? this.stopReason : "still running when the release stopped",
                } satisfies StackResult),
        );
    }

    // ---- scheduling ------------------------------------------------------------------------------

    /**
     * Runs `run(stack)` for every stack in `order` once `startable` says so, at most `parallel` at a
     * time. Stops starting new ones when the release is stopped. After an interrupt, waits for running
     * ones only until the runner's cancel has finished. Returns the stacks never started.
     */
    private async pool(
        order: string[],
        spec: {
            startable: (stack: string, finished: Map<string, boolean>) => boolean;
            run: (stack: string) => Promise<boolean>;
        },
    ): Promise<string[]> {
        const pending = [...order];
        const finished = new Map<string, boolean>();
        const running = new Map<string, Promise<void>>();
        const start = (stack: string) => {
            const operation = spec.run(stack).then((ok) => {
                finished.set(stack, ok);
                running.delete(stack);
            });
            running.set(stack, operation);
        };
        for (;;) {
            if (!this.stopped) {
                for (const stack of [...pending]) {
                    if (running.size >= this.options.parallel) break;
                    if (!spec.startable(stack, finished)) continue;
                    pending.splice(pending.indexOf(stack), 1);
                    start(stack);
                }
            }
            if (running.size === 0) break;
            const cancelled = this.cancelled.then(() => "cancelled" as const);
            const next = await Promise.race([Promise.race(running.values()).then(() => "settled" as const), cancelled]);
            if (next === "cancelled") {
                // The runner has done what it could; let operations that just ended report, then stop waiting.
                await new Promise((resolve) => setImmediate(resolve));
                break;
            }
        }
        if (pending.length > 0 && !this.stopped) {
            // Only possible if a dependency never succeeded without stopping the release.
            this.stop("a dependency was not updated");
        }
        return pending;
    }

    private stop(reason: string) {
        this.stopped = true;
        this.stopReason ??= reason;
    }

    private by(runner: StackRunner): "cli" | "offline" {
        return runner.kind === "automation" ? "cli" : "offline";
    }

    private context(stack: string, phase: "preview" | "update") {
        return { progress: (message: string) => this.progress(stack, `${phase}: ${message}`) };
    }

    private progress(stack: string | undefined, message: string) {
        this.options.onProgress?.(stack, message);
    }

    private reportPreview(stack: string, preview: StackPreview, what: string) {
        const mandatory = preview.policy.filter((p) => p.enforcementLevel === "mandatory").length;
        const verdict = preview.ok ? "passed" : "FAILED";
        const why = preview.error ? `: ${preview.error}` : mandatory > 0 ? `: ${mandatory} mandatory policy violation(s)` : "";
        this.progress(stack, `${what} ${verdict}${why}`);
    }

    /** A runner that throws (a bug, not a failed operation) becomes a failed operation for that stack. */
    private async safely<T>(stack: string, operation: () => Promise<T>, failure: (stack: string, error: string) => T): Promise<T> {
        try {
            return await operation();
        } catch (error) {
            return failure(stack, messageOf(error));
        }
    }
}

function messageOf(error: unknown): string {
    return error instanceof Error ? error.message : String(error);
}

function previewFailure(stack: string, error: string): StackPreview {
    return { stack, ok: false, changes: {}, policy: [], error, notes: [], seconds: 0 };
}

function updateFailure(stack: string, error: string): StackUpdate {
    return { stack, ok: false, changes: {}, policy: [], outputs: {}, error, notes: [], seconds: 0 };
}

/** Runs a release to the end; the CLI keeps the Release to interrupt it. */
export function release(options: ReleaseOptions): Promise<ReleaseResult> {
    return new Release(options).run();
}
