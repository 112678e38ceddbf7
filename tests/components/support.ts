// Shared helpers for the component tests: installs the project's AWS-like mocks and resolves Outputs.
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { AwsMocks, AwsMocksOptions, MockedResource, waitForRegistrations } from "../../plan/aws-mocks";

export const DEV = "111111111111";
export const TEST = "222222222222";
export const PROD = "333333333333";
/** Account of resources created with the default provider (so a missing provider is visible). */
export const DEFAULT_ACCOUNT = "999999999999";

function newMocks(options: AwsMocksOptions = {}): AwsMocks {
    return new AwsMocks({ defaultAccountId: DEFAULT_ACCOUNT, defaultRegion: "us-east-1", ...options });
}

/**
 * The mocks of the calling `describe()`, installed in its `before()`: Pulumi's mocks are process-wide, so each
 * suite installs its own before its tests create resources. Read what they recorded only inside the tests.
 */
export function suiteMocks(options: AwsMocksOptions = {}): AwsMocks {
    const mocks = newMocks(options);
    before(() => mocks.install("crossaccount", "test"));
    return mocks;
}

/** Resolves an Output; rejects when it fails (relies on OutputImpl.promise, internal but stable). */
export function promiseOf<T>(output: pulumi.Output<T>): Promise<T> {
    return (output as unknown as { promise(): Promise<T> }).promise();
}

export async function parsedJson(output: pulumi.Output<string>): Promise<unknown> {
    return JSON.parse(await promiseOf(output));
}

/** Waits until every resource registration started so far has finished. */
export const settle = waitForRegistrations;

export function accountProvider(name: string, accountId: string): aws.Provider {
    return new aws.Provider(name, { region: "us-east-1", allowedAccountIds: [accountId] });
}

/** The recorded resource of that type and name; fails listing what exists when missing. */
export function recorded(mocks: AwsMocks, type: string, name: string): MockedResource {
    const matches = mocks.resources.filter((r) => r.type === type && r.name === name);
    assert.strictEqual(
        matches.length,
        1,
        `expected one ${type} named ${name}; have: ${mocks.resources.map((r) => `${r.type}/${r.name}`).join(", ")}`,
    );
    return matches[0];
}

/** Direct and nested children of a recorded component, by URN. */
export function childrenOf(mocks: AwsMocks, parentUrn: string): MockedResource[] {
    const children = mocks.resources.filter((r) => r.parent === parentUrn);
    return children.flatMap((child) => [child, ...childrenOf(mocks, child.urn)]);
}
