// Hand-built PlannedResource fixtures shaped like the offline plan's mocks produce them:
// inputs as the program passes them (IAM documents as JSON strings), outputs with arn/id/name.
import type { PlannedResource } from "../../../analysis/access/types";

export const DEV = "111111111111";
export const TEST = "222222222222";
export const PROD = "333333333333";
export const OUTSIDER = "444455556666";
export const EXTERNAL_ID = "ext-Secr3t-7f3a9c";

const STACK: Record<string, string> = { [DEV]: "dev", [TEST]: "test", [PROD]: "prod" };

type Doc = { Version: "2012-10-17"; Statement: Record<string, unknown>[] };
export const doc = (...Statement: Record<string, unknown>[]): Doc => ({ Version: "2012-10-17", Statement });
export const root = (account: string) => `arn:aws:iam::${account}:root`;
export const roleArn = (account: string, name: string) => `arn:aws:iam::${account}:role/${name}`;
export const groupArn = (account: string, name: string) => `arn:aws:iam::${account}:group/${name}`;
export const userArn = (account: string, name: string) => `arn:aws:iam::${account}:user/${name}`;
/** A trust policy: `principal` may assume the role (when `Condition` holds). */
export const trustedBy = (principal: string | string[], Condition?: Record<string, unknown>): Doc =>
    doc({ Effect: "Allow", Principal: { AWS: principal }, Action: "sts:AssumeRole", ...(Condition && { Condition }) });

function res(
    type: string,
    name: string,
    accountId: string,
    inputs: Record<string, unknown>,
    outputs: Record<string, unknown> = {},
): PlannedResource {
    const stack = STACK[accountId] ?? "other";
    const short = type.split(":")[2];
    return {
        urn: `urn:pulumi:${stack}::crossaccount::${type}::${name}`,
        type,
        name,
        stack,
        accountId,
        region: "us-east-1",
        partition: "aws",
        inputs,
        outputs: { ...inputs, id: outputs.id ?? `${short}-${name}`, ...outputs },
    };
}

export function role(account: string, name: string, trust: Doc, extra: Record<string, unknown> = {}): PlannedResource {
    const path = (extra.path as string | undefined) ?? "/";
    return res(
        "aws:iam/role:Role",
        name,
        account,
        { name, path, assumeRolePolicy: JSON.stringify(trust), ...extra },
        { arn: `arn:aws:iam::${account}:role${path}${name}`, id: name },
    );
}

/** A role every principal of organization `orgId` may assume: its trust names no account, only aws:PrincipalOrgID. */
export function orgTrustedRole(account: string, name: string, orgId: string): PlannedResource {
    return role(account, name, trustedBy("*", { StringEquals: { "aws:PrincipalOrgID": orgId } }));
}
export const rolePolicy = (account: string, roleName: string, name: string, policy: Doc) =>
    res(
        "aws:iam/rolePolicy:RolePolicy",
        `${roleName}-${name}`,
        account,
        { name, role: roleName, policy: JSON.stringify(policy) },
        { id: `${roleName}:${name}` },
    );
export const group = (account: string, name: string) =>
    res("aws:iam/group:Group", name, account, { name, path: "/" }, { arn: groupArn(account, name), id: name });
export const groupPolicy = (account: string, groupName: string, name: string, policy: Doc) =>
    res("aws:iam/groupPolicy:GroupPolicy", `${groupName}-${name}`, account, { name, group: groupName, policy: JSON.stringify(policy) });
export const user = (account: string, name: string) =>
    res("aws:iam/user:User", name, account, { name, path: "/" }, { arn: userArn(account, name), id: name });
export const userPolicy = (account: string, userName: string, name: string, policy: Doc) =>
    res("aws:iam/userPolicy:UserPolicy", `${userName}-${name}`, account, { name, user: userName, policy: JSON.stringify(policy) });
export const managedPolicy = (account: string, name: string, policy: Doc) =>
    res(
        "aws:iam/policy:Policy",
        name,
        account,
        { name, path: "/", policy: JSON.stringify(policy) },
        { arn: `arn:aws:iam::${account}:policy/${name}` },
    );
export const policyArn = (account: string, name: string) => `arn:aws:iam::${account}:policy/${name}`;
export const groupAttachment = (account: string, groupName: string, arn: string) =>
    res("aws:iam/groupPolicyAttachment:GroupPolicyAttachment", `${groupName}-attach-${arn.split("/").pop()}`, account, {
        group: groupName,
        policyArn: arn,
    });
export const roleAttachment = (account: string, roleName: string, arn: string) =>
    res("aws:iam/rolePolicyAttachment:RolePolicyAttachment", `${roleName}-attach-${arn.split("/").pop()}`, account, {
        role: roleName,
        policyArn: arn,
    });
export const membership = (account: string, userName: string, groups: string[]) =>
    res("aws:iam/userGroupMembership:UserGroupMembership", `${userName}-groups`, account, { user: userName, groups });
export const bucket = (account: string, name: string) =>
    res("aws:s3/bucket:Bucket", name, account, { bucket: name }, { arn: `arn:aws:s3:::${name}`, id: name });
/** The policy resource of a named resource (S3 bucket, ECR repository): its inputs name the resource and carry the JSON. */
const attachedPolicy = (type: string, field: string) => (account: string, name: string, policy: Doc) =>
    res(type, `${name}-policy`, account, { [field]: name, policy: JSON.stringify(policy) }, { id: name });
export const bucketPolicy = attachedPolicy("aws:s3/bucketPolicy:BucketPolicy", "bucket");

const MFA = { Bool: { "aws:MultiFactorAuthPresent": "true" } };
export const assumeOnly = (...resources: string[]) => doc({ Effect: "Allow", Action: "sts:AssumeRole", Resource: resources });

/** dev / test / prod accounts shaped like the program's stacks, plus the odd cases the tests need. */
export function organization(): PlannedResource[] {
    const readImages = doc({ Effect: "Allow", Action: ["s3:GetObject"], Resource: "arn:aws:s3:::prod-product-images/*" });
    return [
        // dev: the groups and identities that reach into other accounts
        group(DEV, "Developers"),
        groupPolicy(DEV, "Developers", "allow-assume", assumeOnly(roleArn(PROD, "UpdateApp"), roleArn(TEST, "TestOnly"))),
        group(DEV, "Testers"),
        groupPolicy(DEV, "Testers", "allow-assume", assumeOnly(roleArn(PROD, "UpdateApp"), roleArn(PROD, "AppReadOnly"))),
        managedPolicy(
            DEV,
            "DenyUpdateApp",
            doc({ Sid: "DenyUpdateApp", Effect: "Deny", Action: "sts:AssumeRole", Resource: roleArn(PROD, "UpdateApp") }),
        ),
        groupAttachment(DEV, "Testers", policyArn(DEV, "DenyUpdateApp")),
        user(DEV, "ci-bot"),
        userPolicy(DEV, "ci-bot", "assume-deployer", assumeOnly(roleArn(TEST, "Deployer"))),
        role(DEV, "ImageSharingRole", trustedBy(root(DEV))),
        rolePolicy(DEV, "ImageSharingRole", "read-images", readImages),
        role(DEV, "BuildRole", trustedBy(root(DEV))),
        rolePolicy(DEV, "BuildRole", "read-images", readImages),
        role(DEV, "NoPermsRole", trustedBy(root(DEV))),

        // test: an external-ID role for dev's CI, and a role only test itself may assume
        role(TEST, "Deployer", trustedBy(root(DEV), { StringEquals: { "sts:ExternalId": EXTERNAL_ID } })),
        role(TEST, "TestOnly", trustedBy(root(TEST))),

        // prod: the roles other accounts assume, and the shared buckets
        role(PROD, "UpdateApp", trustedBy(root(DEV), { ...MFA, NumericLessThan: { "aws:MultiFactorAuthAge": "3600" } })),
        rolePolicy(
            PROD,
            "UpdateApp",
            "permissions",
            doc({ Sid: "ReadWriteApp", Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject"], Resource: "arn:aws:s3:::prod-app/*" }),
        ),
        role(PROD, "AppReadOnly", trustedBy([root(DEV), root(TEST)], MFA)),
        role(PROD, "Auditor", trustedBy(roleArn(DEV, "NoPermsRole"))),
        bucket(PROD, "prod-product-images"),
        bucketPolicy(
            PROD,
            "prod-product-images",
            doc(
                {
                    Sid: "ImageSharingRoleRead",
                    Effect: "Allow",
                    Principal: { AWS: root(DEV) },
                    Action: "s3:GetObject",
                    Resource: "arn:aws:s3:::prod-product-images/*",
                    Condition: { ArnEquals: { "aws:PrincipalArn": [roleArn(DEV, "ImageSharingRole")] } },
                },
                {
                    Sid: "DenyInsecureTransport",
                    Effect: "Deny",
                    Principal: "*",
                    Action: "s3:*",
                    Resource: ["arn:aws:s3:::prod-product-images", "arn:aws:s3:::prod-product-images/*"],
                    Condition: { Bool: { "aws:SecureTransport": "false" } },
                },
            ),
        ),
        bucket(PROD, "prod-app"),
    ];
}

// Lambda functions, their permissions (the inputs of aws.lambda.Permission), ECR repositories and
// their policies, and shared DB snapshots (the inputs of aws.rds.SnapshotCopy).
export const functionArn = (account: string, name: string) => `arn:aws:lambda:us-east-1:${account}:function:${name}`;
export const repositoryArn = (account: string, name: string) => `arn:aws:ecr:us-east-1:${account}:repository/${name}`;
export const snapshotArn = (account: string, id: string) => `arn:aws:rds:us-east-1:${account}:snapshot:${id}`;
export const lambdaFunction = (account: string, name: string) =>
    res(
        "aws:lambda/function:Function",
        name,
        account,
        { name, role: roleArn(account, `${name}-execution`) },
        { arn: functionArn(account, name), id: name },
    );
export const lambdaPermission = (account: string, name: string, inputs: Record<string, unknown>) =>
    res("aws:lambda/permission:Permission", name, account, { action: "lambda:InvokeFunction", statementId: name, ...inputs }, { id: name });
export const repository = (account: string, name: string) =>
    res("aws:ecr/repository:Repository", name, account, { name }, { arn: repositoryArn(account, name), id: name });
export const repositoryPolicy = attachedPolicy("aws:ecr/repositoryPolicy:RepositoryPolicy", "repository");
export const sharedSnapshot = (account: string, id: string, sharedAccounts: string[]) =>
    res(
        "aws:rds/snapshotCopy:SnapshotCopy",
        id,
        account,
        { sourceDbSnapshotIdentifier: `${id}-source`, targetDbSnapshotIdentifier: id, sharedAccounts },
        { id, dbSnapshotArn: snapshotArn(account, id) },
    );
