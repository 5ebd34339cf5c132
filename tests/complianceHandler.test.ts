/**
 * The compliance detector function against a local DynamoDB: findings stored per contact, a scan
 * record for every file, alerts once per file, bad files dead-lettered with the reason, transient
 * failures returned to the queue.
 */
import { expect } from "chai";
import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "../config";
import { CompiledDictionary, dictionarySchema } from "../functions/compliance-detector/detect";
import {
  handleBatch,
  processRecord,
  type AlertSummary,
  type DetectorDeps,
} from "../functions/compliance-detector/handler";
import { createPkSkTable, startLocalDynamo, type LocalDynamo } from "./support/localDynamo";

const FILE = fs.readFileSync(
  path.join(PROJECT_ROOT, "tests/fixtures/analysis-dunning.json"),
  "utf8",
);
const KEY =
  "connect/ap-northeast-1/Analysis/Voice/2026/11/24/0a1b2c3d_analysis_2026-11-24T01:00:00Z.json";
const dictionary = new CompiledDictionary(
  dictionarySchema.parse(
    JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "compliance/dictionary.json"), "utf8")),
  ),
);
const event = (key = KEY, size = FILE.length) =>
  JSON.stringify({
    "detail-type": "Object Created",
    source: "aws.s3",
    detail: { bucket: { name: "contact-data" }, object: { key, size, etag: "e1" } },
  });

describe("compliance detector function on a local DynamoDB", function () {
  this.timeout(30_000);
  let local: LocalDynamo;
  let table: string;
  let seq = 0;
  let alerts: AlertSummary[];
  let dead: { body: string; reason: string }[];
  let objects: Map<string, string>;

  before(async () => {
    local = await startLocalDynamo();
  });
  after(() => local.close());
  beforeEach(async () => {
    table = `findings-${++seq}`;
    // Same key shape (pk + sk strings) as the outbound table.
    await createPkSkTable(local, table);
    alerts = [];
    dead = [];
    objects = new Map([[KEY, FILE]]);
  });

  const deps = (over: Partial<DetectorDeps> = {}): DetectorDeps => ({
    dictionary,
    getObject: (_b, key) => {
      const body = objects.get(key);
      return body === undefined
        ? Promise.reject(Object.assign(new Error("no such key"), { name: "NoSuchKey" }))
        : Promise.resolve(body);
    },
    db: local.doc,
    table,
    alertSeverity: "high",
    alert: (s) => {
      alerts.push(s);
      return Promise.resolve();
    },
    deadLetter: (body, reason) => {
      dead.push({ body, reason });
      return Promise.resolve();
    },
    maxBytes: 50_000_000,
    now: () => Date.parse("2026-11-24T02:00:00Z"),
    log: () => undefined,
    ...over,
  });
  const items = async () =>
    (
      await local.doc.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: "pk = :pk",
          ExpressionAttributeValues: { ":pk": "CONTACT#0a1b2c3d-0000-4000-8000-000000000001" },
        }),
      )
    ).Items ?? [];

  it("stores one item per finding and a scan record, and alerts on high and critical ones", async () => {
    expect(await processRecord(deps(), event())).to.deep.equal({
      kind: "scanned",
      findings: 5,
      alerted: true,
    });
    const all = await items();
    expect(all.map((i) => String(i.sk)).sort()).to.deep.equal([
      "FINDING#s1#guarantee-principal",
      "FINDING#s3#certain-profit",
      "FINDING#s4#customer-threat",
      "FINDING#s6#guarantee-principal",
      "FINDING#s6#loss-compensation",
      `SCAN#${KEY}#e1#2026-11-24.1`,
    ]);
    // No transcript text is copied into the table.
    expect(JSON.stringify(all)).to.not.include("ございます");
    expect(alerts).to.have.length(1);
    expect(alerts[0].findings.map((f) => f.severity)).to.deep.equal([
      "critical",
      "critical",
      "critical",
      "critical",
    ]);
  });

  it("re-processing the same file changes nothing and alerts nothing", async () => {
    await processRecord(deps(), event());
    expect(await processRecord(deps(), event())).to.deep.equal({ kind: "already-scanned" });
    expect(alerts).to.have.length(1);
    expect(await items()).to.have.length(6);
  });

  it("a file with no findings still leaves a scan record", async () => {
    const clean = JSON.parse(FILE) as { Transcript: unknown[] };
    clean.Transcript = [];
    objects.set(KEY, JSON.stringify(clean));
    expect(await processRecord(deps(), event())).to.deep.equal({
      kind: "scanned",
      findings: 0,
      alerted: false,
    });
    expect((await items()).map((i) => Number(i.findings))).to.deep.equal([0]);
  });

  it("dead-letters a file that is not an analysis, a truncated one, a huge one and a foreign event, with the reason", async () => {
    objects.set(KEY, FILE.slice(0, 200));
    await processRecord(deps(), event());
    objects.set(KEY, JSON.stringify({ Version: "1.0.0" }));
    await processRecord(deps(), event());
    await processRecord(deps({ maxBytes: 10 }), event());
    await processRecord(deps(), "{}");
    expect(dead.map((d) => d.reason.replace(/\(.*/, "(…"))).to.deep.equal([
      "not JSON (…",
      "not a Contact Lens 1.1.0 analysis file (…",
      `file of ${FILE.length} bytes is over the 10-byte limit`,
      "not an S3 Object Created event",
    ]);
    expect(dead[0].body).to.equal(event());
    expect(await items()).to.deep.equal([]);
  });

  it("ignores objects that are not analysis files", async () => {
    expect(
      await processRecord(deps(), event("connect/ap-northeast-1/CallRecordings/x.wav")),
    ).to.deep.equal({
      kind: "ignored",
      reason: "not an analysis file",
    });
  });

  it("returns only the transiently failed record to the queue", async () => {
    const r = await handleBatch(deps(), [
      { messageId: "ok", body: event() },
      { messageId: "missing", body: event(KEY.replace("0a1b", "ffff")) },
    ]);
    expect(r).to.deep.equal({ batchItemFailures: [{ itemIdentifier: "missing" }] });
  });
});
