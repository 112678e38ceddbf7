import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { AccountProviders } from "../../components/account-providers";
import { DEV, PROD, TEST, promiseOf, recorded, settle, suiteMocks } from "./support";

/** Provider inputs reach the mocks JSON-encoded; decode them for comparison. */
function decodedInputs(inputs: Record<string, unknown>): Record<string, unknown> {
    return Object.fromEntries(
        Object.entries(inputs).map(([key, value]) => {
            if (typeof value !== "string") return [key, value];
            try {
                return [key, JSON.parse(value)];
            } catch {
                return [key, value];
            }
        }),
    );
}

describe("AccountProviders", () => {
    const mocks = suiteMocks();

    it("creates one provider per account, pinned to it and assuming the deployment role", async () => {
        const providers = new AccountProviders({
            accounts: [
                { name: "dev", accountId: DEV },
                { name: "prod", accountId: PROD },
            ],
            region: "eu-west-1",
            deploymentRoleName: "PulumiDeploy",
            deploymentRolePath: "/platform/",
            sessionName: "ci-run",
            defaultTags: { managedBy: "pulumi" },
        });
        assert.deepStrictEqual(Object.keys(providers.providers).sort(), ["dev", "prod"]);
        await settle();

        const prod = recorded(mocks, "pulumi:providers:aws", "aws-prod");
        // version and the skip* flags are SDK defaults, not ours.
        const { version, skipCredentialsValidation, skipRegionValidation, ...prodInputs } = decodedInputs(prod.inputs);
        void [version, skipCredentialsValidation, skipRegionValidation];
        assert.deepStrictEqual(prodInputs, {
            region: "eu-west-1",
            allowedAccountIds: [PROD],
            assumeRoles: [{ roleArn: `arn:aws:iam::${PROD}:role/platform/PulumiDeploy`, sessionName: "ci-run" }],
            defaultTags: { tags: { managedBy: "pulumi" } },
        });
        assert.deepStrictEqual(decodedInputs(recorded(mocks, "pulumi:providers:aws", "aws-dev").inputs).allowedAccountIds, [DEV]);
        assert.strictEqual(mocks.resources.filter((r) => r.name === "aws-test").length, 0);
    });

    it("uses ambient credentials (no assumeRoles) without a deployment role, and a default session name with one", async () => {
        new AccountProviders({ accounts: [{ name: "ambient", accountId: TEST }], region: "us-east-1" });
        new AccountProviders({ accounts: [{ name: "assumed", accountId: TEST }], region: "us-east-1", deploymentRoleName: "Deploy" });
        await settle();
        assert.strictEqual(decodedInputs(recorded(mocks, "pulumi:providers:aws", "aws-ambient").inputs).assumeRoles, undefined);
        assert.deepStrictEqual(decodedInputs(recorded(mocks, "pulumi:providers:aws", "aws-assumed").inputs).assumeRoles, [
            { roleArn: `arn:aws:iam::${TEST}:role/Deploy`, sessionName: "pulumi-crossaccount" },
        ]);
    });

    it("passes the external ID to the assumed role as a secret", async () => {
        new AccountProviders({
            accounts: [{ name: "with-external-id", accountId: TEST }],
            region: "us-east-1",
            deploymentRoleName: "Deploy",
            externalId: "deploy-ext-42",
        });
        await settle();
        const record = recorded(mocks, "pulumi:providers:aws", "aws-with-external-id");
        const assumeRoles = decodedInputs(record.inputs).assumeRoles as { externalId: unknown }[];
        assert.strictEqual(assumeRoles[0].externalId, "deploy-ext-42");
        assert.ok(
            [...mocks.secretValues].some((value) => value.includes("deploy-ext-42")),
            "the external ID reached the provider inside a secret",
        );
    });

    it("places resources created with forAccount() in that account", async () => {
        const providers = new AccountProviders({
            accounts: [
                { name: "dev2", accountId: DEV },
                { name: "prod2", accountId: PROD },
            ],
            region: "us-east-1",
        });
        const group = new aws.iam.Group("placed-group", { name: "Developers" }, { provider: providers.forAccount("prod2") });
        await promiseOf(group.arn);
        await settle();
        assert.strictEqual(recorded(mocks, "aws:iam/group:Group", "placed-group").accountId, PROD);
    });

    it("lets an account override the region (a peer in another region)", async () => {
        new AccountProviders({
            accounts: [
                { name: "home-region", accountId: DEV },
                { name: "other-region", accountId: TEST, region: "us-west-2" },
            ],
            region: "eu-west-1",
        });
        await settle();
        assert.strictEqual(decodedInputs(recorded(mocks, "pulumi:providers:aws", "aws-home-region").inputs).region, "eu-west-1");
        assert.strictEqual(decodedInputs(recorded(mocks, "pulumi:providers:aws", "aws-other-region").inputs).region, "us-west-2");
    });

    it("names the missing account and the known ones", () => {
        const providers = new AccountProviders({ accounts: [{ name: "only", accountId: DEV }], region: "us-east-1" });
        assert.throws(() => providers.forAccount("prod"), /No AWS provider for account "prod" \(known accounts: only\)/);
    });

    it("passes resource options (such as parent) to every provider", async () => {
        const parent = new pulumi.ComponentResource("test:index:Holder", "holder");
        new AccountProviders({ accounts: [{ name: "parented", accountId: DEV }], region: "us-east-1" }, { parent });
        await settle();
        assert.strictEqual(recorded(mocks, "pulumi:providers:aws", "aws-parented").parent, await promiseOf(parent.urn));
    });

    describe("validation", () => {
        const cases: [string, ConstructorParameters<typeof AccountProviders>[0], RegExp][] = [
            ["no accounts", { accounts: [], region: "us-east-1" }, /at least one account/],
            [
                "a duplicate name",
                {
                    accounts: [
                        { name: "a", accountId: DEV },
                        { name: "a", accountId: TEST },
                    ],
                    region: "us-east-1",
                },
                /Account name "a" is given twice/,
            ],
            ["a bad account ID", { accounts: [{ name: "a", accountId: "42" }], region: "us-east-1" }, /Invalid account ID for "a" "42"/],
            [
                "a bad role name",
                { accounts: [{ name: "a", accountId: DEV }], region: "us-east-1", deploymentRoleName: "no spaces" },
                /Invalid role name/,
            ],
            [
                "an external ID without a role",
                { accounts: [{ name: "a", accountId: DEV }], region: "us-east-1", externalId: "abc" },
                /external ID only applies when deploymentRoleName is set/,
            ],
            [
                "a bad session name",
                { accounts: [{ name: "a", accountId: DEV }], region: "us-east-1", deploymentRoleName: "D", sessionName: "x" },
                /Invalid session name "x"/,
            ],
        ];
        for (const [label, args, message] of cases) {
            it(`refuses ${label}`, () => {
                assert.throws(() => new AccountProviders(args), message);
            });
        }
    });
});
