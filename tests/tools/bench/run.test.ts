// The benchmark runs the plan with the node options of package.json's `plan` script, so what it
// measures is what `npm start` and `npm run plan` run.
import { strict as assert } from "node:assert";
import * as fs from "fs";
import * as path from "path";
import { REPO_DIR } from "../../../tools/bench/generate";
import { planNodeOptions } from "../../../tools/bench/run";

describe("bench: the plan's node options", () => {
    it("takes the options between node and the script, with the loader's path made absolute", () => {
        const packageJson = JSON.stringify({ scripts: { plan: "node --max-semi-space-size=64 -r ./tools/ts-register cli/plan.ts" } });
        assert.deepEqual(planNodeOptions(packageJson), ["--max-semi-space-size=64", "-r", path.join(REPO_DIR, "tools", "ts-register")]);
    });

    it("reads the repository's own package.json: the plan script is npm start's command with a larger young generation", () => {
        const packageJson = fs.readFileSync(path.join(REPO_DIR, "package.json"), "utf8");
        const { scripts } = JSON.parse(packageJson) as { scripts: Record<string, string> };
        assert.equal(scripts.plan, scripts.start.replace(/^node /, "node --max-semi-space-size=64 "));
        assert.deepEqual(planNodeOptions(packageJson), ["--max-semi-space-size=64", "-r", path.join(REPO_DIR, "tools", "ts-register")]);
        assert.deepEqual(planNodeOptions(packageJson, "start"), ["-r", path.join(REPO_DIR, "tools", "ts-register")]);
    });

    it("refuses a plan script that is not node running a .ts file", () => {
        assert.throws(
            () => planNodeOptions(JSON.stringify({ scripts: { plan: "tsx cli/plan.ts" } })),
            /^Error: package\.json: scripts\.plan is not "node \[options\] <file>\.ts": "tsx cli\/plan\.ts"$/,
        );
    });
});
