/** The outbound API handler against a local DynamoDB: every route, validation errors, idempotency. */
import { expect } from "chai";
import { makeApi, requestModels, type ApiEvent } from "../functions/outbound/api";
import type { DialMessage } from "../functions/outbound/dialer";
import { OutboundStore } from "../functions/outbound/store";
import { createPkSkTable, startLocalDynamo, type LocalDynamo } from "./support/localDynamo";

const campaign = {
  campaignId: "dunning-2026-11",
  name: "督促 2026年11月",
  type: "dunning",
  sourcePhoneNumber: "+81312345678",
  contactFlowId: "flow-outbound",
  windows: { MONDAY: "09:00-20:00", TUESDAY: "09:00-20:00" },
  maxAttemptsPerDay: 2,
  maxAttemptsTotal: 5,
};
const contact = (key: string, over: Record<string, unknown> = {}) => ({
  idempotencyKey: key,
  phoneNumber: "+819012345678",
  customerRef: "C-001",
  attributes: { message: "お支払い期日のご案内です" },
  ...over,
});

describe("outbound API on a local DynamoDB", function () {
  this.timeout(60_000);
  let local: LocalDynamo;
  let api: ReturnType<typeof makeApi>;
  let store: OutboundStore;
  let queued: DialMessage[];
  let seq = 0;

  before(async () => {
    local = await startLocalDynamo();
  });
  after(() => local.close());
  beforeEach(async () => {
    const table = `outbound-api-${++seq}`;
    await createPkSkTable(local, table);
    store = new OutboundStore(local.doc, table);
    queued = [];
    api = makeApi({
      store,
      enqueue: (m) => {
        queued.push(...m);
        return Promise.resolve();
      },
      now: () => Date.parse("2026-11-24T01:00:00Z"),
    });
  });

  const call = async (
    httpMethod: string,
    resource: string,
    body?: unknown,
    pathParameters?: Record<string, string>,
  ) => {
    const e: ApiEvent = {
      httpMethod,
      resource,
      pathParameters,
      body: body === undefined ? null : typeof body === "string" ? body : JSON.stringify(body),
    };
    const r = await api(e);
    expect(r.headers["content-type"]).to.equal("application/json");
    return { status: r.statusCode, body: JSON.parse(r.body) as Record<string, unknown> };
  };
  const create = () => call("POST", "/campaigns", campaign);
  const enqueue = (body: unknown) =>
    call("POST", "/campaigns/{campaignId}/contacts", body, { campaignId: campaign.campaignId });

  describe("campaigns", () => {
    it("creates a campaign (201), refuses the same id again (409), reads and cancels it", async () => {
      const c = await create();
      expect(c.status).to.equal(201);
      expect(c.body).to.deep.include({ state: "ACTIVE", holidays: [], retryAfterMinutes: 60 });
      expect((await create()).status).to.equal(409);
      const got = await call("GET", "/campaigns/{campaignId}", undefined, {
        campaignId: campaign.campaignId,
      });
      expect(got.status).to.equal(200);
      expect(got.body).to.not.have.any.keys("pk", "sk", "kind");
      expect(
        (
          await call("DELETE", "/campaigns/{campaignId}", undefined, {
            campaignId: campaign.campaignId,
          })
        ).body,
      ).to.deep.equal({
        campaignId: campaign.campaignId,
        state: "CANCELLED",
      });
      expect((await enqueue(contact("k1"))).status).to.equal(409);
    });

    const bad: [string, Record<string, unknown>, { field: string; reason: string }][] = [
      [
        "a national-format source number",
        { sourcePhoneNumber: "03-1234-5678" },
        {
          field: "sourcePhoneNumber",
          reason:
            '"03-1234-5678" is not E.164 (a + then up to 15 digits, no spaces or hyphens); write it as +81312345678',
        },
      ],
      [
        "a window that ends before it starts",
        { windows: { MONDAY: "20:00-09:00" } },
        { field: "windows.MONDAY", reason: 'a window "HH:MM-HH:MM" that ends after it starts' },
      ],
      [
        "an unknown day",
        { windows: { MONDAYY: "09:00-10:00" } },
        { field: "windows", reason: 'Unrecognized key: "MONDAYY"' },
      ],
      [
        "a callback without its queue",
        { type: "callback" },
        { field: "queueId", reason: "a callback campaign needs the queue its agents answer" },
      ],
      [
        "no calling day at all",
        { windows: {} },
        { field: "windows", reason: "at least one day with a calling window" },
      ],
      [
        "an unknown field",
        { priority: 1 },
        { field: "(body)", reason: 'Unrecognized key: "priority"' },
      ],
      [
        "too many attempts a day",
        { maxAttemptsPerDay: 50 },
        { field: "maxAttemptsPerDay", reason: "Too big: expected number to be <=10" },
      ],
    ];
    for (const [what, over, want] of bad) {
      it(`400 for ${what}, naming the field and the reason`, async () => {
        const r = await call("POST", "/campaigns", { ...campaign, ...over });
        expect(r.status).to.equal(400);
        expect(r.body.error).to.equal("invalid body");
        expect(r.body.details).to.deep.include(want);
      });
    }

    it("uses the stack's outbound flow when a campaign names none, and says so when there is none", async () => {
      const { contactFlowId: _omit, ...noFlow } = campaign;
      void _omit;
      const withDefault = makeApi({
        store,
        enqueue: () => Promise.resolve(),
        now: () => 0,
        defaultContactFlowId: "flow-default",
      });
      const r = await withDefault({
        httpMethod: "POST",
        resource: "/campaigns",
        body: JSON.stringify(noFlow),
      });
      expect(JSON.parse(r.body)).to.deep.include({ contactFlowId: "flow-default" });
      const without = await call("POST", "/campaigns", { ...noFlow, campaignId: "other" });
      expect(without.body.details).to.deep.equal([
        { field: "contactFlowId", reason: "required: this stack deploys no default outbound flow" },
      ]);
    });

    it("400 for a body that is not JSON; 404 for an unknown route or campaign", async () => {
      expect((await call("POST", "/campaigns", "{nope")).body).to.deep.equal({
        error: "body is not JSON",
      });
      expect((await call("PATCH", "/campaigns")).status).to.equal(404);
      expect(
        (await call("GET", "/campaigns/{campaignId}", undefined, { campaignId: "nope" })).status,
      ).to.equal(404);
    });
  });

  describe("contacts", () => {
    beforeEach(async () => {
      await create();
    });

    it("enqueues once per idempotency key: 202, then 200 for the same body, 409 for another", async () => {
      const first = await enqueue(contact("k1"));
      expect(first.status).to.equal(202);
      expect(first.body).to.deep.include({ idempotencyKey: "k1", status: "created" });
      expect(queued).to.deep.equal([
        { campaignId: campaign.campaignId, requestId: first.body.requestId },
      ]);
      const again = await enqueue(contact("k1"));
      expect(again.status).to.equal(200);
      expect(again.body).to.deep.include({ status: "duplicate", requestId: first.body.requestId });
      const other = await enqueue(contact("k1", { phoneNumber: "+819011112222" }));
      expect(other.status).to.equal(409);
      expect(other.body.reason).to.equal("idempotency key used with another body");
      expect(queued).to.have.length(1);
    });

    it("refuses a do-not-call number at enqueue with 422 and the reason", async () => {
      await store.addDoNotCall("+819012345678", "customer asked", "2026-11-01T00:00:00Z");
      const r = await enqueue(contact("k1"));
      expect(r.status).to.equal(422);
      expect(r.body).to.deep.include({ status: "rejected", reason: "do-not-call list" });
      expect(queued).to.deep.equal([]);
    });

    it("takes a batch and answers per contact", async () => {
      await store.addDoNotCall("+819099998888", "customer asked", "2026-11-01T00:00:00Z");
      await enqueue(contact("k1"));
      const r = await enqueue({
        contacts: [
          contact("k1"),
          contact("k2", { phoneNumber: "+819011112222" }),
          contact("k3", { phoneNumber: "+819099998888" }),
        ],
      });
      expect(r.status).to.equal(202);
      expect((r.body.results as { status: string }[]).map((x) => x.status)).to.deep.equal([
        "duplicate",
        "created",
        "rejected",
      ]);
      expect(queued).to.have.length(2);
    });

    it("400 names the contact and field in a batch; a dunning contact needs its message", async () => {
      const r = await enqueue({
        contacts: [contact("k1"), contact("k2", { phoneNumber: "090-1234-5678" })],
      });
      expect(r.status).to.equal(400);
      expect(JSON.stringify(r.body.details)).to.include("contacts.1.phoneNumber");
      const m = await enqueue(contact("k3", { attributes: {} }));
      expect(m.body.details).to.deep.equal([
        {
          field: "attributes.message",
          reason: "the outbound flow reads this message to the callee",
        },
      ]);
      const big = await enqueue({
        contacts: Array.from({ length: 101 }, (_, i) => contact(`b${i}`)),
      });
      expect(big.status).to.equal(400);
      expect(queued).to.deep.equal([]);
    });

    it("reads a request with its attempts, and cancels it once", async () => {
      const { body } = await enqueue(contact("k1", { promisedDate: "2026-11-30" }));
      const params = { campaignId: campaign.campaignId, requestId: String(body.requestId) };
      const got = await call(
        "GET",
        "/campaigns/{campaignId}/contacts/{requestId}",
        undefined,
        params,
      );
      expect(got.body).to.deep.include({
        state: "QUEUED",
        attempts: [],
        promisedDate: "2026-11-30",
        phoneNumber: "+819012345678",
      });
      expect(got.body).to.not.have.any.keys("bodyHash", "pk");
      expect(
        (await call("DELETE", "/campaigns/{campaignId}/contacts/{requestId}", undefined, params))
          .status,
      ).to.equal(200);
      const again = await call(
        "DELETE",
        "/campaigns/{campaignId}/contacts/{requestId}",
        undefined,
        params,
      );
      expect(again).to.deep.equal({ status: 409, body: { error: "request is CANCELLED" } });
    });
  });

  it("gives API Gateway draft-4 request models from the same schemas", () => {
    const m = requestModels();
    expect(m.Campaign.$schema).to.equal("http://json-schema.org/draft-04/schema#");
    expect(m.Campaign.required).to.include.members([
      "campaignId",
      "type",
      "sourcePhoneNumber",
      "windows",
    ]);
    expect(m.Campaign.additionalProperties).to.equal(false);
    expect(JSON.stringify(m.Enqueue)).to.include('"maxItems":100');
  });
});
