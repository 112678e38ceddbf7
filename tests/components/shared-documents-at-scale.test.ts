// Issue 15: the documents one account holds for the whole organization, built for 10, 100 and 1,000 accounts
// and held to AWS's limits (aws/limits.ts). Those scoped by organization or by role name are the same at any size;
// those that name accounts are bounded by what AWS lets them name (a snapshot is shared with at most 20).
import * as assert from "assert";
import { FILTER_PATTERN_LIMIT, RDS_SNAPSHOT_SHARE_ACCOUNTS, RESOURCE_POLICY_LIMITS, PolicyDocument, serializePolicy } from "../../aws";
import { activityMetrics, alarmTopicPolicyDocument } from "../../components/activity-alarms";
import { cloudTrailBucketStatements, cloudTrailKeyPolicyDocument } from "../../components/audit-trail";
import { ecrRepositoryPolicyDocument } from "../../components/ecr-pull-grant";
import { sharedBucketPolicyDocument } from "../../components/shared-bucket";
import { snapshotKeyPolicyDocument } from "../../components/snapshot-share";
import { HUB_PARTNERS } from "../../tools/bench/generate";
import { promiseOf } from "./support";

const HUB = "999999999999";
const ORG = "o-a1b2c3d4e5";
const accounts = (n: number) => [HUB, ...Array.from({ length: n - 1 }, (_, i) => String(100000000001 + i))];
const trail = (account: string) => `arn:aws:cloudtrail:us-east-1:${account}:trail/crossaccount-audit`;
const size = (document: PolicyDocument) => promiseOf(serializePolicy(document)).then((json) => json.length);

/** The shared documents of an organization of n accounts, shaped like the reference one, with their limits. */
async function sharedDocuments(n: number): Promise<[string, number, number][]> {
    const ids = accounts(n);
    const writers = { accountId: HUB, organizationId: ORG, writerTrailArns: ids.map(trail), writerAccountIds: ids };
    const partners = ids.slice(1, 1 + HUB_PARTNERS);
    const roles = ids.flatMap((id) => ["UpdateApp", "AppReadOnly", "ImageSharingRole"].map((name) => `arn:aws:iam::${id}:role/${name}`));
    return [
        [
            "audit bucket policy",
            await size(
                sharedBucketPolicyDocument({
                    bucketName: `audit-logs-${HUB}`,
                    additionalStatements: cloudTrailBucketStatements(`audit-logs-${HUB}`, writers),
                }),
            ),
            RESOURCE_POLICY_LIMITS.s3Bucket,
        ],
        ["audit key policy", await size(cloudTrailKeyPolicyDocument(writers)), RESOURCE_POLICY_LIMITS.kmsKey],
        [
            "snapshot key policy (shared with as many accounts as RDS allows)",
            await size(
                snapshotKeyPolicyDocument({
                    accountId: HUB,
                    region: "us-east-1",
                    sharedAccountIds: ids.slice(1, 1 + RDS_SNAPSHOT_SHARE_ACCOUNTS),
                }),
            ),
            RESOURCE_POLICY_LIMITS.kmsKey,
        ],
        [
            "repository policy (the hub's partners pull)",
            await size(
                ecrRepositoryPolicyDocument([{ sid: "Partners", principalArns: partners.map((id) => `arn:aws:iam::${id}:role/CiBuild`) }]),
            ),
            RESOURCE_POLICY_LIMITS.ecrRepository,
        ],
        [
            "alarm topic policy",
            await size(alarmTopicPolicyDocument(HUB, "us-east-1", "crossaccount-activity")),
            RESOURCE_POLICY_LIMITS.snsTopic,
        ],
        ...activityMetrics(roles).map((m): [string, number, number] => [`${m.key} filter pattern`, m.pattern.length, FILTER_PATTERN_LIMIT]),
    ];
}

describe("shared documents at 10, 100 and 1,000 accounts", () => {
    it("stay within AWS's limits, and those scoped by organization or role name keep their size", async () => {
        const [at10, at100, at1000] = await Promise.all([10, 100, 1000].map(sharedDocuments));
        for (const [name, length, limit] of at1000)
            assert.ok(length <= limit, `${name}: ${length} characters at 1,000 accounts, over ${limit}`);
        const constant = (rows: [string, number, number][]) =>
            rows.filter(([name]) => !name.startsWith("snapshot") && !name.startsWith("repository"));
        assert.deepStrictEqual(constant(at1000), constant(at10));
        assert.deepStrictEqual(at1000, at100);
        // Not vacuous: every document of the reference organization is here.
        assert.deepStrictEqual(
            at1000.map(([name]) => name),
            [
                "audit bucket policy",
                "audit key policy",
                "snapshot key policy (shared with as many accounts as RDS allows)",
                "repository policy (the hub's partners pull)",
                "alarm topic policy",
                "cross-account-assume-role filter pattern",
                "access-denied filter pattern",
                "trust-policy-changes filter pattern",
                "resource-policy-changes filter pattern",
            ],
        );
    });
});
