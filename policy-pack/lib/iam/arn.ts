// ARN parsing, once for the pack and the analysis.

export interface ParsedArn {
    partition: string;
    service: string;
    region: string;
    account: string;
    /** Everything after the account field, colons included ("function:name:alias"). */
    resource: string;
}

/** `arn:partition:service:region:account:resource`; undefined when the text is not an ARN. */
export function parseArn(arn: string): ParsedArn | undefined {
    const parts = arn.split(":");
    if (parts.length < 6 || parts[0] !== "arn") return undefined;
    return { partition: parts[1], service: parts[2], region: parts[3], account: parts[4], resource: parts.slice(5).join(":") };
}

/** The account principal, e.g. "111111111111" → arn:aws:iam::111111111111:root. */
export function rootArn(account: string, partition = "aws"): string {
    return `arn:${partition}:iam::${account}:root`;
}

// A resource pattern that matches every resource of a service grants as much as "*": arn:aws:s3:::*,
// arn:aws:s3:::*/* (every object of every bucket), arn:aws:iam::*:role/*, arn:aws:lambda:*:*:function:*.
// A pattern that names an account or region (arn:aws:iam::111111111111:role/...) is narrower.
export function matchesEveryResource(pattern: string): boolean {
    if (/^\*+$/.test(pattern)) return true;
    const arn = parseArn(pattern);
    if (!arn) return pattern.toLowerCase().startsWith("arn:") && /^arn:[^:]*\*/i.test(pattern);
    const anywhere = (field: string): boolean => field === "" || /^\*+$/.test(field);
    if (!anywhere(arn.region) || !anywhere(arn.account)) return false;
    // Only wildcards and separators, after at most a resource-type prefix ("role/", "function:"); an S3
    // resource starts with the bucket name, so there only wildcards count.
    const typePrefix = arn.service === "s3" ? "" : "([A-Za-z][\\w-]*[/:])?";
    return new RegExp(`^${typePrefix}[*/:]*\\*[*/:]*$`).test(arn.resource);
}
