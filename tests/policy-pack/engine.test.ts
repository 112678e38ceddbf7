import * as assert from "assert";
import type { Policies, PolicyResource, ResourceValidationArgs, StackValidationArgs } from "@pulumi/policy";
import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import { runPolicies, runPolicyPack } from "../../policy-pack/engine";
import { policies } from "../../policy-pack/policies";
import { aws } from "../../policy-pack/lib/resource-types";
import { resourceRule } from "../../policy-pack/lib/rule-kit";
import { advised, cannotRun, reported, rows } from "./expect";
import { ACCOUNTS, REFERENCE_CONFIG, T, UNKNOWN_STRING, policyJson, resource, sameAccountTrust, stackWith } from "./fixtures";

/** A policy but for its name and description, resource or stack policy alike. */
type PolicyBody<P = Policies[number]> = P extends unknown ? Omit<P, "name" | "description"> : never;
/** A pack of the one policy a test probes the engine with. */
const onePolicy = (name: string, description: string, body: PolicyBody): Policies => [{ name, description, ...body } as Policies[number]];

const SECRET_SIG = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270" };

describe("policy engine", () => {
    it("runs every rule of the pack: each has a unique name, a description and a default level", () => {
        const names = policies.map((policy) => policy.name);
        assert.strictEqual(new Set(names).size, names.length);
        for (const policy of policies) {
            assert.ok(policy.description.length > 20, policy.name);
            assert.ok(["mandatory", "advisory"].includes(policy.enforcementLevel!), policy.name);
        }
        assert.deepStrictEqual(
            policies.filter((policy) => policy.enforcementLevel === "advisory").map((policy) => policy.name),
            [
                "iam-trust-unknown-federated-provider",
                "iam-unscopable-wildcard",
                "s3-bucket-access-logging",
                "lambda-runtime-deprecation-notice",
                "kms-key-rotation-enabled",
                "cloudtrail-kms-encryption",
                "cloudtrail-cloudwatch-logs",
                "required-tags",
            ],
        );
    });

    it("config.json only sets settings the rules declare, with the declared types", () => {
        const typeOf = (value: unknown): string =>
            Array.isArray(value) ? "array" : Number.isInteger(value) ? "integer" : typeof value === "object" ? "object" : typeof value;
        for (const [name, entry] of Object.entries(REFERENCE_CONFIG)) {
            const policy = policies.find((candidate) => candidate.name === name);
            assert.ok(policy, `config.json configures an unknown rule ${name}`);
            for (const [key, value] of Object.entries(entry as Record<string, unknown>)) {
                if (key === "enforcementLevel") continue;
                const schema: PolicyConfigJSONSchema | undefined = policy.configSchema?.properties[key];
                assert.ok(schema, `${name}.${key} is not in the rule's configSchema`);
                assert.strictEqual(typeOf(value), schema.type, `${name}.${key}`);
            }
        }
    });

    it('takes enforcement levels from the config: per rule (string or object), then "all"; disabled rules do not run', async () => {
        const resources = stackWith((r) => {
            r["org-trail"] = {
                ...r["org-trail"],
                props: { ...r["org-trail"].props, kmsKeyId: undefined, enableLogFileValidation: false, isMultiRegionTrail: false },
            };
        });
        const levels = async (config: Record<string, unknown>) =>
            rows(await runPolicyPack(resources, { config: { ...REFERENCE_CONFIG, ...config } })).map(([policy, , level]) => [
                policy,
                level,
            ]);
        assert.deepStrictEqual(await levels({}), [
            ["cloudtrail-multi-region", "mandatory"],
            ["cloudtrail-log-file-validation", "mandatory"],
            ["cloudtrail-kms-encryption", "advisory"],
        ]);
        assert.deepStrictEqual(
            await levels({
                all: "advisory",
                "cloudtrail-multi-region": "disabled",
                "cloudtrail-kms-encryption": { enforcementLevel: "remediate" },
            }),
            [
                ["cloudtrail-log-file-validation", "advisory"],
                ["cloudtrail-kms-encryption", "mandatory"],
            ],
        );
    });

    it("hands rules their config merged over the configSchema defaults, like the CLI", async () => {
        const seen: unknown[] = [];
        const probe = onePolicy("probe", "records its config", {
            configSchema: { properties: { limit: { type: "integer", default: 5 }, names: { type: "array", default: ["a"] } } },
            validateResource: (args) => {
                seen.push(args.getConfig());
            },
        });
        await runPolicies(probe, [resource(T.role, "r", {})], { config: { probe: { enforcementLevel: "advisory", names: ["b"] } } });
        assert.deepStrictEqual(seen, [{ limit: 5, names: ["b"] }]);
    });

    it("wraps props like the analyzer: reading an unknown value becomes the analyzer's advisory, notApplicable is silent", async () => {
        const probe = onePolicy("reads-unknown", "reads a property that is unknown", {
            enforcementLevel: "mandatory",
            validateResource: (args, report) => {
                if (!args.isType(aws.iam.Role)) args.notApplicable("roles only");
                report(`name is ${String(args.props.name)}`);
            },
        });
        const result = await runPolicies(probe, [
            resource(T.role, "known", { name: "known" }),
            resource(T.role, "unknown", { name: UNKNOWN_STRING }),
            resource(T.bucket, "bucket", { bucket: UNKNOWN_STRING }),
        ]);
        assert.deepStrictEqual(rows(result), [
            ...reported("reads-unknown", "known", ["name is known"]),
            ...advised("reads-unknown", "unknown", [
                "can't run policy 'reads-unknown' from policy pack 'crossaccount-least-privilege@v0.1.0' during preview: string value at .name can't be known during preview",
            ]),
        ]);
        assert.strictEqual(result[0].stack, "dev");
    });

    it("treats secrets from state as unknown and unwraps runtime secrets", async () => {
        const seen: unknown[] = [];
        const probe = onePolicy("secrets", "looks at secrets", {
            validateResource: (args) => {
                try {
                    seen.push(args.props.cipher);
                } catch (error) {
                    seen.push((error as Error).constructor.name);
                }
                seen.push(args.props.runtime);
            },
        });
        await runPolicies(probe, [
            resource(T.role, "r", {
                cipher: { ...SECRET_SIG, ciphertext: "v1:abc" },
                runtime: { ...SECRET_SIG, value: "visible" },
            }),
        ]);
        assert.deepStrictEqual(seen, ["UnknownValueError", "visible"]);
    });

    it("reports an unknown or secret document once, as not known (advisory), and no other rule gives up on it", async () => {
        const result = await runPolicyPack(
            [
                resource(T.role, "r", {
                    assumeRolePolicy: { ...SECRET_SIG, ciphertext: "v1:abc" },
                    inlinePolicies: UNKNOWN_STRING,
                    maxSessionDuration: UNKNOWN_STRING,
                }),
                resource(T.bucketPolicy, "p", { bucket: UNKNOWN_STRING, policy: { ...SECRET_SIG, plaintext: '{"Statement":[]}' } }),
            ],
            { config: REFERENCE_CONFIG },
        );
        assert.deepStrictEqual(
            result
                .filter((violation) => violation.message.startsWith("can't run"))
                .map((v) => [v.policyName, v.enforcementLevel, v.message]),
            ["assumeRolePolicy", "policy"].map((location) => [
                "iam-policy-document-valid",
                "advisory",
                cannotRun("iam-policy-document-valid", location),
            ]),
        );
    });

    it("resolves parents and dependencies of stack resources to the resource objects", async () => {
        let seen: PolicyResource[] = [];
        const probe = onePolicy("stack", "records the stack", {
            validateStack: (args) => {
                seen = args.resources;
            },
        });
        const parent = resource("crossaccount:index:SharedBucket", "images", {});
        const bucket = resource(T.bucket, "b", {}, { parent: parent.urn });
        const block = resource(
            T.publicAccessBlock,
            "pab",
            {},
            { dependencies: [bucket.urn, "urn:missing"], propertyDependencies: { bucket: [bucket.urn] } },
        );
        await runPolicies(probe, [parent, bucket, block]);
        assert.strictEqual(seen[1].parent, seen[0]);
        assert.deepStrictEqual(seen[2].dependencies, [seen[1]]);
        assert.deepStrictEqual(seen[2].propertyDependencies, { bucket: [seen[1]] });
        assert.strictEqual(seen[2].provider?.props.allowedAccountIds, JSON.stringify([ACCOUNTS.dev]));
    });

    it("hands each rule its own props, provider and config, as the CLI does: what one rule changes, the next does not see", async () => {
        const seen: unknown[] = [];
        const [changes, reads] = ["changes", "reads"].map((name) => ({
            name,
            description: `${name} what it is handed`,
            configSchema: { properties: { names: { type: "array" as const, default: ["a"] } } },
            validateResource: (args: ResourceValidationArgs) => {
                seen.push([name, args.props.x, args.provider?.props.x, args.getConfig<{ x?: number }>().x]);
                Object.assign(args.props, { x: 1 });
                if (args.provider) Object.assign(args.provider.props, { x: 1 });
                Object.assign(args.getConfig(), { x: 1 });
            },
            validateStack: (args: StackValidationArgs) => {
                seen.push([name, args.resources[0].props.x]);
                Object.assign(args.resources[0].props, { x: 1 });
            },
        }));
        await runPolicies([changes, reads], [resource(T.role, "r", {})]);
        assert.deepStrictEqual(seen, [
            ["changes", undefined, undefined, undefined],
            ["reads", undefined, undefined, undefined],
            ["changes", undefined],
            ["reads", undefined],
        ]);
    });

    it("hands the pack's rules one frozen copy of a resource: a rule cannot change what the next one reads", async () => {
        const seen: unknown[] = [];
        const rule = (name: string) =>
            resourceRule({
                name,
                description: `${name} its copy of the resource`,
                appliesTo: [aws.iam.Role],
                check: (context) => {
                    seen.push([name, context.props.x, [...context.ownAccounts]]);
                    assert.throws(() => Object.assign(context.props, { x: 1 }), TypeError);
                    assert.throws(() => context.ownAccounts.push("123456789012"), TypeError);
                    return [];
                },
            });
        const result = await runPolicies([rule("changes"), rule("reads")], [resource(T.role, "r", {})]);
        assert.deepStrictEqual(result, []);
        assert.deepStrictEqual(seen, [
            ["changes", undefined, [ACCOUNTS.dev]],
            ["reads", undefined, [ACCOUNTS.dev]],
        ]);
    });

    it("reports stack-level violations without a URN and names the stack", async () => {
        const result = await runPolicyPack([resource(T.role, "r", { assumeRolePolicy: policyJson(sameAccountTrust) })], {
            config: REFERENCE_CONFIG,
            stackName: "dev",
        });
        const trail = result.find((violation) => violation.policyName === "cloudtrail-required");
        assert.deepStrictEqual(trail && { urn: trail.urn, stack: trail.stack }, { urn: undefined, stack: "dev" });
    });

    it("fails loudly, with the rule and resource, when a rule throws", async () => {
        const broken = onePolicy("broken", "throws", {
            validateResource: () => {
                throw new Error("boom");
            },
        });
        await assert.rejects(
            runPolicies(broken, [resource(T.role, "r", {})]),
            /Error validating urn:pulumi:dev::crossaccount::aws:iam\/role:Role::r with policy 'broken': boom/,
        );
    });
});
