/** Config of the operations alarms and audit trail (Monitoring, AuditTrail). */
import { z } from "zod";
import { windowSchema } from "../../functions/change-window/core";

/** Operations alarms (Monitoring, both stacks). */
export const monitoringSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** Who is told when an alarm fires (email subscriptions must be confirmed from the mail). */
  subscriptions: z
    .array(
      z.discriminatedUnion("protocol", [
        z.strictObject({ protocol: z.literal("email"), endpoint: z.email() }),
        z.strictObject({
          protocol: z.literal("https"),
          endpoint: z.url({ protocol: /^https$/ }),
        }),
        z.strictObject({
          protocol: z.enum(["sqs", "lambda"]),
          endpoint: z.string().regex(/^arn:aws[-a-z]*:(sqs|lambda):/, "an SQS queue or Lambda ARN"),
        }),
      ]),
    )
    .default([]),
  concurrentCallsPercent: z.number().int().min(1).max(100).default(80),
  longestQueueWaitSeconds: z.number().int().min(1).max(86_400).default(120),
  missedCallsPer5Minutes: z.number().int().min(1).default(5),
  queueMessageAgeSeconds: z.number().int().min(60).max(1_209_600).default(900),
  durationOfTimeoutPercent: z.number().int().min(10).max(100).default(80),
  replicationLatencySeconds: z.number().int().min(60).default(900),
  /**
   * When administrative changes (Connect, IAM Identity Center) are expected; a change at any
   * other time is reported to the alarm topic. Default: weekends, all day.
   */
  changeWindows: z
    .array(windowSchema)
    .default([{ days: ["SATURDAY", "SUNDAY"], from: "00:00", to: "24:00" }]),
  changeWindowTimeZone: z.string().min(1).default("Asia/Tokyo"),
  /**
   * A CloudTrail trail of reads and writes of recordings, contact records and configuration
   * backups (S3 data events) and of write management calls. Default: on for the primary.
   */
  auditTrail: z.boolean().optional(),
});

export type MonitoringConfig = z.output<typeof monitoringSchema>;
