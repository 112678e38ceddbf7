// Validates a `--policy-pack-config` file against the pack: policy names, enforcement levels, and each
// policy's settings against its configSchema. The same check runs offline (npm run policy, npm start,
// the release gate: exit 2) and inside the pack under the Pulumi CLI (the rule fails), because the CLI
// itself only checks types and lets misspelt settings through.
import type { EnforcementLevel, Policies, PolicyConfigSchema } from "@pulumi/policy";
import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import { didYouMean } from "./did-you-mean";

export const ENFORCEMENT_LEVELS: EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];

export interface ConfigProblem {
    /** Dotted path in the config file, e.g. `iam-trust-cross-account-conditions.overrides.prod.requireMFA`. */
    key: string;
    problem: string;
}

/** What an `overrides` key may name: an allowed account, a stack name or an environment name. */
export interface OverrideScopes {
    accounts: string[];
    stacks: string[];
    environments: string[];
}

/** The key the pack reserves for the pack-wide enforcement level. */
const ALL = "all";

/** Every problem of `config` for the given policies; `scopes` adds the check of override keys. */
export function validatePackConfig(config: unknown, policies: Policies, scopes?: OverrideScopes): ConfigProblem[] {
    if (!isObject(config)) return [{ key: "(file)", problem: `must be a JSON object of policy names, got ${describe(config)}` }];
    const byName = new Map(policies.map((policy) => [policy.name, policy]));
    const names = [...byName.keys(), ALL];
    const problems: ConfigProblem[] = [];
    for (const [name, entry] of Object.entries(config)) {
        const policy = byName.get(name);
        if (!policy && name !== ALL) {
            problems.push({ key: name, problem: `unknown policy${didYouMean(name, names)}` });
            continue;
        }
        if (typeof entry === "string") {
            if (!ENFORCEMENT_LEVELS.includes(entry as EnforcementLevel)) problems.push(badLevel(name, entry));
            continue;
        }
        if (!isObject(entry)) {
            problems.push({ key: name, problem: `must be an enforcement level or an object of settings, got ${describe(entry)}` });
            continue;
        }
        const { enforcementLevel, ...settings } = entry;
        if (enforcementLevel !== undefined && !ENFORCEMENT_LEVELS.includes(enforcementLevel as EnforcementLevel)) {
            problems.push(badLevel(`${name}.enforcementLevel`, enforcementLevel));
        }
        problems.push(...validateSettings(name, settings, policy?.configSchema, scopes));
    }
    return problems;
}

/** The problems of one policy's settings (as `getConfig()` returns them) against its schema. */
export function validateSettings(
    prefix: string,
    settings: Record<string, unknown>,
    schema: PolicyConfigSchema | undefined,
    scopes?: OverrideScopes,
): ConfigProblem[] {
    const properties = schema?.properties ?? {};
    const problems: ConfigProblem[] = [];
    for (const [key, value] of Object.entries(settings)) {
        const property = properties[key];
        if (!property) {
            const known = Object.keys(properties);
            problems.push({
                key: `${prefix}.${key}`,
                problem: `unknown setting${didYouMean(key, known)}${known.length === 0 ? " (this policy has no settings)" : ` (settings: ${known.join(", ")})`}`,
            });
            continue;
        }
        problems.push(...validateValue(`${prefix}.${key}`, value, property));
        if (key === "overrides" && scopes && isObject(value)) {
            const allowed = [...scopes.accounts, ...scopes.stacks, ...scopes.environments];
            for (const scope of Object.keys(value)) {
                if (allowed.includes(scope)) continue;
                problems.push({
                    key: `${prefix}.overrides.${scope}`,
                    problem:
                        `is neither an allowed account (${scopes.accounts.join(", ") || "none"}), a stack (${scopes.stacks.join(", ") || "none"}) ` +
                        `nor an environment (${scopes.environments.join(", ") || "none"})${didYouMean(scope, allowed)}`,
                });
            }
        }
    }
    for (const required of schema?.required ?? []) {
        if (!(required in settings)) problems.push({ key: `${prefix}.${required}`, problem: "is required" });
    }
    return problems;
}

/** The subset of JSON Schema the pack's schemas use. */
function validateValue(key: string, value: unknown, schema: PolicyConfigJSONSchema): ConfigProblem[] {
    const types = schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
    if (types.length > 0 && !types.some((type) => hasType(value, type))) {
        return [{ key, problem: `must be ${types.map(article).join(" or ")}, got ${describe(value)}` }];
    }
    if (schema.enum && !schema.enum.some((option) => JSON.stringify(option) === JSON.stringify(value))) {
        return [
            { key, problem: `must be one of ${schema.enum.map((option) => JSON.stringify(option)).join(", ")}, got ${describe(value)}` },
        ];
    }
    const problems: ConfigProblem[] = [];
    if (typeof value === "string" && schema.pattern && !new RegExp(schema.pattern).test(value)) {
        problems.push({ key, problem: `"${value}" does not match ${schema.pattern}` });
    }
    if (typeof value === "number") {
        if (schema.minimum !== undefined && value < schema.minimum)
            problems.push({ key, problem: `must be at least ${schema.minimum}, got ${value}` });
        if (schema.maximum !== undefined && value > schema.maximum)
            problems.push({ key, problem: `must be at most ${schema.maximum}, got ${value}` });
    }
    if (Array.isArray(value) && isSchema(schema.items)) {
        const items = schema.items;
        value.forEach((item, index) => problems.push(...validateValue(`${key}[${index}]`, item, items)));
    }
    if (isObject(value)) {
        const properties = schema.properties ?? {};
        for (const [name, entry] of Object.entries(value)) {
            const property = properties[name];
            if (isSchema(property)) {
                problems.push(...validateValue(`${key}.${name}`, entry, property));
            } else if (schema.additionalProperties === false) {
                const known = Object.keys(properties);
                problems.push({ key: `${key}.${name}`, problem: `unknown setting${didYouMean(name, known)}` });
            } else if (isSchema(schema.additionalProperties)) {
                problems.push(...validateValue(`${key}.${name}`, entry, schema.additionalProperties));
            }
        }
    }
    return problems;
}

const isSchema = (value: unknown): value is PolicyConfigJSONSchema => isObject(value);

function hasType(value: unknown, type: string): boolean {
    switch (type) {
        case "string":
            return typeof value === "string";
        case "boolean":
            return typeof value === "boolean";
        case "integer":
            return Number.isInteger(value);
        case "number":
            return typeof value === "number" && Number.isFinite(value);
        case "array":
            return Array.isArray(value);
        case "object":
            return isObject(value);
        case "null":
            return value === null;
        default:
            return true;
    }
}

const article = (type: string): string => (type === "array" || type === "object" || type === "integer" ? `an ${type}` : `a ${type}`);

function describe(value: unknown): string {
    if (Array.isArray(value)) return "an array";
    if (value === null) return "null";
    if (typeof value === "string") return `the string "${value}"`;
    if (typeof value === "object") return "an object";
    return `${typeof value} ${String(value)}`;
}

function badLevel(key: string, value: unknown): ConfigProblem {
    return {
        key,
        problem:
            `${describe(value)} is not an enforcement level (${ENFORCEMENT_LEVELS.join(", ")})` +
            (typeof value === "string" ? didYouMean(value, ENFORCEMENT_LEVELS) : ""),
    };
}

function isObject(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}
