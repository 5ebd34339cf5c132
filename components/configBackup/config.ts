/** Config of the scheduled configuration snapshots (ConfigBackup). */
import { z } from "zod";

/** Scheduled snapshots of the Connect configuration (ConfigBackup, both stacks). */
export const configBackupSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** EventBridge Scheduler expression; default every day at 03:00 in `timezone`. */
  schedule: z
    .string()
    .regex(
      /^(cron\([^)]+\)|rate\(\d+ (minute|minutes|hour|hours|day|days)\))$/,
      "an EventBridge Scheduler expression such as cron(0 3 * * ? *) or rate(12 hours)",
    )
    .default("cron(0 3 * * ? *)"),
  timezone: z.string().min(1).default("Asia/Tokyo"),
  /** Days a snapshot stays in the regional bucket; the vault keeps its copy by its own rules. */
  retentionDays: z.number().int().min(1).max(36500).default(400),
  /** Connect requests per second per API the exporter may use (Connect's default quota: 2). */
  requestsPerSecond: z.number().positive().max(100).default(2),
});

export type ConfigBackupConfig = z.output<typeof configBackupSchema>;
