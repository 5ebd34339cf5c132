/**
 * The CoreBanking adapter: the telephone-banking function's only way to the bank's core system,
 * over the HTTP/JSON contract in docs/core-banking.openapi.yaml.
 *
 * Each call has a per-request timeout inside an overall deadline (a Connect flow waits at most
 * 8 s for the function), reads at most MAX_BODY_BYTES of an answer, and validates it against the
 * contract before anything is spoken. Reads are retried once on a timeout, a network error or a
 * 5xx when the deadline leaves room; a suspension is retried with the same Idempotency-Key (the
 * contract makes it idempotent). Every failure is a CoreBankingError whose kind the flow branches
 * on; its message names the operation and the HTTP status, never the token, a customer number or
 * an amount, because it reaches the function's logs.
 */
import { z } from "zod";

/** Answers larger than this are refused unread: the largest valid one is a few KiB. */
export const MAX_BODY_BYTES = 256 * 1024;

const id = z.string().regex(/^[A-Za-z0-9-]{1,64}$/);
const yen = z.number().int().min(-999_999_999_999).max(999_999_999_999);
const last4 = z.string().regex(/^[0-9]{4}$/);
const isoDate = z.iso.date();
const isoDateTime = z.iso.datetime({ offset: true });

// The contract's schemas (components.schemas in docs/core-banking.openapi.yaml); a test checks
// that both accept and refuse the same documents.
export const accountSchema = z.strictObject({
  accountId: id,
  type: z.enum(["ordinary", "savings", "time", "current"]),
  last4,
  balance: yen,
  availableBalance: yen,
  asOf: isoDateTime,
});
export const accountListSchema = z.strictObject({ accounts: z.array(accountSchema).max(50) });
export const transactionSchema = z.strictObject({
  date: isoDate,
  description: z.string().max(40),
  amount: yen,
  balanceAfter: yen,
});
export const transactionListSchema = z.strictObject({
  transactions: z.array(transactionSchema).max(20),
});
export const cardSchema = z.strictObject({
  cardId: id,
  last4,
  status: z.enum(["active", "suspended", "closed"]),
});
export const cardListSchema = z.strictObject({ cards: z.array(cardSchema).max(20) });
export const suspensionSchema = z.strictObject({
  cardId: id,
  status: z.literal("suspended"),
  suspendedAt: isoDateTime,
  reference: z.string().regex(/^[0-9]{6,12}$/),
});

export type Account = z.output<typeof accountSchema>;
export type Transaction = z.output<typeof transactionSchema>;
export type Card = z.output<typeof cardSchema>;
export type Suspension = z.output<typeof suspensionSchema>;

/**
 * What went wrong, as the flow branches on it: `timeout` and `unavailable` (network, 5xx, 429)
 * may pass, `rejected` (401/403: the adapter's credentials) and `malformed` (an answer outside the
 * contract) need the bank's IT, `not-found` (404) is about the customer's data, `conflict` (409)
 * is a card the core system will not suspend (closed, say): an agent must look.
 */
export type FailureKind =
  "timeout" | "unavailable" | "rejected" | "malformed" | "not-found" | "conflict";

export class CoreBankingError extends Error {
  constructor(
    readonly kind: FailureKind,
    readonly operation: string,
    readonly status?: number,
  ) {
    super(`core banking ${operation}: ${kind}${status === undefined ? "" : ` (HTTP ${status})`}`);
    this.name = "CoreBankingError";
  }
}

export interface CoreBankingOptions {
  /** Base URL, https only (the contract's `servers`), e.g. https://core.example/v1. */
  readonly endpoint: string;
  /** The bearer token (from Secrets Manager at run time); asked once per call. */
  readonly token: () => Promise<string>;
  /** One request's limit. */
  readonly timeoutMs: number;
  /** All attempts of one call together. */
  readonly deadlineMs: number;
  /** Injected for tests; the global fetch otherwise. */
  readonly fetch?: typeof fetch;
  readonly now?: () => number;
}

/** Reads at most `max` bytes of a body; undefined when it is longer. */
async function readCapped(res: Response, max: number): Promise<string | undefined> {
  const declared = Number(res.headers.get("content-length") ?? "0");
  if (declared > max) {
    await res.body?.cancel();
    return undefined;
  }
  if (!res.body) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  // Leaving the loop early cancels the stream: the rest is never read.
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > max) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

export class CoreBankingClient {
  private readonly fetch: typeof fetch;
  private readonly now: () => number;

  constructor(private readonly o: CoreBankingOptions) {
    if (!/^https:\/\/[^/]+/.test(o.endpoint) && !/^http:\/\/127\.0\.0\.1[:/]/.test(o.endpoint))
      // https always; plain http only to this machine's loopback (the tests' local server).
      throw new Error("core banking endpoint must be an https URL");
    this.fetch = o.fetch ?? fetch;
    this.now = o.now ?? Date.now;
  }

  listAccounts(customerId: string): Promise<Account[]> {
    return this.call(
      "listAccounts",
      "GET",
      `/customers/${encodeURIComponent(customerId)}/accounts`,
      accountListSchema,
    ).then((r) => r.accounts);
  }

  listTransactions(accountId: string, limit = 5): Promise<Transaction[]> {
    return this.call(
      "listTransactions",
      "GET",
      `/accounts/${encodeURIComponent(accountId)}/transactions?limit=${limit}`,
      transactionListSchema,
    ).then((r) => r.transactions.slice(0, limit));
  }

  listCards(customerId: string): Promise<Card[]> {
    return this.call(
      "listCards",
      "GET",
      `/customers/${encodeURIComponent(customerId)}/cards`,
      cardListSchema,
    ).then((r) => r.cards);
  }

  /** Idempotent: `idempotencyKey` is the same for every retry of one caller's request. */
  suspendCard(
    cardId: string,
    req: { reason: "lost" | "stolen"; channel: "ivr" | "chat"; contactId: string },
    idempotencyKey: string,
  ): Promise<Suspension> {
    return this.call(
      "suspendCard",
      "PUT",
      `/cards/${encodeURIComponent(cardId)}/suspension`,
      suspensionSchema,
      { body: JSON.stringify(req), idempotencyKey },
    );
  }

  private async call<T extends z.ZodType>(
    operation: string,
    method: "GET" | "PUT",
    path: string,
    schema: T,
    extra?: { body: string; idempotencyKey: string },
  ): Promise<z.output<T>> {
    const deadline = this.now() + this.o.deadlineMs;
    let last: CoreBankingError | undefined;
    for (let attempt = 0; attempt < 2; attempt++) {
      const left = deadline - this.now();
      // A retry only when a whole request still fits in what is left.
      if (attempt > 0 && left < this.o.timeoutMs) break;
      try {
        return await this.once(
          operation,
          method,
          path,
          schema,
          Math.min(left, this.o.timeoutMs),
          extra,
        );
      } catch (e) {
        if (!(e instanceof CoreBankingError)) throw e;
        last = e;
        if (e.kind !== "timeout" && e.kind !== "unavailable") break;
      }
    }
    throw last ?? new CoreBankingError("timeout", operation);
  }

  private async once<T extends z.ZodType>(
    operation: string,
    method: "GET" | "PUT",
    path: string,
    schema: T,
    timeoutMs: number,
    extra?: { body: string; idempotencyKey: string },
  ): Promise<z.output<T>> {
    const token = await this.o.token();
    let res: Response;
    try {
      res = await this.fetch(`${this.o.endpoint.replace(/\/$/, "")}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          accept: "application/json",
          ...(extra
            ? { "content-type": "application/json", "idempotency-key": extra.idempotencyKey }
            : {}),
        },
        body: extra?.body,
        signal: AbortSignal.timeout(Math.max(1, timeoutMs)),
        redirect: "error",
      });
    } catch (e) {
      const name = (e as Error).name;
      throw new CoreBankingError(
        name === "TimeoutError" || name === "AbortError" ? "timeout" : "unavailable",
        operation,
      );
    }
    let text: string | undefined;
    try {
      text = await readCapped(res, MAX_BODY_BYTES);
    } catch (e) {
      const name = (e as Error).name;
      throw new CoreBankingError(
        name === "TimeoutError" || name === "AbortError" ? "timeout" : "unavailable",
        operation,
        res.status,
      );
    }
    if (res.status === 401 || res.status === 403)
      throw new CoreBankingError("rejected", operation, res.status);
    if (res.status === 404) throw new CoreBankingError("not-found", operation, res.status);
    if (res.status === 409) throw new CoreBankingError("conflict", operation, res.status);
    if (res.status === 429 || res.status >= 500)
      throw new CoreBankingError("unavailable", operation, res.status);
    if (res.status !== 200 || text === undefined)
      throw new CoreBankingError("malformed", operation, res.status);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new CoreBankingError("malformed", operation, res.status);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw new CoreBankingError("malformed", operation, res.status);
    return parsed.data;
  }
}
