/** Config of outbound campaigns (OutboundCampaignStore). */
import { z } from "zod";

/** Outbound campaigns (OutboundCampaignStore, primary stack). */
export const outboundSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** StartOutboundVoiceContact per second for the account and region (Connect's default quota: 2). */
  dialRatePerSecond: z.number().positive().max(100).default(2),
  /** Dialer workers; each paces at dialRatePerSecond / workers. */
  workers: z.number().int().min(1).max(50).default(4),
  /** Concurrent active calls of the instance (Connect's default quota: 10). */
  maxConcurrentCalls: z.number().int().min(1).max(10_000).default(10),
  /** API requests per second at the stage (burst twice that). */
  apiRatePerSecond: z.number().int().min(1).max(10_000).default(20),
});

export type OutboundConfig = z.output<typeof outboundSchema>;
