import { strict as assert } from "assert";
import { analyzeAccess } from "../../../analysis/access";
import { permissionSetPolicies } from "../../../analysis/access/permission-sets";
import type { PlannedResource } from "../../../analysis/access/types";

const MANAGEMENT = "555555555555";
const MEMBER = "111111111111";
const PS_ARN = "arn:aws:sso:::permissionSet/ssoins-7223a1b2c3d4e5f6/ps-a1b2c3d4e5f60009";

const planned = (type: string, name: string, inputs: Record<string, unknown>, outputs: Record<string, unknown> = {}): PlannedResource => ({
    urn: `urn:pulumi:org::crossaccount::${type}::${name}`,
    type,
    name,
    stack: "org",
    accountId: MANAGEMENT,
    region: "us-east-1",
    inputs,
    outputs: { ...inputs, ...outputs },
});

describe("access analysis: permission-set policies per member account", () => {
    it("gives each permission set its inline policy, managed policies (customer managed ones in the member account) and boundary", () => {
        const inlinePolicy = JSON.stringify({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }],
        });
        const attached = { instanceArn: "arn:aws:sso:::instance/ssoins-7223a1b2c3d4e5f6", permissionSetArn: PS_ARN };
        const resources = [
            planned("aws:ssoadmin/permissionSet:PermissionSet", "readers", { name: "Readers" }, { arn: PS_ARN }),
            planned("aws:ssoadmin/permissionSet:PermissionSet", "unused", { name: "Unused" }, { arn: `${PS_ARN}0` }),
            planned("aws:ssoadmin/permissionSetInlinePolicy:PermissionSetInlinePolicy", "readers-inline", { ...attached, inlinePolicy }),
            planned("aws:ssoadmin/managedPolicyAttachment:ManagedPolicyAttachment", "readers-view", {
                ...attached,
                managedPolicyArn: "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess",
            }),
            planned("aws:ssoadmin/customerManagedPolicyAttachment:CustomerManagedPolicyAttachment", "readers-cmp", {
                ...attached,
                customerManagedPolicyReference: { name: "Readers", path: "/sso/" },
            }),
            planned("aws:ssoadmin/permissionsBoundaryAttachment:PermissionsBoundaryAttachment", "readers-boundary", {
                ...attached,
                permissionsBoundary: { customerManagedPolicyReference: { name: "ReadBoundary" } },
            }),
        ];
        const policies = permissionSetPolicies(resources, MEMBER);
        assert.deepEqual([...policies.keys()], ["Readers", "Unused"]);
        assert.deepEqual(policies.get("Readers"), {
            name: "Readers",
            inline: [inlinePolicy],
            managedArns: ["arn:aws:iam::aws:policy/job-function/ViewOnlyAccess", `arn:aws:iam::${MEMBER}:policy/sso/Readers`],
            boundaryArn: `arn:aws:iam::${MEMBER}:policy/ReadBoundary`,
        });
        assert.deepEqual(policies.get("Unused"), { name: "Unused", inline: [], managedArns: [] });
    });
});

describe("access analysis: sso/<PermissionSet> sessions use the permission set's policies", () => {
    const ssoRole = (account: string, permissionSet: string) =>
        `arn:aws:iam::${account}:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_${permissionSet}_0123456789abcdef`;
    const attached = { instanceArn: "arn:aws:sso:::instance/ssoins-7223a1b2c3d4e5f6", permissionSetArn: PS_ARN };
    const memberBucket: PlannedResource = {
        ...planned("aws:s3/bucket:Bucket", "reports", { bucket: "reports-111111111111" }, { arn: "arn:aws:s3:::reports-111111111111" }),
        accountId: MEMBER,
    };
    const resources = [
        planned("aws:ssoadmin/permissionSet:PermissionSet", "readers", { name: "Readers" }, { arn: PS_ARN }),
        planned("aws:ssoadmin/permissionSetInlinePolicy:PermissionSetInlinePolicy", "readers-inline", {
            ...attached,
            inlinePolicy: JSON.stringify({
                Version: "2012-10-17",
                Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::reports-111111111111/*" }],
            }),
        }),
        memberBucket,
    ];
    const decide = async (principal: string, action: string) => {
        const expectation = { id: "x", principal, action, resource: "arn:aws:s3:::reports-111111111111/q3.csv", expect: "allow" as const };
        return (await analyzeAccess(resources, [expectation])).results[0].result;
    };

    it("allows what the permission set's inline policy allows in the member account, and nothing else", async () => {
        assert.equal(await decide(ssoRole(MEMBER, "Readers"), "s3:GetObject"), "Allowed");
        assert.equal(await decide(ssoRole(MEMBER, "Readers"), "s3:DeleteObject"), "ImplicitlyDenied");
    });

    it("leaves a permission set the plan does not define to its resource side, as any role outside the plan", async () => {
        assert.equal(await decide(ssoRole(MEMBER, "Admins"), "s3:DeleteObject"), "Allowed");
    });
});
