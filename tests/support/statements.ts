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

/** What an image pull needs, as ECR documents cross-account pulls. */
export const ECR_PULL_ACTIONS = ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"];

/**
 * A cross-account grant as the components write it: the accounts' roots as principals, narrowed to exact
 * principals by aws:PrincipalArn (naming a role that does not exist yet would fail; its account's root does not).
 */
export function allowNarrowedRoots(Sid: string, accounts: string[], Action: string | string[], principalArns: string[]) {
    const Principal = { AWS: accounts.map((account) => `arn:aws:iam::${account}:root`) };
    return { Sid, Effect: "Allow", Principal, Action, Condition: { ArnEquals: { "aws:PrincipalArn": principalArns } } };
}
