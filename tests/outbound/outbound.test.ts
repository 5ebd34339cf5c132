/**
 * Outbound dialer and recorder against a local DynamoDB (dynalite) and a fake Connect that
 * honours ClientToken like the real StartOutboundVoiceContact: no double dial under retries,
 * crashes or concurrent workers; windows, DNC and attempt caps; recorder state transitions.
 *
 * Over 500 lines on purpose: Dialer and recorder cases share one local DynamoDB and one fake
 * Connect.
 */
import { expect } from "chai";
import {
  dialOne,
  Pacer,
  ThrottledError,
  type DialerDeps,
  type DialMessage,
  type StartCall,
} from "../../functions/outbound/dialer";
import { MalformedEvent, recordEvent, type RecorderDeps } from "../../functions/outbound/recorder";
import {
  hashBody,
  OutboundStore,
  requestIdFor,
  type Campaign,
  type ContactRequest,
} from "../../functions/outbound/store";
import { createPkSkTable, startLocalDynamo, type LocalDynamo } from "../support/localDynamo";

const jst = (s: string) => Date.parse(`${s}+09:00`);
const INSTANCE = "11111111-2222-3333-4444-555555555555";
const INSTANCE_ARN = `arn:aws:connect:ap-northeast-1:123456789012:instance/${INSTANCE}`;

/** Connect's StartOutboundVoiceContact as far as the dialer relies on it. */
export class FakeConnect {
  readonly calls: StartCall[] = [];
  readonly byToken = new Map<string, string>();
  throttleNext = 0;
  refuseWith?: string;
  attributes = new Map<string, Record<string, string>>();

  start = (c: StartCall): Promise<string> => {
    if (this.throttleNext > 0) {
      this.throttleNext--;
      return Promise.reject(new ThrottledError("TooManyRequestsException"));
    }
    if (this.refuseWith)
      return Promise.reject(Object.assign(new Error("refused"), { name: this.refuseWith }));
    // Same ClientToken → same contact, no new call (Connect keeps tokens for 7 days).
    const known = this.byToken.get(c.clientToken);
    if (known) return Promise.resolve(known);
    this.calls.push(c);
    const id = `contact-${this.calls.length}`;
    this.byToken.set(c.clientToken, id);
    return Promise.resolve(id);
  };
}

const baseCampaign = (over: Partial<Campaign> = {}): Campaign => ({
  campaignId: "camp1",
  name: "督促 11月",
  type: "dunning",
  sourcePhoneNumber: "+81312345678",
  contactFlowId: "flow-outbound",
  windows: { MONDAY: "09:00-20:00", TUESDAY: "09:00-20:00", WEDNESDAY: "09:00-20:00" },
  holidays: [],
  maxAttemptsPerDay: 2,
  maxAttemptsTotal: 3,
  retryAfterMinutes: 60,
  state: "ACTIVE",
  createdAt: "2026-11-01T00:00:00.000Z",
  ...over,
});

const request = (n: number, over: Partial<ContactRequest> = {}): ContactRequest => {
  const body = { phoneNumber: `+8190123400${String(n).padStart(2, "0")}`, n };
  return {
    campaignId: "camp1",
    requestId: requestIdFor("camp1", `key-${n}`),
    phoneNumber: body.phoneNumber,
    customerRef: `cust-${n}`,
    attributes: { message: "お支払いのご確認です" },
    state: "QUEUED",
    attempts: 0,
    attemptsThatDay: 0,
    bodyHash: hashBody(body),
    createdAt: "2026-11-24T00:00:00.000Z",
    updatedAt: "2026-11-24T00:00:00.000Z",
    ...over,
  };
};

describe("outbound dialer and recorder on a local DynamoDB", function () {
  this.timeout(60_000);
  let local: LocalDynamo;
  let store: OutboundStore;
  let connect: FakeConnect;
  let clock: number;
  let requeued: { msg: DialMessage; delay: number }[];
  let logs: string[];
  let seq = 0;

  before(async () => {
    local = await startLocalDynamo();
  });
  after(() => local.close());

  beforeEach(async () => {
    const table = `outbound-${++seq}`;
    await createPkSkTable(local, table);
    store = new OutboundStore(local.doc, table);
    connect = new FakeConnect();
    clock = jst("2026-11-24T10:00"); // Tuesday
    requeued = [];
    logs = [];
  });

  const deps = (over: Partial<DialerDeps> = {}): DialerDeps => ({
    store,
    startCall: connect.start,
    requeue: (msg, delay) => {
      requeued.push({ msg, delay });
      return Promise.resolve();
    },
    // A pacer that never waits: pacing itself is measured in the bench, not asserted here.
    pacer: new Pacer(1000, { now: () => 0, sleep: () => Promise.resolve() }),
    now: () => clock,
    instanceId: INSTANCE,
    maxConcurrentCalls: 10,
    staleDialingMs: 120_000,
    callLeaseMs: 4 * 3_600_000,
    log: (m) => void logs.push(m),
    ...over,
  });
  const msgOf = (r: ContactRequest): DialMessage => ({
    campaignId: r.campaignId,
    requestId: r.requestId,
  });
  const setup = async (c: Campaign, ...rs: ContactRequest[]) => {
    await store.putCampaign(c);
    for (const r of rs) expect(await store.putRequest(r)).to.equal("created");
  };

  describe("dialling", () => {
    it("places one call with the campaign's flow and numbers, a ClientToken, and records the attempt", async () => {
      const r = request(1);
      await setup(baseCampaign(), r);
      const out = await dialOne(deps(), msgOf(r));
      expect(out).to.deep.equal({ kind: "dialled", contactId: "contact-1", attempt: 1 });
      expect(connect.calls).to.deep.equal([
        {
          instanceId: INSTANCE,
          contactFlowId: "flow-outbound",
          destination: r.phoneNumber,
          source: "+81312345678",
          queueId: undefined,
          attributes: {
            message: "お支払いのご確認です",
            campaignId: "camp1",
            campaignType: "dunning",
            requestId: r.requestId,
            attempt: "1",
          },
          clientToken: `${r.requestId}-1`,
        },
      ]);
      const after = await store.getRequest("camp1", r.requestId);
      expect(after).to.deep.include({
        state: "DIALLED",
        attempts: 1,
        attemptDate: "2026-11-24",
        lastContactId: "contact-1",
      });
      const [a] = await store.attempts("camp1", r.requestId, 1);
      expect(a).to.deep.include({
        state: "INITIATED",
        contactId: "contact-1",
        holdsSlot: true,
        initiatedAt: "2026-11-24T01:00:00.000Z",
      });
      expect(await store.activeCalls(clock)).to.equal(1);
    });

    it("a redelivered message does not dial again", async () => {
      const r = request(1);
      await setup(baseCampaign(), r);
      await dialOne(deps(), msgOf(r));
      expect(await dialOne(deps(), msgOf(r))).to.deep.equal({
        kind: "skipped",
        reason: "already dialled",
      });
      expect(connect.calls).to.have.length(1);
    });

    it("concurrent workers on the same message: exactly one call", async () => {
      const r = request(1);
      await setup(baseCampaign(), r);
      const outs = await Promise.all(Array.from({ length: 8 }, () => dialOne(deps(), msgOf(r))));
      expect(outs.filter((o) => o.kind === "dialled")).to.have.length(1);
      expect(connect.calls).to.have.length(1);
      expect(await store.activeCalls(clock)).to.equal(1);
    });

    it("a worker that crashed after the call is resumed with the same token: still one call", async () => {
      const r = request(1);
      await setup(baseCampaign(), r);
      // The call goes out, then the record write fails (the worker dies).
      const crashing = deps();
      const realRecord = store.recordDialled.bind(store);
      store.recordDialled = () => Promise.reject(new Error("worker died"));
      let died = false;
      await dialOne(crashing, msgOf(r)).catch(() => (died = true));
      expect(died).to.equal(true);
      store.recordDialled = realRecord;
      // Too early: the claim is not stale yet, so the redelivery leaves it alone.
      expect((await dialOne(deps(), msgOf(r))).kind).to.equal("skipped");
      clock += 121_000;
      const out = await dialOne(deps(), msgOf(r));
      expect(out).to.deep.equal({ kind: "dialled", contactId: "contact-1", attempt: 1 });
      expect(connect.calls).to.have.length(1);
    });

    it("backs off on 429 and still dials once; after 6 throttles the message goes back to SQS", async () => {
      const r = request(1);
      await setup(baseCampaign(), r);
      const pacer = new Pacer(2, { now: () => 0, sleep: () => Promise.resolve() });
      connect.throttleNext = 3;
      const seen: Record<string, unknown>[] = [];
      const logOf = { log: (m: string, f: Record<string, unknown>) => void seen.push({ m, ...f }) };
      expect((await dialOne(deps({ pacer, ...logOf }), msgOf(r))).kind).to.equal("dialled");
      expect(pacer.currentRate).to.be.closeTo(2 / 8 + 0.1, 1e-9); // halved 3 times, +5% once
      // One log line per 429, with Connect's error name: Monitoring's metric filter counts them.
      expect(seen.filter((x) => x.m === "Connect API throttled")).to.deep.equal(
        Array.from({ length: 3 }, () => ({
          m: "Connect API throttled",
          requestId: r.requestId,
          error: "TooManyRequestsException",
        })),
      );
      const r2 = request(2);
      await store.putRequest(r2);
      connect.throttleNext = 6;
      let err = "";
      await dialOne(deps({ pacer }), msgOf(r2)).catch((e: Error) => (err = e.name));
      expect(err).to.equal("ThrottledError");
      // Nothing lost: the request is still claimed for attempt 1 and resumes with its token.
      expect(await store.getRequest("camp1", r2.requestId)).to.deep.include({
        state: "DIALING",
        attempts: 1,
      });
    });

    it("a network error or 5xx is not a refusal: the message returns and the claim is resumed later", async () => {
      const r = request(1);
      await setup(baseCampaign(), r);
      connect.refuseWith = "InternalServiceException";
      let err = "";
      await dialOne(deps(), msgOf(r)).catch((e: Error) => (err = e.name));
      expect(err).to.equal("InternalServiceException");
      expect(await store.getRequest("camp1", r.requestId)).to.deep.include({
        state: "DIALING",
        attempts: 1,
      });
      connect.refuseWith = undefined;
      clock += 121_000;
      expect(await dialOne(deps(), msgOf(r))).to.deep.include({ kind: "dialled", attempt: 1 });
    });

    it("a call Connect refuses closes the request as FAILED with the error, and frees the slot", async () => {
      const r = request(1);
      await setup(baseCampaign(), r);
      connect.refuseWith = "DestinationNotAllowedException";
      expect(await dialOne(deps(), msgOf(r))).to.deep.equal({
        kind: "closed",
        state: "FAILED",
        reason: "DestinationNotAllowedException",
      });
      expect(await store.getRequest("camp1", r.requestId)).to.deep.include({
        state: "FAILED",
        reason: "StartOutboundVoiceContact: DestinationNotAllowedException",
      });
      expect(await store.activeCalls(clock)).to.equal(0);
    });
  });

  describe("lawful hours, DNC and caps", () => {
    it("outside the window: scheduled for the next opening, not called", async () => {
      const r = request(1);
      await setup(baseCampaign(), r);
      clock = jst("2026-11-24T20:30");
      const out = await dialOne(deps(), msgOf(r));
      expect(out).to.deep.include({ kind: "scheduled", at: jst("2026-11-25T09:00") });
      expect(connect.calls).to.have.length(0);
      expect(requeued).to.deep.equal([{ msg: msgOf(r), delay: 900 }]);
      expect(await store.getRequest("camp1", r.requestId)).to.deep.include({
        state: "SCHEDULED",
        nextAttemptAt: jst("2026-11-25T09:00"),
        reason: "outside calling window",
      });
    });

    it("dunning is never dialled after 21:00 even if the campaign allows it", async () => {
      const r = request(1);
      await setup(
        baseCampaign({ windows: { TUESDAY: "07:00-23:00", WEDNESDAY: "07:00-23:00" } }),
        r,
      );
      clock = jst("2026-11-24T21:05");
      expect((await dialOne(deps(), msgOf(r))).kind).to.equal("scheduled");
      expect(await store.getRequest("camp1", r.requestId)).to.deep.include({
        nextAttemptAt: jst("2026-11-25T08:00"),
      });
    });

    it("a debtor who promised a date is not called before it", async () => {
      const r = request(1, { promisedDate: "2026-11-25" });
      await setup(baseCampaign(), r);
      expect(await dialOne(deps(), msgOf(r))).to.deep.include({
        kind: "scheduled",
        at: jst("2026-11-25T09:00"),
      });
      expect(connect.calls).to.have.length(0);
    });

    it("a do-not-call number is rejected with the reason and never dialled", async () => {
      const r = request(1);
      await setup(baseCampaign(), r);
      await store.addDoNotCall(r.phoneNumber, "customer asked", "2026-11-01T00:00:00Z");
      expect(await dialOne(deps(), msgOf(r))).to.deep.equal({
        kind: "closed",
        state: "REJECTED",
        reason: "do-not-call list",
      });
      expect(connect.calls).to.have.length(0);
    });

    it("the daily cap moves the next attempt to the next day's window; the total cap completes", async () => {
      const r = request(1, { attempts: 2, attemptDate: "2026-11-24", attemptsThatDay: 2 });
      await setup(baseCampaign(), r);
      expect(await dialOne(deps(), msgOf(r))).to.deep.include({
        kind: "scheduled",
        at: jst("2026-11-25T09:00"),
      });
      const done = request(2, { attempts: 3 });
      await store.putRequest(done);
      expect(await dialOne(deps(), msgOf(done))).to.deep.include({
        kind: "closed",
        state: "COMPLETED",
      });
    });

    it("all concurrent-call slots busy: waits 30 s without claiming an attempt", async () => {
      const r = request(1);
      await setup(baseCampaign(), r);
      expect(await dialOne(deps({ maxConcurrentCalls: 0 }), msgOf(r))).to.deep.include({
        kind: "scheduled",
      });
      expect(requeued[0].delay).to.equal(30);
      expect(await store.getRequest("camp1", r.requestId)).to.deep.include({
        state: "QUEUED",
        attempts: 0,
      });
    });

    it("a cancelled campaign cancels its requests instead of calling", async () => {
      const r = request(1);
      await setup(baseCampaign(), r);
      await store.cancelCampaign("camp1", "2026-11-24T00:00:00Z");
      expect(await dialOne(deps(), msgOf(r))).to.deep.include({
        kind: "closed",
        state: "CANCELLED",
      });
    });
  });

  describe("recorder", () => {
    const event = (contactId: string, eventType: string, extra: Record<string, unknown> = {}) => ({
      source: "aws.connect",
      "detail-type": "Amazon Connect Contact Event",
      time: "2026-11-24T01:05:00Z",
      detail: { eventType, contactId, instanceArn: INSTANCE_ARN, ...extra },
    });
    const rdeps = (): RecorderDeps => ({
      store,
      contactAttributes: (id) => Promise.resolve(connect.attributes.get(id) ?? {}),
      requeue: (msg, delay) => {
        requeued.push({ msg, delay });
        return Promise.resolve();
      },
      now: () => clock,
      log: (m) => void logs.push(m),
    });
    const dialled = async (over: Partial<Campaign> = {}) => {
      const r = request(1);
      await setup(baseCampaign(over), r);
      await dialOne(deps(), msgOf(r));
      return r;
    };

    it("INITIATED → CONNECTED → DISCONNECTED with responded: request COMPLETED, slot freed", async () => {
      const r = await dialled();
      connect.attributes.set("contact-1", { responded: "true" });
      expect(await recordEvent(rdeps(), event("contact-1", "CONNECTED_TO_SYSTEM"))).to.equal(
        "connected",
      );
      expect(
        await recordEvent(
          rdeps(),
          event("contact-1", "DISCONNECTED", { disconnectReason: "CUSTOMER_DISCONNECT" }),
        ),
      ).to.equal("completed");
      const [a] = await store.attempts("camp1", r.requestId, 1);
      expect(a).to.deep.include({
        state: "DISCONNECTED",
        connectedAt: "2026-11-24T01:05:00Z",
        disconnectedAt: "2026-11-24T01:05:00Z",
        responded: true,
        disconnectReason: "CUSTOMER_DISCONNECT",
        holdsSlot: false,
      });
      expect(await store.getRequest("camp1", r.requestId)).to.deep.include({
        state: "COMPLETED",
        reason: "responded",
      });
      expect(await store.activeCalls(clock)).to.equal(0);
    });

    it("no response: the next attempt is queued after retryAfterMinutes (SQS delay capped at 900 s)", async () => {
      const r = await dialled();
      connect.attributes.set("contact-1", { responded: "false" });
      expect(await recordEvent(rdeps(), event("contact-1", "DISCONNECTED"))).to.equal(
        "retry-queued",
      );
      expect(await store.getRequest("camp1", r.requestId)).to.deep.include({
        state: "QUEUED",
        nextAttemptAt: clock + 3_600_000,
      });
      expect(requeued).to.deep.equal([{ msg: msgOf(r), delay: 900 }]);
      // The re-delivery 15 minutes later is too early: it waits for nextAttemptAt.
      clock += 900_000;
      expect(await dialOne(deps(), msgOf(r))).to.deep.include({
        kind: "scheduled",
        at: clock + 2_700_000,
      });
      clock += 2_700_000;
      expect(await dialOne(deps(), msgOf(r))).to.deep.include({ kind: "dialled", attempt: 2 });
      expect(connect.calls.map((c) => c.clientToken)).to.deep.equal([
        `${r.requestId}-1`,
        `${r.requestId}-2`,
      ]);
    });

    it("no response on the last allowed attempt completes the request", async () => {
      const r = await dialled({ maxAttemptsTotal: 1 });
      expect(await recordEvent(rdeps(), event("contact-1", "DISCONNECTED"))).to.equal(
        "attempts-exhausted",
      );
      expect(await store.getRequest("camp1", r.requestId)).to.deep.include({
        state: "COMPLETED",
        reason: "no response after 1 attempt(s)",
      });
    });

    it("a callback that reached an agent is complete without a responded attribute", async () => {
      const r = await dialled({ type: "callback", windows: { TUESDAY: "09:00-18:00" } });
      await recordEvent(rdeps(), event("contact-1", "CONNECTED_TO_AGENT"));
      expect(await recordEvent(rdeps(), event("contact-1", "DISCONNECTED"))).to.equal("completed");
      expect((await store.getRequest("camp1", r.requestId))?.state).to.equal("COMPLETED");
    });

    it("duplicate and out-of-order events never move an attempt back or free a slot twice", async () => {
      await dialled();
      const second = request(2);
      await store.putRequest(second);
      await dialOne(deps(), msgOf(second));
      expect(await store.activeCalls(clock)).to.equal(2);
      let attributeReads = 0;
      const counting = {
        ...rdeps(),
        contactAttributes: () => (attributeReads++, Promise.resolve({})),
      };
      await recordEvent(counting, event("contact-1", "DISCONNECTED"));
      expect(await recordEvent(counting, event("contact-1", "DISCONNECTED"))).to.equal("stale");
      expect(attributeReads).to.equal(1);
      expect(await recordEvent(rdeps(), event("contact-1", "CONNECTED_TO_SYSTEM"))).to.equal(
        "stale",
      );
      expect(await store.activeCalls(clock)).to.equal(1);
    });

    it("events for contacts it did not place are ignored with a log line", async () => {
      expect(await recordEvent(rdeps(), event("inbound-9", "DISCONNECTED"))).to.equal(
        "unknown-contact",
      );
      expect(logs).to.deep.equal(["event for a contact this store did not place"]);
      expect(await recordEvent(rdeps(), event("contact-1", "QUEUED"))).to.equal(
        "ignored-event-type",
      );
    });

    it("a malformed event throws (EventBridge retries, then the DLQ keeps it with the error)", async () => {
      let err: unknown;
      await recordEvent(rdeps(), { source: "aws.connect", detail: {} }).catch(
        (e: unknown) => (err = e),
      );
      expect(err).to.be.instanceOf(MalformedEvent);
      expect((err as Error).message).to.equal(
        "malformed contact event (detail-type, time, detail.eventType, detail.contactId, detail.instanceArn)",
      );
    });
  });

  describe("idempotent enqueue", () => {
    it("the same idempotency key and body is a duplicate; another body is a conflict", async () => {
      await store.putCampaign(baseCampaign());
      const r = request(1);
      expect(await store.putRequest(r)).to.equal("created");
      expect(await store.putRequest(r)).to.equal("duplicate");
      expect(await store.putRequest({ ...r, bodyHash: "other" })).to.equal("conflict");
      expect(requestIdFor("camp1", "key-1")).to.equal(r.requestId);
      expect(requestIdFor("camp2", "key-1")).to.not.equal(r.requestId);
    });
  });

  describe("hostile input and partial failure (issue 19)", () => {
    const fail5xx = async (r: ContactRequest) => {
      connect.refuseWith = "InternalServiceException";
      let err = "";
      await dialOne(deps(), msgOf(r)).catch((e: Error) => (err = e.name));
      connect.refuseWith = undefined;
      expect(err).to.equal("InternalServiceException");
    };

    it("a claim left DIALING by a 5xx and redelivered after the window closed is not dialled", async () => {
      const r = request(1);
      await setup(baseCampaign(), r);
      clock = jst("2026-11-24T19:59");
      await fail5xx(r);
      // Redelivered at 20:02: the campaign's Tuesday window closed at 20:00.
      clock = jst("2026-11-24T20:02");
      expect(await dialOne(deps(), msgOf(r))).to.deep.include({
        kind: "scheduled",
        at: jst("2026-11-25T09:00"),
      });
      expect(connect.calls).to.have.length(0);
      expect(await store.getRequest("camp1", r.requestId)).to.deep.include({
        state: "SCHEDULED",
        attempts: 1,
        resumeAttempt: 1,
      });
      expect(await store.activeCalls(clock)).to.equal(0);
      // Next morning the same attempt goes out with the same ClientToken, and is not counted twice.
      clock = jst("2026-11-25T09:00");
      expect(await dialOne(deps(), msgOf(r))).to.deep.include({ kind: "dialled", attempt: 1 });
      expect(connect.calls.map((c) => c.clientToken)).to.deep.equal([`${r.requestId}-1`]);
      const after = await store.getRequest("camp1", r.requestId);
      expect(after).to.deep.include({ state: "DIALLED", attempts: 1, attemptsThatDay: 1 });
      expect(after).to.not.have.property("resumeAttempt");
    });

    it("dunning resumed at 21:02 JST waits for 08:00 even when the campaign allows later", async () => {
      const r = request(1);
      await setup(
        baseCampaign({ windows: { TUESDAY: "07:00-23:00", WEDNESDAY: "07:00-23:00" } }),
        r,
      );
      clock = jst("2026-11-24T20:59");
      await fail5xx(r);
      clock = jst("2026-11-24T21:02");
      expect(await dialOne(deps(), msgOf(r))).to.deep.include({
        kind: "scheduled",
        at: jst("2026-11-25T08:00"),
      });
      expect(connect.calls).to.have.length(0);
    });

    it("a resumed claim whose number was listed meanwhile is rejected, not dialled, and frees its slot", async () => {
      const r = request(1);
      await setup(baseCampaign(), r);
      await fail5xx(r);
      expect(await store.activeCalls(clock)).to.equal(1);
      await store.addDoNotCall(r.phoneNumber, "customer asked", "2026-11-24T01:00:00Z");
      clock += 121_000;
      expect(await dialOne(deps(), msgOf(r))).to.deep.equal({
        kind: "closed",
        state: "REJECTED",
        reason: "do-not-call list",
      });
      expect(connect.calls).to.have.length(0);
      expect(await store.activeCalls(clock)).to.equal(0);
    });

    it("a request stored in another spelling is DNC-checked and dialled in E.164", async () => {
      const listed = request(1, { phoneNumber: "+8109012340001" });
      const other = request(2, { phoneNumber: "+8109012340002" });
      await setup(baseCampaign(), listed, other);
      await store.addDoNotCall("+819012340001", "customer asked", "2026-11-01T00:00:00Z");
      expect(await dialOne(deps(), msgOf(listed))).to.deep.include({ state: "REJECTED" });
      expect(await dialOne(deps(), msgOf(other))).to.deep.include({ kind: "dialled" });
      expect(connect.calls.map((c) => c.destination)).to.deep.equal(["+819012340002"]);
    });

    it("slots held by calls that failed with 5xx come back when their lease runs out", async () => {
      const rs = Array.from({ length: 10 }, (_, i) => request(i + 1));
      const late = request(11);
      await setup(baseCampaign(), ...rs, late);
      // Ten calls fail with InternalServiceException until their messages go to the DLQ.
      for (const r of rs) await fail5xx(r);
      expect(await store.activeCalls(clock)).to.equal(10);
      expect(await dialOne(deps(), msgOf(late))).to.deep.include({
        reason: "all concurrent-call slots busy",
      });
      // The claim phase's lease is twice the stale time: after it, the slots are free again.
      clock += 2 * 120_000 + 1;
      expect(await store.activeCalls(clock)).to.equal(0);
      expect(await dialOne(deps(), msgOf(late))).to.deep.include({ kind: "dialled" });
    });

    it("a placed call whose DISCONNECTED event was lost frees its slot when the call lease runs out", async () => {
      const r = request(1);
      const next = request(2);
      await setup(baseCampaign(), r, next);
      expect(await dialOne(deps({ maxConcurrentCalls: 1 }), msgOf(r))).to.deep.include({
        kind: "dialled",
      });
      clock += 3_600_000; // an hour later: the call may still be live, its slot is kept
      expect(await dialOne(deps({ maxConcurrentCalls: 1 }), msgOf(next))).to.deep.include({
        kind: "scheduled",
      });
      clock += 3 * 3_600_000 + 1; // past the 4-hour call lease
      expect(await dialOne(deps({ maxConcurrentCalls: 1 }), msgOf(next))).to.deep.include({
        kind: "dialled",
      });
    });

    it("premium-rate and foreign numbers stored before the allow-list are refused before dialling", async () => {
      const premium = request(1, { phoneNumber: "+81990123456" });
      const foreign = request(2, { phoneNumber: "+14155552671" });
      await setup(baseCampaign(), premium, foreign);
      for (const r of [premium, foreign]) {
        const out = await dialOne(deps(), msgOf(r));
        expect(out).to.deep.include({ kind: "closed", state: "REJECTED" });
        expect((out as { reason: string }).reason).to.match(/^destination not allowed: /);
      }
      expect(connect.calls).to.have.length(0);
    });

    it("never passes reserved attributes a stored request carries to the flow", async () => {
      const r = request(1, {
        attributes: { message: "m", responded: "true", authResult: "VERIFIED", cc_topic: "x" },
      });
      await setup(baseCampaign(), r);
      await dialOne(deps(), msgOf(r));
      expect(connect.calls[0].attributes).to.deep.equal({
        message: "m",
        campaignId: "camp1",
        campaignType: "dunning",
        requestId: r.requestId,
        attempt: "1",
      });
    });
  });
});
