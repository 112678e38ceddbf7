// How the reports name accounts, principals and resources: the organization's account names instead
// of 12-digit IDs where the name is unambiguous, and short names ("dev root", "prod role UpdateApp")
// in place of ARNs. Bucket ARNs carry no account: callers pass the account the plan knows.
import { identityCenterPermissionSet } from "../policy-pack/lib/iam";

/** Where a CI job comes from: its provider stands where an account would (AccessEdge.sourceAccountId). */
// Boxes that are no account: CI providers, and AWS services acting for any account of the organization
// (scoped by aws:SourceOrgID, as the audit trails are).
const PROVIDERS: Record<string, string> = { github: "GitHub Actions", gitlab: "GitLab CI", organization: "the organization" };

/** Short, account-free names of ARNs and principals, by the service and resource type they name. */
export function shortName(arnOrPrincipal: string): string {
    if (arnOrPrincipal === "*") return "anyone";
    // A CI job by its token's sub claim; an Identity Center permission set's roles as sso/<PermissionSet>.
    const job = /^(github|gitlab):(.+)$/.exec(arnOrPrincipal);
    if (job) return job[2];
    const permissionSet = identityCenterPermissionSet(arnOrPrincipal);
    if (permissionSet) return `sso/${permissionSet}`;
    const parts = arnOrPrincipal.split(":");
    if (parts[0] !== "arn" || parts.length < 6) return arnOrPrincipal; // a service principal or an account ID
    const service = parts[2];
    const resource = parts.slice(5).join(":");
    if (service === "iam") {
        if (resource === "root") return "root";
        const [type, ...rest] = resource.split("/");
        return rest.length ? `${type} ${rest.join("/")}` : resource;
    }
    if (service === "s3") return resource.includes("/") ? `object ${resource}` : `bucket ${resource}`;
    const typed = /^([a-z-]+)[:/](.+)$/.exec(resource);
    return typed ? `${typed[1]} ${typed[2]}` : `${service} ${resource}`;
}

export class AccountNames {
    private readonly names = new Map<string, string>();

    /**
     * `accounts`: name -> ID as the stack files list them. An ID listed under two names keeps its ID.
     * `vendors` (organization.vendors) are named "vendor <name>".
     */
    constructor(accounts: Record<string, string>, vendors: Record<string, string> = {}) {
        const byId = new Map<string, string[]>();
        for (const [name, id] of Object.entries(accounts)) byId.set(id, [...(byId.get(id) ?? []), name]);
        for (const [name, id] of Object.entries(vendors)) if (!byId.has(id)) byId.set(id, [`vendor ${name}`]);
        for (const [id, names] of byId) if (names.length === 1) this.names.set(id, names[0]);
    }

    /** "dev", or the ID when the name is ambiguous or the account is outside the organization; "*" is any account. */
    account(id: string): string {
        if (id === "*") return "any account";
        return PROVIDERS[id] ?? this.names.get(id) ?? id;
    }

    /** "dev (111111111111)" where a name exists. */
    accountWithId(id: string): string {
        const name = this.names.get(id);
        return name && !PROVIDERS[id] ? `${name} (${id})` : this.account(id);
    }

    /** "dev root", "prod bucket productionapp-999999999999", "dev cloudtrail.amazonaws.com" (acting for dev). */
    label(arnOrPrincipal: string, accountId: string): string {
        if (arnOrPrincipal === "*") return "anyone";
        // A target no longer planned whose ARN has no account (a bucket lost from the lock).
        if (!accountId) return shortName(arnOrPrincipal);
        return `${this.account(accountId)} ${shortName(arnOrPrincipal)}`;
    }
}
