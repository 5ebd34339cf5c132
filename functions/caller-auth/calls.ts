/** What caller-auth calls at run time (simulated by the plan's AWS-fidelity stage). */
import { arn, type FunctionManifest } from "../../lib/fidelity/manifest";

export const manifests: FunctionManifest[] = [
  {
    entry: "functions/caller-auth/index.ts",
    commands: {
      GetCommand: "dynamodb:GetItem",
      PutCommand: "dynamodb:PutItem",
      UpdateCommand: "dynamodb:UpdateItem",
      GenerateMacCommand: "kms:GenerateMac",
      SendTextMessageCommand: "sms-voice:SendTextMessage",
    },
    calls: (env, at) => [
      ...["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"].map((action) => ({
        action,
        resource: arn.table(at, env.TABLE_NAME),
        why: "customer lookup, enrolment, attempt windows and failure budgets",
      })),
      {
        action: "kms:GenerateMac",
        resource: env.REF_KEY_ARN,
        why: "derive the reference key at cold start",
        context: { "kms:MacAlgorithm": "HMAC_SHA_256" },
      },
      // Chat's one-time codes, only where an SMS sender is configured.
      ...(env.STEP_UP_ORIGINATION
        ? [
            {
              action: "sms-voice:SendTextMessage",
              resource: env.STEP_UP_ORIGINATION,
              why: "send a chat's one-time code to the registered number",
            },
          ]
        : []),
    ],
    denied: (env, at) => [
      {
        action: "dynamodb:Scan",
        resource: arn.table(at, env.TABLE_NAME),
        why: "the function looks up by key only: no listing of customers",
      },
      {
        action: "dynamodb:DeleteItem",
        resource: arn.table(at, env.TABLE_NAME),
        why: "a consent or lockout record is never removed",
      },
    ],
  },
];
