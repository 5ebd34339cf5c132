import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { encryptedQueue, encryptedTable } from "./encryptedStores";
import { createKmsKey } from "./kmsKey";
import { NodeFunction } from "./nodeFunction";
import { compliancePolicy, queuePolicy, topicPolicy } from "./policies";

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
  /** The validated dictionary (compliance/dictionary.json), shipped with the function. */
  readonly dictionaryJson: string;
  readonly alertSeverity: "low" | "medium" | "high" | "critical";
}

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
    new aws.sns.TopicPolicy(
      `${name}-alerts`,
      { region, arn: topic.arn, policy: topic.arn.apply((a) => JSON.stringify(topicPolicy(a))) },
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
      redrivePolicy: dlq.arn.apply((arn) =>
        JSON.stringify({ deadLetterTargetArn: arn, maxReceiveCount: 5 }),
      ),
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
    for (const [qname, q] of [
      ["files", files],
      ["dlq", dlq],
    ] as const) {
      new aws.sqs.QueuePolicy(
        `${name}-${qname}`,
        {
          region,
          queueUrl: q.url,
          policy: pulumi
            .all([q.arn, rule.arn])
            .apply(([a, r]) => JSON.stringify(queuePolicy(a, r))),
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
        retryPolicy: { maximumRetryAttempts: 20, maximumEventAgeInSeconds: 86_400 },
        deadLetterConfig: { arn: dlq.arn },
      },
      p,
    );

    const fn = new NodeFunction(
      `${name}-detector`,
      {
        region,
        functionName: "customerchannel-compliance-detector",
        entry: "functions/compliance-detector/index.ts",
        files: { "dictionary.json": args.dictionaryJson },
        description: "Forbidden-word detection in Contact Lens transcripts",
        environment: {
          TABLE_NAME: table.name,
          TOPIC_ARN: topic.arn,
          DLQ_URL: dlq.url,
          ALERT_SEVERITY: args.alertSeverity,
        },
        statements: pulumi
          .all([args.bucketArn, args.dataKeyArn, key.arn, table.arn, topic.arn, files.arn, dlq.arn])
          .apply(([bucketArn, dataKeyArn, keyArn, tableArn, topicArn, queueArn, deadLetterArn]) =>
            compliancePolicy({
              bucketArn,
              dataKeyArn,
              keyArn,
              tableArn,
              topicArn,
              queueArn,
              deadLetterArn,
              region,
            }),
          ),
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
}
