// Name and identifier rules AWS enforces (IAM, STS, CloudWatch Logs, S3), checked before anything is
// deployed so a bad name fails with a message instead of an API error halfway through an update.
import { IAM_LIMITS, LOG_RETENTION_DAYS } from "./limits";

const ACCOUNT_ID = /^\d{12}$/;
const IAM_NAME = /^[\w+=,.@-]+$/;
const IAM_PATH = /^\/(?:[\x21-\x7E]+\/)?$/;
// Sids in identity policies are limited to ASCII letters and digits; using the same rule for
// resource policies keeps statements portable between the two.
const SID = /^[A-Za-z0-9]+$/;

export function assertAccountId(accountId: string, what = "account ID"): void {
    if (!ACCOUNT_ID.test(accountId)) {
        throw new Error(`Invalid ${what} "${accountId}": must be 12 digits`);
    }
}

export function assertValidSid(sid: string): void {
    if (!SID.test(sid)) {
        throw new Error(`Invalid statement Sid "${sid}": only ASCII letters and digits are allowed`);
    }
}

/** IAM names (roles, policies, users, groups): `[\w+=,.@-]`, 1 to `maxLength` characters. */
export function assertIamName(value: string, what: string, maxLength: number): void {
    if (value.length < 1 || value.length > maxLength || !IAM_NAME.test(value)) {
        throw new Error(`Invalid ${what} "${value}": must be 1-${maxLength} characters of letters, digits and + = , . @ _ -`);
    }
}

export function assertIamPath(path: string): void {
    if (path.length > IAM_LIMITS.path || !IAM_PATH.test(path)) {
        throw new Error(`Invalid IAM path "${path}": must start and end with "/" (for example /crossaccount/), at most 512 characters`);
    }
}

export function assertLogRetention(days: number, what: string): void {
    if (!(LOG_RETENTION_DAYS as readonly number[]).includes(days)) {
        throw new Error(`Invalid retention of ${days} days for ${what}: CloudWatch Logs accepts ${LOG_RETENTION_DAYS.join(", ")}`);
    }
}

// S3 bucket naming rules (Amazon S3 User Guide, "General purpose bucket naming rules").
const BUCKET_NAME_CHARACTERS = /^[a-z0-9.-]+$/;
const IP_ADDRESS_SHAPE = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;
const RESERVED_PREFIXES = ["xn--", "sthree-", "amzn-s3-demo-"];
const RESERVED_SUFFIXES = ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"];

/** Every S3 naming rule the name breaks (empty when valid). */
export function bucketNameProblems(name: string): string[] {
    const problems: string[] = [];
    if (name.length < 3 || name.length > 63) problems.push(`must be 3-63 characters long (it has ${name.length})`);
    if (!BUCKET_NAME_CHARACTERS.test(name)) problems.push("may only contain lowercase letters, digits, '.' and '-'");
    if (!/^[a-z0-9]/.test(name) || !/[a-z0-9]$/.test(name)) problems.push("must start and end with a letter or digit");
    if (name.includes("..")) problems.push("must not contain '..'");
    if (IP_ADDRESS_SHAPE.test(name)) problems.push("must not be formatted as an IP address");
    for (const prefix of RESERVED_PREFIXES) {
        if (name.startsWith(prefix)) problems.push(`must not start with the reserved prefix '${prefix}'`);
    }
    for (const suffix of RESERVED_SUFFIXES) {
        if (name.endsWith(suffix)) problems.push(`must not end with the reserved suffix '${suffix}'`);
    }
    return problems;
}

export function assertValidBucketName(name: string): void {
    const problems = bucketNameProblems(name);
    if (problems.length > 0) {
        throw new Error(`Invalid S3 bucket name "${name}": ${problems.join("; ")}`);
    }
}

/** STS AssumeRole parameters (STS API reference, AssumeRole): RoleSessionName, SerialNumber, TokenCode. */
export const STS_PATTERNS = {
    roleSessionName: /^[\w+=,.@-]{2,64}$/,
    serialNumber: /^[\w+=/:,.@-]{9,256}$/,
    tokenCode: /^\d{6}$/,
} as const;

/** IAM Identity Center permission set names: 1-32 characters of [\w+=,.@-] (CreatePermissionSet API reference). */
export const PERMISSION_SET_NAME = /^[\w+=,.@-]{1,32}$/;
