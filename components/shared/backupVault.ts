import * as pulumi from "@pulumi/pulumi";
import { createKmsKey } from "./kmsKey";
import { createAccessLogBucket, PrivateBucket } from "./privateBucket";

export const BACKUP_VAULT_TOKEN = "customerchannel:backup:BackupVault";

export interface BackupVaultArgs {
  /** The backup region (default for Tokyo: ap-northeast-3). Must differ from every source region. */
  readonly region: string;
  /** Used in the key alias, e.g. `customerchannel/tokyo`. */
  readonly aliasPrefix: string;
  /** Days before vault objects move to S3 Glacier Flexible Retrieval; 0 keeps them in STANDARD. */
  readonly transitionDays: number;
  /** Days superseded versions are kept. */
  readonly noncurrentVersionExpirationDays: number;
  /** Days the vault's own access logs are kept. */
  readonly accessLogExpirationDays: number;
  /** Refuse `pulumi destroy` of the vault bucket. Default true. */
  readonly protect?: boolean;
}

/**
 * The vault in the backup region: its own CMK and a private bucket that receives replicas of
 * recordings, contact trace records and configuration backups from both stacks. Deletes are never
 * replicated into it, so losing or wiping a region does not empty the vault.
 */
export class BackupVault extends pulumi.ComponentResource {
  public readonly bucketName: pulumi.Output<string>;
  public readonly bucketArn: pulumi.Output<string>;
  public readonly keyArn: pulumi.Output<string>;
  public readonly region: string;

  constructor(name: string, args: BackupVaultArgs, opts?: pulumi.ComponentResourceOptions) {
    super(BACKUP_VAULT_TOKEN, name, {}, opts);
    const region = args.region;
    const { key } = createKmsKey(
      `${name}-key`,
      {
        region,
        description: "customerchannel backup vault: replicas of recordings, CTR and config backups",
        alias: `${args.aliasPrefix}/vault`,
      },
      { parent: this },
    );

    const logs = createAccessLogBucket(
      `${name}-access-logs`,
      {
        region,
        expirationDays: args.accessLogExpirationDays,
        noncurrentVersionExpirationDays: args.noncurrentVersionExpirationDays,
      },
      { parent: this },
    );

    const vault = new PrivateBucket(
      `${name}-bucket`,
      {
        region,
        dataClass: "backup-vault",
        encryption: { kind: "kms", keyArn: key.arn },
        accessLogs: { bucket: logs.bucketName, prefix: "vault/" },
        noncurrentVersionExpirationDays: args.noncurrentVersionExpirationDays,
        lifecycleRules:
          args.transitionDays > 0
            ? [
                {
                  id: "vault-to-glacier",
                  status: "Enabled",
                  filter: {},
                  transitions: [{ days: args.transitionDays, storageClass: "GLACIER" }],
                },
              ]
            : [],
        protect: args.protect ?? true,
      },
      { parent: this },
    );

    this.region = region;
    this.bucketName = vault.bucketName;
    this.bucketArn = vault.arn;
    this.keyArn = key.arn;
    this.registerOutputs({
      bucketName: this.bucketName,
      bucketArn: this.bucketArn,
      keyArn: this.keyArn,
    });
  }
}

/** What a region needs to replicate into a vault (from this stack or a StackReference). */
export interface VaultTarget {
  readonly region: pulumi.Input<string>;
  readonly bucketArn: pulumi.Input<string>;
  readonly keyArn: pulumi.Input<string>;
}

export const vaultTarget = (v: BackupVault): VaultTarget => ({
  region: v.region,
  bucketArn: v.bucketArn,
  keyArn: v.keyArn,
});
