// `npm run workflows [-- --project DIR] [--check] [--max-parallel N] [--deploy-role-name NAME]`
//
// Writes .github/workflows/plan.yml and release.yml of the project in DIR (default: this one) from its
// stack graph; with --check writes nothing and fails when the committed files differ.
// Exit codes: 0 written (or, with --check, up to date); 1 --check found stale or missing files;
// 2 bad input: no project, broken stack files, bad settings or options, a dependency cycle.
import * as fs from "fs";
import * as path from "path";
import { Command, CommanderError, InvalidArgumentError } from "commander";
import { ConfigError, StackFileError } from "../config";
import { StackCycleError } from "../plan/stack-graph";
import { generateWorkflows, staleWorkflows, writeWorkflows } from "../tools/workflows/generate";
import { WorkflowInputError } from "../tools/workflows/settings";

const PROJECT_DIR = path.resolve(__dirname, "..");

export interface WorkflowsIo {
    stdout: { write(text: string): unknown };
    stderr: { write(text: string): unknown };
}

export function main(argv: string[], io: WorkflowsIo = { stdout: process.stdout, stderr: process.stderr }): number {
    const program = new Command("workflows")
        .description("Generate the GitHub Actions workflows (plan.yml, release.yml) from the stack graph.")
        .option("--project <dir>", "directory holding Pulumi.yaml and the stack files", PROJECT_DIR)
        .option("--check", "write nothing; exit 1 when the committed workflows are missing or stale")
        .option("--max-parallel <n>", "most stacks of a wave released at once (overrides workflows.json)", integer)
        .option("--deploy-role-name <name>", "the role GitHub Actions assumes in each account (overrides workflows.json)")
        .exitOverride()
        .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(`workflows: ${s}`) });
    try {
        program.parse(argv, { from: "user" });
    } catch (error) {
        if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
        throw error;
    }
    const options = program.opts<{ project: string; check?: boolean; maxParallel?: number; deployRoleName?: string }>();
    const projectDir = path.resolve(options.project);
    try {
        if (!fs.existsSync(path.join(projectDir, "Pulumi.yaml"))) {
            io.stderr.write(`workflows: no Pulumi.yaml in ${projectDir} (--project must be the project directory)\n`);
            return 2;
        }
        const generated = generateWorkflows(projectDir, { maxParallel: options.maxParallel, deployRoleName: options.deployRoleName });
        const splits = generated.splits.length > 0 ? `; split: ${generated.splits.join("; ")}` : "";
        const summary = `${generated.waves.flat().length} stack(s) in ${generated.waves.length} wave(s), ${generated.jobs.length} wave job(s) after the gate${splits}`;
        if (options.check) {
            const stale = staleWorkflows(projectDir, generated);
            if (stale.length > 0) {
                io.stderr.write(`workflows: stale or missing: ${stale.join(", ")}; run \`npm run workflows\` and commit the result\n`);
                return 1;
            }
            io.stdout.write(`workflows: up to date (${summary})\n`);
            return 0;
        }
        writeWorkflows(projectDir, generated);
        for (const file of generated.files) io.stdout.write(`workflows: wrote ${file.path} (${Buffer.byteLength(file.content)} bytes)\n`);
        io.stdout.write(`workflows: ${summary}\n`);
        return 0;
    } catch (error) {
        if (
            error instanceof ConfigError ||
            error instanceof StackFileError ||
            error instanceof StackCycleError ||
            error instanceof WorkflowInputError
        ) {
            io.stderr.write(`workflows: ${error.message}\n`);
            return 2;
        }
        throw error;
    }
}

function integer(value: string): number {
    // Validated (range) with the other settings; here only that it is a number at all.
    if (!/^-?\d+$/.test(value.trim())) throw new InvalidArgumentError("must be a whole number");
    return Number(value);
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
