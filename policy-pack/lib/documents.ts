import { ParsedDocument, Statement, describeStatement, parsePolicyDocument } from "./iam";
import { BUCKET_CLASSES, ResourceClass, aws } from "./resource-types";
import { ValueRecord, asRecord, asString } from "./values";

/** What a policy document governs: who may assume a role, what an identity may do, who may use a bucket or repository. */
export type DocumentRole = "trust" | "identity" | "bucket" | "repository";

export interface LocatedDocument {
    role: DocumentRole;
    /** Where the document sits in the resource, for messages: "assumeRolePolicy", "inlinePolicies[\"read\"]". */
    location: string;
    document: ParsedDocument;
}

export type ReadableDocument = LocatedDocument & { document: Extract<ParsedDocument, { state: "parsed" }> };

export const DOCUMENT_CLASSES: Record<DocumentRole, ResourceClass[]> = {
    trust: [aws.iam.Role],
    identity: [aws.iam.Role, aws.iam.RolePolicy, aws.iam.GroupPolicy, aws.iam.UserPolicy, aws.iam.Policy],
    bucket: [aws.s3.BucketPolicy, ...BUCKET_CLASSES],
    repository: [aws.ecr.RepositoryPolicy],
};

/** Every policy document a resource carries, in the shape its resource type uses. */
export function documentsOf(type: string, props: ValueRecord): LocatedDocument[] {
    const located = (role: DocumentRole, location: string, value: ValueRecord[string]): LocatedDocument =>
        ({ role, location, document: parsePolicyDocument(value) });
    switch (type) {
        case aws.iam.Role.__pulumiType: {
            const inline = Array.isArray(props.inlinePolicies) ? props.inlinePolicies : [];
            return [
                located("trust", "assumeRolePolicy", props.assumeRolePolicy),
                ...inline.map((entry, index) => {
                    const record = asRecord(entry);
                    const name = asString(record?.name);
                    return located("identity", name ? `inlinePolicies["${name}"]` : `inlinePolicies[${index}]`, record?.policy);
                }),
            ];
        }
        case aws.iam.RolePolicy.__pulumiType:
        case aws.iam.GroupPolicy.__pulumiType:
        case aws.iam.UserPolicy.__pulumiType:
        case aws.iam.Policy.__pulumiType:
            return [located("identity", "policy", props.policy)];
        case aws.s3.BucketPolicy.__pulumiType:
        case aws.s3.Bucket.__pulumiType:
        case aws.s3.BucketV2.__pulumiType:
            return [located("bucket", "policy", props.policy)];
        case aws.ecr.RepositoryPolicy.__pulumiType:
            return [located("repository", "policy", props.policy)];
        default:
            return [];
    }
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
