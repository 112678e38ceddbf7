// `npm run release -- --offline` end to end: the real program, the real policy pack, the plan engine
// standing in for the Pulumi CLI.
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { EXIT, ReleaseIo, main } from "../../cli/release";
import { planOrganization, PlanOptions, readPolicyConfig } from "../../plan/plan";
import { OfflineRunner } from "../../release/offline-runner";
import { Release } from "../../release/orchestrator";
import { loadProject } from "../../plan/plan";
import { organizationGraph } from "../../plan/stack-graph";
import { REPO_DIR, referenceProject, roleOf, withVendorExternalId } from "../support/project";

interface Captured {
    code: number;
    stdout: string;
    stderr: string;
}

async function release(args: string[], env: Record<string, string | undefined> = {}): Promise<Captured> {
    let stdout = "";
    let stderr = "";
    const io: ReleaseIo = {
        stdout: { write: (s: string) => (stdout += s) },
        stderr: { write: (s: string) => (stderr += s) },
        env,
        interactive: false,
    };
    const code = await main(args, io);
    return { code, stdout, stderr };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

function statuses(json: Json): Record<string, string> {
    return Object.fromEntries(json.stacks.map((s: Json) => [s.stack, s.status]));
}

describe("release --offline", function () {
    this.timeout(60000);

    describe("on the reference organization", () => {
        let run: Captured;
        let json: Json;
        before(async () => {
            run = await release(["--offline", "--json", "-"]);
            json = JSON.parse(run.stdout);
        });

        it("exits 0 without --yes: nothing is deployed", () => {
            assert.strictEqual(run.code, EXIT.ok);
            assert.strictEqual(json.ok, true);
            assert.strictEqual(json.mode, "offline");
            assert.strictEqual(json.deployed, false);
        });

        it("orders prod before dev before test, and says which stack reads which", () => {
            assert.deepStrictEqual(json.order, [["prod"], ["dev"], ["test"]]);
            assert.deepStrictEqual(json.dependencies, { dev: ["prod"], prod: [], test: ["dev", "prod"] });
        });

        it("passes the gate with every stack previewed under the policy pack, without a policy finding", () => {
            assert.strictEqual(json.gate.ok, true);
            assert.deepStrictEqual(
                json.gate.stacks.map((s: Json) => [s.stack, s.status, s.previewedBy]),
                [
                    ["prod", "passed", "offline"],
                    ["dev", "passed", "offline"],
                    ["test", "passed", "offline"],
                ],
            );
            // The trails encrypt with prod's log key; what is left to advise is server access logging on prod's buckets.
            assert.deepStrictEqual(
                json.gate.stacks
                    .flatMap((s: Json) => s.preview.policy)
                    .map((p: Json) => [p.policyName, p.enforcementLevel, p.urn.split("::").pop()]),
                [
                    ["s3-bucket-access-logging", "advisory", "product-images"],
                    ["s3-bucket-access-logging", "advisory", "productionapp"],
                    ["s3-bucket-access-logging", "advisory", "crossaccount-audit-bucket"],
                ],
            );
        });

        it("updates every stack and reports the outputs that matter", () => {
            assert.deepStrictEqual(statuses(json), { prod: "updated", dev: "updated", test: "updated" });
            const outputs = (stack: string) => json.stacks.find((s: Json) => s.stack === stack).update.keyOutputs;
            assert.strictEqual(outputs("prod")["roleArns.UpdateApp"], "arn:aws:iam::999999999999:role/UpdateApp");
            assert.strictEqual(outputs("prod")["bucketNames.productionapp"], "productionapp-999999999999");
            assert.strictEqual(outputs("prod").auditBucketName, "audit-logs-999999999999");
            assert.strictEqual(outputs("dev")["roleArns.ImageSharingRole"], "arn:aws:iam::111111111111:role/ImageSharingRole");
            assert.match(outputs("test")["peeringConnectionIds.dev"], /^pcx-[0-9a-f]{17}$/);
        });

        it("counts what each update creates", () => {
            for (const stack of json.stacks) {
                assert.deepStrictEqual(Object.keys(stack.update.changes), ["create"]);
                assert.ok(stack.update.changes.create > 10, `${stack.stack} creates ${stack.update.changes.create}`);
            }
        });

        it("prints the gate, the order and the summary for people (on stderr with --json -), progress quiet", () => {
            const lines = run.stderr.split("\n");
            assert.ok(
                lines.includes(
                    'OFFLINE: nothing was deployed. The plan engine stood in for the Pulumi CLI; "updated" means planned and its outputs recorded for the stacks that read it.',
                ),
            );
            assert.ok(lines.includes("Order: prod -> dev -> test"));
            assert.ok(lines.includes("Gate: PASSED"));
            assert.match(
                lines.find((l) => l.startsWith("Result:")) ?? "",
                /^Result: OK - updated: prod, dev, test \(offline: nothing was deployed\) in \d+\.\d s$/,
            );
            assert.deepStrictEqual(
                lines.filter((l) => l.startsWith("[") || l.startsWith("release:")),
                [],
            );
        });
    });

    it("prints progress per stack on stderr and the summary on stdout", async () => {
        const run = await release(["--offline", "--stacks", "prod"]);
        assert.strictEqual(run.code, EXIT.ok);
        // Server access logging on prod's buckets is the one advisory left (printed per preview and update).
        const lines = run.stderr
            .split("\n")
            .filter((l) => l.startsWith("[prod]") && !l.includes("policy advisory: s3-bucket-access-logging"));
        assert.deepStrictEqual(lines.slice(0, -1), [
            "[prod] preview: planning under the policy pack (offline)",
            "[prod] preview passed",
            "[prod] updating",
            "[prod] update: planning again and recording outputs (offline: nothing is deployed)",
            "[prod] update: recorded 20 output(s) for the stacks that read prod",
        ]);
        assert.match(lines[lines.length - 1], /^\[prod\] updated in \d+\.\d s$/);
        assert.ok(run.stdout.includes("\nGate: PASSED\n"));
        assert.ok(run.stdout.includes("\n== Outputs\nprod:\n  roleArns.AppReadOnly = arn:aws:iam::999999999999:role/AppReadOnly\n"));
    });

    it("test's peering reads the vpc id dev's update recorded", async () => {
        const calls: { stacks: string[]; known: Map<string, Record<string, unknown>> }[] = [];
        const projectDir = REPO_DIR;
        const graph = organizationGraph(loadProject(projectDir).organization);
        const runner = new OfflineRunner({
            projectDir,
            graph,
            policyConfig: readPolicyConfig(path.join(REPO_DIR, "policy-pack", "config.json")),
            plan: (options: PlanOptions) => {
                calls.push({ stacks: options.stacks ?? [], known: new Map(options.knownOutputs ?? []) });
                return planOrganization(options);
            },
        });
        const result = await new Release({ runner, graph, parallel: 2 }).run();
        assert.strictEqual(result.ok, true);
        // Three previews (each reading its dependencies' previews), then three updates.
        assert.deepStrictEqual(
            calls.map((c) => [c.stacks, [...c.known.keys()]]),
            [
                [["prod"], []],
                [["dev"], ["prod"]],
                [["test"], ["dev", "prod"]],
                [["prod"], []],
                [["dev"], ["prod"]],
                [["test"], ["dev", "prod"]],
            ],
        );
        const devUpdate = runner.updatedStack("dev")!;
        // The test update was handed exactly the outputs dev's update recorded.
        assert.strictEqual(calls[5].known.get("dev"), devUpdate.outputs);
        const peering = runner.updatedStack("test")!.resources.find((r) => r.type === "aws:ec2/vpcPeeringConnection:VpcPeeringConnection")!;
        assert.match(String(devUpdate.outputs.vpcId), /^vpc-[0-9a-f]{17}$/);
        assert.strictEqual(peering.inputs.peerVpcId, devUpdate.outputs.vpcId);
        assert.strictEqual(peering.inputs.peerOwnerId, "111111111111");
    });

    describe("with a broken stack file", () => {
        const cases: [string, Parameters<typeof referenceProject>[0], string][] = [
            [
                "a bad account id",
                { test: (c) => (c["crossaccount:organization"].accounts.test = "22222222222x") },
                'Pulumi.test.yaml: crossaccount:organization.accounts.test: must be a 12-digit AWS account ID (got "22222222222x")',
            ],
            [
                "a wildcard principal",
                { dev: (c) => (roleOf(c, "ImageSharingRole").trust.principalArns = ["arn:aws:iam::*:root"]) },
                'Pulumi.dev.yaml: crossaccount:roles[0].trust.principalArns[0]: must be an IAM or STS principal ARN (got "arn:aws:iam::*:root")',
            ],
        ];
        for (const [name, edits, problem] of cases) {
            it(`exits 1 and updates nothing: ${name}`, async () => {
                const run = await release(["--offline", "--json", "-", "--project", referenceProject(edits)]);
                const json = JSON.parse(run.stdout);
                assert.strictEqual(run.code, EXIT.failed);
                assert.strictEqual(json.gate.ok, false);
                assert.ok(json.gate.error.includes(problem), json.gate.error);
                assert.deepStrictEqual(statuses(json), { dev: "not-started", prod: "not-started", test: "not-started" });
                assert.ok(run.stderr.includes("\nGate: FAILED - nothing was updated\n"));
                assert.match(
                    run.stderr,
                    /\nResult: FAILED \(the gate failed: nothing was updated\)\. NOTHING WAS UPDATED\. updated: none;/,
                );
            });
        }

        it("exits 1 and updates nothing when the policy pack finds a mandatory violation, naming it", async () => {
            const project = referenceProject({ prod: (c) => (roleOf(c, "UpdateApp").maxSessionDurationSeconds = 43200) });
            const run = await release(["--offline", "--json", "-", "--project", project]);
            const json = JSON.parse(run.stdout);
            assert.strictEqual(run.code, EXIT.failed);
            assert.deepStrictEqual(
                json.gate.stacks.map((s: Json) => [s.stack, s.status]),
                [
                    ["prod", "failed"],
                    ["dev", "passed"],
                    ["test", "passed"],
                ],
            );
            const mandatory = json.gate.stacks.flatMap((s: Json) =>
                s.preview.policy.filter((p: Json) => p.enforcementLevel === "mandatory").map((p: Json) => ({ stack: s.stack, ...p })),
            );
            assert.deepStrictEqual(mandatory, [
                {
                    stack: "prod",
                    policyName: "iam-role-max-session-duration",
                    policyPack: null,
                    enforcementLevel: "mandatory",
                    urn: "urn:pulumi:prod::crossaccount::crossaccount:index:CrossAccountRole$aws:iam/role:Role::UpdateApp",
                    message:
                        "maxSessionDuration 43200 seconds exceeds the configured maximum of 14400 seconds. Fix: set it to at most 14400 seconds (the AWS default is 3600).",
                },
            ]);
            assert.deepStrictEqual(statuses(json), { prod: "not-started", dev: "not-started", test: "not-started" });
            assert.ok(
                run.stderr.includes(
                    "\nMandatory policy violations:\n  [prod] mandatory iam-role-max-session-duration urn:pulumi:prod::crossaccount::crossaccount:index:CrossAccountRole$aws:iam/role:Role::UpdateApp\n",
                ),
            );
        });
    });

    it("never prints an external ID, in progress, summary or JSON", async () => {
        const project = referenceProject({ prod: (c) => withVendorExternalId(c, "tenant-7f3a9c-secret") });
        const json = await release(["--offline", "--project", project, "--json", "-"]);
        const text = await release(["--offline", "--project", project]);
        assert.strictEqual(json.code, EXIT.ok);
        assert.strictEqual(text.code, EXIT.ok);
        for (const output of [json.stdout, json.stderr, text.stdout, text.stderr]) assert.ok(!output.includes("tenant-7f3a9c-secret"));
    });

    it("--preview-only runs the gate and updates nothing", async () => {
        const run = await release(["--offline", "--preview-only", "--json", "-"]);
        const json = JSON.parse(run.stdout);
        assert.strictEqual(run.code, EXIT.ok);
        assert.deepStrictEqual(statuses(json), { prod: "previewed", dev: "previewed", test: "previewed" });
        assert.deepStrictEqual(
            json.stacks.map((s: Json) => s.update),
            [null, null, null],
        );
    });

    describe("usage errors exit 2", () => {
        // The gate refuses a pack config the pack would misread, as npm start and npm run policy do.
        const badConfig = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "release-config-")), "config.json");
        fs.writeFileSync(badConfig, JSON.stringify({ "iam-trust-cross-account-conditions": { overrides: { prd: { requireMfa: true } } } }));
        const cases: [string[], string][] = [
            [
                ["--offline", "--policy-config", badConfig],
                `release: Invalid policy pack config:\n  - ${badConfig}: iam-trust-cross-account-conditions.overrides.prd: is neither an allowed ` +
                    "account (111111111111, 222222222222, 999999999999), a stack (dev, prod, test) nor an environment (dev, prod, test) " +
                    '(did you mean "prod"?)\n',
            ],
            [["--offline", "--stacks", "dev,staging"], "release: unknown stack(s): staging (stack files: dev, prod, test)\n"],
            [["--offline", "--parallel", "0"], "error: option '-p, --parallel <n>' argument '0' is invalid. must be a positive integer\n"],
            [["--offline", "--project", "/nonexistent-project"], "release: no Pulumi.yaml in /nonexistent-project\n"],
            [
                ["--offline", "--policy-config", "/nonexistent/config.json"],
                "release: Invalid policy pack config:\n  - /nonexistent/config.json: cannot be read: ENOENT\n",
            ],
        ];
        for (const [args, message] of cases) {
            it(args.join(" "), async () => {
                const run = await release(args);
                assert.strictEqual(run.code, EXIT.usage);
                assert.strictEqual(run.stderr, message);
                assert.strictEqual(run.stdout, "");
            });
        }
    });
});
