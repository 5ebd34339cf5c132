/**
 * Compliance detection quality on the labelled evaluation set (compliance/eval/segments.json and
 * the holdout, holdout.json): each segment is scanned as the function scans it (the shipped,
 * expanded dictionary; one segment at a time; its participant's entries only), and an alert is
 * an un-negated finding. Precision, recall and F1 overall, without paraphrases (what a dictionary
 * can be expected to catch), and per case type. The baseline in the same run is the written
 * dictionary without the expansion.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "../config";
import {
  CompiledDictionary,
  detect,
  dictionarySchema,
  type Analysis,
} from "../functions/compliance-detector/detect";
import { complianceDictionary, detectorDictionary } from "../lib/complianceDictionary";

export interface EvalSegment {
  readonly id: string;
  readonly case: string;
  readonly participant: "AGENT" | "CUSTOMER";
  readonly text: string;
  /** Entry ids that must alert for this segment (none: nothing may). */
  readonly expect: readonly string[];
}

export const loadEvalSet = (file: string): EvalSegment[] =>
  (
    JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "compliance", "eval", file), "utf8")) as {
      segments: EvalSegment[];
    }
  ).segments;

export interface Score {
  readonly tp: number;
  readonly fp: number;
  readonly fn: number;
}

/** The entry ids that alert for one segment. */
function alerts(dict: CompiledDictionary, s: EvalSegment): string[] {
  const analysis: Analysis = {
    Version: "1.1.0",
    CustomerMetadata: { ContactId: "eval", InstanceId: "eval" },
    Participants: [{ ParticipantId: "p", ParticipantRole: s.participant }],
    Transcript: [
      { Id: s.id, ParticipantId: "p", Content: s.text, BeginOffsetMillis: 0, EndOffsetMillis: 1 },
    ],
  };
  return [
    ...new Set(
      detect(dict, analysis)
        .filter((f) => !f.negated)
        .map((f) => f.entryId),
    ),
  ];
}

/** True and false positives and false negatives per case type. */
export function score(dict: CompiledDictionary, set: readonly EvalSegment[]): Map<string, Score> {
  const byCase = new Map<string, Score>();
  for (const s of set) {
    const got = alerts(dict, s);
    const tp = got.filter((e) => s.expect.includes(e)).length;
    const c = byCase.get(s.case) ?? { tp: 0, fp: 0, fn: 0 };
    byCase.set(s.case, {
      tp: c.tp + tp,
      fp: c.fp + got.length - tp,
      fn: c.fn + s.expect.length - tp,
    });
  }
  return byCase;
}

const sum = (scores: Iterable<Score>): Score =>
  [...scores].reduce((a, b) => ({ tp: a.tp + b.tp, fp: a.fp + b.fp, fn: a.fn + b.fn }), {
    tp: 0,
    fp: 0,
    fn: 0,
  });

export const metrics = (s: Score) => {
  const precision = s.tp + s.fp ? s.tp / (s.tp + s.fp) : 1;
  const recall = s.tp + s.fn ? s.tp / (s.tp + s.fn) : 1;
  const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
  return { precision, recall, f1 };
};

export function benchComplianceQuality(print: (k: string, v: unknown) => void): void {
  const expanded = new CompiledDictionary(dictionarySchema.parse(JSON.parse(detectorDictionary())));
  const written = new CompiledDictionary(
    dictionarySchema.parse(JSON.parse(complianceDictionary())),
  );
  const f = (n: number) => n.toFixed(2);
  for (const [setName, file] of [
    ["tuning", "segments.json"],
    ["holdout", "holdout.json"],
    // Written apart from the tuning sets, each after the changes the previous one prompted and
    // before the detector ran on it: the first prompted particle alternatives and clause-ending
    // conjunctions, the second gapped matching and the げんぽん reading; the third is untouched
    // (first-run figures of each are in README "Compliance").
    ["independent", "independent.json"],
    ["independent2", "independent-2.json"],
    ["independent3", "independent-3.json"],
  ] as const) {
    const set = loadEvalSet(file);
    print(`compliance.quality.${setName}.segments`, set.length);
    for (const [dictName, dict] of [
      ["expanded", expanded],
      ["baseline_written", written],
    ] as const) {
      const byCase = score(dict, set);
      const all = metrics(sum(byCase.values()));
      const noPara = metrics(
        sum([...byCase].filter(([c]) => c !== "paraphrase").map(([, s]) => s)),
      );
      const k = `compliance.quality.${setName}.${dictName}`;
      print(`${k}.precision`, f(all.precision));
      print(`${k}.recall`, f(all.recall));
      print(`${k}.f1`, f(all.f1));
      print(`${k}.without_paraphrase.precision`, f(noPara.precision));
      print(`${k}.without_paraphrase.recall`, f(noPara.recall));
      if (dictName === "expanded")
        for (const [c, s] of [...byCase].sort()) {
          const m = metrics(s);
          print(
            `${k}.case.${c}`,
            `P ${f(m.precision)} R ${f(m.recall)} F1 ${f(m.f1)} (tp ${s.tp} fp ${s.fp} fn ${s.fn})`,
          );
        }
    }
  }
}
