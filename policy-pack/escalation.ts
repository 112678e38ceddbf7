// Identity-policy rules on privilege: escalation paths and administrator managed policies.
import { actionsOf, mayTargetService } from "./lib/statement-scope";
import { at, quoted } from "./lib/documents";
import { Statement, isAllow } from "./lib/iam";
import { wildcardMatch } from "./lib/iam-actions";
import { ResourceClass, aws } from "./lib/resource-types";
import { documentRule, resourceRule } from "./lib/rule-kit";
import { stringList } from "./lib/values";

/** Actions that let an identity grant itself more than it has (Cloudsplaining / Rhino Security Labs methods). */
const ESCALATION_ACTIONS = [
    "iam:CreatePolicyVersion",
    "iam:SetDefaultPolicyVersion",
    "iam:AttachUserPolicy",
    "iam:AttachGroupPolicy",
    "iam:AttachRolePolicy",
    "iam:PutUserPolicy",
    "iam:PutGroupPolicy",
    "iam:PutRolePolicy",
    "iam:UpdateAssumeRolePolicy",
    "iam:CreateAccessKey",
    "iam:CreateLoginProfile",
    "iam:UpdateLoginProfile",
    "iam:AddUserToGroup",
    "iam:PutUserPermissionsBoundary",
    "iam:PutRolePermissionsBoundary",
    "iam:DeleteUserPermissionsBoundary",
    "iam:DeleteRolePermissionsBoundary",
    "glue:UpdateDevEndpoint",
];

/** Actions that run code or infrastructure as a role handed over with iam:PassRole. */
const PASS_ROLE_TARGETS = [
    "lambda:CreateFunction",
    "lambda:UpdateFunctionCode",
    "ec2:RunInstances",
    "glue:CreateDevEndpoint",
    "cloudformation:CreateStack",
    "datapipeline:CreatePipeline",
    "sagemaker:CreateNotebookInstance",
    "codestar:CreateProject",
    "codestar:CreateProjectFromTemplate",
];

/** Whether the statement grants `action` on a resource it can apply to. */
const grants = (statement: Statement, action: string): boolean =>
    mayTargetService(statement, action.split(":")[0]) && actionsOf(statement).some((pattern) => wildcardMatch(pattern, action));

const ANY_ROLE = /^(\*|arn:aws[\w-]*:iam::(\d{12}|\*):(role\/)?\*)$/;

function passesAnyRole(statement: Statement): boolean {
    return (
        grants(statement, "iam:PassRole") &&
        (!!statement.notResource || (statement.resource?.values ?? []).some((resource) => ANY_ROLE.test(resource)))
    );
}

export const noPrivilegeEscalation = documentRule({
    name: "iam-no-privilege-escalation",
    description:
        'An identity policy must not allow privilege escalation: iam:PassRole on "*", iam:CreatePolicyVersion, ' +
        "iam:SetDefaultPolicyVersion, iam:Attach*Policy, iam:Put*Policy, iam:UpdateAssumeRolePolicy, iam:CreateAccessKey, " +
        "iam:CreateLoginProfile, iam:UpdateLoginProfile, iam:AddUserToGroup, permissions-boundary changes, glue:UpdateDevEndpoint, " +
        "or iam:PassRole together with lambda:CreateFunction/UpdateFunctionCode, ec2:RunInstances and similar. " +
        "Checkov CKV_AWS_110 / CKV_AWS_286; Cloudsplaining privilege escalation; Parliament PRIVILEGE_ESCALATION.",
    documents: ["identity"],
    check: (located) => {
        const allows = located.document.statements.filter(isAllow);
        const findings = allows.flatMap((statement) => {
            const escalations = ESCALATION_ACTIONS.filter((action) => grants(statement, action));
            return [
                ...(escalations.length > 0
                    ? [
                          `${at(located, statement)}: allows privilege-escalation action${escalations.length > 1 ? "s" : ""} ${quoted(escalations)}. ` +
                              "Fix: remove them; changes to IAM permissions and credentials belong to a separate, tightly controlled administration role.",
                      ]
                    : []),
                ...(passesAnyRole(statement)
                    ? [
                          `${at(located, statement)}: allows "iam:PassRole" on any role, so the holder can hand any role to a service. ` +
                              "Fix: list the role ARNs that may be passed and add an iam:PassedToService condition.",
                      ]
                    : []),
            ];
        });
        // Passing named roles to one named service (iam:PassedToService) is the reviewed deploy-role
        // pattern; without that condition the holder can run code as those roles anywhere.
        const passRole = allows.filter((statement) => grants(statement, "iam:PassRole"));
        const unscopedPassRole = passRole.filter(
            (statement) => !statement.conditions.some((condition) => condition.keyLower === "iam:passedtoservice"),
        );
        if (unscopedPassRole.length > 0 && !passRole.some(passesAnyRole)) {
            const targets = PASS_ROLE_TARGETS.filter((action) => allows.some((statement) => grants(statement, action)));
            if (targets.length > 0) {
                findings.push(
                    `${located.location}: allows "iam:PassRole" together with ${quoted(targets)}, so the holder can run code ` +
                        "with the permissions of a passed role. Fix: split deployment rights from the roles they pass, " +
                        "or limit iam:PassRole with an iam:PassedToService condition to a role no more privileged than this identity.",
                );
            }
        }
        return findings;
    },
});

interface DeniedPoliciesConfig {
    deniedManagedPolicies: string[];
}

const ATTACHMENT_CLASSES: ResourceClass[] = [
    aws.iam.RolePolicyAttachment,
    aws.iam.GroupPolicyAttachment,
    aws.iam.UserPolicyAttachment,
    aws.iam.PolicyAttachment,
    aws.iam.Role,
];

export const noAdminManagedPolicy = resourceRule<DeniedPoliciesConfig>({
    name: "iam-no-admin-managed-policy",
    description:
        "AdministratorAccess, PowerUserAccess and IAMFullAccess (configurable: deniedManagedPolicies) are not attached to any " +
        "role, group, user or IAM Identity Center permission set, nor a permission set's boundary. Checkov CKV_AWS_274 / CKV2_AWS_56; AWS Config IAM_POLICY_BLACKLISTED_CHECK.",
    appliesTo: ATTACHMENT_CLASSES,
    config: {
        defaults: { deniedManagedPolicies: ["AdministratorAccess", "PowerUserAccess", "IAMFullAccess"] },
        schema: {
            deniedManagedPolicies: {
                type: "array",
                items: { type: "string" },
                description: "Names of AWS managed policies that must not be attached.",
            },
        },
    },
    check: ({ type, props, config }) => {
        const arns = type === aws.iam.Role.__pulumiType ? stringList(props.managedPolicyArns) : stringList(props.policyArn);
        return arns.flatMap((arn) =>
            deniedPolicyName(arn, config).map(
                (name) =>
                    `attaches the AWS managed policy "${name}" (${arn}). ` +
                    "Fix: attach a customer managed policy that allows only the actions this identity needs.",
            ),
        );
    },
    permissionSets: ({ permissionSet, attachment, managedPolicyArn }, { config }) =>
        (managedPolicyArn ? deniedPolicyName(managedPolicyArn, config) : []).map((name) =>
            attachment === "permissions boundary"
                ? `${permissionSet} uses the AWS managed policy "${name}" (${managedPolicyArn}) as its permissions boundary, so the boundary lets through all that policy allows. ` +
                  "Fix: use a customer managed policy that allows at most what the permission set may ever need as the boundary."
                : `${permissionSet} attaches the AWS managed policy "${name}" (${managedPolicyArn}). ` +
                  "Fix: attach a customer managed policy (customerManagedPolicyReference) or an inline policy that allows only the actions its users need.",
        ),
});

/** The name of an AWS managed policy ARN when it is one of the denied ones. */
function deniedPolicyName(arn: string, config: DeniedPoliciesConfig): string[] {
    const name = /^arn:aws[\w-]*:iam::aws:policy\/(?:.*\/)?([^/]+)$/.exec(arn)?.[1];
    return name && config.deniedManagedPolicies.includes(name) ? [name] : [];
}

/** IAM quotas, in characters without whitespace. */
