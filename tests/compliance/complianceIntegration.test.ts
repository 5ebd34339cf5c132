/**
 * The compliance detector's real AWS wiring (functions/compliance-detector/runtime.ts) against a
 * local S3 (s3rver) holding the analysis files and a local DynamoDB (dynalite) holding findings.
 * SNS, SQS and EventBridge are faked at the client (aws-sdk-client-mock) so the test sees exactly
 * what would be published, dead-lettered and put on the project bus.
 */
import { expect } from "chai";
import { EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import { mockClient, type AwsClientStub } from "aws-sdk-client-mock";
import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "../../config";
import { CompiledDictionary, dictionarySchema } from "../../functions/compliance-detector/detect";
import { handleBatch, type AlertSummary } from "../../functions/compliance-detector/handler";
import {
  FINDING_EVENT,
  detectorDeps,
  detectorEnv,
  type DetectorEnv,
} from "../../functions/compliance-detector/runtime";
import { createPkSkTable, startLocalDynamo, type LocalDynamo } from "../support/localDynamo";
import { startLocalS3, type LocalS3 } from "../support/localS3";

const FILE = fs.readFileSync(
  path.join(PROJECT_ROOT, "tests/support/fixtures/analysis-dunning.json"),
  "utf8",
);
const CONTACT = "0a1b2c3d-0000-4000-8000-000000000001";
const BUCKET = "customerchannel-tokyo-contact-data";
const KEY = `connect/cc-tokyo/Analysis/Voice/2026/11/24/${CONTACT}_analysis_2026-11-24T01:00:00Z.json`;
const dictionary = new CompiledDictionary(
  dictionarySchema.parse(
    JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "compliance/dictionary.json"), "utf8")),
  ),
);

describe("compliance detector on local S3 (s3rver) and DynamoDB (dynalite)", function () {
  this.timeout(30_000);
  let s3: LocalS3;
  let dynamo: LocalDynamo;
  let env: DetectorEnv;
  let seq = 0;
  const sns = new SNSClient({ region: "ap-northeast-1" });
  const sqs = new SQSClient({ region: "ap-northeast-1" });
  const events = new EventBridgeClient({ region: "ap-northeast-1" });
  let snsMock: AwsClientStub<SNSClient>;
  let sqsMock: AwsClientStub<SQSClient>;
  let eventsMock: AwsClientStub<EventBridgeClient>;

  before(async () => {
    [s3, dynamo] = await Promise.all([startLocalS3(), startLocalDynamo()]);
    await s3.createBucket(BUCKET);
    snsMock = mockClient(sns);
    sqsMock = mockClient(sqs);
    eventsMock = mockClient(events);
  });
  after(async () => {
    snsMock.restore();
    sqsMock.restore();
    eventsMock.restore();
    await Promise.all([s3.close(), dynamo.close()]);
  });
  beforeEach(async () => {
    const table = `findings-${++seq}`;
    await createPkSkTable(dynamo, table);
    env = detectorEnv.parse({
      TABLE_NAME: table,
      TOPIC_ARN: "arn:aws:sns:ap-northeast-1:123456789012:customerchannel-compliance-alerts",
      DLQ_URL:
        "https://sqs.ap-northeast-1.amazonaws.com/123456789012/customerchannel-compliance-dlq",
      EVENT_BUS_NAME: "customerchannel-tokyo-events",
      ANALYSIS_BUCKET: BUCKET,
    });
    snsMock.reset();
    sqsMock.reset();
    eventsMock.reset();
    snsMock.on(PublishCommand).resolves({ MessageId: "m" });
    sqsMock.on(SendMessageCommand).resolves({ MessageId: "d" });
    eventsMock.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: "e" }] });
  });

  const deps = () =>
    detectorDeps(env, { s3: s3.client, db: dynamo.doc, sns, sqs, events }, dictionary, () => {});
  /** The S3 "Object Created" event EventBridge would deliver for an object, as an SQS record. */
  const record = (id: string, key: string, etag: string, size: number) => ({
    messageId: id,
    body: JSON.stringify({
      source: "aws.s3",
      "detail-type": "Object Created",
      detail: { bucket: { name: BUCKET }, object: { key, size, etag } },
    }),
  });
  const upload = async (key: string, body: string) =>
    record(`m-${key.length}-${body.length}`, key, await s3.put(BUCKET, key, body), body.length);
  const items = async () =>
    (
      await dynamo.doc.send(
        new QueryCommand({
          TableName: env.TABLE_NAME,
          KeyConditionExpression: "pk = :pk",
          ExpressionAttributeValues: { ":pk": `CONTACT#${CONTACT}` },
        }),
      )
    ).Items ?? [];

  it("reads the file from S3, stores findings, and alerts on the topic and the project bus", async () => {
    const r = await upload(KEY, FILE);
    expect(await handleBatch(deps(), [r])).to.deep.equal({ batchItemFailures: [] });

    const all = await items();
    expect(all.filter((i) => String(i.sk).startsWith("FINDING#"))).to.have.length(5);
    const scan = all.find((i) => String(i.sk).startsWith("SCAN#"));
    expect(scan).to.deep.include({ findings: 5, alerted: true, objectKey: KEY });

    const published = snsMock.commandCalls(PublishCommand).map((c) => c.args[0].input);
    expect(published).to.have.length(1);
    expect(published[0].TopicArn).to.equal(env.TOPIC_ARN);
    const alert = JSON.parse(String(published[0].Message)) as AlertSummary;
    expect(alert).to.deep.include({ contactId: CONTACT, objectKey: KEY, totalFindings: 4 });
    expect(alert.findings.map((f) => f.entryId)).to.deep.equal([
      "guarantee-principal",
      "certain-profit",
      "loss-compensation",
      "guarantee-principal",
    ]);

    const put = eventsMock.commandCalls(PutEventsCommand).map((c) => c.args[0].input.Entries);
    expect(put).to.have.length(1);
    expect(put[0]).to.have.length(1);
    expect(put[0]![0]).to.deep.include({
      EventBusName: "customerchannel-tokyo-events",
      Source: FINDING_EVENT.source,
      DetailType: FINDING_EVENT.detailType,
    });
    // The bus carries the same summary as the topic.
    expect(JSON.parse(String(put[0]![0].Detail))).to.deep.equal(alert);
    expect(sqsMock.commandCalls(SendMessageCommand)).to.have.length(0);
  });

  it("a redelivered event changes nothing and alerts nothing; a new version of the file is scanned", async () => {
    const r = await upload(KEY, FILE);
    await handleBatch(deps(), [r]);
    await handleBatch(deps(), [r]);
    expect(snsMock.commandCalls(PublishCommand)).to.have.length(1);
    expect(await items()).to.have.length(6);

    // Contact Lens rewrote the file (new ETag): one more scan record, findings overwritten in place.
    const again = await upload(KEY, FILE.replace("お電話", "おでんわ"));
    expect(again.body).to.not.equal(r.body);
    await handleBatch(deps(), [again]);
    expect((await items()).filter((i) => String(i.sk).startsWith("SCAN#"))).to.have.length(2);
    expect(snsMock.commandCalls(PublishCommand)).to.have.length(2);
  });

  it("a refused finding event fails the record; the retry sends the alert it missed", async () => {
    eventsMock
      .on(PutEventsCommand)
      .resolvesOnce({
        FailedEntryCount: 1,
        Entries: [{ ErrorCode: "InternalFailure", ErrorMessage: "try again" }],
      })
      .resolves({ FailedEntryCount: 0, Entries: [{ EventId: "e" }] });
    const r = await upload(KEY, FILE);
    expect(await handleBatch(deps(), [r])).to.deep.equal({
      batchItemFailures: [{ itemIdentifier: r.messageId }],
    });
    expect((await items()).find((i) => String(i.sk).startsWith("SCAN#"))).to.deep.include({
      alerted: false,
    });

    expect(await handleBatch(deps(), [r])).to.deep.equal({ batchItemFailures: [] });
    expect(eventsMock.commandCalls(PutEventsCommand)).to.have.length(2);
    // At least once: the topic saw the first attempt too.
    expect(snsMock.commandCalls(PublishCommand)).to.have.length(2);
    expect((await items()).find((i) => String(i.sk).startsWith("SCAN#"))).to.deep.include({
      alerted: true,
    });
    // Once alerted, a further redelivery is a no-op.
    await handleBatch(deps(), [r]);
    expect(eventsMock.commandCalls(PutEventsCommand)).to.have.length(2);
  });

  it("dead-letters a truncated file with the reason and the original event, storing nothing", async () => {
    const r = await upload(KEY, FILE.slice(0, 300));
    expect(await handleBatch(deps(), [r])).to.deep.equal({ batchItemFailures: [] });
    const sent = sqsMock.commandCalls(SendMessageCommand).map((c) => c.args[0].input);
    expect(sent).to.have.length(1);
    expect(sent[0].QueueUrl).to.equal(env.DLQ_URL);
    expect(sent[0].MessageBody).to.equal(r.body);
    expect(sent[0].MessageAttributes?.reason.StringValue).to.match(/^not JSON \(/);
    expect(await items()).to.deep.equal([]);
    expect(snsMock.commandCalls(PublishCommand)).to.have.length(0);
  });

  it("returns a record whose object S3 does not have to the queue (SQS retries, then its DLQ)", async () => {
    const r = record("gone", KEY.replace(CONTACT, "ffffffff-0000-4000-8000-000000000000"), "x", 10);
    expect(await handleBatch(deps(), [r])).to.deep.equal({
      batchItemFailures: [{ itemIdentifier: "gone" }],
    });
  });

  it("refuses to start without the event bus in its environment, naming the variable", () => {
    const r = detectorEnv.safeParse({ ...env, EVENT_BUS_NAME: undefined });
    expect(r.success).to.equal(false);
    expect(r.error?.issues.map((i) => i.path.join("."))).to.deep.equal(["EVENT_BUS_NAME"]);
  });
});
