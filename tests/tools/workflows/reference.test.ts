// The reference organization's workflows: committed, current, valid for GitHub, and saying what the
// release does (order, credentials, permissions, pins).
import * as fs from "fs";
import { spawnSync } from "child_process";
import * as path from "path";
import { strict as assert } from "assert";
import { loadProject } from "../../../plan/plan";
import { orderStacks, organizationGraph } from "../../../plan/stack-graph";
import { ACTIONS } from "../../../tools/workflows/actions";
import { GeneratedWorkflows, generateWorkflows, staleWorkflows } from "../../../tools/workflows/generate";
import { REPO_DIR, referenceProject } from "../../support/project";
import { parseWorkflowFile, workflowParser } from "../../support/workflow-parser";
import { Workflow, assertValid, fileOf, matrixOf, read, stepUsing, wavesOf } from "./support";

describe("CI workflows of the reference organization", () => {
    let generated: GeneratedWorkflows;
    let plan: Workflow;
    let release: Workflow;

    before(() => {
        generated = generateWorkflows(REPO_DIR);
        plan = read(fileOf(generated, "plan.yml"));
        release = read(fileOf(generated, "release.yml"));
    });

    it("loads GitHub's parser on this Node (its JSON schema is imported without an import attribute)", async () => {
        const parser = await workflowParser();
        assert.equal(typeof parser.parseWorkflow, "function");
        // The schema really is loaded: an unknown key and a job needing a missing job are refused.
        const { errors } = await parseWorkflowFile(
            "bad.yml",
            "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    needs: [missing]\n    stepz: []\n",
        );
        assert.ok(
            errors.some((e) => /stepz/.test(e)),
            errors.join("\n"),
        );
    });

    it("needs that workaround: a plain import of the parser is refused (when it is not, drop the loader hook)", () => {
        const plain = spawnSync(process.execPath, ["--input-type=module", "-e", "await import('@actions/workflow-parser')"], {
            cwd: REPO_DIR,
            encoding: "utf8",
        });
        assert.notEqual(plain.status, 0);
        assert.match(plain.stderr, /ERR_IMPORT_(ATTRIBUTE|ASSERTION_TYPE)_MISSING/);
    });

    it("are committed and current: `npm run workflows` changes nothing", () => {
        assert.deepEqual(
            staleWorkflows(REPO_DIR, generated),
            [],
            "the committed workflows are stale: run `npm run workflows` and commit them",
        );
    });

    it("parse without errors with GitHub's workflow parser", async () => {
        await assertValid("plan.yml", fileOf(generated, "plan.yml"));
        await assertValid("release.yml", fileOf(generated, "release.yml"));
    });

    it("release in the stack order of plan/stack-graph.ts: prod, then dev, then test, after the gate", () => {
        const expected = orderStacks(organizationGraph(loadProject(REPO_DIR).organization)).waves;
        assert.deepEqual(expected, [["prod"], ["dev"], ["test"]]);
        assert.deepEqual(wavesOf(release), expected);
        assert.deepEqual(Object.keys(release.jobs), ["gate", "wave-1", "wave-2", "wave-3"]);
        assert.deepEqual(release.jobs["wave-1"].needs, ["gate"]);
        assert.deepEqual(release.jobs["wave-3"].needs, ["wave-2"]);
    });

    it("run on pushes to main and by hand, never two releases at once, never cancelling one", () => {
        assert.deepEqual(release.on, { push: { branches: ["main"] }, workflow_dispatch: {} });
        assert.deepEqual(release.concurrency, { group: "crossaccount-release", "cancel-in-progress": false });
        assert.deepEqual(plan.on, { pull_request: {} });
    });

    it("gate: previews every stack under the pack with the first stack's deploy role, before any update", () => {
        const gate = release.jobs.gate;
        const commands = gate.steps.flatMap((s) => (s.run ? [s.run] : []));
        assert.ok(commands.includes("npm run release -- --preview-only --parallel 4"), commands.join("\n"));
        const aws = stepUsing(gate, "aws-actions/configure-aws-credentials");
        assert.equal(aws.with["role-to-assume"], "arn:aws:iam::999999999999:role/GitHubActionsDeploy");
        assert.equal(aws.with["allowed-account-ids"], "999999999999");
        assert.ok(String(gate.steps[0].run).includes("PULUMI_BACKEND_URL"), "the gate checks the backend is configured first");
    });

    it("wave jobs: one matrix entry per stack with its account, region and deploy role; one stack released per entry", () => {
        const entries = ["wave-1", "wave-2", "wave-3"].flatMap((id) => matrixOf(release.jobs[id]));
        assert.deepEqual(entries, [
            { stack: "prod", account: "999999999999", region: "us-east-1", role: "arn:aws:iam::999999999999:role/GitHubActionsDeploy" },
            { stack: "dev", account: "111111111111", region: "us-east-1", role: "arn:aws:iam::111111111111:role/GitHubActionsDeploy" },
            { stack: "test", account: "222222222222", region: "us-east-1", role: "arn:aws:iam::222222222222:role/GitHubActionsDeploy" },
        ]);
        for (const id of ["wave-1", "wave-2", "wave-3"]) {
            const job = release.jobs[id];
            assert.deepEqual({ ...job.strategy, matrix: undefined }, { "fail-fast": false, "max-parallel": 4, matrix: undefined });
            const steps = job.steps;
            const aws = stepUsing(job, "aws-actions/configure-aws-credentials");
            assert.deepEqual(
                { role: aws.with["role-to-assume"], region: aws.with["aws-region"], account: aws.with["allowed-account-ids"] },
                { role: "${{ matrix.role }}", region: "${{ matrix.region }}", account: "${{ matrix.account }}" },
            );
            assert.ok(
                steps.some((s) => String(s.uses).startsWith("pulumi/actions@")),
                "the Pulumi CLI comes from pulumi/actions",
            );
            const last = steps[steps.length - 1];
            assert.equal(last.run, 'npm run release -- --stacks "$STACK" --yes');
            assert.deepEqual(last.env, { STACK: "${{ matrix.stack }}" });
        }
    });

    it("pin every action to a full commit SHA with its version in a comment", () => {
        for (const file of generated.files) {
            const lines = file.content.split("\n").filter((line) => /^\s*(- )?uses:/.test(line));
            assert.ok(lines.length > 0);
            for (const line of lines) assert.match(line, /uses: [\w.-]+\/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/, `${file.path}: ${line}`);
        }
        for (const action of Object.values(ACTIONS)) assert.match(action.sha, /^[0-9a-f]{40}$/);
    });

    it("grant each job only what it needs: OIDC only where AWS credentials are used, PR writes only to the comment job", () => {
        for (const workflow of [plan, release]) {
            assert.deepEqual(workflow.permissions, {}, "nothing by default");
            for (const [id, job] of Object.entries(workflow.jobs)) {
                const usesAws = job.steps.some((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@"));
                const expected = usesAws
                    ? { contents: "read", "id-token": "write" }
                    : id === "comment"
                      ? { "pull-requests": "write" }
                      : { contents: "read" };
                assert.deepEqual(job.permissions, expected, id);
            }
        }
        assert.deepEqual(Object.keys(plan.jobs), ["plan", "comment"]);
    });

    it("plan.yml: tests, the offline plan with its JSON kept as an artifact, one comment edited on each push", () => {
        const steps = plan.jobs.plan.steps;
        const runs = steps.flatMap((s) => (s.run ? [s.run.split("\n")] : []));
        // The pack's own install (the gRPC test starts the pack from it), as `.ci/run` does.
        assert.deepEqual(runs.slice(0, 3), [["npm ci --no-audit --no-fund"], ["npm ci --no-audit --no-fund"], ["npm test"]]);
        assert.equal((steps.filter((s) => s.run)[1] as Record<string, unknown>)["working-directory"], "policy-pack");
        assert.ok(runs[3].includes("npm start -- --json plan.json --markdown plan.md"));
        const upload = stepUsing(plan.jobs.plan, "actions/upload-artifact");
        assert.deepEqual(String(upload.with.path).split("\n"), ["plan.json", "plan.md"]);
        assert.equal(plan.concurrency["cancel-in-progress"], true);
        assert.match(String(plan.jobs.comment.if), /github\.event\.pull_request\.head\.repo\.full_name == github\.repository/);
    });

    it("workflows.json is the source of max-parallel when the project has one", () => {
        const dir = referenceProject();
        fs.writeFileSync(path.join(dir, "workflows.json"), JSON.stringify({ maxParallel: 2 }));
        const workflow = read(fileOf(generateWorkflows(dir), "release.yml"));
        assert.equal(workflow.jobs["wave-2"].strategy?.["max-parallel"], 2);
        assert.ok(workflow.jobs.gate.steps.some((s) => s.run === "npm run release -- --preview-only --parallel 2"));
    });
});
