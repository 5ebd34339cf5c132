/**
 * The callback offer end to end in the program: the callback-offer flow (every path walked), the
 * CallbackOffer component in tokyo (function, rights, Connect's permission, the desks' campaigns
 * as the stack keeps them), the queue-only variant where no callbacks are booked, and its config.
 */
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import { expect } from "chai";
import {
  CALLBACK_INTAKE_FUNCTION,
  CALLBACK_OFFER_TOKEN,
} from "../../components/outbound/callbackOffer";
import { outboundApiPolicy } from "../../components/outbound/policies";
import { loadTemplate } from "../../flows/catalog";
import { deskCallbackCampaign } from "../../functions/outbound/callbackIntake";
import { ConfigError, parseConfig, PROJECT_ROOT, readProjectFile } from "../../config";
import { readStackConfig } from "../../lib/offline";
import {
  loggingStates,
  nextActions,
  walkFlow,
  type FlowGraph,
  type Scenario,
} from "../support/flowGraph";
import { runStack, type Recorded } from "../support/harness";

const QUEUED = {
  result: "Queued",
  ssml: "<speak>折り返しのお電話を承りました。12月7日 9時以降、順番にお電話いたします。</speak>",
};
const LONG: Scenario["metric"] = (m) => (m === "NumberOfContactsInQueue" ? 25 : 600);

describe("callback-offer flow", () => {
  // Thresholds as the stack renders them (defaults: more than 10 waiting, or 180 s).
  const flow = JSON.parse(
    JSON.stringify(loadTemplate("callback-offer").template)
      .replace('"{{callback.queue-size}}"', '"10"')
      .replace('"{{callback.oldest-wait-seconds}}"', '"180"'),
  ) as FlowGraph;
  const walk = (s: Scenario) => walkFlow(flow, s);

  it("offers nothing while the queue is short: straight to the desk's queue", () => {
    const w = walk({ metric: (m) => (m === "NumberOfContactsInQueue" ? 10 : 180) });
    expect(w.end).to.equal("queue");
    expect(w.path).to.deep.equal(["voice", "size", "age", "transfer"]);
    expect(w.invoked).to.deep.equal([]);
  });

  it("offers when either threshold is passed, and a caller who declines or says nothing waits", () => {
    for (const metric of [
      (m: string) => (m === "NumberOfContactsInQueue" ? 11 : 0),
      (m: string) => (m === "NumberOfContactsInQueue" ? 0 : 181),
    ]) {
      const presses: Record<string, string>[] = [
        { offer: "2" },
        {},
        { offer: "9" },
        { offer: "1" },
      ];
      for (const keys of presses) {
        const w = walk({ metric, keys });
        expect(w.path, JSON.stringify(keys)).to.include("offer");
        expect(w.end).to.equal("queue");
        expect(w.attributes).to.deep.equal({ callbackOffer: "Declined" });
        expect(w.invoked).to.deep.equal([]);
      }
    }
  });

  it("books the caller's own number, says when, and ends the call", () => {
    const w = walk({ metric: LONG, keys: { offer: "1", which: "1" }, invoke: () => QUEUED });
    expect(w.end).to.equal("disconnect");
    expect(w.attributes).to.deep.equal({ callbackOffer: "Booked" });
    expect(w.invoked).to.deep.equal([{ id: "book-own", params: {}, logging: "on" }]);
    expect(w.heard.slice(-2)).to.deep.equal([
      QUEUED.ssml,
      "お電話ありがとうございました。失礼いたします。",
    ]);
  });

  it("takes another number by keypad with the flow log off, also when the own number cannot be called", () => {
    const keyed = walk({
      metric: LONG,
      keys: { offer: "1", which: "2", "key-number": "+81312345678" },
      invoke: () => QUEUED,
    });
    expect(keyed.end).to.equal("disconnect");
    expect(keyed.invoked).to.deep.equal([
      { id: "book-keyed", params: { phoneNumber: "+81312345678" }, logging: "off" },
    ]);
    // A withheld or foreign caller number: the intake says so, the caller keys one.
    const withheld = walk({
      metric: LONG,
      keys: { offer: "1", which: "1", "key-number": "0312345678" },
      invoke: (id) =>
        id === "book-own" ? { result: "InvalidNumber", ssml: "<speak>x</speak>" } : QUEUED,
    });
    expect(withheld.invoked.map((i) => [i.id, i.logging])).to.deep.equal([
      ["book-own", "on"],
      ["book-keyed", "off"],
    ]);
    expect(withheld.attributes).to.deep.equal({ callbackOffer: "Booked" });
  });

  it("when booking fails the caller hears why and waits in the queue", () => {
    const cases: [Scenario, string][] = [
      [
        {
          metric: LONG,
          keys: { offer: "1", which: "1" },
          invoke: () => ({ result: "NotAvailable", ssml: "<speak>この番号は…</speak>" }),
        },
        "<speak>この番号は…</speak>",
      ],
      [
        { metric: LONG, keys: { offer: "1", which: "1" }, invoke: () => "error" },
        "ただいま折り返しのご予約を承れません。",
      ],
      [
        { metric: LONG, keys: { offer: "1", which: "2", "key-number": "invalid" } },
        "お電話番号を確認できませんでした。このまま担当者におつなぎします。",
      ],
      [
        {
          metric: LONG,
          keys: { offer: "1", which: "2" },
          // Nothing keyed: stored input is "Timeout", which the intake refuses.
          invoke: (_id, p) =>
            p.phoneNumber === "Timeout"
              ? {
                  result: "InvalidNumber",
                  ssml: "<speak>お電話番号を確認できませんでした。</speak>",
                }
              : QUEUED,
        },
        "<speak>お電話番号を確認できませんでした。</speak>",
      ],
    ];
    for (const [s, says] of cases) {
      const w = walk(s);
      expect(w.end, w.path.join(" → ")).to.equal("queue");
      expect(w.heard, w.path.join(" → ")).to.include(says);
      expect(w.attributes).to.deep.equal({ callbackOffer: "NotBooked" });
    }
    // A queue metric Connect cannot read: no offer, the queue.
    expect(walk({ metric: () => Number.NaN }).end).to.equal("queue");
  });

  it("every action is reachable and every path ends at the queue or a goodbye after a message", () => {
    const states = loggingStates(flow);
    expect([...states.keys()].sort()).to.deep.equal(flow.Actions.map((a) => a.Identifier).sort());
    const ends = flow.Actions.filter((a) => nextActions(a).length === 0).map((a) => a.Identifier);
    expect(ends).to.deep.equal(["goodbye"]);
    const intoGoodbye = flow.Actions.filter((a) => nextActions(a).includes("goodbye"));
    expect(new Set(intoGoodbye.map((a) => a.Type))).to.deep.equal(new Set(["MessageParticipant"]));
    // The keyed number is never handled with the log on; the queue is always reached with it on.
    for (const id of ["key-number", "book-keyed"])
      expect([...states.get(id)!], id).to.deep.equal(["off"]);
    for (const id of ["transfer", "booked", "not-booked", "unavailable"])
      expect([...states.get(id)!], id).to.deep.equal(["on"]);
  });

  it("checks the contact's own queue (no QueueId: the target queue the menu set)", () => {
    const checks = flow.Actions.filter((a) => a.Type === "CheckMetricData");
    expect(checks.map((a) => a.Parameters)).to.deep.equal([
      { MetricType: "NumberOfContactsInQueue" },
      { MetricType: "OldestContactInQueueAgeSeconds" },
    ]);
    const main = loadTemplate("inbound-main").template as FlowGraph;
    const offer = main.Actions.find((a) => a.Identifier === "callback-offer")!;
    expect(offer.Parameters).to.deep.equal({ ContactFlowId: "{{flow.callback-offer}}" });
    // Reached from every desk, after the queue and the hooks are set; its failure still queues.
    const whisper = main.Actions.find((a) => a.Identifier === "whisper")!;
    expect(nextActions(whisper)).to.deep.equal(["callback-offer", "callback-offer"]);
    expect(nextActions(offer)).to.deep.equal(["transfer", "transfer"]);
  });
});

describe("CallbackOffer in stack tokyo", () => {
  let rec: Recorded;
  before(async () => {
    rec = await runStack("tokyo");
  });
  const get = (type: string, name: string) => rec.get(type, `tokyo-callback-offer-${name}`);
  const queueId = (desk: string) =>
    String(rec.get("aws:connect/queue:Queue", `tokyo-queue-${desk}`).state.queueId);

  it("books through a function with the outbound API's rights only, invocable from this instance", () => {
    expect(rec.ofType(CALLBACK_OFFER_TOKEN).map((r) => r.name)).to.deep.equal([
      "tokyo-callback-offer",
    ]);
    const fn = get("aws:lambda/function:Function", "intake");
    expect(fn.inputs.name).to.equal(CALLBACK_INTAKE_FUNCTION);
    const env = (fn.inputs.environment as { variables: Record<string, string> }).variables;
    const outbound = (t: string, n: string) => rec.get(t, `tokyo-outbound-${n}`).state;
    expect(env).to.deep.equal({
      TABLE_NAME: "customerchannel-outbound",
      QUEUE_URL: outbound("aws:sqs/queue:Queue", "dial").url,
      CALLBACK_CAMPAIGNS: JSON.stringify({
        [queueId("customer-desk")]: "callback-customer-desk",
        [queueId("agency-desk")]: "callback-agency-desk",
        [queueId("card-loan-screening")]: "callback-card-loan-screening",
      }),
    });
    expect(fn.inputs.kmsKeyArn).to.equal(outbound("aws:kms/key:Key", "key").arn);
    expect(fn.inputs.timeout).to.equal(8);
    expect(fn.inputs.reservedConcurrentExecutions).to.equal(5);
    const own = rec
      .policy(get("aws:iam/rolePolicy:RolePolicy", "intake"))
      .Statement.filter((s) => !String(s.Sid).match(/LogGroup|Xray|Trace/));
    expect(own).to.deep.equal(
      outboundApiPolicy({
        tableArn: String(outbound("aws:dynamodb/table:Table", "table").arn),
        keyArn: String(outbound("aws:kms/key:Key", "key").arn),
        queueArn: String(outbound("aws:sqs/queue:Queue", "dial").arn),
        instanceArn: String(rec.run.outputs.instanceArn),
        region: "ap-northeast-1",
      }),
    );
    expect(get("aws:lambda/permission:Permission", "connect-invoke").inputs).to.deep.include({
      principal: "connect.amazonaws.com",
      action: "lambda:InvokeFunction",
      sourceArn: rec.run.outputs.instanceArn,
      sourceAccount: "123456789012",
    });
  });

  it("keeps each desk's campaign: its hours as windows, its queue, the callback flow, the stack's number", () => {
    const main = (rec.run.outputs.phoneNumbers as { name: string; address: string }[]).find(
      (n) => n.name === "main",
    )!;
    const hours = { "customer-desk": "business", "agency-desk": "business" } as Record<
      string,
      string
    >;
    for (const desk of ["customer-desk", "agency-desk", "card-loan-screening"]) {
      const item = get("aws:dynamodb/tableItem:TableItem", desk).inputs;
      expect(item).to.deep.include({
        tableName: "customerchannel-outbound",
        hashKey: "pk",
        rangeKey: "sk",
      });
      const hoursName = hours[desk] ?? "extended";
      const schedule = rec.get(
        "aws:connect/hoursOfOperation:HoursOfOperation",
        `tokyo-hours-${hoursName}`,
      ).inputs.configs as {
        day: string;
        startTime: { hours: number };
        endTime: { hours: number };
      }[];
      const windows = Object.fromEntries(
        schedule.map((c) => [
          c.day,
          `${String(c.startTime.hours).padStart(2, "0")}:00-${String(c.endTime.hours).padStart(2, "0")}:00`,
        ]),
      );
      expect(
        unmarshall(JSON.parse(String(item.item)) as Record<string, AttributeValue>),
      ).to.deep.equal({
        pk: `CAMPAIGN#callback-${desk}`,
        sk: "META",
        kind: "campaign",
        ...deskCallbackCampaign({
          desk,
          queueId: queueId(desk),
          contactFlowId: String(
            rec.get("aws:connect/contactFlow:ContactFlow", "tokyo-flows-callback").state
              .contactFlowId,
          ),
          sourcePhoneNumber: main.address,
          windows,
          holidays: [],
          maxAttemptsPerDay: 2,
          maxAttemptsTotal: 3,
          retryAfterMinutes: 30,
          managedBy: "customerchannel/tokyo",
        }),
      });
    }
  });

  it("the flow invokes that function by its region-neutral ARN, with the configured thresholds", async () => {
    const content = String(
      rec.get("aws:connect/contactFlow:ContactFlow", "tokyo-flows-callback-offer").inputs.content,
    );
    const fnArn = String(get("aws:lambda/function:Function", "intake").state.arn);
    expect(fnArn.split(":").slice(4).join(":")).to.equal(
      `123456789012:function:${CALLBACK_INTAKE_FUNCTION}`,
    );
    expect(content).to.include(
      `"LambdaFunctionARN":"arn:aws:lambda:$.AwsRegion:123456789012:function:${CALLBACK_INTAKE_FUNCTION}"`,
    );
    expect(content).to.include('"Operands":["10"]').and.include('"Operands":["180"]');
    const tuned = await runStack("tokyo", {
      outbound: { callbackOffer: { queueSizeAbove: 3, oldestWaitSecondsAbove: 60 } },
    });
    const c2 = String(
      tuned.get("aws:connect/contactFlow:ContactFlow", "tokyo-flows-callback-offer").inputs.content,
    );
    expect(c2).to.include('"Operands":["3"]').and.include('"Operands":["60"]');
  });

  it("books nothing where callbacks cannot be made: the same flow name goes straight to the queue", async () => {
    const variants = [
      await runStack("tokyo", { outbound: { callbackOffer: { enabled: false } } }),
      await runStack("tokyo", { outbound: { enabled: false } }),
      await runStack("tokyo", { outboundCallsEnabled: false }),
      await runStack("dr", {
        drMode: "standalone",
        region: "ap-southeast-1",
        drRegion: "ap-southeast-1",
        identityType: "CONNECT_MANAGED",
      }),
    ];
    for (const v of variants) {
      expect(v.ofType(CALLBACK_OFFER_TOKEN)).to.deep.equal([]);
      const offer = v
        .ofType("aws:connect/contactFlow:ContactFlow")
        .find((f) => f.inputs.name === "callback-offer")!;
      const content = String(offer.inputs.content);
      expect(content).to.not.include("InvokeLambdaFunction").and.not.include("CheckMetricData");
      expect(content).to.include("TransferContactToQueue");
    }
  });
});

describe("callback offer config", () => {
  const tokyo = () => readStackConfig("tokyo", { projectDir: PROJECT_ROOT });
  const problems = (over: Record<string, unknown>) => {
    try {
      parseConfig(
        {
          ...tokyo(),
          ...Object.fromEntries(Object.entries(over).map(([k, v]) => [`customerchannel:${k}`, v])),
        },
        { stack: "tokyo", allowPlaceholderSaml: true, readFile: readProjectFile },
      );
      return [];
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      return e.problems.map((p) => `${p.key}: ${p.message}`);
    }
  };

  it("needs a claimed number to call from, attempts that fit, and desks on Japan time", () => {
    expect(problems({})).to.deep.equal([]);
    expect(problems({ outbound: { callbackOffer: { sourceNumber: "loans" } } })).to.satisfy(
      (m: string[]) =>
        m.length === 1 &&
        m[0].includes(
          'callbackOffer.sourceNumber has "loans", which is not a key of customerchannel:phoneNumbers (main)',
        ) &&
        m[0].includes(
          "pulumi config set --path 'customerchannel:outbound.callbackOffer.sourceNumber' main --stack tokyo",
        ),
    );
    expect(
      problems({ outbound: { callbackOffer: { maxAttemptsPerDay: 5, maxAttemptsTotal: 3 } } })[0],
    ).to.include("maxAttemptsPerDay has 5, over maxAttemptsTotal 3");
    const hours = {
      business: {
        description: "Singapore desk",
        timeZone: "Asia/Singapore",
        schedule: { MONDAY: "09:00-17:00" },
      },
      extended: { description: "x", schedule: { MONDAY: "09:00-20:00" } },
      "telephone-banking": { description: "x", schedule: { MONDAY: "07:00-23:00" } },
      dunning: { description: "x", schedule: { MONDAY: "09:00-20:00" } },
    };
    const tz = problems({ hoursOfOperation: hours });
    expect(tz).to.have.length(2);
    expect(tz[0]).to.include("the customer-desk queue's hours (business) are in Asia/Singapore");
    // Off, nothing is asked of it.
    expect(
      problems({ hoursOfOperation: hours, outbound: { callbackOffer: { enabled: false } } }),
    ).to.deep.equal([]);
  });
});
