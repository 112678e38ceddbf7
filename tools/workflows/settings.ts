// What the generated workflows may be told, besides the stack graph: `workflows.json` next to
// Pulumi.yaml (optional; every key has a default), overridden by command-line options. Validated once
// here, with zod like the stack config; a mistake stops the generator with the file, the key and the problem.
import * as fs from "fs";
import * as path from "path";
import { z } from "zod";
import { roleName } from "../../config";

export const SETTINGS_FILE = "workflows.json";

/** GitHub runs at most 256 jobs from one matrix (docs.github.com/en/actions/reference/limits). */
export const MATRIX_JOB_LIMIT = 256;

const workflowSettingsSchema = z
    .object({
        /** Most stacks of a wave released at once (the matrix's `max-parallel`), and the gate's `--parallel`. */
        maxParallel: z
            .number()
            .int("must be a whole number")
            .min(1, "must be at least 1")
            .max(MATRIX_JOB_LIMIT, `must be at most ${MATRIX_JOB_LIMIT} (GitHub runs at most ${MATRIX_JOB_LIMIT} jobs of one matrix)`)
            .default(4),
        /**
         * The role GitHub Actions assumes through OIDC in each account (see deploy-role.ts). It must trust
         * the repository's OIDC tokens and be allowed to assume the organization's deploymentRoleName.
         */
        deployRoleName: roleName.default("GitHubActionsDeploy"),
        /** The stack whose account's deploy role the gate job assumes (default: the first stack of the order). */
        gateStack: z.string().min(1).optional(),
        /** The branch whose pushes release. */
        branch: z.string().min(1).default("main"),
        /** A GitHub environment for the release jobs (protection rules; the OIDC `sub` then names it). */
        githubEnvironment: z.string().min(1).optional(),
        runsOn: z.string().min(1).default("ubuntu-latest"),
        nodeVersion: z
            .string()
            .regex(/^\d+(\.\d+){0,2}$/, "must be a Node.js version such as 20")
            .default("20"),
        /** Pulumi CLI version (default: the version of the @pulumi/pulumi SDK installed, released together with the CLI). */
        pulumiVersion: z
            .string()
            .regex(/^\d+\.\d+\.\d+$/, "must be an exact version such as 3.248.0")
            .optional(),
        /** Lifetime of the OIDC session (900-43,200 s; the deploy role's MaxSessionDuration must allow it). */
        sessionDurationSeconds: z
            .number()
            .int("must be a whole number")
            .min(900, "must be at least 900 seconds (STS minimum)")
            .max(43200, "must be at most 43200 seconds (STS maximum)")
            .default(3600),
        /** --secrets-provider of the release: "passphrase" needs the PULUMI_CONFIG_PASSPHRASE secret. */
        secretsProvider: z
            .string()
            .regex(
                /^(passphrase|default|(awskms|azurekeyvault|gcpkms|hashivault):\/\/\S+)$/,
                "must be passphrase, default or a KMS URL such as awskms://alias/pulumi",
            )
            .default("passphrase"),
    })
    .strict();

export type WorkflowSettings = z.infer<typeof workflowSettingsSchema>;
export type WorkflowSettingsInput = z.input<typeof workflowSettingsSchema>;

export class WorkflowInputError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "WorkflowInputError";
    }
}

/**
 * The project's workflows.json (if any) with `overrides` (command-line options) on top, validated.
 * `where` names the source of each key in messages.
 */
export function loadWorkflowSettings(projectDir: string, overrides: WorkflowSettingsInput = {}): WorkflowSettings {
    const file = path.join(projectDir, SETTINGS_FILE);
    let fromFile: Record<string, unknown> = {};
    if (fs.existsSync(file)) {
        try {
            fromFile = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>;
        } catch (error) {
            throw new WorkflowInputError(`${SETTINGS_FILE}: is not valid JSON: ${(error as Error).message}`);
        }
        if (fromFile === null || typeof fromFile !== "object" || Array.isArray(fromFile)) {
            throw new WorkflowInputError(`${SETTINGS_FILE}: must be a JSON object`);
        }
    }
    const given = Object.fromEntries(Object.entries(overrides).filter(([, value]) => value !== undefined));
    const parsed = workflowSettingsSchema.safeParse({ ...fromFile, ...given });
    if (!parsed.success) {
        const [issue] = parsed.error.issues;
        const key = String(issue.path[0] ?? "");
        const source = key in given ? `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}` : `${SETTINGS_FILE}: ${key}`;
        const problem = issue.code === "unrecognized_keys" ? `unknown key(s) ${issue.keys.join(", ")}` : issue.message;
        throw new WorkflowInputError(`${issue.code === "unrecognized_keys" ? SETTINGS_FILE : source}: ${problem}`);
    }
    return parsed.data;
}
