// The pack as the Pulumi CLI runs it: `pulumi-analyzer-policy` starts Pulumi's policy runtime
// (`@pulumi/pulumi/cmd/run-policy-pack`) in the pack directory, reads the port it prints and talks to it
// over gRPC. This test does the same with Pulumi's generated stubs, from the pack's own install when
// there is one (`cd policy-pack && npm ci`, as CI does), and compares the answers with the offline engine.
// The generated stubs are loaded with require (from the pack's install), so their messages are untyped here.
/* eslint-disable @typescript-eslint/no-explicit-any */
import { strict as assert } from "assert";
import { ChildProcess, spawn } from "child_process";
import * as path from "path";
import type * as grpcTypes from "@grpc/grpc-js";
import { PolicyResourceInput, runPolicyPack } from "../../policy-pack/engine";
import { policies } from "../../policy-pack/policies";
import { ACCOUNTS, REFERENCE_CONFIG, T, patch, policyJson, resource, stackWith } from "./fixtures";

/* eslint-disable @typescript-eslint/no-require-imports */
const PACK_DIR = path.join(__dirname, "..", "..", "policy-pack");
// The runtime and stubs the pack itself would load: its own node_modules first, else the project's.
const fromPack = (request: string): string => require.resolve(request, { paths: [PACK_DIR] });
const analyzerPb = require(fromPack("@pulumi/pulumi/proto/analyzer_pb.js"));
const analyzerGrpc = require(fromPack("@pulumi/pulumi/proto/analyzer_grpc_pb.js"));
// gRPC and protobuf as the stubs load them (one instance: credentials and messages are checked by class).
const STUBS_DIR = path.dirname(fromPack("@pulumi/pulumi/proto/analyzer_grpc_pb.js"));
const fromStubs = (request: string): string => require.resolve(request, { paths: [STUBS_DIR] });
const grpc: typeof grpcTypes = require(fromStubs("@grpc/grpc-js"));
const { Struct } = require(fromStubs("google-protobuf/google/protobuf/struct_pb"));
const { Empty } = require(fromStubs("google-protobuf/google/protobuf/empty_pb"));
/* eslint-enable @typescript-eslint/no-require-imports */

type Client = Record<string, (request: unknown, callback: (error: Error | null, response: any) => void) => void>;

const call = <T>(client: Client, method: string, request: unknown): Promise<T> =>
    new Promise((resolve, reject) => client[method](request, (error, response) => (error ? reject(error) : resolve(response as T))));

const LEVELS: Record<number, string> = { 0: "advisory", 1: "mandatory", 2: "disabled", 3: "remediate" };
const LEVEL_CODES: Record<string, number> = { advisory: 0, mandatory: 1, disabled: 2, remediate: 3 };

/** Starts the pack like pulumi-analyzer-policy: `node run-policy-pack <engine> <pack>` in the pack directory. */
function startPack(): Promise<{ child: ChildProcess; port: number }> {
    const runner = path.dirname(fromPack("@pulumi/pulumi/cmd/run-policy-pack/index.js"));
    const child = spawn(process.execPath, [runner, "127.0.0.1:0", "."], { cwd: PACK_DIR, stdio: ["ignore", "pipe", "pipe"] });
    return new Promise((resolve, reject) => {
        let stdout = "";
        let stderr = "";
        child.stdout!.on("data", (chunk) => {
            stdout += chunk;
            const match = /^(\d+)\s*$/m.exec(stdout);
            if (match) resolve({ child, port: Number(match[1]) });
        });
        child.stderr!.on("data", (chunk) => (stderr += chunk));
        child.on("exit", (code) => reject(new Error(`the pack exited with ${code} before printing its port:\n${stdout}${stderr}`)));
    });
}

/** The Analyze request the CLI sends for one resource (its inputs). */
function analyzeRequest(input: PolicyResourceInput): unknown {
    const request = new analyzerPb.AnalyzeRequest();
    request.setType(input.type);
    request.setUrn(input.urn);
    request.setName(input.name);
    request.setProperties(Struct.fromJavaScript(input.props as never));
    request.setOptions(new analyzerPb.AnalyzerResourceOptions());
    if (input.provider) request.setProvider(providerResource(input.provider));
    return request;
}

function providerResource(provider: NonNullable<PolicyResourceInput["provider"]>): unknown {
    const message = new analyzerPb.AnalyzerProviderResource();
    message.setType(provider.type);
    message.setUrn(provider.urn);
    message.setName(provider.name);
    message.setProperties(Struct.fromJavaScript(provider.props as never));
    return message;
}

/** The AnalyzeStack request: every resource with the properties the CLI gives stack policies (outputs). */
function analyzeStackRequest(inputs: PolicyResourceInput[]): unknown {
    const request = new analyzerPb.AnalyzeStackRequest();
    request.setResourcesList(
        inputs.map((input) => {
            const message = new analyzerPb.AnalyzerResource();
            message.setType(input.type);
            message.setUrn(input.urn);
            message.setName(input.name);
            message.setProperties(Struct.fromJavaScript((input.outputs ?? input.props) as never));
            message.setOptions(new analyzerPb.AnalyzerResourceOptions());
            if (input.provider) message.setProvider(providerResource(input.provider));
            if (input.parent) message.setParent(input.parent);
            message.setDependenciesList(input.dependencies ?? []);
            for (const [property, urns] of Object.entries(input.propertyDependencies ?? {})) {
                const dependencies = new analyzerPb.AnalyzerPropertyDependencies();
                dependencies.setUrnsList(urns);
                message.getPropertydependenciesMap().set(property, dependencies);
            }
            return message;
        }),
    );
    return request;
}

interface Diagnostic {
    policyName: string;
    enforcementLevel: string;
    message: string;
}

/** The analyzer prefixes each message with the policy's description and a newline; the engine does not. */
const diagnostics = (response: any): Diagnostic[] =>
    response.getDiagnosticsList().map((diagnostic: any) => ({
        policyName: diagnostic.getPolicyname(),
        enforcementLevel: LEVELS[diagnostic.getEnforcementlevel()],
        message: diagnostic.getMessage().replace(`${diagnostic.getDescription()}\n`, ""),
    }));

const STACK_POLICIES = new Set(policies.filter((policy) => "validateStack" in policy).map((policy) => policy.name));

const sorted = (list: Diagnostic[]): Diagnostic[] =>
    [...list].sort((a, b) => `${a.policyName}${a.message}`.localeCompare(`${b.policyName}${b.message}`));

describe("the pack under Pulumi's policy runtime, over gRPC", function () {
    // One start for the whole file: the runtime type-checks the pack with its own TypeScript first.
    this.timeout(180000);
    let pack: { child: ChildProcess; port: number };
    let client: Client;

    before(async () => {
        pack = await startPack();
        client = new analyzerGrpc.AnalyzerClient(`127.0.0.1:${pack.port}`, grpc.credentials.createInsecure());
        // The CLI configures the pack with --policy-pack-config: each policy's settings and level.
        const configure = new analyzerPb.ConfigureAnalyzerRequest();
        const byName = new Map(policies.map((policy) => [policy.name, policy]));
        for (const [name, settings] of Object.entries(REFERENCE_CONFIG)) {
            const config = new analyzerPb.PolicyConfig();
            config.setEnforcementlevel(LEVEL_CODES[byName.get(name)?.enforcementLevel ?? "mandatory"]);
            config.setProperties(Struct.fromJavaScript(settings as never));
            configure.getPolicyconfigMap().set(name, config);
        }
        await call(client, "configure", configure);
    });

    after(() => {
        (client as unknown as grpcTypes.Client | undefined)?.close();
        pack?.child.kill();
    });

    it("lists every policy of the pack with its level and config schema", async () => {
        const info = await call<any>(client, "getAnalyzerInfo", new Empty());
        assert.equal(info.getName(), "crossaccount-least-privilege");
        const listed = info.getPoliciesList().map((policy: any) => [policy.getName(), LEVELS[policy.getEnforcementlevel()]]);
        assert.deepEqual(
            listed,
            policies.map((policy) => [policy.name, policy.enforcementLevel]),
        );
        const trust = info.getPoliciesList().find((policy: any) => policy.getName() === "iam-trust-cross-account-conditions");
        const schema = trust.getConfigschema().getProperties().toJavaScript();
        assert.deepEqual(Object.keys(schema).sort(), ["environments", "mfaExempt", "narrowingConditions", "overrides", "requireMfa"]);
        assert.equal(schema.overrides.additionalProperties.additionalProperties, false);
    });

    it("reports the same resource violations as the offline engine (Analyze)", async () => {
        const role = resource(
            T.role,
            "open-role",
            {
                name: "OpenRole",
                assumeRolePolicy: policyJson({
                    Effect: "Allow",
                    Principal: { AWS: `arn:aws:iam::${ACCOUNTS.outsider}:root` },
                    Action: "sts:AssumeRole",
                }),
            },
            { account: ACCOUNTS.prod, stack: "prod" },
        );
        const response = await call<any>(client, "analyze", analyzeRequest(role));
        const overGrpc = sorted(diagnostics(response));
        const offline = sorted(
            (await runPolicyPack([role], { config: REFERENCE_CONFIG }))
                .filter((violation) => !STACK_POLICIES.has(violation.policyName))
                .map(({ policyName, enforcementLevel, message }) => ({
                    policyName,
                    enforcementLevel,
                    message,
                })),
        );
        assert.ok(
            overGrpc.some(
                (diagnostic) => diagnostic.policyName === "iam-trust-allowed-accounts" && diagnostic.enforcementLevel === "mandatory",
            ),
        );
        assert.deepEqual(overGrpc, offline);
    });

    it("agrees with the offline engine on every resource of a stack with safe and unsafe resources of many kinds", async () => {
        const stack = stackWith((r) => {
            patch(r, "images-dev-policy", {
                policy: policyJson({
                    Effect: "Allow",
                    NotPrincipal: { AWS: `arn:aws:iam::${ACCOUNTS.test}:root` },
                    Action: "s3:GetObject",
                    Resource: "*",
                }),
            });
            r.key = resource(T.kmsKey, "key", {
                policy: policyJson({
                    Effect: "Allow",
                    Principal: { AWS: `arn:aws:iam::${ACCOUNTS.test}:root` },
                    Action: "kms:*",
                    Resource: "*",
                }),
            });
            r.broken = resource(T.policy, "broken", { policy: "{" });
        });
        const offline = await runPolicyPack(stack, { config: REFERENCE_CONFIG });
        let compared = 0;
        for (const input of stack) {
            const overGrpc = sorted(diagnostics(await call<any>(client, "analyze", analyzeRequest(input))));
            const expected = sorted(
                offline
                    .filter((violation) => violation.urn === input.urn && !STACK_POLICIES.has(violation.policyName))
                    .map(({ policyName, enforcementLevel, message }) => ({ policyName, enforcementLevel, message })),
            );
            assert.deepEqual(overGrpc, expected, input.urn);
            compared += overGrpc.length;
        }
        assert.ok(compared >= 4, `only ${compared} diagnostics compared`);
    });

    it("runs stack policies on the outputs (AnalyzeStack) as the offline engine does", async () => {
        const bucket = resource(T.bucket, "logs", { bucket: "logs-111111111111" }, { account: ACCOUNTS.dev });
        // AWS reports SSE-S3 on every new bucket: the output alone must not satisfy the encryption rule.
        bucket.outputs = {
            ...bucket.props,
            serverSideEncryptionConfiguration: { rule: { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } } },
        };
        const response = await call<any>(client, "analyzeStack", analyzeStackRequest([bucket]));
        const overGrpc = sorted(diagnostics(response)).filter((diagnostic) => diagnostic.policyName === "s3-bucket-default-encryption");
        assert.equal(overGrpc.length, 1);
        const offline = (await runPolicyPack([bucket], { config: REFERENCE_CONFIG })).filter(
            (v) => v.policyName === "s3-bucket-default-encryption",
        );
        assert.deepEqual(
            overGrpc.map((d) => d.message),
            offline.map((v) => v.message),
        );
    });

    it("agrees with the offline engine on the stack policies of a whole stack, outputs included", async () => {
        const stack = stackWith((r) => {
            delete r["images-dev-pab"];
            r["trail-logs-dev"] = {
                ...r["trail-logs-dev"],
                outputs: {
                    ...r["trail-logs-dev"].props,
                    arn: "arn:aws:s3:::trail-logs-dev",
                    serverSideEncryptionConfiguration: { rule: { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } } },
                },
            };
        });
        const overGrpc = sorted(diagnostics(await call<any>(client, "analyzeStack", analyzeStackRequest(stack))));
        const offline = sorted(
            (await runPolicyPack(stack, { config: REFERENCE_CONFIG }))
                .filter((violation) => STACK_POLICIES.has(violation.policyName))
                .map(({ policyName, enforcementLevel, message }) => ({ policyName, enforcementLevel, message })),
        );
        assert.ok(overGrpc.some((diagnostic) => diagnostic.policyName === "s3-bucket-public-access-block"));
        assert.deepEqual(overGrpc, offline);
    });

    it("refuses a misspelt setting sent by the CLI instead of dropping it", async () => {
        const configure = new analyzerPb.ConfigureAnalyzerRequest();
        const config = new analyzerPb.PolicyConfig();
        config.setEnforcementlevel(1);
        config.setProperties(Struct.fromJavaScript({ requireMFA: true }));
        configure.getPolicyconfigMap().set("iam-trust-cross-account-conditions", config);
        await call(client, "configure", configure);
        const role = resource(T.role, "r", {
            assumeRolePolicy: policyJson({
                Effect: "Allow",
                Principal: { AWS: `arn:aws:iam::${ACCOUNTS.test}:root` },
                Action: "sts:AssumeRole",
            }),
        });
        await assert.rejects(
            call(client, "analyze", analyzeRequest(role)),
            /iam-trust-cross-account-conditions\.requireMFA: unknown setting \(did you mean "requireMfa"\?\)/,
        );
    });
});
