/** CompliancePipeline in the tokyo stack: the security-relevant settings, exactly. */
import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "../config";
import { complianceDictionary } from "../stack";
import { runStack, type Recorded } from "./harness";

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
    expect(st.find((s) => s.Sid === "StoreFindings")?.Action).to.equal("dynamodb:PutItem");
  });

  it("configures the detector: alert threshold, 300 s timeout, bounded concurrency", () => {
    // (The code archive, with dictionary.json beside index.js, is not visible under mocks;
    // complianceDictionary() below is what goes into it.)
    const fn = get("aws:lambda/function:Function", "detector").inputs;
    expect((fn.environment as Obj).variables).to.deep.include({ ALERT_SEVERITY: "high" });
    expect(fn).to.deep.include({
      timeout: 300,
      reservedConcurrentExecutions: 10,
      memorySize: 2048,
    });
  });
});

describe("compliance dictionary at plan time", () => {
  it("ships the repository's dictionary text as validated", () => {
    const file = path.join(PROJECT_ROOT, "compliance/dictionary.json");
    expect(complianceDictionary()).to.equal(fs.readFileSync(file, "utf8"));
  });

  it("an invalid dictionary fails the stack, naming the entry and the fix", async () => {
    const file = path.join(PROJECT_ROOT, "compliance/dictionary.json");
    const original = fs.readFileSync(file, "utf8");
    const d = JSON.parse(original) as { entries: { id: string }[] };
    d.entries[1].id = d.entries[0].id;
    fs.writeFileSync(file, JSON.stringify(d));
    try {
      let message = "";
      await runStack("tokyo").catch((e: Error) => (message = e.message));
      expect(message).to.include("compliance/dictionary.json is invalid");
      expect(message).to.include(
        "entries.guarantee-principal: id used twice; give each entry its own id",
      );
    } finally {
      fs.writeFileSync(file, original);
    }
  });
});
