// The deployment of one environment's stack, by concern: identity, sharing, audit and network, around
// one StackContext. The order below is the order resources register in.
import { Environment, Organization } from "../config";
import { createStackContext } from "./context";
import { deployAssumeRoleGrants, deployIdentities } from "./identity";
import { deployInvokeGrants, deploySharedResources } from "./sharing";
import { deployAudit } from "./audit";
import { deployNetwork } from "./network";
import { StackOutputs, mapValues } from "./outputs";

export { StackContext, createStackContext } from "./context";
export { ReadableOutput, STACK_OUTPUT_NAMES, StackOutputReader, StackOutputs } from "./outputs";

export function deployEnvironment(organization: Organization, environment: Environment): StackOutputs {
    const context = createStackContext(organization, environment);
    const { groups, roles } = deployIdentities(context);
    const { buckets, functions, repositories, snapshots } = deploySharedResources(context);
    deployInvokeGrants(context, roles, functions);
    deployAssumeRoleGrants(context, groups);
    const audit = deployAudit(context);
    const network = context.settings.network && deployNetwork(context, context.settings.network);
    return {
        environment: environment.name,
        accountId: environment.accountId,
        region: environment.region,
        roleArns: mapValues(roles, (role) => role.arn),
        bucketNames: mapValues(buckets, (bucket) => bucket.bucketName),
        groupNames: mapValues(groups, (group) => group.name),
        functionArns: mapValues(functions, (fn) => fn.arn),
        repositoryUrls: mapValues(repositories, (repository) => repository.repositoryUrl),
        snapshotArns: mapValues(snapshots, (snapshot) => snapshot.snapshotArn),
        snapshotKeyArns: Object.fromEntries(
            Object.entries(snapshots).flatMap(([key, snapshot]) => (snapshot.kmsKeyArn ? [[key, snapshot.kmsKeyArn]] : [])),
        ),
        ...audit,
        ...network,
    };
}
