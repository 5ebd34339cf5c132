/** Generated Japanese text and dictionaries for the compliance benchmarks (deterministic). */
import type { Analysis, Dictionary } from "../functions/compliance-detector/detect";
import { normalise } from "../functions/compliance-detector/normalize";

// A realistic alphabet: hiragana, katakana and 500 common kanji (JIS level 1 range start).
const KANA = Array.from({ length: 83 }, (_, i) => String.fromCharCode(0x3041 + i)).join("");
const KATA = Array.from({ length: 86 }, (_, i) => String.fromCharCode(0x30a1 + i)).join("");
const KANJI = Array.from({ length: 500 }, (_, i) => String.fromCharCode(0x4e00 + i * 7)).join("");
const ALPHABET = KANA + KANA + KATA + KANJI; // kana twice: transcripts are kana-heavy
const PUNCT = ["、", "。", " ", "？"];

export function rng(seed: number) {
  let s = seed;
  return () => (s = (s * 48271) % 2147483647) / 2147483647;
}

export function text(bytes: number, rnd: () => number): string {
  const parts: string[] = [];
  let size = 0;
  while (size < bytes) {
    const n = 2 + Math.floor(rnd() * 8);
    let w = "";
    for (let i = 0; i < n; i++) w += ALPHABET[Math.floor(rnd() * ALPHABET.length)];
    w += PUNCT[Math.floor(rnd() * PUNCT.length)];
    parts.push(w);
    size += n * 3 + 3;
  }
  return parts.join("");
}

export function dictionary(terms: number, rnd: () => number): Dictionary {
  const seen = new Set<string>();
  const entries: Dictionary["entries"] = [];
  while (entries.length < terms) {
    const n = 3 + Math.floor(rnd() * 5);
    let t = "";
    for (let i = 0; i < n; i++) t += ALPHABET[Math.floor(rnd() * ALPHABET.length)];
    const key = normalise(t);
    if (seen.has(key)) continue;
    seen.add(key);
    entries.push({
      id: `t${entries.length}`,
      term: t,
      variants: [],
      category: "bench",
      severity: "high",
      participant: "BOTH",
      exclusions: [],
    });
  }
  return { version: "bench", entries };
}

/** The text cut into ~60-character segments, as one Contact Lens analysis of one agent. */
export function asSegments(raw: string): { contents: string[]; analysis: Analysis } {
  const contents: string[] = [];
  for (let i = 0; i < raw.length; i += 60) contents.push(raw.slice(i, i + 60));
  return {
    contents,
    analysis: {
      Version: "1.1.0",
      CustomerMetadata: { ContactId: "bench", InstanceId: "bench" },
      Participants: [{ ParticipantId: "p", ParticipantRole: "AGENT" }],
      Transcript: contents.map((Content, i) => ({
        Id: `s${i}`,
        ParticipantId: "p",
        Content,
        BeginOffsetMillis: 0,
        EndOffsetMillis: 1,
      })),
    },
  };
}
