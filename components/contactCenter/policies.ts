/**
 * The IAM and resource policy documents of this capability's roles and resources, pure builders
 * on the shared ones (components/shared/policies.ts) so each statement is unit-tested exactly.
 */
import { doc, type PolicyDocument } from "../shared/policies";

/** Trust policy of the SAML federation role: only this provider, only the AWS sign-in audience. */
export function samlTrustPolicy(providerArn: string): PolicyDocument {
  return doc({
    Sid: "IdentityCenterFederation",
    Effect: "Allow",
    Principal: { Federated: providerArn },
    Action: "sts:AssumeRoleWithSAML",
    Condition: { StringEquals: { "SAML:aud": "https://signin.aws.amazon.com/saml" } },
  });
}

/**
 * The federated agent may get a federation token only for the Connect user whose name equals the
 * role session name (`${aws:userid}` is `<role-id>:<RoleSessionName>`), on this instance.
 */
export function federationPolicy(instanceArn: string): PolicyDocument {
  return doc({
    Sid: "FederateOnlyAsYourself",
    Effect: "Allow",
    Action: "connect:GetFederationToken",
    Resource: `${instanceArn}/user/` + "${aws:userid}",
  });
}

export interface FirehosePolicyArgs {
  bucketArn: string;
  keyArn: string;
  region: string;
  logGroupArn: string;
  /** Key prefix the stream writes under (data and errors). */
  prefix: string;
}

/** Firehose writes contact trace records to one prefix of the region bucket, encrypted. */
export function firehoseDeliveryPolicy(a: FirehosePolicyArgs): PolicyDocument {
  return doc(
    {
      Sid: "LocateBucket",
      Effect: "Allow",
      Action: ["s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"],
      Resource: a.bucketArn,
    },
    {
      Sid: "WriteRecords",
      Effect: "Allow",
      Action: ["s3:AbortMultipartUpload", "s3:GetObject", "s3:PutObject"],
      Resource: `${a.bucketArn}/${a.prefix}*`,
    },
    {
      Sid: "EncryptRecordsViaS3",
      Effect: "Allow",
      Action: ["kms:Decrypt", "kms:GenerateDataKey"],
      Resource: a.keyArn,
      Condition: {
        // The bucket uses S3 Bucket Keys, so the encryption context is the bucket's ARN; the
        // statement above keeps writes to the prefix.
        StringEquals: {
          "kms:ViaService": `s3.${a.region}.amazonaws.com`,
          "kms:EncryptionContext:aws:s3:arn": a.bucketArn,
        },
      },
    },
    {
      Sid: "DeliveryErrorLogs",
      Effect: "Allow",
      Action: "logs:PutLogEvents",
      Resource: `${a.logGroupArn}:log-stream:*`,
    },
  );
}
