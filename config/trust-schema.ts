// The trust sources of a role's `trust` beyond accounts and services: CI chains (roles by reference or exact
// ARN), GitHub Actions and GitLab repositories, IAM Identity Center permission sets, and session options.
import { z } from "zod";
import { parseTrustedRole, referenceSchema } from "./refs";
import { PERMISSION_SET_NAME } from "../aws";

export const trustedRole = referenceSchema(
    parseTrustedRole,
    "must reference a role as <environment>/role/<RoleName> or be an exact role ARN arn:<partition>:iam::<account>:role/<name> (no wildcards)",
);

// A GitHub owner/repository or GitLab group/project: spelled out, never a wildcard (any repository could then assume the role).
const repositoryPath = z
    .string()
    .regex(/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)+$/, "must be <owner>/<repository> spelled out, without wildcards (e.g. acme/app)");
// A branch, tag or environment name or pattern; `*` matches within the ref, never across the claim's ':' fields.
const refPattern = z.string().regex(/^[^:\s]{1,255}$/, "must be a branch, tag or environment name or pattern without ':' or spaces");

export const githubTrustSchema = z
    .object({
        repository: repositoryPath,
        branches: z.array(refPattern).default([]),
        environments: z.array(refPattern).default([]),
        tags: z.array(refPattern).default([]),
    })
    .strict()
    .refine((g) => g.branches.length + g.environments.length + g.tags.length > 0, {
        message:
            "must name at least one of branches, environments or tags (otherwise every workflow of the repository, pull requests included, could assume the role)",
    });

export const gitlabTrustSchema = z
    .object({
        project: repositoryPath,
        branches: z.array(refPattern).default([]),
        tags: z.array(refPattern).default([]),
    })
    .strict()
    .refine((g) => g.branches.length + g.tags.length > 0, { message: "must name at least one of branches or tags" });

const permissionSetName = z
    .string()
    .regex(PERMISSION_SET_NAME, "must be a permission set name: 1-32 characters of letters, digits and + = , . @ _ -");

export const identityCenterTrustSchema = z
    .object({
        /** Permission sets whose provisioned roles may assume this role. */
        permissionSets: z.array(permissionSetName).min(1, "must name at least one permission set"),
        /** Accounts (environment names or IDs) the permission sets are provisioned in; default: this role's own. */
        accounts: z.array(z.string()).default([]),
    })
    .strict();

export const sessionSchema = z
    .object({
        /** Allow sts:TagSession (GitHub's configure-aws-credentials tags sessions by default). */
        tagSession: z.boolean().default(false),
        /** Allow sts:SetSourceIdentity. */
        setSourceIdentity: z.boolean().default(false),
        /** Require a source identity matching one of these (StringLike sts:SourceIdentity); needs setSourceIdentity. */
        sourceIdentity: z
            .array(z.string().regex(/^[\w+=,.@*?-]{1,64}$/, "must be 1-64 characters of letters, digits, + = , . @ _ - and wildcards"))
            .default([]),
    })
    .strict();

export type GithubTrustSettings = z.infer<typeof githubTrustSchema>;
export type GitlabTrustSettings = z.infer<typeof gitlabTrustSchema>;
