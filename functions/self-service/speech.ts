/**
 * What telephone banking says, as SSML for Amazon Polly's Japanese voices: amounts are read as
 * numbers followed by 円 (`<say-as interpret-as="cardinal">`), the last four digits of an account
 * or card digit by digit (`interpret-as="digits"`), dates as written Japanese (12月6日), which a
 * Japanese voice reads as a date. Polly's say-as values: docs.aws.amazon.com/polly/latest/dg/
 * say-as-tag.html. Every string from the core system is escaped before it enters the SSML.
 */
import type { Account, Card, Transaction } from "./coreBanking";

const ACCOUNT_TYPES: Record<Account["type"], string> = {
  ordinary: "普通預金",
  savings: "貯蓄預金",
  time: "定期預金",
  current: "当座預金",
};

/** Text escaped for SSML (the core system's descriptions are free text). */
export const escapeSsml = (s: string): string =>
  s.replace(
    /[<>&"']/g,
    (c) => `&${{ "<": "lt", ">": "gt", "&": "amp", '"': "quot", "'": "apos" }[c]};`,
  );

const digits = (s: string) => `<say-as interpret-as="digits">${escapeSsml(s)}</say-as>`;
/** An amount of yen; a negative one is said as マイナス by the caller of this (withdrawals). */
const yen = (n: number) => `<say-as interpret-as="cardinal">${Math.abs(n)}</say-as>円`;
/** 2026-12-06 → 12月6日 (the year is not read: the last five transactions are recent). */
const monthDay = (isoDate: string) => {
  const [, m, d] = isoDate.split("-").map(Number);
  return `${m}月${d}日`;
};

export const speak = (...sentences: string[]) => `<speak>${sentences.join("")}</speak>`;

export function balanceSentences(accounts: readonly Account[]): string[] {
  return accounts.map((a) => {
    const head = `${ACCOUNT_TYPES[a.type]}、口座番号の下4桁 ${digits(a.last4)} の残高は、${a.balance < 0 ? "マイナス" : ""}${yen(a.balance)}です。`;
    return a.availableBalance !== a.balance
      ? `${head}お引き出しいただける金額は、${a.availableBalance < 0 ? "マイナス" : ""}${yen(a.availableBalance)}です。`
      : head;
  });
}

export function transactionSentences(account: Account, txs: readonly Transaction[]): string[] {
  if (!txs.length)
    return [
      `${ACCOUNT_TYPES[account.type]}、下4桁 ${digits(account.last4)} の最近のお取引はありません。`,
    ];
  return [
    `${ACCOUNT_TYPES[account.type]}、下4桁 ${digits(account.last4)} の最近のお取引を、新しい順に${txs.length}件お知らせします。`,
    ...txs.map(
      (t) =>
        `${monthDay(t.date)}、${escapeSsml(t.description)}、${t.amount < 0 ? "お引き出し" : "お預け入れ"}${yen(t.amount)}。`,
    ),
  ];
}

export const suspendedSentence = (card: Card, reference: string) =>
  `下4桁 ${digits(card.last4)} のカードのご利用を停止しました。受付番号は ${digits(reference)} です。`;

/** The caller's active cards, to choose one by its last four digits. */
export const chooseCardSentence = (cards: readonly Card[]) =>
  `ご利用中のカードは、下4桁 ${cards.map((c) => digits(c.last4)).join("、")} の${cards.length}枚です。停止するカードの下4桁を押してください。`;
