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
// 1 drop, 2 keep as is, 3 map (katakana or small kana). Keeps the hot loop free of regexes.
const KIND = new Uint8Array(0x10000);
const MAPPED = new Uint16Array(0x10000);

function classify(code: number): number {
  const ch = String.fromCharCode(code);
  if (DROP.test(ch)) return (KIND[code] = 1);
  let c = code;
  // Katakana ァ (U+30A1) … ヶ (U+30F6) sit 0x60 above their hiragana; ヷ-ヺ have none.
  if (c >= 0x30a1 && c <= 0x30f6) c -= 0x60;
  const large = SMALL_TO_LARGE[String.fromCharCode(c)];
  if (large) c = large.charCodeAt(0);
  if (c === code) return (KIND[code] = 2);
  MAPPED[code] = c;
  return (KIND[code] = 3);
}

export function normalise(input: string): string {
  const s = input.normalize("NFKC").toLowerCase();
  const out = new Uint16Array(s.length);
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i);
    // Surrogate pairs (outside the BMP: emoji, rare kanji) are kept as they are.
    if (code >= 0xd800 && code <= 0xdfff) {
      out[n++] = code;
      continue;
    }
    const kind = KIND[code] || classify(code);
    if (kind === 1) continue;
    out[n++] = kind === 3 ? MAPPED[code] : code;
  }
  return decoder.decode(out.subarray(0, n));
}

const decoder = new TextDecoder("utf-16le");
