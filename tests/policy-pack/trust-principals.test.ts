// The pack on real-world principals: requireMfa for trusts people use and its explicit exemptions, conditions
// that only look narrowing, web-identity and SAML trusts, unknown providers.
import * as assert from "assert";
import * as path from "path";
import { advised, check, reported, rows } from "./expect";
import { ACCOUNTS, REFERENCE_CONFIG, T, policyJson, resource } from "./fixtures";

const GITHUB = "token.actions.githubusercontent.com";
const githubProvider = `arn:aws:iam::${ACCOUNTS.prod}:oidc-provider/${GITHUB}`;
const devRoot = `arn:aws:iam::${ACCOUNTS.dev}:root`;
const ssoPatterns = (name: string) => [
    `arn:aws:iam::${ACCOUNTS.dev}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_${name}_*`,
    `arn:aws:iam::${ACCOUNTS.dev}:role/aws-reserved/sso.amazonaws.com/*/AWSReservedSSO_${name}_*`,
];

/** A prod role (requireMfa on, as config.json says) with these trust statements; the trust rules' findings. */
async function prodTrust(statements: Record<string, unknown>[], config = REFERENCE_CONFIG) {
    const role = resource(
        T.role,
        "prod-role",
        { name: "prod-role", assumeRolePolicy: policyJson(...statements) },
        { stack: "prod", account: ACCOUNTS.prod },
    );
    return rows(await check([role], config)).filter(([policy]) => policy.startsWith("iam-trust"));
}

const allow = (principal: Record<string, unknown>, condition?: Record<string, unknown>, action: string | string[] = "sts:AssumeRole") => ({
    Effect: "Allow",
    Principal: principal,
    Action: action,
    ...(condition ? { Condition: condition } : {}),
});
const rulesOf = (found: string[][]) => found.map(([policy]) => policy);

describe("trust rules on real-world principals (prod, requireMfa on)", () => {
    describe("iam-trust-cross-account-conditions: MFA where a person can give it", () => {
        it("exempts a CI chain in either form: the role ARN as principal, or the root narrowed to exact role ARNs", async () => {
            assert.deepStrictEqual(await prodTrust([allow({ AWS: `arn:aws:iam::${ACCOUNTS.dev}:role/ReleasePipeline` })]), []);
            assert.deepStrictEqual(
                await prodTrust([
                    allow({ AWS: devRoot }, { ArnEquals: { "aws:PrincipalArn": `arn:aws:iam::${ACCOUNTS.dev}:role/ci/Pipeline` } }),
                ]),
                [],
            );
        });

        it("does not take a wildcard role pattern for a chain: people could use the roles it matches", async () => {
            for (const pattern of [
                `arn:aws:iam::${ACCOUNTS.dev}:role/*`,
                `arn:aws:iam::${ACCOUNTS.dev}:role/ci-*`,
                `arn:aws:iam::*:role/ci`,
            ]) {
                const found = await prodTrust([allow({ AWS: devRoot }, { ArnLike: { "aws:PrincipalArn": pattern } })]);
                assert.deepStrictEqual(rulesOf(found), ["iam-trust-cross-account-conditions"], pattern);
                assert.match(found[0][3], /without MFA, which is required here \(requireMfa\)\. Fix:/);
            }
        });

        it("exempts an external-ID trust of a vendor, and an Identity Center permission set's roles", async () => {
            const vendorRoot = "arn:aws:iam::777788889999:root";
            assert.deepStrictEqual(
                await prodTrust([allow({ AWS: vendorRoot }, { StringEquals: { "sts:ExternalId": "vendor-7f3a" } })]),
                [],
            );
            assert.deepStrictEqual(
                await prodTrust([allow({ AWS: devRoot }, { ArnLike: { "aws:PrincipalArn": ssoPatterns("ReleaseManager") } })]),
                [],
            );
        });

        it("an external ID given as StringLike with a wildcard is no external-ID trust", async () => {
            const found = await prodTrust([allow({ AWS: "arn:aws:iam::777788889999:root" }, { StringLike: { "sts:ExternalId": "*" } })]);
            assert.deepStrictEqual(rulesOf(found), ["iam-trust-cross-account-conditions"]);
        });

        it("each exemption is a setting: without it the trust needs MFA", async () => {
            const strict = { ...REFERENCE_CONFIG, "iam-trust-cross-account-conditions": { requireMfa: true, mfaExempt: [] } };
            const cases: [string, Record<string, unknown>][] = [
                [
                    "role-chain",
                    allow({ AWS: devRoot }, { ArnEquals: { "aws:PrincipalArn": `arn:aws:iam::${ACCOUNTS.dev}:role/ReleasePipeline` } }),
                ],
                ["external-id", allow({ AWS: "arn:aws:iam::777788889999:root" }, { StringEquals: { "sts:ExternalId": "vendor-7f3a" } })],
                ["identity-center", allow({ AWS: devRoot }, { ArnLike: { "aws:PrincipalArn": ssoPatterns("ReleaseManager") } })],
            ];
            for (const [exemption, statement] of cases) {
                const found = await prodTrust([statement], strict);
                assert.deepStrictEqual(rulesOf(found), ["iam-trust-cross-account-conditions"], exemption);
                assert.ok(found[0][3].includes(`not waived for ${exemption} trusts (mfaExempt)`), found[0][3]);
            }
        });

        it("still asks MFA of a root narrowed only by the organization (a trust people use)", async () => {
            const found = await prodTrust([allow({ AWS: devRoot }, { StringEquals: { "aws:PrincipalOrgID": "o-abcdefghij" } })]);
            assert.deepStrictEqual(rulesOf(found), ["iam-trust-cross-account-conditions"]);
        });
    });

    describe("iam-trust-cross-account-conditions: conditions that only look narrowing (requireMfa off)", () => {
        const devTrust = async (condition: Record<string, unknown>) => {
            const role = resource(
                T.role,
                "dev-role",
                { name: "dev-role", assumeRolePolicy: policyJson(allow({ AWS: `arn:aws:iam::${ACCOUNTS.test}:root` }, condition)) },
                { stack: "dev", account: ACCOUNTS.dev },
            );
            return rulesOf(rows(await check([role])).filter(([policy]) => policy.startsWith("iam-trust")));
        };

        it("a wildcard over accounts, over every role or over every organization does not narrow", async () => {
            for (const condition of [
                { ArnLike: { "aws:PrincipalArn": "arn:aws:iam::*:role/ci" } },
                { ArnLike: { "aws:PrincipalArn": `arn:aws:iam::${ACCOUNTS.test}:role/*` } },
                { StringLike: { "aws:PrincipalOrgID": "o-*" } },
            ]) {
                assert.deepStrictEqual(await devTrust(condition), ["iam-trust-cross-account-conditions"], JSON.stringify(condition));
            }
        });

        it("a name or path prefix and an exact organization narrow", async () => {
            for (const condition of [
                { ArnLike: { "aws:PrincipalArn": `arn:aws:iam::${ACCOUNTS.test}:role/ci-*` } },
                { ArnLike: { "aws:PrincipalArn": `arn:aws:iam::${ACCOUNTS.test}:role/readers/*` } },
                { StringEquals: { "aws:PrincipalOrgID": "o-abcdefghij" } },
            ]) {
                assert.deepStrictEqual(await devTrust(condition), [], JSON.stringify(condition));
            }
        });
    });

    describe("iam-trust-federated-conditions", () => {
        const github = (condition: Record<string, unknown>) =>
            allow({ Federated: githubProvider }, condition, ["sts:AssumeRoleWithWebIdentity", "sts:TagSession"]);
        const aud = { [`${GITHUB}:aud`]: "sts.amazonaws.com" };

        it("passes GitHub trusts pinned to one repository's branch, environment or tag pattern, with requireMfa on", async () => {
            for (const sub of [
                "repo:acme/app:ref:refs/heads/main",
                "repo:acme/app:environment:production",
                "repo:acme/app:ref:refs/tags/v*",
            ]) {
                const condition = sub.includes("*")
                    ? { StringEquals: aud, StringLike: { [`${GITHUB}:sub`]: sub } }
                    : { StringEquals: { ...aud, [`${GITHUB}:sub`]: sub } };
                assert.deepStrictEqual(await prodTrust([github(condition)]), [], sub);
            }
        });

        it("reports a subject that wildcards the owner or the repository, with the exact text", async () => {
            const found = await prodTrust([
                github({ StringEquals: aud, StringLike: { [`${GITHUB}:sub`]: ["repo:acme/*:ref:refs/heads/main", "repo:*"] } }),
            ]);
            assert.deepStrictEqual(
                found,
                reported("iam-trust-federated-conditions", "prod-role", [
                    `assumeRolePolicy statement 1: federated principal "${githubProvider}" lets subjects "repo:acme/*:ref:refs/heads/main", "repo:*" ` +
                        "assume the role: each must name one owner/repository without wildcards (a wildcard there admits other owners' repositories " +
                        "or forks). Fix: spell out the owner/repository; wildcards may only follow it (e.g. a branch pattern).",
                ]),
            );
        });

        it("reports a missing subject, a missing audience, and a subject that only IfExists pins", async () => {
            assert.match((await prodTrust([github({ StringEquals: aud })]))[0][3], /does not pin the token's subject/);
            assert.match(
                (await prodTrust([github({ StringEquals: { [`${GITHUB}:sub`]: "repo:acme/app:ref:refs/heads/main" } })]))[0][3],
                /does not pin the token's audience\. Fix: add "StringEquals": \{"token\.actions\.githubusercontent\.com:aud": "sts\.amazonaws\.com"\}/,
            );
            const ifExists = await prodTrust([github({ StringEquals: aud, StringLikeIfExists: { [`${GITHUB}:sub`]: "repo:acme/app:*" } })]);
            assert.match(ifExists[0][3], /does not pin the token's subject/);
        });

        it("GitLab: the project path is spelled out", async () => {
            const gitlab = `arn:aws:iam::${ACCOUNTS.prod}:oidc-provider/gitlab.com`;
            const trust = (sub: string) =>
                allow(
                    { Federated: gitlab },
                    { StringEquals: { "gitlab.com:aud": "https://gitlab.com" }, StringLike: { "gitlab.com:sub": sub } },
                    "sts:AssumeRoleWithWebIdentity",
                );
            assert.deepStrictEqual(await prodTrust([trust("project_path:acme/app:ref_type:branch:ref:main")]), []);
            assert.deepStrictEqual(rulesOf(await prodTrust([trust("project_path:acme/*:ref_type:branch:ref:main")])), [
                "iam-trust-federated-conditions",
            ]);
        });

        it("SAML trusts pin SAML:aud", async () => {
            const saml = `arn:aws:iam::${ACCOUNTS.prod}:saml-provider/Okta`;
            const trust = (condition?: Record<string, unknown>) => allow({ Federated: saml }, condition, "sts:AssumeRoleWithSAML");
            assert.deepStrictEqual(await prodTrust([trust({ StringEquals: { "SAML:aud": "https://signin.aws.amazon.com/saml" } })]), []);
            assert.deepStrictEqual(
                await prodTrust([trust()]),
                reported("iam-trust-federated-conditions", "prod-role", [
                    `assumeRolePolicy statement 1: federated principal "${saml}" is not pinned to an audience. ` +
                        'Fix: add "StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}.',
                ]),
            );
        });
    });

    describe("iam-trust-unknown-federated-provider", () => {
        it("is an advisory for a provider the pack does not know, whose aud and sub are still required", async () => {
            const provider = `arn:aws:iam::${ACCOUNTS.prod}:oidc-provider/app.terraform.io`;
            const pinned = allow(
                { Federated: provider },
                {
                    StringEquals: {
                        "app.terraform.io:aud": "aws.workload.identity",
                        "app.terraform.io:sub": "organization:acme:project:x:workspace:y:run_phase:apply",
                    },
                },
                "sts:AssumeRoleWithWebIdentity",
            );
            assert.deepStrictEqual(
                await prodTrust([pinned]),
                advised("iam-trust-unknown-federated-provider", "prod-role", [
                    `assumeRolePolicy statement 1: federated principal "${provider}" is a provider the pack does not know; its aud and sub conditions ` +
                        "were checked for presence only. Fix: check that the sub condition names exactly the identities meant to assume the role.",
                ]),
            );
            const bare = allow({ Federated: provider }, undefined, "sts:AssumeRoleWithWebIdentity");
            assert.deepStrictEqual(rulesOf(await prodTrust([bare])), [
                "iam-trust-federated-conditions",
                "iam-trust-federated-conditions",
                "iam-trust-unknown-federated-provider",
            ]);
        });

        it("knows GitHub, GitLab, SAML and the web-identity providers AWS federates", async () => {
            const cognito = allow(
                { Federated: "cognito-identity.amazonaws.com" },
                { StringEquals: { "cognito-identity.amazonaws.com:aud": "us-east-1:pool" } },
                "sts:AssumeRoleWithWebIdentity",
            );
            assert.deepStrictEqual(await prodTrust([cognito]), []);
        });
    });
});

describe("npm run policy on a prod stack export of real organizations' trust patterns (requireMfa on)", () => {
    it("passes the safe patterns and catches every unsafe variant, each by the rule that owns it", async () => {
        const { main } = await import("../../cli/policy");
        let out = "";
        const code = await main([path.join(__dirname, "..", "fixtures", "policy", "principals-export.json"), "--json"], {
            out: (text) => (out += text),
            err: () => undefined,
        });
        assert.strictEqual(code, 1);
        const byRole = new Map<string, string[]>();
        for (const v of JSON.parse(out) as { policyName: string; urn: string }[]) {
            const name = v.urn.split("::").pop()!;
            if (v.urn.includes("aws:iam/role:Role")) byRole.set(name, [...(byRole.get(name) ?? []), v.policyName]);
        }
        assert.deepStrictEqual(Object.fromEntries([...byRole].sort()), {
            "unsafe-ci-chain-any-account": ["iam-trust-cross-account-conditions"],
            "unsafe-ci-chain-every-role": ["iam-trust-cross-account-conditions"],
            "unsafe-ci-chain-name-prefix": ["iam-trust-cross-account-conditions"],
            "unsafe-github-any-owner": ["iam-trust-federated-conditions"],
            "unsafe-github-any-repository": ["iam-trust-federated-conditions"],
            "unsafe-github-no-audience": ["iam-trust-federated-conditions"],
            "unsafe-github-no-subject": ["iam-trust-federated-conditions"],
            "unsafe-gitlab-any-project": ["iam-trust-federated-conditions"],
            "unsafe-people-org-only": ["iam-trust-cross-account-conditions"],
            "unsafe-saml-no-audience": ["iam-trust-federated-conditions"],
            "unsafe-service-public": ["iam-trust-no-public-principal"],
            "unsafe-sso-every-permission-set": ["iam-trust-cross-account-conditions"],
            "unsafe-vendor-no-external-id": ["iam-trust-cross-account-conditions"],
            "unsafe-vendor-not-allowed": ["iam-trust-allowed-accounts"],
            "unsafe-vendor-wildcard-external-id": ["iam-trust-cross-account-conditions"],
        });
    });
});
