// `npm run bench -- [--accounts N ...] [--runs 3] [--json <file>] [--keep] [--cpu-prof <dir>] [--no-reference] [--strict]`
//
// How long the offline plan takes as organizations grow. For each N (default 3, 100, 1000) it
// generates an N-account organization (tools/bench/generate.ts) into a temporary directory and
// measures:
//   - the whole run, as CI runs it: `node -r ./tools/ts-register cli/plan.ts
//     --project <dir> --quiet --json <file>` in its own process (wall seconds, peak RSS);
//   - the phases, in another fresh process (tools/bench/phases.ts): module loading, program
//     synthesis (per stack too), policy evaluation, access analysis, report rendering.
// It also measures the floor (a Node process that only loads @pulumi/pulumi and @pulumi/aws) and
// `npm start` on the repository's own reference organization, and reports PASS/MISS per target
// (tools/bench/targets.ts). The floor, the reference and N=3 take the median of --runs runs.
// Exit code: 0, or 1 if a plan was not OK (a failing plan is not a benchmark) or, with --strict, a target was missed.
import * as fs from "fs";
import * as path from "path";
import { Command } from "commander";
import { benchJson, renderBenchText } from "../tools/bench/report";
import { DEFAULT_ACCOUNTS, runBenchmark } from "../tools/bench/run";

interface Options {
    accounts?: number[];
    runs: number;
    json?: string;
    keep?: boolean;
    cpuProf?: string;
    reference: boolean;
    strict?: boolean;
}

function parseCounts(value: string, previous: number[] = []): number[] {
    const counts = value
        .split(/[,\s]+/)
        .filter(Boolean)
        .map((part) => {
            const n = Number(part);
            if (!Number.isInteger(n) || n < 2) throw new Error(`--accounts: "${part}" is not a whole number of accounts >= 2`);
            return n;
        });
    return [...previous, ...counts];
}

async function main(argv: string[]): Promise<number> {
    const program = new Command("bench")
        .description("Benchmark the offline plan on generated organizations of N accounts.")
        .option(
            "-a, --accounts <n...>",
            `organization sizes, repeatable or comma-separated (default ${DEFAULT_ACCOUNTS.join(", ")})`,
            parseCounts,
        )
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

    const result = runBenchmark({ sizes, runs: options.runs, keep: options.keep, cpuProf: options.cpuProf, reference: options.reference });
    process.stdout.write(renderBenchText(result, options.cpuProf));
    if (options.json) {
        fs.writeFileSync(path.resolve(options.json), `${JSON.stringify(benchJson(result), null, 2)}\n`);
        process.stderr.write(`bench: wrote ${path.resolve(options.json)}\n`);
    }
    if (result.failures.length > 0) return 1;
    return options.strict && result.targets.some((t) => t.status === "MISS") ? 1 : 0;
}

main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (error) => {
        process.stderr.write(`bench failed: ${(error as Error).stack ?? error}\n`);
        process.exitCode = 2;
    },
);
