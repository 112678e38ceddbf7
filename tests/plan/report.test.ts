// The reports a reviewer reads: the graph (owner accounts, two hops, unique labels, summarized
// actions, valid Mermaid), the 100-column terminal report with one resource count per stack, and the
// Markdown's order and size limit.
import { strict as assert } from "assert";
import * as path from "path";
import { AccessEdge } from "../../analysis/access";
import { countResources } from "../../plan/counts";
import { AccessGraph, accessGraph, accountCount, accountEdges, summarizeActions } from "../../plan/graph";
import { AccountNames, shortName } from "../../plan/names";
import { PlanResult, planOrganization, readPolicyConfig } from "../../plan/plan";
import { MARKDOWN_LIMIT, mermaidAccountGraph, mermaidResourceGraph, planToJson, renderMarkdown, renderText } from "../../plan/report";
import { textTable, wrapText } from "../../plan/report/tables";
import { REPO_DIR, referenceProject, roleOf } from "../support/project";
import { parseMermaid } from "../support/mermaid";

const policyConfig = readPolicyConfig(path.join(REPO_DIR, "policy-pack", "config.json"));

const PROD = "999999999999";
const DEV = "111111111111";

/** A plan with `n` accounts, each granting the next one's role read access to its bucket and an assume edge. */
function syntheticPlan(n: number, edgesPerAccount = 1): PlanResult {
    const id = (i: number) => String(100000000000 + i);
    const accounts = Object.fromEntries(Array.from({ length: n }, (_, i) => [`env${String(i).padStart(3, "0")}`, id(i)]));
    const edges: AccessEdge[] = [];
    for (let i = 0; i < n; i++) {
        const next = (i + 1) % n;
        for (let k = 0; k < edgesPerAccount; k++) {
            edges.push({
                kind: "resource-access",
                principal: `arn:aws:iam::${id(next)}:role/Reader${k}`,
                target: `arn:aws:s3:::assets-${k}-${id(i)}`,
                actions: ["s3:GetObject", "s3:GetObjectVersion", "s3:ListBucket"],
                conditions: [],
                sourceAccountId: id(next),
                targetAccountId: id(i),
            });
            edges.push({
                kind: "assume-role",
                principal: `arn:aws:iam::${id(next)}:root`,
                target: `arn:aws:iam::${id(i)}:role/Deploy${k}`,
                actions: ["sts:AssumeRole"],
                conditions: ["aws:MultiFactorAuthPresent = true"],
                sourceAccountId: id(next),
                targetAccountId: id(i),
            });
        }
    }
    return {
        ok: true,
        accounts,
        order: [Object.keys(accounts)],
        stacks: Object.entries(accounts).map(([name, accountId]) => ({
            name,
            environment: name,
            accountId,
            region: "us-east-1",
            resources: [],
            outputs: {},
            seconds: 0,
        })),
        violations: [],
        access: [],
        skippedExpectations: [],
        edges,
        inAccount: [],
        secretValues: new Set(),
        timings: { synthesis: 0, policies: 0, access: 0 },
    };
}

const nodeOf = (graph: AccessGraph, label: string) => {
    const node = graph.nodes.find((n) => n.label === label);
    assert.ok(node, `no node ${label} in ${graph.nodes.map((n) => n.label).join(", ")}`);
    return node;
};
const edgeBetween = (graph: AccessGraph, from: string, to: string) =>
    graph.edges.find((e) => e.from === nodeOf(graph, from).id && e.to === nodeOf(graph, to).id);

describe("plan reports", function () {
    this.timeout(60000);

    describe("on the reference organization", () => {
        let plan: PlanResult;
        let graph: AccessGraph;
        before(async () => {
            plan = await planOrganization({ projectDir: REPO_DIR, policyConfig });
            graph = accessGraph(plan);
        });

        it("puts every resource in its owner's account, S3 buckets included", () => {
            const bucket = nodeOf(graph, "prod bucket productionapp-999999999999");
            assert.equal(bucket.account, PROD);
            assert.equal(bucket.kind, "resource");
            assert.equal(nodeOf(graph, "prod bucket product-images-999999999999").account, PROD);
            assert.deepEqual(
                graph.accounts.map((a) => a.label),
                [
                    "GitHub Actions",
                    "dev (111111111111)",
                    "prod (999999999999)",
                    "test (222222222222)",
                    "the organization",
                    "vendor auditvendor (777788889999)",
                ],
            );
            assert.ok(!graph.accounts.some((a) => /any/.test(a.label)));
        });

        it("names the new principals: a GitHub job by its sub, a permission set as sso/<name>, the vendor", () => {
            const job = "GitHub Actions repo:acme-platform/crossaccount:environment:production";
            assert.equal(edgeBetween(graph, job, "prod role GitHubActionsDeploy")?.scope, "cross-account");
            assert.equal(nodeOf(graph, job).account, "github");
            assert.equal(edgeBetween(graph, "dev sso/ReleaseManager", "prod role UpdateApp")?.scope, "cross-account");
            assert.ok(
                edgeBetween(graph, "vendor auditvendor root", "prod role VendorAudit")?.conditions.includes("sts:ExternalId = [secret]"),
            );
        });

        it("draws the second hop: who assumes a role, and what the role may do in its own account", () => {
            assert.equal(edgeBetween(graph, "dev group Developers", "prod role UpdateApp")?.scope, "cross-account");
            const update = edgeBetween(graph, "prod role UpdateApp", "prod bucket productionapp-999999999999");
            assert.deepEqual(update && [update.scope, update.actions], [
                "in-account",
                ["s3:DeleteObject", "s3:GetBucketLocation", "s3:GetObject", "s3:ListBucket", "s3:PutObject"],
            ]);
            assert.deepEqual(edgeBetween(graph, "prod role AppReadOnly", "prod bucket productionapp-999999999999")?.actions, [
                "s3:GetObject",
                "s3:ListBucket",
            ]);
            // Developers reach prod's images through dev's own ImageSharingRole.
            assert.equal(edgeBetween(graph, "dev group Developers", "dev role ImageSharingRole")?.scope, "in-account");
            assert.equal(
                edgeBetween(graph, "dev role ImageSharingRole", "prod bucket product-images-999999999999")?.scope,
                "cross-account",
            );
        });

        it("gives every node a unique label naming its account", () => {
            const labels = graph.nodes.map((n) => n.label);
            assert.equal(new Set(labels).size, labels.length, labels.join("\n"));
            assert.ok(labels.includes("dev root") && labels.includes("test root"));
            // The trails write for every account of the organization (aws:SourceOrgID), drawn once in its box.
            assert.ok(labels.includes("the organization cloudtrail.amazonaws.com"));
        });

        it("draws one edge per pair with its actions summarized", () => {
            const pairs = graph.edges.map((e) => `${e.from}>${e.to}`);
            assert.equal(new Set(pairs).size, pairs.length);
            const trail = edgeBetween(graph, "the organization cloudtrail.amazonaws.com", "prod bucket audit-logs-999999999999")!;
            assert.deepEqual(trail.actions, ["s3:GetBucketAcl", "s3:PutObject"]);
            assert.equal(
                edgeBetween(graph, "dev role ImageSharingRole", "prod bucket product-images-999999999999")?.label,
                "s3:Get*, ListBucket (3)",
            );
        });

        it("writes Mermaid that mermaid's parser accepts, with quoted labels and account boxes", async () => {
            const source = mermaidResourceGraph(graph);
            await parseMermaid(source);
            assert.match(source, /^ {2}subgraph a\d+\["prod \(999999999999\)"\]$/m);
            assert.match(source, /\["dev root"\]/);
            assert.match(source, /==>\|"sts:AssumeRole<br>if MFA age, MFA"\|/);
        });

        it("fits the terminal report in 100 columns with account names", () => {
            const text = renderText(plan);
            const wide = text.split("\n").filter((l) => l.length > 100);
            assert.deepEqual(wide, []);
            assert.match(text, /^dev group Developers +sts:AssumeRole$/m);
            assert.match(text, /^-> prod role UpdateApp +if aws:MultiFactorAuthAge < 3600;$/m);
        });

        it("counts each stack's resources one way everywhere: the AWS resources it manages", () => {
            const prod = plan.stacks.find((s) => s.name === "prod")!;
            const counts = countResources(prod.resources);
            const managed = prod.resources.filter((r) => r.custom && r.type.startsWith("aws:")).length;
            assert.equal(counts.resources, managed);
            assert.equal(counts.resources + counts.providers + counts.components + counts.stackReferences + 1, prod.resources.length);
            assert.match(
                renderText(plan),
                new RegExp(`^prod +prod +us-east-1 +${counts.resources} +${counts.providers} +${counts.components} +0$`, "m"),
            );
            const json = planToJson(plan);
            assert.deepEqual(json.stacks.find((s) => s.name === "prod")!.counts, counts);
            assert.equal(
                json.summary.resources,
                plan.stacks.reduce((n, s) => n + countResources(s.resources).resources, 0),
            );
        });

        it("orders the Markdown for review: verdict, changes, violations, failures, advisories, graph, then folded details", () => {
            const markdown = renderMarkdown(plan);
            const headings = [...markdown.matchAll(/^(### .*|<details><summary>.*?<\/summary>)/gm)].map((m) => m[1].replace(/ \(.*/, ""));
            assert.deepEqual(headings, [
                "### Access gained and lost",
                "### Mandatory violations",
                "### Failed expectations",
                "### Advisories",
                "### Access graph",
                "<details><summary>Cross-account access matrix",
                "<details><summary>Access expectations",
                "<details><summary>Resources per stack",
            ]);
            assert.match(markdown, /^## crossaccount offline plan: ✅ OK\n/);
        });
    });

    describe("the second hop on edited copies", () => {
        it("proves a role's access to a prefix of its own account's bucket", async () => {
            const dir = referenceProject({
                prod: (c) => (roleOf(c, "AppReadOnly").permissions[1].objects = ["prod/bucket/productionapp/releases/*"]),
            });
            const graph = accessGraph(await planOrganization({ projectDir: dir, policyConfig }));
            assert.deepEqual(edgeBetween(graph, "prod role AppReadOnly", "prod bucket productionapp-999999999999")?.actions, [
                "s3:GetObject",
                "s3:ListBucket",
            ]);
        });
    });

    describe("building blocks", () => {
        it("summarizes actions by service and verb, counting them when shortened", () => {
            assert.equal(
                summarizeActions(["s3:GetObject", "s3:GetObjectVersion", "s3:ListBucket", "s3:ListBucketVersions"]),
                "s3:Get*, List* (4)",
            );
            assert.equal(summarizeActions(["sts:AssumeRole"]), "sts:AssumeRole");
            assert.equal(summarizeActions(["s3:GetObject", "kms:Decrypt"]), "s3:GetObject; kms:Decrypt");
            assert.equal(summarizeActions(["s3:*"]), "s3:*");
        });

        it("names accounts where the name is unambiguous and keeps the ID otherwise", () => {
            const names = new AccountNames({ dev: DEV, sandbox: DEV, prod: PROD });
            assert.equal(names.label(`arn:aws:iam::${PROD}:root`, PROD), "prod root");
            assert.equal(names.label(`arn:aws:iam::${DEV}:root`, DEV), `${DEV} root`);
            assert.equal(names.label("*", "*"), "anyone");
            assert.equal(shortName("arn:aws:lambda:us-east-1:999999999999:function:release-notifier"), "function release-notifier");
            assert.equal(shortName("arn:aws:iam::999999999999:role/ops/Deploy"), "role ops/Deploy");
        });

        it("wraps table cells so that no line passes the width", () => {
            const rows = [["arn:aws:cloudtrail:us-east-1:111111111111:trail/crossaccount-audit-with-a-long-name", "x ".repeat(80)]];
            const table = textTable(["a", "b"], rows, 60);
            assert.ok(
                table.split("\n").every((l) => l.length <= 60),
                table,
            );
            assert.deepEqual(wrapText("aws:MultiFactorAuthAge < 3600; aws:MultiFactorAuthPresent = true", 40), [
                "aws:MultiFactorAuthAge < 3600;",
                "aws:MultiFactorAuthPresent = true",
            ]);
        });

        it("rejects Mermaid with a syntax error (the parse test can fail)", async () => {
            await assert.rejects(parseMermaid('flowchart LR\n  n0["dev root" -->|"x"| n1'));
            const broken = mermaidResourceGraph(accessGraph(syntheticPlan(3))).replace('["', "[");
            await assert.rejects(parseMermaid(broken));
        });
    });

    describe("at scale", () => {
        it("switches the Markdown to an account-level graph above 12 accounts and keeps the full graph in the JSON", async () => {
            const small = syntheticPlan(12);
            assert.match(renderMarkdown(small), /subgraph a\d+\["env000 \(100000000000\)"\]/);
            // A CI provider, any account and the organization's services are boxes, not accounts.
            const github = { actions: ["sts:AssumeRoleWithWebIdentity"], conditions: [], targetAccountId: "100000000000" };
            small.edges.push(
                {
                    ...github,
                    kind: "assume-role",
                    principal: "github:repo:o/r:ref:refs/heads/main",
                    target: "arn:aws:iam::100000000000:role/Deploy0",
                    sourceAccountId: "github",
                },
                { ...github, kind: "assume-role", principal: "*", target: "arn:aws:iam::100000000000:role/Open", sourceAccountId: "*" },
                {
                    kind: "resource-access",
                    principal: "cloudtrail.amazonaws.com",
                    target: "arn:aws:s3:::audit-100000000000",
                    actions: ["s3:PutObject"],
                    conditions: ["aws:SourceOrgID = o-a1b2c3d4e5"],
                    sourceAccountId: "*",
                    targetAccountId: "100000000000",
                },
            );
            const boxes = accessGraph(small);
            assert.deepEqual([boxes.accounts.length, accountCount(boxes)], [15, 12]);
            assert.match(renderMarkdown(small, boxes), /subgraph a\d+\["env000 \(100000000000\)"\]/);
            assert.equal(planToJson(small, boxes).graph.markdown, "resource");
            const plan = syntheticPlan(30);
            const graph = accessGraph(plan);
            const markdown = renderMarkdown(plan, graph);
            assert.ok(!markdown.includes("subgraph"));
            assert.match(markdown, /30 accounts: each arrow counts the cross-account principal-target pairs/);
            assert.match(markdown, /a1\["env001 \(100000000001\)"\] -->\|"2"\| a0|a1 -->\|"2"\| a0/);
            const json = planToJson(plan, graph);
            assert.equal(json.graph.markdown, "account");
            assert.equal(json.graph.edges.length, 60);
            await parseMermaid(mermaidAccountGraph(graph));
            await parseMermaid(json.graph.mermaid);
            assert.deepEqual(
                accountEdges(graph).find((e) => e.from === "100000000001" && e.to === "100000000000"),
                { from: "100000000001", to: "100000000000", count: 2 },
            );
        });

        it("lists one advisory per rule and message, naming every resource, apart from the mandatory ones", () => {
            const plan = syntheticPlan(3);
            const violation = (stack: string, enforcementLevel: "advisory" | "mandatory", message: string) => ({
                policyName: enforcementLevel === "advisory" ? "cloudtrail-cloudwatch-logs" : "iam-no-resource-star",
                enforcementLevel,
                message,
                stack,
                urn: `urn:pulumi:${stack}::crossaccount::aws:cloudtrail/trail:Trail::org-audit`,
            });
            plan.violations = ["env000", "env001", "env002"].map((s) => violation(s, "advisory", "cloudWatchLogsGroupArn is not set."));
            plan.violations.push(violation("env001", "mandatory", "Resource * with s3:PutObject."));
            const markdown = renderMarkdown(plan);
            assert.ok(
                markdown.includes(
                    "### Advisories (3)\n\n- **cloudtrail-cloudwatch-logs** (3): cloudWatchLogsGroupArn is not set. " +
                        "`aws:cloudtrail/trail:Trail org-audit` in 3 stacks: env000, env001, env002.\n",
                ),
                markdown,
            );
            assert.match(
                markdown,
                /### Mandatory violations\n\n- \*\*iam-no-resource-star\*\*: Resource \\\* with s3:PutObject\. `aws:cloudtrail\/trail:Trail org-audit` in env001\.\n/,
            );
        });

        it("keeps the Markdown under the comment limit by shortening the folded details, and says so", () => {
            const plan = syntheticPlan(100, 8);
            const markdown = renderMarkdown(plan);
            assert.ok(markdown.length <= MARKDOWN_LIMIT, `${markdown.length} characters`);
            assert.match(
                markdown,
                /_Shortened to fit a pull-request comment \(60,000 characters\): \d+ of 1600 edges shown; the JSON \(`--json`\) has them all._/,
            );
            // What a reviewer must see is still there, unshortened.
            assert.match(markdown, /### Access graph/);
            assert.ok(renderMarkdown(syntheticPlan(3)).length < MARKDOWN_LIMIT);
            assert.ok(!renderMarkdown(syntheticPlan(3)).includes("Shortened"));
        });
    });
});
