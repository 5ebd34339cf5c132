/**
 * The IAM and resource policy documents of this capability's roles and resources, pure builders
 * on the shared ones (components/shared/policies.ts) so each statement is unit-tested exactly.
 */
import { kmsViaServiceStatement, type PolicyStatement } from "../shared/policies";

export interface OutboundPolicyArgs {
  readonly tableArn: string;
  readonly keyArn: string;
  readonly queueArn: string;
  readonly region: string;
  /** `arn:<partition>:connect:<region>:<account>:instance/<id>` */
  readonly instanceArn: string;
}

const outboundTable = (a: OutboundPolicyArgs, sid: string): PolicyStatement => ({
  Sid: sid,
  Effect: "Allow",
  Action: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"],
  Resource: a.tableArn,
});

const outboundKey = (a: OutboundPolicyArgs): PolicyStatement[] => [
  kmsViaServiceStatement("OutboundKeyViaDynamoDB", a.keyArn, "dynamodb", a.region),
  kmsViaServiceStatement("OutboundKeyViaSqs", a.keyArn, "sqs", a.region),
];

/** The API: store campaigns and requests, queue them. Never calls Connect. */
export const outboundApiPolicy = (a: OutboundPolicyArgs): PolicyStatement[] => [
  outboundTable(a, "OutboundTable"),
  { Sid: "QueueRequests", Effect: "Allow", Action: "sqs:SendMessage", Resource: a.queueArn },
  ...outboundKey(a),
];

/** The dialer: consume the queue, requeue, and start outbound calls on this instance only. */
export const dialerPolicy = (a: OutboundPolicyArgs): PolicyStatement[] => [
  outboundTable(a, "OutboundTable"),
  {
    Sid: "ConsumeAndRequeue",
    Effect: "Allow",
    Action: [
      "sqs:ReceiveMessage",
      "sqs:DeleteMessage",
      "sqs:ChangeMessageVisibility",
      "sqs:GetQueueAttributes",
      "sqs:SendMessage",
    ],
    Resource: a.queueArn,
  },
  {
    Sid: "StartOutboundCalls",
    Effect: "Allow",
    Action: "connect:StartOutboundVoiceContact",
    // AWS requires "*": the SAR lists no resource type for StartOutboundVoiceContact, so an ARN
    // here grants nothing. The instance is the one in the dialer's environment (INSTANCE_ID).
    Resource: "*",
  },
  ...outboundKey(a),
];

/** The recorder: update attempts, read the flow's attributes, queue retries, dead-letter failures. */
export const recorderPolicy = (
  a: OutboundPolicyArgs & { deadLetterArn: string },
): PolicyStatement[] => [
  outboundTable(a, "OutboundTable"),
  {
    Sid: "QueueRetriesAndDeadLetters",
    Effect: "Allow",
    Action: "sqs:SendMessage",
    Resource: [a.queueArn, a.deadLetterArn],
  },
  {
    Sid: "ReadContactAttributesOnThisInstance",
    Effect: "Allow",
    Action: "connect:GetContactAttributes",
    Resource: `${a.instanceArn}/contact/*`,
  },
  ...outboundKey(a),
];
