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
import { checkE164 } from "../../lib/phone";
import { DAYS, parseWindow } from "./windows";
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

const phone = z.string().superRefine((v, ctx) => {
  const c = checkE164(v);
  if (!c.ok) ctx.addIssue({ code: "custom", message: c.reason });
});
const id = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "lower-case letters, digits and hyphens, 1-63");
const window = z
  .string()
  .refine((w) => parseWindow(w) !== undefined, 'a window "HH:MM-HH:MM" that ends after it starts');
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "a date YYYY-MM-DD (JST)");

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
  })
  .superRefine((c, ctx) => {
    if (c.type === "callback" && !c.queueId)
      ctx.addIssue({
        code: "custom",
        path: ["queueId"],
        message: "a callback campaign needs the queue its agents answer",
      });
    if (Object.keys(c.windows).length === 0)
      ctx.addIssue({
        code: "custom",
        path: ["windows"],
        message: "at least one day with a calling window",
      });
  });

export const contactBody = z.strictObject({
  idempotencyKey: z.string().min(1).max(128),
  phoneNumber: phone,
  customerRef: z.string().min(1).max(128),
  /** Passed to the outbound flow as contact attributes; `message` is what the flow reads out. */
  attributes: z.record(z.string().regex(/^[A-Za-z0-9_-]{1,32}$/), z.string().max(1024)).default({}),
  promisedDate: date.optional(),
});
export const enqueueBody = z.union([
  contactBody,
  z.strictObject({ contacts: z.array(contactBody).min(1).max(100) }),
]);

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
        const b = parseBody(campaignBody, event.body);
        if (isResponse(b)) return b;
        const contactFlowId = b.contactFlowId ?? d.defaultContactFlowId;
        if (!contactFlowId)
          return problem(400, "invalid body", [
            {
              field: "contactFlowId",
              reason: "required: this stack deploys no default outbound flow",
            },
          ]);
        const campaign: Campaign = { ...b, contactFlowId, state: "ACTIVE", createdAt: nowIso };
        return (await d.store.putCampaign(campaign))
          ? json(201, campaign)
          : problem(409, `campaign ${b.campaignId} exists`);
      }
      case "GET /campaigns/{campaignId}": {
        const c = await d.store.getCampaign(p.campaignId ?? "");
        return c ? json(200, strip(c)) : problem(404, "no such campaign");
      }
      case "DELETE /campaigns/{campaignId}":
        return (await d.store.cancelCampaign(p.campaignId ?? "", nowIso))
          ? json(200, { campaignId: p.campaignId, state: "CANCELLED" })
          : problem(404, "no such campaign");
      case "POST /campaigns/{campaignId}/contacts": {
        const campaign = await d.store.getCampaign(p.campaignId ?? "");
        if (!campaign) return problem(404, "no such campaign");
        if (campaign.state === "CANCELLED") return problem(409, "campaign is cancelled");
        const b = parseBody(enqueueBody, event.body);
        if (isResponse(b)) return b;
        const contacts = "contacts" in b ? b.contacts : [b];
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
        const results = [];
        const queued: DialMessage[] = [];
        for (const c of contacts) {
          const requestId = requestIdFor(campaign.campaignId, c.idempotencyKey);
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
          if (status === "created") queued.push({ campaignId: campaign.campaignId, requestId });
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
