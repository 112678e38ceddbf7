import * as assert from "assert";
import { spawnSync } from "child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { main } from "../../cli/policy";
import { REFERENCE_CONFIG } from "./fixtures";

const ROOT = path.join(__dirname, "..", "..");
const FIXTURES = path.join(ROOT, "tests", "fixtures", "policy");
const STACK_EXPORT = path.join(FIXTURES, "stack-export.json");
const PREVIEW = path.join(FIXTURES, "preview.json");

async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = "";
    let err = "";
    const code = await main(args, { out: (text) => (out += text), err: (text) => (err += text) });
    return { code, out, err };
}

const DEV = "urn:pulumi:dev::crossaccount::";

describe("policy-check command", () => {
    it("exits 1 on a stack export with mandatory violations, grouped by resource", async () => {
        const { code, out, err } = await run(STACK_EXPORT);
        assert.strictEqual(code, 1);
        assert.strictEqual(err, "");
        const lines = out.trimEnd().split("\n");
        assert.deepStrictEqual(
            lines.filter((line) => line.startsWith("urn:")),
            [
                `${DEV}crossaccount:index:SharedBucket$aws:s3/bucketPolicy:BucketPolicy::images-policy`,
                `${DEV}aws:iam/role:Role::partner-reader`,
                `${DEV}aws:iam/role:Role::vendor-access`,
                `${DEV}aws:iam/rolePolicy:RolePolicy::vendor-access-read`,
                `${DEV}aws:ec2/vpcPeeringConnection:VpcPeeringConnection::dev-to-test`,
                `${DEV}crossaccount:index:SharedBucket$aws:s3/bucket:Bucket::images`,
                `${DEV}aws:s3/bucket:Bucket::audit`,
            ],
        );
        assert.strictEqual(lines[lines.length - 1], "9 violations: 6 mandatory, 3 advisory.");
        assert.ok(
            lines.includes(
                '  [mandatory] iam-action-exists: policy statement 1: "s3:GetObjekt" matches no s3 action. ' +
                    'Fix: correct the spelling (did you mean "s3:GetObject"?).',
            ),
        );
    });

    it("prints an array of {policyName, enforcementLevel, urn, message} with --json; secret and deleted resources are not judged (a secret document: one advisory)", async () => {
        const { code, out } = await run(STACK_EXPORT, "--json");
        assert.strictEqual(code, 1);
        const violations = JSON.parse(out) as Record<string, string>[];
        assert.deepStrictEqual(
            violations.map((violation) => Object.keys(violation)),
            violations.map(() => ["policyName", "enforcementLevel", "urn", "message"]),
        );
        assert.deepStrictEqual(
            violations.map(({ policyName, enforcementLevel, urn }) => [policyName, enforcementLevel, urn.split("::").pop()]),
            [
                ["s3-bucket-policy-no-public-principal", "mandatory", "images-policy"],
                ["s3-bucket-policy-tls-only", "mandatory", "images-policy"],
                ["iam-policy-document-valid", "advisory", "partner-reader"],
                ["iam-trust-allowed-accounts", "mandatory", "vendor-access"],
                ["iam-trust-cross-account-conditions", "mandatory", "vendor-access"],
                ["iam-action-exists", "mandatory", "vendor-access-read"],
                ["vpc-peering-no-auto-accept-cross-account", "mandatory", "dev-to-test"],
                ["s3-bucket-access-logging", "advisory", "images"],
                ["s3-bucket-access-logging", "advisory", "audit"],
            ],
        );
        assert.strictEqual(
            violations[6].message,
            "autoAccept is true on a peering request to account 222222222222; only the peer account can accept it. " +
                "Fix: remove autoAccept and accept the request with an aws.ec2.VpcPeeringConnectionAccepter using the peer account's provider.",
        );
    });

    it("reads a local backend's checkpoint file like a stack export", async () => {
        const exported = JSON.parse(readFileSync(STACK_EXPORT, "utf8"));
        const file = path.join(mkdtempSync(path.join(tmpdir(), "policy-check-")), "dev.json");
        writeFileSync(
            file,
            JSON.stringify({ version: 3, checkpoint: { stack: "organization/crossaccount/dev", latest: exported.deployment } }),
        );
        const fromCheckpoint = await run(file, "--json");
        assert.deepStrictEqual([fromCheckpoint.code, fromCheckpoint.out], [1, (await run(STACK_EXPORT, "--json")).out]);
    });

    it("exits 0 on a preview with advisories only, relating resources whose ids are still unknown", async () => {
        const { code, out } = await run(PREVIEW);
        assert.strictEqual(code, 0);
        // Documents built from values not known yet are reported once each, as the analyzer reports what it cannot read.
        assert.strictEqual(
            out,
            "urn:pulumi:prod::crossaccount::aws:s3/bucketPolicy:BucketPolicy::product-images-policy\n" +
                "  [advisory] iam-policy-document-valid: can't run policy 'iam-policy-document-valid' from policy pack 'crossaccount-least-privilege@v0.1.0' during preview: string value at .policy can't be known during preview\n" +
                "\n" +
                "urn:pulumi:prod::crossaccount::aws:iam/role:Role::PartnerSync\n" +
                "  [advisory] iam-policy-document-valid: can't run policy 'iam-policy-document-valid' from policy pack 'crossaccount-least-privilege@v0.1.0' during preview: string value at .assumeRolePolicy can't be known during preview\n" +
                "\n" +
                "urn:pulumi:prod::crossaccount::aws:cloudtrail/trail:Trail::audit-trail\n" +
                "  [advisory] cloudtrail-kms-encryption: kmsKeyId is not set, so log files are encrypted with S3-managed keys only. Fix: set kmsKeyId to a customer managed KMS key whose key policy allows cloudtrail.amazonaws.com to use it.\n" +
                '  [advisory] cloudtrail-cloudwatch-logs: cloudWatchLogsGroupArn is not set, so trail events cannot drive alarms. Fix: set cloudWatchLogsGroupArn (the log group ARN ending in ":*") and cloudWatchLogsRoleArn.\n' +
                "\n" +
                "urn:pulumi:prod::crossaccount::aws:s3/bucket:Bucket::product-images\n" +
                '  [advisory] s3-bucket-access-logging: bucket "product-images-prod-7c6b5a" has no server access logging. Fix: add an aws.s3.BucketLogging with targetBucket set to the account\'s log bucket (which itself needs none).\n' +
                "\n" +
                "urn:pulumi:prod::crossaccount::aws:s3/bucket:Bucket::audit\n" +
                '  [advisory] s3-bucket-access-logging: bucket "audit-prod-1d2e3f" has no server access logging. Fix: add an aws.s3.BucketLogging with targetBucket set to the account\'s log bucket (which itself needs none).\n' +
                "\n" +
                "6 violations: 0 mandatory, 6 advisory.\n",
        );
    });

    it("uses the config given with --config", async () => {
        const dir = mkdtempSync(path.join(tmpdir(), "policy-check-"));
        const config = path.join(dir, "config.json");
        const vendorAllowed = ["111111111111", "222222222222", "999999999999", "333333333333"];
        writeFileSync(
            config,
            JSON.stringify({
                ...REFERENCE_CONFIG,
                "iam-trust-allowed-accounts": { allowedAccountIds: vendorAllowed },
                "vpc-peering-no-auto-accept-cross-account": "disabled",
                "iam-action-exists": { enforcementLevel: "advisory" },
            }),
        );
        const { code, out } = await run(STACK_EXPORT, "--config", config, "--json");
        assert.strictEqual(code, 1);
        assert.deepStrictEqual(
            (JSON.parse(out) as Record<string, string>[]).map(({ policyName, enforcementLevel }) => `${policyName}:${enforcementLevel}`),
            [
                "s3-bucket-policy-no-public-principal:mandatory",
                "s3-bucket-policy-tls-only:mandatory",
                "iam-policy-document-valid:advisory",
                "iam-trust-cross-account-conditions:mandatory",
                "iam-action-exists:advisory",
                "s3-bucket-access-logging:advisory",
                "s3-bucket-access-logging:advisory",
            ],
        );
    });

    it("exits 2 on unreadable input, a JSON file of another kind, a bad config and bad usage", async () => {
        const dir = mkdtempSync(path.join(tmpdir(), "policy-check-"));
        const notJson = path.join(dir, "broken.json");
        writeFileSync(notJson, '{"deployment":');
        const other = path.join(dir, "other.json");
        writeFileSync(other, JSON.stringify({ name: "something else" }));
        const cases: [string[], RegExp][] = [
            [[path.join(dir, "missing.json")], /^policy-check: cannot read input .*missing\.json: ENOENT/],
            [[notJson], /^policy-check: input .*broken\.json is not valid JSON/],
            [[other], /^policy-check: neither a stack export \(deployment\.resources\) nor preview JSON \(steps\[\]\.newState\)/],
            [[STACK_EXPORT, "--config", notJson], /^policy-check: Invalid policy pack config:\n {2}- .*broken\.json: is not valid JSON/],
            [[], /error: missing required argument 'file'/],
            [[STACK_EXPORT, "--frobnicate"], /error: unknown option '--frobnicate'/],
        ];
        for (const [args, message] of cases) {
            const { code, out, err } = await run(...args);
            assert.deepStrictEqual([code, out], [2, ""], args.join(" "));
            assert.match(err, message);
        }
    });

    it("prints help and exits 0 with --help", async () => {
        const { code, out } = await run("--help");
        assert.strictEqual(code, 0);
        assert.match(out, /^Usage: policy-check \[options\] <file>/);
    });

    it("sets the process exit code and reads stdin when run as a script", function () {
        this.timeout(20000);
        const result = spawnSync(process.execPath, ["-r", "./tools/ts-register", "cli/policy.ts", "-", "--json"], {
            cwd: ROOT,
            input: readFileSync(STACK_EXPORT),
            encoding: "utf8",
        });
        assert.strictEqual(result.status, 1, result.stderr);
        assert.strictEqual((JSON.parse(result.stdout) as unknown[]).length, 9);
    });
});
