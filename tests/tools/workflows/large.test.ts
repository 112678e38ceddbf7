// Organizations of 300 and 1,000 accounts from the benchmark's generator (tools/bench/generate.ts):
// the release still follows plan/stack-graph.ts's order and stays within GitHub's limits.
import * as fs from "fs";
import { strict as assert } from "assert";
import { generateOrganization } from "../../../tools/bench/generate";
import { loadProject } from "../../../plan/plan";
import { orderStacks, organizationGraph } from "../../../plan/stack-graph";
import { WORKFLOW_FILE_LIMIT_BYTES, workflowsFor } from "../../../tools/workflows/generate";
import { MATRIX_JOB_LIMIT, loadWorkflowSettings } from "../../../tools/workflows/settings";
import { assertValid, fileOf, matrixOf, read, tempDir, wavesOf } from "./support";

// 300 accounts run with `npm test`; 1,000 (a million lines of YAML to load, minutes on two cores) only when
// CROSSACCOUNT_LARGE_TESTS=1, as the benchmark's scale is measured by `npm run bench`, not by the suite.
const SIZES = process.env.CROSSACCOUNT_LARGE_TESTS === "1" ? [300, 1000] : [300];

for (const accounts of SIZES) {
    describe(`CI workflows of a generated ${accounts}-account organization`, function () {
        this.timeout(600_000);
        let dir: string;
        let content: string;
        let expectedWaves: string[][];
        let accountIds: Record<string, string>;

        before(() => {
            dir = tempDir();
            accountIds = generateOrganization(accounts, dir, { beyondLimits: true }).accountIds;
            // Loaded once (the slow part), for the expected order and the generator alike.
            const { organization } = loadProject(dir);
            expectedWaves = orderStacks(organizationGraph(organization)).waves;
            content = fileOf(workflowsFor(dir, organization, loadWorkflowSettings(dir)), "release.yml");
        });

        after(() => fs.rmSync(dir, { recursive: true, force: true }));

        it("parses without errors with GitHub's workflow parser", async () => {
            await assertValid("release.yml", content);
        });

        it("releases wave by wave in the stack order of plan/stack-graph.ts, every stack once", () => {
            const workflow = read(content);
            assert.deepEqual(wavesOf(workflow), expectedWaves);
            // The generated shape: the hub, then the odd environments, then the even ones peering with them.
            assert.equal(expectedWaves.length, 3);
            assert.deepEqual(expectedWaves[0], ["env000"]);
            assert.equal(expectedWaves[1].length, accounts / 2);
            assert.equal(expectedWaves[2].length, accounts / 2 - 1);
            const entries = Object.values(workflow.jobs).flatMap((job) => job.strategy?.matrix.include ?? []);
            assert.equal(entries.length, accounts);
            for (const entry of entries) {
                assert.equal(entry.account, accountIds[entry.stack], entry.stack);
                assert.equal(entry.role, `arn:aws:iam::${accountIds[entry.stack]}:role/GitHubActionsDeploy`);
            }
        });

        it(`stays within GitHub's limits: at most ${MATRIX_JOB_LIMIT} jobs per matrix, at most 500 KB per file`, () => {
            const workflow = read(content);
            const sizes = Object.values(workflow.jobs).map((job) => job.strategy?.matrix.include.length ?? 1);
            assert.ok(Math.max(...sizes) <= MATRIX_JOB_LIMIT, `largest matrix: ${Math.max(...sizes)}`);
            assert.ok(Buffer.byteLength(content) < WORKFLOW_FILE_LIMIT_BYTES, `${Buffer.byteLength(content)} bytes`);
        });

        if (accounts === 1000) {
            it("splits the 500-stack wave into 2 jobs of 250 stacks that run one after the other", () => {
                const workflow = read(content);
                const parts = ["wave-2-part-1", "wave-2-part-2"].map((id) => workflow.jobs[id]);
                assert.deepEqual(
                    parts.map((job) => matrixOf(job).length),
                    [250, 250],
                );
                assert.deepEqual(
                    parts.map((job) => job.needs),
                    [["wave-1"], ["wave-2-part-1"]],
                );
                assert.equal(parts[0].name, "wave 2/3 part 1/2: ${{ matrix.stack }}");
                assert.match(
                    content,
                    /^# GitHub runs at most 256 jobs of one matrix: wave 2 \(500 stacks\) in 2 jobs of 250, one job after the other\.$/m,
                );
            });
        }
    });
}
