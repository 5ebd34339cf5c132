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
 *   - case particles (を, に, が, は, で, と) and the prefixes お/ご made optional, を/が/は said as
 *     one another or も, に as へ, のほう before a particle (職場のほうに), and ご/お added to a
 *     verbal noun before する (ご連絡いたします);
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
  // IPADIC reads 元本 がんぽん (the legal reading); callers and agents often say げんぽん.
  元本: ["げんぽん"],
  読み上げ: ["読みあげ", "よみ上げ"],
};

/** Most spellings one written spelling may expand to (a guard against combinatorial blow-up). */
export const MAX_PER_SPELLING = 256;

const PARTICLES = new Set(["を", "に", "が", "は", "で", "と"]);
/**
 * What a case particle may be said as instead (or left out): the object or subject of the phrase
 * is as often topicalised or made the subject in speech (元本を保証 → 元本は保証, 元本が保証され…),
 * に is also へ, and polite speech puts のほう before the particle (職場のほうに, 損失のほうは).
 */
const PARTICLE_ALTERNATIVES: Readonly<Record<string, readonly string[]>> = {
  を: ["を", "は", "が", "も"],
  が: ["が", "は", "も", "を"],
  は: ["は", "が", "も", "を"],
  に: ["に", "へ"],
};

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
  if (t.pos === "助詞" && PARTICLES.has(surface)) {
    const said = PARTICLE_ALTERNATIVES[surface] ?? [surface];
    return [...said, ...said.map((p) => `のほう${p}`), ""];
  }
  if (t.pos === "接頭詞" && (surface === "お" || surface === "ご")) return [surface, ""];
  if (isLastPredicate) {
    if (t.conjugated_type.startsWith("サ変"))
      return ["し", "する", "いたし", "いたす", "させていただ", "させてもら", "され"];
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

const lastPredicate = (tokens: readonly kuromoji.IpadicFeatures[]) => {
  let last = -1;
  tokens.forEach((t, i) => {
    if ((t.pos === "動詞" || t.pos === "形容詞") && t.pos_detail_1 === "自立") last = i;
  });
  return last;
};

/** Every way tokens[from, to) may be said, as in the whole phrase (capped). */
function spellTokens(
  tokens: readonly kuromoji.IpadicFeatures[],
  from: number,
  to: number,
  last: number,
): string[] {
  let out = [""];
  for (let i = from; i < to; i++) {
    const t = tokens[i];
    const next1 = tokens[i + 1];
    const beforeSuru =
      i + 1 === last && next1 !== undefined && next1.conjugated_type.startsWith("サ変");
    const alts = alternatives(t, i === last, last >= 0 && i > last, beforeSuru);
    const next: string[] = [];
    for (const prefix of out)
      for (const a of alts) if (next.length < MAX_PER_SPELLING) next.push(prefix + a);
    out = next;
  }
  return out;
}

/** The reviewed table applied to each spelling (補填 → 補てん, 補塡 …), the originals kept. */
const withSpellingTable = (spellings: readonly string[]) =>
  spellings.flatMap((s) => [
    s,
    ...Object.entries(SPELLING_TABLE).flatMap(([from, tos]) =>
      s.includes(from) ? tos.map((to) => s.split(from).join(to)) : [],
    ),
  ]);

/** Every spelling of one written phrase (normalised, deduplicated, capped). */
export function expandSpelling(tk: Tokenizer, written: string): string[] {
  const tokens = tk.tokenize(written);
  const out = spellTokens(tokens, 0, tokens.length, lastPredicate(tokens));
  const withTable = withSpellingTable(out);
  return [...new Set([written, ...withTable].map(normalise))].filter((s) => s.length >= 2);
}

/** Most gapped pairs one written spelling may give (before × after spellings). */
export const MAX_GAPPED_PER_SPELLING = 128;

/**
 * The phrase split where speech puts other words in between: what comes before the predicate
 * (without the case particle in front of it, which the gap may hold or change), and the
 * predicate (the last verb or adjective, or the last verbal noun: 補填, 保証). Both parts at
 * least two characters, so a lone kana never anchors a match (言う's stem 言 gives no pair).
 */
export function gappedPairs(tk: Tokenizer, written: string): { before: string; after: string }[] {
  // IPADIC splits kana-only phrases at random (げんぽんほしょう → げん/ぽん/ほしょ/う): only
  // spellings with kanji are split; kana forms of their words come from the readings.
  if (!/\p{Script=Han}/u.test(written)) return [];
  const tokens = tk.tokenize(written);
  const last = lastPredicate(tokens);
  let pred = last;
  if (pred < 0)
    tokens.forEach((t, i) => {
      if (t.pos === "名詞" && t.pos_detail_1 === "サ変接続") pred = i;
    });
  // A verb after a verbal noun (連絡します, 相談する): the noun starts the predicate.
  if (pred > 0 && tokens[pred - 1].pos_detail_1 === "サ変接続") pred--;
  if (pred <= 0) return [];
  // The prefix お/ご belongs to the predicate side (お読み上げ, ご連絡).
  const afterFrom = tokens[pred - 1].pos === "接頭詞" ? pred - 1 : pred;
  // The case particles before it are the gap's (it may hold another, or none).
  let head = afterFrom;
  while (head > 0 && tokens[head - 1].pos === "助詞") head--;
  if (head <= 0) return [];
  const norm = (xs: readonly string[]) =>
    [...new Set(withSpellingTable(xs).map(normalise))].filter((s) => s.length >= 2);
  const befores = norm(spellTokens(tokens, 0, head, last));
  const afters = norm(spellTokens(tokens, afterFrom, tokens.length, last));
  const pairs: { before: string; after: string }[] = [];
  for (const before of befores)
    for (const after of afters)
      if (pairs.length < MAX_GAPPED_PER_SPELLING) pairs.push({ before, after });
  return pairs;
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

const uniquePairs = (pairs: readonly { before: string; after: string }[]) => [
  ...new Map(pairs.map((p) => [`${p.before}\u0000${p.after}`, p])).values(),
];

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
        inflects:
          e.inflects ??
          // Spellings with kanji only: IPADIC splits kana-only ones at random.
          [e.term, ...e.variants].some(
            (w) => /\p{Script=Han}/u.test(w) && lastPredicate(tk.tokenize(w)) >= 0,
          ),
        gapped: uniquePairs([
          ...(e.gapped ?? []),
          ...[e.term, ...e.variants].flatMap((w) => gappedPairs(tk, w)),
        ]),
      })),
    },
  };
}
