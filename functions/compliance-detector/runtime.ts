/**
 * The detector's AWS side: environment, clients and the dependencies `handleBatch` needs. Kept
 * apart from the Lambda entry so integration tests run the same code against local S3 and
 * DynamoDB servers.
 */
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { GetObjectCommand, HeadObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { z } from "zod";
import { SEVERITIES, type CompiledDictionary } from "./detect";
import type { AlertSummary, DetectorDeps } from "./handler";

export const detectorEnv = z.object({
  TABLE_NAME: z.string().min(1),
  TOPIC_ARN: z.string().startsWith("arn:"),
  DLQ_URL: z.string().url(),
  EVENT_BUS_NAME: z.string().min(1),
  ALERT_SEVERITY: z.enum(SEVERITIES).default("high"),
  MAX_BYTES: z.coerce.number().int().positive().default(200_000_000),
  /** The instance's Contact Lens bucket: the only one whose events are read. */
  ANALYSIS_BUCKET: z.string().min(1),
});
export type DetectorEnv = z.output<typeof detectorEnv>;

export interface DetectorClients {
  readonly s3: S3Client;
  readonly db: DynamoDBDocumentClient;
  readonly sns: SNSClient;
  readonly sqs: SQSClient;
  readonly events: EventBridgeClient;
}

/** Source and detail type of the finding events on the project bus. */
export const FINDING_EVENT = {
  source: "customerchannel.compliance",
  detailType: "Compliance Finding",
} as const;

export function detectorDeps(
  env: DetectorEnv,
  c: DetectorClients,
  dictionary: CompiledDictionary,
  log: DetectorDeps["log"],
): DetectorDeps {
  return {
    dictionary,
    analysisBucket: env.ANALYSIS_BUCKET,
    objectSize: async (bucket, key) =>
      Number((await c.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }))).ContentLength),
    getObject: async (bucket, key, limit) => {
      // One byte past the limit: enough to tell a file that grew after HeadObject.
      const r = await c.s3.send(
        new GetObjectCommand({ Bucket: bucket, Key: key, Range: `bytes=0-${limit}` }),
      );
      return (await r.Body?.transformToByteArray()) ?? new Uint8Array();
    },
    db: c.db,
    table: env.TABLE_NAME,
    alertSeverity: env.ALERT_SEVERITY,
    alert: async (s: AlertSummary) => {
      await c.sns.send(
        new PublishCommand({
          TopicArn: env.TOPIC_ARN,
          Subject: "コンプライアンス検知 (compliance finding)",
          Message: JSON.stringify(s),
        }),
      );
      const r = await c.events.send(
        new PutEventsCommand({
          Entries: [
            {
              EventBusName: env.EVENT_BUS_NAME,
              Source: FINDING_EVENT.source,
              DetailType: FINDING_EVENT.detailType,
              Detail: JSON.stringify(s),
            },
          ],
        }),
      );
      // PutEvents answers 200 even when an entry is refused: a refused entry must fail the record.
      if (r.FailedEntryCount) {
        const e = r.Entries?.[0];
        throw new Error(`PutEvents refused the finding event: ${e?.ErrorCode} ${e?.ErrorMessage}`);
      }
    },
    deadLetter: async (body, reason) => {
      await c.sqs.send(
        new SendMessageCommand({
          QueueUrl: env.DLQ_URL,
          MessageBody: body,
          MessageAttributes: { reason: { DataType: "String", StringValue: reason.slice(0, 1000) } },
        }),
      );
    },
    maxBytes: env.MAX_BYTES,
    now: () => Date.now(),
    log,
  };
}
