// Copies of the reference organization's stack files, edited per test, in a temporary directory.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { strict as assert } from "assert";
import { parseDocument } from "yaml";
import { ConfigError, Organization, arnOf, listStacks, loadOrganization, readStackFile } from "../../config";

export const REPO_DIR = path.resolve(__dirname, "..", "..");
export const STACKS = ["dev", "test", "prod"] as const;

/**
 * A stack file's YAML as parsed: tests reach into it by key and write what they like, deliberately including
 * misspelled keys and wrongly typed values the loader under test must reject. A precise type would forbid
 * writing exactly that invalid input, and `unknown` would need a cast at every step; the loader is the checker.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- free-form YAML edited by tests, see above
export type StackConfig = Record<string, any>;

/** Config of one stack file as a plain object (`crossaccount:roles` → value), edited in place. */
export type ConfigEdit = (config: StackConfig) => void;

/**
 * Writes Pulumi.yaml and the three stack files into a new temporary directory, applying `edits`
 * per stack; `null` removes that stack file. Returns the directory.
 */
export function referenceProject(edits: Partial<Record<string, ConfigEdit | null>> = {}): string {
    const files = fs.readdirSync(REPO_DIR).filter((f) => /^Pulumi\.[^.]+\.yaml$/.test(f));
    // An edit of a stack that has no file would be silently dropped, and the test would pass without testing its edit.
    const unknown = Object.keys(edits).filter((stack) => !files.includes(`Pulumi.${stack}.yaml`));
    if (unknown.length > 0) throw new Error(`referenceProject: no stack file for the edited stack(s) ${unknown.join(", ")}`);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "crossaccount-"));
    fs.copyFileSync(path.join(REPO_DIR, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
    for (const file of files) {
        const stack = file.split(".")[1];
        const edit = edits[stack];
        if (edit === null) continue;
        const document = parseDocument(fs.readFileSync(path.join(REPO_DIR, file), "utf8"));
        if (edit) {
            const data = document.toJS() as { config: StackConfig };
            edit(data.config);
            document.contents = document.createNode(data) as typeof document.contents;
        }
        fs.writeFileSync(path.join(dir, file), document.toString());
    }
    return dir;
}

export function roleOf(config: StackConfig, name: string): StackConfig {
    const role = (config["crossaccount:roles"] as StackConfig[]).find((r) => r.name === name);
    if (!role) throw new Error(`no role ${name} in the test's stack file`);
    return role;
}

/** Gives the reference vendor's audit role (and the expectation that presents it) another external ID. */
export function withVendorExternalId(config: StackConfig, externalId: string): void {
    roleOf(config, "VendorAudit").trust.externalId = externalId;
    const expectation = (config["crossaccount:accessExpectations"] as StackConfig[]).find(
        (e) => e.id === "vendor-assume-audit-with-external-id",
    );
    expectation!.context.externalId = externalId;
}

/** Validates every stack file of `dir` together, as the program and the plan do. */
export function loadStackFiles(dir: string, now?: Date): Organization {
    return loadOrganization(
        listStacks(dir).map((stack) => readStackFile(dir, stack)),
        { now },
    );
}

/** Checks what references resolve to (config's arnOf): `expected` maps each reference to its ARN. */
export function assertArns(organization: Organization, expected: Record<string, string>): void {
    assert.deepEqual(Object.fromEntries(Object.keys(expected).map((ref) => [ref, arnOf(organization, ref)])), expected);
}

/** Loads an edited copy of the reference organization and returns the problems it reports. */
export function configProblems(edits: Partial<Record<string, ConfigEdit | null>>, now?: Date): string[] {
    try {
        loadStackFiles(referenceProject(edits), now);
    } catch (error) {
        assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${error}`);
        return error.problems;
    }
    assert.fail("the configuration was accepted");
}
