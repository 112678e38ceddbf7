// The identity side of cross-account access: lets (or explicitly forbids) groups and users in
// this account call sts:AssumeRole on specific roles in other accounts. Both this grant and the
// role's trust policy must allow the call; an explicit Deny here wins over any Allow.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import {
    ASSUME_ROLE_ACTION,
    IAM_LIMITS,
    PolicyEffect,
    assertIamName,
    checkPolicySize,
    hasWildcard,
    policyDocument,
    serializePolicy,
} from "../aws";

export interface AssumeRoleGrantArgs {
    /** Exact role ARNs; wildcards are refused for Allow because they would grant roles not yet named. */
    roleArns: pulumi.Input<string>[];
    effect: PolicyEffect;
    /** Groups by name. */
    groupNames?: string[];
    /**
     * Groups whose name is an Output (a group resource, so the policy waits for it): `key` is the name the
     * child resource is keyed by, never a list position, so its URN does not move when the list changes.
     */
    groups?: { key: string; name: pulumi.Input<string> }[];
    userNames?: string[];
    /** Name of the inline policy on each group and user; defaults to the component name. */
    policyName?: string;
}

export class AssumeRoleGrant extends pulumi.ComponentResource {
    readonly policy: pulumi.Output<string>;
    readonly groupPolicies: aws.iam.GroupPolicy[];
    readonly userPolicies: aws.iam.UserPolicy[];

    constructor(name: string, args: AssumeRoleGrantArgs, opts?: pulumi.ComponentResourceOptions) {
        const policyName = args.policyName ?? name;
        validateGrantArgs(name, args, policyName);
        super("crossaccount:index:AssumeRoleGrant", name, {}, opts);

        // Role ARNs that are Outputs can only be checked once known.
        const roleArns = args.effect === "Allow" ? args.roleArns.map((arn) => pulumi.output(arn).apply(assertNoWildcard)) : args.roleArns;
        this.policy = serializePolicy(
            policyDocument([
                {
                    Sid: `${args.effect}AssumeRole`,
                    Effect: args.effect,
                    Action: ASSUME_ROLE_ACTION,
                    Resource: roleArns,
                },
            ]),
        );

        const groupPolicy = checkPolicySize(this.policy, IAM_LIMITS.groupInlinePolicies, `Group policy ${policyName}`);
        this.groupPolicies = groupsOf(args).map(
            (group) =>
                new aws.iam.GroupPolicy(
                    `${name}-group-${group.key}`,
                    { name: policyName, group: group.name, policy: groupPolicy },
                    { parent: this },
                ),
        );
        const userPolicy = checkPolicySize(this.policy, IAM_LIMITS.userInlinePolicies, `User policy ${policyName}`);
        this.userPolicies = (args.userNames ?? []).map(
            (user) => new aws.iam.UserPolicy(`${name}-user-${user}`, { name: policyName, user, policy: userPolicy }, { parent: this }),
        );

        this.registerOutputs({ policy: this.policy });
    }
}

/** Every group with the key its policy is named by: its name when known, else the key it was given. */
function groupsOf(args: AssumeRoleGrantArgs): { key: string; name: pulumi.Input<string> }[] {
    return [...(args.groupNames ?? []).map((name) => ({ key: name, name })), ...(args.groups ?? [])];
}

function assertNoWildcard(arn: string): string {
    if (hasWildcard(arn)) {
        throw new Error(`Refusing to Allow sts:AssumeRole on "${arn}": name exact role ARNs, not wildcards`);
    }
    return arn;
}

function validateGrantArgs(name: string, args: AssumeRoleGrantArgs, policyName: string): void {
    if (args.roleArns.length === 0) {
        throw new Error(`AssumeRoleGrant ${name} names no role ARNs`);
    }
    const groups = groupsOf(args).map((group) => group.key);
    const users = args.userNames ?? [];
    if (groups.length + users.length === 0) {
        throw new Error(`AssumeRoleGrant ${name} names no groups or users to attach the policy to`);
    }
    assertIamName(policyName, "policy name", IAM_LIMITS.name);
    for (const arn of args.roleArns) {
        if (typeof arn !== "string") continue;
        if (args.effect === "Allow") {
            assertNoWildcard(arn);
        }
        if (arn !== "*" && !/^arn:[a-z-]+:iam::(\d{12}|\*):role\/.+$/.test(arn)) {
            throw new Error(`Invalid role ARN "${arn}" in AssumeRoleGrant ${name}: expected arn:<partition>:iam::<account>:role/<name>`);
        }
    }
    for (const identity of [...groups, ...users]) {
        assertIamName(identity, "group or user name", IAM_LIMITS.name);
    }
    for (const list of [groups, users]) {
        const duplicate = list.find((n, i) => list.indexOf(n) !== i);
        if (duplicate !== undefined) {
            throw new Error(`AssumeRoleGrant ${name} names "${duplicate}" twice`);
        }
    }
}
