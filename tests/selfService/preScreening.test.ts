/**
 * Card-loan pre-screening in the program: the flow (every path walked, by bot and by keypad,
 * figures handled with the flow log off, every path to the card-loan desk), the bot definition,
 * and the PreScreening component in both stacks (bot in Tokyo only; function, table, rights).
 */
import { expect } from "chai";
import { PRESCREEN_BOT, PRESCREEN_FUNCTION, PRESCREEN_TOKEN } from "../../components";
import { preScreenPolicy } from "../../components/selfService/policies";
import {
  CONSENT_INTENTS,
  EMPLOYMENT_WORDS,
  PRESCREEN_INTENT,
  PRESCREEN_SLOTS,
  preScreenBotLocale,
} from "../../components/selfService/preScreenBot";
import { loadTemplate } from "../../flows/catalog";
import { DEFAULT_RULES, EMPLOYMENT } from "../../functions/self-service/preScreen";
import {
  loggingStates,
  nextActions,
  walkFlow,
  type FlowGraph,
  type Scenario,
} from "../support/flowGraph";
import { runStack } from "../support/harness";

const BOT = "arn:aws:lex:ap-northeast-1:123456789012:bot-alias/B/A";
const PASS: Record<string, string> = {
  result: "pass",
  ssml: "<speak>仮審査の結果、お申し込みいただける見込みです。</speak>",
  text: "仮審査の結果、お申し込みいただける見込みです。",
  agentSummary: "仮審査: 可 限度額目安 500,000円",
};
const FIGURES = {
  annualIncome: "600",
  employment: "regular",
  yearsEmployed: "5",
  otherBorrowings: "0",
  desiredLimit: "50",
};

describe("card-loan-prescreen flow", () => {
  const flow = loadTemplate("card-loan-prescreen").template as FlowGraph;
  const byBot = (invoke?: Scenario["invoke"]): Scenario => ({
    keys: { consent: "1", "consent-bureau": "1" },
    invoke: (id, p) =>
      id === "start" ? { result: "Started", mode: "lex", bot: BOT } : (invoke?.(id, p) ?? PASS),
    lex: () => ({ intent: PRESCREEN_INTENT, slots: FIGURES }),
  });

  it("by bot: both consents by keypad, the figures by the region's bot, the result to the card-loan desk", () => {
    const w = walkFlow(flow, byBot());
    expect(w.end).to.equal("transfer");
    expect(w.path.slice(-4)).to.deep.equal(["to-desk", "hooks", "whisper", "callback-offer"]);
    expect(w.bots).to.deep.equal([{ id: "lex", aliasArn: BOT, logging: "off" }]);
    expect(w.invoked.map((i) => [i.id, i.logging])).to.deep.equal([
      ["start", "on"],
      ["score-lex", "off"],
    ]);
    expect(w.invoked[1].params).to.deep.equal({
      action: "score",
      mode: "lex",
      consentPreScreen: "yes",
      consentCreditBureau: "yes",
      ...FIGURES,
    });
    expect(w.attributes).to.deep.equal({
      prescreenBot: BOT,
      prescreenResult: "pass",
      prescreenSummary: PASS.agentSummary,
    });
    expect(w.heard).to.include(PASS.ssml);
  });

  it("by keypad where the region has no bot: each figure saved as it is keyed, then scored", () => {
    const w = walkFlow(flow, {
      keys: {
        consent: "1",
        "consent-bureau": "1",
        "k-annualIncome": "600",
        "k-employment": "1",
        "k-yearsEmployed": "5",
        "k-otherBorrowings": "0",
        "k-desiredLimit": "50",
      },
      invoke: (id): Record<string, string> =>
        id === "start"
          ? { result: "Started", mode: "keypad", bot: "none" }
          : id.startsWith("a-")
            ? { result: "Saved" }
            : PASS,
    });
    expect(w.end).to.equal("transfer");
    expect(w.bots).to.deep.equal([]);
    const answers = w.invoked.filter((i) => i.params.action === "answer");
    expect(answers.map((i) => [i.params.field, i.params.value, i.logging])).to.deep.equal([
      ["annualIncome", "600", "off"],
      ["employment", "1", "off"],
      ["yearsEmployed", "5", "off"],
      ["otherBorrowings", "0", "off"],
      ["desiredLimit", "50", "off"],
    ]);
    expect(w.invoked.at(-1)).to.deep.equal({
      id: "score-keypad",
      params: {
        action: "score",
        mode: "keypad",
        consentPreScreen: "yes",
        consentCreditBureau: "yes",
      },
      logging: "off",
    });
    expect(w.attributes.prescreenResult).to.equal("pass");
  });

  it("without both consents nothing is asked: the desk is told, and the caller reaches it", () => {
    for (const keys of [{ consent: "2" }, {}, { consent: "1", "consent-bureau": "2" }] as Record<
      string,
      string
    >[]) {
      const w = walkFlow(flow, { keys });
      expect(w.end).to.equal("transfer");
      expect(w.invoked).to.deep.equal([]);
      expect(w.attributes).to.deep.equal({
        prescreenResult: "NoConsent",
        prescreenSummary: "仮審査: 同意なし (担当者がご案内)",
      });
    }
  });

  it("anything that goes wrong ends at the desk with the reason, the flow log on again", () => {
    const cases: [Scenario, string][] = [
      [{ ...byBot(), lex: () => "timeout" }, "Incomplete"],
      [{ ...byBot(), lex: () => ({ intent: "FallbackIntent", slots: {} }) }, "Incomplete"],
      [byBot(() => "error"), "Unavailable"],
      [{ ...byBot(), invoke: () => "error" }, "Unavailable"],
      [
        {
          keys: { consent: "1", "consent-bureau": "1", "k-annualIncome": "abc" },
          invoke: (id): Record<string, string> =>
            id === "start"
              ? { result: "Started", mode: "keypad", bot: "none" }
              : { result: "Invalid" },
        },
        "Incomplete",
      ],
    ];
    for (const [s, result] of cases) {
      const w = walkFlow(flow, s);
      expect(w.end, w.path.join(" → ")).to.equal("transfer");
      expect(w.attributes.prescreenResult, w.path.join(" → ")).to.equal(result);
    }
    const states = loggingStates(flow);
    for (const id of ["to-desk", "callback-offer", "result", "incomplete", "unavailable"])
      expect([...states.get(id)!], id).to.deep.equal(["on"]);
    // Every figure-handling action only ever runs with the log off.
    const figures = flow.Actions.filter(
      (a) =>
        a.Type === "ConnectParticipantWithLexBot" ||
        a.Parameters.StoreInput === "True" ||
        (a.Type === "InvokeLambdaFunction" && a.Identifier !== "start"),
    );
    expect(figures).to.have.length(1 + 5 + 5 + 2);
    for (const a of figures)
      expect([...states.get(a.Identifier)!], a.Identifier).to.deep.equal(["off"]);
  });

  it("every action is reachable; the only goodbyes follow a message; the main menu's 4 leads here", () => {
    const states = loggingStates(flow);
    expect([...states.keys()].sort()).to.deep.equal(flow.Actions.map((a) => a.Identifier).sort());
    const intoGoodbye = flow.Actions.filter((a) => nextActions(a).includes("goodbye"));
    expect(new Set(intoGoodbye.map((a) => a.Type))).to.deep.equal(new Set(["MessageParticipant"]));
    const main = loadTemplate("inbound-main").template as FlowGraph;
    const menu = main.Actions.find((a) => a.Identifier === "menu")!;
    const four = (
      menu.Transitions.Conditions as { NextAction: string; Condition: { Operands: string[] } }[]
    ).find((c) => c.Condition.Operands[0] === "4")!;
    expect(main.Actions.find((a) => a.Identifier === four.NextAction)?.Parameters).to.deep.equal({
      ContactFlowId: "{{flow.card-loan-prescreen}}",
    });
  });
});

describe("card-loan-prescreen-chat flow", () => {
  const flow = loadTemplate("card-loan-prescreen-chat").template as FlowGraph;
  const chat = (answers: Record<string, string>, invoke?: Scenario["invoke"]): Scenario => ({
    invoke: (id, p) =>
      id === "start" ? { result: "Started", mode: "lex", bot: BOT } : (invoke?.(id, p) ?? PASS),
    lex: (id) =>
      id === "figures"
        ? { intent: answers.figures ?? PRESCREEN_INTENT, slots: FIGURES }
        : { intent: answers[id] ?? "FallbackIntent", slots: {} },
  });
  const YES = CONSENT_INTENTS.yes;
  const NO = CONSENT_INTENTS.no;

  it("asks both consents and the figures through the bot (a chat takes input only through Lex)", () => {
    expect(flow.Actions.filter((a) => a.Type === "GetParticipantInput")).to.deep.equal([]);
    const w = walkFlow(flow, chat({ consent: YES, "consent-bureau": YES }));
    expect(w.end).to.equal("queue");
    expect(w.bots.map((b) => [b.id, b.logging])).to.deep.equal([
      ["consent", "on"],
      ["consent-bureau", "on"],
      ["figures", "off"],
    ]);
    expect(w.invoked.at(-1)?.params).to.deep.include({ mode: "lex", ...FIGURES });
    expect(w.heard).to.include(PASS.text);
    expect(w.attributes.prescreenResult).to.equal("pass");
  });

  it("no consent, anything unclear, or no bot in the region: the desk, with the reason", () => {
    const cases: [Scenario, string][] = [
      [chat({ consent: NO }), "NoConsent"],
      [chat({ consent: YES, "consent-bureau": NO }), "NoConsent"],
      [chat({}), "NoConsent"],
      [chat({ consent: YES, "consent-bureau": YES, figures: "FallbackIntent" }), "Incomplete"],
      [chat({ consent: YES, "consent-bureau": YES }, () => "error"), "Unavailable"],
      [{ invoke: () => ({ result: "Started", mode: "keypad", bot: "none" }) }, "Unavailable"],
    ];
    for (const [s, result] of cases) {
      const w = walkFlow(flow, s);
      expect(w.end, w.path.join(" → ")).to.equal("queue");
      expect(w.attributes.prescreenResult, w.path.join(" → ")).to.equal(result);
    }
    const states = loggingStates(flow);
    expect([...states.keys()].sort()).to.deep.equal(flow.Actions.map((a) => a.Identifier).sort());
    for (const id of ["figures", "score"]) expect([...states.get(id)!], id).to.deep.equal(["off"]);
    for (const id of ["to-desk", "transfer"])
      expect([...states.get(id)!], id).to.deep.equal(["on"]);
  });

  it("is where the chat's card-loan topic goes", () => {
    const main = loadTemplate("chat-inbound").template as FlowGraph;
    const topic = main.Actions.find((a) => a.Identifier === "topic")!;
    const loan = (
      topic.Transitions.Conditions as { NextAction: string; Condition: { Operands: string[] } }[]
    ).find((c) => c.Condition.Operands[0] === "card-loan-screening")!;
    expect(main.Actions.find((a) => a.Identifier === loan.NextAction)?.Parameters).to.deep.equal({
      ContactFlowId: "{{flow.card-loan-prescreen-chat}}",
    });
  });
});

describe("pre-screening bot", () => {
  const locale = preScreenBotLocale();
  it("asks every figure the rules need, obfuscated in Lex's logs, and reads them back", () => {
    const intent = locale.intents.find((i) => i.name === PRESCREEN_INTENT)!;
    expect(intent.slots!.map((s) => s.name)).to.deep.equal([...PRESCREEN_SLOTS]);
    for (const s of intent.slots!)
      expect(s.obfuscationSetting, s.name).to.deep.equal({
        obfuscationSettingType: "DefaultObfuscation",
      });
    const prompt = JSON.stringify(intent.intentConfirmationSetting);
    for (const s of PRESCREEN_SLOTS) expect(prompt).to.include(`{${s}}`);
    // AMAZON.Number (every locale) for figures; no AMAZON.Confirmation (English only).
    expect(intent.slots!.filter((s) => s.slotTypeName === "AMAZON.Number")).to.have.length(4);
    expect(JSON.stringify(locale)).to.not.include("AMAZON.Confirmation");
    // A yes is a consent, never the start of the figures: no utterance is in two intents.
    const seen = new Map<string, string>();
    for (const i of locale.intents)
      for (const u of i.sampleUtterances ?? []) {
        expect(seen.get(u.utterance), u.utterance).to.equal(undefined);
        seen.set(u.utterance, i.name);
      }
    expect(seen.get("はい")).to.equal(CONSENT_INTENTS.yes);
    expect(seen.get("いいえ")).to.equal(CONSENT_INTENTS.no);
  });

  it("resolves employment to exactly the scoring rules' kinds", () => {
    const type = locale.slotTypes.find((t) => t.name === "Employment")!;
    expect(type.slotTypeValues.map((v) => v.sampleValue.value)).to.deep.equal([...EMPLOYMENT]);
    expect(type.valueSelectionSetting).to.deep.equal({ resolutionStrategy: "TOP_RESOLUTION" });
    expect(Object.keys(EMPLOYMENT_WORDS)).to.deep.equal([...EMPLOYMENT]);
  });
});

describe("PreScreening in both stacks", () => {
  it("deploys the function and its table in both; the bot only where Lex V2 exists (not Osaka)", async () => {
    for (const [stack, region, bot] of [
      ["tokyo", "ap-northeast-1", true],
      ["dr", "ap-northeast-3", false],
    ] as const) {
      const rec = await runStack(stack);
      expect(rec.ofType(PRESCREEN_TOKEN).map((r) => r.name)).to.deep.equal([`${stack}-prescreen`]);
      const get = (t: string, n: string) => rec.get(t, `${stack}-prescreen-${n}`);
      const fn = get("aws:lambda/function:Function", "function");
      expect(fn.inputs.name).to.equal(PRESCREEN_FUNCTION);
      const env = (fn.inputs.environment as { variables: Record<string, string> }).variables;
      const bots = rec.ofType("aws-native:lex:Bot").filter((b) => b.inputs.name === PRESCREEN_BOT);
      expect(bots).to.have.length(bot ? 1 : 0);
      expect(env).to.deep.equal({
        TABLE_NAME: "customerchannel-prescreen",
        RULES: JSON.stringify(DEFAULT_RULES),
        RETENTION_DAYS: "1095",
        BOT_ALIAS_ARN: bot ? String(get("aws-native:lex:BotAlias", "bot-alias").state.arn) : "",
      });
      const key = get("aws:kms/key:Key", "key");
      expect(key.inputs.enableKeyRotation).to.equal(true);
      const table = get("aws:dynamodb/table:Table", "table").inputs;
      expect(table).to.deep.include({
        name: "customerchannel-prescreen",
        hashKey: "pk",
        rangeKey: "sk",
      });
      expect(table.ttl).to.deep.equal({ attributeName: "expiresAt", enabled: true });
      expect(table.pointInTimeRecovery).to.deep.equal({ enabled: true });
      expect(table.serverSideEncryption).to.deep.equal({ enabled: true, kmsKeyArn: key.state.arn });
      const own = rec
        .policy(get("aws:iam/rolePolicy:RolePolicy", "function"))
        .Statement.filter((s) => String(s.Sid).startsWith("PreScreen"));
      expect(own).to.deep.equal(
        preScreenPolicy({
          tableArn: String(get("aws:dynamodb/table:Table", "table").state.arn),
          keyArn: String(key.state.arn),
          region,
        }),
      );
      expect(get("aws:lambda/permission:Permission", "connect-invoke").inputs).to.deep.include({
        principal: "connect.amazonaws.com",
        sourceArn: rec.run.outputs.instanceArn,
      });
    }
  });

  it("the flow invokes it by its region-neutral ARN; rules and retention come from config", async () => {
    const rec = await runStack("tokyo", {
      selfService: { preScreening: { retentionDays: 400, minAnnualIncomeYen: 2_000_000 } },
    });
    const env = (
      rec.get("aws:lambda/function:Function", "tokyo-prescreen-function").inputs.environment as {
        variables: Record<string, string>;
      }
    ).variables;
    expect(env.RETENTION_DAYS).to.equal("400");
    expect(JSON.parse(env.RULES)).to.deep.equal({
      ...DEFAULT_RULES,
      minAnnualIncomeYen: 2_000_000,
    });
    const content = String(
      rec.get("aws:connect/contactFlow:ContactFlow", "tokyo-flows-card-loan-prescreen").inputs
        .content,
    );
    expect(content).to.include(
      `"LambdaFunctionARN":"arn:aws:lambda:$.AwsRegion:123456789012:function:${PRESCREEN_FUNCTION}"`,
    );
  });
});
