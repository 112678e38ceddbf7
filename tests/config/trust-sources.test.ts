// Trust sources in the stack files: GitHub/GitLab OIDC, Identity Center, CI chains, vendors with external IDs and
// session options; each mistake stops with the file, the key path and the problem.
import { strict as assert } from "assert";
import { trustedRoleArnOf } from "../../config";
import { assertArns, configProblems, loadStackFiles, referenceProject, roleOf } from "../support/project";

const ns = "crossaccount";

describe("stack configuration: trust sources", () => {
    it("resolves the new principals of expectations: sso/<PermissionSet>, vendor/<name>, github:<sub>", () => {
        const organization = loadStackFiles(referenceProject());
        assertArns(organization, {
            // us-east-1: Identity Center adds no region segment there.
            "dev/sso/ReleaseManager":
                "arn:aws:iam::111111111111:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_ReleaseManager_0123456789abcdef",
            "vendor/auditvendor": "arn:aws:iam::777788889999:root",
            "github:repo:acme/app:ref:refs/heads/main": "github:repo:acme/app:ref:refs/heads/main",
        });
        assert.deepEqual(organization.vendors, { auditvendor: "777788889999" });
    });

    it("accepts a CI chain to an exact role ARN of an organization account, and a gitlab trust", () => {
        const organization = loadStackFiles(
            referenceProject({
                prod: (c) => {
                    roleOf(c, "ReleaseDeploy").trust.roles.push("arn:aws:iam::222222222222:role/ci/TestPipeline");
                    roleOf(c, "GitHubActionsDeploy").trust.gitlab = [{ project: "acme/app", branches: ["main"] }];
                },
            }),
        );
        const trust = organization.environments.prod.settings.roles.find((r) => r.name === "ReleaseDeploy")!.trust;
        assert.deepEqual(
            trust.roles.map((role) => trustedRoleArnOf(organization, role)),
            ["arn:aws:iam::111111111111:role/ReleasePipeline", "arn:aws:iam::222222222222:role/ci/TestPipeline"],
        );
    });

    it("rejects a github trust without a repository, with a wildcard owner or repository, or without any ref", () => {
        const problems = configProblems({
            dev: (c) => {
                roleOf(c, "GitHubActionsDeploy").trust.github = [
                    { branches: ["main"] },
                    { repository: "acme/*", branches: ["main"] },
                    { repository: "*/crossaccount", branches: ["main"] },
                    { repository: "acme-platform/crossaccount" },
                ];
            },
        });
        const where = `Pulumi.dev.yaml: ${ns}:roles[3].trust.github`;
        const spelled = "must be <owner>/<repository> spelled out, without wildcards (e.g. acme/app)";
        assert.deepEqual(problems, [
            `${where}[0].repository: is required`,
            `${where}[1].repository: ${spelled} (got "acme/*")`,
            `${where}[2].repository: ${spelled} (got "*/crossaccount")`,
            `${where}[3]: must name at least one of branches, environments or tags (otherwise every workflow of the repository, pull requests included, could assume the role)`,
        ]);
    });

    it("rejects an invalid permission-set name, in a trust and in an expectation", () => {
        const problems = configProblems({
            prod: (c) => {
                roleOf(c, "UpdateApp").trust.identityCenter.permissionSets = ["Release Manager"];
                c[`${ns}:accessExpectations`][0].principal = "dev/sso/Release Manager";
            },
        });
        assert.deepEqual(problems, [
            `Pulumi.prod.yaml: ${ns}:roles[1].trust.identityCenter.permissionSets[0]: must be a permission set name: 1-32 characters of letters, digits and + = , . @ _ - (got "Release Manager")`,
        ]);
        const expectationOnly = configProblems({ prod: (c) => (c[`${ns}:accessExpectations`][0].principal = "dev/sso/Release Manager") });
        assert.deepEqual(expectationOnly, [
            `Pulumi.prod.yaml: ${ns}:accessExpectations[0].principal: 'Release Manager' is not a valid permission set name (1-32 characters of letters, digits and + = , . @ _ -)`,
        ]);
    });

    it("rejects an external ID for an account that is not configured as a vendor, and a vendor without one", () => {
        const problems = configProblems({
            prod: (c) => {
                roleOf(c, "AppReadOnly").trust.externalId = "tenant-7f3a9c";
                delete roleOf(c, "VendorAudit").trust.externalId;
                roleOf(c, "ImageSharingRole").trust.accounts.push("777788889999");
            },
        });
        assert.deepEqual(problems, [
            `Pulumi.prod.yaml: ${ns}:roles[0].trust.accounts[1]: account 777788889999 is not in the organization's account list (${ns}:organization.accounts); it is a vendor: trust it through trust.vendors, with an external ID`,
            `Pulumi.prod.yaml: ${ns}:roles[2].trust.externalId: 'dev' is not configured as a vendor (${ns}:organization.vendors): external IDs are for third parties; trust the organization's accounts through roles, principalArns or MFA`,
            `Pulumi.prod.yaml: ${ns}:roles[5].trust.vendors: a vendor trust needs trust.externalId (set it with pulumi config set --secret)`,
        ]);
    });

    it("rejects an unknown vendor, in a trust and in an expectation", () => {
        const problems = configProblems({
            prod: (c) => {
                roleOf(c, "VendorAudit").trust.vendors = ["otherco"];
                c[`${ns}:accessExpectations`].find((e: { id: string }) => e.id === "vendor-assume-audit-without-external-id").principal =
                    "vendor/otherco";
            },
        });
        assert.deepEqual(problems, [
            `Pulumi.prod.yaml: ${ns}:roles[5].trust.vendors[0]: vendor 'otherco' is not in ${ns}:organization.vendors`,
            `Pulumi.prod.yaml: ${ns}:accessExpectations[18].principal: vendor 'otherco' is not in ${ns}:organization.vendors`,
        ]);
    });

    it("rejects session options without the trust they belong to, and a source identity that cannot be set", () => {
        const problems = configProblems({
            dev: (c) => {
                roleOf(c, "CiBuild").trust.session = { tagSession: true };
                roleOf(c, "GitHubActionsDeploy").trust.session = { tagSession: true, sourceIdentity: ["ci-*"] };
            },
        });
        assert.deepEqual(problems, [
            `Pulumi.dev.yaml: ${ns}:roles[1].trust.session: session options belong to a trust of accounts, roles, vendors, identityCenter or github/gitlab; this trust names only services`,
            `Pulumi.dev.yaml: ${ns}:roles[3].trust.session.sourceIdentity: needs session.setSourceIdentity: true (a source identity can only be required where it may be set)`,
        ]);
    });

    it("rejects a CI chain's caller side that the target's trust does not name, and a wildcard role ARN", () => {
        const problems = configProblems({
            dev: (c) => (roleOf(c, "CiBuild").assume = ["prod/role/ReleaseDeploy"]),
            prod: (c) => roleOf(c, "ReleaseDeploy").trust.roles.push("arn:aws:iam::111111111111:role/*"),
        });
        assert.deepEqual(problems, [
            `Pulumi.prod.yaml: ${ns}:roles[4].trust.roles[1]: must reference a role as <environment>/role/<RoleName> or be an exact role ARN arn:<partition>:iam::<account>:role/<name> (no wildcards) (got "arn:aws:iam::111111111111:role/*")`,
        ]);
        const callerOnly = configProblems({ dev: (c) => (roleOf(c, "CiBuild").assume = ["prod/role/ReleaseDeploy"]) });
        assert.deepEqual(callerOnly, [
            `Pulumi.dev.yaml: ${ns}:roles[1].assume[0]: role 'ReleaseDeploy' in Pulumi.prod.yaml does not list dev/role/CiBuild in its trust.roles`,
        ]);
    });

    it("rejects vendors that differ between stack files", () => {
        const problems = configProblems({ test: (c) => (c[`${ns}:organization`].vendors = { auditvendor: "777788889998" }) });
        assert.deepEqual(problems, [
            `Pulumi.test.yaml: ${ns}:organization.vendors: differs from the other stack files; every stack must list the same vendors`,
        ]);
    });
});
