/**
 * Config of the contact center region: hours of operation, queues, routing and security
 * profiles, and the phone numbers a stack claims, with their defaults and the rule that names
 * must resolve (a queue's hours, a profile's queues).
 */
import { z } from "zod";
import { editHint, PROJECT, q, type ConfigProblem } from "../shared/configSchema";

export const DAYS = [
  "MONDAY",
  "TUESDAY",
  "WEDNESDAY",
  "THURSDAY",
  "FRIDAY",
  "SATURDAY",
  "SUNDAY",
] as const;
export type Day = (typeof DAYS)[number];

/**
 * Security profile permissions this project knows (API names from the Connect admin guide's
 * "List of security profile permissions"). An unknown name is refused at plan time instead of
 * failing in CreateSecurityProfile.
 */
export const KNOWN_PERMISSIONS = [
  "BasicAgentAccess",
  "OutboundCallAccess",
  "TransferDestinations.View",
  "AccessMetrics",
  "ContactSearch.View",
  "MyContacts.View",
  "ListenCallRecordings",
  "DownloadCallRecordings",
  "Queues.View",
  "RoutingPolicies.View",
  "HoursOfOperation.View",
  "Users.View",
  "AgentStates.View",
  "ContactFlows.View",
  "ContactFlowModules.View",
  "PhoneNumbers.View",
  "SecurityProfiles.View",
] as const;

/** Permissions an agent-kind profile must never hold (recordings leave the bank's control). */
export const AGENT_FORBIDDEN_PERMISSIONS = ["DownloadCallRecordings"] as const;

const hhmm = /^([01]\d|2[0-3]):[0-5]\d$/;
const name = z
  .string()
  .regex(
    /^[a-z][a-z0-9-]{0,62}$/,
    "lower-case letters, digits and hyphens, starting with a letter",
  );

const timeRange = z.string().refine((s) => {
  const [a, b] = s.split("-");
  return s.split("-").length === 2 && hhmm.test(a) && hhmm.test(b) && a < b;
}, '"HH:MM-HH:MM" in 24-hour time with start before end, e.g. "09:00-17:00"');

export const hoursSchema = z.record(
  name,
  z.strictObject({
    description: z.string().min(1).max(250),
    timeZone: z.string().default("Asia/Tokyo"),
    schedule: z.partialRecord(z.enum(DAYS), timeRange).refine((s) => Object.keys(s).length > 0, {
      message: "at least one day",
    }),
  }),
);

export const queueSchema = z.record(
  name,
  z.strictObject({
    description: z.string().min(1).max(250),
    hours: name,
    maxContacts: z.number().int().min(1).max(10000).optional(),
  }),
);

const channel = z.enum(["VOICE", "CHAT", "TASK"]);
export const routingProfileSchema = z.record(
  name,
  z.strictObject({
    description: z.string().min(1).max(250),
    defaultOutboundQueue: name,
    concurrency: z.partialRecord(channel, z.number().int().min(1).max(10)),
    queues: z
      .array(
        z.strictObject({
          queue: name,
          channels: z.array(channel).min(1),
          priority: z.number().int().min(1).max(99),
          delay: z.number().int().min(0).max(9999).default(0),
        }),
      )
      .min(1),
  }),
);

export const securityProfileSchema = z.record(
  name,
  z.strictObject({
    description: z.string().min(1).max(250),
    kind: z.enum(["agent", "supervisor", "admin"]),
    permissions: z.array(z.enum(KNOWN_PERMISSIONS)).min(1),
  }),
);

/** Flows a phone number may land callers in (entry flows of every instance this program makes). */
export const NUMBER_FLOWS = ["inbound-main", "after-hours"] as const;

/**
 * One phone number claimed by the stack (tokyo; a standalone dr claims its own). Connect picks an
 * available number of this country, type and prefix; the claim is protected, because releasing and
 * re-claiming more than 200% of the number quota in 180 days blocks claims (FACTS "Phone numbers").
 */
const phoneNumberSchema = z.strictObject({
  description: z.string().min(1).max(500),
  /** ISO 3166-1 alpha-2, e.g. JP. */
  countryCode: z.string().regex(/^[A-Z]{2}$/, "an ISO 3166-1 alpha-2 code such as JP"),
  type: z.enum(["DID", "TOLL_FREE"]),
  /** E.164 prefix the number must start with, e.g. +8150 (050 numbers). */
  prefix: z
    .string()
    .regex(/^\+[1-9][0-9]{0,14}$/, "an E.164 prefix such as +8150")
    .optional(),
  /** The flow callers land in. */
  flow: z.enum(NUMBER_FLOWS).default("inbound-main"),
});

export const phoneNumberRecord = z.record(
  z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, "lower-case letters, digits and hyphens"),
  phoneNumberSchema,
);

// Defaults for the structured keys. Pulumi.yaml can declare only string/integer/boolean/array
// keys (project.json `simpleConfigType`), so object-valued keys are described there in comments
// and their defaults live here, next to their schema.

const BUSINESS_DAYS = {
  MONDAY: "09:00-17:00",
  TUESDAY: "09:00-17:00",
  WEDNESDAY: "09:00-17:00",
  THURSDAY: "09:00-17:00",
  FRIDAY: "09:00-17:00",
};

export const DEFAULT_HOURS: z.input<typeof hoursSchema> = {
  business: { description: "平日 9:00-17:00 (customer and agency desks)", schedule: BUSINESS_DAYS },
  extended: {
    description: "平日・土曜 9:00-20:00 (card-loan pre-screening)",
    schedule: {
      MONDAY: "09:00-20:00",
      TUESDAY: "09:00-20:00",
      WEDNESDAY: "09:00-20:00",
      THURSDAY: "09:00-20:00",
      FRIDAY: "09:00-20:00",
      SATURDAY: "09:00-20:00",
    },
  },
  "telephone-banking": {
    description: "Automated telephone banking, every day 07:00-23:00",
    schedule: Object.fromEntries(DAYS.map((d) => [d, "07:00-23:00"])),
  },
  dunning: {
    description: "督促: 8:00-21:00 JST at most (貸金業法21条1項1号, 施行規則19条)",
    schedule: {
      MONDAY: "09:00-20:00",
      TUESDAY: "09:00-20:00",
      WEDNESDAY: "09:00-20:00",
      THURSDAY: "09:00-20:00",
      FRIDAY: "09:00-20:00",
      SATURDAY: "09:00-17:00",
    },
  },
};

export const DEFAULT_QUEUES: z.input<typeof queueSchema> = {
  "customer-desk": { description: "お客さま窓口 (customer desk)", hours: "business" },
  "agency-desk": { description: "代理店窓口 (agency desk)", hours: "business" },
  "telephone-banking": {
    description: "テレホンバンキング: agent fallback from automated reception",
    hours: "telephone-banking",
  },
  "card-loan-screening": {
    description: "カードローン事前審査 (card-loan pre-screening)",
    hours: "extended",
  },
  callback: { description: "コールバック (outbound callbacks)", hours: "business" },
  dunning: { description: "督促 (collections, lawful hours only)", hours: "dunning" },
};

export const DEFAULT_ROUTING_PROFILES: z.input<typeof routingProfileSchema> = {
  "customer-desk": {
    description: "Customer desk agents: customer desk, telephone banking fallback, callbacks",
    defaultOutboundQueue: "callback",
    concurrency: { VOICE: 1, CHAT: 2 },
    queues: [
      { queue: "customer-desk", channels: ["VOICE", "CHAT"], priority: 1 },
      { queue: "telephone-banking", channels: ["VOICE"], priority: 2 },
      { queue: "callback", channels: ["VOICE"], priority: 3 },
    ],
  },
  "agency-desk": {
    description: "Agency desk agents",
    defaultOutboundQueue: "callback",
    concurrency: { VOICE: 1, CHAT: 2 },
    queues: [{ queue: "agency-desk", channels: ["VOICE", "CHAT"], priority: 1 }],
  },
  "card-loan": {
    description: "Card-loan pre-screening agents",
    defaultOutboundQueue: "callback",
    concurrency: { VOICE: 1, CHAT: 2 },
    queues: [
      { queue: "card-loan-screening", channels: ["VOICE", "CHAT"], priority: 1 },
      { queue: "callback", channels: ["VOICE"], priority: 2 },
    ],
  },
  collections: {
    description: "Collections (督促) agents: outbound dunning",
    defaultOutboundQueue: "dunning",
    concurrency: { VOICE: 1 },
    queues: [{ queue: "dunning", channels: ["VOICE"], priority: 1 }],
  },
};

export const DEFAULT_PHONE_NUMBERS: z.input<typeof phoneNumberRecord> = {
  main: {
    description: "代表番号: customer desk, agency desk, telephone banking, card-loan pre-screening",
    countryCode: "JP",
    type: "DID",
    flow: "inbound-main",
  },
};

export const DEFAULT_SECURITY_PROFILES: z.input<typeof securityProfileSchema> = {
  agent: {
    description: "Agents: softphone, outbound, quick connects; no recording access",
    kind: "agent",
    permissions: ["BasicAgentAccess", "OutboundCallAccess", "TransferDestinations.View"],
  },
  supervisor: {
    description: "Supervisors: metrics, contact search and listening to recordings (no download)",
    kind: "supervisor",
    permissions: [
      "BasicAgentAccess",
      "OutboundCallAccess",
      "TransferDestinations.View",
      "AccessMetrics",
      "ContactSearch.View",
      "ListenCallRecordings",
      "Queues.View",
      "RoutingPolicies.View",
      "HoursOfOperation.View",
    ],
  },
};

export type HoursConfig = z.output<typeof hoursSchema>;
export type QueuesConfig = z.output<typeof queueSchema>;
export type RoutingProfilesConfig = z.output<typeof routingProfileSchema>;
export type SecurityProfilesConfig = z.output<typeof securityProfileSchema>;
export type PhoneNumbersConfig = z.output<typeof phoneNumberRecord>;

/** The routing settings, as the composed schema parses them. */
export interface RoutingSettings {
  readonly hoursOfOperation: z.output<typeof hoursSchema>;
  readonly queues: z.output<typeof queueSchema>;
  readonly routingProfiles: z.output<typeof routingProfileSchema>;
  readonly securityProfiles: z.output<typeof securityProfileSchema>;
}

/** Routing references must resolve by name; agent profiles may not download recordings. */
export function routingProblems(c: RoutingSettings, stack: string): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  const r = c;
  for (const [qn, qc] of Object.entries(r.queues)) {
    if (!r.hoursOfOperation[qc.hours]) {
      out.push({
        key: `${PROJECT}:queues`,
        message: `${qn}.hours has ${q(qc.hours)}; allowed: ${Object.keys(r.hoursOfOperation).join(", ")} (keys of ${PROJECT}:hoursOfOperation). ${editHint(stack, "queues")}`,
      });
    }
  }
  for (const [pn, pc] of Object.entries(r.routingProfiles)) {
    const refs = [pc.defaultOutboundQueue, ...pc.queues.map((x) => x.queue)];
    for (const ref of refs) {
      if (!r.queues[ref]) {
        out.push({
          key: `${PROJECT}:routingProfiles`,
          message: `${pn} refers to queue ${q(ref)}; allowed: ${Object.keys(r.queues).join(", ")} (keys of ${PROJECT}:queues). ${editHint(stack, "routingProfiles")}`,
        });
      }
    }
    for (const qc of pc.queues) {
      for (const ch of qc.channels) {
        if (!pc.concurrency[ch]) {
          out.push({
            key: `${PROJECT}:routingProfiles`,
            message: `${pn}.queues routes ${ch} from ${qc.queue} but concurrency has no ${ch}; add concurrency.${ch}. ${editHint(stack, "routingProfiles")}`,
          });
        }
      }
    }
  }
  for (const [sn, sp] of Object.entries(r.securityProfiles)) {
    if (sp.kind === "agent") {
      const bad = sp.permissions.filter((p) =>
        (AGENT_FORBIDDEN_PERMISSIONS as readonly string[]).includes(p),
      );
      if (bad.length) {
        out.push({
          key: `${PROJECT}:securityProfiles`,
          message: `${sn} is an agent profile with ${bad.join(", ")}; agents may not download call recordings. Remove it or make a supervisor profile. ${editHint(stack, "securityProfiles")}`,
        });
      }
    }
  }
  return out;
}
