import * as assert from "assert";
import { formatChanges, keyOutputs, releaseToJson, renderText, resultLine } from "../../release/summary";
import { ReleaseResult } from "../../release/types";

const SECRET = "tenant-7f3a9c-secret";

function failedRelease(): ReleaseResult {
    return {
        runner: "automation",
        previewOnly: false,
        ok: false,
        dependencies: { prod: [], dev: ["prod"], test: ["dev", "prod"] },
        waves: [["prod"], ["dev"], ["test"]],
        order: ["prod", "dev", "test"],
        gate: {
            ok: true,
            entries: [
                {
                    stack: "prod",
                    status: "passed",
                    previewedBy: "cli",
                    preview: { stack: "prod", ok: true, changes: { create: 3, same: 2 }, policy: [], notes: [], seconds: 2 },
                },
                {
                    stack: "dev",
                    status: "deferred",
                    previewedBy: "offline",
                    reason: "prod has never been deployed (no stack outputs to read)",
                    preview: {
                        stack: "dev",
                        ok: true,
                        changes: { create: 4 },
                        policy: [
                            {
                                policyName: "required-tags",
                                enforcementLevel: "advisory",
                                urn: "urn:pulumi:dev::crossaccount::aws:iam/group:Group::Testers",
                                message: "tag Project missing",
                            },
                        ],
                        notes: [],
                        seconds: 1,
                    },
                },
                {
                    stack: "test",
                    status: "passed",
                    previewedBy: "cli",
                    preview: { stack: "test", ok: true, changes: {}, policy: [], notes: [], seconds: 1 },
                },
            ],
        },
        stopReason: "the update of dev failed: no new update was started",
        stacks: [
            {
                stack: "prod",
                status: "updated",
                update: {
                    stack: "prod",
                    ok: true,
                    changes: { create: 3, same: 2 },
                    policy: [],
                    outputs: {
                        roleArns: { UpdateApp: "arn:aws:iam::999999999999:role/UpdateApp" },
                        externalIdEcho: SECRET,
                        region: "us-east-1",
                    },
                    notes: [],
                    seconds: 30,
                },
            },
            {
                stack: "dev",
                status: "failed",
                preview: { stack: "dev", ok: true, changes: { create: 4 }, policy: [], notes: [], seconds: 5 },
                update: {
                    stack: "dev",
                    ok: false,
                    changes: { create: 1 },
                    policy: [],
                    outputs: {},
                    error: `AccessDenied for ${SECRET}`,
                    notes: [],
                    seconds: 10,
                },
                reason: `AccessDenied for ${SECRET}`,
            },
            { stack: "test", status: "not-started", reason: "the update of dev failed: no new update was started" },
        ],
        interrupted: false,
        cancellations: [],
        seconds: 47.25,
    };
}

describe("release summary", () => {
    it("renders the gate, the updates, the outputs and the result, secrets redacted", () => {
        assert.strictEqual(
            renderText(failedRelease(), [SECRET]),
            [
                "crossaccount release: Pulumi CLI (Automation API)",
                "Order: prod -> dev -> test",
                "",
                "== Gate: preview of every stack under the policy pack",
                "stack  gate      by       changes     policy      duration",
                "-----  --------  -------  ----------  ----------  --------",
                "prod   passed    cli      create 3    none        2.0 s",
                "dev    deferred  offline  create 4    1 advisory  1.0 s",
                "test   passed    cli      no changes  none        1.0 s",
                "  dev: deferred - prod has never been deployed (no stack outputs to read); checked by the offline plan now, previewed for real right before its update",
                "Advisory policy events:",
                "  [dev] advisory required-tags urn:pulumi:dev::crossaccount::aws:iam/group:Group::Testers",
                "      tag Project missing",
                "Gate: PASSED",
                "",
                "== Updates",
                "stack  status       changes   policy  duration",
                "-----  -----------  --------  ------  --------",
                "prod   updated      create 3  none    30.0 s",
                "dev    failed       create 1  none    15.0 s",
                "test   not-started  -         -       -",
                "  dev: AccessDenied for [secret]",
                "",
                "== Outputs",
                "prod:",
                "  roleArns.UpdateApp = arn:aws:iam::999999999999:role/UpdateApp",
                "",
                "Result: FAILED (the update of dev failed: no new update was started). updated: prod; failed: dev; cancelled: none; not started: test in 47.3 s",
            ].join("\n"),
        );
    });

    it("the JSON never carries a secret either", () => {
        const json = JSON.stringify(releaseToJson(failedRelease(), [SECRET]));
        assert.ok(!json.includes(SECRET));
        assert.ok(json.includes('"externalIdEcho":"[secret]"'));
    });

    it("the JSON says whether anything was deployed", () => {
        const json = releaseToJson(failedRelease());
        assert.strictEqual(json.deployed, true);
        assert.strictEqual(json.mode, "automation");
        assert.deepStrictEqual(
            json.stacks.map((s) => s.status),
            ["updated", "failed", "not-started"],
        );
        assert.deepStrictEqual(json.stacks[0].update?.keyOutputs, { "roleArns.UpdateApp": "arn:aws:iam::999999999999:role/UpdateApp" });
    });

    it("says loudly when a stack may be left locked", () => {
        const result: ReleaseResult = {
            ...failedRelease(),
            interrupted: true,
            stopReason: "interrupted: nothing new was started after the interrupt",
            cancellations: [{ stack: "dev", operation: "update", lock: "maybe-locked", detail: "run `pulumi cancel --stack dev`" }],
        };
        const text = renderText(result);
        assert.ok(text.includes("\n== Interrupted\ndev (update): MAY BE LOCKED: run `pulumi cancel --stack dev`\n"));
    });

    it("says when nothing was updated", () => {
        const result: ReleaseResult = {
            ...failedRelease(),
            stopReason: "the gate failed: nothing was updated",
            stacks: failedRelease().stacks.map((s) => ({ stack: s.stack, status: "not-started" })),
        };
        assert.strictEqual(
            resultLine(result),
            "Result: FAILED (the gate failed: nothing was updated). NOTHING WAS UPDATED. updated: none; failed: none; cancelled: none; not started: prod, dev, test in 47.3 s",
        );
    });

    it("picks the outputs that matter, flattening maps", () => {
        assert.deepStrictEqual(
            keyOutputs({
                environment: "test",
                roleArns: { b: "arn:b", a: "arn:a" },
                bucketNames: {},
                vpcId: "vpc-1",
                peeringConnectionIds: { dev: "pcx-1" },
                routeTableId: "rtb-1",
            }),
            [
                ["roleArns.a", "arn:a"],
                ["roleArns.b", "arn:b"],
                ["vpcId", "vpc-1"],
                ["peeringConnectionIds.dev", "pcx-1"],
            ],
        );
    });

    it("formats changes without the unchanged ones", () => {
        assert.strictEqual(formatChanges({ same: 10, create: 2, update: 0, delete: 1 }), "create 2, delete 1");
        assert.strictEqual(formatChanges({ same: 10 }), "no changes");
    });
});
