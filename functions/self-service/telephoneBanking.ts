/**
 * Telephone banking (テレホンバンキング), pure core: what the flow asked (balance, the last five
 * transactions, suspending a lost or stolen card) for the caller caller authentication verified,
 * answered with the SSML to speak, or a fallback to the telephone-banking queue with the reason.
 *
 * Only an Authenticated contact is served: the customer id comes from the contact attributes the
 * auth flows set (`authResult`, `authCustomerId`), never from what the caller typed. The answer
 * goes to the flow as $.External (not kept in the contact record); balances and amounts appear
 * only in `ssml`. What reaches the agent (attributes the flow copies) and the logs: the action,
 * the result, the failure kind, a card's last four digits and a suspension's reference.
 */
import { z } from "zod";
import { CoreBankingError, type Card, type CoreBankingClient } from "./coreBanking";
import {
  balanceSentences,
  chooseCardSentence,
  speak,
  suspendedSentence,
  transactionSentences,
} from "./speech";

export const ACTIONS = ["balance", "transactions", "list-cards", "suspend-card"] as const;

const eventSchema = z.object({
  Details: z.object({
    ContactData: z.object({
      ContactId: z.string().regex(/^[0-9a-f-]{36}$/),
      Channel: z.string().optional(),
      Attributes: z.record(z.string(), z.string()).default({}),
    }),
    Parameters: z.object({
      action: z.enum(ACTIONS),
      /** 1-based: which account the caller chose (transactions); default the first. */
      account: z
        .string()
        .regex(/^[1-9]$/)
        .optional(),
      /** suspend-card: the last four digits the caller confirmed, when they hold several cards. */
      cardLast4: z
        .string()
        .regex(/^[0-9]{4}$/)
        .optional(),
      reason: z.enum(["lost", "stolen"]).optional(),
    }),
  }),
});
export type BankingEvent = z.input<typeof eventSchema>;

/**
 * The flow's view, always the same keys: `result` is what the flow branches on — OK (speak
 * `ssml`, then the menu), ChooseCard (ask for the last four digits of one of `cards`),
 * NotAuthenticated, Fallback (to the queue, `reason` for the agent).
 */
export type BankingResult = "OK" | "ChooseCard" | "NotAuthenticated" | "Fallback";
export interface BankingResponse extends Record<string, string> {
  result: BankingResult;
  ssml: string;
  reason: string;
  /** Comma-separated last four digits of the active cards (ChooseCard). */
  cards: string;
  /** suspend-card OK: the core system's reference, for the agent and the caller. */
  reference: string;
}

export interface BankingLogger {
  info(message: string, fields: Record<string, unknown>): void;
  warn(message: string, fields: Record<string, unknown>): void;
}

const respond = (r: Partial<BankingResponse> & { result: BankingResult }): BankingResponse => ({
  ssml: "",
  reason: "",
  cards: "",
  reference: "",
  ...r,
});

const fallbackSsml = speak("ただいまお取引をお受けできません。担当者におつなぎします。");

export function makeTelephoneBanking(deps: {
  readonly core: CoreBankingClient;
  readonly logger: BankingLogger;
}) {
  return async (event: unknown): Promise<BankingResponse> => {
    const parsed = eventSchema.safeParse(event);
    if (!parsed.success) {
      deps.logger.warn("telephone-banking: event refused", {
        problems: parsed.error.issues.map((i) => i.path.join(".")).slice(0, 10),
      });
      return respond({
        result: "Fallback",
        reason: "bad request from the flow",
        ssml: fallbackSsml,
      });
    }
    const { ContactData, Parameters: p } = parsed.data.Details;
    const contactId = ContactData.ContactId;
    const attrs = ContactData.Attributes;
    const customerId = attrs.authCustomerId ?? "";
    if (attrs.authResult !== "Authenticated" || !/^[A-Za-z0-9-]{1,64}$/.test(customerId)) {
      deps.logger.info("telephone-banking", {
        contactId,
        action: p.action,
        result: "NotAuthenticated",
      });
      return respond({ result: "NotAuthenticated", reason: "caller not authenticated" });
    }
    try {
      const r = await serve(deps.core, p, customerId, contactId, ContactData.Channel);
      deps.logger.info("telephone-banking", {
        contactId,
        action: p.action,
        result: r.result,
        ...(r.reference ? { reference: r.reference } : {}),
      });
      return r;
    } catch (e) {
      if (!(e instanceof CoreBankingError)) throw e;
      deps.logger.warn("telephone-banking: core banking failed", {
        contactId,
        action: p.action,
        operation: e.operation,
        kind: e.kind,
        status: e.status,
      });
      return respond({
        result: "Fallback",
        reason: `core banking ${e.kind}`,
        ssml: fallbackSsml,
      });
    }
  };
}

async function serve(
  core: CoreBankingClient,
  p: z.output<typeof eventSchema>["Details"]["Parameters"],
  customerId: string,
  contactId: string,
  channel: string | undefined,
): Promise<BankingResponse> {
  switch (p.action) {
    case "balance": {
      const accounts = await core.listAccounts(customerId);
      if (!accounts.length)
        return respond({
          result: "Fallback",
          reason: "no accounts",
          ssml: speak("お取り扱いできる口座がございません。担当者におつなぎします。"),
        });
      return respond({ result: "OK", ssml: speak(...balanceSentences(accounts)) });
    }
    case "transactions": {
      const accounts = await core.listAccounts(customerId);
      const account = accounts[Number(p.account ?? "1") - 1];
      if (!account)
        return respond({ result: "Fallback", reason: "no such account", ssml: fallbackSsml });
      const txs = await core.listTransactions(account.accountId, 5);
      return respond({ result: "OK", ssml: speak(...transactionSentences(account, txs)) });
    }
    case "list-cards":
    case "suspend-card": {
      const active = (await core.listCards(customerId)).filter((c) => c.status === "active");
      if (!active.length)
        return respond({
          result: "Fallback",
          reason: "no active card",
          ssml: speak("ご利用中のカードが見つかりません。担当者におつなぎします。"),
        });
      const chosen: Card | undefined =
        active.length === 1 && !p.cardLast4
          ? active[0]
          : active.find((c) => c.last4 === p.cardLast4);
      if (p.action === "list-cards" || !chosen)
        return respond({
          result: "ChooseCard",
          cards: active.map((c) => c.last4).join(","),
          ssml: speak(chooseCardSentence(active)),
        });
      // One key per contact and card: a retry by the flow (or by the adapter) is the same request.
      const s = await core.suspendCard(
        chosen.cardId,
        { reason: p.reason ?? "lost", channel: channel === "CHAT" ? "chat" : "ivr", contactId },
        `${contactId}:${chosen.cardId}`,
      );
      return respond({
        result: "OK",
        reference: s.reference,
        ssml: speak(suspendedSentence(chosen, s.reference)),
      });
    }
  }
}
