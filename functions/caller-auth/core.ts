/**
 * Caller authentication, pure logic. The knowledge factor (birth date) is stored only as a
 * scrypt hash with a per-record salt and compared in constant time; the caller's number (ANI)
 * links to a customer only after the customer was verified in the same contact and consented.
 * Failed attempts are counted atomically by the store, so concurrent guesses cannot exceed the
 * limit, and the customer is locked out for a while after too many.
 *
 * Nothing here logs or returns a birth date or a customer number in clear text.
 *
 * Over 500 lines on purpose: The authentication rules and their lockouts in one pure module.
 */
import * as crypto from "node:crypto";

export const RESULTS = [
  "Authenticated",
  "NotAuthenticated",
  "Inconclusive",
  "NotEnrolled",
  "Enrolled",
  "OptedOut",
  "LockedOut",
  // Chat: customer number and birth date matched; a one-time code went to the registered number
  // and must be entered before the chat is Authenticated.
  "StepUpRequired",
  // Chat: they matched, but no code could be sent (no registered number, or no SMS sender
  // configured): the agent must verify further before treating the visitor as the customer.
  "StepUpUnavailable",
] as const;
export type AuthResult = (typeof RESULTS)[number];

/** How an Authenticated caller was verified (the flows add "voice-id"); see AuthResponse.method. */
export const VERIFIED_METHODS = [
  "knowledge",
  "knowledge+ani",
  "ani+birthdate",
  "knowledge+otp",
] as const;

/** The chat step-up: a 6-digit code, valid 5 minutes, 3 tries, for one contact. */
export const STEP_UP = { digits: 6, ttlMs: 5 * 60_000, maxTries: 3 } as const;

/** A code sent for one contact (stored by contact id; the code itself only as a keyed MAC). */
export interface StepUp {
  readonly contactId: string;
  readonly customerId: string;
  readonly codeMac: string;
  readonly expiresAt: number;
  readonly tries: number;
  readonly used: boolean;
}

export interface LockoutPolicy {
  /** Failed verifications allowed within the window before a lockout. */
  readonly maxFailures: number;
  /** Window over which failures count, ms. */
  readonly windowMs: number;
  /** How long a lockout lasts, ms. */
  readonly lockoutMs: number;
  /** How long after a successful verification enrolment/opt-out may follow in the same contact, ms. */
  readonly enrolWithinMs: number;
}

export const DEFAULT_POLICY: LockoutPolicy = {
  maxFailures: 3,
  windowMs: 30 * 60_000,
  lockoutMs: 30 * 60_000,
  enrolWithinMs: 10 * 60_000,
};

/**
 * Budgets beyond one customer's lockout, against guessing across many customers: per source (the
 * caller's number; the chat's source address reference) and for all callers together.
 */
export interface Budgets {
  /** Failed verifications one source may make in its window before it is locked out. */
  readonly source: LockoutPolicy;
  /**
   * Failed verifications of all callers in one 5-minute bucket after which verification pauses
   * (Inconclusive: callers reach an agent unverified, who identifies them by hand) until the
   * next bucket.
   */
  readonly globalFailuresPer5Minutes: number;
}

export const DEFAULT_BUDGETS: Budgets = {
  source: { ...DEFAULT_POLICY, maxFailures: 10, lockoutMs: 60 * 60_000 },
  globalFailuresPer5Minutes: 200,
};

const BUCKET_MS = 5 * 60_000;

export interface Consent {
  readonly decision: "granted" | "declined" | "withdrawn";
  readonly at: string;
  readonly contactId: string;
  readonly ani: string;
}

export interface CustomerRecord {
  /** The bank's customer number (お客さま番号), the record key. */
  readonly customerId: string;
  readonly secretHash: string;
  readonly salt: string;
  readonly enrolledNumbers: readonly string[];
  readonly optedOut: boolean;
  readonly lockedUntil: number;
  /** The bank's registered mobile number (E.164) for one-time codes; set by the bank's import. */
  readonly registeredNumber?: string;
  readonly lastAuth?: { readonly contactId: string; readonly at: number };
  readonly consents: readonly Consent[];
}

/** enrolNumber: the number is already enrolled to another customer. */
export class NumberTakenError extends Error {
  constructor() {
    super("caller number is enrolled to another customer");
    this.name = "NumberTakenError";
  }
}

/** The store's atomic operations (DynamoDB conditional writes in production). */
export interface AuthStore {
  getCustomer(customerId: string): Promise<CustomerRecord | undefined>;
  getCustomerIdByNumber(ani: string): Promise<string | undefined>;
  /**
   * Counts one verification attempt against the window, atomically. Returns false (and counts
   * nothing) when the customer is locked out or the window is already full.
   */
  reserveAttempt(customerId: string, now: number, policy: LockoutPolicy): Promise<boolean>;
  /** After a failed attempt: lock the customer when the window is full. */
  lockIfExhausted(customerId: string, now: number, policy: LockoutPolicy): Promise<boolean>;
  /** After a successful attempt: clear the window and remember the contact. */
  recordSuccess(customerId: string, contactId: string, now: number): Promise<void>;
  /** The same window and lockout for a key that is not a customer (made on first use). */
  reserveBudget(key: string, now: number, policy: LockoutPolicy): Promise<boolean>;
  lockBudgetIfExhausted(key: string, now: number, policy: LockoutPolicy): Promise<boolean>;
  /** Gives back a reserved budget attempt that did not fail. */
  releaseBudget(key: string): Promise<void>;
  /** Counts a failure in a bucket shared by all callers; returns the bucket's count. */
  countGlobalFailure(bucket: string, expiresAt: number): Promise<number>;
  globalFailures(bucket: string): Promise<number>;
  /** Stores the code of a contact's step-up (replacing an earlier one of the same contact). */
  putStepUp(s: StepUp): Promise<void>;
  getStepUp(contactId: string): Promise<StepUp | undefined>;
  /** Counts one try atomically; false when the tries are used up or the code was used. */
  countStepUpTry(contactId: string, maxTries: number): Promise<boolean>;
  /** Marks the code used, once: false when it was used already. */
  useStepUp(contactId: string): Promise<boolean>;
  enrolNumber(customerId: string, ani: string, consent: Consent): Promise<void>;
  recordConsent(customerId: string, consent: Consent): Promise<void>;
  optOut(customerId: string, consent: Consent): Promise<void>;
}

// scrypt cost: N=2^15, r=8 → 32 MiB and ~50-100 ms per hash on Lambda, well inside the 8 s flow
// limit, and expensive enough that a stolen table cannot be brute-forced over all birth dates
// cheaply per record (the salt makes every record its own search).
const SCRYPT = { N: 1 << 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } as const;

const HASH_BYTES = 32;

export function hashSecret(secret: string, saltHex: string): string {
  return crypto.scryptSync(secret, Buffer.from(saltHex, "hex"), HASH_BYTES, SCRYPT).toString("hex");
}

export const newSalt = () => crypto.randomBytes(16).toString("hex");

export function secretMatches(secret: string, saltHex: string, hashHex: string): boolean {
  const expected = Buffer.from(hashHex, "hex");
  // Always the full length: scrypt's output for a shorter length is a prefix of the longer one,
  // so deriving the length from the stored value would accept a truncated hash.
  const actual = crypto.scryptSync(secret, Buffer.from(saltHex, "hex"), HASH_BYTES, SCRYPT);
  return expected.length === HASH_BYTES && crypto.timingSafeEqual(expected, actual);
}

/** A constant salt/hash to spend the same time when the customer does not exist. */
const DUMMY = { salt: "00".repeat(16), hash: "00".repeat(32) };

/** お客さま番号: digits only, after folding full-width digits (NFKC) and dropping separators. */
export function normaliseCustomerNumber(input: string | undefined): string | undefined {
  if (!input) return undefined;
  const digits = input.normalize("NFKC").replace(/[\s\-‐－ー]/g, "");
  return /^\d{6,12}$/.test(digits) ? digits : undefined;
}

/** Birth date as YYYY-MM-DD (Lex AMAZON.Date gives that; YYYYMMDD also accepted), a real date. */
export function normaliseBirthDate(input: string | undefined): string | undefined {
  if (!input) return undefined;
  const s = input.normalize("NFKC").trim();
  const m = /^(\d{4})-?(\d{2})-?(\d{2})$/.exec(s);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  const ok =
    date.getUTCFullYear() === y &&
    date.getUTCMonth() === mo - 1 &&
    date.getUTCDate() === d &&
    y >= 1900;
  return ok ? `${m[1]}-${m[2]}-${m[3]}` : undefined;
}

/**
 * A reference to a customer number, caller number or source for logs, budget keys and Voice ID
 * speaker ids: HMAC-SHA256 with a key only the function holds (derived at cold start from a
 * non-exportable KMS HMAC key). An unkeyed hash of a 7-digit customer number is reversed by
 * trying all ten million in under a minute; without the key there is nothing to try.
 */
export const keyedRef = (key: Buffer, kind: string, value: string): string =>
  crypto.createHmac("sha256", key).update(`${kind}:${value}`).digest("hex").slice(0, 16);

export interface AuthResponse {
  readonly result: AuthResult;
  /**
   * How the caller was recognised: "ani" (number known, nothing checked yet), "knowledge"
   * (customer number and birth date), "knowledge+ani" (both, said from the enrolled number),
   * "ani+birthdate" (the enrolled number stood in for the customer number: only the birth date
   * was said), or "none". The agent's whisper says exactly which.
   */
  readonly method: string;
  /** Only when Authenticated, for the agent. */
  readonly customerId?: string;
  /** Why, for logs and flow attributes; never contains personal data. */
  readonly reason: string;
  /**
   * Only from lookup-caller when Enrolled: an opaque, stable reference to the customer the number
   * is enrolled to (the Voice ID speaker id), never the customer number.
   */
  readonly customerRef?: string;
}

const resp = (
  result: AuthResult,
  method: string,
  reason: string,
  customerId?: string,
): AuthResponse => ({
  result,
  method,
  reason,
  ...(customerId ? { customerId } : {}),
});

export interface Context {
  readonly store: AuthStore;
  readonly now: () => number;
  readonly policy: LockoutPolicy;
  readonly budgets: Budgets;
  /** The HMAC key of keyedRef. */
  readonly refKey: Buffer;
  /** Told of each failed verification (a metric filter counts the line; an alarm watches the rate). */
  readonly onFailure?: (why: string) => void;
  /**
   * Sends a one-time code by SMS to a registered number (End User Messaging SMS); undefined when
   * no SMS sender is configured: chat verifications then end StepUpUnavailable.
   */
  readonly sendCode?: (to: string, code: string) => Promise<void>;
}

/** A customer's log reference (keyed; never the customer number itself). */
export const customerRef = (c: Pick<Context, "refKey">, customerId: string) =>
  keyedRef(c.refKey, "customer", customerId);

/** Repeat contact: is this caller number enrolled (before asking anything)? */
export async function lookupCaller(c: Context, ani: string | undefined): Promise<AuthResponse> {
  if (!ani) return resp("NotEnrolled", "none", "no caller number (withheld)");
  const id = await c.store.getCustomerIdByNumber(ani);
  if (!id) return resp("NotEnrolled", "none", "caller number not enrolled");
  const rec = await c.store.getCustomer(id);
  if (!rec || !rec.enrolledNumbers.includes(ani))
    return resp("NotEnrolled", "none", "enrolment no longer valid");
  if (rec.optedOut)
    return resp("OptedOut", "none", "customer opted out of caller-number recognition");
  if (rec.lockedUntil > c.now()) return resp("LockedOut", "none", "customer locked out");
  return {
    ...resp("Enrolled", "ani", "caller number enrolled; knowledge check follows"),
    customerRef: customerRef(c, id),
  };
}

/**
 * Knowledge check with lockout. A first-time caller says customer number + birth date. A repeat
 * caller whose number is enrolled (lookupCaller said Enrolled) says only the birth date: the
 * customer is the one the number is enrolled to, so the number stands in for the customer number
 * as a possession factor and the method is "ani+birthdate" (the customer number was not checked:
 * the whisper must not say it was).
 */
export async function verify(
  c: Context,
  input: {
    customerNumber?: string;
    birthDate?: string;
    ani?: string;
    /** The chat's source reference (no caller number in chat). */
    source?: string;
    /** A chat: a match only starts the step-up (a one-time code to the registered number). */
    chat?: boolean;
    contactId: string;
  },
): Promise<AuthResponse> {
  const said = normaliseCustomerNumber(input.customerNumber);
  const byNumber = !input.customerNumber && input.ani;
  const id = said ?? (byNumber ? await c.store.getCustomerIdByNumber(input.ani!) : undefined);
  const birth = normaliseBirthDate(input.birthDate);
  if (!id)
    return resp(
      byNumber ? "NotEnrolled" : "Inconclusive",
      "knowledge",
      byNumber ? "caller number not enrolled" : "customer number not understood",
    );
  if (!birth) return resp("Inconclusive", "knowledge", "birth date not understood");
  const rec = await c.store.getCustomer(id);
  // Birth date alone is enough only for a number that is still enrolled to this customer.
  if (rec && !said && !rec.enrolledNumbers.includes(input.ani!))
    return resp("NotEnrolled", "knowledge", "enrolment no longer valid");
  if (rec && !said && rec.optedOut)
    return resp("OptedOut", "knowledge", "customer opted out of caller-number recognition");

  const now = c.now();
  const bucket = String(Math.floor(now / BUCKET_MS));
  if ((await c.store.globalFailures(bucket)) >= c.budgets.globalFailuresPer5Minutes)
    return resp("Inconclusive", "knowledge", "verification paused: too many failures");
  // One budget per source across customers: a caller number, or a chat's source address.
  const from = input.ani
    ? `SOURCE#${keyedRef(c.refKey, "ani", input.ani)}`
    : input.source
      ? `SOURCE#${keyedRef(c.refKey, "source", input.source)}`
      : undefined;
  // A customer number that does not exist gets a budget of its own: it locks like a real one,
  // so unknown, known and locked numbers give the same answers after the same work.
  const unknown = `UNKNOWN#${keyedRef(c.refKey, "customer", id)}`;
  const [sourceOk, subjectOk] = await Promise.all([
    from ? c.store.reserveBudget(from, now, c.budgets.source) : Promise.resolve(true),
    rec ? c.store.reserveAttempt(id, now, c.policy) : c.store.reserveBudget(unknown, now, c.policy),
  ]);
  // Always exactly one scrypt, whatever the outcome.
  const matches = secretMatches(birth, rec?.salt ?? DUMMY.salt, rec?.secretHash ?? DUMMY.hash);
  if (!sourceOk || !subjectOk) {
    // A reservation made on one side is given back: nothing was tried.
    if (from && sourceOk) await c.store.releaseBudget(from);
    return resp("LockedOut", "knowledge", "attempt limit reached");
  }
  if (!rec || !matches) {
    const [locked] = await Promise.all([
      rec
        ? c.store.lockIfExhausted(id, now, c.policy)
        : c.store.lockBudgetIfExhausted(unknown, now, c.policy),
      from ? c.store.lockBudgetIfExhausted(from, now, c.budgets.source) : Promise.resolve(false),
      c.store.countGlobalFailure(bucket, now + 2 * BUCKET_MS),
    ]);
    c.onFailure?.(locked ? "attempt limit reached" : "no match");
    return resp(
      locked ? "LockedOut" : "NotAuthenticated",
      "knowledge",
      locked ? "attempt limit reached" : "no match",
    );
  }
  if (input.chat) {
    // Knowledge alone never authenticates a chat: anyone who learnt a customer number and birth
    // date could type them. A code goes to the bank's registered number, and only its holder
    // can finish (checkCode, which counts its own tries against the source).
    if (from) await c.store.releaseBudget(from);
    if (!c.sendCode || !rec.registeredNumber)
      return resp(
        "StepUpUnavailable",
        "knowledge",
        c.sendCode ? "no registered number for a one-time code" : "no one-time code sender",
      );
    const code = String(crypto.randomInt(0, 10 ** STEP_UP.digits)).padStart(STEP_UP.digits, "0");
    await c.store.putStepUp({
      contactId: input.contactId,
      customerId: id,
      codeMac: codeMac(c, input.contactId, code),
      expiresAt: now + STEP_UP.ttlMs,
      tries: 0,
      used: false,
    });
    await c.sendCode(rec.registeredNumber, code);
    return resp("StepUpRequired", "knowledge", "one-time code sent to the registered number");
  }
  await Promise.all([
    c.store.recordSuccess(id, input.contactId, now),
    from ? c.store.releaseBudget(from) : Promise.resolve(),
  ]);
  if (!said) return resp("Authenticated", "ani+birthdate", "verified", id);
  const ani = input.ani && rec.enrolledNumbers.includes(input.ani) && !rec.optedOut;
  return resp("Authenticated", ani ? "knowledge+ani" : "knowledge", "verified", id);
}

const codeMac = (c: Pick<Context, "refKey">, contactId: string, code: string) =>
  crypto.createHmac("sha256", c.refKey).update(`step-up:${contactId}:${code}`).digest("hex");

/**
 * The chat step-up's second half: the code the visitor typed, for this contact only, within its
 * time, at most STEP_UP.maxTries tries (each wrong one also counts against the source's and all
 * callers' failure budgets). The right code authenticates the customer verified before it.
 */
export async function checkCode(
  c: Context,
  input: { code?: string; source?: string; contactId: string },
): Promise<AuthResponse> {
  const now = c.now();
  const st = await c.store.getStepUp(input.contactId);
  if (!st || st.used || st.expiresAt <= now)
    return resp("NotAuthenticated", "knowledge", "no valid one-time code for this contact");
  const from = input.source ? `SOURCE#${keyedRef(c.refKey, "source", input.source)}` : undefined;
  if (from && !(await c.store.reserveBudget(from, now, c.budgets.source)))
    return resp("LockedOut", "knowledge", "attempt limit reached");
  if (!(await c.store.countStepUpTry(input.contactId, STEP_UP.maxTries))) {
    if (from) await c.store.releaseBudget(from);
    return resp("LockedOut", "knowledge", "attempt limit reached");
  }
  const typed = (input.code ?? "").normalize("NFKC").replace(/\s/g, "");
  const expected = Buffer.from(st.codeMac, "hex");
  const actual = Buffer.from(codeMac(c, input.contactId, typed), "hex");
  if (!crypto.timingSafeEqual(expected, actual)) {
    const bucket = String(Math.floor(now / BUCKET_MS));
    await Promise.all([
      from ? c.store.lockBudgetIfExhausted(from, now, c.budgets.source) : Promise.resolve(false),
      c.store.countGlobalFailure(bucket, now + 2 * BUCKET_MS),
    ]);
    c.onFailure?.("one-time code did not match");
    const last = st.tries + 1 >= STEP_UP.maxTries;
    return resp(
      last ? "LockedOut" : "NotAuthenticated",
      "knowledge",
      last ? "attempt limit reached" : "no match",
    );
  }
  if (!(await c.store.useStepUp(input.contactId)))
    return resp("NotAuthenticated", "knowledge", "no valid one-time code for this contact");
  await Promise.all([
    c.store.recordSuccess(st.customerId, input.contactId, now),
    from ? c.store.releaseBudget(from) : Promise.resolve(),
  ]);
  return resp("Authenticated", "knowledge+otp", "verified", st.customerId);
}

/**
 * First contact: link the caller number to the customer verified in this same contact, only with
 * consent, and record the decision either way.
 */
export async function enrol(
  c: Context,
  input: { customerId?: string; consent?: string; ani?: string; contactId: string },
): Promise<AuthResponse> {
  const id = normaliseCustomerNumber(input.customerId);
  if (!id) return resp("Inconclusive", "none", "no verified customer in this contact");
  const rec = await c.store.getCustomer(id);
  const now = c.now();
  if (
    !rec ||
    rec.lastAuth?.contactId !== input.contactId ||
    now - rec.lastAuth.at > c.policy.enrolWithinMs
  ) {
    return resp("NotAuthenticated", "none", "enrolment requires a verification in this contact");
  }
  // The caller was verified in this contact: whatever happens to the enrolment, they stay
  // Authenticated for the agent.
  if (!input.ani)
    return resp("Authenticated", "knowledge", "no caller number to enrol (withheld)", id);
  const decision = input.consent === "granted" ? "granted" : "declined";
  const consent: Consent = {
    decision,
    at: new Date(now).toISOString(),
    contactId: input.contactId,
    ani: input.ani,
  };
  if (decision === "granted") {
    try {
      await c.store.enrolNumber(id, input.ani, consent);
    } catch (e) {
      if (!(e instanceof NumberTakenError)) throw e;
      await c.store.recordConsent(id, consent);
      return resp("Authenticated", "knowledge", "caller number enrolled to another customer", id);
    }
    return resp("Authenticated", "knowledge", "caller number enrolled with consent", id);
  }
  await c.store.recordConsent(id, consent);
  return resp("Authenticated", "knowledge", "enrolment declined; consent recorded", id);
}

/** Opt out of caller-number recognition (after a verification in the same contact). */
export async function optOut(
  c: Context,
  input: { customerId?: string; ani?: string; contactId: string },
): Promise<AuthResponse> {
  const id = normaliseCustomerNumber(input.customerId);
  const rec = id ? await c.store.getCustomer(id) : undefined;
  const now = c.now();
  if (
    !id ||
    !rec ||
    rec.lastAuth?.contactId !== input.contactId ||
    now - rec.lastAuth.at > c.policy.enrolWithinMs
  ) {
    return resp("NotAuthenticated", "none", "opt-out requires a verification in this contact");
  }
  await c.store.optOut(id, {
    decision: "withdrawn",
    at: new Date(now).toISOString(),
    contactId: input.contactId,
    ani: input.ani ?? "",
  });
  return resp("OptedOut", "knowledge", "caller-number recognition withdrawn", id);
}
