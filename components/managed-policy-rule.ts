// An AWS Config rule that flags IAM roles, users and groups with a blocked managed policy attached
// (AWS managed rule IAM_POLICY_BLACKLISTED_CHECK; by default AdministratorAccess). It catches what the
// policy pack cannot: attachments made outside Pulumi. IAM_POLICY_NO_STATEMENTS_WITH_ADMIN_ACCESS
// would not fit: it only evaluates customer managed policies, and this organization uses inline ones.
//
// AWS Config must record IAM resources in the account: without a recorder, creating the rule fails with
// NoAvailableConfigurationRecorderException. The rule waits for a ConfigRecorder, which either checks the
// organization's recorder at preview or creates one (config-recorder.ts).
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { IAM_LIMITS, assertIamName, sortedUnique } from "../aws";
import { ConfigRecorder, ConfigRecorderArgs } from "./config-recorder";

export interface ManagedPolicyRuleArgs {
    ruleName: string;
    /** Defaults to arn:aws:iam::aws:policy/AdministratorAccess. */
    policyArns?: string[];
    /** Identities that may keep the policies, by name (e.g. OrganizationAccountAccessRole). */
    exceptions?: { roles?: string[]; users?: string[]; groups?: string[] };
    tags?: Record<string, string>;
    /** The account's configuration recorder: checked, or created (see ConfigRecorder). */
    recorder: ConfigRecorderArgs;
}

export const BLOCKED_POLICY_RULE = "IAM_POLICY_BLACKLISTED_CHECK";
export const ADMINISTRATOR_ACCESS_ARN = "arn:aws:iam::aws:policy/AdministratorAccess";
const IAM_RESOURCE_TYPES = ["AWS::IAM::Group", "AWS::IAM::Role", "AWS::IAM::User"];

export class ManagedPolicyRule extends pulumi.ComponentResource {
    readonly rule: aws.cfg.Rule;
    readonly ruleArn: pulumi.Output<string>;
    readonly recorder: ConfigRecorder;

    constructor(name: string, args: ManagedPolicyRuleArgs, opts?: pulumi.ComponentResourceOptions) {
        const inputParameters = managedPolicyRuleParameters(args);
        super("crossaccount:index:ManagedPolicyRule", name, {}, opts);

        this.recorder = new ConfigRecorder(
            `${name}-recorder`,
            { ...args.recorder, tags: args.recorder.tags ?? args.tags },
            { parent: this },
        );
        this.rule = new aws.cfg.Rule(
            name,
            {
                // Through the recorder: the rule is created only once a recorder exists (and preview stops if none does).
                name: this.recorder.ready.apply(() => args.ruleName),
                description: "IAM roles, users and groups must not have the blocked managed policies attached.",
                source: { owner: "AWS", sourceIdentifier: BLOCKED_POLICY_RULE },
                scope: { complianceResourceTypes: IAM_RESOURCE_TYPES },
                inputParameters: JSON.stringify(inputParameters),
                tags: args.tags,
            },
            { parent: this, dependsOn: [this.recorder] },
        );
        this.ruleArn = this.rule.arn;
        this.registerOutputs({ ruleArn: this.ruleArn });
    }
}

/** The rule's parameters: CSV policy ARNs, and exceptions as `roles:[a;b], users:[c]`. */
export function managedPolicyRuleParameters(args: Omit<ManagedPolicyRuleArgs, "recorder">): Record<string, string> {
    if (!/^[A-Za-z0-9_-]{1,128}$/.test(args.ruleName)) {
        throw new Error(`Invalid Config rule name "${args.ruleName}": 1-128 letters, digits, '-' or '_'`);
    }
    const policyArns = sortedUnique(args.policyArns ?? [ADMINISTRATOR_ACCESS_ARN]);
    for (const arn of policyArns) {
        if (!/^arn:[a-z-]+:iam::(aws|\d{12}):policy\/[\w+=,.@/-]+$/.test(arn)) {
            throw new Error(`Invalid managed policy ARN "${arn}" for Config rule ${args.ruleName}`);
        }
    }
    const exceptions = (["users", "groups", "roles"] as const)
        .map((kind) => [kind, sortedUnique(args.exceptions?.[kind] ?? [])] as const)
        .filter(([, names]) => names.length > 0);
    for (const [kind, names] of exceptions) {
        // Names only: the rule does not accept ARNs here.
        for (const identity of names) assertIamName(identity, `${kind.slice(0, -1)} name in the exception list`, IAM_LIMITS.name);
    }
    return {
        policyArns: policyArns.join(","),
        ...(exceptions.length > 0 ? { exceptionList: exceptions.map(([kind, names]) => `${kind}:[${names.join(";")}]`).join(", ") } : {}),
    };
}
