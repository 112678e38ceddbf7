import { strict as assert } from "node:assert";
import { analyzeAccess, type AccessExpectation } from "../../../analysis/access";
import { accountId, largeOrganization } from "./scale";

describe("access analysis: scale", function () {
    this.timeout(30000);

    it("prunes a 100-account organization (~2,000 resources) to the edges policies connect", async () => {
        const resources = largeOrganization(100);
        const expectations: AccessExpectation[] = Array.from({ length: 100 }, (_, i) => ({
            id: `developers-${i}`,
            principal: `arn:aws:iam::${accountId(i)}:group/Developers`,
            action: "sts:AssumeRole",
            resource: `arn:aws:iam::${accountId((i + 1) % 100)}:role/Deploy`,
            context: { mfa: true },
            expect: "allow",
        }));
        const { results, edges } = await analyzeAccess(resources, expectations);
        assert.equal(resources.length, 2000);
        assert.ok(results.every((r) => r.pass));
        // Pins the pruning rules: per account, Deploy is trusted by 3 account roots, each of whose Admins,
        // Developers, Admin role and CI role may assume it, and whose ci user may assume the next one's;
        // CI trusts the previous account's CI role only; ReadOnly trusts "*" (one edge, not expanded).
        const byVia: Record<string, number> = {};
        for (const e of edges) byVia[`${e.kind} ${e.via}`] = (byVia[`${e.kind} ${e.via}`] ?? 0) + 1;
        assert.deepEqual(byVia, {
            "assume-role trust-policy": 400,
            "assume-role identity-policy:Admins/admin": 300,
            "assume-role identity-policy:Developers/assume-deploy": 300,
            "assume-role identity-policy:Admin/admin": 300,
            "assume-role identity-policy:CI/ci": 300,
            "assume-role identity-policy:CI/ci, trust-policy": 100,
            "assume-role identity-policy:ci/ci": 100,
            "resource-access bucket-policy": 200,
        });
        assert.equal(edges.length, 2000);
        assert.ok(!JSON.stringify(edges).includes(`secret-${accountId(5)}`));
    });
});
