import type { PolicyConfigSchema } from "@pulumi/policy";
import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";

/**
 * Per-rule settings can be overridden per account id, environment name or stack name, because one
 * config file serves every stack: `"overrides": { "prod": { "requireMfa": true } }`. An environment
 * name reaches the pack through the rule's `environments` setting (environment → account), which
 * `npm run policy-config` writes from the stack files. Stack-name overrides win over environment
 * overrides, which win over account overrides.
 */
export type WithOverrides<T> = Partial<T> & { overrides?: Record<string, Partial<T>>; environments?: Record<string, string> };

export interface ConfigScope {
    accounts: string[];
    stack?: string;
}

const ACCOUNT_PATTERN = "^[0-9]{12}$";

/** A configSchema whose defaults come from the same object the rule uses when no config is given. */
export function configSchema<T extends object>(
    defaults: T,
    properties: { [K in keyof T]: PolicyConfigJSONSchema },
    options: { overridable?: boolean } = {},
): PolicyConfigSchema {
    const withDefaults: Record<string, PolicyConfigJSONSchema> = {};
    for (const key of Object.keys(properties) as (keyof T & string)[]) {
        withDefaults[key] = { ...properties[key], default: defaults[key] as unknown as PolicyConfigJSONSchema["default"] };
    }
    if (options.overridable) {
        withDefaults.overrides = {
            type: "object",
            description: 'Settings per account id, environment name or stack name, e.g. {"prod": {"requireMfa": true}}.',
            // Each override holds the rule's own settings and nothing else: a misspelt one is refused.
            additionalProperties: { type: "object", properties: { ...properties }, additionalProperties: false },
        };
        withDefaults.environments = {
            type: "object",
            description: "Environment name → account id, so that overrides can name environments (written by npm run policy-config).",
            additionalProperties: { type: "string", pattern: ACCOUNT_PATTERN },
        };
    }
    // The CLI only reads `properties` and `required`; the offline validator and the rules also read this.
    return { properties: withDefaults, additionalProperties: false } as PolicyConfigSchema;
}

/** Defaults, then the rule's config, then overrides for the resource's account, environment, then stack. */
export function resolveConfig<T extends object>(defaults: T, raw: unknown, scope: ConfigScope): T {
    if (!isPlainObject(raw)) return layered(defaults, {}, scope);
    // Every resource of a stack asks with the same few scopes, and a rule's config of a large organization
    // lists every account (allowedAccountIds, environments): resolving it afresh for each resource and
    // rule cost time with the square of the organization's size. Rules only read their config.
    let byDefaults = resolved.get(raw);
    if (!byDefaults) resolved.set(raw, (byDefaults = new WeakMap()));
    let byScope = byDefaults.get(defaults);
    if (!byScope) byDefaults.set(defaults, (byScope = new Map()));
    const key = `${scope.accounts.join(",")}|${scope.stack ?? ""}`;
    let result = byScope.get(key);
    if (!result) byScope.set(key, (result = layered(defaults, raw, scope)));
    return result as T;
}

/** Resolved configs by raw config object, rule defaults and scope (see resolveConfig). */
const resolved = new WeakMap<object, WeakMap<object, Map<string, unknown>>>();

function layered<T extends object>(defaults: T, raw: Record<string, unknown>, scope: ConfigScope): T {
    const config = raw as WithOverrides<T>;
    const { overrides, environments, ...base } = config;
    const layers: Partial<T>[] = [base as Partial<T>];
    if (isPlainObject(overrides)) {
        for (const account of scope.accounts) {
            if (isPlainObject(overrides[account])) layers.push(overrides[account] as Partial<T>);
        }
        for (const [environment, account] of overriddenEnvironments(raw, overrides, environments)) {
            if (scope.accounts.includes(account)) layers.push(overrides[environment] as Partial<T>);
        }
        if (scope.stack && isPlainObject(overrides[scope.stack])) layers.push(overrides[scope.stack] as Partial<T>);
    }
    const result = { ...defaults };
    for (const layer of layers) {
        for (const key of Object.keys(defaults) as (keyof T)[]) {
            const value = layer[key];
            if (value !== undefined && value !== null && sameShape(value, defaults[key])) result[key] = value as T[keyof T];
        }
    }
    return result;
}

/**
 * The environments (in the config's order) that have overrides, with their accounts: a few entries of
 * an environments map that lists the whole organization, found once per config.
 */
function overriddenEnvironments(raw: object, overrides: Record<string, unknown>, environments: unknown): [string, string][] {
    let found = overriddenOf.get(raw);
    if (!found) {
        found = Object.entries(isPlainObject(environments) ? environments : {}).filter(
            (entry): entry is [string, string] => typeof entry[1] === "string" && isPlainObject(overrides[entry[0]]),
        );
        overriddenOf.set(raw, found);
    }
    return found;
}

const overriddenOf = new WeakMap<object, [string, string][]>();

/** The config was validated before (validatePackConfig / the rule itself); this only keeps types sound. */
function sameShape(value: unknown, reference: unknown): boolean {
    if (Array.isArray(reference)) return Array.isArray(value) && value.every((item) => typeof item === "string");
    return typeof value === typeof reference;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The stack name from a URN: urn:pulumi:<stack>::<project>::<type>::<name>. */
export function stackOfUrn(urn: string | undefined): string | undefined {
    const match = /^urn:pulumi:([^:]+)::/.exec(urn ?? "");
    return match ? match[1] : undefined;
}

export interface AllowedAccountsConfig {
    allowedAccountIds: string[];
}

/** The organization's accounts; a resource's own account is always allowed on top of these. */
export const allowedAccountsConfig = {
    defaults: { allowedAccountIds: [] as string[] },
    schema: {
        allowedAccountIds: {
            type: "array",
            items: { type: "string", pattern: ACCOUNT_PATTERN },
            description: "Accounts of the organization that may be trusted or granted access.",
        } as PolicyConfigJSONSchema,
    },
};
