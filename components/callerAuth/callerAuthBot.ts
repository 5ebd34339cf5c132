/**
 * The caller-authentication Lex V2 bot, as plain data (ja_JP). Kept free of Pulumi so tests read
 * it exactly and its hash names the bot version: a changed definition publishes a new version and
 * moves the alias to it, an unchanged one changes nothing.
 *
 * Two intents, because a repeat caller whose number is enrolled is asked only for the birth date:
 *   IdentifyCustomer  お客さま番号 + 生年月日 (first contact, or number not recognised)
 *   ConfirmBirthDate  生年月日 only (number recognised)
 * The flows accept either intent in either place and let the function decide, so a caller who
 * answers the "wrong" question is still handled. Slot values are obfuscated in Lex logs, and the
 * bot has no code hook: the function is invoked by the flow, never by Lex.
 */
import {
  BOT_LOCALE,
  BOT_VOICE,
  botDefinitionHash as hashOf,
  OBFUSCATED,
  prompt,
  requiredSlot,
  say,
} from "../shared/lexBot";

export { BOT_ALIAS_NAME, BOT_LOCALE, BOT_VOICE } from "../shared/lexBot";
/** Intent names the flows branch on (flows/templates/auth-*.json). */
export const INTENTS = { identify: "IdentifyCustomer", birthDate: "ConfirmBirthDate" } as const;

const customerNumberSlot = {
  name: "customerNumber",
  description: "お客さま番号 (6-12 digits)",
  slotTypeName: "CustomerNumber",
  obfuscationSetting: OBFUSCATED,
  valueElicitationSetting: requiredSlot("お客さま番号をお話しください。"),
};
const birthDateSlot = {
  name: "birthDate",
  description: "生年月日 (resolved to YYYY-MM-DD)",
  slotTypeName: "AMAZON.Date",
  obfuscationSetting: OBFUSCATED,
  valueElicitationSetting: requiredSlot("生年月日をお話しください。"),
};

export function callerAuthBotLocale() {
  return {
    localeId: BOT_LOCALE,
    description: "本人確認 (お客さま番号・生年月日)",
    nluConfidenceThreshold: 0.4,
    voiceSettings: { voiceId: BOT_VOICE, engine: "neural" },
    slotTypes: [
      {
        name: "CustomerNumber",
        description: "Digits only, 6-12: the bank's customer number",
        // AMAZON.AlphaNumeric keeps leading zeros (AMAZON.Number would drop them).
        parentSlotTypeSignature: "AMAZON.AlphaNumeric",
        valueSelectionSetting: {
          resolutionStrategy: "ORIGINAL_VALUE",
          regexFilter: { pattern: "[0-9]{6,12}" },
        },
      },
    ],
    intents: [
      {
        name: INTENTS.identify,
        description: "Caller gives customer number and birth date",
        sampleUtterances: [
          "{customerNumber}",
          "お客さま番号は{customerNumber}です",
          "番号は{customerNumber}",
          "{customerNumber}、生年月日は{birthDate}です",
          "お客さま番号{customerNumber}、{birthDate}生まれです",
          "本人確認をお願いします",
        ].map((utterance) => ({ utterance })),
        slots: [customerNumberSlot, birthDateSlot],
        slotPriorities: [
          { priority: 1, slotName: customerNumberSlot.name },
          { priority: 2, slotName: birthDateSlot.name },
        ],
        intentConfirmationSetting: {
          promptSpecification: prompt(
            "お客さま番号{customerNumber}、生年月日{birthDate}でよろしいですか。",
            1,
          ),
          declinationResponse: {
            messageGroupsList: [say("かしこまりました。もう一度最初からお願いいたします。")],
            allowInterrupt: true,
          },
        },
      },
      {
        name: INTENTS.birthDate,
        description: "Caller from an enrolled number gives the birth date only",
        sampleUtterances: [
          "{birthDate}",
          "生年月日は{birthDate}です",
          "{birthDate}生まれです",
          "{birthDate}です",
        ].map((utterance) => ({ utterance })),
        slots: [birthDateSlot],
        slotPriorities: [{ priority: 1, slotName: birthDateSlot.name }],
      },
      {
        // Required in every locale; the flows route it (NoMatchingCondition) to an agent.
        name: "FallbackIntent",
        description: "Anything else",
        parentIntentSignature: "AMAZON.FallbackIntent",
      },
    ],
  };
}

/**
 * The chat step-up's bot: one intent that takes the one-time code, and the fallback. A bot of its
 * own, because a code is digits like a customer number: in the identification bot "123456" could
 * be classified as IdentifyCustomer and the visitor asked for a birth date instead.
 */
export const CODE_INTENT = "EnterOneTimeCode";

export function stepUpBotLocale() {
  const codeSlot = {
    name: "code",
    description: "本人確認コード (6 digits, sent by SMS)",
    slotTypeName: "OneTimeCode",
    obfuscationSetting: OBFUSCATED,
    valueElicitationSetting: requiredSlot("SMSでお送りした6桁のコードを入力してください。"),
  };
  return {
    localeId: BOT_LOCALE,
    description: "本人確認コード (ワンタイムコード)",
    nluConfidenceThreshold: 0.4,
    voiceSettings: { voiceId: BOT_VOICE, engine: "neural" },
    slotTypes: [
      {
        name: "OneTimeCode",
        description: "Six digits",
        parentSlotTypeSignature: "AMAZON.AlphaNumeric",
        valueSelectionSetting: {
          resolutionStrategy: "ORIGINAL_VALUE",
          regexFilter: { pattern: "[0-9]{6}" },
        },
      },
    ],
    intents: [
      {
        name: CODE_INTENT,
        description: "Visitor types the one-time code",
        sampleUtterances: ["{code}", "コードは{code}です", "{code}です", "コード{code}"].map(
          (utterance) => ({ utterance }),
        ),
        slots: [codeSlot],
        slotPriorities: [{ priority: 1, slotName: codeSlot.name }],
      },
      {
        name: "FallbackIntent",
        description: "Anything else",
        parentIntentSignature: "AMAZON.FallbackIntent",
      },
    ],
  };
}

/** Short hash of a bot definition (default: the caller-auth bot's). */
export const botDefinitionHash = (locale: object = callerAuthBotLocale()): string => hashOf(locale);
