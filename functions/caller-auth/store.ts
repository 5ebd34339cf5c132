/**
 * The caller-auth store on DynamoDB. One table, four item kinds:
 *   pk "CUSTOMER#<customerId>": hash, salt, attempt window, lockout, enrolled numbers, consents
 *   pk "NUMBER#<E.164>":        which customer a caller number is enrolled to
 *   pk "BUDGET#<kind>#<ref>":   failure budget of a source (caller number, chat source) or of a
 *                               customer number that does not exist (so it locks like a real one)
 *   pk "GLOBAL#<bucket>":       failed verifications of all callers in one 5-minute bucket
 *   pk "STEPUP#<contactId>":    a chat's one-time code: its MAC, expiry, tries, whether used
 * Every state change is a conditional write, so concurrent Lambda invocations cannot count
 * fewer failures than happened or enrol one number to two customers.
 */
import { isConditionFailed, writeIf } from "../shared/dynamo";
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import {
  NumberTakenError,
  type StepUp,
  type AuthStore,
  type Consent,
  type CustomerRecord,
  type LockoutPolicy,
} from "./core";

/** The table's only key attribute (string hash key); the component creates the table with it. */
export const TABLE_KEY = "pk";

const customerKey = (id: string) => ({ pk: `CUSTOMER#${id}` });
const numberKey = (ani: string) => ({ pk: `NUMBER#${ani}` });
/** A failure budget: `SOURCE#<ref>` or `UNKNOWN#<ref>` (refs are keyed HMACs, never raw values). */
const budgetKey = (key: string) => ({ pk: `BUDGET#${key}` });
/** A chat's one-time code (MAC only), by contact. */
const stepUpKey = (contactId: string) => ({ pk: `STEPUP#${contactId}` });

export class DynamoAuthStore implements AuthStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async getCustomer(customerId: string): Promise<CustomerRecord | undefined> {
    const r = await this.db.send(
      new GetCommand({ TableName: this.table, Key: customerKey(customerId), ConsistentRead: true }),
    );
    const i = r.Item;
    if (!i) return undefined;
    return {
      customerId: String(i.customerId),
      secretHash: String(i.secretHash),
      salt: String(i.salt),
      enrolledNumbers:
        i.enrolledNumbers instanceof Set ? [...(i.enrolledNumbers as Set<string>)] : [],
      optedOut: i.optedOut === true,
      lockedUntil: Number(i.lockedUntil ?? 0),
      ...(typeof i.registeredNumber === "string" ? { registeredNumber: i.registeredNumber } : {}),
      lastAuth: i.lastAuthContactId
        ? { contactId: String(i.lastAuthContactId), at: Number(i.lastAuthAt) }
        : undefined,
      consents: (i.consents as Consent[] | undefined) ?? [],
    };
  }

  async getCustomerIdByNumber(ani: string): Promise<string | undefined> {
    const r = await this.db.send(
      new GetCommand({ TableName: this.table, Key: numberKey(ani), ConsistentRead: true }),
    );
    return r.Item ? String(r.Item.customerId) : undefined;
  }

  reserveAttempt = (customerId: string, now: number, policy: LockoutPolicy) =>
    this.reserve(customerKey(customerId), now, policy, true);

  lockIfExhausted = (customerId: string, now: number, policy: LockoutPolicy) =>
    this.lock(customerKey(customerId), now, policy);

  /** A failure budget that is not a customer (a source, an unknown customer number): made on first use. */
  reserveBudget = (key: string, now: number, policy: LockoutPolicy) =>
    this.reserve(budgetKey(key), now, policy, false);

  lockBudgetIfExhausted = (key: string, now: number, policy: LockoutPolicy) =>
    this.lock(budgetKey(key), now, policy);

  /** Gives back a budget's reserved attempt (it succeeded: only failures count against a source). */
  async releaseBudget(key: string): Promise<void> {
    // Nothing reserved (attempts already 0): nothing to give back.
    await writeIf(() =>
      this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: budgetKey(key),
          UpdateExpression: "ADD attempts :minus",
          ConditionExpression: "attempts > :zero",
          ExpressionAttributeValues: { ":minus": -1, ":zero": 0 },
        }),
      ),
    );
  }

  async putStepUp(st: StepUp): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          ...stepUpKey(st.contactId),
          contactId: st.contactId,
          customerId: st.customerId,
          codeMac: st.codeMac,
          codeExpiresAt: st.expiresAt,
          tries: st.tries,
          used: st.used,
          // The table's TTL attribute (seconds): the record goes a day after the code expired.
          expiresAt: Math.floor(st.expiresAt / 1000) + 86_400,
        },
      }),
    );
  }

  async getStepUp(contactId: string): Promise<StepUp | undefined> {
    const r = await this.db.send(
      new GetCommand({ TableName: this.table, Key: stepUpKey(contactId), ConsistentRead: true }),
    );
    const i = r.Item;
    return i
      ? {
          contactId: String(i.contactId),
          customerId: String(i.customerId),
          codeMac: String(i.codeMac),
          expiresAt: Number(i.codeExpiresAt),
          tries: Number(i.tries ?? 0),
          used: i.used === true,
        }
      : undefined;
  }

  async countStepUpTry(contactId: string, maxTries: number): Promise<boolean> {
    return writeIf(() =>
      this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: stepUpKey(contactId),
          UpdateExpression: "ADD tries :one",
          ConditionExpression: "attribute_exists(pk) AND tries < :max AND used = :no",
          ExpressionAttributeValues: { ":one": 1, ":max": maxTries, ":no": false },
        }),
      ),
    );
  }

  async useStepUp(contactId: string): Promise<boolean> {
    return writeIf(() =>
      this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: stepUpKey(contactId),
          UpdateExpression: "SET used = :yes",
          ConditionExpression: "used = :no",
          ExpressionAttributeValues: { ":yes": true, ":no": false },
        }),
      ),
    );
  }

  /** Counts one failed verification in a time bucket shared by all callers; returns the new count. */
  async countGlobalFailure(bucket: string, expiresAt: number): Promise<number> {
    const r = await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: `GLOBAL#${bucket}` },
        UpdateExpression: "ADD failures :one SET expiresAt = :exp",
        ExpressionAttributeValues: { ":one": 1, ":exp": Math.floor(expiresAt / 1000) },
        ReturnValues: "UPDATED_NEW",
      }),
    );
    return Number(r.Attributes?.failures ?? 0);
  }

  async globalFailures(bucket: string): Promise<number> {
    const r = await this.db.send(
      new GetCommand({
        TableName: this.table,
        Key: { pk: `GLOBAL#${bucket}` },
        ConsistentRead: true,
      }),
    );
    return Number(r.Item?.failures ?? 0);
  }

  /**
   * Counts one verification attempt against the item's window, atomically; false (counting
   * nothing) when it is locked or the window is full. A customer must exist; a budget is made.
   */
  private async reserve(
    key: Record<string, string>,
    now: number,
    policy: LockoutPolicy,
    mustExist: boolean,
  ): Promise<boolean> {
    const floor = now - policy.windowMs;
    // Two tries: a concurrent reset of an expired window makes the first one's condition stale.
    for (let i = 0; i < 2; i++) {
      try {
        await this.db.send(
          new UpdateCommand({
            TableName: this.table,
            Key: key,
            UpdateExpression: "ADD attempts :one",
            ConditionExpression:
              "attribute_exists(pk) AND lockedUntil <= :now AND windowStart > :floor AND attempts < :max",
            ExpressionAttributeValues: {
              ":one": 1,
              ":now": now,
              ":floor": floor,
              ":max": policy.maxFailures,
            },
          }),
        );
        return true;
      } catch (e) {
        if (!isConditionFailed(e)) throw e;
      }
      try {
        // The window has expired (or, for a budget, never started): start one with this attempt.
        await this.db.send(
          new UpdateCommand({
            TableName: this.table,
            Key: key,
            UpdateExpression: mustExist
              ? "SET attempts = :one, windowStart = :now"
              : "SET attempts = :one, windowStart = :now, lockedUntil = if_not_exists(lockedUntil, :zero), expiresAt = :exp",
            ConditionExpression: mustExist
              ? "attribute_exists(pk) AND lockedUntil <= :now AND windowStart <= :floor"
              : "attribute_not_exists(pk) OR (lockedUntil <= :now AND windowStart <= :floor)",
            ExpressionAttributeValues: {
              ":one": 1,
              ":now": now,
              ":floor": floor,
              ...(mustExist
                ? {}
                : {
                    ":zero": 0,
                    // Budgets go (DynamoDB TTL) a day after their lockout could have ended.
                    ":exp": Math.floor((now + policy.windowMs + policy.lockoutMs) / 1000) + 86_400,
                  }),
            },
          }),
        );
        return true;
      } catch (e) {
        if (!isConditionFailed(e)) throw e;
      }
    }
    return false;
  }

  private async lock(
    key: Record<string, string>,
    now: number,
    policy: LockoutPolicy,
  ): Promise<boolean> {
    return writeIf(() =>
      this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: key,
          // The lockout starts a fresh window when it ends.
          UpdateExpression: "SET lockedUntil = :until, attempts = :zero, windowStart = :until",
          ConditionExpression: "attempts >= :max AND windowStart > :floor",
          ExpressionAttributeValues: {
            ":until": now + policy.lockoutMs,
            ":zero": 0,
            ":max": policy.maxFailures,
            ":floor": now - policy.windowMs,
          },
        }),
      ),
    );
  }

  async recordSuccess(customerId: string, contactId: string, now: number): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: customerKey(customerId),
        UpdateExpression: "SET attempts = :zero, lastAuthContactId = :c, lastAuthAt = :now",
        ExpressionAttributeValues: { ":zero": 0, ":c": contactId, ":now": now },
      }),
    );
  }

  /**
   * Two conditional writes, in this order: claim the number (only if free or already this
   * customer's), then add it to the customer with the consent. The customer record is the source
   * of truth: a number item whose customer does not list the number is ignored by lookups, so a
   * crash between the writes leaves nothing usable, and the same customer can enrol again.
   * (No TransactWriteItems: the claim must fail on its own to report NumberTakenError, and the
   * sequence works on every DynamoDB-compatible store the tests use.)
   */
  async enrolNumber(customerId: string, ani: string, consent: Consent): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...numberKey(ani), customerId, enrolledAt: consent.at },
          ConditionExpression: "attribute_not_exists(pk) OR customerId = :id",
          ExpressionAttributeValues: { ":id": customerId },
        }),
      );
    } catch (e) {
      if (isConditionFailed(e)) throw new NumberTakenError();
      throw e;
    }
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: customerKey(customerId),
        UpdateExpression:
          "ADD enrolledNumbers :n SET optedOut = :f, consents = list_append(if_not_exists(consents, :empty), :c)",
        ConditionExpression: "attribute_exists(pk)",
        ExpressionAttributeValues: {
          ":n": new Set([ani]),
          ":f": false,
          ":empty": [],
          ":c": [consent],
        },
      }),
    );
  }

  async recordConsent(customerId: string, consent: Consent): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: customerKey(customerId),
        UpdateExpression: "SET consents = list_append(if_not_exists(consents, :empty), :c)",
        ConditionExpression: "attribute_exists(pk)",
        ExpressionAttributeValues: { ":empty": [], ":c": [consent] },
      }),
    );
  }

  /**
   * Opt-out keeps the number → customer link, marked on the customer, so the next call from that
   * number is told OptedOut (and is not offered enrolment again); the number is no longer a factor.
   */
  async optOut(customerId: string, consent: Consent): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: customerKey(customerId),
        UpdateExpression:
          "SET optedOut = :t, consents = list_append(if_not_exists(consents, :empty), :c)",
        ConditionExpression: "attribute_exists(pk)",
        ExpressionAttributeValues: { ":t": true, ":empty": [], ":c": [consent] },
      }),
    );
  }

  /**
   * Registers a customer (bank-side import); the birth date is stored only as its hash. The
   * registered number (E.164) is where chat's one-time codes go.
   */
  async putCustomer(
    customerId: string,
    secretHash: string,
    salt: string,
    registeredNumber?: string,
  ): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          ...customerKey(customerId),
          customerId,
          secretHash,
          salt,
          attempts: 0,
          windowStart: 0,
          lockedUntil: 0,
          optedOut: false,
          consents: [],
          ...(registeredNumber ? { registeredNumber } : {}),
        },
      }),
    );
  }
}
