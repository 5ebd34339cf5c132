/** What the configuration exporter calls at run time (simulated by the AWS-fidelity stage). */
import { arn, FOREIGN_INSTANCE, type FunctionManifest } from "../../lib/fidelity/manifest";
import { EXPORT_ACTIONS } from "./collections";

export const manifests: FunctionManifest[] = [
  {
    entry: "functions/config-backup/index.ts",
    commands: {
      ...Object.fromEntries(EXPORT_ACTIONS.map((a) => [`${a.split(":")[1]}Command`, a])),
      PutObjectCommand: "s3:PutObject",
      GetObjectCommand: "s3:GetObject",
      SignCommand: "kms:Sign",
    },
    calls: (env, at) => [
      ...EXPORT_ACTIONS.map((action) => ({
        action,
        // The resource each read names is the SAR's resource type of the action, on this instance.
        resource: `sar:InstanceId=${env.INSTANCE_ID}`,
        why: `export: ${action.split(":")[1]}`,
      })),
      // The exporter sends no encryption headers: the bucket's default encryption applies.
      {
        action: "s3:PutObject",
        resource: arn.object(at, env.BACKUP_BUCKET, "snapshots/2026-12-02/flows.json"),
        why: "write a snapshot part",
      },
      {
        action: "s3:GetObject",
        resource: arn.object(at, env.BACKUP_BUCKET, "snapshots/2026-12-02/manifest.json"),
        why: "read a snapshot back",
      },
      {
        action: "kms:Sign",
        resource: env.SIGNING_KEY_ARN,
        why: "sign the finished manifest",
        context: { "kms:SigningAlgorithm": "ECDSA_SHA_256", "kms:MessageType": "DIGEST" },
      },
    ],
    denied: (env, at) => [
      {
        action: "connect:DescribeContactFlow",
        resource: `${arn.instance(at, FOREIGN_INSTANCE)}/contact-flow/f`,
        why: "another instance's flows",
      },
      {
        action: "connect:UpdateContactFlowContent",
        resource: `${env.INSTANCE_ARN}/contact-flow/f`,
        why: "the exporter never writes to Connect",
      },
      {
        action: "kms:Verify",
        resource: env.SIGNING_KEY_ARN,
        why: "the exporter signs; verifying is the restore's",
      },
      {
        action: "s3:DeleteObject",
        resource: arn.object(at, env.BACKUP_BUCKET, "snapshots/2026-12-02/flows.json"),
        why: "snapshots are never deleted by the exporter",
      },
    ],
  },
];
