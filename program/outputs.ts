// The stack's outputs, typed once: the program produces them (program/index.ts), other stacks read them
// through StackReference (StackOutputReader) and the release summarizes them (release/summary.ts).
import * as pulumi from "@pulumi/pulumi";

type Named = Record<string, pulumi.Output<string>>;

export interface StackOutputs {
    environment: string;
    accountId: string;
    region: string;
    roleArns: Named;
    bucketNames: Named;
    groupNames: Named;
    functionArns: Named;
    repositoryUrls: Named;
    snapshotArns: Named;
    /** The key each shared snapshot's copy is encrypted with (none for an unencrypted source); callers read it. */
    snapshotKeyArns: Named;
    /** With crossaccount:audit. */
    trailArn?: pulumi.Output<string>;
    /** When this stack owns the central audit bucket; the other trails read both. */
    auditBucketName?: pulumi.Output<string>;
    auditKmsKeyArn?: pulumi.Output<string>;
    alarmTopicArn?: pulumi.Output<string>;
    /** `<protocol>:<endpoint>` → what the subscription still needs (email and https wait for confirmation). */
    alarmSubscriptions?: Record<string, string>;
    managedPolicyRuleArn?: pulumi.Output<string>;
    /** With crossaccount:network; peers read the VPC and its route table. */
    vpcId?: pulumi.Output<string>;
    vpcCidr?: string;
    routeTableId?: pulumi.Output<string>;
    peeringConnectionIds?: Named;
}

// Every output name, checked against the interface both ways by the type (a name missing here or
// unknown there fails to compile), for what reads outputs at run time.
const OUTPUT_NAMES: Record<keyof StackOutputs, true> = {
    environment: true,
    accountId: true,
    region: true,
    roleArns: true,
    bucketNames: true,
    groupNames: true,
    functionArns: true,
    repositoryUrls: true,
    snapshotArns: true,
    snapshotKeyArns: true,
    trailArn: true,
    auditBucketName: true,
    auditKmsKeyArn: true,
    alarmTopicArn: true,
    alarmSubscriptions: true,
    managedPolicyRuleArn: true,
    vpcId: true,
    vpcCidr: true,
    routeTableId: true,
    peeringConnectionIds: true,
};
export const STACK_OUTPUT_NAMES = Object.keys(OUTPUT_NAMES) as (keyof StackOutputs)[];

/** The outputs another stack reads: single strings. */
export type ReadableOutput = {
    [K in keyof StackOutputs]-?: NonNullable<StackOutputs[K]> extends pulumi.Output<string> ? K : never;
}[keyof StackOutputs];

/** The outputs another stack reads by entry: maps of strings. */
export type NamedOutput = {
    [K in keyof StackOutputs]-?: NonNullable<StackOutputs[K]> extends Named ? K : never;
}[keyof StackOutputs];

/** Another environment's stack, read by output name with the type its program gives it. */
export class StackOutputReader {
    readonly reference: pulumi.StackReference;

    constructor(resourceName: string, stackName: string) {
        this.reference = new pulumi.StackReference(resourceName, { name: stackName });
    }

    /** Fails the update when the other stack does not have the output (it must be deployed first). */
    require(name: ReadableOutput): pulumi.Output<string> {
        return this.reference.requireOutput(name) as pulumi.Output<string>;
    }

    /** One entry of a map output (snapshotKeyArns.appdb-baseline); fails the update when the other stack lacks it. */
    requireEntry(name: NamedOutput, key: string, stackName: string): pulumi.Output<string> {
        return this.reference.requireOutput(name).apply((values: Record<string, string> | undefined) => {
            const value = values?.[key];
            if (typeof value !== "string") throw new Error(`stack ${stackName} has no output ${name}.${key} (deploy it first)`);
            return value;
        });
    }
}

export function mapValues<T, U>(record: Record<string, T>, map: (value: T) => U): Record<string, U> {
    return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, map(value)]));
}
