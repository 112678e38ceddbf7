import * as assert from "assert";
import { advised, cannotRun, expectClean, expectRows, noAccessLogging, notAllowed, reported, rowsFor } from "./expect";
import { ACCOUNTS, T, UNKNOWN_STRING, allowOnImages, bucketPolicy, patch, patched, policyJson, resource, tlsDeny } from "./fixtures";

const BUCKET = "arn:aws:s3:::images-dev";
const OBJECTS = "arn:aws:s3:::images-dev/*";

describe("S3 rules", () => {
    describe("s3-bucket-policy-no-public-principal", () => {
        it('reports a grant to an unconditioned "*" (a condition that does not limit who does not count)', async () => {
            const result = await rowsFor(
                bucketPolicy(
                    { Sid: "PublicRead", Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: OBJECTS },
                    {
                        Effect: "Allow",
                        Principal: { AWS: "*" },
                        Action: "s3:ListBucket",
                        Resource: BUCKET,
                        Condition: { Bool: { "aws:SecureTransport": "true" } },
                    },
                ),
            );
            const fix =
                'without a condition that limits who can use it. Fix: name the principals, e.g. {"AWS": "arn:aws:iam::<account>:root"} ' +
                "with an aws:PrincipalArn condition, or add a condition such as aws:PrincipalOrgID or aws:SourceArn.";
            assert.deepStrictEqual(
                result,
                reported("s3-bucket-policy-no-public-principal", "images-dev-policy", [
                    `policy statement 2 ("PublicRead"): grants "s3:GetObject" to every principal ("*") ${fix}`,
                    `policy statement 3: grants "s3:ListBucket" to every principal ("*") ${fix}`,
                ]),
            );
        });

        it('accepts "*" limited to the organization or to allowed accounts', async () => {
            await expectClean(
                bucketPolicy(
                    allowOnImages("*", "s3:GetObject", { StringEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } }),
                    allowOnImages({ AWS: "*" }, "s3:GetObject", {
                        StringEquals: { "aws:PrincipalAccount": [ACCOUNTS.test, ACCOUNTS.prod] },
                    }),
                ),
            );
        });
    });

    describe("s3-bucket-policy-allowed-accounts", () => {
        it('reports principals and narrowed "*" grants in accounts outside allowedAccountIds', async () => {
            const result = await rowsFor(
                bucketPolicy(
                    allowOnImages(
                        { AWS: [`arn:aws:iam::${ACCOUNTS.test}:root`, `arn:aws:iam::${ACCOUNTS.outsider}:role/reader`] },
                        "s3:GetObject",
                    ),
                    allowOnImages("*", "s3:GetObject", { StringEquals: { "aws:PrincipalAccount": "444444444444" } }),
                ),
            );
            assert.deepStrictEqual(
                result,
                reported("s3-bucket-policy-allowed-accounts", "images-dev-policy", [
                    `policy statement 2: ${notAllowed("333333333333", "arn:aws:iam::333333333333:role/reader")}`,
                    `policy statement 3: ${notAllowed("444444444444", "444444444444")}`,
                ]),
            );
        });

        it("accepts allowed accounts, the bucket's own account and service principals", async () => {
            await expectClean(
                bucketPolicy(
                    allowOnImages({ AWS: [`arn:aws:iam::${ACCOUNTS.prod}:root`, ACCOUNTS.dev] }, "s3:GetObject", {
                        ArnLike: { "aws:PrincipalArn": "arn:aws:iam::*:role/ImageReader" },
                    }),
                    allowOnImages({ Service: "logging.s3.amazonaws.com" }, "s3:PutObject", {
                        StringEquals: { "aws:SourceAccount": ACCOUNTS.dev },
                    }),
                ),
            );
        });
    });

    describe("s3-bucket-policy-tls-only", () => {
        const fix =
            'Fix: add {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": ["arn:aws:s3:::images-dev", ' +
            '"arn:aws:s3:::images-dev/*"], "Condition": {"Bool": {"aws:SecureTransport": "false"}}}.';

        it("reports a policy without the TLS deny, and one that covers only the objects", async () => {
            await expectRows(
                patched("images-dev-policy", {
                    policy: policyJson(
                        allowOnImages({ AWS: `arn:aws:iam::${ACCOUNTS.test}:root` }, "s3:GetObject", {
                            ArnEquals: { "aws:PrincipalArn": `arn:aws:iam::${ACCOUNTS.test}:role/ImageReader` },
                        }),
                    ),
                }),
                reported("s3-bucket-policy-tls-only", "images-dev-policy", [
                    `policy does not deny requests without TLS on the bucket and its objects. ${fix}`,
                ]),
            );
            await expectRows(
                patched("images-dev-policy", { policy: policyJson({ ...tlsDeny("images-dev"), Resource: OBJECTS }) }),
                reported("s3-bucket-policy-tls-only", "images-dev-policy", [
                    `policy does not deny requests without TLS on the bucket ARN (only its objects are covered). ${fix}`,
                ]),
            );
        });

        it("reports a TLS deny that covers only some actions", async () => {
            const result = await rowsFor(
                patched("images-dev-policy", { policy: policyJson({ ...tlsDeny("images-dev"), Action: ["s3:GetObject"] }) }),
            );
            assert.deepStrictEqual(
                result.map(([policy]) => policy),
                ["s3-bucket-policy-tls-only"],
            );
        });

        it("accepts a wildcard resource, an object document and resources that are unknown at preview", async () => {
            await expectClean(
                patched("images-dev-policy", {
                    policy: {
                        Statement: {
                            ...tlsDeny("images-dev"),
                            Resource: "arn:aws:s3:::images-dev*",
                            Principal: { AWS: "*" },
                            Action: ["*"],
                        },
                    },
                }),
            );
            await expectClean(
                patched("images-dev-policy", {
                    bucket: UNKNOWN_STRING,
                    policy: { Statement: [{ ...tlsDeny("images-dev"), Resource: [UNKNOWN_STRING, UNKNOWN_STRING] }] },
                }),
            );
        });
    });

    describe("s3-cross-account-no-bucket-admin", () => {
        /** A grant on the bucket and its objects to another account's root, narrowed to one of its roles. */
        const partnerGrant = (account: string, role: string, action: string | string[], sid?: string) => ({
            ...(sid ? { Sid: sid } : {}),
            Effect: "Allow",
            Principal: { AWS: `arn:aws:iam::${account}:root` },
            Action: action,
            Resource: [BUCKET, OBJECTS],
            Condition: { ArnEquals: { "aws:PrincipalArn": `arn:aws:iam::${account}:role/${role}` } },
        });

        it("reports bucket-administration actions granted to other accounts", async () => {
            const result = await rowsFor(
                bucketPolicy(
                    partnerGrant(
                        ACCOUNTS.test,
                        "ImageReader",
                        ["s3:GetObject", "s3:PutBucketPolicy", "s3:DeleteBucket", "s3:PutBucket*"],
                        "PartnerAdmin",
                    ),
                    partnerGrant(ACCOUNTS.prod, "ImageReader", "s3:*"),
                ),
            );
            const fix =
                'Fix: grant other accounts only object-level access such as "s3:GetObject", "s3:PutObject" and "s3:ListBucket"; ' +
                "administer the bucket from its own account.";
            assert.deepStrictEqual(
                result,
                reported("s3-cross-account-no-bucket-admin", "images-dev-policy", [
                    'policy statement 2 ("PartnerAdmin"): grants bucket-administration actions "s3:PutBucketPolicy", "s3:DeleteBucket", ' +
                        '"s3:PutBucket*" (includes s3:PutBucketAbac, s3:PutBucketAcl, s3:PutBucketCORS, ...) ' +
                        `to principals of other accounts ("arn:aws:iam::222222222222:root"). ${fix}`,
                    `policy statement 3: grants bucket-administration action "s3:*" to principals of other accounts ("arn:aws:iam::999999999999:root"). ${fix}`,
                ]),
            );
        });

        it("accepts object-level access across accounts and administration by the bucket's own account", async () => {
            await expectClean(
                bucketPolicy(
                    partnerGrant(ACCOUNTS.test, "Writer", ["s3:GetObject", "s3:PutObject", "s3:PutObjectAcl", "s3:ListBucket"]),
                    {
                        Effect: "Allow",
                        Principal: { AWS: `arn:aws:iam::${ACCOUNTS.dev}:role/admin` },
                        Action: "s3:PutBucketPolicy",
                        Resource: BUCKET,
                    },
                    { Effect: "Deny", Principal: { AWS: `arn:aws:iam::${ACCOUNTS.test}:root` }, Action: "s3:*", Resource: BUCKET },
                ),
            );
        });
    });

    describe("s3-bucket-policy-size", () => {
        it("reports a bucket policy over 20 KB and accepts one below", async () => {
            const principals = (count: number) =>
                Array.from({ length: count }, (_, index) => `arn:aws:iam::${ACCOUNTS.test}:role/reader-${String(index).padStart(4, "0")}`);
            const statement = (count: number) => allowOnImages({ AWS: principals(count) }, "s3:GetObject");
            const big = policyJson(tlsDeny("images-dev"), statement(500));
            await expectRows(
                patched("images-dev-policy", { policy: big }),
                reported("s3-bucket-policy-size", "images-dev-policy", [
                    `policy is ${big.length} characters without whitespace, over the S3 bucket policy limit (20 KB) of 20480. ` +
                        "Fix: merge statements, use ARN wildcards or aws:PrincipalOrgID instead of listing principals, or use access points.",
                ]),
            );
            const fits = policyJson(tlsDeny("images-dev"), statement(400));
            assert.ok(fits.length < 20480);
            await expectClean(patched("images-dev-policy", { policy: fits }));
        });
    });

    describe("bucket companions (stack rules)", () => {
        const noEncryption = (bucket: string) =>
            `bucket "${bucket}" has no default encryption configuration. ` +
            'Fix: add an aws.s3.BucketServerSideEncryptionConfiguration with sseAlgorithm "aws:kms" (or "AES256").';

        it("report a bucket without public access block, ownership controls or encryption", async () => {
            await expectRows(
                (r) => {
                    r.bare = resource(T.bucket, "bare", { bucket: "bare-bucket", tags: { Environment: "dev" } });
                },
                [
                    ...reported("s3-bucket-public-access-block", "bare", [
                        'bucket "bare-bucket" has no BucketPublicAccessBlock. Fix: add an aws.s3.BucketPublicAccessBlock for it with blockPublicAcls, ' +
                            "blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets set to true.",
                    ]),
                    ...reported("s3-bucket-ownership-enforced", "bare", [
                        'bucket "bare-bucket" has no BucketOwnershipControls, so ACLs stay enabled. ' +
                            'Fix: add an aws.s3.BucketOwnershipControls with rule.objectOwnership "BucketOwnerEnforced".',
                    ]),
                    ...reported("s3-bucket-default-encryption", "bare", [noEncryption("bare-bucket")]),
                    ...advised("s3-bucket-access-logging", "bare", [noAccessLogging("bare-bucket")]),
                ],
            );
        });

        it("report flags left off, ACLs left on and an encryption configuration without an algorithm", async () => {
            await expectRows(
                (r) => {
                    patch(r, "images-dev-pab", { blockPublicPolicy: false, restrictPublicBuckets: undefined });
                    patch(r, "images-dev-ownership", { rule: { objectOwnership: "ObjectWriter" } });
                    patch(r, "images-dev-sse", { rules: [{ bucketKeyEnabled: true }] });
                },
                [
                    ...reported("s3-bucket-public-access-block", "images-dev", [
                        'bucket "images-dev": its BucketPublicAccessBlock leaves blockPublicPolicy, restrictPublicBuckets off. ' +
                            "Fix: set blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets to true.",
                    ]),
                    ...reported("s3-bucket-ownership-enforced", "images-dev", [
                        'bucket "images-dev": objectOwnership is "ObjectWriter", so ACLs stay enabled. Fix: set rule.objectOwnership to "BucketOwnerEnforced".',
                    ]),
                    ...reported("s3-bucket-default-encryption", "images-dev", [noEncryption("images-dev")]),
                ],
            );
        });

        it("relate companions whose bucket is unknown at preview through property dependencies, dependencies or the parent", async () => {
            const component = "urn:pulumi:dev::crossaccount::crossaccount:index:SharedBucket::images";
            await expectClean((r) => {
                const bucketUrn = r["images-dev"].urn;
                r["images-dev"] = { ...r["images-dev"], parent: component, props: { ...r["images-dev"].props, bucket: UNKNOWN_STRING } };
                r["images-dev-pab"] = {
                    ...r["images-dev-pab"],
                    props: { ...r["images-dev-pab"].props, bucket: UNKNOWN_STRING },
                    propertyDependencies: { bucket: [bucketUrn] },
                };
                r["images-dev-ownership"] = {
                    ...r["images-dev-ownership"],
                    props: { ...r["images-dev-ownership"].props, bucket: UNKNOWN_STRING },
                    dependencies: [bucketUrn],
                };
                r["images-dev-sse"] = {
                    ...r["images-dev-sse"],
                    props: { ...r["images-dev-sse"].props, bucket: UNKNOWN_STRING },
                    parent: component,
                };
                r["images-dev-policy"] = {
                    ...r["images-dev-policy"],
                    props: { ...r["images-dev-policy"].props, bucket: UNKNOWN_STRING },
                    parent: component,
                };
                r["images-dev-logging"] = {
                    ...r["images-dev-logging"],
                    props: { ...r["images-dev-logging"].props, bucket: UNKNOWN_STRING },
                    parent: component,
                };
            });
        });

        it("read encryption from the configuration resource only (the bucket's attribute is an output AWS always fills), for BucketV2 too", async () => {
            await expectRows(
                (r) => {
                    delete r["images-dev-sse"];
                    // Under the CLI, stack policies see outputs: every new bucket reports SSE-S3 whatever the program asked for.
                    r["images-dev"] = {
                        ...r["images-dev"],
                        outputs: {
                            ...r["images-dev"].props,
                            serverSideEncryptionConfiguration: { rule: { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } } },
                        },
                    };
                    r["trail-logs-dev"] = { ...r["trail-logs-dev"], type: "aws:s3/bucketV2:BucketV2" };
                },
                reported("s3-bucket-default-encryption", "images-dev", [noEncryption("images-dev")]),
            );
        });

        it("stop at a setting not known until apply instead of taking it as compliant", async () => {
            await expectRows(
                (r) => {
                    patch(r, "images-dev-pab", { blockPublicPolicy: UNKNOWN_STRING });
                    patch(r, "images-dev-sse", { rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: UNKNOWN_STRING } }] });
                },
                [
                    ...advised("s3-bucket-public-access-block", "stack", [cannotRun("s3-bucket-public-access-block", "blockPublicPolicy")]),
                    ...advised("s3-bucket-default-encryption", "stack", [
                        cannotRun("s3-bucket-default-encryption", "rules.0.applyServerSideEncryptionByDefault.sseAlgorithm"),
                    ]),
                ],
            );
        });
    });
});
