/**
 * A local HTTP server (127.0.0.1) implementing the CoreBanking contract
 * (docs/core-banking.openapi.yaml) over in-memory customers, with the failures the adapter must
 * survive: slow answers, 5xx, malformed JSON, answers outside the contract, oversized bodies,
 * reset connections and a wrong token. Tests check its answers against the contract itself.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeCustomer {
  readonly accounts: Record<string, unknown>[];
  /** By account id, newest first. */
  readonly transactions: Record<string, Record<string, unknown>[]>;
  readonly cards: { cardId: string; last4: string; status: string }[];
}

export type Fault =
  | { kind: "slow"; ms: number }
  | { kind: "status"; status: number }
  | { kind: "malformed-json" }
  | { kind: "off-contract" }
  | { kind: "huge" }
  | { kind: "reset" };

export interface FakeCoreBanking {
  readonly url: string;
  /** Every request as received: method, path, idempotency key, authorization. */
  readonly requests: { method: string; path: string; key?: string; auth?: string; body?: string }[];
  /** The faults to apply to the next requests, in order (one each). */
  faults: Fault[];
  /** Suspensions by idempotency key (the contract's idempotency). */
  readonly suspensions: Map<string, Record<string, unknown>>;
  close(): Promise<void>;
}

export async function startFakeCoreBanking(opts: {
  token: string;
  customers: Record<string, FakeCustomer>;
}): Promise<FakeCoreBanking> {
  const requests: FakeCoreBanking["requests"] = [];
  const suspensions = new Map<string, Record<string, unknown>>();
  let referenceSeq = 100000;
  const state = { faults: [] as Fault[] };
  const send = (res: http.ServerResponse, status: number, body: unknown) => {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(text),
    });
    res.end(text);
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      requests.push({
        method: req.method ?? "",
        path: `${url.pathname}${url.search}`,
        key: req.headers["idempotency-key"] as string | undefined,
        auth: req.headers.authorization,
        body: body || undefined,
      });
      const fault = state.faults.shift();
      const answer = () => route(req.method ?? "", url, body, req.headers, res);
      if (!fault) return answer();
      switch (fault.kind) {
        case "slow":
          return void setTimeout(answer, fault.ms);
        case "status":
          return send(res, fault.status, { code: `E${fault.status}`, message: "injected" });
        case "malformed-json":
          res.writeHead(200, { "content-type": "application/json" });
          return void res.end('{"accounts": [');
        case "off-contract":
          return send(res, 200, { accounts: [{ accountId: "A1", balance: "lots" }] });
        case "huge":
          return send(res, 200, { accounts: [], padding: "x".repeat(300 * 1024) });
        case "reset":
          return void req.socket.destroy();
      }
    });
  });
  function route(
    method: string,
    url: URL,
    body: string,
    headers: http.IncomingHttpHeaders,
    res: http.ServerResponse,
  ) {
    if (headers.authorization !== `Bearer ${opts.token}`)
      return send(res, 401, { code: "unauthorized" });
    let m: RegExpMatchArray | null;
    if (method === "GET" && (m = url.pathname.match(/^\/v1\/customers\/([^/]+)\/accounts$/))) {
      const c = opts.customers[decodeURIComponent(m[1])];
      return c ? send(res, 200, { accounts: c.accounts }) : send(res, 404, { code: "no-customer" });
    }
    if (method === "GET" && (m = url.pathname.match(/^\/v1\/customers\/([^/]+)\/cards$/))) {
      const c = opts.customers[decodeURIComponent(m[1])];
      return c ? send(res, 200, { cards: c.cards }) : send(res, 404, { code: "no-customer" });
    }
    if (method === "GET" && (m = url.pathname.match(/^\/v1\/accounts\/([^/]+)\/transactions$/))) {
      const limit = Number(url.searchParams.get("limit") ?? "5");
      for (const c of Object.values(opts.customers)) {
        const txs = c.transactions[decodeURIComponent(m[1])];
        if (txs) return send(res, 200, { transactions: txs.slice(0, limit) });
      }
      return send(res, 404, { code: "no-account" });
    }
    if (method === "PUT" && (m = url.pathname.match(/^\/v1\/cards\/([^/]+)\/suspension$/))) {
      const key = headers["idempotency-key"];
      if (typeof key !== "string" || key.length < 16)
        return send(res, 400, { code: "idempotency-key" });
      const cardId = decodeURIComponent(m[1]);
      const card = Object.values(opts.customers)
        .flatMap((c) => c.cards)
        .find((c) => c.cardId === cardId);
      if (!card) return send(res, 404, { code: "no-card" });
      const seen = suspensions.get(key);
      if (seen) return send(res, 200, seen);
      const req = JSON.parse(body) as { reason?: string; channel?: string; contactId?: string };
      if (!req.reason || !req.channel || !req.contactId) return send(res, 400, { code: "body" });
      if (card.status === "closed") return send(res, 409, { code: "card-closed" });
      card.status = "suspended";
      const s = {
        cardId,
        status: "suspended",
        suspendedAt: "2026-12-06T10:15:00+09:00",
        reference: String(referenceSeq++),
      };
      suspensions.set(key, s);
      return send(res, 200, s);
    }
    return send(res, 404, { code: "no-route" });
  }
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    suspensions,
    get faults() {
      return state.faults;
    },
    set faults(f: Fault[]) {
      state.faults = f;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Two customers the tests share: one with accounts and one card, one with several cards. */
export const CUSTOMERS: Record<string, FakeCustomer> = {
  C001: {
    accounts: [
      {
        accountId: "A-1",
        type: "ordinary",
        last4: "1234",
        balance: 1234567,
        availableBalance: 1234567,
        asOf: "2026-12-06T09:00:00+09:00",
      },
      {
        accountId: "A-2",
        type: "time",
        last4: "9876",
        balance: 3000000,
        availableBalance: 0,
        asOf: "2026-12-06T09:00:00+09:00",
      },
    ],
    transactions: {
      "A-1": [
        {
          date: "2026-12-05",
          description: "振込 ヤマダタロウ",
          amount: -30000,
          balanceAfter: 1234567,
        },
        { date: "2026-12-01", description: "給与", amount: 250000, balanceAfter: 1264567 },
      ],
      "A-2": [],
    },
    cards: [{ cardId: "K-1", last4: "4321", status: "active" }],
  },
  C002: {
    accounts: [],
    transactions: {},
    cards: [
      { cardId: "K-2", last4: "1111", status: "active" },
      { cardId: "K-3", last4: "2222", status: "active" },
      { cardId: "K-4", last4: "3333", status: "closed" },
    ],
  },
};
