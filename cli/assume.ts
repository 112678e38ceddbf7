// `npm run assume -- prod/UpdateApp [--principal dev/group/Developers] [--profile NAME] [--mfa-serial ARN]
//     [--token-code 123456] [--duration 3600] [--session-name NAME] [--external-id ID] [--print] [-- command args]`
// Assumes the role with STS (AWS SDK v3, the default credential chain or --profile), after checking the
// request against the offline plan, then runs the command with the session's credentials or prints
// `export` lines. Exit codes: the command's; 0 printed; 1 denied (by the analysis or STS); 2 bad input.
import * as os from "os";
import * as path from "path";
import { Command, InvalidArgumentError } from "commander";
import { assumeRole, exportLines, sessionEnvironment, type AssumeDeps } from "../role-switching/assume";
import { loadCatalog, type RoleCatalog } from "../role-switching/catalog";
import { CommandIo, PROJECT_DIR, processIo, runCommand, runMain } from "../role-switching/command";
import { badInput } from "../role-switching/errors";
import { askAtTerminal, runInherited } from "../role-switching/terminal";

// The project runs on Node 20 (Pulumi ~3.248); the locked SDK supports it, and its notice that later
// versions will not would drown the one line this command prints.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

interface Options {
    principal?: string;
    profile?: string;
    mfaSerial?: string;
    tokenCode?: string;
    duration?: number;
    sessionName?: string;
    externalId?: string;
    print?: boolean;
    project: string;
}

export interface AssumeIo extends CommandIo {
    /** Dependencies the tests replace: STS, profiles, the MFA prompt. */
    deps?: Partial<Omit<AssumeDeps, "catalog">>;
    /** Runs the command with the session's environment; resolves to its exit code. */
    run?: (command: string, args: string[], env: NodeJS.ProcessEnv) => Promise<number>;
    env?: NodeJS.ProcessEnv;
    /** The organization, already planned (tests plan it once). */
    catalog?: RoleCatalog;
}

function seconds(value: string): number {
    if (!/^\d+$/.test(value)) throw new InvalidArgumentError("must be a whole number of seconds");
    return Number(value);
}

export async function main(argv: string[], io: AssumeIo = processIo): Promise<number> {
    const program = new Command("assume")
        .description("Assume a role of the organization with STS, after checking the request against the offline plan.")
        .argument("<role>", "the role: <env>/<Role>, <env>/role/<Role>, <env>-<Role> or its ARN")
        .argument("[command...]", "command to run with the role's credentials (after --)")
        .option(
            "--principal <ref>",
            "who you are in the organization (<env>/group/<Name>, ...): checked against the offline analysis first",
        )
        .option("--profile <name>", "credentials for the call (default: the SDK's default provider chain)")
        .option("--mfa-serial <arn>", "your MFA device (default: the profile's mfa_serial)")
        .option("--token-code <code>", "the MFA code (default: asked at the terminal)")
        .option("--duration <seconds>", "session duration, at most the role's maximum", seconds)
        .option("--session-name <name>", "RoleSessionName (default: your name, fitted to the trust's pattern)")
        .option("--external-id <id>", "the external ID the role's trust requires")
        .option("--print", "print export lines instead of running a command")
        .option("--project <dir>", "directory holding Pulumi.yaml and the stack files", PROJECT_DIR);
    return runCommand(program, argv, io, async () => {
        const options = program.opts<Options>();
        const [role, command = []] = program.processedArgs as [string, string[]];
        if (options.print && command.length > 0)
            throw badInput(`--print: prints the credentials; give either --print or a command, not both`);
        if (!options.print && command.length === 0)
            throw badInput(`<command>: give a command to run after --, or --print for export lines`);
        const catalog = io.catalog ?? (await loadCatalog(path.resolve(options.project), { exclusiveRuntime: true }));
        const session = await assumeRole(
            { role, ...options, durationSeconds: options.duration },
            { catalog, localUser: os.userInfo().username, readMfaCode: process.stdin.isTTY ? askAtTerminal : undefined, ...io.deps },
        );
        if (options.print) {
            io.stdout.write(exportLines(session));
            return 0;
        }
        const env = sessionEnvironment(io.env ?? process.env, session);
        return (io.run ?? runInherited)(command[0], command.slice(1), env);
    });
}

if (require.main === module) runMain("assume", main);
