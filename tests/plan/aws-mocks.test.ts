// The mocks must behave like the AWS provider where the program and the analysis rely on it.
import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { AwsMocks, awsState, waitForRegistrations } from "../../plan/aws-mocks";

const placement = { accountId: "111111111111", region: "eu-west-1", partition: "aws" };

describe("AWS mocks", () => {
    describe("awsState", () => {
        it("auto-names unnamed resources like the provider, deterministically", () => {
            const role = awsState("aws:iam/role:Role", "deployer", {}, placement);
            assert.match(String(role.state.name), /^deployer-[0-9a-f]{7}$/);
            assert.deepEqual(awsState("aws:iam/role:Role", "deployer", {}, placement), role);
            const bucket = awsState("aws:s3/bucket:Bucket", "Logs", {}, placement);
            assert.match(String(bucket.state.bucket), /^logs-[0-9a-f]{7}$/);
        });

        it("gives ARNs in the resource's account, region and partition", () => {
            const role = awsState("aws:iam/role:Role", "r", { name: "UpdateApp", path: "/apps/" }, placement);
            assert.equal(role.state.arn, "arn:aws:iam::111111111111:role/apps/UpdateApp");
            assert.equal(role.id, "UpdateApp");
            const trail = awsState("aws:cloudtrail/trail:Trail", "t", { name: "audit" }, { ...placement, partition: "aws-us-gov" });
            assert.equal(trail.state.arn, "arn:aws-us-gov:cloudtrail:eu-west-1:111111111111:trail/audit");
            const bucket = awsState("aws:s3/bucket:Bucket", "b", { bucket: "images-111111111111" }, placement);
            assert.equal(bucket.state.arn, "arn:aws:s3:::images-111111111111");
            assert.equal(bucket.id, "images-111111111111");
        });

        it("gives the Lambda, ECR, RDS, SNS, CloudWatch and Config resources the provider's ids and ARNs", () => {
            const cases: [string, Record<string, unknown>, string, Record<string, unknown>][] = [
                [
                    "aws:lambda/function:Function",
                    { name: "notifier" },
                    "notifier",
                    {
                        arn: "arn:aws:lambda:eu-west-1:111111111111:function:notifier",
                        qualifiedArn: "arn:aws:lambda:eu-west-1:111111111111:function:notifier:$LATEST",
                    },
                ],
                ["aws:lambda/permission:Permission", { statementId: "invoke-dev", function: "notifier" }, "invoke-dev", {}],
                [
                    "aws:ecr/repository:Repository",
                    { name: "team/app" },
                    "team/app",
                    {
                        arn: "arn:aws:ecr:eu-west-1:111111111111:repository/team/app",
                        registryId: "111111111111",
                        repositoryUrl: "111111111111.dkr.ecr.eu-west-1.amazonaws.com/team/app",
                    },
                ],
                [
                    "aws:ecr/repositoryPolicy:RepositoryPolicy",
                    { repository: "team/app", policy: "{}" },
                    "team/app",
                    { registryId: "111111111111" },
                ],
                [
                    "aws:rds/snapshotCopy:SnapshotCopy",
                    { targetDbSnapshotIdentifier: "baseline" },
                    "baseline",
                    {
                        dbSnapshotArn: "arn:aws:rds:eu-west-1:111111111111:snapshot:baseline",
                    },
                ],
                [
                    "aws:sns/topic:Topic",
                    { name: "alarms" },
                    "arn:aws:sns:eu-west-1:111111111111:alarms",
                    { arn: "arn:aws:sns:eu-west-1:111111111111:alarms" },
                ],
                [
                    "aws:cloudwatch/logGroup:LogGroup",
                    { name: "/cloudtrail/audit" },
                    "/cloudtrail/audit",
                    {
                        arn: "arn:aws:logs:eu-west-1:111111111111:log-group:/cloudtrail/audit",
                    },
                ],
                [
                    "aws:cloudwatch/metricAlarm:MetricAlarm",
                    { name: "denied" },
                    "denied",
                    { arn: "arn:aws:cloudwatch:eu-west-1:111111111111:alarm:denied" },
                ],
            ];
            for (const [type, inputs, id, expected] of cases) {
                const { id: actualId, state } = awsState(type, "r", inputs, placement);
                assert.equal(actualId, id, type);
                for (const [key, value] of Object.entries(expected)) assert.equal(state[key], value, `${type} ${key}`);
            }
            assert.equal(
                awsState("aws:rds/snapshotCopy:SnapshotCopy", "r", { targetDbSnapshotIdentifier: "x" }, placement).state.arn,
                undefined,
            );
            assert.match(
                String(awsState("aws:cfg/rule:Rule", "r", { name: "rule" }, placement).state.arn),
                /^arn:aws:config:eu-west-1:111111111111:config-rule\/config-rule-[0-9a-f]{6}$/,
            );
        });

        it("gives KMS keys a UUID-like key id in their ARN, and aliases their name", () => {
            const key = awsState("aws:kms/key:Key", "audit-key", { description: "logs" }, placement);
            assert.match(key.id, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
            assert.equal(key.state.keyId, key.id);
            assert.equal(key.state.arn, `arn:aws:kms:eu-west-1:111111111111:key/${key.id}`);
            assert.notEqual(awsState("aws:kms/key:Key", "audit-key", {}, { ...placement, accountId: "222222222222" }).id, key.id);
            const alias = awsState("aws:kms/alias:Alias", "audit-key-alias", { name: "alias/audit", targetKeyId: key.id }, placement);
            assert.equal(alias.id, "alias/audit");
            assert.equal(alias.state.arn, "arn:aws:kms:eu-west-1:111111111111:alias/audit");
            assert.match(String(awsState("aws:kms/alias:Alias", "logs", {}, placement).state.name), /^alias\/logs-[0-9a-f]{7}$/);
        });

        it("gives EC2 ids with the right prefixes", () => {
            assert.match(awsState("aws:ec2/vpc:Vpc", "v", {}, placement).id, /^vpc-[0-9a-f]{17}$/);
            assert.match(awsState("aws:ec2/vpcPeeringConnection:VpcPeeringConnection", "p", {}, placement).id, /^pcx-[0-9a-f]{17}$/);
            const accepter = awsState(
                "aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter",
                "a",
                { vpcPeeringConnectionId: "pcx-1" },
                placement,
            );
            assert.equal(accepter.id, "pcx-1");
        });
    });

    describe("registrations", () => {
        const mocks = new AwsMocks({
            defaultAccountId: "000000000000",
            stackOutputs: (name) =>
                name === "organization/crossaccount/prod" ? { auditBucketName: "audit-logs-999999999999" } : undefined,
        });
        let referenced: string | undefined;

        before(async () => {
            await mocks.install("crossaccount", "dev");
            const provider = new aws.Provider("aws-test", { region: "eu-west-1", allowedAccountIds: ["222222222222"] });
            new aws.iam.Role("role", { assumeRolePolicy: pulumi.secret("{}") }, { provider });
            new aws.iam.Group("group", {});
            const reference = new pulumi.StackReference("prod", { name: "organization/crossaccount/prod" });
            reference.requireOutput("auditBucketName").apply((name) => (referenced = name as string));
            await waitForRegistrations();
        });

        it("records the account and region of the resource's provider", () => {
            const role = mocks.resources.find((r) => r.type === "aws:iam/role:Role")!;
            assert.equal(role.accountId, "222222222222");
            assert.equal(role.region, "eu-west-1");
            assert.match(String(role.outputs.arn), /^arn:aws:iam::222222222222:role\/role-[0-9a-f]{7}$/);
            assert.equal(role.urn, "urn:pulumi:dev::crossaccount::aws:iam/role:Role::role");
        });

        it("uses the default account for the default provider", () => {
            assert.equal(mocks.resources.find((r) => r.type === "aws:iam/group:Group")!.accountId, "000000000000");
        });

        it("unwraps secret inputs and remembers their values for redaction", () => {
            assert.equal(mocks.resources.find((r) => r.type === "aws:iam/role:Role")!.inputs.assumeRolePolicy, "{}");
            assert.deepEqual([...mocks.secretValues], ["{}"]);
        });

        it("answers StackReferences with the other stack's outputs", () => {
            assert.equal(referenced, "audit-logs-999999999999");
        });
    });
});
