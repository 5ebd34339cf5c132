/** The outbound API handler against a local DynamoDB: every route, validation errors, idempotency. */
import { expect } from "chai";
import { makeApi, requestModels, type ApiEvent } from "../../functions/outbound/api";
import type { DialMessage } from "../../functions/outbound/dialer";
import { OutboundStore } from "../../functions/outbound/store";
import { createPkSkTable, startLocalDynamo, type LocalDynamo } from "../support/localDynamo";

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
      // The duplicate of a request still QUEUED is sent again (its first send may have failed);
      // the dialer's conditional claim makes the second message harmless. A conflict never is.
      expect(queued).to.deep.equal([
        { campaignId: campaign.campaignId, requestId: first.body.requestId },
        { campaignId: campaign.campaignId, requestId: first.body.requestId },
      ]);
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
      // k1 (first call), then k1 again (still QUEUED) and k2; never the rejected k3.
      expect(queued).to.have.length(3);
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

  describe("hostile input (issue 19)", () => {
    beforeEach(async () => {
      await create();
    });

    it("a number spelled with the trunk 0 is stored, DNC-checked and deduplicated as the same line", async () => {
      await store.addDoNotCall("+819012345678", "customer asked", "2026-11-01T00:00:00Z");
      const listed = await enqueue(contact("k1", { phoneNumber: "+8109012345678" }));
      expect(listed.status).to.equal(422);
      expect(listed.body).to.deep.include({ status: "rejected", reason: "do-not-call list" });
      const other = await enqueue(contact("k2", { phoneNumber: "+8109011112222" }));
      expect(other.status).to.equal(202);
      const stored = await store.getRequest(campaign.campaignId, String(other.body.requestId));
      expect(stored?.phoneNumber).to.equal("+819011112222");
      // The same key with the other spelling of the same line is the same request, not a conflict.
      const again = await enqueue(contact("k2", { phoneNumber: "+819011112222" }));
      expect(again.body).to.deep.include({ status: "duplicate" });
      // And a number listed in the long spelling is found in the short one.
      await store.addDoNotCall("+8108033334444", "customer asked", "2026-11-01T00:00:00Z");
      expect(await store.isDoNotCall("+818033334444")).to.equal(true);
    });

    it("refuses premium-rate, satellite and foreign numbers by default, with the reason", async () => {
      const cases: [string, string][] = [
        ["+81990123456", "is a PREMIUM_RATE number"],
        ["+8816123456789", "is a non-geographic number"],
        ["+14155552671", "is a US number"],
        ["+815012345678", "is a VOIP number"],
      ];
      for (const [i, [number, why]] of cases.entries()) {
        const r = await enqueue(contact(`p${i}`, { phoneNumber: number }));
        expect(r.status, number).to.equal(422);
        expect(String(r.body.reason)).to.include("destination not allowed").and.include(why);
      }
      expect(queued).to.deep.equal([]);
    });

    it("dunning stays in Japan; another campaign type may allow more countries and types", async () => {
      const dunning = await call("POST", "/campaigns", {
        ...campaign,
        campaignId: "dunning-abroad",
        destinations: { countries: ["JP", "US"], types: ["MOBILE"] },
      });
      expect(dunning.status).to.equal(400);
      expect(dunning.body.details).to.deep.equal([
        {
          field: "destinations.countries",
          reason:
            "a dunning campaign calls JP numbers only (its lawful hours are Japan's); remove US",
        },
      ]);
      const premium = await call("POST", "/campaigns", {
        ...campaign,
        campaignId: "premium",
        destinations: { countries: ["JP"], types: ["PREMIUM_RATE"] },
      });
      expect(premium.status).to.equal(400);
      const tm = await call("POST", "/campaigns", {
        ...campaign,
        type: "telemarketing",
        campaignId: "tm-us",
        destinations: { countries: ["JP", "US"], types: ["FIXED_LINE_OR_MOBILE", "MOBILE"] },
      });
      expect(tm.status).to.equal(201);
      const r = await call(
        "POST",
        "/campaigns/{campaignId}/contacts",
        contact("us", { phoneNumber: "+14155552671" }),
        { campaignId: "tm-us" },
      );
      expect(r.status).to.equal(202);
    });

    it("refuses attribute names the flows and the recorder own, and attributes over 16 KB", async () => {
      for (const name of ["responded", "authResult", "AUTHMETHOD", "cc_topic", "campaignId"]) {
        const r = await enqueue(
          contact(`r-${name}`, { attributes: { message: "m", [name]: "true" } }),
        );
        expect(r.status, name).to.equal(400);
        expect((r.body.details as { field: string }[])[0].field).to.equal(`attributes.${name}`);
      }
      const big = Object.fromEntries(
        Array.from({ length: 20 }, (_, i) => [`k${i}`, "あ".repeat(300)]),
      );
      const r = await enqueue(contact("big", { attributes: { message: "m", ...big } }));
      expect(r.status).to.equal(400);
      expect(r.body.details).to.deep.equal([
        {
          field: "attributes",
          reason: "at most 16384 UTF-8 bytes of names and values together",
        },
      ]);
      expect(queued).to.deep.equal([]);
    });

    it("a request whose queue send failed is sent again when the client retries", async () => {
      let failNext = true;
      const flaky = makeApi({
        store,
        enqueue: (m) => {
          if (failNext) {
            failNext = false;
            return Promise.reject(new Error("SQS unavailable"));
          }
          queued.push(...m);
          return Promise.resolve();
        },
        now: () => Date.parse("2026-11-24T01:00:00Z"),
      });
      const event: ApiEvent = {
        httpMethod: "POST",
        resource: "/campaigns/{campaignId}/contacts",
        pathParameters: { campaignId: campaign.campaignId },
        body: JSON.stringify(contact("k1")),
      };
      let failed = false;
      await flaky(event).catch(() => (failed = true));
      expect(failed).to.equal(true); // API Gateway answers 502; the client retries
      const retry = await flaky(event);
      expect(retry.statusCode).to.equal(200);
      const { requestId } = JSON.parse(retry.body) as { requestId: string };
      expect(queued).to.deep.equal([{ campaignId: campaign.campaignId, requestId }]);
    });

    it("promised dates must exist and be at most 92 days ahead; holidays must exist", async () => {
      const bad: [string, string][] = [
        ["2026-13-45", "a date that exists in the calendar"],
        ["2026-02-30", "a date that exists in the calendar"],
        ["9999-12-31", "at most 92 days ahead (2027-02-24 JST)"],
      ];
      for (const [i, [date, reason]] of bad.entries()) {
        const r = await enqueue(contact(`d${i}`, { promisedDate: date }));
        expect(r.status, date).to.equal(400);
        expect(r.body.details, date).to.deep.equal([{ field: "promisedDate", reason }]);
      }
      expect((await enqueue(contact("ok", { promisedDate: "2027-02-24" }))).status).to.equal(202);
      const h = await call("POST", "/campaigns", {
        ...campaign,
        campaignId: "bad-holiday",
        holidays: ["2026-12-31", "2026-11-31"],
      });
      expect(h.body.details).to.deep.equal([
        { field: "holidays.1", reason: "a date that exists in the calendar" },
      ]);
    });

    it("refuses a body over 1 MiB before parsing it, and lists at most 20 problems", async () => {
      const huge = JSON.stringify({
        contacts: [contact("x", { customerRef: "x".repeat(1_100_000) })],
      });
      const r = await enqueue(huge);
      expect(r.status).to.equal(413);
      expect(r.body).to.deep.equal({ error: "body over 1048576 bytes" });
      const many = await enqueue({
        contacts: Array.from({ length: 100 }, (_, i) =>
          contact(`m${i}`, { phoneNumber: "0", customerRef: "" }),
        ),
      });
      expect(many.status).to.equal(400);
      const details = many.body.details as { field: string; reason: string }[];
      expect(details).to.have.length(21);
      expect(details[20]).to.deep.equal({
        field: "(body)",
        reason: "180 more problems not listed",
      });
    });
  });
});
