// The rules over every resource policy (S3, ECR, KMS, SNS, SQS, Secrets Manager), well-formedness of every
// document, KMS keys, S3 access logging, and the unsafe resources issue 12 found the pack letting through.
import * as assert from "assert";
import { Row, advised, noAccessLogging, notAllowed, reported, rowsFor } from "./expect";
import { ACCOUNTS, Resources, T, allowOnImages, bucketPolicy, patch, policyJson, resource } from "./fixtures";

const only = (rule: string, rows: Row[]): Row[] => rows.filter(([name]) => name === rule);
const testRoot = `arn:aws:iam::${ACCOUNTS.test}:root`;
const outsiderRoot = `arn:aws:iam::${ACCOUNTS.outsider}:root`;
const BUCKET = "arn:aws:s3:::images-dev";
const OBJECTS = "arn:aws:s3:::images-dev/*";
/** A KMS key in prod whose policy lets prod administer it, plus the given statements. */
const keyWith =
    (...statements: Record<string, unknown>[]) =>
    (r: Resources) => {
        r.key = resource(
            T.kmsKey,
            "key",
            {
                enableKeyRotation: true,
                policy: policyJson(
                    {
                        Sid: "Admin",
                        Effect: "Allow",
                        Principal: { AWS: `arn:aws:iam::${ACCOUNTS.prod}:root` },
                        Action: "kms:*",
                        Resource: "*",
                    },
                    ...statements,
                ),
            },
            { account: ACCOUNTS.prod, stack: "prod" },
        );
    };

describe("issue 12: unsafe resources the pack let through", () => {
    it("flags each one mandatory", async () => {
        const result = await rowsFor((r) => {
            bucketPolicy(
                { Sid: "NotPrincipal", Effect: "Allow", NotPrincipal: { AWS: testRoot }, Action: "s3:GetObject", Resource: OBJECTS },
                {
                    Sid: "NotAction",
                    Effect: "Allow",
                    Principal: { AWS: testRoot },
                    NotAction: "s3:DeleteObject",
                    Resource: [BUCKET, OBJECTS],
                },
                {
                    Sid: "AnyAccount",
                    Effect: "Allow",
                    Principal: "*",
                    Action: "s3:GetObject",
                    Resource: OBJECTS,
                    Condition: { ArnLike: { "aws:PrincipalArn": "arn:aws:iam::*:role/Reader" } },
                },
                {
                    Sid: "Config",
                    Effect: "Allow",
                    Principal: { Service: "config.amazonaws.com" },
                    Action: "s3:PutObject",
                    Resource: OBJECTS,
                },
            )(r);
            r.everything = resource(T.policy, "everything", {
                policy: policyJson({ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::*/*" }),
            });
            keyWith({ Sid: "Outsider", Effect: "Allow", Principal: { AWS: testRoot }, Action: "kms:*", Resource: "*" })(r);
            r.broken = resource(T.policy, "broken", { policy: '{"Statement": [' });
        });
        const flagged = new Set(
            result
                .filter(([, , level]) => level === "mandatory")
                .map(([rule, name, , message]) => `${rule} ${name} ${message.split(":")[0]}`),
        );
        for (const expected of [
            'resource-policy-no-not-principal-or-not-action images-dev-policy policy statement 2 ("NotPrincipal")',
            'resource-policy-no-not-principal-or-not-action images-dev-policy policy statement 3 ("NotAction")',
            's3-bucket-policy-no-public-principal images-dev-policy policy statement 4 ("AnyAccount")',
            'resource-policy-service-principal-scoped images-dev-policy policy statement 5 ("Config")',
            "iam-no-resource-star everything policy statement 1",
            'kms-key-no-cross-account-admin key policy statement 2 ("Outsider")',
            "iam-policy-document-valid broken policy is not valid JSON, so AWS rejects it and no rule can check it. Fix",
        ]) {
            assert.ok(flagged.has(expected), `${expected}\n${[...flagged].join("\n")}`);
        }
    });
});

describe("resource-policy-no-not-principal-or-not-action", () => {
    it("reports NotPrincipal, NotAction and NotResource with Allow on every kind of resource policy, with the exact text", async () => {
        const rule = "resource-policy-no-not-principal-or-not-action";
        const result = await rowsFor((r) => {
            r.topic = resource(T.topicPolicy, "topic", {
                arn: `arn:aws:sns:us-east-1:${ACCOUNTS.dev}:t`,
                policy: policyJson({ Effect: "Allow", NotPrincipal: { AWS: testRoot }, Action: "sns:Publish", Resource: "*" }),
            });
            r.queue = resource(T.queuePolicy, "queue", {
                queueUrl: "q",
                policy: policyJson({
                    Effect: "Allow",
                    Principal: { AWS: testRoot },
                    Action: "sqs:SendMessage",
                    NotResource: "arn:aws:sqs:us-east-1:111111111111:other",
                }),
            });
        });
        assert.deepStrictEqual(only(rule, result), [
            ...reported(rule, "topic", [
                'policy statement 1: "NotPrincipal" with "Effect": "Allow" grants every principal of every account ' +
                    'except the listed ones. Fix: use "Principal" with exactly the principals that need access.',
            ]),
            ...reported(rule, "queue", [
                'policy statement 1: "NotResource" with "Effect": "Allow" grants the actions on every resource except ' +
                    'the listed ones. Fix: list the resources in "Resource".',
            ]),
        ]);
    });

    it("accepts NotPrincipal and NotAction in a Deny", async () => {
        const result = await rowsFor(
            bucketPolicy({ Effect: "Deny", NotPrincipal: { AWS: testRoot }, NotAction: "s3:GetObject", Resource: OBJECTS }),
        );
        assert.deepStrictEqual(only("resource-policy-no-not-principal-or-not-action", result), []);
    });
});

describe("resource-policy-service-principal-scoped", () => {
    const rule = "resource-policy-service-principal-scoped";

    it("reports a service principal without source keys, with the exact text naming its AWS documentation", async () => {
        const result = await rowsFor(
            bucketPolicy({
                Sid: "Logs",
                Effect: "Allow",
                Principal: { Service: "logging.s3.amazonaws.com" },
                Action: "s3:PutObject",
                Resource: OBJECTS,
            }),
        );
        assert.deepStrictEqual(
            only(rule, result),
            reported(rule, "images-dev-policy", [
                'policy statement 2 ("Logs"): service principal "logging.s3.amazonaws.com" may act for any AWS account: nothing limits it to this ' +
                    "organization's requests (confused deputy). Fix: add a condition on aws:SourceArn or aws:SourceAccount naming your own resources " +
                    'or account, e.g. "Condition": {"StringEquals": {"aws:SourceAccount": "<account>"}} (see Amazon S3 User Guide, Permissions ' +
                    "for log delivery (server access logging)).",
            ]),
        );
    });

    it("reports a wildcard source account, and a key the service does not send", async () => {
        const result = await rowsFor(
            bucketPolicy(
                allowOnImages({ Service: "config.amazonaws.com" }, "s3:PutObject", { StringLike: { "aws:SourceAccount": "*" } }),
                allowOnImages({ Service: "delivery.logs.amazonaws.com" }, "s3:PutObject", {
                    StringEquals: { "aws:SourceOrgID": "o-a1b2c3d4e5" },
                }),
            ),
        );
        assert.deepStrictEqual(
            only(rule, result).map(([, , , message]) => message.split(":")[0]),
            ["policy statement 2", "policy statement 3"],
        );
    });

    it("accepts source account, source ARN, source organization, and CloudWatch Logs scoped by its encryption context in a key policy", async () => {
        const result = await rowsFor((r) => {
            bucketPolicy(
                allowOnImages({ Service: "config.amazonaws.com" }, "s3:PutObject", { StringEquals: { "aws:SourceAccount": ACCOUNTS.dev } }),
                allowOnImages({ Service: "cloudfront.amazonaws.com" }, "s3:GetObject", {
                    ArnLike: { "aws:SourceArn": `arn:aws:cloudfront::${ACCOUNTS.dev}:distribution/E1` },
                }),
                {
                    Effect: "Allow",
                    Principal: { Service: "config.amazonaws.com" },
                    Action: "s3:GetBucketAcl",
                    Resource: BUCKET,
                    Condition: { StringEquals: { "aws:SourceOrgID": "o-a1b2c3d4e5" } },
                },
            )(r);
            keyWith(
                {
                    Effect: "Allow",
                    Principal: { Service: "logs.us-east-1.amazonaws.com" },
                    Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:GenerateDataKey*"],
                    Resource: "*",
                    Condition: { ArnLike: { "kms:EncryptionContext:aws:logs:arn": `arn:aws:logs:us-east-1:${ACCOUNTS.prod}:log-group:*` } },
                },
                {
                    Effect: "Allow",
                    Principal: { Service: "cloudtrail.amazonaws.com" },
                    Action: "kms:GenerateDataKey*",
                    Resource: "*",
                    Condition: {
                        StringLike: { "kms:EncryptionContext:aws:cloudtrail:arn": `arn:aws:cloudtrail:*:${ACCOUNTS.prod}:trail/*` },
                    },
                },
            )(r);
        });
        assert.deepStrictEqual(only(rule, result), []);
    });
});

describe("resource-policy-no-public-principal and resource-policy-allowed-accounts (SNS, SQS, Secrets Manager)", () => {
    it('report "*" without a limit and accounts outside the organization, with the exact text', async () => {
        const result = await rowsFor((r) => {
            r.secret = resource(T.secretPolicy, "secret", {
                secretArn: "s",
                policy: policyJson(
                    { Effect: "Allow", Principal: "*", Action: "secretsmanager:GetSecretValue", Resource: "*" },
                    { Effect: "Allow", Principal: { AWS: outsiderRoot }, Action: "secretsmanager:GetSecretValue", Resource: "*" },
                ),
            });
        });
        assert.deepStrictEqual(result, [
            ...reported("resource-policy-no-public-principal", "secret", [
                'policy statement 1: grants "secretsmanager:GetSecretValue" to every ' +
                    'principal ("*") without a condition that limits who can use it. Fix: name the account roots with an aws:PrincipalArn condition, ' +
                    "or add aws:PrincipalOrgID or aws:SourceArn.",
            ]),
            ...reported("resource-policy-allowed-accounts", "secret", [
                `policy statement 2: ${notAllowed(ACCOUNTS.outsider, outsiderRoot)}`,
            ]),
        ]);
    });

    it('accept the organization\'s accounts and "*" limited to the organization', async () => {
        const result = await rowsFor((r) => {
            r.topic = resource(T.topicPolicy, "topic", {
                arn: "t",
                policy: policyJson(
                    {
                        Effect: "Allow",
                        Principal: "*",
                        Action: "sns:Publish",
                        Resource: "*",
                        Condition: { StringEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } },
                    },
                    { Effect: "Allow", Principal: { AWS: testRoot }, Action: "sns:Subscribe", Resource: "*" },
                ),
            });
        });
        assert.deepStrictEqual(result, []);
    });
});

describe("iam-policy-document-valid", () => {
    const rule = "iam-policy-document-valid";
    const fix =
        "Fix: write the document as AWS's policy grammar requires (IAM JSON policy element reference); a policy AWS refuses fails " +
        "the deployment, and one the pack cannot read is not checked.";

    it("fails closed on what AWS rejects, naming the statement", async () => {
        const result = await rowsFor((r) => {
            r.identity = resource(T.policy, "identity", {
                policy: JSON.stringify({
                    Version: "2012-10-17",
                    Statment: [],
                    Statement: [
                        { Sid: "A", Action: "s3:GetObject", Resource: OBJECTS },
                        { Sid: "A", Effect: "Allow", Action: "s3:GetObject", NotAction: "s3:PutObject", Principal: "*", Resource: OBJECTS },
                    ],
                }),
            });
            patch(r, "images-dev-policy", { policy: policyJson({ Effect: "Allow", Action: "s3:GetObject", Resource: OBJECTS }) });
        });
        assert.deepStrictEqual(
            only(rule, result).map(([, name, , message]) => [name, message.replace(` ${fix}`, "")]),
            [
                ["images-dev-policy", 'policy statement 1 names no "Principal", which resource policies require.'],
                ["identity", 'policy has the unknown top-level element "Statment" (AWS accepts Version, Id, Statement).'],
                ["identity", 'policy statement 1 ("A") has no "Effect" ("Allow" or "Deny").'],
                ["identity", 'policy statement 2 ("A") repeats the Sid of statement 1; Sids must be unique within a policy.'],
                ["identity", 'policy statement 2 ("A") has both "Action" and "NotAction".'],
                ["identity", 'policy statement 2 ("A") names a Principal, which identity policies cannot have.'],
            ],
        );
        assert.ok(
            result.some(
                ([name, , , message]) =>
                    name === rule && message === `policy statement 1 ("A") has no "Effect" ("Allow" or "Deny"). ${fix}`,
            ),
        );
    });

    it("accepts every document of the good stack", async () => {
        assert.deepStrictEqual(only(rule, await rowsFor(() => undefined)), []);
    });
});

describe("KMS key policies", () => {
    it("report a public principal, an outside account and administration by another account, with the exact texts", async () => {
        const result = await rowsFor(
            keyWith(
                { Sid: "Everyone", Effect: "Allow", Principal: "*", Action: "kms:Decrypt", Resource: "*" },
                { Sid: "Outsider", Effect: "Allow", Principal: { AWS: outsiderRoot }, Action: "kms:Decrypt", Resource: "*" },
                {
                    Sid: "TestAdmin",
                    Effect: "Allow",
                    Principal: { AWS: testRoot },
                    Action: ["kms:Put*", "kms:ScheduleKeyDeletion", "kms:CreateGrant"],
                    Resource: "*",
                },
            ),
        );
        assert.deepStrictEqual(result, [
            ...reported("kms-key-policy-no-public-principal", "key", [
                'policy statement 2 ("Everyone"): lets every principal ("*") use ' +
                    '"kms:Decrypt" without a condition that limits who. Fix: name the account roots, e.g. {"AWS": "arn:aws:iam::<account>:root"}, ' +
                    'or add "kms:CallerAccount" / "aws:PrincipalOrgID" conditions.',
            ]),
            ...reported("kms-key-policy-allowed-accounts", "key", [
                `policy statement 3 ("Outsider"): ${notAllowed(ACCOUNTS.outsider, outsiderRoot)}`,
            ]),
            ...reported("kms-key-no-cross-account-admin", "key", [
                `policy statement 4 ("TestAdmin"): gives principals of other accounts ("${testRoot}") ` +
                    "key administration: kms:PutKeyPolicy, kms:ScheduleKeyDeletion, kms:CreateGrant. Fix: grant other accounts only what they use the " +
                    'key for, e.g. "kms:Decrypt", "kms:DescribeKey" (and "kms:CreateGrant" with "Bool": {"kms:GrantIsForAWSResource": "true"}).',
            ]),
        ]);
    });

    it("accept \"*\" limited to the key's own account by kms:CallerAccount, as AWS's default key policy does", async () => {
        const result = await rowsFor(
            keyWith({
                Effect: "Allow",
                Principal: { AWS: "*" },
                Action: "kms:*",
                Resource: "*",
                Condition: { StringEquals: { "kms:CallerAccount": ACCOUNTS.prod } },
            }),
        );
        assert.deepStrictEqual(result, []);
    });

    it("accept another account using the key, grants for AWS resources, and a KeyPolicy resource read the same way", async () => {
        const use = {
            Effect: "Allow",
            Principal: { AWS: testRoot },
            Action: ["kms:Decrypt", "kms:DescribeKey", "kms:CreateGrant"],
            Resource: "*",
            Condition: { Bool: { "kms:GrantIsForAWSResource": "true" } },
        };
        const result = await rowsFor((r) => {
            keyWith(use)(r);
            r.keyPolicy = resource(
                T.kmsKeyPolicy,
                "key-policy",
                { keyId: "k", policy: policyJson({ ...use, Action: "kms:*" }) },
                { account: ACCOUNTS.prod, stack: "prod" },
            );
        });
        assert.deepStrictEqual(
            result.map(([rule, name]) => `${rule} ${name}`),
            ["kms-key-no-cross-account-admin key-policy"],
        );
    });

    it("advise key rotation on symmetric keys only, with the exact text", async () => {
        const result = await rowsFor((r) => {
            r.plain = resource(T.kmsKey, "plain", { description: "k" });
            r.signing = resource(T.kmsKey, "signing", { customerMasterKeySpec: "RSA_2048", keyUsage: "SIGN_VERIFY" });
            r.rotated = resource(T.kmsKey, "rotated", { enableKeyRotation: true });
        });
        assert.deepStrictEqual(
            only("kms-key-rotation-enabled", result),
            advised("kms-key-rotation-enabled", "plain", [
                "enableKeyRotation is not true, so the key material never changes. Fix: set enableKeyRotation: true (yearly by default).",
            ]),
        );
    });
});

describe("s3-bucket-access-logging", () => {
    it("advises logging on every bucket but the log bucket, with the exact text", async () => {
        const result = await rowsFor((r) => delete r["images-dev-logging"]);
        assert.deepStrictEqual(
            only("s3-bucket-access-logging", result),
            advised("s3-bucket-access-logging", "images-dev", [noAccessLogging("images-dev")]),
        );
    });

    it("excepts the log bucket (the good stack's access-logs-dev has none and passes)", async () => {
        assert.deepStrictEqual(only("s3-bucket-access-logging", await rowsFor(() => undefined)), []);
    });
});

describe('ARNs that match every resource of a service count as "*"', () => {
    it("reports them in the resource-star rule, and not a bucket's own objects", async () => {
        const result = await rowsFor((r) => {
            r.all = resource(T.policy, "all", {
                policy: policyJson({ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::*/*" }),
            });
            r.one = resource(T.policy, "one", { policy: policyJson({ Effect: "Allow", Action: "s3:GetObject", Resource: OBJECTS }) });
        });
        assert.deepStrictEqual(
            only("iam-no-resource-star", result),
            reported("iam-no-resource-star", "all", [
                'policy statement 1: allows "s3:GetObject" on Resource "arn:aws:s3:::*/*" (every resource of the service, as good as "*") although ' +
                    'it supports resource-level permissions. Fix: replace "*" with the ARNs of the resources needed, e.g. "arn:aws:s3:::<bucket>/*".',
            ]),
        );
    });
});
