/**
 * The outbound API (API Gateway REST, IAM-authorised, Lambda proxy):
 *   POST   /campaigns                                    create a campaign
 *   GET    /campaigns/{campaignId}                       the campaign
 *   DELETE /campaigns/{campaignId}                       cancel it (queued requests are cancelled when reached)
 *   POST   /campaigns/{campaignId}/contacts              enqueue one contact, or {contacts: [...]} (≤100)
 *   GET    /campaigns/{campaignId}/contacts/{requestId}  a request and its attempts
 *   DELETE /campaigns/{campaignId}/contacts/{requestId}  cancel a request that has not finished
 * Bodies are validated twice: by API Gateway's request models (generated from these schemas) and
 * here, so a 400 always names the field and the reason. Enqueue is idempotent per key. A number on
 * the do-not-call list is refused at enqueue (and checked again before each call); a contact
 * outside the calling hours is accepted and called in the next lawful window.
 */
import { z } from "zod";
import { checkE164, normalizeE164 } from "../../lib/phone";
import {
  attributeBytes,
  CALLER_ATTRIBUTES_MAX_BYTES,
  reservedAttributeReason,
} from "../shared/attributes";
import {
  checkDestination,
  COUNTRIES_BY_TYPE,
  DEFAULT_DESTINATIONS,
  DIALLABLE_NUMBER_TYPES,
} from "./destinations";
import { DAYS, jstDate, parseWindow } from "./windows";
import {
  hashBody,
  requestIdFor,
  TERMINAL,
  type Campaign,
  type ContactRequest,
  type OutboundStore,
} from "./store";
import type { DialMessage } from "./dialer";
import { isResponse, json, parseBody, problem, type ApiResponse } from "../shared/http";

export type { ApiResponse };

/**
 * A valid number. The handler stores, DNC-checks and dials it only in its normalised spelling
 * (`normalized` below); a refinement rather than a transform keeps zod's union reporting the
 * batch's own field paths.
 */
const phone = z.string().superRefine((v, ctx) => {
  const c = checkE164(v);
  if (!c.ok) ctx.addIssue({ code: "custom", message: c.reason });
});
/** The one spelling of a number the schema above accepted. */
const normalized = (v: string): string => normalizeE164(v) ?? v;
const id = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "lower-case letters, digits and hyphens, 1-63");
const window = z
  .string()
  .refine((w) => parseWindow(w) !== undefined, 'a window "HH:MM-HH:MM" that ends after it starts');
/** A calendar date that exists (2026-13-45 and 2026-02-30 do not). */
const date = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "a date YYYY-MM-DD (JST)")
  .refine((v) => {
    const t = Date.parse(`${v}T00:00:00Z`);
    return Number.isFinite(t) && new Date(t).toISOString().slice(0, 10) === v;
  }, "a date that exists in the calendar");
/**
 * How far ahead a promised payment date may be. Each queued request waits in SQS hops of at most
 * 15 minutes, so a date years away (9999-12-31) would circle the queue forever; a promise further
 * out than this is a new campaign, not a wait.
 */
export const PROMISED_DATE_MAX_DAYS = 92;

/** Largest bodies read: a campaign is small; a batch of 100 contacts with their attributes is not. */
export const CAMPAIGN_MAX_BYTES = 64 * 1024;
export const ENQUEUE_MAX_BYTES = 1024 * 1024;

export const campaignBody = z
  .strictObject({
    campaignId: id,
    name: z.string().min(1).max(100),
    type: z.enum(["callback", "telemarketing", "dunning"]),
    sourcePhoneNumber: phone,
    /** Defaults to the stack's `outbound` flow. */
    contactFlowId: z.string().min(1).max(500).optional(),
    queueId: z.string().min(1).max(500).optional(),
    windows: z.partialRecord(z.enum(DAYS), window),
    holidays: z.array(date).max(366).default([]),
    maxAttemptsPerDay: z.number().int().min(1).max(10),
    maxAttemptsTotal: z.number().int().min(1).max(30),
    retryAfterMinutes: z.number().int().min(5).max(1440).default(60),
    /** Whom it may call; default Japanese mobile and fixed lines (premium rate never). */
    destinations: z
      .strictObject({
        countries: z
          .array(z.string().regex(/^[A-Z]{2}$/, "an ISO 3166 alpha-2 country code"))
          .min(1)
          .max(50),
        types: z.array(z.enum(DIALLABLE_NUMBER_TYPES)).min(1),
      })
      .default({
        ...DEFAULT_DESTINATIONS,
        countries: [...DEFAULT_DESTINATIONS.countries],
        types: [...DEFAULT_DESTINATIONS.types],
      }),
  })
  .superRefine((c, ctx) => {
    if (c.type === "callback" && !c.queueId)
      ctx.addIssue({
        code: "custom",
        path: ["queueId"],
        message: "a callback campaign needs the queue its agents answer",
      });
    const only = COUNTRIES_BY_TYPE[c.type];
    const outside = only ? c.destinations.countries.filter((k) => !only.includes(k)) : [];
    if (outside.length > 0)
      ctx.addIssue({
        code: "custom",
        path: ["destinations", "countries"],
        message: `a ${c.type} campaign calls ${only?.join(", ")} numbers only (its lawful hours are Japan's); remove ${outside.join(", ")}`,
      });
    if (Object.keys(c.windows).length === 0)
      ctx.addIssue({
        code: "custom",
        path: ["windows"],
        message: "at least one day with a calling window",
      });
  });

/**
 * Passed to the outbound flow as contact attributes; `message` is what the flow reads out. Names
 * the flows and the recorder own are refused (a preset `responded` would complete an unanswered
 * request; a preset `authResult` would have the whisper call an unverified callee verified), and
 * all of them together stay within half of Connect's 32,768-byte limit per contact
 * (StartOutboundVoiceContact, Attributes), leaving room for what the flows add.
 */
const attributes = z
  .record(
    z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,32}$/, "letters, digits, _ and -, 1-32")
      .superRefine((k, ctx) => {
        const why = reservedAttributeReason(k);
        if (why) ctx.addIssue({ code: "custom", message: why });
      }),
    z.string().max(1024),
  )
  .refine((a) => Object.keys(a).length <= 50, "at most 50 attributes")
  .refine(
    (a) => attributeBytes(a) <= CALLER_ATTRIBUTES_MAX_BYTES,
    `at most ${CALLER_ATTRIBUTES_MAX_BYTES} UTF-8 bytes of names and values together`,
  )
  .default({});

export const contactBody = z.strictObject({
  idempotencyKey: z.string().min(1).max(128),
  phoneNumber: phone,
  customerRef: z.string().min(1).max(128),
  attributes,
  promisedDate: date.optional(),
});
const batchBody = z.strictObject({ contacts: z.array(contactBody).min(1).max(100) });
/** One contact or a batch (API Gateway's request model is generated from this union). */
export const enqueueBody = z.union([contactBody, batchBody]);
/**
 * The same, parsed as the shape the body names (a `contacts` key: a batch), so a 400 always
 * carries that shape's field paths (`attributes.responded`, `contacts.1.phoneNumber`) instead of
 * zod's "no union member matched".
 */
const enqueueParser = z.unknown().transform((v, ctx) => {
  const shape = typeof v === "object" && v !== null && "contacts" in v ? batchBody : contactBody;
  const r = shape.safeParse(v);
  if (r.success) return r.data;
  for (const i of r.error.issues)
    ctx.addIssue({ code: "custom", message: i.message, path: i.path });
  return z.NEVER;
});

export interface ApiEvent {
  readonly httpMethod: string;
  readonly resource: string;
  readonly pathParameters?: Record<string, string | undefined> | null;
  readonly body?: string | null;
}
export interface ApiDeps {
  readonly store: OutboundStore;
  readonly enqueue: (msgs: DialMessage[]) => Promise<void>;
  readonly now: () => number;
  /** The stack's `outbound` flow, used when a campaign names none. */
  readonly defaultContactFlowId?: string;
}

export function makeApi(d: ApiDeps) {
  return async (event: ApiEvent): Promise<ApiResponse> => {
    const p = event.pathParameters ?? {};
    const route = `${event.httpMethod} ${event.resource}`;
    const nowIso = new Date(d.now()).toISOString();
    switch (route) {
      case "POST /campaigns": {
        const b = parseBody(campaignBody, event.body, { maxBytes: CAMPAIGN_MAX_BYTES });
        if (isResponse(b)) return b;
        const contactFlowId = b.contactFlowId ?? d.defaultContactFlowId;
        if (!contactFlowId)
          return problem(400, "invalid body", [
            {
              field: "contactFlowId",
              reason: "required: this stack deploys no default outbound flow",
            },
          ]);
        const campaign: Campaign = {
          ...b,
          sourcePhoneNumber: normalized(b.sourcePhoneNumber),
          contactFlowId,
          state: "ACTIVE",
          createdAt: nowIso,
        };
        return (await d.store.putCampaign(campaign))
          ? json(201, campaign)
          : problem(409, `campaign ${b.campaignId} exists`);
      }
      case "GET /campaigns/{campaignId}": {
        const c = await d.store.getCampaign(p.campaignId ?? "");
        return c ? json(200, strip(c)) : problem(404, "no such campaign");
      }
      case "DELETE /campaigns/{campaignId}": {
        // A desk's callback campaign belongs to its stack: cancelled here, the next deploy would
        // not know, and every caller who chose a callback would be told it cannot be booked.
        const kept = (await d.store.getCampaign(p.campaignId ?? ""))?.managedBy;
        if (kept)
          return problem(
            409,
            `campaign is kept by stack ${kept}; turn callback offers off in its config (outbound.callbackOffer.enabled false) instead`,
          );
        return (await d.store.cancelCampaign(p.campaignId ?? "", nowIso))
          ? json(200, { campaignId: p.campaignId, state: "CANCELLED" })
          : problem(404, "no such campaign");
      }
      case "POST /campaigns/{campaignId}/contacts": {
        const campaign = await d.store.getCampaign(p.campaignId ?? "");
        if (!campaign) return problem(404, "no such campaign");
        if (campaign.state === "CANCELLED") return problem(409, "campaign is cancelled");
        const b = parseBody(enqueueParser, event.body, { maxBytes: ENQUEUE_MAX_BYTES });
        if (isResponse(b)) return b;
        // Stored, hashed for idempotency, DNC-checked and dialled in one spelling only:
        // +8109012345678 and +819012345678 are the same line.
        const contacts = ("contacts" in b ? b.contacts : [b]).map((c) => ({
          ...c,
          phoneNumber: normalized(c.phoneNumber),
        }));
        const stillQueued = async (requestId: string) =>
          (await d.store.getRequest(campaign.campaignId, requestId))?.state === "QUEUED";
        if (campaign.type !== "callback") {
          const missing = contacts.findIndex((c) => !c.attributes.message);
          if (missing >= 0)
            return problem(400, "invalid body", [
              {
                field:
                  "contacts" in b ? `contacts.${missing}.attributes.message` : "attributes.message",
                reason: "the outbound flow reads this message to the callee",
              },
            ]);
        }
        const tooLate = jstDate(d.now() + PROMISED_DATE_MAX_DAYS * 86_400_000);
        const late = contacts.findIndex(
          (c) => c.promisedDate !== undefined && c.promisedDate > tooLate,
        );
        if (late >= 0)
          return problem(400, "invalid body", [
            {
              field: "contacts" in b ? `contacts.${late}.promisedDate` : "promisedDate",
              reason: `at most ${PROMISED_DATE_MAX_DAYS} days ahead (${tooLate} JST)`,
            },
          ]);
        const results = [];
        const queued: DialMessage[] = [];
        for (const c of contacts) {
          const requestId = requestIdFor(campaign.campaignId, c.idempotencyKey);
          const destination = checkDestination(campaign, c.phoneNumber);
          if (!destination.ok) {
            results.push({
              idempotencyKey: c.idempotencyKey,
              requestId,
              status: "rejected",
              reason: `destination not allowed: ${destination.reason}`,
            });
            continue;
          }
          if (await d.store.isDoNotCall(c.phoneNumber)) {
            results.push({
              idempotencyKey: c.idempotencyKey,
              requestId,
              status: "rejected",
              reason: "do-not-call list",
            });
            continue;
          }
          const req: ContactRequest = {
            campaignId: campaign.campaignId,
            requestId,
            phoneNumber: c.phoneNumber,
            customerRef: c.customerRef,
            attributes: c.attributes,
            ...(c.promisedDate ? { promisedDate: c.promisedDate } : {}),
            state: "QUEUED",
            attempts: 0,
            attemptsThatDay: 0,
            bodyHash: hashBody(c),
            createdAt: nowIso,
            updatedAt: nowIso,
          };
          const status = await d.store.putRequest(req);
          results.push({
            idempotencyKey: c.idempotencyKey,
            requestId,
            status,
            ...(status === "conflict" ? { reason: "idempotency key used with another body" } : {}),
          });
          // A duplicate still QUEUED may be one whose message never reached SQS (the send failed
          // after the store write and the client retried): send it again. The dialer's claim is
          // conditional, so a second message for a request already queued dials nothing twice.
          if (status === "created" || (status === "duplicate" && (await stillQueued(requestId))))
            queued.push({ campaignId: campaign.campaignId, requestId });
        }
        await d.enqueue(queued);
        const single = !("contacts" in b);
        if (single) {
          const r = results[0];
          const code =
            r.status === "created"
              ? 202
              : r.status === "duplicate"
                ? 200
                : r.status === "conflict"
                  ? 409
                  : 422;
          return json(code, r);
        }
        return json(202, { results });
      }
      case "GET /campaigns/{campaignId}/contacts/{requestId}": {
        const r = await d.store.getRequest(p.campaignId ?? "", p.requestId ?? "");
        if (!r) return problem(404, "no such request");
        const attempts = await d.store.attempts(r.campaignId, r.requestId, r.attempts);
        return json(200, { ...strip(r), attempts: attempts.map(strip) });
      }
      case "DELETE /campaigns/{campaignId}/contacts/{requestId}": {
        const r = await d.store.getRequest(p.campaignId ?? "", p.requestId ?? "");
        if (!r) return problem(404, "no such request");
        if (TERMINAL.includes(r.state)) return problem(409, `request is ${r.state}`);
        const ok = await d.store.setRequestState(r.campaignId, r.requestId, "CANCELLED", {
          reason: "cancelled through the API",
          now: nowIso,
        });
        return ok
          ? json(200, { requestId: r.requestId, state: "CANCELLED" })
          : problem(409, "request finished meanwhile");
      }
      default:
        return problem(404, `no route ${route}`);
    }
  };
}

/** Drops the table keys and internals from what the API returns. */
const INTERNAL = new Set(["pk", "sk", "kind", "bodyHash"]);
function strip<T extends object>(o: T): Omit<T, "pk" | "sk" | "kind" | "bodyHash"> {
  return Object.fromEntries(Object.entries(o).filter(([k]) => !INTERNAL.has(k))) as Omit<
    T,
    "pk" | "sk" | "kind" | "bodyHash"
  >;
}

/** JSON Schemas (draft 4) for API Gateway's request models, from the same zod schemas. */
export const requestModels = () => ({
  Campaign: z.toJSONSchema(campaignBody, {
    target: "draft-4",
    io: "input",
    unrepresentable: "any",
  }),
  Enqueue: z.toJSONSchema(enqueueBody, { target: "draft-4", io: "input", unrepresentable: "any" }),
});
