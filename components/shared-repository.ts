// An ECR repository that roles of other accounts pull from: immutable tags (a tag others pulled
// never changes under them), scanned on push, encrypted, and an EcrPullGrant for the callers.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { DEFAULT_PARTITION, assertAccountId, ecrRepositoryArn } from "../aws";
import { EcrPullGrant, RepositoryGrant } from "./ecr-pull-grant";

export interface SharedRepositoryArgs {
    repositoryName: string;
    /** The repository's account and region: its ARN is computed from them. */
    accountId: string;
    region: string;
    grants?: RepositoryGrant[];
    /** SSE-KMS with this key; otherwise AES256. */
    kmsKeyArn?: pulumi.Input<string>;
    forceDelete?: boolean;
    tags?: Record<string, string>;
    partition?: string;
}

export class SharedRepository extends pulumi.ComponentResource {
    readonly repository: aws.ecr.Repository;
    readonly arn: pulumi.Output<string>;
    readonly repositoryName: pulumi.Output<string>;
    readonly repositoryUrl: pulumi.Output<string>;
    readonly grant?: EcrPullGrant;

    constructor(name: string, args: SharedRepositoryArgs, opts?: pulumi.ComponentResourceOptions) {
        assertValidRepositoryName(args.repositoryName);
        assertAccountId(args.accountId, `account ID of repository ${args.repositoryName}`);
        super("crossaccount:index:SharedRepository", name, {}, opts);

        this.repository = new aws.ecr.Repository(
            name,
            {
                name: args.repositoryName,
                imageTagMutability: "IMMUTABLE",
                imageScanningConfiguration: { scanOnPush: true },
                encryptionConfigurations: [
                    args.kmsKeyArn === undefined ? { encryptionType: "AES256" } : { encryptionType: "KMS", kmsKey: args.kmsKeyArn },
                ],
                forceDelete: args.forceDelete,
                tags: args.tags,
            },
            { parent: this },
        );
        this.arn = this.repository.arn;
        this.repositoryName = this.repository.name;
        this.repositoryUrl = this.repository.repositoryUrl;

        if (args.grants?.length) {
            this.grant = new EcrPullGrant(
                `${name}-grant`,
                {
                    repositoryName: this.repository.name,
                    repositoryArn: ecrRepositoryArn(args.region, args.accountId, args.repositoryName, args.partition ?? DEFAULT_PARTITION),
                    grants: args.grants,
                    partition: args.partition,
                },
                { parent: this },
            );
        }

        this.registerOutputs({ arn: this.arn, repositoryUrl: this.repositoryUrl, callerPolicy: this.grant?.callerPolicy });
    }
}

// ECR: 2-256 characters, lowercase path components separated by "/".
const REPOSITORY_NAME = /^(?=.{2,256}$)(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

export function assertValidRepositoryName(name: string): void {
    if (!REPOSITORY_NAME.test(name)) {
        throw new Error(`Invalid ECR repository name "${name}": 2-256 lowercase letters, digits and . _ - in "/"-separated parts`);
    }
}
