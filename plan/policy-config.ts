// The policy pack's config file (policy-pack/config.json, the `--policy-pack-config` of the Pulumi CLI):
// read and validated once against every policy's schema and the organization (npm run policy, npm start,
// the release gate), and generated from the stack files (npm run policy-config).
import * as fs from "fs";
import * as path from "path";
import type { Policies } from "@pulumi/policy";
import { Organization } from "../config";
import { OverrideScopes, validatePackConfig } from "../policy-pack/lib/config-validation";
import { policies as packPolicies } from "../policy-pack/policies";

/** Bad pack config: exit 2 with this message, never a stack trace. */
export class PolicyConfigError extends Error {
    constructor(
        readonly file: string,
        readonly problems: string[],
    ) {
        super(`Invalid policy pack config:\n${problems.map((problem) => `  - ${file}: ${problem}`).join("\n")}`);
        this.name = "PolicyConfigError";
    }
}

/** The file as messages name it: relative to the working directory when it lies below it. */
function displayName(file: string): string {
    const relative = path.relative(process.cwd(), path.resolve(file));
    return relative && !relative.startsWith("..") ? relative : path.resolve(file);
}

/** Reads a config file as JSON; refuses anything that is not a JSON object. */
export function readConfigFile(file: string): Record<string, unknown> {
    const display = displayName(file);
    let text: string;
    try {
        text = fs.readFileSync(path.resolve(file), "utf8");
    } catch (error) {
        throw new PolicyConfigError(display, [`cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`]);
    }
    let parsed: unknown;
    try {
        parsed = JSON.parse(text);
    } catch (error) {
        throw new PolicyConfigError(display, [`is not valid JSON: ${(error as Error).message}`]);
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
        throw new PolicyConfigError(display, ["must be a JSON object of policy names"]);
    }
    return parsed as Record<string, unknown>;
}

/** What override keys may name in this organization: its accounts (and any allowed account), stacks and environments. */
export function overrideScopes(organization: Organization, config: Record<string, unknown> = {}): OverrideScopes {
    const environments = Object.values(organization.environments);
    const configured = Object.values(config).flatMap((entry) => {
        const ids = typeof entry === "object" && entry !== null ? (entry as Record<string, unknown>).allowedAccountIds : undefined;
        return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === "string") : [];
    });
    return {
        accounts: [
            ...new Set([...Object.values(organization.accounts), ...environments.map((env) => env.accountId), ...configured]),
        ].sort(),
        stacks: [...new Set(environments.map((env) => env.stack))].sort(),
        environments: [...new Set(environments.map((env) => env.name))].sort(),
    };
}

/** Throws PolicyConfigError unless `config` fits every policy's schema (and, given scopes, the organization). */
export function validatePolicyConfig(file: string, config: unknown, scopes?: OverrideScopes, list: Policies = packPolicies): void {
    const problems = validatePackConfig(config, list, scopes);
    if (problems.length > 0) {
        throw new PolicyConfigError(
            displayName(file),
            problems.map(({ key, problem }) => `${key}: ${problem}`),
        );
    }
}

/** Reads and validates a config file; with the organization (and the stacks being checked), override keys are checked too. */
export function loadPolicyConfig(file: string, organization?: Organization, otherStacks: string[] = []): Record<string, unknown> {
    const config = readConfigFile(file);
    const scopes = organization ? overrideScopes(organization, config) : undefined;
    // A state file may come from a stack the project's files do not name: overrides may name it too.
    if (scopes) scopes.stacks = [...new Set([...scopes.stacks, ...otherStacks])].sort();
    validatePolicyConfig(file, config, scopes);
    return config;
}

/** The one rule whose allowed accounts include the vendors. */
const VENDOR_TRUST_POLICY = "iam-trust-allowed-accounts";

/**
 * The pack config for an organization: every `allowedAccountIds` list is the organization's accounts (the
 * trust rule's also lists its vendors, `organization.vendors`: third parties the stack files let assume a
 * role with an external ID; no resource policy may name one, a vendor reaches our resources only through a
 * role); every overridable rule maps the environment names to their accounts (`environments`); everything
 * else (levels, the team's settings, overrides) is kept as it is.
 */
export function generatePolicyConfig(
    organization: Organization,
    existing: Record<string, unknown>,
    list: Policies = packPolicies,
): Record<string, unknown> {
    const accounts = [...new Set(Object.values(organization.accounts))].sort();
    const withVendors = [...new Set([...accounts, ...Object.values(organization.vendors)])].sort();
    const environments = Object.fromEntries(
        Object.values(organization.environments)
            .sort((a, b) => a.name.localeCompare(b.name))
            .map((env) => [env.name, env.accountId]),
    );
    const result: Record<string, unknown> = { ...existing };
    for (const policy of list) {
        const properties = policy.configSchema?.properties ?? {};
        const generated: Record<string, unknown> = {};
        if ("allowedAccountIds" in properties) generated.allowedAccountIds = policy.name === VENDOR_TRUST_POLICY ? withVendors : accounts;
        if ("environments" in properties) generated.environments = environments;
        if (Object.keys(generated).length === 0) continue;
        const current = existing[policy.name];
        const entry =
            typeof current === "string" ? { enforcementLevel: current } : typeof current === "object" && current !== null ? current : {};
        result[policy.name] = { ...entry, ...generated };
    }
    return result;
}

export const formatConfig = (config: Record<string, unknown>): string => `${JSON.stringify(config, null, 2)}\n`;
