/**
 * The compliance dictionary as the stacks ship it: the written one validated (the real-time
 * rule's terms), and the detector's build-time expansion (issue 20), refused when stale. Kept out
 * of stack.ts so the compliance CLIs read it without loading the Pulumi program.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "../config";
import { dictionaryProblems, dictionarySchema } from "../functions/compliance-detector/detect";

export function complianceDictionary(
  text = fs.readFileSync(path.join(PROJECT_ROOT, "compliance", "dictionary.json"), "utf8"),
): string {
  const parsed = dictionarySchema.safeParse(JSON.parse(text));
  const problems = parsed.success
    ? dictionaryProblems(parsed.data)
    : parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
  if (problems.length) {
    throw new Error(
      `compliance/dictionary.json is invalid:\n${problems.map((p) => `  - ${p}`).join("\n")}`,
    );
  }
  return text;
}

/**
 * What the detector ships: the build-time expansion of the repository's dictionary (issue 20),
 * refused when it was made from another dictionary.json. A dictionary given by a test (program
 * sources) ships as written.
 */
export function detectorDictionary(given?: string, expandedText?: string): string {
  return given !== undefined
    ? complianceDictionary(given)
    : expandedFor(complianceDictionary(), expandedText);
}

/** SHA-256 of a dictionary text: what an expansion records as its source. */
export const sha256 = (text: string) => crypto.createHash("sha256").update(text).digest("hex");

/**
 * The expansion of `written` (already validated by complianceDictionary), refused when it was
 * made from another text.
 */
export function expandedFor(
  written: string,
  expandedText = fs.existsSync(EXPANDED_DICTIONARY)
    ? fs.readFileSync(EXPANDED_DICTIONARY, "utf8")
    : undefined,
): string {
  const expanded = expandedText
    ? (JSON.parse(expandedText) as { sourceSha256?: string; dictionary?: unknown })
    : undefined;
  if (expanded?.sourceSha256 !== sha256(written))
    throw new Error(
      "compliance/dictionary.expanded.json was not made from compliance/dictionary.json (missing or stale). Fix: npm run compliance:expand -- --write",
    );
  return JSON.stringify(expanded.dictionary);
}

/** The build-time expansion of compliance/dictionary.json that the detector ships. */
export const EXPANDED_DICTIONARY = path.join(
  PROJECT_ROOT,
  "compliance",
  "dictionary.expanded.json",
);
