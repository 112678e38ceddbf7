// What an identity-policy statement may reach: its actions, and whether its resources can belong to a service.
import type { Statement } from "./iam";

export const actionsOf = (statement: Statement): string[] => statement.action?.values ?? [];

/**
 * Whether a statement's resources can include resources of `service` (IAM roles, policies, users):
 * an IAM action granted on an S3 ARN grants nothing.
 */
export function mayTargetService(statement: Statement, service: string): boolean {
    if (statement.notResource || !statement.resource || statement.resource.hasUnknown) return true;
    return statement.resource.values.some((resource) => resourceMayBelongTo(resource, service));
}

export function resourceMayBelongTo(resource: string, service: string): boolean {
    const [prefix, partition, resourceService] = resource.split(":");
    if (resourceService === undefined) return /[*?]/.test(resource);
    return [prefix, partition, resourceService].some((part) => /[*?]/.test(part)) || resourceService === service;
}
