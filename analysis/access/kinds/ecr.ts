/** ECR repositories and their repository policies. */
import { aws } from "../../../policy-pack/lib/resource-types";
import type { AccessModel, ResourceNode } from "../model";
import type { PlannedResource } from "../types";
import { namedResourceKind, str } from "./kind";

function addRepository(
    model: AccessModel,
    r: PlannedResource,
    outputArn: string | undefined,
    name: string | undefined,
    external = false,
): ResourceNode {
    return model.addResource(
        "repository",
        r,
        outputArn,
        name,
        (partition, repository) => `arn:${partition}:ecr:${r.region}:${r.accountId}:repository/${repository}`,
        external,
    );
}

function addRepositoryPolicy(model: AccessModel, r: PlannedResource): void {
    const ref = str(r.inputs.repository);
    if (!ref) return;
    const node =
        model.resources.find((n) => n.kind === "repository" && n.accountId === r.accountId && (n.name === ref || n.arn === ref)) ??
        addRepository(
            model,
            r,
            ref.startsWith("arn:") ? ref : undefined,
            ref.startsWith("arn:") ? ref.split("/").slice(1).join("/") : ref,
            true,
        );
    const p = model.makePolicy(`${node.arn} repository policy`, r.inputs.policy, "resource");
    if (!p) return;
    if (node.policy) model.warnings.push(`repository ${node.name} has several repository policies; the last one (${r.urn}) is used`);
    node.policy = p;
}

export const ecr = namedResourceKind(
    "ecr",
    { type: aws.ecr.Repository, add: addRepository },
    { type: aws.ecr.RepositoryPolicy, attach: addRepositoryPolicy },
);
