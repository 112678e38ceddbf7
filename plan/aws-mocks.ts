// Pulumi mocks that behave like the AWS provider where the program and the analysis depend on it:
// auto-names, ids and ARNs in the account of the resource's provider, the computed attributes the
// program reads, and StackReference outputs from stacks planned earlier. Every registration is recorded
// with its URN, account, inputs and outputs, which is what the offline plan works on.
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "crypto";
import { RegisteredOptions, observeMockRegistrations } from "./pulumi-internals";
import { DEFAULT_CONFIG_RECORDERS, readThroughCloudControl } from "./aws-mock-reads";

export { DEFAULT_CONFIG_RECORDERS } from "./aws-mock-reads";
import { aws } from "../policy-pack/lib/resource-types";

export { waitForRegistrations } from "./pulumi-internals";

export interface MockedResource {
    urn: string;
    type: string;
    name: string;
    custom: boolean;
    id?: string;
    accountId?: string;
    region?: string;
    /** Inputs with secrets unwrapped (see `secretValues` for what to redact). */
    inputs: Record<string, unknown>;
    outputs: Record<string, unknown>;
    /** `urn::id` of the provider, for custom resources. */
    provider?: string;
    parent?: string;
    dependencies: string[];
    propertyDependencies: Record<string, string[]>;
    /** Aliases, deleteBeforeReplace, ignoreChanges, replaceOnChanges and replacementTrigger as registered. */
    options: RegisteredOptions;
}

export interface AwsMocksOptions {
    /** Account of resources that use the default provider. */
    defaultAccountId?: string;
    defaultRegion?: string;
    partition?: string;
    /**
     * The AWS Config recorders of an account and region by name, as Cloud Control reads them (the
     * `Properties` of AWS::Config::ConfigurationRecorder); defaults to DEFAULT_CONFIG_RECORDERS in every
     * account: the offline plan cannot see the accounts, and assumes the organization's recorder is there.
     */
    configRecorders?: (accountId: string, region: string) => Record<string, Record<string, unknown>>;
    /** Outputs of another stack, by fully qualified stack name, for StackReference. */
    stackOutputs?: (stackName: string) => Record<string, unknown> | undefined;
}

interface ProviderInfo {
    accountId?: string;
    region?: string;
}

export class AwsMocks implements pulumi.runtime.Mocks {
    readonly resources: MockedResource[] = [];
    /** Every secret string value that reached a resource, so reports can redact it. */
    readonly secretValues = new Set<string>();
    private readonly providers = new Map<string, ProviderInfo>();
    private readonly partition: string;
    /** The record newResource made for the registration being handled, until the monitor's observer takes it. */
    private created: MockedResource | undefined;

    constructor(private readonly options: AwsMocksOptions = {}) {
        this.partition = options.partition ?? "aws";
    }

    /**
     * Installs these mocks for a stack. Must run before the program creates any resource
     * (call it in a mocha `before()` and import the program afterwards).
     */
    async install(project: string, stack: string, organization = "organization"): Promise<void> {
        await pulumi.runtime.setMocks(this, project, stack, false, organization);
        // The mock monitor tells newResource neither the URN nor the parent; record them as it answers.
        observeMockRegistrations((registration) => {
            const record = this.created;
            this.created = undefined;
            if (!record) return undefined;
            Object.assign(record, registration);
            return (urn) => (record.urn = urn);
        });
    }

    newResource(args: pulumi.runtime.MockResourceArgs): pulumi.runtime.MockResourceResult {
        const inputs = this.unwrapSecrets(args.inputs ?? {}) as Record<string, unknown>;
        const provider = args.provider ? this.providers.get(providerId(args.provider)) : undefined;
        const accountId = args.custom ? (provider?.accountId ?? this.options.defaultAccountId) : undefined;
        const region = args.custom ? (provider?.region ?? this.options.defaultRegion ?? "us-east-1") : undefined;

        let id: string | undefined;
        let outputs: Record<string, unknown>;
        if (args.type === "pulumi:pulumi:StackReference") {
            const stackName = String(inputs.name);
            const stackOutputs = this.options.stackOutputs?.(stackName);
            if (!stackOutputs) throw new Error(`stack '${stackName}' has no outputs (plan or deploy it first)`);
            id = stackName;
            outputs = { name: stackName, outputs: stackOutputs, secretOutputNames: [] };
        } else if (args.type.startsWith("pulumi:providers:")) {
            const info = providerInfo(inputs);
            id = `${args.name}-${hash(JSON.stringify(info), 8)}`;
            this.providers.set(id, info);
            outputs = { ...inputs };
        } else if (args.custom) {
            ({ id, state: outputs } = awsState(args.type, args.name, inputs, {
                accountId: accountId ?? "123456789012",
                region: region!,
                partition: this.partition,
            }));
        } else {
            outputs = {};
        }

        this.created = {
            urn: "",
            type: args.type,
            name: args.name,
            custom: args.custom ?? false,
            id,
            accountId,
            region,
            inputs,
            outputs,
            provider: args.provider || undefined,
            dependencies: [],
            propertyDependencies: {},
            options: { aliases: [], deleteBeforeReplace: false, ignoreChanges: [], replaceOnChanges: [] },
        };
        this.resources.push(this.created);
        return { id, state: outputs };
    }

    call(args: pulumi.runtime.MockCallArgs): pulumi.runtime.MockCallResult {
        const provider = args.provider ? this.providers.get(providerId(args.provider)) : undefined;
        const accountId = provider?.accountId ?? this.options.defaultAccountId ?? "123456789012";
        const region = provider?.region ?? this.options.defaultRegion ?? "us-east-1";
        switch (args.token) {
            case "aws:index/getCallerIdentity:getCallerIdentity":
                return { accountId, arn: `arn:${this.partition}:iam::${accountId}:root`, userId: accountId, id: accountId };
            case "aws:index/getRegion:getRegion":
                return { name: region, region, id: region };
            case "aws:index/getPartition:getPartition":
                return { partition: this.partition, dnsSuffix: "amazonaws.com", id: this.partition };
            case "aws:cloudcontrol/getResource:getResource":
                return readThroughCloudControl(
                    args.inputs,
                    (this.options.configRecorders ?? (() => DEFAULT_CONFIG_RECORDERS))(accountId, region),
                );
            case "aws:index/getAvailabilityZones:getAvailabilityZones":
                return { names: ["a", "b", "c"].map((zone) => `${region}${zone}`), zoneIds: [], id: region };
            default:
                throw new Error(`the offline mocks do not implement the call ${args.token}`);
        }
    }

    private unwrapSecrets(value: unknown): unknown {
        if (Array.isArray(value)) return value.map((item) => this.unwrapSecrets(item));
        if (value !== null && typeof value === "object") {
            const record = value as Record<string, unknown>;
            if (record[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig) {
                const inner = this.unwrapSecrets(record.value);
                collectStrings(inner, (text) => this.secretValues.add(text));
                return inner;
            }
            return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, this.unwrapSecrets(v)]));
        }
        return value;
    }
}

/** What a deployment would hold in its state: custom resources and providers, not components or stack references. */
export function isDeployed(resource: MockedResource): boolean {
    return resource.custom && !resource.type.startsWith("pulumi:pulumi:");
}

function providerId(reference: string): string {
    return reference.slice(reference.lastIndexOf("::") + 2);
}

/** Provider inputs arrive JSON-encoded under mocks (for example allowedAccountIds as '["1111..."]'). */
function providerInfo(inputs: Record<string, unknown>): ProviderInfo {
    const decode = (value: unknown) => {
        if (typeof value !== "string") return value;
        try {
            return JSON.parse(value);
        } catch {
            return value;
        }
    };
    const allowed = decode(inputs.allowedAccountIds);
    const region = decode(inputs.region);
    return {
        accountId: Array.isArray(allowed) && allowed.length === 1 ? String(allowed[0]) : undefined,
        region: typeof region === "string" ? region : undefined,
    };
}

function collectStrings(value: unknown, add: (text: string) => void): void {
    if (typeof value === "string") add(value);
    else if (Array.isArray(value)) value.forEach((item) => collectStrings(item, add));
    else if (value !== null && typeof value === "object") Object.values(value).forEach((v) => collectStrings(v, add));
}

function hash(text: string, length: number): string {
    return createHash("sha1").update(text).digest("hex").slice(0, length);
}

interface Placement {
    accountId: string;
    region: string;
    partition: string;
}

/** The property the AWS provider auto-names, by resource type. */
const AUTO_NAMED: Record<string, string> = {
    [aws.iam.Role.__pulumiType]: "name",
    [aws.iam.Group.__pulumiType]: "name",
    [aws.iam.User.__pulumiType]: "name",
    [aws.iam.Policy.__pulumiType]: "name",
    [aws.iam.RolePolicy.__pulumiType]: "name",
    [aws.iam.GroupPolicy.__pulumiType]: "name",
    [aws.iam.UserPolicy.__pulumiType]: "name",
    [aws.s3.Bucket.__pulumiType]: "bucket",
    [aws.cloudtrail.Trail.__pulumiType]: "name",
    [aws.lambda.Function.__pulumiType]: "name",
    [aws.ecr.Repository.__pulumiType]: "name",
    [aws.sns.Topic.__pulumiType]: "name",
    [aws.cloudwatch.LogGroup.__pulumiType]: "name",
    [aws.cloudwatch.MetricAlarm.__pulumiType]: "name",
    "aws:cloudwatch/logMetricFilter:LogMetricFilter": "name",
    [aws.cfg.Rule.__pulumiType]: "name",
    "aws:kms/alias:Alias": "name",
};

/** The id prefix EC2 gives each kind of resource. */
const EC2_ID_PREFIX: Record<string, string> = {
    [aws.ec2.Vpc.__pulumiType]: "vpc",
    [aws.ec2.Subnet.__pulumiType]: "subnet",
    [aws.ec2.RouteTable.__pulumiType]: "rtb",
    [aws.ec2.VpcPeeringConnection.__pulumiType]: "pcx",
    "aws:ec2/routeTableAssociation:RouteTableAssociation": "rtbassoc",
    "aws:ec2/securityGroup:SecurityGroup": "sg",
    "aws:ec2/internetGateway:InternetGateway": "igw",
};

/** What the AWS provider would report for a new resource: inputs plus id, name, ARN and friends. */
export function awsState(
    type: string,
    name: string,
    inputs: Record<string, unknown>,
    placement: Placement,
): { id: string; state: Record<string, unknown> } {
    const { accountId, region, partition } = placement;
    const digest = hash(`${accountId}|${region}|${type}|${name}`, 17);
    const state: Record<string, unknown> = { ...inputs };
    const nameProperty = AUTO_NAMED[type];
    if (nameProperty && (state[nameProperty] === undefined || state[nameProperty] === "")) {
        const autoName = `${name}-${digest.slice(0, 7)}`;
        state[nameProperty] =
            type === aws.s3.Bucket.__pulumiType ? autoName.toLowerCase() : type === "aws:kms/alias:Alias" ? `alias/${autoName}` : autoName;
    }
    const resourceName = nameProperty ? String(state[nameProperty]) : name;
    const iamPath = typeof state.path === "string" ? state.path : "/";
    let id: string = resourceName;

    switch (type) {
        case aws.iam.Role.__pulumiType:
            state.arn = `arn:${partition}:iam::${accountId}:role${iamPath}${resourceName}`;
            state.uniqueId = `AROA${digest.toUpperCase()}`;
            state.createDate = "2026-01-01T00:00:00Z";
            break;
        case aws.iam.Group.__pulumiType:
            state.arn = `arn:${partition}:iam::${accountId}:group${iamPath}${resourceName}`;
            state.uniqueId = `AGPA${digest.toUpperCase()}`;
            break;
        case aws.iam.User.__pulumiType:
            state.arn = `arn:${partition}:iam::${accountId}:user${iamPath}${resourceName}`;
            state.uniqueId = `AIDA${digest.toUpperCase()}`;
            break;
        case aws.iam.Policy.__pulumiType:
            state.arn = `arn:${partition}:iam::${accountId}:policy${iamPath}${resourceName}`;
            state.policyId = `ANPA${digest.toUpperCase()}`;
            id = String(state.arn);
            break;
        case aws.iam.OpenIdConnectProvider.__pulumiType:
            // IAM names the provider by its URL without the scheme; the ARN is also its id.
            state.arn = `arn:${partition}:iam::${accountId}:oidc-provider/${String(state.url ?? "").replace(/^https:\/\//, "")}`;
            id = String(state.arn);
            break;
        case aws.iam.RolePolicy.__pulumiType:
            id = `${state.role}:${resourceName}`;
            break;
        case aws.iam.GroupPolicy.__pulumiType:
            id = `${state.group}:${resourceName}`;
            break;
        case aws.iam.UserPolicy.__pulumiType:
            id = `${state.user}:${resourceName}`;
            break;
        case aws.s3.Bucket.__pulumiType:
            state.arn = `arn:${partition}:s3:::${resourceName}`;
            state.bucketDomainName = `${resourceName}.s3.amazonaws.com`;
            state.bucketRegionalDomainName = `${resourceName}.s3.${region}.amazonaws.com`;
            state.region = region;
            state.hostedZoneId = "Z3AQBSTGFYJSTF";
            // S3 encrypts every new bucket with SSE-S3 and the provider reports it: the stack policies see
            // this output, which is why the encryption rule reads the configuration resource instead.
            state.serverSideEncryptionConfiguration = state.serverSideEncryptionConfiguration ?? {
                rule: { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, bucketKeyEnabled: false },
            };
            break;
        case aws.cloudtrail.Trail.__pulumiType:
            state.arn = `arn:${partition}:cloudtrail:${region}:${accountId}:trail/${resourceName}`;
            state.homeRegion = region;
            id = String(state.arn);
            break;
        case aws.lambda.Function.__pulumiType:
            state.arn = `arn:${partition}:lambda:${region}:${accountId}:function:${resourceName}`;
            state.qualifiedArn = `${state.arn}:$LATEST`;
            state.invokeArn = `arn:${partition}:apigateway:${region}:lambda:path/2015-03-31/functions/${state.arn}/invocations`;
            state.version = "$LATEST";
            break;
        case aws.lambda.Permission.__pulumiType:
            // The provider's id is the statement id (generated when not given).
            state.statementId = state.statementId ?? `${name}-${digest.slice(0, 7)}`;
            id = String(state.statementId);
            break;
        case aws.ecr.Repository.__pulumiType:
            state.arn = `arn:${partition}:ecr:${region}:${accountId}:repository/${resourceName}`;
            state.registryId = accountId;
            state.repositoryUrl = `${accountId}.dkr.ecr.${region}.amazonaws.com/${resourceName}`;
            break;
        case aws.ecr.RepositoryPolicy.__pulumiType:
            id = String(state.repository);
            state.registryId = accountId;
            break;
        case aws.rds.SnapshotCopy.__pulumiType:
            id = String(state.targetDbSnapshotIdentifier);
            state.dbSnapshotArn = `arn:${partition}:rds:${region}:${accountId}:snapshot:${id}`;
            break;
        case aws.rds.Snapshot.__pulumiType:
            id = String(state.dbSnapshotIdentifier);
            state.dbSnapshotArn = `arn:${partition}:rds:${region}:${accountId}:snapshot:${id}`;
            break;
        case aws.sns.Topic.__pulumiType:
            state.arn = `arn:${partition}:sns:${region}:${accountId}:${resourceName}`;
            state.owner = accountId;
            id = String(state.arn);
            break;
        case "aws:sns/topicPolicy:TopicPolicy":
            id = String(state.arn);
            state.owner = accountId;
            break;
        case aws.cloudwatch.LogGroup.__pulumiType:
            // Without the ":*" suffix, as the provider reports it.
            state.arn = `arn:${partition}:logs:${region}:${accountId}:log-group:${resourceName}`;
            break;
        case "aws:cloudwatch/logMetricFilter:LogMetricFilter":
            break;
        case aws.cloudwatch.MetricAlarm.__pulumiType:
            state.arn = `arn:${partition}:cloudwatch:${region}:${accountId}:alarm:${resourceName}`;
            break;
        case aws.cfg.Rule.__pulumiType:
            state.ruleId = `config-rule-${digest.slice(0, 6)}`;
            state.arn = `arn:${partition}:config:${region}:${accountId}:config-rule/${state.ruleId}`;
            break;
        case aws.kms.Key.__pulumiType: {
            // KMS gives keys a random UUID: the reason other stacks read the ARN from the owner's outputs.
            const uuid = hash(`${digest}|key`, 32);
            id = [uuid.slice(0, 8), uuid.slice(8, 12), uuid.slice(12, 16), uuid.slice(16, 20), uuid.slice(20)].join("-");
            state.keyId = id;
            state.arn = `arn:${partition}:kms:${region}:${accountId}:key/${id}`;
            break;
        }
        case "aws:kms/alias:Alias":
            // Alias names include their "alias/" prefix.
            state.arn = `arn:${partition}:kms:${region}:${accountId}:${resourceName}`;
            break;
        case aws.ec2.VpcPeeringConnectionAccepter.__pulumiType:
            id = String(state.vpcPeeringConnectionId);
            state.acceptStatus = "active";
            state.peerOwnerId = accountId;
            break;
        case aws.ec2.Route.__pulumiType:
            id = `r-${state.routeTableId}${hash(String(state.destinationCidrBlock), 10)}`;
            break;
        default:
            if (type.startsWith("aws:s3/")) {
                // Bucket sub-resources (policy, public access block, ...) are identified by the bucket.
                id = String(state.bucket ?? resourceName);
            } else if (EC2_ID_PREFIX[type]) {
                id = `${EC2_ID_PREFIX[type]}-${digest}`;
                const kind = EC2_ID_PREFIX[type] === "pcx" ? "vpc-peering-connection" : type.split(":")[2].toLowerCase();
                state.arn = `arn:${partition}:ec2:${region}:${accountId}:${kind}/${id}`;
                state.ownerId = accountId;
                if (type === aws.ec2.Vpc.__pulumiType) {
                    state.mainRouteTableId = `rtb-${hash(`${digest}|main`, 17)}`;
                    state.defaultSecurityGroupId = `sg-${hash(`${digest}|sg`, 17)}`;
                    state.defaultNetworkAclId = `acl-${hash(`${digest}|acl`, 17)}`;
                }
                if (type === aws.ec2.VpcPeeringConnection.__pulumiType) state.acceptStatus = "pending-acceptance";
            } else {
                // A generic ARN for the services without a case above, in the resource's account and region.
                const [, module] = type.split(":");
                const service = module.split("/")[0];
                state.arn = state.arn ?? `arn:${partition}:${service}:${region}:${accountId}:${resourceName}`;
                id = `${resourceName}`;
            }
    }
    state.id = id;
    return { id, state };
}
