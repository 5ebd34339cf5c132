/**
 * The recorder: Amazon Connect contact events (EventBridge) → the attempt's state. CONNECTED_TO_SYSTEM
 * (the callee answered) and CONNECTED_TO_AGENT (a callback reached an agent) mark it CONNECTED;
 * DISCONNECTED closes it with the disconnect reason and whether the callee responded (the outbound
 * flow's `responded` attribute, read with GetContactAttributes), frees its concurrent-call slot, and
 * either completes the request or queues the next attempt. Events for contacts this store did not
 * place are ignored with a log line; a malformed event throws, so EventBridge retries it and then
 * puts it in the dead-letter queue with the error.
 */
import { z } from "zod";
import type { DialMessage } from "./dialer";
import { slotHolder, type OutboundStore } from "./store";

const eventSchema = z.object({
  source: z.literal("aws.connect"),
  "detail-type": z.literal("Amazon Connect Contact Event"),
  time: z.string().min(1),
  detail: z.object({
    eventType: z.string().min(1),
    contactId: z.string().min(1),
    instanceArn: z.string().min(1),
    disconnectReason: z.string().optional(),
  }),
});

export class MalformedEvent extends Error {
  constructor(readonly fields: string) {
    super(`malformed contact event (${fields})`);
    this.name = "MalformedEvent";
  }
}

export interface RecorderDeps {
  readonly store: OutboundStore;
  /** The contact's user-defined attributes (GetContactAttributes). */
  readonly contactAttributes: (contactId: string) => Promise<Record<string, string>>;
  readonly requeue: (msg: DialMessage, delaySeconds: number) => Promise<void>;
  readonly now: () => number;
  readonly log: (message: string, fields: Record<string, unknown>) => void;
}

export type RecordOutcome =
  | "ignored-event-type"
  | "unknown-contact"
  | "stale"
  | "connected"
  | "completed"
  | "retry-queued"
  | "attempts-exhausted";

const CONNECTED = new Set(["CONNECTED_TO_SYSTEM", "CONNECTED_TO_AGENT"]);

export async function recordEvent(d: RecorderDeps, event: unknown): Promise<RecordOutcome> {
  const parsed = eventSchema.safeParse(event);
  if (!parsed.success) {
    throw new MalformedEvent(
      parsed.error.issues.map((i) => i.path.join(".") || "(event)").join(", "),
    );
  }
  const { detail, time } = parsed.data;
  if (!CONNECTED.has(detail.eventType) && detail.eventType !== "DISCONNECTED")
    return "ignored-event-type";
  const attempt = await d.store.attemptForContact(detail.contactId);
  if (!attempt) {
    // Inbound calls and contacts placed by other tools share the instance's event stream.
    d.log("event for a contact this store did not place", {
      contactId: detail.contactId,
      eventType: detail.eventType,
    });
    return "unknown-contact";
  }
  if (CONNECTED.has(detail.eventType)) {
    return (await d.store.advanceAttempt(attempt, "CONNECTED", { at: time }))
      ? "connected"
      : "stale";
  }
  // A repeated DISCONNECTED needs no GetContactAttributes call (it shares Connect's API quota);
  // the conditional update below still decides races between concurrent deliveries.
  if (attempt.state === "DISCONNECTED") return "stale";
  const attrs = await d.contactAttributes(detail.contactId);
  const responded = attrs.responded === "true";
  const after = await d.store.advanceAttempt(attempt, "DISCONNECTED", {
    at: time,
    responded,
    disconnectReason: detail.disconnectReason,
  });
  if (!after) return "stale";
  // Exactly once per attempt: only the event that moved it to DISCONNECTED frees its slot.
  if (attempt.holdsSlot) await d.store.releaseSlot(slotHolder(attempt.requestId, attempt.attempt));

  const [campaign, request] = await Promise.all([
    d.store.getCampaign(attempt.campaignId),
    d.store.getRequest(attempt.campaignId, attempt.requestId),
  ]);
  const nowIso = new Date(d.now()).toISOString();
  const reached = responded || (campaign?.type === "callback" && after.connectedAt !== undefined);
  if (reached || !campaign || !request) {
    await d.store.setRequestState(attempt.campaignId, attempt.requestId, "COMPLETED", {
      reason: reached ? "responded" : "campaign or request gone",
      now: nowIso,
    });
    return "completed";
  }
  if (request.attempts >= campaign.maxAttemptsTotal || campaign.state === "CANCELLED") {
    await d.store.setRequestState(attempt.campaignId, attempt.requestId, "COMPLETED", {
      reason: `no response after ${request.attempts} attempt(s)`,
      now: nowIso,
    });
    return "attempts-exhausted";
  }
  const delay = campaign.retryAfterMinutes * 60;
  await d.store.setRequestState(attempt.campaignId, attempt.requestId, "QUEUED", {
    reason: "no response; next attempt queued",
    nextAttemptAt: d.now() + delay * 1000,
    now: nowIso,
  });
  await d.requeue(
    { campaignId: attempt.campaignId, requestId: attempt.requestId },
    Math.min(900, delay),
  );
  return "retry-queued";
}
