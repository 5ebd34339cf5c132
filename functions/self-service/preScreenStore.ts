/**
 * The pre-screening table (one per stack, its own CMK): per contact, the keypad answers given so
 * far (a draft, gone after an hour) and the result with the figures it was decided on (kept for
 * the configured retention, then deleted by DynamoDB's TTL). Key pk + sk:
 *   CONTACT#<contactId> / DRAFT    keypad answers, one attribute per field
 *   CONTACT#<contactId> / RESULT   the application, the outcome and its reasons
 */
import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import {
  GetCommand,
  PutCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from "@aws-sdk/lib-dynamodb";
import type { Application, PreScreenResult } from "./preScreen";

export const PRESCREEN_TABLE_KEYS = { hash: "pk", range: "sk" } as const;
export const PRESCREEN_TTL_ATTRIBUTE = "expiresAt";

export interface PreScreenRecord {
  readonly contactId: string;
  /** The verified customer when caller authentication ran; else "contact:<id>". */
  readonly customerRef: string;
  readonly channel: string;
  readonly mode: "lex" | "keypad";
  readonly application: Application;
  readonly result: PreScreenResult;
  readonly decidedAt: string;
  /** Epoch seconds: DynamoDB deletes the record after the retention. */
  readonly expiresAt: number;
}

const key = (contactId: string, sk: "DRAFT" | "RESULT") => ({ pk: `CONTACT#${contactId}`, sk });

export class PreScreenStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /** Records one keypad answer; the draft expires at `expiresAt` (epoch seconds). */
  async saveAnswer(contactId: string, field: string, value: string | number, expiresAt: number) {
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: key(contactId, "DRAFT"),
        UpdateExpression: "SET #f = :v, #t = :t",
        ExpressionAttributeNames: { "#f": field, "#t": PRESCREEN_TTL_ATTRIBUTE },
        ExpressionAttributeValues: { ":v": value, ":t": expiresAt },
      }),
    );
  }

  async draft(contactId: string): Promise<Record<string, unknown> | undefined> {
    const r = await this.db.send(
      new GetCommand({ TableName: this.table, Key: key(contactId, "DRAFT"), ConsistentRead: true }),
    );
    return r.Item;
  }

  /**
   * Keeps the first result of a contact: a flow that retries gets the decision already made
   * (returned), never a second one on other figures.
   */
  async putResult(r: PreScreenRecord): Promise<PreScreenRecord> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...key(r.contactId, "RESULT"), ...r },
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      );
      return r;
    } catch (e) {
      if (!(e instanceof ConditionalCheckFailedException)) throw e;
      const existing = await this.db.send(
        new GetCommand({
          TableName: this.table,
          Key: key(r.contactId, "RESULT"),
          ConsistentRead: true,
        }),
      );
      return existing.Item as PreScreenRecord;
    }
  }
}
