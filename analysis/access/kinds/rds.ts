/**
 * Shared RDS DB snapshots. A snapshot has no resource policy; its restore attribute (`sharedAccounts`)
 * is modelled as the policy AWS effectively applies: the shared accounts may copy or restore it.
 */
import { aws } from "../../../policy-pack/lib/resource-types";
import { ACCOUNT_ID, rootArn } from "../../../policy-pack/lib/iam";
import type { AccessModel } from "../model";
import type { PlannedResource } from "../types";
import { str, strings, type ResourceKindModule } from "./kind";

/** What a shared account may do with a shared DB snapshot (RDS "Sharing a DB snapshot"). */
export const SNAPSHOT_SHARE_ACTIONS = ["rds:CopyDBSnapshot", "rds:RestoreDBInstanceFromDBSnapshot"];

function addSnapshot(model: AccessModel, r: PlannedResource): void {
    const identifier = str(r.outputs.id) ?? str(r.inputs.targetDbSnapshotIdentifier) ?? str(r.inputs.dbSnapshotIdentifier);
    const node = model.addResource({ kind: "snapshot", service: "rds", prefix: "snapshot:" }, r, str(r.outputs.dbSnapshotArn), identifier);
    const shared = strings(r.inputs.sharedAccounts ?? r.outputs.sharedAccounts);
    if (shared.length === 0) return;
    const everyone = shared.some((account) => account.toLowerCase() === "all");
    const principals = shared.filter((account) => ACCOUNT_ID.test(account)).map((account) => rootArn(account, node.partition));
    node.policy = model.makePolicy(
        `${node.arn} sharing`,
        {
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "SharedWithAccounts",
                    Effect: "Allow",
                    Principal: everyone ? "*" : { AWS: principals },
                    Action: SNAPSHOT_SHARE_ACTIONS,
                    Resource: node.arn,
                },
            ],
        },
        "resource",
    );
}

export const rds: ResourceKindModule = {
    name: "rds",
    // DB snapshots only: cluster snapshots are shared the same way but not modelled yet.
    indexes: { [aws.rds.Snapshot.__pulumiType]: addSnapshot, [aws.rds.SnapshotCopy.__pulumiType]: addSnapshot },
    attaches: {},
};
