// Functions, repositories, snapshots, alarms and the Config rule in the stack files: references across
// files, both sides of every grant, and the problems named with file, key and cause.
import { strict as assert } from "assert";
import { crossAccountRoleArns, stackDependencies } from "../../config";
import { ConfigEdit, assertArns, configProblems, loadStackFiles, referenceProject, roleOf } from "../support/project";

describe("stack configuration: functions, repositories, snapshots, alarms", () => {
    it("resolves the new references to the ARNs AWS will use, without new stack dependencies", () => {
        const organization = loadStackFiles(referenceProject());
        assertArns(organization, {
            "prod/function/release-notifier": "arn:aws:lambda:us-east-1:999999999999:function:release-notifier",
            "prod/repository/app-images": "arn:aws:ecr:us-east-1:999999999999:repository/app-images",
            "prod/snapshot/appdb-baseline": "arn:aws:rds:us-east-1:999999999999:snapshot:appdb-baseline",
        });
        assert.deepEqual(stackDependencies(organization, "prod"), []);
        assert.deepEqual(crossAccountRoleArns(organization), [
            "arn:aws:iam::999999999999:role/AppReadOnly",
            "arn:aws:iam::999999999999:role/ReleaseDeploy",
            "arn:aws:iam::999999999999:role/UpdateApp",
            "arn:aws:iam::999999999999:role/VendorAudit",
        ]);
        const prod = organization.environments.prod.settings;
        assert.deepEqual(prod.repositories[0].grants[0].access, "pull");
        assert.deepEqual(prod.alarms, {
            topicName: "crossaccount-activity",
            logRetentionDays: 365,
            accessDeniedThreshold: 1,
            subscriptions: [{ protocol: "email", endpoint: "security-alerts@example.com" }],
        });
        assert.deepEqual(prod.managedPolicyRule, {
            name: "crossaccount-blocked-managed-policies",
            policyArns: ["arn:aws:iam::aws:policy/AdministratorAccess"],
            exceptRoles: ["OrganizationAccountAccessRole"],
            exceptUsers: [],
            exceptGroups: [],
            recorder: { name: "default", create: false },
        });
    });

    it("rejects references to functions, repositories and snapshots no stack file defines", () => {
        const problems = configProblems({
            dev: (c) => {
                roleOf(c, "CiBuild").invoke = ["prod/function/release-notifer"];
                roleOf(c, "CiBuild").pull = ["prod/repository/app-image", "staging/repository/app-images"];
            },
            test: (c) => (roleOf(c, "IntegrationTests").restore = ["prod/snapshot/appdb"]),
        });
        assert.deepEqual(problems, [
            "Pulumi.dev.yaml: crossaccount:roles[1].invoke[0]: function 'release-notifer' is referenced but not defined in Pulumi.prod.yaml",
            "Pulumi.dev.yaml: crossaccount:roles[1].pull[0]: repository 'app-image' is referenced but not defined in Pulumi.prod.yaml",
            "Pulumi.dev.yaml: crossaccount:roles[1].pull[1]: environment 'staging' is referenced but no stack file defines it",
            // prod's invoker no longer asks for the function, so nothing would create its permission.
            "Pulumi.prod.yaml: crossaccount:functions[0].invokers[0]: role 'CiBuild' in Pulumi.dev.yaml does not invoke prod/function/release-notifier; its stack creates the permission, so add it to that role's invoke",
            "Pulumi.test.yaml: crossaccount:roles[1].restore[0]: snapshot 'appdb' is referenced but not defined in Pulumi.prod.yaml",
        ]);
    });

    it("rejects a caller side the owner does not grant: invoke, pull, push and restore", () => {
        const problems = configProblems({
            prod: (c) => {
                c["crossaccount:functions"][0].invokers = [];
                c["crossaccount:repositories"][0].grants[0].principals = [
                    "test/role/IntegrationTests",
                    "dev/role/GitHubActionsDeploy",
                    "test/role/GitHubActionsDeploy",
                ];
            },
            test: (c) => {
                roleOf(c, "IntegrationTests").push = ["prod/repository/app-images"];
                roleOf(c, "ImageSharingRole").restore = ["prod/snapshot/appdb-baseline"];
                roleOf(c, "ImageSharingRole").restoreInto = { prefix: "images" };
            },
            dev: (c) => {
                c["crossaccount:roles"].push({
                    name: "Restorer",
                    trust: { accounts: ["dev"] },
                    restore: ["prod/snapshot/appdb-baseline"],
                    restoreInto: { prefix: "restorer-" },
                });
            },
        });
        assert.deepEqual(problems, [
            "Pulumi.dev.yaml: crossaccount:roles[1].invoke[0]: function 'release-notifier' in Pulumi.prod.yaml does not list dev/role/CiBuild among its invokers",
            "Pulumi.dev.yaml: crossaccount:roles[1].pull[0]: repository 'app-images' in Pulumi.prod.yaml grants dev/role/CiBuild no pull access",
            "Pulumi.dev.yaml: crossaccount:roles[4].restore[0]: snapshot 'appdb-baseline' in Pulumi.prod.yaml is not shared with account 111111111111",
            "Pulumi.test.yaml: crossaccount:roles[1].push[0]: repository 'app-images' in Pulumi.prod.yaml grants test/role/IntegrationTests no push access",
        ]);
    });

    it("rejects an invoker whose own stack file does not invoke the function: that stack creates the permission", () => {
        const problems = configProblems({
            prod: (c) => c["crossaccount:functions"][0].invokers.push("test/role/IntegrationTests"),
            dev: (c) => (roleOf(c, "CiBuild").invoke = []),
        });
        assert.deepEqual(problems, [
            "Pulumi.prod.yaml: crossaccount:functions[0].invokers[0]: role 'CiBuild' in Pulumi.dev.yaml does not invoke prod/function/release-notifier; its stack creates the permission, so add it to that role's invoke",
            "Pulumi.prod.yaml: crossaccount:functions[0].invokers[1]: role 'IntegrationTests' in Pulumi.test.yaml does not invoke prod/function/release-notifier; its stack creates the permission, so add it to that role's invoke",
        ]);
    });

    it("orders a caller's stack after the owner of every function its roles invoke", () => {
        // Without its trail, dev reads prod's outputs for nothing else: the dependency comes from CiBuild's invoke alone.
        const withoutTrail: ConfigEdit = (c) => {
            delete c["crossaccount:audit"];
            delete c["crossaccount:alarms"];
        };
        assert.deepEqual(stackDependencies(loadStackFiles(referenceProject({ dev: withoutTrail })), "dev"), ["prod"]);
        const withoutInvoke = loadStackFiles(
            referenceProject({
                dev: (c) => {
                    withoutTrail(c);
                    roleOf(c, "CiBuild").invoke = [];
                },
                prod: (c) => (c["crossaccount:functions"][0].invokers = []),
            }),
        );
        assert.deepEqual(stackDependencies(withoutInvoke, "dev"), []);
        // A role invoking a function of its own environment adds no dependency.
        const ownFunction = loadStackFiles(
            referenceProject({
                dev: (c) => {
                    withoutTrail(c);
                    roleOf(c, "CiBuild").invoke = ["dev/function/local-hook"];
                    c["crossaccount:functions"] = [{ name: "local-hook", invokers: ["dev/role/CiBuild"] }];
                },
                prod: (c) => (c["crossaccount:functions"][0].invokers = []),
            }),
        );
        assert.deepEqual(stackDependencies(ownFunction, "dev"), []);
    });

    it("rejects sharing a snapshot publicly, outside the organization or with its own account", () => {
        const problems = configProblems({
            prod: (c) => (c["crossaccount:snapshots"][0].sharedWith = ["all", "444455556666", "prod", "staging"]),
        });
        assert.deepEqual(problems, [
            "Pulumi.prod.yaml: crossaccount:snapshots[0].sharedWith[0]: 'all' would make the snapshot public; name the accounts to share it with",
            "Pulumi.prod.yaml: crossaccount:snapshots[0].sharedWith[1]: account 444455556666 is not in the organization's account list (crossaccount:organization.accounts)",
            "Pulumi.prod.yaml: crossaccount:snapshots[0].sharedWith[2]: account 'prod' is this environment's own account; a snapshot is not shared with its owner",
            "Pulumi.prod.yaml: crossaccount:snapshots[0].sharedWith[3]: account 'staging' is not in the organization's account list (crossaccount:organization.accounts)",
            // test's caller side no longer matches.
            "Pulumi.test.yaml: crossaccount:roles[1].restore[0]: snapshot 'appdb-baseline' in Pulumi.prod.yaml is not shared with account 222222222222",
        ]);
    });

    it("rejects sharing a snapshot with more accounts than RDS allows (20)", () => {
        const problems = configProblems({
            prod: (c) => (c["crossaccount:snapshots"][0].sharedWith = [...Array.from({ length: 20 }, () => "dev"), "test"]),
        });
        assert.deepEqual(problems, [
            "Pulumi.prod.yaml: crossaccount:snapshots[0].sharedWith: names 21 accounts; RDS shares a snapshot with at most 20",
        ]);
    });

    it("rejects alarms without the audit trail, bad retention and names, and Sids the program generates", () => {
        const problems = configProblems({
            dev: (c) => {
                delete c["crossaccount:audit"];
                roleOf(c, "CiBuild").permissions = [{ sid: "PullSharedImages", actions: ["ecr:DescribeImages"], resources: ["*"] }];
            },
            prod: (c) => {
                c["crossaccount:alarms"].logRetentionDays = 100;
                c["crossaccount:repositories"][0].name = "App_Images";
                c["crossaccount:snapshots"][0].key = "appdb--baseline";
            },
        });
        assert.deepEqual(problems, [
            'Pulumi.prod.yaml: crossaccount:repositories[0].name: must be an ECR repository name such as app-images (got "App_Images")',
            'Pulumi.prod.yaml: crossaccount:snapshots[0].key: must be letters, digits and single hyphens, starting with a letter (got "appdb--baseline")',
            "Pulumi.prod.yaml: crossaccount:alarms.logRetentionDays: must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653 days (got 100)",
        ]);
        // Schema problems stop the load first; the cross-checks run on a file that parses.
        assert.deepEqual(
            configProblems({
                dev: (c) => {
                    delete c["crossaccount:audit"];
                    roleOf(c, "CiBuild").permissions = [{ sid: "PullSharedImages", actions: ["ecr:DescribeImages"], resources: ["*"] }];
                },
            }),
            [
                "Pulumi.dev.yaml: crossaccount:roles[1].permissions[0].sid: 'PullSharedImages' is used by the statement generated for pull/push/restore; choose another",
                "Pulumi.dev.yaml: crossaccount:alarms: needs crossaccount:audit: the alarms read the trail's events, which the trail then delivers to CloudWatch Logs",
            ],
        );
    });

    it("rejects duplicate functions, and derived role names that clash with a role or exceed 64 characters", () => {
        const problems = configProblems({
            prod: (c) => {
                c["crossaccount:functions"].push({ ...c["crossaccount:functions"][0] });
                c["crossaccount:roles"].push({ name: "release-notifier-execution", trust: { accounts: ["prod"] } });
            },
            test: (c) => (c["crossaccount:audit"].trailName = `crossaccount-audit-${"x".repeat(40)}`),
        });
        assert.deepEqual(problems, [
            "Pulumi.prod.yaml: crossaccount:functions[0].name: the function's execution role 'release-notifier-execution' has the name of a role in crossaccount:roles",
            "Pulumi.prod.yaml: crossaccount:functions[1].name: duplicate function name 'release-notifier'",
            "Pulumi.prod.yaml: crossaccount:functions[1].name: the function's execution role 'release-notifier-execution' has the name of a role in crossaccount:roles",
            `Pulumi.test.yaml: crossaccount:audit.trailName: with crossaccount:alarms the trail's delivery role 'crossaccount-audit-${"x".repeat(40)}-cloudwatch-logs' is over 64 characters; shorten the trail name`,
        ]);
    });
});

describe("stack configuration: shared snapshots' keys, restore targets and key references", () => {
    it("resolves key references to alias ARNs and orders a restoring stack after the owner that creates the key", () => {
        const organization = loadStackFiles(referenceProject());
        assertArns(organization, {
            "prod/key/crossaccount-audit": "arn:aws:kms:us-east-1:999999999999:alias/crossaccount-audit",
            "prod/key/rds-snapshot-appdb-baseline": "arn:aws:kms:us-east-1:999999999999:alias/rds-snapshot-appdb-baseline",
        });
        assert.deepEqual(organization.environments.test.settings.roles[1].restoreInto, {
            prefix: "integration-",
            allowDefaultGroups: false,
        });
        // Without the audit trail, test still reads prod: its role's policy names the key prod creates.
        const withoutAudit: ConfigEdit = (c) => {
            delete c["crossaccount:audit"];
            delete c["crossaccount:alarms"];
        };
        const created = loadStackFiles(referenceProject({ test: withoutAudit }));
        assert.ok(stackDependencies(created, "test").includes("prod"));
        const existingKey = loadStackFiles(
            referenceProject({
                test: withoutAudit,
                prod: (c) => {
                    c["crossaccount:snapshots"][0].kmsKeyArn =
                        "arn:aws:kms:us-east-1:999999999999:key/1234abcd-12ab-34cd-56ef-1234567890ab";
                    // Its alias is no longer one prod creates.
                    c["crossaccount:accessExpectations"] = c["crossaccount:accessExpectations"].filter(
                        (e: { resource: string }) => !e.resource.includes("rds-snapshot"),
                    );
                },
            }),
        );
        assert.ok(!stackDependencies(existingKey, "test").includes("prod"));
    });

    it("names the file, the key and the problem for restore targets, snapshot keys, key references and expectation contexts", () => {
        // Schema problems first (the cross-checks wait for a file that parses).
        const problems = configProblems({
            prod: (c) => {
                c["crossaccount:accessExpectations"].push(
                    {
                        id: "epoch-time",
                        principal: "test/role/IntegrationTests",
                        action: "kms:Decrypt",
                        resource: "prod/key/rds-snapshot-appdb-baseline",
                        context: { currentTime: "1800000000" },
                        expect: "deny",
                    },
                    {
                        id: "ok",
                        principal: "test/role/IntegrationTests",
                        action: "kms:Decrypt",
                        resource: "prod/key/crossaccount-audit",
                        expect: "deny",
                    },
                    {
                        id: "bad-via",
                        principal: "test/role/IntegrationTests",
                        action: "kms:Decrypt",
                        resource: "prod/key/crossaccount-audit",
                        context: { viaService: "rds" },
                        expect: "deny",
                    },
                );
            },
        });
        assert.deepEqual(problems, [
            'Pulumi.prod.yaml: crossaccount:accessExpectations[58].context.currentTime: must be an ISO 8601 time such as 2026-01-31T00:00:00Z (got "1800000000")',
            'Pulumi.prod.yaml: crossaccount:accessExpectations[60].context.viaService: must be a service endpoint such as rds.us-east-1.amazonaws.com (got "rds")',
        ]);
        const later = configProblems({
            prod: (c) => {
                const key = (account: string) => `arn:aws:kms:us-east-1:${account}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
                c["crossaccount:snapshots"].push(
                    { key: "foreign", source: "foreign-src", sharedWith: ["test"], kmsKeyArn: key("111111111111") },
                    { key: "plain", source: "plain-src", sharedWith: ["test"], unencrypted: true, kmsKeyArn: key("999999999999") },
                );
                c["crossaccount:accessExpectations"].push({
                    id: "unknown-key",
                    principal: "test/role/IntegrationTests",
                    action: "kms:Decrypt",
                    resource: "prod/key/nope",
                    expect: "deny",
                });
            },
            test: (c) => {
                delete roleOf(c, "IntegrationTests").restoreInto;
                roleOf(c, "ImageSharingRole").restoreInto = { prefix: "images-" };
            },
        });
        assert.deepEqual(later, [
            "Pulumi.prod.yaml: crossaccount:snapshots[1].kmsKeyArn: must be a key of this environment's account 999999999999 in us-east-1 (got 111111111111 in us-east-1)",
            "Pulumi.prod.yaml: crossaccount:snapshots[2].kmsKeyArn: is given with unencrypted: true; an unencrypted source has no key",
            "Pulumi.prod.yaml: crossaccount:accessExpectations[58].resource: key 'nope' is not a key Pulumi.prod.yaml creates (crossaccount-audit, rds-snapshot-appdb-baseline)",
            "Pulumi.test.yaml: crossaccount:roles[0].restoreInto: is given without restore; name the shared snapshots in restore",
            "Pulumi.test.yaml: crossaccount:roles[1].restoreInto: is required with restore: give the prefix of the DB instances, option, parameter and subnet groups it restores into",
        ]);
    });
});
