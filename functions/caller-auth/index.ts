/**
 * The Lambda entry point (bundled by esbuild from this file). Reads its environment once at cold
 * start, so a misconfigured function fails loudly on its first invocation instead of answering
 * flows with wrong lockout limits.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { z } from "zod";
import { DEFAULT_POLICY } from "./core";
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
});

// Read once at cold start: a misconfigured function fails loudly on its first invocation.
const env = envSchema.parse(process.env);
const db = DynamoDBDocumentClient.from(new DynamoDBClient({}));

export const handler = makeHandler({
  store: new DynamoAuthStore(db, env.TABLE_NAME),
  now: () => Date.now(),
  policy: {
    ...DEFAULT_POLICY,
    maxFailures: env.MAX_FAILURES,
    lockoutMs: env.LOCKOUT_MINUTES * 60_000,
    windowMs: env.WINDOW_MINUTES * 60_000,
  },
  logger: new Logger({ serviceName: "caller-auth" }),
  lexAliasArn: env.LEX_ALIAS_ARN,
});
