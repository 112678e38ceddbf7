// The RoleSessionName a profile or the assume helper sends. CloudTrail records it next to every call
// made with the session, so it says who switched; a trust with a session-name pattern
// (`sessionNamePattern`, StringLike on sts:RoleSessionName) only lets in names that match it.
import { STS_PATTERNS } from "../aws";
import { badInput } from "./errors";

const MAX_LENGTH = 64;

export function checkSessionName(name: string, what: string): string {
    if (!STS_PATTERNS.roleSessionName.test(name))
        throw badInput(`${what} ${JSON.stringify(name)}: a session name is 2-64 characters of letters, digits and + = , . @ _ -`);
    return name;
}

/** A valid session name made of `text`: invalid characters become '-', padded to 2 and cut to 64. */
export function sanitizeSessionName(text: string): string {
    const cleaned = text.replace(/[^\w+=,.@-]/g, "-").slice(0, MAX_LENGTH);
    return cleaned.length >= 2 ? cleaned : `${cleaned}--`.slice(0, 2);
}

/**
 * Fills a StringLike pattern with `base`: `*` becomes base (cut so the name stays within 64
 * characters), `?` one character, `${aws:username}` the user name when known (else base), and the
 * escapes `${*}`, `${?}`, `${$}` their character. The analysis then checks the result against the
 * trust itself; this only proposes a name.
 */
export function fillSessionNamePattern(pattern: string, base: string, username?: string): string {
    const parts: (string | { wildcard: "*" })[] = [];
    const tokens = pattern.split(/(\$\{[^}]*\}|\*|\?)/).filter((t) => t !== "");
    for (const token of tokens) {
        if (token === "*") parts.push({ wildcard: "*" });
        else if (token === "?") parts.push("x");
        else if (token === "${*}" || token === "${?}" || token === "${$}") parts.push(token[2]);
        else if (/^\$\{aws:username\}$/i.test(token)) parts.push(username ?? base);
        else if (token.startsWith("${")) parts.push(base);
        else parts.push(token);
    }
    const fixed = parts.reduce((n, p) => n + (typeof p === "string" ? p.length : 0), 0);
    const stars = parts.filter((p) => typeof p !== "string").length;
    const room = stars ? Math.max(1, Math.floor((MAX_LENGTH - fixed) / stars)) : 0;
    return parts.map((p) => (typeof p === "string" ? p : base.slice(0, room))).join("");
}
