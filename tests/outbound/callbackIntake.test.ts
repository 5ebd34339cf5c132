/**
 * The callback offer's intake against a local DynamoDB, through the outbound API's own enqueue
 * path: a caller's number (or a keyed one) becomes one request in the callback campaign, the same
 * contact never books twice, DNC and bad numbers are refused, and the caller hears when to expect
 * the call (the campaign's next window, in JST).
 */
import { expect } from "chai";
import { campaignBody, makeApi } from "../../functions/outbound/api";
import {
  campaignsByQueue,
  deskCallbackCampaign,
  makeCallbackIntake,
} from "../../functions/outbound/callbackIntake";
import type { DialMessage } from "../../functions/outbound/dialer";
import { OutboundStore, requestIdFor } from "../../functions/outbound/store";
import { createPkSkTable, startLocalDynamo, type LocalDynamo } from "../support/localDynamo";

const CONTACT = "3f1e2d3c-4b5a-4968-8776-655443322110";
const callback = {
  campaignId: "callback",
  name: "折り返し",
  type: "callback",
  sourcePhoneNumber: "+81312345678",
  queueId: "queue-customer-desk",
  contactFlowId: "flow-outbound",
  windows: { MONDAY: "09:00-18:00", TUESDAY: "09:00-18:00" },
  maxAttemptsPerDay: 2,
  maxAttemptsTotal: 3,
};
const QUEUE_ARN =
  "arn:aws:connect:ap-northeast-1:123456789012:instance/i-1/queue/queue-customer-desk";
const event = (
  over: {
    phoneNumber?: string;
    address?: string;
    attrs?: Record<string, string>;
    contact?: string;
    queue?: string | null;
  } = {},
) => ({
  Details: {
    ContactData: {
      ContactId: over.contact ?? CONTACT,
      // Connect's event carries the contact's queue once the flow has set it (null before).
      Queue: over.queue === null ? null : { ARN: over.queue ?? QUEUE_ARN, Name: "customer-desk" },
      CustomerEndpoint: { Address: over.address ?? "+819012345678", Type: "TELEPHONE_NUMBER" },
      Attributes: over.attrs ?? { authCustomerId: "C001" },
    },
    Parameters: over.phoneNumber === undefined ? {} : { phoneNumber: over.phoneNumber },
  },
});

describe("callback intake on a local DynamoDB", function () {
  this.timeout(60_000);
  let local: LocalDynamo;
  let store: OutboundStore;
  let queued: DialMessage[];
  let logs: Record<string, unknown>[];
  let seq = 0;
  // Monday 2026-11-23 20:00 JST: after the window, so the next one is Tuesday 9:00.
  let now = Date.parse("2026-11-23T11:00:00Z");
  let intake: ReturnType<typeof makeCallbackIntake>;

  before(async () => {
    local = await startLocalDynamo();
  });
  after(() => local.close());
  beforeEach(async () => {
    const table = `callback-${++seq}`;
    await createPkSkTable(local, table);
    store = new OutboundStore(local.doc, table);
    queued = [];
    logs = [];
    now = Date.parse("2026-11-23T11:00:00Z");
    const api = makeApi({
      store,
      enqueue: (m) => {
        queued.push(...m);
        return Promise.resolve();
      },
      now: () => now,
    });
    const created = await api({
      httpMethod: "POST",
      resource: "/campaigns",
      body: JSON.stringify(callback),
    });
    expect(created.statusCode, created.body).to.equal(201);
    const log = (message: string, fields: Record<string, unknown>) =>
      void logs.push({ message, ...fields });
    intake = makeCallbackIntake({
      campaignFor: campaignsByQueue({ "queue-customer-desk": "callback" }),
      api,
      getCampaign: (id) => store.getCampaign(id),
      now: () => now,
      logger: { info: log, warn: log },
    });
  });

  it("books the caller's own number once per contact and says when the call comes", async () => {
    const r = await intake(event());
    expect(r).to.deep.equal({
      result: "Queued",
      ssml: "<speak>折り返しのお電話を承りました。11月24日 9時以降、順番にお電話いたします。</speak>",
      expectedFrom: "2026-11-24T00:00:00.000Z",
    });
    // A flow retry is the same request: one booking (the API re-sends a still-queued request's
    // dial message, which the dialer makes one call of by its ClientToken).
    expect((await intake(event())).result).to.equal("Queued");
    expect(new Set(queued.map((m) => m.requestId))).to.deep.equal(
      new Set([requestIdFor("callback", CONTACT)]),
    );
    const stored = await store.getRequest("callback", requestIdFor("callback", CONTACT));
    expect(stored).to.deep.include({
      phoneNumber: "+819012345678",
      customerRef: "C001",
      state: "QUEUED",
    });
    // Logs carry the contact and the result, never the number.
    expect(JSON.stringify(logs)).to.not.include("9012345678");
  });

  it("takes a number keyed in national format, and refuses one that cannot exist", async () => {
    expect(
      (
        await intake(
          event({ phoneNumber: "0312345678", contact: "3f1e2d3c-4b5a-4968-8776-655443322111" }),
        )
      ).result,
    ).to.equal("Queued");
    const bad = await intake(
      event({ phoneNumber: "0123", contact: "3f1e2d3c-4b5a-4968-8776-655443322112" }),
    );
    expect(bad.result).to.equal("InvalidNumber");
    // Store customer input holds "Timeout" when nothing was keyed (store-customer-input.html).
    const none = await intake(
      event({ phoneNumber: "Timeout", contact: "3f1e2d3c-4b5a-4968-8776-655443322114" }),
    );
    expect(none.result).to.equal("InvalidNumber");
    expect(queued).to.have.length(1);
  });

  it("refuses a number on the do-not-call list, as the API would", async () => {
    await store.addDoNotCall("+819012345678", "customer asked", "2026-11-01T00:00:00Z");
    const r = await intake(event());
    expect(r.result).to.equal("NotAvailable");
    expect(queued).to.deep.equal([]);
    // The API's reason is logged for the operator (the number is not).
    expect(logs.at(-1)).to.deep.include({ result: "NotAvailable", status: 422 });
    expect(logs.at(-1)?.reason).to.be.a("string").and.not.include("9012345678");
  });

  it("inside the window, the call comes in turn", async () => {
    now = Date.parse("2026-11-24T01:00:00Z"); // Tuesday 10:00 JST
    const r = await intake(event({ contact: "3f1e2d3c-4b5a-4968-8776-655443322113" }));
    expect(r.ssml).to.equal(
      "<speak>折り返しのお電話を承りました。順番にお電話いたしますので、お待ちください。</speak>",
    );
  });

  it("fails politely without an active callback campaign or with a malformed event", async () => {
    const none = makeCallbackIntake({
      campaignFor: () => "nope",
      api: () => Promise.reject(new Error("not called")),
      getCampaign: () => Promise.resolve(undefined),
      now: () => now,
      logger: { info: () => undefined, warn: () => undefined },
    });
    expect((await none(event())).result).to.equal("Failed");
    expect((await intake({ Details: {} })).result).to.equal("Failed");
    // A queue with no desk campaign (or no queue set): nothing booked, the queue logged.
    const other = "arn:aws:connect:ap-northeast-1:123456789012:instance/i-1/queue/other";
    expect((await intake(event({ queue: other }))).result).to.equal("Failed");
    expect((await intake(event({ queue: null }))).result).to.equal("Failed");
    expect(queued).to.deep.equal([]);
    expect(
      logs.filter((l) => String(l.message).includes("no active")).map((l) => l.queue),
    ).to.deep.equal([other, undefined]);
  });

  it("a desk's campaign as the stack keeps it: valid to the API, bookable, not cancellable", async () => {
    const kept = deskCallbackCampaign({
      desk: "card-loan-screening",
      queueId: "queue-card-loan",
      contactFlowId: "flow-callback",
      sourcePhoneNumber: "+81312345678",
      windows: { MONDAY: "09:00-20:00", SATURDAY: "09:00-20:00" },
      holidays: ["2026-12-31"],
      maxAttemptsPerDay: 2,
      maxAttemptsTotal: 3,
      retryAfterMinutes: 30,
      managedBy: "customerchannel/tokyo",
    });
    expect(kept.campaignId).to.equal("callback-card-loan-screening");
    // The same rules an API caller's campaign meets (state and owner are the stack's own).
    const { state, managedBy, ...asCreated } = kept;
    expect([state, managedBy]).to.deep.equal(["ACTIVE", "customerchannel/tokyo"]);
    expect(campaignBody.safeParse(asCreated).error?.issues).to.equal(undefined);
    await store.putCampaign(kept);
    const api = makeApi({ store, enqueue: () => Promise.resolve(), now: () => now });
    const del = await api({
      httpMethod: "DELETE",
      resource: "/campaigns/{campaignId}",
      pathParameters: { campaignId: kept.campaignId },
    });
    expect(del.statusCode).to.equal(409);
    expect((JSON.parse(del.body) as { error: string }).error).to.include(
      "kept by stack customerchannel/tokyo",
    );
    expect((await store.getCampaign(kept.campaignId))?.state).to.equal("ACTIVE");
    const desk = makeCallbackIntake({
      campaignFor: campaignsByQueue({ "queue-card-loan": kept.campaignId }),
      api,
      getCampaign: (id) => store.getCampaign(id),
      now: () => now,
      logger: { info: () => undefined, warn: () => undefined },
    });
    const r = await desk(
      event({
        queue: "arn:aws:connect:ap-northeast-1:123456789012:instance/i-1/queue/queue-card-loan",
      }),
    );
    expect(r.result).to.equal("Queued");
    // Monday 20:00 JST is the end of the desk's Monday window: next is Saturday 9:00.
    expect(r.expectedFrom).to.equal("2026-11-28T00:00:00.000Z");
  });
});
