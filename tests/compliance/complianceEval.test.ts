/**
 * The compliance evaluation set (compliance/eval/): its shape only. The detector's quality on it
 * is a benchmark (npm run bench -- compliance), never a test assertion.
 */
import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "../../config";
import { dictionarySchema } from "../../functions/compliance-detector/detect";
import { loadEvalSet } from "../../bench/complianceQuality";

const CASES = [
  "exact",
  "variant",
  "conjugation",
  "script",
  "filler",
  "spacing",
  "paraphrase",
  "negated",
  "near-miss",
  "wrong-participant",
  "ordinary",
];

describe("compliance evaluation set", () => {
  const ids = new Set(
    dictionarySchema
      .parse(
        JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "compliance/dictionary.json"), "utf8")),
      )
      .entries.map((e) => e.id),
  );
  // The independent sets add inserted-words (the entry's words with others between them).
  for (const [file, min, cases] of [
    ["segments.json", 300, CASES],
    ["holdout.json", 81, CASES],
    ["independent.json", 100, [...CASES, "inserted-words"]],
    ["independent-2.json", 50, [...CASES, "inserted-words"]],
    ["independent-3.json", 50, [...CASES, "inserted-words"]],
  ] as const)
    it(`${file}: at least ${min} labelled segments over every case type, labels naming real entries`, () => {
      const set = loadEvalSet(file);
      expect(set.length).to.be.at.least(min);
      expect([...new Set(set.map((s) => s.case))].sort()).to.deep.equal([...cases].sort());
      expect(new Set(set.map((s) => s.id)).size).to.equal(set.length);
      for (const s of set) {
        expect(["AGENT", "CUSTOMER"], s.id).to.include(s.participant);
        for (const e of s.expect) expect(ids.has(e), `${s.id}: ${e}`).to.equal(true);
        // Negated, near-miss, wrong-participant and ordinary talk must alert nothing (except a
        // customer's negated threat: customer-threat is not negatable).
        if (["negated", "near-miss", "wrong-participant", "ordinary"].includes(s.case))
          expect(
            s.expect.filter((e) => !(s.case === "negated" && e === "customer-threat")),
            s.id,
          ).to.deep.equal([]);
        else expect(s.expect.length, s.id).to.be.greaterThan(0);
      }
    });
});
