import { strict as assert } from "node:assert";
import { analyzeAccess, type AccessEdge } from "../../../analysis/access";
import {
    DEV,
    EXTERNAL_ID,
    PROD,
    TEST,
    bucket,
    bucketPolicy,
    doc,
    group,
    groupArn,
    groupPolicy,
    organization,
    role,
    roleArn,
    rolePolicy,
    root,
    userArn,
    orgTrustedRole,
} from "./fixtures";
import { allowService } from "../../support/statements";

const CLOUDTRAIL = "cloudtrail.amazonaws.com";
/** prod's audit-logs bucket, with a bucket policy of these statements. */
const auditLogs = (...statements: Record<string, unknown>[]) => [
    bucket(PROD, "audit-logs"),
    bucketPolicy(PROD, "audit-logs", doc(...statements)),
];

const edge = (e: Omit<AccessEdge, "sourceAccountId" | "targetAccountId"> & { from: string; to: string }): AccessEdge => ({
    kind: e.kind,
    principal: e.principal,
    target: e.target,
    actions: e.actions,
    conditions: e.conditions,
    sourceAccountId: e.from,
    targetAccountId: e.to,
    via: e.via,
});
const MFA = "aws:MultiFactorAuthPresent = true";

describe("access analysis: cross-account edges", () => {
    it("lists the small organization's edges: trusted accounts, the identities that can use them, bucket grants", async () => {
        const { edges } = await analyzeAccess(organization(), []);
        assert.deepEqual(edges, [
            edge({
                kind: "assume-role",
                principal: root(DEV),
                target: roleArn(TEST, "Deployer"),
                actions: ["sts:AssumeRole"],
                conditions: ["sts:ExternalId = [secret]"],
                from: DEV,
                to: TEST,
                via: "trust-policy",
            }),
            edge({
                kind: "assume-role",
                principal: userArn(DEV, "ci-bot"),
                target: roleArn(TEST, "Deployer"),
                actions: ["sts:AssumeRole"],
                conditions: ["sts:ExternalId = [secret]"],
                from: DEV,
                to: TEST,
                via: "identity-policy:ci-bot/assume-deployer",
            }),
            edge({
                kind: "assume-role",
                principal: groupArn(DEV, "Testers"),
                target: roleArn(PROD, "AppReadOnly"),
                actions: ["sts:AssumeRole"],
                conditions: [MFA],
                from: DEV,
                to: PROD,
                via: "identity-policy:Testers/allow-assume",
            }),
            edge({
                kind: "assume-role",
                principal: root(DEV),
                target: roleArn(PROD, "AppReadOnly"),
                actions: ["sts:AssumeRole"],
                conditions: [MFA],
                from: DEV,
                to: PROD,
                via: "trust-policy",
            }),
            edge({
                kind: "assume-role",
                principal: root(TEST),
                target: roleArn(PROD, "AppReadOnly"),
                actions: ["sts:AssumeRole"],
                conditions: [MFA],
                from: TEST,
                to: PROD,
                via: "trust-policy",
            }),
            edge({
                kind: "assume-role",
                principal: groupArn(DEV, "Developers"),
                target: roleArn(PROD, "UpdateApp"),
                actions: ["sts:AssumeRole"],
                conditions: ["aws:MultiFactorAuthAge < 3600", MFA],
                from: DEV,
                to: PROD,
                via: "identity-policy:Developers/allow-assume",
            }),
            edge({
                kind: "assume-role",
                principal: root(DEV),
                target: roleArn(PROD, "UpdateApp"),
                actions: ["sts:AssumeRole"],
                conditions: ["aws:MultiFactorAuthAge < 3600", MFA],
                from: DEV,
                to: PROD,
                via: "trust-policy",
            }),
            edge({
                kind: "resource-access",
                principal: roleArn(DEV, "ImageSharingRole"),
                target: "arn:aws:s3:::prod-product-images",
                actions: ["s3:GetObject"],
                conditions: [],
                from: DEV,
                to: PROD,
                via: "bucket-policy",
            }),
        ]);
    });

    it("drops candidates the simulator denies", async () => {
        const { edges } = await analyzeAccess(organization(), []);
        const pairs = edges.map((e) => `${e.principal} -> ${e.target}`);
        // Testers: Allow and an explicit Deny on UpdateApp.
        assert.ok(!pairs.includes(`${groupArn(DEV, "Testers")} -> ${roleArn(PROD, "UpdateApp")}`));
        // Auditor's trust names NoPermsRole, which has no identity permission to assume it.
        assert.ok(!pairs.some((p) => p.endsWith(roleArn(PROD, "Auditor"))));
        // Developers' policy names TestOnly, whose trust does not admit dev.
        assert.ok(!pairs.some((p) => p.endsWith(roleArn(TEST, "TestOnly"))));
        // BuildRole can read the bucket by identity, but the bucket policy names only ImageSharingRole.
        assert.ok(!pairs.some((p) => p.startsWith(roleArn(DEV, "BuildRole"))));
    });

    it("never prints an external ID", async () => {
        const analysis = await analyzeAccess(organization(), [
            {
                id: "ci",
                principal: userArn(DEV, "ci-bot"),
                action: "sts:AssumeRole",
                resource: roleArn(TEST, "Deployer"),
                context: { externalId: EXTERNAL_ID },
                expect: "allow",
            },
            {
                id: "ci-wrong",
                principal: userArn(DEV, "ci-bot"),
                action: "sts:AssumeRole",
                resource: roleArn(TEST, "Deployer"),
                context: { externalId: "not-it" },
                expect: "deny",
            },
        ]);
        const text = JSON.stringify(analysis);
        assert.ok(!text.includes(EXTERNAL_ID));
        assert.ok(!text.includes("not-it"));
        // Not vacuous: the matrix has edges into Deployer, each showing its external ID condition masked.
        const toDeployer = analysis.edges.filter((e) => e.target === roleArn(TEST, "Deployer"));
        assert.notStrictEqual(toDeployer.length, 0);
        assert.ok(toDeployer.every((e) => e.conditions.includes("sts:ExternalId = [secret]")));
    });

    it("narrowed, wildcard and org-wide trusts; same-account trusts are not edges; bucket grants list allowed actions as written", async () => {
        const resources = [
            role(
                PROD,
                "Narrowed",
                doc({
                    Effect: "Allow",
                    Principal: { AWS: [root(DEV), root(TEST)] },
                    Action: ["sts:AssumeRole", "sts:TagSession"],
                    Condition: { ArnLike: { "aws:PrincipalArn": [`arn:aws:iam::${DEV}:role/ci-*`] } },
                }),
            ),
            orgTrustedRole(PROD, "OrgRead", "o-a1b2c3d4e5"),
            role(PROD, "Local", doc({ Effect: "Allow", Principal: { AWS: root(PROD) }, Action: "sts:AssumeRole" })),
            role(DEV, "ci-deploy", doc({ Effect: "Allow", Principal: { Service: "codebuild.amazonaws.com" }, Action: "sts:AssumeRole" })),
            rolePolicy(DEV, "ci-deploy", "assume", doc({ Effect: "Allow", Action: "sts:*", Resource: `arn:aws:iam::${PROD}:role/*` })),
            group(DEV, "Ops"),
            groupPolicy(DEV, "Ops", "assume-all", doc({ Effect: "Allow", Action: "sts:AssumeRole", Resource: "*" })),
            bucket(PROD, "shared-data"),
            bucketPolicy(
                PROD,
                "shared-data",
                doc(
                    {
                        Sid: "TestReads",
                        Effect: "Allow",
                        Principal: { AWS: TEST },
                        Action: ["s3:GetObject", "s3:List*"],
                        Resource: ["arn:aws:s3:::shared-data", "arn:aws:s3:::shared-data/*"],
                        Condition: { StringEquals: { "sts:ExternalId": "bucket-secret-1" } },
                    },
                    { Sid: "NoDeletes", Effect: "Deny", Principal: "*", Action: "s3:DeleteObject", Resource: "arn:aws:s3:::shared-data/*" },
                ),
            ),
        ];
        const { edges } = await analyzeAccess(resources, []);
        assert.deepEqual(edges, [
            // ci-deploy is both named by the ArnLike pattern's account and granted by its own sts:* policy.
            edge({
                kind: "assume-role",
                principal: `arn:aws:iam::${DEV}:role/ci-*`,
                target: roleArn(PROD, "Narrowed"),
                actions: ["sts:AssumeRole", "sts:TagSession"],
                conditions: [],
                from: DEV,
                to: PROD,
                via: "trust-policy",
            }),
            edge({
                kind: "assume-role",
                principal: roleArn(DEV, "ci-deploy"),
                target: roleArn(PROD, "Narrowed"),
                actions: ["sts:AssumeRole", "sts:TagSession"],
                conditions: [],
                from: DEV,
                to: PROD,
                via: "identity-policy:ci-deploy/assume",
            }),
            // Ops may call AssumeRole on "*", but Narrowed only admits dev's ci-* roles, and OrgRead trusts "*" (one edge).
            edge({
                kind: "assume-role",
                principal: "*",
                target: roleArn(PROD, "OrgRead"),
                actions: ["sts:AssumeRole"],
                conditions: ["aws:PrincipalOrgID = o-a1b2c3d4e5"],
                from: "*",
                to: PROD,
                via: "trust-policy",
            }),
            edge({
                kind: "resource-access",
                principal: root(TEST),
                target: "arn:aws:s3:::shared-data",
                actions: ["s3:GetObject", "s3:List*"],
                conditions: ["sts:ExternalId = [secret]"],
                from: TEST,
                to: PROD,
                via: "bucket-policy",
            }),
        ]);
        assert.ok(!JSON.stringify(edges).includes("bucket-secret-1"));
    });

    it("a service principal writing for another account (aws:SourceArn) is an edge from that account", async () => {
        const trail = (account: string) => `arn:aws:cloudtrail:us-east-1:${account}:trail/audit`;
        const resources = auditLogs(
            allowService("AclCheck", CLOUDTRAIL, "s3:GetBucketAcl", {
                Resource: "arn:aws:s3:::audit-logs",
                Condition: { StringEquals: { "aws:SourceArn": [trail(DEV), trail(PROD)] } },
            }),
            allowService("Write", CLOUDTRAIL, "s3:PutObject", {
                Resource: `arn:aws:s3:::audit-logs/AWSLogs/${DEV}/*`,
                Condition: { StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": trail(DEV) } },
            }),
        );
        const { edges } = await analyzeAccess(resources, []);
        const target = "arn:aws:s3:::audit-logs";
        assert.deepEqual(edges, [
            edge({
                kind: "resource-access",
                principal: "cloudtrail.amazonaws.com",
                target,
                actions: ["s3:GetBucketAcl"],
                conditions: [`aws:SourceArn = ${trail(DEV)}`],
                from: DEV,
                to: PROD,
                via: "bucket-policy",
            }),
            edge({
                kind: "resource-access",
                principal: "cloudtrail.amazonaws.com",
                target,
                actions: ["s3:PutObject"],
                conditions: [`aws:SourceArn = ${trail(DEV)}`, "s3:x-amz-acl = bucket-owner-full-control"],
                from: DEV,
                to: PROD,
                via: "bucket-policy",
            }),
        ]);
    });

    it("a service principal writing for an organization (aws:SourceOrgID) is one edge from any of its accounts", async () => {
        const resources = auditLogs(
            allowService("Write", CLOUDTRAIL, "s3:PutObject", {
                Resource: "arn:aws:s3:::audit-logs/AWSLogs/*",
                Condition: {
                    StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceOrgID": "o-a1b2c3d4e5" },
                    ArnLike: { "aws:SourceArn": "arn:aws:cloudtrail:*:*:trail/audit" },
                },
            }),
            allowService("AclCheck", CLOUDTRAIL, "s3:GetBucketAcl", {
                Resource: "arn:aws:s3:::audit-logs",
                Condition: { StringEquals: { "aws:SourceOrgID": "o-a1b2c3d4e5" } },
            }),
        );
        const { edges } = await analyzeAccess(resources, []);
        const common = {
            kind: "resource-access" as const,
            principal: "cloudtrail.amazonaws.com",
            target: "arn:aws:s3:::audit-logs",
            from: "*",
            to: PROD,
            via: "bucket-policy",
        };
        assert.deepEqual(edges, [
            edge({
                ...common,
                actions: ["s3:PutObject"],
                conditions: [
                    "aws:SourceArn like arn:aws:cloudtrail:*:*:trail/audit",
                    "aws:SourceOrgID = o-a1b2c3d4e5",
                    "s3:x-amz-acl = bucket-owner-full-control",
                ],
            }),
            edge({ ...common, actions: ["s3:GetBucketAcl"], conditions: ["aws:SourceOrgID = o-a1b2c3d4e5"] }),
        ]);
    });

    it("edges are sorted and deterministic whatever the resource order", async () => {
        const a = await analyzeAccess(organization(), []);
        const b = await analyzeAccess([...organization()].reverse(), []);
        assert.deepEqual(b.edges, a.edges);
    });
});
