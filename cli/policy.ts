// Runs the CrossGuard policy pack over a `pulumi stack export` or `pulumi preview --json` file, without the Pulumi CLI.
//   npm run policy -- <file|-> [--config policy-pack/config.json] [--json]
// Exit codes: 0 no mandatory violation, 1 mandatory violations, 2 unreadable input or bad usage.
import { Command, CommanderError } from "commander";
import { DEFAULT_CONFIG, checkPolicyFile, formatJson, formatText } from "../plan/policy-check";

export const EXIT = { ok: 0, mandatory: 1, unusable: 2 } as const;

export interface Io {
    out(text: string): void;
    err(text: string): void;
}

const processIo: Io = { out: (text) => process.stdout.write(text), err: (text) => process.stderr.write(text) };

/** Runs the command with `argv` (arguments only, without node and the script); resolves to the exit code. */
export async function main(argv: string[], io: Io = processIo): Promise<number> {
    const program = new Command()
        .name("policy-check")
        .description("Check a `pulumi stack export` or `pulumi preview --json` file against the crossaccount policy pack.")
        .argument("<file>", "stack export or preview JSON file, or - for stdin")
        .option("--config <file>", "policy pack config (the --policy-pack-config format)", DEFAULT_CONFIG)
        .option("--json", "print violations as a JSON array")
        .exitOverride()
        .configureOutput({ writeOut: io.out, writeErr: io.err });
    try {
        program.parse(argv, { from: "user" });
    } catch (error) {
        if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.unusable;
        throw error;
    }
    const [file] = program.args;
    const options = program.opts<{ config: string; json?: boolean }>();
    try {
        const { violations, stackUrn, mandatory } = await checkPolicyFile(file, options.config);
        io.out(options.json ? formatJson(violations, stackUrn) : formatText(violations, stackUrn));
        return mandatory ? EXIT.mandatory : EXIT.ok;
    } catch (error) {
        io.err(`policy-check: ${(error as Error).message}\n`);
        return EXIT.unusable;
    }
}

if (require.main === module) {
    main(process.argv.slice(2)).then((code) => {
        process.exitCode = code;
    });
}
