// Rules for KMS keys: the key policy (on aws.kms.Key or aws.kms.KeyPolicy) decides who may use and who may
// administer a key, and IAM policies in the key's account only count where the key policy lets them.
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { awsPrincipals, isCrossAccount } from "./lib/accounts";
import { AllowedAccountsConfig, allowedAccountsConfig } from "./lib/config";
import { at, quoted } from "./lib/documents";
import { grantsOutsideAllowedAccounts } from "./lib/grants";
import { Statement, conditionValues, grantsEveryone, hasNarrowingCondition, isAllow, isPublicGrantLimited, wildcardMatch } from "./lib/iam";
import { unknownUntilApply } from "./lib/pulumi-runtime";
import { aws } from "./lib/resource-types";
import { documentRule, resourceRule } from "./lib/rule-kit";
import { asBoolean, asString, isUnknown } from "./lib/values";

export const keyPolicyNoPublicPrincipal = documentRule({
    name: "kms-key-policy-no-public-principal",
    description:
        'A KMS key policy grants nothing to an unconditioned "*" principal (a condition must limit the organization, account ' +
        "or principal, e.g. kms:CallerAccount with kms:ViaService). Checkov CKV_AWS_33; IAM Access Analyzer CheckNoPublicAccess.",
    documents: ["key"],
    check: (located) =>
        located.document.statements
            .filter(
                (statement) =>
                    isAllow(statement) &&
                    grantsEveryone(statement.principal) &&
                    !isPublicGrantLimited(statement) &&
                    !hasNarrowingCondition(statement, ["kms:CallerAccount"]),
            )
            .map(
                (statement) =>
                    `${at(located, statement)}: lets every principal ("*") use ${statement.action?.values.length ? quoted(statement.action.values) : "the key"} ` +
                    'without a condition that limits who. Fix: name the account roots, e.g. {"AWS": "arn:aws:iam::<account>:root"}, ' +
                    'or add "kms:CallerAccount" / "aws:PrincipalOrgID" conditions.',
            ),
});

export const keyPolicyAllowedAccounts = documentRule<AllowedAccountsConfig>({
    name: "kms-key-policy-allowed-accounts",
    description:
        "A KMS key policy grants nothing to accounts outside allowedAccountIds (plus the key's own account). " +
        "IAM Access Analyzer external access for KMS keys.",
    documents: ["key"],
    config: allowedAccountsConfig,
    check: grantsOutsideAllowedAccounts,
});

/**
 * Actions that administer a key rather than use it: whoever holds them can change who may use the key,
 * destroy it (and every piece of data encrypted under it) or make it unusable (AWS KMS Developer Guide,
 * "Allows key administrators to administer the KMS key").
 */
const KEY_ADMINISTRATION = [
    "kms:PutKeyPolicy",
    "kms:ScheduleKeyDeletion",
    "kms:CancelKeyDeletion",
    "kms:DisableKey",
    "kms:EnableKey",
    "kms:DisableKeyRotation",
    "kms:EnableKeyRotation",
    "kms:UpdateKeyDescription",
    "kms:TagResource",
    "kms:UntagResource",
    "kms:CreateAlias",
    "kms:UpdateAlias",
    "kms:DeleteAlias",
    "kms:ImportKeyMaterial",
    "kms:DeleteImportedKeyMaterial",
    "kms:ReplicateKey",
    "kms:UpdatePrimaryRegion",
    "kms:RevokeGrant",
    "kms:RetireGrant",
];

/** Administration a statement grants: the listed actions, and CreateGrant unless limited to AWS services' grants. */
function administration(statement: Statement): string[] {
    const patterns = statement.action?.values ?? [];
    const granted = KEY_ADMINISTRATION.filter((action) => patterns.some((pattern) => wildcardMatch(pattern, action)));
    const grantsGrants = patterns.some((pattern) => wildcardMatch(pattern, "kms:CreateGrant"));
    // A grant lets its grantee pass the key's use on: only grants for AWS resources (kms:GrantIsForAWSResource) are bounded.
    if (grantsGrants && !hasNarrowingCondition(statement, ["kms:GrantIsForAWSResource"])) granted.push("kms:CreateGrant");
    return granted;
}

/** A "*" principal limited to the key's own account(s) by kms:CallerAccount or aws:PrincipalAccount (the default key policy's pattern). */
function callersLimitedTo(statement: Statement, own: string[]): boolean {
    const callers = conditionValues(statement, ["kms:CallerAccount", "aws:PrincipalAccount"]);
    return own.length > 0 && callers.length > 0 && callers.every((account) => own.includes(account));
}

export const keyNoCrossAccountAdministration = documentRule({
    name: "kms-key-no-cross-account-admin",
    description:
        "A KMS key policy gives other accounts no key administration: no kms:*, kms:PutKeyPolicy, kms:ScheduleKeyDeletion, " +
        "key disabling, alias or tag changes, and no kms:CreateGrant unless kms:GrantIsForAWSResource limits it; administer " +
        "keys from their own account. AWS KMS Developer Guide, default key policy (key administrators); " +
        "Cloudsplaining resource exposure (kms:PutKeyPolicy).",
    documents: ["key"],
    check: (located, context) =>
        located.document.statements.filter(isAllow).flatMap((statement) => {
            const foreign = awsPrincipals(statement.principal).filter(({ account }) =>
                account === "*" ? !callersLimitedTo(statement, context.ownAccounts) : isCrossAccount(account, context.ownAccounts),
            );
            if (foreign.length === 0) return [];
            const granted = administration(statement);
            if (granted.length === 0) return [];
            const shown = granted.length > 4 ? [...granted.slice(0, 4), "..."] : granted;
            return [
                `${at(located, statement)}: gives principals of other accounts (${quoted(foreign.map(({ principal }) => principal))}) ` +
                    `key administration: ${shown.join(", ")}. Fix: grant other accounts only what they use the key for, e.g. ` +
                    '"kms:Decrypt", "kms:DescribeKey" (and "kms:CreateGrant" with "Bool": {"kms:GrantIsForAWSResource": "true"}).',
            ];
        }),
});

/** Only symmetric encryption keys can rotate automatically (AWS KMS Developer Guide, "Rotating AWS KMS keys"). */
const ROTATABLE_SPECS = ["SYMMETRIC_DEFAULT"];

export const keyRotationEnabled = resourceRule({
    name: "kms-key-rotation-enabled",
    description:
        "A customer managed symmetric KMS key rotates its key material (enableKeyRotation). Checkov CKV_AWS_7; " +
        "AWS Config CMK_BACKING_KEY_ROTATION_ENABLED.",
    enforcementLevel: "advisory",
    appliesTo: [aws.kms.Key],
    check: ({ props }) => {
        const spec = props.customerMasterKeySpec ?? props.keySpec;
        if (isUnknown(spec)) unknownUntilApply(["keySpec"]);
        if (asString(spec) !== undefined && !ROTATABLE_SPECS.includes(asString(spec)!)) return [];
        const rotation = asBoolean(props.enableKeyRotation, false);
        if (isUnknown(rotation)) unknownUntilApply(["enableKeyRotation"]);
        return rotation === true
            ? []
            : ["enableKeyRotation is not true, so the key material never changes. Fix: set enableKeyRotation: true (yearly by default)."];
    },
});

export const kmsPolicies: ResourceValidationPolicy[] = [
    keyPolicyNoPublicPrincipal,
    keyPolicyAllowedAccounts,
    keyNoCrossAccountAdministration,
    keyRotationEnabled,
];
