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
    groupNames?: pulumi.Input<string>[];
    userNames?: pulumi.Input<string>[];
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
        const roleArns =
            args.effect === "Allow" ? args.roleArns.map((arn) => pulumi.output(arn).apply(assertNoWildcard)) : args.roleArns;
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
        this.groupPolicies = (args.groupNames ?? []).map(
            (group, index) =>
                new aws.iam.GroupPolicy(
                    `${name}-group-${childKey(group, index)}`,
                    { name: policyName, group, policy: groupPolicy },
                    { parent: this },
                ),
        );
        const userPolicy = checkPolicySize(this.policy, IAM_LIMITS.userInlinePolicies, `User policy ${policyName}`);
        this.userPolicies = (args.userNames ?? []).map(
            (user, index) =>
                new aws.iam.UserPolicy(
                    `${name}-user-${childKey(user, index)}`,
                    { name: policyName, user, policy: userPolicy },
                    { parent: this },
                ),
        );

        this.registerOutputs({ policy: this.policy });
    }
}

/** Known names keep child resource names stable when the list is reordered. */
function childKey(identity: pulumi.Input<string>, index: number): string {
    return typeof identity === "string" ? identity : String(index);
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
    const groups = args.groupNames ?? [];
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
        if (typeof identity === "string") {
            assertIamName(identity, "group or user name", IAM_LIMITS.name);
        }
    }
    for (const list of [groups, users]) {
        const known = list.filter((n): n is string => typeof n === "string");
        const duplicate = known.find((n, i) => known.indexOf(n) !== i);
        if (duplicate !== undefined) {
            throw new Error(`AssumeRoleGrant ${name} names "${duplicate}" twice`);
        }
    }
}
