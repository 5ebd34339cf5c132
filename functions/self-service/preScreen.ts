/**
 * Card-loan pre-screening (カードローン仮審査), pure scoring with the rules as config.
 *
 * The central rule is the banks' self-imposed limit on total unsecured borrowing, by default a
 * third of annual income, modelled on the money lending act's total volume control (貸金業法
 * 総量規制). Banks are not bound by the act; their own limits, set after the Japanese Bankers
 * Association's 2017 agreement on consumer lending, commonly use the same third, so the fraction
 * is config. Checked in integers (`3 × borrowing ≤ income`), so no yen is lost to rounding.
 *
 * Outcomes: `pass` (the desired limit fits every rule), `refer` (an agent must look: short
 * employment, a kind of employment the bank reviews by hand, a limit above the automatic one, or
 * a reduced limit that would fit), `decline` (no consent, income below the minimum, no income,
 * or nothing fits under the limit). Every outcome lists its reasons; the caller only ever hears
 * that it is a pre-screening (仮審査), never a credit decision.
 */
import { z } from "zod";

export const EMPLOYMENT = [
  "regular",
  "contract",
  "part-time",
  "self-employed",
  "pension",
  "none",
] as const;

export const preScreenRulesSchema = z.strictObject({
  /** Total unsecured borrowing may be at most income × numerator / denominator (default 1/3). */
  totalBorrowingRatio: z
    .strictObject({
      numerator: z.number().int().min(1),
      denominator: z.number().int().min(1),
    })
    .refine((r) => r.numerator < r.denominator, "a fraction below 1, e.g. 1/3")
    .default({ numerator: 1, denominator: 3 }),
  minAnnualIncomeYen: z.number().int().min(0).default(1_000_000),
  minYearsEmployed: z.number().min(0).max(50).default(1),
  /** Employment the bank reviews by hand (refer), and employment it does not lend to (decline). */
  referEmployment: z.array(z.enum(EMPLOYMENT)).default(["part-time", "self-employed", "pension"]),
  declineEmployment: z.array(z.enum(EMPLOYMENT)).default(["none"]),
  /** Limits above this are always referred to an agent. */
  autoPassLimitYen: z.number().int().min(0).default(1_000_000),
  /** The smallest limit the product has: a reduced limit below it is a decline. */
  minLimitYen: z.number().int().min(0).default(100_000),
  /** Limits are offered in steps of this (a reduced limit is rounded down to it). */
  limitStepYen: z.number().int().min(1).default(100_000),
});
export type PreScreenRules = z.output<typeof preScreenRulesSchema>;
export const DEFAULT_RULES: PreScreenRules = preScreenRulesSchema.parse({});

export const applicationSchema = z.strictObject({
  consentPreScreen: z.boolean(),
  consentCreditBureau: z.boolean(),
  annualIncomeYen: z.number().int().min(0).max(10_000_000_000),
  employment: z.enum(EMPLOYMENT),
  yearsEmployed: z.number().min(0).max(70),
  otherBorrowingsYen: z.number().int().min(0).max(10_000_000_000),
  desiredLimitYen: z.number().int().min(1).max(100_000_000),
});
export type Application = z.output<typeof applicationSchema>;

export type Reason =
  | "no-consent"
  | "income-below-minimum"
  | "employment-not-eligible"
  | "over-total-borrowing-limit"
  | "short-employment"
  | "employment-reviewed-by-hand"
  | "limit-above-automatic"
  | "reduced-limit-offered";

export interface PreScreenResult {
  readonly outcome: "pass" | "refer" | "decline";
  readonly reasons: Reason[];
  /** The limit that fits the total-borrowing rule (refer with a reduced limit; pass: desired). */
  readonly limitYen: number;
  /** What the borrowing rule leaves for this product: income × ratio − other borrowings. */
  readonly headroomYen: number;
}

export function preScreen(a: Application, rules: PreScreenRules = DEFAULT_RULES): PreScreenResult {
  const { numerator, denominator } = rules.totalBorrowingRatio;
  const headroom = Math.max(
    0,
    Math.floor((a.annualIncomeYen * numerator) / denominator) - a.otherBorrowingsYen,
  );
  const decline = (...reasons: Reason[]): PreScreenResult => ({
    outcome: "decline",
    reasons,
    limitYen: 0,
    headroomYen: headroom,
  });
  if (!a.consentPreScreen || !a.consentCreditBureau) return decline("no-consent");
  const hard: Reason[] = [];
  if (a.annualIncomeYen < rules.minAnnualIncomeYen) hard.push("income-below-minimum");
  if (rules.declineEmployment.includes(a.employment)) hard.push("employment-not-eligible");
  // 3 × (other + desired) ≤ income, for a ratio of 1/3: in integers.
  const fits = (limit: number) =>
    (a.otherBorrowingsYen + limit) * denominator <= a.annualIncomeYen * numerator;
  const reduced = Math.floor(headroom / rules.limitStepYen) * rules.limitStepYen;
  if (!fits(a.desiredLimitYen) && reduced < rules.minLimitYen)
    hard.push("over-total-borrowing-limit");
  if (hard.length) return decline(...hard);

  const soft: Reason[] = [];
  let limit = a.desiredLimitYen;
  if (!fits(limit)) {
    soft.push("reduced-limit-offered");
    limit = reduced;
  }
  if (a.yearsEmployed < rules.minYearsEmployed) soft.push("short-employment");
  if (rules.referEmployment.includes(a.employment)) soft.push("employment-reviewed-by-hand");
  if (limit > rules.autoPassLimitYen) soft.push("limit-above-automatic");
  return {
    outcome: soft.length ? "refer" : "pass",
    reasons: soft,
    limitYen: limit,
    headroomYen: headroom,
  };
}

const REASON_TEXT: Record<Reason, string> = {
  "no-consent": "仮審査または信用情報照会への同意なし",
  "income-below-minimum": "年収が基準未満",
  "employment-not-eligible": "ご職業が対象外",
  "over-total-borrowing-limit": "他社借入を含め年収の3分の1を超過",
  "short-employment": "勤続年数が基準未満",
  "employment-reviewed-by-hand": "ご職業により担当者確認",
  "limit-above-automatic": "自動判定の上限を超えるご希望額",
  "reduced-limit-offered": "ご希望額を減額すれば基準内",
};

/** One line for the agent's screen (contact attribute), with no income or borrowing figures. */
export const agentSummary = (r: PreScreenResult): string =>
  `仮審査: ${{ pass: "可", refer: "要確認", decline: "不可" }[r.outcome]}` +
  (r.reasons.length ? ` (${r.reasons.map((x) => REASON_TEXT[x]).join("、")})` : "") +
  (r.outcome !== "decline" ? ` 限度額目安 ${r.limitYen.toLocaleString("ja-JP")}円` : "");

/** What the caller hears: always a pre-screening, never a decision. */
export const callerWording = (r: PreScreenResult): string =>
  ({
    pass: "仮審査の結果、お申し込みいただける見込みです。正式な審査は、お申し込みの後に行います。担当者からご案内します。",
    refer: "仮審査の結果、担当者が内容を確認させていただきます。このまま担当者におつなぎします。",
    decline:
      "誠に恐れ入りますが、今回の仮審査の結果、お申し込みのご案内が難しい状況です。詳しくは担当者からご説明します。",
  })[r.outcome];
