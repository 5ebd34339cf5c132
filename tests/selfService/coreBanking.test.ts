/**
 * The CoreBanking contract and its adapter: the OpenAPI document is valid; the local server's
 * answers conform to it; the adapter's zod schemas accept and refuse what the contract does; and
 * against a real HTTP server on 127.0.0.1 the adapter survives slow, failing, malformed and
 * oversized answers with the failure kind the flow branches on, retries only what is safe, and
 * never puts the token or a customer's data in an error.
 */
import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import SwaggerParser from "@apidevtools/swagger-parser";
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { parse as parseYaml } from "yaml";
import { PROJECT_ROOT } from "../../config";
import {
  accountListSchema,
  cardListSchema,
  CoreBankingClient,
  CoreBankingError,
  suspensionSchema,
  transactionListSchema,
} from "../../functions/self-service/coreBanking";
import { CUSTOMERS, startFakeCoreBanking, type FakeCoreBanking } from "../support/fakeCoreBanking";

const CONTRACT = path.join(PROJECT_ROOT, "docs/core-banking.openapi.yaml");
const TOKEN = "s3cr3t-token-never-logged";

/** The contract's schemas, compiled with ajv (OpenAPI 3.1 schemas are JSON Schema 2020-12). */
function contractValidator() {
  const doc = parseYaml(fs.readFileSync(CONTRACT, "utf8")) as Record<string, unknown>;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ ...doc, $id: "contract" });
  return (name: string, value: unknown) => {
    const v = ajv.getSchema(`contract#/components/schemas/${name}`);
    if (!v) throw new Error(`no schema ${name}`);
    return v(value) as boolean;
  };
}

describe("CoreBanking contract", () => {
  it("is a valid OpenAPI document with the four operations", async () => {
    const api = (await SwaggerParser.validate(CONTRACT)) as unknown as {
      paths: Record<string, Record<string, { operationId: string }>>;
    };
    const ops = Object.values(api.paths).flatMap((p) => Object.values(p).map((o) => o.operationId));
    expect(ops.sort()).to.deep.equal([
      "listAccounts",
      "listCards",
      "listTransactions",
      "suspendCard",
    ]);
  });

  it("the adapter's schemas accept and refuse exactly what the contract does", () => {
    const valid = contractValidator();
    const account = CUSTOMERS.C001.accounts[0];
    const cases: [string, { safeParse(v: unknown): { success: boolean } }, unknown][] = [
      ["AccountList", accountListSchema, { accounts: [account] }],
      ["AccountList", accountListSchema, { accounts: [{ ...account, balance: "1" }] }],
      ["AccountList", accountListSchema, { accounts: [{ ...account, last4: "12345" }] }],
      ["AccountList", accountListSchema, { accounts: [{ ...account, type: "loan" }] }],
      ["AccountList", accountListSchema, { accounts: [{ ...account, extra: 1 }] }],
      ["AccountList", accountListSchema, { accounts: [{ ...account, balance: 1.5 }] }],
      ["AccountList", accountListSchema, { accounts: [{ ...account, asOf: "yesterday" }] }],
      [
        "TransactionList",
        transactionListSchema,
        { transactions: CUSTOMERS.C001.transactions["A-1"] },
      ],
      [
        "TransactionList",
        transactionListSchema,
        { transactions: [{ date: "2026-13-01", description: "x", amount: 1, balanceAfter: 1 }] },
      ],
      [
        "TransactionList",
        transactionListSchema,
        {
          transactions: [
            { date: "2026-12-01", description: "x".repeat(41), amount: 1, balanceAfter: 1 },
          ],
        },
      ],
      ["CardList", cardListSchema, { cards: CUSTOMERS.C002.cards }],
      ["CardList", cardListSchema, { cards: [{ cardId: "K 1", last4: "1111", status: "active" }] }],
      [
        "Suspension",
        suspensionSchema,
        {
          cardId: "K-1",
          status: "suspended",
          suspendedAt: "2026-12-06T10:15:00+09:00",
          reference: "100000",
        },
      ],
      [
        "Suspension",
        suspensionSchema,
        {
          cardId: "K-1",
          status: "active",
          suspendedAt: "2026-12-06T10:15:00+09:00",
          reference: "100000",
        },
      ],
      [
        "Suspension",
        suspensionSchema,
        {
          cardId: "K-1",
          status: "suspended",
          suspendedAt: "2026-12-06T10:15:00+09:00",
          reference: "AB-1",
        },
      ],
    ];
    const disagreements = cases
      .map(([name, schema, value], i) => ({
        i,
        name,
        contract: valid(name, value),
        adapter: schema.safeParse(value).success,
      }))
      .filter((c) => c.contract !== c.adapter);
    expect(disagreements).to.deep.equal([]);
    // Not vacuous: both valid and invalid documents are in the table.
    expect(cases.filter(([n, , v]) => valid(n, v)).length).to.equal(4);
  });
});

describe("CoreBanking adapter against a local server", () => {
  let server: FakeCoreBanking;
  let client: CoreBankingClient;
  const make = (over: Partial<ConstructorParameters<typeof CoreBankingClient>[0]> = {}) =>
    new CoreBankingClient({
      endpoint: server.url,
      token: () => Promise.resolve(TOKEN),
      timeoutMs: 300,
      deadlineMs: 1000,
      ...over,
    });

  beforeEach(async () => {
    server = await startFakeCoreBanking({ token: TOKEN, customers: structuredClone(CUSTOMERS) });
    client = make();
  });
  afterEach(() => server.close());

  const failure = async (p: Promise<unknown>): Promise<CoreBankingError> => {
    try {
      await p;
    } catch (e) {
      expect(e).to.be.instanceOf(CoreBankingError);
      const err = e as CoreBankingError;
      // Nothing secret or personal in what reaches the logs.
      for (const s of [TOKEN, "C001", "1234567", "1234"]) expect(err.message).to.not.include(s);
      return err;
    }
    throw new Error("expected a CoreBankingError");
  };

  it("reads accounts, transactions and cards as the contract gives them, with the bearer token", async () => {
    const valid = contractValidator();
    expect(await client.listAccounts("C001")).to.deep.equal(CUSTOMERS.C001.accounts);
    expect(await client.listTransactions("A-1", 5)).to.deep.equal(
      CUSTOMERS.C001.transactions["A-1"],
    );
    expect((await client.listCards("C002")).map((c) => c.last4)).to.deep.equal([
      "1111",
      "2222",
      "3333",
    ]);
    expect(server.requests.map((r) => [r.method, r.path, r.auth])).to.deep.equal([
      ["GET", "/v1/customers/C001/accounts", `Bearer ${TOKEN}`],
      ["GET", "/v1/accounts/A-1/transactions?limit=5", `Bearer ${TOKEN}`],
      ["GET", "/v1/customers/C002/cards", `Bearer ${TOKEN}`],
    ]);
    // The fake answers what the contract allows (so the adapter is tested against the contract).
    expect(valid("AccountList", { accounts: CUSTOMERS.C001.accounts })).to.equal(true);
    expect(valid("CardList", { cards: CUSTOMERS.C002.cards })).to.equal(true);
  });

  it("retries a read once after a 5xx or a timeout, and gives up as unavailable or timeout", async () => {
    server.faults = [{ kind: "status", status: 503 }];
    expect(await client.listAccounts("C001")).to.have.length(2);
    expect(server.requests).to.have.length(2);

    server.faults = [
      { kind: "status", status: 500 },
      { kind: "status", status: 502 },
    ];
    const e = await failure(client.listAccounts("C001"));
    expect([e.kind, e.status, e.operation]).to.deep.equal(["unavailable", 502, "listAccounts"]);

    server.faults = [{ kind: "slow", ms: 600 }];
    expect(await client.listAccounts("C001")).to.have.length(2);

    server.faults = [
      { kind: "slow", ms: 600 },
      { kind: "slow", ms: 600 },
    ];
    expect((await failure(client.listAccounts("C001"))).kind).to.equal("timeout");
  });

  it("does not retry when the deadline leaves no room for a whole request", async () => {
    const tight = make({ timeoutMs: 300, deadlineMs: 400 });
    server.faults = [{ kind: "slow", ms: 600 }];
    const before = server.requests.length;
    expect((await failure(tight.listAccounts("C001"))).kind).to.equal("timeout");
    expect(server.requests.length - before).to.equal(1);
  });

  it("refuses malformed, off-contract and oversized answers without retrying", async () => {
    for (const fault of [
      { kind: "malformed-json" },
      { kind: "off-contract" },
      { kind: "huge" },
    ] as const) {
      server.faults = [fault];
      const before = server.requests.length;
      expect((await failure(client.listAccounts("C001"))).kind, fault.kind).to.equal("malformed");
      expect(server.requests.length - before, fault.kind).to.equal(1);
    }
  });

  it("classifies a wrong token, an unknown customer, a reset connection and a refused suspension", async () => {
    const wrong = make({ token: () => Promise.resolve("wrong") });
    expect((await failure(wrong.listAccounts("C001"))).kind).to.equal("rejected");
    expect((await failure(client.listAccounts("C999"))).kind).to.equal("not-found");
    server.faults = [{ kind: "reset" }, { kind: "reset" }];
    expect((await failure(client.listAccounts("C001"))).kind).to.equal("unavailable");
    const contact = "3f1e2d3c-4b5a-4968-8776-655443322110";
    expect(
      (
        await failure(
          client.suspendCard(
            "K-4",
            { reason: "lost", channel: "ivr", contactId: contact },
            `${contact}:K-4`,
          ),
        )
      ).kind,
    ).to.equal("conflict");
  });

  it("suspends a card idempotently: a retry after a lost answer is the same request and the same result", async () => {
    const contact = "3f1e2d3c-4b5a-4968-8776-655443322110";
    const key = `${contact}:K-1`;
    // The first answer is lost to a timeout; the retry carries the same key and gets the same reference.
    server.faults = [{ kind: "slow", ms: 600 }];
    const s = await client.suspendCard(
      "K-1",
      { reason: "stolen", channel: "ivr", contactId: contact },
      key,
    );
    expect(s).to.deep.include({ cardId: "K-1", status: "suspended" });
    const again = await client.suspendCard(
      "K-1",
      { reason: "stolen", channel: "ivr", contactId: contact },
      key,
    );
    expect(again.reference).to.equal(s.reference);
    const puts = server.requests.filter((r) => r.method === "PUT");
    expect(puts.map((r) => r.key)).to.deep.equal([key, key, key]);
    expect(server.suspensions.size).to.equal(1);
    expect(JSON.parse(puts[0].body!)).to.deep.equal({
      reason: "stolen",
      channel: "ivr",
      contactId: contact,
    });
  });

  it("accepts only an https endpoint (or this machine's loopback, for tests)", () => {
    for (const endpoint of ["http://core.example/v1", "ftp://x", "core.example"])
      expect(
        () =>
          new CoreBankingClient({
            endpoint,
            token: () => Promise.resolve(""),
            timeoutMs: 1,
            deadlineMs: 1,
          }),
      ).to.throw(/https/);
  });
});
