/** Compliance detector core: normalisation, the automaton, dictionary checks, detection, CLI. */
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PROJECT_ROOT } from "../../config";
import { Automaton } from "../../functions/compliance-detector/automaton";
import {
  CompiledDictionary,
  detect,
  dictionaryProblems,
  dictionarySchema,
  parseAnalysis,
  type Dictionary,
  type DictionaryEntry,
} from "../../functions/compliance-detector/detect";
import {
  fillerRanges,
  normalise,
  normaliseSpoken,
} from "../../functions/compliance-detector/normalize";

const FIXTURE = path.join(PROJECT_ROOT, "tests/support/fixtures/analysis-dunning.json");
const shipped = () =>
  dictionarySchema.parse(
    JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "compliance/dictionary.json"), "utf8")),
  );

describe("compliance: normalisation", () => {
  const cases: [string, string][] = [
    ["ゲンポン ホショウ", "げんぽんほしよう"], // katakana → hiragana, spaces dropped, small ょ → よ
    ["ｹﾞﾝﾎﾟﾝﾎｼｮｳ", "げんぽんほしよう"], // half-width katakana with voiced marks (NFKC)
    ["元本　保証！", "元本保証"], // ideographic space and punctuation
    ["ぜったい、にッ", "ぜつたいにつ"], // gemination in either script
    ["リターン", "りたん"], // long-vowel mark
    ["ＮＩＳＡ口座", "nisa口座"], // full-width latin, lower-cased
    ["キャッシング", "きやつしんぐ"],
    ["😀テスト", "😀てすと"], // astral characters kept intact
    ["か\u3099くにん", "がくにん"], // a combining voiced mark joins the base before it
    ["ハ\u309aン", "ぱん"], // the same for a semi-voiced mark after katakana
    ["㍻元年の㈱", "平成元年の株"], // compatibility forms that lengthen, (株) punctuation dropped
    ["Kelvin ＫＥＬＶＩＮ", "kelvinkelvin"], // upper case, full width and the Kelvin sign
  ];
  for (const [input, want] of cases) {
    it(`${input} → ${want}`, () => expect(normalise(input)).to.equal(want));
  }

  // The fast path NFKC-normalises only the stretches that need it; on any text it must agree with
  // the definition: NFKC of the whole text, lower case, then the per-character folding.
  const reference = (input: string) =>
    [...input.normalize("NFKC").toLowerCase()]
      .map((ch) => (ch.length === 1 ? normalise(ch) : ch))
      .join("");
  it("agrees with whole-text NFKC on 2,000 random mixed strings", () => {
    const pool = [
      ..."あいかがぱゃっーカガパャッｶｷｸﾞﾟｰ元本保証ＡＢＣabcABC０１２ 　、。！？㍻㈱①ⅱ",
      "\u3099",
      "\u309a",
      "\u0301",
      "😀",
      "\u1100\u1161", // conjoining jamo (compose to 가)
    ];
    let seed = 7;
    const rnd = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    for (let k = 0; k < 2000; k++) {
      let x = "";
      for (let i = 0, n = 1 + Math.floor(rnd() * 12); i < n; i++)
        x += pool[Math.floor(rnd() * pool.length)];
      expect(normalise(x), JSON.stringify(x)).to.equal(reference(x));
    }
  });
});

describe("compliance: automaton", () => {
  const naive = (patterns: string[], text: string) => {
    const out: string[] = [];
    patterns.forEach((p, id) => {
      for (let i = text.indexOf(p); i >= 0; i = text.indexOf(p, i + 1)) out.push(`${id}@${i}`);
    });
    return out.sort();
  };
  const found = (a: Automaton, text: string) => {
    const out: string[] = [];
    a.scan(text, (m) => out.push(`${m.pattern}@${m.start}`));
    return out.sort();
  };

  it("finds overlapping and nested patterns (he/she/his/hers)", () => {
    const p = ["he", "she", "his", "hers"];
    expect(found(new Automaton(p), "ushers")).to.deep.equal(["0@2", "1@1", "3@2"]);
  });

  it("agrees with indexOf on random Japanese text and 500 patterns", () => {
    const alphabet = "あいうえおかきくけこ元本保証損失補填";
    let seed = 7;
    const rnd = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    const word = (n: number) =>
      Array.from({ length: n }, () => alphabet[Math.floor(rnd() * alphabet.length)]).join("");
    const patterns = [
      ...new Set(Array.from({ length: 500 }, () => word(2 + Math.floor(rnd() * 4)))),
    ];
    const text = word(20_000);
    const a = new Automaton(patterns);
    expect(found(a, text)).to.deep.equal(naive(patterns, text));
    // Scanning again gives the same answer, and so does the automaton without its depth-1 table.
    expect(found(a, text)).to.deep.equal(naive(patterns, text));
    expect(found(new Automaton(patterns, 0), text)).to.deep.equal(naive(patterns, text));
  });

  it("agrees with indexOf past 65,535 states (the depth-1 table then holds 32-bit state ids)", () => {
    const alphabet = "あいうえおかきくけこさしすせそたちつてと元本保証損失補填職場電話金融庁弁護士";
    let seed = 11;
    const rnd = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    const word = (n: number) =>
      Array.from({ length: n }, () => alphabet[Math.floor(rnd() * alphabet.length)]).join("");
    const patterns = [
      ...new Set(Array.from({ length: 20_000 }, () => word(5 + Math.floor(rnd() * 4)))),
    ];
    const a = new Automaton(patterns);
    expect(a.stateCount).to.be.greaterThan(0xffff);
    const text = word(5_000);
    expect(found(a, text)).to.deep.equal(naive(patterns, text));
  });

  it("reports offsets in code units, also after astral characters", () => {
    const a = new Automaton(["保証"]);
    const hits: [number, number][] = [];
    a.scan("😀元本保証", (m) => hits.push([m.start, m.end]));
    expect(hits).to.deep.equal([[4, 6]]); // 😀 is two code units
  });

  it("refuses an empty pattern", () => {
    expect(() => new Automaton(["a", ""])).to.throw("pattern 1 is empty");
  });
});

describe("compliance: dictionary", () => {
  it("the shipped dictionary is valid and has no problems", () => {
    expect(dictionaryProblems(shipped())).to.deep.equal([]);
  });

  it("names the entry and the fix for duplicate ids, colliding spellings, dead exclusions, short terms", () => {
    const d: Dictionary = {
      version: "t",
      entries: [
        {
          id: "a",
          term: "元本保証",
          variants: [],
          category: "c",
          severity: "high",
          participant: "AGENT",
          exclusions: ["元本はございません"],
        },
        {
          id: "a",
          term: "ゲンポンホショウ",
          variants: ["げんぽんほしょう"],
          category: "c",
          severity: "high",
          participant: "AGENT",
          exclusions: [],
        },
        {
          id: "b",
          term: "げんぽん ほしょう",
          variants: ["ア"],
          category: "c",
          severity: "low",
          participant: "BOTH",
          exclusions: [],
        },
      ],
    };
    expect(dictionaryProblems(d)).to.deep.equal([
      'entries.a: exclusion "元本はございません" does not contain the term or a variant, so it can never apply',
      "entries.a: id used twice; give each entry its own id",
      'entries.b: "げんぽん ほしょう" is the same after normalisation as a spelling of a; keep it in one entry',
      'entries.b: "ア" normalises to "あ", too short to match safely; use a longer phrase',
    ]);
  });

  it("rejects an unknown severity or participant with the path", () => {
    const r = dictionarySchema.safeParse({
      version: "1",
      entries: [
        { id: "x", term: "元本保証", category: "c", severity: "urgent", participant: "ANY" },
      ],
    });
    expect(r.success).to.equal(false);
    expect(r.error?.issues.map((i) => i.path.join("."))).to.deep.equal([
      "entries.0.severity",
      "entries.0.participant",
    ]);
  });
});

describe("compliance: detection on a Contact Lens file", () => {
  const run = () => {
    const r = parseAnalysis(fs.readFileSync(FIXTURE, "utf8"));
    if (!r.ok) throw new Error(r.reason);
    return detect(new CompiledDictionary(shipped()), r.analysis);
  };

  it("finds each entry once per segment, for its participant only, minding exclusions", () => {
    expect(run().map((f) => `${f.segmentId} ${f.participant} ${f.entryId}`)).to.deep.equal([
      "s1 AGENT guarantee-principal", // ゲンポン ホショウ (spoken, katakana, spaced)
      // s2: the customer asks about 元本保証: the entry is for agents.
      "s3 AGENT certain-profit", // 元本保証はございません is excluded; ぜったいに もうかります is not
      "s4 CUSTOMER customer-threat",
      // s5: 損失補填はいたしかねます is an exclusion.
      "s6 AGENT loss-compensation",
      "s6 AGENT guarantee-principal", // said twice in s6: one finding
    ]);
  });

  it("records where and what was said: the matched span and its offsets, never the rest of the segment", () => {
    const [first] = run();
    expect(first).to.deep.equal({
      contactId: "0a1b2c3d-0000-4000-8000-000000000001",
      segmentId: "s1",
      participant: "AGENT",
      entryId: "guarantee-principal",
      term: "元本保証",
      category: "断定的判断の提供",
      severity: "critical",
      beginOffsetMillis: 1000,
      endOffsetMillis: 5200,
      dictionaryVersion: "2026-12-06.1",
      // "お電話ありがとうございます。こちらの商品は ゲンポン ホショウ です。"
      text: "ゲンポン ホショウ",
      start: 22,
      end: 31,
      negated: false,
    });
  });

  it("an empty transcript is a valid file with no findings", () => {
    const file = JSON.parse(fs.readFileSync(FIXTURE, "utf8")) as Record<string, unknown>;
    const r = parseAnalysis(JSON.stringify({ ...file, Transcript: [] }));
    expect(r.ok && detect(new CompiledDictionary(shipped()), r.analysis)).to.deep.equal([]);
  });

  const bad: [string, string, string][] = [
    ["truncated JSON", '{"Version":"1.1.0","Transcr', "not JSON ("],
    [
      "another version",
      JSON.stringify({ Version: "1.0.0" }),
      'Version: Invalid input: expected "1.1.0"',
    ],
    [
      "a segment without offsets",
      JSON.stringify({
        Version: "1.1.0",
        CustomerMetadata: { ContactId: "c", InstanceId: "i" },
        Participants: [{ ParticipantId: "A", ParticipantRole: "AGENT" }],
        Transcript: [{ Id: "s", ParticipantId: "A", Content: "x" }],
      }),
      "Transcript.0.BeginOffsetMillis",
    ],
  ];
  for (const [what, text, says] of bad) {
    it(`rejects ${what} with the reason`, () => {
      const r = parseAnalysis(text);
      expect(r.ok).to.equal(false);
      expect(r.ok ? "" : r.reason).to.include(says);
    });
  }
});

describe("compliance:scan CLI", function () {
  this.timeout(30_000);
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, ["--import", "tsx", "scripts/compliance-scan.ts", ...args], {
      cwd: PROJECT_ROOT,
      encoding: "utf8",
    });

  it("prints one JSON line per finding", () => {
    const r = cli(FIXTURE);
    expect(r.status).to.equal(0);
    const lines = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { entryId: string; file: string });
    expect(lines).to.have.length(5);
    expect(lines[0]).to.deep.include({ file: FIXTURE, entryId: "guarantee-principal" });
  });

  it("exits 1 naming a file that is not an analysis, 2 for an invalid dictionary", () => {
    const r = cli(FIXTURE, path.join(PROJECT_ROOT, "package.json"));
    expect(r.status).to.equal(1);
    expect(r.stderr).to.include("package.json: not a Contact Lens 1.1.0 analysis file");
    // A temporary copy outside the repository: an interrupted run leaves nothing in the tree.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dictionary-"));
    const tmp = path.join(dir, "bad-dictionary.json");
    fs.writeFileSync(tmp, JSON.stringify({ version: "1", entries: [] }));
    try {
      const d = cli(FIXTURE, "--dictionary", tmp);
      expect(d.status).to.equal(2);
      expect(d.stderr).to.include("entries:");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    // A missing file is bad usage: one line, exit 2, no stack trace (issue 21).
    for (const args of [["/nonexistent.json"], ["--dictionary", "/nope.json", FIXTURE]]) {
      const m = cli(...args);
      expect(m.status, args.join(" ")).to.equal(2);
      expect(m.stderr).to.match(/^\/(nonexistent|nope)\.json: no such file\n$/);
    }
  });
});

describe("compliance: fillers, spans and negation (issue 20)", () => {
  const one = (id: string, term: string, over: Partial<DictionaryEntry> = {}): DictionaryEntry => ({
    id,
    term,
    variants: [],
    category: "断定的判断の提供",
    severity: "critical",
    participant: "AGENT",
    exclusions: [],
    ...over,
  });
  const dictionary = new CompiledDictionary({
    version: "t",
    entries: [
      one("certain-profit", "絶対に儲かります"),
      one("loss-compensation", "損失を補填"),
      one("guarantee-principal", "元本保証"),
      one("customer-threat", "金融庁に言う", { participant: "AGENT", negatable: false }),
    ],
  });
  const scan = (content: string) =>
    detect(dictionary, {
      Version: "1.1.0",
      CustomerMetadata: { ContactId: "c", InstanceId: "i" },
      Participants: [{ ParticipantId: "A", ParticipantRole: "AGENT" }],
      Transcript: [
        { Id: "s", ParticipantId: "A", Content: content, BeginOffsetMillis: 0, EndOffsetMillis: 1 },
      ],
    }).map((f) => ({
      entry: f.entryId,
      text: f.text,
      start: f.start,
      end: f.end,
      negated: f.negated,
    }));

  it("skips fillers inside a phrase, and the span still shows what was said", () => {
    expect(scan("絶対に、えー、儲かりますよ")).to.deep.equal([
      {
        entry: "certain-profit",
        text: "絶対に、えー、儲かります",
        start: 0,
        end: 12,
        negated: false,
      },
    ]);
    expect(scan("今回は損失をあの補填いたします")).to.deep.equal([
      { entry: "loss-compensation", text: "損失をあの補填", start: 3, end: 10, negated: false },
    ]);
    expect(scan("えーと、元本保証の商品です")[0]).to.include({
      text: "元本保証",
      start: 4,
      end: 8,
    });
  });

  it("normaliseSpoken maps every output unit back to its input index, fillers skipped", () => {
    const s = normaliseSpoken("うーん、まあ、ゲンポン ホショウ");
    expect(s.text).to.equal("げんぽんほしよう");
    expect([...s.map]).to.deep.equal([7, 8, 9, 10, 12, 13, 14, 15]);
    // The demonstrative before a noun without a particle stays (あの商品 is not a filler).
    expect(normaliseSpoken("あの商品").text).to.equal("あの商品");
    expect(fillerRanges("えっと、その…損失を補填")).to.deep.equal([0, 3, 4, 6]);
  });

  const negated: [string, boolean][] = [
    ["元本保証ではございません", true],
    ["損失を補填することはできません", true],
    ["損失を補填はいたしかねます", true],
    ["絶対に儲かりますとは申し上げられません", true],
    ["元本保証は禁止されています", true],
    // Traps: not negations.
    ["元本保証です。ないのは手数料です", false],
    ["絶対に儲かりますよ、すみません", false],
    ["元本保証で間違いないです", false],
    ["損失を補填するしかないです", false],
    ["元本保証なんです", false],
  ];
  for (const [content, want] of negated)
    it(`${content} → ${want ? "negated (recorded, no alert)" : "not negated"}`, () => {
      const [f] = scan(content);
      expect(f.negated, JSON.stringify(f)).to.equal(want);
    });

  it("a later plain hit of the same entry wins over a negated first one", () => {
    expect(scan("元本保証はありません。いえ、元本保証です")).to.deep.equal([
      { entry: "guarantee-principal", text: "元本保証", start: 14, end: 18, negated: false },
    ]);
  });

  it("an entry that opts out of negation is recorded as said even when negated", () => {
    expect(scan("金融庁に言うつもりはありません")[0]).to.include({
      entry: "customer-threat",
      negated: false,
    });
  });
});
