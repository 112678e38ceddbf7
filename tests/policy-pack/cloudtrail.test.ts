import * as assert from "assert";
import { advised, cannotRun, check, expectClean, expectRows, reported, rows, rowsFor } from "./expect";
import { ACCOUNTS, T, UNKNOWN_STRING, patched, policyJson, resource, tlsDeny, trailWrite } from "./fixtures";

describe("CloudTrail rules", () => {
    describe("cloudtrail-required", () => {
        it("reports a stack of AWS resources without a trail, and one whose trails do not log", async () => {
            await expectRows(
                (r) => delete r["org-trail"],
                reported("cloudtrail-required", "stack", [
                    "The stack has no CloudTrail trail, so API activity (including cross-account AssumeRole calls) is not recorded. " +
                        "Fix: add an aws.cloudtrail.Trail with isMultiRegionTrail, includeGlobalServiceEvents and enableLogFileValidation set to true.",
                ]),
            );
            await expectRows(
                patched("org-trail", { enableLogging: false }),
                reported("cloudtrail-required", "stack", [
                    "Every CloudTrail trail of the stack has enableLogging set to false. Fix: set enableLogging to true (the default).",
                ]),
            );
        });

        it("does not apply to a stack without AWS resources", async () => {
            const stackOnly = {
                urn: "urn:pulumi:dev::crossaccount::pulumi:pulumi:Stack::crossaccount-dev",
                type: "pulumi:pulumi:Stack",
                name: "crossaccount-dev",
                props: {},
            };
            assert.deepStrictEqual(rows(await check([stackOnly])), []);
        });
    });

    describe("cloudtrail-multi-region", () => {
        it("reports a single-region trail without global service events", async () => {
            await expectRows(
                patched("org-trail", { isMultiRegionTrail: undefined, includeGlobalServiceEvents: false }),
                reported("cloudtrail-multi-region", "org-trail", [
                    "isMultiRegionTrail is not true, so the trail records only the region it is created in. Fix: set isMultiRegionTrail to true.",
                    "includeGlobalServiceEvents is false, so IAM and STS events such as cross-account AssumeRole calls are not recorded. " +
                        "Fix: set includeGlobalServiceEvents to true.",
                ]),
            );
        });

        it("accepts the provider default for global service events and unknown flags", async () => {
            await expectClean(
                patched("org-trail", {
                    includeGlobalServiceEvents: undefined,
                    isMultiRegionTrail: "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
                }),
            );
        });
    });

    describe("cloudtrail-log-file-validation", () => {
        it("reports a trail without log file validation and accepts one with it", async () => {
            await expectRows(
                patched("org-trail", { enableLogFileValidation: false }),
                reported("cloudtrail-log-file-validation", "org-trail", [
                    "enableLogFileValidation is not true, so changes to delivered log files go unnoticed. Fix: set enableLogFileValidation to true.",
                ]),
            );
            await expectClean(patched("org-trail", { enableLogFileValidation: "true" }));
        });
    });

    describe("cloudtrail-kms-encryption and cloudtrail-cloudwatch-logs", () => {
        for (const [rule, unset, message] of [
            [
                "cloudtrail-kms-encryption",
                { kmsKeyId: undefined },
                "kmsKeyId is not set, so log files are encrypted with S3-managed keys only. " +
                    "Fix: set kmsKeyId to a customer managed KMS key whose key policy allows cloudtrail.amazonaws.com to use it.",
            ],
            [
                "cloudtrail-cloudwatch-logs",
                { cloudWatchLogsGroupArn: "" },
                "cloudWatchLogsGroupArn is not set, so trail events cannot drive alarms. " +
                    'Fix: set cloudWatchLogsGroupArn (the log group ARN ending in ":*") and cloudWatchLogsRoleArn.',
            ],
        ] as const) {
            it(`${rule} is advisory, never mandatory`, async () => {
                await expectRows(patched("org-trail", unset), advised(rule, "org-trail", [message]));
            });
        }

        it("accept values unknown at preview", async () => {
            await expectClean(patched("org-trail", { kmsKeyId: UNKNOWN_STRING, cloudWatchLogsGroupArn: UNKNOWN_STRING }));
        });
    });

    describe("cloudtrail-bucket-source-scoped", () => {
        it("reports CloudTrail statements of a trail bucket without aws:SourceArn, aws:SourceAccount or aws:SourceOrgID", async () => {
            await expectRows(
                patched("trail-logs-dev-policy", {
                    policy: policyJson(
                        tlsDeny("trail-logs-dev"),
                        trailWrite({ StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control" } }),
                    ),
                }),
                [
                    // The rule for every resource policy's service principals says it too; this one knows the bucket is a trail's.
                    [
                        "resource-policy-service-principal-scoped",
                        "trail-logs-dev-policy",
                        "mandatory",
                        'policy statement 2 ("AWSCloudTrailWrite"): service principal "cloudtrail.amazonaws.com" may act for any AWS account: ' +
                            "nothing limits it to this organization's requests (confused deputy). Fix: add a condition on aws:SourceArn or " +
                            "aws:SourceAccount or aws:SourceOrgID or aws:SourceOrgPaths naming your own resources or account, e.g. " +
                            '"Condition": {"StringEquals": {"aws:SourceAccount": "<account>"}} (see CloudTrail User Guide, Amazon S3 ' +
                            "bucket policy for CloudTrail; Configure AWS KMS key policies for CloudTrail).",
                    ],
                    [
                        "cloudtrail-bucket-source-scoped",
                        "trail-logs-dev-policy",
                        "mandatory",
                        'policy statement 2 ("AWSCloudTrailWrite"): lets cloudtrail.amazonaws.com use trail bucket "trail-logs-dev" without an ' +
                            "aws:SourceArn, aws:SourceAccount or aws:SourceOrgID condition, so trails of any account can write to it. " +
                            'Fix: add "Condition": {"StringEquals": {"aws:SourceArn": "arn:aws:cloudtrail:<region>:<account>:trail/<trail>"}}.',
                    ],
                ],
            );
        });

        it("reports a trail bucket of the stack whose policy does not let CloudTrail write", async () => {
            await expectRows(
                (r) => delete r["trail-logs-dev-policy"],
                reported("cloudtrail-bucket-source-scoped", "trail-logs-dev", [
                    'trail bucket "trail-logs-dev" has no bucket policy statement for cloudtrail.amazonaws.com, so the trail cannot deliver logs ' +
                        "(InsufficientS3BucketPolicyException). Fix: add a BucketPolicy allowing s3:GetBucketAcl on the bucket and s3:PutObject on " +
                        "AWSLogs/<account-id>/* for cloudtrail.amazonaws.com, scoped with aws:SourceArn, and make the trail depend on it.",
                ]),
            );
        });

        it("accepts aws:SourceAccount, aws:SourceOrgID, a central bucket in another stack and a policy unknown at preview", async () => {
            await expectClean(
                patched("trail-logs-dev-policy", {
                    policy: policyJson(tlsDeny("trail-logs-dev"), trailWrite({ StringEquals: { "aws:SourceAccount": ACCOUNTS.dev } })),
                }),
            );
            await expectClean(
                patched("trail-logs-dev-policy", {
                    policy: policyJson(tlsDeny("trail-logs-dev"), trailWrite({ StringEquals: { "aws:SourceOrgID": "o-a1b2c3d4e5" } })),
                }),
            );
            // A wildcard organization ID scopes nothing: the CloudTrail rule and the general service-principal rule both say so.
            assert.deepStrictEqual(
                (
                    await rowsFor(
                        patched("trail-logs-dev-policy", {
                            policy: policyJson(tlsDeny("trail-logs-dev"), trailWrite({ StringLike: { "aws:SourceOrgID": "*" } })),
                        }),
                    )
                )
                    .map(([policy]) => policy)
                    .sort(),
                ["cloudtrail-bucket-source-scoped", "resource-policy-service-principal-scoped"],
            );
            await expectClean(patched("org-trail", { s3BucketName: "central-audit-logs" }));
            // A policy not known yet is reported once, as not known (advisory), by iam-policy-document-valid.
            await expectRows(
                patched("trail-logs-dev-policy", { policy: UNKNOWN_STRING }),
                advised("iam-policy-document-valid", "trail-logs-dev-policy", [cannotRun("iam-policy-document-valid", "policy")]),
            );
        });

        it("finds the trail bucket through the property dependency when its name is unknown", async () => {
            const result = await rowsFor((r) => {
                r["org-trail"] = {
                    ...r["org-trail"],
                    props: { ...r["org-trail"].props, s3BucketName: UNKNOWN_STRING },
                    propertyDependencies: { s3BucketName: [r["trail-logs-dev"].urn] },
                };
                r.other = resource(T.bucket, "unrelated", { bucket: "unrelated" });
                delete r["trail-logs-dev-policy"];
            });
            assert.deepStrictEqual(
                result.filter(([policy]) => policy === "cloudtrail-bucket-source-scoped").map(([, name]) => name),
                ["trail-logs-dev"],
            );
        });
    });
});
