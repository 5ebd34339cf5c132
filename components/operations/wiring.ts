/** How a stack's config becomes its audit trail, alarms and dashboard. */
import * as pulumi from "@pulumi/pulumi";
import type { VaultTarget } from "../shared/backupVault";
import type { RegionRefs, StackFacts } from "../shared/stackFacts";
import type { Watched } from "../shared/watch";
import { AuditTrail } from "./auditTrail";
import type { MonitoringConfig } from "./config";
import { Monitoring } from "./monitoring";

/** What the operations wiring reads of the stack config. */
export type OperationsStack = StackFacts & { readonly monitoring: MonitoringConfig };

/**
 * Who read or wrote recordings, contact records and configuration backups (S3 data events), and
 * every write management call: on by default for the primary (`monitoring.auditTrail`).
 */
export function deployAuditTrail(
  cfg: OperationsStack,
  region: RegionRefs,
  vault: VaultTarget,
  backupBucketArn: pulumi.Output<string> | undefined,
  opts: pulumi.ComponentResourceOptions,
) {
  if (!(cfg.monitoring.enabled && (cfg.monitoring.auditTrail ?? cfg.role === "primary"))) return {};
  const trail = new AuditTrail(
    `${cfg.stack}-audit`,
    {
      region: cfg.region,
      aliasPrefix: `${cfg.project}/${cfg.stack}`,
      stack: cfg.stack,
      dataBucketArns: [region.bucketArn, ...(backupBucketArn ? [backupBucketArn] : [])],
      accessLogBucket: region.accessLogBucketName,
      vault,
      retentionDays: cfg.logRetentionDays,
      noncurrentVersionExpirationDays: cfg.storage.noncurrentVersionExpirationDays,
    },
    opts,
  );
  return { auditTrailArn: trail.trailArn, auditTrailBucket: trail.bucketName };
}

/** Alarms, alarm topic and dashboard for everything this stack registered. */
export function deployMonitoring(
  cfg: OperationsStack,
  watched: Watched[],
  outputs: Record<string, pulumi.Input<unknown>>,
  opts: pulumi.ComponentResourceOptions,
) {
  const m0 = cfg.monitoring;
  const { enabled, subscriptions, changeWindows, changeWindowTimeZone } = m0;
  // Only the numbers are thresholds (auditTrail is deployed with the region: deployAuditTrail).
  const thresholds = {
    concurrentCallsPercent: m0.concurrentCallsPercent,
    longestQueueWaitSeconds: m0.longestQueueWaitSeconds,
    missedCallsPer5Minutes: m0.missedCallsPer5Minutes,
    queueMessageAgeSeconds: m0.queueMessageAgeSeconds,
    durationOfTimeoutPercent: m0.durationOfTimeoutPercent,
    replicationLatencySeconds: m0.replicationLatencySeconds,
  };
  if (!enabled) return {};
  const failover = outputs.failoverDrPercent as pulumi.Input<number> | undefined;
  const m = new Monitoring(
    `${cfg.stack}-monitoring`,
    {
      region: cfg.region,
      aliasPrefix: `${cfg.project}/${cfg.stack}`,
      namePrefix: `${cfg.project}-${cfg.stack}`,
      watched,
      thresholds,
      subscriptions,
      note:
        failover === undefined
          ? `**${cfg.stack}** (${cfg.role}, ${cfg.region}): alarms go to ${cfg.project}-${cfg.stack}-alarms.`
          : pulumi.interpolate`**${cfg.stack}** (${cfg.role}, ${cfg.region}): traffic declared at the last pulumi up: ${failover}% of calls in ${cfg.region}. The live split: npm run drill -- --from <primary> --to ${cfg.stack} --dry-run.`,
      changeAudit: {
        stack: cfg.stack,
        logRetentionDays: cfg.logRetentionDays,
        windows: changeWindows,
        timeZone: changeWindowTimeZone,
      },
    },
    opts,
  );
  return {
    adminChangesLogGroup: m.changeLogGroup,
    alarmTopicArn: m.topicArn,
    alarmCount: m.alarmNames.length,
    dashboardName: m.dashboardName,
  };
}
