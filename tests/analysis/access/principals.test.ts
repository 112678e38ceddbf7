// The analysis on the principals people and CI use: GitHub/GitLab jobs (github:<sub>), Identity Center
// permission sets, vendors with external IDs; expectations and the edges of the access matrix.
import * as assert from "assert";
import { analyzeAccess, type AccessExpectation } from "../../../analysis/access";
import { DEV, PROD, doc, role, root, roleArn, trustedBy } from "./fixtures";

const GH = "token.actions.githubusercontent.com";
const provider = `arn:aws:iam::${PROD}:oidc-provider/${GH}`;
const sso = `arn:aws:iam::${DEV}:role/aws-reserved/sso.amazonaws.com`;
const VENDOR = "777788889999";

const deploy = role(
    PROD,
    "GitHubActionsDeploy",
    doc({
        Effect: "Allow",
        Principal: { Federated: provider },
        Action: ["sts:AssumeRoleWithWebIdentity", "sts:TagSession"],
        Condition: {
            StringEquals: { [`${GH}:aud`]: "sts.amazonaws.com" },
            StringLike: { [`${GH}:sub`]: ["repo:acme/app:environment:production", "repo:acme/app:ref:refs/tags/v*"] },
        },
    }),
);
const release = role(
    PROD,
    "Release",
    trustedBy(root(DEV), {
        ArnLike: { "aws:PrincipalArn": [`${sso}/AWSReservedSSO_ReleaseManager_*`, `${sso}/*/AWSReservedSSO_ReleaseManager_*`] },
    }),
);
const audit = role(PROD, "VendorAudit", trustedBy(root(VENDOR), { StringEquals: { "sts:ExternalId": "vendor-7f3a" } }));
const resources = [deploy, release, audit];

const expect = (id: string, principal: string, action: string, resource: string, allow: boolean, context = {}): AccessExpectation => ({
    id,
    principal,
    action,
    resource,
    context,
    expect: allow ? "allow" : "deny",
});

describe("access analysis: CI jobs, Identity Center and vendors", () => {
    it("plays a GitHub job by its sub claim against the provider of the role's account", async () => {
        const web = "sts:AssumeRoleWithWebIdentity";
        const target = roleArn(PROD, "GitHubActionsDeploy");
        const { results } = await analyzeAccess(resources, [
            expect("environment", "github:repo:acme/app:environment:production", web, target, true),
            expect("tag", "github:repo:acme/app:ref:refs/tags/v1.2.0", web, target, true),
            expect("other-repository", "github:repo:acme/other:environment:production", web, target, false),
            expect("fork-pull-request", "github:repo:acme/app:pull_request", web, target, false),
            expect("branch", "github:repo:acme/app:ref:refs/heads/main", web, target, false),
            // A GitLab token is not GitHub's, whatever its claims say.
            expect("gitlab", "gitlab:repo:acme/app:environment:production", web, target, false),
        ]);
        assert.deepStrictEqual(
            results.map((r) => [r.id, r.result]),
            [
                ["environment", "Allowed"],
                ["tag", "Allowed"],
                ["other-repository", "ImplicitlyDenied"],
                ["fork-pull-request", "ImplicitlyDenied"],
                ["branch", "ImplicitlyDenied"],
                ["gitlab", "ImplicitlyDenied"],
            ],
        );
        assert.match(
            results[0].explanation,
            /^Allowed: github job with sub "repo:acme\/app:environment:production" \(aud sts\.amazonaws\.com\)/,
        );
    });

    it("plays Identity Center sessions with and without the region segment; another permission set is denied", async () => {
        const target = roleArn(PROD, "Release");
        const session = (path: string) => `${sso}/${path}`;
        const { results } = await analyzeAccess(resources, [
            expect("us-east-1", session("AWSReservedSSO_ReleaseManager_0123456789abcdef"), "sts:AssumeRole", target, true),
            expect("eu-west-2", session("eu-west-2/AWSReservedSSO_ReleaseManager_0123456789abcdef"), "sts:AssumeRole", target, true),
            expect("other-set", session("AWSReservedSSO_ReadOnly_0123456789abcdef"), "sts:AssumeRole", target, false),
            expect("lookalike", `arn:aws:iam::${DEV}:role/AWSReservedSSO_ReleaseManager_0123456789abcdef`, "sts:AssumeRole", target, false),
        ]);
        assert.deepStrictEqual(
            results.map((r) => r.pass),
            [true, true, true, true],
        );
    });

    it("lets the vendor in with the right external ID only", async () => {
        const target = roleArn(PROD, "VendorAudit");
        const { results } = await analyzeAccess(resources, [
            expect("right", root(VENDOR), "sts:AssumeRole", target, true, { externalId: "vendor-7f3a" }),
            expect("none", root(VENDOR), "sts:AssumeRole", target, false),
            expect("wrong", root(VENDOR), "sts:AssumeRole", target, false, { externalId: "guess" }),
        ]);
        assert.deepStrictEqual(
            results.map((r) => [r.id, r.result, r.context]),
            [
                ["right", "Allowed", { externalId: "[secret]" }],
                ["none", "ImplicitlyDenied", {}],
                ["wrong", "ImplicitlyDenied", { externalId: "[secret]" }],
            ],
        );
    });

    it("lists a job per pinned sub, one edge per permission set and the vendor with its secret condition", async () => {
        const { edges } = await analyzeAccess(resources, []);
        assert.deepStrictEqual(
            edges.map((e) => [e.principal, e.target.split(":").pop(), e.actions.join(","), e.conditions.join("; "), e.sourceAccountId]),
            [
                [
                    "github:repo:acme/app:environment:production",
                    "role/GitHubActionsDeploy",
                    "sts:AssumeRoleWithWebIdentity,sts:TagSession",
                    `${GH}:aud = sts.amazonaws.com`,
                    "github",
                ],
                [
                    "github:repo:acme/app:ref:refs/tags/v*",
                    "role/GitHubActionsDeploy",
                    "sts:AssumeRoleWithWebIdentity,sts:TagSession",
                    `${GH}:aud = sts.amazonaws.com`,
                    "github",
                ],
                [`${sso}/AWSReservedSSO_ReleaseManager_*`, "role/Release", "sts:AssumeRole", "", DEV],
                [root(VENDOR), "role/VendorAudit", "sts:AssumeRole", "sts:ExternalId = [secret]", VENDOR],
            ],
        );
    });
});
