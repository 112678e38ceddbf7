// `npm run workflows`: writing, --check, and bad input stopping with exit 2 and one message.
import * as fs from "fs";
import * as path from "path";
import { strict as assert } from "assert";
import { main } from "../../../cli/workflows";
import { referenceProject } from "../../support/project";

function run(...argv: string[]) {
    let stdout = "";
    let stderr = "";
    const code = main(argv, { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } });
    return { code, stdout, stderr };
}

describe("npm run workflows", () => {
    it("writes both workflows, then --check passes until an input changes", () => {
        const dir = referenceProject();
        const missing = run("--project", dir, "--check");
        assert.equal(missing.code, 1);
        assert.equal(
            missing.stderr,
            "workflows: stale or missing: .github/workflows/plan.yml, .github/workflows/release.yml; run `npm run workflows` and commit the result\n",
        );

        const written = run("--project", dir);
        assert.equal(written.code, 0, written.stderr);
        assert.match(written.stdout, /wrote \.github\/workflows\/release\.yml \(\d+ bytes\)/);
        assert.ok(fs.existsSync(path.join(dir, ".github", "workflows", "plan.yml")));
        assert.equal(run("--project", dir, "--check").code, 0);

        fs.writeFileSync(path.join(dir, "workflows.json"), JSON.stringify({ maxParallel: 8 }));
        const stale = run("--project", dir, "--check");
        assert.equal(stale.code, 1);
        assert.match(stale.stderr, /stale or missing: \.github\/workflows\/plan\.yml, \.github\/workflows\/release\.yml;/);
    });

    it("exit 2, one message: no project directory", () => {
        const result = run("--project", "/nonexistent/project");
        assert.deepEqual(result, {
            code: 2,
            stdout: "",
            stderr: "workflows: no Pulumi.yaml in /nonexistent/project (--project must be the project directory)\n",
        });
    });

    it("exit 2, one message: a bad max-parallel", () => {
        const dir = referenceProject();
        assert.deepEqual(run("--project", dir, "--max-parallel", "0"), {
            code: 2,
            stdout: "",
            stderr: "workflows: --max-parallel: must be at least 1\n",
        });
        const notNumber = run("--project", dir, "--max-parallel", "many");
        assert.equal(notNumber.code, 2);
        assert.equal(
            notNumber.stderr,
            "workflows: error: option '--max-parallel <n>' argument 'many' is invalid. must be a whole number\n",
        );
        fs.writeFileSync(path.join(dir, "workflows.json"), JSON.stringify({ maxParallel: "4" }));
        const fromFile = run("--project", dir);
        assert.equal(fromFile.code, 2);
        assert.match(fromFile.stderr, /^workflows: workflows\.json: maxParallel: .+\n$/);
        assert.ok(!fs.existsSync(path.join(dir, ".github")), "nothing is written on bad input");
    });

    it("exit 2, one message naming the stack file and key: broken stack files", () => {
        const dir = referenceProject({ prod: (config) => (config["crossaccount:organization"].accounts.prod = "12345") });
        const result = run("--project", dir);
        assert.equal(result.code, 2);
        assert.match(
            result.stderr,
            /^workflows: Invalid stack configuration:\n {2}- Pulumi\.prod\.yaml: crossaccount:organization\.accounts\.prod: must be a 12-digit AWS account ID/,
        );
        assert.doesNotMatch(result.stderr, /\n\s+at /, "no stack trace");
    });

    it("exit 2, one message naming the cycle: stacks that read each other", () => {
        const dir = referenceProject({ dev: (config) => (config["crossaccount:network"].peerings = [{ peer: "test" }]) });
        assert.deepEqual(run("--project", dir), {
            code: 2,
            stdout: "",
            stderr: "workflows: stack dependencies form a cycle: dev -> test -> dev\n",
        });
    });
});
