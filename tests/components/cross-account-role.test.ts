import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { CrossAccountRole, CrossAccountRoleArgs, RoleTrust, trustPolicyDocument } from "../../components/cross-account-role";
import { serializePolicy } from "../../aws";
import { DEV, PROD, TEST, accountProvider, parsedJson, promiseOf, recorded, settle, suiteMocks } from "./support";

const devRoot = `arn:aws:iam::${DEV}:root`;
const testRoot = `arn:aws:iam::${TEST}:root`;
const devDeployer = `arn:aws:iam::${DEV}:role/Deployer`;

function baseArgs(trust: RoleTrust, overrides: Partial<CrossAccountRoleArgs> = {}): CrossAccountRoleArgs {
    return { roleName: "UpdateApp", trust, permissions: [], ...overrides };
}

async function trustJson(trust: RoleTrust): Promise<unknown> {
    return parsedJson(serializePolicy(trustPolicyDocument(trust)));
}

describe("CrossAccountRole", () => {
    const mocks = suiteMocks();

    it("renders the trust policy: sorted unique principals, every condition in one block, services apart", async () => {
        const role = new CrossAccountRole(
            "full-trust",
            baseArgs({
                trustedAccountIds: [TEST, DEV, TEST],
                trustedPrincipalArns: [devDeployer],
                principalArnPatterns: [devDeployer, `arn:aws:iam::${TEST}:role/Testers`],
                externalId: "ext-id-123",
                requireMfa: true,
                maxMfaAgeSeconds: 3600,
                principalOrgId: "o-abcdefghij",
                sourceIpRanges: ["203.0.113.0/24", "198.51.100.7"],
                notBefore: "2026-01-01T00:00:00Z",
                notAfter: "2026-12-31T23:59:59Z",
                sessionNamePattern: "ci-*",
                trustedServices: ["lambda.amazonaws.com", "ec2.amazonaws.com", "lambda.amazonaws.com"],
            }),
        );
        assert.deepStrictEqual(await parsedJson(role.trustPolicy), {
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "TrustedPrincipals",
                    Effect: "Allow",
                    Principal: { AWS: [devDeployer, devRoot, testRoot] },
                    Action: "sts:AssumeRole",
                    Condition: {
                        ArnEquals: { "aws:PrincipalArn": [devDeployer, `arn:aws:iam::${TEST}:role/Testers`] },
                        StringEquals: { "sts:ExternalId": "ext-id-123", "aws:PrincipalOrgID": "o-abcdefghij" },
                        Bool: { "aws:MultiFactorAuthPresent": "true" },
                        NumericLessThan: { "aws:MultiFactorAuthAge": "3600" },
                        IpAddress: { "aws:SourceIp": ["198.51.100.7", "203.0.113.0/24"] },
                        DateGreaterThan: { "aws:CurrentTime": "2026-01-01T00:00:00Z" },
                        DateLessThan: { "aws:CurrentTime": "2026-12-31T23:59:59Z" },
                        StringLike: { "sts:RoleSessionName": "ci-*" },
                    },
                },
                {
                    Sid: "TrustedServices",
                    Effect: "Allow",
                    Principal: { Service: ["ec2.amazonaws.com", "lambda.amazonaws.com"] },
                    Action: "sts:AssumeRole",
                },
            ],
        });
    });

    describe("maps each optional trust setting to exactly its condition", () => {
        const cases: [string, Partial<RoleTrust>, object | undefined][] = [
            ["nothing", {}, undefined],
            [
                "principalArnPatterns without wildcard",
                { principalArnPatterns: [devDeployer] },
                { ArnEquals: { "aws:PrincipalArn": [devDeployer] } },
            ],
            [
                "principalArnPatterns with a wildcard",
                { principalArnPatterns: [devDeployer, `arn:aws:iam::${DEV}:role/ci-*`] },
                { ArnLike: { "aws:PrincipalArn": [devDeployer, `arn:aws:iam::${DEV}:role/ci-*`] } },
            ],
            ["externalId", { externalId: "ext-id-123" }, { StringEquals: { "sts:ExternalId": "ext-id-123" } }],
            ["requireMfa", { requireMfa: true }, { Bool: { "aws:MultiFactorAuthPresent": "true" } }],
            ["requireMfa false", { requireMfa: false }, undefined],
            [
                "maxMfaAgeSeconds (implies MFA)",
                { maxMfaAgeSeconds: 900 },
                { Bool: { "aws:MultiFactorAuthPresent": "true" }, NumericLessThan: { "aws:MultiFactorAuthAge": "900" } },
            ],
            ["principalOrgId", { principalOrgId: "o-abcdefghij" }, { StringEquals: { "aws:PrincipalOrgID": "o-abcdefghij" } }],
            ["sourceIpRanges", { sourceIpRanges: ["10.0.0.0/8"] }, { IpAddress: { "aws:SourceIp": ["10.0.0.0/8"] } }],
            ["notBefore", { notBefore: "2026-01-01T00:00:00Z" }, { DateGreaterThan: { "aws:CurrentTime": "2026-01-01T00:00:00Z" } }],
            ["notAfter", { notAfter: "2026-02-01T00:00:00+01:00" }, { DateLessThan: { "aws:CurrentTime": "2026-02-01T00:00:00+01:00" } }],
            ["sessionNamePattern", { sessionNamePattern: "alice-?" }, { StringLike: { "sts:RoleSessionName": "alice-?" } }],
        ];
        for (const [label, option, condition] of cases) {
            it(label, async () => {
                const expected: Record<string, unknown> = {
                    Sid: "TrustedPrincipals",
                    Effect: "Allow",
                    Principal: { AWS: [devRoot] },
                    Action: "sts:AssumeRole",
                };
                if (condition) expected.Condition = condition;
                assert.deepStrictEqual(await trustJson({ trustedAccountIds: [DEV], ...option }), {
                    Version: "2012-10-17",
                    Statement: [expected],
                });
            });
        }
    });

    it("trusts services alone with a Service principal and no conditions", async () => {
        assert.deepStrictEqual(await trustJson({ trustedServices: ["lambda.amazonaws.com"] }), {
            Version: "2012-10-17",
            Statement: [
                { Sid: "TrustedServices", Effect: "Allow", Principal: { Service: ["lambda.amazonaws.com"] }, Action: "sts:AssumeRole" },
            ],
        });
    });

    it("scopes the service statement with aws:SourceArn and aws:SourceAccount (confused-deputy protection)", async () => {
        const trail = `arn:aws:cloudtrail:us-east-1:${DEV}:trail/audit`;
        assert.deepStrictEqual(
            await trustJson({ trustedServices: ["cloudtrail.amazonaws.com"], serviceSourceArns: [trail], serviceSourceAccounts: [DEV] }),
            {
                Version: "2012-10-17",
                Statement: [
                    {
                        Sid: "TrustedServices",
                        Effect: "Allow",
                        Principal: { Service: ["cloudtrail.amazonaws.com"] },
                        Action: "sts:AssumeRole",
                        Condition: { StringEquals: { "aws:SourceArn": [trail], "aws:SourceAccount": [DEV] } },
                    },
                ],
            },
        );
    });

    it("keeps the trust policy secret when an external ID is given, and only then", async () => {
        const secretRole = new CrossAccountRole(
            "secret-trust",
            baseArgs({ trustedAccountIds: [DEV], externalId: "ext-id-123" }, { roleName: "SecretTrust" }),
        );
        const plainRole = new CrossAccountRole("plain-trust", baseArgs({ trustedAccountIds: [DEV] }, { roleName: "PlainTrust" }));
        assert.strictEqual(await pulumi.isSecret(secretRole.trustPolicy), true);
        assert.strictEqual(await pulumi.isSecret(plainRole.trustPolicy), false);
        await settle();
        const recordedPolicy = recorded(mocks, "aws:iam/role:Role", "secret-trust").inputs.assumeRolePolicy as string;
        assert.ok(mocks.secretValues.has(recordedPolicy), "the role's assumeRolePolicy reached the provider as a secret");
        assert.ok(!mocks.secretValues.has(recorded(mocks, "aws:iam/role:Role", "plain-trust").inputs.assumeRolePolicy as string));
    });

    it("creates the role and its inline permissions policy in the account of the opts provider", async () => {
        const prod = accountProvider("prod-for-role", PROD);
        const role = new CrossAccountRole(
            "update-app",
            {
                roleName: "UpdateApp",
                path: "/crossaccount/",
                description: "Lets developers update the production app",
                trust: { trustedAccountIds: [DEV], requireMfa: true },
                maxSessionDurationSeconds: 7200,
                permissionsBoundaryArn: `arn:aws:iam::${PROD}:policy/Boundary`,
                tags: { team: "platform" },
                permissions: [
                    { sid: "ReadApp", actions: ["s3:GetObject"], resources: [pulumi.output("arn:aws:s3:::productionapp/*")] },
                    {
                        effect: "Deny",
                        actions: ["s3:DeleteObject"],
                        resources: ["arn:aws:s3:::productionapp/*"],
                        conditions: { Bool: { "aws:SecureTransport": "false" } },
                    },
                ],
            },
            { provider: prod },
        );
        assert.deepStrictEqual(await parsedJson(role.permissionPolicy!), {
            Version: "2012-10-17",
            Statement: [
                { Sid: "ReadApp", Effect: "Allow", Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::productionapp/*"] },
                {
                    Effect: "Deny",
                    Action: ["s3:DeleteObject"],
                    Resource: ["arn:aws:s3:::productionapp/*"],
                    Condition: { Bool: { "aws:SecureTransport": "false" } },
                },
            ],
        });
        assert.strictEqual(await promiseOf(role.arn), `arn:aws:iam::${PROD}:role/crossaccount/UpdateApp`);
        assert.strictEqual(await promiseOf(role.roleName), "UpdateApp");
        await settle();

        const component = recorded(mocks, "crossaccount:index:CrossAccountRole", "update-app");
        const roleRecord = recorded(mocks, "aws:iam/role:Role", "update-app");
        const policyRecord = recorded(mocks, "aws:iam/rolePolicy:RolePolicy", "update-app-permissions");
        for (const child of [roleRecord, policyRecord]) {
            assert.strictEqual(child.accountId, PROD);
            assert.strictEqual(child.parent, component.urn);
        }
        const { assumeRolePolicy, ...roleInputs } = roleRecord.inputs;
        assert.deepStrictEqual(roleInputs, {
            name: "UpdateApp",
            path: "/crossaccount/",
            description: "Lets developers update the production app",
            maxSessionDuration: 7200,
            permissionsBoundary: `arn:aws:iam::${PROD}:policy/Boundary`,
            tags: { team: "platform" },
        });
        assert.strictEqual(assumeRolePolicy, await promiseOf(role.trustPolicy));
        assert.deepStrictEqual(policyRecord.inputs, {
            name: "permissions",
            role: "UpdateApp",
            policy: await promiseOf(role.permissionPolicy!),
        });
    });

    it("creates no inline policy when there are no permissions", async () => {
        const role = new CrossAccountRole("no-permissions", baseArgs({ trustedAccountIds: [DEV] }, { roleName: "NoPermissions" }));
        assert.strictEqual(role.permissionPolicy, undefined);
        assert.strictEqual(role.rolePolicy, undefined);
        await settle();
        assert.strictEqual(mocks.resources.filter((r) => r.name === "no-permissions-permissions").length, 0);
    });

    describe("validation", () => {
        const invalid: [string, CrossAccountRoleArgs, RegExp][] = [
            [
                "a role name with a space",
                baseArgs({ trustedAccountIds: [DEV] }, { roleName: "Update App" }),
                /Invalid role name "Update App"/,
            ],
            ["a role name over 64 characters", baseArgs({ trustedAccountIds: [DEV] }, { roleName: "r".repeat(65) }), /Invalid role name/],
            ["a path without slashes", baseArgs({ trustedAccountIds: [DEV] }, { path: "team" }), /Invalid IAM path "team"/],
            [
                "a session under 3600 s",
                baseArgs({ trustedAccountIds: [DEV] }, { maxSessionDurationSeconds: 3599 }),
                /maxSessionDurationSeconds 3599 .* 3600 to 43200/,
            ],
            [
                "a session over 43200 s",
                baseArgs({ trustedAccountIds: [DEV] }, { maxSessionDurationSeconds: 43201 }),
                /maxSessionDurationSeconds 43201/,
            ],
            ["no trusted principal", baseArgs({}), /Role UpdateApp: the trust names no principal/],
            ["a bad account ID", baseArgs({ trustedAccountIds: ["1234"] }), /Invalid trusted account ID "1234"/],
            [
                "AWS conditions with only services",
                baseArgs({ trustedServices: ["lambda.amazonaws.com"], requireMfa: true }),
                /requireMfa need an AWS principal/,
            ],
            ["a bad service principal", baseArgs({ trustedServices: ["lambda"] }), /Invalid service principal "lambda"/],
            [
                "a service source without a service",
                baseArgs({ trustedAccountIds: [DEV], serviceSourceAccounts: [DEV] }),
                /scope trustedServices, which names no service/,
            ],
            [
                "a service source that is not an ARN",
                baseArgs({ trustedServices: ["cloudtrail.amazonaws.com"], serviceSourceArns: ["trail/audit"] }),
                /Invalid serviceSourceArns entry "trail\/audit"/,
            ],
            [
                "a pattern in an untrusted account",
                baseArgs({ trustedAccountIds: [DEV], principalArnPatterns: [`arn:aws:iam::${PROD}:role/*`] }),
                /in account 333333333333, which the trust does not name/,
            ],
            ["a malformed external ID", baseArgs({ trustedAccountIds: [DEV], externalId: "x" }), /Invalid externalId/],
            ["a bad org ID", baseArgs({ trustedAccountIds: [DEV], principalOrgId: "org-1" }), /Invalid principalOrgId "org-1"/],
            [
                "a bad source IP",
                baseArgs({ trustedAccountIds: [DEV], sourceIpRanges: ["10.0.0.0/33"] }),
                /Invalid sourceIpRanges entry "10.0.0.0\/33"/,
            ],
            ["a non-ISO time", baseArgs({ trustedAccountIds: [DEV], notAfter: "next week" }), /Invalid notAfter "next week"/],
            [
                "notBefore after notAfter",
                baseArgs({ trustedAccountIds: [DEV], notBefore: "2026-02-01T00:00:00Z", notAfter: "2026-01-01T00:00:00Z" }),
                /notBefore 2026-02-01T00:00:00Z must be earlier than notAfter/,
            ],
            ["a zero MFA age", baseArgs({ trustedAccountIds: [DEV], maxMfaAgeSeconds: 0 }), /Invalid maxMfaAgeSeconds 0/],
            [
                "a permission without resources",
                baseArgs({ trustedAccountIds: [DEV] }, { permissions: [{ sid: "Empty", actions: ["s3:GetObject"], resources: [] }] }),
                /Permission statement Empty of role UpdateApp names no resources/,
            ],
            [
                "a malformed action",
                baseArgs({ trustedAccountIds: [DEV] }, { permissions: [{ actions: ["GetObject"], resources: ["*"] }] }),
                /Invalid action "GetObject"/,
            ],
        ];
        for (const [label, args, message] of invalid) {
            it(`refuses ${label} before creating anything`, () => {
                const before = mocks.resources.length;
                assert.throws(() => new CrossAccountRole(`invalid-${label.replace(/\W+/g, "-")}`, args), message);
                assert.strictEqual(mocks.resources.length, before);
            });
        }
    });

    describe("trust sources people and CI use", () => {
        const github = `arn:aws:iam::${PROD}:oidc-provider/token.actions.githubusercontent.com`;

        it("a GitHub Actions trust: aud exact, sub StringEquals, TagSession when asked", async () => {
            assert.deepStrictEqual(
                await trustJson({
                    webIdentity: [
                        {
                            provider: "github",
                            providerArn: github,
                            subjects: ["repo:acme/app:ref:refs/heads/main", "repo:acme/app:environment:prod"],
                        },
                    ],
                    session: { tagSession: true },
                }),
                {
                    Version: "2012-10-17",
                    Statement: [
                        {
                            Sid: "WebIdentityGithub",
                            Effect: "Allow",
                            Principal: { Federated: github },
                            Action: ["sts:AssumeRoleWithWebIdentity", "sts:TagSession"],
                            Condition: {
                                StringEquals: {
                                    "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
                                    "token.actions.githubusercontent.com:sub": [
                                        "repo:acme/app:environment:prod",
                                        "repo:acme/app:ref:refs/heads/main",
                                    ],
                                },
                            },
                        },
                    ],
                },
            );
        });

        it("a GitLab trust with a branch pattern: sub StringLike, aud gitlab.com", async () => {
            const gitlab = `arn:aws:iam::${PROD}:oidc-provider/gitlab.com`;
            const doc = (await trustJson({
                webIdentity: [
                    { provider: "gitlab", providerArn: gitlab, subjects: ["project_path:acme/app:ref_type:branch:ref:release/*"] },
                ],
            })) as {
                Statement: unknown[];
            };
            assert.deepStrictEqual(doc.Statement, [
                {
                    Sid: "WebIdentityGitlab",
                    Effect: "Allow",
                    Principal: { Federated: gitlab },
                    Action: "sts:AssumeRoleWithWebIdentity",
                    Condition: {
                        StringEquals: { "gitlab.com:aud": "https://gitlab.com" },
                        StringLike: { "gitlab.com:sub": ["project_path:acme/app:ref_type:branch:ref:release/*"] },
                    },
                },
            ]);
        });

        it("Identity Center permission sets: the account root narrowed to their roles, with and without the region segment", async () => {
            const sso = `arn:aws:iam::${DEV}:role/aws-reserved/sso.amazonaws.com`;
            const doc = (await trustJson({ identityCenter: { accountIds: [DEV], permissionSets: ["ReleaseManager", "Admin"] } })) as {
                Statement: unknown[];
            };
            assert.deepStrictEqual(doc.Statement, [
                {
                    Sid: "IdentityCenter",
                    Effect: "Allow",
                    Principal: { AWS: [devRoot] },
                    Action: "sts:AssumeRole",
                    Condition: {
                        ArnLike: {
                            "aws:PrincipalArn": [
                                `${sso}/*/AWSReservedSSO_Admin_*`,
                                `${sso}/*/AWSReservedSSO_ReleaseManager_*`,
                                `${sso}/AWSReservedSSO_Admin_*`,
                                `${sso}/AWSReservedSSO_ReleaseManager_*`,
                            ],
                        },
                    },
                },
            ]);
        });

        it("session options on the account statement: SetSourceIdentity with a required source identity", async () => {
            const doc = (await trustJson({
                trustedAccountIds: [DEV],
                principalArnPatterns: [devDeployer],
                session: { tagSession: true, setSourceIdentity: true, sourceIdentityPatterns: ["ci-*"] },
                trustedServices: ["codebuild.amazonaws.com"],
            })) as { Statement: unknown[] };
            assert.deepStrictEqual(doc.Statement, [
                {
                    Sid: "TrustedPrincipals",
                    Effect: "Allow",
                    Principal: { AWS: [devRoot] },
                    Action: ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"],
                    Condition: { ArnEquals: { "aws:PrincipalArn": [devDeployer] }, StringLike: { "sts:SourceIdentity": ["ci-*"] } },
                },
                // Services get neither: they are not where a person's identity is carried.
                { Sid: "TrustedServices", Effect: "Allow", Principal: { Service: ["codebuild.amazonaws.com"] }, Action: "sts:AssumeRole" },
            ]);
        });

        const invalid: [string, RoleTrust, RegExp][] = [
            [
                "a GitHub subject with a wildcard repository",
                { webIdentity: [{ provider: "github", providerArn: github, subjects: ["repo:acme/*:ref:refs/heads/main"] }] },
                /Invalid github subject "repo:acme\/\*:ref:refs\/heads\/main": it must name one owner\/repository without wildcards/,
            ],
            [
                "a GitHub trust without subjects",
                { webIdentity: [{ provider: "github", providerArn: github, subjects: [] }] },
                /names no subject/,
            ],
            [
                "an invalid permission set name",
                { identityCenter: { accountIds: [DEV], permissionSets: ["Release Manager"] } },
                /Invalid permission set name "Release Manager"/,
            ],
            [
                "a source identity that cannot be set",
                { trustedAccountIds: [DEV], session: { sourceIdentityPatterns: ["ci-*"] } },
                /needs session.setSourceIdentity/,
            ],
            [
                "session options on a services-only trust",
                { trustedServices: ["codebuild.amazonaws.com"], session: { tagSession: true } },
                /trust names only services/,
            ],
        ];
        for (const [label, trust, message] of invalid) {
            it(`refuses ${label}`, () => assert.throws(() => trustPolicyDocument(trust), message));
        }
    });
});
