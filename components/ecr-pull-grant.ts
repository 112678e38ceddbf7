// Lets roles of other accounts pull images from an ECR repository: the repository policy, in the
// repository's account, trusts the callers' account roots narrowed by aws:PrincipalArn (so it works
// before those roles exist and after they are recreated). Push is only granted when a grant asks for
// it, and deleting images or changing the repository never is. The callers also need an identity
// policy in their own accounts: ecrCallerStatements builds it there, callerPolicy shows it here.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import {
    DEFAULT_PARTITION,
    PolicyDocument,
    PolicyStatement,
    RESOURCE_POLICY_LIMITS,
    accountRootsNarrowedTo,
    assertValidSid,
    hasWildcard,
    parsePrincipalArn,
    policyDocument,
    serializePolicy,
    sortedUnique,
    serializeWithinLimit,
} from "../aws";
import { PermissionStatement, permissionPolicyDocument } from "./cross-account-role";

export const ECR_PULL_ACTIONS = ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"];
export const ECR_PUSH_ACTIONS = ["ecr:CompleteLayerUpload", "ecr:InitiateLayerUpload", "ecr:PutImage", "ecr:UploadLayerPart"];
export const ECR_AUTHORIZATION_ACTION = "ecr:GetAuthorizationToken";

export type RepositoryAccess = "pull" | "push";

export interface RepositoryGrant {
    /** Prefix of this grant's statement Sids; defaults to Grant<n>. */
    sid?: string;
    /** IAM role (or user) ARNs, typically in other accounts. */
    principalArns: string[];
    /** "push" also lets them upload images (never delete them); defaults to "pull". */
    access?: RepositoryAccess;
}

export interface EcrPullGrantArgs {
    /** The repository's name; an Output of the repository makes the policy wait for it. */
    repositoryName: pulumi.Input<string>;
    /** The repository's ARN, computable from config; the callers' policy names it. */
    repositoryArn: string;
    grants: RepositoryGrant[];
    partition?: string;
}

export class EcrPullGrant extends pulumi.ComponentResource {
    readonly policy: pulumi.Output<string>;
    readonly repositoryPolicy: aws.ecr.RepositoryPolicy;
    /** The identity policy a caller needs in its own account to pull. */
    readonly callerPolicy: pulumi.Output<string>;
    /** The identity policy a caller needs to push, when a grant allows pushing. */
    readonly pushCallerPolicy?: pulumi.Output<string>;

    constructor(name: string, args: EcrPullGrantArgs, opts?: pulumi.ComponentResourceOptions) {
        // Built (and so validated) before anything is registered.
        const document = ecrRepositoryPolicyDocument(args.grants, args.partition);
        super("crossaccount:index:EcrPullGrant", name, {}, opts);

        this.policy = serializeWithinLimit(document, RESOURCE_POLICY_LIMITS.ecrRepository, `Repository policy of ${args.repositoryArn}`);
        this.repositoryPolicy = new aws.ecr.RepositoryPolicy(
            `${name}-policy`,
            { repository: args.repositoryName, policy: this.policy },
            { parent: this },
        );
        this.callerPolicy = serializePolicy(permissionPolicyDocument(ecrCallerStatements([args.repositoryArn])));
        if (args.grants.some((grant) => grant.access === "push")) {
            this.pushCallerPolicy = serializePolicy(permissionPolicyDocument(ecrCallerStatements([], [args.repositoryArn])));
        }
        this.registerOutputs({ policy: this.policy, callerPolicy: this.callerPolicy, pushCallerPolicy: this.pushCallerPolicy });
    }
}

/** The repository policy: per grant, a pull statement and (when asked) a push statement. */
export function ecrRepositoryPolicyDocument(grants: RepositoryGrant[], partition = DEFAULT_PARTITION): PolicyDocument {
    if (grants.length === 0) {
        throw new Error("A repository policy needs at least one grant");
    }
    const statements: PolicyStatement[] = [];
    grants.forEach((grant, index) => {
        const sid = grant.sid ?? `Grant${index + 1}`;
        validateRepositoryGrant(grant, sid);
        const grantees = accountRootsNarrowedTo(grant.principalArns, partition);
        // Repository policies apply to their repository: ECR takes statements without Resource.
        const statement = (suffix: string, actions: string[]): PolicyStatement => ({
            Sid: `${sid}${suffix}`,
            Effect: "Allow",
            Principal: grantees.principal,
            Action: actions,
            Condition: grantees.condition,
        });
        statements.push(statement("Pull", ECR_PULL_ACTIONS));
        if (grant.access === "push") statements.push(statement("Push", ECR_PUSH_ACTIONS));
    });
    return policyDocument(statements);
}

/**
 * The caller side: pull (or also push) exactly these repositories. GetAuthorizationToken has no
 * resource-level permissions, so it is the one statement on "*".
 */
export function ecrCallerStatements(pullRepositoryArns: string[], pushRepositoryArns: string[] = []): PermissionStatement[] {
    const push = sortedUnique(pushRepositoryArns);
    return [
        { sid: "PullSharedImages", actions: ECR_PULL_ACTIONS, resources: sortedUnique([...pullRepositoryArns, ...push]) },
        ...(push.length > 0 ? [{ sid: "PushSharedImages", actions: ECR_PUSH_ACTIONS, resources: push }] : []),
        { sid: "GetEcrAuthorizationToken", actions: [ECR_AUTHORIZATION_ACTION], resources: ["*"] },
    ];
}

function validateRepositoryGrant(grant: RepositoryGrant, sid: string): void {
    assertValidSid(sid);
    if (grant.principalArns.length === 0) {
        throw new Error(`Repository grant ${sid} names no principals`);
    }
    if (grant.access !== undefined && grant.access !== "pull" && grant.access !== "push") {
        throw new Error(`Invalid access "${String(grant.access)}" in repository grant ${sid}: "pull" or "push"`);
    }
    for (const arn of grant.principalArns) {
        // aws:PrincipalArn with a wildcard would admit roles not yet named.
        if (hasWildcard(arn)) throw new Error(`Refusing wildcard principal "${arn}" in repository grant ${sid}: name exact role ARNs`);
        if (parsePrincipalArn(arn).resource === "root") {
            throw new Error(`Refusing account root "${arn}" in repository grant ${sid}: name the roles that may pull`);
        }
    }
}
