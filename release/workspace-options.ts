// Everything the Automation API needs to know about where and how the stacks live, computed without
// touching the CLI or the disk, so it can be tested here:
//   - the workspace is the project directory itself (Pulumi.yaml and the committed Pulumi.<stack>.yaml);
//     no projectSettings/stackSettings are passed, because LocalWorkspace would rewrite those files;
//   - the backend is PULUMI_BACKEND_URL when set, otherwise a file backend inside the project
//     (file://<project>/.pulumi-state, git-ignored), so nobody needs a Pulumi Cloud account to try it;
//   - secrets: the passphrase provider by default (PULUMI_CONFIG_PASSPHRASE or _FILE must be set);
//   - every preview and update runs under the project's policy pack with its config.
import * as fs from "fs";
import * as path from "path";
import type { LocalWorkspaceOptions, PreviewOptions, UpOptions } from "@pulumi/pulumi/automation";
import { ReleaseUsageError } from "./types";

export const STATE_DIR = ".pulumi-state";
export const DEFAULT_SECRETS_PROVIDER = "passphrase";

export interface WorkspaceInput {
    /** The directory holding Pulumi.yaml and the stack files. */
    projectDir: string;
    /** The environment to read PULUMI_* settings from (process.env in the CLI). */
    env: Record<string, string | undefined>;
    /** "passphrase" (default), "default" (Pulumi Cloud), or a KMS URL (awskms://...). */
    secretsProvider?: string;
    policyPackDir?: string;
    policyPackConfig?: string;
}

export interface ReleaseWorkspace {
    workDir: string;
    backendUrl: string;
    /** True when PULUMI_BACKEND_URL was not set and the project-local file backend is used. */
    defaultBackend: boolean;
    /** Directory of a file:// backend; it must exist before the CLI logs in to it. */
    stateDir?: string;
    /** For LocalWorkspace.createOrSelectStack({ stackName, workDir }, workspaceOptions); add pulumiCommand. */
    workspaceOptions: LocalWorkspaceOptions & { workDir: string; envVars: Record<string, string> };
    /** Spread into every PreviewOptions and UpOptions. */
    policy: Required<Pick<PreviewOptions & UpOptions, "policyPacks" | "policyPackConfigs">>;
}

export class WorkspaceSetupError extends ReleaseUsageError {
    constructor(message: string) {
        super(message);
        this.name = "WorkspaceSetupError";
    }
}

export function releaseWorkspace(input: WorkspaceInput): ReleaseWorkspace {
    const workDir = path.resolve(input.projectDir);
    const configured = nonEmpty(input.env.PULUMI_BACKEND_URL);
    const backendUrl = configured ?? `file://${path.join(workDir, STATE_DIR)}`;
    const secretsProvider = input.secretsProvider ?? DEFAULT_SECRETS_PROVIDER;

    const envVars: Record<string, string> = {
        PULUMI_BACKEND_URL: backendUrl,
        // No update check against the Pulumi service on every command.
        PULUMI_SKIP_UPDATE_CHECK: "true",
    };
    if (secretsProvider === "passphrase") {
        const passphrase = input.env.PULUMI_CONFIG_PASSPHRASE;
        const passphraseFile = nonEmpty(input.env.PULUMI_CONFIG_PASSPHRASE_FILE);
        if (passphrase !== undefined) envVars.PULUMI_CONFIG_PASSPHRASE = passphrase;
        else if (passphraseFile !== undefined) envVars.PULUMI_CONFIG_PASSPHRASE_FILE = path.resolve(passphraseFile);
        else {
            throw new WorkspaceSetupError(
                "the passphrase secrets provider needs PULUMI_CONFIG_PASSPHRASE (or PULUMI_CONFIG_PASSPHRASE_FILE): " +
                    "export it (an empty value is accepted for a throwaway local state), or choose another provider with --secrets-provider",
            );
        }
    }

    return {
        workDir,
        backendUrl,
        defaultBackend: configured === undefined,
        stateDir: fileBackendDir(backendUrl),
        workspaceOptions: { workDir, envVars, secretsProvider },
        policy: {
            policyPacks: [path.resolve(workDir, input.policyPackDir ?? "policy-pack")],
            policyPackConfigs: [path.resolve(workDir, input.policyPackConfig ?? path.join("policy-pack", "config.json"))],
        },
    };
}

/** The directory of a file:// backend URL (file://~/x is the home directory's x), else undefined. */
export function fileBackendDir(backendUrl: string, home = process.env.HOME ?? ""): string | undefined {
    if (!backendUrl.startsWith("file://")) return undefined;
    const rest = backendUrl.slice("file://".length).split("?")[0];
    return rest.startsWith("~") ? path.join(home, rest.slice(1)) : rest;
}

function nonEmpty(value: string | undefined): string | undefined {
    return value === undefined || value.trim() === "" ? undefined : value;
}

// ---- The Pulumi CLI --------------------------------------------------------------------------------

export const CLI_MISSING_MESSAGE = [
    "The Pulumi CLI (`pulumi`) is not on PATH, and `npm run release` never downloads it.",
    "Either install it and run again:",
    "  curl -fsSL https://get.pulumi.com | sh     (or: brew install pulumi/tap/pulumi; see https://www.pulumi.com/docs/install/)",
    "or run the same gate, order and summary without deploying anything:",
    "  npm run release -- --offline",
].join("\n");

export class CliMissingError extends ReleaseUsageError {
    /** Without `unusable`: no pulumi on PATH. With it: the pulumi found cannot be used (too old, broken). */
    constructor(unusable?: string) {
        super(unusable ? `The Pulumi CLI ${unusable}.\n${CLI_MISSING_MESSAGE.split("\n").slice(1).join("\n")}` : CLI_MISSING_MESSAGE);
        this.name = "CliMissingError";
    }
}

export interface PathLookup {
    /** The PATH to search (process.env.PATH). */
    path: string | undefined;
    platform?: NodeJS.Platform;
    /** PATHEXT on Windows. */
    pathExt?: string;
    isExecutable?: (file: string) => boolean;
}

/** The first `pulumi` executable on PATH, or undefined: looks, never installs. */
export function findPulumiOnPath(lookup: PathLookup): string | undefined {
    const platform = lookup.platform ?? process.platform;
    const separator = platform === "win32" ? ";" : ":";
    const names =
        platform === "win32" ? (lookup.pathExt ?? ".EXE;.CMD;.BAT").split(";").map((ext) => `pulumi${ext.toLowerCase()}`) : ["pulumi"];
    const isExecutable = lookup.isExecutable ?? executable;
    for (const dir of (lookup.path ?? "").split(separator).filter((d) => d.length > 0)) {
        for (const name of names) {
            const candidate = path.join(dir, name);
            if (isExecutable(candidate)) return candidate;
        }
    }
    return undefined;
}

function executable(file: string): boolean {
    try {
        const stat = fs.statSync(file);
        if (!stat.isFile()) return false;
        fs.accessSync(file, fs.constants.X_OK);
        return true;
    } catch {
        return false;
    }
}
