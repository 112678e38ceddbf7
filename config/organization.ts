// Validates every stack file of the project once, cross-checks them, and resolves references
// (`prod/role/UpdateApp`, `prod/bucket/productionapp`) into names and ARNs. Bad config stops here,
// with one message that names the stack file, the key path and the problem.
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { CONFIG_NAMESPACE, EnvironmentSettings, environmentSchema, organizationSchema } from "./schema";
import { StackFile } from "./stack-files";
import { Problem, crossCheck } from "./validate";

export { bucketName } from "./names";

export class ConfigError extends pulumi.RunError {
    constructor(readonly problems: string[]) {
        super(`Invalid stack configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
        this.name = "ConfigError";
    }
}

export interface Environment {
    name: string;
    stack: string;
    fileName: string;
    accountId: string;
    region: string;
    settings: EnvironmentSettings;
    secretKeys: string[];
}

export interface Organization {
    accounts: Record<string, string>;
    /** Third parties trusted with an external ID, by name (crossaccount:organization.vendors). */
    vendors: Record<string, string>;
    partition: string;
    orgId?: string;
    deploymentRoleName?: string;
    environments: Record<string, Environment>;
}

/** Validates the given stack files together; throws ConfigError listing every problem found. */
export interface OrganizationLoadOptions {
    /** The day time-bound checks (Lambda runtime deprecations) compare with; defaults to now. */
    now?: Date;
}

export function loadOrganization(stackFiles: StackFile[], options: OrganizationLoadOptions = {}): Organization {
    const problems: string[] = [];
    const environments: Record<string, Environment> = {};
    const organizations: OrganizationParses = new Map();
    for (const file of stackFiles) {
        const environment = parseEnvironment(file, organizations, (where, message) =>
            problems.push(`${file.fileName}: ${where}: ${message}`),
        );
        if (!environment) continue;
        const existing = environments[environment.name];
        if (existing) {
            problems.push(
                `${file.fileName}: ${CONFIG_NAMESPACE}:environment: environment '${environment.name}' is already deployed by ${existing.fileName}`,
            );
            continue;
        }
        environments[environment.name] = environment;
    }
    if (problems.length > 0) throw new ConfigError(problems);

    const [first] = Object.values(environments);
    if (!first) throw new ConfigError(["no stack file found (expected Pulumi.<stack>.yaml next to Pulumi.yaml)"]);
    const organization: Organization = {
        accounts: first.settings.organization.accounts,
        vendors: first.settings.organization.vendors,
        partition: first.settings.organization.partition,
        orgId: first.settings.organization.orgId,
        deploymentRoleName: first.settings.organization.deploymentRoleName,
        environments,
    };
    for (const environment of Object.values(environments)) {
        crossCheck(
            environment,
            organization,
            (where, message) => problems.push(`${environment.fileName}: ${where}: ${message}`),
            options.now ?? new Date(),
        );
    }
    if (problems.length > 0) throw new ConfigError(problems);
    return organization;
}

/** `organization` parsed once per distinct content: every stack file repeats it, with every account. */
type OrganizationParses = Map<string, ReturnType<typeof organizationSchema.safeParse>>;

/** The rest of a stack file's settings (see parseSettings). */
const settingsBesideOrganization = environmentSchema.extend({ organization: z.unknown().optional() });

/**
 * environmentSchema.safeParse, with the organization section (the same in every stack file, and as
 * long as the organization) validated once for all files: the same data, and the same issues in the
 * same order, as parsing each file whole.
 */
function parseSettings(
    raw: Record<string, unknown>,
    organizations: OrganizationParses,
): { success: true; data: EnvironmentSettings } | { success: false; issues: z.core.$ZodIssue[] } {
    const text = JSON.stringify(raw.organization) ?? "undefined";
    let organization = organizations.get(text);
    if (!organization) organizations.set(text, (organization = organizationSchema.safeParse(raw.organization)));
    const rest = settingsBesideOrganization.safeParse(raw);
    if (organization.success && rest.success) return { success: true, data: { ...rest.data, organization: organization.data } };
    return {
        success: false,
        issues: [
            ...(organization.success
                ? []
                : organization.error.issues.map((issue) => ({ ...issue, path: ["organization", ...issue.path] }))),
            ...(rest.success ? [] : rest.error.issues),
        ],
    };
}

function parseEnvironment(file: StackFile, organizations: OrganizationParses, problem: Problem): Environment | undefined {
    const prefix = `${CONFIG_NAMESPACE}:`;
    const raw: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(file.values)) {
        if (!key.startsWith(prefix)) continue;
        raw[key.slice(prefix.length)] = value;
    }
    const region = file.values["aws:region"];
    if (typeof region !== "string" || !/^[a-z]{2}(-gov)?-[a-z]+-\d$/.test(region)) {
        problem("aws:region", `must be set to an AWS region such as us-east-1 (got ${JSON.stringify(region)})`);
    }
    const parsed = parseSettings(raw, organizations);
    if (!parsed.success) {
        for (const issue of parsed.issues) problem(keyPath(issue), describeIssue(issue, raw));
        return undefined;
    }
    const settings = parsed.data;
    const name = settings.environment ?? file.stack;
    const accountId = settings.organization.accounts[name];
    if (accountId === undefined) {
        problem(
            `${CONFIG_NAMESPACE}:environment`,
            `environment '${name}' is not one of ${CONFIG_NAMESPACE}:organization.accounts (${Object.keys(settings.organization.accounts).join(", ")})`,
        );
        return undefined;
    }
    if (typeof region !== "string") return undefined;
    return { name, stack: file.stack, fileName: file.fileName, accountId, region, settings, secretKeys: file.secretKeys };
}

function keyPath(issue: z.core.$ZodIssue): string {
    const [key, ...rest] = issue.path;
    let text = `${CONFIG_NAMESPACE}:${String(key ?? "")}`;
    for (const part of rest) text += typeof part === "number" ? `[${part}]` : `.${String(part)}`;
    if (issue.code === "unrecognized_keys") text += `.${issue.keys.join(", ")}`;
    return text;
}

function describeIssue(issue: z.core.$ZodIssue, raw: unknown): string {
    if (issue.code === "unrecognized_keys") return "is not a known setting (check the spelling)";
    let value: unknown = raw;
    for (const part of issue.path) value = (value as Record<PropertyKey, unknown> | undefined)?.[part as PropertyKey];
    if (value === undefined) return issue.message.includes("received undefined") ? "is required" : issue.message;
    const shown = typeof value === "object" ? "" : ` (got ${JSON.stringify(value)})`;
    return `${issue.message}${shown}`;
}
