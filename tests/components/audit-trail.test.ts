import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { AuditTrail, AuditTrailArgs } from "../../components/audit-trail";
import { DEV, PROD, TEST, accountProvider, parsedJson, promiseOf, recorded, settle, suiteMocks } from "./support";
import { allowService, keyAdministration } from "../support/statements";

const CLOUDTRAIL = "cloudtrail.amazonaws.com";
const trailOf = (account: string) => `arn:aws:cloudtrail:us-east-1:${account}:trail/org-audit`;
const writers = { accountId: PROD, writerTrailArns: [trailOf(PROD), trailOf(DEV)], writerAccountIds: [PROD, DEV] };

describe("AuditTrail", () => {
    const mocks = suiteMocks();

    it("owns the central bucket: CloudTrail statements scoped by aws:SourceArn, trail created after the bucket policy", async () => {
        const audit = new AuditTrail(
            "audit",
            {
                trailName: "org-audit",
                bucketName: "central-audit-logs",
                ownedBucket: writers,
                s3KeyPrefix: "trails",
                tags: { env: "prod" },
            },
            { provider: accountProvider("prod-for-trail", PROD) },
        );
        assert.ok(audit.bucket);
        const sourceArns = [trailOf(DEV), trailOf(PROD)];
        assert.deepStrictEqual(await parsedJson(audit.bucket.policy), {
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "DenyInsecureTransport",
                    Effect: "Deny",
                    Principal: { AWS: "*" },
                    Action: "s3:*",
                    Resource: ["arn:aws:s3:::central-audit-logs", "arn:aws:s3:::central-audit-logs/*"],
                    Condition: { Bool: { "aws:SecureTransport": "false" } },
                },
                allowService("AWSCloudTrailAclCheck", CLOUDTRAIL, "s3:GetBucketAcl", {
                    Resource: "arn:aws:s3:::central-audit-logs",
                    Condition: { StringEquals: { "aws:SourceArn": sourceArns } },
                }),
                allowService("AWSCloudTrailWrite", CLOUDTRAIL, "s3:PutObject", {
                    Resource: [
                        `arn:aws:s3:::central-audit-logs/trails/AWSLogs/${DEV}/*`,
                        `arn:aws:s3:::central-audit-logs/trails/AWSLogs/${PROD}/*`,
                    ],
                    Condition: { StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": sourceArns } },
                }),
            ],
        });
        assert.strictEqual(await promiseOf(audit.trailArn), trailOf(PROD));
        assert.strictEqual(await promiseOf(audit.bucketName), "central-audit-logs");
        await settle();

        const component = recorded(mocks, "crossaccount:index:AuditTrail", "audit");
        const bucketComponent = recorded(mocks, "crossaccount:index:SharedBucket", "audit-bucket");
        assert.strictEqual(bucketComponent.parent, component.urn);
        assert.strictEqual(recorded(mocks, "aws:s3/bucket:Bucket", "audit-bucket").accountId, PROD);
        // CloudTrail names the trail's key on each log file: the bucket's default stays SSE-S3.
        assert.deepStrictEqual(
            recorded(
                mocks,
                "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
                "audit-bucket-encryption",
            ).inputs.rules,
            [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
        );

        const key = recorded(mocks, "aws:kms/key:Key", "audit-key");
        assert.strictEqual(key.accountId, PROD);
        assert.strictEqual(key.parent, component.urn);
        const keyArn = `arn:aws:kms:us-east-1:${PROD}:key/${key.id}`;
        assert.strictEqual(await promiseOf(audit.kmsKeyArn!), keyArn);
        assert.deepStrictEqual(key.inputs, {
            description: "Encrypts the CloudTrail log files delivered to central-audit-logs.",
            enableKeyRotation: true,
            policy: await promiseOf(audit.keyPolicy!),
            tags: { env: "prod" },
        });
        const alias = recorded(mocks, "aws:kms/alias:Alias", "audit-key-alias");
        assert.strictEqual(alias.accountId, PROD);
        assert.strictEqual(alias.parent, component.urn);
        assert.deepStrictEqual(alias.inputs, { name: "alias/org-audit", targetKeyId: key.id });

        const trail = recorded(mocks, "aws:cloudtrail/trail:Trail", "audit");
        assert.strictEqual(trail.accountId, PROD);
        assert.strictEqual(trail.parent, component.urn);
        assert.deepStrictEqual(trail.inputs, {
            name: "org-audit",
            s3BucketName: "central-audit-logs",
            s3KeyPrefix: "trails",
            isMultiRegionTrail: true,
            includeGlobalServiceEvents: true,
            enableLogFileValidation: true,
            kmsKeyId: keyArn,
            tags: { env: "prod" },
        });
        assert.ok(trail.dependencies.includes(key.urn), "the trail waits for its key");
        const bucketPolicy = recorded(mocks, "aws:s3/bucketPolicy:BucketPolicy", "audit-bucket-policy");
        assert.ok(trail.dependencies.includes(bucketPolicy.urn), "the trail depends on the bucket policy");
    });

    it("lets its account administer the log key and CloudTrail use it for the writer trails only", async () => {
        const audit = new AuditTrail(
            "keyed",
            { trailName: "org-audit", bucketName: "keyed-audit-logs", ownedBucket: { ...writers, keyAlias: "alias/org/audit-logs" } },
            { provider: accountProvider("prod-for-key", PROD) },
        );
        const sourceArns = [trailOf(DEV), trailOf(PROD)];
        assert.deepStrictEqual(await parsedJson(audit.keyPolicy!), {
            Version: "2012-10-17",
            Statement: [
                keyAdministration(PROD),
                allowService("AllowCloudTrailEncryptLogs", CLOUDTRAIL, "kms:GenerateDataKey*", {
                    Resource: "*",
                    Condition: {
                        StringLike: { "kms:EncryptionContext:aws:cloudtrail:arn": sourceArns },
                        StringEquals: { "aws:SourceArn": sourceArns },
                    },
                }),
                allowService("AllowCloudTrailDescribeKey", CLOUDTRAIL, "kms:DescribeKey", {
                    Resource: "*",
                    Condition: { StringEquals: { "aws:SourceArn": sourceArns } },
                }),
            ],
        });
        await settle();
        assert.strictEqual(recorded(mocks, "aws:kms/alias:Alias", "keyed-key-alias").inputs.name, "alias/org/audit-logs");
    });

    it("with the organization's ID, admits CloudTrail for the trail's name in the organization: the same policies for any number of writers", async () => {
        const org = "o-a1b2c3d4e5";
        const many = Array.from({ length: 1000 }, (_, i) => String(100000000000 + i));
        const audit = new AuditTrail(
            "org-scoped",
            {
                trailName: "org-audit",
                bucketName: "org-audit-logs",
                s3KeyPrefix: "trails",
                ownedBucket: { accountId: PROD, organizationId: org, writerTrailArns: many.map(trailOf), writerAccountIds: many },
            },
            { provider: accountProvider("prod-for-org", PROD) },
        );
        const scoped = {
            StringEquals: { "aws:SourceOrgID": org },
            ArnLike: { "aws:SourceArn": ["arn:aws:cloudtrail:*:*:trail/org-audit"] },
        };
        const bucketPolicy = (await parsedJson(audit.bucket!.policy)) as { Statement: { Sid: string }[] };
        assert.deepStrictEqual(
            bucketPolicy.Statement.filter((s) => s.Sid.startsWith("AWSCloudTrail")),
            [
                allowService("AWSCloudTrailAclCheck", CLOUDTRAIL, "s3:GetBucketAcl", {
                    Resource: "arn:aws:s3:::org-audit-logs",
                    Condition: scoped,
                }),
                allowService("AWSCloudTrailWrite", CLOUDTRAIL, "s3:PutObject", {
                    Resource: "arn:aws:s3:::org-audit-logs/trails/AWSLogs/*",
                    Condition: {
                        StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceOrgID": org },
                        ArnLike: scoped.ArnLike,
                    },
                }),
            ],
        );
        const keyPolicy = (await parsedJson(audit.keyPolicy!)) as { Statement: { Sid: string; Condition?: unknown }[] };
        assert.deepStrictEqual(
            keyPolicy.Statement.map((s) => [s.Sid, s.Condition]),
            [
                ["EnableIamUserPermissions", undefined],
                [
                    "AllowCloudTrailEncryptLogs",
                    { StringLike: { "kms:EncryptionContext:aws:cloudtrail:arn": ["arn:aws:cloudtrail:*:*:trail/org-audit"] }, ...scoped },
                ],
                ["AllowCloudTrailDescribeKey", scoped],
            ],
        );
    });

    it("writes without a prefix straight under AWSLogs/<account>/", async () => {
        const audit = new AuditTrail("no-prefix", {
            trailName: "org-audit",
            bucketName: "audit-no-prefix",
            ownedBucket: { accountId: TEST, writerTrailArns: [trailOf(TEST)], writerAccountIds: [TEST] },
        });
        const policy = (await parsedJson(audit.bucket!.policy)) as { Statement: { Sid: string; Resource: unknown }[] };
        assert.deepStrictEqual(policy.Statement.find((s) => s.Sid === "AWSCloudTrailWrite")!.Resource, [
            `arn:aws:s3:::audit-no-prefix/AWSLogs/${TEST}/*`,
        ]);
    });

    it("writes to a bucket owned elsewhere without creating one", async () => {
        const dev = accountProvider("dev-for-trail", DEV);
        const audit = new AuditTrail(
            "dev-audit",
            {
                trailName: "org-audit",
                bucketName: pulumi.output("central-audit-logs"),
                kmsKeyArn: `arn:aws:kms:us-east-1:${PROD}:key/abc`,
                cloudWatchLogsGroupArn: `arn:aws:logs:us-east-1:${DEV}:log-group:trail:*`,
                cloudWatchLogsRoleArn: `arn:aws:iam::${DEV}:role/TrailToLogs`,
            },
            { provider: dev },
        );
        assert.strictEqual(audit.bucket, undefined);
        assert.strictEqual(audit.logKey, undefined);
        assert.strictEqual(await promiseOf(audit.trailArn), trailOf(DEV));
        await settle();
        const component = recorded(mocks, "crossaccount:index:AuditTrail", "dev-audit");
        assert.strictEqual(mocks.resources.filter((r) => r.parent === component.urn).length, 1, "only the trail");
        const trail = recorded(mocks, "aws:cloudtrail/trail:Trail", "dev-audit");
        assert.strictEqual(trail.accountId, DEV);
        assert.deepStrictEqual(trail.inputs, {
            name: "org-audit",
            s3BucketName: "central-audit-logs",
            isMultiRegionTrail: true,
            includeGlobalServiceEvents: true,
            enableLogFileValidation: true,
            kmsKeyId: `arn:aws:kms:us-east-1:${PROD}:key/abc`,
            cloudWatchLogsGroupArn: `arn:aws:logs:us-east-1:${DEV}:log-group:trail:*`,
            cloudWatchLogsRoleArn: `arn:aws:iam::${DEV}:role/TrailToLogs`,
        });
        assert.deepStrictEqual(trail.dependencies, []);
    });

    it("delivers to a log group of its own through a role only CloudTrail may assume, for this trail only", async () => {
        const audit = new AuditTrail(
            "logs-audit",
            {
                trailName: "org-audit",
                bucketName: pulumi.output("central-audit-logs"),
                cloudWatchLogs: { accountId: TEST, region: "us-east-1", retentionInDays: 400 },
                tags: { env: "test" },
            },
            { provider: accountProvider("test-for-trail-logs", TEST) },
        );
        assert.strictEqual(await promiseOf(audit.logGroupName!), "/cloudtrail/org-audit");
        assert.deepStrictEqual(await parsedJson(audit.deliveryRole!.trustPolicy), {
            Version: "2012-10-17",
            Statement: [
                // AWS's documented trust for this role has no condition: nothing documents that CloudTrail sends aws:SourceArn here.
                allowService("TrustedServices", [CLOUDTRAIL], "sts:AssumeRole"),
            ],
        });
        assert.deepStrictEqual(await parsedJson(audit.deliveryRole!.permissionPolicy!), {
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "DeliverTrailEvents",
                    Effect: "Allow",
                    Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
                    Resource: [`arn:aws:logs:us-east-1:${TEST}:log-group:/cloudtrail/org-audit:log-stream:${TEST}_CloudTrail_*`],
                },
            ],
        });
        await settle();
        const group = recorded(mocks, "aws:cloudwatch/logGroup:LogGroup", "logs-audit-logs");
        assert.deepStrictEqual(group.inputs, { name: "/cloudtrail/org-audit", retentionInDays: 400, tags: { env: "test" } });
        assert.strictEqual(recorded(mocks, "aws:iam/role:Role", "logs-audit-cloudwatch-logs").inputs.name, "org-audit-cloudwatch-logs");
        const trail = recorded(mocks, "aws:cloudtrail/trail:Trail", "logs-audit");
        assert.strictEqual(trail.accountId, TEST);
        assert.strictEqual(trail.inputs.cloudWatchLogsGroupArn, `arn:aws:logs:us-east-1:${TEST}:log-group:/cloudtrail/org-audit:*`);
        assert.strictEqual(trail.inputs.cloudWatchLogsRoleArn, `arn:aws:iam::${TEST}:role/org-audit-cloudwatch-logs`);
        const rolePolicy = recorded(mocks, "aws:iam/rolePolicy:RolePolicy", "logs-audit-cloudwatch-logs-permissions");
        assert.ok(
            trail.dependencies.includes(group.urn) && trail.dependencies.includes(rolePolicy.urn),
            "CloudTrail checks the group and the role at creation",
        );
    });

    describe("validation", () => {
        const base: AuditTrailArgs = { trailName: "org-audit", bucketName: "audit-logs", ownedBucket: writers };
        const logs = { accountId: PROD, region: "us-east-1" };
        const cases: [string, AuditTrailArgs, RegExp][] = [
            ["a bad trail name", { ...base, trailName: "a" }, /Invalid trail name "a"/],
            ["a prefix with slashes", { ...base, s3KeyPrefix: "/logs/" }, /Invalid s3KeyPrefix "\/logs\/"/],
            [
                "only one CloudWatch setting",
                { ...base, cloudWatchLogsGroupArn: "arn:aws:logs:us-east-1:111111111111:log-group:x:*" },
                /must be given together/,
            ],
            [
                "an Output bucket name for an owned bucket",
                { ...base, bucketName: pulumi.output("audit-logs") },
                /bucketName must be a plain string/,
            ],
            [
                "an owned bucket without writers",
                { ...base, ownedBucket: { ...writers, writerTrailArns: [], writerAccountIds: [] } },
                /at least one writer trail ARN/,
            ],
            [
                "a malformed writer trail ARN",
                { ...base, ownedBucket: { ...writers, writerTrailArns: ["arn:aws:s3:::x"], writerAccountIds: [DEV] } },
                /Invalid writer trail ARN "arn:aws:s3:::x"/,
            ],
            [
                "a writer trail outside the writer accounts",
                { ...base, ownedBucket: { ...writers, writerTrailArns: [trailOf(TEST)], writerAccountIds: [DEV] } },
                /Writer trail .* is in account 222222222222, which is not among writerAccountIds/,
            ],
            [
                "a malformed organization ID",
                { ...base, ownedBucket: { ...writers, organizationId: "org-1" } },
                /Invalid organization ID "org-1"/,
            ],
            ["an invalid owned bucket name", { ...base, bucketName: "Audit_Logs" }, /Invalid S3 bucket name "Audit_Logs"/],
            [
                "a malformed owner account",
                { ...base, ownedBucket: { ...writers, accountId: "9999" } },
                /Invalid audit bucket account ID "9999"/,
            ],
            [
                "a key of its own and a key given",
                { ...base, kmsKeyArn: `arn:aws:kms:us-east-1:${PROD}:key/abc` },
                /the owner of the bucket encrypts with the key it creates; do not give kmsKeyArn/,
            ],
            [
                "an AWS-reserved key alias",
                { ...base, ownedBucket: { ...writers, keyAlias: "alias/aws/cloudtrail" } },
                /Invalid key alias "alias\/aws\/cloudtrail"/,
            ],
            [
                "a log group of its own and one managed elsewhere",
                {
                    ...base,
                    cloudWatchLogs: logs,
                    cloudWatchLogsGroupArn: "arn:aws:logs:us-east-1:111111111111:log-group:x:*",
                    cloudWatchLogsRoleArn: "arn:aws:iam::111111111111:role/x",
                },
                /either cloudWatchLogs .* or cloudWatchLogsGroupArn\/RoleArn, not both/,
            ],
            [
                "a retention CloudWatch Logs does not offer",
                { ...base, cloudWatchLogs: { ...logs, retentionInDays: 100 } },
                /Invalid retention of 100 days/,
            ],
            [
                "a reserved log group name",
                { ...base, cloudWatchLogs: { ...logs, logGroupName: "aws/trail" } },
                /Invalid log group name "aws\/trail"/,
            ],
        ];
        for (const [label, args, message] of cases) {
            it(`refuses ${label} before creating anything`, () => {
                const before = mocks.resources.length;
                assert.throws(() => new AuditTrail(`invalid-${label.replace(/\W+/g, "-")}`, args), message);
                assert.strictEqual(mocks.resources.length, before);
            });
        }
    });
});
