/**
 * Telephone banking against the local CoreBanking server (only an authenticated caller is served,
 * amounts and dates spoken as SSML, a failing core system sends the caller to an agent with the
 * reason, nothing personal in the logs), and the card-loan pre-screening rules.
 */
import { expect } from "chai";
import {
  agentSummary,
  callerWording,
  DEFAULT_RULES,
  preScreen,
  preScreenRulesSchema,
  type Application,
} from "../../functions/self-service/preScreen";
import { CoreBankingClient } from "../../functions/self-service/coreBanking";
import { escapeSsml } from "../../functions/self-service/speech";
import {
  makeTelephoneBanking,
  type BankingEvent,
} from "../../functions/self-service/telephoneBanking";
import { selfServiceProblems, selfServiceSchema } from "../../components/selfService/config";
import { telephoneBankingPolicy } from "../../components/selfService/policies";
import { CUSTOMERS, startFakeCoreBanking, type FakeCoreBanking } from "../support/fakeCoreBanking";
import { runStack } from "../support/harness";
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { functionVpcStatements } from "../../components/shared/policies";
import { checkFidelity, fidelityErrors } from "../../lib/fidelity";
import { loadTemplate } from "../../flows/catalog";
import { loggingStates, nextActions, type FlowGraph } from "../support/flowGraph";

const TOKEN = "t0ken";
const CONTACT = "3f1e2d3c-4b5a-4968-8776-655443322110";
const event = (
  parameters: BankingEvent["Details"]["Parameters"],
  attrs: Record<string, string> = { authResult: "Authenticated", authCustomerId: "C001" },
): BankingEvent => ({
  Details: {
    ContactData: { ContactId: CONTACT, Channel: "VOICE", Attributes: attrs },
    Parameters: parameters,
  },
});

describe("telephone banking", () => {
  let server: FakeCoreBanking;
  let logs: { message: string; fields: Record<string, unknown> }[];
  let handler: ReturnType<typeof makeTelephoneBanking>;
  beforeEach(async () => {
    server = await startFakeCoreBanking({ token: TOKEN, customers: structuredClone(CUSTOMERS) });
    logs = [];
    const log = (message: string, fields: Record<string, unknown>) =>
      void logs.push({ message, fields });
    handler = makeTelephoneBanking({
      core: new CoreBankingClient({
        endpoint: server.url,
        token: () => Promise.resolve(TOKEN),
        timeoutMs: 300,
        deadlineMs: 1000,
      }),
      logger: { info: log, warn: log },
    });
  });
  afterEach(() => server.close());

  it("speaks each account's balance: type, last four digits one by one, yen as a number", async () => {
    const r = await handler(event({ action: "balance" }));
    expect(r.result).to.equal("OK");
    expect(r.ssml).to.equal(
      "<speak>" +
        '普通預金、口座番号の下4桁 <say-as interpret-as="digits">1234</say-as> の残高は、<say-as interpret-as="cardinal">1234567</say-as>円です。' +
        '定期預金、口座番号の下4桁 <say-as interpret-as="digits">9876</say-as> の残高は、<say-as interpret-as="cardinal">3000000</say-as>円です。お引き出しいただける金額は、<say-as interpret-as="cardinal">0</say-as>円です。' +
        "</speak>",
    );
  });

  it("speaks the last transactions newest first, with the date in Japanese and in or out", async () => {
    const r = await handler(event({ action: "transactions", account: "1" }));
    expect(r.ssml).to.equal(
      "<speak>" +
        '普通預金、下4桁 <say-as interpret-as="digits">1234</say-as> の最近のお取引を、新しい順に2件お知らせします。' +
        '12月5日、振込 ヤマダタロウ、お引き出し<say-as interpret-as="cardinal">30000</say-as>円。' +
        '12月1日、給与、お預け入れ<say-as interpret-as="cardinal">250000</say-as>円。' +
        "</speak>",
    );
    expect(server.requests.map((q) => q.path)).to.deep.equal([
      "/v1/customers/C001/accounts",
      "/v1/accounts/A-1/transactions?limit=5",
    ]);
  });

  it("serves no one the auth flows did not authenticate, and asks the core system nothing", async () => {
    const cases: Record<string, string>[] = [
      {},
      { authResult: "NotAuthenticated", authCustomerId: "C001" },
      { authResult: "Authenticated" },
      { authResult: "Authenticated", authCustomerId: "C001 OR 1=1" },
    ];
    for (const attrs of cases) {
      const r = await handler(event({ action: "balance" }, attrs));
      expect(r.result, JSON.stringify(attrs)).to.equal("NotAuthenticated");
    }
    expect(server.requests).to.deep.equal([]);
  });

  it("suspends the caller's only card with no agent, telling the reference", async () => {
    const r = await handler(event({ action: "suspend-card", reason: "stolen" }));
    expect(r.result).to.equal("OK");
    expect(r.reference).to.match(/^\d{6}$/);
    expect(r.ssml).to.equal(
      `<speak>下4桁 <say-as interpret-as="digits">4321</say-as> のカードのご利用を停止しました。受付番号は <say-as interpret-as="digits">${r.reference}</say-as> です。</speak>`,
    );
    const put = server.requests.find((q) => q.method === "PUT")!;
    expect(put.key).to.equal(`${CONTACT}:K-1`);
  });

  it("asks which card when the caller holds several, and suspends the one confirmed", async () => {
    const attrs = { authResult: "Authenticated", authCustomerId: "C002" };
    const ask = await handler(event({ action: "suspend-card" }, attrs));
    // Closed cards are not offered.
    expect([ask.result, ask.cards]).to.deep.equal(["ChooseCard", "1111,2222"]);
    expect(ask.ssml).to.equal(
      '<speak>ご利用中のカードは、下4桁 <say-as interpret-as="digits">1111</say-as>、<say-as interpret-as="digits">2222</say-as> の2枚です。停止するカードの下4桁を押してください。</speak>',
    );
    const done = await handler(
      event({ action: "suspend-card", cardLast4: "2222", reason: "lost" }, attrs),
    );
    expect(done.result).to.equal("OK");
    expect(server.requests.filter((q) => q.method === "PUT").map((q) => q.path)).to.deep.equal([
      "/v1/cards/K-3/suspension",
    ]);
  });

  it("sends the caller to an agent with the reason when the core system fails, logging no personal data", async () => {
    server.faults = [
      { kind: "status", status: 503 },
      { kind: "status", status: 503 },
    ];
    const r = await handler(event({ action: "balance" }));
    expect([r.result, r.reason]).to.deep.equal(["Fallback", "core banking unavailable"]);
    expect(r.ssml).to.include("担当者におつなぎします");
    const text = JSON.stringify(logs);
    for (const s of ["C001", "1234567", TOKEN]) expect(text).to.not.include(s);
    expect(logs.map((l) => l.fields.kind)).to.include("unavailable");
  });

  it("escapes what the core system writes before it enters the SSML", () => {
    expect(escapeSsml('振込<break time="10s"/>&')).to.equal(
      "振込&lt;break time=&quot;10s&quot;/&gt;&amp;",
    );
  });

  it("refuses an event the flow should never send, without calling the core system", async () => {
    const r = await handler({
      Details: { ContactData: { ContactId: "x" }, Parameters: { action: "transfer" } },
    });
    expect(r.result).to.equal("Fallback");
    expect(server.requests).to.deep.equal([]);
  });
});

describe("card-loan pre-screening", () => {
  const base: Application = {
    consentPreScreen: true,
    consentCreditBureau: true,
    annualIncomeYen: 4_500_000,
    employment: "regular",
    yearsEmployed: 5,
    otherBorrowingsYen: 0,
    desiredLimitYen: 500_000,
  };

  it("passes an application that fits every rule", () => {
    expect(preScreen(base)).to.deep.equal({
      outcome: "pass",
      reasons: [],
      limitYen: 500_000,
      headroomYen: 1_500_000,
    });
  });

  it("keeps total borrowing to a third of income, exactly at the edge, in integers", () => {
    // 1,500,000 = 4,500,000 / 3: allowed; one yen more is over (refer with a reduced limit).
    expect(
      preScreen({ ...base, otherBorrowingsYen: 1_000_000, desiredLimitYen: 500_000 }).outcome,
    ).to.equal("pass");
    const over = preScreen({ ...base, otherBorrowingsYen: 1_000_001, desiredLimitYen: 500_000 });
    expect(over).to.deep.equal({
      outcome: "refer",
      reasons: ["reduced-limit-offered"],
      limitYen: 400_000,
      headroomYen: 499_999,
    });
    // Nothing fits: under the product's smallest limit.
    expect(preScreen({ ...base, otherBorrowingsYen: 1_450_000 })).to.deep.include({
      outcome: "decline",
      reasons: ["over-total-borrowing-limit"],
    });
  });

  it("declines without both consents, below the minimum income, or with no income", () => {
    expect(preScreen({ ...base, consentCreditBureau: false }).reasons).to.deep.equal([
      "no-consent",
    ]);
    expect(
      preScreen({ ...base, annualIncomeYen: 900_000, desiredLimitYen: 100_000 }).reasons,
    ).to.deep.equal(["income-below-minimum"]);
    expect(preScreen({ ...base, employment: "none" }).outcome).to.equal("decline");
  });

  it("refers short employment, hand-reviewed employment and limits above the automatic one", () => {
    expect(preScreen({ ...base, yearsEmployed: 0.5 }).reasons).to.deep.equal(["short-employment"]);
    expect(preScreen({ ...base, employment: "self-employed" }).reasons).to.deep.equal([
      "employment-reviewed-by-hand",
    ]);
    expect(preScreen({ ...base, desiredLimitYen: 1_200_000 }).reasons).to.deep.equal([
      "limit-above-automatic",
    ]);
  });

  it("takes its rules from config (a bank with a quarter instead of a third)", () => {
    const quarter = preScreenRulesSchema.parse({
      totalBorrowingRatio: { numerator: 1, denominator: 4 },
    });
    expect(preScreen({ ...base, otherBorrowingsYen: 1_000_000 }, quarter)).to.deep.include({
      outcome: "refer",
      limitYen: 100_000,
    });
    expect(() =>
      preScreenRulesSchema.parse({ totalBorrowingRatio: { numerator: 3, denominator: 2 } }),
    ).to.throw(/fraction below 1/);
    expect(DEFAULT_RULES.totalBorrowingRatio).to.deep.equal({ numerator: 1, denominator: 3 });
  });

  it("tells the caller it is a pre-screening only, and the agent why, with no figures of income", () => {
    const r = preScreen({ ...base, otherBorrowingsYen: 1_000_001 });
    expect(callerWording(r)).to.include("仮審査");
    for (const o of [preScreen(base), r, preScreen({ ...base, employment: "none" })])
      expect(callerWording(o)).to.match(/^(仮審査の結果|誠に恐れ入りますが、今回の仮審査)/);
    expect(agentSummary(r)).to.equal(
      "仮審査: 要確認 (ご希望額を減額すれば基準内) 限度額目安 400,000円",
    );
    expect(agentSummary(r)).to.not.include("4,500,000");
  });
});

/** The stack files' gateway (the contract's example; plans offline only). */
const EXAMPLE_GATEWAY = {
  endpoint: "https://core-banking.example-bank.internal/v1",
  secretArn:
    "arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:customerchannel/core-banking-AbCdEf",
  secretKeyArn: "arn:aws:kms:ap-northeast-1:123456789012:key/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
};

describe("TelephoneBanking in both stacks", () => {
  it("deploys the function with its gateway, one secret and its key, invocable from the stack's instance only", async () => {
    for (const stack of ["tokyo", "dr"] as const) {
      const rec = await runStack(stack);
      const fn = rec.get("aws:lambda/function:Function", `${stack}-telephone-banking-function`);
      const region = stack === "tokyo" ? "ap-northeast-1" : "ap-northeast-3";
      const secretArn = `arn:aws:secretsmanager:${region}:123456789012:secret:customerchannel/core-banking-AbCdEf`;
      expect(fn.inputs.name).to.equal("customerchannel-telephone-banking");
      expect(
        (fn.inputs.environment as { variables: Record<string, string> }).variables,
      ).to.deep.equal({
        CORE_BANKING_ENDPOINT: "https://core-banking.example-bank.internal/v1",
        CORE_BANKING_SECRET_ARN: secretArn,
        TIMEOUT_MS: "2000",
        DEADLINE_MS: "6000",
      });
      expect(fn.inputs.reservedConcurrentExecutions).to.equal(10);
      expect(fn.inputs.timeout).to.equal(7);
      const policy = rec.policy(
        rec.get("aws:iam/rolePolicy:RolePolicy", `${stack}-telephone-banking-function`),
      );
      const own = policy.Statement.filter((s) => String(s.Sid).match(/Token/));
      expect(own).to.deep.equal(
        telephoneBankingPolicy({
          secretArn,
          secretKeyArn: `arn:aws:kms:${region}:123456789012:key/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d`,
        }),
      );
      const permission = rec.get(
        "aws:lambda/permission:Permission",
        `${stack}-telephone-banking-connect-invoke`,
      );
      expect(permission.inputs).to.deep.include({
        principal: "connect.amazonaws.com",
        action: "lambda:InvokeFunction",
      });
      expect(permission.inputs.sourceArn).to.equal(rec.run.outputs.instanceArn);
      expect(
        rec
          .ofType("aws:connect/lambdaFunctionAssociation:LambdaFunctionAssociation")
          .map((r) => r.name),
      ).to.include(`${stack}-telephone-banking-function-association`);
    }
  });

  it("runs in the bank's subnets when configured, its role allowed network interfaces there only", async () => {
    const vpc = {
      subnetIds: ["subnet-0a1b2c3d4e5f60718", "subnet-0a1b2c3d4e5f60719"],
      securityGroupIds: ["sg-0123456789abcdef0"],
    };
    const gateway = { ...EXAMPLE_GATEWAY, vpc };
    const rec = await runStack("tokyo", { selfService: { telephoneBanking: gateway } });
    const fn = rec.get("aws:lambda/function:Function", "tokyo-telephone-banking-function");
    expect(fn.inputs.vpcConfig).to.deep.equal(vpc);
    const role = rec.get("aws:iam/rolePolicy:RolePolicy", "tokyo-telephone-banking-function");
    const policy = rec.policy(role);
    const logGroupArn = `arn:aws:logs:ap-northeast-1:123456789012:log-group:/aws/lambda/customerchannel-telephone-banking`;
    expect(policy.Statement.slice(-3)).to.deep.equal(functionVpcStatements(logGroupArn, vpc));
    // AWS's evaluation (iam-simulate): interfaces in the configured subnets and group only.
    const decide = async (resource: string) => {
      const r = await runSimulation(
        {
          request: {
            principal: "arn:aws:iam::123456789012:role/tb",
            action: "ec2:CreateNetworkInterface",
            resource: { resource, accountId: "123456789012" },
            contextVariables: {},
          },
          identityPolicies: [{ name: "role", policy }],
          serviceControlPolicies: [],
          resourceControlPolicies: [],
        },
        {},
      );
      if (r.resultType === "error") throw new Error(JSON.stringify(r.errors));
      return r.overallResult;
    };
    const ec2 = (t: string) => `arn:aws:ec2:ap-northeast-1:123456789012:${t}`;
    expect(await decide(ec2(`subnet/${vpc.subnetIds[0]}`))).to.equal("Allowed");
    expect(await decide(ec2(`security-group/${vpc.securityGroupIds[0]}`))).to.equal("Allowed");
    expect(await decide(ec2("subnet/subnet-0ffffffffffffffff"))).to.equal("ImplicitlyDenied");
    expect(await decide(ec2("security-group/sg-0ffffffffffffffff"))).to.equal("ImplicitlyDenied");
    // The fidelity stage's checks (SAR actions and resource types, simulation) still pass.
    expect(fidelityErrors(await checkFidelity(rec.resources))).to.deep.equal([]);
    // Not without the key: a bad id names the key.
    expect(() =>
      selfServiceSchema.parse({
        telephoneBanking: { ...EXAMPLE_GATEWAY, vpc: { ...vpc, subnetIds: ["vpc-123"] } },
      }),
    ).to.throw(/a subnet id/);
  });

  it("is not deployed without a gateway in config", async () => {
    const rec = await runStack("tokyo", { selfService: {} });
    expect(rec.ofType("customerchannel:selfService:TelephoneBanking")).to.deep.equal([]);
  });
});

describe("self-service config", () => {
  const cfg = (over: Record<string, unknown>, allowExample = true) =>
    selfServiceProblems(
      selfServiceSchema.parse({ telephoneBanking: { ...EXAMPLE, ...over } }),
      "tokyo",
      allowExample,
    );
  const EXAMPLE = {
    endpoint: "https://core-banking.example-bank.internal/v1",
    secretArn:
      "arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:customerchannel/core-banking-AbCdEf",
    secretKeyArn:
      "arn:aws:kms:ap-northeast-1:123456789012:key/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
  };

  it("refuses the contract's example gateway on a real preview, and a deadline shorter than one request", () => {
    expect(cfg({})).to.deep.equal([]);
    expect(cfg({}, false).map((p) => p.message)).to.satisfy(
      (m: string[]) => m.length === 1 && m[0].includes("example server"),
    );
    expect(cfg({ endpoint: "https://gw.bank.internal/v1" }, false)).to.deep.equal([]);
    expect(cfg({ timeoutMs: 3000, deadlineMs: 2000 })[0].message).to.include(
      "deadlineMs has 2000, below timeoutMs 3000",
    );
  });

  it("takes only https endpoints and full secret ARNs", () => {
    expect(() =>
      selfServiceSchema.parse({ telephoneBanking: { ...EXAMPLE, endpoint: "http://gw/v1" } }),
    ).to.throw();
    expect(() =>
      selfServiceSchema.parse({
        telephoneBanking: {
          ...EXAMPLE,
          secretArn: "arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:core-banking",
        },
      }),
    ).to.throw(/six-character suffix/);
  });
});

describe("telephone-banking flow", () => {
  const flow = loadTemplate("telephone-banking").template as FlowGraph;
  const byId = new Map(flow.Actions.map((a) => [a.Identifier, a]));
  const next = nextActions;
  /** Every (action, logging state) reachable from StartAction. */
  const states = loggingStates(flow);

  it("ends every path at an agent's queue or a polite goodbye, and loops only through the menu", () => {
    // A path ends at TransferContactToQueue (an agent) or DisconnectParticipant after a message.
    const ends = flow.Actions.filter((a) => next(a).length === 0).map((a) => a.Identifier);
    expect(ends).to.deep.equal(["goodbye"]);
    const intoGoodbye = flow.Actions.filter((a) => next(a).includes("goodbye")).map((a) => a.Type);
    expect(new Set(intoGoodbye)).to.deep.equal(new Set(["MessageParticipant"]));
    // Every action is reachable, and from every action the queue or goodbye is reachable.
    expect([...states.keys()].sort()).to.deep.equal(flow.Actions.map((a) => a.Identifier).sort());
    const reaches = (from: string, target: string, seen = new Set<string>()): boolean =>
      from === target ||
      (!seen.has(from) &&
        next(byId.get(from)!).some((n) => reaches(n, target, new Set(seen).add(from))));
    for (const a of flow.Actions)
      expect(
        reaches(a.Identifier, "transfer") || reaches(a.Identifier, "goodbye"),
        a.Identifier,
      ).to.equal(true);
  });

  it("serves only authenticated callers, and keeps the flow log off while balances are fetched and spoken", () => {
    const check = byId.get("check-auth")!;
    expect(check.Parameters.ComparisonValue).to.equal("$.Attributes.authResult");
    expect(check.Transitions.Conditions).to.deep.equal([
      { NextAction: "menu", Condition: { Operator: "Equals", Operands: ["Authenticated"] } },
    ]);
    const personal = flow.Actions.filter(
      (a) =>
        a.Type === "InvokeLambdaFunction" ||
        JSON.stringify(a.Parameters).includes("$.External.ssml") ||
        a.Parameters.StoreInput === "True",
    );
    expect(personal.map((a) => a.Identifier).sort()).to.deep.equal(
      ["balance", "card-last4", "history", "speak", "suspend", "suspend-chosen"].sort(),
    );
    for (const a of personal)
      expect([...states.get(a.Identifier)!], a.Identifier).to.deep.equal(["off"]);
    // Logging is on again before the menu and before an agent.
    for (const id of ["menu", "to-agent", "transfer"])
      expect([...states.get(id)!], id).to.deep.equal(["on"]);
  });

  it("is what the main menu's 3 reaches, self-service where the stack has the function, the queue otherwise", async () => {
    const main = loadTemplate("inbound-main").template as FlowGraph;
    expect(main.Actions.find((a) => a.Identifier === "q-banking")?.Parameters).to.deep.equal({
      ContactFlowId: "{{flow.telephone-banking}}",
    });
    const withFn = await runStack("tokyo");
    const content = (rec: typeof withFn) =>
      String(
        rec.get("aws:connect/contactFlow:ContactFlow", "tokyo-flows-telephone-banking").inputs
          .content,
      );
    expect(content(withFn)).to.include(
      "arn:aws:lambda:$.AwsRegion:123456789012:function:customerchannel-telephone-banking",
    );
    const without = await runStack("tokyo", { selfService: {} });
    expect(content(without)).to.not.include("InvokeLambdaFunction");
    expect(content(without)).to.include("TransferContactToQueue");
  });
});

describe("telephone-banking flow: card suspension keeps the caller's reason", () => {
  it("sends lost or stolen, as chosen, on the first try and after choosing a card", () => {
    const flow = loadTemplate("telephone-banking").template as {
      Actions: { Identifier: string; Parameters: Record<string, unknown> }[];
    };
    const params = (id: string) => flow.Actions.find((a) => a.Identifier === id)!.Parameters;
    expect(params("reason-lost").Attributes).to.deep.equal({ cardReason: "lost" });
    expect(params("reason-stolen").Attributes).to.deep.equal({ cardReason: "stolen" });
    for (const id of ["suspend", "suspend-chosen"])
      expect((params(id).LambdaInvocationAttributes as Record<string, string>).reason, id).to.equal(
        "$.Attributes.cardReason",
      );
  });
});
