// `npm run release -- [--stacks dev,test,prod] [--preview-only] [--offline] [--parallel N] [--refresh] [--json <file|->] [--yes]`
//
// Previews every selected stack under the policy pack (the gate), then updates them in dependency
// order, independent stacks in parallel. With a real Pulumi CLI through the Automation API, or with
// --offline through the plan engine (nothing is deployed). See release/README.md.
//
// Exit codes: 0 released (or, with --preview-only, the gate passed); 1 the gate failed (including a
// broken stack file or a dependency cycle), the update was not confirmed, or an update failed: the
// summary says what was and was not updated; 2 usage or environment (bad flags, unknown stack, no
// Pulumi CLI, no passphrase, updates without --yes and no terminal to ask); 130 interrupted.
import * as fs from "fs";
import * as path from "path";
import { Command, CommanderError, InvalidArgumentError } from "commander";
import { ReleaseIo, runRelease } from "../release/command";
import { releaseToJson, renderText } from "../release/summary";
import { handleSignals } from "../release/terminal";
import { RELEASE_EXIT } from "../release/types";

export type { InterruptState, ReleaseIo } from "../release/command";

const REPO_DIR = path.resolve(__dirname, "..");
export const EXIT = RELEASE_EXIT;

interface Options {
    stacks?: string[];
    previewOnly?: boolean;
    offline?: boolean;
    parallel: number;
    refresh?: boolean;
    json?: string;
    yes?: boolean;
    project: string;
    policyConfig: string;
    secretsProvider: string;
}

export async function main(argv: string[], io: ReleaseIo = defaultIo()): Promise<number> {
    const program = new Command("release")
        .description(
            "Preview every selected stack under the policy pack, then update them in dependency order " +
                "(Pulumi Automation API; --offline: the plan engine, nothing is deployed).",
        )
        .option("-s, --stacks <names>", "comma-separated stacks to release (default: every Pulumi.<stack>.yaml)", splitList)
        .option("--preview-only", "run the gate only: preview every stack under the policy pack, update nothing")
        .option("--offline", "no Pulumi CLI, no cloud: the plan engine stands in for previews and updates; nothing is deployed")
        .option("-p, --parallel <n>", "most stacks previewed or updated at once", positiveInteger, 4)
        .option("--refresh", "refresh each stack's state from the cloud before previewing and updating it")
        .option("--json <file>", "write the release result as JSON to a file, or - for stdout (progress is then quiet)")
        .option("-y, --yes", "update without asking (required for updates when there is no terminal)")
        .option("--project <dir>", "directory holding Pulumi.yaml and the stack files", REPO_DIR)
        .option("--policy-config <file>", "policy pack config", path.join(REPO_DIR, "policy-pack", "config.json"))
        .option(
            "--secrets-provider <provider>",
            "secrets provider for stacks created by the release (passphrase, default, awskms://...)",
            "passphrase",
        )
        .exitOverride()
        .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });
    try {
        program.parse(argv, { from: "user" });
    } catch (error) {
        if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
        throw error;
    }
    const options = program.opts<Options>();
    const { json, ...rest } = options;
    const outcome = await runRelease({ ...rest, quiet: json !== undefined }, io);
    if ("usage" in outcome) {
        io.stderr.write(`release: ${outcome.usage}\n`);
        return EXIT.usage;
    }
    const { result, secrets } = outcome;
    // With --json - the JSON goes to stdout, the summary to stderr.
    (json === "-" ? io.stderr : io.stdout).write(`${renderText(result, secrets)}\n`);
    if (json) {
        const text = `${JSON.stringify(releaseToJson(result, secrets), null, 2)}\n`;
        if (json === "-") io.stdout.write(text);
        else fs.writeFileSync(json, text);
    }
    if (result.interrupted) return EXIT.interrupted;
    return result.ok ? EXIT.ok : EXIT.failed;
}

function splitList(value: string, previous?: string[]): string[] {
    const names = value
        .split(",")
        .map((s) => s.trim())
        .filter((s) => s.length > 0);
    if (names.length === 0) throw new InvalidArgumentError("expected stack names, e.g. dev,test,prod");
    return [...(previous ?? []), ...names];
}

function positiveInteger(value: string): number {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("must be a positive integer");
    return n;
}

function defaultIo(): ReleaseIo {
    return {
        stdout: process.stdout,
        stderr: process.stderr,
        env: process.env,
        interactive: Boolean(process.stdin.isTTY && process.stderr.isTTY),
        onRelease: handleSignals,
    };
}

if (require.main === module) {
    main(process.argv.slice(2)).then(
        (code) => (process.exitCode = code),
        (error) => {
            process.stderr.write(`release failed: ${(error as Error).stack ?? error}\n`);
            process.exitCode = EXIT.failed;
        },
    );
}
