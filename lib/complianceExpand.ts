/**
 * Build-time expansion of the compliance dictionary (issue 20): each entry's spellings are
 * analysed with kuromoji (IPADIC) and every way speech-to-text may write the same words is added
 * as a variant, so the function keeps its one-pass automaton and never runs an analyser (100-175×
 * slower per segment). What is added, per spelling:
 *   - each content word as written and in its reading (もうか, ほてん, がんぽん …; the normaliser
 *     folds katakana into hiragana, so one reading covers both scripts);
 *   - the last verb or adjective cut to its stem, so every conjugation and politeness level
 *     matches (儲か → 儲かる, 儲かります, 儲かるんです, 儲かって …), and する also as いたす,
 *     させていただく and される; the auxiliaries after it (ます, です) are dropped;
 *   - case particles (を, に, が, は, で, と) and the prefixes お/ご made optional, and ご/お added to
 *     a verbal noun before する (ご連絡いたします);
 *   - a small reviewed table of spellings readings cannot produce (補てん, 補塡; 読みあげ).
 * Negated forms (儲からない) match the stem too: the detector records them as negated and does
 * not alert. The result is written to compliance/dictionary.expanded.json
 * (`npm run compliance:expand -- --write`), which the stacks ship; a plan refuses a stale one.
 */
import * as path from "node:path";
import * as kuromoji from "kuromoji";
import {
  dictionarySchema,
  type Dictionary,
  type DictionaryEntry,
} from "../functions/compliance-detector/detect";
import { normalise } from "../functions/compliance-detector/normalize";
import { sha256 } from "./complianceDictionary";

/** Spellings readings cannot produce, reviewed by hand: surface → other spellings. */
export const SPELLING_TABLE: Readonly<Record<string, readonly string[]>> = {
  補填: ["補てん", "補塡"],
  読み上げ: ["読みあげ", "よみ上げ"],
};

/** Most spellings one written spelling may expand to (a guard against combinatorial blow-up). */
export const MAX_PER_SPELLING = 256;

const PARTICLES = new Set(["を", "に", "が", "は", "で", "と"]);

type Tokenizer = kuromoji.Tokenizer<kuromoji.IpadicFeatures>;

let tokenizer: Promise<Tokenizer> | undefined;

/** IPADIC from the kuromoji package, loaded once per process (about 0.5 s). */
export function loadTokenizer(): Promise<Tokenizer> {
  tokenizer ??= new Promise((resolve, reject) =>
    kuromoji
      .builder({
        dicPath: path.join(path.dirname(require.resolve("kuromoji/package.json")), "dict"),
      })
      .build((err, t) => (err ? reject(err) : resolve(t))),
  );
  return tokenizer;
}

const hira = (katakana: string | undefined) => (katakana ? normalise(katakana) : "");

/** The alternatives one token may be written as, in this position. */
function alternatives(
  t: kuromoji.IpadicFeatures,
  isLastPredicate: boolean,
  afterLastPredicate: boolean,
  beforeSuru: boolean,
): string[] {
  const surface = t.surface_form;
  // A verbal noun before する takes the honorific prefix in polite speech (ご連絡いたします).
  if (beforeSuru && t.pos_detail_1 === "サ変接続") {
    const reading = hira(t.reading);
    return [...new Set([surface, reading, `ご${surface}`, `お${surface}`].filter(Boolean))];
  }
  if (afterLastPredicate && (t.pos === "助動詞" || t.pos === "助詞")) return [""];
  if (t.pos === "助詞" && PARTICLES.has(surface)) return [surface, ""];
  if (t.pos === "接頭詞" && (surface === "お" || surface === "ご")) return [surface, ""];
  if (isLastPredicate) {
    if (t.conjugated_type.startsWith("サ変"))
      return ["し", "する", "いたし", "いたす", "させていただ", "され"];
    // The stem: what the written form shares with the dictionary form (儲かり/儲かる → 儲か).
    const base = t.basic_form === "*" ? surface : t.basic_form;
    let n = 0;
    while (n < surface.length && n < base.length && surface[n] === base[n]) n++;
    // Written in the dictionary form (言う, 儲かる): the stem is without its last kana.
    if (n === surface.length && t.conjugated_form === "基本形" && surface.length > 1) n--;
    const stem = surface.slice(0, Math.max(1, n));
    const cut = surface.length - stem.length;
    const reading = t.reading ? hira(t.reading).slice(0, hira(t.reading).length - cut) : "";
    return [...new Set([stem, reading].filter(Boolean))];
  }
  const reading = hira(t.reading);
  return [...new Set([surface, reading].filter(Boolean))];
}

/** Every spelling of one written phrase (normalised, deduplicated, capped). */
export function expandSpelling(tk: Tokenizer, written: string): string[] {
  const tokens = tk.tokenize(written);
  let last = -1;
  tokens.forEach((t, i) => {
    if ((t.pos === "動詞" || t.pos === "形容詞") && t.pos_detail_1 === "自立") last = i;
  });
  let out = [""];
  tokens.forEach((t, i) => {
    const next1 = tokens[i + 1];
    const beforeSuru =
      i + 1 === last && next1 !== undefined && next1.conjugated_type.startsWith("サ変");
    const alts = alternatives(t, i === last, last >= 0 && i > last, beforeSuru);
    const next: string[] = [];
    for (const prefix of out)
      for (const a of alts) if (next.length < MAX_PER_SPELLING) next.push(prefix + a);
    out = next;
  });
  const withTable = out.flatMap((s) => [
    s,
    ...Object.entries(SPELLING_TABLE).flatMap(([from, tos]) =>
      s.includes(from) ? tos.map((to) => s.split(from).join(to)) : [],
    ),
  ]);
  return [...new Set([written, ...withTable].map(normalise))].filter((s) => s.length >= 2);
}

/** The spellings of each entry, none shared between entries (the first entry keeps one). */
export function expandEntries(
  tk: Tokenizer,
  entries: readonly DictionaryEntry[],
): Map<string, string[]> {
  const owner = new Map<string, string>();
  const out = new Map<string, string[]>();
  // An entry's own written spellings first: they are never given away to another entry.
  for (const e of entries) for (const s of [e.term, ...e.variants]) owner.set(normalise(s), e.id);
  for (const e of entries) {
    const mine: string[] = [];
    for (const written of [e.term, ...e.variants])
      for (const s of expandSpelling(tk, written)) {
        if ((owner.get(s) ?? e.id) !== e.id || mine.includes(s)) continue;
        owner.set(s, e.id);
        mine.push(s);
      }
    out.set(e.id, mine);
  }
  return out;
}

/** What the stacks ship: the dictionary with every expansion as a variant, and its source. */
export interface ExpandedDictionary {
  /** SHA-256 of the dictionary.json text it was made from: a plan refuses a stale file. */
  readonly sourceSha256: string;
  readonly analyser: string;
  readonly dictionary: Dictionary;
}

export async function expandDictionary(sourceText: string): Promise<ExpandedDictionary> {
  const d = dictionarySchema.parse(JSON.parse(sourceText));
  const tk = await loadTokenizer();
  const spellings = expandEntries(tk, d.entries);
  const kuromojiVersion = (require("kuromoji/package.json") as { version: string }).version;
  return {
    sourceSha256: sha256(sourceText),
    analyser: `kuromoji ${kuromojiVersion} (IPADIC)`,
    dictionary: {
      ...d,
      entries: d.entries.map((e) => ({
        ...e,
        // The written spellings stay as they are; the rest are the expansions (normalised).
        variants: [
          ...e.variants,
          ...(spellings.get(e.id) ?? []).filter(
            (s) => ![e.term, ...e.variants].some((w) => normalise(w) === s),
          ),
        ],
      })),
    },
  };
}
