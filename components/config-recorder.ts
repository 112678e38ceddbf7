// AWS Config in one account, for the rules that need it (ManagedPolicyRule): either the organization's
// existing configuration recorder, checked at preview through the account's provider, or one this
// component creates with its delivery channel, where the account has none. An AWS Config rule in an
// account without a recorder fails with NoAvailableConfigurationRecorderException; AWS allows one
// recorder per account and region, so creating one where one exists fails too
// (MaxNumberOfConfigurationRecordersExceededException): the stack file says which case it is.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { DEFAULT_PARTITION, assertAccountId, bucketArn, objectsArn } from "../aws";
import { CrossAccountRole } from "./cross-account-role";
import { SharedBucket } from "./shared-bucket";

/** The IAM resource types the blocked-managed-policy rule evaluates, which the recorder must record. */
export const IAM_RECORDED_TYPES = ["AWS::IAM::Group", "AWS::IAM::Policy", "AWS::IAM::Role", "AWS::IAM::User"];
const CONFIG_SERVICE = "config.amazonaws.com";
/** The AWS managed policy AWS Config's recorder role needs (AWS Config Developer Guide, "Permissions for the IAM role"). */
const AWS_CONFIG_ROLE_POLICY = "policy/service-role/AWS_ConfigRole";
export const CONFIG_RECORDER_TYPE = "AWS::Config::ConfigurationRecorder";

export interface ConfigRecorderArgs {
    accountId: string;
    region: string;
    partition?: string;
    /** The recorder's name: the existing one to check, or the one to create. */
    recorderName: string;
    /** Create the recorder, its role, a delivery bucket and the delivery channel; otherwise check the existing one. */
    create?: { deliveryBucketName: string; forceDestroy?: boolean };
    tags?: Record<string, string>;
}

export class ConfigRecorder extends pulumi.ComponentResource {
    /** Resolves once the recorder exists (checked, or created and started); rules wait for it. */
    readonly ready: pulumi.Output<string>;
    readonly recorder?: aws.cfg.Recorder;
    readonly deliveryChannel?: aws.cfg.DeliveryChannel;
    readonly status?: aws.cfg.RecorderStatus;
    readonly bucket?: SharedBucket;
    readonly role?: CrossAccountRole;

    constructor(name: string, args: ConfigRecorderArgs, opts?: pulumi.ComponentResourceOptions) {
        assertAccountId(args.accountId, "account ID of the AWS Config recorder");
        super("crossaccount:index:ConfigRecorder", name, {}, opts);
        const partition = args.partition ?? DEFAULT_PARTITION;
        if (!args.create) {
            // A data source runs in preview too, through this component's provider (the account's).
            const found = aws.cloudcontrol
                .getResource({ typeName: CONFIG_RECORDER_TYPE, identifier: args.recorderName }, { parent: this })
                .then(
                    (resource) => checkRecorder(args, resource.properties),
                    (error: Error | undefined) => {
                        // The provider's message (ResourceNotFoundException, AccessDenied ...); Pulumi's mocks give none.
                        throw new Error(missingRecorderMessage(args, error?.message || "not found"));
                    },
                );
            this.ready = pulumi.output(found);
            this.registerOutputs({ ready: this.ready });
            return;
        }
        const { deliveryBucketName } = args.create;
        this.bucket = new SharedBucket(
            `${name}-delivery`,
            {
                bucketName: deliveryBucketName,
                forceDestroy: args.create.forceDestroy,
                additionalStatements: configBucketStatements(deliveryBucketName, args.accountId, partition),
                tags: args.tags,
                partition,
            },
            { parent: this },
        );
        this.role = new CrossAccountRole(
            `${name}-role`,
            {
                roleName: `${args.recorderName}-config-recorder`.slice(0, 64),
                description: `Lets AWS Config record IAM resources and deliver them to ${deliveryBucketName}.`,
                partition,
                tags: args.tags,
                trust: { trustedServices: [CONFIG_SERVICE], serviceSourceAccounts: [args.accountId] },
                permissions: [
                    {
                        sid: "DeliverConfigurationItems",
                        actions: ["s3:PutObject"],
                        resources: [objectsArn(deliveryBucketName, `AWSLogs/${args.accountId}/Config/`, partition)],
                    },
                    { sid: "CheckDeliveryBucket", actions: ["s3:GetBucketAcl"], resources: [bucketArn(deliveryBucketName, partition)] },
                ],
            },
            { parent: this },
        );
        const attachment = new aws.iam.RolePolicyAttachment(
            `${name}-role-config`,
            { role: this.role.role.name, policyArn: `arn:${partition}:iam::aws:${AWS_CONFIG_ROLE_POLICY}` },
            { parent: this },
        );
        this.recorder = new aws.cfg.Recorder(
            name,
            {
                name: args.recorderName,
                roleArn: this.role.arn,
                // IAM resources only: what the rules here evaluate, at the least cost.
                recordingGroup: {
                    allSupported: false,
                    includeGlobalResourceTypes: false,
                    resourceTypes: IAM_RECORDED_TYPES,
                    recordingStrategies: [{ useOnly: "INCLUSION_BY_RESOURCE_TYPES" }],
                },
            },
            { parent: this, dependsOn: [attachment] },
        );
        this.deliveryChannel = new aws.cfg.DeliveryChannel(
            name,
            { name: args.recorderName, s3BucketName: this.bucket.bucketName },
            // AWS Config checks the bucket policy when the channel is created.
            { parent: this, dependsOn: [this.recorder, this.bucket.bucketPolicy] },
        );
        this.status = new aws.cfg.RecorderStatus(
            name,
            { name: this.recorder.name, isEnabled: true },
            { parent: this, dependsOn: [this.deliveryChannel] },
        );
        this.ready = this.status.name;
        this.registerOutputs({ ready: this.ready });
    }
}

/** The existing recorder must record the IAM types; returns its name. */
function checkRecorder(args: ConfigRecorderArgs, propertiesJson: string): string {
    const properties = JSON.parse(propertiesJson) as {
        RecordingGroup?: { AllSupported?: boolean; IncludeGlobalResourceTypes?: boolean; ResourceTypes?: string[] };
    };
    const group = properties.RecordingGroup ?? {};
    const recordsIam =
        (group.AllSupported === true && group.IncludeGlobalResourceTypes === true) ||
        ["AWS::IAM::Group", "AWS::IAM::Role", "AWS::IAM::User"].every((type) => group.ResourceTypes?.includes(type));
    if (!recordsIam) {
        throw new Error(
            `AWS Config recorder '${args.recorderName}' in account ${args.accountId} (${args.region}) does not record IAM roles, users and groups: ` +
                "the blocked-managed-policy rule would evaluate nothing. Record them (IAM resources are global: include global resource types, " +
                "or list AWS::IAM::Role, AWS::IAM::User and AWS::IAM::Group), or set crossaccount:managedPolicyRule.recorder.create.",
        );
    }
    return args.recorderName;
}

export function missingRecorderMessage(args: Pick<ConfigRecorderArgs, "recorderName" | "accountId" | "region">, cause: string): string {
    return (
        `AWS Config has no configuration recorder '${args.recorderName}' in account ${args.accountId} (${args.region}), or it cannot be read ` +
        `(${cause}): the Config rule would fail with NoAvailableConfigurationRecorderException. Name the organization's recorder in ` +
        "crossaccount:managedPolicyRule.recorder.name, or set crossaccount:managedPolicyRule.recorder.create: true where the account has none."
    );
}

/** AWS Config's delivery to the bucket (AWS Config Developer Guide, "Permissions for the Amazon S3 bucket"), for this account only. */
export function configBucketStatements(bucketName: string, accountId: string, partition = DEFAULT_PARTITION) {
    const fromThisAccount = { StringEquals: { "aws:SourceAccount": accountId } };
    return [
        {
            Sid: "AWSConfigBucketPermissionsCheck",
            Effect: "Allow" as const,
            Principal: { Service: CONFIG_SERVICE },
            Action: "s3:GetBucketAcl",
            Resource: bucketArn(bucketName, partition),
            Condition: fromThisAccount,
        },
        {
            Sid: "AWSConfigBucketExistenceCheck",
            Effect: "Allow" as const,
            Principal: { Service: CONFIG_SERVICE },
            Action: "s3:ListBucket",
            Resource: bucketArn(bucketName, partition),
            Condition: fromThisAccount,
        },
        {
            Sid: "AWSConfigBucketDelivery",
            Effect: "Allow" as const,
            Principal: { Service: CONFIG_SERVICE },
            Action: "s3:PutObject",
            Resource: objectsArn(bucketName, `AWSLogs/${accountId}/Config/`, partition),
            Condition: { StringEquals: { "aws:SourceAccount": accountId, "s3:x-amz-acl": "bucket-owner-full-control" } },
        },
    ];
}
