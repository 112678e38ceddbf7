// A customer managed KMS key with rotation on, its size-checked key policy and an alias: the audit trail's
// log key and a shared snapshot's key. A function rather than a component, so the keys stay direct
// children of the component that needs them and keep their URNs.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { PolicyDocument, RESOURCE_POLICY_LIMITS, serializeWithinLimit } from "../aws";

export interface CustomerKeyArgs {
    description: string;
    policy: PolicyDocument;
    /** What the key policy is called when it is too large, e.g. "Key policy of the log key of trail audit". */
    policyName: string;
    /** `alias/...` */
    alias: string;
    tags?: Record<string, string>;
}

export interface CustomerKey {
    key: aws.kms.Key;
    alias: aws.kms.Alias;
    /** The serialized key policy. */
    policy: pulumi.Output<string>;
}

/** Creates `<name>-key` and `<name>-key-alias` as children of `parent`. */
export function customerKey(parent: pulumi.Resource, name: string, args: CustomerKeyArgs): CustomerKey {
    const policy = serializeWithinLimit(args.policy, RESOURCE_POLICY_LIMITS.kmsKey, args.policyName);
    const key = new aws.kms.Key(
        `${name}-key`,
        { description: args.description, enableKeyRotation: true, policy, tags: args.tags },
        { parent },
    );
    const alias = new aws.kms.Alias(`${name}-key-alias`, { name: args.alias, targetKeyId: key.keyId }, { parent });
    return { key, alias, policy };
}
