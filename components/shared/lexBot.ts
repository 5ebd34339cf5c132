/**
 * A Lex V2 bot the contact flows talk to (ja_JP, no code hook): the bot, a version per
 * definition, the alias Connect uses, the alias's resource policy (this instance only) and its
 * association with the instance. Shared by the caller-authentication bots and the card-loan
 * pre-screening bot. Lex V2 exists only in some regions (lib/fidelity/regions.ts): callers check.
 */
import type * as aws from "@pulumi/aws";
import * as awsConnect from "@pulumi/aws-native/connect";
import * as awsLex from "@pulumi/aws-native/lex";
import type * as awsNativeTypes from "@pulumi/aws-native/types";
import * as pulumi from "@pulumi/pulumi";
import * as crypto from "node:crypto";

export const BOT_LOCALE = "ja_JP";
export const BOT_VOICE = "Kazuha";
export const BOT_ALIAS_NAME = "live";

/** Pieces of a bot definition (Lex V2 message, prompt and slot shapes, as CloudFormation takes them). */
export const say = (value: string) => ({ message: { plainTextMessage: { value } } });
export const prompt = (value: string, maxRetries = 2) => ({
  messageGroupsList: [say(value)],
  maxRetries,
  allowInterrupt: true,
});
export const requiredSlot = (promptText: string) => ({
  slotConstraint: "Required",
  promptSpecification: prompt(promptText),
});
/** Mask slot values wherever Lex logs them: they are personal data. */
export const OBFUSCATED = { obfuscationSettingType: "DefaultObfuscation" };

/** Short hash of a bot definition: the BotVersion's description, so changes publish a version. */
export const botDefinitionHash = (locale: object): string =>
  crypto.createHash("sha256").update(JSON.stringify(locale)).digest("hex").slice(0, 16);

export interface LexBotArgs {
  readonly botName: string;
  readonly description: string;
  /** The ja_JP locale: intents, slots, slot types, voice. */
  readonly locale: object;
  /** Lex V2's service-linked role (lexv2.amazonaws.com). */
  readonly role: aws.iam.ServiceLinkedRole;
  readonly instanceArn: pulumi.Input<string>;
  readonly accountId: pulumi.Input<string>;
}

/** Resources named `<name>-bot`, `-bot-version`, `-bot-alias`, `-bot-policy`, `-bot-association`. */
export function lexBot(name: string, a: LexBotArgs, opts: pulumi.CustomResourceOptions) {
  const bot = new awsLex.Bot(
    `${name}-bot`,
    {
      name: a.botName,
      description: a.description,
      roleArn: a.role.arn,
      dataPrivacy: { childDirected: false },
      idleSessionTtlInSeconds: 300,
      autoBuildBotLocales: true,
      botLocales: [a.locale as awsNativeTypes.input.lex.BotLocaleArgs],
    },
    opts,
  );
  // A version per definition: the hash in the description replaces the version when the bot
  // changes, and the alias follows. Without it the alias would keep serving the old bot.
  const version = new awsLex.BotVersion(
    `${name}-bot-version`,
    {
      botId: bot.awsId,
      description: `definition ${botDefinitionHash(a.locale)}`,
      botVersionLocaleSpecification: [
        { localeId: BOT_LOCALE, botVersionLocaleDetails: { sourceBotVersion: "DRAFT" } },
      ],
    },
    opts,
  );
  const alias = new awsLex.BotAlias(
    `${name}-bot-alias`,
    {
      botId: bot.awsId,
      botAliasName: BOT_ALIAS_NAME,
      botVersion: version.botVersion,
      description: "The version Connect talks to",
      botAliasLocaleSettings: [{ localeId: BOT_LOCALE, botAliasLocaleSetting: { enabled: true } }],
      // No sentiment analysis (Comprehend would receive what callers say) and no conversation
      // logs: utterances hold personal data (customer numbers, birth dates, income).
      sentimentAnalysisSettings: { detectSentiment: false },
    },
    opts,
  );
  new awsLex.ResourcePolicy(
    `${name}-bot-policy`,
    {
      resourceArn: alias.arn,
      policy: pulumi
        .all([alias.arn, pulumi.output(a.instanceArn), a.accountId])
        .apply(([aliasArn, instanceArn, account]) => ({
          Version: "2012-10-17",
          Statement: [
            {
              Sid: "ConnectInstanceTalksToBot",
              Effect: "Allow",
              Principal: { Service: "connect.amazonaws.com" },
              Action: ["lex:RecognizeText", "lex:StartConversation"],
              Resource: aliasArn,
              Condition: {
                StringEquals: { "AWS:SourceAccount": account },
                ArnEquals: { "AWS:SourceArn": instanceArn },
              },
            },
          ],
        })),
    },
    opts,
  );
  const association = new awsConnect.IntegrationAssociation(
    `${name}-bot-association`,
    { instanceId: a.instanceArn, integrationType: "LEX_BOT", integrationArn: alias.arn },
    opts,
  );
  return { bot, alias, association };
}
