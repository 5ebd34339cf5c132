/**
 * The sample portal in a real browser: headless Debian Chromium loads the built page from a local
 * server, starts a chat through the backend core, connects to a fake of Connect's participant
 * service with amazon-connect-chatjs, sends a message and sees the agent's answer. A screenshot
 * goes to test-artifacts/chat-portal.png.
 */
import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { CHROMIUM_ARGS, ensureChromium } from "../support/chromium";
import { startFakeChatBackend, type FakeChatBackend } from "../support/fakeChatBackend";

const ARTIFACTS = path.resolve(__dirname, "..", "..", "test-artifacts");

describe("chat portal in Chromium", function () {
  // Installing Chromium on a fresh machine takes a minute or two; the test itself a few seconds.
  this.timeout(900_000);
  let browser: Browser;
  let backend: FakeChatBackend;
  let page: Page;
  const pageErrors: string[] = [];
  /** Console errors, CSP violations among them ("Refused to ..."). */
  const consoleErrors: string[] = [];

  before(async function () {
    const c = ensureChromium();
    if ("skip" in c) {
      console.log(`      skipped: ${c.skip}`);
      this.skip();
    }
    browser = await chromium.launch({
      executablePath: c.path,
      args: CHROMIUM_ARGS,
      headless: true,
    });
  });
  after(async () => {
    await browser?.close();
  });
  beforeEach(async () => {
    pageErrors.length = 0;
    consoleErrors.length = 0;
    page = await browser.newPage({ locale: "ja-JP", viewport: { width: 800, height: 900 } });
    page.on("pageerror", (e) => pageErrors.push(e.message));
    page.on("console", (m) => {
      if (m.type() === "error") consoleErrors.push(m.text());
    });
  });
  afterEach(async () => {
    await page?.close();
    await backend?.close();
  });

  it("starts a chat, shows it connected, sends a message and shows the agent's answer", async () => {
    backend = await startFakeChatBackend({ agentReply: "担当の佐藤です。ご用件を承ります。" });
    await page.goto(backend.url);
    await page.fill("#displayName", "山田 花子");
    await page.selectOption("#topic", "card-loan-screening");
    await page.click("#startButton");
    await page.waitForSelector('#status[data-state="connected"]', { timeout: 20_000 });
    expect(await page.textContent("#status")).to.equal("接続しました");

    await page.fill("#message", "審査の結果はいつわかりますか");
    await page.click("#sendButton");
    await page.waitForSelector('#transcript li[data-role="AGENT"]', { timeout: 20_000 });
    const items = page.locator("#transcript li");
    const lines: [string | null, string | null][] = [];
    for (let i = 0; i < (await items.count()); i++)
      lines.push([await items.nth(i).getAttribute("data-role"), await items.nth(i).textContent()]);
    expect(lines).to.deep.equal([
      ["CUSTOMER", "山田 花子: 審査の結果はいつわかりますか"],
      ["AGENT", "担当者: 担当の佐藤です。ご用件を承ります。"],
    ]);
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, "chat-portal.png"), fullPage: true });

    // What reached Connect: the chat started with the visitor's name and chosen desk ...
    expect(backend.started).to.have.length(1);
    const start = backend.started[0].request;
    expect(start.ParticipantDetails).to.deep.equal({ DisplayName: "山田 花子" });
    expect(start.Attributes).to.deep.equal({
      cc_channel: "web-portal",
      cc_region: "ap-northeast-1",
      cc_topic: "card-loan-screening",
    });
    expect(start.ClientToken).to.match(/^[0-9a-f-]{36}$/);
    // ... and the message through the participant service, after the connection.
    expect(backend.messages).to.deep.equal([
      { content: "審査の結果はいつわかりますか", contentType: "text/plain" },
    ]);
    expect(backend.calls[0]).to.equal("connection");
    expect(pageErrors).to.deep.equal([]);
    // The page and chatjs run under the production content security policy, and nothing the page
    // does needed an exception; the policy is in force: an injected inline script is refused.
    const violations = () =>
      consoleErrors.filter((e) => /Content Security Policy|Refused to/.test(e));
    expect(violations()).to.deep.equal([]);
    await page.addScriptTag({ content: "document.title = 'injected'" }).catch(() => undefined);
    expect(await page.title()).to.equal("チャットでのお問い合わせ");
    expect(violations()).to.have.length(1);
    expect(violations()[0]).to.include("script-src 'self'");
  });

  it("falls over to the DR backend when the primary's cannot be reached", async () => {
    // The primary's endpoint refuses connections (nothing listens on port 9 of 127.0.0.1).
    backend = await startFakeChatBackend({
      region: "ap-northeast-3",
      endpoints: (base) => ["http://127.0.0.1:9/chat", `${base}/chat`],
    });
    await page.goto(backend.url);
    await page.fill("#displayName", "佐藤");
    await page.click("#startButton");
    await page.waitForSelector('#status[data-state="connected"]', { timeout: 20_000 });
    expect(backend.started.map((s) => s.region)).to.deep.equal(["ap-northeast-3"]);
  });

  it("shows the backend's reason when it refuses the request, and starts nothing", async () => {
    backend = await startFakeChatBackend();
    await page.goto(backend.url);
    // A name of spaces passes the browser's "required" check but not the backend's validation.
    await page.fill("#displayName", "   ");
    await page.click("#startButton");
    await page.waitForSelector('#status[data-state="error"]', { timeout: 20_000 });
    expect(await page.textContent("#status")).to.match(/invalid body \(displayName: /);
    expect(backend.started).to.deep.equal([]);
    expect(backend.calls).to.deep.equal([]);
  });
});
