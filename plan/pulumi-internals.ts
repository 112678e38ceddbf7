// The only module that reaches into @pulumi/pulumi below its public API. The offline plan needs three
// things the SDK does not offer publicly:
//   - the URN, parent and dependencies of each registration (the mock monitor gives newResource none
//     of them), read by wrapping the mock monitor's registerResource;
//   - "wait until every registration is answered" (`waitForRPCs`, what `pulumi up` awaits; exported by
//     runtime/settings but stripped from its typings);
//   - a runtime state per synthesized stack (`withLocalStorage`, `setStackResource` in runtime/state).
// tests/plan/pulumi-internals.test.ts pins each behaviour relied on here, so a @pulumi/pulumi upgrade
// that changes one fails there first, naming this file.
import * as pulumi from "@pulumi/pulumi";

// eslint-disable-next-line @typescript-eslint/no-require-imports -- only to name the version in errors
const SDK_VERSION: string = (require("@pulumi/pulumi/package.json") as { version: string }).version;

/** Loads an internal module and checks it still has the functions we call. */
function internal<T>(module: string, functions: (keyof T & string)[]): T {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- internal modules have no typings to import
    const loaded = require(module) as Record<string, unknown>;
    const missing = functions.filter((name) => typeof loaded[name] !== "function");
    if (missing.length > 0) {
        throw new Error(
            `@pulumi/pulumi ${SDK_VERSION}: ${module} no longer exports ${missing.join(", ")}; ` +
                "plan/pulumi-internals.ts must be adapted to this version",
        );
    }
    return loaded as T;
}

const settings = internal<{ waitForRPCs(): Promise<void> }>("@pulumi/pulumi/runtime/settings", ["waitForRPCs"]);
const state = internal<{
    withLocalStorage<T>(callback: () => Promise<T>): Promise<T>;
    setStackResource(stack: undefined): void;
}>("@pulumi/pulumi/runtime/state", ["withLocalStorage", "setStackResource"]);

/** Waits until every resource registration started so far has been answered by the monitor (the mocks). */
export function waitForRegistrations(): Promise<void> {
    return settings.waitForRPCs();
}

/** Runs `callback` in a Pulumi runtime state of its own (config, stack, monitor), so runs can overlap. */
export function withOwnRuntimeState<T>(callback: () => Promise<T>): Promise<T> {
    return state.withLocalStorage(callback);
}

/** Forgets the root stack resource of the shared runtime state (after a run that did not use its own). */
export function clearStackResource(): void {
    state.setStackResource(undefined);
}

/** What a registration request says beyond what `Mocks.newResource` receives. */
export interface MockRegistration {
    parent?: string;
    dependencies: string[];
    propertyDependencies: Record<string, string[]>;
    /** The resource options that decide how an update treats it (what `pulumi up` would replace, ignore or rename). */
    options: RegisteredOptions;
}

export interface RegisteredOptions {
    /** Each alias as its URN, or as the spec's `name` (and parent URN) when given as a spec. */
    aliases: string[];
    deleteBeforeReplace: boolean;
    ignoreChanges: string[];
    replaceOnChanges: string[];
    /** The serialized replacementTrigger (undefined when unset). */
    replacementTrigger?: unknown;
}

/** Minimal view of the resource monitor's RegisterResourceRequest we read. */
interface RegisterRequest {
    getParent(): string;
    getDependenciesList(): string[];
    getPropertydependenciesMap(): { forEach(cb: (value: { getUrnsList(): string[] }, key: string) => void): void };
    getAliasurnsList(): string[];
    getAliasesList(): { getUrn(): string; hasSpec(): boolean; getSpec(): { getName(): string; getParenturn(): string } | undefined }[];
    getDeletebeforereplace(): boolean;
    getIgnorechangesList(): string[];
    getReplaceonchangesList(): string[];
    hasReplacementTrigger(): boolean;
    getReplacementTrigger(): { toJavaScript(): unknown } | undefined;
}

type RegisterCallback = (err: unknown, res: { getUrn(): string } | undefined) => void;
interface MockMonitor {
    registerResource(req: RegisterRequest, callback: RegisterCallback): Promise<void>;
}

/**
 * Calls `observer` for each registration of the mocks installed by `pulumi.runtime.setMocks`, right after
 * the mocks' `newResource` returned for it (the mock monitor calls newResource synchronously, before its
 * first await), and then the function it returns with the URN once the monitor answers.
 */
export function observeMockRegistrations(observer: (registration: MockRegistration) => ((urn: string) => void) | undefined): void {
    const monitor = pulumi.runtime.getMonitor() as unknown as MockMonitor | undefined;
    if (typeof monitor?.registerResource !== "function") {
        throw new Error(
            `@pulumi/pulumi ${SDK_VERSION}: the mock monitor has no registerResource; plan/pulumi-internals.ts must be adapted to this version`,
        );
    }
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req, callback) => {
        // The monitor answers after its first await, by when the observer has returned.
        const pending: { answered?: (urn: string) => void } = {};
        const done = register(req, (err, response) => {
            if (response && pending.answered) pending.answered(response.getUrn());
            callback(err, response);
        });
        pending.answered = observer({
            parent: req.getParent() || undefined,
            dependencies: req.getDependenciesList(),
            propertyDependencies: propertyDependencies(req),
            options: registeredOptions(req),
        });
        return done;
    };
}

function registeredOptions(request: RegisterRequest): RegisteredOptions {
    const aliases = [
        ...request.getAliasurnsList(),
        ...request.getAliasesList().map((alias) => {
            const spec = alias.hasSpec() ? alias.getSpec() : undefined;
            return spec ? [spec.getParenturn(), spec.getName()].filter(Boolean).join("::") : alias.getUrn();
        }),
    ];
    return {
        aliases,
        deleteBeforeReplace: request.getDeletebeforereplace(),
        ignoreChanges: request.getIgnorechangesList(),
        replaceOnChanges: request.getReplaceonchangesList(),
        replacementTrigger: request.hasReplacementTrigger() ? request.getReplacementTrigger()?.toJavaScript() : undefined,
    };
}

function propertyDependencies(request: RegisterRequest): Record<string, string[]> {
    const result: Record<string, string[]> = {};
    request.getPropertydependenciesMap().forEach((value, key) => (result[key] = value.getUrnsList()));
    return result;
}
