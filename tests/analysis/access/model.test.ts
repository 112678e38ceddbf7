import { strict as assert } from "node:assert";
import { AccessModel, analyzeAccess, renderCondition } from "../../../analysis/access";
import {
    DEV,
    PROD,
    TEST,
    doc,
    group,
    groupArn,
    groupAttachment,
    managedPolicy,
    membership,
    policyArn,
    role,
    roleArn,
    roleAttachment,
    rolePolicy,
    root,
    trustedBy,
    user,
    userArn,
    userPolicy,
} from "./fixtures";

const trustDev = trustedBy(root(DEV));
const assume = (arn: string) => doc({ Effect: "Allow", Action: "sts:AssumeRole", Resource: arn });

describe("access analysis: model of the plan", () => {
    it("attaches inline and managed policies by name within the same account only", () => {
        const model = new AccessModel([
            role(DEV, "Worker", trustDev),
            role(TEST, "Worker", trustDev),
            rolePolicy(TEST, "Worker", "test-only", assume("*")), // same name, other account
            managedPolicy(DEV, "Assume", assume(roleArn(PROD, "Target"))),
            roleAttachment(DEV, "Worker", policyArn(DEV, "Assume")),
        ]);
        const dev = model.identityByArn(roleArn(DEV, "Worker"))!;
        const test = model.identityByArn(roleArn(TEST, "Worker"))!;
        assert.deepEqual(
            model.policiesOf(dev).identity.map((p) => p.name),
            [policyArn(DEV, "Assume")],
        );
        assert.deepEqual(
            model.policiesOf(test).identity.map((p) => p.name),
            ["Worker/test-only"],
        );
    });

    it("gives a user its own and its groups' policies, and a group member only the group's", async () => {
        const resources = [
            role(PROD, "Target", trustDev),
            group(DEV, "Readers"),
            managedPolicy(DEV, "AssumeTarget", assume(roleArn(PROD, "Target"))),
            groupAttachment(DEV, "Readers", policyArn(DEV, "AssumeTarget")),
            user(DEV, "alice"),
            membership(DEV, "alice", ["Readers"]),
            user(DEV, "bob"),
            userPolicy(DEV, "bob", "deny", doc({ Effect: "Deny", Action: "sts:*", Resource: "*" })),
            membership(DEV, "bob", ["Readers"]),
        ];
        const { results } = await analyzeAccess(resources, [
            { id: "alice", principal: userArn(DEV, "alice"), action: "sts:AssumeRole", resource: roleArn(PROD, "Target"), expect: "allow" },
            { id: "bob", principal: userArn(DEV, "bob"), action: "sts:AssumeRole", resource: roleArn(PROD, "Target"), expect: "deny" },
            {
                id: "member",
                principal: groupArn(DEV, "Readers"),
                action: "sts:AssumeRole",
                resource: roleArn(PROD, "Target"),
                expect: "allow",
            },
        ]);
        assert.deepEqual(
            results.map((r) => [r.id, r.result]),
            [
                ["alice", "Allowed"],
                ["bob", "ExplicitlyDenied"],
                ["member", "Allowed"],
            ],
        );
    });

    it("keeps policies attached to identities created outside the plan", async () => {
        // The program attaches user policies to existing users by name.
        const resources = [role(PROD, "Target", trustDev), userPolicy(DEV, "legacy-admin", "assume", assume(roleArn(PROD, "Target")))];
        const { results, warnings } = await analyzeAccess(resources, [
            {
                id: "legacy",
                principal: userArn(DEV, "legacy-admin"),
                action: "sts:AssumeRole",
                resource: roleArn(PROD, "Target"),
                expect: "allow",
            },
        ]);
        assert.equal(results[0].result, "Allowed");
        assert.deepEqual(warnings, []);
    });

    it("warns about unparseable and unresolved policies instead of failing", async () => {
        const broken = role(DEV, "Broken", trustDev);
        broken.inputs.assumeRolePolicy = '{"Statement": [{"Condition": {"StringEquals": {"sts:ExternalId": "leaky-secret"}}}'; // truncated
        const { results, warnings } = await analyzeAccess(
            [
                broken,
                role(DEV, "Managed", trustDev, {
                    managedPolicyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::aws:policy/AdministratorAccess"],
                }),
            ],
            [
                {
                    id: "admin",
                    principal: roleArn(DEV, "Managed"),
                    action: "iam:DeleteRole",
                    resource: roleArn(DEV, "Broken"),
                    expect: "allow",
                },
            ],
        );
        assert.equal(warnings.length, 2);
        assert.equal(warnings[0], "policy arn:aws:iam::111111111111:role/Broken trust policy: not valid JSON; ignored");
        assert.ok(!JSON.stringify(warnings).includes("leaky-secret"));
        assert.equal(warnings[1], "role arn:aws:iam::111111111111:role/Broken has no trust policy");
        // AdministratorAccess is modelled; ReadOnlyAccess is reported as not modelled.
        assert.equal(results[0].result, "Allowed");
        assert.match(
            results[0].explanation,
            /not modelled \(managed policies outside the plan\): arn:aws:iam::aws:policy\/ReadOnlyAccess$/,
        );
    });

    it("renders conditions readably and hides external IDs", () => {
        assert.equal(renderCondition("Bool", "aws:MultiFactorAuthPresent", ["true"]), "aws:MultiFactorAuthPresent = true");
        assert.equal(renderCondition("StringEquals", "sts:ExternalId", ["s3cr3t"]), "sts:ExternalId = [secret]");
        assert.equal(renderCondition("StringEquals", "STS:EXTERNALID", ["a", "b"]), "STS:EXTERNALID = [secret]");
        assert.equal(renderCondition("NumericLessThan", "aws:MultiFactorAuthAge", ["3600"]), "aws:MultiFactorAuthAge < 3600");
        assert.equal(
            renderCondition("IpAddress", "aws:SourceIp", ["10.0.0.0/8", "192.168.0.0/16"]),
            "aws:SourceIp in [10.0.0.0/8, 192.168.0.0/16]",
        );
        assert.equal(
            renderCondition("ArnLike", "aws:PrincipalArn", ["arn:aws:iam::1:role/a", "arn:aws:iam::1:role/b"]),
            "aws:PrincipalArn like one of [arn:aws:iam::1:role/a, arn:aws:iam::1:role/b]",
        );
        assert.equal(
            renderCondition("BoolIfExists", "aws:MultiFactorAuthPresent", ["false"]),
            "aws:MultiFactorAuthPresent = false (if present)",
        );
        assert.equal(
            renderCondition("ForAnyValue:StringLike", "aws:PrincipalOrgPaths", ["o-1/r-1/*"]),
            "any of aws:PrincipalOrgPaths like o-1/r-1/*",
        );
        assert.equal(renderCondition("Null", "aws:TokenIssueTime", ["true"]), "aws:TokenIssueTime is absent");
    });
});
