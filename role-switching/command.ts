// What `npm run profiles` and `npm run assume` share around their work: parsing with commander, and
// turning every expected failure into one line on stderr and an exit code (2 bad input, 1 denied).
import * as path from "path";
import { Command, CommanderError } from "commander";
import { ConfigError, StackFileError } from "../config";
import { UsageError } from "../plan/plan";
import { StackCycleError } from "../plan/stack-graph";
import { SwitchError } from "./errors";

export const PROJECT_DIR = path.resolve(__dirname, "..");

export interface CommandIo {
    stdout: NodeJS.WritableStream;
    stderr: NodeJS.WritableStream;
}

export const processIo: CommandIo = { stdout: process.stdout, stderr: process.stderr };

/** Parses `argv` with `program`, then runs `work`; returns the exit code. */
export async function runCommand(program: Command, argv: string[], io: CommandIo, work: () => Promise<number>): Promise<number> {
    program.exitOverride().configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });
    try {
        program.parse(argv, { from: "user" });
    } catch (error) {
        if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
        throw error;
    }
    try {
        return await work();
    } catch (error) {
        if (error instanceof SwitchError) {
            io.stderr.write(`${program.name()}: ${error.message}\n`);
            return error.exitCode;
        }
        if (
            error instanceof ConfigError ||
            error instanceof StackFileError ||
            error instanceof UsageError ||
            error instanceof StackCycleError
        ) {
            io.stderr.write(`${(error as Error).message}\n`);
            return 2;
        }
        throw error;
    }
}

/** Runs `main` as the process' command: unexpected failures print their message only (with the stack under DEBUG). */
export function runMain(name: string, main: (argv: string[]) => Promise<number>): void {
    main(process.argv.slice(2)).then(
        (code) => (process.exitCode = code),
        (error) => {
            process.stderr.write(
                `${name} failed: ${process.env.DEBUG ? ((error as Error).stack ?? error) : ((error as Error).message ?? error)}\n`,
            );
            process.exitCode = 1;
        },
    );
}
