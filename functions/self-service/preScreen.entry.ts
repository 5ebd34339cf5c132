/**
 * Lambda entry: card-loan pre-screening (the card-loan-prescreen flow invokes it). The rules,
 * the retention and the region's bot come from the environment, read once at cold start.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { z } from "zod";
import { preScreenRulesSchema } from "./preScreen";
import { makePreScreenHandler } from "./preScreenHandler";
import { PreScreenStore } from "./preScreenStore";

const env = z
  .object({
    TABLE_NAME: z.string().min(1),
    RULES: z
      .string()
      .transform((s) => JSON.parse(s) as unknown)
      .pipe(preScreenRulesSchema),
    RETENTION_DAYS: z.coerce.number().int().min(1),
    /** "" where the region has no Lex V2: the flow then collects the figures by keypad. */
    BOT_ALIAS_ARN: z.string().default(""),
  })
  .parse(process.env);

export const handler = makePreScreenHandler({
  store: new PreScreenStore(DynamoDBDocumentClient.from(new DynamoDBClient({})), env.TABLE_NAME),
  rules: env.RULES,
  botAliasArn: env.BOT_ALIAS_ARN,
  retentionDays: env.RETENTION_DAYS,
  now: () => Date.now(),
  logger: new Logger({ serviceName: "prescreen" }),
});
