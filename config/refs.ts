// References between stack files (`prod/role/UpdateApp`, `prod/bucket/productionapp/releases/*`), parsed once
// at the edge by the schema's zod transforms into a typed union; nothing downstream re-parses the text.
import { z } from "zod";

/** `<env>/role/<Name>`: a role defined in that environment's stack file. */
export const ROLE_REF = /^([a-z][a-z0-9-]*)\/role\/([\w+=,.@-]+)$/;
/** `<env>/bucket/<key>`, optionally followed by `/<object key or prefix pattern>`. */
export const BUCKET_REF = /^([a-z][a-z0-9-]*)\/bucket\/([a-z0-9][a-z0-9.-]*)(?:\/(.*))?$/;
/** `<env>/group/<Name>` and `<env>/user/<Name>`: identities in that environment's account. */
export const IDENTITY_REF = /^([a-z][a-z0-9-]*)\/(group|user)\/([\w+=,.@-]+)$/;
/** `<env>/function/<name>`: a Lambda function of that environment's crossaccount:functions. */
export const FUNCTION_REF = /^([a-z][a-z0-9-]*)\/function\/([A-Za-z0-9_-]{1,64})$/;
/** `<env>/repository/<name>`: an ECR repository of that environment's crossaccount:repositories. */
export const REPOSITORY_REF = /^([a-z][a-z0-9-]*)\/repository\/([a-z0-9][a-z0-9._/-]*)$/;
/** `<env>/snapshot/<key>`: a DB snapshot that environment shares (crossaccount:snapshots). */
export const SNAPSHOT_REF = /^([a-z][a-z0-9-]*)\/snapshot\/([A-Za-z][A-Za-z0-9-]*)$/;
/** `<env>/key/<alias>`: a KMS key that environment creates, by its alias without `alias/` (crossaccount-audit). */
export const KEY_REF = /^([a-z][a-z0-9-]*)\/key\/([A-Za-z0-9/_-]+)$/;
/**
 * `<env>/sso/<PermissionSet>`: a session of an IAM Identity Center permission set as provisioned in that
 * environment's account. A permission set is defined once for the organization, but each session is a role
 * of one account, and trusts name accounts: the environment says which one.
 */
export const SSO_REF = /^([a-z][a-z0-9-]*)\/sso\/([^/]+)$/;
/** `vendor/<name>`: the account root of a third party in crossaccount:organization.vendors. */
export const VENDOR_REF = /^vendor\/([a-z][a-z0-9-]*)$/;
/** `github:<sub>` / `gitlab:<sub>`: a CI job whose OIDC token carries that `sub` claim (`github:repo:acme/app:ref:refs/heads/main`). */
export const WEB_IDENTITY_REF = /^(github|gitlab):(.+)$/;
/** An exact role ARN, no wildcard (a CI chain's trusted role outside the stack files). */
const EXACT_ROLE_ARN = /^arn:[a-z-]+:iam::\d{12}:role\/(?:[\x21-\x7E]+\/)?[\w+=,.@-]+$/;

export interface RoleRef {
    kind: "role";
    env: string;
    name: string;
}
/** `<env>/bucket/<key>`: the bucket itself (or, where objects are meant, every object). */
export interface BucketRef {
    kind: "bucket";
    env: string;
    bucket: string;
}
/** `<env>/bucket/<key>/<pattern>`: the objects matching the pattern. */
export interface ObjectsRef {
    kind: "objects";
    env: string;
    bucket: string;
    pattern: string;
}
export interface IdentityRef {
    kind: "group" | "user";
    env: string;
    name: string;
}
export interface FunctionRef {
    kind: "function";
    env: string;
    name: string;
}
export interface RepositoryRef {
    kind: "repository";
    env: string;
    name: string;
}
export interface SnapshotRef {
    kind: "snapshot";
    env: string;
    key: string;
}
export interface KeyRef {
    kind: "key";
    env: string;
    alias: string;
}
export interface SsoRef {
    kind: "sso";
    env: string;
    name: string;
}
export interface VendorRef {
    kind: "vendor";
    name: string;
}
export interface WebIdentityRef {
    kind: "web-identity";
    provider: "github" | "gitlab";
    sub: string;
}
/** A raw ARN where an access expectation may also name a reference. */
export interface ArnTarget {
    kind: "arn";
    arn: string;
}
export type Reference =
    | RoleRef
    | BucketRef
    | ObjectsRef
    | IdentityRef
    | FunctionRef
    | RepositoryRef
    | SnapshotRef
    | KeyRef
    | SsoRef
    | VendorRef
    | WebIdentityRef;
export type Target = Reference | ArnTarget;
/** A role a trust names: one of the stack files' (`dev/role/Pipeline`), or an exact role ARN. */
export type TrustedRole = RoleRef | ArnTarget;

/** A parser of one reference form: the pattern's groups become the typed reference. */
function referenceParser<T>(pattern: RegExp, build: (groups: string[]) => T): (text: string) => T | undefined {
    return (text) => {
        const match = pattern.exec(text);
        return match ? build(match) : undefined;
    };
}

export const parseRoleRef = referenceParser(ROLE_REF, ([, env, name]): RoleRef => ({ kind: "role", env, name }));
export const parseBucketRef = referenceParser(BUCKET_REF, ([, env, bucket, pattern]): BucketRef | ObjectsRef =>
    pattern === undefined ? { kind: "bucket", env, bucket } : { kind: "objects", env, bucket, pattern },
);
export const parseIdentityRef = referenceParser(IDENTITY_REF, ([, env, kind, name]): IdentityRef => ({
    kind: kind as IdentityRef["kind"],
    env,
    name,
}));
export const parseFunctionRef = referenceParser(FUNCTION_REF, ([, env, name]): FunctionRef => ({ kind: "function", env, name }));
export const parseRepositoryRef = referenceParser(REPOSITORY_REF, ([, env, name]): RepositoryRef => ({ kind: "repository", env, name }));
export const parseSnapshotRef = referenceParser(SNAPSHOT_REF, ([, env, key]): SnapshotRef => ({ kind: "snapshot", env, key }));
export const parseKeyRef = referenceParser(KEY_REF, ([, env, alias]): KeyRef => ({ kind: "key", env, alias }));
export const parseSsoRef = referenceParser(SSO_REF, ([, env, name]): SsoRef => ({ kind: "sso", env, name }));
export const parseVendorRef = referenceParser(VENDOR_REF, ([, name]): VendorRef => ({ kind: "vendor", name }));
export const parseWebIdentityRef = referenceParser(WEB_IDENTITY_REF, ([, provider, sub]): WebIdentityRef => ({
    kind: "web-identity",
    provider: provider as WebIdentityRef["provider"],
    sub,
}));

export function parseTrustedRole(text: string): TrustedRole | undefined {
    return text.startsWith("arn:") ? (EXACT_ROLE_ARN.test(text) ? { kind: "arn", arn: text } : undefined) : parseRoleRef(text);
}

const REFERENCE_PARSERS = [
    parseRoleRef,
    parseBucketRef,
    parseFunctionRef,
    parseRepositoryRef,
    parseSnapshotRef,
    parseKeyRef,
    parseIdentityRef,
    parseSsoRef,
    parseVendorRef,
    parseWebIdentityRef,
];

/** A raw ARN or any reference; undefined when the text is neither. */
export function parseTarget(text: string): Target | undefined {
    if (text.startsWith("arn:")) return { kind: "arn", arn: text };
    for (const parse of REFERENCE_PARSERS) {
        const ref = parse(text);
        if (ref) return ref;
    }
    return undefined;
}

/** The environment a reference names, if it names one (raw ARNs, vendors and CI tokens name none). */
export function environmentOf(ref: Target): string | undefined {
    return "env" in ref ? ref.env : undefined;
}

/** The reference as a stack file spells it (the parse is exact, so this round-trips). */
export function refText(ref: Target): string {
    switch (ref.kind) {
        case "arn":
            return ref.arn;
        case "objects":
            return `${ref.env}/bucket/${ref.bucket}/${ref.pattern}`;
        case "bucket":
            return `${ref.env}/bucket/${ref.bucket}`;
        case "snapshot":
            return `${ref.env}/snapshot/${ref.key}`;
        case "key":
            return `${ref.env}/key/${ref.alias}`;
        case "vendor":
            return `vendor/${ref.name}`;
        case "web-identity":
            return `${ref.provider}:${ref.sub}`;
        default:
            return `${ref.env}/${ref.kind}/${ref.name}`;
    }
}

/** A zod string parsed into a reference; `message` (the problem, without the value) when it is not one. */
export function referenceSchema<T>(parse: (text: string) => T | undefined, message: string) {
    return z.string().transform((text, context): T => {
        const ref = parse(text);
        if (ref === undefined) {
            context.addIssue({ code: "custom", message });
            return z.NEVER;
        }
        return ref;
    });
}
