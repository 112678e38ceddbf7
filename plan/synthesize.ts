// Runs the real program for one stack under Pulumi's mocks, with that stack's config, and returns
// every resource it would create. Each run gets its own Pulumi runtime state (async local storage),
// so independent stacks can be synthesized concurrently in one process.
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { AwsMocks, MockedResource } from "./aws-mocks";
import { clearStackResource, waitForRegistrations, withOwnRuntimeState } from "./pulumi-internals";
import { StackConfiguration, StackFile, encodeRuntimeConfig } from "../config";

export const PROJECT = "crossaccount";
export const ORGANIZATION = "organization";

/** The program's entry: `index.ts` exports it for the Pulumi CLI. */
export type Program = (projectDir: string, validated?: StackConfiguration) => Record<string, unknown>;

export interface SynthesisOptions {
    projectDir: string;
    file: StackFile;
    /** Outputs of stacks already planned, by stack name; StackReferences read them. */
    stackOutputs: ReadonlyMap<string, Record<string, unknown>>;
    program?: Program;
    /** The configuration already validated for this stack; without it the program loads its own. */
    validated?: StackConfiguration;
    /**
     * Run in a runtime state of its own (default). Only a caller that knows no other program runs in
     * this process meanwhile may pass false: the shared state then saves tracking the async context
     * of every promise (~7% of a reference plan).
     */
    isolated?: boolean;
    defaultAccountId?: string;
}

export interface SynthesizedStack {
    stack: string;
    resources: MockedResource[];
    outputs: Record<string, unknown>;
    secretValues: Set<string>;
}

export function loadProgram(): Program {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(path.join(__dirname, "..", "index")) as Program;
}

export async function synthesizeStack(options: SynthesisOptions): Promise<SynthesizedStack> {
    const program = options.program ?? loadProgram();
    const { file } = options;
    const mocks = new AwsMocks({
        defaultAccountId: options.defaultAccountId,
        defaultRegion: typeof file.values["aws:region"] === "string" ? (file.values["aws:region"] as string) : undefined,
        stackOutputs: (qualifiedName) => options.stackOutputs.get(qualifiedName.split("/").pop()!),
    });
    const run = async (): Promise<SynthesizedStack> => {
        await mocks.install(PROJECT, file.stack, ORGANIZATION);
        pulumi.runtime.setAllConfig(encodeRuntimeConfig(file.values), file.secretKeys);
        const outputs = await pulumi.runtime.runInPulumiStack(async () => program(options.projectDir, options.validated));
        await waitForRegistrations();
        const unresolved = mocks.resources.find((r) => r.urn === "" && !r.type.startsWith("pulumi:pulumi:"));
        if (unresolved) throw new Error(`${file.stack}: resource ${unresolved.type} '${unresolved.name}' was never registered`);
        return { stack: file.stack, resources: mocks.resources, outputs: outputs ?? {}, secretValues: mocks.secretValues };
    };
    if (options.isolated !== false) return withOwnRuntimeState(run);
    try {
        return await run();
    } finally {
        // Whatever runs next in the shared state must not find this stack as its root.
        clearStackResource();
    }
}
