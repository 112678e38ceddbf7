// The pieces of the generator: wave splitting, the deploy role, the PR comment script, settings.
import * as fs from "fs";
import * as path from "path";
import { strict as assert } from "assert";
import { loadProject } from "../../../plan/plan";
import { deployRoleArn } from "../../../tools/workflows/deploy-role";
import { generateWorkflows } from "../../../tools/workflows/generate";
import { COMMENT_LIMIT, COMMENT_MARKER } from "../../../tools/workflows/plan-workflow";
import { StackTarget, describeSplits, splitEvenly, waveJobs } from "../../../tools/workflows/release-workflow";
import { WorkflowInputError, loadWorkflowSettings } from "../../../tools/workflows/settings";
import { REPO_DIR, referenceProject, roleOf } from "../../support/project";
import { assertValid, fileOf, matrixOf, read, stepUsing } from "./support";

describe("CI workflow generator", () => {
    describe("splitting a wave for GitHub's 256 jobs per matrix", () => {
        it("keeps a wave of up to 256 stacks in one job", () => {
            assert.deepEqual(
                splitEvenly(range(256)).map((p) => p.length),
                [256],
            );
            assert.deepEqual(
                splitEvenly(range(1)).map((p) => p.length),
                [1],
            );
        });

        it("splits a larger wave into the fewest parts, of sizes differing by at most one, order kept", () => {
            assert.deepEqual(
                splitEvenly(range(257)).map((p) => p.length),
                [129, 128],
            );
            assert.deepEqual(
                splitEvenly(range(729)).map((p) => p.length),
                [243, 243, 243],
            );
            assert.deepEqual(
                splitEvenly(range(1000)).map((p) => p.length),
                [250, 250, 250, 250],
            );
            assert.deepEqual(splitEvenly(range(600)).flat(), range(600));
        });

        it("chains the parts of a wave and the waves with needs:", () => {
            const targets = new Map(range(300).map((i) => [`s${i}`, target(`s${i}`)]));
            const jobs = waveJobs([["s0"], range(299).map((i) => `s${i + 1}`)], targets);
            assert.deepEqual(
                jobs.map((j) => [j.id, j.needs, j.stacks.length]),
                [
                    ["wave-1", ["gate"], 1],
                    ["wave-2-part-1", ["wave-1"], 150],
                    ["wave-2-part-2", ["wave-2-part-1"], 149],
                ],
            );
            assert.deepEqual(describeSplits(jobs), ["wave 2 (299 stacks) in 2 jobs of 150 or 149"]);
            assert.deepEqual(describeSplits(jobs.slice(0, 1)), []);
        });
    });

    describe("the deploy role", () => {
        it("is GitHubActionsDeploy in the stack's account, in the organization's partition", () => {
            const { organization } = loadProject(REPO_DIR);
            assert.equal(deployRoleArn(organization, "dev", "GitHubActionsDeploy"), "arn:aws:iam::111111111111:role/GitHubActionsDeploy");
            assert.equal(
                deployRoleArn({ ...organization, partition: "aws-us-gov" }, "prod", "Deploy"),
                "arn:aws-us-gov:iam::999999999999:role/Deploy",
            );
        });

        it("is the role the stack file declares with a github trust, with its path", () => {
            const dir = referenceProject({ dev: (c) => (roleOf(c, "GitHubActionsDeploy").path = "/ci/") });
            const { organization } = loadProject(dir);
            assert.equal(
                deployRoleArn(organization, "dev", "GitHubActionsDeploy"),
                "arn:aws:iam::111111111111:role/ci/GitHubActionsDeploy",
            );
        });

        it("takes its name from workflows.json or --deploy-role-name", () => {
            const dir = referenceProject();
            fs.writeFileSync(path.join(dir, "workflows.json"), JSON.stringify({ deployRoleName: "CiDeploy", gateStack: "dev" }));
            const fromFile = read(fileOf(generateWorkflows(dir), "release.yml"));
            assert.equal(matrixOf(fromFile.jobs["wave-1"])[0].role, "arn:aws:iam::999999999999:role/CiDeploy");
            const gateAws = stepUsing(fromFile.jobs.gate, "aws-actions/configure-aws-credentials");
            assert.equal(gateAws.with["role-to-assume"], "arn:aws:iam::111111111111:role/CiDeploy");
            const fromOption = read(fileOf(generateWorkflows(dir, { deployRoleName: "Other" }), "release.yml"));
            assert.equal(matrixOf(fromOption.jobs["wave-1"])[0].role, "arn:aws:iam::999999999999:role/Other");
        });
    });

    describe("release settings", () => {
        it("a GitHub environment, a branch and another secrets provider shape every release job", async () => {
            const dir = referenceProject();
            fs.writeFileSync(
                path.join(dir, "workflows.json"),
                JSON.stringify({
                    githubEnvironment: "production",
                    branch: "release",
                    secretsProvider: "awskms://alias/pulumi?region=us-east-1",
                    sessionDurationSeconds: 7200,
                }),
            );
            const content = fileOf(generateWorkflows(dir), "release.yml");
            await assertValid("release.yml", content);
            const workflow = read(content);
            assert.deepEqual(workflow.on.push, { branches: ["release"] });
            assert.deepEqual(
                Object.keys(workflow.env ?? {}),
                ["PULUMI_BACKEND_URL", "PULUMI_ACCESS_TOKEN"],
                "no passphrase without the passphrase provider",
            );
            for (const [id, job] of Object.entries(workflow.jobs)) {
                assert.equal(job.environment, "production", id);
                const steps = job.steps;
                assert.equal(stepUsing(job, "aws-actions/configure-aws-credentials").with["role-duration-seconds"], 7200);
                assert.match(String(steps[steps.length - 1].run), / --secrets-provider 'awskms:\/\/alias\/pulumi\?region=us-east-1'$/, id);
            }
        });
    });

    describe("the pull-request comment", () => {
        const script = String(
            stepUsing(read(fileOf(generateWorkflows(REPO_DIR), "plan.yml")).jobs.comment, "actions/github-script").with.script,
        );

        it("is created once, then edited on each push, never duplicated", async () => {
            const github = fakeGitHub([{ id: 7, user: { type: "User" }, body: `quoting ${COMMENT_MARKER}` }]);
            await runScript(script, github, "# Plan\nfirst");
            assert.equal(github.calls.length, 1);
            assert.equal(github.calls[0].kind, "create");
            assert.ok(github.calls[0].body.startsWith(`${COMMENT_MARKER}\n# Plan\nfirst`));
            await runScript(script, github, "# Plan\nsecond");
            assert.deepEqual(
                github.calls.slice(1).map((c) => [c.kind, c.id]),
                [["update", 100]],
            );
            assert.equal(github.comments.filter((c) => c.body.startsWith(COMMENT_MARKER)).length, 1);
            assert.ok(github.comments.find((c) => c.id === 100)!.body.includes("second"));
        });

        it(`is cut to GitHub's ${COMMENT_LIMIT} characters, saying so`, async () => {
            const github = fakeGitHub([]);
            await runScript(script, github, "x".repeat(200_000));
            const body = github.calls[0].body;
            assert.ok(body.length <= COMMENT_LIMIT, `${body.length}`);
            assert.match(body, /The report is cut here/);
        });
    });

    describe("settings", () => {
        it("default to max-parallel 4 and GitHubActionsDeploy", () => {
            const settings = loadWorkflowSettings(referenceProject());
            assert.equal(settings.maxParallel, 4);
            assert.equal(settings.deployRoleName, "GitHubActionsDeploy");
        });

        it("name the file or the option, the key and the problem", () => {
            const dir = referenceProject();
            assert.throws(() => loadWorkflowSettings(dir, { maxParallel: 0 }), messageIs("--max-parallel: must be at least 1"));
            assert.throws(
                () => loadWorkflowSettings(dir, { maxParallel: 300 }),
                messageIs("--max-parallel: must be at most 256 (GitHub runs at most 256 jobs of one matrix)"),
            );
            fs.writeFileSync(path.join(dir, "workflows.json"), JSON.stringify({ maxParallel: 2.5 }));
            assert.throws(() => loadWorkflowSettings(dir), messageIs("workflows.json: maxParallel: must be a whole number"));
            fs.writeFileSync(path.join(dir, "workflows.json"), JSON.stringify({ maxParalel: 2 }));
            assert.throws(() => loadWorkflowSettings(dir), messageIs("workflows.json: unknown key(s) maxParalel"));
            fs.writeFileSync(path.join(dir, "workflows.json"), "{ maxParallel: 2 }");
            assert.throws(
                () => loadWorkflowSettings(dir),
                (e: unknown) => e instanceof WorkflowInputError && /^workflows\.json: is not valid JSON/.test(e.message),
            );
            fs.writeFileSync(path.join(dir, "workflows.json"), JSON.stringify({ gateStack: "staging" }));
            assert.throws(
                () => generateWorkflows(dir),
                messageIs("workflows.json: gateStack: 'staging' is not a stack of the project (dev, prod, test)"),
            );
        });
    });
});

function range(n: number): number[] {
    return Array.from({ length: n }, (_, i) => i);
}

function target(stack: string): StackTarget {
    return { stack, account: "123456789012", region: "us-east-1", role: "arn:aws:iam::123456789012:role/GitHubActionsDeploy" };
}

function messageIs(message: string) {
    return (error: unknown) => error instanceof WorkflowInputError && error.message === message;
}

interface Comment {
    id: number;
    user: { type: string };
    body: string;
}

/** Octokit as actions/github-script hands it to the script, over an in-memory list of comments. */
function fakeGitHub(initial: Comment[]) {
    const comments = [...initial];
    const calls: { kind: "create" | "update"; id?: number; body: string }[] = [];
    const listComments = async () => ({ data: comments });
    return {
        comments,
        calls,
        paginate: async (method: unknown) => {
            assert.equal(method, listComments);
            return comments.map((c) => ({ ...c }));
        },
        rest: {
            issues: {
                listComments,
                createComment: async ({ body }: { body: string }) => {
                    calls.push({ kind: "create", body });
                    comments.push({ id: 100, user: { type: "Bot" }, body });
                },
                updateComment: async ({ comment_id, body }: { comment_id: number; body: string }) => {
                    calls.push({ kind: "update", id: comment_id, body });
                    comments.find((c) => c.id === comment_id)!.body = body;
                },
            },
        },
    };
}

async function runScript(script: string, github: ReturnType<typeof fakeGitHub>, report: string): Promise<void> {
    const context = {
        serverUrl: "https://github.com",
        runId: 42,
        repo: { owner: "acme", repo: "platform" },
        payload: { pull_request: { number: 5, head: { sha: "0123456789abcdef" } } },
    };
    const fakeRequire = (name: string) => {
        assert.equal(name, "fs");
        return { readFileSync: (file: string) => (assert.equal(file, "plan.md"), report) };
    };
    const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (
        ...args: string[]
    ) => (...values: unknown[]) => Promise<void>;
    await new AsyncFunction("require", "github", "context", script)(fakeRequire, github, context);
}
