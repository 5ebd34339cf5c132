/**
 * Compliance detector throughput: generated Japanese transcripts (1, 10, 100 MB of UTF-8) against
 * generated dictionaries (100, 1,000, 10,000 terms). Reports MB/s for the detector (normalise +
 * scan) and for the scan alone, and, on 1 MB, the naive baselines measured in the same run: one
 * regex alternation of every term, and an indexOf loop per term. Then per segment, as the
 * function runs it (detect(): each segment normalised with fillers and offsets, scanned,
 * negation checked), on the 1 MB text cut into segments of about 60 characters, with the same
 * two baselines applied segment by segment.
 */
import { CompiledDictionary, detect } from "../functions/compliance-detector/detect";
import { normalise } from "../functions/compliance-detector/normalize";
import { asSegments, dictionary, rng, text } from "./complianceData";
import { perSegmentBundled } from "./complianceSegments";

const mbps = (bytes: number, ms: number) => (bytes / 1e6 / (ms / 1000)).toFixed(1);
const time = (f: () => void) => {
  const t = process.hrtime.bigint();
  f();
  return Number(process.hrtime.bigint() - t) / 1e6;
};

export function benchCompliance(print: (k: string, v: unknown) => void, sizesMb = [1, 10, 100]) {
  const rnd = rng(42);
  const texts = new Map(sizesMb.map((mb) => [mb, text(mb * 1e6, rnd)]));
  for (const terms of [100, 1_000, 10_000]) {
    const dict = dictionary(terms, rnd);
    let compiled!: CompiledDictionary;
    print(
      `compliance.dict${terms}.compile_ms`,
      Math.round(time(() => (compiled = new CompiledDictionary(dict)))),
    );
    for (const [mb, t] of texts) {
      const bytes = Buffer.byteLength(t);
      let hits = 0;
      let norm = "";
      const total = time(() => {
        norm = normalise(t);
        compiled.matches(norm, () => hits++);
      });
      const scan = time(() => compiled.matches(norm, () => undefined));
      print(`compliance.dict${terms}.text${mb}mb.detector_mb_per_s`, mbps(bytes, total));
      print(`compliance.dict${terms}.text${mb}mb.scan_only_mb_per_s`, mbps(bytes, scan));
      print(`compliance.dict${terms}.text${mb}mb.matches`, hits);
    }
    // Baselines on the smallest text (they grow with text × terms).
    const small = normalise(texts.get(sizesMb[0])!);
    const smallBytes = Buffer.byteLength(texts.get(sizesMb[0])!);
    const spellings = dict.entries.map((e) => normalise(e.term));
    const re = new RegExp(
      spellings.map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"),
      "g",
    );
    let reHits = 0;
    print(
      `compliance.dict${terms}.baseline_regex_mb_per_s`,
      mbps(
        smallBytes,
        time(() => (reHits = [...small.matchAll(re)].length)),
      ),
    );
    let loopHits = 0;
    print(
      `compliance.dict${terms}.baseline_indexof_mb_per_s`,
      mbps(
        smallBytes,
        time(() => {
          for (const s of spellings)
            for (let i = small.indexOf(s); i >= 0; i = small.indexOf(s, i + 1)) loopHits++;
        }),
      ),
    );
    print(`compliance.dict${terms}.baseline_matches_regex_indexof`, `${reHits}/${loopHits}`);

    // Per segment, as the function runs it.
    const raw = texts.get(sizesMb[0])!;
    const { contents, analysis } = asSegments(raw);
    let found = 0;
    print(
      `compliance.dict${terms}.per_segment.detector_mb_per_s`,
      mbps(
        smallBytes,
        time(() => (found = detect(compiled, analysis).length)),
      ),
    );
    print(`compliance.dict${terms}.per_segment.segments`, contents.length);
    print(`compliance.dict${terms}.per_segment.findings`, found);
    // The same, in the function's own bundle (esbuild with the Lambda options) in a fresh node.
    const bundled = perSegmentBundled(terms);
    print(`compliance.dict${terms}.per_segment.bundled_detector_mb_per_s`, bundled.median);
    print(`compliance.dict${terms}.per_segment.bundled_detector_mb_per_s_min`, bundled.min);
    print(`compliance.dict${terms}.per_segment.bundled_detector_mb_per_s_max`, bundled.max);
    print(
      `compliance.dict${terms}.per_segment.baseline_regex_mb_per_s`,
      mbps(
        smallBytes,
        time(() => {
          for (const c of contents) reHits += [...normalise(c).matchAll(re)].length;
        }),
      ),
    );
    if (terms <= 1_000)
      print(
        `compliance.dict${terms}.per_segment.baseline_indexof_mb_per_s`,
        mbps(
          smallBytes,
          time(() => {
            for (const c of contents) {
              const n = normalise(c);
              for (const sp of spellings) if (n.includes(sp)) loopHits++;
            }
          }),
        ),
      );
  }
}
