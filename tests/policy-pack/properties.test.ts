// Property-based tests: no rule throws or gives up on arbitrary, partial or unknown props, and documents
// read the same as JSON strings and as objects.
import * as assert from "assert";
import fc from "fast-check";
import { PolicyResourceInput, runPolicyPack } from "../../policy-pack/engine";
import { policies } from "../../policy-pack/policies";
import { rows } from "./expect";
import {
    ACCOUNTS,
    REFERENCE_CONFIG,
    T,
    UNKNOWN_ARRAY,
    UNKNOWN_NUMBER,
    UNKNOWN_OBJECT,
    UNKNOWN_STRING,
    awsProvider,
    urnOf,
} from "./fixtures";

const SECRET = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", ciphertext: "v1:c2VjcmV0" };

const unknownValue = fc.constantFrom<unknown>(UNKNOWN_STRING, UNKNOWN_NUMBER, UNKNOWN_ARRAY, UNKNOWN_OBJECT, SECRET);

/** Strings that mean something to the rules, so generated documents reach deep into them. */
const meaningfulString = fc.constantFrom(
    "*",
    "s3:*",
    "iam:*",
    "s3:GetObject",
    "s3:GetObjekt",
    "sts:AssumeRole",
    "iam:PassRole",
    "iam:Put*",
    "lambda:CreateFunction",
    "ec2:Describe*",
    "arn:aws:iam::111111111111:root",
    "arn:aws:iam::333333333333:role/x",
    "222222222222",
    "arn:aws:s3:::b",
    "arn:aws:s3:::b/*",
    "arn:aws:iam::aws:policy/AdministratorAccess",
    "0.0.0.0/0",
    "::/0",
    "Allow",
    "Deny",
    "true",
    "false",
    "cloudtrail.amazonaws.com",
    "b",
    "lambda:InvokeFunction",
    "events.amazonaws.com",
    "NONE",
    "o-a1b2c3d4e5",
    "arn:aws:events:us-east-1:333333333333:rule/r",
    "ecr:BatchGetImage",
    "ecr:PutImage",
    "ecr:BatchDelete*",
    "ecr:*",
    "all",
    "ALL",
    "arn:aws:iam::*:root",
);

const leaf = fc.oneof(meaningfulString, fc.string({ maxLength: 12 }), fc.integer(), fc.boolean(), fc.constant(null), unknownValue);

const KEYS = [
    "Version",
    "Statement",
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
    "AWS",
    "Service",
    "Federated",
    "Bool",
    "BoolIfExists",
    "StringEquals",
    "ArnLike",
    "aws:SourceArn",
    "aws:PrincipalArn",
    "aws:MultiFactorAuthPresent",
    "sts:ExternalId",
    "aws:SecureTransport",
];

const { value } = fc.letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof(
        { depthSize: "small", withCrossShrink: true },
        leaf,
        fc.array(tie("value"), { maxLength: 4 }),
        fc.dictionary(fc.oneof(fc.constantFrom(...KEYS), fc.string({ maxLength: 6 })), tie("value"), { maxKeys: 5 }),
    ),
}));

const stringOrList = (item: fc.Arbitrary<unknown>) => fc.oneof(item, fc.array(item, { maxLength: 3 }), unknownValue);

const statement = fc.record(
    {
        Sid: fc.option(fc.string({ maxLength: 6 }), { nil: undefined }),
        Effect: fc.oneof(fc.constantFrom("Allow", "Deny", "allow"), leaf),
        Principal: fc.option(
            fc.oneof(
                fc.constant("*"),
                fc.record({ AWS: stringOrList(meaningfulString), Service: stringOrList(meaningfulString) }, { requiredKeys: [] }),
                unknownValue,
            ),
            { nil: undefined },
        ),
        NotPrincipal: fc.option(value, { nil: undefined }),
        Action: fc.option(stringOrList(meaningfulString), { nil: undefined }),
        NotAction: fc.option(stringOrList(meaningfulString), { nil: undefined }),
        Resource: fc.option(stringOrList(meaningfulString), { nil: undefined }),
        NotResource: fc.option(stringOrList(meaningfulString), { nil: undefined }),
        Condition: fc.option(
            fc.oneof(
                fc.dictionary(
                    fc.constantFrom("Bool", "BoolIfExists", "StringEquals", "ArnLike", "ForAllValues:StringEquals", "Null"),
                    fc.dictionary(
                        fc.constantFrom(
                            "aws:SourceArn",
                            "aws:PrincipalArn",
                            "aws:MultiFactorAuthPresent",
                            "sts:ExternalId",
                            "aws:SecureTransport",
                        ),
                        stringOrList(leaf),
                        { maxKeys: 2 },
                    ),
                    { maxKeys: 2 },
                ),
                value,
            ),
            { nil: undefined },
        ),
    },
    { requiredKeys: ["Effect"] },
);

const documentObject = fc.record({
    Version: fc.constant("2012-10-17"),
    Statement: fc.oneof(statement, fc.array(statement, { maxLength: 3 })),
});
const document = fc.oneof(
    documentObject,
    documentObject.map((doc) => JSON.stringify(doc)),
    value,
);

const TYPES = Object.values(T).filter((type) => type !== T.provider);

/** Props with the keys the rules read, filled with documents or arbitrary values, some left out. */
const props = fc.record(
    {
        assumeRolePolicy: document,
        policy: document,
        inlinePolicies: fc.oneof(fc.array(fc.record({ name: leaf, policy: document }), { maxLength: 2 }), value),
        managedPolicyArns: value,
        policyArn: fc.oneof(meaningfulString, value),
        maxSessionDuration: fc.oneof(fc.integer(), value),
        name: leaf,
        role: leaf,
        group: leaf,
        user: leaf,
        bucket: leaf,
        s3BucketName: leaf,
        rule: value,
        rules: value,
        blockPublicAcls: value,
        blockPublicPolicy: value,
        isMultiRegionTrail: value,
        enableLogFileValidation: value,
        kmsKeyId: value,
        autoAccept: value,
        peerOwnerId: fc.oneof(meaningfulString, leaf),
        peerRegion: leaf,
        destinationCidrBlock: fc.oneof(meaningfulString, leaf),
        vpcPeeringConnectionId: leaf,
        routes: value,
        tags: value,
        serverSideEncryptionConfiguration: value,
        // Lambda permissions and shared snapshots.
        principal: fc.oneof(meaningfulString, leaf),
        action: fc.oneof(meaningfulString, leaf),
        function: leaf,
        sourceAccount: fc.oneof(meaningfulString, leaf),
        sourceArn: fc.oneof(meaningfulString, leaf),
        principalOrgId: leaf,
        functionUrlAuthType: fc.oneof(meaningfulString, leaf),
        repository: leaf,
        sharedAccounts: stringOrList(fc.oneof(meaningfulString, leaf)),
        // Permission sets: what attaches policies to them, and the customer managed policies they reference.
        inlinePolicy: document,
        managedPolicyArn: fc.oneof(meaningfulString, value),
        permissionSetArn: leaf,
        arn: leaf,
        path: leaf,
        customerManagedPolicyReference: fc.oneof(fc.record({ name: leaf, path: leaf }, { requiredKeys: [] }), value),
        permissionsBoundary: fc.oneof(
            fc.record({ managedPolicyArn: meaningfulString, customerManagedPolicyReference: value }, { requiredKeys: [] }),
            value,
        ),
    },
    { requiredKeys: [] },
);

const providerProps = fc.record(
    {
        allowedAccountIds: fc.oneof(fc.constant(JSON.stringify([ACCOUNTS.dev])), fc.constant([ACCOUNTS.prod]), value),
        region: leaf,
        defaultTags: value,
        assumeRoles: value,
    },
    { requiredKeys: [] },
);

const resources: fc.Arbitrary<PolicyResourceInput[]> = fc
    .array(fc.record({ type: fc.constantFrom(...TYPES), props, provider: fc.option(providerProps, { nil: undefined }), link: fc.nat(5) }), {
        minLength: 1,
        maxLength: 6,
    })
    .map((generated) =>
        generated.map(({ type, props: generatedProps, provider, link }, index, all) => {
            const urn = urnOf(index % 2 ? "prod" : "dev", type, `r${index}`);
            const other = urnOf(link % 2 ? "prod" : "dev", all[link % all.length].type, `r${link % all.length}`);
            return {
                urn,
                type,
                name: `r${index}`,
                props: generatedProps as Record<string, unknown>,
                ...(provider ? { provider: { ...awsProvider(ACCOUNTS.dev), props: provider as Record<string, unknown> } } : {}),
                ...(link % 3 === 0 ? { parent: other } : {}),
                dependencies: [other],
                propertyDependencies: { bucket: [other], role: [other] },
            };
        }),
    );

const LEVELS = new Map(policies.map((policy) => [policy.name, policy.enforcementLevel]));

describe("policy pack properties", () => {
    it("no rule throws or gives up on arbitrary, partial and unknown props", async () => {
        await fc.assert(
            fc.asyncProperty(resources, async (generated) => {
                const violations = await runPolicyPack(generated, { config: REFERENCE_CONFIG });
                for (const violation of violations) {
                    // A value a rule needs that is not known yet stops that rule with the analyzer's advisory, never an error.
                    if (violation.message.startsWith("can't run")) {
                        assert.strictEqual(violation.enforcementLevel, "advisory", violation.message);
                        assert.match(violation.message, /can't be known during preview$/);
                        continue;
                    }
                    assert.strictEqual(violation.enforcementLevel, LEVELS.get(violation.policyName), violation.policyName);
                    assert.ok(violation.message.length > 0 && !violation.message.includes("undefined"), violation.message);
                }
            }),
            { numRuns: 200 },
        );
    });

    it("reads a policy document the same as a JSON string and as an object", async () => {
        const role = (assumeRolePolicy: unknown, policy: unknown): PolicyResourceInput => ({
            urn: urnOf("dev", T.role, "r"),
            type: T.role,
            name: "r",
            provider: awsProvider(ACCOUNTS.dev),
            props: { assumeRolePolicy, inlinePolicies: [{ name: "p", policy }] },
        });
        await fc.assert(
            fc.asyncProperty(documentObject, documentObject, async (trust, permissions) => {
                const asObjects = rows(await runPolicyPack([role(trust, permissions)], { config: REFERENCE_CONFIG }));
                const asStrings = rows(
                    await runPolicyPack([role(JSON.stringify(trust), JSON.stringify(permissions))], { config: REFERENCE_CONFIG }),
                );
                assert.deepStrictEqual(asStrings, asObjects);
            }),
            { numRuns: 100 },
        );
    });

    it("reads an ECR repository policy the same as a JSON string and as an object", async () => {
        const repositoryPolicy = (policy: unknown): PolicyResourceInput => ({
            urn: urnOf("prod", T.repositoryPolicy, "p"),
            type: T.repositoryPolicy,
            name: "p",
            provider: awsProvider(ACCOUNTS.prod),
            props: { repository: "r", policy },
        });
        await fc.assert(
            fc.asyncProperty(documentObject, async (policy) => {
                const asObject = rows(await runPolicyPack([repositoryPolicy(policy)], { config: REFERENCE_CONFIG }));
                assert.deepStrictEqual(
                    rows(await runPolicyPack([repositoryPolicy(JSON.stringify(policy))], { config: REFERENCE_CONFIG })),
                    asObject,
                );
            }),
            { numRuns: 50 },
        );
    });
});
