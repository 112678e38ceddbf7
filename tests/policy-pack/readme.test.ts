// The pack's README documents every rule with its default level; this keeps the table in step.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { policies } from "../../policy-pack/policies";

describe("policy pack README", () => {
    it("lists exactly the rules of policies.ts with their default enforcement levels", () => {
        const readme = fs.readFileSync(path.join(__dirname, "..", "..", "policy-pack", "README.md"), "utf8");
        const documented = [...readme.matchAll(/^\| `([a-z0-9-]+)` \| (\w+) \|/gm)].map(([, name, level]) => `${name} ${level}`);
        assert.deepEqual(
            documented,
            policies.map((p) => `${p.name} ${p.enforcementLevel}`),
        );
    });
});
