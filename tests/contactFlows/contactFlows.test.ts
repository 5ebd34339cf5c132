import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  ConnectClient,
  DescribeContactFlowCommand,
  UpdateContactFlowContentCommand,
} from "@aws-sdk/client-connect";
import { RESULTS, VERIFIED_METHODS } from "../../functions/caller-auth/core";
import { fakeConnectForThisBlock } from "../support/mockConnect";
import { expect } from "chai";
import { CONTACT_FLOWS_TOKEN, ContactFlows } from "../../components";
import {
  diffFlowContent,
  putFlowContent,
  readFlowContent,
} from "../../components/contactFlows/flowContent";
import {
  deploymentOrder,
  loadTemplate,
  loadTemplates,
  type FlowTemplate,
} from "../../flows/catalog";
import { renderFlow } from "../../flows/render";
import { validateFlow } from "../../flows/validate";
import { failureOf, runProgram, runStack } from "../support/harness";
import { loggingStates, type FlowAction, type FlowGraph } from "../support/flowGraph";

const ARN = (kind: string, id: string) =>
  `arn:aws:connect:ap-northeast-1:123456789012:instance/i-1/${kind}/${id}`;
const VARS: Record<string, string> = {
  "bank.name": "サンプル銀行",
  "hours.business": ARN("operating-hours", "h"),
  "queue.customer-desk": ARN("queue", "1"),
  "queue.agency-desk": ARN("queue", "2"),
  "queue.telephone-banking": ARN("queue", "3"),
  "queue.card-loan-screening": ARN("queue", "4"),
  "function.telephone-banking":
    "arn:aws:lambda:$.AwsRegion:123456789012:function:customerchannel-telephone-banking",
  "function.callback-intake":
    "arn:aws:lambda:$.AwsRegion:123456789012:function:customerchannel-outbound-callback-intake",
  "function.prescreen":
    "arn:aws:lambda:$.AwsRegion:123456789012:function:customerchannel-prescreen",
  "callback.queue-size": "10",
  "callback.oldest-wait-seconds": "180",
};
const INBOUND = [
  "inbound-main",
  "after-hours",
  "customer-queue",
  "agent-whisper",
  "outbound",
  "callback",
  "telephone-banking",
  "callback-offer",
  "card-loan-prescreen",
];

describe("flows: catalog", () => {
  it("ships the templates with their types and references", () => {
    const all = loadTemplates();
    expect(all.map((f) => [f.name, f.type, f.dependsOn])).to.deep.equal([
      ["after-hours", "CONTACT_FLOW", []],
      ["agent-whisper", "AGENT_WHISPER", []],
      ["auth-enrol", "CONTACT_FLOW", ["inbound-main"]],
      ["auth-verify", "CONTACT_FLOW", ["auth-enrol", "inbound-main"]],
      ["auth-voiceid", "CONTACT_FLOW", ["auth-verify", "inbound-main"]],
      ["callback", "CONTACT_FLOW", ["agent-whisper"]],
      ["callback-offer", "CONTACT_FLOW", []],
      ["callback-offer-queue", "CONTACT_FLOW", []],
      [
        "card-loan-prescreen",
        "CONTACT_FLOW",
        ["agent-whisper", "callback-offer", "customer-queue"],
      ],
      ["card-loan-prescreen-chat", "CONTACT_FLOW", ["agent-whisper", "customer-queue"]],
      [
        "chat-inbound",
        "CONTACT_FLOW",
        ["agent-whisper", "card-loan-prescreen-chat", "customer-queue"],
      ],
      ["customer-queue", "CUSTOMER_QUEUE", []],
      ["dr-standby", "CONTACT_FLOW", []],
      ["dr-standby-transfer", "CONTACT_FLOW", []],
      [
        "inbound-main",
        "CONTACT_FLOW",
        [
          "after-hours",
          "agent-whisper",
          "callback-offer",
          "card-loan-prescreen",
          "customer-queue",
          "telephone-banking",
        ],
      ],
      ["outbound", "CONTACT_FLOW", []],
      ["telephone-banking", "CONTACT_FLOW", ["agent-whisper", "customer-queue"]],
      ["telephone-banking-queue", "CONTACT_FLOW", ["agent-whisper", "customer-queue"]],
    ]);
    expect(loadTemplate("dr-standby-transfer").variables).to.deep.equal(["dr.fallback-number"]);
  });

  it("auth flows validate as mirrored flows: region-neutral function ARN, bot alias per contact", () => {
    const vars = {
      "function.caller-auth":
        "arn:aws:lambda:$.AwsRegion:123456789012:function:customerchannel-caller-auth",
      "flow.inbound-main": ARN("contact-flow", "main"),
      "flow.auth-enrol": ARN("contact-flow", "enrol"),
    };
    const enrol = loadTemplate("auth-enrol");
    const verify = loadTemplate("auth-verify");
    // No bot variable: the flows read the region's bot alias from the lookup (authBot attribute).
    expect(verify.variables).to.deep.equal(["function.caller-auth"]);
    expect(enrol.variables).to.deep.equal(["function.caller-auth"]);
    expect(loadTemplate("auth-voiceid").variables).to.deep.equal([
      "function.caller-auth",
      "voiceid.threshold",
    ]);
    const ok = renderFlow("auth-enrol", enrol.template, {
      "function.caller-auth": vars["function.caller-auth"],
      "flow.inbound-main": vars["flow.inbound-main"],
    });
    expect(validateFlow(ok, { type: "CONTACT_FLOW", multiRegion: true })).to.deep.equal([]);
    const pinned = renderFlow("auth-verify", verify.template, {
      ...vars,
      "function.caller-auth":
        "arn:aws:lambda:ap-northeast-1:123456789012:function:customerchannel-caller-auth",
    });
    const problems = validateFlow(pinned, { type: "CONTACT_FLOW", multiRegion: true }).map(
      (p) => `${p.rule}@${p.action}`,
    );
    expect(problems).to.deep.equal([
      "parameters@ani",
      "parameters@verify-known-keypad",
      "parameters@hold-number",
      "parameters@verify-keypad",
      "parameters@verify-known",
      "parameters@verify",
    ]);
  });

  it("the agent whisper speaks every result the caller-auth function can leave on the contact", () => {
    const actions = (loadTemplate("agent-whisper").template as { Actions: FlowAction[] }).Actions;
    const result = actions.find((a) => a.Identifier === "result")!;
    const operands = (
      result.Transitions.Conditions as unknown as { Condition: { Operands: string[] } }[]
    ).map((c) => c.Condition.Operands[0]);
    // "Enrolled" only steers auth-verify to the birth-date question; it never reaches an agent.
    expect([...operands].sort()).to.deep.equal(RESULTS.filter((r) => r !== "Enrolled").sort());
  });

  it("the agent whisper says what was checked for every way a caller can be verified", () => {
    const actions = (loadTemplate("agent-whisper").template as { Actions: FlowAction[] }).Actions;
    const byId = new Map(actions.map((a) => [a.Identifier, a]));
    const method = byId.get("method")!;
    const said = new Map(
      (
        method.Transitions.Conditions as unknown as {
          NextAction: string;
          Condition: { Operands: string[] };
        }[]
      ).map((c) => [c.Condition.Operands[0], String(byId.get(c.NextAction)!.Parameters.Text)]),
    );
    expect([...said.keys()].sort()).to.deep.equal([...VERIFIED_METHODS, "voice-id"].sort());
    // A repeat caller who said only the birth date: the number was not checked, and the agent is
    // told so (issue 19: it used to hear that the customer number had been checked).
    expect(said.get("ani+birthdate")).to.equal(
      "本人確認済みです。登録済みのお電話番号と生年月日で確認しました。お客さま番号は確認していません。",
    );
    expect(said.get("knowledge+ani")).to.include("お客さま番号、生年月日、登録済みのお電話番号");
    expect(new Set(said.values()).size).to.equal(said.size);
  });

  it("chat-inbound: every path to a queue writes or clears every auth attribute the agent sees", () => {
    // A visitor's own authResult/authMethod/authCustomerId must never survive to the agent: on
    // each path to the transfer, the attributes the verified path sets are all written, by the
    // verified path or by set-unverified (a failed write counts as no write).
    const flow = loadTemplate("chat-inbound").template as {
      StartAction: string;
      Actions: FlowAction[];
    };
    const byId = new Map(flow.Actions.map((a) => [a.Identifier, a]));
    const authKeys = (a: FlowAction | undefined) =>
      Object.keys((a?.Parameters.Attributes as Record<string, string> | undefined) ?? {}).filter(
        (k) => k.startsWith("auth") && k !== "authBot",
      );
    const required = authKeys(byId.get("set-result")).sort();
    expect(required).to.deep.equal(["authCustomerId", "authMethod", "authResult"]);
    const reached: string[][] = [];
    const walk = (
      id: string | undefined,
      written: ReadonlySet<string>,
      seen: ReadonlySet<string>,
    ) => {
      if (!id || seen.has(id)) return;
      const a = byId.get(id)!;
      if (a.Type === "TransferContactToQueue") return void reached.push([...written].sort());
      const next = new Set(seen).add(id);
      const t = a.Transitions;
      const ok =
        a.Type === "UpdateContactAttributes" ? new Set([...written, ...authKeys(a)]) : written;
      walk(t.NextAction, ok, next);
      for (const c of t.Conditions ?? []) walk(c.NextAction, ok, next);
      for (const e of t.Errors ?? []) walk(e.NextAction, written, next);
    };
    walk(flow.StartAction, new Set(), new Set());
    expect(reached.length).to.be.greaterThan(0);
    for (const w of reached) expect(w).to.include.members(required);
  });

  it("auth flows keep the flow log off while the caller speaks or keys personal data", () => {
    // Flow logs record block parameters: slot values, keypad entries and the Lambda parameters
    // carrying them. The logging state is followed along every path from StartAction (the keypad
    // path holds several steps between turning logging off and on again).
    const personal = (a: FlowAction) =>
      a.Type === "ConnectParticipantWithLexBot" ||
      (a.Type === "GetParticipantInput" && a.Parameters.StoreInput === "True") ||
      /\$\.Lex\.Slots|\$\.StoredCustomerInput|\$\.External\.customerNumber/.test(
        JSON.stringify(a.Parameters),
      );
    for (const name of ["auth-verify", "auth-enrol", "auth-voiceid"]) {
      const flow = loadTemplate(name).template as FlowGraph;
      // The logging states (on/off) each action can be reached with.
      const states = loggingStates(flow);
      const sensitive = flow.Actions.filter(personal);
      expect(sensitive.length, name).to.be.greaterThan(0);
      for (const a of sensitive)
        expect([...(states.get(a.Identifier) ?? [])], `${name}: ${a.Identifier}`).to.deep.equal([
          "off",
        ]);
      // Logging is back on wherever the auth flow hands over (result attributes, transfers).
      for (const a of flow.Actions.filter(
        (x) => x.Type === "TransferToFlow" || x.Identifier.startsWith("set-"),
      ))
        expect(
          [...(states.get(a.Identifier) ?? [])],
          `${name}: ${a.Identifier} reached with logging off`,
        ).to.not.include("off");
    }
  });

  it("orders flows after the flows they reference", () => {
    const order = deploymentOrder(INBOUND.map((n) => loadTemplate(n))).map((f) => f.name);
    expect(order.indexOf("inbound-main")).to.be.greaterThan(order.indexOf("after-hours"));
    expect(order.indexOf("inbound-main")).to.be.greaterThan(order.indexOf("customer-queue"));
    expect(order.indexOf("inbound-main")).to.be.greaterThan(order.indexOf("agent-whisper"));
    expect(order).to.have.members(INBOUND);
  });

  it("refuses a reference to a flow not deployed, and a cycle", () => {
    const t = (name: string, dependsOn: string[]): FlowTemplate => ({
      name,
      type: "CONTACT_FLOW",
      description: name,
      template: {},
      variables: [],
      dependsOn,
    });
    expect(() => deploymentOrder([t("a", ["b"])])).to.throw(
      "flow a references flow b, which is not deployed with it",
    );
    expect(() => deploymentOrder([t("a", ["b"]), t("b", ["a"])])).to.throw(
      "flows reference each other in a cycle: a → b → a",
    );
  });
});

describe("ContactFlows component", () => {
  it("creates each flow with its type, content valid, content changes routed through FlowContent", async () => {
    const rec = await runProgram(() => {
      const f = new ContactFlows("cc-flows", {
        region: "ap-northeast-1",
        instanceId: "i-1",
        flows: INBOUND.map((n) => loadTemplate(n)),
        variables: VARS,
        multiRegion: true,
      });
      return { arns: f.arns };
    });
    expect(rec.get(CONTACT_FLOWS_TOKEN, "cc-flows").custom).to.equal(false);
    const flows = rec.ofType("aws:connect/contactFlow:ContactFlow");
    expect(flows.map((f) => [f.inputs.name, f.inputs.type]).sort()).to.deep.equal([
      ["after-hours", "CONTACT_FLOW"],
      ["agent-whisper", "AGENT_WHISPER"],
      ["callback", "CONTACT_FLOW"],
      ["callback-offer", "CONTACT_FLOW"],
      ["card-loan-prescreen", "CONTACT_FLOW"],
      ["customer-queue", "CUSTOMER_QUEUE"],
      ["inbound-main", "CONTACT_FLOW"],
      ["outbound", "CONTACT_FLOW"],
      ["telephone-banking", "CONTACT_FLOW"],
    ]);
    for (const f of flows) {
      expect(f.ignoreChanges, String(f.inputs.name)).to.deep.equal(["content"]);
      expect(
        validateFlow(String(f.inputs.content), {
          type: f.inputs.type as "CONTACT_FLOW",
          multiRegion: true,
        }),
      ).to.deep.equal([]);
      const content = rec.get(
        "pulumi-nodejs:dynamic/customerchannel:FlowContent",
        `${f.name}-content`,
      );
      expect(content.inputs).to.deep.include({
        region: "ap-northeast-1",
        instanceId: "i-1",
        contactFlowId: f.state.contactFlowId,
        content: f.inputs.content,
      });
    }
    // inbound-main points at the other flows' real ARNs.
    const main = JSON.parse(
      String(
        rec.get("aws:connect/contactFlow:ContactFlow", "cc-flows-inbound-main").inputs.content,
      ),
    ) as {
      Actions: { Identifier: string; Parameters: Record<string, unknown> }[];
    };
    const afterHours = rec.get("aws:connect/contactFlow:ContactFlow", "cc-flows-after-hours").state
      .arn;
    expect(
      main.Actions.find((a) => a.Identifier === "after-hours")?.Parameters.ContactFlowId,
    ).to.equal(afterHours);
  });

  it("stops the deployment listing the problems when a rendered flow is invalid", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "flows-"));
    const broken = JSON.parse(
      fs.readFileSync(path.join(__dirname, "../../flows/templates/after-hours.json"), "utf8"),
    ) as {
      Actions: { Identifier: string; Transitions: Record<string, unknown> }[];
    };
    broken.Actions[2].Transitions.NextAction = "nowhere";
    fs.writeFileSync(path.join(dir, "after-hours.json"), JSON.stringify(broken));
    const err = await failureOf(async () => {
      await runProgram(() => {
        new ContactFlows("bad", {
          region: "ap-northeast-1",
          instanceId: "i-1",
          flows: [loadTemplate("after-hours", dir)],
          variables: {},
        });
      });
    });
    expect(err).to.include("flow after-hours is invalid:");
    expect(String(err)).to.include('action message: NextAction points at "nowhere"');
  });

  it("refuses to start when a template variable has no value", async () => {
    const err = await failureOf(async () => {
      await runProgram(() => {
        new ContactFlows("x", {
          region: "ap-northeast-1",
          instanceId: "i-1",
          flows: [
            loadTemplate("inbound-main"),
            loadTemplate("after-hours"),
            loadTemplate("customer-queue"),
            loadTemplate("agent-whisper"),
            { ...loadTemplate("telephone-banking-queue"), name: "telephone-banking" },
            { ...loadTemplate("callback-offer-queue"), name: "callback-offer" },
            loadTemplate("card-loan-prescreen"),
          ],
          variables: {
            "bank.name": "x",
            "function.prescreen": "arn:aws:lambda:$.AwsRegion:1:function:p",
            "queue.card-loan-screening": "arn:aws:connect:ap-northeast-1:1:instance/i/queue/q",
          },
        });
      });
    });
    // The first flow in deployment order that lacks one says so (telephone banking precedes the
    // main menu, which transfers to it).
    expect(err).to.include("[variables] for flow telephone-banking lack queue.telephone-banking");
  });
});

describe("FlowContent provider (pulumi-aws #6222 workaround)", () => {
  const fake = fakeConnectForThisBlock();
  const inputs = {
    region: "ap-northeast-1",
    instanceId: "i-1",
    contactFlowId: "f-1",
    content: '{"Version":"2019-10-30"}',
  };

  it("puts the content with UpdateContactFlowContent and keeps only its hash", async () => {
    fake().on(UpdateContactFlowContentCommand).resolves({});
    const out = await putFlowContent(new ConnectClient({ region: "ap-northeast-1" }), inputs);
    expect(
      fake()
        .commandCalls(UpdateContactFlowContentCommand)
        .map((c) => c.args[0].input),
    ).to.deep.equal([
      { InstanceId: "i-1", ContactFlowId: "f-1", Content: '{"Version":"2019-10-30"}' },
    ]);
    expect(out.content).to.equal("");
    expect(out.contentSha256).to.equal(createHash("sha256").update(inputs.content).digest("hex"));
  });

  it("updates on new content, replaces for another flow, does nothing otherwise", async () => {
    fake().on(UpdateContactFlowContentCommand).resolves({});
    const olds = await putFlowContent(new ConnectClient({ region: "ap-northeast-1" }), inputs);
    expect(diffFlowContent(olds, inputs)).to.deep.equal({
      changes: false,
      replaces: [],
      deleteBeforeReplace: false,
    });
    expect(diffFlowContent(olds, { ...inputs, content: "{}" })).to.deep.equal({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
    expect(diffFlowContent(olds, { ...inputs, contactFlowId: "f-2" }).replaces).to.deep.equal([
      "contactFlowId",
    ]);
  });

  it("reads back what Connect holds, so drift shows", async () => {
    fake().on(UpdateContactFlowContentCommand).resolves({});
    fake()
      .on(DescribeContactFlowCommand)
      .resolves({ ContactFlow: { Content: "{}" } });
    const client = new ConnectClient({ region: "ap-northeast-1" });
    const olds = await putFlowContent(client, inputs);
    const read = await readFlowContent(client, olds);
    expect(read.contentSha256).to.not.equal(olds.contentSha256);
    expect(diffFlowContent(read, inputs).changes).to.equal(true);
  });

  it("surfaces Connect's refusal instead of swallowing it", async () => {
    fake()
      .on(UpdateContactFlowContentCommand)
      .rejects(new Error("InvalidContactFlowException: bad block"));
    const err = await failureOf(async () => {
      await putFlowContent(new ConnectClient({ region: "ap-northeast-1" }), inputs);
    });
    expect(err).to.include("InvalidContactFlowException: bad block");
  });
});

describe("flows in the stacks", () => {
  it("standalone dr deploys the standby flow, with transfer when a fallback number is set", async () => {
    const base = {
      drMode: "standalone",
      region: "ap-southeast-1",
      drRegion: "ap-southeast-1",
      identityType: "CONNECT_MANAGED",
    };
    const close = await runStack("dr", base);
    expect(
      close
        .ofType("aws:connect/contactFlow:ContactFlow")
        .map((f) => f.inputs.name)
        .sort(),
    ).to.deep.equal(
      [
        ...INBOUND,
        "auth-enrol",
        "auth-verify",
        "chat-inbound",
        "card-loan-prescreen-chat",
        "dr-standby",
      ].sort(),
    );
    const transfer = await runStack("dr", { ...base, drFallbackNumber: "+81312345678" });
    const flow = transfer.get(
      "aws:connect/contactFlow:ContactFlow",
      "dr-flows-dr-standby-transfer",
    );
    expect(String(flow.inputs.content)).to.include('"ThirdPartyPhoneNumber":"+81312345678"');
  });

  it("a replica deploys no flows: Connect mirrors them from the primary", async () => {
    const dr = await runStack("dr");
    expect(dr.ofType("aws:connect/contactFlow:ContactFlow")).to.have.length(0);
  });
});
