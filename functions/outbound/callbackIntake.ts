/**
 * A caller who chose a callback when the queue was long, put into the callback campaign of the
 * desk they waited for (the callback-offer flow invokes this; the dialer calls back within the
 * campaign's windows, which are the desk's hours, and the call goes to the same desk's queue).
 *
 * Why the store and not Connect's queued callback: the store enforces the legal calling windows,
 * the do-not-call list and the destination rules, and records every attempt in DynamoDB, which a
 * queued callback does not. The request goes through the outbound API's own enqueue path in
 * process (`makeApi`), so a callback is validated, DNC-checked, stored and queued exactly as an
 * API caller's would be; its idempotency key is the contact id, so a flow that retries never
 * books two calls. The caller is told when to expect it: the campaign's next calling window.
 */
import { z } from "zod";
import { normalizeE164 } from "../../lib/phone";
import type { ApiEvent, ApiResponse } from "./api";
import { DEFAULT_DESTINATIONS } from "./destinations";
import type { Campaign } from "./store";
import { nextCallTime } from "./windows";

const eventSchema = z.object({
  Details: z.object({
    ContactData: z.object({
      ContactId: z.string().regex(/^[0-9a-f-]{36}$/),
      CustomerEndpoint: z.object({ Address: z.string().optional() }).nullish(),
      /** The queue the caller waited in (set by the menu before the offer). */
      Queue: z.object({ ARN: z.string().optional() }).nullish(),
      Attributes: z.record(z.string(), z.string()).default({}),
    }),
    Parameters: z.object({
      /**
       * The number the caller keyed ($.StoredCustomerInput: national 0312345678 or E.164; the
       * text "Timeout" when nothing was keyed); absent: the caller's own number.
       */
      phoneNumber: z.string().max(20).optional(),
    }),
  }),
});

export type IntakeResult = "Queued" | "InvalidNumber" | "NotAvailable" | "Failed";
export interface IntakeResponse extends Record<string, string> {
  result: IntakeResult;
  /** What to tell the caller (Japanese SSML). */
  ssml: string;
  /** ISO time of the campaign's next window, when queued. */
  expectedFrom: string;
}

export interface IntakeDeps {
  /** The callback campaign of the desk whose queue this is (queue ARN); undefined: none. */
  readonly campaignFor: (queueArn: string | undefined) => string | undefined;
  readonly api: (event: ApiEvent) => Promise<ApiResponse>;
  readonly getCampaign: (campaignId: string) => Promise<Campaign | undefined>;
  readonly now: () => number;
  readonly logger: {
    info(message: string, fields: Record<string, unknown>): void;
    warn(message: string, fields: Record<string, unknown>): void;
  };
}

const respond = (result: IntakeResult, ssml: string, expectedFrom = ""): IntakeResponse => ({
  result,
  ssml: `<speak>${ssml}</speak>`,
  expectedFrom,
});

/** 2026-12-07T09:00 JST → 12月7日 9時 (minutes when not on the hour). */
function spokenJst(t: number): string {
  const d = new Date(t + 9 * 3_600_000);
  const m = d.getUTCMinutes();
  return `${d.getUTCMonth() + 1}月${d.getUTCDate()}日 ${d.getUTCHours()}時${m ? `${m}分` : ""}`;
}

export function makeCallbackIntake(d: IntakeDeps) {
  return async (event: unknown): Promise<IntakeResponse> => {
    const parsed = eventSchema.safeParse(event);
    if (!parsed.success) {
      d.logger.warn("callback-intake: event refused", {
        problems: parsed.error.issues.map((i) => i.path.join(".")).slice(0, 10),
      });
      return respond("Failed", "ただいま折り返しのご予約を承れません。");
    }
    const { ContactData: c, Parameters: p } = parsed.data.Details;
    const contactId = c.ContactId;
    const raw = p.phoneNumber ?? c.CustomerEndpoint?.Address ?? "";
    // A keyed number is national (0312345678); the caller's own arrives in E.164.
    const phoneNumber = normalizeE164(raw.startsWith("+") ? raw : raw.replace(/^0/, "+81"));
    if (!phoneNumber) {
      d.logger.info("callback-intake", { contactId, result: "InvalidNumber" });
      return respond("InvalidNumber", "お電話番号を確認できませんでした。");
    }
    const campaignId = d.campaignFor(c.Queue?.ARN);
    const campaign = campaignId ? await d.getCampaign(campaignId) : undefined;
    if (!campaignId || !campaign || campaign.state !== "ACTIVE" || campaign.type !== "callback") {
      d.logger.warn("callback-intake: no active callback campaign for the queue", {
        contactId,
        queue: c.Queue?.ARN,
        campaignId,
      });
      return respond("Failed", "ただいま折り返しのご予約を承れません。");
    }
    const r = await d.api({
      httpMethod: "POST",
      resource: "/campaigns/{campaignId}/contacts",
      pathParameters: { campaignId },
      body: JSON.stringify({
        idempotencyKey: contactId,
        phoneNumber,
        // The verified customer when caller authentication ran; the contact otherwise.
        customerRef: c.Attributes.authCustomerId || `contact:${contactId}`,
        attributes: { callbackFor: contactId },
      }),
    });
    // A refused contact says `reason` (DNC, destination); a refused request says `error`.
    const body = JSON.parse(r.body) as { reason?: string; error?: string };
    // 202 new, 200 the same request again (a flow retry): both are booked.
    if (r.statusCode !== 202 && r.statusCode !== 200) {
      const result: IntakeResult = r.statusCode === 422 ? "NotAvailable" : "Failed";
      d.logger.warn("callback-intake", {
        contactId,
        result,
        status: r.statusCode,
        reason: body.reason ?? body.error,
      });
      return respond(
        result,
        result === "NotAvailable"
          ? "申し訳ございません。この番号への折り返しはお受けできません。"
          : "ただいま折り返しのご予約を承れません。",
      );
    }
    const from = nextCallTime(campaign, d.now());
    d.logger.info("callback-intake", { contactId, result: "Queued" });
    return from === undefined
      ? respond("Queued", "折り返しのお電話を承りました。担当者から改めてご連絡いたします。")
      : respond(
          "Queued",
          from <= d.now()
            ? "折り返しのお電話を承りました。順番にお電話いたしますので、お待ちください。"
            : `折り返しのお電話を承りました。${spokenJst(from)}以降、順番にお電話いたします。`,
          new Date(from).toISOString(),
        );
  };
}

/** The callback campaign of a desk: one per desk, so the call back reaches the same desk's queue. */
export const callbackCampaignId = (desk: string) => `callback-${desk}`;

/**
 * Reads the intake's CALLBACK_CAMPAIGNS (queue id → campaign id): Connect gives the contact's
 * queue as an ARN ending in /queue/<id>.
 */
export const campaignsByQueue =
  (byQueueId: Readonly<Record<string, string>>) =>
  (queueArn: string | undefined): string | undefined => {
    const id = queueArn?.slice(queueArn.lastIndexOf("/") + 1);
    return id && Object.hasOwn(byQueueId, id) ? byQueueId[id] : undefined;
  };

/** What the stack says of a desk's callbacks (config outbound.callbackOffer and the desk's hours). */
export interface DeskCallbacks {
  readonly desk: string;
  readonly queueId: string;
  readonly contactFlowId: string;
  readonly sourcePhoneNumber: string;
  /** The desk's hours of operation (Asia/Tokyo), which are the campaign's calling windows. */
  readonly windows: Campaign["windows"];
  readonly holidays: readonly string[];
  readonly maxAttemptsPerDay: number;
  readonly maxAttemptsTotal: number;
  readonly retryAfterMinutes: number;
  /** The stack that owns the campaign (the API refuses to cancel it). */
  readonly managedBy: string;
}

/** The campaign record the stack keeps in the outbound table for a desk's callbacks. */
export function deskCallbackCampaign(d: DeskCallbacks): Campaign {
  return {
    campaignId: callbackCampaignId(d.desk),
    name: `折り返し (${d.desk})`,
    type: "callback",
    sourcePhoneNumber: d.sourcePhoneNumber,
    contactFlowId: d.contactFlowId,
    queueId: d.queueId,
    windows: d.windows,
    holidays: [...d.holidays],
    maxAttemptsPerDay: d.maxAttemptsPerDay,
    maxAttemptsTotal: d.maxAttemptsTotal,
    retryAfterMinutes: d.retryAfterMinutes,
    destinations: { ...DEFAULT_DESTINATIONS, types: [...DEFAULT_DESTINATIONS.types] },
    state: "ACTIVE",
    managedBy: d.managedBy,
  };
}
