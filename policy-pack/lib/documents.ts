import { ParsedDocument, Statement, describeStatement, grantsEveryone, isAllow, isPublicGrantLimited, parsePolicyDocument } from "./iam";
import { BUCKET_CLASSES, ResourceClass, aws } from "./resource-types";
import { Value, ValueRecord, asRecord, asString } from "./values";

/**
 * What a policy document governs: who may assume a role, what an identity may do, or who may use a
 * resource (the resource policies: bucket, repository, KMS key, SNS topic, SQS queue, secret).
 */
export type DocumentRole = "trust" | "identity" | "bucket" | "repository" | "key" | "topic" | "queue" | "secret";

/** Resource policies: every statement names a Principal (AWS rejects one without). */
export const RESOURCE_POLICY_ROLES: DocumentRole[] = ["bucket", "repository", "key", "topic", "queue", "secret"];

export interface LocatedDocument {
    role: DocumentRole;
    /** Where the document sits in the resource, for messages: "assumeRolePolicy", "inlinePolicies[\"read\"]". */
    location: string;
    document: ParsedDocument;
}

export type ReadableDocument = LocatedDocument & { document: Extract<ParsedDocument, { state: "parsed" }> };

/** Where each resource type keeps its policy documents. New kinds of documents are added here. */
interface SourceDocument {
    location: string;
    value: Value;
}

interface DocumentSource {
    classes: ResourceClass[];
    role: DocumentRole;
    documents: (props: ValueRecord) => SourceDocument[];
}

const policyProperty = (props: ValueRecord): SourceDocument[] => [{ location: "policy", value: props.policy }];

/** A role's inline policies: `inlinePolicies[{name, policy}]`. */
function inlinePolicies(props: ValueRecord): SourceDocument[] {
    const inline = Array.isArray(props.inlinePolicies) ? props.inlinePolicies : [];
    return inline.map((entry, index) => {
        const record = asRecord(entry);
        const name = asString(record?.name);
        return { location: name ? `inlinePolicies["${name}"]` : `inlinePolicies[${index}]`, value: record?.policy };
    });
}

const DOCUMENT_SOURCES: DocumentSource[] = [
    {
        classes: [aws.iam.Role],
        role: "trust",
        documents: (props): SourceDocument[] => [{ location: "assumeRolePolicy", value: props.assumeRolePolicy }],
    },
    { classes: [aws.iam.Role], role: "identity", documents: inlinePolicies },
    { classes: [aws.iam.RolePolicy, aws.iam.GroupPolicy, aws.iam.UserPolicy, aws.iam.Policy], role: "identity", documents: policyProperty },
    { classes: [aws.s3.BucketPolicy, ...BUCKET_CLASSES], role: "bucket", documents: policyProperty },
    { classes: [aws.ecr.RepositoryPolicy], role: "repository", documents: policyProperty },
    { classes: [aws.kms.Key, aws.kms.KeyPolicy], role: "key", documents: policyProperty },
    { classes: [aws.sns.Topic, aws.sns.TopicPolicy], role: "topic", documents: policyProperty },
    { classes: [aws.sqs.Queue, aws.sqs.QueuePolicy], role: "queue", documents: policyProperty },
    { classes: [aws.secretsmanager.SecretPolicy], role: "secret", documents: policyProperty },
];

export const DOCUMENT_CLASSES = Object.fromEntries(
    (["trust", "identity", "bucket", "repository", "key", "topic", "queue", "secret"] as DocumentRole[]).map((role) => [
        role,
        DOCUMENT_SOURCES.filter((source) => source.role === role).flatMap((source) => source.classes),
    ]),
) as Record<DocumentRole, ResourceClass[]>;

/** Every policy document a resource carries, in the shape its resource type uses. */
export function documentsOf(type: string, props: ValueRecord): LocatedDocument[] {
    return DOCUMENT_SOURCES.filter((source) => source.classes.some((cls) => cls.__pulumiType === type)).flatMap((source) =>
        source.documents(props).map(({ location, value }) => ({ role: source.role, location, document: parsePolicyDocument(value) })),
    );
}

export function isReadable(located: LocatedDocument): located is ReadableDocument {
    return located.document.state === "parsed";
}

/** A document over a size quota (counted without whitespace, as IAM counts). */
export function oversize(located: ReadableDocument, quota: string, limit: number, fix: string): string[] {
    const size = located.document.size;
    return size !== undefined && size > limit
        ? [`${located.location} is ${size} characters without whitespace, over the ${quota} of ${limit}. Fix: ${fix}`]
        : [];
}

/** `"a", "b"` */
export const quoted = (values: string[]): string => values.map((value) => `"${value}"`).join(", ");

/** `assumeRolePolicy statement 1 ("TrustDev")` */
export function at(located: LocatedDocument, statement: Statement): string {
    return `${located.location} ${describeStatement(statement)}`;
}

/** Something an Allow statement must not do, and the message (after the statement's place) when it does. */
export interface AllowCheck {
    when: (statement: Statement) => unknown;
    message: string;
}

/**
 * An Allow statement with NotPrincipal, NotAction or NotResource, which grants everything but what it lists.
 * `grants` says what that amounts to for the rule's documents, `fix` what to write instead.
 */
export function allowsAllBut(element: "notPrincipal" | "notAction" | "notResource", grants: string, fix: string): AllowCheck {
    const written = element.charAt(0).toUpperCase() + element.slice(1);
    return { when: (statement) => statement[element], message: `"${written}" with "Effect": "Allow" ${grants}. Fix: ${fix}` };
}

/** Messages for the Allow statements of a document, statement by statement, one for each check it fails. */
export function allowFindings(located: ReadableDocument, checks: AllowCheck[]): string[] {
    return located.document.statements
        .filter(isAllow)
        .flatMap((statement) =>
            checks.filter((check) => check.when(statement)).map((check) => `${at(located, statement)}: ${check.message}`),
        );
}

/** Messages for the Allow statements of a resource policy that grant to "*" with no condition limiting who can use them. */
export function publicGrants(located: ReadableDocument, fix: string): string[] {
    return located.document.statements
        .filter((statement) => isAllow(statement) && grantsEveryone(statement.principal) && !isPublicGrantLimited(statement))
        .map(
            (statement) =>
                `${at(located, statement)}: grants ${statement.action?.values.length ? quoted(statement.action.values) : "access"} ` +
                `to every principal ("*") without a condition that limits who can use it. ${fix}`,
        );
}
