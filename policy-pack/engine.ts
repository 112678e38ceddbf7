// Runs the pack's rules over a list of resources the way the Pulumi analyzer does, without the Pulumi CLI:
// used by cli/policy.ts (stack exports, preview JSON), the offline plan and the tests.
import type {
    EnforcementLevel,
    Policies,
    PolicyProviderResource,
    PolicyResource,
    PolicyResourceOptions,
    ReportViolation,
    ResourceValidation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";
import { stackOfUrn } from "./lib/config";
import { SPECIAL_SIG_KEY, SECRET_SIG, analyzerProxy, isUnknownValueError } from "./lib/pulumi-runtime";
import { sharesView } from "./lib/rule-kit";
import { POLICY_PACK_NAME, PACK_ENFORCEMENT_LEVEL, policies } from "./policies";
// The analyzer names the pack with the version of its package.json in its messages.
import { version as PACK_VERSION } from "./package.json";

export interface PolicyResourceInput {
    urn: string;
    /** e.g. "aws:iam/role:Role" */
    type: string;
    name: string;
    /** Resource inputs: what the CLI gives resource policies (Analyze). */
    props: Record<string, unknown>;
    /**
     * Resource outputs: what the CLI gives stack policies (AnalyzeStack), as the provider reports them
     * (AWS fills in defaults such as a new bucket's SSE-S3). Absent: the inputs stand in.
     */
    outputs?: Record<string, unknown>;
    /** The aws provider resource; props.allowedAccountIds tells the account (a JSON-encoded string array or an array). */
    provider?: { urn: string; type: string; name: string; props: Record<string, unknown> };
    /** URN of the parent. */
    parent?: string;
    /** URNs. */
    dependencies?: string[];
    propertyDependencies?: Record<string, string[]>;
}

export interface PolicyViolation {
    policyName: string;
    enforcementLevel: "advisory" | "mandatory" | "remediate" | "disabled";
    urn?: string;
    message: string;
    stack?: string;
}

export interface RunOptions {
    /** The content of a `--policy-pack-config` file such as policy-pack/config.json. */
    config?: Record<string, unknown>;
    stackName?: string;
}

/** Runs every rule of the pack over the resources. */
export function runPolicyPack(resources: PolicyResourceInput[], options: RunOptions = {}): Promise<PolicyViolation[]> {
    return runPolicies(policies, resources, options);
}

/** Thrown by args.notApplicable(); not an Error, since it is routine and needs no stack trace. */
class NotApplicable {
    constructor(readonly reason: string) {}
}

const notApplicable = (reason?: string): never => {
    throw new NotApplicable(reason ?? "Policy does not apply");
};

const NO_STACK_TAGS: ReadonlyMap<string, string> = new Map();

type PolicyConfigEntry = { enforcementLevel?: EnforcementLevel } & Record<string, unknown>;

/** A config file entry is either an enforcement level or an object with one and the rule's settings. */
function configEntry(config: Record<string, unknown>, name: string): PolicyConfigEntry {
    const entry = config[name];
    if (typeof entry === "string") return { enforcementLevel: entry as EnforcementLevel };
    return typeof entry === "object" && entry !== null && !Array.isArray(entry) ? (entry as PolicyConfigEntry) : {};
}

function enforcementLevelOf(policy: ResourceValidationPolicy | StackValidationPolicy, config: Record<string, unknown>): EnforcementLevel {
    return (
        configEntry(config, policy.name).enforcementLevel ??
        configEntry(config, "all").enforcementLevel ??
        policy.enforcementLevel ??
        PACK_ENFORCEMENT_LEVEL
    );
}

/** The rule's settings as the CLI hands them over: schema defaults, then the config file (without enforcementLevel). */
function policyConfig(policy: ResourceValidationPolicy | StackValidationPolicy, config: Record<string, unknown>): Record<string, unknown> {
    // The same settings object for every run with this config (the plan runs the pack once per stack):
    // rules validate a settings object once (rule-kit's checkedConfig), and an organization's config
    // lists every account, so validating it again for each stack cost time with the square of its size.
    let byPolicy = settingsOf.get(config);
    if (!byPolicy) settingsOf.set(config, (byPolicy = new WeakMap()));
    let settings = byPolicy.get(policy);
    if (!settings) byPolicy.set(policy, (settings = withDefaults(policy, config)));
    return settings;
}

const settingsOf = new WeakMap<Record<string, unknown>, WeakMap<object, Record<string, unknown>>>();

function withDefaults(policy: ResourceValidationPolicy | StackValidationPolicy, config: Record<string, unknown>): Record<string, unknown> {
    const defaults: Record<string, unknown> = {};
    for (const [key, schema] of Object.entries(policy.configSchema?.properties ?? {})) {
        if (typeof schema === "object" && schema.default !== undefined) defaults[key] = schema.default;
    }
    const { enforcementLevel: _level, ...settings } = configEntry(config, policy.name);
    return { ...defaults, ...settings };
}

/**
 * Property values as the analyzer deserializes them: undefined entries dropped, runtime secrets
 * unwrapped, and secrets from state (ciphertext or plaintext) unknown, since they cannot be read here.
 */
function deserialize(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(deserialize);
    if (typeof value !== "object" || value === null) return value;
    const record = value as Record<string, unknown>;
    if (record[SPECIAL_SIG_KEY] === SECRET_SIG) {
        return "value" in record ? deserialize(record.value) : analyzerProxy.unknownStringValue;
    }
    const result: Record<string, unknown> = {};
    for (const [key, entry] of Object.entries(record)) {
        if (entry !== undefined) result[key] = deserialize(entry);
    }
    return result;
}

type WrapProps = (props: Record<string, unknown> | undefined) => Record<string, unknown>;

/** Wraps props like the runtime does: reading an unknown value throws UnknownValueError. */
const ownProps: WrapProps = (props) => analyzerProxy.unknownCheckingProxy(deserialize(props ?? {}) as Record<string, unknown>);

/**
 * The same, deserializing each props object once per run: for the rules that only read a frozen copy
 * of them (lib/rule-kit.ts sharesView), which share one view of a resource.
 */
function sharedPropsWrapper(): WrapProps {
    const deserialized = new WeakMap<object, Record<string, unknown>>();
    return (props) => {
        const source = props ?? {};
        let data = deserialized.get(source);
        if (!data) {
            data = deserialize(source) as Record<string, unknown>;
            deserialized.set(source, data);
        }
        return analyzerProxy.unknownCheckingProxy(data);
    };
}

function providerOf(resource: PolicyResourceInput, wrapProps: WrapProps): PolicyProviderResource | undefined {
    const provider = resource.provider;
    return provider ? { type: provider.type, urn: provider.urn, name: provider.name, props: wrapProps(provider.props) } : undefined;
}

function optionsOf(resource: PolicyResourceInput): PolicyResourceOptions {
    return {
        protect: false,
        ignoreChanges: [],
        aliases: [],
        customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
        additionalSecretOutputs: [],
        ...(resource.parent ? { parent: resource.parent } : {}),
    };
}

/** The runtime's type test: the class's `__pulumiType`, else its `isInstance`. */
function isTypeOf(type: string, resourceClass: unknown): boolean {
    const token = (resourceClass as { __pulumiType?: unknown })?.__pulumiType;
    if (typeof token === "string" && token.length > 0) return type === token;
    const isInstance = (resourceClass as { isInstance?: unknown })?.isInstance;
    return typeof isInstance === "function" && isInstance({ __pulumiType: type }) === true;
}

/** What the analyzer hands over about any resource, to resource and stack rules alike. */
function analyzed(resource: PolicyResourceInput, wrapProps: WrapProps) {
    const props = wrapProps(resource.props);
    const provider = providerOf(resource, wrapProps);
    return {
        type: resource.type,
        props,
        urn: resource.urn,
        name: resource.name,
        opts: optionsOf(resource),
        ...(provider ? { provider } : {}),
        isType: (resourceClass: unknown) => isTypeOf(resource.type, resourceClass),
        asType: (resourceClass: unknown) => (isTypeOf(resource.type, resourceClass) ? props : undefined),
    };
}

function resourceArgs(base: ReturnType<typeof analyzed>, getConfig: () => object): ResourceValidationArgs {
    return {
        ...base,
        asType: base.asType as ResourceValidationArgs["asType"],
        stackTags: NO_STACK_TAGS,
        getConfig: getConfig as ResourceValidationArgs["getConfig"],
        notApplicable,
    };
}

/**
 * The rule's settings as getConfig returns them: the CLI hands out a fresh copy on every call; the rules
 * that share a view (see sharesView) get the same object every time, which they validate once.
 */
const configGetter = (validation: unknown, settings: Record<string, unknown>): (() => object) =>
    sharesView(validation) ? () => settings : () => ({ ...settings });

/** Stack resources with parent and dependencies resolved to the resource objects, as analyzeStack builds them (from outputs). */
function stackResources(resources: PolicyResourceInput[], wrapProps: WrapProps): PolicyResource[] {
    const built = resources.map((resource): PolicyResource => {
        const base = analyzed({ ...resource, props: resource.outputs ?? resource.props }, wrapProps);
        return { ...base, asType: base.asType as PolicyResource["asType"], dependencies: [], propertyDependencies: {} };
    });
    const byUrn = new Map(built.map((entry) => [entry.urn, entry]));
    const resolve = (urns: string[] | undefined): PolicyResource[] =>
        (urns ?? []).map((urn) => byUrn.get(urn)).filter((found): found is PolicyResource => found !== undefined);
    resources.forEach((resource, index) => {
        const target = built[index];
        const parent = resource.parent ? byUrn.get(resource.parent) : undefined;
        if (parent) target.parent = parent;
        target.dependencies = resolve(resource.dependencies);
        for (const [property, urns] of Object.entries(resource.propertyDependencies ?? {})) {
            target.propertyDependencies[property] = resolve(urns);
        }
    });
    return built;
}

const isResourcePolicy = (policy: ResourceValidationPolicy | StackValidationPolicy): policy is ResourceValidationPolicy =>
    "validateResource" in policy && policy.validateResource !== undefined;
const isStackPolicy = (policy: ResourceValidationPolicy | StackValidationPolicy): policy is StackValidationPolicy =>
    typeof (policy as StackValidationPolicy).validateStack === "function";

/** Runs `validate`, turning the analyzer's special outcomes into what the analyzer reports for them. */
async function runValidation(
    policy: ResourceValidationPolicy | StackValidationPolicy,
    urn: string | undefined,
    stack: string | undefined,
    violations: PolicyViolation[],
    validate: () => Promise<void> | void,
): Promise<void> {
    try {
        await validate();
    } catch (error) {
        if (error instanceof NotApplicable) return;
        if (isUnknownValueError(error)) {
            violations.push({
                policyName: policy.name,
                enforcementLevel: "advisory",
                ...(urn ? { urn } : {}),
                message: `can't run policy '${policy.name}' from policy pack '${POLICY_PACK_NAME}@v${PACK_VERSION}' during preview: ${error.message}`,
                ...(stack ? { stack } : {}),
            });
            return;
        }
        const reason = error instanceof Error ? error.message : String(error);
        throw new Error(`Error validating ${urn ?? "stack"} with policy '${policy.name}': ${reason}`);
    }
}

/** Runs the given rules over the resources: resource rules per resource, then stack rules. */
export async function runPolicies(list: Policies, resources: PolicyResourceInput[], options: RunOptions = {}): Promise<PolicyViolation[]> {
    const config = options.config ?? {};
    const active = list
        .map((policy) => ({ policy, level: enforcementLevelOf(policy, config), settings: policyConfig(policy, config) }))
        .filter(({ level }) => level !== "disabled");
    const violations: PolicyViolation[] = [];
    const sharedProps = sharedPropsWrapper();
    const stackOf = (urn: string | undefined): string | undefined => options.stackName ?? stackOfUrn(urn);
    const reporter =
        (policy: ResourceValidationPolicy | StackValidationPolicy, level: EnforcementLevel, defaultUrn?: string): ReportViolation =>
        (message: string, urn?: string) => {
            const target = defaultUrn ?? urn;
            const stack = stackOf(target ?? resources[0]?.urn);
            violations.push({
                policyName: policy.name,
                // A remediation that still leaves a violation is reported as mandatory, as the analyzer does.
                enforcementLevel: level === "remediate" ? "mandatory" : level,
                ...(target ? { urn: target } : {}),
                message,
                ...(stack ? { stack } : {}),
            });
        };

    for (const resource of resources) {
        // Each rule gets its own view of the resource, as under the CLI, so a rule that changes its props
        // changes nobody else's; except the pack's own rules, which only read a frozen copy (sharesView):
        // wrapping the props afresh for each of some sixty rules was a fifth of the pack's time.
        let shared: ReturnType<typeof analyzed> | undefined;
        const viewFor = (validation: ResourceValidation) =>
            sharesView(validation) ? (shared ??= analyzed(resource, sharedProps)) : analyzed(resource, ownProps);
        for (const { policy, level, settings } of active) {
            if (!isResourcePolicy(policy)) continue;
            const validations: ResourceValidation[] = Array.isArray(policy.validateResource)
                ? policy.validateResource
                : [policy.validateResource!];
            const typed = validations.length === 1 ? (validations[0] as { __pulumiType?: string }).__pulumiType : undefined;
            if (typed && typed !== resource.type) continue;
            // A rule-kit rule over several types would only find it not applicable (lib/rule-kit.ts).
            const types = validations.length === 1 ? (validations[0] as { __pulumiTypes?: string[] }).__pulumiTypes : undefined;
            if (types && !types.includes(resource.type)) continue;
            for (const validation of validations) {
                await runValidation(policy, resource.urn, stackOf(resource.urn), violations, () =>
                    validation(
                        resourceArgs(viewFor(validation), configGetter(validation, settings)),
                        reporter(policy, level, resource.urn),
                    ),
                );
            }
        }
    }

    const stackPolicies = active.filter(({ policy }) => isStackPolicy(policy));
    let sharedStack: PolicyResource[] | undefined;
    for (const { policy, level, settings } of stackPolicies) {
        const validateStack = (policy as StackValidationPolicy).validateStack;
        const args: StackValidationArgs = {
            resources: sharesView(validateStack)
                ? (sharedStack ??= stackResources(resources, sharedProps))
                : stackResources(resources, ownProps),
            stackTags: NO_STACK_TAGS,
            getConfig: configGetter(validateStack, settings) as StackValidationArgs["getConfig"],
            notApplicable,
        };
        await runValidation(policy, undefined, stackOf(resources[0]?.urn), violations, () =>
            (policy as StackValidationPolicy).validateStack(args, reporter(policy, level)),
        );
    }
    return violations;
}
