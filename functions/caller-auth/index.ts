/**
 * The Lambda entry point (bundled by esbuild from this file). Reads its environment once at cold
 * start, so a misconfigured function fails loudly on its first invocation instead of answering
 * flows with wrong lockout limits.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { GenerateMacCommand, KMSClient } from "@aws-sdk/client-kms";
import {
  PinpointSMSVoiceV2Client,
  SendTextMessageCommand,
} from "@aws-sdk/client-pinpoint-sms-voice-v2";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { z } from "zod";
import { DEFAULT_BUDGETS, DEFAULT_POLICY } from "./core";
import { makeHandler } from "./handler";
import { DynamoAuthStore } from "./store";

const envSchema = z.object({
  TABLE_NAME: z.string().min(1),
  // "" in a region without Lex V2 (Osaka): the flows then ask by keypad (authInput "keypad").
  LEX_ALIAS_ARN: z.union([z.literal(""), z.string().startsWith("arn:")]),
  MAX_FAILURES: z.coerce.number().int().min(1).max(10).default(DEFAULT_POLICY.maxFailures),
  LOCKOUT_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(1440)
    .default(DEFAULT_POLICY.lockoutMs / 60_000),
  WINDOW_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(1440)
    .default(DEFAULT_POLICY.windowMs / 60_000),
  SOURCE_MAX_FAILURES: z.coerce
    .number()
    .int()
    .min(1)
    .max(100)
    .default(DEFAULT_BUDGETS.source.maxFailures),
  SOURCE_LOCKOUT_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(1440)
    .default(DEFAULT_BUDGETS.source.lockoutMs / 60_000),
  GLOBAL_FAILURES_PER_5_MINUTES: z.coerce
    .number()
    .int()
    .min(5)
    .default(DEFAULT_BUDGETS.globalFailuresPer5Minutes),
  /** The KMS HMAC key the reference key is derived from. */
  REF_KEY_ARN: z.string().startsWith("arn:"),
  /**
   * End User Messaging SMS origination identity (phone number, sender id or pool ARN) that sends
   * chat's one-time codes; "" when none is configured (chat then ends StepUpUnavailable).
   */
  STEP_UP_ORIGINATION: z.union([z.literal(""), z.string().startsWith("arn:")]).default(""),
  /** The one-time-code bot's alias (asked by the chat flow); "" without a step-up. */
  CODE_LEX_ALIAS_ARN: z.union([z.literal(""), z.string().startsWith("arn:")]).default(""),
});

// Read once at cold start: a misconfigured function fails loudly on its first invocation.
const env = envSchema.parse(process.env);
const db = DynamoDBDocumentClient.from(new DynamoDBClient({}));

// Chat's one-time codes, sent as transactional texts from the configured sender.
// A code is only worth sending where the flow can ask for it (the code bot exists).
const sms =
  env.STEP_UP_ORIGINATION && env.CODE_LEX_ALIAS_ARN ? new PinpointSMSVoiceV2Client({}) : undefined;
const sendCode = sms
  ? async (to: string, code: string) => {
      await sms.send(
        new SendTextMessageCommand({
          DestinationPhoneNumber: to,
          OriginationIdentity: env.STEP_UP_ORIGINATION,
          MessageType: "TRANSACTIONAL",
          MessageBody: `本人確認コード: ${code}（5分間有効）。ご利用中のチャットに入力してください。このコードを他人に教えないでください。`,
        }),
      );
    }
  : undefined;

/**
 * The reference key: a MAC of a fixed label under the KMS HMAC key, once per cold start. The same
 * key material gives the same references in every invocation (and after a redeploy), while the
 * key itself never leaves KMS.
 */
const kms = new KMSClient({});
const ready = kms
  .send(
    new GenerateMacCommand({
      KeyId: env.REF_KEY_ARN,
      MacAlgorithm: "HMAC_SHA_256",
      Message: Buffer.from("customerchannel caller-auth reference key v1"),
    }),
  )
  .then((r) => {
    if (!r.Mac) throw new Error("KMS GenerateMac returned no MAC");
    const policy = {
      ...DEFAULT_POLICY,
      maxFailures: env.MAX_FAILURES,
      lockoutMs: env.LOCKOUT_MINUTES * 60_000,
      windowMs: env.WINDOW_MINUTES * 60_000,
    };
    return makeHandler({
      store: new DynamoAuthStore(db, env.TABLE_NAME),
      now: () => Date.now(),
      policy,
      budgets: {
        source: {
          ...policy,
          maxFailures: env.SOURCE_MAX_FAILURES,
          lockoutMs: env.SOURCE_LOCKOUT_MINUTES * 60_000,
        },
        globalFailuresPer5Minutes: env.GLOBAL_FAILURES_PER_5_MINUTES,
      },
      refKey: Buffer.from(r.Mac),
      sendCode,
      logger: new Logger({ serviceName: "caller-auth" }),
      lexAliasArn: env.LEX_ALIAS_ARN,
      codeBotAliasArn: env.CODE_LEX_ALIAS_ARN,
    });
  });
// A failed derivation fails every invocation of this instance (the flow takes its error branch:
// unverified, to an agent) rather than answering with unkeyed references.
ready.catch(() => undefined);

export const handler = async (event: unknown) => (await ready)(event);
