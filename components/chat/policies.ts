/**
 * The IAM and resource policy documents of this capability's roles and resources, pure builders
 * on the shared ones (components/shared/policies.ts) so each statement is unit-tested exactly.
 */
import { type PolicyStatement } from "../shared/policies";

/**
 * The chat backend: start chats on the instances chats may go to (its own and the other region's),
 * and read the dr stack's target parameter. The parameter is a SecureString under the dr stack's
 * key, whose ARN this stack does not know: KMS is allowed on keys of the parameter's region only
 * through SSM and only for this parameter (SSM's encryption context names it).
 */
export const chatStartPolicy = (a: {
  readonly instanceArns: readonly string[];
  readonly targetParameterArn?: string;
}): PolicyStatement[] => {
  const statements: PolicyStatement[] = [
    {
      Sid: "StartChatsOnTheTargetInstances",
      Effect: "Allow",
      Action: "connect:StartChatContact",
      // The SAR's required resource type of StartChatContact is the contact flow the chat starts in.
      Resource: a.instanceArns.map((arn) => `${arn}/contact-flow/*`),
    },
  ];
  if (a.targetParameterArn) {
    const [, partition, , region, account] = a.targetParameterArn.split(":");
    statements.push(
      {
        Sid: "ReadChatTarget",
        Effect: "Allow",
        Action: "ssm:GetParameter",
        Resource: a.targetParameterArn,
      },
      {
        Sid: "DecryptChatTargetThroughSsm",
        Effect: "Allow",
        Action: "kms:Decrypt",
        Resource: `arn:${partition}:kms:${region}:${account}:key/*`,
        Condition: {
          StringEquals: {
            "kms:ViaService": `ssm.${region}.amazonaws.com`,
            "kms:EncryptionContext:PARAMETER_ARN": a.targetParameterArn,
          },
        },
      },
    );
  }
  return statements;
};

/** Bucket policy statement: only this CloudFront distribution (origin access control) may read. */
export const cloudFrontReadStatement = (
  bucketArn: string,
  distributionArn: string,
): PolicyStatement => ({
  Sid: "ThisDistributionReads",
  Effect: "Allow",
  Principal: { Service: "cloudfront.amazonaws.com" },
  Action: "s3:GetObject",
  Resource: `${bucketArn}/*`,
  Condition: { StringEquals: { "AWS:SourceArn": distributionArn } },
});
