import type { Resource } from "@pulumi/pulumi";

/**
 * Stand-ins for @pulumi/aws resource classes: `args.isType()` only reads the `__pulumiType` constant,
 * and the pack must not depend on (or load) the whole AWS SDK. Tokens match @pulumi/aws 7.x.
 */
export type ResourceClass = { new (...rest: unknown[]): Resource; __pulumiType: string };

function resourceClass(token: string): ResourceClass {
    const standIn = class {} as unknown as ResourceClass;
    standIn.__pulumiType = token;
    return standIn;
}

export const aws = {
    iam: {
        Role: resourceClass("aws:iam/role:Role"),
        RolePolicy: resourceClass("aws:iam/rolePolicy:RolePolicy"),
        RolePolicyAttachment: resourceClass("aws:iam/rolePolicyAttachment:RolePolicyAttachment"),
        Policy: resourceClass("aws:iam/policy:Policy"),
        Group: resourceClass("aws:iam/group:Group"),
        GroupPolicy: resourceClass("aws:iam/groupPolicy:GroupPolicy"),
        GroupPolicyAttachment: resourceClass("aws:iam/groupPolicyAttachment:GroupPolicyAttachment"),
        User: resourceClass("aws:iam/user:User"),
        UserPolicy: resourceClass("aws:iam/userPolicy:UserPolicy"),
        UserPolicyAttachment: resourceClass("aws:iam/userPolicyAttachment:UserPolicyAttachment"),
        PolicyAttachment: resourceClass("aws:iam/policyAttachment:PolicyAttachment"),
        UserGroupMembership: resourceClass("aws:iam/userGroupMembership:UserGroupMembership"),
        GroupMembership: resourceClass("aws:iam/groupMembership:GroupMembership"),
        OpenIdConnectProvider: resourceClass("aws:iam/openIdConnectProvider:OpenIdConnectProvider"),
    },
    s3: {
        Bucket: resourceClass("aws:s3/bucket:Bucket"),
        // v7 keeps the v6 name as a deprecated alias.
        BucketV2: resourceClass("aws:s3/bucketV2:BucketV2"),
        BucketPolicy: resourceClass("aws:s3/bucketPolicy:BucketPolicy"),
        BucketPublicAccessBlock: resourceClass("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"),
        BucketOwnershipControls: resourceClass("aws:s3/bucketOwnershipControls:BucketOwnershipControls"),
        BucketServerSideEncryptionConfiguration: resourceClass(
            "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        ),
        BucketServerSideEncryptionConfigurationV2: resourceClass(
            "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
        ),
        BucketLogging: resourceClass("aws:s3/bucketLogging:BucketLogging"),
        BucketLoggingV2: resourceClass("aws:s3/bucketLoggingV2:BucketLoggingV2"),
    },
    cloudtrail: {
        Trail: resourceClass("aws:cloudtrail/trail:Trail"),
    },
    lambda: {
        Function: resourceClass("aws:lambda/function:Function"),
        Permission: resourceClass("aws:lambda/permission:Permission"),
    },
    ecr: {
        Repository: resourceClass("aws:ecr/repository:Repository"),
        RepositoryPolicy: resourceClass("aws:ecr/repositoryPolicy:RepositoryPolicy"),
    },
    ssoadmin: {
        PermissionSet: resourceClass("aws:ssoadmin/permissionSet:PermissionSet"),
        PermissionSetInlinePolicy: resourceClass("aws:ssoadmin/permissionSetInlinePolicy:PermissionSetInlinePolicy"),
        ManagedPolicyAttachment: resourceClass("aws:ssoadmin/managedPolicyAttachment:ManagedPolicyAttachment"),
        CustomerManagedPolicyAttachment: resourceClass("aws:ssoadmin/customerManagedPolicyAttachment:CustomerManagedPolicyAttachment"),
        PermissionsBoundaryAttachment: resourceClass("aws:ssoadmin/permissionsBoundaryAttachment:PermissionsBoundaryAttachment"),
    },
    sns: {
        Topic: resourceClass("aws:sns/topic:Topic"),
        TopicPolicy: resourceClass("aws:sns/topicPolicy:TopicPolicy"),
    },
    sqs: {
        Queue: resourceClass("aws:sqs/queue:Queue"),
        QueuePolicy: resourceClass("aws:sqs/queuePolicy:QueuePolicy"),
    },
    secretsmanager: {
        Secret: resourceClass("aws:secretsmanager/secret:Secret"),
        SecretPolicy: resourceClass("aws:secretsmanager/secretPolicy:SecretPolicy"),
    },
    cloudwatch: {
        LogGroup: resourceClass("aws:cloudwatch/logGroup:LogGroup"),
        MetricAlarm: resourceClass("aws:cloudwatch/metricAlarm:MetricAlarm"),
    },
    cfg: {
        Rule: resourceClass("aws:cfg/rule:Rule"),
    },
    kms: {
        Key: resourceClass("aws:kms/key:Key"),
        Alias: resourceClass("aws:kms/alias:Alias"),
        KeyPolicy: resourceClass("aws:kms/keyPolicy:KeyPolicy"),
    },
    rds: {
        Snapshot: resourceClass("aws:rds/snapshot:Snapshot"),
        SnapshotCopy: resourceClass("aws:rds/snapshotCopy:SnapshotCopy"),
        ClusterSnapshot: resourceClass("aws:rds/clusterSnapshot:ClusterSnapshot"),
        ClusterSnapshotCopy: resourceClass("aws:rds/clusterSnapshotCopy:ClusterSnapshotCopy"),
    },
    ec2: {
        Vpc: resourceClass("aws:ec2/vpc:Vpc"),
        Subnet: resourceClass("aws:ec2/subnet:Subnet"),
        VpcPeeringConnection: resourceClass("aws:ec2/vpcPeeringConnection:VpcPeeringConnection"),
        VpcPeeringConnectionAccepter: resourceClass("aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter"),
        Route: resourceClass("aws:ec2/route:Route"),
        RouteTable: resourceClass("aws:ec2/routeTable:RouteTable"),
    },
} as const;

export const BUCKET_CLASSES = [aws.s3.Bucket, aws.s3.BucketV2];
/** Resources whose `sharedAccounts` share a DB or cluster snapshot. */
export const SNAPSHOT_CLASSES = [aws.rds.Snapshot, aws.rds.SnapshotCopy, aws.rds.ClusterSnapshot, aws.rds.ClusterSnapshotCopy];
/** Resources that give an IAM Identity Center permission set its policies. */
export const PERMISSION_SET_POLICY_CLASSES = [
    aws.ssoadmin.PermissionSetInlinePolicy,
    aws.ssoadmin.ManagedPolicyAttachment,
    aws.ssoadmin.CustomerManagedPolicyAttachment,
    aws.ssoadmin.PermissionsBoundaryAttachment,
];
export const ENCRYPTION_CLASSES = [aws.s3.BucketServerSideEncryptionConfiguration, aws.s3.BucketServerSideEncryptionConfigurationV2];

export function tokens(classes: ResourceClass[]): string {
    return classes.map((cls) => cls.__pulumiType).join(", ");
}
