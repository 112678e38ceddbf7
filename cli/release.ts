// `npm run release -- [--stacks dev,test,prod] [--preview-only] [--offline] [--parallel N] [--refresh] [--json <file|->] [--yes]`
//
// Previews every selected stack under the policy pack (the gate), then updates them in dependency
// order, independent stacks in parallel. With a real Pulumi CLI through the Automation API, or with
// --offline through the plan engine (nothing is deployed). See release/README.md.
//
// Exit codes: 0 released (or, with --preview-only, the gate passed); 1 the gate failed (including a
// broken stack file or a dependency cycle), the update was not confirmed, or an update failed: the
// summary says what was and was not updated; 2 usage or environment (bad flags, unknown stack, no
// Pulumi CLI, no passphrase, updates without --yes and no terminal to ask); 130 interrupted.
import * as fs from "fs";
import * as path from "path";
import * as readline from "readline";
import { Command, CommanderError, InvalidArgumentError } from "commander";
import { ConfigError, StackFileError, listStacks } from "../config";
import { loadProject, readPolicyConfig } from "../plan/plan";
import { organizationGraph } from "../plan/stack-graph";
import { AutomationRunner, detectPulumiCli } from "../release/automation-runner";
import { OfflineRunner } from "../release/offline-runner";
import { GateReport, Release, UnknownStackError, stoppedBeforeGate } from "../release/orchestrator";
import { releaseToJson, renderText } from "../release/summary";
import { ReleaseResult, StackRunner } from "../release/types";
import { CliMissingError, WorkspaceSetupError, releaseWorkspace } from "../release/workspace-options";
import type { PulumiCommand } from "@pulumi/pulumi/automation";

const REPO_DIR = path.resolve(__dirname, "..");
export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;

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

interface Options {
    stacks?: string[];
    previewOnly?: boolean;
    offline?: boolean;
    parallel: number;
    refresh?: boolean;
    json?: string;
    yes?: boolean;
    project: string;
    policyConfig: string;
    secretsProvider: string;
}

class UsageError extends Error {}

export async function main(argv: string[], io: ReleaseIo = defaultIo()): Promise<number> {
    const program = new Command("release")
        .description(
            "Preview every selected stack under the policy pack, then update them in dependency order " +
                "(Pulumi Automation API; --offline: the plan engine, nothing is deployed).",
        )
        .option("-s, --stacks <names>", "comma-separated stacks to release (default: every Pulumi.<stack>.yaml)", splitList)
        .option("--preview-only", "run the gate only: preview every stack under the policy pack, update nothing")
        .option("--offline", "no Pulumi CLI, no cloud: the plan engine stands in for previews and updates; nothing is deployed")
        .option("-p, --parallel <n>", "most stacks previewed or updated at once", positiveInteger, 4)
        .option("--refresh", "refresh each stack's state from the cloud before previewing and updating it")
        .option("--json <file>", "write the release result as JSON to a file, or - for stdout (progress is then quiet)")
        .option("-y, --yes", "update without asking (required for updates when there is no terminal)")
        .option("--project <dir>", "directory holding Pulumi.yaml and the stack files", REPO_DIR)
        .option("--policy-config <file>", "policy pack config", path.join(REPO_DIR, "policy-pack", "config.json"))
        .option("--secrets-provider <provider>", "secrets provider for stacks created by the release (passphrase, default, awskms://...)", "passphrase")
        .exitOverride()
        .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });
    try {
        program.parse(argv, { from: "user" });
    } catch (error) {
        if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
        throw error;
    }
    const options = program.opts<Options>();
    const projectDir = path.resolve(options.project);
    const jsonToStdout = options.json === "-";
    const human = jsonToStdout ? io.stderr : io.stdout;
    const quiet = options.json !== undefined;
    const write = (result: ReleaseResult, secrets: Iterable<string> = []) => {
        human.write(`${renderText(result, secrets)}\n`);
        if (options.json) {
            const json = `${JSON.stringify(releaseToJson(result, secrets), null, 2)}\n`;
            if (jsonToStdout) io.stdout.write(json);
            else fs.writeFileSync(options.json, json);
        }
    };
    const usage = (message: string) => {
        io.stderr.write(`release: ${message}\n`);
        return EXIT.usage;
    };

    try {
        if (!fs.existsSync(path.join(projectDir, "Pulumi.yaml"))) throw new UsageError(`no Pulumi.yaml in ${projectDir}`);
        const mode = options.offline ? "offline" : "automation";

        // Stack files: broken ones fail the gate (nothing is updated), they are not a usage error.
        let graph: Record<string, string[]>;
        try {
            graph = organizationGraph(loadProject(projectDir).organization);
        } catch (error) {
            if (!(error instanceof ConfigError || error instanceof StackFileError)) throw error;
            const selected = options.stacks ?? listStacks(projectDir);
            write(stoppedBeforeGate(mode, selected, `the stack files are invalid:\n${error.message}`, options.previewOnly));
            return EXIT.failed;
        }
        const unknown = (options.stacks ?? []).filter((stack) => !(stack in graph));
        if (unknown.length > 0) throw new UnknownStackError(unknown, Object.keys(graph).sort());
        let policyConfig: Record<string, unknown>;
        try {
            policyConfig = readPolicyConfig(options.policyConfig);
        } catch (error) {
            throw new UsageError(`cannot read the policy pack config ${options.policyConfig}: ${(error as Error).message}`);
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
                policyPackDir: path.join(REPO_DIR, "policy-pack"),
                policyPackConfig: path.resolve(options.policyConfig),
            });
            if (!options.previewOnly && !options.yes && !io.interactive) {
                throw new UsageError(
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
            if (!quiet) io.stderr.write(`release: Pulumi CLI ${pulumiCommand.version ?? "(unknown version)"}, backend ${workspace.backendUrl}\n`);
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
        write(result, offline.secretValues);
        if (result.interrupted) return EXIT.interrupted;
        return result.ok ? EXIT.ok : EXIT.failed;
    } catch (error) {
        if (
            error instanceof UsageError ||
            error instanceof UnknownStackError ||
            error instanceof CliMissingError ||
            error instanceof WorkspaceSetupError
        ) {
            return usage(error.message);
        }
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

function askOnTerminal(question: string): Promise<string> {
    const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
    return new Promise((resolve) =>
        rl.question(question, (answer) => {
            rl.close();
            resolve(answer);
        }),
    );
}

function splitList(value: string, previous?: string[]): string[] {
    const names = value.split(",").map((s) => s.trim()).filter((s) => s.length > 0);
    if (names.length === 0) throw new InvalidArgumentError("expected stack names, e.g. dev,test,prod");
    return [...(previous ?? []), ...names];
}

function positiveInteger(value: string): number {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("must be a positive integer");
    return n;
}

function defaultIo(): ReleaseIo {
    return {
        stdout: process.stdout,
        stderr: process.stderr,
        env: process.env,
        interactive: Boolean(process.stdin.isTTY && process.stderr.isTTY),
        onRelease: handleSignals,
    };
}

/**
 * First Ctrl-C (or SIGTERM): start nothing new, cancel running operations through the runner, print
 * the state. Second: exit at once, naming the stacks whose update may be left locked.
 */
function handleSignals(release: Release, interrupt: InterruptState): () => void {
    let count = 0;
    const onSignal = (signal: NodeJS.Signals) => {
        count += 1;
        if (count === 1) {
            interrupt.signal = signal;
            process.stderr.write(`\nrelease: ${signal}: stopping; running operations are being cancelled (again to exit at once)\n`);
            release.interrupt().then(
                (outcomes) => {
                    for (const o of outcomes) process.stderr.write(`release: ${o.stack}: ${o.lock === "maybe-locked" ? "MAY BE LOCKED: " : ""}${o.detail}\n`);
                },
                (error: unknown) => process.stderr.write(`release: cancelling failed: ${(error as Error).message}; stacks may be locked: run \`pulumi cancel --stack <name>\`\n`),
            );
            return;
        }
        process.stderr.write(
            "\nrelease: exiting without waiting: a stack whose update was running may be LOCKED and have pending operations; " +
                "run `pulumi cancel --stack <name>` then `pulumi refresh --stack <name>` for it\n",
        );
        process.exit(EXIT.interrupted);
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
    return () => {
        process.off("SIGINT", onSignal);
        process.off("SIGTERM", onSignal);
    };
}

if (require.main === module) {
    main(process.argv.slice(2)).then(
        (code) => (process.exitCode = code),
        (error) => {
            process.stderr.write(`release failed: ${(error as Error).stack ?? error}\n`);
            process.exitCode = EXIT.failed;
        },
    );
}
