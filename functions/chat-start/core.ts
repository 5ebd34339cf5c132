/**
 * The web portal's chat backend (issue #10, first step): validates the portal's request, picks
 * the instance that takes chats now (the active region after a failover, read through `target`),
 * and starts the chat there with StartChatContact, answering the participant token the portal's
 * chat client connects with.
 *
 * The endpoint is public (the portal's visitors have no AWS identity), so nothing the caller
 * sends is trusted: the display name and attributes are bounded and validated, the program's own
 * attributes (`cc_*`) cannot be set by the caller, and identification happens in the chat flow
 * (the Lex bot and caller-auth function), never from attributes.
 */
import * as crypto from "node:crypto";
import { z } from "zod";
import { reservedAttributeReason } from "../shared/attributes";
import { json, parseBody, problem, isResponse, type ApiResponse } from "../shared/http";
import { RATE_THROTTLES } from "../shared/throttle";

/**
 * Attributes the backend sets; a caller cannot. An underscore, not a dot, so flows can read them
 * as `$.Attributes.cc_topic`.
 */
export const RESERVED_PREFIX = "cc_";

/** What the portal's visitor may ask about: the queues that take chats (chat-inbound flow). */
export const CHAT_TOPICS = ["customer-desk", "agency-desk", "card-loan-screening"] as const;

/** Connect's limit for all contact attributes together. */
export const MAX_ATTRIBUTE_BYTES = 32_768;

/**
 * The largest chat-start body read: a display name, a topic, an initial message and at most half
 * of Connect's attribute limit, with room for JSON's escaping.
 */
export const CHAT_MAX_BYTES = 24 * 1024;

/**
 * Control, format (bidirectional overrides, zero-width) and line/paragraph separator characters:
 * a display name with them can disguise itself on the agent's screen or break a log line.
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

export const chatBody = z.strictObject({
  displayName: z
    .string()
    .trim()
    .min(1)
    .max(256)
    .refine((v) => !INVISIBLE.test(v), "no control, format or line-separator characters"),
  attributes: z
    .record(z.string(), z.string().max(1024))
    .default({})
    // Keys are checked here rather than by a key schema, so the 400 says what is wrong.
    .superRefine((a, ctx) => {
      for (const k of Object.keys(a)) {
        if (!/^[A-Za-z0-9_-]{1,64}$/.test(k))
          ctx.addIssue({
            code: "custom",
            path: [k],
            message: "letters, digits, '_', '-' (1-64)",
          });
        else if (k.startsWith(RESERVED_PREFIX))
          ctx.addIssue({
            code: "custom",
            path: [k],
            message: `the prefix ${RESERVED_PREFIX} is reserved`,
          });
        else {
          // auth* and the flows' own names: a visitor cannot preset "verified".
          const why = reservedAttributeReason(k);
          if (why) ctx.addIssue({ code: "custom", path: [k], message: why });
        }
      }
      if (Buffer.byteLength(JSON.stringify(a)) > MAX_ATTRIBUTE_BYTES / 2)
        ctx.addIssue({
          code: "custom",
          message: `at most ${MAX_ATTRIBUTE_BYTES / 2} bytes of attributes (half of Connect's limit: the flows add theirs)`,
        });
    }),
  /** The portal's menu: which desk the chat queues for. */
  topic: z.enum(CHAT_TOPICS).default("customer-desk"),
  initialMessage: z.string().trim().min(1).max(1024).optional(),
  /** Retries of the same request start the same chat. */
  clientToken: z
    .string()
    .regex(/^[A-Za-z0-9-]{16,64}$/, "16-64 letters, digits or hyphens")
    .optional(),
});
export type ChatBody = z.output<typeof chatBody>;

/** Where chats go now. */
export interface ChatTarget {
  readonly region: string;
  readonly instanceId: string;
  readonly contactFlowId: string;
}

export interface StartChatRequest {
  readonly InstanceId: string;
  readonly ContactFlowId: string;
  readonly ParticipantDetails: { DisplayName: string };
  readonly Attributes: Record<string, string>;
  readonly InitialMessage?: { ContentType: "text/plain"; Content: string };
  readonly ClientToken?: string;
  readonly ChatDurationInMinutes: number;
}

export interface ChatDeps {
  readonly target: () => Promise<ChatTarget>;
  readonly start: (
    region: string,
    request: StartChatRequest,
  ) => Promise<{ ContactId?: string; ParticipantId?: string; ParticipantToken?: string }>;
  /** How long a chat may stay open (Connect: 60 to 10080 minutes). */
  readonly chatDurationMinutes: number;
  /** Pages (https origins) that may start chats: the portal and the configured extra origins. */
  readonly allowedOrigins: readonly string[];
}

/** The API Gateway proxy event, as far as the chat backend reads it. */
export interface ChatEvent {
  readonly httpMethod?: string;
  readonly headers?: Readonly<Record<string, string | undefined>> | null;
  readonly body?: string | null;
  /** The visitor's address as API Gateway saw it (requestContext.identity.sourceIp). */
  readonly sourceIp?: string;
}

/**
 * The chat's source, for caller authentication's per-source failure budget (the flow passes it to
 * the verify): a hash of the visitor's address, not the address. The address itself is in the
 * API's access log already; caller-auth keys this value again before storing anything.
 */
export const sourceRef = (ip: string): string =>
  `ip:${crypto.createHash("sha256").update(`chat-source:${ip}`).digest("hex").slice(0, 16)}`;

/** Header lookup that ignores case (REST API proxy events keep the case the client sent). */
const header = (e: ChatEvent, name: string): string | undefined => {
  for (const [k, v] of Object.entries(e.headers ?? {})) if (k.toLowerCase() === name) return v;
  return undefined;
};

/**
 * The chat-start API. Before the body is read: the page's `Origin` must be one of the allowed
 * origins (403 otherwise) and the body must be declared `application/json` (415 otherwise). A
 * cross-site `text/plain` POST needs no CORS preflight, so CORS alone would not stop another page
 * from starting chats through a visitor's browser; these two checks do. CORS answers (preflight
 * and the POST's headers) come from here too, for the allowed origin only.
 */
export function makeChatApi(d: ChatDeps) {
  const allowed = new Set(d.allowedOrigins);
  return async (event: ChatEvent): Promise<ApiResponse> => {
    const origin = header(event, "origin");
    const cors =
      origin !== undefined && allowed.has(origin)
        ? { "access-control-allow-origin": origin, vary: "Origin" }
        : undefined;
    if (!cors) return problem(403, "this page may not start chats (Origin not allowed)");
    if ((event.httpMethod ?? "POST") === "OPTIONS")
      return {
        statusCode: 204,
        headers: {
          ...cors,
          "access-control-allow-methods": "POST",
          "access-control-allow-headers": "content-type",
          "access-control-max-age": "600",
          "cache-control": "no-store",
        },
        body: "",
      };
    const r = await startChat(d, event);
    return { ...r, headers: { ...r.headers, ...cors } };
  };
}

async function startChat(d: ChatDeps, event: ChatEvent): Promise<ApiResponse> {
  const type = (header(event, "content-type") ?? "").split(";")[0].trim().toLowerCase();
  if (type !== "application/json")
    return problem(415, "the body must be sent as content-type application/json");
  const body = parseBody(chatBody, event.body, { maxBytes: CHAT_MAX_BYTES });
  if (isResponse(body)) return body;
  let target: ChatTarget;
  try {
    target = await d.target();
  } catch {
    return problem(503, "chat is not available right now", undefined, { "retry-after": "30" });
  }
  const request: StartChatRequest = {
    InstanceId: target.instanceId,
    ContactFlowId: target.contactFlowId,
    ParticipantDetails: { DisplayName: body.displayName },
    Attributes: {
      ...body.attributes,
      cc_channel: "web-portal",
      cc_region: target.region,
      cc_topic: body.topic,
      ...(event.sourceIp ? { cc_source: sourceRef(event.sourceIp) } : {}),
    },
    ...(body.initialMessage
      ? { InitialMessage: { ContentType: "text/plain" as const, Content: body.initialMessage } }
      : {}),
    ...(body.clientToken ? { ClientToken: body.clientToken } : {}),
    ChatDurationInMinutes: d.chatDurationMinutes,
  };
  try {
    const r = await d.start(target.region, request);
    if (!r.ContactId || !r.ParticipantToken)
      return problem(502, "Connect answered without a participant token");
    return json(200, {
      contactId: r.ContactId,
      participantId: r.ParticipantId,
      participantToken: r.ParticipantToken,
      region: target.region,
    });
  } catch (e) {
    const name = (e as { name?: string }).name ?? "";
    if (RATE_THROTTLES.has(name))
      return problem(429, "too many chats are starting: try again shortly", undefined, {
        "retry-after": "5",
      });
    if (name === "LimitExceededException")
      return problem(503, "all chat lines are busy: try again later", undefined, {
        "retry-after": "60",
      });
    throw e;
  }
}
