// Rules for the resource policies beyond S3: Lambda permissions (a function's policy, one statement per
// aws.lambda.Permission), ECR repository policies and RDS snapshot sharing.
import type { ResourceValidationPolicy } from "@pulumi/policy";
import {
    ACCOUNT_ID,
    accountOf,
    allowedAccounts,
    awsPrincipals,
    formatAccounts,
    isCrossAccount,
    unattributedPrincipal,
} from "./lib/accounts";
import { AllowedAccountsConfig, allowedAccountsConfig } from "./lib/config";
import { at, quoted, publicGrants } from "./lib/documents";
import { actionGrants, grantsOutsideAllowedAccounts } from "./lib/grants";
import { ActionInfo } from "./lib/iam-actions";
import { isAllow, isServicePrincipal, narrowsToAccount } from "./lib/iam";
import { SNAPSHOT_CLASSES, aws } from "./lib/resource-types";
import { ResourceContext, RuleSpec, documentRule, resourceRule } from "./lib/rule-kit";
import { ValueRecord, asString, isUnknown, listOf } from "./lib/values";

/** A Lambda permission's principal, source and organization, as known strings (undefined when unset or unknown). */
function lambdaPermission(props: ValueRecord) {
    const principal = asString(props.principal);
    return {
        principal,
        isService: principal !== undefined && isServicePrincipal(principal),
        sourceAccount: asString(props.sourceAccount),
        sourceArn: asString(props.sourceArn),
        principalOrgId: asString(props.principalOrgId),
        // A set but not yet known value still limits the grant.
        limited: limits(props, ["sourceAccount", "sourceArn", "principalOrgId"]),
    };
}

type LambdaPermission = ReturnType<typeof lambdaPermission>;

/** A rule over Lambda permissions, each read once into its principal, source and organization. */
function permissionRule<C extends object = Record<string, never>>(
    spec: RuleSpec<C> & { check: (permission: LambdaPermission, context: ResourceContext<C>) => string[] },
): ResourceValidationPolicy {
    return resourceRule<C>({
        ...spec,
        appliesTo: [aws.lambda.Permission],
        check: (context) => spec.check(lambdaPermission(context.props), context),
    });
}

/**
 * Whether one of the permission's condition fields limits it: set (a value not known yet still limits),
 * and not a wildcard over every account ("*", "arn:aws:events:us-east-1:*:rule/x").
 */
function limits(props: ValueRecord, keys: string[]): boolean {
    return keys.some((key) => {
        const value = props[key];
        return isUnknown(value) || (typeof value === "string" && value !== "" && narrowsToAccount(value));
    });
}

export const lambdaPermissionNoPublicPrincipal = permissionRule({
    name: "lambda-permission-no-public-principal",
    description:
        'A Lambda permission does not let everyone invoke the function: no Principal "*" unless an organization, source ' +
        "account or source ARN limits it, and never on a function URL with authType NONE. " +
        "Checkov CKV_AWS_301; AWS Config LAMBDA_FUNCTION_PUBLIC_ACCESS_PROHIBITED; Security Hub Lambda.1.",
    check: (permission, { props }) => {
        if (permission.principal !== "*") return [];
        if (asString(props.functionUrlAuthType) === "NONE") {
            return [
                'principal "*" with functionUrlAuthType "NONE" makes the function URL public: anyone on the internet can call it. ' +
                    'Fix: use functionUrlAuthType "AWS_IAM" and name the role that may call it, e.g. principal "arn:aws:iam::<account>:role/<role>".',
            ];
        }
        if (permission.limited) return [];
        return [
            `principal "*" lets every AWS account ${describeAction(props)} the function. ` +
                'Fix: name the principal, e.g. principal "arn:aws:iam::<account>:role/<role>", or a service with sourceArn and sourceAccount.',
        ];
    },
});

const describeAction = (props: ValueRecord): string => {
    const action = asString(props.action);
    return action ? `call "${action}" on` : "use";
};

export const lambdaPermissionAllowedAccounts = permissionRule<AllowedAccountsConfig>({
    name: "lambda-permission-allowed-accounts",
    description:
        "A Lambda permission grants nothing to principals (or, for services, source accounts and source ARNs) outside " +
        "allowedAccountIds (plus the function's own account). IAM Access Analyzer external access for Lambda functions.",
    config: allowedAccountsConfig,
    check: (permission, { config, ownAccounts }) => {
        const allowed = allowedAccounts(config.allowedAccountIds, ownAccounts);
        if (allowed.size === 0) return [];
        const named: { field: string; value: string; account: string | undefined }[] = [
            ...(permission.principal && permission.principal !== "*" && !permission.isService
                ? [{ field: "principal", value: permission.principal, account: accountOf(permission.principal) }]
                : []),
            ...(permission.sourceAccount
                ? [{ field: "sourceAccount", value: permission.sourceAccount, account: permission.sourceAccount }]
                : []),
            // Some source ARNs have no account field (an S3 bucket): only those that name one are checked.
            ...(permission.sourceArn && accountOf(permission.sourceArn) !== undefined
                ? [{ field: "sourceArn", value: permission.sourceArn, account: accountOf(permission.sourceArn) }]
                : []),
        ];
        return named
            .filter(({ account }) => account !== "*" && (account === undefined || !allowed.has(account)))
            .map(({ field, value, account }) =>
                account === undefined
                    ? unattributedPrincipal(field, value)
                    : `${field} "${value}" is in account ${account}, which is not an allowed account ${formatAccounts(allowed)}. ` +
                      "Fix: grant only the organization's accounts, or add the account to allowedAccountIds in the policy pack config.",
            );
    },
});

export const lambdaPermissionServiceSourceScoped = permissionRule({
    name: "lambda-permission-service-source-scoped",
    description:
        "A Lambda permission for an AWS service names the source: sourceArn or sourceAccount, so resources of other accounts " +
        "cannot invoke the function through that service. Principals that are accounts or roles need no source (AWS only sets " +
        "aws:SourceAccount on service requests). Checkov CKV_AWS_364; tfsec aws-lambda-restrict-source-arn (AVD-AWS-0067).",
    check: (permission, { props }) => {
        if (!permission.isService) return [];
        const scoped = limits(props, ["sourceArn", "sourceAccount"]);
        return scoped
            ? []
            : [
                  `service principal "${permission.principal}" may invoke the function for any resource, in any account. ` +
                      "Fix: set sourceArn to the invoking resource (the rule, topic or bucket) and sourceAccount to its account.",
              ];
    },
});

export const repositoryPolicyNoPublicPrincipal = documentRule({
    name: "ecr-repository-policy-no-public-principal",
    description:
        'An ECR repository policy grants nothing to an unconditioned "*" principal (a condition with concrete values must limit ' +
        "the organization, account, principal, source or network; lib/iam/scoping.ts). Checkov CKV_AWS_32.",
    documents: ["repository"],
    check: (located) =>
        publicGrants(located, "Fix: name the account roots with an aws:PrincipalArn condition for the roles, or add aws:PrincipalOrgID."),
});

export const repositoryPolicyAllowedAccounts = documentRule<AllowedAccountsConfig>({
    name: "ecr-repository-policy-allowed-accounts",
    description:
        "An ECR repository policy grants nothing to accounts outside allowedAccountIds (plus the repository's own account). " +
        "IAM Access Analyzer external access for ECR repositories.",
    documents: ["repository"],
    config: allowedAccountsConfig,
    check: grantsOutsideAllowedAccounts,
});

/** Uploading images: what pushAllowedAccounts may be granted. Everything else that writes deletes or administers. */
const PUSH_ACTIONS = ["ecr:PutImage", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload"];
const isPush = (action: ActionInfo): boolean => PUSH_ACTIONS.some((push) => push.toLowerCase() === action.name.toLowerCase());
const changesRepository = (action: ActionInfo): boolean =>
    action.accessLevel === "Write" || action.accessLevel.includes("Permissions management");

export interface PullOnlyConfig {
    pushAllowedAccounts: string[];
}

export const repositoryCrossAccountPullOnly = documentRule<PullOnlyConfig>({
    name: "ecr-cross-account-pull-only",
    description:
        "An ECR repository policy lets other accounts pull only: no push (PutImage, layer uploads), no deletes (BatchDeleteImage, " +
        "DeleteRepository) and no policy or settings changes (SetRepositoryPolicy, ecr:*). Accounts in pushAllowedAccounts (overridable " +
        "per account or stack) may push, never delete. Checked by none of the public scanners.",
    documents: ["repository"],
    config: {
        defaults: { pushAllowedAccounts: [] },
        schema: {
            pushAllowedAccounts: {
                type: "array",
                items: { type: "string", pattern: "^[0-9]{12}$" },
                description: "Accounts that may be granted push (never delete) on repositories of other accounts, e.g. a CI account.",
            },
        },
        overridable: true,
    },
    check: async (located, context) => {
        const findings: string[] = [];
        for (const statement of located.document.statements.filter(isAllow)) {
            const foreign = awsPrincipals(statement.principal).filter(({ account }) => isCrossAccount(account, context.ownAccounts));
            if (foreign.length === 0) continue;
            const pushAllowed = foreign.every(
                ({ account }) => account !== undefined && context.config.pushAllowedAccounts.includes(account),
            );
            if (statement.notAction) {
                findings.push(
                    `${at(located, statement)}: "NotAction" with "Effect": "Allow" grants principals of other accounts every ECR action ` +
                        'except the listed ones, deletes included. Fix: list the pull actions in "Action".',
                );
                continue;
            }
            const grants = await actionGrants(statement, "ecr", (action) => changesRepository(action) && !(pushAllowed && isPush(action)));
            if (grants.length === 0) continue;
            findings.push(
                `${at(located, statement)}: grants ${grants.join(", ")} to principals of other accounts ` +
                    `(${quoted(foreign.map(({ principal }) => principal))}). Fix: grant other accounts only "ecr:BatchGetImage", ` +
                    '"ecr:GetDownloadUrlForLayer" and "ecr:BatchCheckLayerAvailability"; push from the repository\'s account, or add a CI ' +
                    "account to pushAllowedAccounts in the policy pack config.",
            );
        }
        return findings;
    },
});

/** The values of `sharedAccounts`; undefined when not known yet. */
function sharedAccounts(props: ValueRecord): string[] | undefined {
    const value = props.sharedAccounts;
    if (isUnknown(value)) return undefined;
    const items = listOf(value);
    if (items.some(isUnknown)) return undefined;
    return items.filter((item): item is string => typeof item === "string");
}

export const snapshotNotPublic = resourceRule({
    name: "rds-snapshot-not-public",
    description:
        'A DB or cluster snapshot is not shared with "all", which makes it public. ' +
        "AWS Config RDS_SNAPSHOTS_PUBLIC_PROHIBITED; Security Hub RDS.1.",
    appliesTo: SNAPSHOT_CLASSES,
    check: ({ props }) =>
        (sharedAccounts(props) ?? []).some((account) => account.toLowerCase() === "all")
            ? [
                  'sharedAccounts includes "all", so every AWS account can copy the snapshot or restore a database from it. ' +
                      "Fix: list the 12-digit IDs of the accounts that need it.",
              ]
            : [],
});

export const snapshotSharedAllowedAccounts = resourceRule<AllowedAccountsConfig>({
    name: "rds-snapshot-shared-allowed-accounts",
    description:
        "A DB or cluster snapshot is shared only with accounts in allowedAccountIds. IAM Access Analyzer external access for RDS snapshots.",
    appliesTo: SNAPSHOT_CLASSES,
    config: allowedAccountsConfig,
    check: ({ props, config, ownAccounts }) => {
        const allowed = allowedAccounts(config.allowedAccountIds, ownAccounts);
        return (sharedAccounts(props) ?? [])
            .filter((account) => account.toLowerCase() !== "all")
            .flatMap((account) => {
                if (!ACCOUNT_ID.test(account)) {
                    return [
                        `sharedAccounts entry "${account}" is not a 12-digit account ID. Fix: list account IDs such as "222222222222".`,
                    ];
                }
                if (allowed.size === 0 || allowed.has(account)) return [];
                return [
                    `the snapshot is shared with account ${account}, which is not an allowed account ${formatAccounts(allowed)}. ` +
                        "Fix: share it only with the organization's accounts, or add the account to allowedAccountIds in the policy pack config.",
                ];
            });
    },
});

export const resourcePolicies: ResourceValidationPolicy[] = [
    lambdaPermissionNoPublicPrincipal,
    lambdaPermissionAllowedAccounts,
    lambdaPermissionServiceSourceScoped,
    repositoryPolicyNoPublicPrincipal,
    repositoryPolicyAllowedAccounts,
    repositoryCrossAccountPullOnly,
    snapshotNotPublic,
    snapshotSharedAllowedAccounts,
];
