/**
 * Replication of a bucket to the backup vault: an IAM role S3 assumes, its least-privilege policy
 * (read this bucket and key, write the vault and its key), and the replication rule. Used by every
 * bucket whose data class must reach the vault (contact data, configuration backups).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { VaultTarget } from "./backupVault";
import { replicationPolicy } from "./policies";
import { serviceRole } from "./serviceRole";
import type { PrivateBucket } from "./privateBucket";
import { watch } from "./watch";

export interface VaultReplicationArgs {
  readonly region: string;
  readonly source: PrivateBucket;
  /** The source bucket's CMK (replication decrypts with it). */
  readonly sourceKeyArn: pulumi.Input<string>;
  readonly vault: VaultTarget;
  /** What is replicated, for the role's description. */
  readonly what: string;
  /** S3 Replication Time Control (15-minute SLA and metrics). */
  readonly replicationTimeControl: boolean;
  readonly accountId: pulumi.Input<string>;
}

/**
 * Names: the role and its policy are `roleName`, the rule `configName` (kept as the callers had
 * them, so existing stacks see no replacement).
 */
export function replicateToVault(
  names: { readonly roleName: string; readonly configName: string },
  a: VaultReplicationArgs,
  parent: pulumi.Resource,
): aws.s3.BucketReplicationConfig {
  const p = { parent };
  const { role } = serviceRole(
    names.roleName,
    {
      service: "s3.amazonaws.com",
      description: `S3 replication of ${a.what} to the backup vault`,
      accountId: a.accountId,
      policy: pulumi
        .all([a.source.arn, a.sourceKeyArn, a.vault.bucketArn, a.vault.keyArn, a.vault.region])
        .apply(([sb, sk, db, dk, dr]) =>
          replicationPolicy({
            sourceBucketArn: sb,
            sourceKeyArn: sk,
            sourceRegion: a.region,
            destinationBucketArn: db,
            destinationKeyArn: dk,
            destinationRegion: dr,
          }),
        ),
    },
    p,
  );
  watch({
    kind: "replication",
    id: names.configName,
    sourceBucket: a.source.bucketName,
    destinationBucketArn: a.vault.bucketArn,
    ruleId: "to-backup-vault",
  });
  return new aws.s3.BucketReplicationConfig(
    names.configName,
    {
      region: a.region,
      bucket: a.source.bucket.id,
      role: role.arn,
      rules: [
        {
          id: "to-backup-vault",
          status: "Enabled",
          priority: 1,
          filter: {},
          // Deletes stay local: a wiped or compromised region cannot empty the vault.
          deleteMarkerReplication: { status: "Disabled" },
          sourceSelectionCriteria: {
            sseKmsEncryptedObjects: { status: "Enabled" },
            replicaModifications: { status: "Enabled" },
          },
          destination: {
            bucket: a.vault.bucketArn,
            storageClass: "STANDARD",
            encryptionConfiguration: { replicaKmsKeyId: a.vault.keyArn },
            metrics: { status: "Enabled", eventThreshold: { minutes: 15 } },
            ...(a.replicationTimeControl
              ? { replicationTime: { status: "Enabled", time: { minutes: 15 } } }
              : {}),
          },
        },
      ],
    },
    { parent, dependsOn: [a.source.versioning] },
  );
}
