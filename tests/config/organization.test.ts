import { strict as assert } from "assert";
import * as fs from "fs";
import { ConfigError, StackFileError, stackDependencies } from "../../config";
import { ConfigEdit, StackConfig, configProblems, loadStackFiles, referenceProject, roleOf } from "../support/project";

describe("stack configuration", () => {
    it("accepts the reference organization and resolves its stack dependencies", () => {
        const organization = loadStackFiles(referenceProject());
        assert.deepEqual(Object.keys(organization.environments).sort(), ["dev", "prod", "test"]);
        assert.equal(organization.environments.prod.accountId, "999999999999");
        assert.deepEqual(stackDependencies(organization, "prod"), []);
        assert.deepEqual(stackDependencies(organization, "dev"), ["prod"]);
        assert.deepEqual(stackDependencies(organization, "test"), ["dev", "prod"]);
    });

    it("accepts China-region service principals in a role's trust (the aws-cn partition's .amazonaws.com.cn)", () => {
        const edit: ConfigEdit = (c) => (roleOf(c, "AppReadOnly").trust.services = ["ec2.amazonaws.com.cn"]);
        const organization = loadStackFiles(referenceProject({ prod: edit }));
        const role = organization.environments.prod.settings.roles.find((r) => r.name === "AppReadOnly")!;
        assert.deepEqual(role.trust.services, ["ec2.amazonaws.com.cn"]);
        const problems = configProblems({ prod: (c) => (roleOf(c, "AppReadOnly").trust.services = ["ec2.amazonaws.cn"]) });
        assert.deepEqual(problems, [
            'Pulumi.prod.yaml: crossaccount:roles[2].trust.services[0]: must be a service principal (got "ec2.amazonaws.cn")',
        ]);
    });

    it("rejects an account ID that is not 12 digits, naming the file and key", () => {
        const problems = configProblems({ dev: (c) => (c["crossaccount:organization"].accounts.test = "22222222222") });
        assert.deepEqual(problems, [
            'Pulumi.dev.yaml: crossaccount:organization.accounts.test: must be a 12-digit AWS account ID (got "22222222222")',
        ]);
    });

    it("names each stack file with the bad account, though the organization section is validated once for identical files", () => {
        const badTestAccount = (c: StackConfig) => (c["crossaccount:organization"].accounts.test = "22222222222");
        const message = 'crossaccount:organization.accounts.test: must be a 12-digit AWS account ID (got "22222222222")';
        // The second file read (dev, prod, test): its section differs from the first file's.
        assert.deepEqual(configProblems({ prod: badTestAccount }), [`Pulumi.prod.yaml: ${message}`]);
        // The same bad section in every file: parsed once, reported for each.
        assert.deepEqual(configProblems({ dev: badTestAccount, prod: badTestAccount, test: badTestAccount }), [
            `Pulumi.dev.yaml: ${message}`,
            `Pulumi.prod.yaml: ${message}`,
            `Pulumi.test.yaml: ${message}`,
        ]);
    });

    it("rejects a reference to an environment no stack file defines", () => {
        const problems = configProblems({
            dev: (c) => c["crossaccount:assumeRoleGrants"][0].roles.push("staging/role/UpdateApp"),
        });
        assert.deepEqual(problems, [
            "Pulumi.dev.yaml: crossaccount:assumeRoleGrants[0].roles[2]: environment 'staging' is referenced but no stack file defines it",
        ]);
    });

    it("rejects a reference to a role the other environment does not define", () => {
        const problems = configProblems({ dev: (c) => (c["crossaccount:assumeRoleGrants"][2].roles = ["prod/role/UpdateAp"]) });
        assert.deepEqual(problems, [
            "Pulumi.dev.yaml: crossaccount:assumeRoleGrants[2].roles[0]: role 'UpdateAp' is referenced but not defined in Pulumi.prod.yaml",
        ]);
    });

    it("rejects duplicate role names case-insensitively", () => {
        const problems = configProblems({
            prod: (c) => c["crossaccount:roles"].push({ ...roleOf(c, "AppReadOnly"), name: "updateapp" }),
        });
        assert.deepEqual(problems, [
            "Pulumi.prod.yaml: crossaccount:roles[6].name: duplicate role name 'updateapp' (IAM role names are case-insensitive; also used by crossaccount:roles[1].name)",
        ]);
    });

    it("rejects role names over 64 characters or with invalid characters", () => {
        const long = "R".repeat(65);
        const problems = configProblems({
            prod: (c) => {
                roleOf(c, "AppReadOnly").name = long;
                roleOf(c, "ImageSharingRole").name = "Image Sharing";
            },
        });
        assert.deepEqual(problems.sort(), [
            `Pulumi.prod.yaml: crossaccount:roles[0].name: may only contain letters, digits and + = , . @ _ - (got "Image Sharing")`,
            `Pulumi.prod.yaml: crossaccount:roles[2].name: must be at most 64 characters (IAM limit) (got "${long}")`,
        ]);
    });

    it("rejects a maximum session duration outside 3600-43200 seconds", () => {
        const problems = configProblems({ prod: (c) => (roleOf(c, "UpdateApp").maxSessionDurationSeconds = 86400) });
        assert.deepEqual(problems, [
            "Pulumi.prod.yaml: crossaccount:roles[1].maxSessionDurationSeconds: must be between 3600 and 43200 seconds (got 86400)",
        ]);
    });

    it("rejects bucket names AWS would refuse", () => {
        const problems = configProblems({
            prod: (c) => {
                c["crossaccount:buckets"][0].key = "product-images-for-the-whole-organization-and-partners";
                c["crossaccount:buckets"][1].name = "xn--productionapp";
            },
        });
        assert.ok(
            problems.includes(
                "Pulumi.prod.yaml: crossaccount:buckets[0].key: bucket name 'product-images-for-the-whole-organization-and-partners-999999999999' must be 3-63 characters long (it has 67)",
            ),
            problems.join("\n"),
        );
        assert.ok(
            problems.includes(
                "Pulumi.prod.yaml: crossaccount:buckets[1].name: bucket name 'xn--productionapp' must not start with the reserved prefix 'xn--'",
            ),
            problems.join("\n"),
        );
    });

    it("rejects overlapping VPC CIDRs in a peering", () => {
        const problems = configProblems({
            test: (c) => {
                c["crossaccount:network"].cidr = "10.10.0.0/16";
                c["crossaccount:network"].subnets = ["10.10.1.0/24"];
            },
        });
        assert.deepEqual(problems, [
            "Pulumi.test.yaml: crossaccount:network.cidr: 10.10.0.0/16 overlaps 10.10.0.0/16 of 'dev' (Pulumi.dev.yaml); peered VPCs need disjoint CIDR blocks",
        ]);
    });

    it("rejects external IDs of the wrong shape", () => {
        const problems = configProblems({ prod: (c) => (roleOf(c, "UpdateApp").trust.externalId = "not allowed!") });
        assert.deepEqual(problems, [
            'Pulumi.prod.yaml: crossaccount:roles[1].trust.externalId: may only contain letters, digits and + = , . @ : / _ - (got "not allowed!")',
        ]);
    });

    it("rejects trusting an account outside the organization", () => {
        const problems = configProblems({ prod: (c) => roleOf(c, "AppReadOnly").trust.accounts.push("444455556666") });
        assert.deepEqual(problems, [
            "Pulumi.prod.yaml: crossaccount:roles[2].trust.accounts[2]: account 444455556666 is not in the organization's account list (crossaccount:organization.accounts)",
        ]);
    });

    it("rejects misspelled settings instead of ignoring them", () => {
        const problems = configProblems({ prod: (c) => (roleOf(c, "UpdateApp").trust.requireMFA = true) });
        assert.deepEqual(problems, [
            "Pulumi.prod.yaml: crossaccount:roles[1].trust.requireMFA: is not a known setting (check the spelling)",
        ]);
    });

    it("reports a stack file that is not YAML", () => {
        const dir = referenceProject();
        fs.writeFileSync(`${dir}/Pulumi.dev.yaml`, "config: [unclosed");
        assert.throws(
            () => loadStackFiles(dir),
            (error: unknown) => error instanceof StackFileError && /^Pulumi\.dev\.yaml: is not valid YAML/.test((error as Error).message),
        );
    });

    /** What loading the reference organization throws with Pulumi.test.yaml holding `text`. */
    function loadError(text: string): unknown {
        const dir = referenceProject();
        fs.writeFileSync(`${dir}/Pulumi.test.yaml`, text);
        try {
            loadStackFiles(dir);
        } catch (error) {
            return error;
        }
        assert.fail("the stack file was accepted");
    }

    /** The first line of the StackFileError a stack file of this text stops the load with. */
    function stackFileProblem(text: string): string {
        const error = loadError(text);
        assert.ok(error instanceof StackFileError, `expected a StackFileError, got ${error}`);
        return error.message.split("\n")[0];
    }

    it("rejects duplicate keys and tab indentation, naming the file, the line and the problem", () => {
        const cases: [string, string][] = [
            ["config:\n  aws:region: us-east-1\n  aws:region: us-west-2\n", "duplicated mapping key (3:3)"],
            [
                "config:\n  crossaccount:organization:\n    accounts:\n      dev: '111111111111'\n      dev: '222222222222'\n",
                "duplicated mapping key (5:7)",
            ],
            ["config:\n\taws:region: us-east-1\n", "tab characters must not be used in indentation (2:1)"],
            ["config: {}\n---\nconfig: {}\n", "expected a single document in the stream, but found more"],
        ];
        for (const [text, problem] of cases) assert.equal(stackFileProblem(text), `Pulumi.test.yaml: is not valid YAML: ${problem}`);
    });

    it("rejects a stack file whose document or config is not a mapping", () => {
        const cases: [string, string][] = [
            ["- aws:region\n- us-east-1\n", "must be a mapping with a config key (got a list)"],
            ["us-east-1\n", 'must be a mapping with a config key (got "us-east-1")'],
            ["config: us-east-1\n", 'config: must be a mapping of keys to values (got "us-east-1")'],
            ["config:\n  - aws:region\n", "config: must be a mapping of keys to values (got a list)"],
        ];
        for (const [text, problem] of cases) assert.equal(stackFileProblem(text), `Pulumi.test.yaml: ${problem}`);
    });

    it("reads an empty stack file as a stack without config: every required key is reported missing", () => {
        for (const text of ["", "# nothing yet\n", "config:\n"]) {
            const error = loadError(text);
            assert.ok(error instanceof ConfigError, `${JSON.stringify(text)}: expected a ConfigError, got ${error}`);
            assert.deepEqual(
                error.problems,
                [
                    "Pulumi.test.yaml: aws:region: must be set to an AWS region such as us-east-1 (got undefined)",
                    "Pulumi.test.yaml: crossaccount:organization: is required",
                ],
                JSON.stringify(text),
            );
        }
    });
});
