/**
 * Lambda entry: the compliance detector. The dictionary ships next to this file (dictionary.json,
 * validated at plan time) and is compiled once per cold start.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import * as fs from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import { CompiledDictionary, SEVERITIES, dictionarySchema } from "./detect";
import { handleBatch } from "./handler";

const env = z
  .object({
    TABLE_NAME: z.string().min(1),
    TOPIC_ARN: z.string().startsWith("arn:"),
    DLQ_URL: z.string().url(),
    ALERT_SEVERITY: z.enum(SEVERITIES).default("high"),
    MAX_BYTES: z.coerce.number().int().positive().default(200_000_000),
  })
  .parse(process.env);

const logger = new Logger({ serviceName: "compliance-detector" });
const dictionary = new CompiledDictionary(
  dictionarySchema.parse(
    JSON.parse(fs.readFileSync(path.join(__dirname, "dictionary.json"), "utf8")),
  ),
);
const s3 = new S3Client({});
const sns = new SNSClient({});
const sqs = new SQSClient({});

const deps = {
  dictionary,
  getObject: async (bucket: string, key: string) => {
    const r = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return (await r.Body?.transformToString("utf-8")) ?? "";
  },
  db: DynamoDBDocumentClient.from(new DynamoDBClient({})),
  table: env.TABLE_NAME,
  alertSeverity: env.ALERT_SEVERITY,
  alert: async (s: {
    contactId: string;
    objectKey: string;
    dictionaryVersion: string;
    findings: readonly unknown[];
  }) => {
    await sns.send(
      new PublishCommand({
        TopicArn: env.TOPIC_ARN,
        Subject: "コンプライアンス検知 (compliance finding)",
        Message: JSON.stringify(s),
      }),
    );
  },
  deadLetter: async (body: string, reason: string) => {
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: env.DLQ_URL,
        MessageBody: body,
        MessageAttributes: { reason: { DataType: "String", StringValue: reason.slice(0, 1000) } },
      }),
    );
  },
  maxBytes: env.MAX_BYTES,
  now: () => Date.now(),
  log: (m: string, f: Record<string, unknown>) => logger.info(m, f),
};

export const handler = (event: { Records: { messageId: string; body: string }[] }) =>
  handleBatch(deps, event.Records);
