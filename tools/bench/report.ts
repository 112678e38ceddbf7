// The benchmark's text report and JSON document, from the measurements of tools/bench/run.ts.
import * as path from "path";
import { median } from "./measure";
import { BenchResult, MiB, Row, planSeconds } from "./run";

function table(headers: string[], rows: string[][], rightAligned = headers.map((_, i) => i > 0)): string {
    const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (cells: string[]) =>
        cells
            .map((c, i) => (rightAligned[i] ? c.padStart(widths[i]) : c.padEnd(widths[i])))
            .join("  ")
            .trimEnd();
    return [line(headers), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

const f = (value: number | undefined, digits = 2) => (value === undefined || Number.isNaN(value) ? "-" : value.toFixed(digits));

function mainTable(rows: Row[]): string {
    return table(
        [
            "",
            "accounts",
            "stacks",
            "resources",
            "whole s",
            "cpu s",
            "load s",
            "synth s",
            "policy s",
            "access s",
            "report s",
            "plan s",
            "res/s",
            "s/acct",
            "plan s/acct",
            "peak MiB",
        ],
        rows.map((row) => {
            const p = row.phases?.seconds;
            const plan = row.phases ? planSeconds(row.phases) : undefined;
            const perAccount = (seconds: number | undefined) =>
                row.accounts && seconds !== undefined ? f(seconds / row.accounts, 3) : "-";
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
        rows
            .filter((r) => r.phases)
            .map((row) => {
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

/** The report printed on stdout; `cpuProf` is the directory of the CPU profiles, if any were written. */
export function renderBenchText(result: BenchResult, cpuProf?: string): string {
    const { machine, runs, rows, floor, reference, referenceNode, targets, loadAtEnd, busy, failures } = result;
    const out: string[] = [];
    out.push(
        `Offline plan benchmark: ${machine.cpus} CPU(s) ${machine.cpuModel}, ${machine.memoryGiB} GiB, Node ${machine.node}` +
            ` (median of ${runs} for the floor, the reference and N=3; one run otherwise); revision ${machine.revision}`,
        "",
        mainTable(rows),
        "",
        "whole s: wall time of the process (the floor: node loading @pulumi/pulumi and @pulumi/aws only); cpu s: its user+system CPU time",
        "(npm start: npm's own node included); peak MiB: its peak RSS.",
        "load/synth/policy/access/report s: phases in a separate fresh process (load = process start until the plan, report and program modules are loaded);",
        "plan s = synth + policy + access + report; res/s = resources / whole s; s/acct = whole s / accounts; the reference counts its stacks as accounts.",
        "",
        "Synthesis per stack (one stack at a time, in waves of the stacks they read; a peering chain makes one wave per stack):",
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
    out.push(
        "",
        `Load average (1/5/15 min): ${machine.loadAverage.join(" ")} at start, ${loadAtEnd.join(" ")} at end, ${machine.cpus} CPU(s).`,
    );
    if (busy) {
        out.push(
            "WARNING: the machine was busy: other processes competed for the CPUs, so wall times are inflated. Compare cpu s, or re-run on an idle machine.",
        );
    }
    if (failures.length > 0)
        out.push("", `NOT A VALID BENCHMARK: the plan failed for ${failures.map((r) => `N=${r.accounts}`).join(", ")} (see above).`);
    if (cpuProf)
        out.push(
            "",
            `CPU profiles in ${path.resolve(cpuProf)} (timings above include profiling overhead); summarise with tools/bench/cpuprofile.ts.`,
        );
    return `${out.join("\n")}\n`;
}

/** The numbers as `--json` writes them. */
export function benchJson(result: BenchResult): Record<string, unknown> {
    const { machine, runs, floor, reference, referenceNode, referencePhases, results, targets, loadAtEnd, busy } = result;
    return {
        machine,
        runs,
        loadAverage: { start: machine.loadAverage, end: loadAtEnd, busy },
        floor: floor && {
            seconds: floor.seconds,
            cpuSeconds: floor.cpuSeconds,
            runs: floor.runs.map((r) => r.seconds),
            peakMiB: floor.maxRssKiB / MiB,
        },
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
            whole: {
                seconds: r.whole!.seconds,
                cpuSeconds: r.whole!.cpuSeconds,
                runs: r.whole!.runs.map((x) => x.seconds),
                peakMiB: r.whole!.maxRssKiB / MiB,
            },
            phases: r.phases,
            planSeconds: planSeconds(r.phases!),
            secondsPerAccount: { whole: r.whole!.seconds / r.accounts!, plan: planSeconds(r.phases!) / r.accounts! },
            resourcesPerSecond: r.resources! / r.whole!.seconds,
        })),
        targets,
    };
}
