/**
 * The README's rule table, generated from the rules so the documentation cannot drift from the
 * code (a test compares them). `npm run policy:table` prints it; `-- --update README.md` rewrites
 * the table between the README's markers.
 */
import * as fs from "node:fs";
import { RULES } from "./rules";

export const TABLE_START = "<!-- prettier-ignore-start -->";
export const TABLE_END = "<!-- prettier-ignore-end -->";

export function rulesMarkdownTable(): string {
  const esc = (s: string) => s.replace(/\|/g, "\\|");
  return [
    "| rule | level | what it checks | FISC 実務基準 | what you must still do |",
    "|---|---|---|---|---|",
    ...RULES.map(
      (r) =>
        `| \`${r.name}\` | ${r.level} | ${esc(r.description)} | ${r.fisc.join(", ")} | ${esc(r.userMustStill)} |`,
    ),
  ].join("\n");
}

/** The README text with the generated table between the markers. */
export function withTable(readme: string): string {
  const start = readme.indexOf("\n", readme.indexOf(TABLE_START)) + 1;
  const end = readme.indexOf(TABLE_END);
  if (start === 0 || end < start) throw new Error(`README has no ${TABLE_START} ... ${TABLE_END}`);
  return `${readme.slice(0, start)}${rulesMarkdownTable()}\n${readme.slice(end)}`;
}

if (require.main === module) {
  const i = process.argv.indexOf("--update");
  if (i > 0 && process.argv[i + 1]) {
    const file = process.argv[i + 1];
    fs.writeFileSync(file, withTable(fs.readFileSync(file, "utf8")));
  } else {
    process.stdout.write(`${rulesMarkdownTable()}\n`);
  }
}
