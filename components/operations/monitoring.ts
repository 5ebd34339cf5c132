/**
 * Monitoring (customerchannel:ops:Monitoring, both stacks): an encrypted alarm topic with the
 * configured subscriptions, CloudWatch alarms derived from everything the other components
 * registered (components/shared/watch.ts), and a dashboard of the same metrics.
 *
 * Alarms per registered kind (README "Operations" says what to do when each fires):
 *   function      Errors ≥ 1, Throttles ≥ 1, Duration ≥ a share of the timeout
 *   queue         dead-letter: a message visible; work queue: oldest message too old
 *   stream        Firehose delivery to S3 failing, or data older than 15 minutes
 *   replication   objects failing to replicate to the vault, replication latency
 *   stateMachine  configuration backup failed or timed out
 *   instance      concurrent calls near the instance limit, throttled calls, calls refused over
 *                 the concurrency quota, missed calls
 *   connectQueue  longest wait in the queue
 *   flow          flow errors and fatal errors
 *   publicApi     a surge of requests to a public API, and many requests its WAF rate rule blocked
 *
 * Over 500 lines on purpose: One alarm factory per kind of watched resource, and the dashboard
 * built from the same list.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { ChangeWindow } from "../../functions/change-window/core";
import { ChangeAudit } from "./changeAudit";
import { createKmsKey } from "../shared/kmsKey";
import { alarmTopicPolicy } from "./policies";
import type { Watched } from "../shared/watch";

export const MONITORING_TOKEN = "customerchannel:ops:Monitoring";

export interface MonitoringThresholds {
  /** Concurrent calls as a percentage of the instance's limit. */
  readonly concurrentCallsPercent: number;
  /** Longest wait of a call in any queue, seconds. */
  readonly longestQueueWaitSeconds: number;
  /** Missed calls (agent did not answer) per 5 minutes. */
  readonly missedCallsPer5Minutes: number;
  /** Age of the oldest message in a work queue, seconds. */
  readonly queueMessageAgeSeconds: number;
  /** A function's longest run as a percentage of its timeout. */
  readonly durationOfTimeoutPercent: number;
  /** Vault replication latency, seconds. */
  readonly replicationLatencySeconds: number;
}

export interface MonitoringArgs {
  readonly region: string;
  readonly aliasPrefix: string;
  /** Alarm-name prefix: `customerchannel-<stack>`. */
  readonly namePrefix: string;
  readonly watched: readonly Watched[];
  readonly thresholds: MonitoringThresholds;
  readonly subscriptions: readonly { protocol: string; endpoint: string }[];
  /** Extra text shown at the top of the dashboard (e.g. the declared traffic distribution). */
  readonly note?: pulumi.Input<string>;
  /** Administrative change audit (ChangeAudit, created here so its pieces get alarms too). */
  readonly changeAudit: {
    readonly stack: string;
    readonly logRetentionDays: number;
    readonly windows: readonly ChangeWindow[];
    readonly timeZone: string;
  };
}

/** One alarm, as data: what Monitoring creates and what the README and tests list. */
export interface AlarmSpec {
  readonly id: string;
  readonly description: string;
  readonly namespace: string;
  readonly metric: string;
  readonly statistic: "Sum" | "Maximum" | "Minimum";
  readonly dimensions: Record<string, pulumi.Input<string>>;
  readonly threshold: number;
  readonly comparison: "GreaterThanOrEqualToThreshold" | "LessThanThreshold";
  readonly periodSeconds: number;
}

/** Where the log metric filters count throttled AWS API calls, one metric per function. */
export const API_THROTTLING_NAMESPACE = "customerchannel/ApiThrottling";
/** Where the log metric filters count the log lines components registered (`logEvent`). */
export const LOG_EVENTS_NAMESPACE = "customerchannel/LogEvents";

const bucketName = (arn: string) => arn.replace(/^arn:aws[-a-z]*:s3:::/, "");

/** The alarms a registered item needs. */
export function alarmsFor(w: Watched, t: MonitoringThresholds): AlarmSpec[] {
  const at = (
    id: string,
    description: string,
    namespace: string,
    metric: string,
    statistic: AlarmSpec["statistic"],
    dimensions: AlarmSpec["dimensions"],
    threshold: number,
    comparison: AlarmSpec["comparison"] = "GreaterThanOrEqualToThreshold",
    periodSeconds = 300,
  ): AlarmSpec => ({
    id: `${w.id}-${id}`,
    description,
    namespace,
    metric,
    statistic,
    dimensions,
    threshold,
    comparison,
    periodSeconds,
  });
  switch (w.kind) {
    case "function": {
      const d = { FunctionName: w.functionName };
      return [
        at("errors", "The function failed", "AWS/Lambda", "Errors", "Sum", d, 1),
        at(
          "throttles",
          "The function was throttled (reserved concurrency)",
          "AWS/Lambda",
          "Throttles",
          "Sum",
          d,
          1,
        ),
        // Connect (and other AWS) APIs answering 429: the functions retry, but sustained throttling
        // means the quota is too small for the load (counted from the log by a metric filter).
        at(
          "api-throttled",
          "AWS APIs throttled the function's calls 10 times in 5 minutes (quota too small?)",
          API_THROTTLING_NAMESPACE,
          `Throttled-${w.id}`,
          "Sum",
          {},
          10,
        ),
        at(
          "duration",
          `The function ran for ${t.durationOfTimeoutPercent}% of its ${w.timeoutSeconds} s timeout`,
          "AWS/Lambda",
          "Duration",
          "Maximum",
          d,
          Math.round(w.timeoutSeconds * 1000 * (t.durationOfTimeoutPercent / 100)),
        ),
      ];
    }
    case "queue":
      return w.deadLetter
        ? [
            at(
              "dead-letters",
              "Messages in a dead-letter queue",
              "AWS/SQS",
              "ApproximateNumberOfMessagesVisible",
              "Maximum",
              { QueueName: w.queueName },
              1,
            ),
          ]
        : [
            at(
              "backlog",
              `A message has waited ${t.queueMessageAgeSeconds} s`,
              "AWS/SQS",
              "ApproximateAgeOfOldestMessage",
              "Maximum",
              { QueueName: w.queueName },
              t.queueMessageAgeSeconds,
            ),
          ];
    case "stream":
      return [
        at(
          "delivery",
          "Contact records are not reaching S3",
          "AWS/Firehose",
          "DeliveryToS3.Success",
          "Minimum",
          { DeliveryStreamName: w.streamName },
          1,
          "LessThanThreshold",
        ),
        at(
          "freshness",
          "Contact records older than 15 minutes are waiting",
          "AWS/Firehose",
          "DeliveryToS3.DataFreshness",
          "Maximum",
          { DeliveryStreamName: w.streamName },
          900,
        ),
      ];
    case "replication": {
      const d = {
        SourceBucket: w.sourceBucket,
        DestinationBucket: pulumi.output(w.destinationBucketArn).apply(bucketName),
        RuleId: w.ruleId,
      };
      return [
        at(
          "replication-failed",
          "Objects failed to replicate to the vault",
          "AWS/S3",
          "OperationsFailedReplication",
          "Sum",
          d,
          1,
        ),
        at(
          "replication-latency",
          `Replication to the vault is ${t.replicationLatencySeconds} s behind`,
          "AWS/S3",
          "ReplicationLatency",
          "Maximum",
          d,
          t.replicationLatencySeconds,
        ),
      ];
    }
    case "stateMachine":
      return [
        at(
          "failed",
          "A configuration snapshot is incomplete (see its manifest)",
          "AWS/States",
          "ExecutionsFailed",
          "Sum",
          { StateMachineArn: w.arn },
          1,
        ),
        at(
          "timed-out",
          "A configuration snapshot did not finish",
          "AWS/States",
          "ExecutionsTimedOut",
          "Sum",
          { StateMachineArn: w.arn },
          1,
        ),
      ];
    case "instance": {
      const d = { InstanceId: w.instanceId, MetricGroup: "VoiceCalls" };
      return [
        at(
          "concurrent-calls",
          `Concurrent calls at ${t.concurrentCallsPercent}% of the instance limit`,
          "AWS/Connect",
          "ConcurrentCallsPercentage",
          "Maximum",
          d,
          t.concurrentCallsPercent,
        ),
        at("throttled-calls", "Calls were throttled", "AWS/Connect", "ThrottledCalls", "Sum", d, 1),
        at(
          "over-quota-calls",
          "Calls were refused over the concurrency quota",
          "AWS/Connect",
          "CallsBreachingConcurrencyQuota",
          "Sum",
          d,
          1,
        ),
        at(
          "missed-calls",
          `${t.missedCallsPer5Minutes} calls missed by agents in 5 minutes`,
          "AWS/Connect",
          "MissedCalls",
          "Sum",
          d,
          t.missedCallsPer5Minutes,
        ),
      ];
    }
    case "connectQueue":
      return [
        at(
          "wait",
          `A caller has waited ${t.longestQueueWaitSeconds} s in queue ${w.queueName}`,
          "AWS/Connect",
          "LongestQueueWaitTime",
          "Maximum",
          { InstanceId: w.instanceId, MetricGroup: "Queue", QueueName: w.queueName },
          t.longestQueueWaitSeconds,
        ),
      ];
    case "logEvent":
      return [
        at(
          "event",
          w.description,
          LOG_EVENTS_NAMESPACE,
          `Events-${w.id}`,
          "Sum",
          {},
          w.threshold ?? 1,
        ),
      ];
    case "publicApi":
      return [
        at(
          "surge",
          `${w.surgePer5Minutes} or more requests to the public chat API in 5 minutes (a bot, or a campaign nobody announced?)`,
          "AWS/ApiGateway",
          "Count",
          "Sum",
          { ApiName: w.apiName, Stage: w.stage },
          w.surgePer5Minutes,
        ),
        // One visitor over the per-IP limit is WAF doing its job; a hundred blocked requests in
        // 5 minutes is an attack someone should look at (WAF logs say from where).
        at(
          "rate-blocked",
          "AWS WAF's per-IP rate rule blocked 100 or more chat requests in 5 minutes",
          "AWS/WAFV2",
          "BlockedRequests",
          "Sum",
          { WebACL: w.webAclName, Region: w.region, Rule: w.rateRuleName },
          100,
        ),
      ];
    case "flow": {
      const d = {
        InstanceId: w.instanceId,
        MetricGroup: "ContactFlow",
        ContactFlowName: w.flowName,
      };
      return [
        at(
          "flow-errors",
          `Flow ${w.flowName} hit an error branch`,
          "AWS/Connect",
          "ContactFlowErrors",
          "Sum",
          d,
          1,
        ),
        at(
          "flow-fatal",
          `Flow ${w.flowName} failed`,
          "AWS/Connect",
          "ContactFlowFatalErrors",
          "Sum",
          d,
          1,
        ),
      ];
    }
  }
}

export class Monitoring extends pulumi.ComponentResource {
  public readonly topicArn: pulumi.Output<string>;
  public readonly topicKeyArn: pulumi.Output<string>;
  public readonly alarmNames: string[];
  public readonly dashboardName: pulumi.Output<string>;
  /** Where administrative changes are logged. */
  public readonly changeLogGroup: pulumi.Output<string>;

  constructor(name: string, args: MonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super(MONITORING_TOKEN, name, {}, opts);
    const p = { parent: this };
    const region = args.region;
    const identity = aws.getCallerIdentityOutput({}, p);
    const { key } = createKmsKey(
      `${name}-key`,
      {
        region,
        description: `Operations (${region}): alarm topic, change audit log and its dead letters`,
        alias: `${args.aliasPrefix}/${region}/operations`,
        // CloudWatch publishes alarm notifications into the encrypted topic; EventBridge keeps
        // undeliverable change events in the encrypted dead-letter queue; CloudWatch Logs
        // encrypts the change log.
        allowServices: ["cloudwatch.amazonaws.com", "events.amazonaws.com"],
        allowCloudWatchLogs: true,
      },
      p,
    );
    const topic = new aws.sns.Topic(
      `${name}-alarms`,
      { region, name: `${args.namePrefix}-alarms`, kmsMasterKeyId: key.arn },
      p,
    );
    new aws.sns.TopicPolicy(
      `${name}-alarms`,
      {
        region,
        arn: topic.arn,
        policy: pulumi
          .all([topic.arn, identity.accountId])
          .apply(([arn, acct]) => JSON.stringify(alarmTopicPolicy(arn, region, acct))),
      },
      p,
    );
    args.subscriptions.forEach((sub, i) => {
      new aws.sns.TopicSubscription(
        `${name}-subscription-${i}`,
        { region, topic: topic.arn, protocol: sub.protocol, endpoint: sub.endpoint },
        p,
      );
    });

    // Before the alarms: its function and dead-letter queue register themselves for alarms.
    const audit = new ChangeAudit(
      `${name}-changes`,
      {
        region,
        stack: args.changeAudit.stack,
        keyArn: key.arn,
        logRetentionDays: args.changeAudit.logRetentionDays,
        topicArn: topic.arn,
        windows: args.changeAudit.windows,
        timeZone: args.changeAudit.timeZone,
      },
      p,
    );
    this.changeLogGroup = audit.logGroupName;

    // Log lines counted as metrics: throttled AWS calls of every function (the SDK's error names
    // for a 429, wherever the function logs them), and the lines components registered.
    const countLines = (
      id: string,
      logGroupName: pulumi.Input<string>,
      pattern: string,
      namespace: string,
      metric: string,
    ) =>
      new aws.cloudwatch.LogMetricFilter(
        `${name}-${id}`,
        {
          region,
          logGroupName,
          pattern,
          metricTransformation: { namespace, name: metric, value: "1", defaultValue: "0" },
        },
        p,
      );
    for (const w of args.watched) {
      if (w.kind === "function")
        countLines(
          `${w.id}-api-throttled`,
          w.logGroupName,
          '?TooManyRequestsException ?ThrottlingException ?"Rate exceeded"',
          API_THROTTLING_NAMESPACE,
          `Throttled-${w.id}`,
        );
      if (w.kind === "logEvent")
        countLines(
          `${w.id}-event`,
          w.logGroupName,
          w.pattern,
          LOG_EVENTS_NAMESPACE,
          `Events-${w.id}`,
        );
    }
    const specs = args.watched.flatMap((w) => alarmsFor(w, args.thresholds));
    this.alarmNames = specs.map((a) => `customerchannel-${a.id}`);
    for (const a of specs) {
      new aws.cloudwatch.MetricAlarm(
        `${name}-${a.id}`,
        {
          region,
          name: `customerchannel-${a.id}`,
          alarmDescription: a.description,
          namespace: a.namespace,
          metricName: a.metric,
          dimensions: a.dimensions,
          statistic: a.statistic,
          period: a.periodSeconds,
          evaluationPeriods: 1,
          threshold: a.threshold,
          comparisonOperator: a.comparison,
          // No data is no traffic (no calls, no failures): not an alarm.
          treatMissingData: "notBreaching",
          alarmActions: [topic.arn],
          okActions: [topic.arn],
        },
        p,
      );
    }

    const dashboardName = `${args.namePrefix}-${region}`;
    const dashboard = new aws.cloudwatch.Dashboard(
      `${name}-dashboard`,
      {
        region,
        dashboardName,
        dashboardBody: pulumi
          .all([
            pulumi.output(args.note ?? ""),
            pulumi.all(specs.map((a) => pulumi.output(a.dimensions))),
          ])
          .apply(([note, dims]) =>
            JSON.stringify(dashboardBody(region, specs, dims as Record<string, string>[], note)),
          ),
      },
      p,
    );
    this.topicArn = topic.arn;
    this.topicKeyArn = key.arn;
    this.dashboardName = dashboard.dashboardName;
    this.registerOutputs({ topicArn: this.topicArn, dashboardName: this.dashboardName });
  }
}

/** One graph per alarm group (namespace and metric), each line an alarmed dimension set. */
export function dashboardBody(
  region: string,
  specs: readonly AlarmSpec[],
  dimensions: readonly Record<string, string>[],
  note: string,
) {
  const groups = new Map<string, { title: string; metrics: unknown[][] }>();
  specs.forEach((a, i) => {
    const key = `${a.namespace} ${a.metric}`;
    const g = groups.get(key) ?? {
      title: `${a.metric} (${a.namespace.replace("AWS/", "")})`,
      metrics: [],
    };
    g.metrics.push([
      a.namespace,
      a.metric,
      ...Object.entries(dimensions[i]).flat(),
      { stat: a.statistic },
    ]);
    groups.set(key, g);
  });
  const widgets: unknown[] = [];
  if (note)
    widgets.push({
      type: "text",
      x: 0,
      y: 0,
      width: 24,
      height: 2,
      properties: { markdown: note },
    });
  [...groups.values()].forEach((g, i) => {
    widgets.push({
      type: "metric",
      x: (i % 3) * 8,
      y: 2 + Math.floor(i / 3) * 6,
      width: 8,
      height: 6,
      properties: {
        title: g.title,
        region,
        view: "timeSeries",
        stacked: false,
        period: 300,
        metrics: g.metrics,
      },
    });
  });
  return { widgets };
}
