import * as assert from "assert";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { AssumeRoleCommand as NestedAssumeRoleCommand, STSClient as NestedSTSClient } from "@aws-sdk/nested-clients/sts";
import { mockClient, type AwsClientStub } from "aws-sdk-client-mock";
import * as fs from "fs";
import * as path from "path";
import { parsePrincipal } from "../../role-switching/principals";
import { EXTERNAL_ID_PLACEHOLDER, renderProfiles } from "../../role-switching/profiles";
import { reachableRoles } from "../../role-switching/reachable";
import { Readable } from "stream";
import { main, type AssumeIo } from "../../cli/assume";
import type { RoleCatalog } from "../../role-switching/catalog";
import { VENDOR_SECRET, capturedIo, editedCatalog, referenceCatalog, tempDir } from "./support";

const ALICE_MFA = "arn:aws:iam::111111111111:mfa/alice";
/** Command-line words as a shell splits them (no word here contains a space). */
const argv = (line: string): string[] => line.split(" ");
const CREDENTIALS = {
    AccessKeyId: "ASIAEXAMPLE",
    SecretAccessKey: "secret/key",
    SessionToken: "token'quote",
    Expiration: new Date("2026-06-01T01:00:00Z"),
};

interface Run {
    code: number;
    stdout: string;
    stderr: string;
    questions: string[];
    commands: { command: string; args: string[]; env: NodeJS.ProcessEnv }[];
}

/** Runs `npm run assume -- ...argv` with STS mocked, an MFA reader answering `answer`, and no real command. */
async function assume(
    catalog: RoleCatalog,
    argv: string[],
    options: { answer?: string; deps?: AssumeIo["deps"]; env?: NodeJS.ProcessEnv; spawn?: boolean } = {},
): Promise<Run> {
    const io = capturedIo();
    const questions: string[] = [];
    const commands: Run["commands"] = [];
    const code = await main(argv, {
        stdout: io.stdout,
        stderr: io.stderr,
        catalog,
        env: options.env ?? { PATH: "/usr/bin", AWS_PROFILE: "dev-keys" },
        run: options.spawn
            ? undefined
            : async (command, args, env) => {
                  commands.push({ command, args, env });
                  return 7;
              },
        deps: {
            localUser: "alice",
            readMfaCode:
                options.answer === undefined
                    ? undefined
                    : async (question) => {
                          questions.push(question);
                          return options.answer!;
                      },
            ...options.deps,
        },
    });
    return { code, ...io.written(), questions, commands };
}

/** The command stopped with exit 2 and exactly this one message on stderr. */
function assertStopped(run: Run, message: string): void {
    assert.deepStrictEqual([run.code, run.stderr], [2, message]);
}

describe("npm run assume", function () {
    let catalog: RoleCatalog;
    let edited: RoleCatalog;
    let sts: AwsClientStub<STSClient>;
    before(async () => {
        catalog = await referenceCatalog();
        edited = await editedCatalog();
    });
    // Every STSClient is mocked (the stub is on its prototype) but in the tests that restore it first.
    beforeEach(() => {
        sts = mockClient(STSClient);
        sts.on(AssumeRoleCommand).resolves({ Credentials: CREDENTIALS });
    });
    afterEach(() => sts.restore());

    const requests = () => sts.commandCalls(AssumeRoleCommand).map((call) => call.args[0].input);

    it("asks for the MFA code at the terminal and sends the request the trust needs", async () => {
        const run = await assume(
            catalog,
            ["prod/UpdateApp", "--principal", "dev/group/Developers", "--mfa-serial", ALICE_MFA, "--", "aws", "s3", "ls"],
            { answer: "123456" },
        );
        assert.strictEqual(run.code, 7, run.stderr);
        assert.deepStrictEqual(run.questions, [`MFA code for ${ALICE_MFA}: `]);
        assert.deepStrictEqual(requests(), [
            {
                RoleArn: "arn:aws:iam::999999999999:role/UpdateApp",
                RoleSessionName: "Developers",
                DurationSeconds: 3600,
                SerialNumber: ALICE_MFA,
                TokenCode: "123456",
            },
        ]);
        assert.deepStrictEqual(
            run.commands.map((c) => [c.command, c.args]),
            [["aws", ["s3", "ls"]]],
        );
        const env = run.commands[0].env;
        assert.strictEqual(env.AWS_ACCESS_KEY_ID, "ASIAEXAMPLE");
        assert.strictEqual(env.AWS_SECRET_ACCESS_KEY, "secret/key");
        assert.strictEqual(env.AWS_SESSION_TOKEN, "token'quote");
        assert.strictEqual(env.AWS_REGION, "us-east-1");
        assert.strictEqual(env.AWS_PROFILE, undefined, "the profile must not override the session's credentials");
        assert.strictEqual(env.PATH, "/usr/bin");
    });

    it("prints export lines with --print, quoted for the shell", async () => {
        const run = await assume(catalog, ["prod/role/AppReadOnly", "--mfa-serial", ALICE_MFA, "--token-code", "654321", "--print"]);
        assert.strictEqual(run.code, 0, run.stderr);
        assert.strictEqual(
            run.stdout,
            [
                "unset AWS_PROFILE AWS_DEFAULT_PROFILE",
                "export AWS_ACCESS_KEY_ID='ASIAEXAMPLE'",
                "export AWS_SECRET_ACCESS_KEY='secret/key'",
                "export AWS_SESSION_TOKEN='token'\\''quote'",
                "export AWS_CREDENTIAL_EXPIRATION='2026-06-01T01:00:00.000Z'",
                "export AWS_REGION='us-east-1'",
                "export AWS_DEFAULT_REGION='us-east-1'",
                "",
            ].join("\n"),
        );
        // Without --principal the session is named after the local user.
        assert.deepStrictEqual(requests(), [
            {
                RoleArn: "arn:aws:iam::999999999999:role/AppReadOnly",
                RoleSessionName: "alice",
                DurationSeconds: 3600,
                SerialNumber: ALICE_MFA,
                TokenCode: "654321",
            },
        ]);
    });

    it("asks for no MFA where the trust needs none", async () => {
        const run = await assume(catalog, ["dev/ImageSharingRole", "--principal", "dev/group/Developers", "--duration", "900", "--print"]);
        assert.strictEqual(run.code, 0, run.stderr);
        assert.deepStrictEqual(requests(), [
            { RoleArn: "arn:aws:iam::111111111111:role/ImageSharingRole", RoleSessionName: "Developers", DurationSeconds: 900 },
        ]);
    });

    it("exits 1 without calling STS when the analysis denies the principal, naming the denying statement", async () => {
        const run = await assume(
            catalog,
            argv(`prod/UpdateApp --principal dev/group/Testers --mfa-serial ${ALICE_MFA} --token-code 123456 --print`),
        );
        assert.strictEqual(run.code, 1);
        assert.match(
            run.stderr,
            /^assume: dev\/group\/Testers may not assume prod\/role\/UpdateApp according to the offline analysis \(no STS call made\): ExplicitlyDenied: /,
        );
        assert.match(run.stderr, /denied by Testers\/deny-assume-cross-account-roles#DenyAssumeRole/);
        assert.deepStrictEqual(requests(), []);
    });

    it("exits 1 explaining the missing grant when nothing allows the principal", async () => {
        const run = await assume(catalog, ["test/IntegrationTests", "--principal", "test/group/Testers", "--print"]);
        assert.strictEqual(run.code, 1);
        assert.match(
            run.stderr,
            /test\/group\/Testers may not assume test\/role\/IntegrationTests .*ImplicitlyDenied: .*identity policies: no statement allows/,
        );
        assert.deepStrictEqual(requests(), []);
    });

    it("points to the chain when the role is only reachable through another role", async () => {
        const run = await assume(edited, ["prod/Deployer", "--principal", "dev/group/Developers", "--print"]);
        assert.strictEqual(run.code, 1);
        assert.match(run.stderr, /it is reachable by role chaining: use --profile dev-Pipeline/);
        assert.deepStrictEqual(requests(), []);
    });

    it("checks --duration against the role's maximum before any call", async () => {
        const run = await assume(catalog, argv(`prod/UpdateApp --duration 7200 --mfa-serial ${ALICE_MFA} --token-code 123456 --print`));
        assertStopped(run, "assume: --duration 7200: above 3600 seconds for prod/role/UpdateApp (the role's maximum session duration)\n");
        assert.deepStrictEqual(requests(), []);
    });

    it("allows up to a role's longer maximum, but one hour when chaining", async () => {
        const ok = await assume(edited, ["prod/VendorAudit", "--external-id", VENDOR_SECRET, "--duration", "7200", "--print"]);
        assert.strictEqual(ok.code, 0, ok.stderr);
        assert.deepStrictEqual(requests(), [
            {
                RoleArn: "arn:aws:iam::999999999999:role/VendorAudit",
                RoleSessionName: "alice",
                DurationSeconds: 7200,
                ExternalId: VENDOR_SECRET,
            },
        ]);
        assert.ok(!ok.stderr.includes(VENDOR_SECRET));
        const chained = await assume(edited, ["prod/Deployer", "--principal", "dev/role/Pipeline", "--duration", "7200", "--print"]);
        assertStopped(
            chained,
            "assume: --duration 7200: above 3600 seconds for prod/role/Deployer (role chaining limits sessions to one hour)\n",
        );
    });

    it("checks an Identity Center principal: its permission set's trust, no MFA, one hour", async () => {
        const run = await assume(edited, ["prod/SsoDeploy", "--principal", "sso/Deployers", "--print"]);
        assert.strictEqual(run.code, 0, run.stderr);
        assert.deepStrictEqual(requests(), [
            { RoleArn: "arn:aws:iam::999999999999:role/SsoDeploy", RoleSessionName: "Deployers", DurationSeconds: 3600 },
        ]);
        const long = await assume(edited, ["prod/SsoDeploy", "--principal", "sso/Deployers", "--duration", "7200", "--print"]);
        assertStopped(
            long,
            "assume: --duration 7200: above 3600 seconds for prod/role/SsoDeploy (role chaining limits sessions to one hour)\n",
        );
        // As expectations name it: the permission set's session in prod.
        const scoped = await assume(edited, ["prod/SsoDeploy", "--principal", "prod/sso/Deployers", "--print"]);
        assert.strictEqual(scoped.code, 0, scoped.stderr);
        assert.deepStrictEqual(requests(), [
            { RoleArn: "arn:aws:iam::999999999999:role/SsoDeploy", RoleSessionName: "Deployers", DurationSeconds: 3600 },
            { RoleArn: "arn:aws:iam::999999999999:role/SsoDeploy", RoleSessionName: "Deployers", DurationSeconds: 3600 },
        ]);
        const other = await assume(edited, ["prod/SsoDeploy", "--principal", "sso/Auditors", "--print"]);
        assert.strictEqual(other.code, 1);
        assert.match(
            other.stderr,
            /sso\/Auditors may not assume prod\/role\/SsoDeploy .*trust policy: conditions not met: aws:PrincipalArn/,
        );
        assert.strictEqual(requests().length, 2);
    });

    it("fits the session name to the trust's pattern", async () => {
        const run = await assume(edited, ["prod/Deployer", "--principal", "dev/role/Pipeline", "--print"]);
        assert.strictEqual(run.code, 0, run.stderr);
        assert.deepStrictEqual(requests(), [
            { RoleArn: "arn:aws:iam::999999999999:role/Deployer", RoleSessionName: "deploy-Pipeline", DurationSeconds: 3600 },
        ]);
    });

    it("needs --external-id when the trust requires one, and never prints it", async () => {
        const run = await assume(edited, ["prod/VendorAudit", "--print"]);
        assertStopped(
            run,
            "assume: --external-id: the trust of prod/role/VendorAudit requires an external ID; ask the role's owner for it\n",
        );
        const bad = await assume(edited, ["prod/VendorAudit", "--external-id", "x", "--print"]);
        assert.strictEqual(bad.code, 2);
        assert.match(bad.stderr, /^assume: --external-id: must be 2-1,224 characters .*\(value not shown: it is a secret\)\n$/);
        // The placeholder a generated profile carries is refused too, before STS sees it.
        const placeholder = await assume(edited, ["prod/VendorAudit", "--external-id", EXTERNAL_ID_PLACEHOLDER, "--print"]);
        assert.strictEqual(placeholder.code, 2);
        assert.deepStrictEqual(requests(), []);
    });

    it("rejects a malformed token code, given or typed", async () => {
        const given = await assume(catalog, ["prod/UpdateApp", "--mfa-serial", ALICE_MFA, "--token-code", "12345a", "--print"]);
        assertStopped(given, "assume: --token-code: must be the 6 digits your MFA device shows (got 6 character(s))\n");
        const typed = await assume(catalog, ["prod/UpdateApp", "--mfa-serial", ALICE_MFA, "--print"], { answer: "1234" });
        assertStopped(typed, "assume: MFA code: must be the 6 digits your MFA device shows (got 4 character(s))\n");
        assert.deepStrictEqual(requests(), []);
    });

    it("needs an MFA device, and a terminal or --token-code, when the trust requires MFA", async () => {
        const noSerial = await assume(catalog, ["prod/UpdateApp", "--print"]);
        assertStopped(
            noSerial,
            "assume: --mfa-serial: the trust of prod/role/UpdateApp requires MFA; give your MFA device's ARN (or a --profile with mfa_serial)\n",
        );
        const noTerminal = await assume(catalog, ["prod/UpdateApp", "--mfa-serial", ALICE_MFA, "--print"]);
        assertStopped(noTerminal, `assume: --token-code: MFA is needed for ${ALICE_MFA} and there is no terminal to ask at\n`);
        assert.deepStrictEqual(requests(), []);
    });

    it("takes the MFA device from the profile's mfa_serial", async () => {
        const run = await assume(catalog, ["prod/UpdateApp", "--profile", "dev-keys", "--print"], {
            answer: "111222",
            deps: {
                readProfile: async (name) =>
                    name === "dev-keys" ? { aws_access_key_id: "AKID", aws_secret_access_key: "s", mfa_serial: ALICE_MFA } : undefined,
                profileCredentials: () => async () => ({ accessKeyId: "AKID", secretAccessKey: "s" }),
            },
        });
        assert.strictEqual(run.code, 0, run.stderr);
        assert.strictEqual(requests()[0].SerialNumber, ALICE_MFA);
        assert.strictEqual(requests()[0].TokenCode, "111222");
    });

    it("names an unknown profile, role or environment", async () => {
        const profile = await assume(catalog, ["prod/UpdateApp", "--profile", "nope", "--print"], {
            deps: { readProfile: async () => undefined },
        });
        assertStopped(profile, "assume: --profile nope: no such profile in the AWS config or credentials file\n");
        const role = await assume(catalog, ["prod/Nope", "--print"]);
        assertStopped(
            role,
            "assume: role prod/Nope: no such role in the plan (expected <env>/<RoleName>, <env>/role/<RoleName> or a role ARN)\n",
        );
        const env = await assume(catalog, ["staging/UpdateApp", "--print"]);
        assertStopped(env, "assume: role staging/UpdateApp: no environment 'staging' (known: dev, prod, test)\n");
        const principal = await assume(catalog, ["prod/UpdateApp", "--principal", "dev/team/x", "--print"]);
        assert.strictEqual(principal.code, 2);
        assert.match(principal.stderr, /^assume: --principal dev\/team\/x: expected <env>\/group\/<Name>/);
        assert.deepStrictEqual(requests(), []);
    });

    it("rejects bad arguments with exit 2 and one message", async () => {
        const duration = await assume(catalog, ["prod/UpdateApp", "--duration", "1h", "--print"]);
        assertStopped(duration, "error: option '--duration <seconds>' argument '1h' is invalid. must be a whole number of seconds\n");
        const short = await assume(catalog, ["dev/ImageSharingRole", "--duration", "60", "--print"]);
        assertStopped(short, "assume: --duration 60: must be a whole number of seconds, at least 900\n");
        const session = await assume(catalog, ["dev/ImageSharingRole", "--session-name", "has space", "--print"]);
        assertStopped(
            session,
            'assume: --session-name "has space": a session name is 2-64 characters of letters, digits and + = , . @ _ -\n',
        );
        const nothing = await assume(catalog, ["dev/ImageSharingRole"]);
        assertStopped(nothing, "assume: <command>: give a command to run after --, or --print for export lines\n");
        assert.deepStrictEqual(requests(), []);
    });

    it("adds the analysis' view to an AccessDenied from STS", async () => {
        sts.on(AssumeRoleCommand).rejects(
            Object.assign(new Error("User: arn:aws:iam::111111111111:user/bob is not authorized to perform: sts:AssumeRole"), {
                name: "AccessDenied",
            }),
        );
        const run = await assume(catalog, ["dev/ImageSharingRole", "--principal", "dev/group/Developers", "--print"]);
        assert.strictEqual(run.code, 1);
        assert.match(
            run.stderr,
            /^assume: STS denied AssumeRole on arn:aws:iam::111111111111:role\/ImageSharingRole: User: .* The offline analysis allows dev\/group\/Developers \(Allowed: .*\): the denial comes from what the plan does not model/,
        );
        const bare = await assume(catalog, ["dev/ImageSharingRole", "--print"]);
        assert.match(bare.stderr, /Pass --principal <ref> to compare with the offline analysis\.\n$/);
    });

    it("says there are no credentials, without a stack trace", async () => {
        sts.restore();
        const saved = { ...process.env };
        try {
            for (const key of Object.keys(process.env)) if (key.startsWith("AWS_")) delete process.env[key];
            Object.assign(process.env, {
                AWS_CONFIG_FILE: "/nonexistent/config",
                AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/credentials",
                AWS_EC2_METADATA_DISABLED: "true",
                AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
            });
            const run = await assume(catalog, ["dev/ImageSharingRole", "--print"]);
            assert.strictEqual(run.code, 2);
            assert.match(
                run.stderr,
                /^assume: no AWS credentials from the default provider chain \(.*\): Could not load credentials from any providers\n$/,
            );
        } finally {
            process.env = saved;
        }
    });

    it("sends STS's Query API request: signed for the role's region, with every parameter (the SDK's own serializer)", async () => {
        sts.restore();
        const sent: { hostname: string; body: string; authorization: string }[] = [];
        const xml = `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials>
            <AccessKeyId>ASIAWIRE</AccessKeyId><SecretAccessKey>wire</SecretAccessKey><SessionToken>wiretoken</SessionToken>
            <Expiration>2026-06-01T01:00:00Z</Expiration></Credentials></AssumeRoleResult></AssumeRoleResponse>`;
        const run = await assume(
            edited,
            ["prod/VendorAudit", "--external-id", VENDOR_SECRET, "--session-name", "audit-run", "--duration", "7200", "--print"],
            {
                deps: {
                    stsClient: (region) =>
                        new STSClient({
                            region,
                            credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" },
                            requestHandler: {
                                handle: async (request: { hostname: string; body: string; headers: Record<string, string> }) => {
                                    sent.push({
                                        hostname: request.hostname,
                                        body: request.body,
                                        authorization: request.headers.authorization,
                                    });
                                    return {
                                        response: {
                                            statusCode: 200,
                                            headers: { "content-type": "text/xml" },
                                            body: Readable.from([Buffer.from(xml)]),
                                        },
                                    };
                                },
                            },
                        }),
                },
            },
        );
        assert.strictEqual(run.code, 0, run.stderr);
        assert.match(run.stdout, /export AWS_ACCESS_KEY_ID='ASIAWIRE'/);
        assert.strictEqual(sent.length, 1);
        assert.strictEqual(sent[0].hostname, "sts.us-east-1.amazonaws.com");
        assert.match(sent[0].authorization, /Credential=AKIDEXAMPLE\/\d{8}\/us-east-1\/sts\/aws4_request/);
        assert.deepStrictEqual(Object.fromEntries(new URLSearchParams(sent[0].body)), {
            Action: "AssumeRole",
            Version: "2011-06-15",
            RoleArn: "arn:aws:iam::999999999999:role/VendorAudit",
            RoleSessionName: "audit-run",
            DurationSeconds: "7200",
            ExternalId: VENDOR_SECRET,
        });
    });

    it("chains from a generated profile: the SDK's fromIni assumes the first role, this helper the next, for one hour at most", async () => {
        const reach = await reachableRoles(edited, parsePrincipal(edited, "dev/group/Developers", "--principal"));
        const dir = tempDir("assume-profile");
        const configFile = path.join(dir, "config");
        const credentialsFile = path.join(dir, "credentials");
        fs.writeFileSync(configFile, renderProfiles(reach, { sourceProfile: "dev-keys", partition: "aws" }).text);
        fs.writeFileSync(credentialsFile, "[dev-keys]\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = secret\n");
        const nested = mockClient(NestedSTSClient);
        nested.on(NestedAssumeRoleCommand).resolves({
            Credentials: {
                AccessKeyId: "ASIAPIPELINE",
                SecretAccessKey: "p",
                SessionToken: "p",
                Expiration: new Date("2026-06-01T01:00:00Z"),
            },
        });
        const saved = { ...process.env };
        try {
            Object.assign(process.env, { AWS_CONFIG_FILE: configFile, AWS_SHARED_CREDENTIALS_FILE: credentialsFile });
            const tooLong = await assume(edited, ["prod/Deployer", "--profile", "dev-Pipeline", "--duration", "7200", "--print"]);
            assertStopped(
                tooLong,
                "assume: --duration 7200: above 3600 seconds for prod/role/Deployer (role chaining limits sessions to one hour)\n",
            );
            const run = await assume(edited, ["prod/Deployer", "--profile", "dev-Pipeline", "--session-name", "deploy-42", "--print"]);
            assert.strictEqual(run.code, 0, run.stderr);
            assert.deepStrictEqual(requests(), [
                { RoleArn: "arn:aws:iam::999999999999:role/Deployer", RoleSessionName: "deploy-42", DurationSeconds: 3600 },
            ]);
            // The mock answers before the SDK resolves credentials: resolve the client's as its signer would.
            const credentials = await sts.commandCalls(AssumeRoleCommand)[0].thisValue.config.credentials();
            assert.strictEqual(credentials.accessKeyId, "ASIAPIPELINE");
            const hops = nested.commandCalls(NestedAssumeRoleCommand).map((c) => c.args[0].input);
            assert.ok(hops.length > 0);
            for (const hop of hops) {
                assert.deepStrictEqual(hop, {
                    RoleArn: "arn:aws:iam::111111111111:role/Pipeline",
                    RoleSessionName: "Developers",
                    ExternalId: undefined,
                    DurationSeconds: 3600,
                });
            }
        } finally {
            process.env = saved;
            nested.restore();
        }
    });

    it("runs the command with the session in its environment and returns its exit code", async () => {
        const check = `process.exit(process.env.AWS_SESSION_TOKEN === "token'quote" && !process.env.AWS_PROFILE ? 3 : 4)`;
        const run = await assume(catalog, ["dev/ImageSharingRole", "--", process.execPath, "-e", check], { spawn: true });
        assert.strictEqual(run.code, 3, run.stderr);
        const missing = await assume(catalog, ["dev/ImageSharingRole", "--", "no-such-command-here"], { spawn: true });
        assertStopped(missing, "assume: <command> no-such-command-here: not found\n");
    });
});
