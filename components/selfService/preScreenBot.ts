/**
 * The card-loan pre-screening Lex V2 bot, as plain data (ja_JP; no code hook: the flow hands the
 * slots to the pre-screening function). It collects the figures; on voice the two consents are
 * asked by keypad before the bot, in chat (where a flow takes input only through Lex:
 * get-customer-input.html) by two intents of their own, GiveConsent and DeclineConsent, since
 * Lex V2's AMAZON.Confirmation is English-only (lexv2/latest/dg/built-in-slots.html).
 *
 * Amounts are asked in 万円 and resolved by AMAZON.Number (all locales); employment by a slot
 * type whose values are the scoring function's employment kinds, with Japanese synonyms, resolved
 * to the value (TOP_RESOLUTION). The caller hears the figures back and confirms them; the
 * figures are obfuscated in Lex's logs.
 */
import { EMPLOYMENT } from "../../functions/self-service/preScreen";
import { BOT_LOCALE, BOT_VOICE, OBFUSCATED, prompt, requiredSlot, say } from "../shared/lexBot";

export const PRESCREEN_INTENT = "CardLoanPreScreen";
/** The chat flow's consent answers. */
export const CONSENT_INTENTS = { yes: "GiveConsent", no: "DeclineConsent" } as const;

/** Slot names: what the flow passes to the function as $.Lex.Slots.<name>. */
export const PRESCREEN_SLOTS = [
  "annualIncome",
  "employment",
  "yearsEmployed",
  "otherBorrowings",
  "desiredLimit",
] as const;

const slot = (name: (typeof PRESCREEN_SLOTS)[number], type: string, ask: string) => ({
  name,
  slotTypeName: type,
  obfuscationSetting: OBFUSCATED,
  valueElicitationSetting: requiredSlot(ask),
});

/** Japanese words for each employment kind (the first is read back to the caller). */
export const EMPLOYMENT_WORDS: Record<(typeof EMPLOYMENT)[number], string[]> = {
  regular: ["正社員", "会社員", "公務員", "正規雇用"],
  contract: ["契約社員", "派遣社員", "嘱託"],
  "part-time": ["パート", "アルバイト", "パートタイム"],
  "self-employed": ["自営業", "個人事業主", "経営者", "フリーランス"],
  pension: ["年金受給", "年金", "年金生活"],
  none: ["無職", "働いていない", "求職中"],
};

export function preScreenBotLocale() {
  return {
    localeId: BOT_LOCALE,
    description: "カードローン仮審査 (年収・職業・勤続年数・他社借入・希望額)",
    nluConfidenceThreshold: 0.4,
    voiceSettings: { voiceId: BOT_VOICE, engine: "neural" },
    slotTypes: [
      {
        name: "Employment",
        description: "Employment kind of the scoring rules (functions/self-service/preScreen.ts)",
        slotTypeValues: EMPLOYMENT.map((kind) => ({
          sampleValue: { value: kind },
          synonyms: EMPLOYMENT_WORDS[kind].map((value) => ({ value })),
        })),
        valueSelectionSetting: { resolutionStrategy: "TOP_RESOLUTION" },
      },
    ],
    intents: [
      {
        name: PRESCREEN_INTENT,
        description: "Caller gives the figures of a card-loan pre-screening",
        sampleUtterances: [
          "仮審査をお願いします",
          "カードローンの審査を受けたい",
          "年収は{annualIncome}万円です",
          "{annualIncome}万円です",
          "{annualIncome}万円",
          "{employment}です",
        ].map((utterance) => ({ utterance })),
        slots: [
          slot("annualIncome", "AMAZON.Number", "税込みの年収を、万円単位でお話しください。"),
          slot(
            "employment",
            "Employment",
            "ご職業をお話しください。例えば、正社員、契約社員、パート、自営業などです。",
          ),
          slot("yearsEmployed", "AMAZON.Number", "今のお勤め先の勤続年数をお話しください。"),
          slot(
            "otherBorrowings",
            "AMAZON.Number",
            "他社からのお借り入れの合計を、万円単位でお話しください。ない場合は、ゼロとお話しください。",
          ),
          slot(
            "desiredLimit",
            "AMAZON.Number",
            "ご希望のご利用限度額を、万円単位でお話しください。",
          ),
        ],
        slotPriorities: PRESCREEN_SLOTS.map((slotName, i) => ({ priority: i + 1, slotName })),
        intentConfirmationSetting: {
          promptSpecification: prompt(
            "年収{annualIncome}万円、ご職業{employment}、勤続{yearsEmployed}年、他社お借り入れ{otherBorrowings}万円、ご希望額{desiredLimit}万円でよろしいですか。",
            1,
          ),
          declinationResponse: {
            messageGroupsList: [say("かしこまりました。担当者がお伺いします。")],
            allowInterrupt: true,
          },
        },
      },
      {
        name: CONSENT_INTENTS.yes,
        description: "The customer consents (chat)",
        sampleUtterances: [
          "はい",
          "同意します",
          "同意する",
          "お願いします",
          "大丈夫です",
          "はい、同意します",
        ].map((utterance) => ({ utterance })),
      },
      {
        name: CONSENT_INTENTS.no,
        description: "The customer does not consent (chat)",
        sampleUtterances: [
          "いいえ",
          "同意しません",
          "同意しない",
          "やめておきます",
          "結構です",
          "いいえ、同意しません",
        ].map((utterance) => ({ utterance })),
      },
      {
        // Required in every locale; the flow sends it (NoMatchingCondition) to an agent.
        name: "FallbackIntent",
        description: "Anything else",
        parentIntentSignature: "AMAZON.FallbackIntent",
      },
    ],
  };
}
