/** What telephone banking calls at run time (simulated by the plan's AWS-fidelity stage). */
import type { FunctionManifest } from "../../lib/fidelity/manifest";

export const manifests: FunctionManifest[] = [
  {
    entry: "functions/self-service/index.ts",
    commands: { GetSecretValueCommand: "secretsmanager:GetSecretValue" },
    calls: (env) => [
      {
        action: "secretsmanager:GetSecretValue",
        resource: env.CORE_BANKING_SECRET_ARN,
        why: "read the core banking token (cached five minutes)",
      },
    ],
    denied: (env, at) => [
      {
        action: "secretsmanager:GetSecretValue",
        resource: `arn:${at.partition}:secretsmanager:${at.region}:${at.account}:secret:another-secret-AbCdEf`,
        why: "any other secret of the account",
      },
      {
        action: "secretsmanager:PutSecretValue",
        resource: env.CORE_BANKING_SECRET_ARN,
        why: "changing the token",
      },
    ],
  },
];
