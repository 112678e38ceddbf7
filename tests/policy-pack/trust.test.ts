import * as assert from "assert";
import { advised, check, expectClean, expectRows, reported, rows, rowsFor } from "./expect";
import {
    ACCOUNTS,
    Change,
    REFERENCE_CONFIG,
    StatementInput,
    T,
    crossAccountTrust,
    patch,
    patched,
    policyJson,
    resource,
    sameAccountTrust,
    stackWith,
} from "./fixtures";

const trust = (...statements: StatementInput[]) => ({ assumeRolePolicy: policyJson(...statements) });
/** The change that gives one role of the good stack a trust policy of these statements. */
const trusting = (role: string, ...statements: StatementInput[]): Change => patched(role, trust(...statements));

describe("trust policy rules", () => {
    it("the good stack passes every rule, including advisories", async () => {
        assert.deepStrictEqual(rows(await check(stackWith())), []);
    });

    describe("iam-trust-no-public-principal", () => {
        it("reports Principal * and {AWS: *} in an Allow", async () => {
            const result = await rowsFor(
                trusting(
                    "ci-deployer",
                    {
                        Effect: "Allow",
                        Principal: "*",
                        Action: "sts:AssumeRole",
                        Condition: { StringEquals: { "aws:PrincipalOrgID": "o-abc" } },
                    },
                    {
                        Sid: "Any",
                        Effect: "Allow",
                        Principal: { AWS: ["*"] },
                        Action: "sts:AssumeRole",
                        Condition: { StringEquals: { "sts:ExternalId": "x1" } },
                    },
                ),
            );
            const message = (where: string) =>
                `assumeRolePolicy ${where}: any principal can assume this role (Principal "*"). ` +
                'Fix: trust named principals only, e.g. {"AWS": "arn:aws:iam::<account>:root"} narrowed by an aws:PrincipalArn condition.';
            assert.deepStrictEqual(
                result,
                reported("iam-trust-no-public-principal", "ci-deployer", [message("statement 1"), message('statement 2 ("Any")')]),
            );
        });

        it("accepts a Deny for everyone and service principals", async () => {
            await expectClean(
                trusting(
                    "ci-deployer",
                    { Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" },
                    {
                        Effect: "Deny",
                        Principal: "*",
                        Action: "sts:AssumeRole",
                        Condition: { Bool: { "aws:SecureTransport": "false" } },
                    },
                ),
            );
        });
    });

    describe("iam-trust-no-not-principal-or-not-action", () => {
        it("reports NotPrincipal and NotAction with Allow", async () => {
            await expectRows(
                trusting("ci-deployer", {
                    Effect: "Allow",
                    NotPrincipal: { AWS: `arn:aws:iam::${ACCOUNTS.dev}:user/mallory` },
                    NotAction: "sts:TagSession",
                }),
                reported("iam-trust-no-not-principal-or-not-action", "ci-deployer", [
                    'assumeRolePolicy statement 1: "NotPrincipal" with "Effect": "Allow" trusts every principal except the listed ones. ' +
                        'Fix: use "Principal" with exactly the principals that may assume the role.',
                    'assumeRolePolicy statement 1: "NotAction" with "Effect": "Allow" allows every action except the listed ones. ' +
                        'Fix: list the allowed actions in "Action", e.g. "sts:AssumeRole".',
                ]),
            );
        });

        it("accepts NotPrincipal in a Deny", async () => {
            await expectClean(
                trusting("ci-deployer", sameAccountTrust, {
                    Effect: "Deny",
                    NotPrincipal: { AWS: `arn:aws:iam::${ACCOUNTS.dev}:root` },
                    Action: "sts:AssumeRole",
                }),
            );
        });
    });

    describe("iam-trust-allowed-accounts", () => {
        it("reports a principal of an account outside allowedAccountIds, and one that names no account", async () => {
            await expectRows(
                trusting("image-sharing", crossAccountTrust(ACCOUNTS.outsider), {
                    Effect: "Allow",
                    Principal: { AWS: "AROAEXAMPLEUNIQUEID" },
                    Action: "sts:AssumeRole",
                    Condition: { StringEquals: { "sts:ExternalId": "e-1" } },
                }),
                reported("iam-trust-allowed-accounts", "image-sharing", [
                    'assumeRolePolicy statement 1 ("TrustPartner"): principal "arn:aws:iam::333333333333:root" belongs to account 333333333333, ' +
                        "which is not an allowed account [111111111111, 222222222222, 777788889999, 999999999999]. " +
                        "Fix: trust only the organization's accounts, or add the account to allowedAccountIds in the policy pack config.",
                    'assumeRolePolicy statement 2: principal "AROAEXAMPLEUNIQUEID" cannot be attributed to an account. ' +
                        'Fix: use an account root or role ARN such as "arn:aws:iam::<account>:root".',
                ]),
            );
        });

        it("allows only the role's own account when no accounts are configured", async () => {
            const config = { ...REFERENCE_CONFIG, "iam-trust-allowed-accounts": {} };
            await expectRows(
                () => undefined,
                reported("iam-trust-allowed-accounts", "image-sharing", [
                    'assumeRolePolicy statement 1 ("TrustPartner"): principal "arn:aws:iam::222222222222:root" belongs to account 222222222222, ' +
                        "which is not an allowed account [111111111111]. " +
                        "Fix: trust only the organization's accounts, or add the account to allowedAccountIds in the policy pack config.",
                ]),
                config,
            );
        });

        it("accepts a federated provider and a bare account id of allowed accounts", async () => {
            await expectClean(
                trusting(
                    "ci-deployer",
                    {
                        Effect: "Allow",
                        Principal: { Federated: `arn:aws:iam::${ACCOUNTS.dev}:oidc-provider/token.actions.githubusercontent.com` },
                        Action: "sts:AssumeRoleWithWebIdentity",
                        Condition: {
                            StringEquals: {
                                "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
                                "token.actions.githubusercontent.com:sub": "repo:acme/app:ref:refs/heads/main",
                            },
                        },
                    },
                    {
                        Effect: "Allow",
                        Principal: { AWS: ACCOUNTS.test },
                        Action: "sts:AssumeRole",
                        Condition: { StringEquals: { "sts:ExternalId": "ci-1" } },
                    },
                ),
            );
        });
    });

    describe("iam-trust-cross-account-conditions", () => {
        const narrowingMessage = (principal: string) =>
            `assumeRolePolicy statement 1: cross-account principal "${principal}" can assume the role ` +
            "without a narrowing condition. Fix: add a condition on one of sts:ExternalId, aws:MultiFactorAuthPresent, aws:PrincipalArn, " +
            'aws:PrincipalOrgID, e.g. "Condition": {"ArnEquals": {"aws:PrincipalArn": "arn:aws:iam::<account>:role/<role>"}}.';

        /** image-sharing trusting one principal of test, under these conditions. */
        const trustingTest = (principal: string, condition?: Record<string, unknown>): Change =>
            trusting("image-sharing", {
                Effect: "Allow",
                Principal: { AWS: `arn:aws:iam::${ACCOUNTS.test}:${principal}` },
                Action: "sts:AssumeRole",
                ...(condition ? { Condition: condition } : {}),
            });

        it("reports another account trusted without a condition", async () => {
            await expectRows(
                trustingTest("root"),
                reported("iam-trust-cross-account-conditions", "image-sharing", [narrowingMessage("arn:aws:iam::222222222222:root")]),
            );
        });

        for (const condition of [
            { StringEqualsIfExists: { "sts:ExternalId": "abc123" } },
            { StringNotEquals: { "aws:PrincipalOrgID": "o-abc" } },
            { ArnLike: { "aws:PrincipalArn": "*" } },
            { "ForAllValues:StringEquals": { "aws:PrincipalOrgID": "o-abc" } },
            { BoolIfExists: { "aws:MultiFactorAuthPresent": "true" } },
        ]) {
            it(`does not count ${JSON.stringify(condition)} as narrowing (IfExists, negated, ForAllValues or wildcard)`, async () => {
                await expectRows(
                    trustingTest("role/ci", condition),
                    reported("iam-trust-cross-account-conditions", "image-sharing", [
                        narrowingMessage("arn:aws:iam::222222222222:role/ci"),
                    ]),
                );
            });
        }

        for (const condition of [
            { StringEquals: { "sts:ExternalId": "abc123" } },
            { Bool: { "aws:MultiFactorAuthPresent": true } },
            { NumericLessThan: { "aws:MultiFactorAuthAge": "3600" } },
            { ArnLike: { "aws:PrincipalArn": `arn:aws:iam::${ACCOUNTS.test}:role/readers/*` } },
            { StringEquals: { "aws:PrincipalOrgID": "o-abc" } },
        ]) {
            it(`accepts the narrowing condition ${JSON.stringify(condition)} on its own`, async () => {
                await expectClean(trustingTest("root", condition));
            });
        }

        it("treats every account principal as foreign when the role's account cannot be told", async () => {
            await expectRows(
                (r) => {
                    r["ci-deployer"] = resource(
                        T.role,
                        "ci-deployer",
                        { name: "ci-deployer", assumeRolePolicy: trust(sameAccountTrust).assumeRolePolicy },
                        { noProvider: true },
                    );
                },
                [
                    ...reported("iam-trust-cross-account-conditions", "ci-deployer", [narrowingMessage("arn:aws:iam::111111111111:root")]),
                    ...advised("required-tags", "ci-deployer", [
                        'is missing required tags "Environment", "Project". Fix: add them to tags, or to the provider\'s defaultTags so every resource gets them.',
                    ]),
                ],
            );
        });

        it("requires MFA for cross-account principals in the prod account (config override), and accepts it when present", async () => {
            // The dev account's root narrowed only by the organization: people could use it, so MFA is required.
            const prodRole = (condition: Record<string, unknown>) =>
                resource(
                    T.role,
                    "shared-images",
                    {
                        assumeRolePolicy: policyJson({ ...sameAccountTrust, Sid: "TrustPartner", Condition: condition }),
                    },
                    { stack: "prod", account: ACCOUNTS.prod },
                );
            const withoutMfa = rows(await check([prodRole({ StringEquals: { "aws:PrincipalOrgID": "o-abcdefghij" } })])).filter(
                ([policy]) => policy.startsWith("iam-trust"),
            );
            assert.deepStrictEqual(
                withoutMfa,
                reported("iam-trust-cross-account-conditions", "shared-images", [
                    'assumeRolePolicy statement 1 ("TrustPartner"): cross-account principal "arn:aws:iam::111111111111:root" can assume the role ' +
                        'without MFA, which is required here (requireMfa). Fix: add "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}, ' +
                        "or, for a CI chain, narrow aws:PrincipalArn to exact role ARNs (ArnEquals, no wildcards).",
                ]),
            );
            const withMfa = rows(await check([prodRole({ Bool: { "aws:MultiFactorAuthPresent": "true" } })])).filter(([policy]) =>
                policy.startsWith("iam-trust"),
            );
            assert.deepStrictEqual(withMfa, []);
        });

        it("applies an override keyed by stack name", async () => {
            // image-sharing trusts test's ImageReader role exactly (a role chain): exempt unless mfaExempt leaves role chains out.
            const override = (settings: Record<string, unknown>) => ({
                ...REFERENCE_CONFIG,
                "iam-trust-cross-account-conditions": { overrides: { dev: { requireMfa: true, ...settings } } },
            });
            await expectClean(() => undefined, override({}));
            const result = (await rowsFor(() => undefined, override({ mfaExempt: ["external-id"] }))).map(([policy, name, , message]) => [
                policy,
                name,
                message,
            ]);
            assert.deepStrictEqual(result, [
                [
                    "iam-trust-cross-account-conditions",
                    "image-sharing",
                    'assumeRolePolicy statement 1 ("TrustPartner"): cross-account principal "arn:aws:iam::222222222222:root" can assume the role ' +
                        "without MFA, which is required here (requireMfa) and not waived for role-chain trusts (mfaExempt). " +
                        'Fix: add "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}, ' +
                        "or, for a CI chain, narrow aws:PrincipalArn to exact role ARNs (ArnEquals, no wildcards).",
                ],
            ]);
        });
    });

    describe("iam-mfa-condition-pattern", () => {
        it('reports Bool and BoolIfExists aws:MultiFactorAuthPresent "false" in an Allow', async () => {
            const result = await rowsFor((r) => {
                trusting("ci-deployer", { ...sameAccountTrust, Condition: { Bool: { "aws:MultiFactorAuthPresent": "false" } } })(r);
                patch(r, "alice-assume", {
                    policy: policyJson({
                        Effect: "Allow",
                        Action: "s3:GetObject",
                        Resource: "arn:aws:s3:::images-dev/*",
                        Condition: { BoolIfExists: { "aws:MultiFactorAuthPresent": false } },
                    }),
                });
            });
            const fix =
                'grants access to sessions without MFA. Fix: require MFA with "Bool": {"aws:MultiFactorAuthPresent": "true"}, ' +
                'or deny non-MFA requests in a Deny statement with "BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}.';
            assert.deepStrictEqual(result, [
                ...reported("iam-mfa-condition-pattern", "ci-deployer", [
                    `assumeRolePolicy statement 1: "Bool": {"aws:MultiFactorAuthPresent": "false"} in an Allow ${fix}`,
                ]),
                ...reported("iam-mfa-condition-pattern", "alice-assume", [
                    `policy statement 1: "BoolIfExists": {"aws:MultiFactorAuthPresent": "false"} in an Allow ${fix}`,
                ]),
            ]);
        });

        it('accepts MFA "true" in an Allow and BoolIfExists "false" in a Deny', async () => {
            await expectClean(
                trusting(
                    "ci-deployer",
                    { ...sameAccountTrust, Condition: { Bool: { "aws:MultiFactorAuthPresent": "true" } } },
                    { ...sameAccountTrust, Effect: "Deny", Condition: { BoolIfExists: { "aws:MultiFactorAuthPresent": "false" } } },
                ),
            );
        });
    });

    describe("iam-role-max-session-duration", () => {
        it("reports a duration outside 3600-43200 and one over the prod maximum", async () => {
            await expectRows(
                (r) => {
                    patch(r, "image-sharing", { maxSessionDuration: 50000 });
                    patch(r, "ci-deployer", { maxSessionDuration: 900 });
                    r.prod = resource(
                        T.role,
                        "prod-reader",
                        {
                            assumeRolePolicy: policyJson(sameAccountTrust).replace(ACCOUNTS.dev, ACCOUNTS.prod),
                            maxSessionDuration: 21600,
                            tags: { Environment: "prod" },
                        },
                        { stack: "prod", account: ACCOUNTS.prod },
                    );
                },
                [
                    ...reported("iam-role-max-session-duration", "image-sharing", [
                        "maxSessionDuration 50000 seconds is outside the range AWS accepts (3600-43200). Fix: set it between 3600 and 43200 seconds.",
                    ]),
                    ...reported("iam-role-max-session-duration", "ci-deployer", [
                        "maxSessionDuration 900 seconds is outside the range AWS accepts (3600-43200). Fix: set it between 3600 and 43200 seconds.",
                    ]),
                    ...reported("iam-role-max-session-duration", "prod-reader", [
                        "maxSessionDuration 21600 seconds exceeds the configured maximum of 14400 seconds. Fix: set it to at most 14400 seconds (the AWS default is 3600).",
                    ]),
                ],
            );
        });

        it("accepts 12 hours in dev, the default when unset, and unknown values", async () => {
            await expectClean((r) => {
                patch(r, "image-sharing", { maxSessionDuration: 43200 });
                patch(r, "ci-deployer", { maxSessionDuration: "3eeb2bf0-c639-47a8-9e75-3b44932eb421" });
            });
        });
    });

    describe("iam-trust-policy-size", () => {
        const roles = Array.from(
            { length: 50 },
            (_, index) => `arn:aws:iam::${ACCOUNTS.dev}:role/team-${String(index).padStart(2, "0")}-reader`,
        );

        it("reports a trust policy over 2,048 characters without whitespace", async () => {
            const document = policyJson({ Effect: "Allow", Principal: { AWS: roles }, Action: "sts:AssumeRole" });
            await expectRows(
                patched("ci-deployer", { assumeRolePolicy: document }),
                reported("iam-trust-policy-size", "ci-deployer", [
                    `assumeRolePolicy is ${document.replace(/\s/g, "").length} characters without whitespace, over the trust policy quota of 2048. ` +
                        "Fix: trust account roots narrowed by an aws:PrincipalArn condition with wildcards instead of listing every principal, " +
                        "or raise the account's quota and maxTrustPolicyChars.",
                ]),
            );
        });

        it("does not count whitespace, and honours a raised quota", async () => {
            const principals = roles.slice(0, 30);
            const compact = policyJson({ Effect: "Allow", Principal: { AWS: principals }, Action: "sts:AssumeRole" });
            const pretty = JSON.stringify(JSON.parse(compact), null, 8);
            assert.ok(compact.length < 2048 && pretty.length > 2048);
            await expectClean(patched("ci-deployer", { assumeRolePolicy: pretty }));
            const raised = { ...REFERENCE_CONFIG, "iam-trust-policy-size": { maxTrustPolicyChars: 4096 } };
            const big = policyJson({ Effect: "Allow", Principal: { AWS: roles }, Action: "sts:AssumeRole" });
            await expectClean(patched("ci-deployer", { assumeRolePolicy: big }), raised);
        });
    });
});
