// Federated and reserved principals people and CI use: OIDC providers (GitHub Actions, GitLab), IAM
// Identity Center's provisioned roles, and what makes an aws:PrincipalArn / org condition actually narrow.
// The pack is loaded on its own by the Pulumi CLI, so the one copy lives here; components, config and the
// analysis import it (through aws/ where they build documents).
import { parseArn } from "./arn";
import { hasWildcard } from "./glob";

/**
 * An OIDC identity provider the project knows: the token's issuer host (the provider's URL without
 * https://, which is also the prefix of its condition keys), the audience AWS expects, and how the `sub`
 * claim names the repository or project (which must never be a wildcard).
 */
export interface OidcProviderSpec {
    /** `token.actions.githubusercontent.com`: provider ARN `oidc-provider/<host>`, keys `<host>:aud` / `<host>:sub`. */
    host: string;
    /** The `aud` claim the trust pins (GitHub: sts.amazonaws.com for aws-actions/configure-aws-credentials). */
    audience: string;
    /**
     * The `sub` claim's prefix that names the repository: `repo:<owner>/<repo>:` (GitHub),
     * `project_path:<group>/<project>:` (GitLab). Group 1 is the repository or project path.
     */
    subRepository: RegExp;
    /** What the repository is called in messages. */
    repositoryNoun: string;
    /** A `sub` value for messages. */
    subExample: string;
}

/** GitHub's OIDC documentation ("Configuring OpenID Connect in Amazon Web Services"); GitLab's "OpenID Connect in AWS". */
export const OIDC_PROVIDERS = {
    github: {
        host: "token.actions.githubusercontent.com",
        audience: "sts.amazonaws.com",
        subRepository: /^repo:([^:]*):/,
        repositoryNoun: "owner/repository",
        subExample: "repo:<owner>/<repository>:ref:refs/heads/main",
    },
    gitlab: {
        host: "gitlab.com",
        audience: "https://gitlab.com",
        subRepository: /^project_path:([^:]*):/,
        repositoryNoun: "group/project",
        subExample: "project_path:<group>/<project>:ref_type:branch:ref:main",
    },
} as const satisfies Record<string, OidcProviderSpec>;

export type OidcProviderName = keyof typeof OIDC_PROVIDERS;

/**
 * Web-identity providers AWS itself federates (IAM User Guide, "Available keys for AWS web identity
 * federation"): the pack knows their `aud` key but not a `sub` shape, so it only asks that `aud` is pinned.
 */
export const AWS_WEB_IDENTITY_PROVIDERS = ["cognito-identity.amazonaws.com", "accounts.google.com", "graph.facebook.com", "www.amazon.com"];

/** `arn:<partition>:iam::<account>:oidc-provider/<host>`. */
export function oidcProviderArn(accountId: string, host: string, partition = "aws"): string {
    return `arn:${partition}:iam::${accountId}:oidc-provider/${host}`;
}

/** The host a Federated principal names: an `oidc-provider/<host>` ARN, or a bare host (accounts.google.com). */
export function federatedHost(federated: string): string | undefined {
    const arn = parseArn(federated);
    if (!arn) return /^[a-z0-9.-]+(\/[\w./-]*)?$/i.test(federated) ? federated.toLowerCase() : undefined;
    return arn.service === "iam" && arn.resource.startsWith("oidc-provider/")
        ? arn.resource.slice("oidc-provider/".length).toLowerCase()
        : undefined;
}

export function isSamlProvider(federated: string): boolean {
    const arn = parseArn(federated);
    return !!arn && arn.service === "iam" && arn.resource.startsWith("saml-provider/");
}

/** The `sub` values of a GitHub Actions trust: `repo:<owner>/<repo>:ref:refs/heads/<branch>`, `…:environment:<name>`, `…:ref:refs/tags/<tag>`. */
export function githubSubjects(repository: string, refs: { branches: string[]; environments: string[]; tags: string[] }): string[] {
    return [
        ...refs.branches.map((branch) => `repo:${repository}:ref:refs/heads/${branch}`),
        ...refs.environments.map((environment) => `repo:${repository}:environment:${environment}`),
        ...refs.tags.map((tag) => `repo:${repository}:ref:refs/tags/${tag}`),
    ];
}

/** The `sub` values of a GitLab CI trust: `project_path:<group>/<project>:ref_type:branch|tag:ref:<name>`. */
export function gitlabSubjects(project: string, refs: { branches: string[]; tags: string[] }): string[] {
    return [
        ...refs.branches.map((branch) => `project_path:${project}:ref_type:branch:ref:${branch}`),
        ...refs.tags.map((tag) => `project_path:${project}:ref_type:tag:ref:${tag}`),
    ];
}

/** The name of the known OIDC provider of a host (github, gitlab), if any. */
export function oidcProviderNameOf(host: string): OidcProviderName | undefined {
    return (Object.keys(OIDC_PROVIDERS) as OidcProviderName[]).find((name) => OIDC_PROVIDERS[name].host === host);
}

/** The known OIDC provider of a host, if any. */
export function oidcProviderOf(host: string): OidcProviderSpec | undefined {
    const name = oidcProviderNameOf(host);
    return name && OIDC_PROVIDERS[name];
}

/**
 * The repository or project a `sub` value names, when it names one exactly: `repo:acme/app:ref:...` →
 * `acme/app`; undefined when the prefix is missing or the owner or repository holds a wildcard.
 */
export function pinnedRepository(spec: OidcProviderSpec, sub: string): string | undefined {
    const path = spec.subRepository.exec(sub)?.[1];
    if (!path || hasWildcard(path)) return undefined;
    const parts = path.split("/");
    return parts.length >= 2 && parts.every((part) => part !== "") ? path : undefined;
}

// ---------------------------------------------------------------------------------------------
// IAM Identity Center.

/** Permission-set names: 1-32 characters of [\w+=,.@-] (IAM Identity Center API reference, CreatePermissionSet). */
export const PERMISSION_SET_NAME = /^[\w+=,.@-]{1,32}$/;

/** Where Identity Center puts the roles it provisions (IAM Identity Center User Guide, "Referencing permission sets"). */
const IDENTITY_CENTER_ROLE_PATH = "/aws-reserved/sso.amazonaws.com/";

/**
 * aws:PrincipalArn patterns (ArnLike) matching the role Identity Center provisions for `permissionSet` in
 * `accountId`: `AWSReservedSSO_<PermissionSet>_<unique suffix>`, directly under
 * `/aws-reserved/sso.amazonaws.com/` (identity source in us-east-1) or under a region segment
 * (`/aws-reserved/sso.amazonaws.com/eu-west-2/`, every other region). Two patterns rather than one
 * `…/*AWSReservedSSO_…`: the region may only be one whole path segment. The suffix changes whenever the
 * permission set is reprovisioned, hence the trailing `*`; only Identity Center can create roles under
 * `/aws-reserved/`, so nothing else can match. One caveat of the trailing `*`: a permission set named
 * `<PermissionSet>_<more>` matches too (AWS documents no fixed suffix length to pin it with `?`).
 */
export function identityCenterRolePatterns(accountId: string, permissionSet: string, partition = "aws"): string[] {
    const base = `arn:${partition}:iam::${accountId}:role${IDENTITY_CENTER_ROLE_PATH}`;
    const name = `AWSReservedSSO_${permissionSet}_*`;
    return [`${base}${name}`, `${base}*/${name}`];
}

/**
 * The ARN of the role Identity Center provisions for `permissionSet` (the analysis plays a session of it):
 * the suffix is a stand-in; no region segment when the identity source is in us-east-1, as AWS documents.
 */
export function identityCenterRoleArn(accountId: string, permissionSet: string, homeRegion = "us-east-1", partition = "aws"): string {
    const region = homeRegion === "us-east-1" ? "" : `${homeRegion}/`;
    return `arn:${partition}:iam::${accountId}:role${IDENTITY_CENTER_ROLE_PATH}${region}AWSReservedSSO_${permissionSet}_0123456789abcdef`;
}

const IDENTITY_CENTER_PATTERN =
    /^arn:[\w-]+:iam::\d{12}:role\/aws-reserved\/sso\.amazonaws\.com\/(?:\*\/)?AWSReservedSSO_([\w+=,.@-]+)_\*$/;

/** The one pattern an edge shows for both of a permission set's patterns: the form without the region segment. */
export function canonicalIdentityCenterPattern(pattern: string): string {
    return identityCenterPermissionSet(pattern) ? pattern.replace(`${IDENTITY_CENTER_ROLE_PATH}*/`, IDENTITY_CENTER_ROLE_PATH) : pattern;
}

/** The permission set an aws:PrincipalArn pattern is the Identity Center form for, if it is exactly that form. */
export function identityCenterPermissionSet(pattern: string): string | undefined {
    return IDENTITY_CENTER_PATTERN.exec(pattern)?.[1];
}

// ---------------------------------------------------------------------------------------------
// What narrows.

/**
 * Whether an aws:PrincipalArn value narrows a trust to specific principals of one account: the account
 * is spelled out and what follows the type is not wildcards alone (`role/*`, `*`). A wildcard over the
 * account (`arn:aws:iam::*:role/ci`) or over every role does not narrow; a name or path prefix
 * (`role/ci-*`, `role/readers/*`) and the Identity Center form do.
 */
export function narrowsPrincipalArn(value: string): boolean {
    const arn = parseArn(value);
    if (!arn || !/^\d{12}$/.test(arn.account)) return false;
    if (arn.resource === "root") return true;
    // What follows role/ (or user/): a path prefix (`role/readers/*`) or a name prefix narrows, wildcards alone do not.
    const rest = arn.resource.slice(arn.resource.indexOf("/") + 1);
    return arn.resource.includes("/") && rest.replace(/[*?/]/g, "") !== "";
}

/** An exact role ARN (no wildcard): a trust narrowed to it is a role chain. */
export function isExactRoleArn(value: string): boolean {
    const arn = parseArn(value);
    return !!arn && arn.service === "iam" && /^\d{12}$/.test(arn.account) && arn.resource.startsWith("role/") && !hasWildcard(value);
}

/** aws:PrincipalOrgID / aws:PrincipalAccount values narrow only without wildcards (`o-*` is every organization). */
export function narrowsIdentifier(value: string): boolean {
    return value !== "" && !hasWildcard(value);
}
