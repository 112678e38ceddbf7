/**
 * KMS keys and their key policies. A key policy is the resource policy KMS evaluates, with one difference
 * the simulator models (its KMS service authorizer): the key's own account's identity policies count only
 * when the key policy delegates to that account. Cross-account use needs both the key policy and the
 * caller's identity policy. Aliases name keys in questions (prod/key/crossaccount-audit), as the key id
 * is random; KMS authorizes a request naming an alias against its key.
 */
import { aws } from "../../../policy-pack/lib/resource-types";
import type { AccessModel } from "../model";
import type { PlannedResource } from "../types";
import { str, type ResourceKindModule } from "./kind";

function addKey(model: AccessModel, r: PlannedResource): void {
    const keyId = str(r.outputs.keyId) ?? str(r.outputs.id);
    const node = model.addResource({ kind: "key", service: "kms", prefix: "key/" }, r, str(r.outputs.arn), keyId);
    const policy = r.inputs.policy ?? r.outputs.policy;
    // A key created without a policy gets AWS's default one: the account may administer and use it.
    node.policy = model.makePolicy(`${node.arn} key policy`, policy ?? defaultKeyPolicy(r.accountId, node.partition), "resource");
}

function defaultKeyPolicy(accountId: string, partition: string) {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "Enable IAM User Permissions",
                Effect: "Allow",
                Principal: { AWS: `arn:${partition}:iam::${accountId}:root` },
                Action: "kms:*",
                Resource: "*",
            },
        ],
    };
}

function addAlias(model: AccessModel, r: PlannedResource): void {
    const name = str(r.inputs.name) ?? str(r.outputs.name);
    const target = str(r.inputs.targetKeyId);
    if (!name || !target) return;
    const key = model.resources.find((n) => n.kind === "key" && n.accountId === r.accountId && (n.arn === target || n.name === target));
    if (!key) return;
    model.aliases.set(`arn:${key.partition}:kms:${r.region}:${r.accountId}:${name}`, key.arn);
}

/** How a principal may use a key, from the KMS actions it is allowed (the access matrix's "uses"). */
function keyUses(actions: string[]): string[] {
    const uses = new Set<string>();
    for (const action of actions.map((a) => a.toLowerCase())) {
        if (/^kms:(decrypt|reencryptfrom)$/.test(action)) uses.add("decrypt");
        else if (/^kms:(encrypt|generatedatakey.*|reencryptto|reencrypt\*)$/.test(action)) uses.add("encrypt");
        else if (/^kms:(creategrant|retiregrant|revokegrant)$/.test(action)) uses.add("grant");
        else if (/^kms:(describekey|getpublickey|getkeypolicy|listgrants)$/.test(action)) uses.add("describe");
        else uses.add("administer");
    }
    return [...uses].sort();
}

export const kms: ResourceKindModule = {
    name: "kms",
    indexes: { [aws.kms.Key.__pulumiType]: addKey },
    attaches: { [aws.kms.Alias.__pulumiType]: addAlias },
    uses: keyUses,
    resourceKinds: ["key"],
};
