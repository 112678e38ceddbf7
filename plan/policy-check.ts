// The policy pack over a stack export or preview JSON file, without the Pulumi CLI (`npm run policy`):
// read the file and the pack config, run the pack, render the violations.
import { existsSync } from "fs";
import * as path from "path";
import { PolicyViolation, runPolicyPack } from "../policy-pack/engine";
import { stackOfUrn } from "../policy-pack/lib/config";
import { Organization } from "../config";
import { loadProject } from "./plan";
import { loadPolicyConfig } from "./policy-config";
import { readJson, resourcesFromDocument } from "./stack-state";

export { UnusableInputError } from "./stack-state";

export const DEFAULT_CONFIG = path.join(__dirname, "..", "policy-pack", "config.json");
const PROJECT_DIR = path.join(__dirname, "..");

export interface PolicyCheck {
    violations: PolicyViolation[];
    stackUrn?: string;
    /** Whether a mandatory policy was violated. */
    mandatory: boolean;
}

/** The project's organization when its stack files are here and valid: override keys are checked against it. */
function projectOrganization(projectDir: string): Organization | undefined {
    if (!existsSync(path.join(projectDir, "Pulumi.yaml"))) return undefined;
    try {
        return loadProject(projectDir).organization;
    } catch {
        // The stack files are not this command's input; npm start reports them.
        return undefined;
    }
}

/**
 * Checks `file` (or stdin for "-") against the pack with the config in `configFile` (the default config
 * may be missing). Throws UnusableInputError for unreadable input, PolicyConfigError for a bad config.
 */
export async function checkPolicyFile(file: string, configFile: string = DEFAULT_CONFIG, projectDir = PROJECT_DIR): Promise<PolicyCheck> {
    const { resources, stackUrn } = resourcesFromDocument(readJson(file, "input"));
    const stacks = [...new Set(resources.map((resource) => stackOfUrn(resource.urn)).filter((stack): stack is string => !!stack))];
    const config =
        configFile === DEFAULT_CONFIG && !existsSync(DEFAULT_CONFIG)
            ? {}
            : loadPolicyConfig(configFile, projectOrganization(projectDir), stacks);
    const violations = await runPolicyPack(resources, { config });
    return { violations, stackUrn, mandatory: violations.some((violation) => violation.enforcementLevel === "mandatory") };
}

export function formatText(violations: PolicyViolation[], stackUrn: string | undefined): string {
    if (violations.length === 0) return "No policy violations.\n";
    const groups = new Map<string, PolicyViolation[]>();
    for (const violation of violations) {
        const key = violation.urn ?? stackUrn ?? "(stack)";
        groups.set(key, [...(groups.get(key) ?? []), violation]);
    }
    const lines: string[] = [];
    for (const [urn, group] of groups) {
        lines.push(urn);
        for (const violation of group) lines.push(`  [${violation.enforcementLevel}] ${violation.policyName}: ${violation.message}`);
        lines.push("");
    }
    const mandatory = violations.filter((violation) => violation.enforcementLevel === "mandatory").length;
    lines.push(
        `${violations.length} violation${violations.length === 1 ? "" : "s"}: ${mandatory} mandatory, ${violations.length - mandatory} advisory.`,
    );
    return `${lines.join("\n")}\n`;
}

export function formatJson(violations: PolicyViolation[], stackUrn: string | undefined): string {
    const rows = violations.map(({ policyName, enforcementLevel, urn, message }) => ({
        policyName,
        enforcementLevel,
        urn: urn ?? stackUrn ?? null,
        message,
    }));
    return `${JSON.stringify(rows, null, 2)}\n`;
}
