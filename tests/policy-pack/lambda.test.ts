// The runtime rules, on the one table of AWS's dates (policy-pack/lib/lambda-runtimes.ts), with the day
// fixed through the rules' asOf setting so the outcome does not depend on when the tests run.
import * as assert from "assert";
import { reported, rowsFor } from "./expect";
import { REFERENCE_CONFIG, UNKNOWN_STRING, resource } from "./fixtures";
import { LAMBDA_RUNTIMES, runtimeStatus, usableRuntimes } from "../../policy-pack/lib/lambda-runtimes";

const FUNCTION = "aws:lambda/function:Function";
const BLOCKED = "lambda-runtime-blocked";
const NOTICE = "lambda-runtime-deprecation-notice";

/** The rows of the runtime rules for functions on these runtimes, on the given day. */
async function runtimeRows(asOf: string, runtimes: Record<string, unknown>) {
    const config = { ...REFERENCE_CONFIG, [BLOCKED]: { asOf }, [NOTICE]: { asOf } };
    const rows = await rowsFor((r) => {
        for (const [name, runtime] of Object.entries(runtimes)) {
            r[name] = resource(FUNCTION, name, {
                name,
                role: "arn:aws:iam::999999999999:role/fn-execution",
                handler: "index.handler",
                runtime,
            });
        }
    }, config);
    return rows.filter(([policy]) => policy === BLOCKED || policy === NOTICE);
}

describe("Lambda runtime rules", () => {
    it("lambda-runtime-blocked: exact text once updates are blocked, and once only creation is", async () => {
        const fix =
            "Fix: move the function to a supported runtime (nodejs24.x, nodejs22.x, python3.14, python3.13, python3.12, python3.11 ...).";
        assert.deepStrictEqual(await runtimeRows("2026-12-20", { old: "nodejs20.x", dotnet: "dotnet8", current: "nodejs24.x" }), [
            ...reported(BLOCKED, "old", [
                `runtime "nodejs20.x" is past AWS's block on function updates (2026-07-01): the function can be neither created nor changed. ${fix}`,
            ]),
            ...reported(BLOCKED, "dotnet", [
                `runtime "dotnet8" is past AWS's block on function creation (2026-12-10); updates are blocked from 2027-01-11. ${fix}`,
            ]),
        ]);
    });

    it("lambda-runtime-deprecation-notice: advisory within 90 days of the creation block, and for a runtime the table does not know", async () => {
        const rows = await runtimeRows("2027-04-01", {
            soon: "nodejs22.x",
            later: "nodejs24.x",
            unknown: "nodejs26.x",
            pending: UNKNOWN_STRING,
        });
        assert.deepStrictEqual(
            rows.map(([policy, name, level]) => [policy, name, level]),
            [
                [NOTICE, "soon", "advisory"],
                [NOTICE, "unknown", "advisory"],
            ],
        );
        assert.strictEqual(
            rows[0][3],
            'runtime "nodejs22.x" is deprecated on 2027-04-30; AWS blocks creating functions on it from 2027-06-01 (in 61 days) and updating them ' +
                "from 2027-07-01. Fix: move the function to a supported runtime (nodejs24.x, python3.14, python3.13, python3.12, python3.11 ...).",
        );
        assert.match(rows[1][3], /^runtime "nodejs26.x" is not in the table of Lambda runtimes/);
    });

    it("passes supported runtimes, and a function whose runtime is not known yet (preview) or unset (container image)", async () => {
        assert.deepStrictEqual(
            await runtimeRows("2026-12-03", { a: "nodejs24.x", b: "python3.13", c: "java21", d: UNKNOWN_STRING, e: undefined }),
            [],
        );
    });

    it("the table: every runtime's blocks follow its deprecation, and the day boundaries are exact", () => {
        for (const [id, { deprecation, blockCreate, blockUpdate }] of Object.entries(LAMBDA_RUNTIMES)) {
            assert.ok(deprecation <= blockCreate && blockCreate <= blockUpdate, id);
        }
        const day = (iso: string) => new Date(`${iso}T00:00:00Z`);
        assert.deepStrictEqual(runtimeStatus("nodejs22.x", day("2027-03-03")), {
            kind: "blocked-soon",
            runtime: LAMBDA_RUNTIMES["nodejs22.x"],
            action: "create",
            date: "2027-06-01",
            days: 90,
        });
        assert.deepStrictEqual(runtimeStatus("nodejs22.x", day("2027-03-02")).kind, "supported");
        assert.deepStrictEqual(runtimeStatus("nodejs22.x", day("2027-06-01")).kind, "blocked");
        assert.deepStrictEqual(runtimeStatus("nodejs22.x", day("2027-06-01"), "update").kind, "blocked-soon");
        assert.deepStrictEqual(runtimeStatus("nodejs8.10", day("2026-01-01")), { kind: "unknown" });
        assert.ok(!usableRuntimes(day("2026-12-03")).includes("nodejs20.x"));
        assert.ok(usableRuntimes(day("2026-12-03")).includes("nodejs24.x"));
    });
});
