/**
 * Over 500 lines on purpose: Every template rendered and validated, its diagram, and the console-
 * export shapes: one catalog.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { PROJECT_ROOT } from "../../config";
import { loadTemplates } from "../../flows/catalog";
import { flowToMermaid } from "../../flows/diagram";
import { declaredType } from "../../flows/metadata";
import {
  canonicalJson,
  FlowRenderError,
  renderFlow,
  renderFlowOutput,
  templateVariables,
} from "../../flows/render";
import { errorsOnly, validateFlow, type FlowType, type Problem } from "../../flows/validate";

const TEMPLATES = path.join(PROJECT_ROOT, "flows/templates");
const load = (name: string) =>
  JSON.parse(fs.readFileSync(path.join(TEMPLATES, `${name}.json`), "utf8")) as Flow;

interface Flow {
  Version: string;
  StartAction: string;
  Metadata: Record<string, unknown>;
  Actions: {
    Identifier: string;
    Type: string;
    Parameters: Record<string, unknown>;
    Transitions: Record<string, unknown>;
  }[];
}

const INBOUND_VARS: Record<string, string> = {
  "bank.name": "サンプル銀行",
  "hours.business": "arn:aws:connect:ap-northeast-1:123456789012:instance/i/operating-hours/h",
  "flow.after-hours": "arn:aws:connect:ap-northeast-1:123456789012:instance/i/contact-flow/ah",
  "flow.customer-queue": "arn:aws:connect:ap-northeast-1:123456789012:instance/i/contact-flow/cq",
  "flow.agent-whisper": "arn:aws:connect:ap-northeast-1:123456789012:instance/i/contact-flow/aw",
  "queue.customer-desk": "arn:aws:connect:ap-northeast-1:123456789012:instance/i/queue/1",
  "queue.agency-desk": "arn:aws:connect:ap-northeast-1:123456789012:instance/i/queue/2",
  // Menu "3" goes to the telephone-banking flow (self-service or its queue).
  "flow.telephone-banking":
    "arn:aws:connect:ap-northeast-1:123456789012:instance/i/contact-flow/tb",
  // Menu "4" goes to card-loan pre-screening, which ends at the card-loan desk.
  "flow.card-loan-prescreen":
    "arn:aws:connect:ap-northeast-1:123456789012:instance/i/contact-flow/ps",
  // A desk's queue goes through the callback offer (or straight to the queue without it).
  "flow.callback-offer": "arn:aws:connect:ap-northeast-1:123456789012:instance/i/contact-flow/co",
};

describe("flows: renderer", () => {
  it("lists exactly the variables a template uses", () => {
    expect(templateVariables(load("inbound-main"))).to.deep.equal(Object.keys(INBOUND_VARS).sort());
    expect(templateVariables(load("after-hours"))).to.deep.equal([]);
  });

  it("renders canonical JSON with every variable substituted", () => {
    const out = renderFlow("inbound-main", load("inbound-main"), INBOUND_VARS);
    expect(out).to.not.include("{{");
    expect(out).to.equal(canonicalJson(JSON.parse(out)));
    const flow = JSON.parse(out) as Flow;
    const hours = flow.Actions.find((a) => a.Identifier === "hours");
    expect(hours?.Parameters.HoursOfOperationId).to.equal(INBOUND_VARS["hours.business"]);
    expect(flow.Actions.find((a) => a.Identifier === "welcome")?.Parameters.Text).to.equal(
      "お電話ありがとうございます。サンプル銀行でございます。この通話は品質向上のため録音させていただきます。",
    );
    expect(Object.keys(JSON.parse(out) as object)).to.deep.equal([
      "Actions",
      "Metadata",
      "StartAction",
      "Version",
    ]);
  });

  it("never touches a literal % in SSML", () => {
    const out = renderFlow("after-hours", load("after-hours"), {});
    expect(out).to.include('<prosody rate=\\"90%\\">');
  });

  it("escapes values: quotes and backslashes cannot break the JSON", () => {
    const out = renderFlow("t", { Text: "{{v}}" }, { v: 'say "hi" \\ bye' });
    expect(JSON.parse(out)).to.deep.equal({ Text: 'say "hi" \\ bye' });
  });

  it("substitutes inside strings only, never in keys", () => {
    expect(renderFlow("t", { "{{k}}": "x", a: "pre-{{k}}-post" }, { k: "v" })).to.equal(
      '{"a":"pre-v-post","{{k}}":"x"}',
    );
  });

  it("fails on unresolved, empty and unused variables, naming them all", () => {
    const vars = { ...INBOUND_VARS, "bank.name": "", extra: "x" };
    delete (vars as Record<string, string>)["queue.agency-desk"];
    expect(() => renderFlow("inbound-main", load("inbound-main"), vars)).to.throw(
      FlowRenderError,
      "flow inbound-main: unresolved variables: bank.name (empty), queue.agency-desk; variables supplied but not used: extra",
    );
  });

  it("renders with Output variables", async () => {
    const out = await new Promise<string>((resolve) =>
      renderFlowOutput("t", { A: "{{a}}", B: "{{b}}" }, { a: pulumi.output("1"), b: "2" }).apply(
        resolve,
      ),
    );
    expect(out).to.equal('{"A":"1","B":"2"}');
  });
});

// ---------------------------------------------------------------------------------------------

const rendered = () =>
  JSON.parse(renderFlow("inbound-main", load("inbound-main"), INBOUND_VARS)) as Flow;
const action = (f: Flow, id: string) => {
  const a = f.Actions.find((x) => x.Identifier === id);
  if (!a) throw new Error(`no action ${id}`);
  return a;
};
/** Turns the hours check into a CheckMetricData with one condition, its errors routed. */
const asMetricCheck = (f: Flow, p: Record<string, unknown>, operator: string, operand: string) => {
  const a = action(f, "hours");
  a.Type = "CheckMetricData";
  a.Parameters = p;
  a.Transitions = {
    NextAction: "welcome",
    Conditions: [
      { NextAction: "after-hours", Condition: { Operator: operator, Operands: [operand] } },
    ],
    Errors: [
      { ErrorType: "NoMatchingCondition", NextAction: "welcome" },
      { ErrorType: "NoMatchingError", NextAction: "welcome" },
    ],
  };
};
const rulesOf = (p: Problem[]) => errorsOnly(p).map((x) => `${x.rule}@${x.action}`);

interface Broken {
  readonly title: string;
  readonly type?: FlowType;
  readonly multiRegion?: boolean;
  /** Validate as one of this project's templates (unrouted errors are errors then). */
  readonly templateRules?: boolean;
  readonly breakIt: (f: Flow) => void;
  /** rule@action expected among the errors. */
  readonly expect: string;
  readonly says: string;
}

const broken: Broken[] = [
  {
    title: "dangling NextAction",
    breakIt: (f) => (action(f, "welcome").Transitions.NextAction = "nowhere"),
    expect: "dangling@welcome",
    says: 'NextAction points at "nowhere"',
  },
  {
    title: "dangling error branch",
    breakIt: (f) =>
      ((action(f, "transfer").Transitions.Errors as { NextAction: string }[])[0].NextAction =
        "gone"),
    expect: "dangling@transfer",
    says: 'Errors(QueueAtCapacity) points at "gone"',
  },
  {
    title: "StartAction missing",
    breakIt: (f) => (f.StartAction = "nope"),
    expect: "start@",
    says: 'StartAction "nope"',
  },
  {
    title: "unreachable action",
    breakIt: (f) =>
      f.Actions.push({
        Identifier: "orphan",
        Type: "DisconnectParticipant",
        Parameters: {},
        Transitions: {},
      }),
    expect: "unreachable@orphan",
    says: "no path from StartAction",
  },
  {
    title: "duplicate identifier",
    breakIt: (f) => (action(f, "busy").Identifier = "goodbye"),
    expect: "identifier@goodbye",
    says: "Identifier is used twice",
  },
  {
    title: "identifier over 50 characters",
    breakIt: (f) => {
      const long = "x".repeat(51);
      action(f, "goodbye").Identifier = long;
      for (const a of f.Actions)
        for (const e of (a.Transitions.Errors as { NextAction: string }[] | undefined) ?? [])
          if (e.NextAction === "goodbye") e.NextAction = long;
      for (const a of f.Actions)
        if (a.Transitions.NextAction === "goodbye") a.Transitions.NextAction = long;
    },
    expect: `identifier@${"x".repeat(51)}`,
    says: "51 characters, over 50",
  },
  {
    title: "more than 250 actions",
    breakIt: (f) => {
      for (let i = 0; i < 240; i++)
        f.Actions.push({
          Identifier: `n${i}`,
          Type: "DisconnectParticipant",
          Parameters: {},
          Transitions: {},
        });
    },
    expect: "size@",
    says: "over 250",
  },
  {
    title: "content over 256,000 characters",
    breakIt: (f) => (action(f, "welcome").Parameters.Text = "あ".repeat(256_001)),
    expect: "size@",
    says: "over 256000",
  },
  {
    title: "terminal action with transitions",
    breakIt: (f) => (action(f, "goodbye").Transitions = { NextAction: "busy" }),
    expect: "terminal@goodbye",
    says: "ends the flow but has transitions",
  },
  {
    title: "hours check without a False branch",
    breakIt: (f) =>
      (action(f, "hours").Transitions.Conditions = (
        action(f, "hours").Transitions.Conditions as unknown[]
      ).slice(0, 1)),
    expect: "hours-branches@hours",
    says: "no False branch",
  },
  {
    title: "number instead of a string",
    breakIt: (f) => (action(f, "menu").Parameters.InputTimeLimitSeconds = 8),
    expect: "parameters@menu",
    says: "Parameters.InputTimeLimitSeconds is 8",
  },
  {
    title: "empty string parameter",
    breakIt: (f) => (action(f, "welcome").Parameters.Text = ""),
    expect: "parameters@welcome",
    says: "Parameters.Text is an empty string",
  },
  {
    title: "error not routed in a template",
    templateRules: true,
    breakIt: (f) =>
      (action(f, "transfer").Transitions.Errors = (
        action(f, "transfer").Transitions.Errors as unknown[]
      ).slice(1)),
    expect: "unhandled-error@transfer",
    says: "does not route the QueueAtCapacity error",
  },
  {
    title: "action with no way out",
    breakIt: (f) => (action(f, "hooks").Transitions = {}),
    expect: "next-action@hooks",
    says: "UpdateContactEventHooks has no Transitions.NextAction",
  },
  {
    // Connect rejects branching actions without NextAction although their conditions and errors
    // cover every outcome (flow-language-actions.html; every console export carries it).
    title: "branching action routed by conditions and errors only",
    breakIt: (f) => delete action(f, "menu").Transitions.NextAction,
    expect: "next-action@menu",
    says: "GetParticipantInput has no Transitions.NextAction",
  },
  {
    title: "hours check routed by conditions only",
    breakIt: (f) => delete action(f, "hours").Transitions.NextAction,
    expect: "next-action@hours",
    says: "CheckHoursOfOperation has no Transitions.NextAction",
  },
  {
    // participant-actions-getparticipantinput.html: stored input has no conditions.
    title: "stored input with condition branches",
    breakIt: (f) => (action(f, "menu").Parameters.StoreInput = "True"),
    expect: "stored-input@menu",
    says: 'GetParticipantInput with StoreInput "True" supports no conditions',
  },
  {
    title: "stored input routing NoMatchingCondition",
    breakIt: (f) => (action(f, "menu").Parameters.StoreInput = "True"),
    expect: "stored-input-error@menu",
    says: "must not route NoMatchingCondition",
  },
  {
    title: "stored input without InputValidation",
    breakIt: (f) => {
      const a = action(f, "menu");
      a.Parameters.StoreInput = "True";
      delete a.Transitions.Conditions;
    },
    expect: "parameters@menu",
    says: 'StoreInput "True" needs InputValidation',
  },
  {
    title: "menu without choices",
    breakIt: (f) => delete action(f, "menu").Transitions.Conditions,
    expect: "conditions@menu",
    says: "no condition branches",
  },
  {
    title: "two prompts in one message",
    breakIt: (f) => (action(f, "welcome").Parameters.SSML = "<speak>x</speak>"),
    expect: "parameters@welcome",
    says: "needs exactly one of Text, SSML, PromptId, Media (has Text, SSML)",
  },
  {
    title: "queue transfer in a whisper flow",
    type: "AGENT_WHISPER",
    breakIt: () => undefined,
    expect: "flow-type@transfer",
    says: "TransferContactToQueue is not supported in AGENT_WHISPER flows",
  },
  {
    title: "disconnect in a whisper flow",
    type: "AGENT_WHISPER",
    breakIt: () => undefined,
    expect: "flow-type@goodbye",
    says: "DisconnectParticipant is not supported in AGENT_WHISPER flows",
  },
  {
    title: "Lambda waiting longer than Connect allows",
    breakIt: (f) => {
      action(f, "hooks").Type = "InvokeLambdaFunction";
      action(f, "hooks").Parameters = {
        LambdaFunctionARN: "arn:aws:lambda:$.AwsRegion:1:function:f",
        InvocationTimeLimitSeconds: "10",
      };
    },
    expect: "parameters@hooks",
    says: "InvocationTimeLimitSeconds must be 1-8",
  },
  {
    title: "Lambda ARN pinned to Tokyo in a mirrored flow",
    multiRegion: true,
    breakIt: (f) => {
      action(f, "hooks").Type = "InvokeLambdaFunction";
      action(f, "hooks").Parameters = {
        LambdaFunctionARN: "arn:aws:lambda:ap-northeast-1:1:function:f",
        InvocationTimeLimitSeconds: "8",
      };
    },
    expect: "parameters@hooks",
    says: "is pinned to region ap-northeast-1",
  },
  {
    title: "static Lex alias in a mirrored flow (each region's bot has its own id)",
    multiRegion: true,
    breakIt: (f) => {
      const a = action(f, "menu");
      a.Type = "ConnectParticipantWithLexBot";
      a.Parameters = {
        Text: "ご用件をお話しください",
        // Even with $.AwsRegion: the bot id B exists in one region only.
        LexV2Bot: { AliasArn: "arn:aws:lex:$.AwsRegion:1:bot-alias/B/A" },
      };
    },
    expect: "parameters@menu",
    says: "LexV2Bot.AliasArn arn:aws:lex:$.AwsRegion:1:bot-alias/B/A names one region's bot",
  },
  // flow-control-actions-checkmetricdata.html (the hours check becomes a metric check here).
  {
    title: "metric check with a dynamic metric",
    breakIt: (f) =>
      asMetricCheck(f, { MetricType: "$.Attributes.metric" }, "NumberGreaterThan", "5"),
    expect: "parameters@hours",
    says: "(dynamic values are not supported)",
  },
  {
    title: "metric check on a queue and an agent at once",
    breakIt: (f) =>
      asMetricCheck(
        f,
        { MetricType: "NumberOfContactsInQueue", QueueId: "q", AgentId: "a" },
        "NumberGreaterThan",
        "5",
      ),
    expect: "parameters@hours",
    says: "QueueId and AgentId are both set",
  },
  {
    title: "agent-count metric compared with anything but NumberGreaterThan 0",
    breakIt: (f) =>
      asMetricCheck(f, { MetricType: "NumberOfAgentsAvailable" }, "NumberLessThan", "3"),
    expect: "conditions@hours",
    says: "supports only the condition NumberGreaterThan 0 (has NumberLessThan 3)",
  },
  {
    title: "queue metric compared as text",
    breakIt: (f) =>
      asMetricCheck(f, { MetricType: "NumberOfContactsInQueue" }, "TextContains", "5"),
    expect: "conditions@hours",
    says: "operator TextContains does not compare a metric",
  },
  {
    title: "queue metric check leaving no-match unrouted in a template",
    templateRules: true,
    breakIt: (f) => {
      asMetricCheck(f, { MetricType: "OldestContactInQueueAgeSeconds" }, "NumberGreaterThan", "60");
      action(f, "hours").Transitions.Errors = [
        { ErrorType: "NoMatchingError", NextAction: "after-hours" },
      ];
    },
    expect: "unhandled-error@hours",
    says: "does not route the NoMatchingCondition error",
  },
  {
    title: "wrong language version",
    breakIt: (f) => (f.Version = "2020-01-01"),
    expect: "version@",
    says: 'Version is "2020-01-01"',
  },
];

/** A plausible value for any template variable, region-neutral where a flow may be mirrored. */
const sampleValue = (v: string): string =>
  v.startsWith("function.")
    ? `arn:aws:lambda:$.AwsRegion:123456789012:function:${v.slice(9)}`
    : v.startsWith("lex.")
      ? "arn:aws:lex:$.AwsRegion:123456789012:bot-alias/BOTID/ALIASID"
      : v.startsWith("callback.")
        ? "10"
        : v.startsWith("dr.")
          ? "+81312345678"
          : v.includes(".") && !v.startsWith("bank.")
            ? `arn:aws:connect:ap-northeast-1:123456789012:instance/i/${v.replace(".", "/")}`
            : "サンプル銀行";

describe("flows: every shipped template", () => {
  for (const t of loadTemplates()) {
    it(`${t.name} renders and validates as ${t.type}, mirrored-flow rules included`, () => {
      const vars = Object.fromEntries(
        [...t.variables, ...t.dependsOn.map((d) => `flow.${d}`)].map((v) => [v, sampleValue(v)]),
      );
      const out = renderFlow(t.name, t.template, vars);
      expect(
        validateFlow(out, { type: t.type, multiRegion: true, templateRules: true }),
      ).to.deep.equal([]);
    });
  }
});

describe("flows: shapes of real console exports (flows/fixtures/exports)", () => {
  const dir = path.join(PROJECT_ROOT, "flows/fixtures/exports");
  const files = fs.readdirSync(dir).filter((f) => f.endsWith(".json"));
  it("has the fixtures the README lists", () => {
    expect(files.sort()).to.deep.equal([
      "inbound-voiceid-lex.json",
      "stored-input.json",
      "transfer-to-flow.json",
    ]);
  });
  for (const file of files) {
    it(`${file}: no errors; only the error types the export leaves unrouted are warned about`, () => {
      const text = fs.readFileSync(path.join(dir, file), "utf8");
      const problems = validateFlow(text, { type: "CONTACT_FLOW" });
      expect(errorsOnly(problems)).to.deep.equal([]);
      expect(problems.map((p) => `${p.severity}:${p.rule}@${p.action}`)).to.deep.equal(
        file === "inbound-voiceid-lex.json"
          ? ["warning:unhandled-error@bot", "warning:unhandled-error@check"]
          : [],
      );
    });
  }
  it("the project's template rules turn those unrouted errors into errors", () => {
    const text = fs.readFileSync(path.join(dir, "inbound-voiceid-lex.json"), "utf8");
    expect(
      rulesOf(validateFlow(text, { type: "CONTACT_FLOW", templateRules: true })),
    ).to.deep.equal(["unhandled-error@bot", "unhandled-error@check"]);
  });
});

describe("flows: validator", () => {
  it("accepts every shipped template, rendered", () => {
    expect(
      validateFlow(renderFlow("inbound-main", load("inbound-main"), INBOUND_VARS), {
        type: "CONTACT_FLOW",
      }),
    ).to.deep.equal([]);
    expect(
      validateFlow(renderFlow("after-hours", load("after-hours"), {}), { type: "CONTACT_FLOW" }),
    ).to.deep.equal([]);
  });

  for (const b of broken) {
    it(`reports ${b.title} with the action id`, () => {
      const f = rendered();
      b.breakIt(f);
      const problems = validateFlow(JSON.stringify(f), {
        type: b.type ?? "CONTACT_FLOW",
        multiRegion: b.multiRegion,
        templateRules: b.templateRules,
      });
      expect(rulesOf(problems)).to.include(b.expect);
      const p = problems.find((x) => `${x.rule}@${x.action}` === b.expect);
      expect(p?.message).to.include(b.says);
      expect(p?.hint).to.be.a("string").and.not.equal("");
    });
  }

  it("reports content that is not JSON", () => {
    expect(validateFlow("{nope", { type: "CONTACT_FLOW" }).map((p) => p.rule)).to.deep.equal([
      "json",
    ]);
  });

  it("only warns about action types it does not know (console exports may use more)", () => {
    const f = rendered();
    action(f, "hooks").Type = "SomeFutureAction";
    const problems = validateFlow(JSON.stringify(f), { type: "CONTACT_FLOW" });
    expect(errorsOnly(problems)).to.deep.equal([]);
    expect(problems.map((p) => `${p.severity}:${p.rule}@${p.action}`)).to.deep.equal([
      "warning:unknown-type@hooks",
    ]);
  });

  it("maps designer metadata types to API flow types", () => {
    expect(declaredType({ Metadata: { type: "contactFlow" } })).to.equal("CONTACT_FLOW");
    expect(declaredType({ Metadata: { type: "agentWhisper" } })).to.equal("AGENT_WHISPER");
    expect(declaredType({ Metadata: { type: "CUSTOMER_QUEUE" } })).to.equal("CUSTOMER_QUEUE");
    expect(declaredType({ Metadata: {} })).to.equal(undefined);
  });
});

describe("flows: validate CLI", () => {
  const cli = (...args: string[]) =>
    spawnSync(
      process.execPath,
      ["--import", "tsx", path.join(PROJECT_ROOT, "scripts/flows-validate.ts"), ...args],
      {
        cwd: PROJECT_ROOT,
        encoding: "utf8",
        timeout: 60_000,
      },
    );

  it("passes the shipped templates and fails a broken export naming the action", () => {
    const ok = cli(
      path.join(TEMPLATES, "inbound-main.json"),
      path.join(TEMPLATES, "after-hours.json"),
    );
    expect(ok.status, ok.stderr).to.equal(0);
    expect(ok.stdout).to.include("inbound-main.json: CONTACT_FLOW, valid");

    const f = load("inbound-main");
    action(f, "welcome").Transitions.NextAction = "nowhere";
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "flows-")), "broken.json");
    fs.writeFileSync(file, JSON.stringify(f));
    const bad = cli(file);
    expect(bad.status).to.equal(1);
    expect(bad.stdout).to.include(
      `${file}: error [dangling] action welcome: NextAction points at "nowhere", which is not an action of this flow (fix: connect the branch to an existing block)`,
    );
    expect(bad.stdout).to.include(`${file}: CONTACT_FLOW, 1 error(s)`);
  });

  it("exits 2 for a missing file", () => {
    expect(cli("/nonexistent/flow.json").status).to.equal(2);
  });

  it("--multi-region passes every shipped template (placeholders render region-neutral) and fails a pinned ARN", () => {
    const all = fs.readdirSync(TEMPLATES).map((f) => path.join(TEMPLATES, f));
    const ok = cli("--multi-region", ...all);
    expect(ok.status, ok.stdout).to.equal(0);
    const f = load("auth-verify");
    const lambda = f.Actions.find((a) => a.Type === "InvokeLambdaFunction")!;
    lambda.Parameters.LambdaFunctionARN =
      "arn:aws:lambda:ap-northeast-1:123456789012:function:customerchannel-caller-auth";
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "flows-")), "pinned.json");
    fs.writeFileSync(file, JSON.stringify(f));
    const bad = cli("--multi-region", file);
    expect(bad.status).to.equal(1);
    expect(bad.stdout).to.include("is pinned to region ap-northeast-1");
  });
});

describe("flows: diagrams", () => {
  const templates = loadTemplates();

  it("draws one node per action and one edge per branch target, prompts in Japanese", () => {
    for (const t of templates) {
      const m = flowToMermaid(t);
      const f = t.template as Flow;
      const nodes = m.split("\n").filter((l) => /^ {2}n\d+[[(]/.test(l));
      const edges = m.split("\n").filter((l) => /^ {2}n\d+ (--|-->)/.test(l));
      // Branches to the same block share one edge.
      const transitions = f.Actions.reduce((sum, a) => {
        const tr = a.Transitions as {
          NextAction?: string;
          Conditions?: { NextAction: string }[];
          Errors?: { NextAction: string }[];
        };
        const targets = new Set([
          ...(tr.NextAction ? [tr.NextAction] : []),
          ...(tr.Conditions ?? []).map((c) => c.NextAction),
          ...(tr.Errors ?? []).map((e) => e.NextAction),
        ]);
        return sum + targets.size;
      }, 0);
      expect(nodes.length, t.name).to.equal(f.Actions.length);
      expect(edges.length, t.name).to.equal(transitions);
      expect(m, t.name).to.not.include("missing");
    }
    expect(flowToMermaid(templates.find((t) => t.name === "after-hours")!)).to.include(
      "本日の受付は終了いたしました",
    );
  });

  it("keeps docs/flows up to date with the templates (npm run flows:diagram)", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "diagrams-"));
    const r = spawnSync(
      process.execPath,
      ["--import", "tsx", path.join(PROJECT_ROOT, "scripts/flows-diagram.ts"), dir],
      {
        encoding: "utf8",
        timeout: 60_000,
      },
    );
    expect(r.status, r.stderr).to.equal(0);
    const generated = fs.readdirSync(dir).sort();
    expect(generated).to.deep.equal([...templates.map((t) => `${t.name}.md`), "README.md"].sort());
    for (const f of generated) {
      expect(fs.readFileSync(path.join(PROJECT_ROOT, "docs/flows", f), "utf8"), f).to.equal(
        fs.readFileSync(path.join(dir, f), "utf8"),
      );
    }
  });
});
