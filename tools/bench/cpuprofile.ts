// Summarises a V8 CPU profile (`node --cpu-prof`, or `npm run bench -- --cpu-prof <dir>`): where the
// self time goes, by function, by module (package or repository file) and by coarse category.
//   node -r ./tools/ts-register tools/bench/cpuprofile.ts <file.cpuprofile> [--top 25]
import * as fs from "fs";
import * as path from "path";

interface CallFrame {
    functionName: string;
    url: string;
    lineNumber: number;
    columnNumber: number;
}

interface ProfileNode {
    id: number;
    callFrame: CallFrame;
    hitCount?: number;
    children?: number[];
}

export interface CpuProfile {
    nodes: ProfileNode[];
    startTime: number;
    endTime: number;
    samples?: number[];
    timeDeltas?: number[];
}

export interface Entry {
    name: string;
    ms: number;
    share: number;
}

export interface ProfileSummary {
    totalMs: number;
    functions: Entry[];
    modules: Entry[];
    categories: Entry[];
    /** Inclusive time (self time of everything called from there) of well-known activities; they overlap. */
    activities: Entry[];
}

/** Activities worth knowing the inclusive cost of; a sample counts once per activity whatever the recursion. */
export const ACTIVITIES: { name: string; matches: (frame: CallFrame, module: string) => boolean }[] = [
    { name: "require(): loading modules", matches: (f) => f.functionName === "Module._load" },
    {
        // The npm scripts and mocha load TypeScript through tools/ts-register (swc, cached); ts-node is the Pulumi CLI's.
        name: "compiling TypeScript (tools/ts-register, swc, ts-node)",
        matches: (f, m) =>
            m.startsWith("typescript") ||
            m.startsWith("@swc/") ||
            (m === "tools/ts-register/index.js" && f.functionName === "compiled") ||
            (m === "ts-node" && f.functionName === "compile"),
    },
    {
        name: "stack traces (Error().stack, source-map-support)",
        matches: (f, m) =>
            f.functionName === "prepareStackTrace" ||
            f.functionName === "get stack" ||
            f.functionName === "captureStackTrace" ||
            m.includes("source-map-support"),
    },
    { name: "@pulumi/pulumi debuggablePromise", matches: (f, m) => m === "@pulumi/pulumi" && f.functionName === "debuggablePromise" },
    { name: "@pulumi/pulumi registerResource", matches: (f, m) => m === "@pulumi/pulumi" && f.functionName === "registerResource" },
    { name: "policy pack: runPolicies", matches: (f, m) => m === "policy-pack/engine.ts" && f.functionName === "runPolicies" },
    { name: "access analysis (analysis/access)", matches: (_f, m) => m.startsWith("analysis/access/") },
    { name: "iam-simulate", matches: (_f, m) => m.startsWith("@cloud-copilot/iam-simulate") },
    {
        name: "report (plan/report/, the graph, the lock)",
        matches: (_f, m) => m.startsWith("plan/report/") || ["plan/graph.ts", "plan/lock.ts", "plan/names.ts"].includes(m),
    },
    { name: "garbage collection", matches: (f) => f.functionName === "(garbage collector)" },
];

const REPO = path.resolve(__dirname, "..", "..");

/** `node_modules/@scope/pkg` or `node_modules/pkg`, a repository-relative file, or a V8 pseudo-frame. */
export function moduleOf(url: string, functionName: string): string {
    if (!url) return functionName.startsWith("(") ? functionName : "(native)";
    const file = url.replace(/^file:\/\//, "");
    const inModules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
    if (inModules) {
        // Nested dependencies name the outermost package that pulled them in, then the package.
        const all = [...file.matchAll(/node_modules\/((?:@[^/]+\/)?[^/]+)/g)].map((m) => m[1]);
        return all.length > 1 ? `${all[0]} > ${all[all.length - 1]}` : inModules[1];
    }
    if (file.startsWith("node:")) return file;
    if (file.startsWith(REPO)) return path.relative(REPO, file);
    return file;
}

/** Coarse buckets for "what dominates": garbage collection, compiling TypeScript, the Pulumi SDK, ... */
export function categoryOf(nested: string): string {
    // A nested dependency counts as itself (protobuf under @pulumi/pulumi is protobuf).
    const module = nested.split(" > ").pop()!;
    if (module === "(garbage collector)") return "garbage collection";
    if (module === "(idle)" || module === "(program)" || module === "(root)") return module;
    if (/^(typescript|ts-node|@swc\/)/.test(module) || module === "tools/ts-register/index.js") return "TypeScript compile (swc, ts-node)";
    if (/^@pulumi\/pulumi/.test(module)) return "@pulumi/pulumi runtime";
    if (/^@pulumi\/aws/.test(module)) return "@pulumi/aws";
    if (/^@pulumi\/policy/.test(module)) return "@pulumi/policy";
    if (/^@cloud-copilot/.test(module)) return "@cloud-copilot (iam-simulate/iam-data)";
    if (/^(@grpc|google-protobuf|protobufjs)/.test(module)) return "grpc / protobuf";
    if (module.startsWith("node:") || module === "(native)") return "node internals / native";
    if (module.startsWith("policy-pack/")) return "policy-pack (repo)";
    if (module.startsWith("analysis/access")) return "analysis/access (repo)";
    if (/^(plan|release|tools|cli)\//.test(module)) return "plan, release and tools (repo)";
    if (/^(components|config)\/|^index\.ts$/.test(module)) return "program (repo)";
    if (!module.includes("/") || module.startsWith("@")) return "other packages";
    return "other";
}

export function summariseProfile(profile: CpuProfile, top = 25): ProfileSummary {
    const byId = new Map(profile.nodes.map((node) => [node.id, node]));
    const parentOf = new Map<number, number>();
    for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
    const selfMs = new Map<number, number>();
    if (profile.samples && profile.timeDeltas) {
        // Each sample's time is the delta to the next sample.
        profile.samples.forEach((id, index) => {
            const delta = (profile.timeDeltas![index + 1] ?? 0) / 1000;
            selfMs.set(id, (selfMs.get(id) ?? 0) + delta);
        });
    } else {
        const totalHits = profile.nodes.reduce((sum, node) => sum + (node.hitCount ?? 0), 0);
        const perHit = (profile.endTime - profile.startTime) / 1000 / Math.max(1, totalHits);
        for (const node of profile.nodes) selfMs.set(node.id, (node.hitCount ?? 0) * perHit);
    }
    const totalMs = [...selfMs.values()].reduce((a, b) => a + b, 0);
    const add = (map: Map<string, number>, key: string, ms: number) => map.set(key, (map.get(key) ?? 0) + ms);
    const functions = new Map<string, number>();
    const modules = new Map<string, number>();
    const categories = new Map<string, number>();
    const activities = new Map<string, number>();
    for (const [id, ms] of selfMs) {
        const hit = new Set<string>();
        for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) {
            const frame = byId.get(at)!.callFrame;
            const module = moduleOf(frame.url, frame.functionName);
            for (const activity of ACTIVITIES) if (activity.matches(frame, module)) hit.add(activity.name);
        }
        hit.forEach((name) => add(activities, name, ms));
        const frame = byId.get(id)!.callFrame;
        const module = moduleOf(frame.url, frame.functionName);
        add(functions, `${frame.functionName || "(anonymous)"}  ${module}:${frame.lineNumber + 1}`, ms);
        add(modules, module, ms);
        add(categories, categoryOf(module), ms);
    }
    const ranked = (map: Map<string, number>, limit: number): Entry[] =>
        [...map.entries()]
            .sort(([, a], [, b]) => b - a)
            .slice(0, limit)
            .map(([name, ms]) => ({ name, ms, share: totalMs > 0 ? ms / totalMs : 0 }));
    return {
        totalMs,
        functions: ranked(functions, top),
        modules: ranked(modules, top),
        categories: ranked(categories, 100),
        activities: ranked(activities, 100),
    };
}

export function renderSummary(summary: ProfileSummary): string {
    const lines = (title: string, entries: Entry[]) => [
        title,
        ...entries.map((e) => `  ${e.ms.toFixed(0).padStart(7)} ms  ${(e.share * 100).toFixed(1).padStart(5)}%  ${e.name}`),
        "",
    ];
    return [
        `total sampled: ${summary.totalMs.toFixed(0)} ms`,
        "",
        ...lines("Activities (inclusive time; they overlap):", summary.activities),
        ...lines("By category (self time):", summary.categories),
        ...lines("By module (self time):", summary.modules),
        ...lines("By function (self time):", summary.functions),
    ].join("\n");
}

if (require.main === module) {
    const argv = process.argv.slice(2);
    const topIndex = argv.indexOf("--top");
    const top = topIndex >= 0 ? Number(argv[topIndex + 1]) : 25;
    const files = argv.filter((arg, i) => arg !== "--top" && argv[i - 1] !== "--top");
    if (files.length === 0) {
        process.stderr.write("usage: cpuprofile.ts <file.cpuprofile> [--top N]\n");
        process.exitCode = 2;
    }
    for (const file of files) {
        const profile = JSON.parse(fs.readFileSync(file, "utf8")) as CpuProfile;
        process.stdout.write(`== ${file}\n${renderSummary(summariseProfile(profile, top))}\n`);
    }
}
