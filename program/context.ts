// What every part of the deployment needs, built once per stack: the organization and this environment,
// the tags, the per-account providers and the readers of the stacks this one depends on.
import * as pulumi from "@pulumi/pulumi";
import { Environment, EnvironmentSettings, Organization, stackDependencies } from "../config";
import { AccountProviders } from "../components";
import { StackOutputReader } from "./outputs";

export interface StackContext {
    organization: Organization;
    environment: Environment;
    settings: EnvironmentSettings;
    /** Every resource's tags: the environment's plus Environment and ManagedBy. */
    tags: Record<string, string>;
    providers: AccountProviders;
    /** Options for resources in this environment's own account. */
    home: pulumi.ComponentResourceOptions;
    /** The stacks this one reads, by environment name. */
    stacks: ReadonlyMap<string, StackOutputReader>;
}

export function createStackContext(organization: Organization, environment: Environment): StackContext {
    const { settings } = environment;
    const tags = { ...settings.tags, Environment: environment.name, ManagedBy: "crossaccount" };
    const dependencies = stackDependencies(organization, environment.name);

    // Providers only for the accounts this stack touches: its own, peers whose side of a peering it manages,
    // and the owners of the functions its roles invoke, whose permissions it manages.
    const peers = settings.network?.peerings.map((p) => p.peer) ?? [];
    const functionOwners = settings.roles.flatMap((role) => role.invoke.map((ref) => ref.env));
    const providers = new AccountProviders({
        accounts: [...new Set([environment.name, ...peers, ...functionOwners])].map((name) => ({
            name,
            accountId: organization.environments[name].accountId,
            region: organization.environments[name].region,
        })),
        region: environment.region,
        partition: organization.partition,
        deploymentRoleName: organization.deploymentRoleName,
        sessionName: `crossaccount-${environment.name}`,
    });
    const home = { provider: providers.forAccount(environment.name) };

    const stacks = new Map<string, StackOutputReader>();
    for (const name of dependencies) {
        const other = organization.environments[name];
        stacks.set(name, new StackOutputReader(`${name}-stack`, `${pulumi.getOrganization()}/${pulumi.getProject()}/${other.stack}`));
    }
    return { organization, environment, settings, tags, providers, home, stacks };
}

/** The reader of a stack this one depends on (stackDependencies lists every one it reads). */
export function stackOf(context: StackContext, env: string): StackOutputReader {
    const reader = context.stacks.get(env);
    if (!reader) throw new Error(`stack of environment '${env}' is read but not among the dependencies of ${context.environment.name}`);
    return reader;
}
