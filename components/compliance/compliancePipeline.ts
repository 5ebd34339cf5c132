import * as aws from "@pulumi/aws";
// Only the services used: the package's index loads all of its ~300 services (0.4 s of every
// plan, test process and \`pulumi up\`), each service's index loads its resources lazily.
import * as awsConnect from "@pulumi/aws-native/connect";
import * as pulumi from "@pulumi/pulumi";
import { dictionarySchema, type Severity } from "../../functions/compliance-detector/detect";
import { realtimeRule } from "./contactLensRules";
import {
  deliveryWithDeadLetter,
  encryptedQueue,
  encryptedTable,
  redriveTo,
} from "../shared/encryptedStores";
import { createKmsKey } from "../shared/kmsKey";
import { NodeFunction } from "../shared/nodeFunction";
import { queuePolicy, topicPolicy } from "../shared/policies";
import { compliancePolicy } from "./policies";

export const COMPLIANCE_TOKEN = "customerchannel:compliance:CompliancePipeline";

export interface CompliancePipelineArgs {
  readonly region: string;
  readonly aliasPrefix: string;
  /** The region's contact-data bucket, where Contact Lens writes Analysis/Voice/... files. */
  readonly bucketName: pulumi.Input<string>;
  readonly bucketArn: pulumi.Input<string>;
  /** The CMK that encrypts that bucket (the detector decrypts through S3 only). */
  readonly dataKeyArn: pulumi.Input<string>;
  readonly logsKeyArn: pulumi.Input<string>;
  readonly logRetentionDays: number;
  /** The validated dictionary as written (compliance/dictionary.json): the real-time rule's terms. */
  readonly dictionaryJson: string;
  /**
   * What the detector function ships: the build-time expansion of the same dictionary
   * (compliance/dictionary.expanded.json; lib/complianceExpand.ts).
   */
  readonly detectorDictionaryJson: string;
  /** Findings at or above this severity go to the alert topic and the project event bus. */
  readonly alertSeverity: Severity;
  /** The project's event bus in this region (ContactCenterRegion.eventBusName/Arn). */
  readonly eventBusName: pulumi.Input<string>;
  readonly eventBusArn: pulumi.Input<string>;
  /**
   * Native Contact Lens real-time rule on this instance for entries at or above `minSeverity`
   * (omit for none). Its matches go to the alert topic too.
   */
  readonly realtime?: {
    readonly instanceArn: pulumi.Input<string>;
    readonly minSeverity: Severity;
  };
}

/** Name of the real-time rule (also the contact category Contact Lens assigns on a match). */
export const REALTIME_RULE_NAME = "customerchannel-compliance-realtime";

/**
 * Forbidden-word detection on Contact Lens post-call analysis: S3 Object Created events for the
 * region's analysis files (EventBridge) → encrypted queue with DLQ → detector function → findings
 * table and an encrypted alert topic. One CMK for the table, queues, topic and environment.
 */
export class CompliancePipeline extends pulumi.ComponentResource {
  public readonly tableName: pulumi.Output<string>;
  public readonly topicArn: pulumi.Output<string>;
  public readonly deadLetterQueueUrl: pulumi.Output<string>;

  constructor(name: string, args: CompliancePipelineArgs, opts?: pulumi.ComponentResourceOptions) {
    super(COMPLIANCE_TOKEN, name, {}, opts);
    const p = { parent: this };
    const region = args.region;

    const { key } = createKmsKey(
      `${name}-key`,
      {
        region,
        description: `Compliance findings and alerts (${region})`,
        alias: `${args.aliasPrefix}/compliance`,
        // EventBridge delivers into the encrypted queue.
        allowServices: ["events.amazonaws.com"],
      },
      p,
    );
    const table = encryptedTable(
      `${name}-findings`,
      {
        region,
        tableName: "customerchannel-compliance-findings",
        kmsKeyArn: key.arn,
        hashKey: "pk",
        rangeKey: "sk",
      },
      p,
    );
    const topic = new aws.sns.Topic(
      `${name}-alerts`,
      { region, name: "customerchannel-compliance-alerts", kmsMasterKeyId: key.arn },
      p,
    );
    const queue = (
      qname: string,
      extra: Partial<Pick<aws.sqs.QueueArgs, "visibilityTimeoutSeconds" | "redrivePolicy">> = {},
    ) =>
      encryptedQueue(
        `${name}-${qname}`,
        { region, queueName: `customerchannel-compliance-${qname}`, kmsKeyArn: key.arn, ...extra },
        p,
      );
    const dlq = queue("dlq");
    const files = queue("files", {
      visibilityTimeoutSeconds: 6 * 300,
      redrivePolicy: redriveTo(dlq.arn, 5),
    });

    // Contact Lens writes analysis files into the contact-data bucket: have S3 send its events to
    // EventBridge (the rule filters them to analysis files).
    new aws.s3.BucketNotification(
      `${name}-bucket-events`,
      { region, bucket: args.bucketName, eventbridge: true },
      p,
    );
    const rule = new aws.cloudwatch.EventRule(
      `${name}-analysis-files`,
      {
        region,
        description: "Contact Lens post-call analysis files written to the contact-data bucket",
        eventPattern: pulumi.output(args.bucketName).apply((bucket) =>
          JSON.stringify({
            source: ["aws.s3"],
            "detail-type": ["Object Created"],
            detail: {
              bucket: { name: [bucket] },
              object: { key: [{ wildcard: "connect/*/Analysis/Voice/*_analysis_*.json" }] },
            },
          }),
        ),
      },
      p,
    );
    const realtimeRules = args.realtime
      ? this.realtimeRules(name, args, args.realtime, topic, dlq)
      : [];
    new aws.sns.TopicPolicy(
      `${name}-alerts`,
      {
        region,
        arn: topic.arn,
        policy: pulumi
          .all([topic.arn, ...realtimeRules.map((r) => r.arn)])
          .apply(([a, ...rules]) => JSON.stringify(topicPolicy(a, rules))),
      },
      p,
    );
    // EventBridge delivers analysis-file events into `files`; both rules dead-letter into `dlq`.
    for (const [qname, q, rules] of [
      ["files", files, [rule]],
      ["dlq", dlq, [rule, ...realtimeRules]],
    ] as const) {
      new aws.sqs.QueuePolicy(
        `${name}-${qname}`,
        {
          region,
          queueUrl: q.url,
          policy: pulumi
            .all([q.arn, ...rules.map((r) => r.arn)])
            .apply(([a, ...r]) => JSON.stringify(queuePolicy(a, r))),
        },
        p,
      );
    }
    new aws.cloudwatch.EventTarget(
      `${name}-files`,
      {
        region,
        rule: rule.name,
        arn: files.arn,
        ...deliveryWithDeadLetter(dlq.arn),
      },
      p,
    );

    const fn = new NodeFunction(
      `${name}-detector`,
      {
        region,
        functionName: "customerchannel-compliance-detector",
        entry: "functions/compliance-detector/index.ts",
        files: { "dictionary.json": args.detectorDictionaryJson },
        description: "Forbidden-word detection in Contact Lens transcripts",
        environment: {
          TABLE_NAME: table.name,
          TOPIC_ARN: topic.arn,
          DLQ_URL: dlq.url,
          EVENT_BUS_NAME: args.eventBusName,
          ALERT_SEVERITY: args.alertSeverity,
          ANALYSIS_BUCKET: args.bucketName,
        },
        statements: pulumi
          .output({
            bucketArn: args.bucketArn,
            dataKeyArn: args.dataKeyArn,
            keyArn: key.arn,
            tableArn: table.arn,
            topicArn: topic.arn,
            queueArn: files.arn,
            deadLetterArn: dlq.arn,
            eventBusArn: args.eventBusArn,
          })
          .apply((arns) => compliancePolicy({ ...arns, region })),
        logsKeyArn: args.logsKeyArn,
        envKeyArn: key.arn,
        logRetentionDays: args.logRetentionDays,
        reservedConcurrency: 10,
        timeoutSeconds: 300,
        // Large transcripts: parsing and normalising 100 MB needs memory (and the CPU that comes with it).
        memoryMb: 2048,
      },
      p,
    );
    new aws.lambda.EventSourceMapping(
      `${name}-files`,
      {
        region,
        eventSourceArn: files.arn,
        functionName: fn.name,
        batchSize: 5,
        functionResponseTypes: ["ReportBatchItemFailures"],
      },
      p,
    );

    this.tableName = table.name;
    this.topicArn = topic.arn;
    this.deadLetterQueueUrl = dlq.url;
    this.registerOutputs({ tableName: this.tableName });
  }

  /**
   * The Contact Lens real-time rule from the dictionary, and the EventBridge rule that sends its
   * matches (default bus, where Connect publishes them) to the alert topic. Returns the
   * EventBridge rules that publish to the topic and dead-letter into `dlq`.
   */
  private realtimeRules(
    name: string,
    args: CompliancePipelineArgs,
    realtime: NonNullable<CompliancePipelineArgs["realtime"]>,
    topic: aws.sns.Topic,
    dlq: aws.sqs.Queue,
  ): aws.cloudwatch.EventRule[] {
    const p = { parent: this };
    // Parsed with the schema, so defaults (no variants, no exclusions) are filled in.
    const dictionary = dictionarySchema.parse(JSON.parse(args.dictionaryJson));
    const plan = realtimeRule(dictionary, realtime.minSeverity);
    if (!plan) {
      void pulumi.log.warn(
        `no dictionary entry is ${realtime.minSeverity} or more severe: no Contact Lens real-time rule is deployed`,
        this,
      );
      return [];
    }
    if (plan.dropped.length) {
      void pulumi.log.warn(
        `Contact Lens real-time rule: ${plan.dropped.length} phrase(s) left out (100 per participant): ` +
          `${plan.dropped.map((d) => `${d.entryId} "${d.phrase}"`).join(", ")}. ` +
          "The post-call detector still matches them; raise compliance.realtimeRuleSeverity to keep the rule to the most severe terms.",
        this,
      );
    }
    new awsConnect.Rule(
      `${name}-realtime`,
      {
        instanceArn: realtime.instanceArn,
        name: REALTIME_RULE_NAME,
        triggerEventSource: { eventSourceName: "OnRealTimeCallAnalysisAvailable" },
        function: plan.function,
        actions: {
          // The rule name becomes a contact category supervisors can search and alert on.
          assignContactCategoryActions: [{}],
          eventBridgeActions: [{ name: REALTIME_RULE_NAME }],
        },
        publishStatus: "PUBLISHED",
      },
      p,
    );
    const matched = new aws.cloudwatch.EventRule(
      `${name}-realtime-matches`,
      {
        region: args.region,
        description: "Contact Lens real-time compliance rule matches → alert topic",
        eventPattern: JSON.stringify({
          source: ["aws.connect"],
          "detail-type": ["Contact Lens Realtime Rules Matched"],
          detail: { ruleName: [REALTIME_RULE_NAME] },
        }),
      },
      p,
    );
    new aws.cloudwatch.EventTarget(
      `${name}-realtime-matches`,
      {
        region: args.region,
        rule: matched.name,
        arn: topic.arn,
        ...deliveryWithDeadLetter(dlq.arn),
      },
      p,
    );
    return [matched];
  }
}
