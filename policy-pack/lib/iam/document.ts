// The one IAM policy document model: a document (JSON string or object, possibly holding Pulumi's unknown
// values) parsed once into typed statements. The pack's rules and the access analysis both read it.
import { Value, ValueRecord, asRecord, containsUnknown, isRecord, isUnknown, listOf, plain } from "../values";
import { isUnknownSentinel } from "../pulumi-runtime";
import { parseOperator } from "./conditions";
import { wildcardMatch } from "./glob";

/** A string-or-array field of a statement: the known strings, and whether some entries are unknown. */
export interface StringSet {
    values: string[];
    hasUnknown: boolean;
}

export type PrincipalType = "AWS" | "Service" | "Federated" | "CanonicalUser";

export interface PrincipalSet {
    /** `"Principal": "*"` */
    everyone: boolean;
    byType: Record<PrincipalType, StringSet>;
    hasUnknown: boolean;
}

export interface Condition {
    /** As written, for messages, e.g. "StringEqualsIfExists". */
    operator: string;
    /** Lower-case operator without set qualifier and IfExists, e.g. "stringequals". */
    baseOperator: string;
    ifExists: boolean;
    setQualifier?: "foranyvalue" | "forallvalues";
    key: string;
    keyLower: string;
    values: string[];
    hasUnknown: boolean;
}

export interface Statement {
    /** 1-based position in the document, for messages. */
    position: number;
    sid?: string;
    effect: "Allow" | "Deny" | "unknown" | "invalid";
    principal?: PrincipalSet;
    notPrincipal?: PrincipalSet;
    action?: StringSet;
    notAction?: StringSet;
    resource?: StringSet;
    notResource?: StringSet;
    conditions: Condition[];
    conditionsUnknown: boolean;
}

export type ParsedDocument =
    | { state: "absent" }
    | { state: "unknown" }
    | { state: "invalid"; reason: string }
    | {
          state: "parsed";
          statements: Statement[];
          size?: number;
          /** The document as JSON data, for an evaluator that reads it whole (the analysis' simulator). */
          document: ValueRecord;
      };

const PRINCIPAL_TYPES: PrincipalType[] = ["AWS", "Service", "Federated", "CanonicalUser"];

/**
 * Normalises an IAM policy document that may be a JSON string or an object, with a single statement
 * or a list, string-or-array fields, and unknown values anywhere.
 */
export function parsePolicyDocument(input: Value): ParsedDocument {
    if (input === undefined || input === null || input === "") return { state: "absent" };
    if (isUnknown(input)) return { state: "unknown" };
    let document: Value;
    let size: number | undefined;
    if (typeof input === "string") {
        try {
            document = plain(JSON.parse(input));
        } catch {
            return { state: "invalid", reason: "is not valid JSON" };
        }
        size = containsSentinel(input) ? undefined : policySize(input);
    } else {
        document = input;
        size = containsUnknown(input) ? undefined : policySize(JSON.stringify(input));
    }
    const record = asRecord(document);
    if (!record) return { state: "invalid", reason: "is not a JSON object" };
    const rawStatements = record.Statement;
    if (isUnknown(rawStatements)) return { state: "unknown" };
    const statements: Statement[] = [];
    listOf(rawStatements).forEach((raw, index) => {
        const statement = asRecord(raw);
        if (statement) statements.push(normaliseStatement(statement, index + 1));
    });
    return { state: "parsed", statements, size, document: record };
}

/** IAM quotas count characters without whitespace. */
export function policySize(text: string): number {
    return text.replace(/\s+/g, "").length;
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/** A JSON string assembled from unknown parts has no size yet. */
function containsSentinel(text: string): boolean {
    return (text.match(UUID) ?? []).some(isUnknownSentinel);
}

function normaliseStatement(raw: ValueRecord, position: number): Statement {
    const effect = raw.Effect;
    return {
        position,
        sid: typeof raw.Sid === "string" && raw.Sid !== "" ? raw.Sid : undefined,
        effect: isUnknown(effect)
            ? "unknown"
            : typeof effect === "string" && effect.toLowerCase() === "allow"
              ? "Allow"
              : typeof effect === "string" && effect.toLowerCase() === "deny"
                ? "Deny"
                : "invalid",
        principal: principalSet(raw.Principal),
        notPrincipal: principalSet(raw.NotPrincipal),
        action: stringSet(raw.Action),
        notAction: stringSet(raw.NotAction),
        resource: stringSet(raw.Resource),
        notResource: stringSet(raw.NotResource),
        ...conditions(raw.Condition),
    };
}

export function stringSet(value: Value): StringSet | undefined {
    if (value === undefined || value === null) return undefined;
    const items = listOf(value);
    return {
        values: items.filter((item): item is string => typeof item === "string"),
        hasUnknown: isUnknown(value) || items.some((item) => typeof item !== "string"),
    };
}

function principalSet(value: Value): PrincipalSet | undefined {
    if (value === undefined || value === null) return undefined;
    const empty = (): StringSet => ({ values: [], hasUnknown: false });
    const byType: Record<PrincipalType, StringSet> = { AWS: empty(), Service: empty(), Federated: empty(), CanonicalUser: empty() };
    if (typeof value === "string") return { everyone: value === "*", byType, hasUnknown: false };
    const record = asRecord(value);
    if (!record) return { everyone: false, byType, hasUnknown: true };
    let hasUnknown = false;
    for (const [key, entry] of Object.entries(record)) {
        const type = PRINCIPAL_TYPES.find((candidate) => candidate.toLowerCase() === key.toLowerCase());
        const set = stringSet(entry);
        if (!type || !set) continue;
        byType[type] = { values: [...byType[type].values, ...set.values], hasUnknown: byType[type].hasUnknown || set.hasUnknown };
        hasUnknown = hasUnknown || set.hasUnknown;
    }
    return { everyone: false, byType, hasUnknown };
}

function conditions(value: Value): { conditions: Condition[]; conditionsUnknown: boolean } {
    if (value === undefined || value === null) return { conditions: [], conditionsUnknown: false };
    const record = asRecord(value);
    if (!record) return { conditions: [], conditionsUnknown: true };
    const result: Condition[] = [];
    let conditionsUnknown = false;
    for (const [operator, block] of Object.entries(record)) {
        const entries = asRecord(block);
        if (!entries) {
            conditionsUnknown = true;
            continue;
        }
        for (const [key, raw] of Object.entries(entries)) {
            const items = listOf(raw);
            result.push({
                ...parseOperator(operator),
                key,
                keyLower: key.toLowerCase(),
                values: items
                    .filter((item) => typeof item === "string" || typeof item === "number" || typeof item === "boolean")
                    .map((item) => String(item)),
                hasUnknown: isUnknown(raw) || items.some((item) => isUnknown(item) || isRecord(item) || Array.isArray(item)),
            });
        }
    }
    return { conditions: result, conditionsUnknown };
}

/** "statement 2 (\"ReadImages\")" */
export function describeStatement(statement: Statement): string {
    return statement.sid ? `statement ${statement.position} ("${statement.sid}")` : `statement ${statement.position}`;
}

export const isAllow = (statement: Statement): boolean => statement.effect === "Allow";
export const isDeny = (statement: Statement): boolean => statement.effect === "Deny";

/** `"*"` or `{"AWS": "*"}` (or an AWS principal in every account). */
export function grantsEveryone(principal: PrincipalSet | undefined): boolean {
    if (!principal) return false;
    return principal.everyone || principal.byType.AWS.values.some((value) => value === "*" || /^arn:aws[\w-]*:iam::\*:/.test(value));
}

/** Could this statement apply to `action`? (Action or NotAction; no action element: no.) */
export function coversAction(statement: Statement, action: string): boolean {
    if (statement.action) return statement.action.values.some((pattern) => wildcardMatch(pattern, action));
    if (statement.notAction) return !statement.notAction.values.some((pattern) => wildcardMatch(pattern, action));
    return false;
}

/**
 * Could this statement apply to `arn`? NotResource, and no resource element at all (trust policies,
 * ECR repository policies), count as "may apply": the evaluator decides.
 */
export function mayCoverResource(statement: Statement, arn: string): boolean {
    return statement.resource ? statement.resource.values.some((pattern) => wildcardMatch(pattern, arn)) : true;
}
