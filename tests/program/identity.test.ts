// A resource's identity comes from what it is: edits of copies of the stack files (every list
// reordered, a group added to a grant, one removed, a target role removed) must leave the URN and the
// AWS-side name of every resource whose content did not change exactly as they were.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { listStacks, loadOrganization, readStackFile } from "../../config";
import { MockedResource, isDeployed } from "../../plan/aws-mocks";
import { synthesizeStack } from "../../plan/synthesize";
import { organizationGraph, orderStacks } from "../../plan/stack-graph";
import { generateOrganization } from "../../tools/bench/generate";
import { ConfigEdit, REPO_DIR } from "../support/project";

/** The input fields AWS names a resource by (a policy's name and the identity it is on, a bucket, a tag Name ...). */
const NAME_FIELDS = [
    "name",
    "bucket",
    "group",
    "user",
    "role",
    "statementId",
    "function",
    "repository",
    "targetDbSnapshotIdentifier",
    "cidrBlock",
];

function awsName(resource: MockedResource): string {
    const tags = resource.inputs.tags as Record<string, string> | undefined;
    const fields = NAME_FIELDS.filter((field) => typeof resource.inputs[field] === "string").map(
        (field) => `${field}=${resource.inputs[field]}`,
    );
    return [...fields, ...(tags?.Name ? [`Name=${tags.Name}`] : [])].join(" ");
}

interface Planned {
    /** URN → AWS name and inputs, for every resource a deployment holds. */
    byUrn: Map<string, { name: string; inputs: string }>;
}

/** Plans every stack of `dir` in dependency order, after `edits` changed copies of their config. */
async function plan(edits: Partial<Record<string, ConfigEdit>> = {}, dir = REPO_DIR): Promise<Planned> {
    const files = listStacks(dir).map((stack) => {
        const file = readStackFile(dir, stack);
        edits[stack]?.(file.values as Parameters<ConfigEdit>[0]);
        return file;
    });
    const organization = loadOrganization(files);
    const outputs = new Map<string, Record<string, unknown>>();
    const byUrn = new Map<string, { name: string; inputs: string }>();
    for (const stack of orderStacks(organizationGraph(organization)).waves.flat()) {
        const environment = Object.values(organization.environments).find((e) => e.stack === stack)!;
        const synthesized = await synthesizeStack({
            projectDir: dir,
            file: files.find((f) => f.stack === stack)!,
            stackOutputs: outputs,
            validated: { organization, environment },
        });
        outputs.set(stack, synthesized.outputs);
        for (const resource of synthesized.resources.filter(isDeployed)) {
            assert.ok(!byUrn.has(resource.urn), `two resources with URN ${resource.urn}`);
            byUrn.set(resource.urn, { name: awsName(resource), inputs: JSON.stringify(resource.inputs) });
        }
    }
    return { byUrn };
}

/** Reverses every list, and the key order of every map, under the crossaccount: keys, at every depth. */
function reverseLists(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(reverseLists).reverse();
    if (value !== null && typeof value === "object") {
        return Object.fromEntries(
            Object.entries(value)
                .map(([key, inner]) => [key, reverseLists(inner)])
                .reverse(),
        );
    }
    return value;
}
const reverseAll: ConfigEdit = (config) => {
    for (const key of Object.keys(config).filter((k) => k.startsWith("crossaccount:"))) config[key] = reverseLists(config[key]);
};

type Grant = { effect: string; groups?: string[]; roles: string[] };
/** Dev's grant with this effect that names the role. */
const grantOf = (config: Parameters<ConfigEdit>[0], effect: string, role: string): Grant => {
    const grant = (config["crossaccount:assumeRoleGrants"] as Grant[]).find((g) => g.effect === effect && g.roles.includes(role));
    if (!grant) throw new Error(`no ${effect} grant naming ${role}`);
    return grant;
};
const APP_READ_ONLY = "prod/role/AppReadOnly";
const UPDATE_APP = "prod/role/UpdateApp";
/** Developers added to the grant that lets Testers assume AppReadOnly. */
const developersReadOnly: ConfigEdit = (config) => void grantOf(config, "Allow", APP_READ_ONLY).groups!.push("Developers");

/** Our own account IDs in place of the reference organization's, wherever the stack files name them. */
const OWN_ACCOUNT_IDS: Record<string, string> = {
    "111111111111": "480912345671",
    "222222222222": "480912345672",
    "999999999999": "480912345673",
};
const ACCOUNT_ID = /\b(111111111111|222222222222|999999999999)\b/g;
const ownAccountIds: ConfigEdit = (config) => {
    const text = JSON.stringify(config).replace(ACCOUNT_ID, (id) => OWN_ACCOUNT_IDS[id]);
    Object.assign(config, JSON.parse(text));
};
const both =
    (...edits: ConfigEdit[]): ConfigEdit =>
    (config) =>
        edits.forEach((edit) => edit(config));

/** Every URN in both plans keeps its AWS name; those listed in `changed` are the only ones whose inputs differ. */
function assertOnlyChanged(before: Planned, after: Planned, changed: string[], added: string[] = [], removed: string[] = []): void {
    // Not vacuous: an empty plan would pass every comparison below.
    assert.ok(before.byUrn.size > 100, `only ${before.byUrn.size} resources planned`);
    const suffix = (urn: string) => urn.split("::").pop()!;
    const only = (plan: Planned, other: Planned) =>
        [...plan.byUrn.keys()]
            .filter((urn) => !other.byUrn.has(urn))
            .map(suffix)
            .sort();
    assert.deepEqual(only(after, before), [...added].sort(), "URNs added");
    assert.deepEqual(only(before, after), [...removed].sort(), "URNs removed");
    const differing: string[] = [];
    for (const urn of [...before.byUrn.keys()].filter((u) => after.byUrn.has(u))) {
        const [b, a] = [before.byUrn.get(urn)!, after.byUrn.get(urn)!];
        assert.equal(a.name, b.name, `AWS name of ${urn}`);
        if (a.inputs !== b.inputs) differing.push(suffix(urn));
    }
    assert.deepEqual(differing.sort(), [...changed].sort(), "resources whose inputs changed");
}

describe("resource identity: URNs and AWS names come from content, never list positions", function () {
    this.timeout(120000);
    let reference: Planned;
    let withDevelopers: Planned;

    before(async () => {
        reference = await plan();
        withDevelopers = await plan({ dev: developersReadOnly });
    });

    it("names every assume-role policy by its identity and effect", () => {
        const names = [...reference.byUrn.entries()]
            .filter(([urn]) => urn.includes("aws:iam/groupPolicy:GroupPolicy"))
            .map(([urn, { name }]) => `${urn.split("::").pop()} ${name}`)
            .sort();
        assert.deepEqual(names, [
            "allow-assume-group-Developers-group-Developers name=allow-assume-cross-account-roles group=Developers",
            // One in dev, one in test.
            "allow-assume-group-Testers-group-Testers name=allow-assume-cross-account-roles group=Testers",
            "allow-assume-group-Testers-group-Testers name=allow-assume-cross-account-roles group=Testers",
            "deny-assume-group-Testers-group-Testers name=deny-assume-cross-account-roles group=Testers",
        ]);
    });

    it("reordering every list of every stack file changes no URN and no AWS name", async () => {
        const reordered = await plan({ dev: reverseAll, test: reverseAll, prod: reverseAll });
        const changed = [...reordered.byUrn.entries()]
            .filter(([urn, { inputs }]) => reference.byUrn.get(urn)?.inputs !== inputs)
            .map(([urn]) => urn.split("::").pop()!);
        assertOnlyChanged(reference, reordered, changed);
        // What may differ is only the order inside documents whose statements follow the stack file: a
        // role's permission statements, in the order its stack file lists them.
        assert.ok(changed.length > 0, "the edit reorders the roles' permissions");
        for (const name of changed) assert.match(name, /-permissions$/, `${name} changed on reordering`);
    });

    it("adding Developers to the grant that lets Testers assume AppReadOnly changes only Developers' policy", async () => {
        assertOnlyChanged(reference, withDevelopers, ["allow-assume-group-Developers-group-Developers"]);
    });

    it("adding a group to the Deny grant leaves the Testers' Deny in place and adds one for the new group", async () => {
        const added = await plan({ dev: (config) => void grantOf(config, "Deny", UPDATE_APP).groups!.push("Developers") });
        assertOnlyChanged(reference, added, [], ["deny-assume-group-Developers-group-Developers"]);
    });

    it("removing a group from a grant changes only that group's policy", async () => {
        const after = await plan({
            dev: (config) => {
                developersReadOnly(config);
                const grant = grantOf(config, "Allow", APP_READ_ONLY);
                grant.groups = grant.groups!.filter((g) => g !== "Testers");
            },
        });
        // Testers' only Allow in dev came from that grant: its policy goes; nothing else moves.
        assertOnlyChanged(withDevelopers, after, [], [], ["allow-assume-group-Testers-group-Testers"]);
    });

    it("removing a target role from a grant changes only the policies of that grant's groups", async () => {
        const after = await plan({
            dev: (config) => {
                const grant = grantOf(config, "Allow", UPDATE_APP);
                grant.roles = grant.roles.filter((role) => role !== "dev/role/ImageSharingRole");
            },
        });
        assertOnlyChanged(reference, after, ["allow-assume-group-Developers-group-Developers"]);
    });

    it("with our own account IDs: URNs and AWS names change only by the IDs they name; reordering then moves none", async () => {
        const own = await plan({ dev: ownAccountIds, test: ownAccountIds, prod: ownAccountIds });
        const mapped = (text: string) => text.replace(ACCOUNT_ID, (id) => OWN_ACCOUNT_IDS[id]);
        // A Lambda permission is named by the principal it lets in, account included; nothing else moves.
        const renamed = [...reference.byUrn.keys()].map(mapped);
        assert.deepEqual([...own.byUrn.keys()].sort(), renamed.sort(), "URNs change only by the account IDs they name");
        for (const [urn, { name }] of reference.byUrn) assert.equal(own.byUrn.get(mapped(urn))!.name, mapped(name), `AWS name of ${urn}`);
        const ownNames = [...own.byUrn.values()].map(({ name }) => name).join("\n");
        assert.doesNotMatch(ownNames, new RegExp(ACCOUNT_ID.source), "the edit reached every AWS name");
        const reorderOwn = both(ownAccountIds, reverseAll);
        const reordered = await plan({ dev: reorderOwn, test: reorderOwn, prod: reorderOwn });
        const changed = [...reordered.byUrn.entries()]
            .filter(([urn, { inputs }]) => own.byUrn.get(urn)?.inputs !== inputs)
            .map(([urn]) => urn.split("::").pop()!);
        assertOnlyChanged(own, reordered, changed);
        for (const name of changed) assert.match(name, /-permissions$/, `${name} changed on reordering`);
    });

    it("adding a trusted account to a role changes that role's trust policy and nothing else", async () => {
        const after = await plan({
            prod: (config) => {
                const role = (config["crossaccount:roles"] as { name: string; trust: { accounts: string[] } }[]).find(
                    (r) => r.name === "UpdateApp",
                )!;
                role.trust.accounts.push("test");
            },
        });
        assertOnlyChanged(reference, after, ["UpdateApp"]);
    });

    it("on a generated organization (the benchmark's, 4 accounts), reordering every list moves no URN and no AWS name", async () => {
        const generated = generateOrganization(4, fs.mkdtempSync(path.join(os.tmpdir(), "crossaccount-identity-")));
        const reverseEverywhere = Object.fromEntries(generated.environments.map((env) => [env, reverseAll]));
        const before = await plan({}, generated.dir);
        const after = await plan(reverseEverywhere, generated.dir);
        const changed = [...after.byUrn.entries()]
            .filter(([urn, { inputs }]) => before.byUrn.get(urn)?.inputs !== inputs)
            .map(([urn]) => urn.split("::").pop()!);
        assertOnlyChanged(before, after, changed);
        for (const name of changed) assert.match(name, /-permissions$/, `${name} changed on reordering`);
        fs.rmSync(generated.dir, { recursive: true, force: true });
    });
});
