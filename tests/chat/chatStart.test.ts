/**
 * The chat backend's core (issue #10, first step): request validation (400 naming the field),
 * the active region's instance, the StartChatContact request as Connect receives it, and the
 * answers to throttling and capacity.
 */
import { expect } from "chai";
import { ConnectClient, StartChatContactCommand } from "@aws-sdk/client-connect";
import { GetParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { mockClient, type AwsClientStub } from "aws-sdk-client-mock";
import { makeChatApi, sourceRef, type ChatTarget } from "../../functions/chat-start/core";
import { parseTarget, targetFrom } from "../../functions/chat-start/target";

const TOKYO: ChatTarget = {
  region: "ap-northeast-1",
  instanceId: "11111111-2222-4333-8444-555555555555",
  contactFlowId: "flow-chat-main",
};
const OSAKA: ChatTarget = { ...TOKYO, region: "ap-northeast-3" };
const PORTAL = "https://chat.example-bank.co.jp";
/** What the portal page's fetch sends (REST API proxy events keep the client's header case). */
const PAGE = { Origin: PORTAL, "Content-Type": "application/json; charset=utf-8" };

describe("chat backend", () => {
  const connect = mockClient(ConnectClient);
  const regions: string[] = [];
  let target: ChatTarget | Error = TOKYO;
  beforeEach(() => {
    connect.reset();
    regions.length = 0;
    target = TOKYO;
    connect.on(StartChatContactCommand).callsFake(async (_i, getClient: () => ConnectClient) => {
      regions.push(await getClient().config.region());
      return { ContactId: "c-1", ParticipantId: "p-1", ParticipantToken: "token-1" };
    });
  });
  after(() => connect.restore());
  const api = makeChatApi({
    target: () => (target instanceof Error ? Promise.reject(target) : Promise.resolve(target)),
    start: (region, request) =>
      new ConnectClient({ region, credentials: { accessKeyId: "x", secretAccessKey: "x" } }).send(
        new StartChatContactCommand(request),
      ),
    chatDurationMinutes: 60,
    allowedOrigins: [PORTAL],
  });
  const post = (body: unknown, headers: Record<string, string> = PAGE) =>
    api({
      httpMethod: "POST",
      headers,
      body: typeof body === "string" ? body : JSON.stringify(body),
    });

  it("starts the chat on the active instance and answers the participant token", async () => {
    const r = await post({
      displayName: " 山田 花子 ",
      attributes: { page: "card-loan" },
      topic: "card-loan-screening",
      initialMessage: "カードローンの審査について",
      clientToken: "0123456789abcdef-01",
    });
    expect(r.statusCode).to.equal(200);
    expect(JSON.parse(r.body)).to.deep.equal({
      contactId: "c-1",
      participantId: "p-1",
      participantToken: "token-1",
      region: "ap-northeast-1",
    });
    expect(r.headers["cache-control"]).to.equal("no-store");
    expect(connect.commandCalls(StartChatContactCommand)[0].args[0].input).to.deep.equal({
      InstanceId: TOKYO.instanceId,
      ContactFlowId: "flow-chat-main",
      ParticipantDetails: { DisplayName: "山田 花子" },
      Attributes: {
        page: "card-loan",
        cc_channel: "web-portal",
        cc_region: "ap-northeast-1",
        cc_topic: "card-loan-screening",
      },
      InitialMessage: { ContentType: "text/plain", Content: "カードローンの審査について" },
      ClientToken: "0123456789abcdef-01",
      ChatDurationInMinutes: 60,
    });
    expect(regions).to.deep.equal(["ap-northeast-1"]);
  });

  it("follows the failover: the next chat starts where the target now points", async () => {
    target = OSAKA;
    const r = await post({ displayName: "佐藤" });
    expect(JSON.parse(r.body)).to.deep.include({ region: "ap-northeast-3" });
    expect(regions).to.deep.equal(["ap-northeast-3"]);
  });

  const bad: [string, unknown, string, string][] = [
    ["not JSON", "{", "(body)", "body is not JSON"],
    ["no display name", {}, "displayName", ""],
    ["an empty display name", { displayName: "   " }, "displayName", ""],
    ["an unknown field", { displayName: "a", phone: "090" }, "(body)", ""],
    [
      "a reserved attribute",
      { displayName: "a", attributes: { cc_region: "x" } },
      "attributes.cc_region",
      "the prefix cc_ is reserved",
    ],
    [
      "a bad attribute name",
      { displayName: "a", attributes: { "a b": "x" } },
      "attributes.a b",
      "letters, digits",
    ],
    [
      "too many attribute bytes",
      {
        displayName: "a",
        attributes: Object.fromEntries(
          Array.from({ length: 20 }, (_, i) => [`k${i}`, "x".repeat(1000)]),
        ),
      },
      "attributes",
      "at most 16384 bytes",
    ],
    [
      "a dotted attribute name (flows could not read it)",
      { displayName: "a", attributes: { "a.b": "x" } },
      "attributes.a.b",
      "letters, digits",
    ],
    ["a topic no queue takes", { displayName: "a", topic: "dunning" }, "topic", ""],
    ["a short client token", { displayName: "a", clientToken: "abc" }, "clientToken", "16-64"],
  ];
  for (const [what, body, field, reason] of bad)
    it(`refuses ${what} with 400 naming the field, and starts nothing`, async () => {
      const r = await post(body);
      expect(r.statusCode).to.equal(400);
      const answer = JSON.parse(r.body) as {
        error: string;
        details?: { field: string; reason: string }[];
      };
      if (field === "(body)" && reason === "body is not JSON")
        expect(answer.error).to.equal(reason);
      else {
        expect(answer.error).to.equal("invalid body");
        const d = answer.details?.find((x) => x.field === field);
        expect(d, JSON.stringify(answer.details)).to.not.equal(undefined);
        if (reason) expect(d?.reason).to.include(reason);
      }
      expect(connect.commandCalls(StartChatContactCommand)).to.have.length(0);
    });

  it("answers 429 with Retry-After when Connect throttles, 503 when lines are full or no target", async () => {
    connect
      .on(StartChatContactCommand)
      .rejects(Object.assign(new Error("Rate exceeded"), { name: "TooManyRequestsException" }));
    const t = await post({ displayName: "a" });
    expect([t.statusCode, t.headers["retry-after"]]).to.deep.equal([429, "5"]);
    connect
      .on(StartChatContactCommand)
      .rejects(Object.assign(new Error("limit"), { name: "LimitExceededException" }));
    const full = await post({ displayName: "a" });
    expect([full.statusCode, full.headers["retry-after"]]).to.deep.equal([503, "60"]);
    target = new Error("parameter not found");
    const none = await post({ displayName: "a" });
    expect([none.statusCode, JSON.parse(none.body)]).to.deep.equal([
      503,
      { error: "chat is not available right now" },
    ]);
  });

  describe("hostile callers (issue 19)", () => {
    it("refuses a page from another origin, or none, with 403 before reading the body", async () => {
      for (const headers of [
        { "Content-Type": "application/json" } as Record<string, string>,
        { Origin: "https://evil.example", "Content-Type": "application/json" },
        { Origin: "null", "Content-Type": "application/json" },
      ]) {
        const r = await post({ displayName: "a" }, headers);
        expect(r.statusCode, JSON.stringify(headers)).to.equal(403);
        expect(r.headers).to.not.have.property("access-control-allow-origin");
      }
      expect(connect.commandCalls(StartChatContactCommand)).to.have.length(0);
    });

    it("refuses a text/plain POST (a simple request that skips the CORS preflight) with 415", async () => {
      for (const type of ["text/plain", "application/x-www-form-urlencoded", ""]) {
        const r = await post({ displayName: "a" }, { origin: PORTAL, "content-type": type });
        expect(r.statusCode, type).to.equal(415);
      }
      expect(connect.commandCalls(StartChatContactCommand)).to.have.length(0);
    });

    it("answers the preflight for the portal only, and names it on the POST's answer", async () => {
      const ok = await api({ httpMethod: "OPTIONS", headers: { origin: PORTAL } });
      expect(ok.statusCode).to.equal(204);
      expect(ok.headers).to.deep.include({
        "access-control-allow-origin": PORTAL,
        "access-control-allow-methods": "POST",
        "access-control-allow-headers": "content-type",
        vary: "Origin",
      });
      const evil = await api({
        httpMethod: "OPTIONS",
        headers: { origin: "https://evil.example" },
      });
      expect(evil.statusCode).to.equal(403);
      const r = await post({ displayName: "a" });
      expect(r.headers["access-control-allow-origin"]).to.equal(PORTAL);
    });

    it("marks the chat with a reference to its source address (never the address) for caller-auth's budget", async () => {
      const r = await api({
        httpMethod: "POST",
        headers: PAGE,
        body: JSON.stringify({ displayName: "a" }),
        sourceIp: "203.0.113.7",
      });
      expect(r.statusCode).to.equal(200);
      const attrs = connect.commandCalls(StartChatContactCommand)[0].args[0].input.Attributes!;
      expect(attrs.cc_source).to.equal(sourceRef("203.0.113.7"));
      expect(attrs.cc_source).to.match(/^ip:[0-9a-f]{16}$/);
      expect(JSON.stringify(attrs)).to.not.include("203.0.113.7");
      // A visitor cannot set it: cc_ names are the backend's.
      const forged = await post({ displayName: "a", attributes: { cc_source: "ip:0" } });
      expect(forged.statusCode).to.equal(400);
    });

    it("refuses a 2.5 MB body with a short 413 before parsing it", async () => {
      const huge = JSON.stringify({ displayName: "a", initialMessage: "x".repeat(2_500_000) });
      const started = process.cpuUsage();
      const r = await post(huge);
      expect(r.statusCode).to.equal(413);
      expect(r.body).to.equal('{"error":"body over 24576 bytes"}');
      // Not a timing assertion: the CPU figure is only reported when the test fails.
      expect(r.body.length, `cpu ${process.cpuUsage(started).user} µs`).to.be.below(100);
    });

    it("refuses attributes that would preset authentication, and invisible characters in names", async () => {
      for (const attributes of [
        { authResult: "VERIFIED" },
        { authMethod: "voiceid" },
        { responded: "true" },
      ]) {
        const r = await post({ displayName: "a", attributes });
        expect(r.statusCode, JSON.stringify(attributes)).to.equal(400);
      }
      for (const displayName of ["山田\u202e子花", "a\u0000b", "a\u200bb", "a\u2028b", "a\nb"]) {
        const r = await post({ displayName });
        expect(r.statusCode, displayName).to.equal(400);
        expect((JSON.parse(r.body) as { details: unknown }).details).to.deep.equal([
          { field: "displayName", reason: "no control, format or line-separator characters" },
        ]);
      }
      expect(connect.commandCalls(StartChatContactCommand)).to.have.length(0);
    });
  });

  it("an unexpected Connect error is not hidden as a 4xx: it fails the invocation", async () => {
    connect
      .on(StartChatContactCommand)
      .rejects(Object.assign(new Error("boom"), { name: "InternalServiceException" }));
    let thrown = "";
    await post({ displayName: "a" }).catch((e: Error) => (thrown = e.name));
    expect(thrown).to.equal("InternalServiceException");
  });
});

describe("chat target (the dr stack's parameter)", () => {
  const own: ChatTarget = {
    region: "ap-northeast-1",
    instanceId: "11111111-2222-4333-8444-555555555555",
    contactFlowId: "66666666-7777-4888-9999-000000000000",
  };
  const dr = { ...own, region: "ap-northeast-3" };
  let clock = 0;
  let value: string | Error = JSON.stringify(dr);
  let reads = 0;
  const fallbacks: string[] = [];
  const target = () =>
    targetFrom({
      read: () => {
        reads++;
        return value instanceof Error ? Promise.reject(value) : Promise.resolve(value);
      },
      own,
      ttlMs: 15_000,
      now: () => clock,
      onFallback: (r) => fallbacks.push(r),
    });
  beforeEach(() => {
    clock = 0;
    reads = 0;
    value = JSON.stringify(dr);
    fallbacks.length = 0;
  });

  it("reads the parameter at most once per TTL, so a flip reaches a warm function within it", async () => {
    const t = target();
    expect(await t()).to.deep.equal(dr);
    value = JSON.stringify(own);
    clock = 14_999;
    expect(await t()).to.deep.equal(dr);
    clock = 15_000;
    expect(await t()).to.deep.equal(own);
    expect(reads).to.equal(2);
  });

  it("uses its own instance, and says why, when the parameter cannot be read or is wrong", async () => {
    value = Object.assign(new Error("connect ETIMEDOUT"), { name: "TimeoutError" });
    expect(await target()()).to.deep.equal(own);
    value = JSON.stringify({ ...dr, instanceId: "not-an-id" });
    const t = target();
    expect(await t()).to.deep.equal(own);
    // The fallback is kept for the TTL (no read per chat while a region is down), then the fixed
    // parameter is read.
    value = JSON.stringify(dr);
    expect(await t()).to.deep.equal(own);
    clock = 15_000;
    expect(await t()).to.deep.equal(dr);
    expect(fallbacks).to.deep.equal([
      "connect ETIMEDOUT",
      "chat target parameter is invalid: instanceId: a Connect instance id (UUID)",
    ]);
  });

  it("refuses a target naming an instance that is neither its own nor its peer's", async () => {
    const peer = { ...dr, instanceId: "22222222-3333-4444-8555-666666666666" };
    const foreign = { ...dr, instanceId: "99999999-3333-4444-8555-666666666666" };
    const t = (v: ChatTarget) =>
      targetFrom({
        read: () => Promise.resolve(JSON.stringify(v)),
        own,
        peerInstanceId: peer.instanceId,
        ttlMs: 0,
        now: () => 0,
        onFallback: (r) => fallbacks.push(r),
      })();
    expect(await t(peer)).to.deep.equal(peer);
    expect(await t(foreign)).to.deep.equal(own);
    expect(fallbacks).to.deep.equal([
      `chat target names instance ${foreign.instanceId}, neither this region's nor its peer's`,
    ]);
  });

  it("without a parameter (dr stack not deployed yet) every chat goes to its own instance", async () => {
    const t = targetFrom({ own, ttlMs: 0, now: () => 0, onFallback: () => {} });
    expect(await t()).to.deep.equal(own);
  });

  it("parseTarget names the field that is wrong", () => {
    expect(() => parseTarget("{")).to.throw("chat target parameter is not JSON");
    expect(() => parseTarget(JSON.stringify({ ...dr, extra: 1 }))).to.throw(
      /\(value\): Unrecognized key/,
    );
    expect(() => parseTarget(JSON.stringify({ ...dr, region: "Osaka" }))).to.throw(
      "region: an AWS region such as ap-northeast-3",
    );
  });
});

describe("chat backend Lambda entry (API Gateway REST API proxy event)", () => {
  // Made in before(): a Connect mock made while the describe above still has its own would be
  // undone by that one's restore.
  let ssmMock: AwsClientStub<SSMClient>;
  let connectMock: AwsClientStub<ConnectClient>;
  const PARAM = "arn:aws:ssm:ap-northeast-3:123456789012:parameter/customerchannel/dr/chat-target";
  const DR_TARGET = {
    region: "ap-northeast-3",
    instanceId: "22222222-3333-4444-8555-666666666666",
    contactFlowId: "77777777-8888-4999-8aaa-bbbbbbbbbbbb",
  };
  const seen: { ssmRegion: string; connectRegion: string; name?: string; decrypt?: boolean }[] = [];
  let handler: (e: {
    httpMethod?: string;
    headers?: Record<string, string>;
    body?: string;
    isBase64Encoded?: boolean;
    requestContext?: { requestId?: string };
  }) => Promise<{ statusCode: number; body: string }>;
  const saved = { ...process.env };
  before(async () => {
    ssmMock = mockClient(SSMClient);
    connectMock = mockClient(ConnectClient);
    Object.assign(process.env, {
      TARGET_PARAMETER_ARN: PARAM,
      OWN_REGION: "ap-northeast-1",
      OWN_INSTANCE_ID: "11111111-2222-4333-8444-555555555555",
      OWN_CONTACT_FLOW_ID: "66666666-7777-4888-9999-000000000000",
      CHAT_DURATION_MINUTES: "90",
      TARGET_TTL_SECONDS: "15",
      ALLOWED_ORIGINS: JSON.stringify(["https://chat.example-bank.co.jp"]),
      PEER_INSTANCE_ID: "22222222-3333-4444-8555-666666666666",
      AWS_ACCESS_KEY_ID: "x",
      AWS_SECRET_ACCESS_KEY: "x",
      POWERTOOLS_LOG_LEVEL: "SILENT",
    });
    ssmMock
      .on(GetParameterCommand)
      .callsFake(
        async (input: { Name: string; WithDecryption: boolean }, getClient: () => SSMClient) => {
          seen.push({
            ssmRegion: await getClient().config.region(),
            connectRegion: "",
            name: input.Name,
            decrypt: input.WithDecryption,
          });
          return { Parameter: { Value: JSON.stringify(DR_TARGET) } };
        },
      );
    connectMock
      .on(StartChatContactCommand)
      .callsFake(async (_i, getClient: () => ConnectClient) => {
        seen.push({ ssmRegion: "", connectRegion: await getClient().config.region() });
        return { ContactId: "c-9", ParticipantId: "p-9", ParticipantToken: "t-9" };
      });
    ({ handler } = await import("../../functions/chat-start/index"));
  });
  after(() => {
    ssmMock.restore();
    connectMock.restore();
    process.env = saved;
  });

  it("reads the DR target in its region (decrypted) and starts the chat there; a base64 body is decoded", async () => {
    const body = Buffer.from(JSON.stringify({ displayName: "田中" })).toString("base64");
    const headers = {
      Origin: "https://chat.example-bank.co.jp",
      "Content-Type": "application/json",
    };
    const r = await handler({
      httpMethod: "POST",
      headers,
      body,
      isBase64Encoded: true,
      requestContext: { requestId: "r-1" },
    });
    expect(r.statusCode).to.equal(200);
    expect(JSON.parse(r.body)).to.deep.include({
      region: "ap-northeast-3",
      participantToken: "t-9",
    });
    expect(seen).to.deep.equal([
      { ssmRegion: "ap-northeast-3", connectRegion: "", name: PARAM, decrypt: true },
      { ssmRegion: "", connectRegion: "ap-northeast-3" },
    ]);
    const start = connectMock.commandCalls(StartChatContactCommand)[0].args[0].input;
    expect([start.InstanceId, start.ContactFlowId, start.ChatDurationInMinutes]).to.deep.equal([
      DR_TARGET.instanceId,
      DR_TARGET.contactFlowId,
      90,
    ]);
    // Within the TTL the parameter is not read again.
    await handler({ httpMethod: "POST", headers, body: JSON.stringify({ displayName: "田中" }) });
    expect(ssmMock.commandCalls(GetParameterCommand)).to.have.length(1);
  });
});
