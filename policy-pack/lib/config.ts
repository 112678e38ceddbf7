import type { PolicyConfigSchema } from "@pulumi/policy";
import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";

/**
 * Per-rule settings can be overridden per account id or per stack name, because one config file
 * serves every stack: `"overrides": { "999999999999": { "requireMfa": true }, "prod": { ... } }`.
 * Stack-name overrides win over account overrides.
 */
export type WithOverrides<T> = Partial<T> & { overrides?: Record<string, Partial<T>> };

export interface ConfigScope {
    accounts: string[];
    stack?: string;
}

const overridesSchema: PolicyConfigJSONSchema = {
    type: "object",
    description: "Settings per account id or stack name, e.g. {\"999999999999\": {\"requireMfa\": true}}.",
    additionalProperties: { type: "object" },
};

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
    if (options.overridable) withDefaults.overrides = overridesSchema;
    return { properties: withDefaults };
}

/** Defaults, then the rule's config, then overrides for the resource's account, then for its stack. */
export function resolveConfig<T extends object>(defaults: T, raw: unknown, scope: ConfigScope): T {
    const config: WithOverrides<T> = isPlainObject(raw) ? (raw as WithOverrides<T>) : {};
    const { overrides, ...base } = config;
    const layers: Partial<T>[] = [base as Partial<T>];
    if (isPlainObject(overrides)) {
        for (const account of scope.accounts) {
            if (isPlainObject(overrides[account])) layers.push(overrides[account] as Partial<T>);
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

/** Ignore settings of the wrong type rather than letting a typo in config.json break every rule. */
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
            items: { type: "string", pattern: "^[0-9]{12}$" },
            description: "Accounts of the organization that may be trusted or granted access.",
        } as PolicyConfigJSONSchema,
    },
};
