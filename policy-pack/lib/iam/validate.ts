// What AWS itself refuses in a policy document (IAM policy grammar, "IAM JSON policy elements"): the pack
// fails closed on these instead of letting every rule skip a statement it cannot read.
import { Value, ValueRecord, asRecord, isUnknown, listOf } from "../values";
import type { ParsedDocument } from "./document";

/** Identity policies name no principal; resource and trust policies must. */
export type DocumentKind = "identity" | "resource" | "trust";

const TOP_LEVEL = ["Version", "Id", "Statement"];
const STATEMENT_ELEMENTS = ["Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition"];
const VERSIONS = ["2012-10-17", "2008-10-17"];

/** Problems AWS would reject the document for, each naming the statement; empty when it is well-formed (or not known yet). */
export function documentProblems(parsed: ParsedDocument, kind: DocumentKind): string[] {
    if (parsed.state === "invalid") return [`${parsed.reason}, so AWS rejects it and no rule can check it`];
    if (parsed.state !== "parsed") return [];
    const document = parsed.document;
    const problems: string[] = [];
    for (const key of Object.keys(document)) {
        if (!TOP_LEVEL.includes(key)) problems.push(`has the unknown top-level element "${key}" (AWS accepts ${TOP_LEVEL.join(", ")})`);
    }
    const version = document.Version;
    if (typeof version === "string" && !VERSIONS.includes(version)) {
        problems.push(`has Version "${version}" (AWS accepts "2012-10-17" or "2008-10-17")`);
    }
    if (document.Statement === undefined || document.Statement === null) problems.push('has no "Statement"');
    if (isUnknown(document.Statement)) return problems;
    const sids = new Map<string, number>();
    listOf(document.Statement).forEach((raw, index) => {
        const position = index + 1;
        if (isUnknown(raw)) return;
        const statement = asRecord(raw);
        if (!statement) {
            problems.push(`statement ${position} is not a JSON object`);
            return;
        }
        const sid = typeof statement.Sid === "string" && statement.Sid !== "" ? statement.Sid : undefined;
        const where = sid ? `statement ${position} ("${sid}")` : `statement ${position}`;
        if (sid !== undefined) {
            const first = sids.get(sid);
            if (first !== undefined) problems.push(`${where} repeats the Sid of statement ${first}; Sids must be unique within a policy`);
            else sids.set(sid, position);
        }
        problems.push(...statementProblems(statement, kind).map((problem) => `${where} ${problem}`));
    });
    return problems;
}

function statementProblems(statement: ValueRecord, kind: DocumentKind): string[] {
    const problems: string[] = [];
    const has = (key: string): boolean => statement[key] !== undefined && statement[key] !== null;
    for (const key of Object.keys(statement)) {
        if (!STATEMENT_ELEMENTS.includes(key)) problems.push(`has the unknown element "${key}"`);
    }
    const effect: Value = statement.Effect;
    if (!has("Effect")) problems.push('has no "Effect" ("Allow" or "Deny")');
    // IAM reads the value case-insensitively, as the document model does.
    else if (!isUnknown(effect) && !(typeof effect === "string" && ["allow", "deny"].includes(effect.toLowerCase()))) {
        problems.push(`has "Effect": ${JSON.stringify(effect)}, which is neither "Allow" nor "Deny"`);
    }
    if (has("Action") && has("NotAction")) problems.push('has both "Action" and "NotAction"');
    if (!has("Action") && !has("NotAction")) problems.push('has neither "Action" nor "NotAction"');
    if (has("Resource") && has("NotResource")) problems.push('has both "Resource" and "NotResource"');
    if (has("Principal") && has("NotPrincipal")) problems.push('has both "Principal" and "NotPrincipal"');
    if (kind === "identity") {
        if (has("Principal") || has("NotPrincipal"))
            problems.push(`names a ${has("Principal") ? "Principal" : "NotPrincipal"}, which identity policies cannot have`);
        if (!has("Resource") && !has("NotResource")) problems.push('has neither "Resource" nor "NotResource"');
    } else if (!has("Principal") && !has("NotPrincipal")) {
        problems.push(`names no "Principal", which ${kind === "trust" ? "trust" : "resource"} policies require`);
    }
    return problems;
}
