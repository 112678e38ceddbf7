// One explicit AWS provider per account the stack touches. Every provider pins allowedAccountIds,
// so a misconfigured credential chain fails instead of creating resources in the wrong account.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { DEFAULT_PARTITION, assertAccountId, roleArn } from "../aws";

export interface AccountRef {
    name: string;
    accountId: string;
    /** This account's region when it differs from AccountProvidersArgs.region (a peer elsewhere). */
    region?: string;
}

export interface AccountProvidersArgs {
    accounts: AccountRef[];
    region: string;
    /** When set, each provider assumes this role in its account; otherwise ambient credentials are used. */
    deploymentRoleName?: string;
    deploymentRolePath?: string;
    sessionName?: string;
    externalId?: pulumi.Input<string>;
    partition?: string;
    defaultTags?: Record<string, string>;
}

export const DEFAULT_SESSION_NAME = "pulumi-crossaccount";
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;

/** Not a component: providers are plain resources that other components receive through opts. */
export class AccountProviders {
    readonly providers: Record<string, aws.Provider>;

    constructor(args: AccountProvidersArgs, opts?: pulumi.CustomResourceOptions) {
        validate(args);
        const partition = args.partition ?? DEFAULT_PARTITION;
        const sessionName = args.sessionName ?? DEFAULT_SESSION_NAME;
        // Provider inputs are stored in state; keep the external ID out of it in plain text.
        const externalId = args.externalId === undefined ? undefined : pulumi.secret(args.externalId);

        this.providers = {};
        for (const account of args.accounts) {
            const assumeRoles = args.deploymentRoleName
                ? [
                      {
                          roleArn: roleArn(account.accountId, args.deploymentRoleName, args.deploymentRolePath ?? "/", partition),
                          sessionName,
                          externalId,
                      },
                  ]
                : undefined;
            this.providers[account.name] = new aws.Provider(
                `aws-${account.name}`,
                {
                    region: account.region ?? args.region,
                    allowedAccountIds: [account.accountId],
                    assumeRoles,
                    defaultTags: args.defaultTags ? { tags: args.defaultTags } : undefined,
                },
                opts,
            );
        }
    }

    /** The provider for a named account; throws naming the account and the known ones. */
    forAccount(name: string): aws.Provider {
        const provider = this.providers[name];
        if (!provider) {
            const known = Object.keys(this.providers).sort().join(", ") || "none";
            throw new Error(`No AWS provider for account "${name}" (known accounts: ${known})`);
        }
        return provider;
    }
}

function validate(args: AccountProvidersArgs): void {
    if (args.accounts.length === 0) {
        throw new Error("AccountProviders needs at least one account");
    }
    if (!args.region) {
        throw new Error("AccountProviders needs a region");
    }
    const seen = new Set<string>();
    for (const account of args.accounts) {
        if (!account.name) {
            throw new Error(`Account ${account.accountId} needs a name`);
        }
        if (seen.has(account.name)) {
            throw new Error(`Account name "${account.name}" is given twice`);
        }
        seen.add(account.name);
        assertAccountId(account.accountId, `account ID for "${account.name}"`);
    }
    if (args.sessionName !== undefined && !SESSION_NAME.test(args.sessionName)) {
        throw new Error(`Invalid session name "${args.sessionName}": must be 2-64 characters of letters, digits and + = , . @ _ -`);
    }
    if (args.deploymentRoleName === undefined && args.externalId !== undefined) {
        throw new Error("An external ID only applies when deploymentRoleName is set");
    }
}
