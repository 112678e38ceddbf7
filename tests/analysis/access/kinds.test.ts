import { strict as assert } from "assert";
import { KINDS } from "../../../analysis/access/kinds";
import { aws } from "../../../policy-pack/lib/resource-types";

describe("access analysis: resource kinds", () => {
    const tokens = new Set(Object.values(aws).flatMap((service) => Object.values(service).map((cls) => cls.__pulumiType)));

    it("lists each kind once, and each resource type it reads in exactly one kind and pass", () => {
        assert.deepEqual(
            KINDS.map((kind) => kind.name),
            ["iam", "s3", "lambda", "ecr", "rds", "kms"],
        );
        const claimed = KINDS.flatMap((kind) => [...Object.keys(kind.indexes), ...Object.keys(kind.attaches)]);
        assert.deepEqual(
            claimed.filter((type, i) => claimed.indexOf(type) !== i),
            [],
        );
        assert.deepEqual(
            claimed.filter((type) => !tokens.has(type)),
            [],
            "every token comes from policy-pack/lib/resource-types.ts",
        );
    });

    it("indexes identities, buckets, functions, repositories and DB snapshots; attaches policies, permissions and memberships", () => {
        const byKind = Object.fromEntries(
            KINDS.map((kind) => [kind.name, { indexes: Object.keys(kind.indexes).sort(), attaches: Object.keys(kind.attaches).sort() }]),
        );
        assert.deepEqual(byKind.iam.indexes, ["aws:iam/group:Group", "aws:iam/policy:Policy", "aws:iam/role:Role", "aws:iam/user:User"]);
        assert.equal(byKind.iam.attaches.length, 9);
        assert.deepEqual(byKind.s3, {
            indexes: ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"],
            attaches: ["aws:s3/bucketPolicy:BucketPolicy"],
        });
        assert.deepEqual(byKind.lambda, { indexes: ["aws:lambda/function:Function"], attaches: ["aws:lambda/permission:Permission"] });
        assert.deepEqual(byKind.ecr, {
            indexes: ["aws:ecr/repository:Repository"],
            attaches: ["aws:ecr/repositoryPolicy:RepositoryPolicy"],
        });
        assert.deepEqual(byKind.rds, { indexes: ["aws:rds/snapshot:Snapshot", "aws:rds/snapshotCopy:SnapshotCopy"], attaches: [] });
    });
});
