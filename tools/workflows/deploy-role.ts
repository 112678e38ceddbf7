// The one place that says which IAM role a GitHub Actions job assumes (through OIDC) to release a stack.
//
// Today: `arn:<partition>:iam::<account>:role/<deployRoleName>` (default GitHubActionsDeploy) in the
// stack's account, computed from the organization's accounts in the stack files; the role itself is
// created outside this project. Once the stack config can declare a role with a `github` trust
// (issue 11), this function should return that role's ARN instead, and nothing else has to change.
import { Organization } from "../../config";
import { roleArn } from "../../aws";

/** The deploy role GitHub Actions assumes in `environment`'s account. */
export function deployRoleArn(organization: Organization, environment: string, roleName: string): string {
    const accountId = organization.environments[environment]?.accountId ?? organization.accounts[environment];
    if (accountId === undefined) throw new Error(`no account for environment '${environment}'`);
    return roleArn(accountId, roleName, "/", organization.partition);
}
