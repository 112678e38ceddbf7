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
