/**
 * The compliance detector's core, shared by the Lambda function and `npm run compliance:scan`:
 * validate a compliance dictionary, compile it once, and find its terms in a Contact Lens
 * post-call analysis file (Version 1.1.0) for the participants each term applies to.
 */
import { z } from "zod";
import { Automaton, type AutomatonMatch } from "./automaton";
import { normalise, spokenLazily, type LazySpoken } from "./normalize";

export const PARTICIPANTS = ["AGENT", "CUSTOMER", "BOTH"] as const;
export const SEVERITIES = ["low", "medium", "high", "critical"] as const;
export type Severity = (typeof SEVERITIES)[number];
/** Position in SEVERITIES: higher is more severe. */
export const severityRank = (s: Severity): number => SEVERITIES.indexOf(s);

const entrySchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "lower-case letters, digits and hyphens"),
  term: z.string().min(1),
  /** Other spellings the normaliser cannot derive (kanji vs kana, abbreviations). */
  variants: z.array(z.string().min(1)).default([]),
  /** e.g. 断定的判断の提供, 損失補填, 威迫, 個人情報 */
  category: z.string().min(1),
  severity: z.enum(SEVERITIES),
  participant: z.enum(PARTICIPANTS),
  /** Phrases that, when they contain the match, make it harmless (e.g. 元本保証はございません). */
  exclusions: z.array(z.string().min(1)).default([]),
  /**
   * Whether a negation or refusal in the clause after the match (元本保証ではございません,
   * 損失補填はできません) makes it harmless. false for what is worth seeing however it is said
   * (a customer's 金融庁には言いません is still a sign of a dispute).
   */
  negatable: z.boolean().optional(),
  /**
   * The entry's words with a few others between them (損失が出た場合は補填, 絶対にこれは儲かり): the
   * part before the predicate, then the predicate, at most GAP_MAX characters apart in one sentence.
   * Written by the expansion (lib/complianceExpand.ts) or by hand; normalised spellings.
   */
  gapped: z
    .array(z.strictObject({ before: z.string().min(2), after: z.string().min(2) }))
    .optional(),
  /**
   * Its spellings end in the stem of a verb or adjective (儲か, 電話し): a finding's text then runs
   * on to the end of the word as said (儲かります), so it reads as what was said. Set by the
   * expansion.
   */
  inflects: z.boolean().optional(),
});

export const dictionarySchema = z.strictObject({
  version: z.string().min(1),
  entries: z.array(entrySchema).min(1),
});
export type Dictionary = z.output<typeof dictionarySchema>;
export type DictionaryEntry = Dictionary["entries"][number];

/** Problems a dictionary has beyond its shape: each names the entry and the fix. */
export function dictionaryProblems(d: Dictionary): string[] {
  const problems: string[] = [];
  const ids = new Set<string>();
  const owner = new Map<string, string>();
  for (const e of d.entries) {
    if (ids.has(e.id)) problems.push(`entries.${e.id}: id used twice; give each entry its own id`);
    ids.add(e.id);
    for (const spelling of [e.term, ...e.variants]) {
      const n = normalise(spelling);
      if (n.length < 2)
        problems.push(
          `entries.${e.id}: "${spelling}" normalises to "${n}", too short to match safely; use a longer phrase`,
        );
      const other = owner.get(n);
      if (other && other !== e.id)
        problems.push(
          `entries.${e.id}: "${spelling}" is the same after normalisation as a spelling of ${other}; keep it in one entry`,
        );
      owner.set(n, e.id);
    }
    for (const x of e.exclusions) {
      const nx = normalise(x);
      if (![e.term, ...e.variants].some((t) => nx.includes(normalise(t))))
        problems.push(
          `entries.${e.id}: exclusion "${x}" does not contain the term or a variant, so it can never apply`,
        );
    }
  }
  return problems;
}

/** Contact Lens post-call analysis output, the parts the detector reads. */
export const analysisSchema = z.object({
  Version: z.literal("1.1.0"),
  CustomerMetadata: z.object({ ContactId: z.string().min(1), InstanceId: z.string().min(1) }),
  Participants: z
    .array(z.object({ ParticipantId: z.string().min(1), ParticipantRole: z.string().min(1) }))
    .min(1),
  Transcript: z.array(
    z.object({
      Id: z.string().min(1),
      ParticipantId: z.string().min(1),
      Content: z.string(),
      BeginOffsetMillis: z.number().int().nonnegative(),
      EndOffsetMillis: z.number().int().nonnegative(),
    }),
  ),
});
export type Analysis = z.output<typeof analysisSchema>;

export interface Finding {
  readonly contactId: string;
  readonly segmentId: string;
  readonly participant: string;
  readonly entryId: string;
  readonly term: string;
  readonly category: string;
  readonly severity: Severity;
  readonly beginOffsetMillis: number;
  readonly endOffsetMillis: number;
  readonly dictionaryVersion: string;
  /** What was said: the matched span of the segment's Content, and its offsets there. */
  readonly text: string;
  readonly start: number;
  readonly end: number;
  /** Negated or refused in the same clause: recorded for review, never alerted. */
  readonly negated: boolean;
}

/**
 * Negation and refusal in the clause after a match (normalised: hiragana, no punctuation). Traps
 * first: 〜しかない / ほかない (only, no choice but), 間違いない / 違いない (certainly), すみません
 * (sorry), 構いません (fine) and the obligations (〜なくてはならない, 〜なければいけません: must) are
 * not negations, and are removed before the markers are looked for; the ん of 〜んです is no
 * marker at all.
 */
const NEGATION_TRAPS = [
  "しかない",
  "ほかない",
  "まちがいない",
  "間違いない",
  "ちがいない",
  "違いない",
  "すみません",
  "すいません",
  "済みません",
  "かまいません",
  "構いません",
  "にすぎない",
  "に過ぎない",
  // Obligation is a double negative: 読み上げなくてはなりません means "must read".
  "なくてはならない",
  "なくてはなりません",
  "なくてはいけない",
  "なくてはいけません",
  "なければならない",
  "なければなりません",
  "なければいけない",
  "なければいけません",
  "ないといけない",
  "ないといけません",
].map(normalise);
/** なくて: 〜なくて結構です / なくてもいい (no need to), once the obligations above are removed. */
const NEGATION_MARKERS = ["ない", "ません", "なくて", "かねます", "かねる", "禁止", "無理"].map(
  normalise,
);
/** Sentence marks: a clause ends there, and a gapped match never spans one. */
const SENTENCE_END = /[。！？!?\n]/u;

/**
 * Where a clause ends: sentence marks, and the conjunctions that start another clause (必ず儲かる
 * ので損はさせません: the ません is the next clause's). The window is also capped at 30 characters.
 * から is left out: it is also "from" inside a refusal (私からは申し上げられません); ので and のに
 * after も are もので/ものに (儲かるというものではございません), not conjunctions.
 */
const CLAUSE_END = new RegExp(`${SENTENCE_END.source}|(?<!も)ので|けれど|けど|(?<!も)のに`, "u");

/**
 * The rest of an inflected word after a stem match: the hiragana that follow (at most 8), up to a
 * conjunction or quotation that starts the next phrase, without a closing sentence particle
 * (儲か|りますよ → ります, 電話し|ますので → ます).
 */
export function inflectionAfter(content: string, end: number): number {
  const run = /^[ぁ-ゖ]{1,8}/u.exec(content.slice(end, end + 8))?.[0] ?? "";
  const phrase = run.split(/ので|から|けれど|けど|って|とは|という|のは/u)[0];
  const word = phrase.replace(/(?:よね|よ|ね|な|わ|か)$/u, "");
  return end + (word || phrase).length;
}

export function negatedAfter(content: string, end: number): boolean {
  const rest = content.slice(end, end + 30);
  const stop = rest.search(CLAUSE_END);
  let window = normalise(stop >= 0 ? rest.slice(0, stop) : rest);
  // Most clauses have no marker at all: only those that do pay for removing the traps.
  if (!NEGATION_MARKERS.some((m) => window.includes(m))) return false;
  for (const trap of NEGATION_TRAPS)
    if (window.includes(trap)) window = window.split(trap).join("");
  return NEGATION_MARKERS.some((m) => window.includes(m));
}

/** Most characters (normalised) between the two parts of a gapped spelling. */
export const GAP_MAX = 8;

/** What one automaton pattern stands for: a whole spelling, or a part of a gapped one. */
type Role =
  | {
      readonly kind: "whole";
      readonly entry: number;
      /** Exclusion phrases (normalised) and where the spelling sits inside each. */
      readonly exclusions: readonly { readonly text: string; readonly at: number }[];
    }
  | { readonly kind: "before" | "after"; readonly gap: number };

/** Where a gapped match's words are apart: the caller checks the gap stays in one sentence. */
export interface Gap {
  readonly from: number;
  readonly to: number;
}

/** A dictionary compiled to one automaton over every normalised spelling. */
export class CompiledDictionary {
  private readonly automaton: Automaton;
  /** Roles by pattern id (one string may be a whole spelling and a part of gapped ones). */
  private readonly roles: Role[][] = [];
  private readonly gaps: { readonly entry: number; readonly exclusions: readonly string[] }[] = [];

  constructor(readonly dictionary: Dictionary) {
    const ids = new Map<string, number>();
    const role = (s: string, r: Role) => {
      let id = ids.get(s);
      if (id === undefined) {
        id = this.roles.length;
        ids.set(s, id);
        this.roles.push([]);
      }
      this.roles[id].push(r);
    };
    dictionary.entries.forEach((e, entry) => {
      const exclusions = e.exclusions.map(normalise);
      for (const spelling of new Set([e.term, ...e.variants].map(normalise)))
        role(spelling, {
          kind: "whole",
          entry,
          exclusions: exclusions
            .filter((x) => x.includes(spelling))
            .map((x) => ({ text: x, at: x.indexOf(spelling) })),
        });
      for (const g of e.gapped ?? []) {
        const gap = this.gaps.length;
        this.gaps.push({ entry, exclusions });
        role(normalise(g.before), { kind: "before", gap });
        role(normalise(g.after), { kind: "after", gap });
      }
    });
    this.automaton = new Automaton([...ids.keys()]);
  }

  /**
   * Matches in already-normalised text: entry index and code-unit range, exclusions applied. A
   * gapped match (the two parts 1..GAP_MAX characters apart) also says where its gap is.
   */
  matches(
    text: string,
    each: (entry: number, start: number, end: number, gap?: Gap) => void,
  ): void {
    this.matchesIn({ text, units: undefined, length: text.length }, each);
  }

  /**
   * The same over normalised code units; `text` (the same units as a string) is read only when a
   * match needs it for an exclusion check.
   */
  matchesIn(
    input: { readonly text: string; readonly units?: Uint16Array; readonly length: number },
    each: (entry: number, start: number, end: number, gap?: Gap) => void,
  ): void {
    // Where each gap's first part was last seen (start, end): the automaton reports matches in
    // order of their end, so a first part is known before any second part after it.
    const seen = this.gaps.length ? new Map<number, { start: number; end: number }>() : undefined;
    const onMatch = (m: AutomatonMatch) => {
      for (const r of this.roles[m.pattern]) {
        if (r.kind === "whole") {
          if (
            r.exclusions.some(
              (x) => m.start >= x.at && input.text.startsWith(x.text, m.start - x.at),
            )
          )
            continue;
          each(r.entry, m.start, m.end);
        } else if (r.kind === "before") seen!.set(r.gap, { start: m.start, end: m.end });
        else {
          const head = seen!.get(r.gap);
          if (!head || m.start <= head.end || m.start - head.end > GAP_MAX) continue;
          const g = this.gaps[r.gap];
          // An exclusion phrase that overlaps the match makes it harmless, as for whole spellings.
          if (
            g.exclusions.some((x) => {
              const at = input.text.indexOf(x, Math.max(0, head.start - x.length + 1));
              return at >= 0 && at < m.end;
            })
          )
            continue;
          each(g.entry, head.start, m.end, { from: head.end, to: m.start });
        }
      }
    };
    if (input.units) this.automaton.scanUnits(input.units, input.length, onMatch);
    else this.automaton.scan(input.text, onMatch);
  }
}

const applies = (entry: DictionaryEntry, role: string) =>
  entry.participant === "BOTH" || entry.participant === role;

/**
 * Findings of one analysis file: each segment's text is normalised and scanned once; a term
 * counts only for the participant role it is listed for. Several hits of one entry in one segment
 * are one finding (the segment's offsets are the evidence).
 */
export function detect(compiled: CompiledDictionary, analysis: Analysis): Finding[] {
  const roles = new Map(analysis.Participants.map((p) => [p.ParticipantId, p.ParticipantRole]));
  const entries = compiled.dictionary.entries;
  const findings: Finding[] = [];
  const best = new Map<number, Finding>();
  // The segment being scanned: the match handler is made once per file, not once per segment.
  let seg = analysis.Transcript[0];
  let role = "UNKNOWN";
  let spoken: LazySpoken | undefined;
  const onMatch = (entry: number, from: number, to: number, gap?: Gap) => {
    const e = entries[entry];
    if (!applies(e, role) || (best.has(entry) && !best.get(entry)!.negated)) return;
    const map = spoken!.map();
    const start = map[from];
    const end = map[to - 1] + 1;
    // A gapped match stays inside one sentence of what was said.
    if (gap && SENTENCE_END.test(seg.Content.slice(map[gap.from - 1] + 1, map[gap.to]))) return;
    // Negation is read after the stem (儲か|らない), the span shown to the end of the word.
    const negated = e.negatable !== false && negatedAfter(seg.Content, end);
    const shownEnd = e.inflects ? inflectionAfter(seg.Content, end) : end;
    if (best.has(entry) && negated) return;
    best.set(entry, {
      contactId: analysis.CustomerMetadata.ContactId,
      segmentId: seg.Id,
      participant: role,
      entryId: e.id,
      term: e.term,
      category: e.category,
      severity: e.severity,
      beginOffsetMillis: seg.BeginOffsetMillis,
      endOffsetMillis: seg.EndOffsetMillis,
      dictionaryVersion: compiled.dictionary.version,
      text: seg.Content.slice(start, shownEnd),
      start,
      end: shownEnd,
      negated,
    });
  };
  for (seg of analysis.Transcript) {
    role = roles.get(seg.ParticipantId) ?? "UNKNOWN";
    spoken = spokenLazily(seg.Content);
    // One finding per entry and segment: the first hit that is not negated, else the first.
    // One map for all segments, cleared: most segments find nothing.
    best.clear();
    compiled.matchesIn(spoken, onMatch);
    if (best.size) for (const f of best.values()) findings.push(f);
  }
  return findings;
}

export type ParseResult =
  | { readonly ok: true; readonly analysis: Analysis }
  | { readonly ok: false; readonly reason: string };

/** Parses and validates a file's text; the reason names what is wrong (never the content). */
export function parseAnalysis(text: string): ParseResult {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return { ok: false, reason: `not JSON (${(e as Error).message.slice(0, 80)})` };
  }
  const r = analysisSchema.safeParse(raw);
  if (!r.success) {
    const where = r.error.issues
      .slice(0, 5)
      .map((i) => `${i.path.join(".") || "(file)"}: ${i.message}`)
      .join("; ");
    return { ok: false, reason: `not a Contact Lens 1.1.0 analysis file (${where})` };
  }
  return { ok: true, analysis: r.data };
}
