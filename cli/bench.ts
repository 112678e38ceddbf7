// `npm run bench -- [--accounts N ...] [--runs 3] [--json <file>] [--keep] [--cpu-prof <dir>] [--no-reference] [--strict]`
//
// How long the offline plan takes as organizations grow. For each N (default 3, 10, 30, 100) it
// generates an N-account organization (tools/bench/generate.ts) into a temporary directory and
// measures:
//   - the whole run, as CI runs it: `node -r ts-node/register/transpile-only cli/plan.ts
//     --project <dir> --quiet --json <file>` in its own process (wall seconds, peak RSS);
//   - the phases, in another fresh process (tools/bench/phases.ts): module loading, program
//     synthesis (per stack too), policy evaluation, access analysis, report rendering.
// It also measures the floor (a Node process that only loads @pulumi/pulumi and @pulumi/aws) and
// `npm start` on the repository's own reference organization, and reports PASS/MISS per target
// (tools/bench/targets.ts). The floor, the reference and N=3 take the median of --runs runs.
// Exit code: 0, or 1 if a plan was not OK (a failing plan is not a benchmark) or, with --strict, a target was missed.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { execFileSync } from "child_process";
import { Command } from "commander";
import { expectedTotalResources, generateOrganization, REPO_DIR } from "../tools/bench/generate";
import { Repeated, median, repeat } from "../tools/bench/measure";
import { PhaseResult } from "../tools/bench/phases";
import { SizeMeasure, TargetResult, evaluateTargets } from "../tools/bench/targets";

const DEFAULT_ACCOUNTS = [3, 10, 30, 100];
const TS_NODE = ["-r", "ts-node/register/transpile-only"];
const PRELOAD = ["-r", path.join(REPO_DIR, "tools", "bench", "max-rss.js")];
const PLAN_CLI = path.join(REPO_DIR, "cli", "plan.ts");
const PHASES = path.join(REPO_DIR, "tools", "bench", "phases.ts");
const MiB = 1024;

interface Options {
    accounts?: number[];
    runs: number;
    json?: string;
    keep?: boolean;
    cpuProf?: string;
    reference: boolean;
    strict?: boolean;
}

interface Row {
    label: string;
    accounts?: number;
    stacks?: number;
    resources?: number;
    whole?: Repeated;
    phases?: PhaseResult;
}

const log = (message: string) => process.stderr.write(`bench: ${message}\n`);

/** The commit measured, and whether the working tree differs from it (several people work in it). */
function revision(): string {
    try {
        const git = (...args: string[]) => execFileSync("git", args, { cwd: REPO_DIR, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
        const changed = git("status", "--porcelain", "--untracked-files=no").split("\n").filter(Boolean).length;
        return `${git("rev-parse", "--short", "HEAD")}${changed > 0 ? ` + ${changed} modified file(s)` : ""}`;
    } catch {
        return "unknown (not a git checkout)";
    }
}

function parseCounts(value: string, previous: number[] = []): number[] {
    const counts = value.split(/[,\s]+/).filter(Boolean).map((part) => {
        const n = Number(part);
        if (!Number.isInteger(n) || n < 2) throw new Error(`--accounts: "${part}" is not a whole number of accounts >= 2`);
        return n;
    });
    return [...previous, ...counts];
}

/** The phases child, `times` times; the run with the median total counts. */
function measurePhases(project: string, policyConfig: string, times: number, what: string): PhaseResult {
    const results: PhaseResult[] = [];
    for (let i = 0; i < times; i++) {
        const out = path.join(os.tmpdir(), `crossaccount-bench-phases-${process.pid}-${i}.json`);
        try {
            repeat(
                { command: process.execPath, args: [...TS_NODE, PHASES, "--project", project, "--policy-config", policyConfig, "--out", out], cwd: REPO_DIR },
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

function planSeconds(phases: PhaseResult): number {
    return phases.seconds.synthesis + phases.seconds.policies + phases.seconds.access + phases.seconds.report;
}

function benchSize(n: number, options: Options): Row & { generated: ReturnType<typeof generateOrganization>; planOk: boolean; problems: string[] } {
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
                args: [...profile, ...TS_NODE, ...PRELOAD, PLAN_CLI, "--project", dir, "--policy-config", generated.policyConfigFile, "--quiet", "--json", planJson],
                cwd: REPO_DIR,
            },
            times,
            `${n} accounts: plan`,
            true,
        );
        const failed = whole.runs.find((r) => r.exitCode !== 0);
        if (failed) problems.push(`plan exited ${failed.exitCode ?? failed.signal}:\n${failed.stderrTail}\n${failed.stdoutTail}`);
        const plan = fs.existsSync(planJson) ? (JSON.parse(fs.readFileSync(planJson, "utf8")) as { ok: boolean }) : undefined;
        if (!plan?.ok) problems.push("the plan is not OK (mandatory violations or failed expectations): this would benchmark a failing plan");
        log(`${n} accounts: whole run ${whole.seconds.toFixed(2)} s, peak ${(whole.maxRssKiB / MiB).toFixed(0)} MiB; phases`);
        const phases = measurePhases(dir, generated.policyConfigFile, times, `${n} accounts`);
        if (!phases.ok) problems.push("phases: the plan is not OK");
        if (phases.resources !== expectedTotalResources(n)) {
            problems.push(`resources: ${phases.resources}, but the generated shape has ${expectedTotalResources(n)}`);
        }
        if (phases.expectations.held !== generated.expectations) {
            problems.push(`access expectations: ${phases.expectations.held}/${phases.expectations.total} hold, ${generated.expectations} generated`);
        }
        return { label: `${n} accounts`, accounts: n, stacks: phases.stacks, resources: phases.resources, whole, phases, generated, planOk: problems.length === 0, problems };
    } finally {
        if (options.keep) log(`${n} accounts: kept ${dir}`);
        else fs.rmSync(dir, { recursive: true, force: true });
    }
}

function table(headers: string[], rows: string[][], rightAligned = headers.map((_, i) => i > 0)): string {
    const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (cells: string[]) => cells.map((c, i) => (rightAligned[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join("  ").trimEnd();
    return [line(headers), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

const f = (value: number | undefined, digits = 2) => (value === undefined || Number.isNaN(value) ? "-" : value.toFixed(digits));

function mainTable(rows: Row[]): string {
    return table(
        ["", "accounts", "stacks", "resources", "whole s", "cpu s", "load s", "synth s", "policy s", "access s", "report s", "plan s", "res/s", "s/acct", "plan s/acct", "peak MiB"],
        rows.map((row) => {
            const p = row.phases?.seconds;
            const plan = row.phases ? planSeconds(row.phases) : undefined;
            const perAccount = (seconds: number | undefined) => (row.accounts && seconds !== undefined ? f(seconds / row.accounts, 3) : "-");
            return [
                row.label,
                row.accounts === undefined ? "-" : String(row.accounts),
                row.stacks === undefined ? "-" : String(row.stacks),
                row.resources === undefined ? "-" : String(row.resources),
                f(row.whole?.seconds),
                f(row.whole?.cpuSeconds),
                f(p?.load),
                f(p?.synthesis),
                f(p?.policies),
                f(p?.access),
                f(p?.report, 3),
                f(plan),
                row.resources !== undefined && row.whole ? f(row.resources / row.whole.seconds, 1) : "-",
                perAccount(row.whole?.seconds),
                perAccount(plan),
                row.whole ? f(row.whole.maxRssKiB / MiB, 0) : "-",
            ];
        }),
        [false, ...Array(15).fill(true)],
    );
}

function synthesisTable(rows: Row[]): string {
    return table(
        ["", "stacks", "waves", "first s", "mean s", "median s", "max s", "slowest", "edges", "expectations", "violations (mand/adv)"],
        rows.filter((r) => r.phases).map((row) => {
            const stacks = row.phases!.perStack;
            const seconds = stacks.map((s) => s.seconds);
            const slowest = stacks.reduce((a, b) => (b.seconds > a.seconds ? b : a));
            return [
                row.label,
                String(stacks.length),
                String(row.phases!.waves),
                f(stacks[0]?.seconds),
                f(seconds.reduce((a, b) => a + b, 0) / seconds.length, 3),
                f(median(seconds), 3),
                f(slowest.seconds),
                slowest.name,
                String(row.phases!.edges),
                `${row.phases!.expectations.held}/${row.phases!.expectations.total}`,
                `${row.phases!.violations.mandatory}/${row.phases!.violations.advisory}`,
            ];
        }),
        [false, true, true, true, true, true, true, false, true, true, true],
    );
}

async function main(argv: string[]): Promise<number> {
    const program = new Command("bench")
        .description("Benchmark the offline plan on generated organizations of N accounts.")
        .option("-a, --accounts <n...>", `organization sizes, repeatable or comma-separated (default ${DEFAULT_ACCOUNTS.join(", ")})`, parseCounts)
        .option("--runs <k>", "runs for the floor, the reference and N=3 (median)", (v) => Number(v), 3)
        .option("--json <file>", "also write the numbers as JSON")
        .option("--keep", "keep the generated organizations")
        .option("--cpu-prof <dir>", "write a V8 CPU profile of each whole run into <dir> (slows the runs down)")
        .option("--no-reference", "skip the floor and npm start on the reference organization")
        .option("--strict", "exit 1 when a target is missed");
    program.parse(argv, { from: "user" });
    const options = program.opts<Options>();
    const sizes = [...new Set(options.accounts?.length ? options.accounts : DEFAULT_ACCOUNTS)].sort((a, b) => a - b);
    if (!Number.isInteger(options.runs) || options.runs < 1) throw new Error("--runs must be a positive whole number");
    if (options.cpuProf) fs.mkdirSync(path.resolve(options.cpuProf), { recursive: true });

    const machine = {
        cpus: os.cpus().length,
        cpuModel: os.cpus()[0]?.model ?? "unknown",
        memoryGiB: Number((os.totalmem() / 1024 ** 3).toFixed(1)),
        node: process.version,
        platform: `${os.platform()} ${os.release()}`,
        loadAverage: os.loadavg().map((l) => Number(l.toFixed(2))),
        revision: revision(),
    };
    log(`${machine.cpus} CPU(s) (${machine.cpuModel}), ${machine.memoryGiB} GiB, Node ${machine.node}, load ${machine.loadAverage.join(" ")}`);

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
        reference = repeat({ command: npm, args: ["start", "--", "--quiet"], cwd: REPO_DIR, preloadThroughNodeOptions: true }, options.runs, "npm start", true);
        for (const run of reference.runs.filter((r) => r.exitCode !== 0)) log(`reference: npm start exited ${run.exitCode ?? run.signal}:\n${run.stderrTail}`);
        log(`reference: node plan-cli.ts (without npm) x${options.runs}; phases`);
        referenceNode = repeat({ command: process.execPath, args: [...TS_NODE, ...PRELOAD, PLAN_CLI, "--quiet"], cwd: REPO_DIR }, options.runs, "plan-cli", true);
        referencePhases = measurePhases(REPO_DIR, path.join(REPO_DIR, "policy-pack", "config.json"), options.runs, "reference");
        const base = { accounts: referencePhases.stacks, stacks: referencePhases.stacks, resources: referencePhases.resources, phases: referencePhases };
        rows.push({ label: "reference: npm start", ...base, whole: reference });
        rows.push({ label: "reference: node plan-cli", ...base, whole: referenceNode });
    }

    const results: ReturnType<typeof benchSize>[] = [];
    for (const n of sizes) {
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
    const targets: TargetResult[] = evaluateTargets({ floorSeconds: floor?.seconds, referenceSeconds: reference?.seconds, sizes: measures });
    const loadAtEnd = os.loadavg().map((l) => Number(l.toFixed(2)));
    const busy = machine.loadAverage[0] > machine.cpus / 2 || loadAtEnd[0] > machine.cpus;

    const out: string[] = [];
    out.push(
        `Offline plan benchmark: ${machine.cpus} CPU(s) ${machine.cpuModel}, ${machine.memoryGiB} GiB, Node ${machine.node}` +
            ` (median of ${options.runs} for the floor, the reference and N=3; one run otherwise); revision ${machine.revision}`,
        "",
        mainTable(rows),
        "",
        "whole s: wall time of the process (the floor: node loading @pulumi/pulumi and @pulumi/aws only); cpu s: its user+system CPU time",
        "(npm start: npm's own node included); peak MiB: its peak RSS.",
        "load/synth/policy/access/report s: phases in a separate fresh process (load = process start until the plan, report and program modules are loaded);",
        "plan s = synth + policy + access + report; res/s = resources / whole s; s/acct = whole s / accounts; the reference counts its stacks as accounts.",
        "",
        "Synthesis per stack (stacks of a wave run concurrently; a peering chain makes one wave per stack):",
        synthesisTable(rows),
        "",
        "Targets:",
        ...targets.map((t) => `  ${t.status.padEnd(4)}  ${t.text}`),
    );
    if (floor && reference) {
        out.push(
            `  info  by CPU time instead of wall time: npm start ${f(reference.cpuSeconds)} s, node plan-cli ${f(referenceNode?.cpuSeconds)} s, ` +
                `floor ${f(floor.cpuSeconds)} s: ${f(reference.cpuSeconds / floor.cpuSeconds)} x (${f(referenceNode!.cpuSeconds / floor.cpuSeconds)} x without npm)`,
        );
    }
    out.push("", `Load average (1/5/15 min): ${machine.loadAverage.join(" ")} at start, ${loadAtEnd.join(" ")} at end, ${machine.cpus} CPU(s).`);
    if (busy) {
        out.push("WARNING: the machine was busy: other processes competed for the CPUs, so wall times are inflated. Compare cpu s, or re-run on an idle machine.");
    }
    const failures = results.filter((r) => !r.planOk);
    if (failures.length > 0) out.push("", `NOT A VALID BENCHMARK: the plan failed for ${failures.map((r) => `N=${r.accounts}`).join(", ")} (see above).`);
    if (options.cpuProf) out.push("", `CPU profiles in ${path.resolve(options.cpuProf)} (timings above include profiling overhead); summarise with tools/bench/cpuprofile.ts.`);
    process.stdout.write(`${out.join("\n")}\n`);

    if (options.json) {
        const json = {
            machine,
            runs: options.runs,
            loadAverage: { start: machine.loadAverage, end: loadAtEnd, busy },
            floor: floor && { seconds: floor.seconds, cpuSeconds: floor.cpuSeconds, runs: floor.runs.map((r) => r.seconds), peakMiB: floor.maxRssKiB / MiB },
            reference: reference && {
                npmStart: {
                    seconds: reference.seconds,
                    cpuSeconds: reference.cpuSeconds,
                    runs: reference.runs.map((r) => r.seconds),
                    peakMiB: reference.maxRssKiB / MiB,
                    exitCodes: reference.runs.map((r) => r.exitCode),
                },
                node: referenceNode && {
                    seconds: referenceNode.seconds,
                    cpuSeconds: referenceNode.cpuSeconds,
                    runs: referenceNode.runs.map((r) => r.seconds),
                    peakMiB: referenceNode.maxRssKiB / MiB,
                },
                phases: referencePhases,
            },
            sizes: results.map((r) => ({
                accounts: r.accounts,
                stacks: r.stacks,
                resources: r.resources,
                expectations: r.generated.expectations,
                partners: r.generated.partners.length,
                ok: r.planOk,
                problems: r.problems,
                whole: { seconds: r.whole!.seconds, cpuSeconds: r.whole!.cpuSeconds, runs: r.whole!.runs.map((x) => x.seconds), peakMiB: r.whole!.maxRssKiB / MiB },
                phases: r.phases,
                planSeconds: planSeconds(r.phases!),
                secondsPerAccount: { whole: r.whole!.seconds / r.accounts!, plan: planSeconds(r.phases!) / r.accounts! },
                resourcesPerSecond: r.resources! / r.whole!.seconds,
            })),
            targets,
        };
        fs.writeFileSync(path.resolve(options.json), `${JSON.stringify(json, null, 2)}\n`);
        log(`wrote ${path.resolve(options.json)}`);
    }
    if (failures.length > 0) return 1;
    return options.strict && targets.some((t) => t.status === "MISS") ? 1 : 0;
}

main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (error) => {
        process.stderr.write(`bench failed: ${(error as Error).stack ?? error}\n`);
        process.exitCode = 2;
    },
);
