// The resources of a `pulumi stack export` or `pulumi preview --json` document, as the policy engine
// takes them: what `npm run policy` checks without the Pulumi CLI.
import { readFileSync } from "fs";
import { PolicyResourceInput } from "../policy-pack/engine";
import { analyzerProxy } from "../policy-pack/lib/pulumi-runtime";

/** A resource as `pulumi stack export` (deployment v3) and `pulumi preview --json` (steps[].newState) write it. */
interface StateResource {
    urn: string;
    type: string;
    id?: string;
    inputs?: Record<string, unknown>;
    outputs?: Record<string, unknown>;
    provider?: string;
    parent?: string;
    dependencies?: string[];
    propertyDependencies?: Record<string, string[]>;
    delete?: boolean;
}

export class UnusableInputError extends Error {}

export const isRecord = (value: unknown): value is Record<string, unknown> =>
    typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * The resources of a stack export (or of a local backend's checkpoint file), or the new states of a
 * preview (the last step per URN wins).
 */
function stateResources(document: unknown): StateResource[] {
    if (!isRecord(document)) throw new UnusableInputError("expected a JSON object");
    const checkpoint = isRecord(document.checkpoint) ? document.checkpoint.latest : undefined;
    const deployment = isRecord(document.deployment) ? document.deployment : checkpoint;
    if (isRecord(deployment) && Array.isArray(deployment.resources)) {
        return deployment.resources.filter((resource): resource is StateResource => isStateResource(resource) && !resource.delete);
    }
    if (Array.isArray(document.steps)) {
        const byUrn = new Map<string, StateResource>();
        for (const step of document.steps) {
            const state = isRecord(step) ? step.newState : undefined;
            if (isStateResource(state)) byUrn.set(state.urn, state);
        }
        return [...byUrn.values()];
    }
    throw new UnusableInputError("neither a stack export (deployment.resources) nor preview JSON (steps[].newState)");
}

function isStateResource(value: unknown): value is StateResource {
    return isRecord(value) && typeof value.urn === "string" && typeof value.type === "string";
}

const nameOfUrn = (urn: string): string => urn.split("::").slice(3).join("::") || urn;

/** `pulumi preview --json` prints secrets as "[secret]": as unreadable as a ciphertext. */
function maskedSecretsUnknown(value: unknown): unknown {
    if (value === "[secret]") return analyzerProxy.unknownStringValue;
    if (Array.isArray(value)) return value.map(maskedSecretsUnknown);
    if (!isRecord(value)) return value;
    return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, maskedSecretsUnknown(entry)]));
}

/**
 * Props as resource policies see them in `pulumi up`: the inputs. Outputs would add what AWS reports back
 * (inline policies created elsewhere, default encryption), so only identifiers are taken from them, to
 * relate resources and tell accounts. Stack policies get the outputs (outputsOf).
 */
function propsOf(resource: StateResource): Record<string, unknown> {
    const outputs = resource.outputs ?? {};
    const base = resource.inputs && Object.keys(resource.inputs).length > 0 ? resource.inputs : outputs;
    const identifiers: Record<string, unknown> = {};
    if (base.id === undefined && (resource.id ?? outputs.id) !== undefined) identifiers.id = resource.id ?? outputs.id;
    if (base.arn === undefined && outputs.arn !== undefined) identifiers.arn = outputs.arn;
    return maskedSecretsUnknown({ ...base, ...identifiers }) as Record<string, unknown>;
}

/** Props as stack policies see them (AnalyzeStack): the outputs; the inputs when the document has none. */
function outputsOf(resource: StateResource): Record<string, unknown> | undefined {
    if (!resource.outputs || Object.keys(resource.outputs).length === 0) return undefined;
    return maskedSecretsUnknown({
        ...resource.outputs,
        ...(resource.id !== undefined && resource.outputs.id === undefined ? { id: resource.id } : {}),
    }) as Record<string, unknown>;
}

/** Converts a stack export or preview JSON document into the engine's input. */
export function resourcesFromDocument(document: unknown): { resources: PolicyResourceInput[]; stackUrn?: string } {
    const states = stateResources(document);
    const byUrn = new Map(states.map((state) => [state.urn, state]));
    const resources = states.map((state): PolicyResourceInput => {
        // A provider reference is "<provider urn>::<provider id>".
        const providerUrn = state.provider ? state.provider.slice(0, state.provider.lastIndexOf("::")) : undefined;
        const provider = providerUrn ? byUrn.get(providerUrn) : undefined;
        const outputs = outputsOf(state);
        return {
            urn: state.urn,
            type: state.type,
            name: nameOfUrn(state.urn),
            props: propsOf(state),
            ...(outputs ? { outputs } : {}),
            ...(provider
                ? { provider: { urn: provider.urn, type: provider.type, name: nameOfUrn(provider.urn), props: propsOf(provider) } }
                : {}),
            ...(state.parent ? { parent: state.parent } : {}),
            ...(Array.isArray(state.dependencies) ? { dependencies: state.dependencies } : {}),
            ...(isRecord(state.propertyDependencies) ? { propertyDependencies: state.propertyDependencies } : {}),
        };
    });
    const stackUrn = states.find((state) => state.type === "pulumi:pulumi:Stack")?.urn;
    return { resources, ...(stackUrn ? { stackUrn } : {}) };
}

export function readJson(file: string, what: string): unknown {
    let text: string;
    try {
        text = readFileSync(file === "-" ? 0 : file, "utf8");
    } catch (error) {
        throw new UnusableInputError(`cannot read ${what} ${file}: ${(error as Error).message}`);
    }
    try {
        return JSON.parse(text);
    } catch (error) {
        throw new UnusableInputError(`${what} ${file} is not valid JSON: ${(error as Error).message}`);
    }
}
