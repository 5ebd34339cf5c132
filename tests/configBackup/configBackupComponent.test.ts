/**
 * ConfigBackup in both stacks, under the mock harness: bucket and key, replication to the vault,
 * the exporter's least-privilege role, the state machine's loop, the schedule and its
 * dead-letter queue, the alarms; and its config.
 */
import { expect } from "chai";
import { EXPORT_ACTIONS } from "../../functions/config-backup/collections";
import { runStack, stackConfig, type Recorded } from "../support/harness";

const T = {
  bucket: "aws:s3/bucket:Bucket",
  sse: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  lifecycle: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
  replication: "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
  key: "aws:kms/key:Key",
  policy: "aws:iam/rolePolicy:RolePolicy",
  machine: "aws:sfn/stateMachine:StateMachine",
  schedule: "aws:scheduler/schedule:Schedule",
  alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
  queuePolicy: "aws:sqs/queuePolicy:QueuePolicy",
  fn: "aws:lambda/function:Function",
};

describe("ConfigBackup component", () => {
  let tokyo: Recorded;
  let dr: Recorded;
  before(async () => {
    [tokyo, dr] = await Promise.all([runStack("tokyo"), runStack("dr")]);
  });
  const statements = (rec: Recorded, name: string) => rec.policy(rec.get(T.policy, name)).Statement;

  it("keeps snapshots in a private, versioned bucket under its own rotating key, for 400 days", () => {
    const key = tokyo.get(T.key, "tokyo-config-backup-key");
    expect(key.inputs).to.deep.include({ enableKeyRotation: true, region: "ap-northeast-1" });
    const sse = tokyo.get(T.sse, "tokyo-config-backup-bucket");
    expect(
      (sse.inputs.rules as { applyServerSideEncryptionByDefault: unknown }[])[0]
        .applyServerSideEncryptionByDefault,
    ).to.deep.equal({ sseAlgorithm: "aws:kms", kmsMasterKeyId: key.state.arn });
    const bucket = tokyo.get(T.bucket, "tokyo-config-backup-bucket");
    expect((bucket.inputs.tags as Record<string, string>)["customerchannel:data-class"]).to.equal(
      "config-backup",
    );
    expect(bucket.protect).to.equal(true);
    const rules = tokyo.get(T.lifecycle, "tokyo-config-backup-bucket").inputs.rules as {
      id: string;
      expiration?: { days: number };
      filter?: { prefix?: string };
    }[];
    expect(rules.find((r) => r.id === "snapshots-expire")).to.deep.include({
      expiration: { days: 400 },
      filter: { prefix: "snapshots/" },
    });
  });

  it("replicates every snapshot to the vault, re-encrypted with the vault key, deletes not", () => {
    for (const [rec, name] of [
      [tokyo, "tokyo-config-backup-bucket"],
      [dr, "dr-config-backup-bucket"],
    ] as const) {
      const rule = (
        rec.get(T.replication, name).inputs.rules as {
          deleteMarkerReplication: unknown;
          destination: { bucket: string; encryptionConfiguration: unknown };
        }[]
      )[0];
      expect(rule.deleteMarkerReplication).to.deep.equal({ status: "Disabled" });
      expect(rule.destination.bucket).to.equal(tokyo.run.outputs.vaultBucketArn);
      expect(rule.destination.encryptionConfiguration).to.deep.equal({
        replicaKmsKeyId: tokyo.run.outputs.vaultKeyArn,
      });
    }
  });

  it("lets the exporter read this instance's configuration and write snapshots, nothing more", () => {
    const instance = String(tokyo.run.outputs.instanceArn);
    const bucket = tokyo.get(T.bucket, "tokyo-config-backup-bucket").state.arn;
    const key = tokyo.get(T.key, "tokyo-config-backup-key").state.arn;
    const s = statements(tokyo, "tokyo-config-backup-exporter");
    expect(s.map((x) => x.Sid)).to.deep.equal([
      "WriteOwnLogGroup",
      "ReadConnectConfiguration",
      "WriteSnapshots",
      "UseBackupKeyThroughS3",
      "SignManifests",
    ]);
    expect(s[1]).to.deep.equal({
      Sid: "ReadConnectConfiguration",
      Effect: "Allow",
      Action: EXPORT_ACTIONS,
      Resource: [
        instance,
        `${instance}/*`,
        "arn:aws:connect:ap-northeast-1:123456789012:phone-number/*",
      ],
    });
    expect(s[2]).to.deep.equal({
      Sid: "WriteSnapshots",
      Effect: "Allow",
      Action: ["s3:PutObject", "s3:GetObject"],
      Resource: `${String(bucket)}/snapshots/*`,
    });
    expect(s[3]).to.deep.include({
      Resource: key,
      Condition: { StringEquals: { "kms:ViaService": "s3.ap-northeast-1.amazonaws.com" } },
    });
    // Signing: digests only, ECDSA, with the stack's signing key (an ECC key that signs only).
    const signing = tokyo.get(T.key, "tokyo-config-backup-signing-key");
    expect(s[4]).to.deep.equal({
      Sid: "SignManifests",
      Effect: "Allow",
      Action: "kms:Sign",
      Resource: signing.state.arn,
      Condition: {
        StringEquals: { "kms:SigningAlgorithm": "ECDSA_SHA_256", "kms:MessageType": "DIGEST" },
      },
    });
    expect(signing.inputs).to.deep.include({
      keyUsage: "SIGN_VERIFY",
      customerMasterKeySpec: "ECC_NIST_P256",
    });
    expect(tokyo.run.outputs.configBackupSigningKeyArn).to.equal(signing.state.arn);
    const fn = tokyo.get(T.fn, "tokyo-config-backup-exporter");
    // One export at a time (two would split the per-API quota), the full 15 minutes each.
    expect(fn.inputs).to.deep.include({ reservedConcurrentExecutions: 1, timeout: 900 });
  });

  it("loops the exporter while it answers CONTINUE and fails on an incomplete snapshot", () => {
    const m = tokyo.get(T.machine, "tokyo-config-backup-machine");
    const def = JSON.parse(String(m.inputs.definition)) as {
      StartAt: string;
      States: Record<string, Record<string, unknown>>;
    };
    const fn = tokyo.get(T.fn, "tokyo-config-backup-exporter").state.arn;
    expect(def.StartAt).to.equal("Export");
    expect(def.States.Export).to.deep.include({
      Type: "Task",
      Resource: "arn:aws:states:::lambda:invoke",
      Parameters: { FunctionName: fn, "Payload.$": "$" },
      OutputPath: "$.Payload",
      Next: "Finished?",
    });
    expect(def.States["Finished?"]).to.deep.equal({
      Type: "Choice",
      Choices: [
        { Variable: "$.status", StringEquals: "CONTINUE", Next: "Export" },
        { Variable: "$.status", StringEquals: "DONE", Next: "Snapshot complete" },
      ],
      Default: "Snapshot incomplete",
    });
    expect(def.States["Snapshot incomplete"]).to.deep.include({
      Type: "Fail",
      Error: "ConfigBackupIncomplete",
    });
    expect(statements(tokyo, "tokyo-config-backup-machine")).to.deep.equal([
      {
        Sid: "InvokeExporter",
        Effect: "Allow",
        Action: ["lambda:InvokeFunction"],
        Resource: [fn, `${String(fn)}:*`],
      },
    ]);
  });

  it("runs daily at 03:00 Tokyo time; a start that fails lands in an encrypted, TLS-only DLQ", () => {
    const s = tokyo.get(T.schedule, "tokyo-config-backup-schedule");
    const machine = tokyo.get(T.machine, "tokyo-config-backup-machine").state.arn;
    const dlq = tokyo.get("aws:sqs/queue:Queue", "tokyo-config-backup-schedule-dlq");
    expect(s.inputs).to.deep.include({
      scheduleExpression: "cron(0 3 * * ? *)",
      scheduleExpressionTimezone: "Asia/Tokyo",
      flexibleTimeWindow: { mode: "OFF" },
    });
    expect(s.inputs.target).to.deep.include({
      arn: machine,
      input: "{}",
      retryPolicy: { maximumRetryAttempts: 10, maximumEventAgeInSeconds: 3600 },
      deadLetterConfig: { arn: dlq.state.arn },
    });
    expect(dlq.inputs.kmsMasterKeyId).to.equal(
      tokyo.get(T.key, "tokyo-config-backup-key").state.arn,
    );
    const qp = JSON.parse(
      String(tokyo.get(T.queuePolicy, "tokyo-config-backup-schedule-dlq").inputs.policy),
    ) as { Statement: { Effect: string; Condition: unknown }[] };
    expect(qp.Statement[0]).to.deep.include({
      Effect: "Deny",
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    });
    expect(
      statements(tokyo, "tokyo-config-backup-scheduler").map((x) => [x.Sid, x.Action, x.Resource]),
    ).to.deep.equal([
      ["StartBackup", ["states:StartExecution"], machine],
      ["DeadLetter", ["sqs:SendMessage"], dlq.state.arn],
      [
        "DeadLetterKey",
        ["kms:GenerateDataKey", "kms:Decrypt"],
        tokyo.get(T.key, "tokyo-config-backup-key").state.arn,
      ],
    ]);
  });

  it("alarms (through Monitoring) on a failed or timed-out snapshot and a schedule that could not start one", () => {
    const machine = tokyo.get(T.machine, "tokyo-config-backup-machine").state.arn;
    const dlq = tokyo.get("aws:sqs/queue:Queue", "tokyo-config-backup-schedule-dlq").state.name;
    const alarm = (n: string) => tokyo.get(T.alarm, `tokyo-monitoring-${n}`).inputs;
    expect(alarm("tokyo-config-backup-machine-failed")).to.deep.include({
      namespace: "AWS/States",
      metricName: "ExecutionsFailed",
      dimensions: { StateMachineArn: machine },
      threshold: 1,
    });
    expect(alarm("tokyo-config-backup-machine-timed-out").metricName).to.equal(
      "ExecutionsTimedOut",
    );
    expect(alarm("tokyo-config-backup-schedule-dlq-dead-letters")).to.deep.include({
      namespace: "AWS/SQS",
      metricName: "ApproximateNumberOfMessagesVisible",
      dimensions: { QueueName: dlq },
      threshold: 1,
    });
  });

  it("both stacks back up their own instance and say where", () => {
    expect(tokyo.run.outputs.configBackupBucket).to.equal(
      tokyo.get(T.bucket, "tokyo-config-backup-bucket").state.bucket,
    );
    const env = (
      dr.get(T.fn, "dr-config-backup-exporter").inputs.environment as {
        variables: Record<string, string>;
      }
    ).variables;
    expect(env).to.deep.include({
      INSTANCE_ARN: dr.run.outputs.instanceArn,
      REQUESTS_PER_SECOND: "2",
    });
    expect(dr.run.outputs.configBackupStateMachineArn).to.equal(
      "arn:aws:states:ap-northeast-3:123456789012:stateMachine:customerchannel-config-backup",
    );
  });

  it("config: disabled deploys none; a schedule that is not an expression names the fix", async () => {
    const off = await runStack("tokyo", { configBackup: { enabled: false } });
    expect(off.ofType("customerchannel:backup:ConfigBackup")).to.deep.equal([]);
    expect(off.run.outputs.configBackupBucket).to.equal(undefined);
    expect(() => stackConfig("tokyo", { configBackup: { schedule: "daily" } })).to.throw(
      /customerchannel:configBackup: schedule has "daily"; an EventBridge Scheduler expression such as cron\(0 3 \* \* \? \*\)/,
    );
  });
});
