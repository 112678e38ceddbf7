import { parseArn } from "./arn";

// Principal patterns shared by the pack, the analysis, the components and the config schema. The pack is
// loaded on its own by the Pulumi CLI, so the one copy lives here and everything else imports it.

/**
 * An AWS service principal: `<service>.amazonaws.com`, or `<service>.amazonaws.com.cn` in the aws-cn
 * partition (IAM User Guide, "AWS service principals").
 */
export const SERVICE_PRINCIPAL = /^[a-z0-9.-]+\.amazonaws\.com(\.cn)?$/;

export function isServicePrincipal(value: string): boolean {
    return SERVICE_PRINCIPAL.test(value);
}

export const ACCOUNT_ID = /^\d{12}$/;

/**
 * Who a principal entry (or an ARN in a condition such as aws:SourceArn) stands for:
 * - `account`: one AWS account, from a bare 12-digit id or the account field of an ARN;
 * - `any`: every account (`"*"`, or `*` as the ARN's account);
 * - `pattern`: some accounts, a wildcard in the ARN's account field ("11111111111?");
 * - `service` / `federated`: a service or identity-provider principal (see principalOf);
 * - `unknown`: not attributable to an account (a unique id such as AROA..., an AWS-managed ARN, an ARN
 *   without account such as an S3 bucket, a malformed account field).
 * The pack treats `any` as "*" and everything but `account` otherwise as unattributed; the analysis
 * treats everything but `account` as "any account" when it prunes edges (the simulator decides).
 */
export type PrincipalAccount =
    | { kind: "account"; id: string }
    | { kind: "any" }
    | { kind: "pattern"; pattern: string }
    | { kind: "service"; name: string }
    | { kind: "federated"; provider: string; account?: string }
    | { kind: "unknown" };

/** The account an AWS principal or an ARN belongs to. */
export function principalAccount(principalOrArn: string): PrincipalAccount {
    if (ACCOUNT_ID.test(principalOrArn)) return { kind: "account", id: principalOrArn };
    if (principalOrArn === "*") return { kind: "any" };
    const arn = parseArn(principalOrArn);
    if (!arn || !arn.service) return { kind: "unknown" };
    if (arn.account === "*") return { kind: "any" };
    if (ACCOUNT_ID.test(arn.account)) return { kind: "account", id: arn.account };
    if (/[*?]/.test(arn.account)) return { kind: "pattern", pattern: arn.account };
    return { kind: "unknown" };
}

/** A typed principal entry: `{"Service": ...}`, `{"Federated": ...}` or `{"AWS": ...}`. */
export function principalOf(type: "AWS" | "Service" | "Federated" | "CanonicalUser", value: string): PrincipalAccount {
    if (type === "Service") return { kind: "service", name: value };
    if (type === "Federated") {
        const owner = principalAccount(value);
        return { kind: "federated", provider: value, ...(owner.kind === "account" ? { account: owner.id } : {}) };
    }
    return type === "AWS" ? principalAccount(value) : { kind: "unknown" };
}

/** The account id, if the principal names exactly one account. */
export function accountId(account: PrincipalAccount): string | undefined {
    return account.kind === "account" ? account.id : account.kind === "federated" ? account.account : undefined;
}
