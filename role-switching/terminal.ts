// What the assume command does at the terminal: ask for the MFA code (not echoed to stdout, where export
// lines go) and run the command with the session's credentials, handing back its exit code.
import { spawn } from "child_process";
import * as os from "os";
import * as readline from "readline";
import { badInput } from "./errors";

/** Asks on stderr, reads stdin; only offered when stdin is a terminal. */
export function askAtTerminal(question: string): Promise<string> {
    const rl = readline.createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    return new Promise((resolve) =>
        rl.question(question, (answer) => {
            rl.close();
            resolve(answer);
        }),
    );
}

/** Runs `command` with the terminal attached; resolves to its exit code (128 + the signal's number when killed). */
export function runInherited(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
    return new Promise((resolve, reject) => {
        const child = spawn(command, args, { stdio: "inherit", env });
        child.on("error", (error: NodeJS.ErrnoException) =>
            reject(error.code === "ENOENT" ? badInput(`<command> ${command}: not found`) : error),
        );
        child.on("exit", (code, signal) => resolve(code ?? (signal ? 128 + (os.constants.signals[signal] ?? 0) : 1)));
    });
}
