import * as assert from "assert";
import * as aws from "@pulumi/aws";
import type { MockedResource } from "../../plan/aws-mocks";
import { EcrPullGrant, ecrCallerStatements, ecrRepositoryPolicyDocument } from "../../components/ecr-pull-grant";
import { SharedRepository } from "../../components/shared-repository";
import { LambdaInvokeGrant, invokePolicyName, invokeStatementId } from "../../components/lambda-invoke-grant";
import { SharedFunction } from "../../components/shared-function";
import { SnapshotShare, snapshotCallerStatements } from "../../components/snapshot-share";
import { DEV, PROD, TEST, accountProvider, childrenOf, parsedJson, promiseOf, recorded, settle, suiteMocks } from "./support";
import { ECR_PULL_ACTIONS, allowNarrowedRoots, keyAdministration } from "../support/statements";

const ciBuild = `arn:aws:iam::${DEV}:role/CiBuild`;
const releaserArn = `arn:aws:iam::${DEV}:role/ci/Releaser`;
const integration = `arn:aws:iam::${TEST}:role/ci/IntegrationTests`;
const notifier = `arn:aws:lambda:us-east-1:${PROD}:function:release-notifier`;
const images = `arn:aws:ecr:us-east-1:${PROD}:repository/team/app-images`;

describe("Lambda, ECR and snapshot grants", () => {
    const mocks = suiteMocks();

    describe("SharedFunction and LambdaInvokeGrant", () => {
        it("creates the log group, a logs-only execution role and the function, and no permission: the callers' stacks add those", async () => {
            const prod = accountProvider("prod-for-function", PROD);
            const fn = new SharedFunction(
                "notifier",
                { functionName: "release-notifier", accountId: PROD, region: "us-east-1", timeoutSeconds: 10, tags: { env: "prod" } },
                { provider: prod },
            );
            assert.strictEqual(await promiseOf(fn.arn), notifier);
            assert.deepStrictEqual(await parsedJson(fn.executionRole.trustPolicy), {
                Version: "2012-10-17",
                Statement: [
                    { Sid: "TrustedServices", Effect: "Allow", Principal: { Service: ["lambda.amazonaws.com"] }, Action: "sts:AssumeRole" },
                ],
            });
            assert.deepStrictEqual(await parsedJson(fn.executionRole.permissionPolicy!), {
                Version: "2012-10-17",
                Statement: [
                    {
                        Sid: "WriteOwnLogs",
                        Effect: "Allow",
                        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
                        Resource: [`arn:aws:logs:us-east-1:${PROD}:log-group:/aws/lambda/release-notifier:*`],
                    },
                ],
            });
            await settle();

            const component = recorded(mocks, "crossaccount:index:SharedFunction", "notifier");
            const children = childrenOf(mocks, component.urn).filter((r) => r.custom);
            assert.deepStrictEqual(children.map((r) => [r.type, r.name, r.accountId]).sort(), [
                ["aws:cloudwatch/logGroup:LogGroup", "notifier-logs", PROD],
                ["aws:iam/role:Role", "notifier-execution", PROD],
                ["aws:iam/rolePolicy:RolePolicy", "notifier-execution-permissions", PROD],
                ["aws:lambda/function:Function", "notifier", PROD],
            ]);
            assert.deepStrictEqual(recorded(mocks, "aws:cloudwatch/logGroup:LogGroup", "notifier-logs").inputs, {
                name: "/aws/lambda/release-notifier",
                retentionInDays: 90,
                tags: { env: "prod" },
            });
            const lambda = recorded(mocks, "aws:lambda/function:Function", "notifier");
            // Pulumi manages the code unless the function's code is deployed elsewhere (then: ignoreChanges code, sourceCodeHash).
            assert.deepStrictEqual(lambda.options.ignoreChanges, []);
            const { code, ...inputs } = lambda.inputs;
            assert.ok(code, "the function has inline code");
            assert.deepStrictEqual(inputs, {
                name: "release-notifier",
                role: `arn:aws:iam::${PROD}:role/release-notifier-execution`,
                runtime: "nodejs24.x",
                handler: "index.handler",
                timeout: 10,
                tags: { env: "prod" },
            });
            for (const dependency of ["notifier-logs", "notifier-execution-permissions"]) {
                assert.ok(
                    lambda.dependencies.includes(mocks.resources.find((r) => r.name === dependency)!.urn),
                    `function waits for ${dependency}`,
                );
            }
        });

        it("from the callers' stack: permissions in the function's account after the roles, the roles' policies in theirs", async () => {
            const dev = accountProvider("dev-for-grant", DEV);
            const prod = accountProvider("prod-for-grant", PROD);
            const role = (roleName: string, path = "/") =>
                new aws.iam.Role(roleName, { name: roleName, path, assumeRolePolicy: "{}" }, { provider: dev });
            const releaserResource = role("Releaser", "/ci/");
            const ciBuildResource = role("CiBuild");
            const nightly = `arn:aws:events:us-east-1:${DEV}:rule/nightly`;
            const grant = new LambdaInvokeGrant(
                "invoke-prod-notifier",
                {
                    function: { name: "release-notifier", arn: notifier, provider: prod },
                    callers: [
                        { roleArn: releaserArn, role: releaserResource },
                        { roleArn: ciBuild, role: ciBuildResource },
                    ],
                    services: [{ service: "events.amazonaws.com", sourceAccount: DEV, sourceArn: nightly }],
                },
                { provider: dev },
            );
            const callerPolicy = {
                Version: "2012-10-17",
                Statement: [{ Sid: "InvokeSharedFunctions", Effect: "Allow", Action: ["lambda:InvokeFunction"], Resource: [notifier] }],
            };
            assert.deepStrictEqual(await parsedJson(grant.callerPolicy!), callerPolicy);
            await settle();

            const component = recorded(mocks, "crossaccount:index:LambdaInvokeGrant", "invoke-prod-notifier");
            const all = mocks.resources.filter((r) => r.parent === component.urn);
            const children = all.filter((r) => r.type !== "time:index/sleep:Sleep");
            const [ciBuildRole, releaserRole] = ["CiBuild", "Releaser"].map((name) => recorded(mocks, "aws:iam/role:Role", name));
            // No sourceAccount on role principals: AWS:SourceAccount is absent on a direct call, so it would never match.
            const expected: [string, string, string, Record<string, unknown>, MockedResource[]][] = [
                [
                    "aws:lambda/permission:Permission",
                    "invoke-prod-notifier-invoke-111111111111-role-CiBuild",
                    PROD,
                    {
                        action: "lambda:InvokeFunction",
                        function: "release-notifier",
                        principal: ciBuild,
                        statementId: "invoke-111111111111-role-CiBuild",
                    },
                    [ciBuildRole],
                ],
                [
                    "aws:lambda/permission:Permission",
                    "invoke-prod-notifier-invoke-111111111111-role-Releaser",
                    PROD,
                    {
                        action: "lambda:InvokeFunction",
                        function: "release-notifier",
                        principal: releaserArn,
                        statementId: "invoke-111111111111-role-Releaser",
                    },
                    [releaserRole],
                ],
                [
                    "aws:lambda/permission:Permission",
                    "invoke-prod-notifier-invoke-events-111111111111",
                    PROD,
                    {
                        action: "lambda:InvokeFunction",
                        function: "release-notifier",
                        principal: "events.amazonaws.com",
                        statementId: "invoke-events-111111111111",
                        sourceAccount: DEV,
                        sourceArn: nightly,
                    },
                    [],
                ],
                [
                    "aws:iam/rolePolicy:RolePolicy",
                    "invoke-prod-notifier-CiBuild",
                    DEV,
                    {
                        name: `invoke-${PROD}-us-east-1-release-notifier`,
                        role: "CiBuild",
                        policy: JSON.stringify(callerPolicy),
                    },
                    [ciBuildRole],
                ],
                [
                    "aws:iam/rolePolicy:RolePolicy",
                    "invoke-prod-notifier-Releaser",
                    DEV,
                    {
                        name: `invoke-${PROD}-us-east-1-release-notifier`,
                        role: "Releaser",
                        policy: JSON.stringify(callerPolicy),
                    },
                    [releaserRole],
                ],
            ];
            // By name: a permission registers only once its role has, so the order of registration varies.
            const byName = (rows: unknown[][]) => rows.sort((a, b) => String(a[1]).localeCompare(String(b[1])));
            assert.deepStrictEqual(
                byName(children.map((r) => [r.type, r.name, r.accountId, r.inputs])),
                byName(expected.map(([type, name, account, inputs]) => [type, name, account, inputs])),
            );
            // Lambda resolves a role principal when the permission is added, and IAM is eventually consistent:
            // each role's permission waits for a Sleep that starts once the role exists, keyed on its unique ID.
            const waits = all.filter((r) => r.type === "time:index/sleep:Sleep");
            assert.deepStrictEqual(
                waits.map((r) => [r.name, r.inputs, r.dependencies]).sort(),
                [ciBuildRole, releaserRole]
                    .map((role) => [
                        `invoke-prod-notifier-invoke-111111111111-role-${role.name}-propagation`,
                        { createDuration: "30s", triggers: { roleUniqueId: role.outputs.uniqueId } },
                        [role.urn],
                    ])
                    .sort(),
            );
            for (const [type, name, , , roles] of expected) {
                const child = children.find((r) => r.name === name)!;
                if (type === "aws:iam/rolePolicy:RolePolicy") {
                    assert.deepStrictEqual(
                        [ciBuildRole, releaserRole].filter((r) => child.dependencies.includes(r.urn)),
                        roles,
                        `${name} waits for ${roles.map((r) => r.name)}`,
                    );
                    continue;
                }
                const wait = waits.find((w) => w.name === `${name}-propagation`);
                assert.deepStrictEqual(child.dependencies, wait ? [wait.urn] : [], `${name} waits for its role's propagation`);
                // Recreating the role (a new unique ID) replaces the permission, deleting first: the statement ID stays.
                assert.deepStrictEqual(
                    [child.options.replacementTrigger, child.options.deleteBeforeReplace],
                    roles.length === 1 ? [roles[0].outputs.uniqueId, true] : [undefined, false],
                    name,
                );
            }
        });

        it("scopes a grant to an alias, and a permission on a function of the same stack waits for it", async () => {
            const prod = accountProvider("prod-for-alias", PROD);
            const fn = new SharedFunction(
                "same-stack",
                { functionName: "release-notifier", accountId: PROD, region: "us-east-1" },
                { provider: prod },
            );
            const grant = new LambdaInvokeGrant(
                "alias-grant",
                {
                    function: { name: fn.functionName, arn: notifier, qualifier: "live", provider: prod },
                    callers: [
                        {
                            roleArn: ciBuild,
                            role: new aws.iam.Role("alias-caller", { name: "CiBuild", assumeRolePolicy: "{}" }, { provider: prod }),
                        },
                    ],
                },
                { provider: prod },
            );
            assert.deepStrictEqual(
                ((await parsedJson(grant.callerPolicy!)) as { Statement: { Resource: string[] }[] }).Statement[0].Resource,
                [`${notifier}:live`],
            );
            await settle();
            const permission = recorded(mocks, "aws:lambda/permission:Permission", "alias-grant-invoke-111111111111-role-CiBuild");
            assert.strictEqual(permission.inputs.qualifier, "live");
            assert.ok(
                permission.dependencies.includes(recorded(mocks, "aws:lambda/function:Function", "same-stack").urn),
                "the permission waits for the function",
            );
            assert.strictEqual(
                recorded(mocks, "aws:iam/rolePolicy:RolePolicy", "alias-grant-CiBuild").inputs.name,
                `invoke-${PROD}-us-east-1-release-notifier-live`,
            );
        });

        it("refuses accounts, users, wildcards, unscoped services, duplicates and a missing function provider", () => {
            const role = {} as never;
            const fn = { name: "f", arn: notifier, provider: accountProvider("prod-for-refusals", PROD) };
            const cases: [string, Record<string, unknown>, RegExp][] = [
                [
                    "an account root",
                    { callers: [{ roleArn: `arn:aws:iam::${DEV}:root`, role }] },
                    /Refusing principal "arn:aws:iam::111111111111:root" .*name the caller role/,
                ],
                [
                    "a user",
                    { callers: [{ roleArn: `arn:aws:iam::${DEV}:user/ci`, role }] },
                    /Refusing principal "arn:aws:iam::111111111111:user\/ci" .*name the caller role/,
                ],
                ["a wildcard", { callers: [{ roleArn: `arn:aws:iam::${DEV}:role/ci-*`, role }] }, /name exact role ARNs/],
                ["everyone", { callers: [{ roleArn: "*", role }] }, /Refusing to let "\*" invoke/],
                [
                    "a service without its account",
                    { services: [{ service: "sns.amazonaws.com", sourceAccount: "" }] },
                    /Invalid source account of sns.amazonaws.com ""/,
                ],
                ["nobody", {}, /names no caller or service/],
                [
                    "the same role twice",
                    {
                        callers: [
                            { roleArn: ciBuild, role },
                            { roleArn: ciBuild, role },
                        ],
                    },
                    /names the same invoker twice \(statement invoke-111111111111-role-CiBuild\)/,
                ],
                [
                    "a bad function ARN",
                    { function: { ...fn, arn: "release-notifier" }, callers: [{ roleArn: ciBuild, role }] },
                    /Invalid function ARN "release-notifier"/,
                ],
                [
                    "no function provider",
                    { function: { ...fn, provider: undefined }, callers: [{ roleArn: ciBuild, role }] },
                    /needs a provider for the function's account/,
                ],
            ];
            const before = mocks.resources.length;
            for (const [label, args, message] of cases) {
                assert.throws(
                    () => new LambdaInvokeGrant(`bad-${label.replace(/\W+/g, "-")}`, { function: fn, ...args } as never),
                    message,
                    label,
                );
            }
            assert.strictEqual(mocks.resources.length, before, "nothing is registered");
            assert.strictEqual(invokeStatementId(`arn:aws:iam::${DEV}:user/ci+bot@example`), "invoke-111111111111-user-ci_bot_example");
            assert.strictEqual(invokePolicyName(notifier, "$LATEST"), `invoke-${PROD}-us-east-1-release-notifier-_LATEST`);
        });
    });

    describe("SharedRepository and EcrPullGrant", () => {
        it("trusts the callers' account roots narrowed to the roles, pull actions only, without Resource", async () => {
            const repository = new SharedRepository(
                "images",
                {
                    repositoryName: "team/app-images",
                    accountId: PROD,
                    region: "us-east-1",
                    grants: [{ sid: "DevTest", principalArns: [integration, ciBuild] }],
                    tags: { env: "prod" },
                },
                { provider: accountProvider("prod-for-repository", PROD) },
            );
            assert.strictEqual(await promiseOf(repository.arn), images);
            assert.strictEqual(await promiseOf(repository.repositoryUrl), `${PROD}.dkr.ecr.us-east-1.amazonaws.com/team/app-images`);
            assert.deepStrictEqual(await parsedJson(repository.grant!.policy), {
                Version: "2012-10-17",
                Statement: [allowNarrowedRoots("DevTestPull", [DEV, TEST], ECR_PULL_ACTIONS, [ciBuild, integration])],
            });
            assert.deepStrictEqual(await parsedJson(repository.grant!.callerPolicy), {
                Version: "2012-10-17",
                Statement: [
                    {
                        Sid: "PullSharedImages",
                        Effect: "Allow",
                        Action: ECR_PULL_ACTIONS,
                        Resource: [images],
                    },
                    { Sid: "GetEcrAuthorizationToken", Effect: "Allow", Action: ["ecr:GetAuthorizationToken"], Resource: ["*"] },
                ],
            });
            assert.strictEqual(repository.grant!.pushCallerPolicy, undefined);
            await settle();
            const repo = recorded(mocks, "aws:ecr/repository:Repository", "images");
            assert.deepStrictEqual(repo.inputs, {
                name: "team/app-images",
                imageTagMutability: "IMMUTABLE",
                imageScanningConfiguration: { scanOnPush: true },
                encryptionConfigurations: [{ encryptionType: "AES256" }],
                tags: { env: "prod" },
            });
            const policy = recorded(mocks, "aws:ecr/repositoryPolicy:RepositoryPolicy", "images-grant-policy");
            assert.strictEqual(policy.accountId, PROD);
            assert.strictEqual(policy.inputs.repository, "team/app-images");
            assert.ok(policy.dependencies.includes(repo.urn), "the policy waits for the repository");
        });

        it("grants push only when asked, and never delete; the pushers' policy adds the upload actions", async () => {
            assert.deepStrictEqual(
                ecrRepositoryPolicyDocument([{ principalArns: [ciBuild], access: "push" }]).Statement.map((s) => [s.Sid, s.Action]),
                [
                    ["Grant1Pull", ECR_PULL_ACTIONS],
                    ["Grant1Push", ["ecr:CompleteLayerUpload", "ecr:InitiateLayerUpload", "ecr:PutImage", "ecr:UploadLayerPart"]],
                ],
            );
            assert.deepStrictEqual(
                ecrCallerStatements([], [images]).map((s) => [s.sid, s.actions, s.resources]),
                [
                    ["PullSharedImages", ECR_PULL_ACTIONS, [images]],
                    [
                        "PushSharedImages",
                        ["ecr:CompleteLayerUpload", "ecr:InitiateLayerUpload", "ecr:PutImage", "ecr:UploadLayerPart"],
                        [images],
                    ],
                    ["GetEcrAuthorizationToken", ["ecr:GetAuthorizationToken"], ["*"]],
                ],
            );
            const grant = new EcrPullGrant("pushers", {
                repositoryName: "app",
                repositoryArn: images,
                grants: [{ principalArns: [ciBuild], access: "push" }],
            });
            assert.ok(grant.pushCallerPolicy);
        });

        it("refuses account roots, wildcards, unknown access and invalid names", () => {
            const cases: [() => unknown, RegExp][] = [
                [
                    () => ecrRepositoryPolicyDocument([{ principalArns: [`arn:aws:iam::${DEV}:root`] }]),
                    /Refusing account root .* name the roles that may pull/,
                ],
                [() => ecrRepositoryPolicyDocument([{ principalArns: [`arn:aws:iam::${DEV}:role/*`] }]), /Refusing wildcard principal/],
                [() => ecrRepositoryPolicyDocument([{ principalArns: [ciBuild], access: "delete" as never }]), /Invalid access "delete"/],
                [() => ecrRepositoryPolicyDocument([]), /needs at least one grant/],
                [
                    () => new SharedRepository("bad-name", { repositoryName: "App", accountId: PROD, region: "us-east-1" }),
                    /Invalid ECR repository name "App"/,
                ],
            ];
            for (const [build, message] of cases) assert.throws(build, message);
        });
    });

    describe("SnapshotShare", () => {
        it("gives a caller the snapshot, its key through RDS, and its own instances and groups by prefix", () => {
            const statements = snapshotCallerStatements(
                [{ arn: `arn:aws:rds:us-east-1:${PROD}:snapshot:b`, region: "us-east-1", keyArn: `arn:aws:kms:us-east-1:${PROD}:key/k` }],
                { accountId: TEST, region: "eu-west-1", prefix: "it-", allowDefaultGroups: true },
            );
            const rds = (type: string, name: string) => `arn:aws:rds:eu-west-1:${TEST}:${type}:${name}`;
            assert.deepStrictEqual(statements.slice(0, 3), [
                {
                    sid: "RestoreSharedSnapshots",
                    actions: ["rds:CopyDBSnapshot", "rds:RestoreDBInstanceFromDBSnapshot"],
                    resources: [`arn:aws:rds:us-east-1:${PROD}:snapshot:b`],
                },
                {
                    sid: "RestoreIntoOwnInstances",
                    actions: ["rds:RestoreDBInstanceFromDBSnapshot"],
                    resources: [
                        rds("db", "it-*"),
                        rds("og", "it-*"),
                        rds("pg", "it-*"),
                        rds("subgrp", "it-*"),
                        rds("og", "default:*"),
                        rds("pg", "default.*"),
                        rds("subgrp", "default"),
                    ],
                },
                { sid: "CopyIntoOwnSnapshots", actions: ["rds:CopyDBSnapshot"], resources: [rds("snapshot", "it-*")] },
            ]);
            assert.deepStrictEqual(
                statements.slice(3).map((s) => [s.sid, s.conditions]),
                [
                    ["UseSharedSnapshotKeys", { StringEquals: { "kms:ViaService": ["rds.us-east-1.amazonaws.com"] } }],
                    [
                        "GrantSharedSnapshotKeysToRds",
                        {
                            StringEquals: { "kms:ViaService": ["rds.us-east-1.amazonaws.com"] },
                            Bool: { "kms:GrantIsForAWSResource": "true" },
                        },
                    ],
                ],
            );
            // An unencrypted source: no key statements.
            assert.deepStrictEqual(
                snapshotCallerStatements([{ arn: `arn:aws:rds:us-east-1:${PROD}:snapshot:b`, region: "us-east-1" }], {
                    accountId: TEST,
                    region: "us-east-1",
                    prefix: "it-",
                }).map((s) => s.sid),
                ["RestoreSharedSnapshots", "RestoreIntoOwnInstances", "CopyIntoOwnSnapshots"],
            );
        });

        it("copies an existing snapshot and shares the copy with the named accounts", async () => {
            const share = new SnapshotShare(
                "baseline",
                {
                    sourceSnapshotIdentifier: "appdb-2026-01",
                    snapshotIdentifier: "appdb-baseline",
                    sharedAccountIds: [TEST, DEV],
                    organizationAccountIds: [DEV, TEST, PROD],
                    accountId: PROD,
                    region: "us-east-1",
                    tags: { env: "prod" },
                },
                { provider: accountProvider("prod-for-snapshot", PROD) },
            );
            const arn = `arn:aws:rds:us-east-1:${PROD}:snapshot:appdb-baseline`;
            assert.strictEqual(await promiseOf(share.snapshotArn), arn);
            const keyArn = await promiseOf(share.kmsKeyArn!);
            assert.match(keyArn, new RegExp(`^arn:aws:kms:us-east-1:${PROD}:key/`));
            const viaRds = { "kms:ViaService": ["rds.us-east-1.amazonaws.com"] };
            assert.deepStrictEqual(await parsedJson(share.callerPolicy), {
                Version: "2012-10-17",
                Statement: [
                    {
                        Sid: "RestoreSharedSnapshots",
                        Effect: "Allow",
                        Action: ["rds:CopyDBSnapshot", "rds:RestoreDBInstanceFromDBSnapshot"],
                        Resource: [arn],
                    },
                    {
                        Sid: "UseSharedSnapshotKeys",
                        Effect: "Allow",
                        Action: ["kms:Decrypt", "kms:DescribeKey"],
                        Resource: [keyArn],
                        Condition: { StringEquals: viaRds },
                    },
                    {
                        Sid: "GrantSharedSnapshotKeysToRds",
                        Effect: "Allow",
                        Action: ["kms:CreateGrant"],
                        Resource: [keyArn],
                        Condition: { StringEquals: viaRds, Bool: { "kms:GrantIsForAWSResource": "true" } },
                    },
                ],
            });
            const shared = { AWS: [`arn:aws:iam::${DEV}:root`, `arn:aws:iam::${TEST}:root`] };
            const via = { "kms:ViaService": "rds.us-east-1.amazonaws.com" };
            assert.deepStrictEqual(await parsedJson(share.keyPolicy!), {
                Version: "2012-10-17",
                Statement: [
                    keyAdministration(PROD),
                    {
                        Sid: "SharedAccountsUseThroughRds",
                        Effect: "Allow",
                        Principal: shared,
                        Action: ["kms:Decrypt", "kms:DescribeKey"],
                        Resource: "*",
                        Condition: { StringEquals: via },
                    },
                    {
                        Sid: "SharedAccountsGrantToRds",
                        Effect: "Allow",
                        Principal: shared,
                        Action: ["kms:CreateGrant"],
                        Resource: "*",
                        Condition: { StringEquals: via, Bool: { "kms:GrantIsForAWSResource": "true" } },
                    },
                ],
            });
            await settle();
            const copy = recorded(mocks, "aws:rds/snapshotCopy:SnapshotCopy", "baseline");
            assert.strictEqual(copy.accountId, PROD);
            assert.deepStrictEqual(copy.inputs, {
                sourceDbSnapshotIdentifier: "appdb-2026-01",
                targetDbSnapshotIdentifier: "appdb-baseline",
                sharedAccounts: [DEV, TEST],
                kmsKeyId: keyArn,
                tags: { env: "prod" },
            });
            assert.strictEqual(recorded(mocks, "aws:kms/key:Key", "baseline-key").accountId, PROD);
        });

        it("refuses public sharing, accounts outside the organization and invalid identifiers", () => {
            const base = {
                sourceSnapshotIdentifier: "s",
                snapshotIdentifier: "shared",
                sharedAccountIds: [TEST],
                organizationAccountIds: [DEV, TEST, PROD],
                accountId: PROD,
                region: "us-east-1",
            };
            const cases: [Record<string, unknown>, RegExp][] = [
                [{ sharedAccountIds: ["all"] }, /Refusing to share snapshot shared with "all": that makes it public/],
                [
                    { sharedAccountIds: ["444455556666"] },
                    /with account 444455556666, which is not in the organization \(111111111111, 222222222222, 333333333333\)/,
                ],
                [{ sharedAccountIds: [] }, /is shared with no account/],
                [{ sharedAccountIds: ["2222"] }, /Invalid account to share snapshot shared with "2222"/],
                [{ snapshotIdentifier: "1st--copy-" }, /Invalid snapshot identifier "1st--copy-"/],
                [
                    { unencrypted: true, kmsKeyArn: `arn:aws:kms:us-east-1:${PROD}:key/k` },
                    /Snapshot shared: give kmsKeyArn or unencrypted, not both/,
                ],
                [
                    { kmsKeyArn: `arn:aws:kms:us-east-1:${DEV}:key/k` },
                    /kmsKeyArn must be the ARN of a key of account 333333333333 in us-east-1/,
                ],
            ];
            cases.forEach(([args, message], index) =>
                assert.throws(() => new SnapshotShare(`bad-snapshot-${index}`, { ...base, ...args } as never), message),
            );
        });
    });
});
