// IAM Identity Center permission sets: every identity-policy rule runs on what a permission set attaches
// (inline policy, AWS managed and customer managed policies, permissions boundary), naming the set.
import * as assert from "assert";
import { Row, expectClean, expectRows, reported, rowsFor } from "./expect";
import { ACCOUNTS, Resources, T, UNKNOWN_STRING, policyJson, resource, urnOf } from "./fixtures";

const INSTANCE = "arn:aws:sso:::instance/ssoins-7223a1b2c3d4e5f6";
const psArn = (id: string) => `arn:aws:sso:::permissionSet/ssoins-7223a1b2c3d4e5f6/ps-${id}`;
const SSO = {
    permissionSet: T.permissionSet,
    inline: T.permissionSetInlinePolicy,
    managed: T.managedPolicyAttachment,
    customerManaged: T.customerManagedPolicyAttachment,
    boundary: T.permissionsBoundaryAttachment,
};
const ACCOUNT = { account: ACCOUNTS.prod, stack: "dev" };

/** A permission set (in the organization's management account) and the resources that give it policies. */
function permissionSet(
    r: Resources,
    name: string,
    id: string,
    attachments: Record<string, [type: string, props: Record<string, unknown>]>,
): void {
    r[`ps-${name}`] = resource(
        SSO.permissionSet,
        `ps-${name}`,
        { name, instanceArn: INSTANCE, arn: psArn(id), sessionDuration: "PT4H" },
        ACCOUNT,
    );
    for (const [key, [type, props]] of Object.entries(attachments)) {
        r[key] = resource(type, key, { instanceArn: INSTANCE, permissionSetArn: psArn(id), ...props }, ACCOUNT);
    }
}

/** A customer managed policy of the member account, with one statement. */
function managedPolicy(r: Resources, key: string, name: string, statement: Record<string, unknown>, path?: string): void {
    r[key] = resource(T.policy, key, { name, ...(path ? { path } : {}), policy: policyJson(statement) }, ACCOUNT);
}

const inline = (...statements: Record<string, unknown>[]): [string, Record<string, unknown>] => [
    SSO.inline,
    { inlinePolicy: policyJson(...statements) },
];
const onlyPolicies = (result: Row[], ...names: string[]) => result.filter(([policy]) => names.includes(policy));

describe("permission sets", () => {
    it('reports Action "*" in a permission set\'s inline policy, naming the permission set (exact text)', async () => {
        const result = await rowsFor((r) =>
            permissionSet(r, "Admins", "a1b2c3d4e5f60001", {
                "admins-inline": inline({ Sid: "Everything", Effect: "Allow", Action: "*", Resource: "*" }),
            }),
        );
        assert.deepStrictEqual(
            onlyPolicies(result, "iam-no-star-action"),
            reported("iam-no-star-action", "admins-inline", [
                'permission set "Admins" inlinePolicy statement 1 ("Everything"): allows Action "*", every action of every service. ' +
                    'Fix: list only the actions this identity needs, e.g. "s3:GetObject".',
            ]),
        );
    });

    it("runs every identity-policy rule on an inline policy: service wildcards, resource star, unknown actions, AssumeRole, escalation", async () => {
        const result = await rowsFor((r) =>
            permissionSet(r, "Operators", "a1b2c3d4e5f60002", {
                "operators-inline": inline(
                    { Effect: "Allow", Action: "iam:*", Resource: `arn:aws:iam::${ACCOUNTS.prod}:role/app/*` },
                    { Effect: "Allow", Action: ["s3:GetObject", "dynamodb:GetItem"], Resource: "*" },
                    { Effect: "Allow", Action: "s3:GetObjekt", Resource: "arn:aws:s3:::releases/*" },
                    { Effect: "Allow", Action: "sts:AssumeRole", Resource: "*" },
                    { Effect: "Allow", Action: "iam:PassRole", Resource: "*" },
                ),
            }),
        );
        const fired = [...new Set(result.filter(([, name]) => name === "operators-inline").map(([policy]) => policy))].sort();
        assert.deepStrictEqual(fired, [
            "iam-action-exists",
            "iam-assume-role-explicit-arns",
            "iam-no-privilege-escalation",
            "iam-no-resource-star",
            "iam-no-service-wildcard-action",
        ]);
        assert.ok(
            result
                .filter(([, name]) => name === "operators-inline")
                .every(
                    ([, , level, message]) =>
                        level === "mandatory" && message.startsWith('permission set "Operators" inlinePolicy statement '),
                ),
        );
    });

    describe("an AWS managed admin policy on a break-glass permission set (exact text)", () => {
        const breakGlass = (key: string, attachment: [type: string, props: Record<string, unknown>]) => (r: Resources) =>
            permissionSet(r, "Break-glass", "a1b2c3d4e5f60003", { [key]: attachment });

        it("reports AdministratorAccess attached to it", async () => {
            await expectRows(
                breakGlass("break-glass-admin", [SSO.managed, { managedPolicyArn: "arn:aws:iam::aws:policy/AdministratorAccess" }]),
                reported("iam-no-admin-managed-policy", "break-glass-admin", [
                    'permission set "Break-glass" attaches the AWS managed policy "AdministratorAccess" (arn:aws:iam::aws:policy/AdministratorAccess). ' +
                        "Fix: attach a customer managed policy (customerManagedPolicyReference) or an inline policy that allows only the actions its users need.",
                ]),
            );
        });

        it("reports PowerUserAccess as its permissions boundary", async () => {
            await expectRows(
                breakGlass("break-glass-boundary", [
                    SSO.boundary,
                    { permissionsBoundary: { managedPolicyArn: "arn:aws:iam::aws:policy/PowerUserAccess" } },
                ]),
                reported("iam-no-admin-managed-policy", "break-glass-boundary", [
                    'permission set "Break-glass" uses the AWS managed policy "PowerUserAccess" (arn:aws:iam::aws:policy/PowerUserAccess) as its ' +
                        "permissions boundary, so the boundary lets through all that policy allows. Fix: use a customer managed policy that allows at most what the permission set may ever need as the boundary.",
                ]),
            );
        });
    });

    it("checks the customer managed policy a reference names (by name and path), and a boundary given by reference", async () => {
        const result = await rowsFor((r) => {
            managedPolicy(
                r,
                "deployers-policy",
                "Deployers",
                { Effect: "Allow", Action: "s3:*", Resource: "arn:aws:s3:::releases/*" },
                "/sso/",
            );
            // Same name, other path: not the one referenced.
            managedPolicy(r, "deployers-root", "Deployers", {
                Effect: "Allow",
                Action: "s3:GetObject",
                Resource: "arn:aws:s3:::releases/*",
            });
            managedPolicy(r, "limits-policy", "Limits", { Effect: "Allow", NotAction: "iam:*", Resource: "*" });
            permissionSet(r, "Deployers", "a1b2c3d4e5f60004", {
                "deployers-cmp": [SSO.customerManaged, { customerManagedPolicyReference: { name: "Deployers", path: "/sso/" } }],
                "deployers-boundary": [SSO.boundary, { permissionsBoundary: { customerManagedPolicyReference: { name: "Limits" } } }],
            });
        });
        const onAttachments = result.filter(([, name]) => name === "deployers-cmp" || name === "deployers-boundary");
        assert.deepStrictEqual(
            onAttachments.map(([policy, name, , message]) => [policy, name, message.split(":")[0]]),
            [
                ["iam-no-star-action", "deployers-boundary", 'permission set "Deployers" permissions boundary "/Limits" statement 1'],
                [
                    "iam-no-service-wildcard-action",
                    "deployers-cmp",
                    'permission set "Deployers" customer managed policy "/sso/Deployers" statement 1',
                ],
            ],
        );
    });

    it("finds the permission set and the referenced policy through dependencies when their names are unknown (preview)", async () => {
        const result = await rowsFor((r) => {
            managedPolicy(r, "audit-policy", UNKNOWN_STRING, { Effect: "Allow", Action: "cloudtrail:*", Resource: "*" });
            r["ps-Auditors"] = resource(SSO.permissionSet, "ps-Auditors", { name: "Auditors", instanceArn: INSTANCE }, ACCOUNT);
            r["auditors-cmp"] = resource(
                SSO.customerManaged,
                "auditors-cmp",
                {
                    instanceArn: INSTANCE,
                    permissionSetArn: UNKNOWN_STRING,
                    customerManagedPolicyReference: { name: UNKNOWN_STRING, path: "/" },
                },
                {
                    ...ACCOUNT,
                    propertyDependencies: {
                        permissionSetArn: [urnOf("dev", SSO.permissionSet, "ps-Auditors")],
                        customerManagedPolicyReference: [urnOf("dev", T.policy, "audit-policy")],
                    },
                },
            );
        });
        const message = result.find(([policy, name]) => policy === "iam-no-service-wildcard-action" && name === "auditors-cmp")?.[3];
        assert.ok(message?.startsWith('permission set "Auditors" customer managed policy "/'), message);
    });

    it("names a permission set that is not in the stack by its ARN", async () => {
        const result = await rowsFor((r) => {
            r["outside-inline"] = resource(
                SSO.inline,
                "outside-inline",
                {
                    instanceArn: INSTANCE,
                    permissionSetArn: psArn("a1b2c3d4e5f60005"),
                    inlinePolicy: policyJson({ Effect: "Allow", Action: "ec2:*", Resource: "*" }),
                },
                ACCOUNT,
            );
        });
        assert.ok(
            result.some(
                ([policy, , , message]) =>
                    policy === "iam-no-service-wildcard-action" &&
                    message.startsWith(`permission set ${psArn("a1b2c3d4e5f60005")} inlinePolicy statement 1: allows "ec2:*"`),
            ),
        );
    });

    it("accepts a least-privilege permission set: scoped inline policy, reviewed managed and customer managed policies, a real boundary", async () => {
        await expectClean((r) => {
            managedPolicy(r, "readers-policy", "Readers", {
                Effect: "Allow",
                Action: ["s3:GetObject", "s3:ListBucket"],
                Resource: ["arn:aws:s3:::releases", "arn:aws:s3:::releases/*"],
            });
            managedPolicy(r, "boundary-policy", "ReadBoundary", {
                Effect: "Allow",
                Action: ["s3:Get*", "s3:List*"],
                Resource: "arn:aws:s3:::releases*",
            });
            permissionSet(r, "Readers", "a1b2c3d4e5f60006", {
                "readers-inline": inline({
                    Effect: "Allow",
                    Action: "logs:GetLogEvents",
                    Resource: `arn:aws:logs:us-east-1:${ACCOUNTS.prod}:log-group:app:*`,
                }),
                "readers-managed": [SSO.managed, { managedPolicyArn: "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess" }],
                "readers-cmp": [SSO.customerManaged, { customerManagedPolicyReference: { name: "Readers" } }],
                "readers-boundary": [
                    SSO.boundary,
                    { permissionsBoundary: { customerManagedPolicyReference: { name: "ReadBoundary", path: "/" } } },
                ],
            });
        });
    });

    it("iam-inline-policy-size reports a permission set's inline policy over 10,240 characters without whitespace (exact text)", async () => {
        const statement = (index: number) => ({
            Sid: `Read${index}`,
            Effect: "Allow",
            Action: "s3:GetObject",
            Resource: `arn:aws:s3:::releases-${index}/*`,
        });
        const statements = Array.from({ length: 120 }, (_, index) => statement(index));
        const size = policyJson(...statements).length;
        const result = await rowsFor((r) => permissionSet(r, "Wide", "a1b2c3d4e5f60007", { "wide-inline": inline(...statements) }));
        assert.deepStrictEqual(
            onlyPolicies(result, "iam-inline-policy-size"),
            reported("iam-inline-policy-size", "wide-inline", [
                `permission set "Wide" inlinePolicy is ${size} characters without whitespace (quota 10240), over the IAM Identity Center quota ` +
                    "for a permission set's inline policy. Fix: move statements into customer managed policies and attach them with customerManagedPolicyReference.",
            ]),
        );
        const fits = await rowsFor((r) =>
            permissionSet(r, "Narrow", "a1b2c3d4e5f60008", { "narrow-inline": inline(...statements.slice(0, 60)) }),
        );
        assert.deepStrictEqual(onlyPolicies(fits, "iam-inline-policy-size"), []);
        // The same 60 statements padded with whitespace past 32,768 bytes: IAM does not count it, Identity Center does.
        const padded = policyJson(...statements.slice(0, 60)).replace(/,/g, `,${" ".repeat(120)}`);
        const paddedRows = await rowsFor((r) =>
            permissionSet(r, "Padded", "a1b2c3d4e5f60010", { "padded-inline": [SSO.inline, { inlinePolicy: padded }] }),
        );
        assert.deepStrictEqual(
            onlyPolicies(paddedRows, "iam-inline-policy-size").map(([, name, , message]) => [name, message.split(",")[0]]),
            [["padded-inline", `permission set "Padded" inlinePolicy is ${padded.length} bytes (quota 32768)`]],
        );
    });
});
