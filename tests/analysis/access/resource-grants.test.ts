// Lambda permissions, ECR repository policies and shared snapshots: evaluated as the resource side of
// cross-account requests, and listed in the access matrix.
import { strict as assert } from "node:assert";
import { AccessModel, analyzeAccess, type AccessDecision, type AccessEdge, type PlannedResource } from "../../../analysis/access";
import {
    DEV,
    OUTSIDER,
    PROD,
    TEST,
    doc,
    functionArn,
    lambdaFunction,
    lambdaPermission,
    repository,
    repositoryArn,
    repositoryPolicy,
    role,
    roleArn,
    rolePolicy,
    root,
    sharedSnapshot,
    snapshotArn,
    trustedBy,
} from "./fixtures";

const NOW = new Date("2026-03-01T12:00:00Z");
const NOTIFIER = functionArn(PROD, "notifier");
const IMAGES = repositoryArn(PROD, "app-images");
const BASELINE = snapshotArn(PROD, "baseline");
const PULL = ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"];
const RESTORE = ["rds:CopyDBSnapshot", "rds:RestoreDBInstanceFromDBSnapshot"];
/** What a restore is also authorized against, in test's account: the instance and its groups, by prefix. */
const INTO = ["db", "og", "pg", "subgrp"].map((type) => `arn:aws:rds:us-east-1:${TEST}:${type}:it-*`);
const NAMED_INTO = ["db", "og", "pg", "subgrp"].map((type) => `arn:aws:rds:us-east-1:${TEST}:${type}:it-1`);
/** A role of that account the plan does not know: its own account is assumed to allow it everything. */
const unknownRole = (account: string) => roleArn(account, "NotInPlan");

const trustOwnAccount = (account: string) => trustedBy(root(account));

/** dev's CI may invoke and pull; test's integration role pulls and restores; prod shares all three. */
function grants(): PlannedResource[] {
    return [
        role(DEV, "CiBuild", trustOwnAccount(DEV)),
        rolePolicy(
            DEV,
            "CiBuild",
            "permissions",
            doc(
                { Effect: "Allow", Action: "lambda:InvokeFunction", Resource: NOTIFIER },
                { Effect: "Allow", Action: PULL, Resource: IMAGES },
            ),
        ),
        role(TEST, "Integration", trustOwnAccount(TEST)),
        rolePolicy(
            TEST,
            "Integration",
            "permissions",
            doc(
                { Effect: "Allow", Action: "lambda:InvokeFunction", Resource: [NOTIFIER, `${NOTIFIER}:live`] },
                { Effect: "Allow", Action: PULL, Resource: IMAGES },
                { Effect: "Allow", Action: RESTORE, Resource: BASELINE },
                { Effect: "Allow", Action: "rds:RestoreDBInstanceFromDBSnapshot", Resource: INTO },
            ),
        ),
        lambdaFunction(PROD, "notifier"),
        lambdaPermission(PROD, "invoke-ci", { function: "notifier", principal: roleArn(DEV, "CiBuild") }),
        lambdaPermission(PROD, "invoke-alias", { function: NOTIFIER, principal: roleArn(TEST, "Integration"), qualifier: "live" }),
        lambdaPermission(PROD, "invoke-events", {
            function: "notifier",
            principal: "events.amazonaws.com",
            sourceAccount: TEST,
            sourceArn: `arn:aws:events:us-east-1:${TEST}:rule/nightly`,
        }),
        repository(PROD, "app-images"),
        repositoryPolicy(
            PROD,
            "app-images",
            doc({
                Sid: "Pull",
                Effect: "Allow",
                Principal: { AWS: [root(DEV), root(TEST)] },
                Action: PULL,
                Condition: { ArnEquals: { "aws:PrincipalArn": [roleArn(DEV, "CiBuild"), roleArn(TEST, "Integration")] } },
            }),
        ),
        sharedSnapshot(PROD, "baseline", [TEST]),
    ];
}

async function decide(
    principal: string,
    action: string,
    resource: string,
    resources = grants(),
    otherResources?: string[],
): Promise<AccessDecision> {
    const { results } = await analyzeAccess(resources, [{ id: "x", principal, action, resource, otherResources, expect: "allow" }], {
        now: NOW,
    });
    return results[0].result;
}

describe("access analysis: Lambda, ECR and snapshot grants", () => {
    it("a Lambda permission is the statement AddPermission builds: the exact role may invoke, nobody else, nothing else", async () => {
        assert.equal(await decide(roleArn(DEV, "CiBuild"), "lambda:InvokeFunction", NOTIFIER), "Allowed");
        assert.equal(await decide(unknownRole(DEV), "lambda:InvokeFunction", NOTIFIER), "ImplicitlyDenied");
        assert.equal(await decide(roleArn(DEV, "CiBuild"), "lambda:UpdateFunctionCode", NOTIFIER), "ImplicitlyDenied");
        // The alias grant covers the alias only, though Integration's own policy allows both.
        assert.equal(await decide(roleArn(TEST, "Integration"), "lambda:InvokeFunction", `${NOTIFIER}:live`), "Allowed");
        assert.equal(await decide(roleArn(TEST, "Integration"), "lambda:InvokeFunction", NOTIFIER), "ImplicitlyDenied");
    });

    it("matches a permission to its function by the account of its provider, whichever stack holds it", async () => {
        // dev's stack adds CiBuild's permission through prod's provider: planned in stack dev, in account PROD.
        const inDevStack = (r: PlannedResource): PlannedResource => ({
            ...r,
            stack: "dev",
            urn: r.urn.replace("urn:pulumi:prod::", "urn:pulumi:dev::"),
        });
        const fromCaller = grants().map((r) => (r.name === "invoke-ci" ? inDevStack(r) : r));
        assert.equal(fromCaller.find((r) => r.name === "invoke-ci")!.stack, "dev");
        assert.equal(await decide(roleArn(DEV, "CiBuild"), "lambda:InvokeFunction", NOTIFIER, fromCaller), "Allowed");
        const model = new AccessModel(fromCaller);
        assert.equal(model.resource(NOTIFIER)!.stack, "prod");
        assert.deepEqual((model.resource(NOTIFIER)!.policy!.validated.policyDocument.Statement as unknown[])[0], {
            Sid: "invoke-ci",
            Effect: "Allow",
            Principal: { AWS: roleArn(DEV, "CiBuild") },
            Action: "lambda:InvokeFunction",
            Resource: NOTIFIER,
        });
        // Through dev's own provider, the name would be a function of dev's account: prod's function does not get the statement.
        const misplaced = grants().map((r) =>
            r.name === "invoke-ci" ? lambdaPermission(DEV, "invoke-ci", { function: "notifier", principal: roleArn(DEV, "CiBuild") }) : r,
        );
        assert.equal(await decide(roleArn(DEV, "CiBuild"), "lambda:InvokeFunction", NOTIFIER, misplaced), "ImplicitlyDenied");
        const elsewhere = new AccessModel(misplaced).resource(functionArn(DEV, "notifier"))!;
        assert.deepEqual([elsewhere.accountId, elsewhere.external], [DEV, true]);
    });

    it("an account principal admits any identity its account allows; a source account on a role makes the grant dead", async () => {
        const withAccount = [...grants(), lambdaPermission(PROD, "invoke-dev", { function: "notifier", principal: DEV })];
        assert.equal(await decide(unknownRole(DEV), "lambda:InvokeFunction", NOTIFIER, withAccount), "Allowed");
        // AWS:SourceAccount is only present on service requests, so this statement never matches a role's call.
        const scopedRole = grants().map((r) =>
            r.name === "invoke-ci"
                ? lambdaPermission(PROD, "invoke-ci", { function: "notifier", principal: roleArn(DEV, "CiBuild"), sourceAccount: DEV })
                : r,
        );
        assert.equal(await decide(roleArn(DEV, "CiBuild"), "lambda:InvokeFunction", NOTIFIER, scopedRole), "ImplicitlyDenied");
        const model = new AccessModel(scopedRole);
        assert.deepEqual(model.resource(NOTIFIER)!.policy!.validated.policyDocument.Statement, [
            {
                Sid: "invoke-ci",
                Effect: "Allow",
                Principal: { AWS: roleArn(DEV, "CiBuild") },
                Action: "lambda:InvokeFunction",
                Resource: NOTIFIER,
                Condition: { StringEquals: { "AWS:SourceAccount": DEV } },
            },
            {
                Sid: "invoke-alias",
                Effect: "Allow",
                Principal: { AWS: roleArn(TEST, "Integration") },
                Action: "lambda:InvokeFunction",
                Resource: `${NOTIFIER}:live`,
            },
            {
                Sid: "invoke-events",
                Effect: "Allow",
                Principal: { Service: "events.amazonaws.com" },
                Action: "lambda:InvokeFunction",
                Resource: NOTIFIER,
                Condition: {
                    StringEquals: { "AWS:SourceAccount": TEST },
                    ArnLike: { "AWS:SourceArn": `arn:aws:events:us-east-1:${TEST}:rule/nightly` },
                },
            },
        ]);
    });

    it("an ECR repository policy trusting roots narrowed by aws:PrincipalArn admits the named roles, pull only", async () => {
        assert.equal(await decide(roleArn(DEV, "CiBuild"), "ecr:BatchGetImage", IMAGES), "Allowed");
        assert.equal(await decide(roleArn(TEST, "Integration"), "ecr:GetDownloadUrlForLayer", IMAGES), "Allowed");
        assert.equal(await decide(unknownRole(DEV), "ecr:BatchGetImage", IMAGES), "ImplicitlyDenied");
        assert.equal(await decide(unknownRole(DEV), "ecr:PutImage", IMAGES), "ImplicitlyDenied");
        assert.equal(await decide(roleArn(OUTSIDER, "Intruder"), "ecr:BatchGetImage", IMAGES), "ImplicitlyDenied");
        // Without a repository policy, another account gets nothing.
        const withoutPolicy = grants().filter((r) => r.type !== "aws:ecr/repositoryPolicy:RepositoryPolicy");
        assert.equal(await decide(roleArn(DEV, "CiBuild"), "ecr:BatchGetImage", IMAGES, withoutPolicy), "ImplicitlyDenied");
    });

    it('a snapshot share admits the shared accounts to copy or restore it; "all" admits everyone', async () => {
        assert.equal(
            await decide(roleArn(TEST, "Integration"), "rds:RestoreDBInstanceFromDBSnapshot", BASELINE, grants(), NAMED_INTO),
            "Allowed",
        );
        assert.equal(await decide(roleArn(TEST, "Integration"), "rds:CopyDBSnapshot", BASELINE), "Allowed");
        assert.equal(await decide(roleArn(TEST, "Integration"), "rds:DeleteDBSnapshot", BASELINE), "ImplicitlyDenied");
        assert.equal(await decide(unknownRole(DEV), "rds:RestoreDBInstanceFromDBSnapshot", BASELINE), "ImplicitlyDenied");
        const everyone = [...grants(), sharedSnapshot(PROD, "public", ["all"])];
        assert.equal(await decide(roleArn(OUTSIDER, "Intruder"), "rds:CopyDBSnapshot", snapshotArn(PROD, "public"), everyone), "Allowed");
        const unshared = [...grants(), sharedSnapshot(PROD, "private", [])];
        assert.equal(await decide(unknownRole(TEST), "rds:CopyDBSnapshot", snapshotArn(PROD, "private"), unshared), "ImplicitlyDenied");
    });

    it("lists the grants in the access matrix: who, through which policy, and services with their source", async () => {
        const { edges } = await analyzeAccess(grants(), []);
        const resourceEdges = edges.filter((e) => !e.target.startsWith("arn:aws:iam::"));
        const edge = (
            principal: string,
            target: string,
            actions: string[],
            from: string,
            via: string,
            conditions: string[] = [],
        ): AccessEdge => ({
            kind: "resource-access",
            principal,
            target,
            actions,
            conditions,
            sourceAccountId: from,
            targetAccountId: PROD,
            via,
        });
        assert.deepEqual(resourceEdges, [
            edge(roleArn(DEV, "CiBuild"), IMAGES, PULL, DEV, "identity-policy:CiBuild/permissions, repository-policy"),
            edge(roleArn(TEST, "Integration"), IMAGES, PULL, TEST, "identity-policy:Integration/permissions, repository-policy"),
            edge(
                roleArn(DEV, "CiBuild"),
                NOTIFIER,
                ["lambda:InvokeFunction"],
                DEV,
                "identity-policy:CiBuild/permissions, lambda-permission",
            ),
            edge(
                roleArn(TEST, "Integration"),
                NOTIFIER,
                ["lambda:InvokeFunction"],
                TEST,
                "identity-policy:Integration/permissions, lambda-permission",
            ),
            // The service acts for test's rule: verified with that source ARN (and its account).
            edge("events.amazonaws.com", NOTIFIER, ["lambda:InvokeFunction"], TEST, "lambda-permission", [
                `aws:SourceArn = arn:aws:events:us-east-1:${TEST}:rule/nightly`,
            ]),
            edge(roleArn(TEST, "Integration"), BASELINE, RESTORE, TEST, "identity-policy:Integration/permissions"),
            edge(root(TEST), BASELINE, RESTORE, TEST, "snapshot-share"),
        ]);
    });

    it("keeps a permission on a function outside the plan, in the permission's account", () => {
        const model = new AccessModel([
            lambdaPermission(PROD, "external", { function: `${PROD}:function:legacy`, principal: roleArn(DEV, "CiBuild") }),
        ]);
        const node = model.resource(functionArn(PROD, "legacy"))!;
        assert.deepEqual([node.kind, node.accountId, node.external], ["function", PROD, true]);
        assert.equal(model.resource(`${functionArn(PROD, "legacy")}:live`), node);
    });
});
