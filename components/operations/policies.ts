/**
 * The IAM and resource policy documents of this capability's roles and resources, pure builders
 * on the shared ones (components/shared/policies.ts) so each statement is unit-tested exactly.
 */
import {
  doc,
  denyInsecureTransport,
  type PolicyStatement,
  type PolicyDocument,
} from "../shared/policies";

/**
 * The operations alarm topic: TLS only, and CloudWatch may publish for this account's
 * `customerchannel-*` alarms in the topic's region (and nothing else may, besides the account).
 */
export const alarmTopicPolicy = (
  topicArn: string,
  region: string,
  accountId: string,
): PolicyDocument =>
  doc(denyInsecureTransport("sns:Publish", topicArn), {
    Sid: "CloudWatchAlarmsPublish",
    Effect: "Allow",
    Principal: { Service: "cloudwatch.amazonaws.com" },
    Action: "sns:Publish",
    Resource: topicArn,
    Condition: {
      StringEquals: { "aws:SourceAccount": accountId },
      ArnLike: {
        "aws:SourceArn": `arn:aws:cloudwatch:${region}:${accountId}:alarm:customerchannel-*`,
      },
    },
  });

/** The change-window reporter: publish to the alarm topic (through SNS with its key), no more. */
export const changeWindowPolicy = (a: {
  readonly topicArn: string;
  readonly topicKeyArn: string;
  readonly region: string;
}): PolicyStatement[] => [
  { Sid: "ReportChanges", Effect: "Allow", Action: ["sns:Publish"], Resource: a.topicArn },
  {
    Sid: "UseTopicKeyThroughSns",
    Effect: "Allow",
    Action: ["kms:GenerateDataKey", "kms:Decrypt"],
    Resource: a.topicKeyArn,
    Condition: { StringEquals: { "kms:ViaService": `sns.${a.region}.amazonaws.com` } },
  },
];

/** Bucket policy statements that let one CloudTrail trail check the bucket and write its logs. */
export const cloudTrailDeliveryStatements = (
  bucketArn: string,
  accountId: string,
  trailArn: string,
): PolicyStatement[] => [
  {
    Sid: "CloudTrailAclCheck",
    Effect: "Allow",
    Principal: { Service: "cloudtrail.amazonaws.com" },
    Action: "s3:GetBucketAcl",
    Resource: bucketArn,
    Condition: { StringEquals: { "aws:SourceArn": trailArn } },
  },
  {
    Sid: "CloudTrailWrite",
    Effect: "Allow",
    Principal: { Service: "cloudtrail.amazonaws.com" },
    Action: "s3:PutObject",
    Resource: `${bucketArn}/AWSLogs/${accountId}/*`,
    Condition: {
      StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": trailArn },
    },
  },
];
