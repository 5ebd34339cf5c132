/**
 * The detector function: SQS records carrying S3 "Object Created" events (EventBridge) for
 * Contact Lens analysis files. Each file is read, validated and scanned once; findings are stored
 * per contact (no transcript copy), a scan record notes every file scanned (with or without
 * findings), and alerts go out for each file with findings at or above the threshold: at least
 * once (a retry after a failed alert sends it), and once in the normal case.
 *
 * Bad input never disappears: a file that is not a Contact Lens 1.1.0 analysis, or too large, is
 * sent to the dead-letter queue with the reason and the original event; a transient failure (S3,
 * DynamoDB, SNS) fails only that record, so SQS retries it and, after its retries, dead-letters it.
 */
import { isConditionFailed } from "../shared/dynamo";
import { DynamoDBDocumentClient, PutCommand } from "@aws-sdk/lib-dynamodb";
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
  readonly getObject: (bucket: string, key: string) => Promise<string>;
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

export async function processRecord(d: DetectorDeps, body: string): Promise<FileOutcome> {
  let event: z.output<typeof s3Event>;
  try {
    event = s3Event.parse(JSON.parse(body));
  } catch {
    await d.deadLetter(body, "not an S3 Object Created event");
    return { kind: "dead-lettered", reason: "not an S3 Object Created event" };
  }
  const { bucket, object } = event.detail;
  if (!ANALYSIS_KEY.test(object.key)) return { kind: "ignored", reason: "not an analysis file" };
  if ((object.size ?? 0) > d.maxBytes) {
    const reason = `file of ${object.size} bytes is over the ${d.maxBytes}-byte limit`;
    await d.deadLetter(body, reason);
    return { kind: "dead-lettered", reason };
  }
  const parsed = parseAnalysis(await d.getObject(bucket.name, object.key));
  if (!parsed.ok) {
    await d.deadLetter(body, parsed.reason);
    return { kind: "dead-lettered", reason: parsed.reason };
  }
  const findings = detect(d.dictionary, parsed.analysis);
  const contactId = parsed.analysis.CustomerMetadata.ContactId;
  const version = d.dictionary.dictionary.version;
  // Findings first (idempotent overwrites), then the scan record that claims the alert: a crash
  // between them re-runs the file and alerts once.
  for (const f of findings) {
    await d.db.send(
      new PutCommand({
        TableName: d.table,
        Item: {
          pk: `CONTACT#${contactId}`,
          sk: `FINDING#${f.segmentId}#${f.entryId}`,
          objectKey: object.key,
          ...f,
        },
      }),
    );
  }
  const serious = findings.filter((f) => severityRank(f.severity) >= severityRank(d.alertSeverity));
  const scan = {
    pk: `CONTACT#${contactId}`,
    sk: `SCAN#${object.key}#${object.etag ?? ""}#${version}`,
    objectKey: object.key,
    findings: findings.length,
    dictionaryVersion: version,
    scannedAt: new Date(d.now()).toISOString(),
  };
  // The scan record claims the file. It says whether its alert went out: a failure after the claim
  // (SNS or EventBridge down) leaves `alerted: false`, so the retry alerts instead of skipping.
  try {
    await d.db.send(
      new PutCommand({
        TableName: d.table,
        Item: { ...scan, alerted: serious.length === 0 },
        ConditionExpression: "attribute_not_exists(pk) OR alerted = :no",
        ExpressionAttributeValues: { ":no": false },
      }),
    );
  } catch (e) {
    if (isConditionFailed(e)) return { kind: "already-scanned" };
    throw e;
  }
  if (serious.length) {
    await d.alert({
      contactId,
      objectKey: object.key,
      dictionaryVersion: version,
      totalFindings: serious.length,
      // SNS messages and EventBridge entries stop at 256 KB: the table has every finding.
      findings: serious.slice(0, MAX_ALERT_FINDINGS),
    });
    await d.db.send(new PutCommand({ TableName: d.table, Item: { ...scan, alerted: true } }));
  }
  d.log("scanned", { contactId, findings: findings.length, alerted: serious.length > 0 });
  return { kind: "scanned", findings: findings.length, alerted: serious.length > 0 };
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
