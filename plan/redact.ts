// Secret values (external IDs) never leave the plan as plain text: every report, the JSON and the
// access lock go through `redact`.
import { SECURE_PLACEHOLDER } from "../config";

export const REDACTED = "[secret]";

export function redact<T>(value: T, secrets: Iterable<string>): T {
    const list = [...secrets, SECURE_PLACEHOLDER].filter((s) => s.length > 0).sort((a, b) => b.length - a.length);
    const scrub = (item: unknown): unknown => {
        if (typeof item === "string")
            return list.reduce((text, secret) => (text.includes(secret) ? text.split(secret).join(REDACTED) : text), item);
        if (Array.isArray(item)) return item.map(scrub);
        if (item !== null && typeof item === "object") {
            return Object.fromEntries(Object.entries(item).map(([k, v]) => [k, scrub(v)]));
        }
        return item;
    };
    return scrub(value) as T;
}
