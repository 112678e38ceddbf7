// `npm start` / `npm run plan -- [--stack <name> ...] [--json <file|->] [--markdown <file>] [--update-lock] [--baseline <plan.json>]`
// Exit codes: 0 nothing mandatory violated, every expectation holds and the access lock matches (or is
// absent); 1 otherwise; 2 bad config or usage. A run that cannot plan still writes --json and --markdown:
// a failure, never an earlier run's green report.
import * as fs from "fs";
import * as path from "path";
import { Command, CommanderError } from "commander";
import { DocumentTooLargeError } from "../aws";
import { ConfigError, StackFileError, listStacks } from "../config";
import { StackCycleError } from "../plan/stack-graph";
import { UsageError, loadProject, planOrganization } from "../plan/plan";
import { PolicyConfigError, loadPolicyConfig } from "../plan/policy-config";
import { LockFileError, reviewAccess } from "../plan/lock";
import { accessGraph } from "../plan/graph";
import { failureJson, planToJson, renderFailureMarkdown, renderMarkdown, renderText } from "../plan/report";

const PROJECT_DIR = path.resolve(__dirname, "..");

export interface PlanIo {
    stdout: NodeJS.WritableStream;
    stderr: NodeJS.WritableStream;
}

interface Options {
    stack?: string[];
    json?: string;
    markdown?: string;
    policyConfig: string;
    project: string;
    quiet?: boolean;
    debug?: boolean;
    updateLock?: boolean;
    baseline?: string;
}

export async function main(argv: string[], io: PlanIo = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
    const program = new Command("plan")
        .description("Plan every stack offline: synthesize under mocks, enforce the policy pack, analyze cross-account access.")
        .option("-s, --stack <name...>", "plan only these stacks (and the stacks they read)")
        .option("--json <file>", "write the plan as JSON to a file, or - for stdout")
        .option("--markdown <file>", "write the report as Markdown (for a pull-request comment)")
        .option("--policy-config <file>", "policy pack config", path.join(PROJECT_DIR, "policy-pack", "config.json"))
        .option("--project <dir>", "directory holding Pulumi.yaml and the stack files", PROJECT_DIR)
        .option("--update-lock", "rewrite access.lock.json from the planned cross-account edges")
        .option("--baseline <file>", "report access gained and lost against another plan's JSON (e.g. main's)")
        .option("-q, --quiet", "no progress lines")
        .option("--debug", "keep full stack traces while synthesizing (slower)")
        .exitOverride()
        .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });
    try {
        program.parse(argv, { from: "user" });
    } catch (error) {
        if (!(error instanceof CommanderError)) throw error;
        if (error.exitCode === 0) return 0;
        // Options parsed before the bad one still name the outputs a CI step would post.
        writeFailure(program.opts<Options>(), [error.message.replace(/^error: /, "")], io);
        return 2;
    }
    const options = program.opts<Options>();
    // With JSON on stdout, people still get the report, on stderr.
    const human = options.json === "-" ? io.stderr : io.stdout;
    try {
        const projectDir = path.resolve(options.project);
        const project = loadProject(projectDir);
        const planned = await planOrganization({
            projectDir,
            project,
            stacks: options.stack,
            policyConfig: loadPolicyConfig(options.policyConfig, project.organization),
            keepStackTraces: options.debug,
            exclusiveRuntime: true,
            onProgress: options.quiet ? undefined : (message) => io.stderr.write(`plan: ${message}\n`),
        });
        const partial = planned.stacks.length < listStacks(projectDir).length;
        const plan = reviewAccess(planned, { projectDir, partial, updateLock: options.updateLock, baselineFile: options.baseline });
        const graph = accessGraph(plan);
        human.write(`${renderText(plan)}\n`);
        if (options.json) write(options.json, `${JSON.stringify(planToJson(plan, graph), null, 2)}\n`, io);
        if (options.markdown) fs.writeFileSync(options.markdown, renderMarkdown(plan, graph));
        return plan.ok ? 0 : 1;
    } catch (error) {
        const known =
            error instanceof ConfigError ||
            error instanceof StackFileError ||
            error instanceof PolicyConfigError ||
            error instanceof UsageError ||
            error instanceof StackCycleError ||
            error instanceof LockFileError ||
            error instanceof DocumentTooLargeError ||
            (error as NodeJS.ErrnoException).code === "ENOENT";
        const problems = error instanceof ConfigError ? error.problems : [(error as Error).message];
        writeFailure(options, known ? problems : [`the plan failed: ${(error as Error).message}`], io);
        if (!known) throw error;
        io.stderr.write(`${(error as Error).message}\n`);
        return 2;
    }
}

function write(file: string, text: string, io: PlanIo): void {
    if (file === "-") io.stdout.write(text);
    else fs.writeFileSync(file, text);
}

/** A run that cannot plan replaces the outputs with a failure, so no earlier green report is posted. */
function writeFailure(options: Partial<Options>, errors: string[], io: PlanIo): void {
    try {
        if (options.json) write(options.json, `${JSON.stringify(failureJson(errors), null, 2)}\n`, io);
        if (options.markdown) fs.writeFileSync(options.markdown, renderFailureMarkdown(errors));
    } catch (error) {
        io.stderr.write(`could not write the failure report: ${(error as Error).message}\n`);
    }
}

if (require.main === module) {
    main(process.argv.slice(2)).then(
        (code) => (process.exitCode = code),
        (error) => {
            process.stderr.write(`plan failed: ${(error as Error).stack ?? error}\n`);
            process.exitCode = 1;
        },
    );
}
