// The edge where config enters the program: the running stack's values (decrypted by the Pulumi
// runtime) plus the other stack files of the project, validated together once.
import { ConfigError, Environment, Organization, loadOrganization } from "./organization";
import { StackFile, listStacks, readStackFile, stackFileName } from "./stack-files";

export * from "./organization";
export * from "./references";
export * from "./stack-files";
export * from "./schema";
export * from "./refs";
export * from "./caller-statements";

export interface StackConfiguration {
    organization: Organization;
    environment: Environment;
}

export interface LoadOptions {
    projectDir: string;
    stack: string;
    /** The running stack's config; when absent, its stack file is read like the others. */
    currentValues?: Record<string, unknown>;
    currentSecretKeys?: string[];
    /** The day the runtime deprecation dates are compared with; defaults to now. */
    now?: Date;
}

export function loadStackConfiguration(options: LoadOptions): StackConfiguration {
    const files: StackFile[] = listStacks(options.projectDir)
        .filter((stack) => stack !== options.stack)
        .map((stack) => readStackFile(options.projectDir, stack));
    const current: StackFile = options.currentValues
        ? {
              stack: options.stack,
              fileName: stackFileName(options.stack),
              values: options.currentValues,
              secretKeys: options.currentSecretKeys ?? [],
          }
        : readStackFile(options.projectDir, options.stack);
    const organization = loadOrganization([current, ...files], { now: options.now });
    const environment = Object.values(organization.environments).find((e) => e.stack === options.stack);
    if (!environment) throw new ConfigError([`${current.fileName}: no environment is deployed by stack '${options.stack}'`]);
    return { organization, environment };
}
