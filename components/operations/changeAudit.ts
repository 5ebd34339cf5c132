/**
 * ChangeAudit (customerchannel:ops:ChangeAudit, both stacks): who changed the contact center.
 * Every write call to Amazon Connect and IAM Identity Center (CloudTrail management events, as
 * EventBridge receives them) is kept in an encrypted log group, and a small function reports to
 * the alarm topic each one made outside the configured change windows (who, what, when).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { ChangeWindow } from "../../functions/change-window/core";
import { deliveryWithDeadLetter, encryptedQueue } from "../shared/encryptedStores";
import { eventLog } from "../shared/eventLog";
import { NodeFunction } from "../shared/nodeFunction";
import { queuePolicy } from "../shared/policies";
import { changeWindowPolicy } from "./policies";

export const CHANGE_AUDIT_TOKEN = "customerchannel:ops:ChangeAudit";

/** Services whose write calls count as administrative changes. */
export const AUDITED_SOURCES = ["aws.connect", "aws.sso", "aws.sso-directory", "aws.identitystore"];

/** Write calls (reads and the contact traffic itself, e.g. StartOutboundVoiceContact, are not). */
export const CHANGE_PREFIXES = [
  "Create",
  "Update",
  "Delete",
  "Put",
  "Associate",
  "Disassociate",
  "Attach",
  "Detach",
  "Claim",
  "Release",
  "Replicate",
  "Import",
  "Tag",
  "Untag",
  "Add",
  "Remove",
];

export const changeEventPattern = () => ({
  source: AUDITED_SOURCES,
  "detail-type": ["AWS API Call via CloudTrail"],
  detail: { eventName: CHANGE_PREFIXES.map((prefix) => ({ prefix })) },
});

export interface ChangeAuditArgs {
  readonly region: string;
  readonly stack: string;
  /** Monitoring's operations key: log group, dead-letter queue, environment, topic. */
  readonly keyArn: pulumi.Input<string>;
  readonly logRetentionDays: number;
  readonly topicArn: pulumi.Input<string>;
  readonly windows: readonly ChangeWindow[];
  readonly timeZone: string;
}

export class ChangeAudit extends pulumi.ComponentResource {
  public readonly logGroupName: pulumi.Output<string>;

  constructor(name: string, args: ChangeAuditArgs, opts?: pulumi.ComponentResourceOptions) {
    super(CHANGE_AUDIT_TOKEN, name, {}, opts);
    const p = { parent: this };
    const region = args.region;
    const identity = aws.getCallerIdentityOutput({}, p);
    const { rule, logGroup } = eventLog(
      `${name}-changes`,
      {
        region,
        logGroupName: `/aws/events/customerchannel/${args.stack}/admin-changes`,
        policyName: `customerchannel-${args.stack}-admin-changes-delivery`,
        retentionInDays: args.logRetentionDays,
        kmsKeyArn: args.keyArn,
        description: "Administrative changes to Amazon Connect and IAM Identity Center",
        eventPattern: JSON.stringify(changeEventPattern()),
      },
      this,
    );

    const dlq = encryptedQueue(
      `${name}-dlq`,
      {
        region,
        queueName: `customerchannel-${args.stack}-change-audit-dlq`,
        kmsKeyArn: args.keyArn,
      },
      p,
    );
    new aws.sqs.QueuePolicy(
      `${name}-dlq`,
      {
        region,
        queueUrl: dlq.url,
        policy: pulumi
          .all([dlq.arn, rule.arn])
          .apply(([q, r]) => JSON.stringify(queuePolicy(q, r))),
      },
      p,
    );
    const fn = new NodeFunction(
      `${name}-reporter`,
      {
        region,
        functionName: `customerchannel-${args.stack}-change-window`,
        entry: "functions/change-window/index.ts",
        description: "Reports administrative changes made outside the change windows",
        environment: {
          TOPIC_ARN: args.topicArn,
          STACK: args.stack,
          TIME_ZONE: args.timeZone,
          CHANGE_WINDOWS: JSON.stringify(args.windows),
        },
        statements: pulumi
          .all([args.topicArn, args.keyArn])
          .apply(([topicArn, topicKeyArn]) =>
            changeWindowPolicy({ topicArn, topicKeyArn, region }),
          ),
        logsKeyArn: args.keyArn,
        envKeyArn: args.keyArn,
        logRetentionDays: args.logRetentionDays,
        reservedConcurrency: 2,
        timeoutSeconds: 30,
        memoryMb: 256,
      },
      p,
    );
    const invoke = new aws.lambda.Permission(
      `${name}-invoke`,
      {
        region,
        action: "lambda:InvokeFunction",
        function: fn.name,
        principal: "events.amazonaws.com",
        sourceArn: rule.arn,
        sourceAccount: identity.accountId,
      },
      p,
    );
    new aws.cloudwatch.EventTarget(
      `${name}-reporter`,
      { region, rule: rule.name, arn: fn.arn, ...deliveryWithDeadLetter(dlq.arn) },
      { parent: this, dependsOn: [invoke] },
    );
    this.logGroupName = logGroup.name;
    this.registerOutputs({ logGroupName: this.logGroupName });
  }
}
