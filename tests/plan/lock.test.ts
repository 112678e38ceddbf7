// The access lock and the pull-request view of a change: copies of the reference organization that
// widen a role's cross-account access, add a cross-account edge, or widen a role inside its own account,
// each checked for what it does to the graph, the access diff and the lock check. And failure writes
// failure: a run that cannot plan never leaves an earlier green report behind.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runPlanCli } from "../support/plan-cli";
import { diffAccess, lockEntries, LOCK_FILE, readEdges } from "../../plan/lock";
import { planOrganization, readPolicyConfig } from "../../plan/plan";
import { parseMermaid } from "../support/mermaid";
import { ConfigEdit, REPO_DIR, referenceProject, roleOf, withVendorExternalId } from "../support/project";

const policyConfig = readPolicyConfig(path.join(REPO_DIR, "policy-pack", "config.json"));
const SECRET = "tenant-7f3a9c-secret";

const runCli = (args: string[]) => runPlanCli(["--quiet", ...args]);

/** A copy of the reference organization with the committed lock, edited per stack. */
function lockedCopy(edits: Partial<Record<string, ConfigEdit | null>> = {}): string {
    const dir = referenceProject(edits);
    fs.copyFileSync(path.join(REPO_DIR, LOCK_FILE), path.join(dir, LOCK_FILE));
    return dir;
}

interface PlanJson {
    ok: boolean;
    errors?: string[];
    accessDiff: {
        against: string;
        file: string | null;
        gained: { principal: string; target: string; actions: string[] }[];
        lost: unknown[];
    };
    lock: { status: string; gained: unknown[]; lost: unknown[] };
    graph: {
        nodes: { id: string; label: string }[];
        edges: { from: string; to: string; scope: string; actions: string[]; label: string; gained: string[] }[];
        mermaid: string;
    };
}

/** Runs the command with --json into a temporary file and returns the exit code, the output and the JSON. */
async function planJson(args: string[]) {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "plan-json-")), "plan.json");
    const result = await runCli([...args, "--json", file]);
    return { ...result, file, json: JSON.parse(fs.readFileSync(file, "utf8")) as PlanJson };
}

function graphEdge(json: PlanJson, from: string, to: string) {
    const id = (label: string) => json.graph.nodes.find((n) => n.label === label)?.id;
    return json.graph.edges.find((e) => e.from === id(from) && e.to === id(to));
}

const IMAGES = "arn:aws:s3:::product-images-999999999999";
const DEV_IMAGE_ROLE = "arn:aws:iam::111111111111:role/ImageSharingRole";

describe("access lock and the pull-request view", function () {
    this.timeout(120000);

    let reference: Awaited<ReturnType<typeof planJson>>;
    before(async () => {
        reference = await planJson([]);
    });

    describe("on the reference organization", () => {
        it("matches the committed lock and exits 0", () => {
            assert.equal(reference.code, 0, reference.stdout);
            assert.equal(reference.json.lock.status, "match");
            assert.match(reference.stdout, /^access lock: the planned cross-account edges match access\.lock\.json$/m);
            assert.deepEqual(reference.json.accessDiff, { against: "lock", file: LOCK_FILE, gained: [], lost: [] });
        });

        it("commits a lock that is exactly the planned edges: sorted, merged, one action per line", async () => {
            const plan = await planOrganization({ projectDir: REPO_DIR, policyConfig });
            const committed = fs.readFileSync(path.join(REPO_DIR, LOCK_FILE), "utf8");
            assert.deepEqual(readEdges(path.join(REPO_DIR, LOCK_FILE), "lock"), lockEntries(plan.edges));
            assert.deepEqual(JSON.parse(committed).edges, lockEntries(plan.edges));
            assert.match(committed, /\n {8}"s3:GetObjectVersion",\n/);
            for (const entry of JSON.parse(committed).edges)
                assert.deepEqual(Object.keys(entry), ["principal", "target", "actions", "conditions"]);
        });

        it("redacts external IDs in the lock it writes", async () => {
            const dir = referenceProject({ prod: (c) => withVendorExternalId(c, SECRET) });
            await runCli(["--project", dir, "--update-lock"]);
            const lock = fs.readFileSync(path.join(dir, LOCK_FILE), "utf8");
            assert.ok(!lock.includes(SECRET));
            assert.match(lock, /"sts:ExternalId = \[secret\]"/);
        });

        it("says so and does not fail without a lock", async () => {
            const result = await planJson(["--project", referenceProject()]);
            assert.equal(result.code, 0);
            assert.equal(result.json.lock.status, "missing");
            assert.match(
                result.stdout,
                /access lock: no access\.lock\.json, nothing compared \(create it with `npm run plan -- --update-lock`\)/,
            );
        });
    });

    describe("a copy that widens a role's cross-account access (s3:PutObject on both sides of the grant)", () => {
        const widen: Partial<Record<string, ConfigEdit>> = {
            prod: (c) => {
                c["crossaccount:buckets"][0].grants[0].access = "read-write";
                // The pull request states its intent too, or the expectation would fail the plan anyway.
                c["crossaccount:accessExpectations"].find((e: { id: string }) => e.id === "dev-imagesharing-write-product-images").expect =
                    "allow";
            },
            dev: (c) => roleOf(c, "ImageSharingRole").permissions[1].actions.push("s3:PutObject"),
        };
        let dir: string;
        let run: Awaited<ReturnType<typeof planJson>>;
        before(async () => {
            dir = lockedCopy(widen);
            run = await planJson(["--project", dir]);
        });

        it("fails the lock check and prints the access gained", () => {
            assert.equal(run.code, 1, run.stdout);
            assert.equal(run.json.lock.status, "differs");
            assert.deepEqual(
                run.json.accessDiff.gained.map((c) => [c.principal, c.target, c.actions]),
                [[DEV_IMAGE_ROLE, IMAGES, ["s3:PutObject"]]],
            );
            assert.deepEqual(run.json.accessDiff.lost, []);
            assert.match(run.stdout, /^\+ +dev role ImageSharingRole +s3:PutObject$/m);
            assert.match(run.stdout.replace(/\n(?!\n)/g, " "), /NOT OK: .*, 1 gained and 0 lost against the lock/);
        });

        it("changes the graph", () => {
            const before = graphEdge(reference.json, "dev role ImageSharingRole", "prod bucket product-images-999999999999")!;
            const after = graphEdge(run.json, "dev role ImageSharingRole", "prod bucket product-images-999999999999")!;
            assert.deepEqual([before.label, after.label], ["s3:Get*, ListBucket (3)", "s3:Get*, ListBucket, PutObject (4)"]);
            assert.notEqual(run.json.graph.mermaid, reference.json.graph.mermaid);
        });

        it("marks the access gained in the graph, in Mermaid that mermaid accepts", async () => {
            const edge = graphEdge(run.json, "dev role ImageSharingRole", "prod bucket product-images-999999999999")!;
            assert.deepEqual(edge.gained, ["s3:PutObject"]);
            const declared = run.json.graph.mermaid.split("\n").filter((l) => /^ {2}n\d+ /.test(l));
            const index = declared.findIndex((l) => l.startsWith(`  ${edge.from} -->`) && l.endsWith(` ${edge.to}`));
            assert.match(declared[index], /<br>gained s3:PutObject"\|/);
            assert.match(run.json.graph.mermaid, new RegExp(`\n {2}linkStyle ${index} stroke:#cf222e,stroke-width:4px$`));
            assert.ok(!reference.json.graph.mermaid.includes("linkStyle"));
            await parseMermaid(run.json.graph.mermaid);
        });

        it("passes once the lock is updated, and the lock's diff is the change", async () => {
            const update = await runCli(["--project", dir, "--update-lock"]);
            assert.equal(update.code, 0, update.stdout);
            assert.match(
                update.stdout,
                /access lock: access\.lock\.json rewritten from the plan \(1 gained, 0 lost against the previous lock\)/,
            );
            const diff = diffAccess(readEdges(path.join(REPO_DIR, LOCK_FILE), "lock"), readEdges(path.join(dir, LOCK_FILE), "lock"));
            assert.deepEqual(
                diff.gained.map((c) => [c.principal, c.actions]),
                [[DEV_IMAGE_ROLE, ["s3:PutObject"]]],
            );
            assert.equal((await runCli(["--project", dir])).code, 0);
        });

        it("reports the same change against another plan's JSON with --baseline", async () => {
            const result = await planJson(["--project", dir, "--baseline", reference.file]);
            assert.equal(result.json.accessDiff.against, "baseline");
            assert.equal(result.json.accessDiff.file, reference.file);
            assert.deepEqual(
                result.json.accessDiff.gained.map((c) => c.actions),
                [["s3:PutObject"]],
            );
            assert.match(result.stdout, /== Access gained \(\+\) and lost \(-\) against the baseline /);
        });
    });

    describe("a copy that adds one cross-account edge (Developers may assume AppReadOnly)", () => {
        let run: Awaited<ReturnType<typeof planJson>>;
        before(async () => {
            run = await planJson([
                "--project",
                lockedCopy({ dev: (c) => c["crossaccount:assumeRoleGrants"][0].roles.push("prod/role/AppReadOnly") }),
            ]);
        });

        it("fails the lock check with the new edge as gained", () => {
            assert.equal(run.code, 1);
            assert.deepEqual(
                run.json.accessDiff.gained.map((c) => [c.principal, c.target, c.actions]),
                [["arn:aws:iam::111111111111:group/Developers", "arn:aws:iam::999999999999:role/AppReadOnly", ["sts:AssumeRole"]]],
            );
            assert.match(run.stdout, /^\+ +dev group Developers +sts:AssumeRole$/m);
        });

        it("draws the new edge", () => {
            assert.equal(graphEdge(reference.json, "dev group Developers", "prod role AppReadOnly"), undefined);
            const edge = graphEdge(run.json, "dev group Developers", "prod role AppReadOnly")!;
            assert.equal(edge.scope, "cross-account");
            assert.ok(run.json.graph.mermaid.includes(`  ${edge.from} ==>|"sts:AssumeRole<br>if MFA<br>new"| ${edge.to}\n`));
        });
    });

    describe("a copy that widens a role inside its own account (UpdateApp may delete object versions)", () => {
        let run: Awaited<ReturnType<typeof planJson>>;
        before(async () => {
            run = await planJson([
                "--project",
                lockedCopy({ prod: (c) => roleOf(c, "UpdateApp").permissions[2].actions.push("s3:DeleteObjectVersion") }),
            ]);
        });

        it("changes the graph, and neither the cross-account diff nor the lock", () => {
            const edge = graphEdge(run.json, "prod role UpdateApp", "prod bucket productionapp-999999999999")!;
            assert.equal(edge.scope, "in-account");
            assert.ok(edge.actions.includes("s3:DeleteObjectVersion"));
            assert.notEqual(edge.label, graphEdge(reference.json, "prod role UpdateApp", "prod bucket productionapp-999999999999")!.label);
            assert.notEqual(run.json.graph.mermaid, reference.json.graph.mermaid);
            assert.equal(run.json.lock.status, "match");
            assert.equal(run.code, 0);
        });
    });

    describe("the diff", () => {
        const entry = (principal: string, actions: string[], conditions: string[] = []) => ({
            principal,
            target: IMAGES,
            actions,
            conditions,
        });

        it("lists actions gained and lost per principal, target and conditions", () => {
            const before = [
                entry("a", ["s3:GetObject", "s3:ListBucket"]),
                entry("b", ["s3:GetObject"]),
                entry("c", ["s3:GetObject"], ["x = 1"]),
            ];
            const after = [entry("a", ["s3:GetObject", "s3:PutObject"]), entry("c", ["s3:GetObject"], ["x = 2"])];
            assert.deepEqual(diffAccess(before, after), {
                gained: [entry("a", ["s3:PutObject"]), entry("c", ["s3:GetObject"], ["x = 2"])],
                lost: [entry("a", ["s3:ListBucket"]), entry("b", ["s3:GetObject"]), entry("c", ["s3:GetObject"], ["x = 1"])],
            });
            assert.deepEqual(diffAccess(after, after), { gained: [], lost: [] });
        });

        it("merges edges of one principal, target and conditions, and redacts secrets", () => {
            const edges = [
                entry("a", ["s3:PutObject"], [`sts:ExternalId = ${SECRET}`]),
                entry("a", ["s3:GetObject", "s3:PutObject"], [`sts:ExternalId = ${SECRET}`]),
            ];
            assert.deepEqual(lockEntries(edges, [SECRET]), [entry("a", ["s3:GetObject", "s3:PutObject"], ["sts:ExternalId = [secret]"])]);
        });
    });

    describe("bad input", () => {
        it("refuses --update-lock when only some stacks are planned", async () => {
            const result = await runCli(["--stack", "prod", "--update-lock", "--project", lockedCopy()]);
            assert.equal(result.code, 2);
            assert.match(result.stderr, /--update-lock needs every stack planned/);
        });

        it("does not check the lock when only some stacks are planned", async () => {
            const result = await planJson(["--stack", "prod", "--project", lockedCopy()]);
            assert.equal(result.code, 0);
            assert.equal(result.json.lock.status, "not-checked");
        });

        it("exits 2 naming the file on an unreadable lock", async () => {
            const dir = lockedCopy();
            fs.writeFileSync(path.join(dir, LOCK_FILE), '{"edges": [{"principal": 1}]}');
            const result = await runCli(["--project", dir]);
            assert.equal(result.code, 2);
            assert.equal(result.stderr, `${path.join(dir, LOCK_FILE)}: edges[0].principal: must be a string\n`);
        });
    });

    describe("failure writes failure", () => {
        const broken = () => referenceProject({ prod: (c) => (roleOf(c, "UpdateApp").maxSessionDurationSeconds = 100) });
        const problem =
            "Pulumi.prod.yaml: crossaccount:roles[1].maxSessionDurationSeconds: must be between 3600 and 43200 seconds (got 100)";

        it("replaces an earlier green --json and --markdown with a failure", async () => {
            const out = fs.mkdtempSync(path.join(os.tmpdir(), "plan-fail-"));
            const json = path.join(out, "plan.json");
            const markdown = path.join(out, "plan.md");
            fs.copyFileSync(reference.file, json);
            fs.writeFileSync(markdown, "## crossaccount offline plan: ✅ OK\n");
            const result = await runCli(["--project", broken(), "--json", json, "--markdown", markdown]);
            assert.equal(result.code, 2);
            assert.deepEqual(JSON.parse(fs.readFileSync(json, "utf8")), { schemaVersion: 1, ok: false, errors: [problem] });
            const text = fs.readFileSync(markdown, "utf8");
            assert.match(text, /^## crossaccount offline plan: ❌ FAILED\n/);
            assert.ok(text.includes("must be between 3600 and 43200 seconds (got 100)"));
        });

        it("prints the failure JSON on stdout with --json -", async () => {
            const result = await runCli(["--project", broken(), "--json", "-"]);
            assert.equal(result.code, 2);
            assert.deepEqual(JSON.parse(result.stdout), { schemaVersion: 1, ok: false, errors: [problem] });
        });

        it("writes a failure on a usage error too", async () => {
            const json = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "plan-fail-")), "plan.json");
            fs.copyFileSync(reference.file, json);
            const result = await runCli(["--json", json, "--no-such-option"]);
            assert.equal(result.code, 2);
            assert.deepEqual(JSON.parse(fs.readFileSync(json, "utf8")), {
                schemaVersion: 1,
                ok: false,
                errors: ["unknown option '--no-such-option'"],
            });
        });
    });
});
