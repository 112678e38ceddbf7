import { strict as assert } from "assert";
import { concreteActions } from "../../../analysis/access/resource-types";

describe("concreteActions: the actions a wildcard covers", () => {
    it("takes the pattern's own service, in any case, and the fallback only for a wildcard service", async () => {
        const lower = await concreteActions("s3:GetObjectVersionT*", "kms");
        assert.deepEqual(lower, ["s3:GetObjectVersionTagging", "s3:GetObjectVersionTorrent"]);
        // One cache entry per service whatever the case the policy writes: the same actions, named as the simulator knows them.
        assert.deepEqual(await concreteActions("S3:getobjectversiont*", "kms"), lower);
        assert.deepEqual(await concreteActions("*:GetObjectVersionT*", "S3"), lower);
        assert.deepEqual(await concreteActions("s?:GetObjectVersionT*", "s3"), lower);
    });

    it("covers nothing of a service iam-data does not know", async () => {
        assert.deepEqual(await concreteActions("nosuchservice:*", "s3"), []);
    });
});
