/** S3 buckets and their bucket policies (inline on the bucket or an aws.s3.BucketPolicy). */
import { aws } from "../../../policy-pack/lib/resource-types";
import type { AccessModel, BucketNode } from "../model";
import type { PlannedResource } from "../types";
import { str, type ResourceKindModule } from "./kind";

function addBucket(model: AccessModel, r: PlannedResource): void {
    const name = str(r.outputs.bucket) ?? str(r.inputs.bucket) ?? str(r.outputs.id) ?? r.name;
    if (model.bucketsByName.has(name)) {
        model.warnings.push(`bucket ${name} is declared twice (${r.urn}); the first one is used`);
        return;
    }
    const node = bucketNode(r, name);
    if (r.inputs.policy !== undefined) node.policy = model.makePolicy(`${node.arn} bucket policy`, r.inputs.policy, "resource");
    model.bucketsByName.set(name, node);
    const id = str(r.outputs.id);
    if (id && !model.bucketsByName.has(id)) model.bucketsByName.set(id, node);
    model.buckets.push(node);
}

function bucketNode(r: PlannedResource, name: string): BucketNode {
    const partition = r.partition ?? "aws";
    return { name, arn: `arn:${partition}:s3:::${name}`, accountId: r.accountId, partition, urn: r.urn, stack: r.stack };
}

function addBucketPolicy(model: AccessModel, r: PlannedResource): void {
    const ref = str(r.inputs.bucket);
    if (!ref) return;
    let bucket = model.bucketsByName.get(ref);
    if (bucket && bucket.accountId !== r.accountId) {
        model.warnings.push(`${r.urn}: bucket ${ref} belongs to account ${bucket.accountId}, not ${r.accountId}; policy ignored`);
        return;
    }
    if (!bucket) {
        // A policy on a bucket created elsewhere: the policy's account owns the bucket.
        bucket = bucketNode(r, ref);
        model.bucketsByName.set(ref, bucket);
        model.buckets.push(bucket);
    }
    const p = model.makePolicy(`${bucket.arn} bucket policy`, r.inputs.policy, "resource");
    if (p) {
        if (bucket.policy) model.warnings.push(`bucket ${bucket.name} has several bucket policies; the last one (${r.urn}) is used`);
        bucket.policy = p;
    }
}

export const s3: ResourceKindModule = {
    name: "s3",
    indexes: { [aws.s3.Bucket.__pulumiType]: addBucket, [aws.s3.BucketV2.__pulumiType]: addBucket },
    attaches: { [aws.s3.BucketPolicy.__pulumiType]: addBucketPolicy },
};
