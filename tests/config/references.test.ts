// References are parsed once, by the schema, into typed values; nothing downstream re-reads the text.
import { strict as assert } from "assert";
import { Target, arnOf, parseTarget, refText } from "../../config";
import { ConfigEdit, configProblems, loadStackFiles, referenceProject, roleOf } from "../support/project";

describe("stack configuration: typed references", () => {
    it("parses every reference of a stack file into its kind, environment and name", () => {
        const edit: ConfigEdit = (c) => (roleOf(c, "UpdateApp").permissions[0].objects = ["prod/bucket/productionapp/releases/*"]);
        const organization = loadStackFiles(referenceProject({ prod: edit }));
        const prod = organization.environments.prod.settings;
        const dev = organization.environments.dev.settings;
        const updateApp = prod.roles.find((r) => r.name === "UpdateApp")!;
        assert.deepEqual(updateApp.permissions[0].objects, [
            { kind: "objects", env: "prod", bucket: "productionapp", pattern: "releases/*" },
        ]);
        const ci = dev.roles.find((r) => r.invoke.length > 0)!;
        assert.deepEqual(ci.invoke, [{ kind: "function", env: "prod", name: "release-notifier" }]);
        assert.deepEqual(ci.pull, [{ kind: "repository", env: "prod", name: "app-images" }]);
        assert.deepEqual(dev.audit!.bucket, { kind: "bucket", env: "prod", bucket: "audit-logs" });
        assert.deepEqual(dev.assumeRoleGrants[0].roles[0], { kind: "role", env: "prod", name: "UpdateApp" });
        assert.equal(arnOf(organization, updateApp.permissions[0].objects[0]), "arn:aws:s3:::productionapp-999999999999/releases/*");
    });

    it("spells every kind of reference back as the stack file does, and tells an ARN from a reference", () => {
        const texts = [
            "prod/role/UpdateApp",
            "prod/bucket/productionapp",
            "prod/bucket/productionapp/releases/*",
            "dev/group/Developers",
            "dev/user/alice",
            "prod/function/x",
            "prod/repository/team/app-images",
            "prod/snapshot/x",
            "arn:aws:iam::999999999999:role/UpdateApp",
        ];
        const parsed = texts.map((text) => parseTarget(text)!);
        assert.deepEqual(
            parsed.map((target: Target) => target.kind),
            ["role", "bucket", "objects", "group", "user", "function", "repository", "snapshot", "arn"],
        );
        assert.deepEqual(parsed.map(refText), texts);
        assert.equal(parseTarget("prod/table/x"), undefined);
    });

    it("rejects a malformed reference at the edge with the key and the expected form", () => {
        const problems = configProblems({ prod: (c) => (roleOf(c, "UpdateApp").permissions[0].objects = ["prod/buckets/productionapp"]) });
        assert.equal(problems.length, 1);
        assert.match(
            problems[0],
            /^Pulumi\.prod\.yaml: crossaccount:roles\[\d\]\.permissions\[0\]\.objects\[0\]: must reference a bucket as <environment>\/bucket\/<key> \(got "prod\/buckets\/productionapp"\)$/,
        );
    });
});
