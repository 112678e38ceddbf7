// The one IAM wildcard matcher, for the pack's rules and the access analysis.

const compiled = new Map<string, RegExp>();

/**
 * Whether an IAM pattern (`*` any run, `?` one character) matches a value. Case-insensitive: IAM
 * compares action names that way, and both the pack and the analysis have always matched ARNs that way
 * too (the simulator decides access; this only finds candidates).
 */
export function wildcardMatch(pattern: string, value: string): boolean {
    if (pattern === "*") return true;
    if (!pattern.includes("*") && !pattern.includes("?")) return pattern.toLowerCase() === value.toLowerCase();
    let expression = compiled.get(pattern);
    if (!expression) {
        const source = pattern
            .split("")
            .map((char) => (char === "*" ? ".*" : char === "?" ? "." : char.replace(/[.+^${}()|[\]\\]/g, "\\$&")))
            .join("");
        expression = new RegExp(`^${source}$`, "is");
        // Patterns come from policies; keep the cache from growing without bound in a long-lived analyzer.
        if (compiled.size > 10000) compiled.clear();
        compiled.set(pattern, expression);
    }
    return expression.test(value);
}

export function hasWildcard(value: string): boolean {
    return value.includes("*") || value.includes("?");
}
