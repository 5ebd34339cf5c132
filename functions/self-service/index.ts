/**
 * Lambda entry of telephone banking (invoked by the contact flows). The environment is read once
 * at cold start, so a misconfigured function fails loudly on its first invocation. The core
 * banking token is read from Secrets Manager and kept for five minutes, so a rotated token is
 * picked up without a redeploy; it is never logged.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { z } from "zod";
import { CoreBankingClient } from "./coreBanking";
import { makeTelephoneBanking } from "./telephoneBanking";

const env = z
  .object({
    CORE_BANKING_ENDPOINT: z.string().regex(/^https:\/\/[^/]+/),
    CORE_BANKING_SECRET_ARN: z.string().regex(/^arn:aws[-a-z]*:secretsmanager:/),
    TIMEOUT_MS: z.coerce.number().int().min(100).max(5000),
    DEADLINE_MS: z.coerce.number().int().min(100).max(7000),
  })
  .parse(process.env);

const logger = new Logger({ serviceName: "telephone-banking" });
const secrets = new SecretsManagerClient({ maxAttempts: 2 });
const TOKEN_TTL_MS = 5 * 60_000;
let cached: { token: string; until: number } | undefined;

async function token(): Promise<string> {
  if (cached && cached.until > Date.now()) return cached.token;
  const r = await secrets.send(
    new GetSecretValueCommand({ SecretId: env.CORE_BANKING_SECRET_ARN }),
  );
  if (!r.SecretString) throw new Error("the core banking secret has no SecretString");
  cached = { token: r.SecretString.trim(), until: Date.now() + TOKEN_TTL_MS };
  return cached.token;
}

export const handler = makeTelephoneBanking({
  core: new CoreBankingClient({
    endpoint: env.CORE_BANKING_ENDPOINT,
    token,
    timeoutMs: env.TIMEOUT_MS,
    deadlineMs: env.DEADLINE_MS,
  }),
  logger,
});
