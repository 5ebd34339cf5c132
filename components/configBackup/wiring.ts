/** How a stack's config becomes its scheduled configuration snapshots. */
import type * as pulumi from "@pulumi/pulumi";
import type { VaultTarget } from "../shared/backupVault";
import type { RegionRefs, StackFacts } from "../shared/stackFacts";
import type { ConfigBackupConfig } from "./config";
import { ConfigBackup } from "./configBackup";

/** What the backup wiring reads of the stack config. */
export type BackupStack = StackFacts & { readonly configBackup: ConfigBackupConfig };

/** Scheduled configuration snapshots of this stack's instance, replicated to the vault. */
export function deployConfigBackup(
  cfg: BackupStack,
  region: RegionRefs,
  vault: VaultTarget,
  opts: pulumi.ComponentResourceOptions,
) {
  const b = cfg.configBackup;
  if (!b.enabled) return { outputs: {}, bucketArn: undefined };
  const backup = new ConfigBackup(
    `${cfg.stack}-config-backup`,
    {
      region: cfg.region,
      aliasPrefix: `${cfg.project}/${cfg.stack}`,
      instanceId: region.instanceId,
      instanceArn: region.instanceArn,
      vault,
      accessLogBucket: region.accessLogBucketName,
      logsKeyArn: region.logsKeyArn,
      logRetentionDays: cfg.logRetentionDays,
      schedule: b.schedule,
      scheduleTimezone: b.timezone,
      retentionDays: b.retentionDays,
      noncurrentVersionExpirationDays: cfg.storage.noncurrentVersionExpirationDays,
      requestsPerSecond: b.requestsPerSecond,
    },
    opts,
  );
  return {
    outputs: {
      configBackupBucket: backup.bucketName,
      configBackupStateMachineArn: backup.stateMachineArn,
      // What a restore trusts: only snapshots signed with this key (npm run backup:restore).
      configBackupSigningKeyArn: backup.signingKeyArn,
    },
    bucketArn: backup.bucketArn,
  };
}
