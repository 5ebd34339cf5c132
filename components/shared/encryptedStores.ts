import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { watch } from "./watch";

/**
 * A DynamoDB table as every component here needs it: on-demand, string keys, encrypted with the
 * component's CMK, point-in-time recovery and deletion protection always on.
 */
export function encryptedTable(
  name: string,
  a: {
    readonly region: string;
    readonly tableName: string;
    readonly kmsKeyArn: pulumi.Input<string>;
    readonly hashKey: string;
    readonly rangeKey?: string;
    /** Attribute DynamoDB's TTL deletes items on; none by default. */
    readonly ttlAttribute?: string;
  },
  opts: pulumi.CustomResourceOptions,
): aws.dynamodb.Table {
  const keys = [a.hashKey, ...(a.rangeKey ? [a.rangeKey] : [])];
  return new aws.dynamodb.Table(
    name,
    {
      region: a.region,
      name: a.tableName,
      billingMode: "PAY_PER_REQUEST",
      hashKey: a.hashKey,
      ...(a.rangeKey ? { rangeKey: a.rangeKey } : {}),
      attributes: keys.map((k) => ({ name: k, type: "S" })),
      ...(a.ttlAttribute ? { ttl: { attributeName: a.ttlAttribute, enabled: true } } : {}),
      pointInTimeRecovery: { enabled: true },
      serverSideEncryption: { enabled: true, kmsKeyArn: a.kmsKeyArn },
      deletionProtectionEnabled: true,
    },
    opts,
  );
}

/** An SQS queue encrypted with the component's CMK, keeping messages the maximum 14 days. */
export function encryptedQueue(
  name: string,
  a: {
    readonly region: string;
    readonly queueName: string;
    readonly kmsKeyArn: pulumi.Input<string>;
  } & Partial<Pick<aws.sqs.QueueArgs, "visibilityTimeoutSeconds" | "redrivePolicy">>,
  opts: pulumi.CustomResourceOptions,
): aws.sqs.Queue {
  const { queueName, kmsKeyArn, ...extra } = a;
  const queue = new aws.sqs.Queue(
    name,
    {
      name: queueName,
      kmsMasterKeyId: kmsKeyArn,
      kmsDataKeyReusePeriodSeconds: 300,
      messageRetentionSeconds: 14 * 86_400,
      ...extra,
    },
    opts,
  );
  // Every work queue here redrives to a dead-letter queue, so a queue without a redrive policy
  // is one: any message in it is an alarm.
  watch({ kind: "queue", id: name, queueName: queue.name, deadLetter: !a.redrivePolicy });
  return queue;
}

/** A queue's redrive policy: after `maxReceiveCount` receives a message moves to the DLQ. */
export const redriveTo = (deadLetterArn: pulumi.Output<string>, maxReceiveCount: number) =>
  deadLetterArn.apply((arn) => JSON.stringify({ deadLetterTargetArn: arn, maxReceiveCount }));

/**
 * EventBridge target settings that never drop an event silently: retried for up to a day (20
 * attempts), then kept in the dead-letter queue with the failure reason.
 */
export const deliveryWithDeadLetter = (deadLetterArn: pulumi.Input<string>) => ({
  retryPolicy: { maximumRetryAttempts: 20, maximumEventAgeInSeconds: 86_400 },
  deadLetterConfig: { arn: deadLetterArn },
});
