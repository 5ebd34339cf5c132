/** Config of compliance detection (CompliancePipeline). */
import { z } from "zod";
import { SEVERITIES } from "../../functions/compliance-detector/detect";

/** Compliance detection (CompliancePipeline, both stacks). */
export const complianceSchema = z.strictObject({
  /** Findings at or above this severity are alerted (SNS topic and the project event bus). */
  alertSeverity: z.enum(SEVERITIES).default("high"),
  /**
   * Dictionary entries at or above this severity become native Contact Lens real-time rules
   * (word-based, at most 100 phrases per participant); "off" deploys none.
   */
  realtimeRuleSeverity: z.enum([...SEVERITIES, "off"]).default("high"),
});

export type ComplianceConfig = z.output<typeof complianceSchema>;
