// Alarms on the audit trail's events in CloudWatch Logs (AuditTrail with cloudWatchLogs): someone
// assumed one of the organization's cross-account roles, requests are being denied, or a trust or
// resource policy changed. Each is a metric filter and an alarm notifying one SNS topic, whose policy
// lets only this account's CloudWatch alarms publish.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import {
    DEFAULT_PARTITION,
    DocumentTooLargeError,
    FILTER_PATTERN_LIMIT,
    RESOURCE_POLICY_LIMITS,
    assertAccountId,
    policyDocument,
    sortedUnique,
    serializeWithinLimit,
} from "../aws";

export interface CrossAccountActivityAlarmsArgs {
    /** The log group receiving the audit trail's events. */
    logGroupName: pulumi.Input<string>;
    /** Roles principals of other accounts may assume: an AssumeRole into any of them raises an alarm. */
    crossAccountRoleArns: readonly string[];
    /** The account and region of the alarms and the topic. */
    accountId: string;
    region: string;
    topicName: string;
    /** Defaults to CrossAccount/Activity. */
    namespace?: string;
    /** Prefix of the alarm names; defaults to the topic name. */
    alarmNamePrefix?: string;
    /** AccessDenied / UnauthorizedOperation errors per period that raise the alarm; defaults to 1. */
    accessDeniedThreshold?: number;
    /** Defaults to 300 seconds. */
    periodSeconds?: number;
    tags?: Record<string, string>;
    partition?: string;
    /** Who the topic notifies. Functions must be in this account (the component lets SNS invoke them). */
    subscriptions?: AlarmSubscription[];
}

export interface AlarmSubscription {
    protocol: "email" | "https" | "sqs" | "lambda";
    /** An email address, an https:// URL, a queue ARN or a function ARN. */
    endpoint: string;
}

/** Email and https subscriptions deliver nothing until the endpoint confirms (SNS Subscribe API). */
export function needsConfirmation(subscription: AlarmSubscription): boolean {
    return subscription.protocol === "email" || subscription.protocol === "https";
}

/** What the stack output says about a subscription: `email:ops@example.com` → what it still needs. */
export function subscriptionStatus(subscription: AlarmSubscription): [string, string] {
    const status = needsConfirmation(subscription)
        ? subscription.protocol === "email"
            ? "pending confirmation: follow the link AWS mails to this address, or no alarm reaches it"
            : "pending confirmation: the endpoint must confirm the SubscriptionConfirmation request SNS posts"
        : subscription.protocol === "sqs"
          ? "active once the queue's policy lets sns.amazonaws.com send from this topic (aws:SourceArn)"
          : "active";
    return [`${subscription.protocol}:${subscription.endpoint}`, status];
}

/** One CloudWatch Logs filter pattern term on a field of the CloudTrail event. */
type Term = string;

const equals = (field: string, value: string): Term => `($.${field} = "${value}")`;
const anyOf = (...terms: Term[]): Term => (terms.length === 1 ? terms[0] : `(${terms.join(" || ")})`);
const allOf = (...terms: Term[]): string => `{ ${terms.join(" && ")} }`;
const events = (source: string, names: string[]): Term =>
    `(${equals("eventSource", source)} && ${anyOf(...names.map((name) => equals("eventName", name)))})`;

export interface ActivityMetric {
    /** Used in resource names and the metric name. */
    key: string;
    metricName: string;
    pattern: string;
    description: string;
}

/**
 * The roles as the AssumeRole filter matches them: by path and name in any account (`arn:aws:iam::*:role/UpdateApp`;
 * CloudWatch Logs filter patterns take `*` wildcards in string values). An organization's accounts share a few role
 * names, so the pattern grows with the names, not with the accounts, and stays within its 1,024 characters for
 * any number of accounts; a role of the same name outside the organization also raises the alarm.
 */
export function assumeRolePatterns(crossAccountRoleArns: readonly string[]): string[] {
    return sortedUnique(crossAccountRoleArns.map((arn) => arn.replace(/^(arn:[a-z-]+:iam::)\d{12}(:role\/)/, "$1*$2")));
}

/** The metric filters, in order; exported so tests and reviewers can read the exact patterns. */
export function activityMetrics(crossAccountRoleArns: readonly string[]): ActivityMetric[] {
    const roles = assumeRolePatterns(crossAccountRoleArns);
    return [
        ...(roles.length === 0
            ? []
            : [
                  {
                      key: "cross-account-assume-role",
                      metricName: "CrossAccountAssumeRole",
                      pattern: allOf(
                          equals("eventSource", "sts.amazonaws.com"),
                          equals("eventName", "AssumeRole"),
                          anyOf(...roles.map((arn) => equals("requestParameters.roleArn", arn))),
                      ),
                      description: "A principal assumed one of the organization's cross-account roles.",
                  },
              ]),
        {
            key: "access-denied",
            metricName: "AccessDenied",
            // CIS AWS Foundations "unauthorized API calls".
            pattern: allOf(anyOf(equals("errorCode", "*UnauthorizedOperation"), equals("errorCode", "AccessDenied*"))),
            description: "Requests failed with AccessDenied or UnauthorizedOperation.",
        },
        {
            key: "trust-policy-changes",
            metricName: "TrustPolicyChanges",
            pattern: allOf(events("iam.amazonaws.com", ["UpdateAssumeRolePolicy"])),
            description: "A role's trust policy changed.",
        },
        {
            key: "resource-policy-changes",
            metricName: "ResourcePolicyChanges",
            pattern: allOf(
                anyOf(
                    events("s3.amazonaws.com", ["PutBucketPolicy", "DeleteBucketPolicy", "PutBucketAcl"]),
                    // Lambda logs versioned names such as AddPermission20150331v2.
                    events("lambda.amazonaws.com", ["AddPermission*", "RemovePermission*"]),
                    events("ecr.amazonaws.com", ["SetRepositoryPolicy", "DeleteRepositoryPolicy"]),
                    events("rds.amazonaws.com", ["ModifyDBSnapshotAttribute"]),
                ),
            ),
            description: "A bucket policy or ACL, a Lambda permission, a repository policy or a snapshot's sharing changed.",
        },
    ];
}

export const CLOUDWATCH_SERVICE = "cloudwatch.amazonaws.com";
const SNS_SERVICE = "sns.amazonaws.com";
const DEFAULT_NAMESPACE = "CrossAccount/Activity";

export class CrossAccountActivityAlarms extends pulumi.ComponentResource {
    readonly topic: aws.sns.Topic;
    readonly topicArn: pulumi.Output<string>;
    readonly topicPolicy: aws.sns.TopicPolicy;
    readonly metricFilters: aws.cloudwatch.LogMetricFilter[];
    readonly alarms: aws.cloudwatch.MetricAlarm[];
    readonly subscriptions: aws.sns.TopicSubscription[];
    /** Per subscription (`<protocol>:<endpoint>`), what it still needs before alarms reach it. */
    readonly subscriptionStatus: Record<string, string>;

    constructor(name: string, args: CrossAccountActivityAlarmsArgs, opts?: pulumi.ComponentResourceOptions) {
        const metrics = validateAlarmArgs(args);
        super("crossaccount:index:CrossAccountActivityAlarms", name, {}, opts);
        const partition = args.partition ?? DEFAULT_PARTITION;
        const namespace = args.namespace ?? DEFAULT_NAMESPACE;
        const prefix = args.alarmNamePrefix ?? args.topicName;

        this.topic = new aws.sns.Topic(`${name}-topic`, { name: args.topicName, tags: args.tags }, { parent: this });
        this.topicArn = this.topic.arn;
        this.topicPolicy = new aws.sns.TopicPolicy(
            `${name}-topic-policy`,
            {
                arn: this.topic.arn,
                policy: serializeWithinLimit(
                    alarmTopicPolicyDocument(args.accountId, args.region, args.topicName, partition),
                    RESOURCE_POLICY_LIMITS.snsTopic,
                    `Topic policy of ${args.topicName}`,
                ),
            },
            { parent: this },
        );

        // Named by protocol and endpoint, so adding or removing one subscriber leaves the others alone.
        this.subscriptions = (args.subscriptions ?? []).map((subscription) => {
            const key = `${name}-${subscription.protocol}-${subscription.endpoint.replace(/[^\w@.-]/g, "_")}`;
            const invoke =
                subscription.protocol === "lambda" &&
                new aws.lambda.Permission(
                    `${key}-invoke`,
                    {
                        action: "lambda:InvokeFunction",
                        function: subscription.endpoint,
                        principal: SNS_SERVICE,
                        statementId: `sns-${args.topicName}`.slice(0, 100),
                        sourceArn: this.topic.arn,
                        sourceAccount: args.accountId,
                    },
                    { parent: this },
                );
            return new aws.sns.TopicSubscription(
                key,
                { topic: this.topic.arn, protocol: subscription.protocol, endpoint: subscription.endpoint },
                { parent: this, dependsOn: invoke ? [invoke] : [] },
            );
        });
        this.subscriptionStatus = Object.fromEntries((args.subscriptions ?? []).map(subscriptionStatus));

        this.metricFilters = [];
        this.alarms = [];
        for (const metric of metrics) {
            this.metricFilters.push(
                new aws.cloudwatch.LogMetricFilter(
                    `${name}-${metric.key}`,
                    {
                        name: `${prefix}-${metric.key}`,
                        logGroupName: args.logGroupName,
                        pattern: metric.pattern,
                        metricTransformation: { name: metric.metricName, namespace, value: "1" },
                    },
                    { parent: this },
                ),
            );
            this.alarms.push(
                new aws.cloudwatch.MetricAlarm(
                    `${name}-${metric.key}-alarm`,
                    {
                        name: `${prefix}-${metric.key}`,
                        alarmDescription: metric.description,
                        namespace,
                        metricName: metric.metricName,
                        statistic: "Sum",
                        period: args.periodSeconds ?? 300,
                        evaluationPeriods: 1,
                        comparisonOperator: "GreaterThanOrEqualToThreshold",
                        threshold: metric.key === "access-denied" ? (args.accessDeniedThreshold ?? 1) : 1,
                        // The filters only emit on a match: no data means nothing happened.
                        treatMissingData: "notBreaching",
                        alarmActions: [this.topic.arn],
                        tags: args.tags,
                    },
                    // A notification must never find the topic without the policy that lets the alarm publish.
                    { parent: this, dependsOn: [this.topicPolicy] },
                ),
            );
        }

        this.registerOutputs({ topicArn: this.topicArn, subscriptionStatus: this.subscriptionStatus });
    }
}

/** Only this account's CloudWatch alarms may publish (aws:SourceAccount and aws:SourceArn: confused-deputy protection). */
export function alarmTopicPolicyDocument(accountId: string, region: string, topicName: string, partition = DEFAULT_PARTITION) {
    return policyDocument([
        {
            Sid: "AllowAccountAlarmsToPublish",
            Effect: "Allow",
            Principal: { Service: CLOUDWATCH_SERVICE },
            Action: "sns:Publish",
            Resource: `arn:${partition}:sns:${region}:${accountId}:${topicName}`,
            Condition: {
                StringEquals: { "aws:SourceAccount": accountId },
                ArnLike: { "aws:SourceArn": `arn:${partition}:cloudwatch:${region}:${accountId}:alarm:*` },
            },
        },
    ]);
}

const TOPIC_NAME = /^[A-Za-z0-9_-]{1,256}$/;

/**
 * The metric filters of these roles, their ARNs checked. Every account's alarms watch the organization's
 * roles: a frozen list (what the program passes, one per organization) is checked and turned into patterns
 * once, not once per account.
 */
function checkedMetrics(roles: readonly string[]): ActivityMetric[] {
    let metrics = Object.isFrozen(roles) ? metricsOf.get(roles) : undefined;
    if (metrics) return metrics;
    for (const arn of roles) {
        // A quote would end the filter's string early.
        if (!/^arn:[a-z-]+:iam::\d{12}:role\/[\w+=,.@/-]+$/.test(arn))
            throw new Error(`Invalid role ARN "${arn}" for the AssumeRole alarm`);
    }
    metrics = activityMetrics(roles);
    if (Object.isFrozen(roles)) metricsOf.set(roles, metrics);
    return metrics;
}

const metricsOf = new WeakMap<readonly string[], ActivityMetric[]>();

/** Checks the arguments (in this order) and returns the metric filters. */
function validateAlarmArgs(args: CrossAccountActivityAlarmsArgs): ActivityMetric[] {
    assertAccountId(args.accountId, "account ID of the alarms");
    if (!TOPIC_NAME.test(args.topicName)) {
        throw new Error(`Invalid topic name "${args.topicName}": 1-256 letters, digits, '-' or '_'`);
    }
    const metrics = checkedMetrics(args.crossAccountRoleArns);
    for (const subscription of args.subscriptions ?? []) {
        if (subscription.protocol === "lambda" && subscription.endpoint.split(":")[4] !== args.accountId) {
            // SNS may invoke it only with a permission in the function's account, which this component cannot add.
            throw new Error(`Alarm subscription ${subscription.endpoint}: subscribe a function of account ${args.accountId}, the topic's`);
        }
    }
    const threshold = args.accessDeniedThreshold;
    if (threshold !== undefined && (!Number.isInteger(threshold) || threshold < 1)) {
        throw new Error(`Invalid accessDeniedThreshold ${threshold}: a positive integer`);
    }
    const period = args.periodSeconds;
    if (period !== undefined && (!Number.isInteger(period) || period < 60 || period % 60 !== 0)) {
        throw new Error(`Invalid periodSeconds ${period}: a multiple of 60`);
    }
    for (const metric of metrics) {
        if (metric.pattern.length > FILTER_PATTERN_LIMIT) {
            throw new DocumentTooLargeError(
                `The ${metric.key} metric filter pattern of ${args.topicName}`,
                metric.pattern.length,
                FILTER_PATTERN_LIMIT,
            );
        }
    }
    return metrics;
}
