// Running the pack over the good stack of ./fixtures.ts and comparing its violations as compact rows.
import * as assert from "assert";
import { PolicyResourceInput, PolicyViolation, runPolicyPack } from "../../policy-pack/engine";
import { Change, REFERENCE_CONFIG, stackWith } from "./fixtures";

export const check = (resources: PolicyResourceInput[], config: Record<string, unknown> = REFERENCE_CONFIG): Promise<PolicyViolation[]> =>
    runPolicyPack(resources, { config });

/** [policy, resource name (or "stack"), level, message] rows: compact enough to compare whole results. */
export type Row = [policy: string, resource: string, level: string, message: string];

export const rows = (violations: PolicyViolation[]): Row[] =>
    violations.map((violation) => [
        violation.policyName,
        violation.urn ? violation.urn.split("::").pop()! : "stack",
        violation.enforcementLevel,
        violation.message,
    ]);

/** The rows one rule reports on one resource, a message each, at the mandatory level. */
export const reported = (policy: string, resource: string, messages: string[]): Row[] =>
    messages.map((message) => [policy, resource, "mandatory", message]);

/** The rows of an advisory rule on one resource. */
export const advised = (policy: string, resource: string, messages: string[]): Row[] =>
    messages.map((message) => [policy, resource, "advisory", message]);

/** The resource-policy rules' message for a grant to an account outside the reference config's allowedAccountIds. */
export const notAllowed = (account: string, principal: string): string =>
    `grants access to account ${account} ("${principal}"), which is not an allowed account [111111111111, 222222222222, 999999999999]. ` +
    "Fix: grant only the organization's accounts, or add the account to allowedAccountIds in the policy pack config.";

/** The s3-bucket-access-logging advisory for a bucket without server access logs. */
export const noAccessLogging = (bucket: string): string =>
    `bucket "${bucket}" has no server access logging. ` +
    "Fix: add an aws.s3.BucketLogging with targetBucket set to the account's log bucket (which itself needs none).";

/** The analyzer's advisory (as the engine imitates it) when a rule reads a string not known during preview. */
export const cannotRun = (policy: string, location: string): string =>
    `can't run policy '${policy}' from policy pack 'crossaccount-least-privilege@v0.1.0' during preview: ` +
    `string value at .${location} can't be known during preview`;

/** Runs the good stack with one change and returns every violation. */
export async function rowsFor(change: Change, config?: Record<string, unknown>): Promise<Row[]> {
    return rows(await check(stackWith(change), config));
}

/** Asserts that the good stack after `change` reports exactly these rows. */
export async function expectRows(change: Change, expected: Row[], config?: Record<string, unknown>): Promise<void> {
    assert.deepStrictEqual(await rowsFor(change, config), expected);
}

/** Asserts that the good stack after `change` passes every rule, advisories included. */
export const expectClean = (change: Change, config?: Record<string, unknown>): Promise<void> => expectRows(change, [], config);
