// The benchmark's generated organizations: valid for the config loader, OK for the plan (0 mandatory
// violations, every expectation holding) and linear in size. No timing assertions: the benchmark
// (npm run bench) is the measure.
import { strict as assert } from "node:assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { listStacks, refText, loadOrganization, readStackFile } from "../../../config";
import { cidrsOverlap, parseIpv4Cidr } from "../../../aws";
import { PlanResult, planOrganization, readPolicyConfig } from "../../../plan/plan";
import { overrideScopes, validatePolicyConfig } from "../../../plan/policy-config";
import { countResources } from "../../../plan/counts";
import {
    HUB_ACCOUNT_ID,
    HUB_PARTNERS,
    MAX_ACCOUNTS,
    REPO_DIR,
    benchPolicyConfig,
    environmentName,
    expectedResourceCounts,
    expectedTotalResources,
    generateOrganization,
    vpcCidr,
} from "../../../tools/bench/generate";

const dirs: string[] = [];
function tempDir(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "crossaccount-bench-test-"));
    dirs.push(dir);
    return dir;
}

function load(dir: string) {
    return loadOrganization(listStacks(dir).map((stack) => readStackFile(dir, stack)));
}

/** The plan of a generated organization with the repository's pack config, allowing the generated accounts. */
async function plan(generated: ReturnType<typeof generateOrganization>): Promise<PlanResult> {
    const policyConfig = benchPolicyConfig(generated.accountIds, readPolicyConfig(path.join(REPO_DIR, "policy-pack", "config.json")));
    return planOrganization({ projectDir: generated.dir, policyConfig });
}

function assertPlanOk(result: PlanResult, expectations: number): void {
    const mandatory = result.violations.filter((v) => v.enforcementLevel === "mandatory");
    assert.deepEqual(
        mandatory.map((v) => `${v.stack} ${v.policyName}: ${v.message}`),
        [],
    );
    assert.deepEqual(
        result.access.filter((a) => !a.pass).map((a) => `${a.id}: ${a.explanation}`),
        [],
    );
    assert.deepEqual(result.skippedExpectations, []);
    assert.equal(result.access.length, expectations);
    assert.equal(result.ok, true);
}

function resourcesByStack(result: PlanResult): Record<string, number> {
    return Object.fromEntries(result.stacks.map((s) => [s.name, countResources(s.resources).resources]));
}

describe("bench: generated organizations", function () {
    this.timeout(60000);

    after(() => dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

    for (const n of [3, 12]) {
        it(`generates a valid ${n}-account organization: one stack file per account, same account list, disjoint peered VPCs`, () => {
            const dir = tempDir();
            const generated = generateOrganization(n, dir);
            assert.deepEqual(
                fs.readFileSync(path.join(dir, "Pulumi.yaml"), "utf8"),
                fs.readFileSync(path.join(REPO_DIR, "Pulumi.yaml"), "utf8"),
            );
            const organization = load(dir);
            const names = Array.from({ length: n }, (_, i) => environmentName(i));
            assert.deepEqual(Object.keys(organization.environments).sort(), names);
            assert.deepEqual(listStacks(dir), names);
            for (const name of names) assert.match(name, /^[a-z][a-z0-9-]{0,31}$/);

            const ids = Object.values(organization.accounts);
            assert.equal(new Set(ids).size, n);
            ids.forEach((id) => assert.match(id, /^\d{12}$/));
            assert.equal(organization.accounts[generated.hub], HUB_ACCOUNT_ID);

            // Every VPC block is disjoint from every other one, not only from its peer's.
            const cidrs = names.map((name) => organization.environments[name].settings.network!.cidr);
            cidrs.forEach((a, i) =>
                cidrs.slice(i + 1).forEach((b) => assert.ok(!cidrsOverlap(parseIpv4Cidr(a), parseIpv4Cidr(b)), `${a} overlaps ${b}`)),
            );

            // The hub owns the audit bucket; everyone else writes to it, and even environments peer with their predecessor.
            const hub = organization.environments[generated.hub].settings;
            assert.equal(refText(hub.audit!.bucket), `${generated.hub}/bucket/audit-logs`);
            assert.deepEqual(
                hub.buckets.map((b) => b.key),
                ["product-images", "productionapp"],
            );
            assert.deepEqual(
                hub.roles.map((r) => r.name),
                ["ImageSharingRole", "UpdateApp", "AppReadOnly", "GitHubActionsDeploy"],
            );
            for (const [index, name] of names.entries()) {
                if (index === 0) continue;
                const settings = organization.environments[name].settings;
                assert.equal(settings.audit!.bucket.env, generated.hub);
                assert.deepEqual(settings.groups, ["Developers", "Testers"]);
                assert.deepEqual(
                    settings.network!.peerings.map((p) => p.peer),
                    index >= 2 && index % 2 === 0 ? [names[index - 1]] : [],
                );
            }
            assert.deepEqual(generated.partners, names.slice(1, 1 + HUB_PARTNERS));
        });
    }

    it("gives 1,000 environments (up to 4,096) disjoint /20 blocks and refuses organizations the address plan cannot hold", () => {
        const blocks = Array.from({ length: 1000 }, (_, i) => parseIpv4Cidr(vpcCidr(i)));
        blocks.forEach((a, i) => blocks.slice(i + 1).forEach((b) => assert.ok(!cidrsOverlap(a, b), `${a.text} overlaps ${b.text}`)));
        assert.deepEqual(
            [vpcCidr(0), vpcCidr(17), vpcCidr(999), vpcCidr(4095)],
            ["10.0.0.0/20", "10.1.16.0/20", "10.62.112.0/20", "10.255.240.0/20"],
        );
        assert.throws(() => vpcCidr(4096), /no private \/20 left/);
        assert.throws(() => generateOrganization(MAX_ACCOUNTS + 1, tempDir()), /at most 4096 accounts/);
        assert.throws(() => generateOrganization(1, tempDir()), /at least 2 accounts/);
        assert.throws(() => generateOrganization(5, tempDir(), { partners: HUB_PARTNERS + 1 }), /partners must be between/);
    });

    it("plans the 5-account organization OK: no mandatory violation, every expectation holds, resources as the shape says", async () => {
        const generated = generateOrganization(5, tempDir());
        const result = await plan(generated);
        assertPlanOk(result, generated.expectations);
        assert.equal(generated.expectations, 3 * 6 + 4 + 5 + 4 * 2);
        assert.deepEqual(result.order, [["env000"], ["env001", "env003"], ["env002", "env004"]]);
        assert.deepEqual(resourcesByStack(result), { env000: 59, env001: 41, env002: 47, env003: 41, env004: 47 });
        assert.deepEqual(resourcesByStack(result), expectedResourceCounts(5));
        // Advisory only: no bucket logs its access (as in the reference organization).
        assert.deepEqual([...new Set(result.violations.map((v) => v.policyName))].sort(), ["s3-bucket-access-logging"]);
        // Every environment's expectations were evaluated, and the neighbours' grants are real edges.
        assert.ok(result.access.some((a) => a.id === "env004-imagesharing-read-env003-assets" && a.result === "Allowed"));
        assert.ok(
            result.edges.some(
                (e) =>
                    e.principal === "arn:aws:iam::100000000003:role/ImageSharingRole" &&
                    e.target === "arn:aws:s3:::team-assets-100000000004",
            ),
        );
    });

    it("writes a pack config that the plan's strict validation accepts for the generated organization (the whole-run path)", () => {
        const generated = generateOrganization(3, tempDir());
        const organization = load(generated.dir);
        const config = JSON.parse(fs.readFileSync(generated.policyConfigFile, "utf8"));
        assert.doesNotThrow(() => validatePolicyConfig(generated.policyConfigFile, config, overrideScopes(organization, config)));
        // prod's MFA requirement moves to the hub, under the hub's environment name.
        assert.deepEqual(config["iam-trust-cross-account-conditions"].overrides, { env000: { requireMfa: true } });
        assert.deepEqual(config["iam-trust-cross-account-conditions"].environments, generated.accountIds);
    });

    it("needs the generated accounts in the pack config: with the repository's config as it is, the plan fails", async () => {
        const generated = generateOrganization(3, tempDir());
        const result = await planOrganization({
            projectDir: generated.dir,
            policyConfig: readPolicyConfig(path.join(REPO_DIR, "policy-pack", "config.json")),
        });
        assert.equal(result.ok, false);
        const failing = new Set(result.violations.filter((v) => v.enforcementLevel === "mandatory").map((v) => v.policyName));
        assert.ok(failing.has("iam-trust-allowed-accounts"), [...failing].join(", "));
        assert.ok(failing.has("s3-bucket-policy-allowed-accounts"), [...failing].join(", "));
    });

    it("plans a 12-account organization with non-partners OK, and resources grow linearly", async () => {
        const generated = generateOrganization(12, tempDir(), { partners: 4 });
        const result = await plan(generated);
        assertPlanOk(result, generated.expectations);
        assert.deepEqual(resourcesByStack(result), expectedResourceCounts(12, 4));
        const total = Object.values(resourcesByStack(result)).reduce((a, b) => a + b, 0);
        assert.equal(total, 59 + 36 * 11 + 6 * 5 + 5 * 4);
        // The hub trusts its partners only: a non-partner's Developers cannot assume UpdateApp.
        const outsider = result.access.find((a) => a.id === "env005-developers-assume-updateapp");
        assert.equal(outsider?.result, "ImplicitlyDenied");
        assert.equal(outsider?.pass, true);

        for (const n of [33, 100, 1000, MAX_ACCOUNTS])
            assert.equal(expectedTotalResources(n), 59 + 36 * (n - 1) + 6 * Math.floor((n - 1) / 2) + 5 * HUB_PARTNERS);
        assert.deepEqual(expectedResourceCounts(3), { env000: 59, env001: 41, env002: 47 });
    });
});
