// Rules for federated trusts: web identity (OIDC: GitHub Actions, GitLab CI, Cognito, ...) and SAML. No MFA
// reaches AWS through them (the identity provider enforces it), so what narrows them is the token's claims.
import { at } from "./lib/documents";
import {
    AWS_WEB_IDENTITY_PROVIDERS,
    Statement,
    federatedHost,
    isAllow,
    isSamlProvider,
    narrowedBy,
    narrowingValueSets,
    narrowsIdentifier,
    oidcProviderOf,
    pinnedRepository,
} from "./lib/iam";
import { documentRule } from "./lib/rule-kit";

/** Federated principals an Allow statement names. */
function federatedPrincipals(statement: Statement): string[] {
    return isAllow(statement) ? (statement.principal?.byType.Federated.values ?? []) : [];
}

/** What a trust of one federated principal fails to pin, as messages. */
function federatedFindings(statement: Statement, federated: string, location: string): string[] {
    const where = `${location}: federated principal "${federated}"`;
    if (isSamlProvider(federated)) {
        // The SAML:aud the console's SAML trusts use: the assertion must be meant for AWS sign-in.
        return narrowedBy(statement, "SAML:aud", narrowsIdentifier)
            ? []
            : [`${where} is not pinned to an audience. Fix: add "StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}.`];
    }
    const host = federatedHost(federated);
    if (!host) return [];
    if (AWS_WEB_IDENTITY_PROVIDERS.includes(host)) {
        // Their claims differ (app_id, amr, ...); any pinned claim of the provider narrows.
        const pinned = statement.conditions.some(
            (c) => c.keyLower.startsWith(`${host}:`) && narrowedBy(statement, c.key, narrowsIdentifier),
        );
        return pinned
            ? []
            : [`${where} pins none of its token's claims. Fix: add "StringEquals": {"${host}:aud": "<your application or pool id>"}.`];
    }
    const findings: string[] = [];
    if (!narrowedBy(statement, `${host}:aud`, narrowsIdentifier)) {
        const audience = oidcProviderOf(host)?.audience ?? "<client id>";
        findings.push(`${where} does not pin the token's audience. Fix: add "StringEquals": {"${host}:aud": "${audience}"}.`);
    }
    const spec = oidcProviderOf(host);
    const subs = narrowingValueSets(statement, `${host}:sub`);
    if (subs !== "unknown" && subs.length === 0) {
        findings.push(
            `${where} does not pin the token's subject, so every ${spec ? spec.repositoryNoun : "identity"} of the provider can assume the role. ` +
                `Fix: add "StringEquals": {"${host}:sub": "${spec?.subExample ?? "<subject>"}"}.`,
        );
    } else if (subs !== "unknown" && spec && !subs.some((values) => values.every((sub) => pinnedRepository(spec, sub)))) {
        const loose = subs.flat().filter((sub) => !pinnedRepository(spec, sub));
        findings.push(
            `${where} lets subjects ${loose.map((sub) => `"${sub}"`).join(", ")} assume the role: each must name one ${spec.repositoryNoun} ` +
                "without wildcards (a wildcard there admits other owners' repositories or forks). " +
                `Fix: spell out the ${spec.repositoryNoun}; wildcards may only follow it (e.g. a branch pattern).`,
        );
    }
    return findings;
}

export const trustFederatedConditions = documentRule({
    name: "iam-trust-federated-conditions",
    description:
        "A web-identity trust pins the token's audience (aud) and subject (sub); for GitHub Actions and GitLab the sub names " +
        "one owner/repository without wildcards. A SAML trust pins SAML:aud. requireMfa does not apply to them: the identity " +
        'provider enforces MFA. Checkov CKV_AWS_358; AWS IAM User Guide, "Configuring a role for GitHub OIDC identity provider".',
    documents: ["trust"],
    check: (located) =>
        located.document.statements.flatMap((statement) =>
            federatedPrincipals(statement).flatMap((federated) => federatedFindings(statement, federated, at(located, statement))),
        ),
});

export const trustUnknownFederatedProvider = documentRule({
    name: "iam-trust-unknown-federated-provider",
    description:
        "Advisory: a trust names a federated provider the pack does not know (neither SAML, nor GitHub Actions, GitLab, Cognito, " +
        "Google, Facebook or Login with Amazon), so it cannot tell whether the sub condition names one repository or identity. " +
        "Review its conditions by hand.",
    enforcementLevel: "advisory",
    documents: ["trust"],
    check: (located) =>
        located.document.statements.flatMap((statement) =>
            federatedPrincipals(statement)
                .filter((federated) => {
                    if (isSamlProvider(federated)) return false;
                    const host = federatedHost(federated);
                    return !host || (!oidcProviderOf(host) && !AWS_WEB_IDENTITY_PROVIDERS.includes(host));
                })
                .map(
                    (federated) =>
                        `${at(located, statement)}: federated principal "${federated}" is a provider the pack does not know; ` +
                        "its aud and sub conditions were checked for presence only. " +
                        "Fix: check that the sub condition names exactly the identities meant to assume the role.",
                ),
        ),
});
