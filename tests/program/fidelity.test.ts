/**
 * The AWS-fidelity stage: both stacks pass it, and each defect an outside review found against
 * AWS's published rules (issue 17) is caught again when re-introduced into a copy of the recorded
 * stack, with a finding that names the resource and the AWS rule.
 */
import * as path from "node:path";
import * as fs from "node:fs";
import { expect } from "chai";
import { PROJECT_ROOT } from "../../config";
import {
  checkFidelity,
  fidelityErrors,
  type FidelityReport,
  type Finding,
} from "../../lib/fidelity";
import { globsIntersect } from "../../lib/fidelity/glob";
import { MANIFESTS } from "../../lib/fidelity/simulate";
import { extractCfnSpec } from "../../lib/fidelity/cfnExtract";
import { specVersion } from "../../lib/fidelity/cfn";
import { callerAuthMode, hasService } from "../../lib/fidelity/regions";
import type { RecordedResource } from "../../lib/offline";
import { FUNCTION_ENTRIES, functionBundles } from "../../components/shared/nodeFunction";
import { loadTemplate } from "../../flows/catalog";
import { validateFlow } from "../../flows/validate";
import { runStack, type Recorded } from "../support/harness";

type Mutable = { -readonly [K in keyof RecordedResource]: RecordedResource[K] };

/**
 * A copy of the stack's resources with `edit` applied to the named one. The edits replace a
 * resource's `state`/`inputs` objects, so copying each resource shallowly keeps the original intact.
 */
function withEdit(
  stack: Recorded,
  type: string,
  name: string,
  edit: (r: Mutable) => void,
): RecordedResource[] {
  const copy = stack.resources.map((r) => ({ ...r })) as Mutable[];
  const target = copy.find((r) => r.type === type && r.name === name);
  if (!target) throw new Error(`no ${type} ${name}`);
  edit(target);
  return copy;
}

/** Edits a JSON policy in both the inputs and the state, as the program would have declared it. */
function editPolicy(
  field: string,
  change: (doc: { Statement: Record<string, unknown>[] }) => void,
) {
  return (r: Mutable) => {
    const doc = JSON.parse(String(r.state[field])) as { Statement: Record<string, unknown>[] };
    change(doc);
    const text = JSON.stringify(doc);
    r.state = { ...r.state, [field]: text };
    r.inputs = { ...r.inputs, [field]: text };
  };
}

const statement = (doc: { Statement: Record<string, unknown>[] }, sid: string) => {
  const s = doc.Statement.find((x) => x.Sid === sid);
  if (!s) throw new Error(`no statement ${sid}`);
  return s as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
};

const found = (report: FidelityReport, rule: string, resource: string): Finding[] =>
  fidelityErrors(report).filter((f) => f.rule === rule && f.resource === resource);

describe("AWS fidelity stage", function () {
  this.timeout(120_000);
  let tokyo: Recorded;
  let dr: Recorded;
  let tokyoReport: FidelityReport;
  let drReport: FidelityReport;

  before(async () => {
    tokyo = await runStack("tokyo");
    dr = await runStack("dr");
    tokyoReport = await checkFidelity(tokyo.resources);
    drReport = await checkFidelity(dr.resources);
  });

  it("finds no error in either stack, and simulates calls of every function", () => {
    expect(fidelityErrors(tokyoReport)).to.deep.equal([]);
    expect(fidelityErrors(drReport)).to.deep.equal([]);
    expect(tokyoReport.simulatedCalls).to.be.greaterThan(150);
    expect(tokyoReport.expectedDenials).to.be.greaterThan(10);
    expect(drReport.simulatedCalls).to.be.greaterThan(100);
    expect(tokyoReport.stateMachines).to.equal(1);
  });

  it("the dr stack in Osaka creates no Lex resource (Lex V2 has no ap-northeast-3 endpoint)", () => {
    expect(hasService("lexv2", "ap-northeast-3")).to.equal(false);
    expect(callerAuthMode("ap-northeast-3")).to.equal("keypad");
    expect(dr.resources.filter((r) => r.type.startsWith("aws-native:lex:"))).to.deep.equal([]);
    expect(
      dr.resources.filter(
        (r) =>
          r.type === "aws-native:connect:IntegrationAssociation" &&
          r.inputs.integrationType === "LEX_BOT",
      ),
    ).to.deep.equal([]);
    const fn = dr.get("aws:lambda/function:Function", "dr-auth-function");
    expect(
      (fn.inputs.environment as { variables: Record<string, string> }).variables.LEX_ALIAS_ARN,
    ).to.equal("");
    const dfn = dr.get("aws:lambda/function:Function", "dr-prescreen-function");
    expect(
      (dfn.inputs.environment as { variables: Record<string, string> }).variables.BOT_ALIAS_ARN,
    ).to.equal("");
    // Tokyo: the caller-auth bot and the pre-screening bot.
    expect(tokyo.ofType("aws-native:lex:Bot").map((b) => b.inputs.name)).to.deep.equal([
      "customerchannel-caller-auth",
      "customerchannel-prescreen",
    ]);
  });

  // ---- The eight defects of issue 17, each re-introduced into a copy of the recorded stack.

  it("1. a branching flow action without NextAction is an error", () => {
    const t = loadTemplate("inbound-main");
    const flow = structuredClone(t.template) as {
      Actions: { Identifier: string; Transitions: { NextAction?: string } }[];
    };
    delete flow.Actions.find((a) => a.Identifier === "hours")!.Transitions.NextAction;
    const problems = validateFlow(flow, { type: "CONTACT_FLOW" }).filter(
      (p) => p.severity === "error",
    );
    expect(problems.map((p) => `${p.rule}@${p.action}`)).to.include("next-action@hours");
  });

  it("2. a Lex bot in ap-northeast-3 is refused, citing the Lex endpoint page", async () => {
    const bot = tokyo.ofType("aws-native:lex:Bot")[0];
    const copy = [...tokyo.resources, { ...bot, region: "ap-northeast-3" }];
    const report = await checkFidelity(copy);
    const f = found(report, "region/service-unavailable", bot.name);
    expect(f).to.have.length(1);
    expect(f[0].message).to.equal(
      "lexv2 has no endpoint in ap-northeast-3: the resource cannot be created there",
    );
    expect(f[0].source).to.include("general/latest/gr/lex.html");
  });

  it("an instance created in Osaka is refused: Osaka only hosts Global Resiliency replicas", async () => {
    const instance = tokyo.ofType("aws:connect/instance:Instance")[0];
    const report = await checkFidelity([
      ...tokyo.resources,
      { ...instance, region: "ap-northeast-3" },
    ]);
    const [f] = found(report, "region/service-unavailable", instance.name);
    expect(f.message).to.equal(
      "connect has no endpoint in ap-northeast-3: the resource cannot be created there",
    );
    expect(f.source).to.equal("docs.aws.amazon.com/general/latest/gr/connect_region.html");
    // The replica's own configuration in Osaka stays allowed.
    expect(fidelityErrors(drReport)).to.deep.equal([]);
  });

  it("3. StartChatContact scoped to contact/* is caught: the SAR requires the contact-flow type", async () => {
    const copy = withEdit(
      tokyo,
      "aws:iam/rolePolicy:RolePolicy",
      "tokyo-chat-start",
      editPolicy("policy", (d) => {
        const s = statement(d, "StartChatsOnTheTargetInstances");
        s.Resource = (s.Resource as string[]).map((r) =>
          r.replace("/contact-flow/*", "/contact/*"),
        );
      }),
    );
    const report = await checkFidelity(copy);
    const [f] = found(report, "iam/required-resource-type", "tokyo-chat-start");
    expect(f.message).to.include(
      "connect:StartChatContact requires the contact-flow resource type",
    );
    expect(f.source).to.include("Service Authorization Reference");
    expect(found(report, "sim/denied", "tokyo-chat-start")[0].message).to.include(
      "connect:StartChatContact",
    );
  });

  it('4. StartOutboundVoiceContact scoped to an ARN is caught: only "*" authorises it', async () => {
    const copy = withEdit(
      tokyo,
      "aws:iam/rolePolicy:RolePolicy",
      "tokyo-outbound-dialer",
      editPolicy("policy", (d) => {
        statement(d, "StartOutboundCalls").Resource =
          `${String(tokyo.run.outputs.instanceArn)}/contact/*`;
      }),
    );
    const report = await checkFidelity(copy);
    expect(
      found(report, "iam/wildcard-only-action", "tokyo-outbound-dialer")[0].message,
    ).to.include(
      'connect:StartOutboundVoiceContact has no resource type, so only Resource "*" authorises it',
    );
    expect(found(report, "sim/denied", "tokyo-outbound-dialer")[0].message).to.include(
      "connect:StartOutboundVoiceContact on * (place an outbound call) is ImplicitlyDenied",
    );
  });

  it("5. an object-ARN encryption context under S3 Bucket Keys is caught in replication", async () => {
    const copy = withEdit(
      tokyo,
      "aws:iam/rolePolicy:RolePolicy",
      "tokyo-replication",
      editPolicy("policy", (d) => {
        const s = statement(d, "DecryptSourceViaS3") as {
          Condition: { StringEquals: Record<string, string> };
        };
        s.Condition.StringEquals["kms:EncryptionContext:aws:s3:arn"] += "/*";
      }),
    );
    const report = await checkFidelity(copy);
    const [f] = found(report, "sim/denied", "tokyo-contact-data");
    expect(f.message).to.include("kms:Decrypt");
    expect(f.message).to.include("(replication decrypts the source object) is ImplicitlyDenied");
  });

  it("6. a bucket Deny with StringNotEqualsIfExists on the SSE header refuses header-less writers", async () => {
    const copy = withEdit(
      tokyo,
      "aws:s3/bucketPolicy:BucketPolicy",
      "tokyo-config-backup-bucket",
      editPolicy("policy", (d) => {
        const s = statement(d, "DenyUploadsNotUsingKms");
        s.Condition = {
          StringNotEqualsIfExists: { "s3:x-amz-server-side-encryption": "aws:kms" },
        };
      }),
    );
    const report = await checkFidelity(copy);
    const [f] = found(report, "sim/denied", "tokyo-config-backup-exporter");
    expect(f.message).to.include("s3:PutObject");
    expect(f.message).to.include("(write a snapshot part) is ExplicitlyDenied");
  });

  it("7. DescribeKey under an encryption-context condition is caught: DescribeKey has no context", async () => {
    const copy = withEdit(
      tokyo,
      "aws:kms/key:Key",
      "tokyo-logs-key",
      editPolicy("policy", (d) => {
        const s = statement(d, "CloudWatchLogsEncryptsThisAccountsLogGroups");
        s.Action = [...(s.Action as string[]), "kms:DescribeKey"];
        d.Statement = d.Statement.filter((x) => x.Sid !== "CloudWatchLogsDescribesKey");
      }),
    );
    const report = await checkFidelity(copy);
    expect(found(report, "iam/condition-key", "tokyo-logs-key")[0].message).to.include(
      "condition key kms:EncryptionContext:aws:logs:arn is never in a kms:DescribeKey request",
    );
    expect(
      fidelityErrors(report).some(
        (f) => f.rule === "sim/denied" && f.message.includes("kms:DescribeKey"),
      ),
    ).to.equal(true);
  });

  it("8. an event bus key without DescribeKey for EventBridge is caught", async () => {
    const bus = tokyo.ofType("aws:cloudwatch/eventBus:EventBus")[0];
    const key = tokyo
      .ofType("aws:kms/key:Key")
      .find((k) => k.state.arn === bus.state.kmsKeyIdentifier)!;
    const copy = withEdit(
      tokyo,
      "aws:kms/key:Key",
      key.name,
      editPolicy("policy", (d) => {
        const s = statement(d, "ServicesDeliverForThisAccount");
        s.Action = (s.Action as string[]).filter((a) => a !== "kms:DescribeKey");
      }),
    );
    const report = await checkFidelity(copy);
    const [f] = found(report, "sim/denied", bus.name);
    expect(f.message).to.include("events.amazonaws.com kms:DescribeKey");
  });

  it("aws-native inputs are checked against the CloudFormation specification, nested ones too", async () => {
    const assoc = tokyo.ofType("aws-native:connect:IntegrationAssociation")[0];
    const alias = tokyo.ofType("aws-native:lex:BotAlias")[0];
    const bot = tokyo.ofType("aws-native:lex:Bot")[0];
    const locale = (bot.inputs.botLocales as Record<string, unknown>[])[0];
    const aliasInputs = Object.fromEntries(
      Object.entries(alias.inputs).filter(([k]) => k !== "botAliasName"),
    );
    const copy = tokyo.resources.map((r) =>
      r === assoc
        ? { ...r, inputs: { ...r.inputs, integrationType: "LEX_V2" } }
        : r === alias
          ? { ...r, inputs: aliasInputs }
          : r === bot
            ? {
                ...r,
                inputs: {
                  ...r.inputs,
                  botLocales: [{ ...locale, nluConfidenceThreshold: "0.4", voiceSetting: {} }],
                },
              }
            : r,
    );
    const report = await checkFidelity(copy);
    const of = (r: RecordedResource) => found(report, "cfn/property", r.name).map((f) => f.message);
    const [assocProblem] = of(assoc);
    expect(assocProblem).to.match(
      /^AWS::Connect::IntegrationAssociation: integrationType is "LEX_V2", not one of LEX_BOT, LAMBDA_FUNCTION, /,
    );
    expect(of(assoc)).to.have.length(1);
    expect(of(alias)).to.deep.equal(["AWS::Lex::BotAlias: BotAliasName is required and missing"]);
    expect(of(bot)).to.deep.equal([
      "AWS::Lex::Bot: botLocales[0].nluConfidenceThreshold is string, the specification says number",
      "AWS::Lex::Bot: botLocales[0].voiceSetting is not a property of the specification",
    ]);
  });

  it("the committed CloudFormation extract matches the pinned specification package", async () => {
    const committed = JSON.parse(
      fs.readFileSync(path.join(PROJECT_ROOT, "lib/fidelity/cfn-spec.json"), "utf8"),
    ) as unknown;
    expect(await extractCfnSpec(specVersion()), "run npm run fidelity:cfn-extract").to.deep.equal(
      committed,
    );
  });

  it("a Step Functions definition that breaks the States Language is caught by asl-validator", async () => {
    const machine = tokyo.ofType("aws:sfn/stateMachine:StateMachine")[0];
    const def = JSON.parse(String(machine.state.definition)) as { StartAt: string };
    const copy = withEdit(tokyo, machine.type, machine.name, (r) => {
      r.state = { ...r.state, definition: JSON.stringify({ ...def, StartAt: "NoSuchState" }) };
    });
    const report = await checkFidelity(copy);
    const rules = fidelityErrors(report)
      .filter((f) => f.resource === machine.name)
      .map((f) => `${f.rule}: ${f.message}`);
    expect(rules).to.include(
      "asl/MISSING_TRANSITION_TARGET: Missing 'StartAt'|'Next'|'Default' target: NoSuchState",
    );
  });

  it("a function without a call manifest is an error", async () => {
    const copy = withEdit(tokyo, "aws:lambda/function:Function", "tokyo-chat-start", (r) => {
      r.state = { ...r.state, tags: {} };
    });
    const report = await checkFidelity(copy);
    expect(found(report, "sim/no-manifest", "tokyo-chat-start")).to.have.length(1);
  });
});

describe("AWS fidelity: call manifests match the code", () => {
  it("every function entry has a manifest, and its code sends only the commands listed", () => {
    expect(MANIFESTS.map((m) => m.entry).sort()).to.deep.equal([...FUNCTION_ENTRIES].sort());
    // The deployed bundles (the same cached esbuild pass the program uses): each output lists the
    // project files it holds.
    const { outputs } = functionBundles();
    for (const m of MANIFESTS) {
      const output = outputs[m.entry];
      expect(output, m.entry).to.not.equal(undefined);
      const sources = output.inputs.filter(
        (f) => !f.includes("node_modules") && f.startsWith("functions/"),
      );
      const used = new Set(
        sources.flatMap((f) =>
          [
            ...fs.readFileSync(path.join(PROJECT_ROOT, f), "utf8").matchAll(/new (\w+Command)\(/g),
          ].map((x) => x[1]),
        ),
      );
      const missing = [...used].filter((c) => !(c in m.commands));
      expect(missing, `${m.entry} sends commands its manifest does not list`).to.deep.equal([]);
    }
  });
});

describe("AWS fidelity: ARN pattern intersection", () => {
  const flow =
    "arn:${Partition}:connect:${Region}:${Account}:instance/${InstanceId}/contact-flow/${ContactFlowId}";
  it("matches a policy resource to the resource types it can name", () => {
    expect(
      globsIntersect("arn:aws:connect:ap-northeast-1:1:instance/abc/contact-flow/*", flow),
    ).to.equal(true);
    expect(globsIntersect("arn:aws:connect:ap-northeast-1:1:instance/abc/*", flow)).to.equal(true);
    expect(globsIntersect("*", flow)).to.equal(true);
  });
  it("does not let a one-segment placeholder absorb other segments", () => {
    expect(
      globsIntersect("arn:aws:connect:ap-northeast-1:1:instance/abc/contact/*", flow),
    ).to.equal(false);
  });
  it("lets free-form names (S3 keys, log groups) hold slashes", () => {
    expect(
      globsIntersect(
        "arn:aws:s3:::b/connect/x/y.json",
        "arn:${Partition}:s3:::${BucketName}/${ObjectName}",
      ),
    ).to.equal(true);
  });
});
