import { strict as assert } from "node:assert";
import {
    analyzeAccess,
    type AccessContext,
    type AccessDecision,
    type AccessExpectation,
    type PlannedResource,
} from "../../../analysis/access";
import {
    DEV,
    EXTERNAL_ID,
    OUTSIDER,
    PROD,
    TEST,
    bucket,
    doc,
    groupArn,
    managedPolicy,
    organization,
    policyArn,
    role,
    roleArn,
    rolePolicy,
    root,
    trustedBy,
    userArn,
} from "./fixtures";

const NOW = new Date("2026-03-01T12:00:00Z");
const IMAGE = "arn:aws:s3:::prod-product-images/catalog/shoe.jpg";
const APP_OBJECT = "arn:aws:s3:::prod-app/releases/app.zip";

async function decide(
    principal: string,
    action: string,
    resource: string,
    context?: AccessContext,
    resources: PlannedResource[] = organization(),
): Promise<AccessDecision> {
    const { results } = await analyzeAccess(resources, [{ id: "x", principal, action, resource, context, expect: "allow" }], { now: NOW });
    return results[0].result;
}

describe("access analysis: evaluating expectations", () => {
    it("explicit deny beats allow: Testers hold an Allow and a Deny on UpdateApp", async () => {
        assert.equal(
            await decide(groupArn(DEV, "Testers"), "sts:AssumeRole", roleArn(PROD, "UpdateApp"), { mfa: true, mfaAgeSeconds: 60 }),
            "ExplicitlyDenied",
        );
        // The same group's Allow on another role is unaffected by that Deny.
        assert.equal(await decide(groupArn(DEV, "Testers"), "sts:AssumeRole", roleArn(PROD, "AppReadOnly"), { mfa: true }), "Allowed");
    });

    it("cross-account needs both sides", async () => {
        // Developers' identity policy allows TestOnly, but TestOnly trusts only its own account.
        assert.equal(await decide(groupArn(DEV, "Developers"), "sts:AssumeRole", roleArn(TEST, "TestOnly")), "ImplicitlyDenied");
        // Auditor's trust names NoPermsRole, but NoPermsRole has no identity policy at all.
        assert.equal(await decide(roleArn(DEV, "NoPermsRole"), "sts:AssumeRole", roleArn(PROD, "Auditor")), "ImplicitlyDenied");
    });

    it("MFA condition: Bool aws:MultiFactorAuthPresent true (and NumericLessThan aws:MultiFactorAuthAge 3600)", async () => {
        const dev = groupArn(DEV, "Developers");
        const updateApp = roleArn(PROD, "UpdateApp");
        assert.equal(await decide(dev, "sts:AssumeRole", updateApp, { mfa: true, mfaAgeSeconds: 300 }), "Allowed");
        assert.equal(await decide(dev, "sts:AssumeRole", updateApp, { mfa: false }), "ImplicitlyDenied");
        assert.equal(await decide(dev, "sts:AssumeRole", updateApp), "ImplicitlyDenied");
        assert.equal(await decide(dev, "sts:AssumeRole", updateApp, { mfa: true, mfaAgeSeconds: 7200 }), "ImplicitlyDenied");
    });

    it("external ID: StringEquals sts:ExternalId", async () => {
        const ci = userArn(DEV, "ci-bot");
        const deployer = roleArn(TEST, "Deployer");
        assert.equal(await decide(ci, "sts:AssumeRole", deployer, { externalId: EXTERNAL_ID }), "Allowed");
        assert.equal(await decide(ci, "sts:AssumeRole", deployer), "ImplicitlyDenied");
        assert.equal(await decide(ci, "sts:AssumeRole", deployer, { externalId: "wrong-id" }), "ImplicitlyDenied");
    });

    it("aws:PrincipalArn narrows a bucket policy that trusts the account root", async () => {
        assert.equal(await decide(roleArn(DEV, "ImageSharingRole"), "s3:GetObject", IMAGE), "Allowed");
        // Same account, same identity policy, but not the role the condition names.
        assert.equal(await decide(roleArn(DEV, "BuildRole"), "s3:GetObject", IMAGE), "ImplicitlyDenied");
        // The bucket policy grants reads only.
        assert.equal(await decide(roleArn(DEV, "ImageSharingRole"), "s3:PutObject", IMAGE), "ImplicitlyDenied");
    });

    it("an outsider account is denied, whatever its own account allows", async () => {
        assert.equal(
            await decide(root(OUTSIDER), "sts:AssumeRole", roleArn(PROD, "UpdateApp"), { mfa: true, mfaAgeSeconds: 10 }),
            "ImplicitlyDenied",
        );
        assert.equal(
            await decide(`arn:aws:iam::${OUTSIDER}:role/Anything`, "sts:AssumeRole", roleArn(PROD, "UpdateApp"), {
                mfa: true,
                mfaAgeSeconds: 10,
            }),
            "ImplicitlyDenied",
        );
        assert.equal(await decide(`arn:aws:iam::${OUTSIDER}:role/Anything`, "s3:GetObject", IMAGE), "ImplicitlyDenied");
        // ...while for a principal of a trusted account that is not in the plan, only the trust decides.
        assert.equal(
            await decide(`arn:aws:iam::${DEV}:role/NotInPlan`, "sts:AssumeRole", roleArn(PROD, "AppReadOnly"), { mfa: true }),
            "Allowed",
        );
    });

    it("same account: a role session writes objects allowed by its identity policy alone (no bucket policy)", async () => {
        assert.equal(await decide(roleArn(PROD, "UpdateApp"), "s3:PutObject", APP_OBJECT), "Allowed");
        assert.equal(await decide(roleArn(PROD, "UpdateApp"), "s3:DeleteObject", APP_OBJECT), "ImplicitlyDenied");
        assert.equal(await decide(roleArn(PROD, "AppReadOnly"), "s3:PutObject", APP_OBJECT), "ImplicitlyDenied");
    });

    it("same-account AssumeRole: a trust naming the account root still needs identity permission, one naming the role does not", async () => {
        const resources = [
            role(PROD, "Caller", doc({ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" })),
            role(PROD, "TrustsRoot", trustedBy(root(PROD))),
            role(PROD, "TrustsCaller", trustedBy(roleArn(PROD, "Caller"))),
            role(PROD, "Granted", trustedBy(root(PROD))),
            rolePolicy(
                PROD,
                "Caller",
                "assume-granted",
                doc({ Effect: "Allow", Action: "sts:AssumeRole", Resource: roleArn(PROD, "Granted") }),
            ),
        ];
        const caller = roleArn(PROD, "Caller");
        assert.equal(await decide(caller, "sts:AssumeRole", roleArn(PROD, "TrustsRoot"), {}, resources), "ImplicitlyDenied");
        assert.equal(await decide(caller, "sts:AssumeRole", roleArn(PROD, "TrustsCaller"), {}, resources), "Allowed");
        assert.equal(await decide(caller, "sts:AssumeRole", roleArn(PROD, "Granted"), {}, resources), "Allowed");
    });

    it("a permissions boundary caps what the identity policy allows", async () => {
        const resources = [
            bucket(PROD, "prod-app"),
            managedPolicy(PROD, "ReadOnlyBoundary", doc({ Effect: "Allow", Action: ["s3:GetObject", "s3:ListBucket"], Resource: "*" })),
            role(PROD, "Bounded", trustedBy(root(PROD)), {
                permissionsBoundary: policyArn(PROD, "ReadOnlyBoundary"),
            }),
            rolePolicy(PROD, "Bounded", "all-s3", doc({ Effect: "Allow", Action: "s3:*", Resource: "*" })),
        ];
        assert.equal(await decide(roleArn(PROD, "Bounded"), "s3:GetObject", APP_OBJECT, {}, resources), "Allowed");
        assert.equal(await decide(roleArn(PROD, "Bounded"), "s3:PutObject", APP_OBJECT, {}, resources), "ImplicitlyDenied");
    });

    it("session name, source IP and time conditions come from the context", async () => {
        const resources = [
            role(
                PROD,
                "Ci",
                trustedBy(root(DEV), {
                    StringLike: { "sts:RoleSessionName": "ci-*" },
                    IpAddress: { "aws:SourceIp": "203.0.113.0/24" },
                    DateLessThan: { "aws:CurrentTime": "2026-06-30T00:00:00Z" },
                }),
            ),
        ];
        const ci = roleArn(PROD, "Ci");
        const caller = `arn:aws:iam::${DEV}:role/Pipeline`; // not in the plan: identity side assumed to allow
        assert.equal(await decide(caller, "sts:AssumeRole", ci, { sessionName: "ci-42", sourceIp: "203.0.113.9" }, resources), "Allowed");
        assert.equal(
            await decide(caller, "sts:AssumeRole", ci, { sessionName: "alice", sourceIp: "203.0.113.9" }, resources),
            "ImplicitlyDenied",
        );
        assert.equal(
            await decide(caller, "sts:AssumeRole", ci, { sessionName: "ci-42", sourceIp: "198.51.100.1" }, resources),
            "ImplicitlyDenied",
        );
        assert.equal(
            await decide(
                caller,
                "sts:AssumeRole",
                ci,
                { sessionName: "ci-42", sourceIp: "203.0.113.9", currentTime: "2026-07-01T00:00:00Z" },
                resources,
            ),
            "ImplicitlyDenied",
        );
    });

    it("a resource that is not in the plan is ImplicitlyDenied, with an explanation", async () => {
        const { results } = await analyzeAccess(
            organization(),
            [
                {
                    id: "missing-bucket",
                    principal: roleArn(PROD, "UpdateApp"),
                    action: "s3:GetObject",
                    resource: "arn:aws:s3:::no-such-bucket/x",
                    expect: "deny",
                },
                {
                    id: "missing-role",
                    principal: groupArn(DEV, "Developers"),
                    action: "sts:AssumeRole",
                    resource: roleArn(PROD, "Ghost"),
                    expect: "allow",
                },
            ],
            { now: NOW },
        );
        assert.deepEqual(
            results.map((r) => [r.id, r.result, r.pass]),
            [
                ["missing-bucket", "ImplicitlyDenied", true],
                ["missing-role", "ImplicitlyDenied", false],
            ],
        );
        assert.equal(
            results[0].explanation,
            "ImplicitlyDenied: resource arn:aws:s3:::no-such-bucket/x is not in the plan (no account or policy known for it)",
        );
    });

    it("reports results in expectation order with pass flags, explanations and the external ID redacted", async () => {
        const expectations: AccessExpectation[] = [
            {
                id: "developers-updateapp",
                principal: groupArn(DEV, "Developers"),
                action: "sts:AssumeRole",
                resource: roleArn(PROD, "UpdateApp"),
                context: { mfa: true, mfaAgeSeconds: 300 },
                expect: "allow",
            },
            {
                id: "testers-updateapp",
                principal: groupArn(DEV, "Testers"),
                action: "sts:AssumeRole",
                resource: roleArn(PROD, "UpdateApp"),
                context: { mfa: true },
                expect: "allow",
            },
            {
                id: "ci-deployer",
                principal: userArn(DEV, "ci-bot"),
                action: "sts:AssumeRole",
                resource: roleArn(TEST, "Deployer"),
                context: { externalId: EXTERNAL_ID },
                expect: "allow",
            },
        ];
        const { results } = await analyzeAccess(organization(), expectations, { now: NOW });
        assert.deepEqual(
            results.map((r) => ({ id: r.id, result: r.result, expected: r.expected, pass: r.pass, context: r.context })),
            [
                {
                    id: "developers-updateapp",
                    result: "Allowed",
                    expected: "allow",
                    pass: true,
                    context: { mfa: true, mfaAgeSeconds: 300 },
                },
                { id: "testers-updateapp", result: "ExplicitlyDenied", expected: "allow", pass: false, context: { mfa: true } },
                { id: "ci-deployer", result: "Allowed", expected: "allow", pass: true, context: { externalId: "[secret]" } },
            ],
        );
        assert.equal(
            results[1].explanation,
            "ExplicitlyDenied: a member of group arn:aws:iam::111111111111:group/Testers → sts:AssumeRole on role arn:aws:iam::333333333333:role/UpdateApp; " +
                "cross-account: identity AND resource policy must allow; identity policies: denied by arn:aws:iam::111111111111:policy/DenyUpdateApp#DenyUpdateApp; " +
                "trust policy: trust policy#1 allows the principal's account (its identity policies must allow too)",
        );
        assert.ok(!JSON.stringify(results).includes(EXTERNAL_ID));
    });
});
