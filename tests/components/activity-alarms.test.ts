import * as assert from "assert";
import { CrossAccountActivityAlarms, activityMetrics, alarmTopicPolicyDocument } from "../../components/activity-alarms";
import { ManagedPolicyRule, managedPolicyRuleParameters } from "../../components/managed-policy-rule";
import { PROD, accountProvider, promiseOf, recorded, settle, suiteMocks } from "./support";
import { allowService } from "../support/statements";

const updateApp = `arn:aws:iam::${PROD}:role/UpdateApp`;
const readOnly = `arn:aws:iam::${PROD}:role/AppReadOnly`;
const anyAccount = (name: string) => `arn:aws:iam::*:role/${name}`;

describe("CrossAccountActivityAlarms and ManagedPolicyRule", () => {
    const mocks = suiteMocks();

    it("filters the trail's events exactly: AssumeRole into the cross-account roles, denials, trust and resource policy changes", () => {
        // Roles by name in any account: the same pattern for the same names in 1 or 1,000 accounts.
        const inDev = `arn:aws:iam::111111111111:role/UpdateApp`;
        assert.deepStrictEqual(
            activityMetrics([updateApp, readOnly, inDev]).map((m) => [m.metricName, m.pattern]),
            [
                [
                    "CrossAccountAssumeRole",
                    '{ ($.eventSource = "sts.amazonaws.com") && ($.eventName = "AssumeRole") && ' +
                        `(($.requestParameters.roleArn = "${anyAccount("AppReadOnly")}") || ($.requestParameters.roleArn = "${anyAccount("UpdateApp")}")) }`,
                ],
                ["AccessDenied", '{ (($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*")) }'],
                ["TrustPolicyChanges", '{ (($.eventSource = "iam.amazonaws.com") && ($.eventName = "UpdateAssumeRolePolicy")) }'],
                [
                    "ResourcePolicyChanges",
                    "{ (" +
                        '(($.eventSource = "s3.amazonaws.com") && (($.eventName = "PutBucketPolicy") || ($.eventName = "DeleteBucketPolicy") || ($.eventName = "PutBucketAcl"))) || ' +
                        '(($.eventSource = "lambda.amazonaws.com") && (($.eventName = "AddPermission*") || ($.eventName = "RemovePermission*"))) || ' +
                        '(($.eventSource = "ecr.amazonaws.com") && (($.eventName = "SetRepositoryPolicy") || ($.eventName = "DeleteRepositoryPolicy"))) || ' +
                        '(($.eventSource = "rds.amazonaws.com") && ($.eventName = "ModifyDBSnapshotAttribute"))) }',
                ],
            ],
        );
        // Without cross-account roles there is nothing to match AssumeRole against.
        assert.deepStrictEqual(
            activityMetrics([]).map((m) => m.key),
            ["access-denied", "trust-policy-changes", "resource-policy-changes"],
        );
    });

    it("creates the topic, a policy only this account's alarms may publish through, and a filter and alarm per metric", async () => {
        const alarms = new CrossAccountActivityAlarms(
            "activity",
            {
                logGroupName: "/cloudtrail/org-audit",
                crossAccountRoleArns: [updateApp],
                accountId: PROD,
                region: "us-east-1",
                topicName: "activity-alarms",
                accessDeniedThreshold: 5,
                tags: { env: "prod" },
            },
            { provider: accountProvider("prod-for-alarms", PROD) },
        );
        const topicArn = `arn:aws:sns:us-east-1:${PROD}:activity-alarms`;
        assert.strictEqual(await promiseOf(alarms.topicArn), topicArn);
        assert.deepStrictEqual(alarmTopicPolicyDocument(PROD, "us-east-1", "activity-alarms"), {
            Version: "2012-10-17",
            Statement: [
                allowService("AllowAccountAlarmsToPublish", "cloudwatch.amazonaws.com", "sns:Publish", {
                    Resource: topicArn,
                    Condition: {
                        StringEquals: { "aws:SourceAccount": PROD },
                        ArnLike: { "aws:SourceArn": `arn:aws:cloudwatch:us-east-1:${PROD}:alarm:*` },
                    },
                }),
            ],
        });
        await settle();
        const topicPolicy = recorded(mocks, "aws:sns/topicPolicy:TopicPolicy", "activity-topic-policy");
        assert.strictEqual(topicPolicy.inputs.arn, topicArn);
        assert.deepStrictEqual(
            JSON.parse(topicPolicy.inputs.policy as string),
            alarmTopicPolicyDocument(PROD, "us-east-1", "activity-alarms"),
        );
        const filter = recorded(mocks, "aws:cloudwatch/logMetricFilter:LogMetricFilter", "activity-access-denied");
        assert.deepStrictEqual(filter.inputs, {
            name: "activity-alarms-access-denied",
            logGroupName: "/cloudtrail/org-audit",
            pattern: activityMetrics([updateApp])[1].pattern,
            metricTransformation: { name: "AccessDenied", namespace: "CrossAccount/Activity", value: "1" },
        });
        const alarm = recorded(mocks, "aws:cloudwatch/metricAlarm:MetricAlarm", "activity-access-denied-alarm");
        assert.strictEqual(alarm.accountId, PROD);
        assert.deepStrictEqual(alarm.inputs, {
            name: "activity-alarms-access-denied",
            alarmDescription: "Requests failed with AccessDenied or UnauthorizedOperation.",
            namespace: "CrossAccount/Activity",
            metricName: "AccessDenied",
            statistic: "Sum",
            period: 300,
            evaluationPeriods: 1,
            comparisonOperator: "GreaterThanOrEqualToThreshold",
            threshold: 5,
            treatMissingData: "notBreaching",
            alarmActions: [topicArn],
            tags: { env: "prod" },
        });
        assert.ok(alarm.dependencies.includes(topicPolicy.urn), "alarms wait for the topic policy");
        const alarmsOf = mocks.resources.filter(
            (r) => r.type === "aws:cloudwatch/metricAlarm:MetricAlarm" && r.name.startsWith("activity-"),
        );
        assert.deepStrictEqual(
            alarmsOf.map((a) => [a.inputs.metricName, a.inputs.threshold]),
            [
                ["CrossAccountAssumeRole", 1],
                ["AccessDenied", 5],
                ["TrustPolicyChanges", 1],
                ["ResourcePolicyChanges", 1],
            ],
        );
    });

    it("subscribes each endpoint, named by protocol and endpoint, lets SNS invoke a function of this account, and says what waits for confirmation", async () => {
        const pager = `arn:aws:lambda:us-east-1:${PROD}:function:pager`;
        const queue = `arn:aws:sqs:us-east-1:${PROD}:alarms`;
        const alarms = new CrossAccountActivityAlarms(
            "subscribed",
            {
                logGroupName: "/cloudtrail/org-audit",
                crossAccountRoleArns: [],
                accountId: PROD,
                region: "us-east-1",
                topicName: "subscribed-alarms",
                subscriptions: [
                    { protocol: "email", endpoint: "oncall@example.com" },
                    { protocol: "https", endpoint: "https://hooks.example.com/alarms" },
                    { protocol: "sqs", endpoint: queue },
                    { protocol: "lambda", endpoint: pager },
                ],
            },
            { provider: accountProvider("prod-for-subscriptions", PROD) },
        );
        await settle();
        const topic = `arn:aws:sns:us-east-1:${PROD}:subscribed-alarms`;
        const subscription = (name: string) => recorded(mocks, "aws:sns/topicSubscription:TopicSubscription", name);
        assert.deepStrictEqual(
            [
                subscription("subscribed-email-oncall@example.com"),
                subscription("subscribed-https-https___hooks.example.com_alarms"),
                subscription(`subscribed-sqs-arn_aws_sqs_us-east-1_${PROD}_alarms`),
                subscription(`subscribed-lambda-arn_aws_lambda_us-east-1_${PROD}_function_pager`),
            ].map((s) => [s.accountId, s.inputs]),
            [
                [PROD, { topic, protocol: "email", endpoint: "oncall@example.com" }],
                [PROD, { topic, protocol: "https", endpoint: "https://hooks.example.com/alarms" }],
                [PROD, { topic, protocol: "sqs", endpoint: queue }],
                [PROD, { topic, protocol: "lambda", endpoint: pager }],
            ],
        );
        const invoke = recorded(
            mocks,
            "aws:lambda/permission:Permission",
            `subscribed-lambda-arn_aws_lambda_us-east-1_${PROD}_function_pager-invoke`,
        );
        assert.deepStrictEqual(invoke.inputs, {
            action: "lambda:InvokeFunction",
            function: pager,
            principal: "sns.amazonaws.com",
            statementId: "sns-subscribed-alarms",
            sourceArn: topic,
            sourceAccount: PROD,
        });
        assert.ok(subscription(`subscribed-lambda-arn_aws_lambda_us-east-1_${PROD}_function_pager`).dependencies.includes(invoke.urn));
        assert.deepStrictEqual(alarms.subscriptionStatus, {
            "email:oncall@example.com": "pending confirmation: follow the link AWS mails to this address, or no alarm reaches it",
            "https:https://hooks.example.com/alarms":
                "pending confirmation: the endpoint must confirm the SubscriptionConfirmation request SNS posts",
            [`sqs:${queue}`]: "active once the queue's policy lets sns.amazonaws.com send from this topic (aws:SourceArn)",
            [`lambda:${pager}`]: "active",
        });
        assert.throws(
            () =>
                new CrossAccountActivityAlarms("other-account", {
                    logGroupName: "g",
                    crossAccountRoleArns: [],
                    accountId: PROD,
                    region: "us-east-1",
                    topicName: "t",
                    subscriptions: [{ protocol: "lambda", endpoint: "arn:aws:lambda:us-east-1:111111111111:function:pager" }],
                }),
            /Alarm subscription arn:aws:lambda:us-east-1:111111111111:function:pager: subscribe a function of account 333333333333, the topic's/,
        );
    });

    it("refuses filter patterns over the CloudWatch Logs limit and malformed inputs", () => {
        const base = { logGroupName: "g", crossAccountRoleArns: [updateApp], accountId: PROD, region: "us-east-1", topicName: "t" };
        const many = Array.from({ length: 20 }, (_, i) => `arn:aws:iam::${PROD}:role/cross-account-role-${i}`);
        const cases: [Record<string, unknown>, RegExp][] = [
            [
                { crossAccountRoleArns: many },
                /^DocumentTooLargeError: The cross-account-assume-role metric filter pattern of t is 1645 characters, over the 1024-character limit$/,
            ],
            [{ crossAccountRoleArns: [`arn:aws:iam::${PROD}:role/x"y`] }, /Invalid role ARN/],
            [{ topicName: "alarms.fifo!" }, /Invalid topic name/],
            [{ accessDeniedThreshold: 0 }, /Invalid accessDeniedThreshold 0/],
            [{ periodSeconds: 90 }, /Invalid periodSeconds 90/],
        ];
        cases.forEach(([args, message], index) =>
            assert.throws(() => new CrossAccountActivityAlarms(`bad-alarms-${index}`, { ...base, ...args } as never), message),
        );
    });

    it("flags blocked managed policies with IAM_POLICY_BLACKLISTED_CHECK, excepting identities by name", async () => {
        new ManagedPolicyRule(
            "blocked",
            {
                ruleName: "blocked-policies",
                exceptions: { roles: ["OrganizationAccountAccessRole", "BreakGlass"], users: ["root-admin"] },
                tags: { env: "prod" },
                recorder: { accountId: PROD, region: "us-east-1", recorderName: "default" },
            },
            { provider: accountProvider("prod-for-rule", PROD) },
        );
        await settle();
        const rule = recorded(mocks, "aws:cfg/rule:Rule", "blocked");
        assert.strictEqual(rule.accountId, PROD);
        // The organization's recorder is checked (config-recorder.test.ts), creating nothing; the rule's name waits for the check.
        const recorder = recorded(mocks, "crossaccount:index:ConfigRecorder", "blocked-recorder");
        assert.strictEqual(recorder.parent, recorded(mocks, "crossaccount:index:ManagedPolicyRule", "blocked").urn);
        assert.deepStrictEqual(
            mocks.resources.filter((r) => r.parent === recorder.urn),
            [],
        );
        assert.deepStrictEqual(rule.inputs, {
            name: "blocked-policies",
            description: "IAM roles, users and groups must not have the blocked managed policies attached.",
            source: { owner: "AWS", sourceIdentifier: "IAM_POLICY_BLACKLISTED_CHECK" },
            scope: { complianceResourceTypes: ["AWS::IAM::Group", "AWS::IAM::Role", "AWS::IAM::User"] },
            inputParameters: JSON.stringify({
                policyArns: "arn:aws:iam::aws:policy/AdministratorAccess",
                exceptionList: "users:[root-admin], roles:[BreakGlass;OrganizationAccountAccessRole]",
            }),
            tags: { env: "prod" },
        });
        assert.deepStrictEqual(
            managedPolicyRuleParameters({
                ruleName: "r",
                policyArns: ["arn:aws:iam::aws:policy/IAMFullAccess", "arn:aws:iam::aws:policy/AdministratorAccess"],
            }),
            {
                policyArns: "arn:aws:iam::aws:policy/AdministratorAccess,arn:aws:iam::aws:policy/IAMFullAccess",
            },
        );
        assert.throws(
            () => managedPolicyRuleParameters({ ruleName: "r", exceptions: { roles: [`arn:aws:iam::${PROD}:role/Admin`] } }),
            /Invalid role name in the exception list/,
        );
        assert.throws(
            () => managedPolicyRuleParameters({ ruleName: "r", policyArns: ["AdministratorAccess"] }),
            /Invalid managed policy ARN "AdministratorAccess"/,
        );
    });
});
