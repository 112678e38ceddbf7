import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { AssumeRoleGrant, AssumeRoleGrantArgs } from "../../components/assume-role-grant";
import { DEV, PROD, TEST, accountProvider, parsedJson, promiseOf, recorded, settle, suiteMocks } from "./support";

const updateApp = `arn:aws:iam::${PROD}:role/UpdateApp`;
const readLogs = `arn:aws:iam::${TEST}:role/ReadLogs`;

describe("AssumeRoleGrant", () => {
    const mocks = suiteMocks();

    it("allows developers to assume exact roles, with one inline policy per group and per user", async () => {
        const grant = new AssumeRoleGrant(
            "developers-assume",
            {
                effect: "Allow",
                roleArns: [updateApp, pulumi.output(readLogs)],
                groupNames: ["Developers", "Oncall"],
                userNames: ["alice"],
                policyName: "AssumeProdRoles",
            },
            { provider: accountProvider("dev-for-grant", DEV) },
        );
        const expected = {
            Version: "2012-10-17",
            Statement: [{ Sid: "AllowAssumeRole", Effect: "Allow", Action: "sts:AssumeRole", Resource: [updateApp, readLogs] }],
        };
        assert.deepStrictEqual(await parsedJson(grant.policy), expected);
        assert.strictEqual(grant.groupPolicies.length, 2);
        assert.strictEqual(grant.userPolicies.length, 1);
        await settle();

        const component = recorded(mocks, "crossaccount:index:AssumeRoleGrant", "developers-assume");
        const policy = await promiseOf(grant.policy);
        for (const [type, name, inputs] of [
            [
                "aws:iam/groupPolicy:GroupPolicy",
                "developers-assume-group-Developers",
                { name: "AssumeProdRoles", group: "Developers", policy },
            ],
            ["aws:iam/groupPolicy:GroupPolicy", "developers-assume-group-Oncall", { name: "AssumeProdRoles", group: "Oncall", policy }],
            ["aws:iam/userPolicy:UserPolicy", "developers-assume-user-alice", { name: "AssumeProdRoles", user: "alice", policy }],
        ] as const) {
            const child = recorded(mocks, type, name);
            assert.deepStrictEqual(child.inputs, inputs);
            assert.strictEqual(child.accountId, DEV);
            assert.strictEqual(child.parent, component.urn);
        }
    });

    it("keys a group whose name is an Output by the key it is given, never its position", async () => {
        const dev = accountProvider("dev-for-keyed", DEV);
        const testers = new aws.iam.Group("Testers", { name: "Testers" }, { provider: dev });
        new AssumeRoleGrant(
            "keyed",
            { effect: "Deny", roleArns: [updateApp], groups: [{ key: "Testers", name: testers.name }] },
            { provider: dev },
        );
        await settle();
        const child = recorded(mocks, "aws:iam/groupPolicy:GroupPolicy", "keyed-group-Testers");
        assert.strictEqual(child.inputs.group, "Testers");
        assert.ok(child.dependencies.includes(recorded(mocks, "aws:iam/group:Group", "Testers").urn), "waits for the group");
        assert.throws(
            () =>
                new AssumeRoleGrant("twice", {
                    effect: "Deny",
                    roleArns: [updateApp],
                    groupNames: ["Testers"],
                    groups: [{ key: "Testers", name: testers.name }],
                }),
            /AssumeRoleGrant twice names "Testers" twice/,
        );
    });

    it("explicitly denies testers, naming the policy after the component by default", async () => {
        const grant = new AssumeRoleGrant("testers-deny", { effect: "Deny", roleArns: [updateApp], groupNames: ["Testers"] });
        assert.deepStrictEqual(await parsedJson(grant.policy), {
            Version: "2012-10-17",
            Statement: [{ Sid: "DenyAssumeRole", Effect: "Deny", Action: "sts:AssumeRole", Resource: [updateApp] }],
        });
        await settle();
        assert.strictEqual(recorded(mocks, "aws:iam/groupPolicy:GroupPolicy", "testers-deny-group-Testers").inputs.name, "testers-deny");
        assert.strictEqual(grant.userPolicies.length, 0);
    });

    it("accepts wildcards in a Deny", async () => {
        const grant = new AssumeRoleGrant("deny-all-prod", {
            effect: "Deny",
            roleArns: [`arn:aws:iam::${PROD}:role/*`],
            userNames: ["contractor"],
        });
        assert.deepStrictEqual(((await parsedJson(grant.policy)) as { Statement: { Resource: string[] }[] }).Statement[0].Resource, [
            `arn:aws:iam::${PROD}:role/*`,
        ]);
    });

    it("refuses a wildcard role ARN in an Allow, before creating anything", () => {
        const before = mocks.resources.length;
        assert.throws(
            () =>
                new AssumeRoleGrant("wild-allow", {
                    effect: "Allow",
                    roleArns: [updateApp, `arn:aws:iam::${PROD}:role/*`],
                    groupNames: ["Developers"],
                }),
            /Refusing to Allow sts:AssumeRole on "arn:aws:iam::333333333333:role\/\*": name exact role ARNs/,
        );
        assert.throws(
            () => new AssumeRoleGrant("star-allow", { effect: "Allow", roleArns: ["*"], groupNames: ["Developers"] }),
            /Refusing to Allow sts:AssumeRole on "\*"/,
        );
        assert.strictEqual(mocks.resources.length, before);
    });

    it("fails the policy when a role ARN Output resolves to a wildcard in an Allow", async () => {
        const grant = new AssumeRoleGrant("wild-output", {
            effect: "Allow",
            roleArns: [pulumi.output(`arn:aws:iam::${PROD}:role/app-?`)],
            groupNames: ["Developers"],
        });
        await assert.rejects(promiseOf(grant.policy), /Refusing to Allow sts:AssumeRole on "arn:aws:iam::333333333333:role\/app-\?"/);
        await settle();
    });

    describe("validation", () => {
        const cases: [string, AssumeRoleGrantArgs, RegExp][] = [
            ["no role ARNs", { effect: "Allow", roleArns: [], groupNames: ["G"] }, /names no role ARNs/],
            ["no groups or users", { effect: "Allow", roleArns: [updateApp], groupNames: [], userNames: [] }, /names no groups or users/],
            [
                "a non-role ARN",
                { effect: "Deny", roleArns: ["arn:aws:s3:::bucket"], groupNames: ["G"] },
                /Invalid role ARN "arn:aws:s3:::bucket"/,
            ],
            [
                "a bad policy name",
                { effect: "Allow", roleArns: [updateApp], groupNames: ["G"], policyName: "a b" },
                /Invalid policy name "a b"/,
            ],
            ["a bad group name", { effect: "Allow", roleArns: [updateApp], groupNames: ["a/b"] }, /Invalid group or user name "a\/b"/],
            ["a group named twice", { effect: "Allow", roleArns: [updateApp], groupNames: ["G", "G"] }, /names "G" twice/],
        ];
        for (const [label, args, message] of cases) {
            it(`refuses ${label}`, () => {
                assert.throws(() => new AssumeRoleGrant(`invalid-${label.replace(/\W+/g, "-")}`, args), message);
            });
        }
    });
});
