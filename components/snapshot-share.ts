// Shares an RDS DB snapshot with named accounts of the organization. The organization creates no
// database, so this copies an existing snapshot of this account and shares the copy (its restore
// attribute, `sharedAccounts`): the source keeps its own sharing, and deleting the stack removes
// exactly what it shared. Sharing with "all" (public) or outside the organization is refused.
// The shared accounts' principals also need an identity policy in their own accounts:
// snapshotCallerStatements builds it there, callerPolicy shows its part on the snapshot and its key.
// The copy is encrypted with a customer managed key whose policy lets the shared accounts use it through
// RDS only: the one created here, or an existing one (kmsKeyArn); only an unencrypted source has none.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import {
    DEFAULT_PARTITION,
    PolicyDocument,
    RDS_DEFAULT_GROUP_NAMES,
    accountRootArn,
    assertAccountId,
    parseKmsKeyArn,
    keyAdministrationStatement,
    policyDocument,
    rdsArn,
    rdsViaService,
    serializePolicy,
    sortedUnique,
} from "../aws";
import { PermissionStatement, permissionPolicyDocument } from "./cross-account-role";
import { customerKey } from "./customer-key";

export interface SnapshotShareArgs {
    /** Identifier (or ARN) of an existing DB snapshot in this account. */
    sourceSnapshotIdentifier: string;
    /** Identifier of the shared copy. */
    snapshotIdentifier: string;
    /** 12-digit IDs of the accounts that may copy or restore the snapshot. */
    sharedAccountIds: string[];
    /** Every account of the organization; sharing with any other is refused. */
    organizationAccountIds: string[];
    /** This account and region: the key lives here, and RDS here is the only way the shared accounts may use it. */
    accountId: string;
    region: string;
    partition?: string;
    /**
     * An existing customer managed key of this account to encrypt the copy with; its key policy must already
     * grant the shared accounts what snapshotKeyPolicyDocument grants. Without it (and unless the source is
     * unencrypted) the component creates that key: a snapshot encrypted with the default aws/rds key cannot be
     * shared, and an encrypted source cannot be copied unencrypted.
     */
    kmsKeyArn?: pulumi.Input<string>;
    /** The source snapshot is not encrypted: the copy has no key, and the callers need none. */
    unencrypted?: boolean;
    /** The created key's alias; defaults to alias/rds-snapshot-<snapshotIdentifier>. */
    keyAlias?: string;
    tags?: Record<string, string>;
}

/** What a shared account does with a shared snapshot: copy it, or restore a DB instance from it. */
export const SNAPSHOT_RESTORE_ACTIONS = ["rds:CopyDBSnapshot", "rds:RestoreDBInstanceFromDBSnapshot"];

/**
 * What RDS needs of the snapshot's key for a shared account to copy or restore it (RDS User Guide,
 * "Sharing encrypted snapshots" and "Allowing access to an AWS KMS key"): read the key and decrypt the
 * snapshot's data key, and create the grant RDS keeps on the key for the new instance or copy. Nothing
 * else (no Encrypt, no GenerateDataKey, no grant administration): the copy or the instance in the caller's
 * account is encrypted with a key of that account.
 */
export const SNAPSHOT_KEY_USE_ACTIONS = ["kms:Decrypt", "kms:DescribeKey"];
export const SNAPSHOT_KEY_GRANT_ACTIONS = ["kms:CreateGrant"];

export class SnapshotShare extends pulumi.ComponentResource {
    readonly snapshot: aws.rds.SnapshotCopy;
    readonly snapshotArn: pulumi.Output<string>;
    readonly sharedAccountIds: string[];
    /** The key created for the copy (absent with kmsKeyArn or an unencrypted source). */
    readonly key?: aws.kms.Key;
    readonly keyAlias?: aws.kms.Alias;
    readonly keyPolicy?: pulumi.Output<string>;
    /** The key the copy is encrypted with: the created one or kmsKeyArn; absent for an unencrypted source. */
    readonly kmsKeyArn?: pulumi.Output<string>;
    /** The identity policy a principal of a shared account needs on the snapshot and its key (its own account's instances and groups aside: snapshotCallerStatements). */
    readonly callerPolicy: pulumi.Output<string>;

    constructor(name: string, args: SnapshotShareArgs, opts?: pulumi.ComponentResourceOptions) {
        validateSnapshotShare(args);
        super("crossaccount:index:SnapshotShare", name, {}, opts);
        this.sharedAccountIds = sortedUnique(args.sharedAccountIds);
        const partition = args.partition ?? DEFAULT_PARTITION;

        if (!args.unencrypted && args.kmsKeyArn === undefined) {
            const key = customerKey(this, name, {
                description: `Encrypts the shared DB snapshot ${args.snapshotIdentifier}; the shared accounts use it through RDS only.`,
                policy: snapshotKeyPolicyDocument({ ...args, sharedAccountIds: this.sharedAccountIds, partition }),
                policyName: `Key policy of the key of snapshot ${args.snapshotIdentifier}`,
                alias: args.keyAlias ?? `alias/rds-snapshot-${args.snapshotIdentifier}`,
                tags: args.tags,
            });
            this.keyPolicy = key.policy;
            this.key = key.key;
            this.keyAlias = key.alias;
        }
        const keyArn = this.key ? this.key.arn : args.kmsKeyArn;
        this.kmsKeyArn = keyArn === undefined ? undefined : pulumi.output(keyArn);

        this.snapshot = new aws.rds.SnapshotCopy(
            name,
            {
                sourceDbSnapshotIdentifier: args.sourceSnapshotIdentifier,
                targetDbSnapshotIdentifier: args.snapshotIdentifier,
                sharedAccounts: this.sharedAccountIds,
                kmsKeyId: this.kmsKeyArn,
                tags: args.tags,
            },
            { parent: this },
        );
        this.snapshotArn = this.snapshot.dbSnapshotArn;
        const shared = { region: args.region, keyArn: this.kmsKeyArn };
        this.callerPolicy = this.snapshotArn.apply((arn) =>
            serializePolicy(permissionPolicyDocument(sharedSnapshotStatements([{ ...shared, arn }]))),
        );

        this.registerOutputs({
            snapshotArn: this.snapshotArn,
            sharedAccountIds: this.sharedAccountIds,
            kmsKeyArn: this.kmsKeyArn,
            callerPolicy: this.callerPolicy,
        });
    }
}

/**
 * The key policy of a shared snapshot's key: this account administers it (without that statement nobody
 * could, not even to fix the policy); the shared accounts may only decrypt, describe and create grants for
 * AWS resources, and only through RDS in the key's region. Their own identity policies must allow the
 * same (snapshotCallerStatements): a key policy naming an account root delegates to that account's IAM.
 */
export function snapshotKeyPolicyDocument(
    args: Pick<SnapshotShareArgs, "accountId" | "region" | "sharedAccountIds" | "partition">,
): PolicyDocument {
    const partition = args.partition ?? DEFAULT_PARTITION;
    const sharedRoots = sortedUnique(args.sharedAccountIds).map((accountId) => accountRootArn(accountId, partition));
    const viaRds = { "kms:ViaService": rdsViaService(args.region) };
    return policyDocument([
        keyAdministrationStatement(args.accountId, partition),
        {
            Sid: "SharedAccountsUseThroughRds",
            Effect: "Allow",
            Principal: { AWS: sharedRoots },
            Action: SNAPSHOT_KEY_USE_ACTIONS,
            Resource: "*",
            Condition: { StringEquals: viaRds },
        },
        {
            Sid: "SharedAccountsGrantToRds",
            Effect: "Allow",
            Principal: { AWS: sharedRoots },
            Action: SNAPSHOT_KEY_GRANT_ACTIONS,
            Resource: "*",
            Condition: { StringEquals: viaRds, Bool: { "kms:GrantIsForAWSResource": "true" } },
        },
    ]);
}

/** A snapshot shared with the caller: its ARN, the region RDS uses its key in, and the key (none when unencrypted). */
export interface SharedSnapshotRef {
    arn: string;
    region: string;
    keyArn?: pulumi.Input<string>;
}

/** Where a caller restores and copies shared snapshots in its own account. */
export interface RestoreTarget {
    accountId: string;
    region: string;
    partition?: string;
    /**
     * Instances, option groups, parameter groups, subnet groups and snapshot copies the caller creates or
     * uses are named `<prefix>...`: RestoreDBInstanceFromDBSnapshot is authorized against each of them.
     */
    prefix: string;
    /** Also allow the default option and parameter groups and the default subnet group (RDS_DEFAULT_GROUP_NAMES). */
    allowDefaultGroups?: boolean;
}

/** The caller side on the shared snapshots and their keys (what SnapshotShare.callerPolicy shows). */
export function sharedSnapshotStatements(snapshots: SharedSnapshotRef[]): PermissionStatement[] {
    const statements: PermissionStatement[] = [
        { sid: "RestoreSharedSnapshots", actions: SNAPSHOT_RESTORE_ACTIONS, resources: sortedUnique(snapshots.map((s) => s.arn)) },
    ];
    const encrypted = snapshots.filter((s) => s.keyArn !== undefined);
    if (encrypted.length > 0) {
        const viaRds = { "kms:ViaService": sortedUnique(encrypted.map((s) => rdsViaService(s.region))) };
        const keys = encrypted.map((s) => s.keyArn!);
        statements.push(
            { sid: "UseSharedSnapshotKeys", actions: SNAPSHOT_KEY_USE_ACTIONS, resources: keys, conditions: { StringEquals: viaRds } },
            {
                sid: "GrantSharedSnapshotKeysToRds",
                actions: SNAPSHOT_KEY_GRANT_ACTIONS,
                resources: keys,
                conditions: { StringEquals: viaRds, Bool: { "kms:GrantIsForAWSResource": "true" } },
            },
        );
    }
    return statements;
}

/**
 * Everything a caller needs to copy or restore shared snapshots: the snapshots and their keys, and in its
 * own account the resources RestoreDBInstanceFromDBSnapshot is also authorized against (the instance, option
 * group, parameter group and subnet group: the Service Authorization Reference marks them required) and the
 * snapshot copies CopyDBSnapshot creates, all named by the target's prefix.
 */
export function snapshotCallerStatements(snapshots: SharedSnapshotRef[], target: RestoreTarget): PermissionStatement[] {
    const arn = (type: Parameters<typeof rdsArn>[0], name: string) => rdsArn(type, target.region, target.accountId, name, target.partition);
    const own = (["db", "og", "pg", "subgrp"] as const).map((type) => arn(type, `${target.prefix}*`));
    const defaults = target.allowDefaultGroups
        ? (["og", "pg", "subgrp"] as const).map((type) => arn(type, RDS_DEFAULT_GROUP_NAMES[type]))
        : [];
    const [shared, ...keys] = sharedSnapshotStatements(snapshots);
    return [
        shared,
        { sid: "RestoreIntoOwnInstances", actions: ["rds:RestoreDBInstanceFromDBSnapshot"], resources: [...own, ...defaults] },
        { sid: "CopyIntoOwnSnapshots", actions: ["rds:CopyDBSnapshot"], resources: [arn("snapshot", `${target.prefix}*`)] },
        ...keys,
    ];
}

// RDS: 1-255 letters, digits or hyphens, starting with a letter, no "--", not ending in "-".
const SNAPSHOT_IDENTIFIER = /^(?!.*--)[A-Za-z][A-Za-z0-9-]{0,254}(?<!-)$/;

export function snapshotIdentifierProblem(identifier: string): string | undefined {
    return SNAPSHOT_IDENTIFIER.test(identifier)
        ? undefined
        : 'must be 1-255 letters, digits or hyphens, start with a letter, and neither contain "--" nor end with "-"';
}

function validateSnapshotShare(args: SnapshotShareArgs): void {
    assertAccountId(args.accountId, `account of snapshot ${args.snapshotIdentifier}`);
    if (args.unencrypted && args.kmsKeyArn !== undefined) {
        throw new Error(`Snapshot ${args.snapshotIdentifier}: give kmsKeyArn or unencrypted, not both`);
    }
    if (typeof args.kmsKeyArn === "string") {
        const key = parseKmsKeyArn(args.kmsKeyArn);
        if (!key || key.accountId !== args.accountId || key.region !== args.region) {
            throw new Error(
                `Snapshot ${args.snapshotIdentifier}: kmsKeyArn must be the ARN of a key of account ${args.accountId} in ${args.region} (got "${args.kmsKeyArn}")`,
            );
        }
    }
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
                `Refusing to share snapshot ${args.snapshotIdentifier} with account ${accountId}, ` +
                    `which is not in the organization (${sortedUnique(args.organizationAccountIds).join(", ")})`,
            );
        }
    }
}
