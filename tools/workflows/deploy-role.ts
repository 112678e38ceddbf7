// The one place that says which IAM role a GitHub Actions job assumes (through OIDC) to release a stack.
//
// The stack's own `<deployRoleName>` role (default GitHubActionsDeploy) when its stack file declares it with a
// `github` trust (issue 11: the reference organization does, in every account), with its path; otherwise
// `arn:<partition>:iam::<account>:role/<deployRoleName>` in the stack's account, for a role created outside
// this project.
import { Organization, roleArnOf } from "../../config";
import { roleArn } from "../../aws";

/** The deploy role GitHub Actions assumes in `environment`'s account. */
export function deployRoleArn(organization: Organization, environment: string, roleName: string): string {
    const declared = organization.environments[environment]?.settings.roles.find(
        (role) => role.name === roleName && role.trust.github.length > 0,
    );
    if (declared) return roleArnOf(organization, { kind: "role", env: environment, name: roleName });
    const accountId = organization.environments[environment]?.accountId ?? organization.accounts[environment];
    if (accountId === undefined) throw new Error(`no account for environment '${environment}'`);
    return roleArn(accountId, roleName, "/", organization.partition);
}
