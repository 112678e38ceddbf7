// Advisory tagging rule: who owns what, in which environment.
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { BUCKET_CLASSES, aws } from "./lib/resource-types";
import { resourceRule } from "./lib/rule-kit";
import { Value, asRecord, decodeJsonValue, isUnknown } from "./lib/values";

export interface RequiredTagsConfig {
    requiredTags: string[];
}

/** Resource types of the program that accept tags (IAM groups and policy attachments do not). */
const TAGGABLE = [
    aws.iam.Role,
    aws.iam.Policy,
    aws.iam.User,
    ...BUCKET_CLASSES,
    aws.cloudtrail.Trail,
    aws.ec2.Vpc,
    aws.ec2.Subnet,
    aws.ec2.RouteTable,
    aws.ec2.VpcPeeringConnection,
    aws.ec2.VpcPeeringConnectionAccepter,
    aws.lambda.Function,
    aws.ecr.Repository,
    aws.rds.SnapshotCopy,
    aws.sns.Topic,
    aws.cloudwatch.LogGroup,
    aws.cloudwatch.MetricAlarm,
    aws.cfg.Rule,
    aws.kms.Key,
];

/** Tag keys a resource ends up with: its own tags, the provider's defaultTags, and tagsAll in state. */
function tagKeys(tagMaps: Value[]): Set<string> | undefined {
    const keys = new Set<string>();
    for (const tags of tagMaps.map(decodeJsonValue)) {
        if (isUnknown(tags)) return undefined;
        for (const [key, value] of Object.entries(asRecord(tags) ?? {})) {
            if (isUnknown(value) || (typeof value === "string" && value !== "")) keys.add(key);
        }
    }
    return keys;
}

export const requiredTags = resourceRule<RequiredTagsConfig>({
    name: "required-tags",
    description:
        "Advisory: taggable resources carry the required tags (config requiredTags), directly or through the provider's defaultTags.",
    enforcementLevel: "advisory",
    appliesTo: TAGGABLE,
    config: {
        defaults: { requiredTags: ["Environment", "Project"] },
        schema: { requiredTags: { type: "array", items: { type: "string" }, description: "Tag keys every taggable resource needs." } },
    },
    check: ({ props, providerProps, config }) => {
        const providerDefaults = decodeJsonValue(providerProps?.defaultTags);
        const defaultTags = isUnknown(providerDefaults) ? providerDefaults : asRecord(providerDefaults)?.tags;
        const keys = tagKeys([props.tags, props.tagsAll, defaultTags]);
        const missing = keys ? config.requiredTags.filter((tag) => !keys.has(tag)) : [];
        return missing.length === 0
            ? []
            : [
                  `is missing required tag${missing.length > 1 ? "s" : ""} ${missing.map((tag) => `"${tag}"`).join(", ")}. ` +
                      "Fix: add them to tags, or to the provider's defaultTags so every resource gets them.",
              ];
    },
});

export const tagPolicies: ResourceValidationPolicy[] = [requiredTags];
