/** OutboundCampaignStore in the tokyo stack: the security-relevant settings, exactly. */
import { expect } from "chai";
import { OUTBOUND_TOKEN } from "../../components";
import type { RecordedResource } from "../../lib/offline";
import { runStack, type Recorded } from "../support/harness";

const ACCOUNT = "123456789012";
const REGION = "ap-northeast-1";
type Obj = Record<string, unknown>;

describe("OutboundCampaignStore in stack tokyo", () => {
  let rec: Recorded;
  before(async () => {
    rec = await runStack("tokyo");
  });

  const get = (type: string, name: string) => rec.get(type, `tokyo-outbound-${name}`);
  const key = () => get("aws:kms/key:Key", "key");
  const queue = (n: string) => get("aws:sqs/queue:Queue", n);
  const instanceArn = () => String(rec.run.outputs.instanceArn);
  const statements = (fn: string) =>
    rec.policy(get("aws:iam/rolePolicy:RolePolicy", fn)).Statement as Obj[];

  it("is one component at the top of the stack", () => {
    const c = rec.resources.filter((r) => r.type === OUTBOUND_TOKEN);
    expect(c.map((r) => [r.name, r.parentUrn])).to.deep.equal([["tokyo-outbound", undefined]]);
  });

  it("keeps campaigns, requests and attempts in one table: CMK, PITR, TTL for pointers only, deletion protection", () => {
    const t = get("aws:dynamodb/table:Table", "table").inputs;
    expect(t).to.deep.include({
      name: "customerchannel-outbound",
      hashKey: "pk",
      rangeKey: "sk",
      billingMode: "PAY_PER_REQUEST",
      deletionProtectionEnabled: true,
    });
    expect(t.ttl).to.deep.equal({ attributeName: "expiresAt", enabled: true });
    expect(t.pointInTimeRecovery).to.deep.equal({ enabled: true });
    expect(t.serverSideEncryption).to.deep.equal({ enabled: true, kmsKeyArn: key().state.arn });
    expect(key().inputs.enableKeyRotation).to.equal(true);
  });

  it("encrypts every queue with the CMK, dead-letters the dial queue, and denies non-TLS access", () => {
    for (const n of ["dial", "dial-dlq", "events-dlq"]) {
      expect(queue(n).inputs).to.deep.include({
        kmsMasterKeyId: key().state.arn,
        messageRetentionSeconds: 1_209_600,
      });
      const policy = rec.policy(get("aws:sqs/queuePolicy:QueuePolicy", n)).Statement[0];
      expect(policy).to.deep.equal({
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "sqs:*",
        Resource: queue(n).state.arn,
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      });
    }
    expect(queue("dial").inputs.visibilityTimeoutSeconds).to.equal(360);
    expect(JSON.parse(String(queue("dial").inputs.redrivePolicy))).to.deep.equal({
      deadLetterTargetArn: queue("dial-dlq").state.arn,
      maxReceiveCount: 10,
    });
    const eventsDlq = rec.policy(get("aws:sqs/queuePolicy:QueuePolicy", "events-dlq")).Statement[1];
    expect(eventsDlq).to.deep.include({
      Principal: { Service: "events.amazonaws.com" },
      Action: "sqs:SendMessage",
      Condition: {
        ArnEquals: {
          "aws:SourceArn": get("aws:cloudwatch/eventRule:EventRule", "contact-events").state.arn,
        },
      },
    });
  });

  it('lets only the dialer start calls (on "*", the only resource AWS authorises it on)', () => {
    const dialer = statements("dialer");
    const connect = dialer.filter((s) => JSON.stringify(s.Action).includes("connect:"));
    expect(connect).to.deep.equal([
      {
        Sid: "StartOutboundCalls",
        Effect: "Allow",
        Action: "connect:StartOutboundVoiceContact",
        Resource: "*",
      },
    ]);
    expect(JSON.stringify(statements("api"))).to.not.include("connect:");
    const recorder = statements("recorder").filter((s) =>
      JSON.stringify(s.Action).includes("connect:"),
    );
    expect(recorder.map((s) => [s.Action, s.Resource])).to.deep.equal([
      ["connect:GetContactAttributes", `${instanceArn()}/contact/*`],
    ]);
    for (const fn of ["api", "dialer", "recorder"]) {
      const table = statements(fn).find((s) => s.Sid === "OutboundTable");
      // No Scan, Query or DeleteItem: every access is by key, and nothing is ever deleted.
      expect(table?.Action, fn).to.deep.equal([
        "dynamodb:GetItem",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
      ]);
    }
  });

  it("paces the dialer: reserved workers, the quota in its environment, partial batch responses", () => {
    const f = get("aws:lambda/function:Function", "dialer").inputs;
    expect(f.reservedConcurrentExecutions).to.equal(4);
    expect((f.environment as Obj).variables).to.deep.include({
      DIAL_RATE_PER_SECOND: "2",
      WORKERS: "4",
      MAX_CONCURRENT_CALLS: "10",
      INSTANCE_ID: rec.run.outputs.instanceId,
    });
    expect(get("aws:lambda/eventSourceMapping:EventSourceMapping", "dial").inputs).to.deep.include({
      eventSourceArn: queue("dial").state.arn,
      batchSize: 10,
      functionResponseTypes: ["ReportBatchItemFailures"],
    });
  });

  it("feeds the recorder this instance's contact events, with failures kept in the events DLQ", () => {
    const pattern = JSON.parse(
      String(get("aws:cloudwatch/eventRule:EventRule", "contact-events").inputs.eventPattern),
    ) as Obj;
    expect(pattern).to.deep.equal({
      source: ["aws.connect"],
      "detail-type": ["Amazon Connect Contact Event"],
      detail: {
        instanceArn: [instanceArn()],
        eventType: ["CONNECTED_TO_SYSTEM", "CONNECTED_TO_AGENT", "DISCONNECTED"],
      },
    });
    const target = get("aws:cloudwatch/eventTarget:EventTarget", "recorder").inputs;
    expect(target.deadLetterConfig).to.deep.equal({ arn: queue("events-dlq").state.arn });
    expect(
      (
        get("aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig", "recorder").inputs
          .destinationConfig as Obj
      ).onFailure,
    ).to.deep.equal({ destination: queue("events-dlq").state.arn });
    expect(get("aws:lambda/permission:Permission", "events-invoke").inputs).to.deep.include({
      principal: "events.amazonaws.com",
      sourceArn: get("aws:cloudwatch/eventRule:EventRule", "contact-events").state.arn,
      sourceAccount: ACCOUNT,
    });
  });

  it("requires IAM on every API method and validates POST bodies against the models", () => {
    // The chat API's public methods are checked with chat (tests/chat/chatComponents.test.ts).
    const methods = rec
      .ofType("aws:apigateway/method:Method")
      .filter((m) => m.name.startsWith("tokyo-outbound"));
    expect(
      methods.map((m) => `${String(m.inputs.httpMethod)} ${String(m.inputs.authorization)}`).sort(),
    ).to.deep.equal([
      "DELETE AWS_IAM",
      "DELETE AWS_IAM",
      "GET AWS_IAM",
      "GET AWS_IAM",
      "POST AWS_IAM",
      "POST AWS_IAM",
    ]);
    const validator = get("aws:apigateway/requestValidator:RequestValidator", "api");
    expect(validator.inputs).to.deep.include({
      validateRequestBody: true,
      validateRequestParameters: true,
    });
    for (const m of methods) expect(m.inputs.requestValidatorId, m.name).to.equal(validator.id);
    const posts = methods.filter((m: RecordedResource) => m.inputs.httpMethod === "POST");
    expect(posts.map((m) => m.inputs.requestModels)).to.deep.equal([
      { "application/json": "Campaign" },
      { "application/json": "Enqueue" },
    ]);
    expect(get("aws:apigateway/restApi:RestApi", "api").inputs.endpointConfiguration).to.deep.equal(
      { types: "REGIONAL" },
    );
  });

  it("logs API access to an encrypted, retained group, never request bodies", () => {
    const stage = get("aws:apigateway/stage:Stage", "api").inputs;
    const group = get("aws:cloudwatch/logGroup:LogGroup", "api-access");
    expect((stage.accessLogSettings as Obj).destinationArn).to.equal(group.state.arn);
    expect(group.inputs).to.deep.include({ retentionInDays: 3653 });
    expect(group.inputs.kmsKeyId).to.match(/^arn:aws:kms:/);
    expect(
      get("aws:apigateway/methodSettings:MethodSettings", "api").inputs.settings,
    ).to.deep.include({
      loggingLevel: "OFF",
      dataTraceEnabled: false,
      throttlingRateLimit: 20,
      throttlingBurstLimit: 40,
    });
    expect(get("aws:lambda/permission:Permission", "api-invoke").inputs).to.deep.include({
      principal: "apigateway.amazonaws.com",
      sourceAccount: ACCOUNT,
      region: REGION,
    });
  });

  it("gives the API the stack's outbound flow as the default for campaigns", () => {
    const env = (get("aws:lambda/function:Function", "api").inputs.environment as Obj)
      .variables as Obj;
    expect(env.DEFAULT_CONTACT_FLOW_ID).to.equal(rec.run.outputs.outboundContactFlowId);
    expect(env.DEFAULT_CONTACT_FLOW_ID).to.match(/^[0-9a-f-]{36}$/);
  });

  it("exports the API URL and the dial DLQ", () => {
    expect(String(rec.run.outputs.outboundApiUrl)).to.match(
      /^https:\/\/\w+\.execute-api\.ap-northeast-1\.amazonaws\.com\/v1$/,
    );
    expect(rec.run.outputs.outboundDeadLetterQueueUrl).to.equal(queue("dial-dlq").state.url);
  });
});

describe("OutboundCampaignStore placement", () => {
  it("is not deployed by the dr stack, nor by a primary with outbound.enabled false", async () => {
    expect(
      (await runStack("dr")).resources.filter((r) => r.type === OUTBOUND_TOKEN),
    ).to.have.length(0);
    const off = await runStack("tokyo", { outbound: { enabled: false } });
    expect(off.resources.filter((r) => r.type === OUTBOUND_TOKEN)).to.have.length(0);
    expect(off.run.outputs.outboundApiUrl).to.equal(undefined);
  });
});
