/**
 * The pre-screening function against a local DynamoDB: start says how to collect the figures,
 * keypad answers build a draft, score decides once per contact and records the application and
 * the result with the retention's expiry; the caller hears 仮審査 wording, the agent a summary,
 * and no figure reaches a log.
 */
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { expect } from "chai";
import { DEFAULT_RULES } from "../../functions/self-service/preScreen";
import {
  DRAFT_TTL_SECONDS,
  makePreScreenHandler,
} from "../../functions/self-service/preScreenHandler";
import { PreScreenStore } from "../../functions/self-service/preScreenStore";
import { createPkSkTable, startLocalDynamo, type LocalDynamo } from "../support/localDynamo";

const CONTACT = "7a1e2d3c-4b5a-4968-8776-655443322110";
const BOT = "arn:aws:lex:ap-northeast-1:123456789012:bot-alias/BOTID/ALIASID";
const NOW = Date.parse("2026-12-06T01:00:00Z");
const event = (params: Record<string, string>, contact = CONTACT, attrs = {}) => ({
  Details: {
    ContactData: { ContactId: contact, Channel: "VOICE", Attributes: attrs },
    Parameters: params,
  },
});
const CONSENTS = { consentPreScreen: "yes", consentCreditBureau: "yes" };

describe("pre-screening function on a local DynamoDB", function () {
  this.timeout(60_000);
  let local: LocalDynamo;
  let store: PreScreenStore;
  let table: string;
  let logs: Record<string, unknown>[];
  let seq = 0;
  const handler = (botAliasArn = BOT) =>
    makePreScreenHandler({
      store,
      rules: DEFAULT_RULES,
      botAliasArn,
      retentionDays: 1095,
      now: () => NOW,
      logger: {
        info: (message, f) => void logs.push({ message, ...f }),
        warn: (message, f) => void logs.push({ message, ...f }),
      },
    });

  before(async () => {
    local = await startLocalDynamo();
  });
  after(() => local.close());
  beforeEach(async () => {
    table = `prescreen-${++seq}`;
    await createPkSkTable(local, table);
    store = new PreScreenStore(local.doc, table);
    logs = [];
  });
  const record = async (contact = CONTACT) =>
    (
      await local.doc.send(
        new GetCommand({ TableName: table, Key: { pk: `CONTACT#${contact}`, sk: "RESULT" } }),
      )
    ).Item;

  it("start: the region's bot, or the keypad where the region has none", async () => {
    expect(await handler()(event({ action: "start" }))).to.deep.equal({
      result: "Started",
      mode: "lex",
      bot: BOT,
    });
    expect(await handler("")(event({ action: "start" }))).to.deep.equal({
      result: "Started",
      mode: "keypad",
      bot: "none",
    });
  });

  it("keypad: keeps each answer in the draft, refuses what cannot be a figure, then scores it", async () => {
    const h = handler("");
    const answer = (field: string, value: string) => h(event({ action: "answer", field, value }));
    expect(await answer("annualIncome", "600")).to.deep.equal({ result: "Saved" });
    expect(await answer("employment", "1")).to.deep.equal({ result: "Saved" });
    expect(await answer("employment", "7")).to.deep.equal({ result: "Invalid" });
    expect(await answer("yearsEmployed", "Timeout")).to.deep.equal({ result: "Invalid" });
    expect(await answer("consentPreScreen", "1")).to.deep.equal({ result: "Invalid" });
    expect(await answer("yearsEmployed", "5")).to.deep.equal({ result: "Saved" });
    expect(await answer("otherBorrowings", "0")).to.deep.equal({ result: "Saved" });
    expect(await answer("desiredLimit", "50")).to.deep.equal({ result: "Saved" });
    const draft = await store.draft(CONTACT);
    expect(draft).to.deep.include({
      annualIncome: 6_000_000,
      employment: "regular",
      yearsEmployed: 5,
      otherBorrowings: 0,
      desiredLimit: 500_000,
      expiresAt: NOW / 1000 + DRAFT_TTL_SECONDS,
    });
    const r = await h(event({ action: "score", mode: "keypad", ...CONSENTS }));
    expect(r).to.deep.equal({
      result: "pass",
      ssml: "<speak>仮審査の結果、お申し込みいただける見込みです。正式な審査は、お申し込みの後に行います。担当者からご案内します。</speak>",
      // The same words for a chat.
      text: "仮審査の結果、お申し込みいただける見込みです。正式な審査は、お申し込みの後に行います。担当者からご案内します。",
      agentSummary: "仮審査: 可 限度額目安 500,000円",
    });
    expect(await record()).to.deep.include({
      customerRef: `contact:${CONTACT}`,
      mode: "keypad",
      decidedAt: "2026-12-06T01:00:00.000Z",
      expiresAt: NOW / 1000 + 1095 * 86_400,
    });
    expect((await record())?.application).to.deep.equal({
      consentPreScreen: true,
      consentCreditBureau: true,
      annualIncomeYen: 6_000_000,
      employment: "regular",
      yearsEmployed: 5,
      otherBorrowingsYen: 0,
      desiredLimitYen: 500_000,
    });
  });

  it("lex: scores the bot's slots (万円) for the verified customer, once per contact", async () => {
    const h = handler();
    const slots = {
      annualIncome: "300",
      employment: "part-time",
      yearsEmployed: "2",
      otherBorrowings: "50",
      desiredLimit: "80",
    };
    const r = await h(
      event({ action: "score", mode: "lex", ...CONSENTS, ...slots }, CONTACT, {
        authCustomerId: "C001",
      }),
    );
    // 300万 / 3 − 50万 = 50万 of headroom: 80万 reduced to 50万, part-time reviewed by hand.
    expect(r.result).to.equal("refer");
    expect(r.agentSummary).to.equal(
      "仮審査: 要確認 (ご希望額を減額すれば基準内、ご職業により担当者確認) 限度額目安 500,000円",
    );
    expect(await record()).to.deep.include({ customerRef: "C001", mode: "lex" });
    // The flow retried with other figures: the first decision stands.
    const again = await h(
      event({ action: "score", mode: "lex", ...CONSENTS, ...slots, annualIncome: "3000" }),
    );
    expect(again).to.deep.equal(r);
    expect((await record())?.application).to.deep.include({ annualIncomeYen: 3_000_000 });
  });

  it("declines without both consents, and says only 仮審査", async () => {
    const r = await handler()(
      event({
        action: "score",
        mode: "lex",
        consentPreScreen: "yes",
        consentCreditBureau: "no",
        annualIncome: "500",
        employment: "regular",
        yearsEmployed: "3",
        otherBorrowings: "0",
        desiredLimit: "30",
      }),
    );
    expect(r.result).to.equal("decline");
    expect(r.ssml).to.include("今回の仮審査の結果");
    expect(r.agentSummary).to.equal("仮審査: 不可 (仮審査または信用情報照会への同意なし)");
  });

  it("an incomplete application is no decision: nothing recorded, the agent told, the figures not logged", async () => {
    const h = handler("");
    await h(event({ action: "answer", field: "annualIncome", value: "777" }));
    const r = await h(event({ action: "score", mode: "keypad", ...CONSENTS }));
    expect(r).to.deep.equal({
      result: "Incomplete",
      ssml: "<speak>お伺いした内容を確認できませんでした。担当者がお伺いします。</speak>",
      text: "お伺いした内容を確認できませんでした。担当者がお伺いします。",
      agentSummary: "仮審査: 未完了",
    });
    expect(await record()).to.equal(undefined);
    expect(logs.at(-1)).to.deep.include({ result: "Incomplete", mode: "keypad" });
    expect(logs.at(-1)?.fields).to.include.members(["employment", "desiredLimitYen"]);
    // Unintelligible slots (a word where a number belongs) are incomplete too.
    const lex = await handler()(
      event(
        {
          action: "score",
          mode: "lex",
          ...CONSENTS,
          annualIncome: "たくさん",
          employment: "regular",
          yearsEmployed: "3",
          otherBorrowings: "0",
          desiredLimit: "30",
        },
        "7a1e2d3c-4b5a-4968-8776-655443322111",
      ),
    );
    expect(lex.result).to.equal("Incomplete");
    expect(JSON.stringify(logs)).to.not.include("777").and.not.include("7770000");
  });

  it("refuses a malformed event or an unknown action politely", async () => {
    expect((await handler()({ Details: {} })).result).to.equal("Failed");
    expect((await handler()(event({ action: "approve" }))).result).to.equal("Failed");
  });
});
