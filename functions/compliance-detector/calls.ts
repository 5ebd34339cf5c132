/** What the compliance detector calls at run time (simulated by the AWS-fidelity stage). */
import { arn, type FunctionManifest } from "../../lib/fidelity/manifest";

export const manifests: FunctionManifest[] = [
  {
    entry: "functions/compliance-detector/index.ts",
    commands: {
      GetObjectCommand: "s3:GetObject",
      // HeadObject is authorised by s3:GetObject (S3 API reference, HeadObject: "you must have
      // READ access to the object"; the SAR lists no s3:HeadObject action).
      HeadObjectCommand: "s3:GetObject",
      PutCommand: "dynamodb:PutItem",
      GetCommand: "dynamodb:GetItem",
      UpdateCommand: "dynamodb:UpdateItem",
      BatchWriteCommand: "dynamodb:BatchWriteItem",
      PublishCommand: "sns:Publish",
      PutEventsCommand: "events:PutEvents",
      SendMessageCommand: "sqs:SendMessage",
    },
    // The analysis bucket comes with each S3 event; the stack names it in ANALYSIS_BUCKET's place
    // through the bucket notification (see lib/fidelity/simulate.ts, `analysisBucket`).
    calls: (env, at) => [
      {
        action: "s3:GetObject",
        resource: arn.object(
          at,
          env.ANALYSIS_BUCKET,
          `connect/${at.region}/Analysis/Voice/2026/12/02/c-1_analysis_2026-12-02T00:00:00Z.json`,
        ),
        why: "read a Contact Lens analysis file",
      },
      ...[
        ["dynamodb:PutItem", "claim and finish a scan record"],
        ["dynamodb:GetItem", "read a file's scan record"],
        ["dynamodb:UpdateItem", "note that the alert went out"],
        ["dynamodb:BatchWriteItem", "store findings 25 at a time"],
      ].map(([action, why]) => ({ action, resource: arn.table(at, env.TABLE_NAME), why })),
      { action: "sns:Publish", resource: env.TOPIC_ARN, why: "alert on a finding" },
      {
        action: "events:PutEvents",
        resource: arn.bus(at, env.EVENT_BUS_NAME),
        why: "publish the finding event",
      },
      {
        action: "sqs:SendMessage",
        resource: arn.queueFromUrl(at, env.DLQ_URL),
        why: "dead-letter a bad file with the reason",
      },
    ],
    denied: (env, at) => [
      {
        action: "s3:GetObject",
        resource: arn.object(at, env.ANALYSIS_BUCKET, `connect/${at.region}/CallRecordings/x.wav`),
        why: "recordings are not the detector's to read",
      },
    ],
  },
];
