/**
 * The card-loan pre-screening function the `card-loan-prescreen` flow invokes, in three steps:
 *   start   which way to collect the figures: the region's Lex bot, or the keypad where the
 *           region has no Lex (Osaka): `mode`, `bot`
 *   answer  (keypad) one figure, kept in the contact's draft: `result` Saved or Invalid
 *   score   the figures (the bot's slots as parameters, or the keypad draft) through the rules:
 *           the result recorded, the caller's wording (仮審査 only; `ssml` for voice, `text` for
 *           chat) and the agent's summary
 * Amounts are in 万円 as the caller says or keys them. Figures never reach logs or contact
 * attributes: only the table (its own CMK) keeps them, for the configured retention.
 */
import { z } from "zod";
import {
  agentSummary,
  applicationSchema,
  callerWording,
  EMPLOYMENT,
  preScreen,
  type Application,
  type PreScreenRules,
} from "./preScreen";
import type { PreScreenRecord, PreScreenStore } from "./preScreenStore";

const MAN = 10_000;
/** How long keypad answers wait for the score (a call, not a day). */
export const DRAFT_TTL_SECONDS = 3600;

/** Keypad fields: what the caller keys, and how it becomes the application's value. */
export const KEYPAD_FIELDS = {
  annualIncome: { pattern: /^\d{1,5}$/, to: (v: string) => Number(v) * MAN },
  // The flow's menu: 1 正社員 … 6 無職, in the order of EMPLOYMENT.
  employment: {
    pattern: new RegExp(`^[1-${EMPLOYMENT.length}]$`),
    to: (v: string) => EMPLOYMENT[Number(v) - 1],
  },
  yearsEmployed: { pattern: /^\d{1,2}$/, to: Number },
  otherBorrowings: { pattern: /^\d{1,5}$/, to: (v: string) => Number(v) * MAN },
  desiredLimit: { pattern: /^\d{1,4}$/, to: (v: string) => Number(v) * MAN },
} as const;
type Field = keyof typeof KEYPAD_FIELDS;
const FIELDS = Object.keys(KEYPAD_FIELDS) as Field[];

const eventSchema = z.object({
  Details: z.object({
    ContactData: z.object({
      ContactId: z.string().regex(/^[0-9a-f-]{36}$/),
      Channel: z.string().default("VOICE"),
      Attributes: z.record(z.string(), z.string()).default({}),
    }),
    Parameters: z.record(z.string(), z.string()).default({}),
  }),
});

export interface PreScreenDeps {
  readonly store: PreScreenStore;
  readonly rules: PreScreenRules;
  /** The region's bot alias ARN; "" where the region has no Lex V2. */
  readonly botAliasArn: string;
  readonly retentionDays: number;
  readonly now: () => number;
  readonly logger: {
    info(message: string, fields: Record<string, unknown>): void;
    warn(message: string, fields: Record<string, unknown>): void;
  };
}

export type PreScreenResponse = Record<string, string>;

/** The Lex slot's number as said ("500", "500.0"); keypad digits are checked by KEYPAD_FIELDS. */
const spokenNumber = (v: string | undefined) =>
  v !== undefined && /^\d+(\.\d+)?$/.test(v.trim()) ? Number(v.trim()) : Number.NaN;

/** The application from the bot's slots (amounts in 万円) and the keypad-given consents. */
function fromSlots(p: Record<string, string>): unknown {
  return {
    consentPreScreen: p.consentPreScreen === "yes",
    consentCreditBureau: p.consentCreditBureau === "yes",
    annualIncomeYen: Math.round(spokenNumber(p.annualIncome) * MAN),
    employment: p.employment,
    yearsEmployed: spokenNumber(p.yearsEmployed),
    otherBorrowingsYen: Math.round(spokenNumber(p.otherBorrowings) * MAN),
    desiredLimitYen: Math.round(spokenNumber(p.desiredLimit) * MAN),
  };
}

function fromDraft(p: Record<string, string>, draft: Record<string, unknown> | undefined): unknown {
  return {
    consentPreScreen: p.consentPreScreen === "yes",
    consentCreditBureau: p.consentCreditBureau === "yes",
    annualIncomeYen: draft?.annualIncome,
    employment: draft?.employment,
    yearsEmployed: draft?.yearsEmployed,
    otherBorrowingsYen: draft?.otherBorrowings,
    desiredLimitYen: draft?.desiredLimit,
  };
}

const speak = (text: string) => `<speak>${text}</speak>`;
const INCOMPLETE_TEXT = "お伺いした内容を確認できませんでした。担当者がお伺いします。";
const INCOMPLETE = speak(INCOMPLETE_TEXT);

export function makePreScreenHandler(d: PreScreenDeps) {
  return async (event: unknown): Promise<PreScreenResponse> => {
    const parsed = eventSchema.safeParse(event);
    if (!parsed.success) {
      d.logger.warn("prescreen: event refused", {
        problems: parsed.error.issues.map((i) => i.path.join(".")).slice(0, 10),
      });
      return { result: "Failed", ssml: INCOMPLETE };
    }
    const { ContactData: c, Parameters: p } = parsed.data.Details;
    const contactId = c.ContactId;
    switch (p.action) {
      case "start":
        // Connect refuses empty attribute values: "none" stands for no bot.
        return d.botAliasArn
          ? { result: "Started", mode: "lex", bot: d.botAliasArn }
          : { result: "Started", mode: "keypad", bot: "none" };
      case "answer": {
        const field = p.field as Field;
        const spec = FIELDS.includes(field) ? KEYPAD_FIELDS[field] : undefined;
        const value = (p.value ?? "").trim();
        if (!spec || !spec.pattern.test(value)) {
          d.logger.info("prescreen", { contactId, action: "answer", field, result: "Invalid" });
          return { result: "Invalid" };
        }
        await d.store.saveAnswer(
          contactId,
          field,
          spec.to(value),
          Math.floor(d.now() / 1000) + DRAFT_TTL_SECONDS,
        );
        return { result: "Saved" };
      }
      case "score": {
        const mode = p.mode === "lex" ? "lex" : "keypad";
        const raw = mode === "lex" ? fromSlots(p) : fromDraft(p, await d.store.draft(contactId));
        const app = applicationSchema.safeParse(raw);
        if (!app.success) {
          d.logger.info("prescreen", {
            contactId,
            action: "score",
            mode,
            result: "Incomplete",
            // Field names only: the values are the caller's figures.
            fields: [...new Set(app.error.issues.map((i) => i.path.join(".")))],
          });
          return {
            result: "Incomplete",
            ssml: INCOMPLETE,
            text: INCOMPLETE_TEXT,
            agentSummary: "仮審査: 未完了",
          };
        }
        const record = await d.store.putResult(
          recordOf(contactId, c.Attributes, c.Channel, mode, app.data, d),
        );
        const r = record.result;
        d.logger.info("prescreen", {
          contactId,
          action: "score",
          mode,
          result: r.outcome,
          reasons: r.reasons,
        });
        return {
          result: r.outcome,
          ssml: speak(callerWording(r)),
          // The same words for a chat, which shows text.
          text: callerWording(r),
          agentSummary: agentSummary(r),
        };
      }
      default:
        d.logger.warn("prescreen: unknown action", { contactId, action: p.action });
        return { result: "Failed", ssml: INCOMPLETE };
    }
  };
}

function recordOf(
  contactId: string,
  attributes: Record<string, string>,
  channel: string,
  mode: "lex" | "keypad",
  application: Application,
  d: PreScreenDeps,
): PreScreenRecord {
  const now = d.now();
  return {
    contactId,
    customerRef: attributes.authCustomerId || `contact:${contactId}`,
    channel,
    mode,
    application,
    result: preScreen(application, d.rules),
    decidedAt: new Date(now).toISOString(),
    expiresAt: Math.floor(now / 1000) + d.retentionDays * 86_400,
  };
}
