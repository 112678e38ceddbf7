import * as assert from "assert";
import { expectClean, expectRows, notAllowed, reported, rowsFor } from "./expect";
import { ACCOUNTS, REFERENCE_CONFIG, Resources, T, UNKNOWN_STRING, patch, patched, policyJson, resource } from "./fixtures";

const ALLOWED = "[111111111111, 222222222222, 999999999999]";
const ALLOWED_FIX = "Fix: grant only the organization's accounts, or add the account to allowedAccountIds in the policy pack config.";
const PULL = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"];
const testRoot = `arn:aws:iam::${ACCOUNTS.test}:root`;
/** Replaces the test-role invoke permission's props. */
const invoke = (props: Record<string, unknown>) => (r: Resources) => patch(r, "invoke-from-test", props);
/** Replaces the repository policy's statements. */
const repositoryPolicy =
    (...statements: Record<string, unknown>[]) =>
    (r: Resources) =>
        patch(r, "images-repository-policy", { policy: policyJson(...statements) });
const pullFrom = (principal: unknown, extra: Record<string, unknown> = {}) => ({
    Effect: "Allow",
    Principal: principal,
    Action: PULL,
    ...extra,
});

describe("Lambda, ECR and RDS snapshot rules", () => {
    describe("lambda-permission-no-public-principal", () => {
        it('reports "*" without a limit', async () => {
            await expectRows(
                invoke({ principal: "*" }),
                reported("lambda-permission-no-public-principal", "invoke-from-test", [
                    'principal "*" lets every AWS account call "lambda:InvokeFunction" on the function. Fix: name the principal, ' +
                        'e.g. principal "arn:aws:iam::<account>:role/<role>", or a service with sourceArn and sourceAccount.',
                ]),
            );
        });

        it('reports "*" on a public function URL whatever the limit', async () => {
            await expectRows(
                (r) => {
                    r.url = resource(T.lambdaPermission, "url", {
                        action: "lambda:InvokeFunctionUrl",
                        function: "notifier",
                        principal: "*",
                        functionUrlAuthType: "NONE",
                        principalOrgId: "o-a1b2c3d4e5",
                    });
                },
                reported("lambda-permission-no-public-principal", "url", [
                    'principal "*" with functionUrlAuthType "NONE" makes the function URL public: anyone on the internet can call it. ' +
                        'Fix: use functionUrlAuthType "AWS_IAM" and name the role that may call it, e.g. principal "arn:aws:iam::<account>:role/<role>".',
                ]),
            );
        });

        it('accepts "*" limited to the organization, a source account or a source that is not known yet', async () => {
            await expectClean((r) => {
                invoke({ principal: "*", principalOrgId: "o-a1b2c3d4e5" })(r);
                r.account = resource(T.lambdaPermission, "account", {
                    action: "lambda:InvokeFunction",
                    function: "notifier",
                    principal: "*",
                    sourceAccount: ACCOUNTS.test,
                });
                r.pending = resource(T.lambdaPermission, "pending", {
                    action: "lambda:InvokeFunction",
                    function: "notifier",
                    principal: "*",
                    sourceArn: UNKNOWN_STRING,
                });
            });
        });
    });

    describe("lambda-permission-allowed-accounts", () => {
        it("reports principals, source accounts and source ARNs outside allowedAccountIds", async () => {
            const result = await rowsFor((r) => {
                invoke({ principal: `arn:aws:iam::${ACCOUNTS.outsider}:role/Integration` })(r);
                patch(r, "invoke-from-events", {
                    sourceAccount: "444444444444",
                    sourceArn: `arn:aws:events:us-east-1:${ACCOUNTS.outsider}:rule/nightly`,
                });
                r.bare = resource(T.lambdaPermission, "bare", {
                    action: "lambda:InvokeFunction",
                    function: "notifier",
                    principal: "555555555555",
                });
            });
            const rule = "lambda-permission-allowed-accounts";
            assert.deepStrictEqual(result, [
                ...reported(rule, "invoke-from-test", [
                    `principal "arn:aws:iam::${ACCOUNTS.outsider}:role/Integration" is in account ${ACCOUNTS.outsider}, which is not an allowed account ${ALLOWED}. ${ALLOWED_FIX}`,
                ]),
                ...reported(rule, "invoke-from-events", [
                    `sourceAccount "444444444444" is in account 444444444444, which is not an allowed account ${ALLOWED}. ${ALLOWED_FIX}`,
                    `sourceArn "arn:aws:events:us-east-1:${ACCOUNTS.outsider}:rule/nightly" is in account ${ACCOUNTS.outsider}, which is not an allowed account ${ALLOWED}. ${ALLOWED_FIX}`,
                ]),
                ...reported(rule, "bare", [
                    `principal "555555555555" is in account 555555555555, which is not an allowed account ${ALLOWED}. ${ALLOWED_FIX}`,
                ]),
            ]);
        });

        it("accepts the organization's accounts, the function's own account and source ARNs without an account (S3)", async () => {
            await expectClean((r) => {
                invoke({ principal: ACCOUNTS.prod })(r);
                r.own = resource(T.lambdaPermission, "own", {
                    action: "lambda:InvokeFunction",
                    function: "notifier",
                    principal: `arn:aws:iam::${ACCOUNTS.dev}:role/local`,
                });
                r.s3 = resource(T.lambdaPermission, "s3", {
                    action: "lambda:InvokeFunction",
                    function: "notifier",
                    principal: "s3.amazonaws.com",
                    sourceArn: "arn:aws:s3:::images-dev",
                    sourceAccount: ACCOUNTS.dev,
                });
            });
        });

        it("checks a permission added from the caller's stack against the function's account, which its provider names", async () => {
            const ciBuild = `arn:aws:iam::${ACCOUNTS.dev}:role/CiBuild`;
            // dev's stack adds CiBuild's permission on prod's function through prod's provider, next to one for a prod role.
            const fromDev = (r: Resources) => {
                r.fromDev = resource(
                    T.lambdaPermission,
                    "from-dev",
                    { action: "lambda:InvokeFunction", function: "release-notifier", principal: ciBuild },
                    { stack: "dev", account: ACCOUNTS.prod },
                );
                r.local = resource(
                    T.lambdaPermission,
                    "local",
                    {
                        action: "lambda:InvokeFunction",
                        function: "release-notifier",
                        principal: `arn:aws:iam::${ACCOUNTS.prod}:role/Local`,
                    },
                    { stack: "dev", account: ACCOUNTS.prod },
                );
            };
            const ours = (rows: Awaited<ReturnType<typeof rowsFor>>) => rows.filter(([, name]) => name === "from-dev" || name === "local");
            // Only the resource's own account allowed: dev's role is foreign to prod's function, prod's role is not.
            const ownOnly = { ...REFERENCE_CONFIG, "lambda-permission-allowed-accounts": { allowedAccountIds: [] } };
            assert.deepStrictEqual(
                ours(await rowsFor(fromDev, ownOnly)),
                reported("lambda-permission-allowed-accounts", "from-dev", [
                    `principal "${ciBuild}" is in account ${ACCOUNTS.dev}, which is not an allowed account [${ACCOUNTS.prod}]. ${ALLOWED_FIX}`,
                ]),
            );
            assert.deepStrictEqual(ours(await rowsFor(fromDev)), []);
        });
    });

    describe("lambda-permission-service-source-scoped", () => {
        it("reports a service principal with neither sourceArn nor sourceAccount", async () => {
            await expectRows(
                patched("invoke-from-events", { sourceAccount: undefined, sourceArn: undefined }),
                reported("lambda-permission-service-source-scoped", "invoke-from-events", [
                    'service principal "events.amazonaws.com" may invoke the function for any resource, in any account. ' +
                        "Fix: set sourceArn to the invoking resource (the rule, topic or bucket) and sourceAccount to its account.",
                ]),
            );
        });

        it("reports a source that wildcards the account, which limits nothing", async () => {
            const result = await rowsFor(
                patched("invoke-from-events", { sourceAccount: undefined, sourceArn: "arn:aws:events:us-east-1:*:rule/nightly" }),
            );
            assert.deepStrictEqual(
                result.map(([rule, name]) => `${rule} ${name}`),
                ["lambda-permission-service-source-scoped invoke-from-events"],
            );
        });

        it("accepts a service with either source, and roles and accounts without one", async () => {
            await expectClean((r) => {
                patch(r, "invoke-from-events", { sourceArn: undefined });
                r.sns = resource(T.lambdaPermission, "sns", {
                    action: "lambda:InvokeFunction",
                    function: "notifier",
                    principal: "sns.amazonaws.com",
                    sourceArn: `arn:aws:sns:us-east-1:${ACCOUNTS.dev}:topic`,
                });
                r.account = resource(T.lambdaPermission, "account", {
                    action: "lambda:InvokeFunction",
                    function: "notifier",
                    principal: ACCOUNTS.test,
                });
            });
        });
    });

    describe("ecr-repository-policy-no-public-principal", () => {
        it('reports a pull grant to an unconditioned "*"', async () => {
            const result = await rowsFor(
                repositoryPolicy(
                    pullFrom("*", { Sid: "Public" }),
                    pullFrom({ AWS: "*" }, { Condition: { Bool: { "aws:SecureTransport": "true" } } }),
                ),
            );
            const message = (where: string) =>
                `policy ${where}: grants "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability" ` +
                'to every principal ("*") without a condition that limits who can use it. ' +
                "Fix: name the account roots with an aws:PrincipalArn condition for the roles, or add aws:PrincipalOrgID.";
            assert.deepStrictEqual(
                result,
                reported("ecr-repository-policy-no-public-principal", "images-repository-policy", [
                    message('statement 1 ("Public")'),
                    message("statement 2"),
                ]),
            );
        });

        it('accepts "*" limited to the organization or to principal ARNs of allowed accounts', async () => {
            await expectClean(
                repositoryPolicy(
                    pullFrom("*", { Condition: { StringEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } } }),
                    pullFrom({ AWS: "*" }, { Condition: { ArnLike: { "aws:PrincipalArn": `arn:aws:iam::${ACCOUNTS.prod}:role/ci-*` } } }),
                ),
            );
        });
    });

    describe("ecr-repository-policy-allowed-accounts", () => {
        it('reports principals and narrowed "*" grants in accounts outside allowedAccountIds', async () => {
            await expectRows(
                repositoryPolicy(
                    pullFrom({ AWS: [testRoot, `arn:aws:iam::${ACCOUNTS.outsider}:role/puller`] }),
                    pullFrom("*", { Condition: { StringEquals: { "aws:PrincipalAccount": "444444444444" } } }),
                ),
                reported("ecr-repository-policy-allowed-accounts", "images-repository-policy", [
                    `policy statement 1: ${notAllowed(ACCOUNTS.outsider, `arn:aws:iam::${ACCOUNTS.outsider}:role/puller`)}`,
                    `policy statement 2: ${notAllowed("444444444444", "444444444444")}`,
                ]),
            );
        });
    });

    describe("ecr-cross-account-pull-only", () => {
        const fix =
            'Fix: grant other accounts only "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer" and "ecr:BatchCheckLayerAvailability"; ' +
            "push from the repository's account, or add a CI account to pushAllowedAccounts in the policy pack config.";

        it("reports push, delete, policy changes, service wildcards and NotAction granted to other accounts", async () => {
            const result = await rowsFor(
                repositoryPolicy(
                    {
                        Sid: "Push",
                        Effect: "Allow",
                        Principal: { AWS: testRoot },
                        Action: [...PULL, "ecr:PutImage", "ecr:InitiateLayerUpload"],
                    },
                    {
                        Sid: "Admin",
                        Effect: "Allow",
                        Principal: { AWS: testRoot },
                        Action: ["ecr:BatchDelete*", "ecr:SetRepositoryPolicy", "ecr:*"],
                    },
                    { Sid: "AllBut", Effect: "Allow", Principal: { AWS: testRoot }, NotAction: ["ecr:DeleteRepository"] },
                ),
            );
            const rule = "ecr-cross-account-pull-only";
            assert.deepStrictEqual(result, [
                ...reported(rule, "images-repository-policy", [
                    `policy statement 1 ("Push"): grants "ecr:PutImage", "ecr:InitiateLayerUpload" to principals of other accounts ("${testRoot}"). ${fix}`,
                    `policy statement 2 ("Admin"): grants "ecr:BatchDelete*" (includes ecr:BatchDeleteImage), "ecr:SetRepositoryPolicy", "ecr:*" to principals of other accounts ("${testRoot}"). ${fix}`,
                    'policy statement 3 ("AllBut"): "NotAction" with "Effect": "Allow" grants principals of other accounts every ECR action except the listed ones, ' +
                        'deletes included. Fix: list the pull actions in "Action".',
                ]),
                ...reported("resource-policy-no-not-principal-or-not-action", "images-repository-policy", [
                    'policy statement 3 ("AllBut"): "NotAction" with "Effect": "Allow" grants every action except the listed ones, ' +
                        'including changing the policy itself. Fix: list the allowed actions in "Action".',
                ]),
            ]);
        });

        it("accepts pulls, writes by the repository's own account, and push (never delete) by pushAllowedAccounts", async () => {
            const push = {
                Effect: "Allow",
                Principal: { AWS: testRoot },
                Action: ["ecr:PutImage", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload"],
            };
            const change = repositoryPolicy(
                pullFrom({ AWS: testRoot }),
                { Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNTS.dev}:role/ci` }, Action: "ecr:*" },
                push,
            );
            const config = (settings: Record<string, unknown>) => ({ ...REFERENCE_CONFIG, "ecr-cross-account-pull-only": settings });
            await expectClean(change, config({ pushAllowedAccounts: [ACCOUNTS.test] }));
            await expectClean(change, config({ overrides: { dev: { pushAllowedAccounts: [ACCOUNTS.test] } } }));
            const deleting = await rowsFor(
                repositoryPolicy({ ...push, Action: ["ecr:PutImage", "ecr:BatchDeleteImage"] }),
                config({ pushAllowedAccounts: [ACCOUNTS.test] }),
            );
            assert.deepStrictEqual(
                deleting.map((row) => row[3].split(" to principals")[0]),
                ['policy statement 1: grants "ecr:BatchDeleteImage"'],
            );
        });
    });

    describe("rds-snapshot-not-public", () => {
        it('reports "all" on every kind of snapshot resource', async () => {
            const result = await rowsFor((r) => {
                patch(r, "baseline-share", { sharedAccounts: ["all"] });
                r.cluster = resource(T.clusterSnapshot, "cluster", {
                    dbClusterIdentifier: "c",
                    dbClusterSnapshotIdentifier: "s",
                    sharedAccounts: [ACCOUNTS.test, "ALL"],
                });
            });
            const message =
                'sharedAccounts includes "all", so every AWS account can copy the snapshot or restore a database from it. ' +
                "Fix: list the 12-digit IDs of the accounts that need it.";
            assert.deepStrictEqual(result, [
                ["rds-snapshot-not-public", "baseline-share", "mandatory", message],
                ["rds-snapshot-not-public", "cluster", "mandatory", message],
            ]);
        });
    });

    describe("rds-snapshot-shared-allowed-accounts", () => {
        it("reports accounts outside allowedAccountIds and entries that are not account IDs", async () => {
            await expectRows(
                (r) => {
                    patch(r, "baseline-share", { sharedAccounts: [ACCOUNTS.test, ACCOUNTS.outsider] });
                    r.copy = resource(T.clusterSnapshotCopy, "copy", {
                        sourceDbClusterSnapshotIdentifier: "a",
                        targetDbClusterSnapshotIdentifier: "b",
                        sharedAccounts: ["test"],
                    });
                },
                [
                    ...reported("rds-snapshot-shared-allowed-accounts", "baseline-share", [
                        `the snapshot is shared with account ${ACCOUNTS.outsider}, which is not an allowed account ${ALLOWED}. ` +
                            "Fix: share it only with the organization's accounts, or add the account to allowedAccountIds in the policy pack config.",
                    ]),
                    ...reported("rds-snapshot-shared-allowed-accounts", "copy", [
                        'sharedAccounts entry "test" is not a 12-digit account ID. Fix: list account IDs such as "222222222222".',
                    ]),
                ],
            );
        });

        it("accepts organization accounts, no sharing, and sharing not known yet", async () => {
            await expectClean((r) => {
                r.unshared = resource(T.snapshot, "unshared", { dbInstanceIdentifier: "db", dbSnapshotIdentifier: "s" });
                r.pending = resource(T.snapshot, "pending", {
                    dbInstanceIdentifier: "db",
                    dbSnapshotIdentifier: "p",
                    sharedAccounts: [UNKNOWN_STRING],
                });
            });
        });
    });
});
