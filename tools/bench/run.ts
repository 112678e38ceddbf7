// The benchmark's measurements (see cli/bench.ts for what is measured and why): the floor, the
// reference organization and generated organizations of N accounts, each in fresh processes.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { execFileSync } from "child_process";
import { expectedTotalResources, generateOrganization, REPO_DIR } from "./generate";
import { Repeated, median, repeat } from "./measure";
import { PhaseResult } from "./phases";
import { SizeMeasure, TargetResult, evaluateTargets } from "./targets";

export const DEFAULT_ACCOUNTS = [3, 100, 1000];
// The node options of package.json's scripts (the loader; for `plan`, the heap's young generation), so the
// generated organizations run what `npm run plan` runs and the reference organization what `npm start` runs.
const PACKAGE_JSON = fs.readFileSync(path.join(REPO_DIR, "package.json"), "utf8");
const PLAN_NODE_OPTIONS = planNodeOptions(PACKAGE_JSON);
const START_NODE_OPTIONS = planNodeOptions(PACKAGE_JSON, "start");
const PRELOAD = ["-r", path.join(REPO_DIR, "tools", "bench", "max-rss.js")];
const PLAN_CLI = path.join(REPO_DIR, "cli", "plan.ts");
const PHASES = path.join(REPO_DIR, "tools", "bench", "phases.ts");
export const MiB = 1024;

/** The options between `node` and the file in a package.json script (`plan` or `start`), paths made absolute. */
export function planNodeOptions(packageJson: string, name: "plan" | "start" = "plan"): string[] {
    const script = (JSON.parse(packageJson) as { scripts?: Record<string, string> }).scripts?.[name] ?? "";
    const words = script.trim().split(/\s+/);
    const scriptAt = words.findIndex((word) => word.endsWith(".ts"));
    if (words[0] !== "node" || scriptAt < 0)
        throw new Error(`package.json: scripts.${name} is not "node [options] <file>.ts": "${script}"`);
    return words.slice(1, scriptAt).map((word) => (word.startsWith("./") ? path.join(REPO_DIR, word) : word));
}

export interface BenchOptions {
    /** Organization sizes, ascending, without duplicates. */
    sizes: number[];
    runs: number;
    keep?: boolean;
    cpuProf?: string;
    reference: boolean;
}

export interface Row {
    label: string;
    accounts?: number;
    stacks?: number;
    resources?: number;
    whole?: Repeated;
    phases?: PhaseResult;
}

export type SizeResult = Row & { generated: ReturnType<typeof generateOrganization>; planOk: boolean; problems: string[] };

export interface Machine {
    cpus: number;
    cpuModel: string;
    memoryGiB: number;
    node: string;
    platform: string;
    loadAverage: number[];
    revision: string;
}

export interface BenchResult {
    machine: Machine;
    runs: number;
    rows: Row[];
    floor?: Repeated;
    reference?: Repeated;
    referenceNode?: Repeated;
    referencePhases?: PhaseResult;
    results: SizeResult[];
    targets: TargetResult[];
    loadAtEnd: number[];
    /** Other processes competed for the CPUs. */
    busy: boolean;
    /** The sizes whose plan failed: not a valid benchmark. */
    failures: SizeResult[];
}

const log = (message: string) => process.stderr.write(`bench: ${message}\n`);

/** The commit measured, and whether the working tree differs from it (several people work in it). */
function revision(): string {
    try {
        const git = (...args: string[]) =>
            execFileSync("git", args, { cwd: REPO_DIR, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
        const changed = git("status", "--porcelain", "--untracked-files=no").split("\n").filter(Boolean).length;
        return `${git("rev-parse", "--short", "HEAD")}${changed > 0 ? ` + ${changed} modified file(s)` : ""}`;
    } catch {
        return "unknown (not a git checkout)";
    }
}

/** The phases child, `times` times; the run with the median total counts. */
function measurePhases(project: string, policyConfig: string, times: number, what: string, nodeOptions = PLAN_NODE_OPTIONS): PhaseResult {
    const results: PhaseResult[] = [];
    for (let i = 0; i < times; i++) {
        const out = path.join(os.tmpdir(), `crossaccount-bench-phases-${process.pid}-${i}.json`);
        try {
            repeat(
                {
                    command: process.execPath,
                    args: [...nodeOptions, PHASES, "--project", project, "--policy-config", policyConfig, "--out", out],
                    cwd: REPO_DIR,
                },
                1,
                `${what}: phases`,
                true,
            );
            if (!fs.existsSync(out)) throw new Error(`${what}: the phases run wrote no result`);
            results.push(JSON.parse(fs.readFileSync(out, "utf8")) as PhaseResult);
        } finally {
            fs.rmSync(out, { force: true });
        }
    }
    const totals = median(results.map((r) => r.seconds.total));
    return results.reduce((best, r) => (Math.abs(r.seconds.total - totals) < Math.abs(best.seconds.total - totals) ? r : best));
}

export function planSeconds(phases: PhaseResult): number {
    return phases.seconds.synthesis + phases.seconds.policies + phases.seconds.access + phases.seconds.report;
}

function benchSize(n: number, options: BenchOptions): SizeResult {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `crossaccount-bench-${n}-`));
    const problems: string[] = [];
    try {
        const generated = generateOrganization(n, dir);
        const times = n === 3 ? options.runs : 1;
        const planJson = path.join(dir, "plan.json");
        const profile = options.cpuProf
            ? ["--cpu-prof", "--cpu-prof-dir", path.resolve(options.cpuProf), "--cpu-prof-name", `plan-${n}-accounts.cpuprofile`]
            : [];
        log(`${n} accounts: whole run${times > 1 ? ` x${times}` : ""} (${dir})`);
        const whole = repeat(
            {
                command: process.execPath,
                args: [
                    ...profile,
                    ...PLAN_NODE_OPTIONS,
                    ...PRELOAD,
                    PLAN_CLI,
                    "--project",
                    dir,
                    "--policy-config",
                    generated.policyConfigFile,
                    "--quiet",
                    "--json",
                    planJson,
                ],
                cwd: REPO_DIR,
            },
            times,
            `${n} accounts: plan`,
            true,
        );
        const failed = whole.runs.find((r) => r.exitCode !== 0);
        if (failed) problems.push(`plan exited ${failed.exitCode ?? failed.signal}:\n${failed.stderrTail}\n${failed.stdoutTail}`);
        const plan = fs.existsSync(planJson) ? (JSON.parse(fs.readFileSync(planJson, "utf8")) as { ok: boolean }) : undefined;
        if (!plan?.ok)
            problems.push("the plan is not OK (mandatory violations or failed expectations): this would benchmark a failing plan");
        log(`${n} accounts: whole run ${whole.seconds.toFixed(2)} s, peak ${(whole.maxRssKiB / MiB).toFixed(0)} MiB; phases`);
        const phases = measurePhases(dir, generated.policyConfigFile, times, `${n} accounts`);
        if (!phases.ok) problems.push("phases: the plan is not OK");
        if (phases.resources !== expectedTotalResources(n)) {
            problems.push(`resources: ${phases.resources}, but the generated shape has ${expectedTotalResources(n)}`);
        }
        if (phases.expectations.held !== generated.expectations) {
            problems.push(
                `access expectations: ${phases.expectations.held}/${phases.expectations.total} hold, ${generated.expectations} generated`,
            );
        }
        return {
            label: `${n} accounts`,
            accounts: n,
            stacks: phases.stacks,
            resources: phases.resources,
            whole,
            phases,
            generated,
            planOk: problems.length === 0,
            problems,
        };
    } finally {
        if (options.keep) log(`${n} accounts: kept ${dir}`);
        else fs.rmSync(dir, { recursive: true, force: true });
    }
}

/** Measures everything `options` asks for; progress goes to stderr. */
export function runBenchmark(options: BenchOptions): BenchResult {
    const machine = {
        cpus: os.cpus().length,
        cpuModel: os.cpus()[0]?.model ?? "unknown",
        memoryGiB: Number((os.totalmem() / 1024 ** 3).toFixed(1)),
        node: process.version,
        platform: `${os.platform()} ${os.release()}`,
        loadAverage: os.loadavg().map((l) => Number(l.toFixed(2))),
        revision: revision(),
    };
    log(
        `${machine.cpus} CPU(s) (${machine.cpuModel}), ${machine.memoryGiB} GiB, Node ${machine.node}, load ${machine.loadAverage.join(" ")}`,
    );

    const rows: Row[] = [];
    let floor: Repeated | undefined;
    let reference: Repeated | undefined;
    let referenceNode: Repeated | undefined;
    let referencePhases: PhaseResult | undefined;
    if (options.reference) {
        log(`floor: node loading @pulumi/pulumi and @pulumi/aws x${options.runs}`);
        floor = repeat(
            { command: process.execPath, args: [...PRELOAD, "-e", "require('@pulumi/pulumi'); require('@pulumi/aws')"], cwd: REPO_DIR },
            options.runs,
            "floor",
        );
        rows.push({ label: "floor (load pulumi+aws)", whole: floor });
        log(`reference: npm start -- --quiet x${options.runs}`);
        const npm = process.platform === "win32" ? "npm.cmd" : "npm";
        reference = repeat(
            { command: npm, args: ["start", "--", "--quiet"], cwd: REPO_DIR, preloadThroughNodeOptions: true },
            options.runs,
            "npm start",
            true,
        );
        for (const run of reference.runs.filter((r) => r.exitCode !== 0))
            log(`reference: npm start exited ${run.exitCode ?? run.signal}:\n${run.stderrTail}`);
        log(`reference: node plan-cli.ts (without npm) x${options.runs}; phases`);
        referenceNode = repeat(
            { command: process.execPath, args: [...START_NODE_OPTIONS, ...PRELOAD, PLAN_CLI, "--quiet"], cwd: REPO_DIR },
            options.runs,
            "plan-cli",
            true,
        );
        referencePhases = measurePhases(
            REPO_DIR,
            path.join(REPO_DIR, "policy-pack", "config.json"),
            options.runs,
            "reference",
            START_NODE_OPTIONS,
        );
        const base = {
            accounts: referencePhases.stacks,
            stacks: referencePhases.stacks,
            resources: referencePhases.resources,
            phases: referencePhases,
        };
        rows.push({ label: "reference: npm start", ...base, whole: reference });
        rows.push({ label: "reference: node plan-cli", ...base, whole: referenceNode });
    }

    const results: SizeResult[] = [];
    for (const n of options.sizes) {
        const result = benchSize(n, options);
        results.push(result);
        rows.push(result);
        for (const problem of result.problems) log(`${n} accounts: PROBLEM: ${problem}`);
    }

    const measures: SizeMeasure[] = results.map((r) => ({
        accounts: r.accounts!,
        wholeSeconds: r.whole!.seconds,
        planSeconds: planSeconds(r.phases!),
        peakMiB: r.whole!.maxRssKiB / MiB,
    }));
    const targets: TargetResult[] = evaluateTargets({
        floorSeconds: floor?.seconds,
        referenceSeconds: reference?.seconds,
        sizes: measures,
    });
    const loadAtEnd = os.loadavg().map((l) => Number(l.toFixed(2)));
    const busy = machine.loadAverage[0] > machine.cpus / 2 || loadAtEnd[0] > machine.cpus;

    const failures = results.filter((r) => !r.planOk);
    return {
        machine,
        runs: options.runs,
        rows,
        floor,
        reference,
        referenceNode,
        referencePhases,
        results,
        targets,
        loadAtEnd,
        busy,
        failures,
    };
}
