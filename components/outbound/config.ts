/** Config of outbound campaigns (OutboundCampaignStore) and the callback offer on long queues. */
import { z } from "zod";
import { PROJECT, type ConfigProblem } from "../shared/configSchema";

/**
 * The callback offer (components/outbound/callbackOffer.ts): a caller waiting for a desk when its
 * queue is long is offered a call back, booked in the outbound store within the desk's hours.
 */
export const callbackOfferSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** Offer when more contacts than this wait in the caller's queue (Connect: NumberOfContactsInQueue). */
  queueSizeAbove: z.number().int().min(0).max(10_000).default(10),
  /** ... or when the oldest has waited longer than this (OldestContactInQueueAgeSeconds). */
  oldestWaitSecondsAbove: z.number().int().min(0).max(86_400).default(180),
  /** The phoneNumbers entry whose number the bank calls back from (the caller ID customers see). */
  sourceNumber: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,31}$/, "a key of phoneNumbers")
    .default("main"),
  maxAttemptsPerDay: z.number().int().min(1).max(10).default(2),
  maxAttemptsTotal: z.number().int().min(1).max(30).default(3),
  /** Minutes before calling again after an unanswered attempt. */
  retryAfterMinutes: z.number().int().min(5).max(1440).default(30),
  /** Callers booking at the same moment (the intake function's reserved concurrency). */
  concurrency: z.number().int().min(1).max(1000).default(5),
  /** JST dates (YYYY-MM-DD) with no callbacks (祝日, 年末年始), besides days the desk is closed. */
  holidays: z
    .array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "a date YYYY-MM-DD (JST)"))
    .max(366)
    .default([]),
});

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
  callbackOffer: callbackOfferSchema.prefault({}),
});

export type OutboundConfig = z.output<typeof outboundSchema>;
export type CallbackOfferConfig = z.output<typeof callbackOfferSchema>;

/**
 * The desks the main menu offers callbacks for (inbound-main's queue choices, which pass through
 * the callback-offer flow); each gets its own callback campaign, answered by the same desk.
 */
export const CALLBACK_DESKS = ["customer-desk", "agency-desk", "card-loan-screening"] as const;

/** Whether the primary books callbacks: outbound on, the offer on, calls allowed. */
export const offersCallbacks = (c: {
  readonly role: string;
  readonly outbound: OutboundConfig;
  readonly outboundCallsEnabled: boolean;
}) =>
  c.role === "primary" &&
  c.outbound.enabled &&
  c.outbound.callbackOffer.enabled &&
  c.outboundCallsEnabled;

/**
 * A callback needs a number to call from, and desks whose hours are Japan's (the campaign's
 * windows are the desk's hours, which the dialer reads as JST).
 */
export function callbackOfferProblems(
  c: {
    readonly role: string;
    readonly outbound: OutboundConfig;
    readonly outboundCallsEnabled: boolean;
    readonly phoneNumbers: Readonly<Record<string, unknown>>;
    readonly queues: Readonly<Record<string, { readonly hours: string }>>;
    readonly hoursOfOperation: Readonly<Record<string, { readonly timeZone: string }>>;
  },
  stack: string,
): ConfigProblem[] {
  if (!offersCallbacks(c)) return [];
  const key = `${PROJECT}:outbound`;
  const off = `or turn the offer off: pulumi config set --path '${key}.callbackOffer.enabled' false --stack ${stack}`;
  const out: ConfigProblem[] = [];
  const o = c.outbound.callbackOffer;
  if (!(o.sourceNumber in c.phoneNumbers))
    out.push({
      key,
      message: `callbackOffer.sourceNumber has "${o.sourceNumber}", which is not a key of ${PROJECT}:phoneNumbers (${Object.keys(c.phoneNumbers).join(", ") || "none claimed"}): callbacks need a number to call from. Fix: pulumi config set --path '${key}.callbackOffer.sourceNumber' ${Object.keys(c.phoneNumbers)[0] ?? "main"} --stack ${stack}, ${off}`,
    });
  if (o.maxAttemptsPerDay > o.maxAttemptsTotal)
    out.push({
      key,
      message: `callbackOffer.maxAttemptsPerDay has ${o.maxAttemptsPerDay}, over maxAttemptsTotal ${o.maxAttemptsTotal}. Fix: pulumi config set --path '${key}.callbackOffer.maxAttemptsPerDay' ${o.maxAttemptsTotal} --stack ${stack}`,
    });
  for (const desk of CALLBACK_DESKS) {
    if (!c.queues[desk]) {
      out.push({
        key,
        message: `callbackOffer: the main menu's desk queue ${desk} is not in ${PROJECT}:queues; each desk's callbacks are answered in its own queue. Fix: add the queue back, ${off}`,
      });
      continue;
    }
    const hours = c.hoursOfOperation[c.queues[desk].hours];
    if (hours && hours.timeZone !== "Asia/Tokyo")
      out.push({
        key,
        message: `callbackOffer: the ${desk} queue's hours (${c.queues[desk].hours}) are in ${hours.timeZone}; callback windows are Japan time. Fix: set that hours' timeZone to Asia/Tokyo, ${off}`,
      });
  }
  return out;
}
