// The real runner: LocalWorkspace over this project's directory, one stack per Pulumi.<stack>.yaml,
// every preview and update under the policy pack, engine events streamed as progress.
// It is deliberately thin: ordering, the gate, parallelism and failure handling live in orchestrator.ts.
import * as fs from "fs";
import {
    CommandError,
    ConcurrentUpdateError,
    EngineEvent,
    LocalProgramArgs,
    LocalWorkspace,
    LocalWorkspaceOptions,
    OpMap,
    OutputMap,
    PreviewOptions,
    PulumiCommand,
    Stack,
    UpOptions,
} from "@pulumi/pulumi/automation";
import { REDACTED } from "../plan/report";
import { CliMissingError, ReleaseWorkspace, findPulumiOnPath } from "./workspace-options";
import { formatChanges } from "./summary";
import { CancelOutcome, ChangeCounts, OperationContext, PolicyFinding, Readiness, StackPreview, StackRunner, StackUpdate } from "./types";

export interface AutomationRunnerOptions {
    workspace: ReleaseWorkspace;
    /** The detected CLI (detectPulumiCli); handed to every LocalWorkspace so none looks for it again. */
    pulumiCommand: PulumiCommand;
    /** `--refresh`: refresh each stack's state from the cloud before previewing and updating it. */
    refresh?: boolean;
    /** How long cancel() waits for an interrupted CLI to stop by itself before calling stack.cancel(). */
    cancelGraceSeconds?: number;
    /**
     * Forward the interrupt to the running CLI processes (SIGINT through the operations' AbortSignal).
     * At a terminal, Ctrl-C already reached them (same process group) and a second SIGINT would make
     * the CLI terminate instead of cancelling gracefully, so the CLI passes false there.
     */
    forwardInterrupt?: () => boolean;
    /** Default LocalWorkspace.createOrSelectStack; tests pass fakes (there is no CLI to run here). */
    createOrSelectStack?: (args: LocalProgramArgs, options: LocalWorkspaceOptions) => Promise<Stack>;
}

/** The options a preview and an update of this runner share. */
type SharedOptions = PreviewOptions & UpOptions;

interface Running {
    stack: Stack;
    operation: "preview" | "update";
    settled: Promise<void>;
}

/**
 * Finds the Pulumi CLI without ever installing it: `pulumi` on PATH, then PulumiCommand.get() for the
 * version check. Throws CliMissingError with the install / --offline advice.
 */
export async function detectPulumiCli(
    lookup: { path: string | undefined; get?: () => Promise<PulumiCommand> } = { path: process.env.PATH },
): Promise<PulumiCommand> {
    const found = findPulumiOnPath({ path: lookup.path });
    if (found === undefined) throw new CliMissingError();
    try {
        return await (lookup.get ?? (() => PulumiCommand.get()))();
    } catch (error) {
        throw new CliMissingError(`${found} could not be used: ${firstLine(errorText(error))}`);
    }
}

export class AutomationRunner implements StackRunner {
    readonly kind = "automation";
    private readonly stacks = new Map<string, Promise<Stack>>();
    private readonly running = new Map<string, Running>();
    private readonly abort = new AbortController();
    private cancelRequested = false;

    constructor(private readonly options: AutomationRunnerOptions) {
        // `pulumi login file://...` needs the directory to exist.
        if (options.workspace.stateDir) fs.mkdirSync(options.workspace.stateDir, { recursive: true });
    }

    /** Creates the stack from the committed Pulumi.<stack>.yaml if the backend does not have it yet. */
    private stack(stackName: string): Promise<Stack> {
        let stack = this.stacks.get(stackName);
        if (!stack) {
            const { workspace, pulumiCommand } = this.options;
            const createOrSelectStack =
                this.options.createOrSelectStack ?? ((args, options) => LocalWorkspace.createOrSelectStack(args, options));
            stack = createOrSelectStack({ stackName, workDir: workspace.workDir }, { ...workspace.workspaceOptions, pulumiCommand });
            this.stacks.set(stackName, stack);
        }
        return stack;
    }

    async readiness(_stack: string, dependencies: string[]): Promise<Readiness> {
        const missing: string[] = [];
        for (const dependency of dependencies) {
            const outputs = await (await this.stack(dependency)).outputs();
            if (Object.keys(outputs).length === 0) missing.push(dependency);
        }
        if (missing.length === 0) return { ready: true };
        return {
            ready: false,
            missing,
            reason: `${missing.join(", ")} ${missing.length === 1 ? "has" : "have"} never been deployed (no stack outputs to read)`,
        };
    }

    async preview(stackName: string, context: OperationContext): Promise<StackPreview> {
        return this.operate<StackPreview>(stackName, "preview", context, previewed, () => ({ notes: [] }));
    }

    async update(stackName: string, context: OperationContext): Promise<StackUpdate> {
        return this.operate<StackUpdate>(stackName, "update", context, updated, (error) => ({
            outputs: {},
            notes:
                error instanceof ConcurrentUpdateError
                    ? [`another update holds the lock of ${stackName}: it was left alone (not cancelled)`]
                    : [],
        }));
    }

    /**
     * Runs one CLI operation of a stack with the options every operation shares (policy pack, refresh,
     * events, the abort signal) and times it; a failure keeps the changes and findings seen so far.
     */
    private async operate<R extends StackPreview | StackUpdate>(
        stackName: string,
        operation: "preview" | "update",
        context: OperationContext,
        run: (stack: Stack, options: SharedOptions, events: EventLog) => Promise<Omit<R, "stack" | "seconds">>,
        failed: (error: unknown) => Omit<R, "stack" | "seconds" | "ok" | "changes" | "policy" | "error">,
    ): Promise<R> {
        const started = Date.now();
        const events = new EventLog(operation, context);
        const options: SharedOptions = {
            ...this.options.workspace.policy,
            refresh: this.options.refresh,
            color: "never",
            onEvent: (event) => events.add(event),
            signal: this.abort.signal,
        };
        try {
            const stack = await this.stack(stackName);
            const result = await this.track(stackName, stack, operation, () => run(stack, options, events));
            return { stack: stackName, ...result, seconds: (Date.now() - started) / 1000 } as R;
        } catch (error) {
            return {
                stack: stackName,
                ok: false,
                changes: events.changes(),
                policy: events.policy(),
                ...failed(error),
                error: events.failure(error, this.cancelRequested),
                seconds: (Date.now() - started) / 1000,
            } as R;
        }
    }

    /**
     * 1. SIGINT to the running CLI processes (AbortSignal), unless the terminal already sent it: the
     *    CLI stops scheduling steps, waits for in-flight ones, saves the state and releases its lock.
     * 2. Operations still running after the grace period: stack.cancel() (Pulumi Cloud cancels the
     *    update; a file/S3 backend deletes the stack's lock files).
     * Every stack that had an operation running is reported with what happened to its lock.
     */
    async cancel(): Promise<CancelOutcome[]> {
        const running = [...this.running.entries()];
        this.cancelRequested = true;
        if (this.options.forwardInterrupt?.() ?? true) this.abort.abort();
        const grace = (this.options.cancelGraceSeconds ?? 120) * 1000;
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), grace)));
        const outcomes = await Promise.all(
            running.map(async ([name, { stack, operation, settled }]): Promise<CancelOutcome> => {
                const stopped = await Promise.race([settled.then(() => "stopped" as const), timeout]);
                if (stopped === "stopped") {
                    return {
                        stack: name,
                        operation,
                        lock: "released",
                        detail:
                            operation === "update"
                                ? "the CLI stopped and released the lock; resources in flight may be pending: run `pulumi refresh` on this stack before the next release"
                                : "the preview stopped (previews take no lock)",
                    };
                }
                try {
                    await stack.cancel();
                    return {
                        stack: name,
                        operation,
                        lock: "released",
                        detail: `the CLI did not stop within ${grace / 1000} s: stack.cancel() released the lock; run \`pulumi refresh\` before the next release`,
                    };
                } catch (error) {
                    return {
                        stack: name,
                        operation,
                        lock: "maybe-locked",
                        detail: `the CLI did not stop within ${grace / 1000} s and stack.cancel() failed (${firstLine(errorText(error))}): the stack may still be LOCKED; run \`pulumi cancel --stack ${name}\` once no update of it is running`,
                    };
                }
            }),
        );
        clearTimeout(timer);
        return outcomes;
    }

    private async track<T>(name: string, stack: Stack, operation: "preview" | "update", run: () => Promise<T>): Promise<T> {
        const promise = run();
        this.running.set(name, {
            stack,
            operation,
            settled: promise.then(
                () => undefined,
                () => undefined,
            ),
        });
        try {
            return await promise;
        } finally {
            this.running.delete(name);
        }
    }
}

// ---- Engine events -----------------------------------------------------------------------------------

const MUTATING = new Set([
    "create",
    "update",
    "delete",
    "replace",
    "create-replacement",
    "delete-replaced",
    "import",
    "import-replacement",
    "discard",
]);
const PAST: Record<string, string> = {
    create: "created",
    update: "updated",
    delete: "deleted",
    replace: "replaced",
    "create-replacement": "created replacement",
    "delete-replaced": "deleted replaced",
    import: "imported",
    "import-replacement": "imported replacement",
    discard: "discarded",
};

/** One progress line for an engine event that matters, or undefined. */
export function describeEngineEvent(event: EngineEvent, phase: "preview" | "update"): string | undefined {
    if (event.resourcePreEvent) {
        const { op, type, urn } = event.resourcePreEvent.metadata;
        if (!MUTATING.has(op)) return undefined;
        return `${phase === "preview" ? "would " : ""}${op} ${type} ${nameOf(urn)}${phase === "update" ? "..." : ""}`;
    }
    if (event.resOutputsEvent && phase === "update") {
        const { op, type, urn } = event.resOutputsEvent.metadata;
        if (!MUTATING.has(op)) return undefined;
        return `${PAST[op] ?? op} ${type} ${nameOf(urn)}`;
    }
    if (event.resOpFailedEvent) {
        const { op, type, urn } = event.resOpFailedEvent.metadata;
        return `FAILED to ${op} ${type} ${nameOf(urn)}`;
    }
    if (event.diagnosticEvent) {
        const { severity, message, urn, ephemeral } = event.diagnosticEvent;
        if (ephemeral || (severity !== "error" && severity !== "warning")) return undefined;
        return `${severity}: ${urn ? `${nameOf(urn)}: ` : ""}${oneLine(message)}`;
    }
    if (event.policyEvent) {
        const p = event.policyEvent;
        return `policy ${levelOf(p.enforcementLevel)}: ${p.policyName}${p.resourceUrn ? ` on ${nameOf(p.resourceUrn)}` : ""}: ${oneLine(p.message)}`;
    }
    if (event.summaryEvent) {
        const changes = formatChanges(event.summaryEvent.resourceChanges ?? {});
        return `done in ${event.summaryEvent.durationSeconds} s: ${changes}${event.summaryEvent.maybeCorrupt ? " (state may be corrupt)" : ""}`;
    }
    if (event.cancelEvent) return "cancelled";
    return undefined;
}

/** A preview passes the gate unless a mandatory policy reported a violation. */
async function previewed(stack: Stack, options: SharedOptions, events: EventLog): Promise<Omit<StackPreview, "stack" | "seconds">> {
    const result = await stack.preview(options);
    const policy = events.policy();
    return {
        ok: !policy.some((p) => p.enforcementLevel === "mandatory"),
        changes: counts(result.changeSummary) ?? events.changes(),
        policy,
        notes: [],
    };
}

async function updated(stack: Stack, options: SharedOptions, events: EventLog): Promise<Omit<StackUpdate, "stack" | "seconds">> {
    const result = await stack.up({ ...options, message: "npm run release" });
    return {
        ok: result.summary.result === "succeeded",
        changes: counts(result.summary.resourceChanges) ?? events.changes(),
        policy: events.policy(),
        outputs: plainOutputs(result.outputs),
        notes: [],
    };
}

class EventLog {
    private readonly findings: PolicyFinding[] = [];
    private readonly errors: string[] = [];
    private summary?: OpMap;
    private readonly ops = new Map<string, number>();

    constructor(
        private readonly phase: "preview" | "update",
        private readonly context: OperationContext,
    ) {}

    add(event: EngineEvent) {
        const line = describeEngineEvent(event, this.phase);
        if (line) this.context.progress(line);
        if (event.policyEvent) {
            const p = event.policyEvent;
            this.findings.push({
                policyName: p.policyName,
                policyPack: p.policyPackName,
                enforcementLevel: levelOf(p.enforcementLevel),
                urn: p.resourceUrn,
                message: p.message.trim(),
            });
        }
        if (event.diagnosticEvent?.severity === "error") this.errors.push(oneLine(event.diagnosticEvent.message));
        if (event.summaryEvent) this.summary = event.summaryEvent.resourceChanges;
        const done = this.phase === "update" ? event.resOutputsEvent : event.resourcePreEvent;
        if (done) this.ops.set(done.metadata.op, (this.ops.get(done.metadata.op) ?? 0) + 1);
    }

    policy(): PolicyFinding[] {
        return [...this.findings];
    }

    changes(): ChangeCounts {
        return counts(this.summary) ?? Object.fromEntries(this.ops);
    }

    /** The engine's own error diagnostics say more than the CLI's exit message. */
    failure(error: unknown, aborted: boolean): string {
        const prefix = aborted ? "cancelled: " : "";
        const errors = this.errors.filter((e) => !/^update failed$|^preview failed$/i.test(e));
        if (errors.length > 0) return prefix + errors.join("; ");
        return prefix + firstLine(errorText(error));
    }
}

function counts(map: OpMap | undefined): ChangeCounts | undefined {
    if (!map) return undefined;
    return Object.fromEntries(Object.entries(map).filter((entry): entry is [string, number] => typeof entry[1] === "number"));
}

/** Output values as plain data; secret outputs never leave as plain text. */
export function plainOutputs(outputs: OutputMap): Record<string, unknown> {
    return Object.fromEntries(Object.entries(outputs).map(([key, output]) => [key, output.secret ? REDACTED : output.value]));
}

function levelOf(level: string): "mandatory" | "advisory" {
    return level === "mandatory" ? "mandatory" : "advisory";
}

function nameOf(urn: string): string {
    return urn.slice(urn.lastIndexOf("::") + 2);
}

function oneLine(text: string): string {
    return text.replace(/\s*\n\s*/g, " ").trim();
}

function errorText(error: unknown): string {
    if (error instanceof CommandError || error instanceof Error) return error.message;
    return String(error);
}

/** The CLI's own `error: ...` line out of a CommandError ("code: 255\n stdout: ...\n stderr: error: ..."), else the first line. */
function firstLine(text: string): string {
    const lines = text
        .split("\n")
        .map((l) => l.trim())
        .filter((l) => l.length > 0);
    for (const line of lines) {
        const match = /(?:^|\s)(error: .*)$/.exec(line);
        if (match) return match[1];
    }
    return lines[0] ?? "unknown error";
}
