// Sharing: the resources this environment shares with roles of other environments (buckets, functions,
// repositories, snapshots) and both sides of the function grants its own roles ask for.
import {
    BucketSettings,
    FunctionRef,
    FunctionSettings,
    RepositorySettings,
    RoleRef,
    RoleSettings,
    SnapshotSettings,
    accountIdOf,
    bucketName,
    functionArnOf,
    refText,
    roleArnOf,
    snapshotKeyAlias,
} from "../config";
import {
    CrossAccountRole,
    LambdaInvokeGrant,
    SharedBucket,
    SharedBucketArgs,
    SharedFunction,
    SharedFunctionArgs,
    SharedRepository,
    SharedRepositoryArgs,
    SnapshotShare,
    SnapshotShareArgs,
} from "../components";
import { StackContext } from "./context";

export interface SharedResources {
    buckets: Record<string, SharedBucket>;
    functions: Record<string, SharedFunction>;
    repositories: Record<string, SharedRepository>;
    snapshots: Record<string, SnapshotShare>;
}

/**
 * The resource side of the bucket, ECR and snapshot grants (callers get theirs in their roles), and the
 * shared functions, whose permissions the callers' stacks add (deployInvokeGrants).
 */
export function deploySharedResources(context: StackContext): SharedResources {
    const { settings, home } = context;
    return {
        buckets: byName(settings.buckets, "key", (bucket) => new SharedBucket(bucket.key, bucketArgs(context, bucket), home)),
        functions: byName(settings.functions, "name", (fn) => new SharedFunction(fn.name, functionArgs(context, fn), home)),
        repositories: byName(
            settings.repositories,
            "name",
            (repository) => new SharedRepository(repository.name, repositoryArgs(context, repository), home),
        ),
        snapshots: byName(settings.snapshots, "key", (snapshot) => new SnapshotShare(snapshot.key, snapshotArgs(context, snapshot), home)),
    };
}

/**
 * Both sides of every function this stack's roles invoke, one grant per function: the permission in the
 * function's account through that account's provider (as test manages dev's side of the peering), after
 * the role exists, and the role's identity policy here.
 */
export function deployInvokeGrants(
    context: StackContext,
    roles: Record<string, CrossAccountRole>,
    functions: Record<string, SharedFunction>,
): void {
    const { organization, environment, providers, home } = context;
    const callers = new Map<string, { ref: FunctionRef; roles: RoleSettings[] }>();
    for (const role of environment.settings.roles) {
        for (const ref of role.invoke) {
            const entry = callers.get(refText(ref)) ?? { ref, roles: [] };
            callers.set(refText(ref), { ref, roles: [...entry.roles, role] });
        }
    }
    for (const { ref, roles: callerRoles } of callers.values()) {
        const { env: owner, name } = ref;
        new LambdaInvokeGrant(
            `invoke-${owner}-${name}`,
            {
                function: {
                    // Computed: the owner's stack, which the StackReference orders first, created it. A function
                    // of this stack is named through its resource so the permission waits for it.
                    name: owner === environment.name ? functions[name].functionName : name,
                    arn: functionArnOf(organization, ref),
                    provider: providers.forAccount(owner),
                },
                callers: callerRoles.map((role) => ({
                    roleArn: roleArnOf(organization, { kind: "role", env: environment.name, name: role.name }),
                    role: roles[role.name].role,
                })),
            },
            home,
        );
    }
}

/** The roles' ARNs, which a grant names exactly. */
function principalArns({ organization }: StackContext, refs: RoleRef[]): string[] {
    return refs.map((ref) => roleArnOf(organization, ref));
}

function bucketArgs(context: StackContext, bucket: BucketSettings): SharedBucketArgs {
    return {
        bucketName: bucketName(bucket.key, bucket.name, context.environment.accountId),
        versioning: bucket.versioning,
        forceDestroy: bucket.forceDestroy,
        partition: context.organization.partition,
        tags: tagsOf(context, bucket.tags),
        grants: bucket.grants.map((grant) => ({
            sid: grant.sid,
            access: grant.access,
            prefix: grant.prefix,
            principalArns: principalArns(context, grant.principals),
        })),
    };
}

function snapshotArgs(context: StackContext, snapshot: SnapshotSettings): SnapshotShareArgs {
    const { organization } = context;
    return {
        sourceSnapshotIdentifier: snapshot.source,
        snapshotIdentifier: snapshot.key,
        sharedAccountIds: snapshot.sharedWith.map((account) => accountIdOf(organization, account)),
        organizationAccountIds: Object.values(organization.accounts),
        ...homeAccount(context),
        kmsKeyArn: snapshot.kmsKeyArn,
        keyAlias: `alias/${snapshotKeyAlias(snapshot.key)}`,
        unencrypted: snapshot.unencrypted,
        tags: tagsOf(context, snapshot.tags),
    };
}

function functionArgs(context: StackContext, fn: FunctionSettings): SharedFunctionArgs {
    return {
        ...homeAccount(context),
        functionName: fn.name,
        description: fn.description,
        runtime: fn.runtime,
        memorySizeMb: fn.memorySizeMb,
        timeoutSeconds: fn.timeoutSeconds,
        logRetentionInDays: fn.logRetentionDays,
        codeDeployedElsewhere: fn.codeDeployedElsewhere,
        tags: tagsOf(context, fn.tags),
    };
}

function repositoryArgs(context: StackContext, repository: RepositorySettings): SharedRepositoryArgs {
    const grants = repository.grants.map((grant) => ({
        sid: grant.sid,
        access: grant.access,
        principalArns: principalArns(context, grant.principals),
    }));
    return {
        ...homeAccount(context),
        repositoryName: repository.name,
        forceDelete: repository.forceDelete,
        grants,
        tags: tagsOf(context, repository.tags),
    };
}

/** The account, region and partition of this environment, which the components build ARNs from. */
export function homeAccount({ environment, organization }: StackContext) {
    return { accountId: environment.accountId, region: environment.region, partition: organization.partition };
}

/** The stack's tags, then the resource's own. */
export function tagsOf({ tags }: StackContext, own: Record<string, string> = {}): Record<string, string> {
    return { ...tags, ...own };
}

/** The components deployed for each setting, by the setting's name (its `key` property), which also names the component. */
function byName<S, K extends keyof S, R>(settings: (S & Record<K, string>)[], key: K, deploy: (setting: S) => R): Record<string, R> {
    return Object.fromEntries(settings.map((setting) => [setting[key], deploy(setting)]));
}
