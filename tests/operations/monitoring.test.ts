/**
 * Monitoring in both stacks: alarms are derived from what the components registered, so every
 * function, queue, stream, replication rule, state machine, Connect queue and flow of the stack
 * has its alarms (checked against the recorded resources, not a hand-written list); thresholds
 * and dimensions exact; the alarm topic encrypted and TLS-only; config.
 */
import { expect } from "chai";
import { runStack, stackConfig, type Recorded } from "../support/harness";

const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
type Alarm = {
  namespace: string;
  metricName: string;
  dimensions: Record<string, string>;
  threshold: number;
  statistic: string;
  comparisonOperator: string;
  alarmActions: string[];
  okActions: string[];
  treatMissingData: string;
};

describe("Monitoring", () => {
  let tokyo: Recorded;
  let dr: Recorded;
  before(async () => {
    [tokyo, dr] = await Promise.all([runStack("tokyo"), runStack("dr")]);
  });
  const alarms = (rec: Recorded) => rec.ofType(ALARM).map((a) => a.inputs as unknown as Alarm);
  const withDims = (
    rec: Recorded,
    namespace: string,
    metric: string,
    dims: Record<string, unknown>,
  ) =>
    alarms(rec).filter(
      (a) =>
        a.namespace === namespace &&
        a.metricName === metric &&
        Object.entries(dims).every(([k, v]) => a.dimensions[k] === v),
    );

  for (const stack of ["tokyo", "dr"] as const) {
    describe(`${stack}: every registered resource has its alarms`, () => {
      const rec = () => (stack === "tokyo" ? tokyo : dr);

      it("each Lambda function: errors, throttles, and duration at 80% of its timeout", () => {
        const fns = rec().ofType("aws:lambda/function:Function");
        expect(fns.length).to.be.greaterThan(2);
        for (const f of fns) {
          const name = String(f.state.name);
          const d = { FunctionName: name };
          expect(withDims(rec(), "AWS/Lambda", "Errors", d), name).to.have.length(1);
          expect(withDims(rec(), "AWS/Lambda", "Throttles", d), name).to.have.length(1);
          // Throttled AWS API calls, counted from the function's own log group.
          const logGroup = (f.inputs.loggingConfig as { logGroup: string }).logGroup;
          const filters = rec()
            .ofType("aws:cloudwatch/logMetricFilter:LogMetricFilter")
            .filter(
              (m) =>
                m.inputs.logGroupName === logGroup &&
                // Other lines a component registered (logEvent) have their own filter.
                (m.inputs.metricTransformation as { namespace: string }).namespace !==
                  "customerchannel/LogEvents",
            );
          expect(filters, name).to.have.length(1);
          const metric = filters[0].inputs.metricTransformation as {
            namespace: string;
            name: string;
          };
          expect(metric.namespace, name).to.equal("customerchannel/ApiThrottling");
          expect(
            withDims(rec(), metric.namespace, metric.name, {}).map((a) => a.threshold),
            name,
          ).to.deep.equal([10]);
          const [duration] = withDims(rec(), "AWS/Lambda", "Duration", d);
          expect(duration.threshold, name).to.equal(Number(f.inputs.timeout) * 1000 * 0.8);
          expect(duration.statistic).to.equal("Maximum");
        }
      });

      it("each queue: a dead-letter queue alarms on any message, a work queue on its backlog", () => {
        const queues = rec().ofType("aws:sqs/queue:Queue");
        expect(queues.length).to.be.greaterThan(0);
        for (const q of queues) {
          const d = { QueueName: String(q.state.name) };
          const dead = withDims(rec(), "AWS/SQS", "ApproximateNumberOfMessagesVisible", d);
          const backlog = withDims(rec(), "AWS/SQS", "ApproximateAgeOfOldestMessage", d);
          if (q.inputs.redrivePolicy) {
            expect(dead, d.QueueName).to.deep.equal([]);
            expect(
              backlog.map((a) => a.threshold),
              d.QueueName,
            ).to.deep.equal([900]);
          } else {
            expect(
              dead.map((a) => a.threshold),
              d.QueueName,
            ).to.deep.equal([1]);
            expect(backlog, d.QueueName).to.deep.equal([]);
          }
        }
      });

      it("the CTR stream, each vault replication rule and the backup state machine", () => {
        for (const s of rec().ofType("aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream")) {
          const d = { DeliveryStreamName: String(s.state.name) };
          expect(withDims(rec(), "AWS/Firehose", "DeliveryToS3.Success", d)[0]).to.deep.include({
            comparisonOperator: "LessThanThreshold",
            threshold: 1,
            statistic: "Minimum",
          });
          expect(withDims(rec(), "AWS/Firehose", "DeliveryToS3.DataFreshness", d)).to.have.length(
            1,
          );
        }
        const rules = rec().ofType("aws:s3/bucketReplicationConfig:BucketReplicationConfig");
        // Contact data and configuration backups; tokyo's audit trail too.
        expect(rules).to.have.length(stack === "tokyo" ? 3 : 2);
        for (const r of rules) {
          const source = rec()
            .ofType("aws:s3/bucket:Bucket")
            .find((b) => b.id === r.inputs.bucket);
          const d = {
            SourceBucket: source?.state.bucket,
            DestinationBucket: String(tokyo.run.outputs.vaultBucketName),
            RuleId: "to-backup-vault",
          };
          expect(
            withDims(rec(), "AWS/S3", "OperationsFailedReplication", d),
            r.name,
          ).to.have.length(1);
          expect(
            withDims(rec(), "AWS/S3", "ReplicationLatency", d).map((a) => a.threshold),
            r.name,
          ).to.deep.equal([900]);
        }
        for (const m of rec().ofType("aws:sfn/stateMachine:StateMachine"))
          for (const metric of ["ExecutionsFailed", "ExecutionsTimedOut"])
            expect(
              withDims(rec(), "AWS/States", metric, { StateMachineArn: m.state.arn }),
            ).to.have.length(1);
      });

      it("the instance: concurrent calls at 80% of its limit, throttled, over-quota and missed calls", () => {
        const d = { InstanceId: rec().run.outputs.instanceId, MetricGroup: "VoiceCalls" };
        expect(
          [
            "ConcurrentCallsPercentage",
            "ThrottledCalls",
            "CallsBreachingConcurrencyQuota",
            "MissedCalls",
          ].map((m) => withDims(rec(), "AWS/Connect", m, d).map((a) => a.threshold)),
        ).to.deep.equal([[80], [1], [1], [5]]);
      });

      it("every alarm notifies the stack's topic, both ways, and no data is not an alarm", () => {
        const topic = rec().get("aws:sns/topic:Topic", `${stack}-monitoring-alarms`).state.arn;
        for (const a of alarms(rec())) {
          expect(a.alarmActions).to.deep.equal([topic]);
          expect(a.okActions).to.deep.equal([topic]);
          expect(a.treatMissingData).to.equal("notBreaching");
        }
        // Alarm names are unique in the account and region.
        const names = rec()
          .ofType(ALARM)
          .map((a) => a.inputs.name);
        expect(new Set(names).size).to.equal(names.length);
      });
    });
  }

  it("tokyo: each Connect queue's longest wait and each flow's errors", () => {
    const instanceId = tokyo.run.outputs.instanceId;
    for (const q of tokyo.ofType("aws:connect/queue:Queue")) {
      const d = { InstanceId: instanceId, MetricGroup: "Queue", QueueName: q.inputs.name };
      expect(
        withDims(tokyo, "AWS/Connect", "LongestQueueWaitTime", d).map((a) => a.threshold),
        String(q.inputs.name),
      ).to.deep.equal([120]);
    }
    for (const f of tokyo.ofType("aws:connect/contactFlow:ContactFlow")) {
      const d = {
        InstanceId: instanceId,
        MetricGroup: "ContactFlow",
        ContactFlowName: f.inputs.name,
      };
      expect(
        withDims(tokyo, "AWS/Connect", "ContactFlowErrors", d),
        String(f.inputs.name),
      ).to.have.length(1);
      expect(withDims(tokyo, "AWS/Connect", "ContactFlowFatalErrors", d)).to.have.length(1);
    }
    expect(tokyo.run.outputs.alarmCount).to.equal(tokyo.ofType(ALARM).length);
  });

  it("the alarm topic: its own rotating key, TLS only, CloudWatch may publish for this account's alarms only", () => {
    const topic = tokyo.get("aws:sns/topic:Topic", "tokyo-monitoring-alarms");
    const key = tokyo.get("aws:kms/key:Key", "tokyo-monitoring-key");
    expect(topic.inputs.kmsMasterKeyId).to.equal(key.state.arn);
    expect(key.inputs.enableKeyRotation).to.equal(true);
    const policy = tokyo.policy(
      tokyo.get("aws:sns/topicPolicy:TopicPolicy", "tokyo-monitoring-alarms"),
    );
    expect(policy.Statement).to.deep.equal([
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "sns:Publish",
        Resource: topic.state.arn,
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
      {
        Sid: "CloudWatchAlarmsPublish",
        Effect: "Allow",
        Principal: { Service: "cloudwatch.amazonaws.com" },
        Action: "sns:Publish",
        Resource: topic.state.arn,
        Condition: {
          StringEquals: { "aws:SourceAccount": "123456789012" },
          ArnLike: {
            "aws:SourceArn":
              "arn:aws:cloudwatch:ap-northeast-1:123456789012:alarm:customerchannel-*",
          },
        },
      },
    ]);
  });

  it("the dashboard graphs every alarmed metric; the dr one shows the declared traffic split", () => {
    const body = (rec: Recorded, name: string) =>
      JSON.parse(
        String(rec.get("aws:cloudwatch/dashboard:Dashboard", name).inputs.dashboardBody),
      ) as {
        widgets: { type: string; properties: { markdown?: string; metrics?: unknown[][] } }[];
      };
    const t = body(tokyo, "tokyo-monitoring-dashboard");
    const lines = t.widgets.flatMap((w) => w.properties.metrics ?? []);
    expect(lines).to.have.length(tokyo.ofType(ALARM).length);
    const d = body(dr, "dr-monitoring-dashboard");
    expect(d.widgets[0].properties.markdown).to.equal(
      "**dr** (dr, ap-northeast-3): traffic declared at the last pulumi up: 0% of calls in ap-northeast-3. The live split: npm run drill -- --from <primary> --to dr --dry-run.",
    );
  });

  it("config: subscriptions and thresholds; a bad address names the key; disabled deploys none", async () => {
    const tuned = await runStack("tokyo", {
      monitoring: {
        subscriptions: [
          { protocol: "email", endpoint: "cc-ops@example-bank.jp" },
          { protocol: "https", endpoint: "https://oncall.example-bank.jp/hooks/connect" },
        ],
        longestQueueWaitSeconds: 60,
      },
    });
    expect(
      tuned
        .ofType("aws:sns/topicSubscription:TopicSubscription")
        .map((s) => [s.inputs.protocol, s.inputs.endpoint]),
    ).to.deep.equal([
      ["email", "cc-ops@example-bank.jp"],
      ["https", "https://oncall.example-bank.jp/hooks/connect"],
    ]);
    expect(
      new Set(
        tuned
          .ofType(ALARM)
          .filter((a) => a.inputs.metricName === "LongestQueueWaitTime")
          .map((a) => a.inputs.threshold),
      ),
    ).to.deep.equal(new Set([60]));
    expect(() =>
      stackConfig("tokyo", {
        monitoring: { subscriptions: [{ protocol: "email", endpoint: "ops" }] },
      }),
    ).to.throw(/customerchannel:monitoring: subscriptions\.0\.endpoint has "ops"/);
    const off = await runStack("tokyo", { monitoring: { enabled: false } });
    expect(off.ofType(ALARM)).to.deep.equal([]);
    expect(off.ofType("customerchannel:ops:Monitoring")).to.deep.equal([]);
  });
});
