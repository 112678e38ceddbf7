// AWS Config for the managed-policy rule: the organization's recorder checked at preview through the
// account's provider (the mocks answer Cloud Control's GetResource like AWS), or one created with its
// delivery channel, bucket and role where the account has none.
import * as assert from "assert";
import { ConfigRecorder, ManagedPolicyRule } from "../../components";
import { DEV, PROD, TEST, accountProvider, promiseOf, recorded, settle, suiteMocks } from "./support";
import { allowService } from "../support/statements";

const CONFIG = "config.amazonaws.com";

describe("ConfigRecorder", () => {
    // PROD records everything; TEST records only EC2; DEV has no recorder at all.
    const mocks = suiteMocks({
        configRecorders: (accountId): Record<string, Record<string, unknown>> =>
            accountId === PROD
                ? { default: { Name: "default", RecordingGroup: { AllSupported: true, IncludeGlobalResourceTypes: true } } }
                : accountId === TEST
                  ? { default: { Name: "default", RecordingGroup: { AllSupported: false, ResourceTypes: ["AWS::EC2::Instance"] } } }
                  : {},
    });

    it("checks the organization's recorder through the account's provider and passes when it records IAM", async () => {
        const recorder = new ConfigRecorder(
            "org",
            { accountId: PROD, region: "us-east-1", recorderName: "default" },
            { provider: accountProvider("prod-for-config", PROD) },
        );
        assert.strictEqual(await promiseOf(recorder.ready), "default");
        await settle();
        assert.strictEqual(
            mocks.resources.filter((r) => r.parent === recorded(mocks, "crossaccount:index:ConfigRecorder", "org").urn).length,
            0,
            "creates nothing",
        );
    });

    it("stops with a clear message where the account has no such recorder", async () => {
        const recorder = new ConfigRecorder(
            "none",
            { accountId: DEV, region: "us-east-1", recorderName: "default" },
            { provider: accountProvider("dev-for-config", DEV) },
        );
        await assert.rejects(promiseOf(recorder.ready), (error: Error) => {
            assert.strictEqual(
                error.message,
                `AWS Config has no configuration recorder 'default' in account ${DEV} (us-east-1), or it cannot be read ` +
                    // The provider's own message in place of "not found" under the CLI (the mocks' is lost on the way).
                    "(not found): " +
                    "the Config rule would fail with NoAvailableConfigurationRecorderException. Name the organization's recorder in " +
                    "crossaccount:managedPolicyRule.recorder.name, or set crossaccount:managedPolicyRule.recorder.create: true where the account has none.",
            );
            return true;
        });
    });

    it("stops where the recorder does not record IAM roles, users and groups", async () => {
        const recorder = new ConfigRecorder(
            "ec2-only",
            { accountId: TEST, region: "us-east-1", recorderName: "default" },
            { provider: accountProvider("test-for-config", TEST) },
        );
        await assert.rejects(
            promiseOf(recorder.ready),
            /AWS Config recorder 'default' in account 222222222222 \(us-east-1\) does not record IAM roles, users and groups/,
        );
    });

    it("creates the recorder (IAM types only), its role, the delivery bucket and channel, and starts it, in order", async () => {
        const rule = new ManagedPolicyRule(
            "created",
            {
                ruleName: "blocked-policies",
                recorder: {
                    accountId: DEV,
                    region: "us-east-1",
                    recorderName: "default",
                    create: { deliveryBucketName: `aws-config-${DEV}` },
                },
            },
            { provider: accountProvider("dev-for-created", DEV) },
        );
        await promiseOf(rule.ruleArn);
        await settle();
        const recorder = recorded(mocks, "aws:cfg/recorder:Recorder", "created-recorder");
        assert.strictEqual(recorder.accountId, DEV);
        assert.deepStrictEqual(recorder.inputs, {
            name: "default",
            roleArn: `arn:aws:iam::${DEV}:role/default-config-recorder`,
            recordingGroup: {
                allSupported: false,
                includeGlobalResourceTypes: false,
                resourceTypes: ["AWS::IAM::Group", "AWS::IAM::Policy", "AWS::IAM::Role", "AWS::IAM::User"],
                recordingStrategies: [{ useOnly: "INCLUSION_BY_RESOURCE_TYPES" }],
            },
        });
        const role = recorded(mocks, "aws:iam/role:Role", "created-recorder-role");
        assert.deepStrictEqual(JSON.parse(String(role.inputs.assumeRolePolicy)).Statement, [
            allowService("TrustedServices", [CONFIG], "sts:AssumeRole", { Condition: { StringEquals: { "aws:SourceAccount": [DEV] } } }),
        ]);
        assert.deepStrictEqual(
            recorded(mocks, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "created-recorder-role-config").inputs,
            {
                role: "default-config-recorder",
                policyArn: "arn:aws:iam::aws:policy/service-role/AWS_ConfigRole",
            },
        );
        const bucket = `aws-config-${DEV}`;
        const policy = JSON.parse(
            String(recorded(mocks, "aws:s3/bucketPolicy:BucketPolicy", "created-recorder-delivery-policy").inputs.policy),
        );
        const account = { StringEquals: { "aws:SourceAccount": DEV } };
        assert.deepStrictEqual(
            policy.Statement.filter((s: { Sid: string }) => s.Sid.startsWith("AWSConfig")),
            [
                allowService("AWSConfigBucketPermissionsCheck", CONFIG, "s3:GetBucketAcl", {
                    Resource: `arn:aws:s3:::${bucket}`,
                    Condition: account,
                }),
                allowService("AWSConfigBucketExistenceCheck", CONFIG, "s3:ListBucket", {
                    Resource: `arn:aws:s3:::${bucket}`,
                    Condition: account,
                }),
                allowService("AWSConfigBucketDelivery", CONFIG, "s3:PutObject", {
                    Resource: `arn:aws:s3:::${bucket}/AWSLogs/${DEV}/Config/*`,
                    Condition: { StringEquals: { "aws:SourceAccount": DEV, "s3:x-amz-acl": "bucket-owner-full-control" } },
                }),
            ],
        );
        const channel = recorded(mocks, "aws:cfg/deliveryChannel:DeliveryChannel", "created-recorder");
        assert.deepStrictEqual(channel.inputs, { name: "default", s3BucketName: bucket });
        assert.ok(
            channel.dependencies.includes(recorder.urn) &&
                channel.dependencies.includes(recorded(mocks, "aws:s3/bucketPolicy:BucketPolicy", "created-recorder-delivery-policy").urn),
        );
        const status = recorded(mocks, "aws:cfg/recorderStatus:RecorderStatus", "created-recorder");
        assert.deepStrictEqual(status.inputs, { name: "default", isEnabled: true });
        assert.ok(status.dependencies.includes(channel.urn), "started once it can deliver");
        // The rule waits for the started recorder.
        assert.ok(recorded(mocks, "aws:cfg/rule:Rule", "created").dependencies.includes(status.urn));
    });
});
