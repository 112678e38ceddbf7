import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import {
    accountRootArn,
    bucketArn,
    checkPolicySize,
    mergeConditions,
    objectsArn,
    parsePrincipalArn,
    policyDocument,
    principalArnCondition,
    roleArn,
    serializePolicy,
    serializeWithinLimit,
    sortedUnique,
    trailArn,
} from "../../aws";
import { DEV, parsedJson, promiseOf, suiteMocks } from "./support";

describe("policy-document", () => {
    suiteMocks();

    describe("policyDocument", () => {
        it("wraps statements with the 2012-10-17 version", () => {
            const statement = { Effect: "Allow" as const, Action: "s3:GetObject", Resource: "*" };
            assert.deepStrictEqual(policyDocument([statement]), { Version: "2012-10-17", Statement: [statement] });
        });

        it("refuses an empty statement list, duplicate Sids and non-alphanumeric Sids", () => {
            assert.throws(() => policyDocument([]), /at least one statement/);
            assert.throws(
                () =>
                    policyDocument([
                        { Sid: "Same", Effect: "Allow", Action: "s3:GetObject" },
                        { Sid: "Same", Effect: "Deny", Action: "s3:PutObject" },
                    ]),
                /Duplicate statement Sid "Same"/,
            );
            assert.throws(
                () => policyDocument([{ Sid: "no-dashes", Effect: "Allow", Action: "s3:GetObject" }]),
                /Invalid statement Sid "no-dashes"/,
            );
        });
    });

    describe("serializePolicy", () => {
        it("renders compact JSON, lifting nested Outputs and dropping undefined fields", async () => {
            const json = await promiseOf(
                serializePolicy(
                    policyDocument([
                        {
                            Sid: "Read",
                            Effect: "Allow",
                            Principal: { AWS: [pulumi.output(accountRootArn(DEV))] },
                            Action: ["s3:GetObject"],
                            Resource: pulumi.output("arn:aws:s3:::b/*"),
                            Condition: undefined,
                        },
                    ]),
                ),
            );
            assert.strictEqual(
                json,
                '{"Version":"2012-10-17","Statement":[{"Sid":"Read","Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111111111111:root"]},"Action":["s3:GetObject"],"Resource":"arn:aws:s3:::b/*"}]}',
            );
        });

        it("is secret exactly when some value in the document is secret", async () => {
            const withSecret = serializePolicy(
                policyDocument([
                    {
                        Effect: "Allow",
                        Action: "sts:AssumeRole",
                        Condition: { StringEquals: { "sts:ExternalId": pulumi.secret("abc123") } },
                    },
                ]),
            );
            const plain = serializePolicy(
                policyDocument([
                    { Effect: "Allow", Action: "sts:AssumeRole", Condition: { StringEquals: { "sts:ExternalId": "abc123" } } },
                ]),
            );
            assert.strictEqual(await pulumi.isSecret(withSecret), true);
            assert.strictEqual(await pulumi.isSecret(plain), false);
            assert.deepStrictEqual(await parsedJson(withSecret), await parsedJson(plain));
        });
    });

    describe("ARN helpers", () => {
        it("builds account root, role, bucket, object and trail ARNs", () => {
            assert.strictEqual(accountRootArn(DEV), "arn:aws:iam::111111111111:root");
            assert.strictEqual(accountRootArn(DEV, "aws-cn"), "arn:aws-cn:iam::111111111111:root");
            assert.strictEqual(roleArn(DEV, "Deployer"), "arn:aws:iam::111111111111:role/Deployer");
            assert.strictEqual(
                roleArn(DEV, "Deployer", "/platform/", "aws-us-gov"),
                "arn:aws-us-gov:iam::111111111111:role/platform/Deployer",
            );
            assert.strictEqual(bucketArn("logs"), "arn:aws:s3:::logs");
            assert.strictEqual(objectsArn("logs"), "arn:aws:s3:::logs/*");
            assert.strictEqual(objectsArn("logs", "reports/"), "arn:aws:s3:::logs/reports/*");
            assert.strictEqual(trailArn("us-east-1", DEV, "org"), "arn:aws:cloudtrail:us-east-1:111111111111:trail/org");
        });

        it("rejects malformed account IDs, role names and paths", () => {
            assert.throws(() => accountRootArn("12345"), /Invalid account ID "12345"/);
            assert.throws(() => roleArn(DEV, "bad name"), /Invalid role name "bad name"/);
            assert.throws(() => roleArn(DEV, "x".repeat(65)), /Invalid role name/);
            assert.throws(() => roleArn(DEV, "Ok", "platform/"), /Invalid IAM path "platform\/"/);
        });

        it("parses principal ARNs and rejects anything else", () => {
            assert.deepStrictEqual(parsePrincipalArn("arn:aws:iam::222222222222:role/team/App"), {
                partition: "aws",
                accountId: "222222222222",
                resource: "role/team/App",
            });
            assert.strictEqual(parsePrincipalArn("arn:aws:iam::222222222222:user/alice").accountId, "222222222222");
            assert.throws(() => parsePrincipalArn("arn:aws:s3:::bucket"), /Invalid principal ARN "arn:aws:s3:::bucket"/);
            assert.throws(() => parsePrincipalArn("arn:aws:iam::*:role/App"), /Invalid principal ARN/);
        });
    });

    describe("conditions", () => {
        it("narrows principals with ArnEquals, or ArnLike as soon as one ARN has a wildcard", () => {
            const a = "arn:aws:iam::111111111111:role/B";
            const b = "arn:aws:iam::111111111111:role/A";
            assert.deepStrictEqual(principalArnCondition([a, b, a]), { ArnEquals: { "aws:PrincipalArn": [b, a] } });
            assert.deepStrictEqual(principalArnCondition([a, "arn:aws:iam::111111111111:role/ci-*"]), {
                ArnLike: { "aws:PrincipalArn": [a, "arn:aws:iam::111111111111:role/ci-*"] },
            });
        });

        it("merges blocks by operator and refuses the same operator and key twice", () => {
            assert.deepStrictEqual(
                mergeConditions({ StringEquals: { "aws:PrincipalOrgID": "o-1234567890" } }, undefined, {
                    StringEquals: { "sts:ExternalId": "x1" },
                    Bool: { "aws:MultiFactorAuthPresent": "true" },
                }),
                {
                    StringEquals: { "aws:PrincipalOrgID": "o-1234567890", "sts:ExternalId": "x1" },
                    Bool: { "aws:MultiFactorAuthPresent": "true" },
                },
            );
            assert.strictEqual(mergeConditions(undefined, {}), undefined);
            assert.throws(
                () => mergeConditions({ StringLike: { "s3:prefix": "a*" } }, { StringLike: { "s3:prefix": "b*" } }),
                /Conflicting condition: StringLike s3:prefix/,
            );
        });

        it("sorts and de-duplicates", () => {
            assert.deepStrictEqual(sortedUnique(["b", "a", "b"]), ["a", "b"]);
        });
    });

    describe("checkPolicySize", () => {
        it("passes a policy within the limit and fails one over it", async () => {
            assert.strictEqual(await promiseOf(checkPolicySize(pulumi.output("12345"), 5, "P")), "12345");
            await assert.rejects(
                promiseOf(checkPolicySize(pulumi.output("123456"), 5, "Policy X")),
                /Policy X is 6 characters, over the 5-character limit/,
            );
        });

        it("only warns for adjustable quotas", async () => {
            assert.strictEqual(await promiseOf(checkPolicySize(pulumi.output("123456"), 5, "Trust", "warn")), "123456");
        });
    });

    describe("serializeWithinLimit", () => {
        const document = policyDocument([{ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }]);
        const json = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}';

        it("serializes the document and checks its size against the limit", async () => {
            assert.strictEqual(await promiseOf(serializeWithinLimit(document, json.length, "P")), json);
            await assert.rejects(
                promiseOf(serializeWithinLimit(document, json.length - 1, "Policy X")),
                (error: Error) =>
                    error.name === "DocumentTooLargeError" &&
                    error.message === `Policy X is ${json.length} characters, over the ${json.length - 1}-character limit`,
            );
            assert.strictEqual(await promiseOf(serializeWithinLimit(document, json.length - 1, "Trust", "warn")), json);
        });
    });
});
