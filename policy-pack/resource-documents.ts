// Rules over every policy document at once: well-formedness (fail closed), and what every resource policy
// (S3, ECR, KMS, SNS, SQS, Secrets Manager) must not do, wherever it appears.
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { AllowedAccountsConfig, allowedAccountsConfig } from "./lib/config";
import {
    DOCUMENT_CLASSES,
    DocumentRole,
    RESOURCE_POLICY_ROLES,
    allowFindings,
    allowsAllBut,
    at,
    documentsOf,
    publicGrants,
} from "./lib/documents";
import { grantsOutsideAllowedAccounts } from "./lib/grants";
import { DocumentKind, documentProblems, hasNarrowingCondition, isAllow } from "./lib/iam";
import { unknownUntilApply } from "./lib/pulumi-runtime";
import { serviceScoping } from "./lib/service-principals";
import { documentRule, resourceRule } from "./lib/rule-kit";

const ALL_ROLES = Object.keys(DOCUMENT_CLASSES) as DocumentRole[];
const kindOf = (role: DocumentRole): DocumentKind => (role === "identity" || role === "trust" ? role : "resource");

export const policyDocumentValid = resourceRule({
    name: "iam-policy-document-valid",
    description:
        "Every policy document (trust, identity and resource policies) parses and is what AWS accepts: JSON, known top-level " +
        "elements, an Effect in every statement, not both Action and NotAction, no Principal in an identity policy and one in " +
        "every resource or trust policy, unique Sids. A document no rule can read would otherwise pass every rule. " +
        "IAM Access Analyzer ValidatePolicy (ERROR findings).",
    appliesTo: [...new Set(ALL_ROLES.flatMap((role) => DOCUMENT_CLASSES[role]))],
    check: ({ type, props }) => {
        const documents = documentsOf(type, props);
        // Not known until apply (preview) or unreadable (an encrypted secret): no rule can check it, and it is not
        // compliant either. One advisory from this rule says so, as the analyzer reports a value it cannot read.
        const unknown = documents.find((located) => located.document.state === "unknown");
        if (unknown) unknownUntilApply([unknown.location]);
        return documents.flatMap((located) =>
            documentProblems(located.document, kindOf(located.role)).map(
                (problem) =>
                    `${located.location} ${problem}. Fix: write the document as AWS's policy grammar requires ` +
                    "(IAM JSON policy element reference); a policy AWS refuses fails the deployment, and one the pack cannot read is not checked.",
            ),
        );
    },
});

export const resourcePolicyNoNegatedElements = documentRule({
    name: "resource-policy-no-not-principal-or-not-action",
    description:
        'A resource policy (S3, ECR, KMS, SNS, SQS, Secrets Manager) does not combine "Effect": "Allow" with NotPrincipal ' +
        "(everyone but the listed principals), NotAction (every action but the listed ones, policy changes included) or " +
        'NotResource. Parliament NOTPRINCIPAL_WITH_ALLOW; AWS IAM User Guide, NotPrincipal ("never use with Allow").',
    documents: RESOURCE_POLICY_ROLES,
    check: (located) =>
        allowFindings(located, [
            allowsAllBut(
                "notPrincipal",
                "grants every principal of every account except the listed ones",
                'use "Principal" with exactly the principals that need access.',
            ),
            allowsAllBut(
                "notAction",
                "grants every action except the listed ones, including changing the policy itself",
                'list the allowed actions in "Action".',
            ),
            allowsAllBut("notResource", "grants the actions on every resource except the listed ones", 'list the resources in "Resource".'),
        ]),
});

export const resourcePolicyServicePrincipalScoped = documentRule({
    name: "resource-policy-service-principal-scoped",
    description:
        "A service principal in a resource policy is scoped to the owner's own requests by aws:SourceArn, aws:SourceAccount or " +
        "aws:SourceOrgID (per service, from one table with its AWS documentation), so no other account can make the service act " +
        "on this resource (the confused deputy). IAM User Guide, cross-service confused deputy prevention (no public scanner " +
        "checks resource policies for it; Checkov CKV_AWS_364 does for Lambda permissions).",
    documents: RESOURCE_POLICY_ROLES,
    check: (located) =>
        located.document.statements.filter(isAllow).flatMap((statement) =>
            (statement.principal?.byType.Service.values ?? []).flatMap((service) => {
                const scoping = serviceScoping(service);
                const keys = located.role === "key" ? [...scoping.keys, ...(scoping.keyPolicyKeys ?? [])] : scoping.keys;
                if (hasNarrowingCondition(statement, keys)) return [];
                return [
                    `${at(located, statement)}: service principal "${service}" may act for any AWS account: nothing limits it to ` +
                        "this organization's requests (confused deputy). Fix: add a condition on " +
                        `${keys.join(" or ")} naming your own resources or account, e.g. ` +
                        '"Condition": {"StringEquals": {"aws:SourceAccount": "<account>"}} (see ' +
                        `${scoping.source}).`,
                ];
            }),
        ),
});

/** SNS topics, SQS queues and secrets: the resource policies without a rule of their own. */
const OTHER_RESOURCE_POLICIES: DocumentRole[] = ["topic", "queue", "secret"];

export const resourcePolicyNoPublicPrincipal = documentRule({
    name: "resource-policy-no-public-principal",
    description:
        'An SNS topic, SQS queue or Secrets Manager secret policy grants nothing to an unconditioned "*" principal (a condition ' +
        "must limit the organization, account, principal or source). IAM Access Analyzer CheckNoPublicAccess.",
    documents: OTHER_RESOURCE_POLICIES,
    check: (located) =>
        publicGrants(
            located,
            "Fix: name the account roots with an aws:PrincipalArn condition, or add aws:PrincipalOrgID or aws:SourceArn.",
        ),
});

export const resourcePolicyAllowedAccounts = documentRule<AllowedAccountsConfig>({
    name: "resource-policy-allowed-accounts",
    description:
        "An SNS topic, SQS queue or Secrets Manager secret policy grants nothing to accounts outside allowedAccountIds (plus the " +
        "resource's own account). IAM Access Analyzer external access findings.",
    documents: OTHER_RESOURCE_POLICIES,
    config: allowedAccountsConfig,
    check: grantsOutsideAllowedAccounts,
});

export const resourceDocumentPolicies: ResourceValidationPolicy[] = [
    policyDocumentValid,
    resourcePolicyNoNegatedElements,
    resourcePolicyServicePrincipalScoped,
    resourcePolicyNoPublicPrincipal,
    resourcePolicyAllowedAccounts,
];
