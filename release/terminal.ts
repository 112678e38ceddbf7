// The release at a terminal: a yes/no question on stderr, and Ctrl-C/SIGTERM handling.
import * as readline from "readline";
import type { Release } from "./orchestrator";
import type { InterruptState } from "./command";
import { RELEASE_EXIT } from "./types";

/** Asks `question` on stderr and reads one line from stdin. */
export function askOnTerminal(question: string): Promise<string> {
    const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
    return new Promise((resolve) =>
        rl.question(question, (answer) => {
            rl.close();
            resolve(answer);
        }),
    );
}

/**
 * First Ctrl-C (or SIGTERM): start nothing new, cancel running operations through the runner, print
 * the state. Second: exit at once, naming the stacks whose update may be left locked.
 */
export function handleSignals(release: Release, interrupt: InterruptState): () => void {
    let count = 0;
    const onSignal = (signal: NodeJS.Signals) => {
        count += 1;
        if (count === 1) {
            interrupt.signal = signal;
            process.stderr.write(`\nrelease: ${signal}: stopping; running operations are being cancelled (again to exit at once)\n`);
            release.interrupt().then(
                (outcomes) => {
                    for (const o of outcomes)
                        process.stderr.write(`release: ${o.stack}: ${o.lock === "maybe-locked" ? "MAY BE LOCKED: " : ""}${o.detail}\n`);
                },
                (error: unknown) =>
                    process.stderr.write(
                        `release: cancelling failed: ${(error as Error).message}; stacks may be locked: run \`pulumi cancel --stack <name>\`\n`,
                    ),
            );
            return;
        }
        process.stderr.write(
            "\nrelease: exiting without waiting: a stack whose update was running may be LOCKED and have pending operations; " +
                "run `pulumi cancel --stack <name>` then `pulumi refresh --stack <name>` for it\n",
        );
        process.exit(RELEASE_EXIT.interrupted);
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
    return () => {
        process.off("SIGINT", onSignal);
        process.off("SIGTERM", onSignal);
    };
}
