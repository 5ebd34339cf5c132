/**
 * functions/caller-auth against a local DynamoDB (dynalite on 127.0.0.1): every result the flows
 * branch on, the lockout window (including concurrent guesses), hashing, consent records, opt-out,
 * malformed events, and that no log line carries a customer number or a birth date.
 *
 * Over 500 lines on purpose: The handler's behaviours share one local DynamoDB, its fixtures and
 * the log capture.
 */
import { expect } from "chai";
import { createHash } from "node:crypto";
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import {
  DEFAULT_BUDGETS,
  DEFAULT_POLICY,
  hashSecret,
  keyedRef,
  newSalt,
  normaliseBirthDate,
  normaliseCustomerNumber,
  secretMatches,
  type LockoutPolicy,
} from "../../functions/caller-auth/core";
import {
  FAILURE_LOG_LINE,
  makeHandler,
  type Deps,
  type FlowResponse,
} from "../../functions/caller-auth/handler";
import { DynamoAuthStore, TABLE_KEY } from "../../functions/caller-auth/store";
import { startLocalDynamo, type LocalDynamo } from "../support/localDynamo";

const MINUTE = 60_000;
const BOT_ALIAS = "arn:aws:lex:ap-northeast-1:123456789012:bot-alias/BOTID12345/ALIAS12345";
/** The reference key the function derives from KMS at cold start (any 32 bytes here). */
const REF_KEY = Buffer.alloc(32, 7);
const POLICY: LockoutPolicy = DEFAULT_POLICY; // 3 failures / 30 min window / 30 min lockout / 10 min enrol

// Test customers: customer number and birth date are what the caller says.
const ALICE = { id: "1234567", birth: "1980-04-01" };
const BOB = { id: "7654321", birth: "1975-12-31" };
const ALICE_PHONE = "+81312345678";
const BOB_PHONE = "+81398765432";

describe("caller-auth: input normalisation and hashing", () => {
  const numbers: [string | undefined, string | undefined][] = [
    ["1234567", "1234567"],
    ["１２３４５６７", "1234567"], // full-width digits from a Japanese IME or Lex ja_JP
    ["123-4567", "1234567"],
    ["123 4567", "1234567"],
    ["12345", undefined], // too short
    ["1234567890123", undefined], // too long
    ["12a4567", undefined],
    ["", undefined],
    [undefined, undefined],
  ];
  for (const [input, want] of numbers) {
    it(`customer number ${JSON.stringify(input)} → ${want ?? "rejected"}`, () =>
      expect(normaliseCustomerNumber(input)).to.equal(want));
  }

  const dates: [string | undefined, string | undefined][] = [
    ["1980-04-01", "1980-04-01"],
    ["19800401", "1980-04-01"],
    ["１９８０-０４-０１", "1980-04-01"],
    ["2000-02-29", "2000-02-29"], // leap year
    ["2001-02-29", undefined], // not a date
    ["1980-13-01", undefined],
    ["1899-12-31", undefined],
    ["April 1 1980", undefined],
    [undefined, undefined],
  ];
  for (const [input, want] of dates) {
    it(`birth date ${JSON.stringify(input)} → ${want ?? "rejected"}`, () =>
      expect(normaliseBirthDate(input)).to.equal(want));
  }

  it("hashes with a per-record salt and verifies only the right secret", () => {
    const [s1, s2] = [newSalt(), newSalt()];
    expect(s1).to.match(/^[0-9a-f]{32}$/);
    expect(s1).to.not.equal(s2);
    const h1 = hashSecret(ALICE.birth, s1);
    // Same birth date, different salt: different hash, so equal birth dates are not visible.
    expect(hashSecret(ALICE.birth, s2)).to.not.equal(h1);
    expect(h1).to.match(/^[0-9a-f]{64}$/);
    expect(secretMatches(ALICE.birth, s1, h1)).to.equal(true);
    expect(secretMatches(BOB.birth, s1, h1)).to.equal(false);
    expect(secretMatches(ALICE.birth, s2, h1)).to.equal(false);
    // A truncated stored hash never matches (length is checked before the constant-time compare).
    expect(secretMatches(ALICE.birth, s1, h1.slice(0, 32))).to.equal(false);
  });
});

describe("caller-auth: handler on a local DynamoDB", function () {
  this.timeout(60_000);
  const TABLE = "caller-auth-test";
  let local: LocalDynamo;
  let store: DynamoAuthStore;
  let clock: number;
  let logs: { level: string; message: string; fields: unknown }[];
  let handler: (event: unknown) => Promise<FlowResponse>;
  let contactSeq = 0;

  const log = (level: string) => (message: string, fields?: unknown) =>
    void logs.push({ level, message, fields });
  /** The handler as the Lambda entry builds it, with the test's store, clock and logs. */
  const handlerWith = (over: Partial<Deps> = {}) =>
    makeHandler({
      store,
      now: () => clock,
      policy: POLICY,
      budgets: DEFAULT_BUDGETS,
      refKey: REF_KEY,
      logger: { info: log("info"), warn: log("warn"), error: log("error") },
      lexAliasArn: BOT_ALIAS,
      ...over,
    });

  before(async () => {
    local = await startLocalDynamo();
  });
  after(async () => {
    await local.close();
  });

  beforeEach(async () => {
    contactSeq++;
    table = `${TABLE}-${contactSeq}`;
    await local.createTable({
      TableName: table,
      AttributeDefinitions: [{ AttributeName: TABLE_KEY, AttributeType: "S" }],
      KeySchema: [{ AttributeName: TABLE_KEY, KeyType: "HASH" }],
    });
    store = new DynamoAuthStore(local.doc, table);
    for (const c of [ALICE, BOB]) {
      const salt = newSalt();
      await store.putCustomer(c.id, hashSecret(c.birth, salt), salt);
    }
    clock = Date.UTC(2026, 10, 24, 1, 0, 0);
    logs = [];
    handler = handlerWith();
  });

  // Nothing any test logged may contain a customer number or a birth date, in any form.
  afterEach(function () {
    const text = JSON.stringify(logs);
    for (const secret of [ALICE.id, BOB.id, ALICE.birth, BOB.birth, "19800401", "1980"]) {
      expect(text, `log leaks ${secret}`).to.not.include(secret);
    }
  });

  const event = (
    contactId: string,
    params: Record<string, string>,
    endpoint: { Address: string; Type: string } | null = {
      Address: ALICE_PHONE,
      Type: "TELEPHONE_NUMBER",
    },
  ) => ({
    Name: "ContactFlowEvent",
    Details: {
      ContactData: { ContactId: contactId, CustomerEndpoint: endpoint },
      Parameters: params,
    },
  });
  const verify = (contactId: string, who: { id: string; birth: string }, phone = ALICE_PHONE) =>
    handler(
      event(
        contactId,
        { action: "verify", customerNumber: who.id, birthDate: who.birth },
        { Address: phone, Type: "TELEPHONE_NUMBER" },
      ),
    );
  const wrong = (contactId: string, who = ALICE) =>
    handler(
      event(contactId, { action: "verify", customerNumber: who.id, birthDate: "1999-01-01" }),
    );
  const enrol = (contactId: string, customerId: string, consent: string, phone = ALICE_PHONE) =>
    handler(
      event(
        contactId,
        { action: "enrol", customerId, consent },
        { Address: phone, Type: "TELEPHONE_NUMBER" },
      ),
    );
  const lookup = (contactId: string, phone: string | null = ALICE_PHONE) =>
    handler(
      event(
        contactId,
        { action: "lookup-caller" },
        phone ? { Address: phone, Type: "TELEPHONE_NUMBER" } : null,
      ),
    );
  let table = "";
  const raw = async (id: string) =>
    (await local.doc.send(new GetCommand({ TableName: table, Key: { pk: `CUSTOMER#${id}` } })))
      .Item!;

  describe("first contact: verify, then enrol with consent", () => {
    it("an unknown caller number is NotEnrolled; a withheld number too", async () => {
      expect(await lookup("c1")).to.deep.include({ result: "NotEnrolled", method: "none" });
      expect(await lookup("c1", null)).to.deep.include({
        result: "NotEnrolled",
        reason: "no caller number (withheld)",
      });
    });

    it("the right customer number and birth date authenticate, and the agent gets the customer", async () => {
      expect(await verify("c1", ALICE)).to.deep.equal({
        result: "Authenticated",
        method: "knowledge",
        reason: "verified",
        customerId: ALICE.id,
        customerRef: "",
        lexAliasArn: BOT_ALIAS,
        codeBotAliasArn: "",
        authInput: "lex",
        customerNumber: "",
      });
    });

    it("full-width digits and YYYYMMDD as Lex ja_JP may deliver them still authenticate", async () => {
      const r = await handler(
        event("c1", { action: "verify", customerNumber: "１２３４５６７", birthDate: "19800401" }),
      );
      expect(r.result).to.equal("Authenticated");
    });

    it("a wrong birth date is NotAuthenticated; an unknown customer number looks the same", async () => {
      expect(await wrong("c1")).to.deep.equal({
        result: "NotAuthenticated",
        method: "knowledge",
        reason: "no match",
        customerId: "",
        customerRef: "",
        lexAliasArn: BOT_ALIAS,
        codeBotAliasArn: "",
        authInput: "lex",
        customerNumber: "",
      });
      expect(await verify("c1", { id: "9999999", birth: ALICE.birth })).to.deep.equal({
        result: "NotAuthenticated",
        method: "knowledge",
        reason: "no match",
        customerId: "",
        customerRef: "",
        lexAliasArn: BOT_ALIAS,
        codeBotAliasArn: "",
        authInput: "lex",
        customerNumber: "",
      });
    });

    it("slots Lex could not fill are Inconclusive and do not count as failures", async () => {
      for (let i = 0; i < 5; i++) {
        const r = await handler(
          event("c1", { action: "verify", customerNumber: "abc", birthDate: ALICE.birth }),
        );
        expect(r).to.deep.include({
          result: "Inconclusive",
          reason: "customer number not understood",
        });
        const r2 = await handler(
          event("c1", { action: "verify", customerNumber: ALICE.id, birthDate: "" }),
        );
        expect(r2).to.deep.include({ result: "Inconclusive", reason: "birth date not understood" });
      }
      expect((await raw(ALICE.id)).attempts).to.equal(0);
      expect((await verify("c1", ALICE)).result).to.equal("Authenticated");
    });

    it("enrolment with consent links the number and records consent with time and contact id", async () => {
      await verify("c1", ALICE);
      clock += 2 * MINUTE;
      expect(await enrol("c1", ALICE.id, "granted")).to.deep.equal({
        result: "Authenticated",
        method: "knowledge",
        reason: "caller number enrolled with consent",
        customerId: ALICE.id,
        customerRef: "",
        lexAliasArn: BOT_ALIAS,
        codeBotAliasArn: "",
        authInput: "lex",
        customerNumber: "",
      });
      const item = await raw(ALICE.id);
      expect([...(item.enrolledNumbers as Set<string>)]).to.deep.equal([ALICE_PHONE]);
      expect(item.consents).to.deep.equal([
        { decision: "granted", at: "2026-11-24T01:02:00.000Z", contactId: "c1", ani: ALICE_PHONE },
      ]);
      const known = await lookup("c2");
      expect(known).to.deep.include({
        result: "Enrolled",
        method: "ani",
        customerId: "",
        lexAliasArn: BOT_ALIAS,
        codeBotAliasArn: "",
        authInput: "lex",
        customerNumber: "",
      });
      // An opaque speaker reference, not the customer number, and stable across contacts.
      expect(known.customerRef).to.match(/^[0-9a-f]{16}$/);
      expect(known.customerRef).to.not.include(ALICE.id);
      expect((await lookup("c3")).customerRef).to.equal(known.customerRef);
    });

    it("declined consent is recorded and does not link the number", async () => {
      await verify("c1", ALICE);
      expect((await enrol("c1", ALICE.id, "declined")).reason).to.equal(
        "enrolment declined; consent recorded",
      );
      const item = await raw(ALICE.id);
      expect(item.enrolledNumbers).to.equal(undefined);
      expect(item.consents).to.deep.equal([
        { decision: "declined", at: "2026-11-24T01:00:00.000Z", contactId: "c1", ani: ALICE_PHONE },
      ]);
      expect((await lookup("c2")).result).to.equal("NotEnrolled");
    });

    it("any consent value other than granted counts as declined", async () => {
      await verify("c1", ALICE);
      await enrol("c1", ALICE.id, "yes");
      const consents = (await raw(ALICE.id)).consents as { decision: string }[];
      expect(consents[0].decision).to.equal("declined");
    });

    it("enrolment needs a verification of that customer in the same contact, recently", async () => {
      // No verification at all.
      expect((await enrol("c1", ALICE.id, "granted")).result).to.equal("NotAuthenticated");
      // Verified in another contact: a flow cannot be tricked into enrolling with a stale id.
      await verify("c1", ALICE);
      expect((await enrol("c2", ALICE.id, "granted")).result).to.equal("NotAuthenticated");
      // Verified Bob, tries to enrol Alice.
      await verify("c3", BOB);
      expect((await enrol("c3", ALICE.id, "granted")).result).to.equal("NotAuthenticated");
      // Too long after the verification.
      await verify("c4", ALICE);
      clock += POLICY.enrolWithinMs + 1;
      expect((await enrol("c4", ALICE.id, "granted")).result).to.equal("NotAuthenticated");
      expect((await raw(ALICE.id)).enrolledNumbers).to.equal(undefined);
    });

    it("a number already enrolled to another customer is not taken over", async () => {
      await verify("c1", ALICE);
      await enrol("c1", ALICE.id, "granted");
      await verify("c2", BOB, ALICE_PHONE);
      // Bob was verified in this contact, so he stays Authenticated; his consent is still recorded.
      expect(await enrol("c2", BOB.id, "granted", ALICE_PHONE)).to.deep.include({
        result: "Authenticated",
        reason: "caller number enrolled to another customer",
        customerId: BOB.id,
      });
      const bob = await raw(BOB.id);
      expect(bob.enrolledNumbers).to.equal(undefined);
      expect(bob.consents).to.have.length(1);
      expect((await lookup("c3")).customerRef).to.equal((await lookup("c4")).customerRef);
    });

    it("a chat contact has no caller number to enrol", async () => {
      await verify("c1", ALICE);
      const r = await handler(
        event(
          "c1",
          { action: "enrol", customerId: ALICE.id, consent: "granted" },
          { Address: "x", Type: "OTHER" },
        ),
      );
      // Verified in this contact: still Authenticated for the agent, nothing enrolled.
      expect(r).to.deep.include({
        result: "Authenticated",
        reason: "no caller number to enrol (withheld)",
        customerId: ALICE.id,
      });
      expect((await raw(ALICE.id)).enrolledNumbers).to.equal(undefined);
    });
  });

  describe("repeat contact: number recognised, birth date only", () => {
    beforeEach(async () => {
      await verify("first", ALICE);
      await enrol("first", ALICE.id, "granted");
      logs = [];
    });

    it("the enrolled number plus the birth date authenticate as ani+birthdate (no customer number checked)", async () => {
      expect((await lookup("c2")).result).to.equal("Enrolled");
      expect(
        await handler(event("c2", { action: "verify", birthDate: ALICE.birth })),
      ).to.deep.equal({
        result: "Authenticated",
        method: "ani+birthdate",
        reason: "verified",
        customerId: ALICE.id,
        customerRef: "",
        lexAliasArn: BOT_ALIAS,
        codeBotAliasArn: "",
        authInput: "lex",
        customerNumber: "",
      });
    });

    it("saying the customer number from the enrolled phone is knowledge+ani", async () => {
      expect((await verify("c2", ALICE)).method).to.equal("knowledge+ani");
      expect((await verify("c3", ALICE, BOB_PHONE)).method).to.equal("knowledge");
    });

    it("birth date only from a number that is not enrolled is NotEnrolled", async () => {
      const r = await handler(
        event(
          "c2",
          { action: "verify", birthDate: BOB.birth },
          { Address: BOB_PHONE, Type: "TELEPHONE_NUMBER" },
        ),
      );
      expect(r).to.deep.include({ result: "NotEnrolled", reason: "caller number not enrolled" });
    });

    it("opt-out keeps the number known but stops using it as a factor", async () => {
      await verify("c2", ALICE);
      expect(
        await handler(event("c2", { action: "optout", customerId: ALICE.id })),
      ).to.deep.include({
        result: "OptedOut",
        customerId: ALICE.id,
      });
      expect((await lookup("c3")).result).to.equal("OptedOut");
      expect(
        (await handler(event("c3", { action: "verify", birthDate: ALICE.birth }))).result,
      ).to.equal("OptedOut");
      // Full knowledge check still works, as knowledge only.
      expect(await verify("c4", ALICE)).to.deep.include({
        result: "Authenticated",
        method: "knowledge",
      });
      const consents = (await raw(ALICE.id)).consents as { decision: string; contactId: string }[];
      expect(consents.map((c) => `${c.decision}@${c.contactId}`)).to.deep.equal([
        "granted@first",
        "withdrawn@c2",
      ]);
      // Enrolling again (new consent) turns recognition back on.
      await enrol("c4", ALICE.id, "granted");
      expect((await lookup("c5")).result).to.equal("Enrolled");
    });

    it("opt-out needs a verification in the same contact", async () => {
      expect(
        (await handler(event("c9", { action: "optout", customerId: ALICE.id }))).result,
      ).to.equal("NotAuthenticated");
      expect((await raw(ALICE.id)).optedOut).to.equal(false);
    });
  });

  describe("keypad path (a region without Lex V2)", () => {
    const keypad = () => handlerWith({ lexAliasArn: "" });

    it("tells the flows to use the keypad when the region has no bot", async () => {
      const r = await keypad()(event("k1", { action: "lookup-caller" }));
      expect(r).to.deep.include({ lexAliasArn: "", authInput: "keypad", customerNumber: "" });
    });

    it("keypad-number hands a valid entry back for the verify after the birth date", async () => {
      const h = keypad();
      const entered = await h(event("k2", { action: "keypad-number", customerNumber: ALICE.id }));
      expect(entered).to.deep.equal({
        result: "NumberEntered",
        method: "none",
        reason: "customer number entered",
        customerId: "",
        customerRef: "",
        lexAliasArn: "",
        codeBotAliasArn: "",
        authInput: "keypad",
        customerNumber: ALICE.id,
      });
      // What the flow sends next: the handed-back number and the stored birth-date digits.
      const r = await h(
        event("k2", {
          action: "verify",
          customerNumber: entered.customerNumber,
          birthDate: ALICE.birth.replace(/-/g, ""),
        }),
      );
      expect(r).to.deep.include({
        result: "Authenticated",
        method: "knowledge",
        customerId: ALICE.id,
      });
    });

    it("a timed-out or malformed keypad entry is NotAuthenticated and hands nothing back", async () => {
      const h = keypad();
      // Connect stores "Timeout" when the caller entered nothing (store-customer-input.html).
      for (const customerNumber of ["Timeout", "12", "1234567890123", "12a456"]) {
        const r = await h(event("k3", { action: "keypad-number", customerNumber }));
        expect(r, customerNumber).to.deep.include({
          result: "NotAuthenticated",
          reason: "customer number not 6-12 digits",
          customerNumber: "",
        });
      }
      const r = await h(
        event("k3", { action: "verify", customerNumber: ALICE.id, birthDate: "Timeout" }),
      );
      expect(r.result).to.not.equal("Authenticated");
    });
  });

  describe("lockout", () => {
    it(`locks after ${POLICY.maxFailures} failures in the window, even for the right birth date`, async () => {
      expect((await wrong("c1")).result).to.equal("NotAuthenticated");
      expect((await wrong("c1")).result).to.equal("NotAuthenticated");
      expect(await wrong("c1")).to.deep.include({
        result: "LockedOut",
        reason: "attempt limit reached",
      });
      // The same answer as the third failure: a locked customer and one locked by these guesses
      // (or an unknown number, see below) cannot be told apart.
      expect(await verify("c2", ALICE)).to.deep.include({
        result: "LockedOut",
        reason: "attempt limit reached",
      });
      expect((await raw(ALICE.id)).lockedUntil).to.equal(clock + POLICY.lockoutMs);
      // The lockout is per customer: Bob is unaffected.
      expect((await verify("c3", BOB)).result).to.equal("Authenticated");
    });

    it("a locked-out enrolled number is told LockedOut before anything is asked", async () => {
      await verify("first", ALICE);
      await enrol("first", ALICE.id, "granted");
      for (let i = 0; i < POLICY.maxFailures; i++) await wrong("c1");
      expect((await lookup("c2")).result).to.equal("LockedOut");
    });

    it("the lockout ends after its duration", async () => {
      for (let i = 0; i < POLICY.maxFailures; i++) await wrong("c1");
      clock += POLICY.lockoutMs - 1;
      expect((await verify("c2", ALICE)).result).to.equal("LockedOut");
      clock += 1;
      expect((await verify("c3", ALICE)).result).to.equal("Authenticated");
    });

    it("failures older than the window do not count", async () => {
      await wrong("c1");
      await wrong("c1");
      clock += POLICY.windowMs + 1;
      await wrong("c2");
      expect((await wrong("c2")).result).to.equal("NotAuthenticated");
      expect((await verify("c3", ALICE)).result).to.equal("Authenticated");
    });

    it("a success clears the failures counted so far", async () => {
      await wrong("c1");
      await wrong("c1");
      await verify("c2", ALICE);
      await wrong("c3");
      expect((await wrong("c3")).result).to.equal("NotAuthenticated");
    });

    it("concurrent wrong guesses cannot exceed the limit", async () => {
      // 20 guesses at once, as from many lines: conditional writes let only maxFailures through
      // to the hash check; every other one is refused without checking the birth date.
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          handler(
            event(`p${i}`, {
              action: "verify",
              customerNumber: ALICE.id,
              birthDate: `1990-01-${String(i + 1).padStart(2, "0")}`,
            }),
          ),
        ),
      );
      const counts: Record<string, number> = {};
      for (const r of results) counts[r.result] = (counts[r.result] ?? 0) + 1;
      expect(counts.Authenticated ?? 0).to.equal(0);
      expect(counts.NotAuthenticated ?? 0).to.be.at.most(POLICY.maxFailures - 1);
      expect((counts.NotAuthenticated ?? 0) + (counts.LockedOut ?? 0)).to.equal(20);
      expect((await raw(ALICE.id)).lockedUntil).to.equal(clock + POLICY.lockoutMs);
      expect((await verify("after", ALICE)).result).to.equal("LockedOut");
    });

    it("a concurrent right guess among wrong ones cannot sneak past a full window", async () => {
      await wrong("c1");
      await wrong("c1");
      // One attempt left: of these, exactly one reaches the hash check.
      const results = await Promise.all([
        wrong("p1"),
        verify("p2", ALICE),
        wrong("p3"),
        wrong("p4"),
      ]);
      const authenticated = results.filter((r) => r.result === "Authenticated").length;
      const locked = results.filter((r) => r.result === "LockedOut").length;
      // Only one of the four was counted: either it was the right one (the rest are refused),
      // or it was a wrong one and the customer is now locked (the right one is refused too).
      if (authenticated === 1) {
        expect(locked).to.equal(3);
      } else {
        expect(authenticated).to.equal(0);
        expect(results.filter((r) => r.result === "NotAuthenticated")).to.have.length(0);
        expect((await raw(ALICE.id)).lockedUntil).to.equal(clock + POLICY.lockoutMs);
      }
    });
  });

  describe("guessing across customers, sources and time (issue 19)", () => {
    const CUSTOMERS = Array.from({ length: 20 }, (_, i) => ({
      id: String(2000000 + i),
      birth: `19${60 + i}-01-15`,
    }));
    // scrypt is slow on purpose: hash once, store per test.
    const hashed = CUSTOMERS.map((c) => {
      const salt = newSalt();
      return { id: c.id, salt, hash: hashSecret(c.birth, salt) };
    });
    beforeEach(async () => {
      for (const c of hashed) await store.putCustomer(c.id, c.hash, c.salt);
    });
    const guess = (contactId: string, id: string, birth: string, source: Record<string, unknown>) =>
      handler(
        event(
          contactId,
          { action: "verify", customerNumber: id, birthDate: birth, ...(source.param ?? {}) },
          (source.endpoint as { Address: string; Type: string } | null | undefined) ?? null,
        ),
      );
    const fromPhone = { endpoint: { Address: "+819011112222", Type: "TELEPHONE_NUMBER" } };
    const fromChat = { endpoint: null, param: { source: "ip:3f2a9c0d1b7e4a55" } };

    // The attack of issue 19 guessed 20 customers × 3 per lockout window from one source. One
    // round over 20 customers shows the source budget; the later rounds meet a locked source
    // (three of them are replayed: each guess costs a full scrypt, on purpose).
    for (const [what, source, customers] of [
      ["one caller number", fromPhone, 20],
      ["one chat source", fromChat, 12],
    ] as const)
      it(`${customers} customers, then further rounds, from ${what}: the source locks after 10 failures, even for a right guess`, async () => {
        const results: string[] = [];
        for (const c of CUSTOMERS.slice(0, customers))
          results.push((await guess(`g0-${c.id}`, c.id, "1999-09-09", source)).result);
        for (const [round, c] of [
          [1, 0],
          [1, 1],
          [2, 2],
        ] as const)
          results.push(
            (await guess(`g${round}-${CUSTOMERS[c].id}`, CUSTOMERS[c].id, "1999-09-09", source))
              .result,
          );
        expect(results.slice(0, 10)).to.deep.equal(Array(10).fill("NotAuthenticated"));
        expect(new Set(results.slice(10))).to.deep.equal(new Set(["LockedOut"]));
        // The right birth date from the locked source is refused too.
        const right = await guess("g-right", CUSTOMERS[15].id, CUSTOMERS[15].birth, source);
        expect(right).to.deep.include({ result: "LockedOut", reason: "attempt limit reached" });
        // Another caller is not affected, and the source's lockout ends.
        expect((await verify("other", BOB, BOB_PHONE)).result).to.equal("Authenticated");
        clock += DEFAULT_BUDGETS.source.lockoutMs;
        const later = await guess("g-later", CUSTOMERS[15].id, CUSTOMERS[15].birth, source);
        expect(later.result).to.equal("Authenticated");
      });

    it("failures of all callers together pause verification and log a line per failure for the alarm", async () => {
      const paused = handlerWith({ budgets: { ...DEFAULT_BUDGETS, globalFailuresPer5Minutes: 5 } });
      // Five wrong guesses from five sources: no source and no customer budget is exhausted.
      for (let i = 0; i < 5; i++)
        await paused(
          event(
            `p${i}`,
            { action: "verify", customerNumber: CUSTOMERS[i].id, birthDate: "1999-09-09" },
            { Address: `+81901111000${i}`, Type: "TELEPHONE_NUMBER" },
          ),
        );
      expect(logs.filter((l) => l.message === FAILURE_LOG_LINE)).to.have.length(5);
      const r = await paused(
        event(
          "p-right",
          { action: "verify", customerNumber: BOB.id, birthDate: BOB.birth },
          { Address: BOB_PHONE, Type: "TELEPHONE_NUMBER" },
        ),
      );
      expect(r).to.deep.include({
        result: "Inconclusive",
        reason: "verification paused: too many failures",
      });
      clock += 5 * MINUTE;
      const after = await paused(
        event(
          "p-after",
          { action: "verify", customerNumber: BOB.id, birthDate: BOB.birth },
          { Address: BOB_PHONE, Type: "TELEPHONE_NUMBER" },
        ),
      );
      expect(after.result).to.equal("Authenticated");
    });

    it("unknown, known and locked customer numbers: the same answers after the same work", async () => {
      // Count the scrypt runs of each guess (the expensive part whose absence timing would show).
      const nodeCrypto = require("node:crypto") as { scryptSync: (...a: unknown[]) => Buffer };
      const real = nodeCrypto.scryptSync;
      let hashes = 0;
      nodeCrypto.scryptSync = (...a: unknown[]) => {
        hashes++;
        return real(...a);
      };
      try {
        const sequence = async (id: string) => {
          const out: [string, string, number][] = [];
          for (let i = 0; i < 5; i++) {
            hashes = 0;
            const r = await guess(`s-${id}-${i}`, id, "1999-09-09", {
              endpoint: { Address: `+8190222200${i}${id.slice(-1)}`, Type: "TELEPHONE_NUMBER" },
            });
            out.push([r.result, r.reason, hashes]);
          }
          return out;
        };
        const known = await sequence(CUSTOMERS[0].id);
        const unknown = await sequence("8888888");
        expect(unknown).to.deep.equal(known);
        expect(known.map(([result]) => result)).to.deep.equal([
          "NotAuthenticated",
          "NotAuthenticated",
          "LockedOut",
          "LockedOut",
          "LockedOut",
        ]);
        expect(new Set(known.map(([, , h]) => h))).to.deep.equal(new Set([1]));
      } finally {
        nodeCrypto.scryptSync = real;
      }
    });

    it("log references are keyed: without the key a customer number cannot be found from one", async () => {
      await verify("k1", ALICE);
      const ref = (logs.find((l) => l.level === "info")!.fields as { customerRef: string })
        .customerRef;
      expect(ref).to.equal(keyedRef(REF_KEY, "customer", ALICE.id));
      // What an attacker could compute for all ten million 7-digit numbers: never this reference.
      const unkeyed = createHash("sha256").update(`caller-auth:${ALICE.id}`).digest("hex");
      expect(unkeyed).to.not.include(ref);
      expect(keyedRef(Buffer.alloc(32, 8), "customer", ALICE.id)).to.not.equal(ref);
    });
  });

  describe("chat step-up: a one-time code to the registered number (issue 19)", () => {
    const CAROL = { id: "5550001", birth: "1990-06-15", phone: "+819055550001" };
    let sent: { to: string; code: string }[];
    let chatHandler: (event: unknown) => Promise<FlowResponse>;
    const CODE_BOT = "arn:aws:lex:ap-northeast-1:123456789012:bot-alias/CODEBOT123/ALIAS67890";
    const makeChat = (sendCode?: (to: string, code: string) => Promise<void>) =>
      handlerWith({ sendCode, codeBotAliasArn: CODE_BOT });
    beforeEach(async () => {
      const salt = newSalt();
      await store.putCustomer(CAROL.id, hashSecret(CAROL.birth, salt), salt, CAROL.phone);
      sent = [];
      chatHandler = makeChat((to, code) => {
        sent.push({ to, code });
        return Promise.resolve();
      });
    });
    const chatEvent = (contactId: string, params: Record<string, string>) => ({
      Name: "ContactFlowEvent",
      Details: {
        ContactData: { ContactId: contactId, Channel: "CHAT", CustomerEndpoint: null },
        Parameters: { source: "ip:0123456789abcdef", ...params },
      },
    });
    const knowledge = (contactId: string, h = chatHandler) =>
      h(
        chatEvent(contactId, {
          action: "verify",
          customerNumber: CAROL.id,
          birthDate: CAROL.birth,
        }),
      );
    const code = (contactId: string, value: string) =>
      chatHandler(chatEvent(contactId, { action: "check-code", code: value }));
    afterEach(() => {
      // The code is a secret like the birth date: never in a log line.
      for (const { code: c } of sent) expect(JSON.stringify(logs)).to.not.include(c);
    });

    it("the right customer number and birth date in chat only send a code; the code authenticates", async () => {
      const first = await knowledge("chat-1");
      expect(first).to.deep.include({
        result: "StepUpRequired",
        method: "knowledge",
        customerId: "",
        codeBotAliasArn: CODE_BOT,
      });
      expect(sent).to.have.length(1);
      expect(sent[0].to).to.equal(CAROL.phone);
      expect(sent[0].code).to.match(/^\d{6}$/);
      const ok = await code("chat-1", sent[0].code);
      expect(ok).to.deep.include({
        result: "Authenticated",
        method: "knowledge+otp",
        customerId: CAROL.id,
      });
      // Once: the same code cannot be used again, nor by another chat.
      expect((await code("chat-1", sent[0].code)).result).to.equal("NotAuthenticated");
      expect((await code("chat-2", sent[0].code)).result).to.equal("NotAuthenticated");
    });

    it("three wrong codes lock the step-up, even against the right one; a code expires after 5 minutes", async () => {
      await knowledge("chat-3");
      const right = sent[0].code;
      const wrong = right === "000000" ? "111111" : "000000";
      expect((await code("chat-3", wrong)).result).to.equal("NotAuthenticated");
      expect((await code("chat-3", wrong)).result).to.equal("NotAuthenticated");
      expect(await code("chat-3", wrong)).to.deep.include({
        result: "LockedOut",
        reason: "attempt limit reached",
      });
      expect((await code("chat-3", right)).result).to.equal("LockedOut");
      await knowledge("chat-4");
      clock += 5 * MINUTE;
      expect(await code("chat-4", sent[1].code)).to.deep.include({
        result: "NotAuthenticated",
        reason: "no valid one-time code for this contact",
      });
    });

    it("without an SMS sender or a registered number a chat ends StepUpUnavailable, never Authenticated", async () => {
      expect(await knowledge("chat-5", makeChat(undefined))).to.deep.include({
        result: "StepUpUnavailable",
        reason: "no one-time code sender",
      });
      const r = await chatHandler(
        chatEvent("chat-6", { action: "verify", customerNumber: ALICE.id, birthDate: ALICE.birth }),
      );
      expect(r).to.deep.include({
        result: "StepUpUnavailable",
        reason: "no registered number for a one-time code",
      });
      expect(sent).to.deep.equal([]);
    });

    it("a voice call with the same answers is unaffected (caller number and flow are its factors)", async () => {
      expect((await verify("voice-1", ALICE)).result).to.equal("Authenticated");
      expect(sent).to.deep.equal([]);
    });
  });

  describe("bad input never throws into the flow", () => {
    const bad: [string, unknown][] = [
      ["null", null],
      ["empty object", {}],
      ["no parameters", { Details: { ContactData: { ContactId: "c1" } } }],
      ["unknown action", event("c1", { action: "delete-customer" })],
      ["no contact id", { Details: { ContactData: {}, Parameters: { action: "verify" } } }],
      [
        "a Lex event",
        { sessionState: { intent: { name: "IdentifyCustomer" } }, inputTranscript: ALICE.id },
      ],
    ];
    for (const [what, ev] of bad) {
      it(`${what} → NotAuthenticated with a logged reason`, async () => {
        const r = await handler(ev);
        expect(r.result).to.equal("NotAuthenticated");
        expect(r.reason).to.match(/^malformed event \(/);
        expect(logs.filter((l) => l.level === "warn").map((l) => l.message)).to.deep.equal([
          "malformed event",
        ]);
      });
    }

    it("a store failure is Inconclusive (temporary failure), logged by error name only", async () => {
      const broken = handlerWith({ store: new DynamoAuthStore(local.doc, "no-such-table") });
      expect(
        await broken(
          event("c1", { action: "verify", customerNumber: ALICE.id, birthDate: ALICE.birth }),
        ),
      ).to.deep.equal({
        result: "Inconclusive",
        method: "none",
        reason: "temporary failure",
        customerId: "",
        customerRef: "",
        lexAliasArn: BOT_ALIAS,
        codeBotAliasArn: "",
        authInput: "lex",
        customerNumber: "",
      });
      expect(logs.find((l) => l.level === "error")?.fields).to.deep.equal({
        contactId: "c1",
        action: "verify",
        error: "ResourceNotFoundException",
      });
    });

    it("every invocation logs one line with a non-reversible customer reference", async () => {
      await verify("c1", ALICE);
      const info = logs.filter((l) => l.level === "info");
      expect(info).to.have.length(1);
      expect(info[0].fields).to.deep.include({
        contactId: "c1",
        action: "verify",
        result: "Authenticated",
      });
      expect((info[0].fields as { customerRef: string }).customerRef).to.match(/^[0-9a-f]{16}$/);
    });
  });
});
