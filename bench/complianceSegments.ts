/**
 * Per-segment detector throughput as the Lambda function runs it: this file is bundled with the
 * functions' esbuild options (components/shared/nodeFunction.ts) and run in a fresh node, so the figure
 * includes what the bundle adds (keepNames) and excludes the tsx loader of the bench process.
 * `node <bundle> <terms>` prints the median, slowest and fastest MB/s of fifteen runs (after two
 * warm-up runs) over the benchmark's 1 MB text cut into ~60-character segments: on a shared
 * 2-core VM single runs swing by 2×, so the spread is part of the figure.
 */
import { spawnSync } from "node:child_process";
import * as esbuild from "esbuild";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { CompiledDictionary, detect } from "../functions/compliance-detector/detect";
import { FUNCTION_BUNDLE_OPTIONS } from "../components/shared/nodeFunction";
import { asSegments, dictionary, rng, text } from "./complianceData";

/** Runs in the bundle: median, slowest and fastest MB/s for `terms` generated entries. */
export function measure(terms: number): [number, number, number] {
  const rnd = rng(42);
  const raw = text(1e6, rnd);
  const compiled = new CompiledDictionary(dictionary(terms, rnd));
  const { analysis } = asSegments(raw);
  const bytes = Buffer.byteLength(raw);
  const rates: number[] = [];
  for (let r = 0; r < 17; r++) {
    const t = process.hrtime.bigint();
    detect(compiled, analysis);
    if (r >= 2) rates.push(bytes / 1e6 / (Number(process.hrtime.bigint() - t) / 1e9));
  }
  rates.sort((a, b) => a - b);
  return [rates[7], rates[0], rates[14]];
}

/** Bundles this file like a function and runs it for `terms` entries: median, min and max MB/s. */
export function perSegmentBundled(terms: number): { median: string; min: string; max: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "compliance-bench-"));
  try {
    const out = path.join(dir, "bench.js");
    esbuild.buildSync({
      ...FUNCTION_BUNDLE_OPTIONS,
      stdin: {
        contents: `const m = require(${JSON.stringify(__filename)}); console.log(m.measure(Number(process.argv[2])).map((x) => x.toFixed(1)).join(" "));`,
        resolveDir: __dirname,
        loader: "ts",
      },
      outfile: out,
    });
    const r = spawnSync(process.execPath, [out, String(terms)], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`bundled compliance bench failed: ${r.stderr}`);
    const [median, min, max] = r.stdout.trim().split(" ");
    return { median, min, max };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
