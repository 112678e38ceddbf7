// `npm run policy-config [-- --check]`: writes the organization's account IDs (and environment names) from
// the stack files into policy-pack/config.json, keeping the team's own settings.
// Exit codes: 0 written or up to date; 1 --check found the file out of date; 2 bad stack files or pack config.
import * as fs from "fs";
import * as path from "path";
import { isDeepStrictEqual } from "util";
import { Command, CommanderError } from "commander";
import { ConfigError, StackFileError } from "../config";
import { loadProject } from "../plan/plan";
import {
    PolicyConfigError,
    formatConfig,
    generatePolicyConfig,
    overrideScopes,
    readConfigFile,
    validatePolicyConfig,
} from "../plan/policy-config";

const PROJECT_DIR = path.resolve(__dirname, "..");

export interface Io {
    out(text: string): void;
    err(text: string): void;
}

const processIo: Io = { out: (text) => process.stdout.write(text), err: (text) => process.stderr.write(text) };

export function main(argv: string[], io: Io = processIo): number {
    const program = new Command("policy-config")
        .description("Write the organization's accounts from the stack files into the policy pack config, keeping its other settings.")
        .option("--check", "only check that the file is up to date (exit 1 when it is not)")
        .option("--config <file>", "policy pack config", path.join(PROJECT_DIR, "policy-pack", "config.json"))
        .option("--project <dir>", "directory holding Pulumi.yaml and the stack files", PROJECT_DIR)
        .exitOverride()
        .configureOutput({ writeOut: io.out, writeErr: io.err });
    try {
        program.parse(argv, { from: "user" });
    } catch (error) {
        if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
        throw error;
    }
    const options = program.opts<{ check?: boolean; config: string; project: string }>();
    const shown = path.relative(process.cwd(), path.resolve(options.config));
    try {
        const { organization } = loadProject(path.resolve(options.project));
        const existing = fs.existsSync(options.config) ? readConfigFile(options.config) : {};
        const generated = generatePolicyConfig(organization, existing);
        validatePolicyConfig(options.config, generated, overrideScopes(organization, generated));
        if (isDeepStrictEqual(existing, generated)) {
            io.out(`${shown} is up to date.\n`);
            return 0;
        }
        if (options.check) {
            io.err(`${shown} is out of date with the stack files: run npm run policy-config and commit the result.\n`);
            return 1;
        }
        fs.writeFileSync(options.config, formatConfig(generated));
        io.out(`wrote ${shown}\n`);
        return 0;
    } catch (error) {
        if (error instanceof ConfigError || error instanceof StackFileError || error instanceof PolicyConfigError) {
            io.err(`${error.message}\n`);
            return 2;
        }
        throw error;
    }
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
