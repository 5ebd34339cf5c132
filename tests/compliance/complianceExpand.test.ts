/**
 * The build-time expansion of the compliance dictionary (issue 20): each rule of
 * lib/complianceExpand.ts on the shipped entries, what the expanded dictionary then finds (and
 * records as negated) in the examples, and that the shipped expansion is up to date.
 */
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "../../config";
import {
  CompiledDictionary,
  inflectionAfter,
  detect,
  dictionaryProblems,
  dictionarySchema,
} from "../../functions/compliance-detector/detect";
import { normalise } from "../../functions/compliance-detector/normalize";
import {
  expandDictionary,
  expandSpelling,
  gappedPairs,
  loadTokenizer,
} from "../../lib/complianceExpand";
import { detectorDictionary, EXPANDED_DICTIONARY } from "../../stack";

const SOURCE = fs.readFileSync(path.join(PROJECT_ROOT, "compliance", "dictionary.json"), "utf8");

describe("compliance dictionary expansion (kuromoji, build time)", function () {
  this.timeout(60_000);
  let spell: (written: string) => string[];
  let tk: Awaited<ReturnType<typeof loadTokenizer>>;
  before(async () => {
    tk = await loadTokenizer();
    spell = (w) => expandSpelling(tk, w);
  });

  it("adds readings, so other scripts match (もうかります, モウカリマス, ほてん)", () => {
    expect(spell("絶対に儲かります")).to.include.members(["絶対にもうか", "ぜつたいにもうか"]);
    expect(spell("損失を補填")).to.include(normalise("損失をほてん"));
  });

  it("cuts the last verb to its stem, so every conjugation and politeness level matches", () => {
    expect(spell("絶対に儲かります")).to.include("絶対に儲か");
    expect(spell("職場に電話します")).to.include.members([
      "職場に電話し",
      "職場に電話する",
      "職場に電話いたし",
      "職場に電話させていただ",
    ]);
  });

  it("makes case particles and お/ご optional, and adds ご/お to a verbal noun before する", () => {
    expect(spell("損失を補填")).to.include("損失補填");
    expect(spell("勤務先に連絡します")).to.include.members([
      "勤務先にご連絡いたし",
      "勤務先連絡し",
    ]);
    expect(spell("カード番号をお読み上げ")).to.include(normalise("カード番号を読み上げ"));
  });

  it("splits a phrase before its predicate for words said in between, never on a lone kana", () => {
    const pairs = (w: string) => gappedPairs(tk, w).map((p) => `${p.before}…${p.after}`);
    expect(pairs("損失を補填")).to.include.members(["損失…補填", "そんしつ…ほてん", "損失…補てん"]);
    expect(pairs("絶対に儲かります")).to.include.members(["絶対…儲か", "ぜつたい…もうか"]);
    // 言う's stem is one kana: no pair; kana-only spellings are not split (IPADIC splits them
    // at random); a phrase with nothing before its predicate has no pair.
    expect(pairs("金融庁に言う")).to.deep.equal([]);
    expect(pairs("げんぽんほしょう")).to.deep.equal([]);
    expect(pairs("補填")).to.deep.equal([]);
  });

  it("adds the reviewed spellings readings cannot produce (補てん, 補塡, 読みあげ)", () => {
    expect(spell("損失を補填")).to.include.members(["損失を補てん", "損失を補塡"]);
    expect(spell("カード番号をお読み上げ")).to.include(normalise("カード番号をお読みあげ"));
  });

  it("the shipped expansion is valid, shares no spelling between entries, and is up to date", async () => {
    const shipped = JSON.parse(fs.readFileSync(EXPANDED_DICTIONARY, "utf8")) as Awaited<
      ReturnType<typeof expandDictionary>
    >;
    const fresh = await expandDictionary(SOURCE);
    // Fix when this fails: npm run compliance:expand -- --write
    expect(shipped).to.deep.equal(fresh);
    const d = dictionarySchema.parse(shipped.dictionary);
    expect(dictionaryProblems(d)).to.deep.equal([]);
    expect(d.entries.map((e) => e.id)).to.deep.equal(
      dictionarySchema.parse(JSON.parse(SOURCE)).entries.map((e) => e.id),
    );
  });

  it("a plan refuses an expansion made from another dictionary, naming the fix", () => {
    const stale = JSON.stringify({ sourceSha256: "0".repeat(64), dictionary: {} });
    expect(() => detectorDictionary(undefined, stale)).to.throw(
      "npm run compliance:expand -- --write",
    );
    expect(JSON.parse(detectorDictionary())).to.have.property("entries");
  });

  describe("what the expanded dictionary finds (the issue's examples)", () => {
    let scan: (content: string) => string;
    before(() => {
      const shipped = JSON.parse(fs.readFileSync(EXPANDED_DICTIONARY, "utf8")) as {
        dictionary: unknown;
      };
      const dict = new CompiledDictionary(dictionarySchema.parse(shipped.dictionary));
      scan = (content) =>
        detect(dict, {
          Version: "1.1.0",
          CustomerMetadata: { ContactId: "c", InstanceId: "i" },
          Participants: [{ ParticipantId: "A", ParticipantRole: "AGENT" }],
          Transcript: [
            {
              Id: "s",
              ParticipantId: "A",
              Content: content,
              BeginOffsetMillis: 0,
              EndOffsetMillis: 1,
            },
          ],
        })
          .map((f) => `${f.entryId}${f.negated ? " (negated)" : ""}`)
          .join(", ");
    });
    const cases: [string, string][] = [
      // conjugations
      ["絶対に儲かる商品です", "certain-profit"],
      ["絶対に儲かりますよ", "certain-profit"],
      ["これは絶対に儲かるんです", "certain-profit"],
      ["職場に電話することになります", "intimidation-workplace"],
      ["勤務先にご連絡いたします", "intimidation-workplace"],
      // other scripts
      ["絶対にもうかります", "certain-profit"],
      ["ゼッタイ モウカリマス", "certain-profit"],
      ["損失を補てんします", "loss-compensation"],
      ["損失を補塡いたします", "loss-compensation"],
      ["元本ほしょうの商品です", "guarantee-principal"],
      ["カード番号をよみあげてください", "card-number-read-aloud"],
      // fillers
      ["絶対に、えー、儲かります", "certain-profit"],
      ["損失をあの補填します", "loss-compensation"],
      // particles said otherwise, のほう, へ
      ["元本は保証されております", "guarantee-principal"],
      ["元本が保証されますので", "guarantee-principal"],
      ["職場のほうへ電話しますね", "intimidation-workplace"],
      // other words between the parts (gapped pairs), in one sentence only
      ["損失が出た場合は補填いたします", "loss-compensation"],
      ["絶対にこの株は儲かります", "certain-profit"],
      ["損失が出ました。補填はその後です", ""],
      ["損失については、来月の決算の結果を見て補填します", ""],
      // negated or refused: recorded as such
      ["絶対に儲かるとは申し上げられません", "certain-profit (negated)"],
      ["損失を補填することはできません", "loss-compensation (negated)"],
      ["損失が出ても補填はできません", "loss-compensation (negated)"],
      ["カード番号はお読み上げいただかなくて結構です", "card-number-read-aloud (negated)"],
      // the negation of the next clause is not this one's; an obligation is no negation
      ["必ず儲かるので損はさせません", "certain-profit"],
      ["絶対に儲かるというものではございません", "certain-profit (negated)"],
      ["カード番号をお読み上げいただかなくてはなりません", "card-number-read-aloud"],
      // exclusions still apply; ordinary talk finds nothing
      ["元本保証ではございません", ""],
      ["詐欺にご注意ください", ""],
    ];
    for (const [content, want] of cases)
      it(`${content} → ${want || "nothing"}`, () => expect(scan(content)).to.equal(want));

    it("a finding's text runs to the end of the inflected word as said, not the stem it matched", () => {
      const shipped = JSON.parse(fs.readFileSync(EXPANDED_DICTIONARY, "utf8")) as {
        dictionary: unknown;
      };
      const dict = new CompiledDictionary(dictionarySchema.parse(shipped.dictionary));
      const said = (content: string, role = "AGENT") =>
        detect(dict, {
          Version: "1.1.0",
          CustomerMetadata: { ContactId: "c", InstanceId: "i" },
          Participants: [{ ParticipantId: "A", ParticipantRole: role }],
          Transcript: [
            {
              Id: "s",
              ParticipantId: "A",
              Content: content,
              BeginOffsetMillis: 0,
              EndOffsetMillis: 1,
            },
          ],
        }).map((f) => [f.text, f.start, f.end, f.negated]);
      expect(said("今なら絶対に儲かりますよ。")).to.deep.equal([
        ["絶対に儲かります", 3, 11, false],
      ]);
      expect(said("勤務先にご連絡いたしますので")).to.deep.equal([
        ["勤務先にご連絡いたします", 0, 12, false],
      ]);
      // Negation is read after the stem, so a negated form stays negated.
      expect(said("絶対に儲からないです")).to.deep.equal([["絶対に儲からないです", 0, 10, true]]);
      // A noun phrase ends where it matched.
      expect(said("元本保証でございます")).to.deep.equal([["元本保証", 0, 4, false]]);
      expect(said("金融庁に言うからね", "CUSTOMER")).to.deep.equal([["金融庁に言う", 0, 6, false]]);
    });
  });

  it("inflectionAfter: the hiragana after a stem, to a conjunction, without a closing particle", () => {
    const rest = (s: string, at: number) => s.slice(at, inflectionAfter(s, at));
    expect(rest("儲かりますよ。", 2)).to.equal("ります");
    expect(rest("儲かるので安心", 2)).to.equal("る");
    expect(rest("電話しますね", 3)).to.equal("ます");
    expect(rest("言うかもしれません", 1)).to.equal("うかもしれません");
    expect(rest("保証です", 2)).to.equal("です");
    expect(rest("保証。", 2)).to.equal("");
  });

  it("npm run compliance:expand -- <id> prints an entry's spellings; an unknown id exits 1", () => {
    const run = (...args: string[]) =>
      spawnSync(process.execPath, ["--import", "tsx", "scripts/compliance-expand.ts", ...args], {
        cwd: PROJECT_ROOT,
        encoding: "utf8",
      });
    const r = run("loss-compensation");
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/^loss-compensation \(損失を補填\): \d+ spellings\n {2}損失を補填\n/);
    expect(r.stdout).to.include("\n  損失を補てん\n");
    expect(r.stdout).to.match(
      /\nloss-compensation: \d+ gapped pairs \(up to 8 characters between\)\n/,
    );
    expect(r.stdout).to.include("\n  損失 … 補填\n");
    const bad = run("no-such-entry");
    expect(bad.status).to.equal(1);
    expect(bad.stderr).to.include("no-such-entry: no such entry");
  });
});
