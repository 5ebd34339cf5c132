/**
 * The dialer: takes one queued request at a time and either places exactly one call for it,
 * schedules it for the next lawful window, or closes it with a reason. Nothing is dropped on a
 * failure: the SQS message comes back (and goes to the DLQ after its retries) while the request
 * keeps its state and attempt count.
 *
 * No double dial: an attempt is claimed with a conditional write before the call, and the call
 * carries ClientToken `<requestId>-<attempt>`, which Connect deduplicates; a retry after a crash
 * between the call and the record therefore gets the same contact back instead of a second call.
 */
import { jstDate, nextCallTime } from "./windows";
import { NotClaimed, TERMINAL, type ContactRequest, type OutboundStore } from "./store";

/** Connect's StartOutboundVoiceContact default quota: 2 per second per account and region. */
export const DEFAULT_DIAL_RATE = 2;
/** Connect's default concurrent active calls per instance. */
export const DEFAULT_MAX_CONCURRENT_CALLS = 10;
/** SQS DelaySeconds maximum: longer waits hop through several deliveries. */
export const MAX_DELAY_SECONDS = 900;

export interface StartCall {
  readonly instanceId: string;
  readonly contactFlowId: string;
  readonly destination: string;
  readonly source: string;
  readonly queueId?: string;
  readonly attributes: Record<string, string>;
  readonly clientToken: string;
}

export interface DialerDeps {
  readonly store: OutboundStore;
  /** Places the call; throws ThrottledError on 429. */
  readonly startCall: (c: StartCall) => Promise<string>;
  /** Sends the request back to the queue, visible after delaySeconds. */
  readonly requeue: (msg: DialMessage, delaySeconds: number) => Promise<void>;
  readonly pacer: Pacer;
  readonly now: () => number;
  readonly instanceId: string;
  readonly maxConcurrentCalls: number;
  /** A DIALING claim older than this is a crashed worker's: resume it with the same token. */
  readonly staleDialingMs: number;
  readonly log: (message: string, fields: Record<string, unknown>) => void;
}

export interface DialMessage {
  readonly campaignId: string;
  readonly requestId: string;
}

/** Errors with which Connect refuses a particular call; retrying it cannot help. */
export const REFUSALS = new Set([
  "InvalidParameterException",
  "InvalidRequestException",
  "DestinationNotAllowedException",
  "ResourceNotFoundException",
  "OutboundContactNotPermittedException",
  "AccessDeniedException",
]);

export class ThrottledError extends Error {
  constructor(message = "throttled") {
    super(message);
    this.name = "ThrottledError";
  }
}

export type DialOutcome =
  | { readonly kind: "dialled"; readonly contactId: string; readonly attempt: number }
  | { readonly kind: "scheduled"; readonly at: number; readonly reason: string }
  | { readonly kind: "closed"; readonly state: string; readonly reason: string }
  | { readonly kind: "skipped"; readonly reason: string };

/**
 * Paces calls to a rate (calls per second) across this worker, with additive-increase /
 * multiplicative-decrease on 429: one throttle halves the rate, each success wins back 5% of the
 * configured rate. Workers share the quota by each taking rate / workers.
 */
export class Pacer {
  private rate: number;
  private next = 0;

  constructor(
    private readonly target: number,
    private readonly clock: { now: () => number; sleep: (ms: number) => Promise<void> },
  ) {
    this.rate = target;
  }

  get currentRate(): number {
    return this.rate;
  }

  async take(): Promise<void> {
    const now = this.clock.now();
    const at = Math.max(now, this.next);
    this.next = at + 1000 / this.rate;
    if (at > now) await this.clock.sleep(at - now);
  }

  throttled(): void {
    this.rate = Math.max(this.target * 0.1, this.rate / 2);
  }

  succeeded(): void {
    this.rate = Math.min(this.target, this.rate + this.target * 0.05);
  }
}

const secondsUntil = (at: number, now: number) =>
  Math.min(MAX_DELAY_SECONDS, Math.max(1, Math.ceil((at - now) / 1000)));

export async function dialOne(d: DialerDeps, msg: DialMessage): Promise<DialOutcome> {
  const now = d.now();
  const iso = new Date(now).toISOString();
  const [campaign, request] = await Promise.all([
    d.store.getCampaign(msg.campaignId),
    d.store.getRequest(msg.campaignId, msg.requestId),
  ]);
  if (!campaign || !request) return { kind: "skipped", reason: "unknown campaign or request" };
  if (TERMINAL.includes(request.state))
    return { kind: "skipped", reason: `request ${request.state}` };
  const close = async (state: "CANCELLED" | "REJECTED" | "COMPLETED", reason: string) => {
    await d.store.setRequestState(msg.campaignId, msg.requestId, state, { reason, now: iso });
    return { kind: "closed", state, reason } as const;
  };
  if (campaign.state === "CANCELLED") return close("CANCELLED", "campaign cancelled");

  let req: ContactRequest = request;
  let attempt: number;
  if (req.state === "DIALLED") return { kind: "skipped", reason: "already dialled" };
  if (req.state === "DIALING") {
    // Another worker holds it, unless its claim is stale (it crashed): then resume with the same
    // attempt and token, which Connect answers with the same contact if the call went out.
    if (now - (req.dialingSince ?? 0) < d.staleDialingMs)
      return { kind: "skipped", reason: "being dialled by another worker" };
    attempt = req.attempts;
  } else {
    if (await d.store.isDoNotCall(req.phoneNumber)) return close("REJECTED", "do-not-call list");
    if (req.attempts >= campaign.maxAttemptsTotal)
      return close("COMPLETED", "attempt limit reached");
    const today = jstDate(now);
    const usedToday = req.attemptDate === today ? req.attemptsThatDay : 0;
    const earliest = Math.max(now, req.nextAttemptAt ?? 0);
    // The per-day cap moves the earliest time to tomorrow 00:00 JST; the window does the rest.
    const fromDay =
      usedToday >= campaign.maxAttemptsPerDay
        ? Date.parse(`${today}T00:00:00+09:00`) + 86_400_000
        : earliest;
    const at = nextCallTime(campaign, Math.max(earliest, fromDay), req.promisedDate);
    if (at === undefined)
      return close("REJECTED", "no lawful calling window in the next two weeks");
    if (at > now) {
      await d.store.setRequestState(msg.campaignId, msg.requestId, "SCHEDULED", {
        nextAttemptAt: at,
        reason:
          usedToday >= campaign.maxAttemptsPerDay
            ? "daily attempt limit"
            : "outside calling window",
        now: iso,
      });
      await d.requeue(msg, secondsUntil(at, now));
      return { kind: "scheduled", at, reason: "outside calling window or daily limit" };
    }
    if (!(await d.store.takeSlot(d.maxConcurrentCalls))) {
      await d.requeue(msg, 30);
      return { kind: "scheduled", at: now + 30_000, reason: "all concurrent-call slots busy" };
    }
    try {
      attempt = (await d.store.claimAttempt(req, today, now)).attempt;
    } catch (e) {
      await d.store.releaseSlot();
      if (e instanceof NotClaimed) return { kind: "skipped", reason: e.why };
      throw e;
    }
    req = { ...req, attempts: attempt };
  }

  const call: StartCall = {
    instanceId: d.instanceId,
    contactFlowId: campaign.contactFlowId,
    destination: req.phoneNumber,
    source: campaign.sourcePhoneNumber,
    queueId: campaign.queueId,
    attributes: {
      ...req.attributes,
      campaignId: campaign.campaignId,
      campaignType: campaign.type,
      requestId: req.requestId,
      attempt: String(attempt),
    },
    clientToken: `${req.requestId}-${attempt}`,
  };
  // Throttles retry here with the paced back-off; after 5 the message goes back to SQS and the
  // DIALING claim is resumed (same token) once stale.
  for (let tries = 0; ; tries++) {
    await d.pacer.take();
    let contactId: string;
    try {
      contactId = await d.startCall(call);
    } catch (e) {
      if (e instanceof ThrottledError && tries < 5) {
        d.pacer.throttled();
        // One line per 429, with Connect's error name: Monitoring counts these (api-throttled).
        d.log("Connect API throttled", { requestId: req.requestId, error: e.message });
        continue;
      }
      const name = (e as Error).name || "Error";
      // Throttles beyond the retries, network errors and 5xx: the message returns to the queue
      // and the DIALING claim is resumed with the same token. Only Connect refusing this call
      // (bad number, flow, destination) closes the request.
      if (e instanceof ThrottledError || !REFUSALS.has(name)) throw e;
      await d.store.releaseSlot();
      await d.store.setRequestState(msg.campaignId, msg.requestId, "FAILED", {
        reason: `StartOutboundVoiceContact: ${name}`,
        now: new Date(d.now()).toISOString(),
      });
      d.log("call refused", { requestId: req.requestId, attempt, error: name });
      return { kind: "closed", state: "FAILED", reason: name };
    }
    d.pacer.succeeded();
    // If this write fails the message returns; the stale DIALING claim is resumed with the same
    // token, and Connect hands back this contact instead of calling again.
    await d.store.recordDialled(req, attempt, contactId, d.now());
    return { kind: "dialled", contactId, attempt };
  }
}
