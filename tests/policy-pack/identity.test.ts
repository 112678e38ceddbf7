import * as assert from "assert";
import { advised, expectClean, expectRows, reported, rowsFor } from "./expect";
import { ACCOUNTS, T, patch, patched, policyJson, resource, userPolicy } from "./fixtures";

const sameAccountTrustIn = (account: string) => ({
    Effect: "Allow",
    Principal: { AWS: `arn:aws:iam::${account}:root` },
    Action: "sts:AssumeRole",
});

const IMAGES = "arn:aws:s3:::images-dev/*";

describe("identity policy rules", () => {
    describe("iam-no-star-action", () => {
        it('reports Action "*" and NotAction with Allow', async () => {
            await expectRows(
                userPolicy(
                    { Effect: "Allow", Action: "*", Resource: IMAGES },
                    { Sid: "AllButIam", Effect: "Allow", NotAction: "iam:*", Resource: IMAGES },
                ),
                reported("iam-no-star-action", "alice-assume", [
                    'policy statement 1: allows Action "*", every action of every service. Fix: list only the actions this identity needs, e.g. "s3:GetObject".',
                    'policy statement 2 ("AllButIam"): "NotAction" with "Effect": "Allow" grants every action of every service except the listed ones. ' +
                        'Fix: list only the actions this identity needs in "Action".',
                ]),
            );
        });

        it('accepts "*" in a Deny', async () => {
            await expectClean(
                userPolicy(
                    { Effect: "Allow", Action: "s3:GetObject", Resource: IMAGES },
                    { Effect: "Deny", Action: "*", Resource: "*", Condition: { Bool: { "aws:SecureTransport": "false" } } },
                ),
            );
        });
    });

    describe("iam-no-service-wildcard-action", () => {
        it("reports iam:* and s3:* in an Allow, in role inline policies as well", async () => {
            await expectRows(
                patched("image-sharing", {
                    inlinePolicies: [
                        { name: "too-broad", policy: { Statement: { Effect: "Allow", Action: ["s3:*", "iam:*"], Resource: IMAGES } } },
                    ],
                }),
                reported("iam-no-service-wildcard-action", "image-sharing", [
                    'inlinePolicies["too-broad"] statement 1: allows "s3:*", every s3 action. Fix: list only the s3 actions this identity needs.',
                    'inlinePolicies["too-broad"] statement 1: allows "iam:*", every iam action. Fix: list only the iam actions this identity needs.',
                ]),
            );
        });

        it("accepts partial wildcards such as s3:Get*", async () => {
            await expectClean(userPolicy({ Effect: "Allow", Action: ["s3:Get*", "s3:List*"], Resource: IMAGES }));
        });
    });

    describe("iam-no-resource-star", () => {
        const message = (where: string, actions: string, verb: string) =>
            `${where}: allows ${actions} on Resource "*" although ${verb} ` +
            'resource-level permissions. Fix: replace "*" with the ARNs of the resources needed, e.g. "arn:aws:s3:::<bucket>/*".';

        it('reports actions that support resource-level permissions on "*", and NotResource with Allow', async () => {
            await expectRows(
                userPolicy(
                    { Effect: "Allow", Action: ["s3:ListAllMyBuckets", "s3:GetObject", "kms:Decrypt"], Resource: "*" },
                    { Effect: "Allow", Action: "s3:Get*", Resource: ["*"] },
                    { Effect: "Allow", Action: "s3:GetObject", NotResource: "arn:aws:s3:::secrets/*" },
                ),
                reported("iam-no-resource-star", "alice-assume", [
                    message("policy statement 1", '"s3:GetObject", "kms:Decrypt"', "they support"),
                    message("policy statement 2", '"s3:Get*"', "it supports"),
                    'policy statement 3: "NotResource" with "Effect": "Allow" grants the actions on every resource except the listed ones. ' +
                        'Fix: use "Resource" with the ARNs the actions need.',
                ]),
            );
        });

        it('reports s3:* on "*" together with the service wildcard', async () => {
            const result = await rowsFor(userPolicy({ Effect: "Allow", Action: "s3:*", Resource: "*" }));
            assert.deepStrictEqual(
                result.map(([policy]) => policy),
                ["iam-no-service-wildcard-action", "iam-no-resource-star"],
            );
            assert.strictEqual(result[1][3], message("policy statement 1", '"s3:*"', "it supports"));
        });

        it('accepts wildcard-only actions, mostly wildcard-only patterns and tag-scoped statements on "*"', async () => {
            const result = await rowsFor(
                userPolicy(
                    { Effect: "Allow", Action: ["s3:ListAllMyBuckets", "sts:GetCallerIdentity", "ec2:Describe*"], Resource: "*" },
                    {
                        Effect: "Allow",
                        Action: "ec2:StartInstances",
                        Resource: "*",
                        Condition: { StringEquals: { "aws:ResourceTag/Team": "images" } },
                    },
                ),
            );
            // "ec2:Describe*" draws only the advisory below.
            assert.deepStrictEqual(
                result.filter(([, , level]) => level === "mandatory"),
                [],
            );
        });
    });

    describe("iam-unscopable-wildcard", () => {
        it('advises on a mostly wildcard-only pattern on "*", listing the actions it covers that could name resources (exact text)', async () => {
            await expectRows(
                userPolicy({ Sid: "Inventory", Effect: "Allow", Action: ["cloudwatch:Describe*", "sts:GetCallerIdentity"], Resource: "*" }),
                advised("iam-unscopable-wildcard", "alice-assume", [
                    'policy statement 1 ("Inventory"): allows "cloudwatch:Describe*" on Resource "*"; 3 of the 5 actions it matches only work on "*", ' +
                        'but 2 support resource-level permissions: "cloudwatch:DescribeAlarmHistory", "cloudwatch:DescribeAlarms". Fix: list the actions ' +
                        "this identity needs, granting those on the ARNs of their resources, or keep the wildcard if reading every such resource is intended.",
                ]),
            );
        });

        it("lists the 17 scopable actions of ec2:Describe* in a role's inline policy, as an advisory only", async () => {
            const result = await rowsFor(
                patched("image-sharing", {
                    inlinePolicies: [
                        { name: "inventory", policy: policyJson({ Effect: "Allow", Action: "ec2:Describe*", Resource: "*" }) },
                    ],
                }),
            );
            assert.deepStrictEqual(
                result.map(([policy, name, level]) => [policy, name, level]),
                [["iam-unscopable-wildcard", "image-sharing", "advisory"]],
            );
            assert.match(
                result[0][3],
                /^inlinePolicies\["inventory"\] statement 1: allows "ec2:Describe\*" on Resource "\*"; 177 of the 194 actions .* but 17 support /,
            );
            assert.ok(result[0][3].includes('"ec2:DescribeInstanceAttribute"'));
        });

        it("stays silent on fully wildcard-only patterns, scoped resources, resource conditions, Deny and mostly scopable patterns", async () => {
            await expectClean(
                userPolicy(
                    {
                        Effect: "Allow",
                        Action: ["ec2:DescribeRegion*", "iam:Get*"],
                        Resource: "*",
                        Condition: { StringEquals: { "aws:ResourceAccount": ACCOUNTS.dev } },
                    },
                    { Effect: "Allow", Action: "ec2:DescribeRegion*", Resource: "*" },
                    { Effect: "Allow", Action: "ec2:Describe*", Resource: `arn:aws:ec2:us-east-1:${ACCOUNTS.dev}:instance/*` },
                    {
                        Effect: "Allow",
                        Action: "ec2:Describe*",
                        Resource: "*",
                        Condition: { StringEquals: { "aws:ResourceTag/Team": "images" } },
                    },
                    { Effect: "Deny", Action: "ec2:Describe*", Resource: "*" },
                ),
            );
        });
    });

    describe("iam-action-exists", () => {
        it("reports misspelt actions, unknown services and malformed actions, in Allow and Deny, in every kind of document", async () => {
            await expectRows(
                (r) => {
                    patch(r, "alice-assume", {
                        policy: policyJson(
                            { Effect: "Allow", Action: ["s3:GetObjekt", "s3:Geet*", "s3x:GetObject"], Resource: IMAGES },
                            { Effect: "Deny", Action: "GetObject", Resource: IMAGES },
                        ),
                    });
                    patch(r, "ci-deployer", {
                        assumeRolePolicy: policyJson({
                            Effect: "Allow",
                            Principal: { AWS: `arn:aws:iam::${ACCOUNTS.dev}:root` },
                            Action: "sts:AssumeRoel",
                        }),
                    });
                },
                [
                    ...reported("iam-action-exists", "ci-deployer", [
                        'assumeRolePolicy statement 1: "sts:AssumeRoel" matches no sts action. Fix: correct the spelling (did you mean "sts:AssumeRole"?).',
                    ]),
                    ...reported("iam-action-exists", "alice-assume", [
                        'policy statement 1: "s3:GetObjekt" matches no s3 action. Fix: correct the spelling (did you mean "s3:GetObject"?).',
                        'policy statement 1: "s3:Geet*" matches no s3 action. Fix: correct the spelling.',
                        'policy statement 1: "s3x:GetObject" names an unknown service "s3x". Fix: use the service prefix AWS documents, e.g. "s3" or "sts".',
                        'policy statement 2: "GetObject" is not an action (expected "service:Action"). Fix: write it as e.g. "s3:GetObject".',
                    ]),
                ],
            );
        });

        it("reports a typo in a bucket policy", async () => {
            await expectRows(
                patched("images-dev-policy", {
                    policy: policyJson({
                        Sid: "DenyInsecure",
                        Effect: "Deny",
                        Principal: "*",
                        Action: ["s3:*", "s3:PutObjekt"],
                        Resource: ["arn:aws:s3:::images-dev", IMAGES],
                        Condition: { Bool: { "aws:SecureTransport": "false" } },
                    }),
                }),
                reported("iam-action-exists", "images-dev-policy", [
                    'policy statement 1 ("DenyInsecure"): "s3:PutObjekt" matches no s3 action. Fix: correct the spelling (did you mean "s3:PutObject"?).',
                ]),
            );
        });

        it("accepts real actions in any case and wildcards that match something", async () => {
            await expectClean(
                userPolicy({ Effect: "Allow", Action: ["S3:getobject", "s3:Get*Version", "s3:GetObject?cl"], Resource: IMAGES }),
            );
        });
    });

    describe("iam-assume-role-explicit-arns", () => {
        const fix = 'Fix: list the ARNs of the roles this identity may assume, e.g. "arn:aws:iam::999999999999:role/ImageSharingRole".';

        it('reports sts:AssumeRole on "*", on a wildcard role ARN and with NotResource', async () => {
            await expectRows(
                userPolicy(
                    { Effect: "Allow", Action: "sts:AssumeRole", Resource: `arn:aws:iam::${ACCOUNTS.prod}:role/*` },
                    { Effect: "Allow", Action: "sts:Assume*", NotResource: `arn:aws:iam::${ACCOUNTS.prod}:role/Admin` },
                ),
                [
                    ...reported("iam-no-resource-star", "alice-assume", [
                        'policy statement 2: "NotResource" with "Effect": "Allow" grants the actions on every resource except the listed ones. ' +
                            'Fix: use "Resource" with the ARNs the actions need.',
                    ]),
                    ...reported("iam-assume-role-explicit-arns", "alice-assume", [
                        `policy statement 1: allows sts:AssumeRole on "arn:aws:iam::999999999999:role/*", which is not an explicit role ARN. ${fix}`,
                        `policy statement 2: allows sts:AssumeRole on every role except those in NotResource, which is not an explicit role ARN. ${fix}`,
                    ]),
                ],
            );
        });

        it('reports sts:AssumeRole on "*" (which the resource rule reports too)', async () => {
            await expectRows(userPolicy({ Effect: "Allow", Action: "sts:AssumeRole", Resource: "*" }), [
                ...reported("iam-no-resource-star", "alice-assume", [
                    'policy statement 1: allows "sts:AssumeRole" on Resource "*" although it supports resource-level permissions. ' +
                        'Fix: replace "*" with the ARNs of the resources needed, e.g. "arn:aws:s3:::<bucket>/*".',
                ]),
                ...reported("iam-assume-role-explicit-arns", "alice-assume", [
                    `policy statement 1: allows sts:AssumeRole on "*", which is not an explicit role ARN. ${fix}`,
                ]),
            ]);
        });

        it("accepts explicit role ARNs and a Deny on an ARN", async () => {
            await expectClean(
                userPolicy(
                    {
                        Effect: "Allow",
                        Action: "sts:AssumeRole",
                        Resource: [`arn:aws:iam::${ACCOUNTS.prod}:role/ImageSharingRole`, `arn:aws:iam::${ACCOUNTS.test}:role/team/Reader`],
                    },
                    { Effect: "Deny", Action: "sts:AssumeRole", Resource: `arn:aws:iam::${ACCOUNTS.prod}:role/*` },
                ),
            );
        });
    });

    describe("iam-no-privilege-escalation", () => {
        const adminFix =
            "Fix: remove them; changes to IAM permissions and credentials belong to a separate, tightly controlled administration role.";

        it("reports escalation actions, including through wildcards, and iam:PassRole on any role", async () => {
            await expectRows(
                userPolicy(
                    {
                        Effect: "Allow",
                        Action: ["iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion"],
                        Resource: `arn:aws:iam::${ACCOUNTS.dev}:policy/app`,
                    },
                    { Effect: "Allow", Action: "iam:Put*Policy", Resource: `arn:aws:iam::${ACCOUNTS.dev}:role/app` },
                    { Effect: "Allow", Action: "iam:PassRole", Resource: `arn:aws:iam::${ACCOUNTS.dev}:role/*` },
                ),
                reported("iam-no-privilege-escalation", "alice-assume", [
                    `policy statement 1: allows privilege-escalation actions "iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion". ${adminFix}`,
                    `policy statement 2: allows privilege-escalation actions "iam:PutUserPolicy", "iam:PutGroupPolicy", "iam:PutRolePolicy". ${adminFix}`,
                    'policy statement 3: allows "iam:PassRole" on any role, so the holder can hand any role to a service. ' +
                        "Fix: list the role ARNs that may be passed and add an iam:PassedToService condition.",
                ]),
            );
        });

        it("reports iam:PassRole together with code-running actions", async () => {
            await expectRows(
                userPolicy(
                    { Effect: "Allow", Action: "iam:PassRole", Resource: `arn:aws:iam::${ACCOUNTS.dev}:role/lambda-exec` },
                    {
                        Effect: "Allow",
                        Action: ["lambda:CreateFunction", "lambda:UpdateFunctionCode"],
                        Resource: `arn:aws:lambda:us-east-1:${ACCOUNTS.dev}:function:app`,
                    },
                ),
                reported("iam-no-privilege-escalation", "alice-assume", [
                    'policy: allows "iam:PassRole" together with "lambda:CreateFunction", "lambda:UpdateFunctionCode", so the holder can run code ' +
                        "with the permissions of a passed role. Fix: split deployment rights from the roles they pass, " +
                        "or limit iam:PassRole with an iam:PassedToService condition to a role no more privileged than this identity.",
                ]),
            );
        });

        it("accepts a deploy role passing one named role to one service (iam:PassedToService)", async () => {
            await expectClean(
                userPolicy(
                    {
                        Effect: "Allow",
                        Action: "iam:PassRole",
                        Resource: `arn:aws:iam::${ACCOUNTS.dev}:role/lambda-exec`,
                        Condition: { StringEquals: { "iam:PassedToService": "lambda.amazonaws.com" } },
                    },
                    {
                        Effect: "Allow",
                        Action: ["lambda:CreateFunction", "lambda:UpdateFunctionCode"],
                        Resource: `arn:aws:lambda:us-east-1:${ACCOUNTS.dev}:function:app`,
                    },
                ),
            );
        });

        it("accepts read-only IAM actions, a scoped iam:PassRole alone and IAM wildcards on non-IAM resources", async () => {
            await expectClean(
                userPolicy(
                    { Effect: "Allow", Action: ["iam:GetRole", "iam:ListRoles"], Resource: `arn:aws:iam::${ACCOUNTS.dev}:role/app` },
                    {
                        Effect: "Allow",
                        Action: "iam:PassRole",
                        Resource: `arn:aws:iam::${ACCOUNTS.dev}:role/ecs-task`,
                        Condition: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } },
                    },
                    { Effect: "Allow", Action: "iam:Attach*", Resource: IMAGES },
                    { Effect: "Deny", Action: "iam:CreateAccessKey", Resource: "*" },
                ),
            );
        });
    });

    describe("iam-no-admin-managed-policy", () => {
        const message = (name: string) =>
            `attaches the AWS managed policy "${name}" (arn:aws:iam::aws:policy/${name}). ` +
            "Fix: attach a customer managed policy that allows only the actions this identity needs.";

        it("reports AdministratorAccess, PowerUserAccess and IAMFullAccess on roles, groups and users", async () => {
            await expectRows(
                (r) => {
                    patch(r, "read-only", { policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" });
                    r.groupAdmin = resource(T.groupPolicyAttachment, "dev-power", {
                        group: "developers",
                        policyArn: "arn:aws:iam::aws:policy/PowerUserAccess",
                    });
                    r.userAdmin = resource(T.userPolicyAttachment, "alice-iam", {
                        user: "alice",
                        policyArn: "arn:aws:iam::aws:policy/IAMFullAccess",
                    });
                    r.shared = resource(T.policyAttachment, "everyone-admin", {
                        roles: ["ci-deployer"],
                        policyArn: "arn:aws:iam::aws:policy/AdministratorAccess",
                    });
                    patch(r, "image-sharing", {
                        managedPolicyArns: ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess", "arn:aws:iam::aws:policy/IAMFullAccess"],
                    });
                },
                [
                    ["iam-no-admin-managed-policy", "image-sharing", "mandatory", message("IAMFullAccess")],
                    ["iam-no-admin-managed-policy", "read-only", "mandatory", message("AdministratorAccess")],
                    ["iam-no-admin-managed-policy", "dev-power", "mandatory", message("PowerUserAccess")],
                    ["iam-no-admin-managed-policy", "alice-iam", "mandatory", message("IAMFullAccess")],
                    ["iam-no-admin-managed-policy", "everyone-admin", "mandatory", message("AdministratorAccess")],
                ],
            );
        });

        it("accepts other AWS managed policies, including ones whose names start the same", async () => {
            await expectClean((r) => {
                patch(r, "read-only", { policyArn: "arn:aws:iam::aws:policy/AdministratorAccess-Amplify" });
                patch(r, "image-sharing", { managedPolicyArns: [`arn:aws:iam::${ACCOUNTS.dev}:policy/AdministratorAccess`] });
            });
        });
    });

    describe("policy size rules", () => {
        /** A policy with `count` object ARNs: about 40 characters each. */
        const objects = (count: number) =>
            policyJson({
                Effect: "Allow",
                Action: "s3:GetObject",
                Resource: Array.from({ length: count }, (_, index) => `arn:aws:s3:::images-dev/prefix-${String(index).padStart(4, "0")}/*`),
            });
        const size = (document: string) => document.replace(/\s/g, "").length;

        it("iam-managed-policy-size reports a managed policy over 6,144 characters", async () => {
            const document = objects(160);
            await expectRows(
                patched("inventory", { policy: document }),
                reported("iam-managed-policy-size", "inventory", [
                    `policy is ${size(document)} characters without whitespace, over the managed policy quota of 6144. ` +
                        "Fix: split it into several managed policies, or merge statements and use ARN wildcards.",
                ]),
            );
        });

        it("iam-managed-policy-size accepts 6,144 characters or fewer", async () => {
            const document = objects(140);
            assert.ok(size(document) <= 6144 && size(document) > 5000);
            await expectClean(patched("inventory", { policy: document }));
        });

        it("iam-inline-policy-size reports identities over their aggregate inline quota", async () => {
            const userDocument = objects(55);
            const groupDocument = objects(70);
            const result = await rowsFor((r) => {
                patch(r, "alice-assume", { policy: userDocument });
                patch(r, "developers-mfa", { policy: groupDocument });
                r.second = resource(T.groupPolicy, "developers-more", { group: "developers", name: "more", policy: groupDocument });
            });
            const userSize = size(userDocument);
            const groupSize = size(groupDocument) * 2;
            assert.deepStrictEqual(result, [
                ...reported("iam-inline-policy-size", "developers", [
                    `group "developers" has ${groupSize} characters of inline policies without whitespace, over the per-group quota of 5120. ` +
                        "Fix: move statements into customer managed policies and attach those instead.",
                ]),
                ...reported("iam-inline-policy-size", "alice", [
                    `user "alice" has ${userSize} characters of inline policies without whitespace, over the per-user quota of 2048. ` +
                        "Fix: move statements into customer managed policies and attach those instead.",
                ]),
            ]);
        });

        it("iam-inline-policy-size relates policies by role name only within the role's account", async () => {
            const document = objects(150);
            const result = await rowsFor((r) => {
                for (const account of [ACCOUNTS.dev, ACCOUNTS.test]) {
                    r[`app-${account}`] = resource(
                        T.role,
                        `app-${account}`,
                        { name: "app", assumeRolePolicy: policyJson(sameAccountTrustIn(account)) },
                        { account },
                    );
                    r[`app-policy-${account}`] = resource(
                        T.rolePolicy,
                        `app-policy-${account}`,
                        { role: "app", name: `objects-${account}`, policy: document },
                        { account },
                    );
                }
            });
            assert.ok(size(document) * 2 > 10240 && size(document) < 10240);
            assert.deepStrictEqual(result, []);
        });

        it("iam-inline-policy-size sums a role's inline block and its RolePolicy resources, counting a policy once", async () => {
            const document = objects(100);
            await expectClean((r) => {
                patch(r, "ci-deployer", {
                    inlinePolicies: [
                        { name: "assume-prod", policy: document },
                        { name: "second", policy: document },
                    ],
                });
                // In state the role's own block repeats the RolePolicy resources: same name, counted once.
                patch(r, "assume-prod", { policy: document });
            });
            await expectRows(
                (r) => {
                    patch(r, "ci-deployer", {
                        inlinePolicies: [
                            { name: "first", policy: document },
                            { name: "second", policy: document },
                        ],
                    });
                    patch(r, "assume-prod", { policy: document });
                },
                reported("iam-inline-policy-size", "ci-deployer", [
                    `role "ci-deployer" has ${size(document) * 3} characters of inline policies without whitespace, over the per-role quota of 10240. ` +
                        "Fix: move statements into customer managed policies and attach those instead.",
                ]),
            );
        });
    });
});
