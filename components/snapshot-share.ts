// Shares an RDS DB snapshot with named accounts of the organization. The organization creates no
// database, so this copies an existing snapshot of this account and shares the copy (its restore
// attribute, `sharedAccounts`): the source keeps its own sharing, and deleting the stack removes
// exactly what it shared. Sharing with "all" (public) or outside the organization is refused.
// The shared accounts' principals also need an identity policy in their own accounts:
// snapshotRestoreStatement builds it there, callerPolicy shows it here.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { assertAccountId, serializePolicy, sortedUnique } from "../aws";
import { PermissionStatement, permissionPolicyDocument } from "./cross-account-role";

export interface SnapshotShareArgs {
    /** Identifier (or ARN) of an existing DB snapshot in this account. */
    sourceSnapshotIdentifier: string;
    /** Identifier of the shared copy. */
    snapshotIdentifier: string;
    /** 12-digit IDs of the accounts that may copy or restore the snapshot. */
    sharedAccountIds: string[];
    /** Every account of the organization; sharing with any other is refused. */
    organizationAccountIds: string[];
    /**
     * Required when the source is encrypted: a customer managed key whose key policy lets the shared
     * accounts use it (a snapshot encrypted with the default aws/rds key cannot be shared).
     */
    kmsKeyId?: pulumi.Input<string>;
    tags?: Record<string, string>;
}

/** What a shared account does with a shared snapshot: copy it, or restore a DB instance from it. */
export const SNAPSHOT_RESTORE_ACTIONS = ["rds:CopyDBSnapshot", "rds:RestoreDBInstanceFromDBSnapshot"];

export class SnapshotShare extends pulumi.ComponentResource {
    readonly snapshot: aws.rds.SnapshotCopy;
    readonly snapshotArn: pulumi.Output<string>;
    readonly sharedAccountIds: string[];
    /** The identity policy a principal of a shared account needs to copy or restore the snapshot. */
    readonly callerPolicy: pulumi.Output<string>;

    constructor(name: string, args: SnapshotShareArgs, opts?: pulumi.ComponentResourceOptions) {
        validateSnapshotShare(args);
        super("crossaccount:index:SnapshotShare", name, {}, opts);
        this.sharedAccountIds = sortedUnique(args.sharedAccountIds);

        this.snapshot = new aws.rds.SnapshotCopy(
            name,
            {
                sourceDbSnapshotIdentifier: args.sourceSnapshotIdentifier,
                targetDbSnapshotIdentifier: args.snapshotIdentifier,
                sharedAccounts: this.sharedAccountIds,
                kmsKeyId: args.kmsKeyId,
                tags: args.tags,
            },
            { parent: this },
        );
        this.snapshotArn = this.snapshot.dbSnapshotArn;
        this.callerPolicy = this.snapshotArn.apply((arn) => serializePolicy(permissionPolicyDocument([snapshotRestoreStatement([arn])])));

        this.registerOutputs({ snapshotArn: this.snapshotArn, sharedAccountIds: this.sharedAccountIds, callerPolicy: this.callerPolicy });
    }
}

/** The caller side: copy or restore exactly these snapshots. */
export function snapshotRestoreStatement(snapshotArns: string[]): PermissionStatement {
    return { sid: "RestoreSharedSnapshots", actions: SNAPSHOT_RESTORE_ACTIONS, resources: sortedUnique(snapshotArns) };
}

// RDS: 1-255 letters, digits or hyphens, starting with a letter, no "--", not ending in "-".
const SNAPSHOT_IDENTIFIER = /^(?!.*--)[A-Za-z][A-Za-z0-9-]{0,254}(?<!-)$/;

export function snapshotIdentifierProblem(identifier: string): string | undefined {
    return SNAPSHOT_IDENTIFIER.test(identifier)
        ? undefined
        : "must be 1-255 letters, digits or hyphens, start with a letter, and neither contain \"--\" nor end with \"-\"";
}

function validateSnapshotShare(args: SnapshotShareArgs): void {
    const problem = snapshotIdentifierProblem(args.snapshotIdentifier);
    if (problem) throw new Error(`Invalid snapshot identifier "${args.snapshotIdentifier}": ${problem}`);
    if (args.sourceSnapshotIdentifier === "") throw new Error(`Snapshot ${args.snapshotIdentifier} names no source snapshot`);
    if (args.sharedAccountIds.length === 0) {
        throw new Error(`Snapshot ${args.snapshotIdentifier} is shared with no account`);
    }
    for (const accountId of args.sharedAccountIds) {
        if (accountId.toLowerCase() === "all") {
            throw new Error(`Refusing to share snapshot ${args.snapshotIdentifier} with "all": that makes it public; name the accounts`);
        }
        assertAccountId(accountId, `account to share snapshot ${args.snapshotIdentifier} with`);
        if (!args.organizationAccountIds.includes(accountId)) {
            throw new Error(
                `Refusing to share snapshot ${args.snapshotIdentifier} with account ${accountId}, `
                    + `which is not in the organization (${sortedUnique(args.organizationAccountIds).join(", ")})`,
            );
        }
    }
}
