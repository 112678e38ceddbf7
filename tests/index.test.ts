// The program on each reference stack file, under the AWS-like mocks: the scenarios of the
// reference organization, checked on the exact documents and on the account each resource lands in.
import { strict as assert } from "assert";
import { readStackFile } from "../config";
import { MockedResource } from "../plan/aws-mocks";
import { SynthesizedStack, synthesizeStack } from "../plan/synthesize";
import { REPO_DIR } from "./support/project";
import { ECR_PULL_ACTIONS, allowNarrowedRoots } from "./support/statements";

const DEV = "111111111111";
const TEST = "222222222222";
const PROD = "999999999999";
/** Each reference stack and the account it deploys to. */
const ACCOUNTS = { dev: DEV, test: TEST, prod: PROD };

describe("program (index.ts) on the reference organization", () => {
    const stacks: Record<string, SynthesizedStack> = {};

    before(async () => {
        const outputs = new Map<string, Record<string, unknown>>();
        // Dependency order: dev and test read prod; test reads dev.
        for (const stack of ["prod", "dev", "test"]) {
            stacks[stack] = await synthesizeStack({ projectDir: REPO_DIR, file: readStackFile(REPO_DIR, stack), stackOutputs: outputs });
            outputs.set(stack, stacks[stack].outputs);
        }
    });

    function find(stack: string, type: string, name: string): MockedResource {
        const found = stacks[stack].resources.filter((r) => r.type === type && r.name === name);
        assert.equal(found.length, 1, `expected one ${type} named ${name} in ${stack}, found ${found.length}`);
        return found[0];
    }
    const doc = (resource: MockedResource, field = "policy") => JSON.parse(resource.inputs[field] as string);

    it("creates every AWS resource through an explicit provider pinned to one account", () => {
        // Besides its own: test manages dev's side of the peering, dev the permission on prod's function.
        const accountsTouched: Record<string, [string, string][]> = {
            dev: [
                ["aws-dev", DEV],
                ["aws-prod", PROD],
            ],
            test: [
                ["aws-test", TEST],
                ["aws-dev", DEV],
            ],
            prod: [["aws-prod", PROD]],
        };
        for (const stack of ["dev", "test", "prod"]) {
            const providers = stacks[stack].resources.filter((r) => r.type === "pulumi:providers:aws");
            assert.deepEqual(
                providers.map((p) => [p.name, p.inputs.allowedAccountIds]),
                accountsTouched[stack].map(([name, account]) => [name, JSON.stringify([account])]),
            );
            for (const provider of providers) {
                const [, target] = accountsTouched[stack].find(([name]) => name === provider.name)!;
                // Every provider of a stack assumes the deployment role in its own account, under the stack's session name.
                assert.equal(
                    provider.inputs.assumeRoles,
                    JSON.stringify([
                        { roleArn: `arn:aws:iam::${target}:role/OrganizationAccountAccessRole`, sessionName: `crossaccount-${stack}` },
                    ]),
                );
            }
            for (const resource of stacks[stack].resources.filter((r) => r.custom && r.type.startsWith("aws:"))) {
                assert.ok(resource.provider, `${resource.type} ${resource.name} uses the default provider`);
            }
        }
    });

    it("UpdateApp trusts only the dev account: people with MFA, and dev's ReleaseManager permission set", () => {
        const sso = `arn:aws:iam::${DEV}:role/aws-reserved/sso.amazonaws.com`;
        assert.deepEqual(doc(find("prod", "aws:iam/role:Role", "UpdateApp"), "assumeRolePolicy"), {
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "TrustedPrincipals",
                    Effect: "Allow",
                    Principal: { AWS: [`arn:aws:iam::${DEV}:root`] },
                    Action: "sts:AssumeRole",
                    Condition: {
                        Bool: { "aws:MultiFactorAuthPresent": "true" },
                        NumericLessThan: { "aws:MultiFactorAuthAge": "3600" },
                    },
                },
                {
                    Sid: "IdentityCenter",
                    Effect: "Allow",
                    Principal: { AWS: [`arn:aws:iam::${DEV}:root`] },
                    Action: "sts:AssumeRole",
                    // With and without the region segment Identity Center adds outside us-east-1.
                    Condition: {
                        ArnLike: {
                            "aws:PrincipalArn": [`${sso}/*/AWSReservedSSO_ReleaseManager_*`, `${sso}/AWSReservedSSO_ReleaseManager_*`],
                        },
                    },
                },
            ],
        });
        assert.equal(find("prod", "aws:iam/role:Role", "UpdateApp").accountId, PROD);
    });

    it("UpdateApp reads and writes productionapp objects, and lists buckets only where it cannot be scoped", () => {
        assert.deepEqual(doc(find("prod", "aws:iam/rolePolicy:RolePolicy", "UpdateApp-permissions")).Statement, [
            { Sid: "ListAllMyBuckets", Effect: "Allow", Action: ["s3:ListAllMyBuckets"], Resource: ["*"] },
            {
                Sid: "ListProductionApp",
                Effect: "Allow",
                Action: ["s3:ListBucket", "s3:GetBucketLocation"],
                Resource: [`arn:aws:s3:::productionapp-${PROD}`],
            },
            {
                Sid: "ReadWriteProductionAppObjects",
                Effect: "Allow",
                Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
                Resource: [`arn:aws:s3:::productionapp-${PROD}/*`],
            },
        ]);
    });

    it("AppReadOnly is trusted by dev and test and can only read productionapp", () => {
        const trust = doc(find("prod", "aws:iam/role:Role", "AppReadOnly"), "assumeRolePolicy");
        assert.deepEqual(trust.Statement[0].Principal, { AWS: [`arn:aws:iam::${DEV}:root`, `arn:aws:iam::${TEST}:root`] });
        assert.deepEqual(trust.Statement[0].Condition, { Bool: { "aws:MultiFactorAuthPresent": "true" } });
        const actions = doc(find("prod", "aws:iam/rolePolicy:RolePolicy", "AppReadOnly-permissions")).Statement.flatMap(
            (s: { Action: string[] }) => s.Action,
        );
        assert.deepEqual(actions, ["s3:ListBucket", "s3:GetObject"]);
    });

    it("Developers may assume UpdateApp; Testers are explicitly denied exactly UpdateApp", () => {
        // One policy per group and effect, named by them (never by a grant's position).
        const developers = find("dev", "aws:iam/groupPolicy:GroupPolicy", "allow-assume-group-Developers-group-Developers");
        assert.equal(developers.inputs.group, "Developers");
        assert.equal(developers.inputs.name, "allow-assume-cross-account-roles");
        assert.deepEqual(doc(developers).Statement, [
            {
                Sid: "AllowAssumeRole",
                Effect: "Allow",
                Action: "sts:AssumeRole",
                Resource: [`arn:aws:iam::${DEV}:role/ImageSharingRole`, `arn:aws:iam::${PROD}:role/UpdateApp`],
            },
        ]);
        const testersDeny = find("dev", "aws:iam/groupPolicy:GroupPolicy", "deny-assume-group-Testers-group-Testers");
        assert.equal(testersDeny.inputs.group, "Testers");
        assert.equal(testersDeny.inputs.name, "deny-assume-cross-account-roles");
        assert.equal(testersDeny.accountId, DEV);
        assert.deepEqual(doc(testersDeny).Statement, [
            { Sid: "DenyAssumeRole", Effect: "Deny", Action: "sts:AssumeRole", Resource: [`arn:aws:iam::${PROD}:role/UpdateApp`] },
        ]);
    });

    it("the prod product-images bucket grants read to exactly the dev and test ImageSharingRoles", () => {
        const policy = doc(find("prod", "aws:s3/bucketPolicy:BucketPolicy", "product-images-policy"));
        const grants = policy.Statement.filter((s: { Effect: string }) => s.Effect === "Allow");
        for (const grant of grants) {
            assert.deepEqual(grant.Principal, { AWS: [`arn:aws:iam::${DEV}:root`, `arn:aws:iam::${TEST}:root`] });
            assert.deepEqual(grant.Condition, {
                ArnEquals: {
                    "aws:PrincipalArn": [`arn:aws:iam::${DEV}:role/ImageSharingRole`, `arn:aws:iam::${TEST}:role/ImageSharingRole`],
                },
            });
        }
        assert.deepEqual(
            grants.map((s: { Action: unknown; Resource: unknown }) => [s.Action, s.Resource]),
            [
                [["s3:GetObject", "s3:GetObjectVersion"], `arn:aws:s3:::product-images-${PROD}/*`],
                ["s3:ListBucket", `arn:aws:s3:::product-images-${PROD}`],
            ],
        );
        assert.deepEqual(policy.Statement[0], {
            Sid: "DenyInsecureTransport",
            Effect: "Deny",
            Principal: { AWS: "*" },
            Action: "s3:*",
            Resource: [`arn:aws:s3:::product-images-${PROD}`, `arn:aws:s3:::product-images-${PROD}/*`],
            Condition: { Bool: { "aws:SecureTransport": "false" } },
        });
    });

    it("every account has an ImageSharingRole; dev's and test's read the prod bucket", () => {
        for (const [stack, account] of Object.entries(ACCOUNTS)) {
            const role = find(stack, "aws:iam/role:Role", "ImageSharingRole");
            assert.equal(role.accountId, account);
            assert.deepEqual(doc(role, "assumeRolePolicy").Statement[0].Principal, { AWS: [`arn:aws:iam::${account}:root`] });
            assert.deepEqual(doc(find(stack, "aws:iam/rolePolicy:RolePolicy", "ImageSharingRole-permissions")).Statement[1], {
                Sid: "ReadProductImages",
                Effect: "Allow",
                Action: ["s3:GetObject", "s3:GetObjectVersion"],
                Resource: [`arn:aws:s3:::product-images-${PROD}/*`],
            });
        }
    });

    it("every account has a multi-region trail into the central audit bucket owned by prod", () => {
        for (const [stack, account] of Object.entries(ACCOUNTS)) {
            const trail = find(stack, "aws:cloudtrail/trail:Trail", "crossaccount-audit");
            assert.equal(trail.accountId, account);
            assert.equal(trail.inputs.s3BucketName, `audit-logs-${PROD}`);
            assert.equal(trail.inputs.isMultiRegionTrail, true);
            assert.equal(trail.inputs.includeGlobalServiceEvents, true);
            assert.equal(trail.inputs.enableLogFileValidation, true);
        }
        const auditBuckets = Object.values(stacks).flatMap((s) =>
            s.resources.filter((r) => r.type === "aws:s3/bucket:Bucket" && r.inputs.bucket === `audit-logs-${PROD}`),
        );
        assert.deepEqual(
            auditBuckets.map((b) => b.accountId),
            [PROD],
        );
        const bucketPolicy = find("prod", "aws:s3/bucketPolicy:BucketPolicy", "crossaccount-audit-bucket-policy");
        assert.ok(find("prod", "aws:cloudtrail/trail:Trail", "crossaccount-audit").dependencies.includes(bucketPolicy.urn));
        const write = doc(bucketPolicy).Statement.find((s: { Sid: string }) => s.Sid === "AWSCloudTrailWrite");
        // Scoped to the organization and the trail's name, not to each account's trail: constant size (issue 15).
        assert.deepEqual(write.Resource, `arn:aws:s3:::audit-logs-${PROD}/AWSLogs/*`);
        assert.deepEqual(write.Condition, {
            StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceOrgID": "o-a1b2c3d4e5" },
            ArnLike: { "aws:SourceArn": ["arn:aws:cloudtrail:*:*:trail/crossaccount-audit"] },
        });
    });

    it("every trail encrypts with prod's log key, which dev and test read from prod's outputs", () => {
        const keys = Object.values(stacks).flatMap((s) => s.resources.filter((r) => r.type === "aws:kms/key:Key"));
        assert.deepEqual(
            keys.map((k) => [k.name, k.accountId]),
            [
                ["appdb-baseline-key", PROD],
                ["crossaccount-audit-key", PROD],
            ],
        );
        keys.shift(); // the shared snapshot's key: its own test
        const keyArn = `arn:aws:kms:us-east-1:${PROD}:key/${keys[0].id}`;
        assert.match(keys[0].id!, /^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$/);
        assert.equal(stacks.prod.outputs.auditKmsKeyArn, keyArn);
        for (const stack of ["dev", "test", "prod"]) {
            assert.equal(find(stack, "aws:cloudtrail/trail:Trail", "crossaccount-audit").inputs.kmsKeyId, keyArn, stack);
        }
        assert.equal(stacks.dev.outputs.auditKmsKeyArn, undefined);
        const alias = find("prod", "aws:kms/alias:Alias", "crossaccount-audit-key-alias");
        assert.deepEqual([alias.accountId, alias.inputs.name, alias.inputs.targetKeyId], [PROD, "alias/crossaccount-audit", keys[0].id]);
        const key = keys[0];
        assert.equal(key.inputs.enableKeyRotation, true);
        const trails = ["arn:aws:cloudtrail:*:*:trail/crossaccount-audit"];
        const org = { StringEquals: { "aws:SourceOrgID": "o-a1b2c3d4e5" }, ArnLike: { "aws:SourceArn": trails } };
        assert.deepEqual(
            doc(key).Statement.map((s: { Sid: string; Condition?: unknown }) => [s.Sid, s.Condition]),
            [
                ["EnableIamUserPermissions", undefined],
                ["AllowCloudTrailEncryptLogs", { StringLike: { "kms:EncryptionContext:aws:cloudtrail:arn": trails }, ...org }],
                ["AllowCloudTrailDescribeKey", org],
            ],
        );
    });

    it("prod creates release-notifier and no permission; dev's stack adds CiBuild's in prod, through prod's provider, after CiBuild", () => {
        const fn = find("prod", "aws:lambda/function:Function", "release-notifier");
        assert.equal(fn.accountId, PROD);
        assert.equal(fn.inputs.role, `arn:aws:iam::${PROD}:role/release-notifier-execution`);
        // A runtime AWS accepts until 2028; the release team deploys the code, which the program then leaves alone.
        assert.equal(fn.inputs.runtime, "nodejs24.x");
        assert.deepEqual(fn.options.ignoreChanges, ["code", "sourceCodeHash"]);
        assert.deepEqual(
            stacks.prod.resources.filter((r) => r.type === "aws:lambda/permission:Permission"),
            [],
        );

        // Like test's side of the peering in dev: dev's stack holds the permission, prod's provider creates it.
        const permissions = stacks.dev.resources.filter((r) => r.type === "aws:lambda/permission:Permission");
        assert.deepEqual(
            permissions.map((p) => [p.name, p.accountId, p.inputs]),
            [
                [
                    "invoke-prod-release-notifier-invoke-111111111111-role-CiBuild",
                    PROD,
                    {
                        action: "lambda:InvokeFunction",
                        function: "release-notifier",
                        principal: `arn:aws:iam::${DEV}:role/CiBuild`,
                        statementId: "invoke-111111111111-role-CiBuild",
                    },
                ],
            ],
        );
        const prodProvider = find("dev", "pulumi:providers:aws", "aws-prod");
        assert.ok(permissions[0].provider!.startsWith(`${prodProvider.urn}::`), "through dev's provider for prod");
        // Lambda resolves the role when the permission is added: CiBuild must exist and have propagated in IAM first,
        // and a recreated CiBuild (a new unique ID) replaces the permission, deleting the old statement first.
        const ciBuild = find("dev", "aws:iam/role:Role", "CiBuild");
        const propagation = find(
            "dev",
            "time:index/sleep:Sleep",
            "invoke-prod-release-notifier-invoke-111111111111-role-CiBuild-propagation",
        );
        assert.deepEqual(
            [propagation.inputs, propagation.dependencies],
            [{ createDuration: "30s", triggers: { roleUniqueId: ciBuild.outputs.uniqueId } }, [ciBuild.urn]],
        );
        assert.deepEqual(permissions[0].dependencies, [propagation.urn], "the permission waits for CiBuild's propagation");
        assert.deepEqual(
            [permissions[0].options.replacementTrigger, permissions[0].options.deleteBeforeReplace],
            [ciBuild.outputs.uniqueId, true],
        );

        const notifier = `arn:aws:lambda:us-east-1:${PROD}:function:release-notifier`;
        const invoke = find("dev", "aws:iam/rolePolicy:RolePolicy", "invoke-prod-release-notifier-CiBuild");
        assert.deepEqual(
            [invoke.accountId, invoke.inputs.name, invoke.inputs.role],
            [DEV, `invoke-${PROD}-us-east-1-release-notifier`, "CiBuild"],
        );
        assert.deepEqual(doc(invoke), {
            Version: "2012-10-17",
            Statement: [{ Sid: "InvokeSharedFunctions", Effect: "Allow", Action: ["lambda:InvokeFunction"], Resource: [notifier] }],
        });
        const images = `arn:aws:ecr:us-east-1:${PROD}:repository/app-images`;
        assert.deepEqual(doc(find("dev", "aws:iam/rolePolicy:RolePolicy", "CiBuild-permissions")).Statement, [
            {
                Sid: "PullSharedImages",
                Effect: "Allow",
                Action: ECR_PULL_ACTIONS,
                Resource: [images],
            },
            { Sid: "GetEcrAuthorizationToken", Effect: "Allow", Action: ["ecr:GetAuthorizationToken"], Resource: ["*"] },
        ]);
    });

    it("every account has a GitHubActionsDeploy role for one repository and one protected branch (prod: environment)", () => {
        const subjects: Record<string, string> = {
            dev: "repo:acme-platform/crossaccount:ref:refs/heads/main",
            test: "repo:acme-platform/crossaccount:ref:refs/heads/main",
            prod: "repo:acme-platform/crossaccount:environment:production",
        };
        for (const [stack, account] of Object.entries(ACCOUNTS)) {
            const provider = find(stack, "aws:iam/openIdConnectProvider:OpenIdConnectProvider", "github-oidc");
            assert.deepEqual(
                [provider.accountId, provider.inputs.url, provider.inputs.clientIdLists],
                [account, "https://token.actions.githubusercontent.com", ["sts.amazonaws.com"]],
            );
            const role = find(stack, "aws:iam/role:Role", "GitHubActionsDeploy");
            assert.equal(role.accountId, account);
            assert.deepEqual(doc(role, "assumeRolePolicy"), {
                Version: "2012-10-17",
                Statement: [
                    {
                        Sid: "WebIdentityGithub",
                        Effect: "Allow",
                        Principal: { Federated: `arn:aws:iam::${account}:oidc-provider/token.actions.githubusercontent.com` },
                        Action: ["sts:AssumeRoleWithWebIdentity", "sts:TagSession"],
                        Condition: {
                            StringEquals: {
                                "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
                                "token.actions.githubusercontent.com:sub": [subjects[stack]],
                            },
                        },
                    },
                ],
            });
        }
    });

    it("a CI chain: dev's ReleasePipeline assumes prod's ReleaseDeploy, whose trust names exactly that role", () => {
        assert.deepEqual(doc(find("prod", "aws:iam/role:Role", "ReleaseDeploy"), "assumeRolePolicy").Statement, [
            allowNarrowedRoots("TrustedPrincipals", [DEV], "sts:AssumeRole", [`arn:aws:iam::${DEV}:role/ReleasePipeline`]),
        ]);
        assert.deepEqual(doc(find("dev", "aws:iam/rolePolicy:RolePolicy", "ReleasePipeline-permissions")).Statement, [
            {
                Sid: "AssumeChainedRoles",
                Effect: "Allow",
                Action: ["sts:AssumeRole"],
                Resource: [`arn:aws:iam::${PROD}:role/ReleaseDeploy`],
            },
        ]);
    });

    it("the vendor's audit role trusts the vendor's account with an external ID, kept secret", () => {
        const role = find("prod", "aws:iam/role:Role", "VendorAudit");
        assert.deepEqual(doc(role, "assumeRolePolicy").Statement, [
            {
                Sid: "TrustedPrincipals",
                Effect: "Allow",
                Principal: { AWS: ["arn:aws:iam::777788889999:root"] },
                Action: "sts:AssumeRole",
                Condition: { StringEquals: { "sts:ExternalId": "auditvendor-7f3a9c" } },
            },
        ]);
    });

    it("prod's app-images repository lets dev's CiBuild, test's IntegrationTests and both deploy roles pull, nothing else", () => {
        const policy = find("prod", "aws:ecr/repositoryPolicy:RepositoryPolicy", "app-images-grant-policy");
        assert.equal(policy.accountId, PROD);
        assert.deepEqual(doc(policy), {
            Version: "2012-10-17",
            Statement: [
                allowNarrowedRoots("DevTestPull", [DEV, TEST], ECR_PULL_ACTIONS, [
                    `arn:aws:iam::${DEV}:role/CiBuild`,
                    `arn:aws:iam::${DEV}:role/GitHubActionsDeploy`,
                    `arn:aws:iam::${TEST}:role/GitHubActionsDeploy`,
                    `arn:aws:iam::${TEST}:role/IntegrationTests`,
                ]),
            ],
        });
    });

    it("prod shares a copy of the baseline snapshot with test only, and IntegrationTests may restore or copy it", () => {
        const copy = find("prod", "aws:rds/snapshotCopy:SnapshotCopy", "appdb-baseline");
        assert.deepEqual(
            [copy.accountId, copy.inputs.sourceDbSnapshotIdentifier, copy.inputs.targetDbSnapshotIdentifier, copy.inputs.sharedAccounts],
            [PROD, "appdb-baseline-2026-01", "appdb-baseline", [TEST]],
        );
        const statements = doc(find("test", "aws:iam/rolePolicy:RolePolicy", "IntegrationTests-permissions")).Statement;
        assert.deepEqual(
            statements.find((s: { Sid: string }) => s.Sid === "RestoreSharedSnapshots"),
            {
                Sid: "RestoreSharedSnapshots",
                Effect: "Allow",
                Action: ["rds:CopyDBSnapshot", "rds:RestoreDBInstanceFromDBSnapshot"],
                Resource: [`arn:aws:rds:us-east-1:${PROD}:snapshot:appdb-baseline`],
            },
        );
    });

    it("every account alarms on the trail's events in its own CloudWatch Logs; only prod has the Config rule", () => {
        for (const [stack, account] of Object.entries(ACCOUNTS)) {
            const trail = find(stack, "aws:cloudtrail/trail:Trail", "crossaccount-audit");
            assert.equal(
                trail.inputs.cloudWatchLogsGroupArn,
                `arn:aws:logs:us-east-1:${account}:log-group:/cloudtrail/crossaccount-audit:*`,
            );
            assert.equal(trail.inputs.cloudWatchLogsRoleArn, `arn:aws:iam::${account}:role/crossaccount-audit-cloudwatch-logs`);
            const alarms = stacks[stack].resources.filter((r) => r.type === "aws:cloudwatch/metricAlarm:MetricAlarm");
            assert.deepEqual(
                alarms.map((a) => [a.accountId, a.inputs.metricName, a.inputs.alarmActions]),
                ["CrossAccountAssumeRole", "AccessDenied", "TrustPolicyChanges", "ResourcePolicyChanges"].map((metric) => [
                    account,
                    metric,
                    [`arn:aws:sns:us-east-1:${account}:crossaccount-activity`],
                ]),
            );
            const assume = find(stack, "aws:cloudwatch/logMetricFilter:LogMetricFilter", "activity-alarms-cross-account-assume-role");
            assert.match(
                String(assume.inputs.pattern),
                new RegExp(
                    `roleArn = "arn:aws:iam::\\*:role/AppReadOnly"\\) \\|\\| \\(\\$\\.requestParameters\\.roleArn = "arn:aws:iam::\\*:role/ReleaseDeploy"`,
                ),
            );
            assert.equal(stacks[stack].resources.filter((r) => r.type === "aws:cfg/rule:Rule").length, stack === "prod" ? 1 : 0);
            // Every alarm topic has a subscriber; an email one is pending until confirmed, and the output says so.
            const subscriptions = stacks[stack].resources.filter((r) => r.type === "aws:sns/topicSubscription:TopicSubscription");
            assert.deepEqual(
                subscriptions.map((s) => [s.accountId, s.inputs]),
                [
                    [
                        account,
                        {
                            topic: `arn:aws:sns:us-east-1:${account}:crossaccount-activity`,
                            protocol: "email",
                            endpoint: "security-alerts@example.com",
                        },
                    ],
                ],
            );
            assert.deepEqual(stacks[stack].outputs.alarmSubscriptions, {
                "email:security-alerts@example.com":
                    "pending confirmation: follow the link AWS mails to this address, or no alarm reaches it",
            });
            // The delivery role's trust is the one AWS documents: CloudTrail, no condition.
            assert.deepEqual(doc(find(stack, "aws:iam/role:Role", "crossaccount-audit-cloudwatch-logs"), "assumeRolePolicy").Statement, [
                { Sid: "TrustedServices", Effect: "Allow", Principal: { Service: ["cloudtrail.amazonaws.com"] }, Action: "sts:AssumeRole" },
            ]);
        }
        assert.match(
            String(find("prod", "aws:cfg/rule:Rule", "crossaccount-blocked-managed-policies").inputs.inputParameters),
            /roles:\[OrganizationAccountAccessRole\]/,
        );
        // Prod checks the organization's recorder (the mocks answer that it exists) and creates none.
        assert.deepEqual(
            stacks.prod.resources.filter((r) => r.type.startsWith("aws:cfg/") && r.type !== "aws:cfg/rule:Rule"),
            [],
        );
    });

    it("test peers with dev: requester in test, accepter and return route in dev", () => {
        const requester = find("test", "aws:ec2/vpcPeeringConnection:VpcPeeringConnection", "test-to-dev");
        assert.equal(requester.accountId, TEST);
        assert.equal(requester.inputs.autoAccept, undefined);
        assert.equal(requester.inputs.peerOwnerId, DEV);
        assert.equal(requester.inputs.peerVpcId, stacks.dev.outputs.vpcId);
        const accepter = find("test", "aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter", "test-to-dev-accepter");
        assert.equal(accepter.accountId, DEV);
        const routes = stacks.test.resources.filter((r) => r.type === "aws:ec2/route:Route");
        assert.deepEqual(routes.map((r) => [r.accountId, r.inputs.routeTableId, r.inputs.destinationCidrBlock]).sort(), [
            [DEV, stacks.dev.outputs.routeTableId, "10.20.0.0/16"],
            [TEST, stacks.test.outputs.routeTableId, "10.10.0.0/16"],
        ]);
        const options = stacks.test.resources.filter((r) => r.type === "aws:ec2/peeringConnectionOptions:PeeringConnectionOptions");
        assert.deepEqual(options.map((o) => o.accountId).sort(), [DEV, TEST]);
    });

    it("gives each environment its own non-overlapping VPC", () => {
        const cidrs = ["dev", "test", "prod"].map((s) => find(s, "aws:ec2/vpc:Vpc", "network").inputs.cidrBlock);
        assert.deepEqual(cidrs, ["10.10.0.0/16", "10.20.0.0/16", "10.30.0.0/16"]);
    });

    it("exports only the outputs StackOutputs declares; prod, which has every section, exports each of them", async () => {
        const { STACK_OUTPUT_NAMES } = await import("../program/outputs");
        for (const stack of Object.values(stacks)) {
            for (const name of Object.keys(stack.outputs))
                assert.ok((STACK_OUTPUT_NAMES as string[]).includes(name), `${name} is not in StackOutputs`);
        }
        assert.deepEqual(Object.keys(stacks.prod.outputs).sort(), [...STACK_OUTPUT_NAMES].sort());
    });

    it("exports what other stacks and people need", () => {
        assert.deepEqual(stacks.prod.outputs.roleArns, {
            ImageSharingRole: `arn:aws:iam::${PROD}:role/ImageSharingRole`,
            UpdateApp: `arn:aws:iam::${PROD}:role/UpdateApp`,
            AppReadOnly: `arn:aws:iam::${PROD}:role/AppReadOnly`,
            GitHubActionsDeploy: `arn:aws:iam::${PROD}:role/GitHubActionsDeploy`,
            ReleaseDeploy: `arn:aws:iam::${PROD}:role/ReleaseDeploy`,
            VendorAudit: `arn:aws:iam::${PROD}:role/VendorAudit`,
        });
        assert.deepEqual(stacks.prod.outputs.bucketNames, {
            "product-images": `product-images-${PROD}`,
            productionapp: `productionapp-${PROD}`,
        });
        assert.equal(stacks.prod.outputs.auditBucketName, `audit-logs-${PROD}`);
        assert.match(String(stacks.prod.outputs.auditKmsKeyArn), new RegExp(`^arn:aws:kms:us-east-1:${PROD}:key/[0-9a-f-]{36}$`));
        assert.deepEqual(stacks.prod.outputs.functionArns, {
            "release-notifier": `arn:aws:lambda:us-east-1:${PROD}:function:release-notifier`,
        });
        assert.deepEqual(stacks.prod.outputs.repositoryUrls, { "app-images": `${PROD}.dkr.ecr.us-east-1.amazonaws.com/app-images` });
        assert.deepEqual(stacks.prod.outputs.snapshotArns, { "appdb-baseline": `arn:aws:rds:us-east-1:${PROD}:snapshot:appdb-baseline` });
        assert.equal(stacks.dev.outputs.alarmTopicArn, `arn:aws:sns:us-east-1:${DEV}:crossaccount-activity`);
        assert.match(String(stacks.dev.outputs.vpcId), /^vpc-[0-9a-f]{17}$/);
        assert.match(String((stacks.test.outputs.peeringConnectionIds as Record<string, string>).dev), /^pcx-[0-9a-f]{17}$/);
    });
});
