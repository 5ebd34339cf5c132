/**
 * The detector function: SQS records carrying S3 "Object Created" events (EventBridge) for
 * Contact Lens analysis files. Each file is read, validated and scanned once; findings are stored
 * per contact (no transcript copy), a scan record notes every file scanned (with or without
 * findings), and alerts go out for each file with findings at or above the threshold: at least
 * once (a retry after a failed alert sends it), and once in the normal case.
 *
 * Bad input never disappears: an event for another bucket, a file that is not a Contact Lens 1.1.0
 * analysis, is not valid UTF-8, or is too large (by its real size, HeadObject, not the event's
 * claim, and read no further than the limit) is sent to the dead-letter queue with the reason and
 * the original event; a transient failure (S3, DynamoDB, SNS) fails only that record, so SQS
 * retries it and, after its retries, dead-letters it.
 *
 * Order, for files with many findings: claim the file (scan record), alert, then store the
 * findings in batches of 25, then mark the file done. The alert does not wait for thousands of
 * writes (a Lambda timeout before it would delay it indefinitely), and a retry after any failure
 * finds the claim unfinished, alerts only if the alert did not go out, and writes again
 * (idempotent overwrites).
 */
import { isConditionFailed } from "../shared/dynamo";
import {
  BatchWriteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { z } from "zod";
import {
  detect,
  severityRank,
  parseAnalysis,
  type CompiledDictionary,
  type Finding,
  type Severity,
} from "./detect";

/** Keys Contact Lens writes post-call analysis to (raw and redacted). */
export const ANALYSIS_KEY = /(^|\/)Analysis\/Voice\/(Redacted\/)?.*_analysis_[^/]*\.json$/;

const s3Event = z.object({
  "detail-type": z.literal("Object Created"),
  detail: z.object({
    bucket: z.object({ name: z.string().min(1) }),
    object: z.object({
      key: z.string().min(1),
      size: z.number().int().nonnegative().optional(),
      etag: z.string().optional(),
    }),
  }),
});

export interface DetectorDeps {
  readonly dictionary: CompiledDictionary;
  /** The bucket Contact Lens writes to: events naming any other are refused. */
  readonly analysisBucket: string;
  /** The object's real size (HeadObject). */
  readonly objectSize: (bucket: string, key: string) => Promise<number>;
  /** The object's bytes, at most `limit` + 1 of them (a ranged GetObject). */
  readonly getObject: (bucket: string, key: string, limit: number) => Promise<Uint8Array>;
  readonly db: DynamoDBDocumentClient;
  readonly table: string;
  /** Alerts for findings at or above this severity. */
  readonly alertSeverity: Severity;
  /** Sends the alert (SNS topic and project event bus); throws when any channel refused it. */
  readonly alert: (summary: AlertSummary) => Promise<void>;
  readonly deadLetter: (body: string, reason: string) => Promise<void>;
  readonly maxBytes: number;
  readonly now: () => number;
  readonly log: (message: string, fields: Record<string, unknown>) => void;
}

export interface AlertSummary {
  readonly contactId: string;
  readonly objectKey: string;
  readonly dictionaryVersion: string;
  /** Findings at or above the alert severity in the file; `findings` holds the first 100. */
  readonly totalFindings: number;
  readonly findings: readonly Finding[];
}

/** Findings carried in one alert (about 300 bytes each, well under the 256 KB limits). */
export const MAX_ALERT_FINDINGS = 100;

export type FileOutcome =
  | { readonly kind: "scanned"; readonly findings: number; readonly alerted: boolean }
  | { readonly kind: "already-scanned" }
  | { readonly kind: "ignored"; readonly reason: string }
  | { readonly kind: "dead-lettered"; readonly reason: string };

/** Findings per BatchWriteItem request (DynamoDB's limit). */
export const WRITE_BATCH = 25;

const utf8 = new TextDecoder("utf-8", { fatal: true });

export async function processRecord(d: DetectorDeps, body: string): Promise<FileOutcome> {
  let event: z.output<typeof s3Event>;
  try {
    event = s3Event.parse(JSON.parse(body));
  } catch {
    return deadLetter(d, body, "not an S3 Object Created event");
  }
  const { bucket, object } = event.detail;
  if (bucket.name !== d.analysisBucket)
    return deadLetter(
      d,
      body,
      `event for bucket ${bucket.name}, not the Contact Lens bucket ${d.analysisBucket}`,
    );
  if (!ANALYSIS_KEY.test(object.key)) return { kind: "ignored", reason: "not an analysis file" };
  // The event's size is a claim; the object's is a fact (and the read stops at the limit anyway).
  const size = await d.objectSize(bucket.name, object.key);
  if (size > d.maxBytes)
    return deadLetter(d, body, `file of ${size} bytes is over the ${d.maxBytes}-byte limit`);
  const bytes = await d.getObject(bucket.name, object.key, d.maxBytes);
  if (bytes.length > d.maxBytes)
    return deadLetter(d, body, `file grew over the ${d.maxBytes}-byte limit while it was read`);
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return deadLetter(d, body, "file is not valid UTF-8");
  }
  const parsed = parseAnalysis(text);
  if (!parsed.ok) return deadLetter(d, body, parsed.reason);
  const findings = detect(d.dictionary, parsed.analysis);
  const contactId = parsed.analysis.CustomerMetadata.ContactId;
  const version = d.dictionary.dictionary.version;
  // A negated match (元本保証ではございません) is stored for review but never alerts.
  const serious = findings.filter(
    (f) => !f.negated && severityRank(f.severity) >= severityRank(d.alertSeverity),
  );
  const key = {
    pk: `CONTACT#${contactId}`,
    sk: `SCAN#${object.key}#${object.etag ?? ""}#${version}`,
  };
  const scan = {
    ...key,
    objectKey: object.key,
    findings: findings.length,
    dictionaryVersion: version,
    scannedAt: new Date(d.now()).toISOString(),
  };
  const existing = (
    await d.db.send(new GetCommand({ TableName: d.table, Key: key, ConsistentRead: true }))
  ).Item as { complete?: boolean; alerted?: boolean } | undefined;
  if (existing?.complete) return { kind: "already-scanned" };
  // The claim: a file being scanned. A concurrent delivery that finished first wins.
  try {
    await d.db.send(
      new PutCommand({
        TableName: d.table,
        Item: { ...scan, alerted: existing?.alerted === true, complete: false },
        ConditionExpression: "attribute_not_exists(pk) OR complete = :no",
        ExpressionAttributeValues: { ":no": false },
      }),
    );
  } catch (e) {
    if (isConditionFailed(e)) return { kind: "already-scanned" };
    throw e;
  }
  if (serious.length && existing?.alerted !== true) {
    await d.alert({
      contactId,
      objectKey: object.key,
      dictionaryVersion: version,
      totalFindings: serious.length,
      // SNS messages and EventBridge entries stop at 256 KB: the table has every finding.
      findings: serious.slice(0, MAX_ALERT_FINDINGS),
    });
    await d.db.send(
      new UpdateCommand({
        TableName: d.table,
        Key: key,
        UpdateExpression: "SET alerted = :yes",
        ExpressionAttributeValues: { ":yes": true },
      }),
    );
  }
  await storeFindings(
    d,
    findings.map((f) => ({
      pk: `CONTACT#${contactId}`,
      sk: `FINDING#${f.segmentId}#${f.entryId}`,
      objectKey: object.key,
      ...f,
    })),
  );
  await d.db.send(
    new PutCommand({
      TableName: d.table,
      Item: { ...scan, alerted: serious.length > 0, complete: true },
    }),
  );
  d.log("scanned", { contactId, findings: findings.length, alerted: serious.length > 0 });
  return { kind: "scanned", findings: findings.length, alerted: serious.length > 0 };
}

async function deadLetter(d: DetectorDeps, body: string, reason: string): Promise<FileOutcome> {
  await d.deadLetter(body, reason);
  return { kind: "dead-lettered", reason };
}

/**
 * BatchWriteItem in requests of 25; what DynamoDB leaves unprocessed (throttling) is sent again
 * with backoff, and after 8 rounds the record fails (SQS retries the whole file: writes are
 * idempotent).
 */
async function storeFindings(d: DetectorDeps, items: Record<string, unknown>[]): Promise<void> {
  for (let i = 0; i < items.length; i += WRITE_BATCH) {
    let pending = items.slice(i, i + WRITE_BATCH).map((Item) => ({ PutRequest: { Item } }));
    for (let round = 0; pending.length; round++) {
      if (round === 8) throw new Error(`${pending.length} findings left unprocessed by DynamoDB`);
      if (round) await new Promise((r) => setTimeout(r, Math.min(2_000, 50 * 2 ** round)));
      const r = await d.db.send(new BatchWriteCommand({ RequestItems: { [d.table]: pending } }));
      pending = (r.UnprocessedItems?.[d.table] ?? []) as typeof pending;
    }
  }
}

/** SQS partial batch response: only records that failed transiently come back. */
export async function handleBatch(
  d: DetectorDeps,
  records: readonly { messageId: string; body: string }[],
): Promise<{ batchItemFailures: { itemIdentifier: string }[] }> {
  const batchItemFailures: { itemIdentifier: string }[] = [];
  for (const r of records) {
    try {
      await processRecord(d, r.body);
    } catch (e) {
      d.log("transient failure; record returns to the queue", {
        messageId: r.messageId,
        error: (e as Error).name,
      });
      batchItemFailures.push({ itemIdentifier: r.messageId });
    }
  }
  return { batchItemFailures };
}
