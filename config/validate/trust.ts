// Cross-checks of one role's trust: who it names (accounts, roles and CI chains, vendors, Identity Center,
// OIDC) and the settings that belong to one of them (an external ID to vendors, session options to people
// and CI, narrowing to the accounts it narrows).
import { RoleSettings } from "../schema";
import { trustedRoleAccountOf } from "../references";
import { refText } from "../refs";
import { ValidationContext } from "./helpers";

export function validateTrust({ organization, ns, problem, helpers }: ValidationContext, role: RoleSettings, where: string): void {
    const t = role.trust;
    const at = `${where}.trust`;
    t.accounts.forEach((account, j) => helpers.checkAccount(`${at}.accounts[${j}]`, account));
    t.roles.forEach((ref, j) => helpers.checkTrustedRole(`${at}.roles[${j}]`, ref));
    t.principalArns.forEach((arn, j) => {
        const account = /^arn:[\w-]+:(?:iam|sts)::(\d{12}):/.exec(arn)?.[1];
        if (!account) problem(`${at}.principalArns[${j}]`, `must be an IAM or STS principal ARN (got "${arn}")`);
        else helpers.checkAccount(`${at}.principalArns[${j}]`, account);
    });
    t.vendors.forEach((name, j) => {
        if (organization.vendors[name] === undefined) {
            problem(`${at}.vendors[${j}]`, `vendor '${name}' is not in ${ns}:organization.vendors`);
        }
    });
    t.identityCenter?.accounts.forEach((account, j) => helpers.checkAccount(`${at}.identityCenter.accounts[${j}]`, account));
    // One trust statement for accounts, roles and principal ARNs: aws:PrincipalArn narrowing applies to every account in it.
    const narrowedAccounts = new Set([
        ...t.roles
            .filter((ref) => ref.kind === "arn" || organization.environments[ref.env])
            .map((ref) => trustedRoleAccountOf(organization, ref)),
        ...t.principalArns.map((arn) => arn.split(":")[4]),
    ]);
    if (narrowedAccounts.size > 0) {
        t.accounts.forEach((account, j) => {
            const id = helpers.accountIdOfSetting(account);
            if (id && !narrowedAccounts.has(id)) {
                problem(
                    `${at}.accounts[${j}]`,
                    `account '${account}' would be narrowed to nothing by trust.roles/principalArns; name its principals there instead`,
                );
            }
        });
    }
    const orgPrincipals = t.accounts.length + t.roles.length;
    const peopleOrCi = orgPrincipals + t.vendors.length + t.github.length + t.gitlab.length + (t.identityCenter ? 1 : 0);
    if (peopleOrCi + t.services.length === 0) {
        problem(
            at,
            "must trust at least one account, role, vendor, identityCenter permission set, github or gitlab repository, or service",
        );
    }
    // An external ID is the third party's confused-deputy guard; the organization's own accounts are narrowed by roles or MFA instead.
    if (t.externalId !== undefined) {
        const own = [...t.accounts, ...t.roles.map((ref) => refText(ref))];
        if (own.length > 0) {
            problem(
                `${at}.externalId`,
                `'${own[0]}' is not configured as a vendor (${ns}:organization.vendors): external IDs are for third parties; trust the organization's accounts through roles, principalArns or MFA`,
            );
        } else if (t.vendors.length === 0) {
            problem(`${at}.externalId`, "needs trust.vendors: the vendor accounts that must present it");
        }
    } else if (t.vendors.length > 0) {
        problem(`${at}.vendors`, "a vendor trust needs trust.externalId (set it with pulumi config set --secret)");
    }
    if (t.vendors.length > 0 && orgPrincipals > 0) {
        problem(
            `${at}.vendors`,
            "a vendor shares the trust statement, and so the external ID, with trust.accounts/roles; give the vendor its own role",
        );
    }
    const session = t.session;
    if (session) {
        if (peopleOrCi === 0) {
            problem(
                `${at}.session`,
                "session options belong to a trust of accounts, roles, vendors, identityCenter or github/gitlab; this trust names only services",
            );
        }
        if (session.sourceIdentity.length > 0 && !session.setSourceIdentity) {
            problem(
                `${at}.session.sourceIdentity`,
                "needs session.setSourceIdentity: true (a source identity can only be required where it may be set)",
            );
        }
        if (!session.tagSession && !session.setSourceIdentity) {
            problem(`${at}.session`, "enables nothing: set tagSession or setSourceIdentity");
        }
    }
    if (t.requireOrganization && !organization.orgId) {
        problem(`${at}.requireOrganization`, `needs ${ns}:organization.orgId`);
    }
    if (t.notBefore && t.notAfter && t.notBefore >= t.notAfter) {
        problem(`${at}.notAfter`, "must be later than notBefore");
    }
}
