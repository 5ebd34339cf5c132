/**
 * A local stand-in for everything the portal page talks to, on 127.0.0.1:
 *
 * - the built portal (lib/portal.ts) and a config.json naming this server's backends;
 * - `POST /chat`: the real backend core (functions/chat-start/core.ts) with a recorded
 *   StartChatContact;
 * - Amazon Connect's participant service as chatjs calls it (REST under `/participant/*`, and the
 *   WebSocket it subscribes to `aws/chat` on): CreateParticipantConnection, SendMessage, SendEvent,
 *   GetTranscript, DisconnectParticipant. A customer's message is echoed on the socket, as
 *   Connect does, and answered by an "agent".
 *
 * The bearer tokens are checked: a request with the wrong token gets 403, as in Connect.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { randomUUID } from "node:crypto";
import { WebSocketServer, type WebSocket } from "ws";
import { makeChatApi, type StartChatRequest } from "../../functions/chat-start/core";
import { buildPortal, portalConfigText } from "../../lib/portal";
import type { PortalConfig } from "../../portal/start";
import { contentSecurityPolicy } from "../../components/chat/chatPortal";

export interface FakeChatBackend {
  readonly url: string;
  /** StartChatContact requests the backend made, with the region. */
  readonly started: { region: string; request: StartChatRequest }[];
  /** SendMessage requests the participant service received. */
  readonly messages: { content: string; contentType: string }[];
  /** Participant service calls, in order (`connection`, `message`, ...). */
  readonly calls: string[];
  close(): Promise<void>;
}

const PARTICIPANT_TOKEN = "participant-token-1";
const CONNECTION_TOKEN = "connection-token-1";
const CONTACT = { contactId: "c0a8e3f1-0000-4000-8000-000000000001", participantId: "p-customer" };

export async function startFakeChatBackend(
  opts: {
    region?: string;
    agentReply?: string;
    /** config.json's backends, given this server's address; default its own /chat. */
    endpoints?: (base: string) => string[];
  } = {},
): Promise<FakeChatBackend> {
  const region = opts.region ?? "ap-northeast-1";
  const started: FakeChatBackend["started"] = [];
  const messages: FakeChatBackend["messages"] = [];
  const calls: string[] = [];
  const sockets = new Set<WebSocket>();
  let displayName = "";
  // Made once the server listens: the page's origin (this server) is the one allowed origin.
  const makeApi = (origin: string) =>
    makeChatApi({
      target: () =>
        Promise.resolve({
          region,
          instanceId: "11111111-2222-4333-8444-555555555555",
          contactFlowId: "66666666-7777-4888-9999-000000000000",
        }),
      start: (r, request) => {
        started.push({ region: r, request });
        displayName = request.ParticipantDetails.DisplayName;
        return Promise.resolve({
          ContactId: CONTACT.contactId,
          ParticipantId: CONTACT.participantId,
          ParticipantToken: PARTICIPANT_TOKEN,
        });
      },
      chatDurationMinutes: 60,
      allowedOrigins: [origin],
    });
  let api: ReturnType<typeof makeApi> | undefined;

  const push = (item: Record<string, unknown>) => {
    const content = JSON.stringify({
      AbsoluteTime: new Date().toISOString(),
      ContactId: CONTACT.contactId,
      InitialContactId: CONTACT.contactId,
      Id: randomUUID(),
      ...item,
    });
    for (const s of sockets)
      s.send(JSON.stringify({ topic: "aws/chat", contentType: "application/json", content }));
  };

  const files = buildPortal();
  let base = "";
  const body = (req: http.IncomingMessage) =>
    new Promise<string>((resolve) => {
      let b = "";
      req.on("data", (c: Buffer) => (b += c.toString()));
      req.on("end", () => resolve(b));
    });
  const send = (
    res: http.ServerResponse,
    status: number,
    value: unknown,
    type = "application/json",
  ) => {
    res.writeHead(status, {
      "content-type": type,
      "cache-control": "no-store",
      // The portal's production policy (CloudFront's response headers), plus this server.
      "content-security-policy": contentSecurityPolicy(
        [region],
        [base, base.replace("http", "ws")],
      ),
    });
    res.end(typeof value === "string" ? value : JSON.stringify(value));
  };

  const server = http.createServer((req, res) => {
    void (async () => {
      const path = (req.url ?? "/").split("?")[0];
      if (req.method === "GET") {
        if (path === "/config.json") {
          const config: PortalConfig = {
            endpoints: opts.endpoints?.(base) ?? [`${base}/chat`],
            participantEndpoint: base,
          };
          return send(res, 200, portalConfigText(config));
        }
        const f = files[path === "/" ? "index.html" : path.slice(1)];
        return f
          ? send(res, 200, f.content, f.contentType)
          : send(res, 404, { error: "not found" });
      }
      if ((req.method === "POST" || req.method === "OPTIONS") && path === "/chat") {
        api ??= makeApi(base);
        const headers = Object.fromEntries(
          Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(",") : v]),
        );
        const r = await api({ httpMethod: req.method, headers, body: await body(req) });
        res.writeHead(r.statusCode, r.headers);
        return res.end(r.body);
      }
      if (req.method === "POST" && path.startsWith("/participant/")) {
        const op = path.slice("/participant/".length);
        calls.push(op);
        const token = req.headers["x-amz-bearer"];
        const raw = await body(req);
        const input = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
        const expected = op === "connection" ? PARTICIPANT_TOKEN : CONNECTION_TOKEN;
        if (token !== expected) return send(res, 403, { message: `bad token for ${op}` });
        const now = new Date().toISOString();
        switch (op) {
          case "connection":
            return send(res, 200, {
              Websocket: {
                Url: `${base.replace("http", "ws")}/socket`,
                ConnectionExpiry: new Date(Date.now() + 3_600_000).toISOString(),
              },
              ConnectionCredentials: {
                ConnectionToken: CONNECTION_TOKEN,
                Expiry: new Date(Date.now() + 86_400_000).toISOString(),
              },
            });
          case "message": {
            const content = typeof input.Content === "string" ? input.Content : "";
            messages.push({ content, contentType: String(input.ContentType) });
            const id = randomUUID();
            send(res, 200, { Id: id, AbsoluteTime: now });
            // Connect echoes the customer's own message on the socket, then the agent answers.
            push({
              Id: id,
              Type: "MESSAGE",
              ContentType: "text/plain",
              Content: content,
              ParticipantId: CONTACT.participantId,
              ParticipantRole: "CUSTOMER",
              DisplayName: displayName,
            });
            if (opts.agentReply)
              setTimeout(
                () =>
                  push({
                    Type: "MESSAGE",
                    ContentType: "text/plain",
                    Content: opts.agentReply,
                    ParticipantId: "p-agent",
                    ParticipantRole: "AGENT",
                    DisplayName: "担当者",
                  }),
                50,
              );
            return;
          }
          case "event":
            return send(res, 200, { Id: randomUUID(), AbsoluteTime: now });
          case "transcript":
            return send(res, 200, { InitialContactId: CONTACT.contactId, Transcript: [] });
          case "disconnect":
            send(res, 200, {});
            push({
              Type: "EVENT",
              ContentType: "application/vnd.amazonaws.connect.event.chat.ended",
            });
            return;
          default:
            return send(res, 400, { message: `the fake has no ${op}` });
        }
      }
      send(res, 404, { error: "not found" });
    })().catch((e: Error) => send(res, 500, { error: e.message }));
  });

  const wss = new WebSocketServer({ server, path: "/socket" });
  wss.on("connection", (ws) => {
    sockets.add(ws);
    ws.on("close", () => sockets.delete(ws));
    ws.on("message", (data) => {
      const msg = JSON.parse((data as Buffer).toString()) as {
        topic?: string;
        content?: { topics?: string[] };
      };
      if (msg.topic === "aws/subscribe")
        ws.send(
          JSON.stringify({
            topic: "aws/subscribe",
            content: { status: "success", topics: msg.content?.topics ?? [] },
          }),
        );
      else if (msg.topic === "aws/heartbeat" || msg.topic === "aws/ping")
        ws.send(JSON.stringify({ topic: msg.topic, statusCode: 200 }));
    });
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    started,
    messages,
    calls,
    close: async () => {
      for (const s of sockets) s.terminate();
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
