/**
 * The caller-auth store on DynamoDB. One table, two item kinds:
 *   pk "CUSTOMER#<customerId>": hash, salt, attempt window, lockout, enrolled numbers, consents
 *   pk "NUMBER#<E.164>":        which customer a caller number is enrolled to
 * Every state change is a conditional write, so concurrent Lambda invocations cannot count
 * fewer failures than happened or enrol one number to two customers.
 */
import { isConditionFailed } from "../shared/dynamo";
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import {
  NumberTakenError,
  type AuthStore,
  type Consent,
  type CustomerRecord,
  type LockoutPolicy,
} from "./core";

/** The table's only key attribute (string hash key); the component creates the table with it. */
export const TABLE_KEY = "pk";

const customerKey = (id: string) => ({ pk: `CUSTOMER#${id}` });
const numberKey = (ani: string) => ({ pk: `NUMBER#${ani}` });

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

  async reserveAttempt(customerId: string, now: number, policy: LockoutPolicy): Promise<boolean> {
    const floor = now - policy.windowMs;
    // Two tries: a concurrent reset of an expired window makes the first one's condition stale.
    for (let i = 0; i < 2; i++) {
      try {
        await this.db.send(
          new UpdateCommand({
            TableName: this.table,
            Key: customerKey(customerId),
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
        // The window has expired: start a new one with this attempt.
        await this.db.send(
          new UpdateCommand({
            TableName: this.table,
            Key: customerKey(customerId),
            UpdateExpression: "SET attempts = :one, windowStart = :now",
            ConditionExpression:
              "attribute_exists(pk) AND lockedUntil <= :now AND windowStart <= :floor",
            ExpressionAttributeValues: { ":one": 1, ":now": now, ":floor": floor },
          }),
        );
        return true;
      } catch (e) {
        if (!isConditionFailed(e)) throw e;
      }
    }
    return false;
  }

  async lockIfExhausted(customerId: string, now: number, policy: LockoutPolicy): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: customerKey(customerId),
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
      );
      return true;
    } catch (e) {
      if (isConditionFailed(e)) return false;
      throw e;
    }
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

  /** Registers a customer (bank-side import); the birth date is stored only as its hash. */
  async putCustomer(customerId: string, secretHash: string, salt: string): Promise<void> {
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
        },
      }),
    );
  }
}
