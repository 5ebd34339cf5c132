/**
 * README stays true (issue 21): every YAML and JSON block in it parses, every `npm run <script>`
 * it names exists, and every npm script that needs the dependencies installs them first, so each
 * works on a fresh clone.
 */
import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { PROJECT_ROOT } from "../../config";

const README = fs.readFileSync(path.join(PROJECT_ROOT, "README.md"), "utf8");
const scripts = (
  JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8")) as {
    scripts: Record<string, string>;
  }
).scripts;

/** Fenced blocks of one language, with their line in README. */
const blocks = (lang: string) =>
  [...README.matchAll(new RegExp("```" + lang + "\\n([\\s\\S]*?)```", "g"))].map((m) => ({
    line: README.slice(0, m.index).split("\n").length,
    text: m[1],
  }));

describe("README", () => {
  it("every YAML block parses", () => {
    const yaml = blocks("yaml");
    expect(yaml.length).to.be.greaterThan(0);
    for (const b of yaml)
      expect(() => parseYaml(b.text) as unknown, `README.md:${b.line}`).to.not.throw();
  });

  it("every JSON block parses", () => {
    const json = blocks("json");
    expect(json.length).to.be.greaterThan(0);
    for (const b of json)
      expect(() => JSON.parse(b.text) as unknown, `README.md:${b.line}`).to.not.throw();
  });

  it("every npm run command it names exists", () => {
    const named = [
      ...new Set([...README.matchAll(/npm run (?:--silent )?([a-z][a-z:-]*)/g)].map((m) => m[1])),
    ];
    expect(named.length).to.be.greaterThan(5);
    expect(named.filter((n) => !(n in scripts))).to.deep.equal([]);
  });

  it("every npm script that runs a dependency installs the dependencies first", () => {
    const needs = /\b(tsx|mocha|tsc|eslint|prettier)\b|--import tsx/;
    const missing = Object.entries(scripts)
      .filter(([, cmd]) => needs.test(cmd) && !cmd.startsWith("node scripts/ensure-deps.mjs"))
      // `npm test` runs `pretest` (ensure-deps) first.
      .filter(([name]) => !(name === "test" && scripts.pretest?.includes("ensure-deps")))
      .map(([name]) => name);
    expect(missing).to.deep.equal([]);
  });
});
