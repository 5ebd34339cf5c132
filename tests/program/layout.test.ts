/**
 * The repository layout holds (README "Repository layout"): imports go one way, stack.ts →
 * components/<capability>/ → components/shared/, and no capability imports another; every
 * capability folder has its tests folder; the README's table names every capability folder.
 */
import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "../../config";

const COMPONENTS = path.join(PROJECT_ROOT, "components");
const capabilities = fs
  .readdirSync(COMPONENTS, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

/** Relative imports of a file (static, dynamic and type-only), resolved to project paths. */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, "utf8");
  return [...text.matchAll(/(?:from|import|require)\s*\(?\s*["'](\.{1,2}\/[^"']+)["']/g)].map((m) =>
    path.relative(PROJECT_ROOT, path.resolve(path.dirname(file), m[1])),
  );
}

describe("repository layout", () => {
  it("has the capability folders the README names", () => {
    expect(capabilities).to.deep.equal([
      "callerAuth",
      "chat",
      "compliance",
      "configBackup",
      "contactCenter",
      "contactFlows",
      "dr",
      "operations",
      "outbound",
      "selfService",
      "shared",
    ]);
    const readme = fs.readFileSync(path.join(PROJECT_ROOT, "README.md"), "utf8");
    for (const c of capabilities) {
      expect(readme, c).to.include(`\`components/${c}/\``);
      expect(fs.existsSync(path.join(PROJECT_ROOT, "tests", c)), `tests/${c}`).to.equal(true);
    }
  });

  it("imports go one way: no capability imports another, shared imports no capability", () => {
    const wrong: string[] = [];
    for (const c of capabilities)
      for (const f of fs.readdirSync(path.join(COMPONENTS, c)).filter((x) => x.endsWith(".ts")))
        for (const target of importsOf(path.join(COMPONENTS, c, f))) {
          const [top, sub] = target.split(path.sep);
          if (target === "config" || target === "stack") wrong.push(`${c}/${f} → ${target}`);
          if (top === "components" && sub !== c && sub !== "shared")
            wrong.push(`${c}/${f} → ${target}`);
          if (c === "shared" && top === "components" && sub !== "shared")
            wrong.push(`${c}/${f} → ${target}`);
        }
    expect(wrong).to.deep.equal([]);
  });

  it("leaves no component file outside a capability folder but the barrel", () => {
    expect(fs.readdirSync(COMPONENTS).filter((f) => f.endsWith(".ts"))).to.deep.equal(["index.ts"]);
  });
});
