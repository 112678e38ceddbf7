// The release command's work (cli/release.ts parses its arguments): check the project and the stack
// files, pick the runner (Automation API, or the plan engine offline), ask for confirmation when a
// person can answer, run the release and hand back its result for the summary.
import * as fs from "fs";
import * as path from "path";
import { ConfigError, Organization, StackFileError, listStacks } from "../config";
import { loadProject } from "../plan/plan";
import { PolicyConfigError, loadPolicyConfig } from "../plan/policy-config";
import { organizationGraph } from "../plan/stack-graph";
import { AutomationRunner, detectPulumiCli } from "./automation-runner";
import { OfflineRunner } from "./offline-runner";
import { GateReport, Release, UnknownStackError, stoppedBeforeGate } from "./orchestrator";
import { ReleaseResult, ReleaseUsageError, StackRunner } from "./types";
import { releaseWorkspace } from "./workspace-options";
import type { PulumiCommand } from "@pulumi/pulumi/automation";
import { askOnTerminal } from "./terminal";

/** Where the policy pack lives: the release previews under it. */
const POLICY_PACK_DIR = path.resolve(__dirname, "..", "policy-pack");

export interface ReleaseIo {
    stdout: { write(text: string): unknown };
    stderr: { write(text: string): unknown };
    env: Record<string, string | undefined>;
    /** Whether a person can answer a confirmation prompt (stdin and stderr are terminals). */
    interactive: boolean;
    /** Asks a yes/no question; default reads a line from stdin. */
    ask?: (question: string) => Promise<string>;
    /** Finds the Pulumi CLI; default: `pulumi` on env.PATH, then PulumiCommand.get(). Never installs it. */
    detectCli?: () => Promise<PulumiCommand>;
    /** Registers interrupt handling for a running release (the CLI entry wires SIGINT/SIGTERM); returns the unregister. */
    onRelease?: (release: Release, interrupt: InterruptState) => () => void;
}

/** Which signal interrupted the release, if any. */
export interface InterruptState {
    signal?: NodeJS.Signals;
}

export interface ReleaseCommandOptions {
    stacks?: string[];
    previewOnly?: boolean;
    offline?: boolean;
    parallel: number;
    refresh?: boolean;
    yes?: boolean;
    /** No progress on stderr (the JSON result is being written). */
    quiet: boolean;
    project: string;
    policyConfig: string;
    secretsProvider: string;
}

/** A usage or environment problem (nothing ran), or the release's result and the secret values to redact from it. */
export type ReleaseOutcome = { usage: string } | { result: ReleaseResult; secrets: Iterable<string> };

export async function runRelease(options: ReleaseCommandOptions, io: ReleaseIo): Promise<ReleaseOutcome> {
    const projectDir = path.resolve(options.project);
    const { quiet } = options;
    try {
        if (!fs.existsSync(path.join(projectDir, "Pulumi.yaml"))) throw new ReleaseUsageError(`no Pulumi.yaml in ${projectDir}`);
        const mode = options.offline ? "offline" : "automation";

        // Stack files: broken ones fail the gate (nothing is updated), they are not a usage error.
        let graph: Record<string, string[]>;
        let organization: Organization;
        try {
            organization = loadProject(projectDir).organization;
            graph = organizationGraph(organization);
        } catch (error) {
            if (!(error instanceof ConfigError || error instanceof StackFileError)) throw error;
            const selected = options.stacks ?? listStacks(projectDir);
            return {
                result: stoppedBeforeGate(mode, selected, `the stack files are invalid:\n${error.message}`, options.previewOnly),
                secrets: [],
            };
        }
        const unknown = (options.stacks ?? []).filter((stack) => !(stack in graph));
        if (unknown.length > 0) throw new UnknownStackError(unknown, Object.keys(graph).sort());
        let policyConfig: Record<string, unknown>;
        try {
            policyConfig = loadPolicyConfig(options.policyConfig, organization);
        } catch (error) {
            // loadPolicyConfig names the file and the problem for every bad file; anything else is a bug to show.
            if (error instanceof PolicyConfigError) throw new ReleaseUsageError(error.message);
            throw error;
        }
        const offline = new OfflineRunner({ projectDir, graph, policyConfig });

        let runner: StackRunner = offline;
        let standIn: OfflineRunner | undefined;
        let confirm: ((gate: GateReport) => Promise<boolean>) | undefined;
        const interrupt: InterruptState = {};
        if (!options.offline) {
            const pulumiCommand = await (io.detectCli ?? (() => detectPulumiCli({ path: io.env.PATH })))();
            const workspace = releaseWorkspace({
                projectDir,
                env: io.env,
                secretsProvider: options.secretsProvider,
                policyPackDir: POLICY_PACK_DIR,
                policyPackConfig: path.resolve(options.policyConfig),
            });
            if (!options.previewOnly && !options.yes && !io.interactive) {
                throw new ReleaseUsageError(
                    "refusing to update without confirmation: there is no terminal to ask, so pass --yes (CI) or run with --preview-only",
                );
            }
            if (!options.previewOnly && !options.yes) {
                confirm = (gate) => askToProceed(io, gate, workspace.backendUrl);
            }
            runner = new AutomationRunner({
                workspace,
                pulumiCommand,
                refresh: options.refresh,
                // At a terminal Ctrl-C already reached the pulumi processes; SIGTERM never does.
                forwardInterrupt: () => interrupt.signal === "SIGTERM" || !io.interactive,
            });
            standIn = offline;
            if (!quiet)
                io.stderr.write(`release: Pulumi CLI ${pulumiCommand.version ?? "(unknown version)"}, backend ${workspace.backendUrl}\n`);
        } else if (options.refresh && !quiet) {
            io.stderr.write("release: --refresh has no effect offline (there is no deployed state)\n");
        }

        const release = new Release({
            runner,
            graph,
            stacks: options.stacks,
            parallel: options.parallel,
            previewOnly: options.previewOnly,
            standIn,
            confirm,
            onProgress: quiet ? undefined : (stack, message) => io.stderr.write(`${progressLine(stack, message)}\n`),
        });
        const detach = io.onRelease?.(release, interrupt);
        let result: ReleaseResult;
        try {
            result = await release.run();
        } finally {
            detach?.();
        }
        // The offline plans (offline runner or stand-in) saw the program's secret values: redact them.
        return { result, secrets: offline.secretValues };
    } catch (error) {
        if (error instanceof ReleaseUsageError) return { usage: error.message };
        throw error;
    }
}

/** `[dev] update: created aws:iam/role:Role UpdateApp`: one line, at most 200 characters. */
export function progressLine(stack: string | undefined, message: string): string {
    const line = `${stack ? `[${stack}]` : "release:"} ${message.replace(/\s*\n\s*/g, " ")}`;
    return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}

async function askToProceed(io: ReleaseIo, gate: GateReport, backendUrl: string): Promise<boolean> {
    const deferred = gate.entries.filter((e) => e.status === "deferred").map((e) => e.stack);
    const question =
        `Update ${gate.order.length} stack(s) in this order: ${gate.waves.map((w) => w.join(" + ")).join(" -> ")} ` +
        `(backend ${backendUrl})${deferred.length > 0 ? `; ${deferred.join(", ")} will be previewed right before updating` : ""}. ` +
        `Proceed? [y/N] `;
    const answer = await (io.ask ?? askOnTerminal)(question);
    return /^(y|yes)$/i.test(answer.trim());
}
