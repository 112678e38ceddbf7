// Audit: the CloudTrail trail (and, in the environment that owns it, the central bucket and its key),
// the activity alarms that watch the trail's events, and the AWS Config rule for blocked managed policies.
import * as pulumi from "@pulumi/pulumi";
import { AuditSettings, bucketName, crossAccountRoleArns, refText, trailArnOf } from "../config";
import { AuditTrail, CrossAccountActivityAlarms, ManagedPolicyRule } from "../components";
import { StackContext, stackOf } from "./context";
import { homeAccount } from "./sharing";
import { StackOutputs } from "./outputs";

type AuditOutputs = Pick<
    StackOutputs,
    "trailArn" | "auditBucketName" | "auditKmsKeyArn" | "alarmTopicArn" | "alarmSubscriptions" | "managedPolicyRuleArn"
>;

/** The bucket a created AWS Config recorder delivers to: named by the account, like the shared buckets. */
function configBucketName(accountId: string): string {
    return `aws-config-${accountId}`;
}

export function deployAudit(context: StackContext): AuditOutputs {
    const { environment, organization, settings, tags, home } = context;
    const audit = settings.audit && deployAuditTrail(context, settings.audit);
    const alarms =
        settings.alarms &&
        new CrossAccountActivityAlarms(
            "activity-alarms",
            {
                // Checked at load time: alarms need the audit trail, which then delivers to this group.
                logGroupName: audit!.trailLogGroupName!,
                crossAccountRoleArns: crossAccountRoleArns(organization),
                accountId: environment.accountId,
                region: environment.region,
                partition: organization.partition,
                topicName: settings.alarms.topicName,
                accessDeniedThreshold: settings.alarms.accessDeniedThreshold,
                subscriptions: settings.alarms.subscriptions,
                tags,
            },
            home,
        );
    const rule = settings.managedPolicyRule;
    const managedPolicyRule =
        rule &&
        new ManagedPolicyRule(
            rule.name,
            {
                ruleName: rule.name,
                policyArns: rule.policyArns,
                exceptions: { roles: rule.exceptRoles, users: rule.exceptUsers, groups: rule.exceptGroups },
                tags,
                recorder: {
                    ...homeAccount(context),
                    recorderName: rule.recorder.name,
                    create: rule.recorder.create ? { deliveryBucketName: configBucketName(environment.accountId) } : undefined,
                },
            },
            home,
        );
    return {
        ...(audit && {
            trailArn: audit.trailArn,
            ...(audit.auditBucketName && { auditBucketName: audit.auditBucketName, auditKmsKeyArn: audit.auditKmsKeyArn }),
        }),
        ...(alarms && { alarmTopicArn: alarms.topicArn, alarmSubscriptions: alarms.subscriptionStatus }),
        ...(managedPolicyRule && { managedPolicyRuleArn: managedPolicyRule.ruleArn }),
    };
}

interface DeployedTrail {
    trailArn: pulumi.Output<string>;
    trailLogGroupName?: pulumi.Output<string>;
    auditBucketName?: pulumi.Output<string>;
    auditKmsKeyArn?: pulumi.Output<string>;
}

function deployAuditTrail(context: StackContext, audit: AuditSettings): DeployedTrail {
    const { organization, environment, tags, home } = context;
    const { alarms } = environment.settings;
    const { env: owner, bucket: key } = audit.bucket;
    const args = {
        trailName: audit.trailName,
        s3KeyPrefix: audit.keyPrefix,
        partition: organization.partition,
        tags,
        // With alarms, the trail also delivers to a log group in this account for them to watch.
        cloudWatchLogs: alarms && {
            accountId: environment.accountId,
            region: environment.region,
            retentionInDays: alarms.logRetentionDays,
        },
    };
    if (owner !== environment.name) {
        // The central bucket must exist before this trail: reading it from the owner's outputs orders the stacks.
        // So must the log key, whose ARN holds a random key id.
        const ownerStack = stackOf(context, owner);
        const bucket = ownerStack.require("auditBucketName");
        const kmsKeyArn = ownerStack.require("auditKmsKeyArn");
        const trail = new AuditTrail(audit.trailName, { ...args, bucketName: bucket, kmsKeyArn }, home);
        return { trailArn: trail.trailArn, trailLogGroupName: trail.logGroupName };
    }
    const writers = Object.values(organization.environments).filter(
        (e) => e.settings.audit !== undefined && refText(e.settings.audit.bucket) === refText(audit.bucket),
    );
    const trail = new AuditTrail(
        audit.trailName,
        {
            ...args,
            bucketName: bucketName(key, undefined, environment.accountId),
            ownedBucket: {
                accountId: environment.accountId,
                organizationId: organization.orgId,
                writerTrailArns: writers.map((e) => trailArnOf(organization, e.name)!).sort(),
                writerAccountIds: [...new Set(writers.map((e) => e.accountId))].sort(),
            },
        },
        home,
    );
    return {
        trailArn: trail.trailArn,
        trailLogGroupName: trail.logGroupName,
        auditBucketName: trail.bucketName,
        auditKmsKeyArn: trail.kmsKeyArn,
    };
}
