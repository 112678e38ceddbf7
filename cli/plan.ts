// `npm start` / `npm run plan -- [--stack <name> ...] [--json <file|->] [--markdown <file>]`
// Exit codes: 0 nothing mandatory violated and every expectation holds; 1 otherwise; 2 bad config or usage.
import * as fs from "fs";
import * as path from "path";
import { Command, CommanderError } from "commander";
import { DocumentTooLargeError } from "../aws";
import { ConfigError, StackFileError } from "../config";
import { StackCycleError } from "../plan/stack-graph";
import { UsageError, planOrganization, readPolicyConfig } from "../plan/plan";
import { planToJson, renderMarkdown, renderText } from "../plan/report";

const PROJECT_DIR = path.resolve(__dirname, "..");

export interface PlanIo {
    stdout: NodeJS.WritableStream;
    stderr: NodeJS.WritableStream;
}

export async function main(argv: string[], io: PlanIo = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
    const program = new Command("plan")
        .description("Plan every stack offline: synthesize under mocks, enforce the policy pack, analyze cross-account access.")
        .option("-s, --stack <name...>", "plan only these stacks (and the stacks they read)")
        .option("--json <file>", "write the plan as JSON to a file, or - for stdout")
        .option("--markdown <file>", "write the report as Markdown (for a pull-request comment)")
        .option("--policy-config <file>", "policy pack config", path.join(PROJECT_DIR, "policy-pack", "config.json"))
        .option("--project <dir>", "directory holding Pulumi.yaml and the stack files", PROJECT_DIR)
        .option("-q, --quiet", "no progress lines")
        .option("--debug", "keep full stack traces while synthesizing (slower)")
        .exitOverride()
        .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });
    try {
        program.parse(argv, { from: "user" });
    } catch (error) {
        if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
        throw error;
    }
    const options = program.opts<{ stack?: string[]; json?: string; markdown?: string; policyConfig: string; project: string; quiet?: boolean; debug?: boolean }>();
    const jsonToStdout = options.json === "-";
    // With JSON on stdout, people still get the report, on stderr.
    const human = jsonToStdout ? io.stderr : io.stdout;
    try {
        const plan = await planOrganization({
            projectDir: path.resolve(options.project),
            stacks: options.stack,
            policyConfig: readPolicyConfig(options.policyConfig),
            keepStackTraces: options.debug,
            exclusiveRuntime: true,
            onProgress: options.quiet ? undefined : (message) => io.stderr.write(`plan: ${message}\n`),
        });
        human.write(`${renderText(plan)}\n`);
        if (options.json) {
            const json = `${JSON.stringify(planToJson(plan), null, 2)}\n`;
            if (jsonToStdout) io.stdout.write(json);
            else fs.writeFileSync(options.json, json);
        }
        if (options.markdown) fs.writeFileSync(options.markdown, renderMarkdown(plan));
        return plan.ok ? 0 : 1;
    } catch (error) {
        if (
            error instanceof ConfigError ||
            error instanceof StackFileError ||
            error instanceof UsageError ||
            error instanceof StackCycleError ||
            error instanceof DocumentTooLargeError ||
            (error as NodeJS.ErrnoException).code === "ENOENT"
        ) {
            io.stderr.write(`${(error as Error).message}\n`);
            return 2;
        }
        throw error;
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
