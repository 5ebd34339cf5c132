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
import { reservedAttributeReason } from "../shared/attributes";
import { checkDestination } from "./destinations";
import { jstDate, nextCallTime } from "./windows";
import { NotClaimed, slotHolder, TERMINAL, type ContactRequest, type OutboundStore } from "./store";

/** Connect's StartOutboundVoiceContact default quota: 2 per second per account and region. */
export const DEFAULT_DIAL_RATE = 2;
/** Connect's default concurrent active calls per instance. */
export const DEFAULT_MAX_CONCURRENT_CALLS = 10;
/**
 * How long a placed call may hold a concurrent-call slot without its DISCONNECTED event: longer
 * than any desk call. A call that outlives it lets the dialer start one more call than the limit,
 * which Connect refuses with a limit error; that attempt returns to the queue and is retried.
 */
export const DEFAULT_CALL_LEASE_MINUTES = 240;
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
  /**
   * How long a placed call holds its concurrent-call slot if its DISCONNECTED event never arrives
   * (the event went to the DLQ): the lease runs out and the slot comes back. Longer than any call.
   */
  readonly callLeaseMs: number;
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
  let req: ContactRequest = request;
  if (req.state === "DIALLED") return { kind: "skipped", reason: "already dialled" };
  const resuming = req.state === "DIALING";
  // Another worker holds it, unless its claim is stale (it crashed or Connect failed with a 5xx):
  // then it is resumed, but only after the same checks as a first call. The claim may be hours old
  // (redelivered from the queue), the window may have closed and the number may be listed now.
  if (resuming && now - (req.dialingSince ?? 0) < d.staleDialingMs)
    return { kind: "skipped", reason: "being dialled by another worker" };
  const pending = resuming || req.resumeAttempt === req.attempts ? req.attempts : undefined;
  const holder = slotHolder(req.requestId, pending ?? req.attempts + 1);
  // A resumed claim's slot lease may still be live: every way out below gives it back.
  const refuse = async (state: "CANCELLED" | "REJECTED" | "COMPLETED", reason: string) => {
    if (resuming) await d.store.releaseSlot(holder);
    return close(state, reason);
  };
  if (campaign.state === "CANCELLED") return refuse("CANCELLED", "campaign cancelled");

  const destination = checkDestination(campaign, req.phoneNumber);
  if (!destination.ok) return refuse("REJECTED", `destination not allowed: ${destination.reason}`);
  if (await d.store.isDoNotCall(destination.e164)) return refuse("REJECTED", "do-not-call list");
  if (pending === undefined && req.attempts >= campaign.maxAttemptsTotal)
    return refuse("COMPLETED", "attempt limit reached");
  const today = jstDate(now);
  // A pending attempt was counted when it was first claimed: it does not count against today again.
  const usedToday =
    (req.attemptDate === today ? req.attemptsThatDay : 0) - (pending !== undefined ? 1 : 0);
  const earliest = resuming ? now : Math.max(now, req.nextAttemptAt ?? 0);
  // The per-day cap moves the earliest time to tomorrow 00:00 JST; the window does the rest.
  const fromDay =
    usedToday >= campaign.maxAttemptsPerDay
      ? Date.parse(`${today}T00:00:00+09:00`) + 86_400_000
      : earliest;
  const at = nextCallTime(campaign, Math.max(earliest, fromDay), req.promisedDate);
  if (at === undefined) return refuse("REJECTED", "no lawful calling window in the next two weeks");
  if (at > now) {
    await d.store.setRequestState(msg.campaignId, msg.requestId, "SCHEDULED", {
      nextAttemptAt: at,
      reason:
        usedToday >= campaign.maxAttemptsPerDay ? "daily attempt limit" : "outside calling window",
      ...(pending !== undefined ? { resumeAttempt: pending } : {}),
      now: iso,
    });
    if (resuming) await d.store.releaseSlot(holder);
    await d.requeue(msg, secondsUntil(at, now));
    return { kind: "scheduled", at, reason: "outside calling window or daily limit" };
  }
  // The claim phase holds the slot a little longer than a claim takes to go stale; a placed call
  // then holds it for callLeaseMs (recordDialled below) until the recorder frees it.
  if (!(await d.store.takeSlot(holder, d.maxConcurrentCalls, now, now + 2 * d.staleDialingMs))) {
    await d.requeue(msg, 30);
    return { kind: "scheduled", at: now + 30_000, reason: "all concurrent-call slots busy" };
  }
  let attempt: number;
  if (resuming) {
    attempt = req.attempts;
  } else {
    try {
      attempt = (await d.store.claimAttempt(req, today, now)).attempt;
    } catch (e) {
      // Lost to another worker: the lease names the attempt the winner now holds, so it stays
      // (at worst, when the request moved on instead, it runs out with the claim phase).
      if (e instanceof NotClaimed) return { kind: "skipped", reason: e.why };
      await d.store.releaseSlot(holder);
      throw e;
    }
    req = { ...req, attempts: attempt };
  }

  const call: StartCall = {
    instanceId: d.instanceId,
    contactFlowId: campaign.contactFlowId,
    destination: destination.e164,
    source: campaign.sourcePhoneNumber,
    queueId: campaign.queueId,
    attributes: {
      // Requests stored before the API refused reserved names must not preset them either.
      ...callerAttributes(req.attributes),
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
      await d.store.releaseSlot(holder);
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
    // The live call keeps the slot until the recorder sees DISCONNECTED, or the lease runs out.
    await d.store.takeSlot(holder, Number.MAX_SAFE_INTEGER, d.now(), d.now() + d.callLeaseMs);
    return { kind: "dialled", contactId, attempt };
  }
}

/** The caller's attributes without the names the flows and the recorder own. */
const callerAttributes = (attrs: Readonly<Record<string, string>>): Record<string, string> =>
  Object.fromEntries(
    Object.entries(attrs).filter(([k]) => reservedAttributeReason(k) === undefined),
  );
