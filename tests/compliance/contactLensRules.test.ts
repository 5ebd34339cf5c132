/** The Contact Lens real-time rule generated from the dictionary: shape, order, limits. */
import { expect } from "chai";
import { realtimeRule, RULE_FUNCTION_VERSION } from "../../components/compliance/contactLensRules";
import { dictionarySchema, type Dictionary } from "../../functions/compliance-detector/detect";

const dict = (entries: object[]): Dictionary => dictionarySchema.parse({ version: "t", entries });
const entry = (
  id: string,
  severity: string,
  participant: string,
  term: string,
  variants: string[] = [],
) => ({
  id,
  term,
  variants,
  category: "c",
  severity,
  participant,
});

describe("Contact Lens real-time rule from the dictionary", () => {
  it("one exact-match condition per participant role, most severe phrases first, as written", () => {
    const plan = realtimeRule(
      dict([
        entry("a", "high", "AGENT", "職場に電話します"),
        entry("b", "critical", "AGENT", "元本保証", ["げんぽんほしょう"]),
        entry("c", "high", "CUSTOMER", "金融庁に言う"),
        entry("d", "critical", "BOTH", "損失補填"),
        entry("e", "medium", "AGENT", "カード番号"),
      ]),
      "high",
    )!;
    expect(JSON.parse(plan.function)).to.deep.equal({
      Version: RULE_FUNCTION_VERSION,
      RuleFunction: {
        Operator: "OR",
        Operands: [
          {
            Operator: "CONTAINS_ANY",
            Operands: ["元本保証", "げんぽんほしょう", "職場に電話します"],
            ComparisonValue: "$.ContactLens.RealTimeCall.ExactMatch.Transcript",
            FilterClause: {
              LogicOperator: "AND",
              Filters: [{ Type: "ParticipantRole", Data: "AGENT" }],
            },
            Negate: false,
          },
          {
            Operator: "CONTAINS_ANY",
            Operands: ["金融庁に言う"],
            ComparisonValue: "$.ContactLens.RealTimeCall.ExactMatch.Transcript",
            FilterClause: {
              LogicOperator: "AND",
              Filters: [{ Type: "ParticipantRole", Data: "CUSTOMER" }],
            },
            Negate: false,
          },
          {
            Operator: "CONTAINS_ANY",
            Operands: ["損失補填"],
            ComparisonValue: "$.ContactLens.RealTimeCall.ExactMatch.Transcript",
            FilterClause: {
              LogicOperator: "AND",
              Filters: [{ Type: "ParticipantRole", Data: "ANY" }],
            },
            Negate: false,
          },
        ],
      },
    });
    expect(plan.dropped).to.deep.equal([]);
  });

  it("keeps 100 phrases per condition, the most severe, and reports every phrase left out", () => {
    const many = Array.from({ length: 60 }, (_, i) =>
      entry(`h${i}`, "high", "AGENT", `高位語句${i}`, [`高位異形${i}`]),
    );
    const plan = realtimeRule(
      dict([...many, entry("crit", "critical", "AGENT", "元本保証")]),
      "high",
    )!;
    expect(plan.phrases.AGENT).to.have.length(100);
    expect(plan.phrases.AGENT[0]).to.equal("元本保証");
    // 121 phrases: the critical one and the first 99 high ones stay, 21 go.
    expect(plan.dropped).to.have.length(21);
    expect(plan.dropped[0]).to.deep.equal({ entryId: "h49", phrase: "高位異形49" });
    expect(plan.dropped.at(-1)).to.deep.equal({ entryId: "h59", phrase: "高位異形59" });
  });

  it("deploys nothing when no entry reaches the severity", () => {
    expect(realtimeRule(dict([entry("e", "medium", "AGENT", "カード番号")]), "high")).to.equal(
      undefined,
    );
  });

  it("the repository dictionary fits: no phrase dropped at the default severity", async () => {
    const { complianceDictionary } = await import("../../stack");
    const plan = realtimeRule(dictionarySchema.parse(JSON.parse(complianceDictionary())), "high")!;
    expect(plan.dropped).to.deep.equal([]);
    expect(Object.keys(plan.phrases)).to.deep.equal(["AGENT"]);
  });
});
