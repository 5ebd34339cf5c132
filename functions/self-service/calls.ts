/** What telephone banking and pre-screening call at run time (simulated by the plan's AWS-fidelity stage). */
import { arn, type FunctionManifest } from "../../lib/fidelity/manifest";

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
  {
    entry: "functions/self-service/preScreen.entry.ts",
    commands: {
      GetCommand: "dynamodb:GetItem",
      PutCommand: "dynamodb:PutItem",
      UpdateCommand: "dynamodb:UpdateItem",
    },
    calls: (env, at) =>
      ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"].map((action) => ({
        action,
        resource: arn.table(at, env.TABLE_NAME),
        why: "keypad drafts and results",
      })),
    denied: (env, at) => [
      {
        action: "dynamodb:Scan",
        resource: arn.table(at, env.TABLE_NAME),
        why: "reading every applicant's figures",
      },
      {
        action: "dynamodb:DeleteItem",
        resource: arn.table(at, env.TABLE_NAME),
        why: "results leave by their retention (TTL) only",
      },
      {
        action: "dynamodb:GetItem",
        resource: arn.table(at, "customerchannel-outbound"),
        why: "another capability's table",
      },
    ],
  },
];
