// The Automation API side, without a Pulumi CLI: the workspace options, finding (never installing) the
// CLI, and the runner driving fake Stack objects that behave like the Automation API's.
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type {
    EngineEvent,
    LocalProgramArgs,
    LocalWorkspaceOptions,
    PreviewOptions,
    PulumiCommand,
    Stack,
    UpOptions,
} from "@pulumi/pulumi/automation";
import { EXIT, ReleaseIo, main } from "../../cli/release";
import { AutomationRunner, describeEngineEvent, detectPulumiCli, plainOutputs } from "../../release/automation-runner";
import {
    CLI_MISSING_MESSAGE,
    CliMissingError,
    WorkspaceSetupError,
    fileBackendDir,
    findPulumiOnPath,
    releaseWorkspace,
} from "../../release/workspace-options";
import { REPO_DIR, referenceProject } from "../support/project";
import type { CancelOutcome } from "../../release/types";

function tempDir(): string {
    return fs.mkdtempSync(path.join(os.tmpdir(), "release-"));
}

function fakePulumi(dir: string, mode = 0o755): string {
    const file = path.join(dir, "pulumi");
    fs.writeFileSync(file, "#!/bin/sh\necho v3.999.0\n");
    fs.chmodSync(file, mode);
    return file;
}

const FAKE_COMMAND = { command: "pulumi", version: null } as unknown as PulumiCommand;

describe("release: Automation API workspace", () => {
    describe("releaseWorkspace", () => {
        it("defaults to a file backend inside the project and the passphrase provider", () => {
            const workspace = releaseWorkspace({ projectDir: "/repo", env: { PULUMI_CONFIG_PASSPHRASE: "correct horse" } });
            assert.deepStrictEqual(workspace, {
                workDir: "/repo",
                backendUrl: "file:///repo/.pulumi-state",
                defaultBackend: true,
                stateDir: "/repo/.pulumi-state",
                workspaceOptions: {
                    workDir: "/repo",
                    secretsProvider: "passphrase",
                    envVars: {
                        PULUMI_BACKEND_URL: "file:///repo/.pulumi-state",
                        PULUMI_SKIP_UPDATE_CHECK: "true",
                        PULUMI_CONFIG_PASSPHRASE: "correct horse",
                    },
                },
                policy: {
                    policyPacks: ["/repo/policy-pack"],
                    policyPackConfigs: ["/repo/policy-pack/config.json"],
                },
            });
        });

        it("respects PULUMI_BACKEND_URL", () => {
            const workspace = releaseWorkspace({
                projectDir: "/repo",
                env: { PULUMI_BACKEND_URL: "s3://state-bucket?region=us-east-1", PULUMI_CONFIG_PASSPHRASE: "" },
            });
            assert.strictEqual(workspace.backendUrl, "s3://state-bucket?region=us-east-1");
            assert.strictEqual(workspace.defaultBackend, false);
            assert.strictEqual(workspace.stateDir, undefined);
            assert.strictEqual(workspace.workspaceOptions.envVars.PULUMI_BACKEND_URL, "s3://state-bucket?region=us-east-1");
        });

        it("treats an empty PULUMI_BACKEND_URL as unset", () => {
            const workspace = releaseWorkspace({ projectDir: "/repo", env: { PULUMI_BACKEND_URL: " ", PULUMI_CONFIG_PASSPHRASE: "" } });
            assert.strictEqual(workspace.backendUrl, "file:///repo/.pulumi-state");
        });

        it("accepts an empty passphrase, and a passphrase file", () => {
            assert.strictEqual(
                releaseWorkspace({ projectDir: "/repo", env: { PULUMI_CONFIG_PASSPHRASE: "" } }).workspaceOptions.envVars
                    .PULUMI_CONFIG_PASSPHRASE,
                "",
            );
            const envVars = releaseWorkspace({ projectDir: "/repo", env: { PULUMI_CONFIG_PASSPHRASE_FILE: "/secrets/pass" } })
                .workspaceOptions.envVars;
            assert.strictEqual(envVars.PULUMI_CONFIG_PASSPHRASE_FILE, "/secrets/pass");
            assert.strictEqual("PULUMI_CONFIG_PASSPHRASE" in envVars, false);
        });

        it("refuses the passphrase provider without a passphrase, saying what to set", () => {
            assert.throws(
                () => releaseWorkspace({ projectDir: "/repo", env: {} }),
                (error: unknown) =>
                    error instanceof WorkspaceSetupError &&
                    error.message ===
                        "the passphrase secrets provider needs PULUMI_CONFIG_PASSPHRASE (or PULUMI_CONFIG_PASSPHRASE_FILE): export it (an empty value is accepted for a throwaway local state), or choose another provider with --secrets-provider",
            );
        });

        it("needs no passphrase for another secrets provider", () => {
            const workspace = releaseWorkspace({
                projectDir: "/repo",
                env: { PULUMI_BACKEND_URL: "https://api.pulumi.com" },
                secretsProvider: "awskms://alias/pulumi",
            });
            assert.strictEqual(workspace.workspaceOptions.secretsProvider, "awskms://alias/pulumi");
            assert.deepStrictEqual(Object.keys(workspace.workspaceOptions.envVars), ["PULUMI_BACKEND_URL", "PULUMI_SKIP_UPDATE_CHECK"]);
        });

        it("takes the policy pack and its config from where it is told", () => {
            const workspace = releaseWorkspace({
                projectDir: "/tmp/copy",
                env: { PULUMI_CONFIG_PASSPHRASE: "" },
                policyPackDir: "/repo/policy-pack",
                policyPackConfig: "/repo/policy-pack/config.json",
            });
            assert.deepStrictEqual(workspace.policy, {
                policyPacks: ["/repo/policy-pack"],
                policyPackConfigs: ["/repo/policy-pack/config.json"],
            });
        });

        it("finds the directory of file:// backends", () => {
            assert.strictEqual(fileBackendDir("file:///var/state", "/home/me"), "/var/state");
            assert.strictEqual(fileBackendDir("file://~/state", "/home/me"), "/home/me/state");
            assert.strictEqual(fileBackendDir("file:///var/state?no_tmp_dir=true", "/home/me"), "/var/state");
            assert.strictEqual(fileBackendDir("s3://bucket", "/home/me"), undefined);
        });
    });

    describe("finding the Pulumi CLI (never installing it)", () => {
        it("finds an executable pulumi on PATH", () => {
            const empty = tempDir();
            const bin = tempDir();
            const file = fakePulumi(bin);
            assert.strictEqual(findPulumiOnPath({ path: `${empty}:${bin}`, platform: "linux" }), file);
        });

        it("ignores a pulumi that is not executable, and an empty PATH", () => {
            const bin = tempDir();
            fakePulumi(bin, 0o644);
            assert.strictEqual(findPulumiOnPath({ path: bin, platform: "linux" }), undefined);
            assert.strictEqual(findPulumiOnPath({ path: undefined, platform: "linux" }), undefined);
        });

        it("looks for pulumi.exe on Windows", () => {
            const seen: string[] = [];
            findPulumiOnPath({
                path: "C:\\bin;D:\\tools",
                platform: "win32",
                pathExt: ".EXE;.CMD",
                isExecutable: (f) => (seen.push(f), false),
            });
            assert.deepStrictEqual(seen, [
                path.join("C:\\bin", "pulumi.exe"),
                path.join("C:\\bin", "pulumi.cmd"),
                path.join("D:\\tools", "pulumi.exe"),
                path.join("D:\\tools", "pulumi.cmd"),
            ]);
        });

        it("stops with the install / --offline advice when pulumi is not on PATH, without asking the Automation API", async () => {
            let asked = 0;
            await assert.rejects(
                detectPulumiCli({ path: tempDir(), get: async () => (asked++, FAKE_COMMAND) }),
                (error: unknown) => error instanceof CliMissingError && error.message === CLI_MISSING_MESSAGE,
            );
            assert.strictEqual(asked, 0);
        });

        it("uses PulumiCommand.get() when pulumi is on PATH, and explains when it fails", async () => {
            const bin = tempDir();
            fakePulumi(bin);
            assert.strictEqual(await detectPulumiCli({ path: bin, get: async () => FAKE_COMMAND }), FAKE_COMMAND);
            await assert.rejects(
                detectPulumiCli({
                    path: bin,
                    get: async () => Promise.reject(new Error("code: -2\n stdout: \n stderr: error: minimum version 3.100.0")),
                }),
                (error: unknown) => {
                    assert.ok(error instanceof CliMissingError);
                    assert.strictEqual(
                        error.message,
                        [
                            `The Pulumi CLI ${path.join(bin, "pulumi")} could not be used: error: minimum version 3.100.0.`,
                            "Either install it and run again:",
                            "  curl -fsSL https://get.pulumi.com | sh     (or: brew install pulumi/tap/pulumi; see https://www.pulumi.com/docs/install/)",
                            "or run the same gate, order and summary without deploying anything:",
                            "  npm run release -- --offline",
                        ].join("\n"),
                    );
                    return true;
                },
            );
        });

        it("names the install and --offline in the message", () => {
            assert.strictEqual(
                CLI_MISSING_MESSAGE,
                [
                    "The Pulumi CLI (`pulumi`) is not on PATH, and `npm run release` never downloads it.",
                    "Either install it and run again:",
                    "  curl -fsSL https://get.pulumi.com | sh     (or: brew install pulumi/tap/pulumi; see https://www.pulumi.com/docs/install/)",
                    "or run the same gate, order and summary without deploying anything:",
                    "  npm run release -- --offline",
                ].join("\n"),
            );
        });
    });

    describe("the command without --offline", () => {
        async function release(args: string[], io: Partial<ReleaseIo>) {
            let stdout = "";
            let stderr = "";
            const code = await main(args, {
                stdout: { write: (s: string) => (stdout += s) },
                stderr: { write: (s: string) => (stderr += s) },
                env: {},
                interactive: false,
                ...io,
            });
            return { code, stdout, stderr };
        }

        it("exits 2 at once with the advice when there is no pulumi on PATH", async () => {
            const project = referenceProject();
            const run = await release(["--yes", "--project", project], { env: { PATH: tempDir(), PULUMI_CONFIG_PASSPHRASE: "" } });
            assert.strictEqual(run.code, EXIT.usage);
            assert.strictEqual(run.stderr, `release: ${CLI_MISSING_MESSAGE}\n`);
            assert.strictEqual(run.stdout, "");
            assert.strictEqual(fs.existsSync(path.join(project, ".pulumi-state")), false);
        });

        it("exits 2 without a passphrase for the default secrets provider", async () => {
            const run = await release(["--yes", "--project", referenceProject()], { detectCli: async () => FAKE_COMMAND });
            assert.strictEqual(run.code, EXIT.usage);
            assert.match(run.stderr, /^release: the passphrase secrets provider needs PULUMI_CONFIG_PASSPHRASE/);
        });

        it("refuses to update without --yes when there is no terminal to ask, before touching any stack", async () => {
            const project = referenceProject();
            const run = await release(["--project", project], {
                detectCli: async () => FAKE_COMMAND,
                env: { PULUMI_CONFIG_PASSPHRASE: "" },
            });
            assert.strictEqual(run.code, EXIT.usage);
            assert.strictEqual(
                run.stderr,
                "release: refusing to update without confirmation: there is no terminal to ask, so pass --yes (CI) or run with --preview-only\n",
            );
            assert.strictEqual(fs.existsSync(path.join(project, ".pulumi-state")), false);
        });

        it("exits 1, nothing updated, on a broken stack file, before looking for the CLI", async () => {
            let looked = false;
            const project = referenceProject({ dev: (c) => (c["crossaccount:organization"].accounts.dev = "1") });
            const run = await release(["--yes", "--project", project], {
                detectCli: async () => ((looked = true), FAKE_COMMAND),
            });
            assert.strictEqual(run.code, EXIT.failed);
            assert.strictEqual(looked, false);
            assert.match(run.stdout, /\nResult: FAILED \(the gate failed: nothing was updated\)\. NOTHING WAS UPDATED\./);
        });
    });
});

// ---- The runner over fake Automation API stacks -------------------------------------------------------

type Behaviour = {
    outputs?: Record<string, { value: unknown; secret: boolean }>;
    previewEvents?: EngineEvent[];
    previewError?: Error;
    upEvents?: EngineEvent[];
    upError?: Error;
    /** up() only settles when its AbortSignal fires (then rejects like a cancelled CLI). */
    upUntilAborted?: boolean;
    /** up() never settles. */
    upHangs?: boolean;
    cancelError?: Error;
};

class FakeStack {
    readonly calls: string[] = [];
    previewOptions?: PreviewOptions;
    upOptions?: UpOptions;
    constructor(
        readonly name: string,
        private readonly behaviour: Behaviour,
    ) {}

    async outputs() {
        this.calls.push("outputs");
        return this.behaviour.outputs ?? {};
    }

    async preview(options: PreviewOptions) {
        this.calls.push("preview");
        this.previewOptions = options;
        for (const event of this.behaviour.previewEvents ?? []) options.onEvent?.(event);
        if (this.behaviour.previewError) throw this.behaviour.previewError;
        return { stdout: "", stderr: "", changeSummary: { create: 2, same: 5 } };
    }

    async up(options: UpOptions) {
        this.calls.push("up");
        this.upOptions = options;
        for (const event of this.behaviour.upEvents ?? []) options.onEvent?.(event);
        if (this.behaviour.upHangs) await new Promise(() => undefined);
        if (this.behaviour.upUntilAborted) {
            await new Promise((_, reject) =>
                options.signal!.addEventListener("abort", () => reject(new Error("code: 255\n stderr: error: update canceled"))),
            );
        }
        if (this.behaviour.upError) throw this.behaviour.upError;
        return {
            stdout: "",
            stderr: "",
            outputs: this.behaviour.outputs ?? {},
            summary: { kind: "update", result: "succeeded", resourceChanges: { create: 2, same: 5 } },
        };
    }

    async cancel() {
        this.calls.push("cancel");
        if (this.behaviour.cancelError) throw this.behaviour.cancelError;
    }
}

const URN = (type: string, name: string) => `urn:pulumi:dev::crossaccount::${type}::${name}`;
const event = (fields: Partial<EngineEvent>): EngineEvent => ({ sequence: 0, timestamp: 0, ...fields });
const step = (op: string, type: string, name: string) => ({ metadata: { op, type, urn: URN(type, name), provider: "" } }) as never;

function runnerOver(behaviours: Record<string, Behaviour>, options: { forwardInterrupt?: boolean; cancelGraceSeconds?: number } = {}) {
    const stacks = new Map<string, FakeStack>();
    const opened: [LocalProgramArgs, LocalWorkspaceOptions][] = [];
    const project = tempDir();
    const workspace = releaseWorkspace({
        projectDir: project,
        env: { PULUMI_CONFIG_PASSPHRASE: "pw" },
        policyPackDir: path.join(REPO_DIR, "policy-pack"),
        policyPackConfig: path.join(REPO_DIR, "policy-pack", "config.json"),
    });
    const runner = new AutomationRunner({
        workspace,
        pulumiCommand: FAKE_COMMAND,
        refresh: true,
        forwardInterrupt: options.forwardInterrupt === undefined ? undefined : () => options.forwardInterrupt!,
        cancelGraceSeconds: options.cancelGraceSeconds,
        createOrSelectStack: async (args, workspaceOptions) => {
            opened.push([args, workspaceOptions]);
            const stack = new FakeStack(args.stackName, behaviours[args.stackName] ?? {});
            stacks.set(args.stackName, stack);
            return stack as unknown as Stack;
        },
    });
    return { runner, stacks, opened, project, workspace };
}

function collect() {
    const lines: string[] = [];
    return { lines, context: { progress: (line: string) => lines.push(line) } };
}

const lockReport = (outcomes: CancelOutcome[]) => outcomes.map((o) => `${o.stack} ${o.lock}: ${o.detail}`);

/** Starts an update of dev that never finishes, lets it begin, then cancels the runner. */
async function cancelHungUpdate(dev: Behaviour, options: { forwardInterrupt?: boolean; cancelGraceSeconds?: number }) {
    const over = runnerOver({ dev: { upHangs: true, ...dev } }, options);
    void over.runner.update("dev", collect().context);
    await new Promise((resolve) => setImmediate(resolve));
    return { ...over, outcomes: await over.runner.cancel() };
}

describe("release: AutomationRunner", () => {
    it("creates the state directory of the default file backend", () => {
        const { project } = runnerOver({});
        assert.strictEqual(fs.statSync(path.join(project, ".pulumi-state")).isDirectory(), true);
    });

    it("opens each stack once, from the project directory, with the workspace options and the detected CLI", async () => {
        const { runner, opened, project, workspace } = runnerOver({});
        await runner.preview("dev", collect().context);
        await runner.update("dev", collect().context);
        assert.deepStrictEqual(opened, [
            [
                { stackName: "dev", workDir: project },
                { ...workspace.workspaceOptions, pulumiCommand: FAKE_COMMAND },
            ],
        ]);
    });

    it("previews and updates under the policy pack, with --refresh and an abort signal", async () => {
        const { runner, stacks } = runnerOver({});
        await runner.preview("dev", collect().context);
        await runner.update("dev", collect().context);
        const { previewOptions, upOptions } = stacks.get("dev")!;
        for (const options of [previewOptions!, upOptions!]) {
            assert.deepStrictEqual(options.policyPacks, [path.join(REPO_DIR, "policy-pack")]);
            assert.deepStrictEqual(options.policyPackConfigs, [path.join(REPO_DIR, "policy-pack", "config.json")]);
            assert.strictEqual(options.refresh, true);
            assert.strictEqual(options.color, "never");
            assert.ok(options.signal instanceof AbortSignal);
        }
    });

    describe("readiness (first deployment)", () => {
        it("is ready when every dependency has outputs", async () => {
            const { runner } = runnerOver({ prod: { outputs: { vpcId: { value: "vpc-1", secret: false } } } });
            assert.deepStrictEqual(await runner.readiness("dev", ["prod"]), { ready: true });
        });

        it("names the dependencies that were never deployed", async () => {
            const { runner } = runnerOver({ prod: { outputs: { vpcId: { value: "vpc-1", secret: false } } } });
            assert.deepStrictEqual(await runner.readiness("test", ["dev", "prod"]), {
                ready: false,
                missing: ["dev"],
                reason: "dev has never been deployed (no stack outputs to read)",
            });
        });
    });

    it("turns engine events into progress lines, changes and policy findings", async () => {
        const { runner } = runnerOver({
            dev: {
                previewEvents: [
                    event({ resourcePreEvent: step("create", "aws:iam/role:Role", "UpdateApp") }),
                    event({ resourcePreEvent: step("same", "aws:iam/group:Group", "Testers") }),
                    event({
                        policyEvent: {
                            resourceUrn: URN("aws:iam/role:Role", "UpdateApp"),
                            message: "maxSessionDuration 43200 exceeds 14400.\nFix: lower it.",
                            color: "never",
                            policyName: "iam-role-max-session-duration",
                            policyPackName: "crossaccount",
                            policyPackVersion: "0.1.0",
                            policyPackVersionTag: "0.1.0",
                            enforcementLevel: "mandatory",
                        },
                    }),
                ],
            },
        });
        const { lines, context } = collect();
        const preview = await runner.preview("dev", context);
        assert.deepStrictEqual(lines, [
            "would create aws:iam/role:Role UpdateApp",
            "policy mandatory: iam-role-max-session-duration on UpdateApp: maxSessionDuration 43200 exceeds 14400. Fix: lower it.",
        ]);
        assert.strictEqual(preview.ok, false);
        assert.deepStrictEqual(preview.changes, { create: 2, same: 5 });
        assert.deepStrictEqual(preview.policy, [
            {
                policyName: "iam-role-max-session-duration",
                policyPack: "crossaccount",
                enforcementLevel: "mandatory",
                urn: URN("aws:iam/role:Role", "UpdateApp"),
                message: "maxSessionDuration 43200 exceeds 14400.\nFix: lower it.",
            },
        ]);
    });

    it("a failed preview reports the engine's error diagnostics", async () => {
        const { runner } = runnerOver({
            test: {
                previewEvents: [
                    event({
                        diagnosticEvent: {
                            message: "Error: stack 'organization/crossaccount/dev' has no output 'vpcId'\n",
                            color: "never",
                            severity: "error",
                        },
                    }),
                ],
                previewError: new Error("code: 255\n stdout: \n stderr: error: preview failed"),
            },
        });
        const preview = await runner.preview("test", collect().context);
        assert.strictEqual(preview.ok, false);
        assert.strictEqual(preview.error, "Error: stack 'organization/crossaccount/dev' has no output 'vpcId'");
    });

    it("without diagnostics, a failure reports the CLI's error line", async () => {
        const { runner } = runnerOver({
            dev: { upError: new Error("code: 255\n stdout: \n stderr: error: the stack is currently locked by 1 lock(s)") },
        });
        const update = await runner.update("dev", collect().context);
        assert.strictEqual(update.ok, false);
        assert.strictEqual(update.error, "error: the stack is currently locked by 1 lock(s)");
    });

    it("an update reports its changes and outputs, secrets never in plain text", async () => {
        const { runner } = runnerOver({
            prod: {
                outputs: {
                    roleArns: { value: { UpdateApp: "arn:aws:iam::999999999999:role/UpdateApp" }, secret: false },
                    token: { value: "s3cr3t", secret: true },
                },
                upEvents: [
                    event({ resourcePreEvent: step("create", "aws:s3/bucketV2:BucketV2", "productionapp") }),
                    event({ resOutputsEvent: step("create", "aws:s3/bucketV2:BucketV2", "productionapp") }),
                    event({
                        summaryEvent: {
                            maybeCorrupt: false,
                            durationSeconds: 12,
                            resourceChanges: { create: 1, same: 3 },
                            policyPacks: {},
                        },
                    }),
                ],
            },
        });
        const { lines, context } = collect();
        const update = await runner.update("prod", context);
        assert.strictEqual(update.ok, true);
        assert.deepStrictEqual(update.changes, { create: 2, same: 5 });
        assert.deepStrictEqual(update.outputs, { roleArns: { UpdateApp: "arn:aws:iam::999999999999:role/UpdateApp" }, token: "[secret]" });
        assert.deepStrictEqual(lines, [
            "create aws:s3/bucketV2:BucketV2 productionapp...",
            "created aws:s3/bucketV2:BucketV2 productionapp",
            "done in 12 s: create 1",
        ]);
    });

    describe("cancel", () => {
        it("sends the interrupt through the abort signal; a CLI that stops releases its own lock", async () => {
            const { runner, stacks } = runnerOver({ dev: { upUntilAborted: true } });
            const update = runner.update("dev", collect().context);
            await new Promise((resolve) => setImmediate(resolve));
            const outcomes = await runner.cancel();
            assert.deepStrictEqual(outcomes, [
                {
                    stack: "dev",
                    operation: "update",
                    lock: "released",
                    detail: "the CLI stopped and released the lock; resources in flight may be pending: run `pulumi refresh` on this stack before the next release",
                },
            ]);
            assert.deepStrictEqual(stacks.get("dev")!.calls, ["up"]);
            const result = await update;
            assert.strictEqual(result.ok, false);
            assert.strictEqual(result.error, "cancelled: error: update canceled");
        });

        it("does not signal the CLI again when the terminal already did", async () => {
            const { stacks } = await cancelHungUpdate({}, { forwardInterrupt: false, cancelGraceSeconds: 0 });
            assert.strictEqual(stacks.get("dev")!.upOptions!.signal!.aborted, false);
        });

        it("calls stack.cancel() for a CLI that does not stop in time", async () => {
            const { stacks, outcomes } = await cancelHungUpdate({}, { cancelGraceSeconds: 0 });
            assert.deepStrictEqual(stacks.get("dev")!.calls, ["up", "cancel"]);
            assert.deepStrictEqual(lockReport(outcomes), [
                "dev released: the CLI did not stop within 0 s: stack.cancel() released the lock; run `pulumi refresh` before the next release",
            ]);
        });

        it("says the stack may still be locked when stack.cancel() fails", async () => {
            const { outcomes } = await cancelHungUpdate(
                { cancelError: new Error("code: 255\n stderr: error: [403] forbidden") },
                { cancelGraceSeconds: 0 },
            );
            assert.deepStrictEqual(lockReport(outcomes), [
                "dev maybe-locked: the CLI did not stop within 0 s and stack.cancel() failed (error: [403] forbidden): the stack may still be LOCKED; run `pulumi cancel --stack dev` once no update of it is running",
            ]);
        });

        it("reports nothing when nothing runs", async () => {
            const { runner } = runnerOver({});
            assert.deepStrictEqual(await runner.cancel(), []);
        });
    });

    describe("describeEngineEvent", () => {
        it("skips what does not matter", () => {
            assert.strictEqual(
                describeEngineEvent(event({ resourcePreEvent: step("same", "aws:iam/role:Role", "R") }), "update"),
                undefined,
            );
            assert.strictEqual(
                describeEngineEvent(event({ resOutputsEvent: step("create", "aws:iam/role:Role", "R") }), "preview"),
                undefined,
            );
            assert.strictEqual(
                describeEngineEvent(event({ diagnosticEvent: { message: "console.log", color: "never", severity: "info" } }), "update"),
                undefined,
            );
            assert.strictEqual(
                describeEngineEvent(event({ stdoutEvent: { message: "Updating (dev)", color: "never" } }), "update"),
                undefined,
            );
        });

        it("names failures, warnings and advisory policy events", () => {
            assert.strictEqual(
                describeEngineEvent(
                    event({
                        resOpFailedEvent: { ...(step("create", "aws:ec2/vpc:Vpc", "network") as object), status: 1, steps: 1 } as never,
                    }),
                    "update",
                ),
                "FAILED to create aws:ec2/vpc:Vpc network",
            );
            assert.strictEqual(
                describeEngineEvent(
                    event({
                        diagnosticEvent: {
                            urn: URN("aws:ec2/vpc:Vpc", "network"),
                            message: "deprecated\n",
                            color: "never",
                            severity: "warning",
                        },
                    }),
                    "update",
                ),
                "warning: network: deprecated",
            );
            assert.strictEqual(
                describeEngineEvent(
                    event({
                        policyEvent: {
                            message: "no KMS key",
                            color: "never",
                            policyName: "cloudtrail-kms-encryption",
                            policyPackName: "crossaccount",
                            policyPackVersion: "",
                            policyPackVersionTag: "",
                            enforcementLevel: "warning",
                        },
                    }),
                    "preview",
                ),
                "policy advisory: cloudtrail-kms-encryption: no KMS key",
            );
        });
    });

    it("plainOutputs hides secret outputs", () => {
        assert.deepStrictEqual(plainOutputs({ a: { value: 1, secret: false }, b: { value: "x", secret: true } }), { a: 1, b: "[secret]" });
    });
});
