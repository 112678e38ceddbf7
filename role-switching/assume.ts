// The assume-role helper: checks the request against the plan before any call (the role exists, the
// duration fits, MFA and the external ID are there when the trust asks for them, and with a principal,
// that the analysis lets it in), then calls STS AssumeRole with the AWS SDK v3.
import { AssumeRoleCommand, STSClient, type AssumeRoleCommandInput, type STSClientConfig } from "@aws-sdk/client-sts";
import { fromIni } from "@aws-sdk/credential-providers";
import { parseKnownFiles } from "@smithy/shared-ini-file-loader";
import { STS_LIMITS, STS_PATTERNS } from "../aws";
import { externalId as externalIdSchema } from "../config";
import type { RoleCatalog, SwitchableRole } from "./catalog";
import { badInput, denied } from "./errors";
import { parsePrincipal, type SwitchPrincipal } from "./principals";
import { directVerdict, reachableRoles, sessionNameFor } from "./reachable";
import { checkSessionName, fillSessionNamePattern, sanitizeSessionName } from "./session-name";

export function checkMfaSerial(serial: string, what: string): string {
    if (!STS_PATTERNS.serialNumber.test(serial))
        throw badInput(`${what} ${serial}: must be an MFA device ARN such as arn:aws:iam::111111111111:mfa/alice`);
    return serial;
}

export interface AssumeRequest {
    /** `<env>/<Role>`, `<env>/role/<Role>`, `<env>-<Role>` or a role ARN. */
    role: string;
    principal?: string;
    profile?: string;
    mfaSerial?: string;
    tokenCode?: string;
    durationSeconds?: number;
    sessionName?: string;
    externalId?: string;
}

/** A profile of ~/.aws/config (and ~/.aws/credentials), as the SDK parses it. */
export type ProfileData = Record<string, string | undefined>;

export interface AssumeDeps {
    catalog: RoleCatalog;
    /** STS client for the role's region; `credentials` undefined means the SDK's default provider chain. */
    stsClient?: (region: string, credentials?: AwsCredentialIdentityProvider) => STSClient;
    /** Credentials of a named profile (the SDK's fromIni, asking for MFA codes through readMfaCode). */
    profileCredentials?: (profile: string) => AwsCredentialIdentityProvider;
    /** The named profile's settings, undefined when no such profile. */
    readProfile?: (profile: string) => Promise<ProfileData | undefined>;
    /** Asks for the MFA code; undefined when there is no terminal to ask at. */
    readMfaCode?: (question: string) => Promise<string>;
    /** The local user's name, the default session name without --principal. */
    localUser?: string;
}

type AwsCredentialIdentityProvider = Exclude<NonNullable<STSClientConfig["credentials"]>, { accessKeyId: string }>;

export interface SessionCredentials {
    AccessKeyId: string;
    SecretAccessKey: string;
    SessionToken: string;
    Expiration?: Date;
}

export interface AssumedSession {
    role: SwitchableRole;
    request: AssumeRoleCommandInput;
    credentials: SessionCredentials;
}

export async function assumeRole(request: AssumeRequest, deps: AssumeDeps): Promise<AssumedSession> {
    const { catalog } = deps;
    const role = catalog.role(request.role, "role");
    if (request.sessionName !== undefined) checkSessionName(request.sessionName, "--session-name");
    if (request.mfaSerial !== undefined) checkMfaSerial(request.mfaSerial, "--mfa-serial");
    if (request.tokenCode !== undefined) checkTokenCode(request.tokenCode, "--token-code");
    if (request.externalId !== undefined && !externalIdSchema.safeParse(request.externalId).success) {
        throw badInput(
            "--external-id: must be 2-1,224 characters of letters, digits and + = , . @ : / _ - (value not shown: it is a secret)",
        );
    }
    const principal = request.principal === undefined ? undefined : parsePrincipal(catalog, request.principal, "--principal");
    const profile = request.profile === undefined ? undefined : await readNamedProfile(request.profile, deps);
    // Credentials that are themselves a role session (a role or Identity Center profile) chain roles.
    const chained = principal?.kind === "role" || principal?.kind === "sso" || (profile !== undefined && isRoleProfile(profile));
    const durationSeconds = checkDuration(role, request.durationSeconds, chained);
    const sessionName = request.sessionName ?? defaultSessionName(role, principal, deps.localUser);

    let needsMfa: boolean;
    let needsExternalId: boolean;
    if (principal) {
        const verdict = await directVerdict(catalog, principal, role, sessionName);
        if (!verdict.allowed) throw denied(await whyNot(catalog, principal, role, sessionName, verdict.result.explanation));
        needsMfa = verdict.mfa;
        needsExternalId = verdict.externalId;
    } else {
        needsMfa = await trustAsksForMfa(catalog, role, sessionName);
        needsExternalId = role.externalId !== undefined;
    }

    const serial = request.mfaSerial ?? (profile && !isRoleProfile(profile) ? profile.mfa_serial : undefined);
    if (needsMfa && chained) {
        throw denied(
            `${role.ref}: its trust requires MFA, and a role session (${request.profile ?? principal?.ref}) cannot present MFA when chaining roles`,
        );
    }
    if (needsMfa && serial === undefined) {
        throw badInput(`--mfa-serial: the trust of ${role.ref} requires MFA; give your MFA device's ARN (or a --profile with mfa_serial)`);
    }
    if (needsExternalId && request.externalId === undefined) {
        throw badInput(`--external-id: the trust of ${role.ref} requires an external ID; ask the role's owner for it`);
    }
    const input: AssumeRoleCommandInput = { RoleArn: role.arn, RoleSessionName: sessionName, DurationSeconds: durationSeconds };
    if (serial !== undefined) {
        checkMfaSerial(serial, `mfa_serial of profile ${request.profile}`);
        input.SerialNumber = serial;
        input.TokenCode = request.tokenCode ?? (await askTokenCode(serial, deps));
    }
    if (request.externalId !== undefined) input.ExternalId = request.externalId;

    const credentials =
        request.profile === undefined ? undefined : (deps.profileCredentials ?? defaultProfileCredentials(deps))(request.profile);
    const client = (deps.stsClient ?? ((region, creds) => new STSClient({ region, credentials: creds })))(role.region, credentials);
    try {
        const out = await client.send(new AssumeRoleCommand(input));
        const c = out.Credentials;
        if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken) throw denied(`STS AssumeRole on ${role.arn} returned no credentials`);
        return {
            role,
            request: input,
            credentials: {
                AccessKeyId: c.AccessKeyId,
                SecretAccessKey: c.SecretAccessKey,
                SessionToken: c.SessionToken,
                Expiration: c.Expiration,
            },
        };
    } catch (error) {
        throw await stsFailure(error as Error, catalog, role, principal, sessionName, request.profile);
    }
}

/** Environment for a command run with the session: the role's credentials replace any profile. */
export function sessionEnvironment(base: NodeJS.ProcessEnv, session: AssumedSession): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { ...base };
    delete env.AWS_PROFILE;
    delete env.AWS_DEFAULT_PROFILE;
    return { ...env, ...sessionVariables(session) };
}

/** `export` lines for a POSIX shell (`eval "$(npm run -s assume -- prod/UpdateApp --print)"`). */
export function exportLines(session: AssumedSession): string {
    const quote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;
    const lines = Object.entries(sessionVariables(session)).map(([key, value]) => `export ${key}=${quote(value)}`);
    return `unset AWS_PROFILE AWS_DEFAULT_PROFILE\n${lines.join("\n")}\n`;
}

function sessionVariables(session: AssumedSession): Record<string, string> {
    const { credentials: c, role } = session;
    return {
        AWS_ACCESS_KEY_ID: c.AccessKeyId,
        AWS_SECRET_ACCESS_KEY: c.SecretAccessKey,
        AWS_SESSION_TOKEN: c.SessionToken,
        ...(c.Expiration ? { AWS_CREDENTIAL_EXPIRATION: c.Expiration.toISOString() } : {}),
        AWS_REGION: role.region,
        AWS_DEFAULT_REGION: role.region,
    };
}

function checkTokenCode(code: string, what: string): string {
    if (!STS_PATTERNS.tokenCode.test(code))
        throw badInput(`${what}: must be the 6 digits your MFA device shows (got ${code.length} character(s))`);
    return code;
}

function checkDuration(role: SwitchableRole, requested: number | undefined, chained: boolean): number {
    const max = chained ? Math.min(STS_LIMITS.chainedSessionSeconds, role.maxSessionSeconds) : role.maxSessionSeconds;
    // Without --duration, STS's own default: one hour.
    const seconds = requested ?? Math.min(STS_LIMITS.defaultMaxSessionSeconds, max);
    if (!Number.isInteger(seconds) || seconds < STS_LIMITS.minSessionSeconds) {
        throw badInput(`--duration ${requested}: must be a whole number of seconds, at least ${STS_LIMITS.minSessionSeconds}`);
    }
    if (seconds > max) {
        const why =
            chained && max < role.maxSessionSeconds ? "role chaining limits sessions to one hour" : `the role's maximum session duration`;
        throw badInput(`--duration ${seconds}: above ${max} seconds for ${role.ref} (${why})`);
    }
    return seconds;
}

function defaultSessionName(role: SwitchableRole, principal: SwitchPrincipal | undefined, localUser: string | undefined): string {
    if (principal) return sessionNameFor(principal, role);
    const base = sanitizeSessionName(localUser ?? "crossaccount");
    return role.sessionNamePattern ? fillSessionNamePattern(role.sessionNamePattern, base) : base;
}

function isRoleProfile(profile: ProfileData): boolean {
    return (
        profile.role_arn !== undefined ||
        profile.sso_session !== undefined ||
        profile.sso_start_url !== undefined ||
        profile.sso_account_id !== undefined
    );
}

async function readNamedProfile(name: string, deps: AssumeDeps): Promise<ProfileData> {
    const read = deps.readProfile ?? defaultReadProfile;
    const profile = await read(name);
    if (!profile) throw badInput(`--profile ${name}: no such profile in the AWS config or credentials file`);
    return profile;
}

/** The profile as the SDK reads it: ~/.aws/config and ~/.aws/credentials (or AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE). */
async function defaultReadProfile(name: string): Promise<ProfileData | undefined> {
    return (await parseKnownFiles({ profile: name }))[name];
}

function defaultProfileCredentials(deps: AssumeDeps): (profile: string) => AwsCredentialIdentityProvider {
    return (profile) => fromIni({ profile, mfaCodeProvider: (serial) => askTokenCode(serial, deps) });
}

async function askTokenCode(serial: string, deps: AssumeDeps): Promise<string> {
    if (!deps.readMfaCode) throw badInput(`--token-code: MFA is needed for ${serial} and there is no terminal to ask at`);
    return checkTokenCode((await deps.readMfaCode(`MFA code for ${serial}: `)).trim(), "MFA code");
}

/**
 * Whether the role's trust admits the principals it trusts only with MFA: the analysis, asked about each
 * account root of the organization (their identity side allows everything), lets some in with MFA and
 * none without.
 */
async function trustAsksForMfa(catalog: RoleCatalog, role: SwitchableRole, sessionName: string): Promise<boolean> {
    let withMfa = false;
    const externalId = role.externalId;
    for (const accountId of new Set(Object.values(catalog.organization.environments).map((e) => e.accountId))) {
        const root = `arn:${catalog.partition}:iam::${accountId}:root`;
        if ((await catalog.evaluate(root, role, { sessionName, externalId })).result === "Allowed") return false;
        if (!withMfa)
            withMfa = (await catalog.evaluate(root, role, { sessionName, externalId, mfa: true, mfaAgeSeconds: 0 })).result === "Allowed";
    }
    return withMfa;
}

/** The analysis' reason, and the profile to go through when the role is only reachable by chaining. */
async function whyNot(
    catalog: RoleCatalog,
    principal: SwitchPrincipal,
    role: SwitchableRole,
    sessionName: string,
    explanation: string,
): Promise<string> {
    const reach = await reachableRoles(catalog, principal, { sessionName });
    const route = reach.routes.find((r) => r.role.arn === role.arn);
    const via = route?.sourceProfile
        ? `; it is reachable by role chaining: use --profile ${route.sourceProfile} (npm run profiles -- --principal ${principal.ref})`
        : "";
    return `${principal.ref} may not assume ${role.ref} according to the offline analysis (no STS call made): ${explanation}${via}`;
}

async function stsFailure(
    error: Error,
    catalog: RoleCatalog,
    role: SwitchableRole,
    principal: SwitchPrincipal | undefined,
    sessionName: string,
    profile: string | undefined,
): Promise<Error> {
    if (error.name === "SwitchError") return error;
    if (error.name === "CredentialsProviderError") {
        const from =
            profile === undefined
                ? "the default provider chain (environment, AWS_PROFILE, ~/.aws, SSO, container, instance)"
                : `profile ${profile}`;
        return badInput(`no AWS credentials from ${from}: ${error.message.split("\n")[0]}`);
    }
    const code = (error as { Code?: string }).Code ?? error.name;
    if (code === "AccessDenied" || code === "AccessDeniedException") {
        let why = ` Pass --principal <ref> to compare with the offline analysis.`;
        if (principal) {
            const verdict = await directVerdict(catalog, principal, role, sessionName);
            why = verdict.allowed
                ? ` The offline analysis allows ${principal.ref} (${verdict.result.explanation}): the denial comes from what the plan does not model (SCPs, the deployed state, other credentials than ${principal.ref}'s, a wrong MFA code).`
                : ` The offline analysis agrees: ${verdict.result.explanation}`;
        }
        return denied(`STS denied AssumeRole on ${role.arn}: ${error.message}.${why}`);
    }
    return denied(`STS AssumeRole on ${role.arn} failed: ${code}: ${error.message}`);
}
