// Timing a whole process the way a CI job sees it: wall seconds from spawn to exit, and the peak
// resident memory of the Node processes it ran (reported by the max-rss.js preload, so it works
// without GNU time; `npm start` runs npm's own node and the plan's, and the larger one counts).
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export const MAX_RSS_PRELOAD = path.join(__dirname, "max-rss.js");

export interface ProcessRun {
    seconds: number;
    /** Largest peak RSS among the Node processes of the run, in KiB (0 if none reported). */
    maxRssKiB: number;
    /** User + system CPU seconds of the Node processes of the run: less sensitive than wall time to a busy machine. */
    cpuSeconds: number;
    exitCode: number | null;
    signal: string | null;
    /** The last lines of stdout and stderr, for error messages. */
    stdoutTail: string;
    stderrTail: string;
}

export interface ProcessSpec {
    command: string;
    args: string[];
    cwd: string;
    env?: Record<string, string | undefined>;
    /** Put the preload into NODE_OPTIONS too (for runs whose node processes are started by npm). */
    preloadThroughNodeOptions?: boolean;
    timeoutSeconds?: number;
}

function tail(file: string, lines = 15): string {
    try {
        return fs.readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
    } catch {
        return "";
    }
}

/** Runs one process to completion; stdout and stderr go to files (cheap, like a CI log), not to a pipe we drain. */
export function timeProcess(spec: ProcessSpec): ProcessRun {
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "crossaccount-bench-run-"));
    const rssFile = path.join(scratch, "max-rss");
    const stdoutFile = path.join(scratch, "stdout");
    const stderrFile = path.join(scratch, "stderr");
    const stdout = fs.openSync(stdoutFile, "w");
    const stderr = fs.openSync(stderrFile, "w");
    const env: Record<string, string | undefined> = { ...process.env, ...spec.env, BENCH_MAX_RSS_FILE: rssFile };
    if (spec.preloadThroughNodeOptions) env.NODE_OPTIONS = [env.NODE_OPTIONS, `--require ${MAX_RSS_PRELOAD}`].filter(Boolean).join(" ");
    try {
        const started = process.hrtime.bigint();
        const result = spawnSync(spec.command, spec.args, {
            cwd: spec.cwd,
            env,
            stdio: ["ignore", stdout, stderr],
            timeout: (spec.timeoutSeconds ?? 1800) * 1000,
        });
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        if (result.error) throw result.error;
        const usage = fs.existsSync(rssFile)
            ? fs
                  .readFileSync(rssFile, "utf8")
                  .split("\n")
                  .filter(Boolean)
                  .map((line) => line.split(" ").map(Number))
            : [];
        return {
            seconds,
            maxRssKiB: Math.max(0, ...usage.map(([, rss]) => rss)),
            cpuSeconds: usage.reduce((sum, [, , user, system]) => sum + (user + system) / 1e6, 0),
            exitCode: result.status,
            signal: result.signal,
            stdoutTail: tail(stdoutFile),
            stderrTail: tail(stderrFile),
        };
    } finally {
        fs.closeSync(stdout);
        fs.closeSync(stderr);
        fs.rmSync(scratch, { recursive: true, force: true });
    }
}

export function median(values: number[]): number {
    if (values.length === 0) return NaN;
    const sorted = [...values].sort((a, b) => a - b);
    const middle = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export interface Repeated {
    runs: ProcessRun[];
    /** Median wall seconds over the runs. */
    seconds: number;
    /** Largest peak RSS over the runs, in KiB. */
    maxRssKiB: number;
    /** Median CPU seconds over the runs. */
    cpuSeconds: number;
}

/** Runs `times` times (sequentially); fails on the first run that exits non-zero unless `allowFailure`. */
export function repeat(spec: ProcessSpec, times: number, what: string, allowFailure = false): Repeated {
    const runs: ProcessRun[] = [];
    for (let i = 0; i < times; i++) {
        const run = timeProcess(spec);
        if (!allowFailure && run.exitCode !== 0) {
            throw new Error(
                `${what} failed (exit ${run.exitCode ?? run.signal}): ${spec.command} ${spec.args.join(" ")}\n${run.stderrTail}\n${run.stdoutTail}`,
            );
        }
        runs.push(run);
    }
    return {
        runs,
        seconds: median(runs.map((r) => r.seconds)),
        maxRssKiB: Math.max(...runs.map((r) => r.maxRssKiB)),
        cpuSeconds: median(runs.map((r) => r.cpuSeconds)),
    };
}
