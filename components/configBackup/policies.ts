/**
 * The IAM and resource policy documents of this capability's roles and resources, pure builders
 * on the shared ones (components/shared/policies.ts) so each statement is unit-tested exactly.
 */
import { kmsViaServiceStatement, type PolicyStatement } from "../shared/policies";

/**
 * The configuration exporter: exactly the read calls it makes (EXPORT_ACTIONS), on this instance
 * and what is inside it; objects under `snapshots/` in its bucket, through S3 with the backup key.
 * No write to Connect, no Delete anywhere.
 */
export function configBackupPolicy(a: {
  readonly actions: readonly string[];
  readonly instanceArn: string;
  readonly bucketArn: string;
  readonly keyArn: string;
  readonly signingKeyArn: string;
  readonly region: string;
}): PolicyStatement[] {
  const [prefix] = a.instanceArn.split(":instance/");
  return [
    {
      Sid: "ReadConnectConfiguration",
      Effect: "Allow",
      Action: [...a.actions],
      Resource: [
        a.instanceArn,
        `${a.instanceArn}/*`,
        // Numbers are resources of the account and region, not of the instance.
        `${prefix}:phone-number/*`,
      ],
    },
    {
      Sid: "WriteSnapshots",
      Effect: "Allow",
      Action: ["s3:PutObject", "s3:GetObject"],
      Resource: `${a.bucketArn}/snapshots/*`,
    },
    kmsViaServiceStatement("UseBackupKeyThroughS3", a.keyArn, "s3", a.region),
    {
      // Sign finished manifests: digests only, with the one algorithm restores verify.
      Sid: "SignManifests",
      Effect: "Allow",
      Action: "kms:Sign",
      Resource: a.signingKeyArn,
      Condition: {
        StringEquals: { "kms:SigningAlgorithm": "ECDSA_SHA_256", "kms:MessageType": "DIGEST" },
      },
    },
  ];
}
