/**
 * The outbound store on one DynamoDB table (key pk + sk):
 *   CAMPAIGN#<id> / META                         the campaign and its calling rules
 *   CAMPAIGN#<id> / REQUEST#<rid>                one contact request: number, state, attempt count
 *   CAMPAIGN#<id> / REQUEST#<rid>#ATTEMPT#<n>    one call: contact id, INITIATED → CONNECTED → DISCONNECTED
 *   CONTACT#<contactId> / META                   which attempt a Connect contact belongs to
 *   DNC#<E.164> / META                           the do-not-call list
 *   COUNTER#active-calls / META                  concurrent-call slots: a map attempt → lease expiry
 * Every state change that could race is a conditional write: one attempt is claimed by one worker,
 * a state only moves forward, and the live slot leases never pass the concurrent-call limit.
 *
 * Over 500 lines on purpose: Every access pattern of the one outbound table, so its conditional
 * writes are reviewed together.
 */
import { normalizeE164 } from "../../lib/phone";
import { isConditionFailed, writeIf } from "../shared/dynamo";
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import * as crypto from "node:crypto";
import type { Destinations } from "./destinations";
import type { CallingRules, CampaignType, Day } from "./windows";

export const TABLE_KEYS = { hash: "pk", range: "sk" } as const;
/** Attribute DynamoDB's TTL deletes on: only the contact pointers expire (attempts are kept). */
export const TTL_ATTRIBUTE = "expiresAt";

export interface Campaign extends CallingRules {
  readonly campaignId: string;
  readonly name: string;
  readonly type: CampaignType;
  readonly sourcePhoneNumber: string;
  readonly contactFlowId: string;
  readonly queueId?: string;
  readonly windows: Partial<Record<Day, string>>;
  readonly holidays: readonly string[];
  readonly maxAttemptsPerDay: number;
  readonly maxAttemptsTotal: number;
  /** Minutes to wait before calling again after an unanswered attempt. */
  readonly retryAfterMinutes: number;
  /** Countries and number types it may call; absent on campaigns created before the allow-list. */
  readonly destinations?: Destinations;
  readonly state: "ACTIVE" | "CANCELLED";
  /** When the API created it; absent on campaigns a stack keeps (their history is the stack's). */
  readonly createdAt?: string;
  /** The Pulumi stack that keeps this campaign (the desks' callbacks); the API will not cancel it. */
  readonly managedBy?: string;
}

export const REQUEST_STATES = [
  "QUEUED",
  "SCHEDULED",
  "DIALING",
  "DIALLED",
  "COMPLETED",
  "CANCELLED",
  "REJECTED",
  "FAILED",
] as const;
export type RequestState = (typeof REQUEST_STATES)[number];
export const TERMINAL: readonly RequestState[] = ["COMPLETED", "CANCELLED", "REJECTED", "FAILED"];

export interface ContactRequest {
  readonly campaignId: string;
  readonly requestId: string;
  readonly phoneNumber: string;
  readonly customerRef: string;
  readonly attributes: Record<string, string>;
  /** Dunning: the date the debtor promised to pay (JST YYYY-MM-DD); no call before it. */
  readonly promisedDate?: string;
  readonly state: RequestState;
  readonly attempts: number;
  /** JST date of the last attempt and how many were made that day (the per-day cap). */
  readonly attemptDate?: string;
  readonly attemptsThatDay: number;
  readonly dialingSince?: number;
  /**
   * An attempt that was claimed but may not have gone out (its worker failed and the resume found
   * the window closed or the number newly on the do-not-call list): the next claim places it with
   * the same number and ClientToken instead of counting a new attempt.
   */
  readonly resumeAttempt?: number;
  readonly nextAttemptAt?: number;
  readonly lastContactId?: string;
  readonly reason?: string;
  readonly bodyHash: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export const ATTEMPT_STATES = ["INITIATED", "CONNECTED", "DISCONNECTED"] as const;
export type AttemptState = (typeof ATTEMPT_STATES)[number];

export interface Attempt {
  readonly campaignId: string;
  readonly requestId: string;
  readonly attempt: number;
  readonly contactId: string;
  readonly state: AttemptState;
  readonly initiatedAt: string;
  readonly connectedAt?: string;
  readonly disconnectedAt?: string;
  readonly responded?: boolean;
  readonly disconnectReason?: string;
  /** The call still holds one of the instance's concurrent-call slots. */
  readonly holdsSlot: boolean;
}

const campaignKey = (id: string) => ({ pk: `CAMPAIGN#${id}`, sk: "META" });
/** A campaign as it is stored (also how a stack writes the desks' callback campaigns). */
export const campaignRecord = (c: Campaign) => ({
  ...campaignKey(c.campaignId),
  kind: "campaign",
  ...c,
});
const requestKey = (c: string, r: string) => ({ pk: `CAMPAIGN#${c}`, sk: `REQUEST#${r}` });
const attemptKey = (c: string, r: string, n: number) => ({
  pk: `CAMPAIGN#${c}`,
  sk: `REQUEST#${r}#ATTEMPT#${String(n).padStart(3, "0")}`,
});
const contactKey = (contactId: string) => ({ pk: `CONTACT#${contactId}`, sk: "META" });
const dncKey = (e164: string) => ({ pk: `DNC#${e164}`, sk: "META" });
const COUNTER = { pk: "COUNTER#active-calls", sk: "META" };

/** The slot lease of one attempt: the request id's first 16 hex digits keep 10,000 leases in one item. */
export const slotHolder = (requestId: string, attempt: number): string =>
  `${requestId.slice(0, 16)}-${attempt}`;

/** DynamoDB refuses `SET leases.#h` while the map does not exist yet (a ValidationException). */
const isMissingMap = (e: unknown): boolean =>
  (e as { name?: string })?.name === "ValidationException" &&
  /document path/i.test((e as Error).message ?? "");

/** A request id derived from the idempotency key: the same key always names the same request. */
export const requestIdFor = (campaignId: string, idempotencyKey: string): string =>
  crypto.createHash("sha256").update(`${campaignId}\n${idempotencyKey}`).digest("hex").slice(0, 32);

export const hashBody = (body: unknown): string =>
  crypto.createHash("sha256").update(JSON.stringify(body)).digest("hex");

/** The claimed attempt could not be taken: another worker has it, or the request moved on. */
export class NotClaimed extends Error {
  constructor(readonly why: string) {
    super(why);
    this.name = "NotClaimed";
  }
}

const ORDER: Record<AttemptState, number> = { INITIATED: 0, CONNECTED: 1, DISCONNECTED: 2 };

export class OutboundStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  private async get<T>(key: Record<string, string>): Promise<T | undefined> {
    const r = await this.db.send(
      new GetCommand({ TableName: this.table, Key: key, ConsistentRead: true }),
    );
    return r.Item as T | undefined;
  }

  /** Creates a campaign; false when the id exists already. */
  async putCampaign(c: Campaign): Promise<boolean> {
    return writeIf(() =>
      this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: campaignRecord(c),
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      ),
    );
  }

  getCampaign = (id: string) => this.get<Campaign>(campaignKey(id));

  async cancelCampaign(id: string, at: string): Promise<boolean> {
    return writeIf(() =>
      this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: campaignKey(id),
          UpdateExpression: "SET #s = :c, cancelledAt = :at",
          ConditionExpression: "attribute_exists(pk)",
          ExpressionAttributeNames: { "#s": "state" },
          ExpressionAttributeValues: { ":c": "CANCELLED", ":at": at },
        }),
      ),
    );
  }

  /**
   * Enqueues a request once per idempotency key. Returns "created", "duplicate" (same key, same
   * body: the earlier request stands) or "conflict" (same key, another body).
   */
  async putRequest(r: ContactRequest): Promise<"created" | "duplicate" | "conflict"> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...requestKey(r.campaignId, r.requestId), kind: "request", ...r },
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      );
      return "created";
    } catch (e) {
      if (!isConditionFailed(e)) throw e;
      const existing = await this.getRequest(r.campaignId, r.requestId);
      return existing?.bodyHash === r.bodyHash ? "duplicate" : "conflict";
    }
  }

  getRequest = (c: string, r: string) => this.get<ContactRequest>(requestKey(c, r));

  /** Moves a request that is not terminal (and not mid-dial unless allowed) to a new state. */
  async setRequestState(
    c: string,
    r: string,
    state: RequestState,
    fields: { reason?: string; nextAttemptAt?: number; resumeAttempt?: number; now: string },
  ): Promise<boolean> {
    const values: Record<string, unknown> = {
      ":s": state,
      ":now": fields.now,
      ...Object.fromEntries(TERMINAL.map((t, i) => [`:t${i}`, t])),
    };
    const sets = ["#s = :s", "updatedAt = :now"];
    if (fields.reason !== undefined) {
      sets.push("reason = :reason");
      values[":reason"] = fields.reason;
    }
    if (fields.nextAttemptAt !== undefined) {
      sets.push("nextAttemptAt = :next");
      values[":next"] = fields.nextAttemptAt;
    }
    if (fields.resumeAttempt !== undefined) {
      sets.push("resumeAttempt = :resume");
      values[":resume"] = fields.resumeAttempt;
    }
    return writeIf(() =>
      this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: requestKey(c, r),
          UpdateExpression: `SET ${sets.join(", ")}`,
          ConditionExpression: `attribute_exists(pk) AND NOT #s IN (${TERMINAL.map((_, i) => `:t${i}`).join(", ")})`,
          ExpressionAttributeNames: { "#s": "state" },
          ExpressionAttributeValues: values,
        }),
      ),
    );
  }

  /**
   * Claims the next attempt of a request for this worker: only from QUEUED or SCHEDULED, only if
   * nobody else incremented the count first. A request with `resumeAttempt` claims that attempt
   * again (same number, same ClientToken) without counting a new one. Throws NotClaimed otherwise.
   */
  async claimAttempt(
    req: ContactRequest,
    today: string,
    now: number,
  ): Promise<{ attempt: number }> {
    const resume = req.resumeAttempt !== undefined && req.resumeAttempt === req.attempts;
    const attempt = resume ? req.attempts : req.attempts + 1;
    const sameDay = req.attemptDate === today;
    const thatDay = resume
      ? sameDay
        ? req.attemptsThatDay
        : 1
      : sameDay
        ? req.attemptsThatDay + 1
        : 1;
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: requestKey(req.campaignId, req.requestId),
          UpdateExpression:
            "SET attempts = :n, attemptDate = :d, attemptsThatDay = :td, #s = :dialing, dialingSince = :now, updatedAt = :iso REMOVE resumeAttempt",
          ConditionExpression: `attempts = :prev AND #s IN (:queued, :scheduled) AND ${resume ? "resumeAttempt = :prev" : "attribute_not_exists(resumeAttempt)"}`,
          ExpressionAttributeNames: { "#s": "state" },
          ExpressionAttributeValues: {
            ":n": attempt,
            ":prev": req.attempts,
            ":d": today,
            ":td": thatDay,
            ":dialing": "DIALING",
            ":queued": "QUEUED",
            ":scheduled": "SCHEDULED",
            ":now": now,
            ":iso": new Date(now).toISOString(),
          },
        }),
      );
      return { attempt };
    } catch (e) {
      if (isConditionFailed(e))
        throw new NotClaimed("attempt taken by another worker or request moved on");
      throw e;
    }
  }

  /**
   * Takes one of the instance's concurrent-call slots for `holder` (one attempt) until `until`
   * (epoch ms); false when all are in use. Slots are leases in one map, `holder → expiry`, so a
   * slot whose release was lost (the worker died, the call's DISCONNECTED event went to the DLQ)
   * comes back when its lease runs out instead of blocking every later call. Taking a slot the
   * holder already has extends it. Expired leases are pruned only when the map looks full, each
   * removal conditional on the expiry read, so a lease renewed meanwhile is never dropped.
   */
  async takeSlot(holder: string, max: number, now: number, until: number): Promise<boolean> {
    if (max <= 0) return false;
    for (let round = 0; round < 3; round++) {
      try {
        const taken = await this.leaseUpdate(
          holder,
          "SET leases.#h = :until",
          "attribute_exists(leases.#h) OR size(leases) < :max",
          { ":until": until, ":max": max },
        );
        if (taken) return true;
      } catch (e) {
        if (!isMissingMap(e)) throw e;
        await this.createLeaseMap();
        continue;
      }
      const leases = await this.leases();
      if (leases === undefined) await this.createLeaseMap();
      else if ((await this.pruneLeases(leases, now)) === 0) return false;
    }
    return false;
  }

  /** One conditional change of one lease; false when its condition did not hold. */
  private async leaseUpdate(
    holder: string,
    update: string,
    condition: string,
    values?: Record<string, unknown>,
  ): Promise<boolean> {
    return writeIf(() =>
      this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: COUNTER,
          UpdateExpression: update,
          ConditionExpression: condition,
          ExpressionAttributeNames: { "#h": holder },
          ...(values ? { ExpressionAttributeValues: values } : {}),
        }),
      ),
    );
  }

  private async leases(): Promise<Record<string, number> | undefined> {
    return (await this.get<{ leases?: Record<string, number> }>(COUNTER))?.leases;
  }

  private async createLeaseMap(): Promise<void> {
    // Another worker made it first: the map exists either way.
    await writeIf(() =>
      this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...COUNTER, kind: "counter", leases: {} },
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      ),
    );
  }

  /** Removes leases that ran out before `now`; returns how many were removed. */
  private async pruneLeases(leases: Record<string, number>, now: number): Promise<number> {
    let removed = 0;
    for (const [holder, until] of Object.entries(leases))
      if (
        until <= now &&
        (await this.leaseUpdate(holder, "REMOVE leases.#h", "leases.#h = :until", {
          ":until": until,
        }))
      )
        removed++;
    return removed;
  }

  /** Gives a slot back (idempotent: a second release of the same holder changes nothing). */
  async releaseSlot(holder: string): Promise<void> {
    await this.leaseUpdate(holder, "REMOVE leases.#h", "attribute_exists(pk)");
  }

  /** Calls holding a slot whose lease has not run out at `now`. */
  async activeCalls(now: number): Promise<number> {
    const leases = (await this.leases()) ?? {};
    return Object.values(leases).filter((until) => until > now).length;
  }

  /** Records a placed call: the attempt, the contact pointer, and the request as DIALLED. */
  async recordDialled(
    req: ContactRequest,
    attempt: number,
    contactId: string,
    now: number,
  ): Promise<void> {
    const iso = new Date(now).toISOString();
    const a: Attempt = {
      campaignId: req.campaignId,
      requestId: req.requestId,
      attempt,
      contactId,
      state: "INITIATED",
      initiatedAt: iso,
      holdsSlot: true,
    };
    // Already recorded (a retry after a crash): the condition below admits only the same contact.
    await writeIf(() =>
      this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...attemptKey(req.campaignId, req.requestId, attempt), kind: "attempt", ...a },
          // A retry after a crash writes the same contact again (Connect's ClientToken gave it back).
          ConditionExpression: "attribute_not_exists(pk) OR contactId = :c",
          ExpressionAttributeValues: { ":c": contactId },
        }),
      ),
    );
    await this.db.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          ...contactKey(contactId),
          kind: "contact",
          campaignId: req.campaignId,
          requestId: req.requestId,
          attempt,
          // Pointers only route events; they go after 90 days (attempts are kept).
          [TTL_ATTRIBUTE]: Math.floor(now / 1000) + 90 * 86_400,
        },
      }),
    );
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: requestKey(req.campaignId, req.requestId),
        UpdateExpression:
          "SET #s = :d, lastContactId = :c, updatedAt = :iso REMOVE dialingSince, resumeAttempt",
        ConditionExpression: "#s = :dialing AND attempts = :n",
        ExpressionAttributeNames: { "#s": "state" },
        ExpressionAttributeValues: {
          ":d": "DIALLED",
          ":c": contactId,
          ":iso": iso,
          ":dialing": "DIALING",
          ":n": attempt,
        },
      }),
    );
  }

  async attemptForContact(contactId: string): Promise<Attempt | undefined> {
    const p = await this.get<{ campaignId: string; requestId: string; attempt: number }>(
      contactKey(contactId),
    );
    return p ? this.get<Attempt>(attemptKey(p.campaignId, p.requestId, p.attempt)) : undefined;
  }

  /**
   * Moves an attempt forward (never back: events can arrive out of order or twice). Returns the
   * attempt after the change, or undefined when it was not a forward move.
   */
  async advanceAttempt(
    a: Attempt,
    to: AttemptState,
    fields: { at: string; responded?: boolean; disconnectReason?: string },
  ): Promise<Attempt | undefined> {
    if (ORDER[to] <= ORDER[a.state]) return undefined;
    const allowedFrom = ATTEMPT_STATES.filter((s) => ORDER[s] < ORDER[to]);
    const sets = ["#s = :to", to === "CONNECTED" ? "connectedAt = :at" : "disconnectedAt = :at"];
    const values: Record<string, unknown> = { ":to": to, ":at": fields.at };
    allowedFrom.forEach((s, i) => (values[`:f${i}`] = s));
    if (to === "DISCONNECTED") {
      sets.push("responded = :r", "disconnectReason = :why", "holdsSlot = :false");
      values[":r"] = fields.responded ?? false;
      values[":why"] = fields.disconnectReason ?? "UNKNOWN";
      values[":false"] = false;
    }
    try {
      const r = await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: attemptKey(a.campaignId, a.requestId, a.attempt),
          UpdateExpression: `SET ${sets.join(", ")}`,
          ConditionExpression: `#s IN (${allowedFrom.map((_, i) => `:f${i}`).join(", ")})`,
          ExpressionAttributeNames: { "#s": "state" },
          ExpressionAttributeValues: values,
          ReturnValues: "ALL_NEW",
        }),
      );
      return r.Attributes as Attempt;
    } catch (e) {
      if (isConditionFailed(e)) return undefined;
      throw e;
    }
  }

  /**
   * Whether a number is on the do-not-call list, compared in its one normalised spelling (a number
   * that is no valid number at all is treated as listed: it must never be dialled).
   */
  async isDoNotCall(phoneNumber: string): Promise<boolean> {
    const e164 = normalizeE164(phoneNumber);
    if (!e164) return true;
    return (await this.get(dncKey(e164))) !== undefined;
  }

  /** Lists a number in its normalised spelling; throws on a string that is no valid number. */
  async addDoNotCall(phoneNumber: string, reason: string, at: string): Promise<void> {
    const e164 = normalizeE164(phoneNumber);
    if (!e164) throw new Error(`not a valid phone number: ${JSON.stringify(phoneNumber)}`);
    await this.db.send(
      new PutCommand({
        TableName: this.table,
        Item: { ...dncKey(e164), kind: "dnc", phoneNumber: e164, reason, addedAt: at },
      }),
    );
  }

  async attempts(c: string, r: string, count: number): Promise<Attempt[]> {
    const out: Attempt[] = [];
    for (let n = 1; n <= count; n++) {
      const a = await this.get<Attempt>(attemptKey(c, r, n));
      if (a) out.push(a);
    }
    return out;
  }
}
