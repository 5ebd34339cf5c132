/**
 * `npm run compliance:scan -- <analysis.json>... [--dictionary <file>]`
 * Prints each finding as one JSON line (the detector function's own core). A file that is not a
 * Contact Lens 1.1.0 analysis is reported on stderr with the reason; exit 1 if any was, 2 on bad
 * usage or an invalid dictionary.
 */
import { Command } from "commander";
import * as fs from "node:fs";
import * as path from "node:path";
import {
  CompiledDictionary,
  detect,
  dictionaryProblems,
  dictionarySchema,
  parseAnalysis,
} from "../functions/compliance-detector/detect";
import { parseArgs, USAGE_ERROR } from "./cli";

import { detectorDictionary } from "../lib/complianceDictionary";

export const DEFAULT_DICTIONARY = path.join(__dirname, "..", "compliance", "dictionary.json");

function main(argv: string[]): number {
  const program = new Command()
    .name("npm run compliance:scan --")
    .argument("<files...>", "Contact Lens analysis files (Analysis/Voice/..._analysis_....json)")
    .option("-d, --dictionary <file>", "compliance dictionary", DEFAULT_DICTIONARY);
  const stop = parseArgs(program, argv);
  if (stop !== undefined) return stop;
  const o = program.opts<{ dictionary: string }>();
  // Bad usage in one line (exit 2): a dictionary or analysis file that is not there.
  for (const file of [o.dictionary, ...program.args])
    if (!fs.existsSync(file)) {
      process.stderr.write(`${file}: no such file\n`);
      return USAGE_ERROR;
    }
  // The repository's dictionary is scanned as the detector ships it: expanded (issue 20). Any
  // other file is scanned as written.
  const text =
    o.dictionary === DEFAULT_DICTIONARY
      ? detectorDictionary()
      : fs.readFileSync(o.dictionary, "utf8");
  const parsed = dictionarySchema.safeParse(JSON.parse(text));
  if (!parsed.success) {
    process.stderr.write(
      `${o.dictionary}: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}\n`,
    );
    return USAGE_ERROR;
  }
  const problems = dictionaryProblems(parsed.data);
  if (problems.length) {
    process.stderr.write(`${o.dictionary}:\n${problems.map((p) => `  ${p}`).join("\n")}\n`);
    return USAGE_ERROR;
  }
  const compiled = new CompiledDictionary(parsed.data);
  let code = 0;
  for (const file of program.args) {
    const r = parseAnalysis(fs.readFileSync(file, "utf8"));
    if (!r.ok) {
      process.stderr.write(`${file}: ${r.reason}\n`);
      code = 1;
      continue;
    }
    for (const f of detect(compiled, r.analysis))
      process.stdout.write(`${JSON.stringify({ file, ...f })}\n`);
  }
  return code;
}

process.exitCode = main(process.argv);
