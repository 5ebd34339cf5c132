/** CompliancePipeline in the tokyo stack: the security-relevant settings, exactly. */
import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "../../config";
import { REALTIME_RULE_NAME } from "../../components/compliance/compliancePipeline";
import { complianceDictionary } from "../../stack";
import { failureOf, runStack, type Recorded } from "../support/harness";

type Obj = Record<string, unknown>;

describe("CompliancePipeline in stack tokyo", () => {
  let rec: Recorded;
  before(async () => {
    rec = await runStack("tokyo");
  });
  const get = (type: string, name: string) => rec.get(type, `tokyo-compliance-${name}`);
  const key = () => get("aws:kms/key:Key", "key");

  it("encrypts findings, queues and the alert topic with its own CMK; PITR on findings", () => {
    const t = get("aws:dynamodb/table:Table", "findings").inputs;
    expect(t.pointInTimeRecovery).to.deep.equal({ enabled: true });
    expect(t.serverSideEncryption).to.deep.equal({ enabled: true, kmsKeyArn: key().state.arn });
    expect(get("aws:sns/topic:Topic", "alerts").inputs.kmsMasterKeyId).to.equal(key().state.arn);
    for (const q of ["files", "dlq"])
      expect(get("aws:sqs/queue:Queue", q).inputs.kmsMasterKeyId).to.equal(key().state.arn);
    const topicPolicy = rec.policy(get("aws:sns/topicPolicy:TopicPolicy", "alerts")).Statement[0];
    expect(topicPolicy).to.deep.include({
      Effect: "Deny",
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    });
  });

  it("routes only analysis files of this region's bucket to the queue, with a DLQ", () => {
    const bucket = String(rec.run.outputs.contactDataBucket);
    expect(
      get("aws:s3/bucketNotification:BucketNotification", "bucket-events").inputs,
    ).to.deep.include({ bucket, eventbridge: true });
    expect(
      JSON.parse(
        String(get("aws:cloudwatch/eventRule:EventRule", "analysis-files").inputs.eventPattern),
      ),
    ).to.deep.equal({
      source: ["aws.s3"],
      "detail-type": ["Object Created"],
      detail: {
        bucket: { name: [bucket] },
        object: { key: [{ wildcard: "connect/*/Analysis/Voice/*_analysis_*.json" }] },
      },
    });
    const target = get("aws:cloudwatch/eventTarget:EventTarget", "files").inputs;
    expect(target.arn).to.equal(get("aws:sqs/queue:Queue", "files").state.arn);
    expect(target.deadLetterConfig).to.deep.equal({
      arn: get("aws:sqs/queue:Queue", "dlq").state.arn,
    });
  });

  it("lets the detector read only analysis files, decrypt them only through S3, and write findings", () => {
    const st = rec.policy(get("aws:iam/rolePolicy:RolePolicy", "detector")).Statement as Obj[];
    const bucketArn = `arn:aws:s3:::${String(rec.run.outputs.contactDataBucket)}`;
    expect(st.find((s) => s.Sid === "ReadContactLensAnalysis")).to.deep.equal({
      Sid: "ReadContactLensAnalysis",
      Effect: "Allow",
      Action: "s3:GetObject",
      Resource: `${bucketArn}/connect/*/Analysis/Voice/*`,
    });
    expect(st.find((s) => s.Sid === "DecryptAnalysisViaS3")?.Condition).to.deep.equal({
      StringEquals: { "kms:ViaService": "s3.ap-northeast-1.amazonaws.com" },
    });
    // Scan records and findings: read, claim, mark alerted, batch-write; never delete or scan.
    expect(st.find((s) => s.Sid === "StoreFindings")?.Action).to.deep.equal([
      "dynamodb:GetItem",
      "dynamodb:PutItem",
      "dynamodb:UpdateItem",
      "dynamodb:BatchWriteItem",
    ]);
  });

  it("configures the detector: alert threshold, 300 s timeout, bounded concurrency", () => {
    // (The code archive, with dictionary.json beside index.js, is not visible under mocks;
    // complianceDictionary() below is what goes into it.)
    const fn = get("aws:lambda/function:Function", "detector").inputs;
    expect((fn.environment as Obj).variables).to.deep.include({ ALERT_SEVERITY: "high" });
    // Events naming any other bucket are dead-lettered: the function knows the instance's one.
    const bucket = rec
      .ofType("aws:s3/bucketNotification:BucketNotification")
      .map((n) => String(n.inputs.bucket));
    expect(bucket).to.have.length(1);
    expect((fn.environment as Obj).variables).to.deep.include({ ANALYSIS_BUCKET: bucket[0] });
    expect(fn).to.deep.include({
      timeout: 300,
      reservedConcurrentExecutions: 10,
      memorySize: 2048,
    });
  });
});

describe("CompliancePipeline alerts: project event bus and Contact Lens real-time rule (tokyo)", () => {
  let rec: Recorded;
  before(async () => {
    rec = await runStack("tokyo");
  });
  const get = (type: string, name: string) => rec.get(type, `tokyo-compliance-${name}`);

  it("publishes findings to the project bus, which has its own CMK that EventBridge may use", () => {
    const bus = rec.get("aws:cloudwatch/eventBus:EventBus", "tokyo-events");
    const busKey = rec.get("aws:kms/key:Key", "tokyo-events-key");
    expect(bus.inputs).to.deep.include({
      name: "customerchannel-tokyo-events",
      kmsKeyIdentifier: busKey.state.arn,
    });
    expect(busKey.inputs.enableKeyRotation).to.equal(true);
    const svc = (rec.policy(busKey).Statement as Obj[]).find(
      (s) => s.Sid === "ServicesDeliverForThisAccount",
    );
    expect(svc).to.deep.include({
      Principal: { Service: ["events.amazonaws.com"] },
      Action: ["kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKey"],
    });
    const fn = get("aws:lambda/function:Function", "detector").inputs;
    expect((fn.environment as Obj).variables).to.deep.include({
      EVENT_BUS_NAME: "customerchannel-tokyo-events",
    });
    const st = rec.policy(get("aws:iam/rolePolicy:RolePolicy", "detector")).Statement as Obj[];
    expect(st.find((s) => s.Sid === "FindingEvents")).to.deep.equal({
      Sid: "FindingEvents",
      Effect: "Allow",
      Action: "events:PutEvents",
      Resource: bus.state.arn,
    });
    expect(rec.run.outputs.eventBusName).to.equal("customerchannel-tokyo-events");
  });

  it("deploys one published real-time rule on this instance from the high and critical terms", () => {
    const rule = get("aws-native:connect:Rule", "realtime").inputs;
    expect(rule).to.deep.include({
      instanceArn: rec.run.outputs.instanceArn,
      name: REALTIME_RULE_NAME,
      triggerEventSource: { eventSourceName: "OnRealTimeCallAnalysisAvailable" },
      publishStatus: "PUBLISHED",
      actions: {
        assignContactCategoryActions: [{}],
        eventBridgeActions: [{ name: REALTIME_RULE_NAME }],
      },
    });
    const fn = JSON.parse(String(rule.function)) as {
      RuleFunction: { Operands: { Operands: string[] }[] };
    };
    // The four high/critical AGENT entries of compliance/dictionary.json, terms and variants.
    expect(fn.RuleFunction.Operands.map((o) => o.Operands.length)).to.deep.equal([14]);
    expect(fn.RuleFunction.Operands[0].Operands.slice(0, 2)).to.deep.equal([
      "元本保証",
      "げんぽんほしょう",
    ]);
  });

  it("sends the rule's matches to the alert topic, which EventBridge may publish to for that rule only", () => {
    const matches = get("aws:cloudwatch/eventRule:EventRule", "realtime-matches");
    expect(JSON.parse(String(matches.inputs.eventPattern))).to.deep.equal({
      source: ["aws.connect"],
      "detail-type": ["Contact Lens Realtime Rules Matched"],
      detail: { ruleName: [REALTIME_RULE_NAME] },
    });
    const target = get("aws:cloudwatch/eventTarget:EventTarget", "realtime-matches").inputs;
    const topic = get("aws:sns/topic:Topic", "alerts");
    const dlq = get("aws:sqs/queue:Queue", "dlq");
    expect(target).to.deep.include({
      arn: topic.state.arn,
      deadLetterConfig: { arn: dlq.state.arn },
    });
    const st = rec.policy(get("aws:sns/topicPolicy:TopicPolicy", "alerts")).Statement as Obj[];
    expect(st[1]).to.deep.equal({
      Sid: "EventBridgeRulesPublish",
      Effect: "Allow",
      Principal: { Service: "events.amazonaws.com" },
      Action: "sns:Publish",
      Resource: topic.state.arn,
      Condition: { ArnEquals: { "aws:SourceArn": [matches.state.arn] } },
    });
    // Both EventBridge rules may dead-letter; only the analysis-file rule feeds the work queue.
    const files = get("aws:cloudwatch/eventRule:EventRule", "analysis-files").state.arn;
    const dlqPolicy = rec.policy(get("aws:sqs/queuePolicy:QueuePolicy", "dlq")).Statement as Obj[];
    expect(dlqPolicy[1].Condition).to.deep.equal({
      ArnEquals: { "aws:SourceArn": [files, matches.state.arn] },
    });
    const filesPolicy = rec.policy(get("aws:sqs/queuePolicy:QueuePolicy", "files"))
      .Statement as Obj[];
    expect(filesPolicy[1].Condition).to.deep.equal({ ArnEquals: { "aws:SourceArn": [files] } });
  });

  it("the alert threshold and the rule severity come from config; off or no Contact Lens means no rule", async () => {
    const strict = await runStack("tokyo", {
      compliance: { alertSeverity: "critical", realtimeRuleSeverity: "critical" },
    });
    const fn = strict.get("aws:lambda/function:Function", "tokyo-compliance-detector").inputs;
    expect((fn.environment as Obj).variables).to.deep.include({ ALERT_SEVERITY: "critical" });
    const rule = strict.get("aws-native:connect:Rule", "tokyo-compliance-realtime").inputs;
    const ops = (
      JSON.parse(String(rule.function)) as { RuleFunction: { Operands: { Operands: string[] }[] } }
    ).RuleFunction.Operands;
    expect(ops[0].Operands).to.include("元本保証").and.not.include("職場に電話します");

    for (const over of [
      { compliance: { realtimeRuleSeverity: "off" } },
      { contactLensEnabled: false },
    ]) {
      const none = await runStack("tokyo", over);
      expect(none.ofType("aws-native:connect:Rule"), JSON.stringify(over)).to.deep.equal([]);
      const topic = none.get("aws:sns/topicPolicy:TopicPolicy", "tokyo-compliance-alerts");
      expect(none.policy(topic).Statement).to.have.length(1);
    }
  });

  it("warns, naming the entries, when the dictionary has more phrases than a rule condition takes", async () => {
    const file = path.join(PROJECT_ROOT, "compliance/dictionary.json");
    const d = JSON.parse(fs.readFileSync(file, "utf8")) as { entries: object[] };
    for (let i = 0; i < 100; i++)
      d.entries.push({
        id: `extra-${i}`,
        term: `追加の禁止語句${i}番`,
        category: "威迫",
        severity: "high",
        participant: "AGENT",
      });
    // The program's copy only: the repository's file stays as it is for every other test.
    const big = await runStack("tokyo", {}, { dictionaryJson: JSON.stringify(d) });
    const warning = big.run.warnings.find((w) => w.includes("left out"));
    expect(warning).to.include("Contact Lens real-time rule: 14 phrase(s) left out");
    expect(warning).to.include('extra-86 "追加の禁止語句86番"');
    expect(warning).to.include('extra-99 "追加の禁止語句99番"');
  });
});

describe("compliance dictionary at plan time", () => {
  it("ships the repository's dictionary text as validated", () => {
    const file = path.join(PROJECT_ROOT, "compliance/dictionary.json");
    expect(complianceDictionary()).to.equal(fs.readFileSync(file, "utf8"));
  });

  it("an invalid dictionary fails the stack, naming the entry and the fix", async () => {
    const file = path.join(PROJECT_ROOT, "compliance/dictionary.json");
    const d = JSON.parse(fs.readFileSync(file, "utf8")) as { entries: { id: string }[] };
    d.entries[1].id = d.entries[0].id;
    const message = await failureOf(() =>
      runStack("tokyo", {}, { dictionaryJson: JSON.stringify(d) }),
    );
    expect(message).to.include("compliance/dictionary.json is invalid");
    expect(message).to.include(
      "entries.guarantee-principal: id used twice; give each entry its own id",
    );
  });
});
