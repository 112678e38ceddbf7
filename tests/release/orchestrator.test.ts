import * as assert from "assert";
import { Release, ReleaseOptions, UnknownStackError } from "../../release/orchestrator";
import { ReleaseResult } from "../../release/types";
import { RecordingOptions, RecordingRunner, advisory, mandatory } from "./recording-runner";

// The reference organization's shape: dev reads prod; test reads dev and prod.
const REFERENCE = { prod: [], dev: ["prod"], test: ["dev", "prod"] };
// Two independent roots and a stack reading both.
const DIAMOND = { a: [], b: [], c: ["a", "b"] };

function statuses(result: ReleaseResult): Record<string, string> {
    return Object.fromEntries(result.stacks.map((s) => [s.stack, s.status]));
}

function gateStatuses(result: ReleaseResult): Record<string, string> {
    return Object.fromEntries(result.gate.entries.map((e) => [e.stack, e.status]));
}

async function run(graph: Record<string, string[]>, runnerOptions: RecordingOptions = {}, options: Partial<ReleaseOptions> = {}) {
    const runner = new RecordingRunner(runnerOptions);
    const progress: string[] = [];
    const release = new Release({
        runner,
        graph,
        parallel: 1,
        onProgress: (stack, message) => progress.push(`${stack ?? "-"}|${message}`),
        ...options,
    });
    const result = await release.run();
    return { runner, result, progress, release };
}

/** Releases REFERENCE one stack at a time, interrupting when dev reports `message`. */
async function interruptedRelease(runner: RecordingRunner, message: string): Promise<ReleaseResult> {
    const release: Release = new Release({
        runner,
        graph: REFERENCE,
        parallel: 1,
        onProgress: (stack, progress) => {
            if (stack === "dev" && progress === message) void release.interrupt();
        },
    });
    return release.run();
}

describe("release orchestration", () => {
    describe("order", () => {
        it("previews then updates in dependency order from the StackReference graph", async () => {
            const { runner, result } = await run(REFERENCE);
            assert.deepStrictEqual(result.waves, [["prod"], ["dev"], ["test"]]);
            assert.deepStrictEqual(runner.log, [
                "preview:prod",
                "preview-end:prod",
                "preview:dev",
                "preview-end:dev",
                "preview:test",
                "preview-end:test",
                "start:prod",
                "end:prod",
                "start:dev",
                "end:dev",
                "start:test",
                "end:test",
            ]);
            assert.deepStrictEqual(statuses(result), { prod: "updated", dev: "updated", test: "updated" });
            assert.strictEqual(result.ok, true);
            assert.strictEqual(result.gate.ok, true);
        });

        it("never starts a stack before the stacks it reads, even with room to run more", async () => {
            const { runner } = await run(REFERENCE, {}, { parallel: 3 });
            const updates = runner.log.filter((e) => e.startsWith("start:") || e.startsWith("end:"));
            assert.deepStrictEqual(updates, ["start:prod", "end:prod", "start:dev", "end:dev", "start:test", "end:test"]);
        });

        it("updates only the selected stacks; the stacks they read are not updated", async () => {
            const { runner, result } = await run(REFERENCE, {}, { stacks: ["test", "dev"] });
            assert.deepStrictEqual(result.order, ["dev", "test"]);
            assert.deepStrictEqual(result.dependencies, { dev: [], test: ["dev"] });
            assert.deepStrictEqual(
                runner.log.filter((e) => e.startsWith("start:")),
                ["start:dev", "start:test"],
            );
        });

        it("rejects a stack that has no stack file", async () => {
            await assert.rejects(run(REFERENCE, {}, { stacks: ["dev", "staging"] }), (error: unknown) => {
                assert.ok(error instanceof UnknownStackError);
                assert.strictEqual(error.message, "unknown stack(s): staging (stack files: dev, prod, test)");
                return true;
            });
        });

        it("a dependency cycle is an error naming the cycle, and nothing is previewed or updated", async () => {
            const { runner, result } = await run({ prod: ["test"], dev: ["prod"], test: ["dev"] });
            assert.strictEqual(result.ok, false);
            assert.strictEqual(result.gate.ok, false);
            assert.strictEqual(result.gate.error, "stack dependencies form a cycle: dev -> prod -> test -> dev");
            assert.deepStrictEqual(runner.log, []);
            assert.deepStrictEqual(statuses(result), { prod: "not-started", dev: "not-started", test: "not-started" });
        });
    });

    describe("parallelism", () => {
        it("overlaps independent stacks when parallel > 1", async () => {
            const { runner } = await run(DIAMOND, {}, { parallel: 2 });
            assert.deepStrictEqual(runner.log, [
                "preview:a",
                "preview:b",
                "preview-end:a",
                "preview-end:b",
                "preview:c",
                "preview-end:c",
                "start:a",
                "start:b",
                "end:a",
                "end:b",
                "start:c",
                "end:c",
            ]);
        });

        it("runs one stack at a time with parallel 1", async () => {
            const { runner } = await run(DIAMOND, {}, { parallel: 1 });
            assert.deepStrictEqual(
                runner.log.filter((e) => !e.startsWith("preview")),
                ["start:a", "end:a", "start:b", "end:b", "start:c", "end:c"],
            );
        });

        it("starts a stack as soon as the stacks it reads are done, not when its whole wave is", async () => {
            // d reads a only: it need not wait for b, which is slow (ends only after d has ended).
            const { runner } = await run({ a: [], b: [], d: ["a"] }, { endsAfter: { b: "d" } }, { parallel: 2 });
            assert.deepStrictEqual(
                runner.log.filter((e) => !e.startsWith("preview")),
                ["start:a", "start:b", "end:a", "start:d", "end:d", "end:b"],
            );
        });

        it("refuses a parallelism below 1", () => {
            assert.throws(
                () => new Release({ runner: new RecordingRunner(), graph: DIAMOND, parallel: 0 }),
                /parallel must be a positive integer, got 0/,
            );
        });
    });

    describe("the gate", () => {
        it("a mandatory violation in any preview means zero updates, and every violation is named", async () => {
            const { runner, result } = await run(REFERENCE, {
                findings: {
                    dev: [mandatory("iam-trust-allowed-accounts"), advisory("required-tags")],
                    test: [mandatory("s3-public-access")],
                },
            });
            assert.deepStrictEqual(
                runner.log.filter((e) => e.startsWith("start:")),
                [],
            );
            // The gate does not stop at the first violation: every stack is previewed.
            assert.deepStrictEqual(
                runner.log.filter((e) => e.startsWith("preview:")),
                ["preview:prod", "preview:dev", "preview:test"],
            );
            assert.deepStrictEqual(gateStatuses(result), { prod: "passed", dev: "failed", test: "failed" });
            assert.deepStrictEqual(
                result.gate.entries.flatMap((e) =>
                    (e.preview?.policy ?? []).filter((p) => p.enforcementLevel === "mandatory").map((p) => `${e.stack}:${p.policyName}`),
                ),
                ["dev:iam-trust-allowed-accounts", "test:s3-public-access"],
            );
            assert.deepStrictEqual(statuses(result), { prod: "not-started", dev: "not-started", test: "not-started" });
            assert.strictEqual(result.stopReason, "the gate failed: nothing was updated");
            assert.strictEqual(result.ok, false);
        });

        it("advisory findings alone do not stop the release", async () => {
            const { result } = await run(REFERENCE, { findings: { prod: [advisory("cloudtrail-kms-encryption")] } });
            assert.deepStrictEqual(statuses(result), { prod: "updated", dev: "updated", test: "updated" });
        });

        it("a preview that fails means zero updates", async () => {
            const { runner, result } = await run(REFERENCE, { failPreview: ["prod"] });
            assert.deepStrictEqual(
                runner.log.filter((e) => e.startsWith("start:")),
                [],
            );
            assert.strictEqual(result.gate.entries[0].preview?.error, "prod: program failed");
            assert.strictEqual(result.ok, false);
        });

        it("--preview-only runs the gate and updates nothing", async () => {
            const { runner, result } = await run(REFERENCE, {}, { previewOnly: true });
            assert.deepStrictEqual(
                runner.log.filter((e) => e.startsWith("start:")),
                [],
            );
            assert.deepStrictEqual(statuses(result), { prod: "previewed", dev: "previewed", test: "previewed" });
            assert.strictEqual(result.ok, true);
        });

        it("asks for confirmation after the gate; a no updates nothing", async () => {
            const asked: string[][] = [];
            const { runner, result } = await run(
                REFERENCE,
                {},
                {
                    confirm: async (gate) => {
                        asked.push(gate.order);
                        return false;
                    },
                },
            );
            assert.deepStrictEqual(asked, [["prod", "dev", "test"]]);
            assert.deepStrictEqual(
                runner.log.filter((e) => e.startsWith("start:")),
                [],
            );
            assert.strictEqual(result.stopReason, "not confirmed: nothing was updated");
            assert.strictEqual(result.ok, false);
        });

        it("does not ask when the gate failed", async () => {
            let asked = false;
            await run(REFERENCE, { findings: { prod: [mandatory("x")] } }, { confirm: async () => (asked = true) });
            assert.strictEqual(asked, false);
        });
    });

    describe("first deployment: dependencies that were never deployed", () => {
        it("checks a deferred stack with the stand-in in the gate, and previews it for real right before its update", async () => {
            const log: string[] = [];
            const runner = new RecordingRunner({ log, notDeployed: { dev: ["prod"], test: ["dev", "prod"] } });
            const standIn = new RecordingRunner({ log, prefix: "stand-in:", kind: "offline" });
            const result = await new Release({ runner, standIn, graph: REFERENCE, parallel: 1 }).run();
            assert.deepStrictEqual(log, [
                "preview:prod",
                "preview-end:prod",
                "stand-in:preview:dev",
                "stand-in:preview-end:dev",
                "stand-in:preview:test",
                "stand-in:preview-end:test",
                "start:prod",
                "end:prod",
                "preview:dev",
                "preview-end:dev",
                "start:dev",
                "end:dev",
                "preview:test",
                "preview-end:test",
                "start:test",
                "end:test",
            ]);
            assert.deepStrictEqual(
                result.gate.entries.map((e) => [e.stack, e.status, e.previewedBy, e.reason]),
                [
                    ["prod", "passed", "cli", undefined],
                    ["dev", "deferred", "offline", "prod never deployed"],
                    ["test", "deferred", "offline", "dev, prod never deployed"],
                ],
            );
            assert.deepStrictEqual(statuses(result), { prod: "updated", dev: "updated", test: "updated" });
            assert.strictEqual(result.stacks[1].preview?.ok, true);
        });

        it("a mandatory violation the stand-in finds in a deferred stack means zero updates", async () => {
            const runner = new RecordingRunner({ notDeployed: { test: ["dev"] } });
            const standIn = new RecordingRunner({ kind: "offline", findings: { test: [mandatory("vpc-peering-allowed-peer-account")] } });
            const result = await new Release({ runner, standIn, graph: REFERENCE, parallel: 1 }).run();
            assert.deepStrictEqual(
                runner.log.filter((e) => e.startsWith("start:")),
                [],
            );
            assert.deepStrictEqual(gateStatuses(result), { prod: "passed", dev: "passed", test: "failed" });
        });

        it("a deferred stack whose real preview fails is not updated, and nothing new starts", async () => {
            const runner = new RecordingRunner({
                notDeployed: { dev: ["prod"], test: ["dev"] },
                findings: { dev: [mandatory("iam-role-max-session-duration")] },
            });
            const standIn = new RecordingRunner({ kind: "offline" });
            const result = await new Release({ runner, standIn, graph: REFERENCE, parallel: 1 }).run();
            assert.deepStrictEqual(runner.log, [
                "preview:prod",
                "preview-end:prod",
                "start:prod",
                "end:prod",
                "preview:dev",
                "preview-end:dev",
            ]);
            assert.deepStrictEqual(statuses(result), { prod: "updated", dev: "failed", test: "not-started" });
            assert.strictEqual(result.stacks[1].reason, "its preview under the policy pack failed, so it was not updated");
            assert.strictEqual(result.stopReason, "the deferred preview of dev failed: no new update was started");
        });

        it("fails the gate when a never-deployed dependency is not part of the release", async () => {
            const runner = new RecordingRunner({ notDeployed: { test: ["dev"] } });
            const result = await new Release({
                runner,
                standIn: new RecordingRunner(),
                graph: REFERENCE,
                stacks: ["test"],
                parallel: 1,
            }).run();
            assert.deepStrictEqual(runner.log, []);
            assert.strictEqual(
                result.gate.entries[0].preview?.error,
                "dev never deployed, and dev is not part of this release (add to --stacks)",
            );
            assert.deepStrictEqual(statuses(result), { test: "not-started" });
        });

        it("without a stand-in, reports deferred stacks as not yet checked", async () => {
            const { result } = await run(REFERENCE, { notDeployed: { dev: ["prod"], test: ["dev", "prod"] } }, { previewOnly: true });
            assert.deepStrictEqual(gateStatuses(result), { prod: "passed", dev: "deferred", test: "deferred" });
            assert.strictEqual(result.gate.entries[1].preview, undefined);
        });
    });

    describe("failures and interrupts", () => {
        it("a failed update starts nothing new, lets running updates finish, and reports the rest as not started", async () => {
            // a fails while b runs; b only ends after a has ended, and still counts; c and d never start.
            const graph = { a: [], b: [], c: ["a"], d: ["b"] };
            const { runner, result } = await run(graph, { failUpdate: ["a"], endsAfter: { b: "a" } }, { parallel: 2 });
            assert.deepStrictEqual(
                runner.log.filter((e) => !e.startsWith("preview")),
                ["start:a", "start:b", "end:a", "end:b"],
            );
            assert.deepStrictEqual(statuses(result), { a: "failed", b: "updated", c: "not-started", d: "not-started" });
            assert.strictEqual(result.stopReason, "the update of a failed: no new update was started");
            assert.strictEqual(result.stacks.find((s) => s.stack === "c")?.reason, "the update of a failed: no new update was started");
            assert.strictEqual(result.ok, false);
        });

        it("an interrupt during an update cancels it through the runner and starts nothing new", async () => {
            const runner = new RecordingRunner({ blockUntilCancel: ["dev"] });
            const result = await interruptedRelease(runner, "update: updating dev");
            assert.deepStrictEqual(
                runner.log.filter((e) => !e.startsWith("preview")),
                ["start:prod", "end:prod", "start:dev", "cancel", "end:dev"],
            );
            assert.deepStrictEqual(statuses(result), { prod: "updated", dev: "cancelled", test: "not-started" });
            assert.strictEqual(result.interrupted, true);
            assert.deepStrictEqual(result.cancellations, [{ stack: "dev", operation: "update", lock: "released", detail: "stopped" }]);
            assert.strictEqual(result.ok, false);
        });

        it("an interrupt during the gate updates nothing", async () => {
            const runner = new RecordingRunner({ blockPreviewUntilCancel: ["dev"] });
            const result = await interruptedRelease(runner, "preview: previewing dev");
            assert.deepStrictEqual(runner.log, ["preview:prod", "preview-end:prod", "preview:dev", "cancel", "preview-end:dev"]);
            assert.deepStrictEqual(gateStatuses(result), { prod: "passed", dev: "passed", test: "not-previewed" });
            assert.strictEqual(result.gate.ok, false);
            assert.deepStrictEqual(statuses(result), { prod: "not-started", dev: "not-started", test: "not-started" });
            assert.strictEqual(result.interrupted, true);
        });

        it("a runner that throws fails that stack instead of the release", async () => {
            const runner = new RecordingRunner();
            runner.update = async (stack) => {
                throw new Error(`boom in ${stack}`);
            };
            const result = await new Release({ runner, graph: { a: [] }, parallel: 1 }).run();
            assert.deepStrictEqual(statuses(result), { a: "failed" });
            assert.strictEqual(result.stacks[0].reason, "boom in a");
        });
    });

    it("reports progress per stack", async () => {
        const { progress } = await run({ a: [] });
        assert.deepStrictEqual(progress, [
            "-|order: a",
            "-|gate: previewing a under the policy pack",
            "a|preview: previewing a",
            "a|preview passed",
            "-|gate: passed",
            "a|updating",
            "a|update: updating a",
            "a|updated in 2.0 s",
        ]);
    });

    it("measures the release with the given clock", async () => {
        let t = 1000;
        const { result } = await run({ a: [] }, {}, { now: () => (t += 500) });
        assert.strictEqual(result.seconds, 0.5);
    });
});
