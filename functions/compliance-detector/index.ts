/**
 * Lambda entry: the compliance detector. The dictionary ships next to this file (dictionary.json,
 * validated at plan time) and is compiled once per cold start.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { S3Client } from "@aws-sdk/client-s3";
import { SNSClient } from "@aws-sdk/client-sns";
import { SQSClient } from "@aws-sdk/client-sqs";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import * as fs from "node:fs";
import * as path from "node:path";
import { CompiledDictionary, dictionarySchema } from "./detect";
import { handleBatch } from "./handler";
import { detectorDeps, detectorEnv } from "./runtime";

const logger = new Logger({ serviceName: "compliance-detector" });
const deps = detectorDeps(
  detectorEnv.parse(process.env),
  {
    s3: new S3Client({}),
    db: DynamoDBDocumentClient.from(new DynamoDBClient({})),
    sns: new SNSClient({}),
    sqs: new SQSClient({}),
    events: new EventBridgeClient({}),
  },
  new CompiledDictionary(
    dictionarySchema.parse(
      JSON.parse(fs.readFileSync(path.join(__dirname, "dictionary.json"), "utf8")),
    ),
  ),
  (m, f) => logger.info(m, f),
);

export const handler = (event: { Records: { messageId: string; body: string }[] }) =>
  handleBatch(deps, event.Records);
