// The crossaccount program: one stack per environment (Pulumi.<stack>.yaml), each deploying into its
// own AWS account and reading the stacks it depends on through StackReference.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import {
    Environment,
    FunctionRef,
    Organization,
    RoleSettings,
    StackConfiguration,
    accountIdOf,
    bucketArnOf,
    arnOf,
    bucketName,
    callerStatements,
    crossAccountRoleArns,
    decodeRuntimeConfig,
    functionArnOf,
    loadStackConfiguration,
    objectsArnOf,
    refText,
    roleArnOf,
    stackDependencies,
    trailArnOf,
} from "./config";
import {
    AccountProviders,
    AssumeRoleGrant,
    AuditTrail,
    CrossAccountActivityAlarms,
    CrossAccountRole,
    CrossAccountRoleArgs,
    CrossAccountVpcPeering,
    EnvironmentNetwork,
    LambdaInvokeGrant,
    ManagedPolicyRule,
    SharedBucket,
    SharedFunction,
    SharedRepository,
    SnapshotShare,
} from "./components";

/**
 * The Pulumi entry point. The CLI calls it with no argument: the project is this directory and the
 * running stack's config comes from the runtime. The offline plan passes the directory it plans and,
 * having validated every stack file together once already, the configuration it loaded.
 */
function main(projectDir: string = __dirname, validated?: StackConfiguration): Record<string, unknown> {
    // The running stack's values come from the runtime (secrets decrypted); the program wraps the
    // only secret setting, external IDs, in pulumi.secret itself.
    const { organization, environment } =
        validated ??
        loadStackConfiguration({
            projectDir,
            stack: pulumi.getStack(),
            currentValues: decodeRuntimeConfig(pulumi.runtime.allConfig()),
        });
    return deployEnvironment(organization, environment);
}

export = main;

function deployEnvironment(organization: Organization, environment: Environment): Record<string, unknown> {
    const { settings } = environment;
    const tags = { ...settings.tags, Environment: environment.name, ManagedBy: "crossaccount" };
    const dependencies = stackDependencies(organization, environment.name);

    // Providers only for the accounts this stack touches: its own, peers whose side of a peering it manages,
    // and the owners of the functions its roles invoke, whose permissions it manages.
    const peers = settings.network?.peerings.map((p) => p.peer) ?? [];
    const functionOwners = settings.roles.flatMap((role) => role.invoke.map((ref) => ref.env));
    const providers = new AccountProviders({
        accounts: [...new Set([environment.name, ...peers, ...functionOwners])].map((name) => ({
            name,
            accountId: organization.environments[name].accountId,
            region: organization.environments[name].region,
        })),
        region: environment.region,
        partition: organization.partition,
        deploymentRoleName: organization.deploymentRoleName,
        sessionName: `crossaccount-${environment.name}`,
    });
    const home = { provider: providers.forAccount(environment.name) };

    const stackReferences = new Map<string, pulumi.StackReference>();
    for (const name of dependencies) {
        const other = organization.environments[name];
        stackReferences.set(
            name,
            new pulumi.StackReference(`${name}-stack`, {
                name: `${pulumi.getOrganization()}/${pulumi.getProject()}/${other.stack}`,
            }),
        );
    }

    const groups = Object.fromEntries(
        settings.groups.map((name) => [name, new aws.iam.Group(name, { name }, home)]),
    );

    const roles = Object.fromEntries(
        settings.roles.map((role) => [role.name, new CrossAccountRole(role.name, roleArgs(organization, role, tags), home)]),
    );

    const buckets = Object.fromEntries(
        settings.buckets.map((bucket) => [
            bucket.key,
            new SharedBucket(
                bucket.key,
                {
                    bucketName: bucketName(bucket.key, bucket.name, environment.accountId),
                    versioning: bucket.versioning,
                    forceDestroy: bucket.forceDestroy,
                    partition: organization.partition,
                    tags: { ...tags, ...bucket.tags },
                    grants: bucket.grants.map((grant) => ({
                        sid: grant.sid,
                        access: grant.access,
                        prefix: grant.prefix,
                        principalArns: grant.principals.map((ref) => roleArnOf(organization, ref)),
                    })),
                },
                home,
            ),
        ]),
    );

    // The resource side of the ECR and snapshot grants (callers get theirs in roleArgs), and the shared
    // functions, whose permissions the callers' stacks add (deployInvokeGrants).
    const functions = Object.fromEntries(
        settings.functions.map((fn) => [
            fn.name,
            new SharedFunction(
                fn.name,
                {
                    functionName: fn.name,
                    accountId: environment.accountId,
                    region: environment.region,
                    partition: organization.partition,
                    description: fn.description,
                    runtime: fn.runtime,
                    memorySizeMb: fn.memorySizeMb,
                    timeoutSeconds: fn.timeoutSeconds,
                    logRetentionInDays: fn.logRetentionDays,
                    tags: { ...tags, ...fn.tags },
                },
                home,
            ),
        ]),
    );
    const repositories = Object.fromEntries(
        settings.repositories.map((repository) => [
            repository.name,
            new SharedRepository(
                repository.name,
                {
                    repositoryName: repository.name,
                    accountId: environment.accountId,
                    region: environment.region,
                    partition: organization.partition,
                    forceDelete: repository.forceDelete,
                    grants: repository.grants.map((grant) => ({
                        sid: grant.sid,
                        access: grant.access,
                        principalArns: grant.principals.map((ref) => roleArnOf(organization, ref)),
                    })),
                    tags: { ...tags, ...repository.tags },
                },
                home,
            ),
        ]),
    );
    const snapshots = Object.fromEntries(
        settings.snapshots.map((snapshot) => [
            snapshot.key,
            new SnapshotShare(
                snapshot.key,
                {
                    sourceSnapshotIdentifier: snapshot.source,
                    snapshotIdentifier: snapshot.key,
                    sharedAccountIds: snapshot.sharedWith.map((account) => accountIdOf(organization, account)),
                    organizationAccountIds: Object.values(organization.accounts),
                    kmsKeyId: snapshot.kmsKeyId,
                    tags: { ...tags, ...snapshot.tags },
                },
                home,
            ),
        ]),
    );

    deployInvokeGrants(organization, environment, roles, functions, providers, home);

    settings.assumeRoleGrants.forEach((grant, index) => {
        const who = [...grant.groups, ...grant.users].join("-");
        new AssumeRoleGrant(
            `${grant.effect.toLowerCase()}-assume-${who}-${index}`,
            {
                effect: grant.effect,
                roleArns: grant.roles.map((ref) => roleArnOf(organization, ref)),
                // Through the group resource, so the policy waits for the group to exist.
                groupNames: grant.groups.map((name) => groups[name].name),
                userNames: grant.users,
                policyName: `${grant.effect === "Allow" ? "allow" : "deny"}-assume-cross-account-roles-${index}`,
            },
            home,
        );
    });

    const audit = settings.audit && deployAuditTrail(organization, environment, stackReferences, tags, home);
    const alarms =
        settings.alarms &&
        new CrossAccountActivityAlarms(
            "activity-alarms",
            {
                // Checked at load time: alarms need the audit trail, which then delivers to this group.
                logGroupName: audit!.trailLogGroupName!,
                crossAccountRoleArns: crossAccountRoleArns(organization),
                accountId: environment.accountId,
                region: environment.region,
                partition: organization.partition,
                topicName: settings.alarms.topicName,
                accessDeniedThreshold: settings.alarms.accessDeniedThreshold,
                tags,
            },
            home,
        );
    const managedPolicyRule =
        settings.managedPolicyRule &&
        new ManagedPolicyRule(
            settings.managedPolicyRule.name,
            {
                ruleName: settings.managedPolicyRule.name,
                policyArns: settings.managedPolicyRule.policyArns,
                exceptions: {
                    roles: settings.managedPolicyRule.exceptRoles,
                    users: settings.managedPolicyRule.exceptUsers,
                    groups: settings.managedPolicyRule.exceptGroups,
                },
                tags,
            },
            home,
        );
    const network = settings.network && deployNetwork(organization, environment, providers, stackReferences, tags, home);

    return {
        environment: environment.name,
        accountId: environment.accountId,
        region: environment.region,
        roleArns: mapValues(roles, (role) => role.arn),
        bucketNames: mapValues(buckets, (bucket) => bucket.bucketName),
        groupNames: mapValues(groups, (group) => group.name),
        functionArns: mapValues(functions, (fn) => fn.arn),
        repositoryUrls: mapValues(repositories, (repository) => repository.repositoryUrl),
        snapshotArns: mapValues(snapshots, (snapshot) => snapshot.snapshotArn),
        ...(audit && {
            trailArn: audit.trailArn,
            ...(audit.auditBucketName && { auditBucketName: audit.auditBucketName, auditKmsKeyArn: audit.auditKmsKeyArn }),
        }),
        ...(alarms && { alarmTopicArn: alarms.topicArn }),
        ...(managedPolicyRule && { managedPolicyRuleArn: managedPolicyRule.ruleArn }),
        ...network,
    };
}

function roleArgs(organization: Organization, role: RoleSettings, tags: Record<string, string>): CrossAccountRoleArgs {
    const { trust } = role;
    const trustedRoleArns = trust.roles.map((ref) => roleArnOf(organization, ref));
    const trustedAccountIds = [
        ...trust.accounts.map((account) => accountIdOf(organization, account)),
        // A role that does not exist yet cannot be a Principal ("Invalid principal in policy"):
        // trust its account and narrow to the role with aws:PrincipalArn instead.
        ...trustedRoleArns.map((arn) => arn.split(":")[4]),
    ];
    return {
        roleName: role.name,
        path: role.path,
        description: role.description,
        maxSessionDurationSeconds: role.maxSessionDurationSeconds,
        permissionsBoundaryArn: role.permissionsBoundaryArn,
        tags: { ...tags, ...role.tags },
        trust: {
            trustedAccountIds: [...new Set(trustedAccountIds)],
            principalArnPatterns: [...trustedRoleArns, ...trust.principalArns],
            externalId: trust.externalId === undefined ? undefined : pulumi.secret(trust.externalId),
            requireMfa: trust.requireMfa,
            maxMfaAgeSeconds: trust.maxMfaAgeSeconds,
            principalOrgId: trust.requireOrganization ? organization.orgId : undefined,
            sourceIpRanges: trust.sourceIpRanges,
            notBefore: trust.notBefore,
            notAfter: trust.notAfter,
            sessionNamePattern: trust.sessionNamePattern,
            trustedServices: trust.services,
        },
        permissions: [
            ...role.permissions.map((permission) => ({
                sid: permission.sid,
                effect: permission.effect,
                actions: permission.actions,
                resources: [
                    ...permission.resources,
                    ...permission.buckets.map((ref) => bucketArnOf(organization, ref)),
                    ...permission.objects.map((ref) => objectsArnOf(organization, ref)),
                ],
                conditions: permission.conditions,
            })),
            // The caller side of the repositories and snapshots other environments share with it (functions: deployInvokeGrants).
            ...callerStatements(role, (ref) => arnOf(organization, ref)),
        ],
    };
}

/**
 * Both sides of every function this stack's roles invoke, one grant per function: the permission in the
 * function's account through that account's provider (as test manages dev's side of the peering), after
 * the role exists, and the role's identity policy here.
 */
function deployInvokeGrants(
    organization: Organization,
    environment: Environment,
    roles: Record<string, CrossAccountRole>,
    functions: Record<string, SharedFunction>,
    providers: AccountProviders,
    home: pulumi.ComponentResourceOptions,
): void {
    const callers = new Map<string, { ref: FunctionRef; roles: RoleSettings[] }>();
    for (const role of environment.settings.roles) {
        for (const ref of role.invoke) {
            const entry = callers.get(refText(ref)) ?? { ref, roles: [] };
            callers.set(refText(ref), { ref, roles: [...entry.roles, role] });
        }
    }
    for (const { ref, roles: roleSettings } of callers.values()) {
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
                callers: roleSettings.map((role) => ({
                    roleArn: roleArnOf(organization, { kind: "role", env: environment.name, name: role.name }),
                    role: roles[role.name].role,
                })),
            },
            home,
        );
    }
}

function deployAuditTrail(
    organization: Organization,
    environment: Environment,
    stackReferences: Map<string, pulumi.StackReference>,
    tags: Record<string, string>,
    home: pulumi.ComponentResourceOptions,
) {
    const { audit, alarms } = environment.settings;
    const { env: owner, bucket: key } = audit!.bucket;
    const args = {
        trailName: audit!.trailName,
        s3KeyPrefix: audit!.keyPrefix,
        partition: organization.partition,
        tags,
        // With alarms, the trail also delivers to a log group in this account for them to watch.
        cloudWatchLogs: alarms && { accountId: environment.accountId, region: environment.region, retentionInDays: alarms.logRetentionDays },
    };
    if (owner !== environment.name) {
        // The central bucket must exist before this trail: reading it from the owner's outputs orders the stacks.
        // So must the log key, whose ARN holds a random key id.
        const ownerStack = stackReferences.get(owner)!;
        const bucket = ownerStack.requireOutput("auditBucketName") as pulumi.Output<string>;
        const kmsKeyArn = ownerStack.requireOutput("auditKmsKeyArn") as pulumi.Output<string>;
        const trail = new AuditTrail(audit!.trailName, { ...args, bucketName: bucket, kmsKeyArn }, home);
        return { trailArn: trail.trailArn, trailLogGroupName: trail.logGroupName };
    }
    const writers = Object.values(organization.environments).filter((e) => e.settings.audit !== undefined && refText(e.settings.audit.bucket) === refText(audit!.bucket));
    const trail = new AuditTrail(
        audit!.trailName,
        {
            ...args,
            bucketName: bucketName(key, undefined, environment.accountId),
            ownedBucket: {
                accountId: environment.accountId,
                writerTrailArns: writers.map((e) => trailArnOf(organization, e.name)!).sort(),
                writerAccountIds: [...new Set(writers.map((e) => e.accountId))].sort(),
            },
        },
        home,
    );
    return {
        trailArn: trail.trailArn,
        trailLogGroupName: trail.logGroupName,
        auditBucketName: trail.bucketName,
        auditKmsKeyArn: trail.kmsKeyArn,
    };
}

function deployNetwork(
    organization: Organization,
    environment: Environment,
    providers: AccountProviders,
    stackReferences: Map<string, pulumi.StackReference>,
    tags: Record<string, string>,
    home: pulumi.ComponentResourceOptions,
) {
    const settings = environment.settings.network!;
    const network = new EnvironmentNetwork(
        "network",
        {
            cidrBlock: settings.cidr,
            subnetCidrs: settings.subnets.length > 0 ? settings.subnets : undefined,
            availabilityZones: settings.availabilityZones.length > 0 ? settings.availabilityZones : undefined,
            tags: { ...tags, Name: `${environment.name}-vpc` },
        },
        home,
    );
    const peeringConnectionIds: Record<string, pulumi.Output<string>> = {};
    for (const peering of settings.peerings) {
        const peer = organization.environments[peering.peer];
        const peerStack = stackReferences.get(peer.name)!;
        const connection = new CrossAccountVpcPeering(
            `${environment.name}-to-${peer.name}`,
            {
                vpcId: network.vpcId,
                cidrBlock: settings.cidr,
                routeTableIds: network.routeTableIds,
                allowDnsResolution: peering.dnsResolution,
                tags: { ...tags, Name: `${environment.name}-to-${peer.name}` },
                peer: {
                    accountId: peer.accountId,
                    region: peer.region,
                    cidrBlock: peer.settings.network!.cidr,
                    vpcId: peerStack.requireOutput("vpcId") as pulumi.Output<string>,
                    routeTableIds: [peerStack.requireOutput("routeTableId") as pulumi.Output<string>],
                    provider: providers.forAccount(peer.name),
                },
            },
            home,
        );
        peeringConnectionIds[peer.name] = connection.peeringConnectionId;
    }
    return {
        vpcId: network.vpcId,
        vpcCidr: settings.cidr,
        // Peers add routes here; each environment network has exactly one private route table.
        routeTableId: network.routeTableIds[0],
        peeringConnectionIds,
    };
}

function mapValues<T, U>(record: Record<string, T>, map: (value: T) => U): Record<string, U> {
    return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, map(value)]));
}
