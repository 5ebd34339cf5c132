/**
 * Lambda entry point invoked by the contact flows (InvokeLambdaFunction) with
 * `Details.Parameters.action` = lookup-caller | verify | enrol | optout | keypad-number. Reads its environment
 * once and fails at cold start if it is wrong; a malformed event never throws into the flow: it
 * gets `result=NotAuthenticated` with a logged reason. Never logs customer numbers or birth dates.
 */
import { z } from "zod";
import {
  checkCode,
  customerRef,
  enrol,
  lookupCaller,
  normaliseCustomerNumber,
  optOut,
  verify,
  type AuthResponse,
  type Context,
} from "./core";

const eventSchema = z.object({
  Name: z.literal("ContactFlowEvent").optional(),
  Details: z.object({
    ContactData: z.object({
      ContactId: z.string().min(1),
      /** VOICE, CHAT or TASK: a chat's knowledge check needs a one-time code to finish. */
      Channel: z.string().optional(),
      CustomerEndpoint: z
        .object({ Address: z.string().optional(), Type: z.string().optional() })
        .nullish(),
    }),
    Parameters: z.object({
      action: z.enum(["lookup-caller", "verify", "check-code", "enrol", "optout", "keypad-number"]),
      /** check-code: the one-time code the visitor typed. */
      code: z.string().max(32).optional(),
      customerNumber: z.string().optional(),
      birthDate: z.string().optional(),
      customerId: z.string().optional(),
      consent: z.string().optional(),
      /** Chat: the backend's reference to the visitor's source address ($.Attributes.cc_source). */
      source: z.string().max(128).optional(),
    }),
  }),
});

export type ConnectEvent = z.input<typeof eventSchema>;
export type FlowResponse = Record<string, string>;

/**
 * The flow's view ($.External.*): always the same keys, so a flow never reads a stale value from
 * an earlier invocation. lexAliasArn is this region's bot alias: mirrored flows cannot name a bot
 * id (each region's bot has its own), so they take it from here. authInput tells the mirrored
 * flows how this region collects the customer number and birth date: by the bot, or by keypad
 * where the region has no Lex V2 (Osaka). customerNumber is only set by keypad-number, for the
 * verify that follows: a flow can store one keypad entry at a time ($.StoredCustomerInput), and
 * $.External lives only until the next invocation and never reaches the contact record.
 */
type FlowResult = AuthResponse | (Omit<AuthResponse, "result"> & { result: "NumberEntered" });
const toFlow = (
  r: FlowResult,
  bots: { lexAliasArn: string; codeBotAliasArn?: string },
  customerNumber = "",
): FlowResponse => ({
  result: r.result,
  method: r.method,
  reason: r.reason,
  customerId: r.customerId ?? "",
  customerRef: r.customerRef ?? "",
  lexAliasArn: bots.lexAliasArn,
  // The step-up's code bot (chat), "" where there is none.
  codeBotAliasArn: bots.codeBotAliasArn ?? "",
  authInput: bots.lexAliasArn ? "lex" : "keypad",
  customerNumber,
});

/** The logger calls the handler makes (Powertools Logger in production: structured JSON). */
export interface AuthLogger {
  info(message: string, fields: Record<string, unknown>): void;
  warn(message: string, fields: Record<string, unknown>): void;
  error(message: string, fields: Record<string, unknown>): void;
}

/** The line each failed verification logs: Monitoring counts it and alarms on the rate. */
export const FAILURE_LOG_LINE = "caller verification failed";

export interface Deps extends Omit<Context, "onFailure"> {
  readonly logger: AuthLogger;
  /** This region's Lex bot alias ARN, handed to the flows. */
  readonly lexAliasArn: string;
  /** This region's one-time-code bot alias ARN (chat step-up), if any. */
  readonly codeBotAliasArn?: string;
}

export function makeHandler(deps: Deps) {
  return async (event: unknown): Promise<FlowResponse> => {
    const c: Context = {
      ...deps,
      onFailure: (why) => deps.logger.warn(FAILURE_LOG_LINE, { reason: why }),
    };
    const parsed = eventSchema.safeParse(event);
    if (!parsed.success) {
      // Field paths only: values may be personal data.
      const where = parsed.error.issues.map((i) => i.path.join(".") || "(event)").join(", ");
      deps.logger.warn("malformed event", { reason: "malformed", fields: where });
      return toFlow(
        {
          result: "NotAuthenticated",
          method: "none",
          reason: `malformed event (${where})`,
        },
        deps,
      );
    }
    const { ContactData, Parameters: p } = parsed.data.Details;
    const contactId = ContactData.ContactId;
    // Only phone numbers are caller identities; a chat's endpoint is not.
    const ani =
      ContactData.CustomerEndpoint?.Type === "TELEPHONE_NUMBER"
        ? ContactData.CustomerEndpoint.Address
        : undefined;
    if (p.action === "keypad-number") {
      // The keypad path's first entry (or "Timeout", what Connect stores when none was given):
      // checked here, handed back for the verify that follows the birth date.
      const number = normaliseCustomerNumber(p.customerNumber);
      const r: FlowResult = number
        ? { result: "NumberEntered", method: "none", reason: "customer number entered" }
        : { result: "NotAuthenticated", method: "none", reason: "customer number not 6-12 digits" };
      deps.logger.info("caller-auth", { contactId, action: p.action, result: r.result });
      return toFlow(r, deps, number ?? "");
    }
    let r: AuthResponse;
    try {
      switch (p.action) {
        case "lookup-caller":
          r = await lookupCaller(c, ani);
          break;
        case "verify":
          r = await verify(c, {
            customerNumber: p.customerNumber,
            birthDate: p.birthDate,
            ani,
            // Only a real chat source: the flow passes "" when the attribute is missing.
            source: p.source || undefined,
            chat: ContactData.Channel === "CHAT",
            contactId,
          });
          break;
        case "check-code":
          r = await checkCode(c, { code: p.code, source: p.source || undefined, contactId });
          break;
        case "enrol":
          r = await enrol(c, { customerId: p.customerId, consent: p.consent, ani, contactId });
          break;
        case "optout":
          r = await optOut(c, { customerId: p.customerId, ani, contactId });
          break;
      }
    } catch (e) {
      deps.logger.error("store failure", { contactId, action: p.action, error: (e as Error).name });
      r = { result: "Inconclusive", method: "none", reason: "temporary failure" };
    }
    deps.logger.info("caller-auth", {
      contactId,
      action: p.action,
      result: r.result,
      reason: r.reason,
      ...(r.customerId ? { customerRef: customerRef(c, r.customerId) } : {}),
    });
    return toFlow(r, deps);
  };
}
