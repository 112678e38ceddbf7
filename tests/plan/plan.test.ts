// The offline plan end to end: the reference organization passes; broken copies of its stack files
// turn it red with the right rule and the right expectation.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { PlanResult, UsageError, planOrganization, readPolicyConfig } from "../../plan/plan";
import { runPlanCli } from "../support/plan-cli";
import { planToJson, renderMarkdown } from "../../plan/report";
import { REPO_DIR, referenceProject, roleOf, withVendorExternalId } from "../support/project";

const policyConfig = readPolicyConfig(path.join(REPO_DIR, "policy-pack", "config.json"));

const runCli = runPlanCli;

const mandatory = (plan: PlanResult) => plan.violations.filter((v) => v.enforcementLevel === "mandatory");
const failedExpectations = (plan: PlanResult) => plan.access.filter((a) => !a.pass).map((a) => `${a.id}: ${a.result}`);

describe("offline plan", function () {
    this.timeout(60000);

    describe("on the reference organization", () => {
        let plan: PlanResult;
        before(async () => {
            plan = await planOrganization({ projectDir: REPO_DIR, policyConfig });
        });

        it("plans prod, then dev, then test", () => {
            assert.deepEqual(plan.order, [["prod"], ["dev"], ["test"]]);
            assert.deepEqual(
                plan.stacks.map((s) => [s.name, s.accountId]),
                [
                    ["prod", "999999999999"],
                    ["dev", "111111111111"],
                    ["test", "222222222222"],
                ],
            );
        });

        it("has no mandatory violation and every expectation holds", () => {
            assert.deepEqual(mandatory(plan), []);
            assert.deepEqual(failedExpectations(plan), []);
            assert.equal(plan.ok, true);
        });

        it("evaluates every expectation the organization states, with the documented results", () => {
            assert.deepEqual(Object.fromEntries(plan.access.map((a) => [a.id, a.result])), {
                "sso-releasemanager-assume-updateapp": "Allowed",
                "sso-other-permission-set-assume-updateapp": "ImplicitlyDenied",
                "sso-releasemanager-prefix-lookalike-assume-updateapp": "ImplicitlyDenied",
                "github-main-assume-dev-deploy": "Allowed",
                "github-other-repository-assume-dev-deploy": "ImplicitlyDenied",
                "github-fork-pull-request-assume-dev-deploy": "ImplicitlyDenied",
                "github-other-branch-assume-dev-deploy": "ImplicitlyDenied",
                "github-main-assume-test-deploy": "Allowed",
                "github-production-environment-assume-prod-deploy": "Allowed",
                "github-main-without-environment-assume-prod-deploy": "ImplicitlyDenied",
                "github-other-repository-assume-prod-deploy": "ImplicitlyDenied",
                "github-fork-pull-request-assume-prod-deploy": "ImplicitlyDenied",
                "release-pipeline-assume-release-deploy": "Allowed",
                "other-dev-role-assume-release-deploy": "ImplicitlyDenied",
                "dev-ci-assume-release-deploy": "ImplicitlyDenied",
                "release-deploy-publish-release": "Allowed",
                "release-deploy-write-outside-releases": "ImplicitlyDenied",
                "vendor-assume-audit-with-external-id": "Allowed",
                "vendor-assume-audit-without-external-id": "ImplicitlyDenied",
                "vendor-assume-audit-with-wrong-external-id": "ImplicitlyDenied",
                "vendor-assume-updateapp": "ImplicitlyDenied",
                "developers-assume-updateapp": "Allowed",
                "developers-assume-updateapp-without-mfa": "ImplicitlyDenied",
                "testers-assume-updateapp": "ExplicitlyDenied",
                "testers-assume-appreadonly": "Allowed",
                "test-testers-assume-appreadonly": "Allowed",
                "updateapp-write-productionapp": "Allowed",
                "updateapp-delete-productionapp-bucket": "ImplicitlyDenied",
                "updateapp-change-productionapp-policy": "ImplicitlyDenied",
                "appreadonly-write-productionapp": "ImplicitlyDenied",
                "dev-imagesharing-read-product-images": "Allowed",
                "test-imagesharing-read-product-images": "Allowed",
                "dev-imagesharing-write-product-images": "ImplicitlyDenied",
                "outsider-assume-updateapp": "ImplicitlyDenied",
                "dev-ci-invoke-release-notifier": "Allowed",
                "dev-other-role-invoke-release-notifier": "ImplicitlyDenied",
                "test-invoke-release-notifier": "ImplicitlyDenied",
                "dev-ci-update-release-notifier": "ImplicitlyDenied",
                "dev-ci-pull-app-images": "Allowed",
                "dev-ci-download-app-image-layers": "Allowed",
                "test-pull-app-images": "Allowed",
                "dev-ci-push-app-images": "ImplicitlyDenied",
                "dev-ci-delete-app-images": "ImplicitlyDenied",
                "dev-other-role-pull-app-images": "ImplicitlyDenied",
                "outsider-pull-app-images": "ImplicitlyDenied",
                "test-restore-appdb-baseline": "Allowed",
                "test-restore-appdb-baseline-default-groups": "ImplicitlyDenied",
                "test-restore-appdb-baseline-outside-prefix": "ImplicitlyDenied",
                "test-copy-appdb-baseline": "Allowed",
                "test-delete-appdb-baseline": "ImplicitlyDenied",
                "dev-restore-appdb-baseline": "ImplicitlyDenied",
                "dev-decrypt-audit-logs": "ImplicitlyDenied",
                "test-decrypt-snapshot-key-through-rds": "Allowed",
                "test-grant-snapshot-key-to-rds": "Allowed",
                "test-decrypt-snapshot-key-directly": "ImplicitlyDenied",
                "test-decrypt-snapshot-key-through-s3": "ImplicitlyDenied",
                "test-encrypt-with-snapshot-key": "ImplicitlyDenied",
                "dev-decrypt-snapshot-key-through-rds": "ImplicitlyDenied",
            });
        });

        it("lists who can assume which role across accounts, with the conditions", () => {
            const assume = plan.edges
                .filter((e) => e.kind === "assume-role")
                .map((e) => `${e.principal} -> ${e.target} [${e.conditions.join("; ")}]`);
            assert.ok(
                assume.includes(
                    "arn:aws:iam::111111111111:group/Developers -> arn:aws:iam::999999999999:role/UpdateApp [aws:MultiFactorAuthAge < 3600; aws:MultiFactorAuthPresent = true]",
                ),
                assume.join("\n"),
            );
            assert.ok(
                !assume.some((e) => e.startsWith("arn:aws:iam::111111111111:group/Testers -> arn:aws:iam::999999999999:role/UpdateApp")),
            );
            const reads = plan.edges.filter((e) => e.kind === "resource-access" && e.target === "arn:aws:s3:::product-images-999999999999");
            assert.deepEqual(reads.map((e) => e.principal).sort(), [
                "arn:aws:iam::111111111111:role/ImageSharingRole",
                "arn:aws:iam::222222222222:role/ImageSharingRole",
            ]);
        });

        it("finds the function's permission in dev's stack and evaluates it as prod's function policy", () => {
            const notifier = "arn:aws:lambda:us-east-1:999999999999:function:release-notifier";
            const permissions = plan.stacks.flatMap((s) =>
                s.resources.filter((r) => r.type === "aws:lambda/permission:Permission").map((r) => [s.name, r.accountId]),
            );
            assert.deepEqual(permissions, [["dev", "999999999999"]]);
            assert.deepEqual(
                plan.edges.filter((e) => e.target === notifier).map((e) => [e.principal, e.sourceAccountId, e.targetAccountId, e.via]),
                [
                    [
                        "arn:aws:iam::111111111111:role/CiBuild",
                        "111111111111",
                        "999999999999",
                        "identity-policy:CiBuild/invoke-999999999999-us-east-1-release-notifier, lambda-permission",
                    ],
                ],
            );
        });

        it("exports the documented JSON shape", () => {
            const json = planToJson(plan);
            assert.deepEqual(Object.keys(json).sort(), [
                "access",
                "accessDiff",
                "accounts",
                "edges",
                "graph",
                "inAccountAccess",
                "lock",
                "ok",
                "order",
                "schemaVersion",
                "skippedExpectations",
                "stacks",
                "summary",
                "violations",
            ]);
            assert.equal(json.schemaVersion, 1);
            // Server access logging on prod's three buckets, advised by s3-bucket-access-logging.
            assert.deepEqual(json.summary.violations, { mandatory: 0, advisory: 3 });
            const total = plan.access.length;
            assert.deepEqual(json.summary.expectations, { total, held: total, failed: 0, skipped: 0 });
            assert.equal(json.summary.edges.crossAccount, plan.edges.length);
            const prod = json.stacks.find((s) => s.name === "prod")!;
            assert.deepEqual(Object.keys(prod).sort(), ["accountId", "counts", "environment", "name", "outputs", "region", "resources"]);
            const role = prod.resources.find((r) => r.type === "aws:iam/role:Role" && r.name === "UpdateApp")!;
            assert.equal(role.accountId, "999999999999");
            assert.match(role.urn, /^urn:pulumi:prod::crossaccount::.*aws:iam\/role:Role::UpdateApp$/);
            assert.deepEqual(Object.keys(json.access[0]).sort(), [
                "action",
                "context",
                "expected",
                "explanation",
                "id",
                "pass",
                "principal",
                "resource",
                "result",
            ]);
        });

        it("synthesizes the same resources in the shared runtime state (the plan command's) as in a state per stack", async () => {
            const shared = await planOrganization({ projectDir: REPO_DIR, policyConfig, exclusiveRuntime: true });
            // Whatever runs next in this process does not find the last planned stack as its root.
            assert.equal(pulumi.runtime.getStackResource(), undefined);
            const view = (p: PlanResult) =>
                p.stacks.map((s) => ({
                    stack: s.name,
                    resources: s.resources.map((r) => ({ urn: r.urn, parent: r.parent, accountId: r.accountId, inputs: r.inputs })),
                    outputs: s.outputs,
                }));
            assert.equal(shared.stacks.length, 3);
            assert.deepEqual(view(shared), view(plan));
            // Every stack's resources hang below its own stack resource, never below a stack planned before it.
            for (const stack of shared.stacks) {
                const root = stack.resources.find((r) => r.type === "pulumi:pulumi:Stack")!;
                assert.equal(root.urn, `urn:pulumi:${stack.name}::crossaccount::pulumi:pulumi:Stack::crossaccount-${stack.name}`);
                const parents = new Set(stack.resources.map((r) => r.parent).filter((p) => p?.includes("::pulumi:pulumi:Stack::")));
                assert.deepEqual([...parents], [root.urn]);
            }
        });

        it("restores stack traces after planning, and after a plan that fails", async () => {
            const limit = Error.stackTraceLimit;
            const prepare = Error.prepareStackTrace;
            await assert.rejects(planOrganization({ projectDir: REPO_DIR, policyConfig, stacks: ["staging"] }), UsageError);
            assert.equal(Error.stackTraceLimit, limit);
            assert.equal(Error.prepareStackTrace, prepare);
            assert.match(new Error("here").stack ?? "", /\n\s+at /);
        });

        it("renders Markdown with a Mermaid graph of the cross-account edges", () => {
            const markdown = renderMarkdown(plan);
            assert.match(markdown, /```mermaid\nflowchart LR\n/);
            assert.match(markdown, /subgraph a\d+\["prod \(999999999999\)"\]/);
            assert.match(markdown, /\| PASS \| testers-assume-updateapp \| deny \| ExplicitlyDenied \|/);
        });
    });

    it("references an account's existing GitHub provider instead of creating it (oidcProviders.github.create: false)", async () => {
        const dir = referenceProject({ dev: (c) => (c["crossaccount:oidcProviders"] = { github: { create: false } }) });
        const plan = await planOrganization({ projectDir: dir, policyConfig });
        const dev = plan.stacks.find((s) => s.name === "dev")!;
        assert.deepEqual(
            dev.resources.filter((r) => r.type === "aws:iam/openIdConnectProvider:OpenIdConnectProvider"),
            [],
        );
        const role = dev.resources.find((r) => r.type === "aws:iam/role:Role" && r.name === "GitHubActionsDeploy")!;
        assert.equal(
            JSON.parse(role.inputs.assumeRolePolicy as string).Statement[0].Principal.Federated,
            "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com",
        );
        assert.equal(plan.ok, true);
        assert.equal(plan.access.find((a) => a.id === "github-main-assume-dev-deploy")?.result, "Allowed");
    });

    describe("on broken copies of the stack files", () => {
        it("fails when Testers are allowed to assume UpdateApp", async () => {
            const dir = referenceProject({ dev: (c) => (c["crossaccount:assumeRoleGrants"][2].effect = "Allow") });
            const plan = await planOrganization({ projectDir: dir, policyConfig });
            assert.equal(plan.ok, false);
            assert.deepEqual(failedExpectations(plan), ["testers-assume-updateapp: Allowed"]);
        });

        it("fails when UpdateApp no longer requires MFA, with the trust rule and the MFA expectation", async () => {
            const dir = referenceProject({
                prod: (c) => {
                    delete roleOf(c, "UpdateApp").trust.requireMfa;
                    delete roleOf(c, "UpdateApp").trust.maxMfaAgeSeconds;
                },
            });
            const plan = await planOrganization({ projectDir: dir, policyConfig });
            assert.deepEqual(
                mandatory(plan).map((v) => [v.policyName, v.stack, v.urn?.split("::").pop()]),
                [["iam-trust-cross-account-conditions", "prod", "UpdateApp"]],
            );
            // Dev's root without conditions also lets every other Identity Center permission set of dev in.
            assert.deepEqual(failedExpectations(plan), [
                "sso-other-permission-set-assume-updateapp: Allowed",
                "sso-releasemanager-prefix-lookalike-assume-updateapp: Allowed",
                "developers-assume-updateapp-without-mfa: Allowed",
            ]);
        });

        it("fails when a role is given s3:* on every resource", async () => {
            const dir = referenceProject({
                prod: (c) => roleOf(c, "UpdateApp").permissions.push({ actions: ["s3:*"], resources: ["*"] }),
            });
            const plan = await planOrganization({ projectDir: dir, policyConfig });
            assert.deepEqual([...new Set(mandatory(plan).map((v) => v.policyName))].sort(), [
                "iam-no-resource-star",
                "iam-no-service-wildcard-action",
            ]);
            assert.deepEqual(failedExpectations(plan), [
                "updateapp-delete-productionapp-bucket: Allowed",
                "updateapp-change-productionapp-policy: Allowed",
            ]);
        });
    });

    describe("command", () => {
        it("exits 0 on the reference organization and writes JSON and Markdown", async () => {
            const out = fs.mkdtempSync(path.join(os.tmpdir(), "plan-out-"));
            const result = await runCli(["--quiet", "--json", path.join(out, "plan.json"), "--markdown", path.join(out, "plan.md")]);
            assert.equal(result.code, 0, result.stderr);
            assert.match(
                result.stdout,
                /^OK: 3 stack\(s\), 0 mandatory and 3 advisory violation\(s\), 58\/58 access expectation\(s\) hold/m,
            );
            assert.equal(JSON.parse(fs.readFileSync(path.join(out, "plan.json"), "utf8")).ok, true);
            assert.match(fs.readFileSync(path.join(out, "plan.md"), "utf8"), /^## crossaccount offline plan: ✅ OK/);
        });

        it("writes JSON to stdout with --json - and the report to stderr", async () => {
            const result = await runCli(["--quiet", "--stack", "prod", "--json", "-"]);
            assert.equal(result.code, 0, result.stderr);
            const json = JSON.parse(result.stdout);
            assert.deepEqual(
                json.stacks.map((s: { name: string }) => s.name),
                ["prod"],
            );
            assert.match(result.stderr, /Offline plan \(nothing is deployed\)/);
        });

        it("exits 1 when an expectation fails", async () => {
            const dir = referenceProject({ dev: (c) => (c["crossaccount:assumeRoleGrants"][2].effect = "Allow") });
            const result = await runCli(["--quiet", "--project", dir]);
            assert.equal(result.code, 1);
            assert.match(result.stdout, /FAIL {2}testers-assume-updateapp +deny +Allowed/);
        });

        it("exits 2 with the validation message on bad config", async () => {
            const dir = referenceProject({ prod: (c) => (roleOf(c, "UpdateApp").maxSessionDurationSeconds = 100) });
            const result = await runCli(["--quiet", "--project", dir]);
            assert.equal(result.code, 2);
            assert.equal(
                result.stderr,
                "Invalid stack configuration:\n  - Pulumi.prod.yaml: crossaccount:roles[1].maxSessionDurationSeconds: must be between 3600 and 43200 seconds (got 100)\n",
            );
        });

        it("exits 2 naming the document, its size and the limit when the organization is too large for it", async () => {
            // 30 cross-account roles of distinct names: prod's AssumeRole filter pattern passes CloudWatch Logs' 1,024 characters.
            const dir = referenceProject({
                prod: (c) =>
                    c["crossaccount:roles"].push(
                        ...Array.from({ length: 30 }, (_, i) => ({
                            name: `DelegatedRole${String(i).padStart(2, "0")}`,
                            trust: { accounts: ["dev"], requireMfa: true },
                        })),
                    ),
            });
            const result = await runCli(["--quiet", "--project", dir]);
            assert.equal(result.code, 2);
            assert.match(
                result.stderr,
                /^The cross-account-assume-role metric filter pattern of crossaccount-activity is \d{4} characters, over the 1024-character limit\n$/,
            );
        });

        it("exits 2 naming a --project directory that cannot be read", async () => {
            const missing = path.join(os.tmpdir(), "crossaccount-no-such-project");
            const result = await runCli(["--quiet", "--project", missing]);
            assert.equal(result.code, 2);
            assert.equal(result.stderr, `${missing}: cannot be read as the project directory (ENOENT)\n`);
        });

        it("exits 2 on an unknown stack or option", async () => {
            assert.equal((await runCli(["--stack", "staging"])).code, 2);
            assert.equal((await runCli(["--no-such-option"])).code, 2);
        });

        it("never prints an external ID", async () => {
            const dir = referenceProject({ prod: (c) => withVendorExternalId(c, "tenant-7f3a9c-secret") });
            const result = await runCli(["--quiet", "--project", dir, "--json", "-"]);
            assert.ok(!result.stdout.includes("tenant-7f3a9c-secret") && !result.stderr.includes("tenant-7f3a9c-secret"));
            const trust = JSON.parse(result.stdout)
                .stacks.find((s: { name: string }) => s.name === "prod")
                .resources.find((r: { name: string; type: string }) => r.type === "aws:iam/role:Role" && r.name === "VendorAudit")
                .inputs.assumeRolePolicy;
            assert.deepEqual(JSON.parse(trust).Statement[0].Condition.StringEquals, { "sts:ExternalId": "[secret]" });
        });
    });
});
