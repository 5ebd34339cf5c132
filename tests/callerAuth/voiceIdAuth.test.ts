/**
 * VoiceIdAuth in both stacks: table, function, bot, alias, associations and permissions, with the
 * values a security review checks; the Voice ID provider behind its end-of-support gate; and the
 * bundle that is actually deployed.
 *
 * Over 500 lines on purpose: Caller authentication in both stacks and its bundle, asserted on the
 * same recorded stacks.
 */
import { expect } from "chai";
import { fakeConnectForThisBlock } from "../support/mockConnect";
import {
  ConnectClient,
  CreateIntegrationAssociationCommand,
  DeleteIntegrationAssociationCommand,
  ListIntegrationAssociationsCommand,
} from "@aws-sdk/client-connect";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as vm from "node:vm";
import {
  BOT_LOCALE,
  botDefinitionHash,
  bundle,
  CALLER_AUTH_BOT,
  CALLER_AUTH_FUNCTION,
  createVoiceIdAssociation,
  deleteVoiceIdAssociation,
  readVoiceIdAssociation,
  VOICE_ID_AUTH_TOKEN,
} from "../../components";
import { PROJECT_ROOT, VOICE_ID_END_OF_SUPPORT } from "../../config";
import { DEFAULT_PACK_CONFIG, evaluate, packConfigFromFile } from "../../policy/rules";
import { policyViews } from "../../lib/plan";
import { loadTemplate } from "../../flows/catalog";
import { failureOf, runStack, stackConfig, type Recorded } from "../support/harness";
import type { RecordedResource } from "../../lib/offline";

const ACCOUNT = "123456789012";

type Obj = Record<string, unknown>;
/** The one resource of this type inside the stack's VoiceIdAuth (other components have their own). */
const only = (rec: Recorded, type: string): RecordedResource => {
  const auth = rec.resources.find((r) => r.type === VOICE_ID_AUTH_TOKEN);
  const inside = (r: RecordedResource): boolean => {
    const parent = rec.resources.find((x) => x.urn === r.parentUrn);
    return parent !== undefined && (parent === auth || inside(parent));
  };
  const all = rec.ofType(type).filter(inside);
  expect(all, type).to.have.length(1);
  return all[0];
};

for (const stack of ["tokyo", "dr"] as const) {
  describe(`VoiceIdAuth in stack ${stack}`, () => {
    let rec: Recorded;
    const region = stack === "tokyo" ? "ap-northeast-1" : "ap-northeast-3";
    before(async () => {
      rec = await runStack(stack);
    });

    const key = () => rec.get("aws:kms/key:Key", `${stack}-auth-key`);
    const alias = () => only(rec, "aws-native:lex:BotAlias");
    const fn = () => only(rec, "aws:lambda/function:Function");
    const instanceArn = () => String(rec.run.outputs.instanceArn);
    // Lex V2 has no Osaka endpoint (lib/fidelity/regions.ts): the dr stack there has no bot.
    const withLex = stack === "tokyo";
    const lexIt = (title: string, fn: () => void) => (withLex ? it(title, fn) : undefined);

    it("is one component holding every auth resource", () => {
      const component = rec.resources.find((r) => r.type === VOICE_ID_AUTH_TOKEN);
      expect(component?.name).to.equal(`${stack}-auth`);
      for (const t of [
        "aws:dynamodb/table:Table",
        ...(withLex
          ? [
              "aws-native:lex:Bot",
              "aws-native:lex:BotAlias",
              "aws-native:connect:IntegrationAssociation",
            ]
          : []),
        "aws:lambda/permission:Permission",
      ]) {
        expect(only(rec, t).parentUrn, t).to.match(new RegExp(`::${stack}-auth$`));
      }
    });

    it("keeps customers in a table with its own CMK, PITR and deletion protection", () => {
      expect(key().inputs).to.deep.include({ enableKeyRotation: true, region });
      const t = only(rec, "aws:dynamodb/table:Table").inputs;
      expect(t).to.deep.include({
        name: "customerchannel-caller-auth",
        region,
        billingMode: "PAY_PER_REQUEST",
        hashKey: "pk",
        deletionProtectionEnabled: true,
      });
      expect(t.attributes).to.deep.equal([{ name: "pk", type: "S" }]);
      expect(t.pointInTimeRecovery).to.deep.equal({ enabled: true });
      expect(t.serverSideEncryption).to.deep.equal({
        enabled: true,
        kmsKeyArn: key().state.arn,
      });
    });

    it("runs one function, named the same in both regions, inside Connect's 8 s limit", () => {
      const f = fn().inputs;
      expect(f).to.deep.include({
        name: CALLER_AUTH_FUNCTION,
        region,
        runtime: "nodejs22.x",
        handler: "index.handler",
        timeout: 7,
        memorySize: 512,
        reservedConcurrentExecutions: 50,
        kmsKeyArn: key().state.arn,
      });
      expect(f.architectures).to.deep.equal(["arm64"]);
      expect((f.environment as Obj).variables).to.deep.equal({
        TABLE_NAME: "customerchannel-caller-auth",
        LEX_ALIAS_ARN: withLex ? alias().state.arn : "",
        MAX_FAILURES: "3",
        WINDOW_MINUTES: "30",
        LOCKOUT_MINUTES: "30",
        SOURCE_MAX_FAILURES: "10",
        SOURCE_LOCKOUT_MINUTES: "60",
        GLOBAL_FAILURES_PER_5_MINUTES: "200",
        REF_KEY_ARN: rec.get("aws:kms/key:Key", `${stack}-auth-ref-key`).state.arn,
        // No SMS sender configured: no code bot, and chats end StepUpUnavailable.
        STEP_UP_ORIGINATION: "",
        CODE_LEX_ALIAS_ARN: "",
      });
      const group = rec.get("aws:cloudwatch/logGroup:LogGroup", `${stack}-auth-function`).inputs;
      expect(f.loggingConfig).to.deep.equal({
        logFormat: "JSON",
        logGroup: `/aws/lambda/${CALLER_AUTH_FUNCTION}`,
      });
      expect(group).to.deep.include({
        name: `/aws/lambda/${CALLER_AUTH_FUNCTION}`,
        retentionInDays: 3653,
      });
      expect(group.kmsKeyId).to.match(/^arn:aws:kms:/);
    });

    it("lets the function read and update the table only, and use the key only through DynamoDB", () => {
      const p = rec.policy(rec.get("aws:iam/rolePolicy:RolePolicy", `${stack}-auth-function`));
      expect(p.Statement).to.deep.equal([
        {
          Sid: "WriteOwnLogGroup",
          Effect: "Allow",
          Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
          Resource: `arn:aws:logs:${region}:${ACCOUNT}:log-group:/aws/lambda/${CALLER_AUTH_FUNCTION}:*`,
        },
        {
          Sid: "CallerAuthTable",
          Effect: "Allow",
          Action: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"],
          Resource: `arn:aws:dynamodb:${region}:${ACCOUNT}:table/customerchannel-caller-auth`,
        },
        {
          Sid: "CallerAuthTableKey",
          Effect: "Allow",
          Action: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"],
          Resource: key().state.arn,
          Condition: { StringEquals: { "kms:ViaService": `dynamodb.${region}.amazonaws.com` } },
        },
        {
          Sid: "DeriveReferenceKey",
          Effect: "Allow",
          Action: "kms:GenerateMac",
          Resource: rec.get("aws:kms/key:Key", `${stack}-auth-ref-key`).state.arn,
          Condition: { StringEquals: { "kms:MacAlgorithm": "HMAC_SHA_256" } },
        },
      ]);
      // The reference key is an HMAC key whose policy lets IAM grant MACs only (no decrypt).
      const refKey = rec.get("aws:kms/key:Key", `${stack}-auth-ref-key`);
      expect(refKey.inputs).to.deep.include({
        keyUsage: "GENERATE_VERIFY_MAC",
        customerMasterKeySpec: "HMAC_256",
      });
      const use = rec
        .policy(refKey, "policy")
        .Statement.find((st: { Sid?: string }) => st.Sid === "AccountIamPoliciesGrantUse");
      expect(use?.Action).to.deep.equal(["kms:GenerateMac", "kms:VerifyMac"]);
      const trust = rec.policy(
        rec.get("aws:iam/role:Role", `${stack}-auth-function`),
        "assumeRolePolicy",
      );
      expect(trust.Statement[0]).to.deep.include({
        Principal: { Service: "lambda.amazonaws.com" },
        Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT } },
      });
    });

    it("lets only this stack's Connect instance invoke the function", () => {
      expect(only(rec, "aws:lambda/permission:Permission").inputs).to.deep.include({
        region,
        action: "lambda:InvokeFunction",
        function: CALLER_AUTH_FUNCTION,
        principal: "connect.amazonaws.com",
        sourceArn: instanceArn(),
        sourceAccount: ACCOUNT,
      });
      expect(instanceArn()).to.include(`:connect:${region}:`);
      expect(
        only(rec, "aws:connect/lambdaFunctionAssociation:LambdaFunctionAssociation").inputs,
      ).to.deep.include({
        region,
        instanceId: rec.run.outputs.instanceId,
        functionArn: fn().state.arn,
      });
    });

    lexIt(
      "builds the ja_JP bot: two intents with slot priorities, confirmation, fallback, masked slots",
      () => {
        const bot = only(rec, "aws-native:lex:Bot").inputs;
        expect(bot).to.deep.include({
          name: CALLER_AUTH_BOT,
          idleSessionTtlInSeconds: 300,
          autoBuildBotLocales: true,
        });
        expect(bot.dataPrivacy).to.deep.equal({ childDirected: false });
        expect(bot.roleArn).to.equal(
          `arn:aws:iam::${ACCOUNT}:role/aws-service-role/lexv2.amazonaws.com/AWSServiceRoleForLexV2Bots_customerchannel-${stack}`,
        );
        const [locale] = bot.botLocales as Obj[];
        expect(locale.localeId).to.equal(BOT_LOCALE);
        expect(locale.voiceSettings).to.deep.equal({ voiceId: "Kazuha", engine: "neural" });
        const intents = locale.intents as Obj[];
        expect(intents.map((i) => i.name)).to.deep.equal([
          "IdentifyCustomer",
          "ConfirmBirthDate",
          "FallbackIntent",
        ]);
        const [identify, birth, fallback] = intents;
        expect(identify.slotPriorities).to.deep.equal([
          { priority: 1, slotName: "customerNumber" },
          { priority: 2, slotName: "birthDate" },
        ]);
        expect(birth.slotPriorities).to.deep.equal([{ priority: 1, slotName: "birthDate" }]);
        expect(
          (identify.slots as Obj[]).map((s) => [s.name, s.slotTypeName, s.obfuscationSetting]),
        ).to.deep.equal([
          ["customerNumber", "CustomerNumber", { obfuscationSettingType: "DefaultObfuscation" }],
          ["birthDate", "AMAZON.Date", { obfuscationSettingType: "DefaultObfuscation" }],
        ]);
        expect(JSON.stringify(identify.intentConfirmationSetting)).to.include(
          "お客さま番号{customerNumber}、生年月日{birthDate}でよろしいですか。",
        );
        expect(fallback.parentIntentSignature).to.equal("AMAZON.FallbackIntent");
        // No code hooks: Lex never invokes the function; the flow does.
        expect(JSON.stringify(locale)).to.not.match(/CodeHook/);
        const [slotType] = locale.slotTypes as Obj[];
        expect(slotType).to.deep.include({ parentSlotTypeSignature: "AMAZON.AlphaNumeric" });
        expect(slotType.valueSelectionSetting).to.deep.equal({
          resolutionStrategy: "ORIGINAL_VALUE",
          regexFilter: { pattern: "[0-9]{6,12}" },
        });
      },
    );

    lexIt("publishes a version named by the definition hash and points the alias at it", () => {
      const bot = only(rec, "aws-native:lex:Bot");
      const version = only(rec, "aws-native:lex:BotVersion");
      expect(version.inputs).to.deep.include({
        botId: bot.state.awsId,
        description: `definition ${botDefinitionHash()}`,
      });
      expect(version.inputs.botVersionLocaleSpecification).to.deep.equal([
        { localeId: "ja_JP", botVersionLocaleDetails: { sourceBotVersion: "DRAFT" } },
      ]);
      const a = alias().inputs;
      expect(a).to.deep.include({
        botId: bot.state.awsId,
        botAliasName: "live",
        botVersion: version.state.botVersion,
      });
      // Utterances carry customer numbers and birth dates: no conversation logs, no Comprehend.
      expect(a.conversationLogSettings).to.equal(undefined);
      expect(a.sentimentAnalysisSettings).to.deep.equal({ detectSentiment: false });
    });

    lexIt("associates the alias with the instance, and only that instance may talk to it", () => {
      expect(only(rec, "aws-native:connect:IntegrationAssociation").inputs).to.deep.equal({
        instanceId: instanceArn(),
        integrationType: "LEX_BOT",
        integrationArn: alias().state.arn,
      });
      const policy = only(rec, "aws-native:lex:ResourcePolicy").inputs;
      expect(policy.resourceArn).to.equal(alias().state.arn);
      expect(policy.policy).to.deep.equal({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "ConnectInstanceTalksToBot",
            Effect: "Allow",
            Principal: { Service: "connect.amazonaws.com" },
            Action: ["lex:RecognizeText", "lex:StartConversation"],
            Resource: alias().state.arn,
            Condition: {
              StringEquals: { "AWS:SourceAccount": ACCOUNT },
              ArnEquals: { "AWS:SourceArn": instanceArn() },
            },
          },
        ],
      });
    });

    lexIt("exports the function, bot alias and table", () => {
      expect(rec.run.outputs).to.deep.include({
        callerAuthFunctionArn: fn().state.arn,
        callerAuthBotAliasArn: alias().state.arn,
        callerAuthTable: "customerchannel-caller-auth",
      });
    });

    if (!withLex)
      it("creates no Lex bot in Osaka, and exports empty bot outputs", () => {
        expect(rec.resources.filter((r) => r.type.startsWith("aws-native:lex:"))).to.deep.equal([]);
        expect(rec.run.outputs).to.deep.include({ callerAuthBotId: "", callerAuthBotAliasArn: "" });
        expect(rec.run.warnings.join("\n")).to.include("ap-northeast-3 has no Lex V2 endpoint");
      });

    it("creates no Voice ID domain with the default knowledge provider", () => {
      expect(rec.ofType("aws-native:voiceid:Domain")).to.have.length(0);
    });
  });
}

describe("VoiceIdAuth in the flows", () => {
  it("tokyo's auth flows call the function by a region-neutral ARN and take the bot from the lookup", async () => {
    const rec = await runStack("tokyo");
    for (const name of ["auth-verify", "auth-enrol"]) {
      const content = String(
        rec.get("aws:connect/contactFlow:ContactFlow", `tokyo-flows-${name}`).inputs.content,
      );
      expect(content).to.include(
        `"LambdaFunctionARN":"arn:aws:lambda:$.AwsRegion:${ACCOUNT}:function:${CALLER_AUTH_FUNCTION}"`,
      );
      expect(content).to.include('"AliasArn":"$.Attributes.authBot"');
      expect(content).to.not.include("arn:aws:lex:");
    }
    // The region's way of asking (bot or keypad) comes from the lookup, like the bot itself.
    expect(
      String(
        rec.get("aws:connect/contactFlow:ContactFlow", "tokyo-flows-auth-verify").inputs.content,
      ),
    ).to.include('"authInput":"$.External.authInput"');
  });

  /**
   * Where the region has no Lex (the function says authInput "keypad"), each auth flow collects
   * the customer number and the birth date by keypad and verifies them through the same function.
   * Walks the template from the branch point, taking the keypad branch and each NextAction.
   */
  const UNKNOWN_CALLER = [
    "mode",
    "key-number",
    "hold-number",
    "number-entered",
    "key-birth",
    "verify-keypad",
    "logging-on",
  ];
  for (const [name, start, expected] of [
    ["auth-verify", "mode", UNKNOWN_CALLER],
    [
      "auth-verify",
      "mode-known",
      ["mode-known", "key-birth-known", "verify-known-keypad", "logging-on"],
    ],
    ["auth-enrol", "mode", UNKNOWN_CALLER],
  ] as const) {
    it(`${name}: the keypad path from ${start} verifies by keypad entries, never through the bot`, () => {
      type Act = {
        Identifier: string;
        Type: string;
        Parameters: Record<string, unknown>;
        Transitions: {
          NextAction?: string;
          Conditions?: { NextAction: string; Condition: { Operands: string[] } }[];
        };
      };
      const actions = (loadTemplate(name).template as { Actions: Act[] }).Actions;
      const byId = new Map(actions.map((a) => [a.Identifier, a]));
      const path: string[] = [];
      let at: Act | undefined = byId.get(start);
      while (at && path.length < 20) {
        path.push(at.Identifier);
        if (at.Identifier === "logging-on") break;
        const branch = at.Transitions.Conditions?.find((c) =>
          ["keypad", "NumberEntered"].includes(c.Condition.Operands[0]),
        );
        at = byId.get(branch?.NextAction ?? at.Transitions.NextAction ?? "");
      }
      expect(path).to.deep.equal(expected);
      const steps = path.map((id) => byId.get(id)!);
      expect(steps.map((a) => a.Type)).to.not.include("ConnectParticipantWithLexBot");
      const verify = steps.find((a) => a.Identifier.startsWith("verify"))!;
      const attrs = verify.Parameters.LambdaInvocationAttributes as Record<string, string>;
      expect(attrs.action).to.equal("verify");
      expect(attrs.birthDate).to.equal("$.StoredCustomerInput");
      // The number entered first comes back from keypad-number (handler: customerNumber).
      if (start === "mode") expect(attrs.customerNumber).to.equal("$.External.customerNumber");
      else expect(attrs.customerNumber).to.equal(undefined);
    });
  }
});

describe("VoiceIdAuth with the voice-id provider", () => {
  it("is refused by config without the end-of-support acknowledgement, naming the date and both fixes", async () => {
    const msg = await failureOf(() =>
      Promise.resolve().then(() => stackConfig("tokyo", { auth: { provider: "voice-id" } })),
    );
    expect(msg).to.include(`AWS ended Amazon Connect Voice ID on ${VOICE_ID_END_OF_SUPPORT}`);
    expect(msg).to.include(
      "pulumi config set --path 'customerchannel:auth.provider' knowledge --stack tokyo",
    );
    expect(msg).to.include(
      "pulumi config set --path 'customerchannel:auth.voiceIdAcknowledgeEndOfSupport' true --stack tokyo",
    );
  });

  it("with the acknowledgement: a CMK-encrypted domain, its association, and the Voice ID flow", async () => {
    const rec = await runStack("tokyo", {
      auth: { provider: "voice-id", voiceIdAcknowledgeEndOfSupport: true, voiceIdThreshold: 95 },
    });
    const key = rec.get("aws:kms/key:Key", "tokyo-auth-key");
    const domain = only(rec, "aws-native:voiceid:Domain");
    expect(domain.inputs.serverSideEncryptionConfiguration).to.deep.equal({
      kmsKeyId: key.state.arn,
    });
    const assoc = only(rec, "pulumi-nodejs:dynamic/customerchannel:VoiceIdAssociation");
    expect(assoc.inputs).to.deep.include({
      region: "ap-northeast-1",
      instanceId: rec.run.outputs.instanceId,
      domainArn: `arn:aws:voiceid:ap-northeast-1:${ACCOUNT}:domain/${String(domain.state.domainId)}`,
    });
    const flow = String(
      rec.get("aws:connect/contactFlow:ContactFlow", "tokyo-flows-auth-voiceid").inputs.content,
    );
    expect(flow).to.include('"VoiceAuthenticationThreshold":"95"');
    expect(flow).to.include('"CustomerId":"$.Attributes.authSpeaker"');
    // The pack refuses the domain unless its own config acknowledges it too (two gates).
    const views = policyViews(rec.resources);
    expect(
      evaluate(views).violations.filter((v) => v.rule === "voice-id-acknowledged"),
    ).to.have.length(1);
    const acknowledged = packConfigFromFile(
      JSON.stringify({ "voice-id-acknowledged": { voiceIdAcknowledgeEndOfSupport: true } }),
    );
    expect(
      evaluate(views, { ...DEFAULT_PACK_CONFIG, ...acknowledged }).violations.filter(
        (v) => v.level === "mandatory",
      ),
    ).to.deep.equal([]);
  });

  it("reads a policy pack config file and names a bad key", () => {
    expect(
      packConfigFromFile(
        JSON.stringify({
          all: "mandatory",
          "log-group-retention-kms": { minLogRetentionDays: 400 },
        }),
      ),
    ).to.deep.equal({ minLogRetentionDays: 400 });
    expect(() => packConfigFromFile('{"x": {"voiceIdAck": true}}')).to.throw(
      "x.voiceIdAck: unknown setting",
    );
    expect(() => packConfigFromFile('{"x": {"voiceIdAcknowledgeEndOfSupport": "yes"}}')).to.throw(
      'x.voiceIdAcknowledgeEndOfSupport: "yes" is not a valid value',
    );
  });
});

describe("VoiceIdAssociation (Connect API, faked)", () => {
  const fake = fakeConnectForThisBlock();
  const inputs = {
    region: "ap-northeast-1",
    instanceId: "i-1",
    domainArn: `arn:aws:voiceid:ap-northeast-1:${ACCOUNT}:domain/D1`,
  };

  it("creates a VOICE_ID association and keeps its id", async () => {
    fake().on(CreateIntegrationAssociationCommand).resolves({ IntegrationAssociationId: "A1" });
    const out = await createVoiceIdAssociation(new ConnectClient({}), inputs);
    expect(out).to.deep.equal({ ...inputs, integrationAssociationId: "A1" });
    expect(fake().commandCalls(CreateIntegrationAssociationCommand)[0].args[0].input).to.deep.equal(
      {
        InstanceId: "i-1",
        IntegrationType: "VOICE_ID",
        IntegrationArn: inputs.domainArn,
      },
    );
  });

  it("finds it again across pages, and reports it gone", async () => {
    fake()
      .on(ListIntegrationAssociationsCommand, { NextToken: undefined })
      .resolves({
        IntegrationAssociationSummaryList: [{ IntegrationAssociationId: "X" }],
        NextToken: "p2",
      })
      .on(ListIntegrationAssociationsCommand, { NextToken: "p2" })
      .resolves({
        IntegrationAssociationSummaryList: [
          { IntegrationAssociationId: "A1", IntegrationArn: inputs.domainArn },
        ],
      });
    const o = { ...inputs, integrationAssociationId: "A1" };
    expect(await readVoiceIdAssociation(new ConnectClient({}), o)).to.deep.equal(o);
    expect(
      await readVoiceIdAssociation(new ConnectClient({}), {
        ...o,
        integrationAssociationId: "GONE",
      }),
    ).to.equal(undefined);
  });

  it("deletes it, and treats an already deleted one as done", async () => {
    const o = { ...inputs, integrationAssociationId: "A1" };
    fake()
      .on(DeleteIntegrationAssociationCommand)
      .resolvesOnce({})
      .rejectsOnce(Object.assign(new Error("not found"), { name: "ResourceNotFoundException" }));
    await deleteVoiceIdAssociation(new ConnectClient({}), o);
    await deleteVoiceIdAssociation(new ConnectClient({}), o);
    expect(fake().commandCalls(DeleteIntegrationAssociationCommand)).to.have.length(2);
    fake()
      .on(DeleteIntegrationAssociationCommand)
      .rejects(Object.assign(new Error("denied"), { name: "AccessDeniedException" }));
    let thrown = "";
    await deleteVoiceIdAssociation(new ConnectClient({}), o).catch((e: Error) => (thrown = e.name));
    expect(thrown).to.equal("AccessDeniedException");
  });
});

describe("VoiceIdAuth with the chat step-up (auth.stepUpOriginationArn)", () => {
  const SENDER =
    "arn:aws:sms-voice:ap-northeast-1:123456789012:phone-number/phone-0123456789abcdef";
  let rec: Recorded;
  before(async () => {
    rec = await runStack("tokyo", { auth: { stepUpOriginationArn: SENDER } });
  });

  it("adds the one-time-code bot and lets the function text only from the configured sender", () => {
    // The caller-auth component's bots (pre-screening has its own, tests/selfService).
    const bots = rec
      .ofType("aws-native:lex:Bot")
      .map((b) => String(b.inputs.name))
      .filter((n) => n.startsWith("customerchannel-caller-auth"))
      .sort();
    expect(bots).to.deep.equal(["customerchannel-caller-auth", "customerchannel-caller-auth-code"]);
    const codeBot = rec.get("aws-native:lex:Bot", "tokyo-auth-code-bot");
    const intents = (codeBot.inputs.botLocales as { intents: { name: string }[] }[])[0].intents;
    expect(intents.map((i) => i.name)).to.deep.equal(["EnterOneTimeCode", "FallbackIntent"]);
    const alias = rec.get("aws-native:lex:BotAlias", "tokyo-auth-code-bot-alias");
    const env = (
      rec.get("aws:lambda/function:Function", "tokyo-auth-function").inputs.environment as {
        variables: Record<string, string>;
      }
    ).variables;
    expect(env).to.deep.include({
      STEP_UP_ORIGINATION: SENDER,
      CODE_LEX_ALIAS_ARN: alias.state.arn,
    });
    const p = rec.policy(rec.get("aws:iam/rolePolicy:RolePolicy", "tokyo-auth-function"));
    expect(p.Statement.at(-1)).to.deep.equal({
      Sid: "SendOneTimeCodes",
      Effect: "Allow",
      Action: "sms-voice:SendTextMessage",
      Resource: SENDER,
    });
    // The code bot is associated with the instance like the first one.
    const associations = rec
      .ofType("aws-native:connect:IntegrationAssociation")
      .map((a) => a.inputs.integrationArn);
    expect(associations).to.include(alias.state.arn);
  });

  it("refuses a sender that is not an End User Messaging SMS identity, naming the key", async () => {
    const message = await failureOf(() =>
      runStack("tokyo", { auth: { stepUpOriginationArn: "arn:aws:sns:ap-northeast-1:1:topic" } }),
    );
    expect(message).to.include("stepUpOriginationArn");
    expect(message).to.include("an End User Messaging SMS phone-number, sender-id or pool ARN");
  });
});

describe("caller-auth bundle (what Lambda runs)", function () {
  this.timeout(60_000);

  const load = (env: Record<string, string>) => {
    const module = { exports: {} as Obj };
    const sandbox = {
      module,
      exports: module.exports,
      require,
      process: { ...process, env },
      console,
      Buffer,
      setTimeout,
      clearTimeout,
      setImmediate,
      URL,
      TextEncoder,
      TextDecoder,
    };
    vm.runInNewContext(`(function(){${bundle("functions/caller-auth/index.ts")}\n})()`, sandbox);
    return module.exports as { handler: (e: unknown) => Promise<Record<string, string>> };
  };

  it("is one self-contained CommonJS file exporting handler", () => {
    const code = bundle("functions/caller-auth/index.ts");
    // The AWS SDK and zod are inside, not left to whatever the runtime ships.
    expect(code).to.include("ConditionalCheckFailedException");
    const external = [...new Set(code.match(/require\("[^"]+"\)/g))]
      .map((r) => r.slice(9, -2))
      .filter((m) => !m.startsWith("node:"));
    // Only the SDK's optional CRT signer (loaded inside try/catch, for SigV4a) stays outside.
    expect(external).to.deep.equal(["@aws-sdk/signature-v4-crt"]);
  });

  it("derives its reference key from KMS once, then answers a malformed event with NotAuthenticated, without touching DynamoDB", async () => {
    // KMS's JSON protocol as the SDK speaks it (X-Amz-Target TrentService.GenerateMac), on
    // 127.0.0.1 through the SDK's service endpoint variable.
    const seen: { target?: string; body: Record<string, string> }[] = [];
    const kms = http.createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        seen.push({
          target: req.headers["x-amz-target"] as string | undefined,
          body: JSON.parse(body) as Record<string, string>,
        });
        res.writeHead(200, { "content-type": "application/x-amz-json-1.1" });
        res.end(
          JSON.stringify({
            KeyId: REF_KEY,
            MacAlgorithm: "HMAC_SHA_256",
            Mac: Buffer.alloc(32, 9).toString("base64"),
          }),
        );
      });
    });
    await new Promise<void>((r) => kms.listen(0, "127.0.0.1", r));
    const REF_KEY =
      "arn:aws:kms:ap-northeast-1:123456789012:key/11111111-2222-3333-4444-555555555555";
    try {
      const { handler } = load({
        TABLE_NAME: "t",
        LEX_ALIAS_ARN: "arn:aws:lex:ap-northeast-1:1:bot-alias/B/A",
        REF_KEY_ARN: REF_KEY,
        AWS_REGION: "ap-northeast-1",
        AWS_ACCESS_KEY_ID: "x",
        AWS_SECRET_ACCESS_KEY: "x",
        AWS_ENDPOINT_URL_KMS: `http://127.0.0.1:${(kms.address() as AddressInfo).port}`,
      });
      const r = await handler({ Details: {} });
      expect(r.result).to.equal("NotAuthenticated");
      expect(r.lexAliasArn).to.equal("arn:aws:lex:ap-northeast-1:1:bot-alias/B/A");
      await handler({ Details: {} });
      expect(seen).to.have.length(1);
      expect(seen[0].target).to.equal("TrentService.GenerateMac");
      expect(seen[0].body).to.deep.include({ KeyId: REF_KEY, MacAlgorithm: "HMAC_SHA_256" });
    } finally {
      kms.close();
    }
  });

  it("fails at cold start, naming the variable, when its environment is wrong", () => {
    expect(() => load({ LEX_ALIAS_ARN: "arn:x", AWS_REGION: "ap-northeast-1" })).to.throw(
      /TABLE_NAME/,
    );
  });
});

describe("function bundles", () => {
  it("FUNCTION_ENTRIES lists every entry a component deploys (they are bundled together)", async () => {
    const fs = await import("node:fs");
    const path = await import("node:path");
    const { FUNCTION_ENTRIES } = await import("../../components/shared/nodeFunction");
    const dir = path.join(PROJECT_ROOT, "components");
    // Every component file, in every capability folder.
    const used = fs
      .readdirSync(dir, { recursive: true, encoding: "utf8" })
      .filter((f) => f.endsWith(".ts"))
      .flatMap((f) =>
        [...fs.readFileSync(path.join(dir, f), "utf8").matchAll(/"(functions\/[^"]+\.ts)"/g)].map(
          (m) => m[1],
        ),
      );
    expect([...new Set(used)].sort()).to.deep.equal([...FUNCTION_ENTRIES].sort());
  });
});
