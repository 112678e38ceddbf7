// Actions AWS authorizes against several resources (a restore: the snapshot, and the instance and groups
// it creates and uses), KMS keys as a resource kind, and dates brought to one unit before the simulator.
import { strict as assert } from "node:assert";
import { analyzeAccess, type AccessExpectation, type PlannedResource } from "../../../analysis/access";
import { normalizeDateConditions, normalizeDateContext, toIsoDate } from "../../../analysis/access/dates";
import { DEV, PROD, TEST, doc, role, roleArn, rolePolicy, root, sharedSnapshot, snapshotArn, trustedBy } from "./fixtures";

const NOW = new Date("2026-03-01T12:00:00Z");
const BASELINE = snapshotArn(PROD, "baseline");
const KEY = `arn:aws:kms:us-east-1:${PROD}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const rds = (type: string, name: string, account = TEST) => `arn:aws:rds:us-east-1:${account}:${type}:${name}`;
const VIA_RDS = { "kms:ViaService": "rds.us-east-1.amazonaws.com" };

function kmsKey(policy: Record<string, unknown>): PlannedResource {
    return {
        urn: "urn:pulumi:prod::crossaccount::aws:kms/key:Key::snapshot-key",
        type: "aws:kms/key:Key",
        name: "snapshot-key",
        stack: "prod",
        accountId: PROD,
        region: "us-east-1",
        partition: "aws",
        inputs: { policy: JSON.stringify(policy) },
        outputs: { arn: KEY, keyId: KEY.split("/")[1], id: KEY.split("/")[1] },
    };
}

function alias(name: string): PlannedResource {
    return {
        ...kmsKey({}),
        urn: `urn:pulumi:prod::crossaccount::aws:kms/alias:Alias::${name}`,
        type: "aws:kms/alias:Alias",
        name,
        inputs: { name: `alias/${name}`, targetKeyId: KEY.split("/")[1] },
        outputs: { id: `alias/${name}` },
    };
}

/** prod shares a snapshot and its key with test; test's Restorer may restore into restore-* and use the key through RDS. */
function organization(restoreInto = ["db", "og", "pg", "subgrp"].map((type) => rds(type, "restore-*"))): PlannedResource[] {
    return [
        sharedSnapshot(PROD, "baseline", [TEST]),
        kmsKey(
            doc(
                { Sid: "Admin", Effect: "Allow", Principal: { AWS: root(PROD) }, Action: "kms:*", Resource: "*" },
                {
                    Sid: "TestThroughRds",
                    Effect: "Allow",
                    Principal: { AWS: [root(TEST)] },
                    Action: ["kms:Decrypt", "kms:DescribeKey"],
                    Resource: "*",
                    Condition: { StringEquals: VIA_RDS },
                },
            ),
        ),
        alias("rds-snapshot-baseline"),
        role(TEST, "Restorer", trustedBy(root(TEST))),
        rolePolicy(
            TEST,
            "Restorer",
            "permissions",
            doc(
                {
                    Sid: "Shared",
                    Effect: "Allow",
                    Action: ["rds:CopyDBSnapshot", "rds:RestoreDBInstanceFromDBSnapshot"],
                    Resource: BASELINE,
                },
                { Sid: "Into", Effect: "Allow", Action: "rds:RestoreDBInstanceFromDBSnapshot", Resource: restoreInto },
                {
                    Sid: "Key",
                    Effect: "Allow",
                    Action: ["kms:Decrypt", "kms:DescribeKey"],
                    Resource: KEY,
                    Condition: { StringEquals: VIA_RDS },
                },
            ),
        ),
    ];
}

async function check(expectation: Omit<AccessExpectation, "id" | "expect">, resources = organization()) {
    const { results } = await analyzeAccess(resources, [{ id: "x", expect: "allow", ...expectation }], { now: NOW });
    return results[0];
}

const restorer = roleArn(TEST, "Restorer");
const restore = { principal: restorer, action: "rds:RestoreDBInstanceFromDBSnapshot", resource: BASELINE };
const named = (name: string) => ["db", "og", "pg", "subgrp"].map((type) => rds(type, name));

describe("access analysis: every resource an action is authorized against", () => {
    it("allows a restore only when the snapshot and the instance, option, parameter and subnet groups are each allowed", async () => {
        const allowed = await check({ ...restore, otherResources: named("restore-1") });
        assert.equal(allowed.result, "Allowed");
        assert.match(
            allowed.explanation,
            /also authorized against, and allowed on: db arn:aws:rds:us-east-1:222222222222:db:restore-1 \(named by the question\), og /,
        );
        // One group outside the prefix: denied, and the explanation names it.
        const [db, og, pg] = named("restore-1");
        const outside = await check({ ...restore, otherResources: [db, og, pg, rds("subgrp", "shared-subnets")] });
        assert.equal(outside.result, "ImplicitlyDenied");
        assert.match(
            outside.explanation,
            /^ImplicitlyDenied: denied on subgrp arn:aws:rds:us-east-1:222222222222:subgrp:shared-subnets \(named by the question\): session of role/,
        );
    });

    it("a restore naming no groups uses the default ones, which a prefix does not cover; one naming no instance cannot be made", async () => {
        const defaults = await check({ ...restore, otherResources: [rds("db", "restore-1")] });
        assert.equal(defaults.result, "ImplicitlyDenied");
        assert.match(defaults.explanation, /denied on og arn:aws:rds:us-east-1:222222222222:og:default:x \(AWS's default\)/);
        const allowDefaults = organization([
            ...named("restore-*"),
            rds("og", "default:*"),
            rds("pg", "default.*"),
            rds("subgrp", "default"),
        ]);
        assert.equal((await check({ ...restore, otherResources: [rds("db", "restore-1")] }, allowDefaults)).result, "Allowed");
        const unnamed = await check(restore, allowDefaults);
        assert.equal(unnamed.result, "ImplicitlyDenied");
        assert.match(
            unnamed.explanation,
            /is also authorized against a db \(arn:\$\{Partition\}:rds:\$\{Region\}:\$\{Account\}:db:\$\{DbInstanceName\}\), which nothing names/,
        );
    });

    it("the matrix says which resource denied an action the snapshot's sharing allows", async () => {
        const { edges } = await analyzeAccess(organization([rds("db", "restore-*")]), [], { now: NOW });
        const edge = edges.find((e) => e.principal === restorer && e.target === BASELINE)!;
        assert.deepEqual(edge.actions, ["rds:CopyDBSnapshot"]);
        assert.deepEqual(edge.deniedOn, [
            "rds:RestoreDBInstanceFromDBSnapshot: og arn:aws:rds:us-east-1:222222222222:og:default:x (AWS's default)",
        ]);
        const full = (await analyzeAccess(organization(), [], { now: NOW })).edges.find(
            (e) => e.principal === restorer && e.target === BASELINE,
        )!;
        assert.deepEqual([full.actions, full.deniedOn], [["rds:CopyDBSnapshot", "rds:RestoreDBInstanceFromDBSnapshot"], undefined]);
    });
});

describe("access analysis: KMS keys", () => {
    const decrypt = { principal: restorer, action: "kms:Decrypt", resource: `arn:aws:kms:us-east-1:${PROD}:alias/rds-snapshot-baseline` };

    it("cross-account use of a key needs the key policy and the caller's identity policy, through the service they name", async () => {
        assert.equal((await check({ ...decrypt, context: { viaService: "rds.us-east-1.amazonaws.com" } })).result, "Allowed");
        assert.equal((await check(decrypt)).result, "ImplicitlyDenied");
        assert.equal((await check({ ...decrypt, context: { viaService: "s3.us-east-1.amazonaws.com" } })).result, "ImplicitlyDenied");
        // The key policy admits test's account, but a role without an identity grant gets nothing.
        const withoutIdentity = organization().filter((r) => r.type !== "aws:iam/rolePolicy:RolePolicy");
        assert.equal(
            (await check({ ...decrypt, context: { viaService: "rds.us-east-1.amazonaws.com" } }, withoutIdentity)).result,
            "ImplicitlyDenied",
        );
        // dev is not in the key policy: its own account's allow-everything does not help.
        const dev = { ...decrypt, principal: roleArn(DEV, "NotInPlan"), context: { viaService: "rds.us-east-1.amazonaws.com" } };
        const denied = await check(dev);
        assert.equal(denied.result, "ImplicitlyDenied");
        assert.match(denied.explanation, /key policy: no statement allows/);
    });

    it("lists who may use a key and how in the matrix", async () => {
        const { edges } = await analyzeAccess(organization(), [], { now: NOW });
        const keyEdges = edges.filter((e) => e.target === KEY).map((e) => [e.principal, e.actions, e.uses, e.conditions, e.via]);
        assert.deepEqual(keyEdges, [
            [
                restorer,
                ["kms:Decrypt", "kms:DescribeKey"],
                ["decrypt", "describe"],
                ["kms:ViaService = rds.us-east-1.amazonaws.com"],
                "identity-policy:Restorer/permissions",
            ],
            [
                root(TEST),
                ["kms:Decrypt", "kms:DescribeKey"],
                ["decrypt", "describe"],
                ["kms:ViaService = rds.us-east-1.amazonaws.com"],
                "key-policy",
            ],
        ]);
    });
});

describe("access analysis: dates in one unit", () => {
    it("pins the upstream bug the wrapper works around: iam-simulate reads an integer as seconds and ISO text as milliseconds", async () => {
        // Not exported: loaded from the file next to the package's entry point.
        const { parseDate } = await import(require.resolve("@cloud-copilot/iam-simulate").replace(/index\.js$/, "condition/date/date.js"));
        // If these change upstream, dates.ts can go.
        assert.equal(parseDate("4102444800"), 4102444800);
        assert.equal(parseDate("2100-01-01T00:00:00Z"), 4102444800000);
    });

    it("brings epoch values in policies and in the request context to ISO 8601", () => {
        assert.equal(toIsoDate("4102444800"), "2100-01-01T00:00:00.000Z");
        assert.equal(toIsoDate("2020-01-01T00:00:00Z"), "2020-01-01T00:00:00Z");
        assert.deepEqual(
            normalizeDateConditions(
                doc({
                    Effect: "Allow",
                    Action: "s3:GetObject",
                    Resource: "*",
                    Condition: { DateLessThan: { "aws:CurrentTime": "4102444800" }, StringEquals: { "aws:username": "1700000000" } },
                }) as never,
            ),
            doc({
                Effect: "Allow",
                Action: "s3:GetObject",
                Resource: "*",
                Condition: {
                    DateLessThan: { "aws:CurrentTime": "2100-01-01T00:00:00.000Z" },
                    StringEquals: { "aws:username": "1700000000" },
                },
            }),
        );
        assert.deepEqual(normalizeDateContext({ "aws:EpochTime": "1800000000", "aws:username": "1800000000" }), {
            "aws:EpochTime": "2027-01-15T08:00:00.000Z",
            "aws:username": "1800000000",
        });
    });

    it("evaluates epoch and ISO conditions as AWS does", async () => {
        const window = (condition: Record<string, unknown>) => [
            role(TEST, "Windowed", trustedBy(root(TEST))),
            sharedSnapshot(TEST, "x", [DEV]),
            rolePolicy(
                TEST,
                "Windowed",
                "permissions",
                doc({ Effect: "Allow", Action: "rds:CopyDBSnapshot", Resource: rds("snapshot", "*"), Condition: condition }),
            ),
        ];
        const copy = { principal: roleArn(TEST, "Windowed"), action: "rds:CopyDBSnapshot", resource: rds("snapshot", "x") };
        // Until 2100, as an epoch: allowed now (the simulator alone says denied).
        assert.equal((await check(copy, window({ DateLessThan: { "aws:CurrentTime": "4102444800" } }))).result, "Allowed");
        // The same epoch as a JSON number, as a policy may write it.
        assert.equal((await check(copy, window({ DateLessThan: { "aws:CurrentTime": 4102444800 } }))).result, "Allowed");
        // After 2020, ISO against aws:EpochTime: allowed now (the simulator alone says denied).
        assert.equal((await check(copy, window({ DateGreaterThan: { "aws:EpochTime": "2020-01-01T00:00:00Z" } }))).result, "Allowed");
        // Before 2026-06-01: allowed at NOW, denied at a later ISO currentTime.
        const notAfter = window({ DateLessThan: { "aws:CurrentTime": "2026-06-01T00:00:00Z" } });
        assert.equal((await check(copy, notAfter)).result, "Allowed");
        assert.equal((await check({ ...copy, context: { currentTime: "2027-01-15T08:00:00Z" } }, notAfter)).result, "ImplicitlyDenied");
    });
});
