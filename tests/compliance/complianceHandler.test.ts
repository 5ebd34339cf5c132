/**
 * The compliance detector function against a local DynamoDB: findings stored per contact, a scan
 * record for every file, alerts once per file, bad files dead-lettered with the reason, transient
 * failures returned to the queue.
 */
import { expect } from "chai";
import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "../../config";
import { CompiledDictionary, dictionarySchema } from "../../functions/compliance-detector/detect";
import {
  handleBatch,
  processRecord,
  type AlertSummary,
  type DetectorDeps,
} from "../../functions/compliance-detector/handler";
import { createPkSkTable, startLocalDynamo, type LocalDynamo } from "../support/localDynamo";

const FILE = fs.readFileSync(
  path.join(PROJECT_ROOT, "tests/support/fixtures/analysis-dunning.json"),
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
  let objects: Map<string, string | Uint8Array>;

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
    analysisBucket: "contact-data",
    // S3 as the runtime reads it: HeadObject's size, then a ranged GetObject (limit + 1 bytes).
    objectSize: (_b, key) => {
      const body = objects.get(key);
      return body === undefined
        ? Promise.reject(Object.assign(new Error("not found"), { name: "NotFound" }))
        : Promise.resolve(Buffer.from(body).length);
    },
    getObject: (_b, key, limit) => {
      const body = objects.get(key);
      return body === undefined
        ? Promise.reject(Object.assign(new Error("no such key"), { name: "NoSuchKey" }))
        : Promise.resolve(Buffer.from(body).subarray(0, limit + 1));
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
      `SCAN#${KEY}#e1#2026-12-06.1`,
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
      // The object's real size at that moment (the small non-analysis file), not the event's.
      "file of 19 bytes is over the 10-byte limit",
      "not an S3 Object Created event",
    ]);
    expect(dead[0].body).to.equal(event());
    expect(await items()).to.deep.equal([]);
  });

  it("stores a negated match for review but does not alert on it (issue 20)", async () => {
    const file = JSON.parse(FILE) as { Transcript: { Id: string; Content: string }[] };
    file.Transcript = [
      { ...file.Transcript[0], Content: "こちらは元本保証の商品ではございません。" },
    ];
    objects.set(KEY, JSON.stringify(file));
    expect(await processRecord(deps(), event())).to.deep.equal({
      kind: "scanned",
      findings: 1,
      alerted: false,
    });
    const finding = (await items()).find((i) => String(i.sk).startsWith("FINDING#"));
    expect(finding).to.deep.include({ negated: true, text: "元本保証", start: 4, end: 8 });
    expect(alerts).to.deep.equal([]);
  });

  describe("hostile events and files (issue 19)", () => {
    it("judges size by the object, not the event: a file claiming 10 bytes is refused by its real size", async () => {
      const big = deps({ maxBytes: 1_000 });
      expect(await processRecord(big, event(KEY, 10))).to.deep.equal({
        kind: "dead-lettered",
        reason: `file of ${Buffer.byteLength(FILE)} bytes is over the 1000-byte limit`,
      });
      // A file that grows between HeadObject and the read is still cut at the limit.
      const growing = deps({ maxBytes: 1_000, objectSize: () => Promise.resolve(900) });
      expect(await processRecord(growing, event())).to.deep.equal({
        kind: "dead-lettered",
        reason: "file grew over the 1000-byte limit while it was read",
      });
      expect(await items()).to.deep.equal([]);
    });

    it("refuses an event for another bucket without reading it", async () => {
      let read = 0;
      const d = deps({ objectSize: () => Promise.resolve(++read) });
      const foreign = event().replace('"contact-data"', '"attacker-bucket"');
      expect(await processRecord(d, foreign)).to.deep.equal({
        kind: "dead-lettered",
        reason: "event for bucket attacker-bucket, not the Contact Lens bucket contact-data",
      });
      expect(read).to.equal(0);
      expect(dead[0].body).to.equal(foreign);
    });

    it("dead-letters a file that is not valid UTF-8 instead of scanning it as nothing", async () => {
      const bytes = Buffer.from(FILE);
      const broken = Buffer.concat([
        bytes.subarray(0, 500),
        Buffer.from([0xff, 0xfe]),
        bytes.subarray(500),
      ]);
      objects.set(KEY, broken);
      expect(await processRecord(deps(), event())).to.deep.equal({
        kind: "dead-lettered",
        reason: "file is not valid UTF-8",
      });
      expect(await items()).to.deep.equal([]);
    });

    it("16,000 findings: the alert goes out before the writes, which go 25 at a time", async () => {
      const big = JSON.parse(FILE) as { Transcript: { Id: string; Content: string }[] };
      // s6, an agent line with two entries (損失補填, 元本保証): 8,000 of them, 16,000 findings.
      const line = big.Transcript.find((t) => t.Id === "s6")!;
      big.Transcript = Array.from({ length: 8_000 }, (_, i) => ({ ...line, Id: `x${i}` }));
      objects.set(KEY, JSON.stringify(big));
      const order: string[] = [];
      const sent: string[] = [];
      const db = {
        send: (c: { constructor: { name: string }; input: unknown }) => {
          const name = c.constructor.name;
          order.push(name);
          sent.push(name);
          return local.doc.send(c as never);
        },
      } as unknown as DetectorDeps["db"];
      const d = deps({
        db,
        alert: (a) => {
          order.push("alert");
          alerts.push(a);
          return Promise.resolve();
        },
      });
      const r = await processRecord(d, event());
      expect(r).to.deep.include({ kind: "scanned", alerted: true });
      const first = order.indexOf("alert");
      expect(order.slice(0, first)).to.deep.equal(["GetCommand", "PutCommand"]);
      expect(order.indexOf("BatchWriteCommand")).to.be.greaterThan(first);
      const findings = (r as { findings: number }).findings;
      expect(findings).to.be.at.least(16_000);
      expect(sent.filter((n) => n === "BatchWriteCommand")).to.have.length(
        Math.ceil(findings / 25),
      );
      expect(alerts[0].totalFindings).to.equal(findings);
      expect(alerts[0].findings).to.have.length(100);
    });

    it("a retry after the alert but before the writes finish does not alert again, and completes", async () => {
      let fail = true;
      const db = {
        send: (c: { constructor: { name: string } }) =>
          c.constructor.name === "BatchWriteCommand" && fail
            ? Promise.reject(
                Object.assign(new Error("throttled"), {
                  name: "ProvisionedThroughputExceededException",
                }),
              )
            : local.doc.send(c as never),
      } as unknown as DetectorDeps["db"];
      let thrown = "";
      await processRecord(deps({ db }), event()).catch((e: Error) => (thrown = e.name));
      expect(thrown).to.equal("ProvisionedThroughputExceededException");
      expect(alerts).to.have.length(1);
      fail = false;
      expect(await processRecord(deps({ db }), event())).to.deep.include({ kind: "scanned" });
      expect(alerts).to.have.length(1);
      expect(await processRecord(deps({ db }), event())).to.deep.equal({ kind: "already-scanned" });
      expect(await items()).to.have.length(6);
    });
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
