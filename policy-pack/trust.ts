// Rules for role trust policies (who may assume a role) and role session settings.
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { accountOf, allowedAccounts, awsPrincipals, formatAccounts, isCrossAccount, unattributedPrincipal } from "./lib/accounts";
import { AllowedAccountsConfig, allowedAccountsConfig } from "./lib/config";
import { allowFindings, allowsAllBut, at, oversize, quoted } from "./lib/documents";
import {
    Statement,
    grantsEveryone,
    identityCenterPermissionSet,
    isAllow,
    isExactRoleArn,
    narrowedBy,
    narrowsIdentifier,
    narrowsPrincipalArn,
    requiresMfa,
} from "./lib/iam";
import { trustFederatedConditions, trustUnknownFederatedProvider } from "./trust-federated";
import { aws } from "./lib/resource-types";
import { documentRule, resourceRule } from "./lib/rule-kit";
import { asNumber } from "./lib/values";

export const trustNoPublicPrincipal = documentRule({
    name: "iam-trust-no-public-principal",
    description:
        'A role\'s trust policy must not let everyone assume it (Principal "*" or {"AWS": "*"}). ' +
        "Checkov CKV_AWS_60; Cloudsplaining AssumableByAnyPrincipal; IAM Access Analyzer CheckNoPublicAccess.",
    documents: ["trust"],
    check: (located) =>
        located.document.statements
            .filter((statement) => isAllow(statement) && grantsEveryone(statement.principal))
            .map(
                (statement) =>
                    `${at(located, statement)}: any principal can assume this role (Principal "*"). ` +
                    'Fix: trust named principals only, e.g. {"AWS": "arn:aws:iam::<account>:root"} narrowed by an aws:PrincipalArn condition.',
            ),
});

export const trustNoNegatedPrincipalOrAction = documentRule({
    name: "iam-trust-no-not-principal-or-not-action",
    description:
        'A role\'s trust policy must not combine "Effect": "Allow" with NotPrincipal or NotAction, ' +
        "which trust everyone or allow everything except what is listed. Parliament NOTPRINCIPAL_WITH_ALLOW.",
    documents: ["trust"],
    check: (located) =>
        allowFindings(located, [
            allowsAllBut(
                "notPrincipal",
                "trusts every principal except the listed ones",
                'use "Principal" with exactly the principals that may assume the role.',
            ),
            allowsAllBut(
                "notAction",
                "allows every action except the listed ones",
                'list the allowed actions in "Action", e.g. "sts:AssumeRole".',
            ),
        ]),
});

export const trustAllowedAccounts = documentRule<AllowedAccountsConfig>({
    name: "iam-trust-allowed-accounts",
    description:
        "Every AWS principal a role trusts belongs to an allowed account (config allowedAccountIds, plus the role's own account). " +
        "Cloudsplaining AssumableByCrossAccountPrincipal (with its known-accounts list).",
    documents: ["trust"],
    config: allowedAccountsConfig,
    check: (located, context) => {
        const allowed = allowedAccounts(context.config.allowedAccountIds, context.ownAccounts);
        // Nothing configured and the role's account unknown: there is no list to compare with.
        if (allowed.size === 0) return [];
        return located.document.statements.filter(isAllow).flatMap((statement) => {
            const federatedArns = (statement.principal?.byType.Federated.values ?? [])
                .filter((value) => value.startsWith("arn:"))
                .map((value) => ({ principal: value, account: accountOf(value) }));
            return [...awsPrincipals(statement.principal), ...federatedArns]
                .filter(({ account }) => account !== "*")
                .filter(({ account }) => account === undefined || !allowed.has(account))
                .map(({ principal, account }) =>
                    account === undefined
                        ? unattributedPrincipal(at(located, statement), principal)
                        : `${at(located, statement)}: principal "${principal}" belongs to account ${account}, ` +
                          `which is not an allowed account ${formatAccounts(allowed)}. ` +
                          "Fix: trust only the organization's accounts, or add the account to allowedAccountIds in the policy pack config.",
                );
        });
    },
});

/** MFA condition keys: they narrow a trust only in their correct form (see requiresMfa). */
const MFA_KEYS = ["aws:MultiFactorAuthPresent", "aws:MultiFactorAuthAge"];

/**
 * Trusts `requireMfa` does not apply to, because no MFA can reach the role through them; each is narrowed
 * instead, and this rule checks that narrowing:
 * - `role-chain`: every principal is an exact role ARN, or an account root narrowed by aws:PrincipalArn to
 *   exact role ARNs (no wildcard). A role session never carries MFA (the chain's first hop may have asked).
 * - `external-id`: StringEquals sts:ExternalId without wildcards. A third party cannot present our MFA;
 *   iam-trust-allowed-accounts still decides which outside accounts may be trusted at all.
 * - `identity-center`: account roots narrowed by aws:PrincipalArn to IAM Identity Center's provisioned
 *   roles of named permission sets (AWSReservedSSO_<name>_*). People sign in through Identity Center, which
 *   enforces their MFA; its sessions carry no aws:MultiFactorAuthPresent, so requiring it would lock them out.
 * Web-identity and SAML trusts are never asked for MFA either (the identity provider enforces it, AWS does
 * not see it): iam-trust-federated-conditions checks what they must pin instead.
 */
export const MFA_EXEMPTIONS = ["role-chain", "external-id", "identity-center"] as const;
export type MfaExemption = (typeof MFA_EXEMPTIONS)[number];

export interface CrossAccountConditionsConfig {
    narrowingConditions: string[];
    requireMfa: boolean;
    mfaExempt: string[];
}

const crossAccountDefaults: CrossAccountConditionsConfig = {
    narrowingConditions: ["sts:ExternalId", "aws:MultiFactorAuthPresent", "aws:PrincipalArn", "aws:PrincipalOrgID"],
    requireMfa: false,
    mfaExempt: [...MFA_EXEMPTIONS],
};

/**
 * Whether a value of a narrowing condition narrows: aws:PrincipalArn only to principals of a spelled-out
 * account that are not "every role" (`arn:aws:iam::*:role/ci`, `role/*` do not narrow); organization and
 * account IDs and external IDs only without wildcards (`o-*` is every organization).
 */
function narrowingValue(key: string): (value: string) => boolean {
    return key.toLowerCase() === "aws:principalarn" ? narrowsPrincipalArn : narrowsIdentifier;
}

/** Whether a statement carries one of the configured conditions, in a form that narrows; MFA only counts in its correct form. */
function isNarrowed(statement: Statement, narrowingConditions: string[]): boolean {
    const lower = narrowingConditions.map((key) => key.toLowerCase());
    const mfaCounts = MFA_KEYS.some((key) => lower.includes(key.toLowerCase()));
    const others = narrowingConditions.filter((key) => !MFA_KEYS.some((mfa) => mfa.toLowerCase() === key.toLowerCase()));
    return (mfaCounts && requiresMfa(statement)) || others.some((key) => narrowedBy(statement, key, narrowingValue(key)));
}

/** Which exemption from requireMfa a statement's trust falls under, if any (see MFA_EXEMPTIONS). */
function mfaExemption(statement: Statement, foreign: string[]): MfaExemption | undefined {
    const roots = foreign.every((principal) => isAccountRoot(principal));
    const chained =
        foreign.every((principal) => isExactRoleArn(principal)) || (roots && narrowedBy(statement, "aws:PrincipalArn", isExactRoleArn));
    if (chained) return "role-chain";
    if (narrowedBy(statement, "sts:ExternalId", narrowsIdentifier)) return "external-id";
    if (roots && narrowedBy(statement, "aws:PrincipalArn", (value) => identityCenterPermissionSet(value) !== undefined)) {
        return "identity-center";
    }
    return undefined;
}

function isAccountRoot(principal: string): boolean {
    return /^\d{12}$/.test(principal) || /^arn:[\w-]+:iam::\d{12}:root$/.test(principal);
}

export const trustCrossAccountConditions = documentRule<CrossAccountConditionsConfig>({
    name: "iam-trust-cross-account-conditions",
    description:
        "A principal from another account may assume a role only under a narrowing condition: sts:ExternalId, MFA, " +
        "aws:PrincipalArn or aws:PrincipalOrgID (configurable: narrowingConditions); a condition that is itself a wildcard over " +
        "accounts, every role or every organization does not narrow. requireMfa (e.g. per account in overrides) makes MFA " +
        "mandatory for trusts people use; mfaExempt (default role-chain, external-id, identity-center) names the trusts no MFA " +
        "can reach, which must be narrowed exactly instead. Checkov CKV_AWS_61.",
    documents: ["trust"],
    config: {
        defaults: crossAccountDefaults,
        schema: {
            narrowingConditions: {
                type: "array",
                items: { type: "string" },
                description: "Condition keys that count as narrowing a cross-account trust.",
            },
            requireMfa: {
                type: "boolean",
                description: 'Require Bool aws:MultiFactorAuthPresent "true" for cross-account principals people use.',
            },
            mfaExempt: {
                type: "array",
                items: { type: "string", enum: [...MFA_EXEMPTIONS] },
                description:
                    "Trusts requireMfa does not apply to (no MFA can reach them; they must be narrowed exactly instead): " +
                    "role-chain (exact role ARNs), external-id (a third party with sts:ExternalId), identity-center " +
                    "(permission-set roles; Identity Center enforces MFA).",
            },
        },
        overridable: true,
    },
    check: (located, context) =>
        located.document.statements.filter(isAllow).flatMap((statement) => {
            const foreign = awsPrincipals(statement.principal)
                .filter(({ account }) => account !== "*" && isCrossAccount(account, context.ownAccounts))
                .map(({ principal }) => principal);
            if (foreign.length === 0) return [];
            const where = `${at(located, statement)}: cross-account principal${foreign.length > 1 ? "s" : ""} ${quoted(foreign)}`;
            if (context.config.requireMfa) {
                if (requiresMfa(statement)) return [];
                const exemption = mfaExemption(statement, foreign);
                if (exemption && context.config.mfaExempt.includes(exemption)) return [];
                return [
                    `${where} can assume the role without MFA, which is required here (requireMfa)` +
                        `${exemption ? ` and not waived for ${exemption} trusts (mfaExempt)` : ""}. ` +
                        'Fix: add "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}, or, for a CI chain, narrow ' +
                        "aws:PrincipalArn to exact role ARNs (ArnEquals, no wildcards).",
                ];
            }
            if (isNarrowed(statement, context.config.narrowingConditions)) return [];
            return [
                `${where} can assume the role without a narrowing condition. ` +
                    `Fix: add a condition on one of ${context.config.narrowingConditions.join(", ")}, ` +
                    'e.g. "Condition": {"ArnEquals": {"aws:PrincipalArn": "arn:aws:iam::<account>:role/<role>"}}.',
            ];
        }),
});

export const mfaConditionPattern = documentRule({
    name: "iam-mfa-condition-pattern",
    description:
        'MFA conditions use the correct pattern: an Allow must not test `aws:MultiFactorAuthPresent` for "false" ' +
        '(that matches sessions without MFA); require "true", or Deny with BoolIfExists "false". Parliament BAD_PATTERN_FOR_MFA.',
    documents: ["trust", "identity", "bucket"],
    check: (located) =>
        located.document.statements
            .filter(isAllow)
            .flatMap((statement) =>
                statement.conditions
                    .filter(
                        (condition) =>
                            condition.keyLower === "aws:multifactorauthpresent" &&
                            condition.baseOperator === "bool" &&
                            condition.values.some((value) => value.toLowerCase() === "false"),
                    )
                    .map(
                        (condition) =>
                            `${at(located, statement)}: "${condition.operator}": {"aws:MultiFactorAuthPresent": "false"} in an Allow ` +
                            "grants access to sessions without MFA. " +
                            'Fix: require MFA with "Bool": {"aws:MultiFactorAuthPresent": "true"}, or deny non-MFA requests in a Deny statement ' +
                            'with "BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}.',
                    ),
            ),
});

/** AWS accepts 1 to 12 hours. */
const SESSION_BOUNDS = { min: 3600, max: 43200 };

export interface SessionDurationConfig {
    maxSessionDurationSeconds: number;
}

export const roleMaxSessionDuration = resourceRule<SessionDurationConfig>({
    name: "iam-role-max-session-duration",
    description:
        "A role's maxSessionDuration lies within 3600-43200 seconds and at most the configured maximum " +
        "(maxSessionDurationSeconds, overridable per account or stack). AWS Landing Zone Accelerator IAM config validator.",
    appliesTo: [aws.iam.Role],
    config: {
        defaults: { maxSessionDurationSeconds: SESSION_BOUNDS.max },
        schema: { maxSessionDurationSeconds: { type: "integer", minimum: SESSION_BOUNDS.min, maximum: SESSION_BOUNDS.max } },
        overridable: true,
    },
    check: ({ props, config }) => {
        const duration = asNumber(props.maxSessionDuration);
        if (duration === undefined) return [];
        const limit = Math.min(config.maxSessionDurationSeconds, SESSION_BOUNDS.max);
        if (duration < SESSION_BOUNDS.min || duration > SESSION_BOUNDS.max) {
            return [
                `maxSessionDuration ${duration} seconds is outside the range AWS accepts (${SESSION_BOUNDS.min}-${SESSION_BOUNDS.max}). ` +
                    `Fix: set it between ${SESSION_BOUNDS.min} and ${limit} seconds.`,
            ];
        }
        if (duration > limit) {
            return [
                `maxSessionDuration ${duration} seconds exceeds the configured maximum of ${limit} seconds. ` +
                    `Fix: set it to at most ${limit} seconds (the AWS default is ${SESSION_BOUNDS.min}).`,
            ];
        }
        return [];
    },
});

export interface TrustPolicySizeConfig {
    maxTrustPolicyChars: number;
}

export const trustPolicySize = documentRule<TrustPolicySizeConfig>({
    name: "iam-trust-policy-size",
    description:
        "A role's trust policy fits the account's quota (maxTrustPolicyChars, default 2,048 characters without whitespace; " +
        "the quota can be raised to 4,096, so set it per account in overrides). AWS IAM quota for role trust policy length.",
    documents: ["trust"],
    config: {
        defaults: { maxTrustPolicyChars: 2048 },
        schema: { maxTrustPolicyChars: { type: "integer", minimum: 1 } },
        overridable: true,
    },
    check: (located, { config }) =>
        oversize(
            located,
            "trust policy quota",
            config.maxTrustPolicyChars,
            "trust account roots narrowed by an aws:PrincipalArn condition with wildcards instead of listing every principal, " +
                "or raise the account's quota and maxTrustPolicyChars.",
        ),
});

export const trustPolicies: ResourceValidationPolicy[] = [
    trustNoPublicPrincipal,
    trustNoNegatedPrincipalOrAction,
    trustAllowedAccounts,
    trustCrossAccountConditions,
    trustFederatedConditions,
    trustUnknownFederatedProvider,
    mfaConditionPattern,
    roleMaxSessionDuration,
    trustPolicySize,
];
