/**
 * `npm run compliance:expand -- <entry id>...` prints every spelling an entry matches after the
 * build-time expansion (lib/complianceExpand.ts), so a reviewer sees exactly what will match.
 * `npm run compliance:expand -- --write` writes compliance/dictionary.expanded.json, which the
 * stacks ship (a plan refuses one made from another dictionary.json).
 * `--dictionary <file>` expands another dictionary. Exit codes: 0 done, 1 unknown entry, 2 bad usage.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Command } from "commander";
import { PROJECT_ROOT } from "../config";
import { GAP_MAX } from "../functions/compliance-detector/detect";
import { expandDictionary } from "../lib/complianceExpand";
import { runMain, USAGE_ERROR } from "./cli";

export const EXPANDED_FILE = path.join(PROJECT_ROOT, "compliance", "dictionary.expanded.json");

async function main(argv: string[]): Promise<number> {
  const program = new Command()
    .name("npm run compliance:expand --")
    .argument("[entry...]", "entry ids whose spellings to print")
    .option(
      "--dictionary <file>",
      "the dictionary to expand",
      path.join(PROJECT_ROOT, "compliance", "dictionary.json"),
    )
    .option("--write", `write ${path.relative(PROJECT_ROOT, EXPANDED_FILE)}`)
    .exitOverride();
  program.configureOutput({ writeErr: (s) => process.stderr.write(s) });
  try {
    program.parse(argv, { from: "node" });
  } catch {
    return USAGE_ERROR;
  }
  const o = program.opts<{ dictionary: string; write?: boolean }>();
  const ids = program.args;
  if (!o.write && !ids.length) {
    process.stderr.write("give entry ids to print, or --write\n");
    return USAGE_ERROR;
  }
  if (!fs.existsSync(o.dictionary)) {
    process.stderr.write(`${o.dictionary}: no such file\n`);
    return USAGE_ERROR;
  }
  const expanded = await expandDictionary(fs.readFileSync(o.dictionary, "utf8"));
  if (o.write) {
    // Formatted as `npm run lint` checks it (prettier, the project's settings).
    const prettier = await import("prettier");
    const options = (await prettier.resolveConfig(EXPANDED_FILE)) ?? {};
    fs.writeFileSync(
      EXPANDED_FILE,
      await prettier.format(JSON.stringify(expanded, null, 2), {
        ...options,
        filepath: EXPANDED_FILE,
      }),
    );
    const total = expanded.dictionary.entries.reduce((n, e) => n + 1 + e.variants.length, 0);
    const gapped = expanded.dictionary.entries.reduce((n, e) => n + (e.gapped?.length ?? 0), 0);
    process.stdout.write(
      `${path.relative(PROJECT_ROOT, EXPANDED_FILE)}: ${expanded.dictionary.entries.length} entries, ${total} spellings, ${gapped} gapped pairs\n`,
    );
  }
  let code = 0;
  for (const id of ids) {
    const e = expanded.dictionary.entries.find((x) => x.id === id);
    if (!e) {
      process.stderr.write(
        `${id}: no such entry (${expanded.dictionary.entries.map((x) => x.id).join(", ")})\n`,
      );
      code = 1;
      continue;
    }
    process.stdout.write(`${id} (${e.term}): ${1 + e.variants.length} spellings\n`);
    for (const s of [e.term, ...e.variants]) process.stdout.write(`  ${s}\n`);
    // With other words between (at most GAP_MAX characters, one sentence): before … after.
    const pairs = e.gapped ?? [];
    process.stdout.write(
      `${id}: ${pairs.length} gapped pairs (up to ${GAP_MAX} characters between)\n`,
    );
    for (const g of pairs) process.stdout.write(`  ${g.before} … ${g.after}\n`);
  }
  return code;
}

// `… | head`: a closed pipe ends the listing quietly.
process.stdout.on("error", (e: NodeJS.ErrnoException) => {
  if (e.code === "EPIPE") process.exit(0);
  throw e;
});

if (require.main === module) runMain(main);
