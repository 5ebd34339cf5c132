/**
 * PreScreening (customerchannel:selfService:PreScreening, both stacks): card-loan pre-screening
 * (カードローン仮審査) for the `card-loan-prescreen` flow. The ja_JP Lex bot that collects the
 * figures where the region has Lex V2 (Osaka has none: the flow uses the keypad there), the
 * scoring function with the rules from config, and its table with its own CMK, where each
 * application and result is kept for the configured retention (TTL) and nowhere else.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { PreScreenRules } from "../../functions/self-service/preScreen";
import {
  PRESCREEN_TABLE_KEYS,
  PRESCREEN_TTL_ATTRIBUTE,
} from "../../functions/self-service/preScreenStore";
import { accountOfArn, letConnectInvoke } from "../shared/connectInvoke";
import { encryptedTable } from "../shared/encryptedStores";
import { createKmsKey } from "../shared/kmsKey";
import { lexBot } from "../shared/lexBot";
import { NodeFunction } from "../shared/nodeFunction";
import { preScreenPolicy } from "./policies";
import { preScreenBotLocale } from "./preScreenBot";

export const PRESCREEN_TOKEN = "customerchannel:selfService:PreScreening";
export const PRESCREEN_FUNCTION = "customerchannel-prescreen";
export const PRESCREEN_TABLE = "customerchannel-prescreen";
export const PRESCREEN_BOT = "customerchannel-prescreen";

export interface PreScreeningArgs {
  readonly region: string;
  readonly aliasPrefix: string;
  readonly instanceId: pulumi.Input<string>;
  readonly instanceArn: pulumi.Input<string>;
  readonly logsKeyArn: pulumi.Input<string>;
  readonly logRetentionDays: number;
  readonly rules: PreScreenRules;
  /** Days each application and result is kept. */
  readonly retentionDays: number;
  readonly concurrency: number;
  /** Whether the region has Lex V2 (lib/fidelity/regions.ts): no bot, keypad only, otherwise. */
  readonly lex: boolean;
  /** Suffix of this bot's Lex V2 service-linked role (IAM is global: unique per stack). */
  readonly lexRoleSuffix: string;
}

export class PreScreening extends pulumi.ComponentResource {
  public readonly functionArn: pulumi.Output<string>;
  /** Region-neutral ARN the flow invokes; resolves once Connect may invoke it and talk to the bot. */
  public readonly flowFunctionArn: pulumi.Output<string>;
  public readonly tableName: pulumi.Output<string>;
  public readonly botAliasArn?: pulumi.Output<string>;

  constructor(name: string, args: PreScreeningArgs, opts?: pulumi.ComponentResourceOptions) {
    super(PRESCREEN_TOKEN, name, {}, opts);
    const p = { parent: this };
    const region = args.region;

    const { key } = createKmsKey(
      `${name}-key`,
      {
        region,
        description: `Card-loan pre-screening (${region}): applicants' figures and results`,
        alias: `${args.aliasPrefix}/prescreen`,
      },
      p,
    );
    const table = encryptedTable(
      `${name}-table`,
      {
        region,
        tableName: PRESCREEN_TABLE,
        kmsKeyArn: key.arn,
        hashKey: PRESCREEN_TABLE_KEYS.hash,
        rangeKey: PRESCREEN_TABLE_KEYS.range,
        // Drafts after an hour, results after the retention.
        ttlAttribute: PRESCREEN_TTL_ATTRIBUTE,
      },
      p,
    );

    const bot = args.lex
      ? lexBot(
          name,
          {
            botName: PRESCREEN_BOT,
            description:
              "カードローン仮審査: 年収・職業・勤続年数・他社借入・希望額を伺う (コードフックなし)",
            locale: preScreenBotLocale(),
            role: new aws.iam.ServiceLinkedRole(
              `${name}-lex`,
              {
                awsServiceName: "lexv2.amazonaws.com",
                customSuffix: args.lexRoleSuffix,
                description: `Lex V2 bot ${PRESCREEN_BOT} (${region})`,
              },
              p,
            ),
            instanceArn: args.instanceArn,
            accountId: accountOfArn(args.instanceArn),
          },
          p,
        )
      : undefined;
    if (!bot)
      void pulumi.log.warn(
        `${region} has no Lex V2 endpoint (docs.aws.amazon.com/general/latest/gr/lex.html): card-loan pre-screening collects the figures by keypad here`,
        this,
      );

    const fn = new NodeFunction(
      `${name}-function`,
      {
        region,
        functionName: PRESCREEN_FUNCTION,
        entry: "functions/self-service/preScreen.entry.ts",
        description: "Card-loan pre-screening for contact flows (figures, rules, result)",
        environment: {
          TABLE_NAME: table.name,
          RULES: JSON.stringify(args.rules),
          RETENTION_DAYS: String(args.retentionDays),
          BOT_ALIAS_ARN: bot?.alias.arn ?? "",
        },
        statements: pulumi
          .all([table.arn, key.arn])
          .apply(([tableArn, keyArn]) => preScreenPolicy({ tableArn, keyArn, region })),
        logsKeyArn: args.logsKeyArn,
        envKeyArn: key.arn,
        logRetentionDays: args.logRetentionDays,
        reservedConcurrency: args.concurrency,
        timeoutSeconds: 8,
        memoryMb: 256,
      },
      p,
    );
    const invoke = letConnectInvoke(name, fn, args, p);
    this.functionArn = fn.arn;
    this.flowFunctionArn = pulumi
      .all([invoke.flowArn, bot?.association.id])
      .apply(([flowArn]) => flowArn);
    this.tableName = table.name;
    this.botAliasArn = bot?.alias.arn;
    this.registerOutputs({ functionArn: this.functionArn });
  }
}
