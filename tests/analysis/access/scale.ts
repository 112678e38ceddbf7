// A synthetic organization for the performance test: n accounts of ~20 resources each, with trust
// and grants between neighbouring accounts, org-wide "*" trusts and admin "*" identity policies.
import type { PlannedResource } from "../../../analysis/access/types";
import {
    bucket,
    bucketPolicy,
    doc,
    group,
    groupAttachment,
    groupPolicy,
    managedPolicy,
    membership,
    policyArn,
    role,
    roleArn,
    rolePolicy,
    root,
    user,
    userPolicy,
    orgTrustedRole,
} from "./fixtures";

export const accountId = (i: number) => String(100000000000 + i);

export function largeOrganization(n: number): PlannedResource[] {
    const out: PlannedResource[] = [];
    const acct = (i: number) => accountId(((i % n) + n) % n);
    for (let i = 0; i < n; i++) {
        const a = acct(i);
        const next = [1, 2, 3].map((d) => acct(i + d));
        const prev = [1, 2, 3].map((d) => acct(i - d));
        out.push(
            group(a, "Admins"),
            groupPolicy(a, "Admins", "admin", doc({ Effect: "Allow", Action: "*", Resource: "*" })),
            group(a, "Developers"),
            groupPolicy(
                a,
                "Developers",
                "assume-deploy",
                doc({ Effect: "Allow", Action: "sts:AssumeRole", Resource: next.map((x) => roleArn(x, "Deploy")) }),
            ),
            managedPolicy(a, "DenyProdDelete", doc({ Effect: "Deny", Action: "s3:DeleteBucket", Resource: "*" })),
            groupAttachment(a, "Developers", policyArn(a, "DenyProdDelete")),
            user(a, "alice"),
            user(a, "ci"),
            userPolicy(a, "ci", "ci", doc({ Effect: "Allow", Action: "sts:AssumeRole", Resource: `arn:aws:iam::${next[0]}:role/*` })),
            membership(a, "alice", ["Developers"]),
            role(
                a,
                "Deploy",
                doc({
                    Effect: "Allow",
                    Principal: { AWS: prev.map(root) },
                    Action: "sts:AssumeRole",
                    Condition: { Bool: { "aws:MultiFactorAuthPresent": "true" } },
                }),
            ),
            rolePolicy(
                a,
                "Deploy",
                "deploy",
                doc({ Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject"], Resource: `arn:aws:s3:::bucket-${a}/*` }),
            ),
            orgTrustedRole(a, "ReadOnly", "o-example"),
            rolePolicy(a, "ReadOnly", "read", doc({ Effect: "Allow", Action: "s3:GetObject", Resource: "*" })),
            role(
                a,
                "CI",
                doc({
                    Effect: "Allow",
                    Principal: { AWS: root(prev[0]) },
                    Action: ["sts:AssumeRole", "sts:TagSession"],
                    Condition: {
                        ArnLike: { "aws:PrincipalArn": `arn:aws:iam::${prev[0]}:role/CI` },
                        StringEquals: { "sts:ExternalId": `secret-${a}` },
                    },
                }),
            ),
            rolePolicy(a, "CI", "ci", doc({ Effect: "Allow", Action: ["sts:AssumeRole", "s3:*"], Resource: "*" })),
            role(a, "Admin", doc({ Effect: "Allow", Principal: { AWS: root(a) }, Action: "sts:AssumeRole" })),
            rolePolicy(a, "Admin", "admin", doc({ Effect: "Allow", Action: "*", Resource: "*" })),
            bucket(a, `bucket-${a}`),
            bucketPolicy(
                a,
                `bucket-${a}`,
                doc(
                    {
                        Sid: "Neighbours",
                        Effect: "Allow",
                        Principal: { AWS: prev.slice(0, 2).map(root) },
                        Action: ["s3:GetObject", "s3:List*"],
                        Resource: [`arn:aws:s3:::bucket-${a}`, `arn:aws:s3:::bucket-${a}/*`],
                        Condition: { ArnLike: { "aws:PrincipalArn": prev.slice(0, 2).map((x) => roleArn(x, "ReadOnly")) } },
                    },
                    {
                        Sid: "TLS",
                        Effect: "Deny",
                        Principal: "*",
                        Action: "s3:*",
                        Resource: [`arn:aws:s3:::bucket-${a}`, `arn:aws:s3:::bucket-${a}/*`],
                        Condition: { Bool: { "aws:SecureTransport": "false" } },
                    },
                ),
            ),
        );
    }
    return out;
}
