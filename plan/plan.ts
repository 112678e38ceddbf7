// The offline plan: what a reviewer checks before a release, with no AWS account and no Pulumi CLI.
// Synthesizes every stack with the real program under mocks (in dependency order, one at a time), runs
// the policy pack over each stack, and evaluates cross-account access against the organization's stated
// expectations.
import {
    Environment,
    Organization,
    StackFile,
    arnOf,
    environmentOf,
    listStacks,
    loadOrganization,
    parseTarget,
    readStackFile,
} from "../config";
import { orderStacks, organizationGraph } from "./stack-graph";
import { Program, SynthesizedStack, synthesizeStack } from "./synthesize";
import { MockedResource, isDeployed } from "./aws-mocks";
import { PolicyResourceInput, PolicyViolation, runPolicyPack } from "../policy-pack/engine";
import { AccessEdge, AccessExpectation, AccessResult, PlannedResource, analyzeAccess } from "../analysis/access";
import { countResources, countsText } from "./counts";
import { InAccountAccess, inAccountAccess } from "./role-access";
import type { AccessReview } from "./lock";

export interface PlanOptions {
    projectDir: string;
    /** Stacks to plan; the stacks they read are planned too. Default: every Pulumi.<stack>.yaml. */
    stacks?: string[];
    /** Content of policy-pack/config.json (or another pack config). */
    policyConfig?: Record<string, unknown>;
    program?: Program;
    onProgress?: (message: string) => void;
    /** Called with each stack's synthesis before the next wave starts (the release runner records outputs). */
    onStackSynthesized?: (stack: PlannedStack) => void;
    /** Outputs of stacks outside the selection, for stacks that read them. */
    knownOutputs?: ReadonlyMap<string, Record<string, unknown>>;
    /**
     * Nothing else runs a Pulumi program in this process during the plan (the plan command): the stacks,
     * synthesized one at a time, may share the runtime state.
     */
    exclusiveRuntime?: boolean;
    /** Keep full stack traces while synthesizing (slower; for debugging the program). */
    keepStackTraces?: boolean;
    /**
     * The stack files of projectDir, already read and validated by the caller (`loadProject`): each file
     * repeats the organization's account map, so reading them costs time with the square of its size.
     */
    project?: LoadedProject;
}

export interface LoadedProject {
    files: StackFile[];
    organization: Organization;
}

export interface PlannedStack {
    name: string;
    environment: string;
    accountId: string;
    region: string;
    resources: MockedResource[];
    outputs: Record<string, unknown>;
    seconds: number;
}

export interface PlanViolation extends PolicyViolation {
    stack: string;
}

export interface PlanTimings {
    synthesis: number;
    policies: number;
    access: number;
}

export interface PlanResult {
    /** The verdict: no mandatory violation, every expectation holds, and (once reviewed) the access lock matches. */
    ok: boolean;
    /** The organization's accounts, name -> ID, as the stack files list them. */
    accounts: Record<string, string>;
    order: string[][];
    stacks: PlannedStack[];
    violations: PlanViolation[];
    access: AccessResult[];
    /** Expectations not evaluated because a stack they name was not planned. */
    skippedExpectations: string[];
    /** Cross-account edges of the analysis. */
    edges: AccessEdge[];
    /** The graph's second hop: identities assuming roles and roles using resources inside one account. */
    inAccount: InAccountAccess[];
    /** The access lock or baseline comparison, added by `reviewAccess` (plan/lock.ts). */
    review?: AccessReview;
    /** Third parties by name (crossaccount:organization.vendors), for naming their accounts in the graph. */
    vendors?: Record<string, string>;
    /** Secret strings seen anywhere; every output replaces them with [secret]. */
    secretValues: Set<string>;
    timings: PlanTimings;
}

/** Reads and validates every stack file of the project (throws ConfigError / StackFileError). */
export function loadProject(projectDir: string): LoadedProject {
    const files = listStacks(projectDir).map((stack) => readStackFile(projectDir, stack));
    return { files, organization: loadOrganization(files) };
}

/** The pack config file as a JSON object (throws PolicyConfigError naming the file otherwise); unvalidated. */
export { readConfigFile as readPolicyConfig } from "./policy-config";

export async function planOrganization(options: PlanOptions): Promise<PlanResult> {
    return options.keepStackTraces ? plan(options) : withoutStackTraces(() => plan(options));
}

async function plan(options: PlanOptions): Promise<PlanResult> {
    const progress = options.onProgress ?? (() => undefined);
    const { files, organization } = options.project ?? loadProject(options.projectDir);
    const known = new Set(files.map((f) => f.stack));
    for (const stack of options.stacks ?? []) {
        if (!known.has(stack)) throw new UsageError(`no stack file Pulumi.${stack}.yaml in ${options.projectDir}`);
    }
    const graph = orderStacks(organizationGraph(organization), options.stacks, options.knownOutputs === undefined);
    const fileOf = new Map(files.map((f) => [f.stack, f]));
    const environmentByStack = new Map(Object.values(organization.environments).map((e) => [e.stack, e]));
    const outputs = new Map<string, Record<string, unknown>>(options.knownOutputs ?? []);
    const planned: PlannedStack[] = [];
    const secretValues = configuredSecrets(organization);

    const synthesisStart = Date.now();
    // One stack at a time, even within a wave: the mocks answer synchronously, so concurrent stacks only
    // interleave on the one JavaScript thread while every one of them holds its Pulumi runtime state
    // (promises, outputs, registrations) in memory; at hundreds of stacks that was a third of the time
    // in garbage collection. Run alone, a stack's runtime state is garbage once its outputs are captured.
    for (const wave of graph.waves) {
        for (const stack of wave) {
            const started = Date.now();
            progress(`synthesizing ${stack}...`);
            const synthesized = await synthesizeStack({
                projectDir: options.projectDir,
                file: fileOf.get(stack)!,
                stackOutputs: outputs,
                program: options.program,
                validated: { organization, environment: environmentByStack.get(stack)! },
                isolated: !options.exclusiveRuntime,
            });
            const result = toPlannedStack(environmentByStack.get(stack)!, synthesized, (Date.now() - started) / 1000);
            outputs.set(result.stack.name, result.stack.outputs);
            // A secret inside a serialized document makes the whole document secret; redact the
            // configured values inside it (above) rather than hiding the document.
            result.secrets.forEach((s) => isJsonDocument(s) || secretValues.add(s));
            planned.push(result.stack);
            progress(
                `synthesized ${result.stack.name}: ${countsText(countResources(result.stack.resources))} in ${result.stack.seconds.toFixed(2)} s`,
            );
            options.onStackSynthesized?.(result.stack);
        }
    }
    const synthesis = (Date.now() - synthesisStart) / 1000;

    const policiesStart = Date.now();
    const violations: PlanViolation[] = [];
    for (const stack of planned) {
        const found = await runPolicyPack(policyInputs(stack.resources), { config: options.policyConfig, stackName: stack.name });
        violations.push(...found.map((v) => ({ ...v, stack: stack.name })));
    }
    progress(`policy pack: ${violations.length} violation(s) over ${planned.length} stack(s)`);
    const policies = (Date.now() - policiesStart) / 1000;

    const accessStart = Date.now();
    const plannedEnvironments = new Set(planned.map((s) => s.environment));
    const expectations: AccessExpectation[] = [];
    const skippedExpectations: string[] = [];
    for (const stack of planned) {
        for (const expectation of organization.environments[stack.environment].settings.accessExpectations) {
            const named = [expectation.principal, expectation.resource]
                .map((text) => parseTarget(text))
                .flatMap((ref) => (ref ? [environmentOf(ref)] : []))
                .filter((env): env is string => env !== undefined);
            if (!named.every((env) => plannedEnvironments.has(env))) {
                skippedExpectations.push(expectation.id);
                continue;
            }
            expectations.push({
                id: expectation.id,
                description: expectation.description,
                principal: arnOf(organization, expectation.principal),
                action: expectation.action,
                resource: arnOf(organization, expectation.resource),
                context: expectation.context,
                otherResources: expectation.otherResources,
                expect: expectation.expect,
            });
        }
    }
    const inputs = accessInputs(organization, planned);
    const analysis = await analyzeAccess(inputs, expectations);
    progress(`access analysis: ${analysis.results.length} expectation(s), ${analysis.edges.length} cross-account edge(s)`);
    const inAccount = await inAccountAccess(inputs, analysis.edges);
    progress(`access graph: ${inAccount.length} access(es) inside accounts (the second hop)`);
    const access = (Date.now() - accessStart) / 1000;

    const ok = violations.every((v) => v.enforcementLevel !== "mandatory") && analysis.results.every((r) => r.pass);
    return {
        ok,
        accounts: { ...organization.accounts },
        order: graph.waves,
        stacks: planned,
        violations,
        access: analysis.results,
        skippedExpectations,
        edges: analysis.edges,
        inAccount,
        vendors: organization.vendors,
        secretValues,
        timings: { synthesis, policies, access },
    };
}

export class UsageError extends Error {}

/**
 * The Pulumi runtime (and the policy engine, which wraps props like it) records `new Error().stack`
 * on every promise it creates, only to print it if a promise leaks; mapping those traces through
 * source maps (ts-node's, as Pulumi runs programs; Node's with --enable-source-maps) was over half of the plan's
 * time. Each resource's constructor also lifts the limit to take its caller's position from a full
 * trace, which it sends to the engine and the mocks drop: formatting those (Node's public
 * `Error.prepareStackTrace`) as the header alone saved a tenth of a plan of 1,000 accounts. `--debug`
 * keeps the traces.
 */
async function withoutStackTraces<T>(work: () => Promise<T>): Promise<T> {
    const limit = Error.stackTraceLimit;
    const prepare = Error.prepareStackTrace;
    Error.stackTraceLimit = 0;
    Error.prepareStackTrace = (error: Error) => Error.prototype.toString.call(error);
    try {
        return await work();
    } finally {
        Error.stackTraceLimit = limit;
        Error.prepareStackTrace = prepare;
    }
}

/** The secret values the stack files configure (external IDs), wherever they are used. */
function configuredSecrets(organization: Organization): Set<string> {
    const secrets = new Set<string>();
    for (const environment of Object.values(organization.environments)) {
        for (const role of environment.settings.roles) if (role.trust.externalId) secrets.add(role.trust.externalId);
    }
    return secrets;
}

function isJsonDocument(text: string): boolean {
    try {
        return typeof JSON.parse(text) === "object";
    } catch {
        return false;
    }
}

function toPlannedStack(environment: Environment, synthesized: SynthesizedStack, seconds: number) {
    const stack: PlannedStack = {
        name: synthesized.stack,
        environment: environment.name,
        accountId: environment.accountId,
        region: environment.region,
        resources: synthesized.resources,
        outputs: synthesized.outputs,
        seconds,
    };
    return { stack, secrets: synthesized.secretValues };
}

/** Resources as the policy analyzer sees them: inputs for resource policies, outputs for stack policies, the provider alongside. */
export function policyInputs(resources: MockedResource[]): PolicyResourceInput[] {
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    return resources.filter(isDeployed).map((r) => {
        const providerUrn = r.provider?.slice(0, r.provider.lastIndexOf("::"));
        const provider = providerUrn ? byUrn.get(providerUrn) : undefined;
        return {
            urn: r.urn,
            type: r.type,
            name: r.name,
            props: r.inputs,
            outputs: r.outputs,
            provider: provider && { urn: provider.urn, type: provider.type, name: provider.name, props: provider.inputs },
            parent: r.parent,
            dependencies: r.dependencies,
            propertyDependencies: r.propertyDependencies,
        };
    });
}

export function accessInputs(organization: Organization, stacks: PlannedStack[]): PlannedResource[] {
    return stacks.flatMap((stack) =>
        stack.resources
            .filter((r) => r.custom && r.accountId !== undefined)
            .map((r) => ({
                urn: r.urn,
                type: r.type,
                name: r.name,
                stack: stack.name,
                accountId: r.accountId!,
                region: r.region ?? stack.region,
                partition: organization.partition,
                inputs: r.inputs,
                outputs: r.outputs,
            })),
    );
}
