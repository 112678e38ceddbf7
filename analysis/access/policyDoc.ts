/**
 * Small, dependency-free helpers over raw IAM policy JSON. The simulator decides access; these
 * helpers only read what policies *name* (principals, actions, resources) so edges can be pruned.
 */

export type Json = Record<string, unknown>;

export interface RawStatement {
    index: number;
    sid?: string;
    effect: "Allow" | "Deny";
    actions?: string[];
    notActions?: string[];
    resources?: string[];
    notResources?: string[];
    /** AWS principals (ARNs, account ids, "*"); "*" also for `"Principal": "*"`. */
    awsPrincipals: string[];
    /** Service principals, e.g. "cloudtrail.amazonaws.com". */
    servicePrincipals: string[];
    /** True when the statement uses NotPrincipal (treated as "anyone" for pruning). */
    notPrincipal: boolean;
    condition: Record<string, Record<string, unknown>>;
}

export function toArray(value: unknown): string[] {
    if (value === undefined || value === null) return [];
    if (Array.isArray(value)) return value.filter((v): v is string => typeof v === "string");
    return typeof value === "string" ? [value] : [];
}

/** Parses a policy input (JSON string or object); returns undefined when it is not a policy. */
export function parsePolicy(value: unknown): { doc?: Json; error?: string } {
    if (value === undefined || value === null || value === "") return {};
    let doc: unknown = value;
    if (typeof value === "string") {
        try {
            doc = JSON.parse(value);
        } catch {
            // Not the parser's message: it quotes the document, which may hold an external ID.
            return { error: "not valid JSON" };
        }
    }
    if (typeof doc !== "object" || doc === null || Array.isArray(doc)) return { error: "not a JSON object" };
    return { doc: doc as Json };
}

export function statementsOf(doc: Json | undefined): RawStatement[] {
    if (!doc) return [];
    const raw = doc.Statement;
    const list = Array.isArray(raw) ? raw : raw && typeof raw === "object" ? [raw] : [];
    const out: RawStatement[] = [];
    list.forEach((s, index) => {
        if (!s || typeof s !== "object") return;
        const st = s as Json;
        const effect = st.Effect === "Deny" ? "Deny" : st.Effect === "Allow" ? "Allow" : undefined;
        if (!effect) return;
        const principal = st.Principal ?? st.NotPrincipal;
        let awsPrincipals: string[] = [];
        let servicePrincipals: string[] = [];
        if (principal === "*") awsPrincipals = ["*"];
        else if (principal && typeof principal === "object") {
            awsPrincipals = toArray((principal as Json).AWS);
            servicePrincipals = toArray((principal as Json).Service);
        }
        out.push({
            // iam-simulate numbers statements from 1; keep the same numbering in messages.
            index: index + 1,
            sid: typeof st.Sid === "string" && st.Sid ? st.Sid : undefined,
            effect,
            actions: st.Action === undefined ? undefined : toArray(st.Action),
            notActions: st.NotAction === undefined ? undefined : toArray(st.NotAction),
            resources: st.Resource === undefined ? undefined : toArray(st.Resource),
            notResources: st.NotResource === undefined ? undefined : toArray(st.NotResource),
            awsPrincipals,
            servicePrincipals,
            notPrincipal: st.NotPrincipal !== undefined,
            condition: (st.Condition && typeof st.Condition === "object" ? st.Condition : {}) as Record<string, Record<string, unknown>>,
        });
    });
    return out;
}

const globCache = new Map<string, RegExp>();

/** IAM glob match (`*` any run, `?` one char). Actions are case-insensitive, ARNs are not. */
export function globMatch(pattern: string, value: string, ignoreCase = false): boolean {
    if (pattern === "*") return true;
    if (!pattern.includes("*") && !pattern.includes("?")) {
        return ignoreCase ? pattern.toLowerCase() === value.toLowerCase() : pattern === value;
    }
    const key = (ignoreCase ? "i:" : "s:") + pattern;
    let re = globCache.get(key);
    if (!re) {
        const body = pattern
            .replace(/[.+^${}()|[\]\\]/g, "\\$&")
            .replace(/\*/g, ".*")
            .replace(/\?/g, ".");
        re = new RegExp(`^${body}$`, ignoreCase ? "is" : "s");
        globCache.set(key, re);
    }
    return re.test(value);
}

/** Could this statement apply to `action`? (Action / NotAction, case-insensitive). */
export function statementCoversAction(st: RawStatement, action: string): boolean {
    if (st.actions) return st.actions.some((a) => globMatch(a, action, true));
    if (st.notActions) return !st.notActions.some((a) => globMatch(a, action, true));
    return false;
}

/** Could this statement apply to `arn`? Statements without Resource (trust policies) apply to all. */
export function statementCoversResource(st: RawStatement, arn: string): boolean {
    if (st.resources) return st.resources.some((r) => globMatch(r, arn, true));
    if (st.notResources) return true; // conservative: let the simulator decide
    return true;
}

/** The values of a condition key in a statement, for the given operators (case-insensitive). */
export function conditionValues(st: RawStatement, key: string, operators: string[]): string[] | undefined {
    const ops = operators.map((o) => o.toLowerCase());
    let found: string[] | undefined;
    for (const [op, block] of Object.entries(st.condition)) {
        const base = op
            .replace(/^(ForAnyValue|ForAllValues):/i, "")
            .replace(/IfExists$/i, "")
            .toLowerCase();
        if (!ops.includes(base) || !block || typeof block !== "object") continue;
        for (const [k, v] of Object.entries(block)) {
            if (k.toLowerCase() === key.toLowerCase()) found = [...(found ?? []), ...toArray(v)];
        }
    }
    return found;
}

export interface ParsedArn {
    partition: string;
    service: string;
    region: string;
    account: string;
    resource: string;
}

export function parseArn(arn: string): ParsedArn | undefined {
    const parts = arn.split(":");
    if (parts.length < 6 || parts[0] !== "arn") return undefined;
    return { partition: parts[1], service: parts[2], region: parts[3], account: parts[4], resource: parts.slice(5).join(":") };
}

/** Account id a principal entry refers to: "111111111111", an ARN, or "*" (unknown / any). */
export function principalAccount(principal: string): string {
    if (/^\d{12}$/.test(principal)) return principal;
    const arn = parseArn(principal);
    if (!arn || !arn.account || /[*?]/.test(arn.account)) return "*";
    return arn.account;
}

export function isAccountRoot(principal: string): boolean {
    if (/^\d{12}$/.test(principal)) return true;
    const arn = parseArn(principal);
    return !!arn && arn.service === "iam" && arn.resource === "root";
}

/** Normalized account principal ARN, e.g. "111111111111" → arn:aws:iam::111111111111:root. */
export function rootArn(account: string, partition = "aws"): string {
    return `arn:${partition}:iam::${account}:root`;
}
