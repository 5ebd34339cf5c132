/**
 * The README's rule table, generated from the rules so the documentation cannot drift from the
 * code (a test compares them). Print it with `npm run policy:table`.
 */
import { RULES } from "./rules";

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

if (require.main === module) process.stdout.write(`${rulesMarkdownTable()}\n`);
