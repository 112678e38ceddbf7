// Expected IAM statements that several tests' documents share, spelled once so that each test lists only
// what varies. They build the expected side of exact-document assertions, never the code under test.

/** AWS's default key policy statement: the key's account administers the key through IAM policies. */
export const keyAdministration = (account: string) => ({
    Sid: "EnableIamUserPermissions",
    Effect: "Allow",
    Principal: { AWS: `arn:aws:iam::${account}:root` },
    Action: "kms:*",
    Resource: "*",
});

/** A statement that allows AWS service principals (CloudTrail, AWS Config, CloudWatch...) an action. */
export function allowService(
    Sid: string,
    Service: string | string[],
    Action: string | string[],
    scope: { Resource?: unknown; Condition?: unknown } = {},
): Record<string, unknown> {
    return { Sid, Effect: "Allow", Principal: { Service }, Action, ...scope };
}
