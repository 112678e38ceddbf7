// The pack config: strict on every path (npm run policy, npm start, the release gate) and generated from
// the stack files (npm run policy-config).
// Config files are JSON edited in place by the tests.
/* eslint-disable @typescript-eslint/no-explicit-any */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Writable } from "stream";
import { main as planCli } from "../../cli/plan";
import { main as policyConfigCli } from "../../cli/policy-config";
import { main as policyCli } from "../../cli/policy";
import { PolicyConfigError, generatePolicyConfig, loadPolicyConfig } from "../../plan/policy-config";
import { validatePackConfig } from "../../policy-pack/lib/config-validation";
import { policies } from "../../policy-pack/policies";
import { REPO_DIR, loadStackFiles, referenceProject } from "../support/project";

const CONFIG = path.join(REPO_DIR, "policy-pack", "config.json");
const reference = (): Record<string, any> => JSON.parse(fs.readFileSync(CONFIG, "utf8"));
const organization = loadStackFiles(REPO_DIR);
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "policy-config-"));
const write = (config: unknown, name = "config.json"): string => {
    const file = path.join(tmp(), name);
    fs.writeFileSync(file, typeof config === "string" ? config : JSON.stringify(config, null, 2));
    return file;
};
const problemsOf = (file: string): string[] => {
    try {
        loadPolicyConfig(file, organization);
    } catch (error) {
        assert.ok(error instanceof PolicyConfigError, String(error));
        return error.problems;
    }
    return [];
};

/** The organization moved to other account IDs, as a user adopting the project does. */
const NEW_ACCOUNTS = { dev: "123456789012", test: "234567890123", prod: "345678901234" };
const movedProject = () =>
    referenceProject(
        Object.fromEntries(
            ["dev", "test", "prod"].map((stack) => [
                stack,
                (config: Record<string, any>) => (config["crossaccount:organization"].accounts = { ...NEW_ACCOUNTS }),
            ]),
        ),
    );

describe("policy pack config", () => {
    describe("validation", () => {
        it("accepts the shipped config", () => {
            assert.deepEqual(
                validatePackConfig(reference(), policies, {
                    accounts: ["111111111111"],
                    stacks: ["prod"],
                    environments: ["prod", "dev", "test"],
                }),
                [],
            );
        });

        it("refuses misspelt settings, wrong types, unknown policies, bad levels and unknown override keys, naming file and key", () => {
            const config = reference();
            config["iam-trust-cross-account-conditions"].requireMFA = true;
            config["iam-trust-cross-account-conditions"].overrides = { "123456789012": { requireMfa: "true" } };
            config["iam-role-max-session-duration"].enforcementLevel = "blocking";
            config["iam-trust-alowed-accounts"] = {};
            const file = write(config);
            const problems = problemsOf(file);
            assert.deepEqual(problems, [
                'iam-trust-cross-account-conditions.overrides.123456789012.requireMfa: must be a boolean, got the string "true"',
                "iam-trust-cross-account-conditions.overrides.123456789012: is neither an allowed account (111111111111, 222222222222, 777788889999, 999999999999), " +
                    "a stack (dev, prod, test) nor an environment (dev, prod, test)",
                'iam-trust-cross-account-conditions.requireMFA: unknown setting (did you mean "requireMfa"?) (settings: narrowingConditions, requireMfa, mfaExempt, overrides, environments)',
                'iam-role-max-session-duration.enforcementLevel: the string "blocking" is not an enforcement level (advisory, mandatory, remediate, disabled)',
                'iam-trust-alowed-accounts: unknown policy (did you mean "iam-trust-allowed-accounts"?)',
            ]);
            assert.throws(
                () => loadPolicyConfig(file, organization),
                (error: Error) => error.message.startsWith(`Invalid policy pack config:\n  - ${file}: iam-trust`),
            );
        });

        it("refuses a file that is not JSON, or not an object, without a stack trace", () => {
            assert.deepEqual(problemsOf(write('{ "iam-trust-allowed-accounts": ')), ["is not valid JSON: Unexpected end of JSON input"]);
            assert.deepEqual(problemsOf(write("[1]")), ["must be a JSON object of policy names"]);
        });

        it("refuses overrides still keyed by the old accounts after moving to new ones", () => {
            const moved = loadStackFiles(movedProject());
            const config = generatePolicyConfig(moved, {
                "iam-trust-cross-account-conditions": { overrides: { "999999999999": { requireMfa: true } } },
            });
            const problems = validatePackConfig(config, policies, {
                accounts: Object.values(NEW_ACCOUNTS).sort(),
                stacks: ["dev", "prod", "test"],
                environments: ["dev", "prod", "test"],
            });
            assert.deepEqual(
                problems.map((problem) => problem.key),
                ["iam-trust-cross-account-conditions.overrides.999999999999"],
            );
        });
    });

    describe("on every path: exit 2 naming the file, the key and the problem", () => {
        const bad = () => {
            const config = reference();
            config["iam-trust-cross-account-conditions"].requireMFA = true;
            return write(config);
        };

        it("npm run policy", async () => {
            let err = "";
            const code = await policyCli([path.join(REPO_DIR, "tests", "fixtures", "policy", "stack-export.json"), "--config", bad()], {
                out: () => undefined,
                err: (text) => (err += text),
            });
            assert.equal(code, 2);
            assert.match(
                err,
                /^policy-check: Invalid policy pack config:\n {2}- .*config\.json: iam-trust-cross-account-conditions\.requireMFA: unknown setting \(did you mean "requireMfa"\?\)/,
            );
        });

        it("npm start, also for a file that is not JSON", async () => {
            for (const [file, message] of [
                [bad(), /iam-trust-cross-account-conditions\.requireMFA: unknown setting/],
                [write("not json"), /config\.json: is not valid JSON/],
            ] as const) {
                let stderr = "";
                const sink = new Writable({ write: (chunk, _encoding, done) => ((stderr += chunk.toString()), done()) });
                const code = await planCli(["-q", "--policy-config", file], { stdout: sink, stderr: sink });
                assert.equal(code, 2);
                assert.match(stderr, /^Invalid policy pack config:\n/);
                assert.match(stderr, message);
                assert.ok(!stderr.includes("    at "), stderr);
            }
        });
    });

    describe("npm run policy-config", () => {
        const run = (args: string[]) => {
            let out = "";
            let err = "";
            const code = policyConfigCli(args, { out: (text) => (out += text), err: (text) => (err += text) });
            return { code, out, err };
        };

        it("finds the shipped config up to date", () => {
            assert.equal(run(["--check"]).code, 0);
        });

        it("writes the accounts and environments of the stack files, keeping the team's settings; --check exits 1 before", () => {
            const project = movedProject();
            const file = write(reference());
            const check = run(["--check", "--config", file, "--project", project]);
            assert.equal(check.code, 1);
            assert.match(check.err, /is out of date with the stack files: run npm run policy-config/);
            assert.equal(run(["--config", file, "--project", project]).code, 0);
            const written = JSON.parse(fs.readFileSync(file, "utf8"));
            const accounts = Object.values(NEW_ACCOUNTS).sort();
            // The vendor (organization.vendors) may be trusted by a role, never named by a resource policy.
            assert.deepEqual(written["iam-trust-allowed-accounts"], { allowedAccountIds: [...accounts, "777788889999"] });
            assert.deepEqual(written["kms-key-policy-allowed-accounts"], { allowedAccountIds: accounts });
            assert.deepEqual(written["iam-trust-cross-account-conditions"], {
                ...reference()["iam-trust-cross-account-conditions"],
                environments: { dev: NEW_ACCOUNTS.dev, prod: NEW_ACCOUNTS.prod, test: NEW_ACCOUNTS.test },
            });
            assert.deepEqual(written["required-tags"], reference()["required-tags"]);
            assert.equal(run(["--check", "--config", file, "--project", project]).code, 0);
        });

        it("exits 2 naming a --project directory that cannot be read, without a stack trace", () => {
            const missing = path.join(os.tmpdir(), "crossaccount-no-such-project");
            assert.deepEqual(run(["--check", "--project", missing]), {
                code: 2,
                out: "",
                err: `${missing}: cannot be read as the project directory (ENOENT)\n`,
            });
        });
    });
});
