import * as assert from "assert";
import { accountOf, ownAccounts } from "../../policy-pack/lib/accounts";
import { resolveConfig, stackOfUrn } from "../../policy-pack/lib/config";
import { wildcardMatch, closestAction, expandAction } from "../../policy-pack/lib/iam-actions";
import { hasNarrowingCondition, parsePolicyDocument, requiresMfa } from "../../policy-pack/lib/iam";
import { analyzerProxy } from "../../policy-pack/lib/pulumi-runtime";
import { UNKNOWN, plain } from "../../policy-pack/lib/values";
import { PRINCIPAL_ACCOUNTS, UNKNOWN_ARRAY, UNKNOWN_STRING } from "./fixtures";

function statementsOf(input: Parameters<typeof parsePolicyDocument>[0]) {
    const parsed = parsePolicyDocument(input);
    assert.strictEqual(parsed.state, "parsed");
    return parsed.state === "parsed" ? parsed.statements : [];
}

describe("policy-pack lib", () => {
    describe("parsePolicyDocument", () => {
        it("reads a JSON string and an object alike, with a single statement or a list", () => {
            const statement = { Sid: "S", Effect: "Allow", Action: "s3:GetObject", Resource: ["arn:aws:s3:::b/*"], Principal: "*" };
            for (const input of [JSON.stringify({ Statement: statement }), { Statement: [statement] }]) {
                const [parsed] = statementsOf(input);
                assert.deepStrictEqual(
                    {
                        sid: parsed.sid,
                        effect: parsed.effect,
                        action: parsed.action,
                        resource: parsed.resource,
                        everyone: parsed.principal?.everyone,
                    },
                    {
                        sid: "S",
                        effect: "Allow",
                        action: { values: ["s3:GetObject"], hasUnknown: false },
                        resource: { values: ["arn:aws:s3:::b/*"], hasUnknown: false },
                        everyone: true,
                    },
                );
            }
        });

        it("counts size without whitespace, and has no size when parts are unknown", () => {
            const pretty = JSON.stringify({ Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }] }, null, 4);
            const parsed = parsePolicyDocument(pretty);
            assert.strictEqual(parsed.state === "parsed" && parsed.size, pretty.replace(/\s/g, "").length);
            const partial = parsePolicyDocument(
                JSON.stringify({ Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: UNKNOWN_STRING }] }),
            );
            assert.deepStrictEqual(partial.state === "parsed" && [partial.size, partial.statements[0].resource], [
                undefined,
                { values: [], hasUnknown: true },
            ]);
        });

        it("tells absent, unknown and invalid documents apart, and skips statements that are not objects", () => {
            assert.deepStrictEqual(parsePolicyDocument(undefined), { state: "absent" });
            assert.deepStrictEqual(parsePolicyDocument(UNKNOWN), { state: "unknown" });
            assert.deepStrictEqual(parsePolicyDocument({ Statement: UNKNOWN }), { state: "unknown" });
            assert.deepStrictEqual(parsePolicyDocument("{not json"), { state: "invalid", reason: "is not valid JSON" });
            assert.deepStrictEqual(parsePolicyDocument("[1]"), { state: "invalid", reason: "is not a JSON object" });
            assert.deepStrictEqual(
                statementsOf({ Statement: ["text", 3, { Effect: "Deny" }] }).map((statement) => [statement.position, statement.effect]),
                [[3, "Deny"]],
            );
        });

        it("normalises principals by type and conditions with set qualifiers and IfExists", () => {
            const [statement] = statementsOf({
                Statement: {
                    Effect: "allow",
                    Principal: { aws: "arn:aws:iam::111111111111:root", Service: ["a.amazonaws.com", UNKNOWN] },
                    Condition: { "ForAnyValue:StringLikeIfExists": { "aws:PrincipalOrgPaths": ["o-1/*", true] } },
                },
            });
            assert.deepStrictEqual(statement.principal?.byType.AWS.values, ["arn:aws:iam::111111111111:root"]);
            assert.deepStrictEqual(statement.principal?.byType.Service, { values: ["a.amazonaws.com"], hasUnknown: true });
            assert.deepStrictEqual(statement.conditions, [
                {
                    operator: "ForAnyValue:StringLikeIfExists",
                    baseOperator: "stringlike",
                    ifExists: true,
                    setQualifier: "foranyvalue",
                    key: "aws:PrincipalOrgPaths",
                    keyLower: "aws:principalorgpaths",
                    values: ["o-1/*", "true"],
                    hasUnknown: false,
                },
            ]);
        });

        it("knows narrowing conditions and the correct MFA pattern", () => {
            const [narrowed, weak, mfa, mfaIfExists] = statementsOf({
                Statement: [
                    { Effect: "Allow", Condition: { StringEquals: { "STS:EXTERNALID": "abc" } } },
                    { Effect: "Allow", Condition: { StringEqualsIfExists: { "sts:ExternalId": "abc" } } },
                    { Effect: "Allow", Condition: { Bool: { "aws:MultiFactorAuthPresent": "true" } } },
                    { Effect: "Allow", Condition: { BoolIfExists: { "aws:MultiFactorAuthPresent": "true" } } },
                ],
            });
            assert.deepStrictEqual(
                [narrowed, weak].map((statement) => hasNarrowingCondition(statement, ["sts:ExternalId"])),
                [true, false],
            );
            assert.deepStrictEqual([narrowed, mfa, mfaIfExists].map(requiresMfa), [false, true, false]);
        });
    });

    describe("plain", () => {
        it("copies the analyzer's proxy, turning unknown values into UNKNOWN instead of throwing", () => {
            const proxied = analyzerProxy.unknownCheckingProxy({ a: UNKNOWN_STRING, list: [1, UNKNOWN_ARRAY], nested: { b: "x" } });
            assert.throws(() => proxied.a);
            assert.deepStrictEqual(plain(proxied), { a: UNKNOWN, list: [1, UNKNOWN], nested: { b: "x" } });
        });

        it("turns secrets from state, live Outputs and cycles into UNKNOWN", () => {
            const cyclic: Record<string, unknown> = { name: "c" };
            cyclic.self = cyclic;
            assert.deepStrictEqual(
                plain({
                    secret: { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", ciphertext: "x" },
                    output: { __pulumiOutput: true },
                    cyclic,
                }),
                { secret: UNKNOWN, output: UNKNOWN, cyclic: { name: "c", self: UNKNOWN } },
            );
        });
    });

    describe("accounts", () => {
        it("attributes principals and ARNs to accounts", () => {
            // "*" for every account; undefined for a pattern or what names no account.
            assert.deepStrictEqual(
                PRINCIPAL_ACCOUNTS.map(([principal]) => accountOf(principal)),
                ["111111111111", "222222222222", "333333333333", "*", "*", undefined, undefined, undefined, undefined],
            );
        });

        it("finds a resource's account in the provider's allowedAccountIds, its assumed role, or the resource ARN", () => {
            assert.deepStrictEqual(ownAccounts({ allowedAccountIds: '["111111111111"]' }, {}), ["111111111111"]);
            assert.deepStrictEqual(ownAccounts({ assumeRoles: [{ roleArn: "arn:aws:iam::999999999999:role/deploy" }] }, {}), [
                "999999999999",
            ]);
            assert.deepStrictEqual(ownAccounts(undefined, { arn: "arn:aws:iam::222222222222:role/x" }), ["222222222222"]);
            assert.deepStrictEqual(ownAccounts({ allowedAccountIds: UNKNOWN }, {}), []);
        });
    });

    describe("actions", () => {
        it("matches IAM wildcards case-insensitively and suggests the closest real action", async () => {
            assert.deepStrictEqual(
                ["s3:Get*", "S3:GETOBJECT", "s3:Get?bject", "s3:Put*"].map((pattern) => wildcardMatch(pattern, "s3:GetObject")),
                [true, true, true, false],
            );
            const s3 = (await expandAction("s3:*"))!;
            assert.strictEqual(closestAction("s3:GetObjekt", s3), "s3:GetObject");
            assert.strictEqual(closestAction("s3:Frobnicate", s3), undefined);
            assert.strictEqual(await expandAction("../../etc:passwd"), undefined);
        });
    });

    describe("config", () => {
        it("layers defaults, the rule's config, account overrides and stack overrides, ignoring values of the wrong type", () => {
            const defaults = { requireMfa: false, limit: 10, names: ["a"] };
            const raw = {
                limit: "12",
                names: ["b"],
                overrides: { "999999999999": { requireMfa: true, limit: 20 }, prod: { limit: 30 }, dev: { limit: 40 } },
            };
            assert.deepStrictEqual(resolveConfig(defaults, raw, { accounts: ["999999999999"], stack: "prod" }), {
                requireMfa: true,
                limit: 30,
                names: ["b"],
            });
            assert.deepStrictEqual(resolveConfig(defaults, raw, { accounts: ["111111111111"] }), {
                requireMfa: false,
                limit: 10,
                names: ["b"],
            });
            assert.deepStrictEqual(resolveConfig(defaults, "nonsense", { accounts: [] }), defaults);
        });

        it("reads the stack name from a URN", () => {
            assert.strictEqual(stackOfUrn("urn:pulumi:prod::crossaccount::aws:iam/role:Role::r"), "prod");
            assert.strictEqual(stackOfUrn("not-a-urn"), undefined);
        });
    });
});
