/**
 * The IAM and resource policy documents of this capability's roles and resources, pure builders
 * on the shared ones (components/shared/policies.ts) so each statement is unit-tested exactly.
 */
import { kmsViaServiceStatement, type PolicyStatement } from "../shared/policies";

/** The compliance detector: read analysis files, store findings, alert, dead-letter. */
export function compliancePolicy(a: {
  readonly bucketArn: string;
  readonly dataKeyArn: string;
  readonly keyArn: string;
  readonly tableArn: string;
  readonly topicArn: string;
  readonly queueArn: string;
  readonly deadLetterArn: string;
  readonly eventBusArn: string;
  readonly region: string;
}): PolicyStatement[] {
  return [
    {
      Sid: "ReadContactLensAnalysis",
      Effect: "Allow",
      Action: "s3:GetObject",
      Resource: `${a.bucketArn}/connect/*/Analysis/Voice/*`,
    },
    kmsViaServiceStatement("DecryptAnalysisViaS3", a.dataKeyArn, "s3", a.region),
    {
      Sid: "StoreFindings",
      Effect: "Allow",
      // Scan records (get, claim, mark alerted) and findings in batches; never delete or scan.
      Action: [
        "dynamodb:GetItem",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "dynamodb:BatchWriteItem",
      ],
      Resource: a.tableArn,
    },
    { Sid: "Alert", Effect: "Allow", Action: "sns:Publish", Resource: a.topicArn },
    { Sid: "FindingEvents", Effect: "Allow", Action: "events:PutEvents", Resource: a.eventBusArn },
    {
      Sid: "ConsumeEvents",
      Effect: "Allow",
      Action: [
        "sqs:ReceiveMessage",
        "sqs:DeleteMessage",
        "sqs:ChangeMessageVisibility",
        "sqs:GetQueueAttributes",
      ],
      Resource: a.queueArn,
    },
    {
      Sid: "DeadLetterWithReason",
      Effect: "Allow",
      Action: "sqs:SendMessage",
      Resource: a.deadLetterArn,
    },
    kmsViaServiceStatement("ComplianceKeyViaDynamoDB", a.keyArn, "dynamodb", a.region),
    kmsViaServiceStatement("ComplianceKeyViaSqs", a.keyArn, "sqs", a.region),
    kmsViaServiceStatement("ComplianceKeyViaSns", a.keyArn, "sns", a.region),
  ];
}
