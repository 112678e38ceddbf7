/** ECR repositories and their repository policies. */
import { aws } from "../../../policy-pack/lib/resource-types";
import type { AccessModel, ResourceNodeType } from "../model";
import type { PlannedResource } from "../types";
import { namedResourceKind, str } from "./kind";

const REPOSITORY: ResourceNodeType = { kind: "repository", service: "ecr", prefix: "repository/" };

function addRepositoryPolicy(model: AccessModel, r: PlannedResource): void {
    const ref = str(r.inputs.repository);
    if (!ref) return;
    const node =
        model.resources.find((n) => n.kind === "repository" && n.accountId === r.accountId && (n.name === ref || n.arn === ref)) ??
        model.addResource(
            REPOSITORY,
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
    { type: aws.ecr.Repository, indexedAs: REPOSITORY },
    { type: aws.ecr.RepositoryPolicy, attach: addRepositoryPolicy },
);
