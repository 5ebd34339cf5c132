/**
 * The portal's choice of chat backend (portal/start.ts): primary first, the DR backend only when
 * the primary cannot answer (network error, 5xx); the visitor's and the bank's refusals (4xx,
 * 429) are shown, not retried elsewhere.
 */
import { expect } from "chai";
import { startChat, StartError } from "../../portal/start";

const PRIMARY = "https://a.execute-api.ap-northeast-1.amazonaws.com/chat";
const DR = "https://b.execute-api.ap-northeast-3.amazonaws.com/chat";
const OK = {
  contactId: "c",
  participantId: "p",
  participantToken: "t",
  region: "ap-northeast-3",
};
const request = { displayName: "a", topic: "customer-desk", clientToken: "0123456789abcdef" };

/** A fetch that answers each endpoint as told, recording the calls. */
const fakeFetch = (answers: Record<string, Error | [number, unknown]>) => {
  const calls: string[] = [];
  const f = (url: string, init: RequestInit) => {
    calls.push(`${init.method} ${url} ${typeof init.body === "string" ? init.body : ""}`);
    const a = answers[url];
    if (a instanceof Error) return Promise.reject(a);
    return Promise.resolve(new Response(JSON.stringify(a[1]), { status: a[0] }));
  };
  return { f, calls };
};

describe("portal: starting a chat", () => {
  const config = { endpoints: [PRIMARY, DR] };

  it("uses the primary when it answers", async () => {
    const { f, calls } = fakeFetch({ [PRIMARY]: [200, { ...OK, region: "ap-northeast-1" }] });
    expect(await startChat(config, request, f)).to.deep.equal({
      ...OK,
      region: "ap-northeast-1",
      endpoint: PRIMARY,
    });
    expect(calls).to.deep.equal([`POST ${PRIMARY} ${JSON.stringify(request)}`]);
  });

  for (const [what, answer] of [
    ["a network error", new TypeError("Failed to fetch")],
    ["a 503", [503, { error: "chat is not available right now" }]],
    ["a 502 without a body", [502, "not json"]],
  ] as const)
    it(`moves to the DR backend after ${what}`, async () => {
      const { f, calls } = fakeFetch({ [PRIMARY]: answer as never, [DR]: [200, OK] });
      expect((await startChat(config, request, f)).endpoint).to.equal(DR);
      expect(calls).to.have.length(2);
    });

  for (const [status, body, message] of [
    [
      400,
      { error: "invalid body", details: [{ field: "displayName", reason: "too short" }] },
      "invalid body (displayName: too short)",
    ],
    [429, { error: "too many chats are starting: try again shortly" }, "too many chats"],
  ] as const)
    it(`shows a ${status} and does not try the DR backend`, async () => {
      const { f, calls } = fakeFetch({ [PRIMARY]: [status, body], [DR]: [200, OK] });
      const e = await startChat(config, request, f).catch((x: StartError) => x);
      expect(e).to.be.instanceOf(StartError);
      expect((e as StartError).status).to.equal(status);
      expect((e as StartError).message).to.include(message);
      expect(calls).to.have.length(1);
    });

  it("says why when no backend answers", async () => {
    const { f } = fakeFetch({ [PRIMARY]: new TypeError("Failed to fetch"), [DR]: [504, {}] });
    const e = await startChat(config, request, f).catch((x: StartError) => x);
    expect((e as StartError).message).to.equal(`${DR}: 504`);
    const none = await startChat({ endpoints: [] }, request, f).catch((x: StartError) => x);
    expect((none as StartError).message).to.equal("no chat backend is configured");
  });
});
