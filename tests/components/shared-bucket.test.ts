import * as assert from "assert";
import { SharedBucket, SharedBucketArgs } from "../../components/shared-bucket";
import { bucketNameProblems } from "../../aws";
import { DEFAULT_ACCOUNT, DEV, PROD, TEST, accountProvider, parsedJson, promiseOf, recorded, settle, suiteMocks } from "./support";

const testReader = `arn:aws:iam::${TEST}:role/ReadReports`;
const devReader = `arn:aws:iam::${DEV}:role/Analyst`;
const devWriter = `arn:aws:iam::${DEV}:role/UpdateApp`;

const tlsOnly = (bucket: string) => ({
    Sid: "DenyInsecureTransport",
    Effect: "Deny",
    Principal: { AWS: "*" },
    Action: "s3:*",
    Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
    Condition: { Bool: { "aws:SecureTransport": "false" } },
});

describe("SharedBucket", () => {
    const mocks = suiteMocks();

    it("renders TLS-only Deny, then per-grant object and list statements, then additional statements", async () => {
        const bucket = new SharedBucket("app-data", {
            bucketName: "productionapp",
            grants: [
                { sid: "Reports", principalArns: [testReader, devReader, testReader], access: "read", prefix: "reports/" },
                { principalArns: [devWriter], access: "read-write", bucketAdministrationActions: ["s3:GetBucketPolicy"] },
            ],
            additionalStatements: [
                {
                    Sid: "Extra",
                    Effect: "Deny",
                    Principal: { AWS: "*" },
                    Action: "s3:DeleteBucket",
                    Resource: "arn:aws:s3:::productionapp",
                },
            ],
        });
        const readers = { AWS: [`arn:aws:iam::${DEV}:root`, `arn:aws:iam::${TEST}:root`] };
        const readerArns = { ArnEquals: { "aws:PrincipalArn": [devReader, testReader] } };
        const writers = { AWS: [`arn:aws:iam::${DEV}:root`] };
        const writerArns = { ArnEquals: { "aws:PrincipalArn": [devWriter] } };
        assert.deepStrictEqual(await parsedJson(bucket.policy), {
            Version: "2012-10-17",
            Statement: [
                tlsOnly("productionapp"),
                {
                    Sid: "ReportsObjects",
                    Effect: "Allow",
                    Principal: readers,
                    Action: ["s3:GetObject", "s3:GetObjectVersion"],
                    Resource: "arn:aws:s3:::productionapp/reports/*",
                    Condition: readerArns,
                },
                {
                    Sid: "ReportsList",
                    Effect: "Allow",
                    Principal: readers,
                    Action: "s3:ListBucket",
                    Resource: "arn:aws:s3:::productionapp",
                    Condition: { ...readerArns, StringLike: { "s3:prefix": "reports/*" } },
                },
                {
                    Sid: "Grant2Objects",
                    Effect: "Allow",
                    Principal: writers,
                    Action: ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"],
                    Resource: "arn:aws:s3:::productionapp/*",
                    Condition: writerArns,
                },
                {
                    Sid: "Grant2List",
                    Effect: "Allow",
                    Principal: writers,
                    Action: "s3:ListBucket",
                    Resource: "arn:aws:s3:::productionapp",
                    Condition: writerArns,
                },
                {
                    Sid: "Grant2Administration",
                    Effect: "Allow",
                    Principal: writers,
                    Action: ["s3:GetBucketPolicy"],
                    Resource: "arn:aws:s3:::productionapp",
                    Condition: writerArns,
                },
                {
                    Sid: "Extra",
                    Effect: "Deny",
                    Principal: { AWS: "*" },
                    Action: "s3:DeleteBucket",
                    Resource: "arn:aws:s3:::productionapp",
                },
            ],
        });
    });

    it("grants no bucket administration unless asked, and narrows wildcard principals with ArnLike", async () => {
        const bucket = new SharedBucket("wild-readers", {
            bucketName: "wild-readers",
            grants: [{ sid: "Ci", principalArns: [`arn:aws:iam::${DEV}:role/ci-*`], access: "read-write" }],
        });
        const policy = (await parsedJson(bucket.policy)) as { Statement: { Sid: string; Action: string | string[]; Condition?: object }[] };
        assert.deepStrictEqual(
            policy.Statement.map((s) => [s.Sid, s.Action]),
            [
                ["DenyInsecureTransport", "s3:*"],
                ["CiObjects", ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"]],
                ["CiList", "s3:ListBucket"],
            ],
        );
        assert.deepStrictEqual(policy.Statement[1].Condition, { ArnLike: { "aws:PrincipalArn": [`arn:aws:iam::${DEV}:role/ci-*`] } });
    });

    it("creates a private, owner-enforced, SSE-S3, versioned bucket in the opts provider's account", async () => {
        const prod = accountProvider("prod-for-bucket", PROD);
        const bucket = new SharedBucket(
            "logs",
            { bucketName: "central-logs", forceDestroy: true, tags: { env: "prod" } },
            { provider: prod },
        );
        assert.strictEqual(await promiseOf(bucket.bucketName), "central-logs");
        assert.strictEqual(await promiseOf(bucket.arn), "arn:aws:s3:::central-logs");
        assert.deepStrictEqual(await parsedJson(bucket.policy), { Version: "2012-10-17", Statement: [tlsOnly("central-logs")] });
        await settle();

        const component = recorded(mocks, "crossaccount:index:SharedBucket", "logs");
        const expectedChildren: [string, string, Record<string, unknown>][] = [
            ["aws:s3/bucket:Bucket", "logs", { bucket: "central-logs", forceDestroy: true, tags: { env: "prod" } }],
            [
                "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
                "logs-public-access-block",
                {
                    bucket: "central-logs",
                    blockPublicAcls: true,
                    blockPublicPolicy: true,
                    ignorePublicAcls: true,
                    restrictPublicBuckets: true,
                },
            ],
            [
                "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
                "logs-ownership-controls",
                { bucket: "central-logs", rule: { objectOwnership: "BucketOwnerEnforced" } },
            ],
            [
                "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
                "logs-encryption",
                { bucket: "central-logs", rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] },
            ],
            [
                "aws:s3/bucketVersioning:BucketVersioning",
                "logs-versioning",
                { bucket: "central-logs", versioningConfiguration: { status: "Enabled" } },
            ],
            ["aws:s3/bucketPolicy:BucketPolicy", "logs-policy", { bucket: "central-logs", policy: await promiseOf(bucket.policy) }],
        ];
        for (const [type, name, inputs] of expectedChildren) {
            const child = recorded(mocks, type, name);
            assert.deepStrictEqual(child.inputs, inputs, `${type} ${name}`);
            assert.strictEqual(child.accountId, PROD, `${name} account`);
            assert.strictEqual(child.parent, component.urn, `${name} parent`);
        }

        const policyDependencies = recorded(mocks, "aws:s3/bucketPolicy:BucketPolicy", "logs-policy").dependencies;
        for (const name of ["logs-public-access-block", "logs-ownership-controls"]) {
            const urn = mocks.resources.find((r) => r.name === name)!.urn;
            assert.ok(policyDependencies.includes(urn), `the bucket policy depends on ${name}`);
        }
    });

    it("uses SSE-KMS with a bucket key when given a key, and skips versioning when disabled", async () => {
        const keyArn = `arn:aws:kms:us-east-1:${DEV}:key/1234`;
        const bucket = new SharedBucket("kms-bucket", { bucketName: "kms-bucket", kmsKeyArn: keyArn, versioning: false });
        assert.strictEqual(bucket.versioning, undefined);
        await settle();
        const encryption = recorded(
            mocks,
            "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
            "kms-bucket-encryption",
        );
        assert.deepStrictEqual(encryption.inputs.rules, [
            { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: keyArn }, bucketKeyEnabled: true },
        ]);
        assert.strictEqual(encryption.accountId, DEFAULT_ACCOUNT);
        assert.strictEqual(mocks.resources.filter((r) => r.name === "kms-bucket-versioning").length, 0);
    });

    describe("bucket name validation", () => {
        const invalid: [string, RegExp][] = [
            ["ab", /must be 3-63 characters long/],
            ["a".repeat(64), /must be 3-63 characters long/],
            ["Uppercase", /may only contain lowercase letters, digits, '\.' and '-'/],
            ["under_score", /may only contain lowercase letters/],
            ["-leading", /must start and end with a letter or digit/],
            ["trailing.", /must start and end with a letter or digit/],
            ["two..dots", /must not contain '\.\.'/],
            ["192.168.5.4", /must not be formatted as an IP address/],
            ["xn--bucket", /reserved prefix 'xn--'/],
            ["sthree-bucket", /reserved prefix 'sthree-'/],
            ["amzn-s3-demo-bucket", /reserved prefix 'amzn-s3-demo-'/],
            ["bucket-s3alias", /reserved suffix '-s3alias'/],
            ["bucket--ol-s3", /reserved suffix '--ol-s3'/],
            ["bucket.mrap", /reserved suffix '\.mrap'/],
            ["bucket--x-s3", /reserved suffix '--x-s3'/],
        ];
        for (const [name, message] of invalid) {
            it(`refuses "${name.length > 20 ? name.slice(0, 20) + "..." : name}" before creating anything`, () => {
                const before = mocks.resources.length;
                assert.throws(
                    () => new SharedBucket(`bad-${mocks.resources.length}`, { bucketName: name }),
                    (error: Error) => {
                        assert.ok(error.message.startsWith(`Invalid S3 bucket name "${name}": `), error.message);
                        assert.match(error.message, message);
                        return true;
                    },
                );
                assert.strictEqual(mocks.resources.length, before);
            });
        }

        it("accepts valid names and reports every broken rule at once", () => {
            for (const name of ["abc", "my-bucket.logs-2026", "a".repeat(63), "1bucket9"]) {
                assert.deepStrictEqual(bucketNameProblems(name), [], name);
            }
            assert.deepStrictEqual(bucketNameProblems("-A"), [
                "must be 3-63 characters long (it has 2)",
                "may only contain lowercase letters, digits, '.' and '-'",
                "must start and end with a letter or digit",
            ]);
        });
    });

    describe("grant validation", () => {
        const cases: [string, SharedBucketArgs, RegExp][] = [
            [
                "a grant without principals",
                { bucketName: "b-grants", grants: [{ principalArns: [], access: "read" }] },
                /Bucket grant Grant1 names no principals/,
            ],
            [
                "a non-IAM principal",
                { bucketName: "b-grants", grants: [{ principalArns: ["arn:aws:s3:::other"], access: "read" }] },
                /Invalid principal ARN "arn:aws:s3:::other"/,
            ],
            [
                "a wildcard prefix",
                { bucketName: "b-grants", grants: [{ sid: "P", principalArns: [devReader], access: "read", prefix: "logs/*" }] },
                /Invalid prefix "logs\/\*" in bucket grant P/,
            ],
            [
                "a non-S3 administration action",
                {
                    bucketName: "b-grants",
                    grants: [{ principalArns: [devReader], access: "read", bucketAdministrationActions: ["iam:PassRole"] }],
                },
                /Invalid bucket administration action "iam:PassRole"/,
            ],
            [
                "a non-alphanumeric Sid",
                { bucketName: "b-grants", grants: [{ sid: "my-grant", principalArns: [devReader], access: "read" }] },
                /Invalid statement Sid "my-grantObjects"/,
            ],
        ];
        for (const [label, args, message] of cases) {
            it(`refuses ${label}`, () => {
                assert.throws(() => new SharedBucket(`invalid-${label.replace(/\W+/g, "-")}`, args), message);
            });
        }
    });
});
