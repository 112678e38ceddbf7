import * as assert from "assert";
import { fromIni } from "@aws-sdk/credential-providers";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/nested-clients/sts";
import { mockClient } from "aws-sdk-client-mock";
import * as fs from "fs";
import * as path from "path";
import type { RoleCatalog } from "../../role-switching/catalog";
import { parsePrincipal } from "../../role-switching/principals";
import { EXTERNAL_ID_PLACEHOLDER, renderProfiles, type ProfileOptions } from "../../role-switching/profiles";
import { reachableRoles, type ReachOptions } from "../../role-switching/reachable";
import { VENDOR_SECRET, editedCatalog, generatedCatalog, readConfig, referenceCatalog, tempDir } from "./support";

async function profiles(catalog: RoleCatalog, principal: string, options: Partial<ProfileOptions> & ReachOptions = {}) {
    const reach = await reachableRoles(catalog, parsePrincipal(catalog, principal, "--principal"), options);
    const rendered = renderProfiles(reach, { sourceProfile: "default", partition: "aws", ...options });
    const { profiles: parsed } = await readConfig(rendered.text);
    return { ...rendered, parsed, names: Object.keys(parsed).sort() };
}

describe("npm run profiles: the reference organization", function () {
    let catalog: RoleCatalog;
    before(async () => {
        catalog = await referenceCatalog();
    });

    it("gives dev's Developers UpdateApp with MFA and dev's ImageSharingRole without", async () => {
        const out = await profiles(catalog, "dev/group/Developers", { mfaSerial: "arn:aws:iam::111111111111:mfa/alice" });
        assert.deepStrictEqual(out.names, ["dev-ImageSharingRole", "prod-UpdateApp"]);
        assert.deepStrictEqual(out.parsed["prod-UpdateApp"], {
            role_arn: "arn:aws:iam::999999999999:role/UpdateApp",
            source_profile: "default",
            mfa_serial: "arn:aws:iam::111111111111:mfa/alice",
            role_session_name: "Developers",
            duration_seconds: "3600",
            region: "us-east-1",
        });
        assert.deepStrictEqual(out.parsed["dev-ImageSharingRole"], {
            role_arn: "arn:aws:iam::111111111111:role/ImageSharingRole",
            source_profile: "default",
            role_session_name: "Developers",
            duration_seconds: "3600",
            region: "us-east-1",
        });
        assert.deepStrictEqual(out.notes, []);
    });

    it("gives dev's Testers AppReadOnly and no UpdateApp profile (their group denies it)", async () => {
        const out = await profiles(catalog, "dev/group/Testers");
        assert.deepStrictEqual(out.names, ["dev-ImageSharingRole", "prod-AppReadOnly"]);
        assert.strictEqual(out.parsed["prod-AppReadOnly"].mfa_serial, "arn:aws:iam::111111111111:mfa/<your-user-name>");
        assert.deepStrictEqual(out.notes, ["prod-AppReadOnly: mfa_serial is a placeholder: pass --mfa-serial with your MFA device's ARN"]);
    });

    it("gives test's Testers AppReadOnly and test's own ImageSharingRole, never dev's", async () => {
        const out = await profiles(catalog, "test/group/Testers", { sourceProfile: "test-keys" });
        assert.deepStrictEqual(out.names, ["prod-AppReadOnly", "test-ImageSharingRole"]);
        assert.strictEqual(out.parsed["prod-AppReadOnly"].source_profile, "test-keys");
    });

    it("refuses a principal the plan does not know", async () => {
        assert.throws(
            () => parsePrincipal(catalog, "dev/user/alice", "--principal"),
            /--principal dev\/user\/alice: the plan has no user alice in Pulumi.dev.yaml/,
        );
    });

    it("gives a role with no way in from anyone no profile: CiBuild trusts CodeBuild only", async () => {
        const out = await profiles(catalog, "dev/role/CiBuild");
        assert.deepStrictEqual(out.names, []);
        assert.deepStrictEqual(out.notes, ["dev/role/CiBuild may assume no role of the plan"]);
    });

    it("is read by the SDK's fromIni, which sends exactly these values to STS", async () => {
        const out = await profiles(catalog, "dev/group/Developers", {
            mfaSerial: "arn:aws:iam::111111111111:mfa/alice",
            sourceProfile: "dev-keys",
        });
        const dir = tempDir("fromini");
        const configFilepath = path.join(dir, "config");
        const filepath = path.join(dir, "credentials");
        fs.writeFileSync(configFilepath, out.text);
        fs.writeFileSync(filepath, "[dev-keys]\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = secret\n");
        // fromIni assumes roles with the SDK's nested STS client: mock that one.
        const sts = mockClient(STSClient);
        try {
            sts.on(AssumeRoleCommand).resolves({
                Credentials: {
                    AccessKeyId: "ASIAEXAMPLE",
                    SecretAccessKey: "s",
                    SessionToken: "t",
                    Expiration: new Date("2026-06-01T01:00:00Z"),
                },
            });
            const asked: string[] = [];
            const credentials = await fromIni({
                profile: "prod-UpdateApp",
                configFilepath,
                filepath,
                ignoreCache: true,
                mfaCodeProvider: async (serial) => {
                    asked.push(serial);
                    return "123456";
                },
            })();
            assert.strictEqual(credentials.accessKeyId, "ASIAEXAMPLE");
            assert.deepStrictEqual(asked, ["arn:aws:iam::111111111111:mfa/alice"]);
            assert.deepStrictEqual(
                sts.commandCalls(AssumeRoleCommand).map((c) => c.args[0].input),
                [
                    {
                        RoleArn: "arn:aws:iam::999999999999:role/UpdateApp",
                        RoleSessionName: "Developers",
                        ExternalId: undefined,
                        DurationSeconds: 3600,
                        SerialNumber: "arn:aws:iam::111111111111:mfa/alice",
                        TokenCode: "123456",
                    },
                ],
            );
        } finally {
            sts.restore();
        }
    });

    it("refuses a source profile that is also a generated profile's name", async () => {
        await assert.rejects(
            profiles(catalog, "dev/group/Developers", { sourceProfile: "prod-UpdateApp" }),
            /--source-profile prod-UpdateApp: is also the name of a generated profile/,
        );
    });
});

describe("npm run profiles: an edited organization (role chain, vendor external ID, session-name pattern)", function () {
    let catalog: RoleCatalog;
    before(async () => {
        catalog = await editedCatalog();
    });

    it("chains Developers through dev's Pipeline to prod's Deployer for one hour, with a session name matching deploy-*", async () => {
        const out = await profiles(catalog, "dev/group/Developers", { mfaSerial: "arn:aws:iam::111111111111:mfa/alice" });
        assert.deepStrictEqual(out.names, ["dev-ImageSharingRole", "dev-Pipeline", "prod-Deployer", "prod-UpdateApp", "prod-VendorAudit"]);
        assert.deepStrictEqual(out.parsed["prod-Deployer"], {
            role_arn: "arn:aws:iam::999999999999:role/Deployer",
            source_profile: "dev-Pipeline",
            role_session_name: "deploy-Developers",
            // The role allows 12 hours; a chained session gets one.
            duration_seconds: "3600",
            region: "us-east-1",
        });
        assert.strictEqual(out.parsed["dev-Pipeline"].source_profile, "default");
        assert.match(out.text, /; role chaining from dev-Pipeline: sessions last at most one hour\n\[profile prod-Deployer\]/);
    });

    it("writes the vendor role's external ID as a placeholder, never the secret, and its own maximum duration", async () => {
        const out = await profiles(catalog, "dev/group/Developers");
        assert.deepStrictEqual(out.parsed["prod-VendorAudit"], {
            role_arn: "arn:aws:iam::999999999999:role/VendorAudit",
            source_profile: "default",
            external_id: EXTERNAL_ID_PLACEHOLDER,
            role_session_name: "Developers",
            duration_seconds: "7200",
            region: "us-east-1",
        });
        assert.ok(!out.text.includes(VENDOR_SECRET));
        assert.ok(
            out.notes.includes(
                "prod-VendorAudit: external_id is a placeholder: ask the owner of prod/role/VendorAudit for the external ID",
            ),
        );
    });

    it("derives a user's MFA device and session name from the user's name", async () => {
        const out = await profiles(catalog, "dev/user/alice");
        assert.deepStrictEqual(out.names, ["prod-UpdateApp"]);
        assert.strictEqual(out.parsed["prod-UpdateApp"].mfa_serial, "arn:aws:iam::111111111111:mfa/alice");
        assert.strictEqual(out.parsed["prod-UpdateApp"].role_session_name, "alice");
        assert.deepStrictEqual(out.notes, []);
    });

    it("gives Testers none of them: no grant names Pipeline or VendorAudit for them", async () => {
        const out = await profiles(catalog, "dev/group/Testers");
        assert.deepStrictEqual(out.names, ["dev-ImageSharingRole", "prod-AppReadOnly"]);
    });

    it("starts from a role principal's own session: every hop is chained", async () => {
        const out = await profiles(catalog, "dev/role/Pipeline", { sourceProfile: "ci" });
        assert.deepStrictEqual(out.names, ["prod-Deployer"]);
        assert.strictEqual(out.parsed["prod-Deployer"].source_profile, "ci");
        assert.strictEqual(out.parsed["prod-Deployer"].role_session_name, "deploy-Pipeline");
    });

    it("gives no profile when the given session name does not match the trust's pattern", async () => {
        const out = await profiles(catalog, "dev/role/Pipeline", { sessionName: "ci-build" });
        assert.deepStrictEqual(out.names, []);
    });
});

describe("npm run profiles: a generated organization (tools/bench/generate.ts)", function () {
    let catalog: RoleCatalog;
    before(async () => {
        catalog = await generatedCatalog();
    });

    it("gives a hub partner's Developers the hub's UpdateApp and their own ImageSharingRole", async () => {
        const out = await profiles(catalog, "env001/group/Developers");
        assert.deepStrictEqual(out.names, ["env000-UpdateApp", "env001-ImageSharingRole"]);
        assert.strictEqual(out.parsed["env000-UpdateApp"].role_arn, "arn:aws:iam::999999999999:role/UpdateApp");
        assert.ok(out.parsed["env000-UpdateApp"].mfa_serial);
    });

    it("gives a partner's Testers AppReadOnly, not UpdateApp", async () => {
        const out = await profiles(catalog, "env002/group/Testers");
        assert.deepStrictEqual(out.names, ["env000-AppReadOnly", "env002-ImageSharingRole"]);
    });

    it("gives a non-partner's Developers only their own account's role", async () => {
        const out = await profiles(catalog, "env003/group/Developers");
        assert.deepStrictEqual(out.names, ["env003-ImageSharingRole"]);
    });
});

describe("npm run profiles: Identity Center principals (sso/<PermissionSet>)", function () {
    let catalog: RoleCatalog;
    const sso = { sessionName: "acme", startUrl: "https://acme.awsapps.com/start", region: "eu-west-1" };
    before(async () => {
        catalog = await editedCatalog();
    });

    it("writes the sso-session, a profile per account of the permission set, and chained role profiles", async () => {
        const out = await profiles(catalog, "sso/Deployers", { sso, ssoEnvironments: ["prod"] });
        const { ssoSessions } = await readConfig(out.text);
        assert.deepStrictEqual(ssoSessions, {
            acme: {
                sso_start_url: "https://acme.awsapps.com/start",
                sso_region: "eu-west-1",
                sso_registration_scopes: "sso:account:access",
            },
        });
        assert.deepStrictEqual(out.parsed["prod-sso-Deployers"], {
            sso_session: "acme",
            sso_account_id: "999999999999",
            sso_role_name: "Deployers",
            region: "us-east-1",
        });
        assert.deepStrictEqual(out.parsed["prod-SsoDeploy"], {
            role_arn: "arn:aws:iam::999999999999:role/SsoDeploy",
            source_profile: "prod-sso-Deployers",
            role_session_name: "Deployers",
            // An Identity Center session is a role session: chaining caps the 2-hour maximum at one.
            duration_seconds: "3600",
            region: "us-east-1",
        });
        // MFA is the identity provider's business: no role profile asks for it.
        assert.ok(Object.values(out.parsed).every((p) => p.mfa_serial === undefined));
        assert.ok(!out.names.includes("prod-UpdateApp"));
    });

    it("gives another permission set no SsoDeploy profile", async () => {
        const out = await profiles(catalog, "sso/Auditors", { sso, ssoEnvironments: ["prod"] });
        assert.ok(out.names.includes("prod-sso-Auditors"));
        assert.ok(!out.names.includes("prod-SsoDeploy"));
    });

    it("without --sso-account, writes the accounts the permission set reaches a role from", async () => {
        const out = await profiles(catalog, "sso/Deployers", { sso });
        assert.ok(out.names.includes("prod-sso-Deployers"));
        assert.strictEqual(out.parsed["prod-SsoDeploy"].source_profile, "prod-sso-Deployers");
        for (const name of out.names.filter((n) => !n.includes("-sso-"))) {
            assert.ok(out.names.includes(out.parsed[name].source_profile!), `${name} chains from a generated profile`);
        }
    });

    it("takes the permission set as expectations name it, <env>/sso/<Name>: provisioned in that environment only", async () => {
        const scoped = await profiles(catalog, "prod/sso/Deployers", { sso });
        const everywhere = await profiles(catalog, "sso/Deployers", { sso, ssoEnvironments: ["prod"] });
        assert.deepStrictEqual(scoped.parsed, everywhere.parsed);
        assert.ok(scoped.names.includes("prod-SsoDeploy"));
        // Named explicitly, its account's profile is written even where it reaches no role from.
        const dev = await profiles(catalog, "dev/sso/Deployers", { sso });
        assert.ok(dev.names.includes("dev-sso-Deployers"));
        assert.deepStrictEqual(
            dev.names.filter((n) => n.includes("-sso-")),
            ["dev-sso-Deployers"],
        );
        await assert.rejects(
            profiles(catalog, "prod/sso/Deployers", { sso, ssoEnvironments: ["dev"] }),
            /--sso-account dev: prod\/sso\/Deployers is provisioned in prod only; give sso\/Deployers instead$/,
        );
        assert.throws(
            () => parsePrincipal(catalog, "staging/sso/Deployers", "--principal"),
            /--principal staging\/sso\/Deployers: no environment 'staging' \(known: dev, prod, test\)/,
        );
        assert.throws(
            () => parsePrincipal(catalog, "prod/sso/Bad Name", "--principal"),
            /--principal prod\/sso\/Bad Name: a permission set name is 1-32 characters/,
        );
    });

    it("needs the start URL, and a known environment and a valid permission set name", async () => {
        await assert.rejects(
            profiles(catalog, "sso/Deployers", { ssoEnvironments: ["prod"] }),
            /--principal sso\/Deployers: an Identity Center principal needs --sso-start-url/,
        );
        await assert.rejects(
            profiles(catalog, "sso/Deployers", { sso, ssoEnvironments: ["staging"] }),
            /--sso-account staging: no such environment \(known: dev, prod, test\)/,
        );
        assert.throws(
            () => parsePrincipal(catalog, "sso/Bad Name", "--principal"),
            /--principal sso\/Bad Name: a permission set name is 1-32 characters/,
        );
    });
});
