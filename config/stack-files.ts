// Reading `Pulumi.<stack>.yaml` files without the Pulumi CLI.
// Secure values cannot be decrypted here; they become a placeholder that is valid for every secret
// field the schema knows (external IDs), and their keys are remembered so outputs can redact them.
import * as fs from "fs";
import * as path from "path";
// js-yaml rather than the yaml package (which the tools still use for writing YAML): every stack file
// repeats the organization's account map, so a plan reads N files of N accounts each, and js-yaml reads
// them about nine times faster (MIT, no dependencies, already installed under @pulumi/pulumi). Its
// core schema is YAML 1.2's, like Pulumi's own reader: no timestamps, no merge keys.
import { CORE_SCHEMA, load as loadYaml } from "js-yaml";

/** Stands in for a `secure:` value when the stack's secrets provider is not at hand. */
export const SECURE_PLACEHOLDER = "offline-placeholder-secret";

export interface StackFile {
    stack: string;
    fileName: string;
    /** Namespaced keys (`crossaccount:roles`, `aws:region`) with structured values. */
    values: Record<string, unknown>;
    /** Keys whose value is or contains a secret. */
    secretKeys: string[];
}

const STACK_FILE = /^Pulumi\.([^.]+)\.yaml$/;

export function stackFileName(stack: string): string {
    return `Pulumi.${stack}.yaml`;
}

export class StackFileError extends Error {}

/** Stack names of every `Pulumi.<stack>.yaml` in the project directory, sorted. */
export function listStacks(projectDir: string): string[] {
    let files: string[];
    try {
        files = fs.readdirSync(projectDir);
    } catch (error) {
        // A mistyped --project: exit 2 naming the directory, like an unreadable stack file.
        const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
        throw new StackFileError(`${projectDir}: cannot be read as the project directory (${reason})`);
    }
    return files
        .map((file) => STACK_FILE.exec(file)?.[1])
        .filter((stack): stack is string => stack !== undefined)
        .sort();
}

export function readStackFile(projectDir: string, stack: string): StackFile {
    const fileName = stackFileName(stack);
    const filePath = path.join(projectDir, fileName);
    let text: string;
    try {
        text = fs.readFileSync(filePath, "utf8");
    } catch {
        throw new StackFileError(`${fileName}: cannot be read (looked in ${projectDir})`);
    }
    return parseStackFile(stack, text);
}

export function parseStackFile(stack: string, text: string): StackFile {
    const fileName = stackFileName(stack);
    let document: unknown;
    try {
        // No `filename` option: the message already starts with the file's name.
        document = loadYaml(text, { schema: CORE_SCHEMA });
    } catch (error) {
        throw new StackFileError(`${fileName}: is not valid YAML: ${(error as Error).message}`);
    }
    // An empty file (or one of comments) is a stack without config, as for Pulumi; any other document
    // that is not a mapping would otherwise read as one and be reported as missing every required key.
    if (document !== undefined && document !== null && !isMapping(document)) {
        throw new StackFileError(`${fileName}: must be a mapping with a config key (got ${shapeOf(document)})`);
    }
    const config = (document as { config?: unknown } | null | undefined)?.config ?? {};
    if (!isMapping(config)) {
        throw new StackFileError(`${fileName}: config: must be a mapping of keys to values (got ${shapeOf(config)})`);
    }
    const values: Record<string, unknown> = {};
    const secretKeys: string[] = [];
    for (const [key, value] of Object.entries(config)) {
        let secret = false;
        values[key] = replaceSecureValues(value, () => (secret = true));
        if (secret) secretKeys.push(key);
    }
    return { stack, fileName, values, secretKeys };
}

function isMapping(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

function shapeOf(value: unknown): string {
    return Array.isArray(value) ? "a list" : JSON.stringify(value);
}

/** The value with each `secure:` value replaced; parts without one are returned as they are, not copied. */
function replaceSecureValues(value: unknown, onSecret: () => void): unknown {
    if (Array.isArray(value)) {
        const items = value.map((item) => replaceSecureValues(item, onSecret));
        return items.some((item, i) => item !== value[i]) ? items : value;
    }
    if (value !== null && typeof value === "object") {
        const entries = Object.entries(value);
        if (entries.length === 1 && entries[0][0] === "secure") {
            onSecret();
            return SECURE_PLACEHOLDER;
        }
        const replaced = entries.map(([k, v]): [string, unknown] => [k, replaceSecureValues(v, onSecret)]);
        return replaced.some(([, v], i) => v !== entries[i][1]) ? Object.fromEntries(replaced) : value;
    }
    return value;
}

/**
 * The Pulumi runtime hands structured config to programs as JSON strings; turn them back into values.
 * Plain strings that are not JSON stay strings.
 */
export function decodeRuntimeConfig(raw: Record<string, string>): Record<string, unknown> {
    const values: Record<string, unknown> = {};
    for (const [key, text] of Object.entries(raw)) {
        try {
            values[key] = JSON.parse(text);
        } catch {
            values[key] = text;
        }
    }
    return values;
}

/** The inverse, for handing a stack file to the runtime (`pulumi.runtime.setAllConfig`). */
export function encodeRuntimeConfig(values: Record<string, unknown>): Record<string, string> {
    return Object.fromEntries(
        Object.entries(values).map(([key, value]) => [key, typeof value === "string" ? value : JSON.stringify(value)]),
    );
}
