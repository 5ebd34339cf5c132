/**
 * A local HTTP fake of the Amazon Connect API parts the outbound dialer calls, faithful where the
 * dialer depends on it: StartOutboundVoiceContact (PUT /contact/outbound-voice) with a token-bucket
 * quota that answers 429 TooManyRequestsException beyond it, and ClientToken idempotency (the same
 * token returns the same ContactId without a new call). GetContactAttributes returns what the test
 * set. The AWS SDK talks to it through `endpoint`.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeConnectOptions {
  /** Sustained calls per second (Connect's default StartOutboundVoiceContact quota: 2). */
  readonly ratePerSecond: number;
  /** Bucket size. */
  readonly burst: number;
}

export class FakeConnectServer {
  readonly calls: { token: string; destination: string; at: number }[] = [];
  throttled = 0;
  private readonly byToken = new Map<string, string>();
  private tokens: number;
  private last = Date.now();
  private server?: http.Server;
  readonly attributes = new Map<string, Record<string, string>>();

  constructor(private readonly o: FakeConnectOptions) {
    this.tokens = o.burst;
  }

  private take(): boolean {
    const now = Date.now();
    this.tokens = Math.min(
      this.o.burst,
      this.tokens + ((now - this.last) / 1000) * this.o.ratePerSecond,
    );
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => this.handle(req, body, res));
    });
    // Longer than the SDK keeps idle sockets, so a reused connection is never reset under it.
    this.server.keepAliveTimeout = 120_000;
    await new Promise<void>((r) => this.server!.listen(0, "127.0.0.1", () => r()));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((r) => this.server?.close(() => r()) ?? r());
  }

  private handle(req: http.IncomingMessage, body: string, res: http.ServerResponse) {
    const send = (status: number, payload: unknown, errorType?: string) => {
      res.writeHead(status, {
        "content-type": "application/json",
        ...(errorType ? { "x-amzn-errortype": errorType } : {}),
      });
      res.end(JSON.stringify(payload));
    };
    if (req.method === "PUT" && req.url === "/contact/outbound-voice") {
      const input = JSON.parse(body || "{}") as {
        ClientToken?: string;
        DestinationPhoneNumber?: string;
      };
      const known = input.ClientToken ? this.byToken.get(input.ClientToken) : undefined;
      if (known) return send(200, { ContactId: known });
      if (!this.take()) {
        this.throttled++;
        return send(429, { message: "Rate exceeded" }, "TooManyRequestsException");
      }
      const id = `c-${this.calls.length + 1}`;
      this.calls.push({
        token: input.ClientToken ?? "",
        destination: input.DestinationPhoneNumber ?? "",
        at: Date.now(),
      });
      if (input.ClientToken) this.byToken.set(input.ClientToken, id);
      return send(200, { ContactId: id });
    }
    const attrs = /^\/contact\/attributes\/[^/]+\/([^/?]+)/.exec(req.url ?? "");
    if (req.method === "GET" && attrs)
      return send(200, { Attributes: this.attributes.get(attrs[1]) ?? {} });
    send(404, { message: `no fake for ${req.method} ${req.url}` }, "ResourceNotFoundException");
  }
}
