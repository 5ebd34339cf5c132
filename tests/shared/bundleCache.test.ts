import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expect } from "chai";
import { cachedBuild, forgetBuilds, type Place } from "../../lib/bundleCache";
import { FUNCTION_ENTRIES, functionBundles } from "../../components/shared/nodeFunction";
import { PROJECT_ROOT } from "../../config";

const OPTIONS = { bundle: true, platform: "node", format: "cjs", logLevel: "silent" } as const;

describe("bundle cache (lib/bundleCache.ts)", () => {
  let place: Place;
  const src = (f: string) => path.join(place.root, f);
  // Each call is a new process as far as the cache is concerned: only the disk is trusted.
  const build = (entries = ["a.ts"]) => {
    forgetBuilds();
    return cachedBuild("t", entries, OPTIONS, place);
  };
  const output = () => fs.readFileSync(build().outputs["a.ts"].file, "utf8");

  beforeEach(() => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bundle-cache-"));
    place = { root: path.join(dir, "src"), cacheDir: path.join(dir, "cache") };
    fs.mkdirSync(place.root);
    fs.writeFileSync(src("a.ts"), 'import { b } from "./b";\nexport const a = () => b + 1;\n');
    fs.writeFileSync(src("b.ts"), "export const b = 41;\n");
  });
  after(() => forgetBuilds());

  it("builds once, then serves the same files without running esbuild", () => {
    const first = build();
    expect(first.rebuilt).to.equal(true);
    expect(first.outputs["a.ts"].inputs).to.deep.equal(["a.ts", "b.ts"]);
    const second = build();
    expect(second.rebuilt).to.equal(false);
    expect(second.outputs).to.deep.equal(first.outputs);
    expect(output()).to.include("41");
  });

  it("rebuilds when an imported file's content changes", () => {
    build();
    fs.writeFileSync(src("b.ts"), "export const b = 99;\n");
    const again = build();
    expect(again.rebuilt).to.equal(true);
    expect(fs.readFileSync(again.outputs["a.ts"].file, "utf8")).to.include("99");
  });

  it("does not rebuild when a file is touched but its content is the same (checkout, touch)", () => {
    build();
    const later = new Date(Date.now() + 60_000);
    fs.utimesSync(src("b.ts"), later, later);
    expect(build().rebuilt).to.equal(false);
  });

  it("rebuilds when an output is damaged or the entries change", () => {
    build();
    fs.writeFileSync(build().outputs["a.ts"].file, "truncated");
    expect(build().rebuilt).to.equal(true);
    expect(output()).to.include("41");
    fs.writeFileSync(src("c.ts"), "export const c = 1;\n");
    expect(build(["a.ts", "c.ts"]).rebuilt).to.equal(true);
  });

  it("rebuilds when an input is gone, so a broken import fails instead of serving the old bundle", () => {
    build();
    fs.rmSync(src("b.ts"));
    expect(() => build()).to.throw(/Could not resolve "\.\/b"/);
  });

  it("never trusts a cache without its manifest", () => {
    const first = build();
    fs.rmSync(path.join(place.cacheDir, "t", "manifest.json"));
    expect(build().rebuilt).to.equal(true);
    expect(build().outputs).to.deep.equal(first.outputs);
  });

  it("holds every function entry of the program, each with the project files it bundles", () => {
    const { outputs } = functionBundles();
    expect(Object.keys(outputs).sort()).to.deep.equal([...FUNCTION_ENTRIES].sort());
    for (const e of FUNCTION_ENTRIES) {
      expect(outputs[e].inputs, e).to.include(e);
      expect(path.relative(PROJECT_ROOT, outputs[e].file)).to.equal(
        path.join(".bundles", "functions", e.replace(/\.ts$/, ".js")),
      );
    }
  });
});
