// One plan, in-process, timed by phase; run as its own process by cli/bench.ts so every
// organization size starts cold, like `npm start`:
//   node -r ./tools/ts-register tools/bench/phases.ts --project <dir> --policy-config <file> --out <file.json>
//
// Phases: load (process start until the plan, the report and the program are loaded), synthesis,
// policies and access (planOrganization's own timings), report (the text report plus the JSON the CLI
// writes with --json). Synthesis here excludes loading the program, which the CLI's first stack pays.
import * as fs from "fs";
import * as path from "path";
import { performance } from "perf_hooks";
import { countResources } from "../../plan/counts";

export interface StackPhase {
    name: string;
    seconds: number;
    resources: number;
}

export interface PhaseResult {
    project: string;
    ok: boolean;
    stacks: number;
    waves: number;
    /** The AWS resources, as every report counts them (plan/counts.ts). */
    resources: number;
    /** Every registration the mocks saw: components, providers, the stack resource. */
    registrations: number;
    violations: { mandatory: number; advisory: number };
    expectations: { held: number; total: number; skipped: number };
    edges: number;
    seconds: {
        load: number;
        synthesis: number;
        policies: number;
        access: number;
        reportText: number;
        reportJson: number;
        report: number;
        total: number;
    };
    perStack: StackPhase[];
    reportBytes: { text: number; json: number };
    maxRssKiB: number;
}

export async function measurePhases(projectDir: string, policyConfigFile: string): Promise<PhaseResult> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const plan = require("../../plan/plan") as typeof import("../../plan/plan");
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const report = require("../../plan/report") as typeof import("../../plan/report");
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const synthesize = require("../../plan/synthesize") as typeof import("../../plan/synthesize");
    const program = synthesize.loadProgram();
    const load = performance.now() / 1000;

    const started = performance.now();
    // Like the plan command: nothing else runs a Pulumi program in this process.
    const result = await plan.planOrganization({
        projectDir,
        policyConfig: plan.readPolicyConfig(policyConfigFile),
        program,
        exclusiveRuntime: true,
    });
    const planned = (performance.now() - started) / 1000;

    const textStart = performance.now();
    const text = report.renderText(result);
    const reportText = (performance.now() - textStart) / 1000;
    const jsonStart = performance.now();
    const json = `${JSON.stringify(report.planToJson(result), null, 2)}\n`;
    const reportJson = (performance.now() - jsonStart) / 1000;

    const mandatory = result.violations.filter((v) => v.enforcementLevel === "mandatory").length;
    return {
        project: projectDir,
        ok: result.ok,
        stacks: result.stacks.length,
        waves: result.order.length,
        resources: result.stacks.reduce((sum, s) => sum + countResources(s.resources).resources, 0),
        registrations: result.stacks.reduce((sum, s) => sum + s.resources.length, 0),
        violations: { mandatory, advisory: result.violations.length - mandatory },
        expectations: {
            held: result.access.filter((a) => a.pass).length,
            total: result.access.length,
            skipped: result.skippedExpectations.length,
        },
        edges: result.edges.length,
        seconds: {
            load,
            synthesis: result.timings.synthesis,
            policies: result.timings.policies,
            access: result.timings.access,
            reportText,
            reportJson,
            report: reportText + reportJson,
            total: load + planned + reportText + reportJson,
        },
        perStack: result.stacks.map((s) => ({ name: s.name, seconds: s.seconds, resources: countResources(s.resources).resources })),
        reportBytes: { text: Buffer.byteLength(text), json: Buffer.byteLength(json) },
        maxRssKiB: process.resourceUsage().maxRSS,
    };
}

function argument(argv: string[], name: string): string {
    const index = argv.indexOf(name);
    if (index < 0 || index + 1 >= argv.length)
        throw new Error(`usage: phases.ts --project <dir> --policy-config <file> --out <file> (missing ${name})`);
    return argv[index + 1];
}

if (require.main === module) {
    const argv = process.argv.slice(2);
    measurePhases(path.resolve(argument(argv, "--project")), path.resolve(argument(argv, "--policy-config"))).then(
        (result) => {
            fs.writeFileSync(argument(argv, "--out"), `${JSON.stringify(result, null, 2)}\n`);
            process.exitCode = result.ok ? 0 : 1;
        },
        (error) => {
            process.stderr.write(`phases failed: ${(error as Error).stack ?? error}\n`);
            process.exitCode = 2;
        },
    );
}
