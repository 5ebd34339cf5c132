/**
 * Japanese text normalisation for matching, applied identically to dictionary terms and to
 * transcripts, so that one dictionary entry matches every way speech-to-text may write it:
 *   - NFKC: full-width latin and digits, half-width katakana, compatibility forms (㈱ → (株));
 *   - lower-case latin;
 *   - katakana → hiragana (ホショウ and ほしょう are the same word spoken);
 *   - small kana → full-size (ぁ→あ, っ→つ, ゃ→や, ゎ→わ, ヵ→か) so gemination and glide spellings meet;
 *   - the long-vowel mark ー and its look-alikes are dropped (ほーしょー ~ ほしょう is left to variants,
 *     but リターン and りたん meet);
 *   - whitespace, punctuation and symbols are dropped (transcripts put spaces between characters).
 *
 * For transcripts (not dictionary terms), `normaliseSpoken` also skips fillers (えー, えーと, えっと,
 * あの(ー), まあ, うーん, その(ー)…) in the same pass, and records for every output unit the
 * index of the input unit it came from, so a match is reported as the span of what was said.
 */

const SMALL_TO_LARGE: Record<string, string> = {
  ぁ: "あ",
  ぃ: "い",
  ぅ: "う",
  ぇ: "え",
  ぉ: "お",
  っ: "つ",
  ゃ: "や",
  ゅ: "ゆ",
  ょ: "よ",
  ゎ: "わ",
  ゕ: "か",
  ゖ: "け",
};

/** Characters that carry no meaning for matching: separators, punctuation, symbols, long vowels. */
const DROP = /[\p{Z}\p{P}\p{S}\p{Cc}\p{Cf}ーｰ―‐－〜~]/u;

// Per-code-unit decision for the BMP, computed once per character on first sight: 0 unknown,
// 1 drop, 2 keep as is, 3 map (lower case, katakana, small kana), 4 not NFKC-stable (compatibility
// forms, combining marks, jamo, surrogates). Most transcript text never meets a 4, so the costly
// String.prototype.normalize runs only on the short stretches that need it (measured: NFKC over
// the whole text alone ran at 160 MB/s, slower than the rest of the detector).
const KIND = new Uint8Array(0x10000);
const MAPPED = new Uint16Array(0x10000);
/** For a kind-4 unit that is already NFKC output (inside a normalised stretch): 1, 2 or 3. */
const AFTER_NFKC = new Uint8Array(0x10000);

function decide(code: number, lower: string): number {
  if (lower.length !== 1) return 2;
  if (DROP.test(lower)) return 1;
  let c = lower.charCodeAt(0);
  // Katakana ァ (U+30A1) … ヶ (U+30F6) sit 0x60 above their hiragana; ヷ-ヺ have none.
  if (c >= 0x30a1 && c <= 0x30f6) c -= 0x60;
  const large = SMALL_TO_LARGE[String.fromCharCode(c)];
  if (large) c = large.charCodeAt(0);
  if (c === code) return 2;
  MAPPED[code] = c;
  return 3;
}

const UNSTABLE = /[\p{M}\u1100-\u11ff\ua960-\ua97f\ud7b0-\ud7ff]/u;

function classify(code: number): number {
  const ch = String.fromCharCode(code);
  const lower = ch.toLowerCase();
  const unstable =
    (code >= 0xd800 && code <= 0xdfff) ||
    ch.normalize("NFKC") !== ch ||
    UNSTABLE.test(ch) ||
    lower.length !== 1;
  const kind = decide(code, lower);
  if (!unstable) return (KIND[code] = kind);
  AFTER_NFKC[code] = kind;
  return (KIND[code] = 4);
}

/**
 * Fillers as speech-to-text writes them (hiragana or katakana): ones that are never part of a
 * word anywhere (えーと, えっと, うーん, elongated えー / あのー / そのー); the short ones (あの, その,
 * まあ, え) only before a pause mark (、 , … or a space), where they cannot be a demonstrative or
 * the start of a word; and あの between a particle and a noun (損失をあの補填). Fillers inside a
 * dictionary term never occur, so skipping them creates no match the words would not make.
 * A scanner over code units, not a regular expression: measured, the regex alone took as long as
 * normalising the segment.
 */
const is = (c: number, hira: number) => c === hira || c === hira + 0x60;
const LONG = (c: number) => c === 0x30fc || c === 0xff70; // ー ｰ
const PAUSE = (c: number) =>
  c === 0x3001 ||
  c === 0xff0c ||
  c === 0x2c ||
  c === 0x2026 ||
  c === 0x20 ||
  c === 0x3000 ||
  c === 0x09 ||
  c === 0x0a;
const PARTICLE = new Set([..."をにがはでともへ"].map((ch) => ch.charCodeAt(0)));
const NOUNISH = (c: number) =>
  (c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf) || (c >= 0x30a1 && c <= 0x30fa);
const [E, U, A, SO, MA, TO, N, NO, TSU] = [..."えうあそまとんのっ"].map((ch) => ch.charCodeAt(0));
/** Every filler starts with one of these: a segment without any skips the scan. */
const FILLER_START = /[えエうウあアそソまマ]/;
/** The same, as a table the scan reads once per code unit. */
const STARTS = new Uint8Array(0x10000);
for (const ch of "えエうウあアそソまマ") STARTS[ch.charCodeAt(0)] = 1;

/** The input ranges (start, end pairs) of fillers in a transcript segment. */
export function fillerRanges(input: string): number[] {
  const ranges: number[] = [];
  // charCodeAt past the end is NaN, which no test below accepts.
  if (!FILLER_START.test(input)) return ranges;
  for (let i = 0; i < input.length; i++) {
    const c = input.charCodeAt(i);
    if (!STARTS[c]) continue;
    let end = -1;
    if (is(c, E)) {
      let k = i + 1;
      while (LONG(input.charCodeAt(k))) k++;
      if (is(input.charCodeAt(k), TO))
        end = k + 1; // えと, えーと
      else if (is(input.charCodeAt(i + 1), TSU) && is(input.charCodeAt(i + 2), TO))
        end = i + 3; // えっと
      else if (k > i + 1)
        end = k; // えー
      else if (PAUSE(input.charCodeAt(i + 1))) end = i + 1; // え、
    } else if (is(c, U)) {
      let k = i + 1;
      while (LONG(input.charCodeAt(k))) k++;
      if (k > i + 1 && is(input.charCodeAt(k), N)) end = k + 1; // うーん
    } else if ((is(c, A) || is(c, SO)) && is(input.charCodeAt(i + 1), NO)) {
      let k = i + 2;
      while (LONG(input.charCodeAt(k))) k++;
      if (k > i + 2)
        end = k; // あのー, そのー
      else if (PAUSE(input.charCodeAt(k)))
        end = k; // あの、 その…
      else if (
        is(c, A) &&
        i > 0 &&
        PARTICLE.has(input.charCodeAt(i - 1)) &&
        NOUNISH(input.charCodeAt(k))
      )
        end = k; // をあの補填
    } else if (is(c, MA) && is(input.charCodeAt(i + 1), A) && PAUSE(input.charCodeAt(i + 2)))
      end = i + 2; // まあ、
    if (end > i) {
      ranges.push(i, end);
      i = end - 1;
    }
  }
  return ranges;
}

/** What was said, normalised for matching, with each output unit's input index. */
export interface Spoken {
  readonly text: string;
  /** map[k]: the input index output unit k came from. */
  readonly map: Uint32Array;
}

/** Transcript normalisation: fillers skipped, offsets kept (see the top). */
export function normaliseSpoken(input: string, fillers = fillerRanges(input)): Spoken {
  return normaliseMapped(input, fillers);
}

/**
 * The text to match in (fillers skipped), and the offset map only when a match asks for it:
 * most segments match nothing, and most have no filler, so they take the plain fast path.
 */
export function spokenLazily(input: string): LazySpoken {
  return new LazySpoken(input);
}

export class LazySpoken {
  /** The normalised code units: `units[0, length)`. A reused buffer: valid until the next segment. */
  readonly units: Uint16Array;
  readonly length: number;
  private readonly fillers: number[];
  private spoken?: Spoken;
  private str?: string;
  constructor(private readonly input: string) {
    this.fillers = fillerRanges(input);
    if (this.fillers.length) {
      this.spoken = normaliseSpoken(input, this.fillers);
      this.str = this.spoken.text;
      this.units = new Uint16Array(this.str.length);
      for (let i = 0; i < this.str.length; i++) this.units[i] = this.str.charCodeAt(i);
      this.length = this.str.length;
    } else {
      const r = normaliseUnits(input);
      this.units = r.units;
      this.length = r.length;
    }
  }
  /** As a string, made only when asked (a match needs it; most segments have none). */
  get text(): string {
    return (this.str ??= Buffer.from(this.units.buffer, 0, this.length * 2).toString("utf16le"));
  }
  map(): Uint32Array {
    return (this.spoken ??= normaliseSpoken(this.input, this.fillers)).map;
  }
}

/**
 * normalise() with fillers skipped and each output unit's input index recorded. A copy of its
 * loop rather than normalise() calling this one: the plain loop is the hot path of every segment
 * without a filler or a match, and this one, with an empty skip list, is slower on it (measured
 * 2026-12-06: 300,000 segments 874 vs 946 ms, one 22 MB text 163 vs 194 ms). Change both together.
 */
let scratchOut = new Uint16Array(1024);
let scratchMap = new Uint32Array(1024);

function normaliseMapped(input: string, skip: readonly number[]): Spoken {
  // Scratch buffers reused across calls (segments are short and many); the map is copied out.
  if (scratchOut.length < input.length + 16) {
    scratchOut = new Uint16Array((input.length + 16) * 2);
    scratchMap = new Uint32Array(scratchOut.length);
  }
  let out = scratchOut;
  let map = scratchMap;
  let n = 0;
  let nextSkip = 0;
  // End of the last filler skipped: a normalised stretch never reaches back into it.
  let skippedTo = 0;
  // Output length before the previous input unit was emitted (it may join a stretch to NFKC).
  let beforePrev = 0;
  for (let i = 0; i < input.length; i++) {
    if (nextSkip < skip.length && i >= skip[nextSkip]) {
      // A filler: jump over it as if it were punctuation.
      i = skip[nextSkip + 1] - 1;
      skippedTo = skip[nextSkip + 1];
      nextSkip += 2;
      beforePrev = n;
      continue;
    }
    const code = input.charCodeAt(i);
    const kind = KIND[code] || classify(code);
    if (kind !== 4) {
      beforePrev = n;
      if (kind === 1) continue;
      map[n] = i;
      out[n++] = kind === 3 ? MAPPED[code] : code;
      continue;
    }
    // A stretch to normalise: from the previous unit (a base a combining mark may join, as in
    // か + ゛ → が) to the next stable one. Stable units do not compose across, so the stretches
    // normalise independently.
    const from = i > skippedTo ? i - 1 : i;
    if (from < i) n = beforePrev;
    let to = i + 1;
    while (
      to < input.length &&
      (KIND[input.charCodeAt(to)] || classify(input.charCodeAt(to))) === 4
    )
      to++;
    // The units of a stretch all point at its first input unit.
    const piece = input.slice(from, to).normalize("NFKC").toLowerCase();
    // NFKC may lengthen a stretch (㍻ → 平成): make room for the rest of the input too.
    if (n + piece.length + (input.length - to) > out.length) {
      const bigger = new Uint16Array((n + piece.length + (input.length - to)) * 2);
      bigger.set(out.subarray(0, n));
      out = bigger;
      const biggerMap = new Uint32Array(bigger.length);
      biggerMap.set(map.subarray(0, n));
      map = biggerMap;
    }
    for (let j = 0; j < piece.length; j++) {
      const c = piece.charCodeAt(j);
      let k = KIND[c] || classify(c);
      if (k === 4) k = AFTER_NFKC[c];
      if (k === 1) continue;
      map[n] = from;
      out[n++] = k === 3 ? MAPPED[c] : c;
    }
    beforePrev = n;
    i = to - 1;
  }
  // Buffer's UTF-16 decoding measured twice as fast as TextDecoder's on 30 M code units.
  return { text: Buffer.from(out.buffer, 0, n * 2).toString("utf16le"), map: map.slice(0, n) };
}

export function normalise(input: string): string {
  const { units, length } = normaliseInto(input, new Uint16Array(input.length + 16));
  // Buffer's UTF-16 decoding measured twice as fast as TextDecoder's on 30 M code units.
  return Buffer.from(units.buffer, units.byteOffset, length * 2).toString("utf16le");
}

/** The spoken text's buffer, reused segment after segment (never by normalise()). */
let scratchUnits: Uint16Array<ArrayBufferLike> = new Uint16Array(1024);

/**
 * A transcript segment normalised into a reused buffer, valid until the next segment: the
 * detector scans it as is, so a segment that matches nothing costs no allocation and no string.
 * normalise() (called from inside a match, by the negation check) has its own buffer.
 */
export function normaliseUnits(input: string): {
  units: Uint16Array<ArrayBufferLike>;
  length: number;
} {
  if (scratchUnits.length < input.length + 16)
    scratchUnits = new Uint16Array((input.length + 16) * 2);
  const r = normaliseInto(input, scratchUnits);
  scratchUnits = r.units;
  return r;
}

function normaliseInto(
  input: string,
  buffer: Uint16Array<ArrayBufferLike>,
): { units: Uint16Array<ArrayBufferLike>; length: number } {
  let out = buffer;
  let n = 0;
  // Output length before the previous input unit was emitted (it may join a stretch to NFKC).
  let beforePrev = 0;
  for (let i = 0; i < input.length; i++) {
    const code = input.charCodeAt(i);
    const kind = KIND[code] || classify(code);
    if (kind !== 4) {
      beforePrev = n;
      if (kind === 1) continue;
      out[n++] = kind === 3 ? MAPPED[code] : code;
      continue;
    }
    // A stretch to normalise: from the previous unit (a base a combining mark may join, as in
    // か + ゛ → が) to the next stable one. Stable units do not compose across, so the stretches
    // normalise independently.
    const from = i > 0 ? i - 1 : i;
    if (i > 0) n = beforePrev;
    let to = i + 1;
    while (
      to < input.length &&
      (KIND[input.charCodeAt(to)] || classify(input.charCodeAt(to))) === 4
    )
      to++;
    const piece = input.slice(from, to).normalize("NFKC").toLowerCase();
    // NFKC may lengthen a stretch (㍻ → 平成): make room for the rest of the input too.
    if (n + piece.length + (input.length - to) > out.length) {
      const bigger = new Uint16Array((n + piece.length + (input.length - to)) * 2);
      bigger.set(out.subarray(0, n));
      out = bigger;
    }
    for (let j = 0; j < piece.length; j++) {
      const c = piece.charCodeAt(j);
      let k = KIND[c] || classify(c);
      if (k === 4) k = AFTER_NFKC[c];
      if (k === 1) continue;
      out[n++] = k === 3 ? MAPPED[c] : c;
    }
    beforePrev = n;
    i = to - 1;
  }
  return { units: out, length: n };
}
