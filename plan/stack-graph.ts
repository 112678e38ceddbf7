// Which stack must be deployed before which: derived from the StackReferences the program declares
// (config/references.ts: stackDependencies), never from a hard-coded list.
import { Organization, stackDependencies } from "../config";

export interface StackGraph {
    /** Stack name → the stack names it reads through StackReference. */
    dependencies: Record<string, string[]>;
    /** Stacks grouped in waves: every stack's dependencies are in earlier waves. */
    waves: string[][];
    /** The waves flattened: a valid deployment order. */
    order: string[];
}

export class StackCycleError extends Error {
    constructor(readonly cycle: string[]) {
        super(`stack dependencies form a cycle: ${cycle.join(" -> ")}`);
        this.name = "StackCycleError";
    }
}

/** The dependency graph of the organization's stacks, keyed by stack name. */
export function organizationGraph(organization: Organization): Record<string, string[]> {
    const stackOf = (env: string) => organization.environments[env].stack;
    return Object.fromEntries(
        Object.values(organization.environments).map((environment) => [
            environment.stack,
            stackDependencies(organization, environment.name).map(stackOf),
        ]),
    );
}

/**
 * Orders `selected` stacks (and, with `includeDependencies`, everything they read) into waves.
 * Throws StackCycleError naming the cycle.
 */
export function orderStacks(dependencies: Record<string, string[]>, selected?: string[], includeDependencies = true): StackGraph {
    const wanted = new Set(selected ?? Object.keys(dependencies));
    if (includeDependencies) {
        const pending = [...wanted];
        while (pending.length > 0) {
            for (const dependency of dependencies[pending.pop()!] ?? []) {
                if (!wanted.has(dependency)) {
                    wanted.add(dependency);
                    pending.push(dependency);
                }
            }
        }
    }
    const cycle = findCycle(dependencies, [...wanted]);
    if (cycle) throw new StackCycleError(cycle);

    const waves: string[][] = [];
    const placed = new Set<string>();
    while (placed.size < wanted.size) {
        const wave = [...wanted]
            .filter((stack) => !placed.has(stack))
            .filter((stack) => (dependencies[stack] ?? []).every((d) => placed.has(d) || !wanted.has(d)))
            .sort();
        wave.forEach((stack) => placed.add(stack));
        waves.push(wave);
    }
    const subgraph = Object.fromEntries(
        [...wanted].sort().map((stack) => [stack, (dependencies[stack] ?? []).filter((d) => wanted.has(d))]),
    );
    return { dependencies: subgraph, waves, order: waves.flat() };
}

function findCycle(dependencies: Record<string, string[]>, roots: string[]): string[] | undefined {
    const state = new Map<string, "visiting" | "done">();
    const stack: string[] = [];
    const visit = (node: string): string[] | undefined => {
        if (state.get(node) === "done") return undefined;
        if (state.get(node) === "visiting") return [...stack.slice(stack.indexOf(node)), node];
        state.set(node, "visiting");
        stack.push(node);
        for (const next of dependencies[node] ?? []) {
            const cycle = visit(next);
            if (cycle) return cycle;
        }
        stack.pop();
        state.set(node, "done");
        return undefined;
    };
    for (const root of [...roots].sort()) {
        const cycle = visit(root);
        if (cycle) return cycle;
    }
    return undefined;
}
