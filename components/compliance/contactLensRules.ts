/**
 * Native Contact Lens real-time rules generated from the compliance dictionary (pure: no Pulumi).
 *
 * Contact Lens "words or phrases - exact match" conditions are word-based and take at most 100
 * phrases each (../shared/FACTS.md "Contact Lens"), so they are a coarse, early signal next to the
 * post-call detector, which sees the full Japanese text. One condition per participant role the
 * dictionary names; the most severe entries keep their place when a role has more than 100
 * phrases, and every phrase left out is reported so the plan can warn about it.
 */
import {
  severityRank,
  type Dictionary,
  type Severity,
} from "../../functions/compliance-detector/detect";

/** Rules Function language version (connect/latest/APIReference/example-rule-function.html). */
export const RULE_FUNCTION_VERSION = "2022-11-25";
/** Phrases one exact-match condition may hold. */
export const PHRASES_PER_CONDITION = 100;

type Role = "AGENT" | "CUSTOMER" | "ANY";
const ROLE: Record<Dictionary["entries"][number]["participant"], Role> = {
  AGENT: "AGENT",
  CUSTOMER: "CUSTOMER",
  BOTH: "ANY",
};

export interface RealtimeRulePlan {
  /** The rule's Function: JSON in the Rules Function language. */
  readonly function: string;
  /** Phrases per participant role, in the order they appear in the rule. */
  readonly phrases: Readonly<Record<string, readonly string[]>>;
  /** Phrases that did not fit, with the entry they come from. */
  readonly dropped: readonly { readonly entryId: string; readonly phrase: string }[];
}

/**
 * The real-time rule for the entries at or above `minSeverity`, or undefined when none qualifies.
 * Phrases are taken as written (term, then variants): Contact Lens matches its own transcript words,
 * which the detector's normalised forms would not match.
 */
export function realtimeRule(
  dictionary: Dictionary,
  minSeverity: Severity,
  limit = PHRASES_PER_CONDITION,
): RealtimeRulePlan | undefined {
  const eligible = dictionary.entries
    .map((e, order) => ({ e, order }))
    .filter(({ e }) => severityRank(e.severity) >= severityRank(minSeverity))
    // Most severe first; the dictionary's own order breaks ties (stable and reviewable).
    .sort((a, b) => severityRank(b.e.severity) - severityRank(a.e.severity) || a.order - b.order);
  if (!eligible.length) return undefined;
  const phrases: Record<string, string[]> = {};
  const dropped: { entryId: string; phrase: string }[] = [];
  for (const { e } of eligible) {
    const list = (phrases[ROLE[e.participant]] ??= []);
    for (const phrase of [e.term, ...e.variants]) {
      if (list.includes(phrase)) continue;
      if (list.length < limit) list.push(phrase);
      else dropped.push({ entryId: e.id, phrase });
    }
  }
  const roles = (["AGENT", "CUSTOMER", "ANY"] as const).filter((r) => phrases[r]);
  const fn = {
    Version: RULE_FUNCTION_VERSION,
    RuleFunction: {
      Operator: "OR",
      Operands: roles.map((role) => ({
        Operator: "CONTAINS_ANY",
        Operands: phrases[role],
        ComparisonValue: "$.ContactLens.RealTimeCall.ExactMatch.Transcript",
        FilterClause: { LogicOperator: "AND", Filters: [{ Type: "ParticipantRole", Data: role }] },
        Negate: false,
      })),
    },
  };
  return { function: JSON.stringify(fn), phrases, dropped };
}
