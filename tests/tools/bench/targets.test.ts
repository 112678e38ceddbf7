// How the benchmark judges its numbers (fixed inputs; nothing here is timed).
import { strict as assert } from "node:assert";
import { SizeMeasure, evaluateTargets } from "../../../tools/bench/targets";
import { median } from "../../../tools/bench/measure";
import { categoryOf, moduleOf, summariseProfile } from "../../../tools/bench/cpuprofile";
import { REPO_DIR } from "../../../tools/bench/generate";

const size = (accounts: number, planSeconds: number, wholeSeconds = planSeconds + 1.5, peakMiB = 300): SizeMeasure => ({
    accounts,
    planSeconds,
    wholeSeconds,
    peakMiB,
});
const status = (results: ReturnType<typeof evaluateTargets>) => Object.fromEntries(results.map((r) => [r.id, r.status]));

const everyTarget = (result: string) => ({
    "reference-vs-floor": result,
    "linear-growth": result,
    "large-seconds": result,
    "large-memory": result,
});

describe("bench: targets", () => {
    it("passes an organization that is fast enough, linear and small", () => {
        const results = evaluateTargets({ floorSeconds: 0.6, referenceSeconds: 1.2, sizes: [size(100, 5), size(1000, 50, 55, 3000)] });
        assert.deepEqual(status(results), everyTarget("PASS"));
        assert.match(results[1].text, /ratio N=1000\/N=100 1\.00/);
    });

    it("misses each target on its own number", () => {
        const results = evaluateTargets({ floorSeconds: 0.6, referenceSeconds: 1.3, sizes: [size(100, 5), size(1000, 56, 61, 4096)] });
        assert.deepEqual(status(results), everyTarget("MISS"));
        assert.match(results[0].text, /2\.17 x floor/);
    });

    it("reports n/a for what was not measured", () => {
        assert.deepEqual(status(evaluateTargets({ sizes: [size(3, 1)] })), {
            "reference-vs-floor": "n/a",
            "linear-growth": "n/a",
            "large-seconds": "n/a",
            "large-memory": "n/a",
        });
    });

    it("takes medians", () => {
        assert.equal(median([3, 1, 2]), 2);
        assert.equal(median([4, 1, 2, 3]), 2.5);
    });

    it("summarises a CPU profile by function, module and category", () => {
        const file = (p: string) => `file:///work/x/node_modules/${p}`;
        const summary = summariseProfile({
            startTime: 0,
            endTime: 4000,
            nodes: [
                { id: 1, callFrame: { functionName: "(root)", url: "", lineNumber: -1, columnNumber: -1 }, children: [2, 3] },
                {
                    id: 2,
                    callFrame: { functionName: "compile", url: file("typescript/lib/typescript.js"), lineNumber: 9, columnNumber: 0 },
                },
                { id: 3, callFrame: { functionName: "(garbage collector)", url: "", lineNumber: -1, columnNumber: -1 } },
            ],
            samples: [2, 2, 3, 2],
            timeDeltas: [0, 1000, 1000, 1000],
        });
        assert.equal(summary.totalMs, 3);
        assert.deepEqual(
            summary.categories.map((c) => [c.name, c.ms]),
            [
                ["TypeScript compile (swc, ts-node)", 2],
                ["garbage collection", 1],
            ],
        );
        assert.deepEqual(
            summary.activities.map((a) => [a.name, a.ms]),
            [
                ["compiling TypeScript (tools/ts-register, swc, ts-node)", 2],
                ["garbage collection", 1],
            ],
        );
        assert.equal(moduleOf(file("@pulumi/pulumi/runtime/rpc.js"), "f"), "@pulumi/pulumi");
        assert.equal(categoryOf("@pulumi/pulumi > @grpc/grpc-js"), "grpc / protobuf");
        // What the npm scripts load TypeScript with now: the loader and swc count as compiling, not as the repository.
        assert.equal(categoryOf(moduleOf(file("@swc/core/index.js"), "transformSync")), "TypeScript compile (swc, ts-node)");
        assert.equal(
            categoryOf(moduleOf(`file://${REPO_DIR}/tools/ts-register/index.js`, "compiled")),
            "TypeScript compile (swc, ts-node)",
        );
    });
});
