/** Config of self-service reception: telephone banking's core banking link, pre-screening rules. */
import { z } from "zod";
import { preScreenRulesSchema } from "../../functions/self-service/preScreen";
import { PROJECT, type ConfigProblem } from "../shared/configSchema";

/** The host of the contract's example server: a real deploy must name the bank's own. */
export const EXAMPLE_CORE_BANKING_HOST = "core-banking.example-bank.internal";

export const selfServiceSchema = z.strictObject({
  /**
   * Telephone banking (balances, transactions, card suspension) through the bank's CoreBanking
   * gateway (docs/core-banking.openapi.yaml). Absent: not deployed, those menu choices go to the
   * telephone-banking queue.
   */
  telephoneBanking: z
    .strictObject({
      endpoint: z.url({ protocol: /^https$/ }),
      /** The Secrets Manager secret holding the bearer token (its full ARN, with the suffix). */
      secretArn: z
        .string()
        .regex(
          /^arn:aws[-a-z]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+-[A-Za-z0-9]{6}$/,
          "a Secrets Manager secret's full ARN (ending in its six-character suffix)",
        ),
      /** The customer-managed KMS key the secret is encrypted with. */
      secretKeyArn: z
        .string()
        .regex(/^arn:aws[-a-z]*:kms:[a-z0-9-]+:\d{12}:key\/[0-9a-f-]+$/, "a KMS key ARN"),
      /** One request's limit, and all attempts of one caller's request together. */
      timeoutMs: z.number().int().min(100).max(5000).default(2000),
      deadlineMs: z.number().int().min(100).max(7000).default(6000),
      /** Calls served at the same moment (the function's reserved concurrency). */
      concurrency: z.number().int().min(1).max(1000).default(10),
      /**
       * The subnets and security groups to run the function in, when the gateway is reachable
       * only inside the bank's network (Direct Connect, PrivateLink). Absent: no VPC.
       */
      vpc: z
        .strictObject({
          subnetIds: z
            .array(z.string().regex(/^subnet-[0-9a-f]{8,17}$/, "a subnet id, subnet-0123abcd..."))
            .min(1)
            .max(16),
          securityGroupIds: z
            .array(z.string().regex(/^sg-[0-9a-f]{8,17}$/, "a security group id, sg-0123abcd..."))
            .min(1)
            .max(5),
        })
        .optional(),
    })
    .optional(),
  /**
   * Card-loan pre-screening: the rules (functions/self-service/preScreen.ts), how long each
   * application and result is kept, and how many callers are scored at the same moment.
   */
  preScreening: preScreenRulesSchema
    .extend({
      /** Days each application and its result are kept (then DynamoDB's TTL deletes them). */
      retentionDays: z.number().int().min(1).max(3650).default(1095),
      concurrency: z.number().int().min(1).max(1000).default(5),
    })
    .prefault({}),
});

export type SelfServiceConfig = z.output<typeof selfServiceSchema>;

/** The deadline must leave room for one whole request; the example gateway is offline only. */
export function selfServiceProblems(
  s: SelfServiceConfig,
  stack: string,
  allowExample: boolean,
): ConfigProblem[] {
  const key = `${PROJECT}:selfService`;
  const out: ConfigProblem[] = [];
  const t = s.telephoneBanking;
  if (!t) return out;
  if (t.deadlineMs < t.timeoutMs)
    out.push({
      key,
      message: `telephoneBanking.deadlineMs has ${t.deadlineMs}, below timeoutMs ${t.timeoutMs}: no request could finish. Fix: pulumi config set --path '${key}.telephoneBanking.deadlineMs' ${t.timeoutMs * 2} --stack ${stack}`,
    });
  if (!allowExample && new URL(t.endpoint).hostname === EXAMPLE_CORE_BANKING_HOST)
    out.push({
      key,
      message: `telephoneBanking.endpoint is the contract's example server (${EXAMPLE_CORE_BANKING_HOST}): set your CoreBanking gateway's URL, secret and key, or remove telephoneBanking to send those choices to agents. Fix: pulumi config set --path '${key}.telephoneBanking.endpoint' https://<your gateway>/v1 --stack ${stack}`,
    });
  return out;
}
