import * as assert from "assert";
import type { AwsMocks } from "../../automation/offline/aws-mocks";
import { EcrPullGrant, ecrCallerStatements, ecrRepositoryPolicyDocument } from "../../components/ecr-pull-grant";
import { SharedRepository } from "../../components/shared-repository";
import { LambdaInvokeGrant, invokeStatementId } from "../../components/lambda-invoke-grant";
import { SharedFunction } from "../../components/shared-function";
import { SnapshotShare } from "../../components/snapshot-share";
import { DEV, PROD, TEST, accountProvider, childrenOf, installMocks, parsedJson, promiseOf, recorded, settle } from "./support";

const ciBuild = `arn:aws:iam::${DEV}:role/CiBuild`;
const integration = `arn:aws:iam::${TEST}:role/ci/IntegrationTests`;
const notifier = `arn:aws:lambda:us-east-1:${PROD}:function:release-notifier`;
const images = `arn:aws:ecr:us-east-1:${PROD}:repository/team/app-images`;

describe("Lambda, ECR and snapshot grants", () => {
    let mocks: AwsMocks;
    before(async () => {
        mocks = await installMocks();
    });

    describe("SharedFunction and LambdaInvokeGrant", () => {
        it("creates the log group, a logs-only execution role, the function, and one exact permission per invoker", async () => {
            const prod = accountProvider("prod-for-function", PROD);
            const fn = new SharedFunction(
                "notifier",
                {
                    functionName: "release-notifier",
                    accountId: PROD,
                    region: "us-east-1",
                    timeoutSeconds: 10,
                    invokers: {
                        principalArns: [integration, ciBuild],
                        services: [{ service: "events.amazonaws.com", sourceAccount: PROD, sourceArn: `arn:aws:events:us-east-1:${PROD}:rule/nightly` }],
                    },
                    tags: { env: "prod" },
                },
                { provider: prod },
            );
            assert.strictEqual(await promiseOf(fn.arn), notifier);
            assert.deepStrictEqual(await parsedJson(fn.invokeGrant!.callerPolicy!), {
                Version: "2012-10-17",
                Statement: [{ Sid: "InvokeSharedFunctions", Effect: "Allow", Action: ["lambda:InvokeFunction"], Resource: [notifier] }],
            });
            assert.deepStrictEqual(await parsedJson(fn.executionRole.trustPolicy), {
                Version: "2012-10-17",
                Statement: [{ Sid: "TrustedServices", Effect: "Allow", Principal: { Service: ["lambda.amazonaws.com"] }, Action: "sts:AssumeRole" }],
            });
            assert.deepStrictEqual(await parsedJson(fn.executionRole.permissionPolicy!), {
                Version: "2012-10-17",
                Statement: [{
                    Sid: "WriteOwnLogs",
                    Effect: "Allow",
                    Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
                    Resource: [`arn:aws:logs:us-east-1:${PROD}:log-group:/aws/lambda/release-notifier:*`],
                }],
            });
            await settle();

            const component = recorded(mocks, "crossaccount:index:SharedFunction", "notifier");
            for (const child of childrenOf(mocks, component.urn).filter((r) => r.custom)) assert.strictEqual(child.accountId, PROD, child.name);
            assert.deepStrictEqual(recorded(mocks, "aws:cloudwatch/logGroup:LogGroup", "notifier-logs").inputs, {
                name: "/aws/lambda/release-notifier", retentionInDays: 90, tags: { env: "prod" },
            });
            const lambda = recorded(mocks, "aws:lambda/function:Function", "notifier");
            const { code, ...inputs } = lambda.inputs;
            assert.ok(code, "the function has inline code");
            assert.deepStrictEqual(inputs, {
                name: "release-notifier",
                role: `arn:aws:iam::${PROD}:role/release-notifier-execution`,
                runtime: "nodejs20.x",
                handler: "index.handler",
                timeout: 10,
                tags: { env: "prod" },
            });
            for (const dependency of ["notifier-logs", "notifier-execution-permissions"]) {
                assert.ok(lambda.dependencies.includes(mocks.resources.find((r) => r.name === dependency)!.urn), `function waits for ${dependency}`);
            }
            const permissions = mocks.resources.filter((r) => r.type === "aws:lambda/permission:Permission" && r.parent?.endsWith("::notifier-invoke"));
            // No sourceAccount on role principals: AWS:SourceAccount is absent on a direct call, so it would never match.
            assert.deepStrictEqual(permissions.map((p) => p.inputs), [
                { action: "lambda:InvokeFunction", function: "release-notifier", principal: ciBuild, statementId: "invoke-111111111111-role-CiBuild" },
                { action: "lambda:InvokeFunction", function: "release-notifier", principal: integration, statementId: "invoke-222222222222-role-IntegrationTests" },
                {
                    action: "lambda:InvokeFunction", function: "release-notifier", principal: "events.amazonaws.com", statementId: "invoke-events-333333333333",
                    sourceAccount: PROD, sourceArn: `arn:aws:events:us-east-1:${PROD}:rule/nightly`,
                },
            ]);
            assert.ok(permissions.every((p) => p.dependencies.includes(lambda.urn)), "permissions wait for the function");
        });

        it("scopes a grant to an alias: the permission's qualifier and the callers' resource", async () => {
            const grant = new LambdaInvokeGrant(
                "alias-grant",
                { functionName: "release-notifier", functionArn: notifier, principalArns: [ciBuild], qualifier: "live" },
                { provider: accountProvider("prod-for-alias", PROD) },
            );
            assert.deepStrictEqual((await parsedJson(grant.callerPolicy!) as { Statement: { Resource: string[] }[] }).Statement[0].Resource, [`${notifier}:live`]);
            await settle();
            assert.strictEqual(recorded(mocks, "aws:lambda/permission:Permission", "alias-grant-invoke-111111111111-role-CiBuild").inputs.qualifier, "live");
        });

        it("refuses accounts, wildcards, unscoped services and duplicates", () => {
            const base = { functionName: "f", functionArn: notifier };
            const cases: [string, Record<string, unknown>, RegExp][] = [
                ["an account root", { principalArns: [`arn:aws:iam::${DEV}:root`] }, /Refusing principal "arn:aws:iam::111111111111:root" .*name the role or user/],
                ["a wildcard", { principalArns: [`arn:aws:iam::${DEV}:role/ci-*`] }, /name exact role or user ARNs/],
                ["everyone", { principalArns: ["*"] }, /Refusing to let "\*" invoke/],
                ["a service without its account", { services: [{ service: "sns.amazonaws.com", sourceAccount: "" }] }, /Invalid source account of sns.amazonaws.com ""/],
                ["nobody", {}, /names no principal or service/],
                ["the same role twice", { principalArns: [ciBuild, ciBuild] }, /names the same invoker twice \(statement invoke-111111111111-role-CiBuild\)/],
                ["a bad function ARN", { functionArn: "release-notifier", principalArns: [ciBuild] }, /Invalid function ARN "release-notifier"/],
            ];
            for (const [label, args, message] of cases) {
                assert.throws(() => new LambdaInvokeGrant(`bad-${label.replace(/\W+/g, "-")}`, { ...base, ...args } as never), message, label);
            }
            assert.strictEqual(invokeStatementId(`arn:aws:iam::${DEV}:user/ci+bot@example`), "invoke-111111111111-user-ci_bot_example");
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
                Statement: [{
                    Sid: "DevTestPull",
                    Effect: "Allow",
                    Principal: { AWS: [`arn:aws:iam::${DEV}:root`, `arn:aws:iam::${TEST}:root`] },
                    Action: ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
                    Condition: { ArnEquals: { "aws:PrincipalArn": [ciBuild, integration] } },
                }],
            });
            assert.deepStrictEqual(await parsedJson(repository.grant!.callerPolicy), {
                Version: "2012-10-17",
                Statement: [
                    { Sid: "PullSharedImages", Effect: "Allow", Action: ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"], Resource: [images] },
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
            assert.deepStrictEqual(ecrRepositoryPolicyDocument([{ principalArns: [ciBuild], access: "push" }]).Statement.map((s) => [s.Sid, s.Action]), [
                ["Grant1Pull", ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]],
                ["Grant1Push", ["ecr:CompleteLayerUpload", "ecr:InitiateLayerUpload", "ecr:PutImage", "ecr:UploadLayerPart"]],
            ]);
            assert.deepStrictEqual(ecrCallerStatements([], [images]).map((s) => [s.sid, s.actions, s.resources]), [
                ["PullSharedImages", ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"], [images]],
                ["PushSharedImages", ["ecr:CompleteLayerUpload", "ecr:InitiateLayerUpload", "ecr:PutImage", "ecr:UploadLayerPart"], [images]],
                ["GetEcrAuthorizationToken", ["ecr:GetAuthorizationToken"], ["*"]],
            ]);
            const grant = new EcrPullGrant("pushers", { repositoryName: "app", repositoryArn: images, grants: [{ principalArns: [ciBuild], access: "push" }] });
            assert.ok(grant.pushCallerPolicy);
        });

        it("refuses account roots, wildcards, unknown access and invalid names", () => {
            const cases: [() => unknown, RegExp][] = [
                [() => ecrRepositoryPolicyDocument([{ principalArns: [`arn:aws:iam::${DEV}:root`] }]), /Refusing account root .* name the roles that may pull/],
                [() => ecrRepositoryPolicyDocument([{ principalArns: [`arn:aws:iam::${DEV}:role/*`] }]), /Refusing wildcard principal/],
                [() => ecrRepositoryPolicyDocument([{ principalArns: [ciBuild], access: "delete" as never }]), /Invalid access "delete"/],
                [() => ecrRepositoryPolicyDocument([]), /needs at least one grant/],
                [() => new SharedRepository("bad-name", { repositoryName: "App", accountId: PROD, region: "us-east-1" }), /Invalid ECR repository name "App"/],
            ];
            for (const [build, message] of cases) assert.throws(build, message);
        });
    });

    describe("SnapshotShare", () => {
        it("copies an existing snapshot and shares the copy with the named accounts", async () => {
            const share = new SnapshotShare(
                "baseline",
                {
                    sourceSnapshotIdentifier: "appdb-2026-01",
                    snapshotIdentifier: "appdb-baseline",
                    sharedAccountIds: [TEST, DEV],
                    organizationAccountIds: [DEV, TEST, PROD],
                    tags: { env: "prod" },
                },
                { provider: accountProvider("prod-for-snapshot", PROD) },
            );
            const arn = `arn:aws:rds:us-east-1:${PROD}:snapshot:appdb-baseline`;
            assert.strictEqual(await promiseOf(share.snapshotArn), arn);
            assert.deepStrictEqual(await parsedJson(share.callerPolicy), {
                Version: "2012-10-17",
                Statement: [{ Sid: "RestoreSharedSnapshots", Effect: "Allow", Action: ["rds:CopyDBSnapshot", "rds:RestoreDBInstanceFromDBSnapshot"], Resource: [arn] }],
            });
            await settle();
            const copy = recorded(mocks, "aws:rds/snapshotCopy:SnapshotCopy", "baseline");
            assert.strictEqual(copy.accountId, PROD);
            assert.deepStrictEqual(copy.inputs, {
                sourceDbSnapshotIdentifier: "appdb-2026-01",
                targetDbSnapshotIdentifier: "appdb-baseline",
                sharedAccounts: [DEV, TEST],
                tags: { env: "prod" },
            });
        });

        it("refuses public sharing, accounts outside the organization and invalid identifiers", () => {
            const base = { sourceSnapshotIdentifier: "s", snapshotIdentifier: "shared", sharedAccountIds: [TEST], organizationAccountIds: [DEV, TEST, PROD] };
            const cases: [Record<string, unknown>, RegExp][] = [
                [{ sharedAccountIds: ["all"] }, /Refusing to share snapshot shared with "all": that makes it public/],
                [{ sharedAccountIds: ["444455556666"] }, /with account 444455556666, which is not in the organization \(111111111111, 222222222222, 333333333333\)/],
                [{ sharedAccountIds: [] }, /is shared with no account/],
                [{ sharedAccountIds: ["2222"] }, /Invalid account to share snapshot shared with "2222"/],
                [{ snapshotIdentifier: "1st--copy-" }, /Invalid snapshot identifier "1st--copy-"/],
            ];
            cases.forEach(([args, message], index) => assert.throws(() => new SnapshotShare(`bad-snapshot-${index}`, { ...base, ...args } as never), message));
        });
    });
});
