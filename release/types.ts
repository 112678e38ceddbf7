// The contract between the release orchestration (order, gate, parallelism, failure handling, summary)
// and the two ways of running one stack: the Automation API over a real Pulumi CLI, and the offline
// plan engine. The orchestrator only ever sees these types.

/**
 * A problem that stops the release before anything runs, reported as a usage error (exit 2) rather than a
 * failure: a bad argument, an unknown stack, no usable Pulumi CLI or workspace.
 */
export class ReleaseUsageError extends Error {}

/** Resource operation counts, keyed like the engine's OpMap (create, update, delete, replace, same, ...). */
export type ChangeCounts = Record<string, number>;

/** One policy event: "advisory" is what the engine calls "warning". */
export interface PolicyFinding {
    policyName: string;
    policyPack?: string;
    enforcementLevel: "mandatory" | "advisory";
    urn?: string;
    message: string;
}

export interface StackPreview {
    stack: string;
    /** The preview ran and reported no mandatory policy violation. */
    ok: boolean;
    changes: ChangeCounts;
    policy: PolicyFinding[];
    /** Why the preview did not run to completion (program error, CLI error, cancellation). */
    error?: string;
    /** Extra facts for the report (e.g. "dev outputs come from an offline plan"). */
    notes: string[];
    seconds: number;
}

export interface StackUpdate {
    stack: string;
    ok: boolean;
    changes: ChangeCounts;
    policy: PolicyFinding[];
    /** Stack outputs after the update, secrets already replaced by "[secret]". */
    outputs: Record<string, unknown>;
    error?: string;
    notes: string[];
    seconds: number;
}

/** Whether a stack can be previewed now, before any update of this release. */
export type Readiness = { ready: true } | { ready: false; reason: string; /** Dependencies without outputs. */ missing: string[] };

export interface OperationContext {
    /** One line per engine event that matters; the orchestrator prefixes the stack name. */
    progress(message: string): void;
}

/** What cancelling left behind, per stack that had an operation running. */
export interface CancelOutcome {
    stack: string;
    operation: "preview" | "update";
    /**
     * released: the operation stopped and its lock is gone (previews take no lock);
     * maybe-locked: the operation could not be confirmed stopped and the lock could not be released.
     */
    lock: "released" | "maybe-locked";
    detail: string;
}

/**
 * Runs one stack's preview or update. Implementations: AutomationRunner (LocalWorkspace + Pulumi CLI)
 * and OfflineRunner (the offline plan engine; deploys nothing).
 */
export interface StackRunner {
    readonly kind: "automation" | "offline";
    /** Whether `stack` can be previewed before this release updates anything (its dependencies have outputs). */
    readiness(stack: string, dependencies: string[]): Promise<Readiness>;
    /** Preview under the policy pack. Resolves with ok=false on failure; rejects only on a bug. */
    preview(stack: string, context: OperationContext): Promise<StackPreview>;
    /** Update under the policy pack. Resolves with ok=false on failure; rejects only on a bug. */
    update(stack: string, context: OperationContext): Promise<StackUpdate>;
    /** Stops running operations (the orchestrator has already stopped starting new ones). */
    cancel(): Promise<CancelOutcome[]>;
}

// ---- What a release produced -------------------------------------------------------------------

export type GateStatus =
    /** Previewed under the policy pack: no error, no mandatory violation. */
    | "passed"
    | "failed"
    /**
     * Could not be previewed for real yet (a dependency has never been deployed): checked by the
     * offline plan in the gate if a stand-in is configured, previewed for real right before its update.
     */
    | "deferred"
    /** Never previewed: the release was interrupted first. */
    | "not-previewed";

export interface GateEntry {
    stack: string;
    status: GateStatus;
    /** "cli" for a real preview, "offline" for the plan engine. */
    previewedBy?: "cli" | "offline";
    preview?: StackPreview;
    /** Why the stack was deferred. */
    reason?: string;
}

export type StackStatus =
    | "updated"
    | "failed"
    | "cancelled"
    | "not-started"
    /** --preview-only: the gate passed and nothing was meant to be updated. */
    | "previewed";

export interface StackResult {
    stack: string;
    status: StackStatus;
    /** For a deferred stack: the real preview run right before its update. */
    preview?: StackPreview;
    update?: StackUpdate;
    /** Why a stack was not started, or what stopped it. */
    reason?: string;
}

export interface ReleaseResult {
    runner: StackRunner["kind"];
    previewOnly: boolean;
    /** True when every selected stack was updated (or, with --preview-only, the gate passed). */
    ok: boolean;
    /** Stack name → the stacks it reads (restricted to the selection). */
    dependencies: Record<string, string[]>;
    waves: string[][];
    order: string[];
    gate: {
        ok: boolean;
        entries: GateEntry[];
        /** A problem that stopped the gate before any preview (a broken stack file, a cycle). */
        error?: string;
    };
    /** Why updates did not happen or stopped: gate failed, not confirmed, an update failed, interrupted. */
    stopReason?: string;
    stacks: StackResult[];
    interrupted: boolean;
    cancellations: CancelOutcome[];
    seconds: number;
}

/** The release command's exit codes (cli/release.ts says when each is given). */
export const RELEASE_EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;
