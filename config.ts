/**
 * The one typed config loader. `parseConfig` is pure (raw key/value map in, typed config or a
 * ConfigError listing every problem out) so it is unit-tested table by table; `loadConfig` only
 * reads Pulumi's config and the SAML metadata file and hands them to it.
 *
 * Every error names the key, the bad value, what is allowed and the `pulumi config set` command
 * that fixes it, because the person reading it is running `pulumi preview` for a bank at 2 a.m.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { z } from "zod";
import { checkE164 } from "./lib/phone";
import { windowSchema } from "./functions/change-window/core";
import { SEVERITIES } from "./functions/compliance-detector/detect";

export const PROJECT = "customerchannel";

/** Regions in which Amazon Connect runs (checked 2026-11; add one here when AWS launches it). */
export const CONNECT_REGIONS = [
  "us-east-1",
  "us-west-2",
  "af-south-1",
  "ap-northeast-1",
  "ap-northeast-2",
  "ap-northeast-3",
  "ap-southeast-1",
  "ap-southeast-2",
  "ca-central-1",
  "eu-central-1",
  "eu-west-2",
  "us-gov-west-1",
] as const;

/**
 * Amazon Connect Global Resiliency pairs (source → replica). Tokyo replicates only to Osaka, one
 * way (../shared/FACTS.md, setup-connect-global-resiliency.html).
 */
export const GLOBAL_RESILIENCY_PAIRS: Readonly<Record<string, string>> = {
  "ap-northeast-1": "ap-northeast-3",
  "us-east-1": "us-west-2",
  "us-west-2": "us-east-1",
  "eu-central-1": "eu-west-2",
  "eu-west-2": "eu-central-1",
  "ca-central-1": "us-east-1",
};

/** CloudWatch Logs accepts only these retention values (PutRetentionPolicy). */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288,
  3653,
] as const;

/** Connect instance alias rule from the Instance API (1-45 chars, no leading `d-`). */
export const INSTANCE_ALIAS_PATTERN = /^(?!d-)([\da-zA-Z]+)([-]*[\da-zA-Z])*$/;

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

// ---------------------------------------------------------------------------------------------
// Raw-value coercion: Pulumi hands every config value to the program as a string (objects as
// JSON), tests hand native values. Both go through the same schema.

const fromString = (v: unknown): unknown => {
  if (typeof v !== "string") return v;
  const t = v.trim();
  if (t === "true") return true;
  if (t === "false") return false;
  if (/^-?\d+$/.test(t)) return Number(t);
  if (t.startsWith("{") || t.startsWith("[")) {
    try {
      return JSON.parse(t);
    } catch {
      return v;
    }
  }
  return v;
};
const bool = () => z.preprocess(fromString, z.boolean());
const int = (min: number, max: number) =>
  z.preprocess(fromString, z.number().int().min(min).max(max));
const obj = <T extends z.ZodTypeAny>(schema: T) => z.preprocess(fromString, schema);

const region = z.enum(CONNECT_REGIONS);
const anyRegion = z
  .string()
  .regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, "an AWS region name such as ap-northeast-3");
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

const hoursSchema = z.record(
  name,
  z.strictObject({
    description: z.string().min(1).max(250),
    timeZone: z.string().default("Asia/Tokyo"),
    schedule: z.partialRecord(z.enum(DAYS), timeRange).refine((s) => Object.keys(s).length > 0, {
      message: "at least one day",
    }),
  }),
);

const queueSchema = z.record(
  name,
  z.strictObject({
    description: z.string().min(1).max(250),
    hours: name,
    maxContacts: z.number().int().min(1).max(10000).optional(),
  }),
);

const channel = z.enum(["VOICE", "CHAT", "TASK"]);
const routingProfileSchema = z.record(
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

const securityProfileSchema = z.record(
  name,
  z.strictObject({
    description: z.string().min(1).max(250),
    kind: z.enum(["agent", "supervisor", "admin"]),
    permissions: z.array(z.enum(KNOWN_PERMISSIONS)).min(1),
  }),
);

/** Caller authentication (VoiceIdAuth). Every field has a default, so the key may be absent. */
const authSchema = z.strictObject({
  provider: z.enum(["knowledge", "voice-id"]).default("knowledge"),
  /** Voice ID ended on 2026-05-20: the voice-id provider is refused unless this is true. */
  voiceIdAcknowledgeEndOfSupport: z.boolean().default(false),
  /** Failed knowledge checks within the window before the customer is locked out. */
  maxFailures: z.number().int().min(1).max(10).default(3),
  windowMinutes: z.number().int().min(1).max(1440).default(30),
  lockoutMinutes: z.number().int().min(1).max(1440).default(30),
  /**
   * Failed checks one source (a caller number; a chat's source address) may make across all
   * customers within the window before the source is locked out for sourceLockoutMinutes.
   */
  sourceMaxFailures: z.number().int().min(1).max(100).default(10),
  sourceLockoutMinutes: z.number().int().min(1).max(1440).default(60),
  /**
   * Failed checks of all callers in 5 minutes after which verification pauses (callers reach an
   * agent unverified) until the next 5 minutes; an alarm fires at a fifth of it.
   */
  globalFailuresPer5Minutes: z.number().int().min(5).max(100_000).default(200),
  /**
   * Chat step-up: the AWS End User Messaging SMS origination identity in this stack's region that
   * texts one-time codes to customers' registered numbers. Without it a chat whose customer
   * number and birth date match ends StepUpUnavailable (the agent verifies further).
   */
  stepUpOriginationArn: z
    .string()
    .regex(
      /^arn:aws[-a-z]*:sms-voice:[a-z0-9-]+:\d{12}:(phone-number|sender-id|pool)\/.+$/,
      "an End User Messaging SMS phone-number, sender-id or pool ARN",
    )
    .optional(),
  /** Voice ID authentication threshold (0-100; AWS recommends 90). */
  voiceIdThreshold: z.number().int().min(0).max(100).default(90),
});

/** Outbound campaigns (OutboundCampaignStore, primary stack). */
const outboundSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** StartOutboundVoiceContact per second for the account and region (Connect's default quota: 2). */
  dialRatePerSecond: z.number().positive().max(100).default(2),
  /** Dialer workers; each paces at dialRatePerSecond / workers. */
  workers: z.number().int().min(1).max(50).default(4),
  /** Concurrent active calls of the instance (Connect's default quota: 10). */
  maxConcurrentCalls: z.number().int().min(1).max(10_000).default(10),
  /** API requests per second at the stage (burst twice that). */
  apiRatePerSecond: z.number().int().min(1).max(10_000).default(20),
});

/** Compliance detection (CompliancePipeline, both stacks). */
const complianceSchema = z.strictObject({
  /** Findings at or above this severity are alerted (SNS topic and the project event bus). */
  alertSeverity: z.enum(SEVERITIES).default("high"),
  /**
   * Dictionary entries at or above this severity become native Contact Lens real-time rules
   * (word-based, at most 100 phrases per participant); "off" deploys none.
   */
  realtimeRuleSeverity: z.enum([...SEVERITIES, "off"]).default("high"),
});

/** Scheduled snapshots of the Connect configuration (ConfigBackup, both stacks). */
const configBackupSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** EventBridge Scheduler expression; default every day at 03:00 in `timezone`. */
  schedule: z
    .string()
    .regex(
      /^(cron\([^)]+\)|rate\(\d+ (minute|minutes|hour|hours|day|days)\))$/,
      "an EventBridge Scheduler expression such as cron(0 3 * * ? *) or rate(12 hours)",
    )
    .default("cron(0 3 * * ? *)"),
  timezone: z.string().min(1).default("Asia/Tokyo"),
  /** Days a snapshot stays in the regional bucket; the vault keeps its copy by its own rules. */
  retentionDays: z.number().int().min(1).max(36500).default(400),
  /** Connect requests per second per API the exporter may use (Connect's default quota: 2). */
  requestsPerSecond: z.number().positive().max(100).default(2),
});

/** Operations alarms (Monitoring, both stacks). */
const monitoringSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** Who is told when an alarm fires (email subscriptions must be confirmed from the mail). */
  subscriptions: z
    .array(
      z.discriminatedUnion("protocol", [
        z.strictObject({ protocol: z.literal("email"), endpoint: z.email() }),
        z.strictObject({
          protocol: z.literal("https"),
          endpoint: z.url({ protocol: /^https$/ }),
        }),
        z.strictObject({
          protocol: z.enum(["sqs", "lambda"]),
          endpoint: z.string().regex(/^arn:aws[-a-z]*:(sqs|lambda):/, "an SQS queue or Lambda ARN"),
        }),
      ]),
    )
    .default([]),
  concurrentCallsPercent: z.number().int().min(1).max(100).default(80),
  longestQueueWaitSeconds: z.number().int().min(1).max(86_400).default(120),
  missedCallsPer5Minutes: z.number().int().min(1).default(5),
  queueMessageAgeSeconds: z.number().int().min(60).max(1_209_600).default(900),
  durationOfTimeoutPercent: z.number().int().min(10).max(100).default(80),
  replicationLatencySeconds: z.number().int().min(60).default(900),
  /**
   * When administrative changes (Connect, IAM Identity Center) are expected; a change at any
   * other time is reported to the alarm topic. Default: weekends, all day.
   */
  changeWindows: z
    .array(windowSchema)
    .default([{ days: ["SATURDAY", "SUNDAY"], from: "00:00", to: "24:00" }]),
  changeWindowTimeZone: z.string().min(1).default("Asia/Tokyo"),
  /**
   * A CloudTrail trail of reads and writes of recordings, contact records and configuration
   * backups (S3 data events) and of write management calls. Default: on for the primary.
   */
  auditTrail: z.boolean().optional(),
});

const httpsOrigin = z
  .string()
  .regex(
    /^https:\/\/[a-z0-9.-]+(:\d+)?$/,
    "an https origin such as https://www.example-bank.co.jp (no path)",
  );

/** The web portal's chat (ChatChannel in both stacks, ChatPortal and the page in the primary). */
const chatSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** Chats the backend may start per second (API stage throttling), and the burst above it. */
  requestsPerSecond: z.number().int().min(1).max(10_000).default(10),
  burst: z.number().int().min(1).max(5_000).default(20),
  /** Most chats starting at the same moment (the function's reserved concurrency). */
  concurrency: z.number().int().min(1).max(1000).default(20),
  /** How long a chat may stay open (Connect: 60 to 10080 minutes). */
  chatDurationMinutes: z.number().int().min(60).max(10_080).default(60),
  /** How long a warm backend keeps the target it read: the most a flip takes to reach it. */
  targetTtlSeconds: z.number().int().min(0).max(300).default(15),
  /**
   * Primary: deploy the sample portal page (S3 + CloudFront). DR: keep a copy of the page, which
   * the primary's CloudFront reads when Tokyo's bucket does not answer.
   */
  portal: z.boolean().default(true),
  /** Primary: a custom domain for the portal and its ACM certificate (us-east-1, for CloudFront). */
  portalDomain: z
    .strictObject({
      name: z
        .string()
        .regex(/^[a-z0-9.-]+\.[a-z]{2,}$/, "a host name such as chat.example-bank.co.jp"),
      certificateArn: z
        .string()
        .regex(
          /^arn:aws[-a-z]*:acm:us-east-1:\d{12}:certificate\/[0-9a-f-]+$/,
          "an ACM certificate ARN in us-east-1 (CloudFront only uses certificates from there)",
        ),
    })
    .optional(),
  /** Primary: an AWS WAF web ACL (CLOUDFRONT scope) for the portal. */
  webAclArn: z
    .string()
    .regex(
      /^arn:aws[-a-z]*:wafv2:us-east-1:\d{12}:global\/webacl\/.+$/,
      "a WAFv2 global web ACL ARN",
    )
    .optional(),
  /** Other pages that open chats (the bank's own site): allowed by CORS and approved origins. */
  extraOrigins: z.array(httpsOrigin).max(20).default([]),
  /** AWS WAF in front of the chat API (both stacks). */
  waf: z
    .strictObject({
      /**
       * Requests one IP address may make in 5 minutes; a chat start is two (preflight and POST).
       * AWS WAF's lowest allowed limit is 10.
       */
      perIpRequestsPer5Minutes: z.number().int().min(10).max(2_000_000_000).default(30),
      /** AWS's Bot Control rule group, common level (billed per request on top of WAF). */
      botControl: z.boolean().default(true),
      /** Chat API requests in 5 minutes that raise the surge alarm. */
      surgeAlarmPer5Minutes: z.number().int().min(1).default(300),
    })
    .prefault({}),
  /**
   * Primary: the dr stack's chat outputs, once it has run. Until then chats start in the primary
   * region only and the portal knows no DR backend.
   */
  dr: z
    .strictObject({
      endpoint: z.url({ protocol: /^https$/ }),
      targetParameterArn: z
        .string()
        .regex(/^arn:aws[-a-z]*:ssm:[a-z0-9-]+:\d{12}:parameter\/.+$/, "an SSM parameter ARN"),
      instanceArn: z
        .string()
        .regex(
          /^arn:aws[-a-z]*:connect:[a-z0-9-]+:\d{12}:instance\/[0-9a-f-]+$/,
          "a Connect instance ARN",
        ),
      /** The dr stack's copy of the page (its bucket's regional domain name). */
      portalBucketDomain: z
        .string()
        .regex(/^[a-z0-9.-]+\.s3\.[a-z0-9-]+\.amazonaws\.com$/, "an S3 regional domain name")
        .optional(),
    })
    .optional(),
});

/** Where DR traffic goes (Failover, dr stack in replica mode). */
const failoverSchema = z.strictObject({
  /** primary: everything in the primary region; dr: failed over. */
  activeRegion: z.enum(["primary", "dr"]).default("primary"),
  /** A partial drill: the DR region's share of calls and agents, 0-100 in steps of 10. */
  drPercent: z
    .number()
    .int()
    .min(0)
    .max(100)
    .refine((n) => n % 10 === 0, "use steps of 10 (Connect's traffic distribution granularity)")
    .optional(),
  /** Let `pulumi destroy` delete the Connect replica (it is protected otherwise). */
  allowReplicaDeletion: z.boolean().default(false),
});

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

const phoneNumberRecord = z.record(
  z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, "lower-case letters, digits and hyphens"),
  phoneNumberSchema,
);

/** The day AWS ended Amazon Connect Voice ID (../shared/FACTS.md, voiceid-apis.html). */
export const VOICE_ID_END_OF_SUPPORT = "2026-05-20";

// ---------------------------------------------------------------------------------------------
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

// ---------------------------------------------------------------------------------------------
// The schema. Keys here are exactly the project-namespaced keys; Pulumi.yaml declares the scalar
// ones (a test keeps both lists equal).

const alias = z
  .string()
  .min(1, "1 to 45 characters")
  .max(45, "1 to 45 characters")
  .regex(
    INSTANCE_ALIAS_PATTERN,
    'letters, digits and single or repeated hyphens between them; not starting with "d-"',
  );

export const rawSchema = z.strictObject({
  role: z.enum(["primary", "dr"]),
  region,
  backupRegion: anyRegion,
  drRegion: region,
  instanceAlias: alias,
  identityType: z.enum(["SAML", "CONNECT_MANAGED", "EXISTING_DIRECTORY"]),
  directoryId: z
    .string()
    .regex(/^(d-[0-9a-f]{10})?$/, "a Directory Service id such as d-1234567890, or empty"),
  samlMetadataFile: z.string(),
  samlSessionDurationSeconds: int(900, 43200),
  globalResiliency: bool(),
  drMode: z.enum(["replica", "standalone"]),
  primaryStack: z.string(),
  outboundCallsEnabled: bool(),
  greetingName: z.string().min(1).max(60),
  drFallbackNumber: z.string(),
  contactLensEnabled: bool(),
  logRetentionDays: int(1, 3653).refine(
    (d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d),
    {
      message: `one of ${LOG_RETENTION_DAYS.join(", ")} (CloudWatch Logs retention values)`,
    },
  ),
  recordingsTransitionDays: int(0, 36500),
  recordingsExpirationDays: int(0, 36500),
  noncurrentVersionExpirationDays: int(1, 36500),
  accessLogExpirationDays: int(1, 36500),
  vaultTransitionDays: int(0, 36500),
  hoursOfOperation: obj(hoursSchema).prefault(DEFAULT_HOURS as never),
  queues: obj(queueSchema).prefault(DEFAULT_QUEUES as never),
  routingProfiles: obj(routingProfileSchema).prefault(DEFAULT_ROUTING_PROFILES as never),
  securityProfiles: obj(securityProfileSchema).prefault(DEFAULT_SECURITY_PROFILES as never),
  auth: obj(authSchema).prefault({}),
  outbound: obj(outboundSchema).prefault({}),
  compliance: obj(complianceSchema).prefault({}),
  failover: obj(failoverSchema).prefault({}),
  phoneNumbers: obj(phoneNumberRecord).prefault(DEFAULT_PHONE_NUMBERS as never),
  configBackup: obj(configBackupSchema).prefault({}),
  monitoring: obj(monitoringSchema).prefault({}),
  chat: obj(chatSchema).prefault({}),
  phoneNumberQuota: int(1, 10_000),
  trafficDistributionGroupArn: z.string(),
});

/** Keys with object values: not declarable in Pulumi.yaml, defaulted here. */
export const STRUCTURED_KEYS = [
  "auth",
  "outbound",
  "compliance",
  "failover",
  "phoneNumbers",
  "configBackup",
  "monitoring",
  "chat",
  "hoursOfOperation",
  "queues",
  "routingProfiles",
  "securityProfiles",
] as const;

type Raw = z.output<typeof rawSchema>;
export type HoursConfig = Raw["hoursOfOperation"];
export type AuthConfig = Raw["auth"];
export type OutboundConfig = Raw["outbound"];
export type ComplianceConfig = Raw["compliance"];
export type FailoverConfig = Raw["failover"];
export type PhoneNumbersConfig = Raw["phoneNumbers"];
export type ConfigBackupConfig = Raw["configBackup"];
export type MonitoringConfig = Raw["monitoring"];
export type ChatConfig = Raw["chat"];
export type QueuesConfig = Raw["queues"];
export type RoutingProfilesConfig = Raw["routingProfiles"];
export type SecurityProfilesConfig = Raw["securityProfiles"];

export interface SamlConfig {
  /** The IdP metadata XML exactly as downloaded from IAM Identity Center. */
  readonly metadataXml: string;
  /** Where it came from, for messages. */
  readonly metadataFile: string;
  /** The IdP entityID read from the metadata. */
  readonly entityId: string;
  readonly sessionDurationSeconds: number;
  /** True when the file is the repository's placeholder, which must be replaced before deploying. */
  readonly isPlaceholder: boolean;
}

export interface StackConfig {
  readonly project: string;
  readonly stack: string;
  readonly role: "primary" | "dr";
  readonly region: string;
  readonly backupRegion: string;
  readonly drRegion: string;
  readonly instanceAlias: string;
  readonly identityType: "SAML" | "CONNECT_MANAGED" | "EXISTING_DIRECTORY";
  readonly directoryId?: string;
  readonly saml?: SamlConfig;
  /** Maximum agent session of the SAML federation role (also used by a replica's regional role). */
  readonly samlSessionDurationSeconds: number;
  readonly globalResiliency: boolean;
  readonly dr: { readonly mode: "replica" | "standalone"; readonly primaryStack: string };
  readonly outboundCallsEnabled: boolean;
  readonly contactLensEnabled: boolean;
  /** Name the flows greet callers with (お電話ありがとうございます。<name>でございます). */
  readonly greetingName: string;
  /** Standalone DR: E.164 number the standby flow transfers callers to; undefined = announce and close. */
  readonly drFallbackNumber?: string;
  readonly logRetentionDays: number;
  readonly storage: {
    readonly recordingsTransitionDays: number;
    readonly recordingsExpirationDays: number;
    readonly noncurrentVersionExpirationDays: number;
    readonly accessLogExpirationDays: number;
    readonly vaultTransitionDays: number;
  };
  readonly auth: AuthConfig;
  readonly outbound: OutboundConfig;
  readonly compliance: ComplianceConfig;
  readonly failover: FailoverConfig;
  /** Numbers this stack claims (none for a replica dr: tokyo's numbers serve both regions). */
  readonly phoneNumbers: PhoneNumbersConfig;
  /** Phone numbers per instance AWS granted the account (Connect's default: 5). */
  readonly phoneNumberQuota: number;
  /**
   * Primary with Global Resiliency: the replica's default traffic distribution group (the dr
   * stack's output), once it exists. Numbers are claimed to the instance until it is set, then
   * moved to the group in place (UpdatePhoneNumber), never released.
   */
  readonly trafficDistributionGroupArn?: string;
  readonly configBackup: ConfigBackupConfig;
  readonly monitoring: MonitoringConfig;
  readonly chat: ChatConfig;
  readonly routing: {
    readonly hours: HoursConfig;
    readonly queues: QueuesConfig;
    readonly routingProfiles: RoutingProfilesConfig;
    readonly securityProfiles: SecurityProfilesConfig;
  };
}

export interface ConfigProblem {
  /** Fully qualified key, e.g. `customerchannel:instanceAlias`. */
  readonly key: string;
  readonly message: string;
}

export class ConfigError extends Error {
  constructor(
    readonly stackName: string,
    readonly problems: readonly ConfigProblem[],
  ) {
    super(
      `Invalid configuration for stack "${stackName}" (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
        problems.map((p) => `  - ${p.key}: ${p.message}`).join("\n"),
    );
    this.name = "ConfigError";
  }
}

export interface ParseContext {
  readonly stack: string;
  /** Reads a file relative to the project root; injected so parsing stays pure. */
  readonly readFile: (relativePath: string) => string | undefined;
  /**
   * Accept the repository's placeholder SAML metadata (offline plan and tests only). A real
   * `pulumi preview`/`up` refuses it, so nobody federates agents to a throw-away certificate.
   */
  readonly allowPlaceholderSaml?: boolean;
  /** The stack file the values came from, when not Pulumi.<stack>.yaml (plan --config). */
  readonly stackFile?: string;
}

/** A value as the user wrote it: strings quoted, numbers and booleans bare, long ones cut. */
const q = (v: unknown): string => {
  const s = JSON.stringify(fromString(v));
  return s === undefined ? "(unset)" : s.length > 80 ? `${s.slice(0, 77)}...` : s;
};

const fix = (stack: string, key: string, value: string) =>
  `Fix: pulumi config set ${PROJECT}:${key} ${value} --stack ${stack}`;

const fixFor = (stack: string, key: string, stackFile?: string): string =>
  (STRUCTURED_KEYS as readonly string[]).includes(key)
    ? `Fix: edit ${PROJECT}:${key} in ${stackFile ?? `Pulumi.${stack}.yaml`} (or pulumi config set --path '${PROJECT}:${key}.<name>...' --stack ${stack})`
    : fix(stack, key, "<value>");

function levenshtein(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++)
      d[i][j] = Math.min(
        d[i - 1][j] + 1,
        d[i][j - 1] + 1,
        d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
  return d[a.length][b.length];
}

/** Pull `<project>:<key>` entries out of a full config map; other namespaces (aws:, pulumi:) pass. */
function projectKeys(all: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(all)) {
    if (k.startsWith(`${PROJECT}:`)) out[k.slice(PROJECT.length + 1)] = v;
  }
  return out;
}

function readSaml(
  file: string,
  sessionDurationSeconds: number,
  ctx: ParseContext,
  problems: ConfigProblem[],
): SamlConfig | undefined {
  const key = `${PROJECT}:samlMetadataFile`;
  const how =
    "Download the IAM Identity Center application's SAML metadata file (Applications → your Amazon Connect application → IAM Identity Center SAML metadata file) into the repository and " +
    fix(ctx.stack, "samlMetadataFile", "saml/identity-center-metadata.xml");
  if (!file) {
    problems.push({ key, message: `required when identityType is SAML. ${how}` });
    return undefined;
  }
  const xml = ctx.readFile(file);
  if (xml === undefined) {
    problems.push({ key, message: `file ${q(file)} does not exist. ${how}` });
    return undefined;
  }
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    problems.push({
      key,
      message: `file ${q(file)} is not well-formed XML (${valid.err.msg}, line ${valid.err.line}). ${how}`,
    });
    return undefined;
  }
  const doc = new XMLParser({ ignoreAttributes: false, removeNSPrefix: true }).parse(xml) as Record<
    string,
    unknown
  >;
  const ed = doc.EntityDescriptor as Record<string, unknown> | undefined;
  const idp = ed?.IDPSSODescriptor as Record<string, unknown> | undefined;
  const entityId = ed?.["@_entityID"];
  const text = JSON.stringify(idp ?? {});
  if (
    !ed ||
    typeof entityId !== "string" ||
    !idp ||
    !text.includes("X509Certificate") ||
    !idp.SingleSignOnService
  ) {
    problems.push({
      key,
      message: `file ${q(file)} is not IdP metadata: it needs an EntityDescriptor with an entityID and an IDPSSODescriptor holding a signing X509Certificate and a SingleSignOnService. ${how}`,
    });
    return undefined;
  }
  const isPlaceholder = /PLACEHOLDER/i.test(entityId);
  if (isPlaceholder && !ctx.allowPlaceholderSaml) {
    problems.push({
      key,
      message: `file ${q(file)} is the repository's placeholder (entityID ${q(entityId)}). ${how}`,
    });
    return undefined;
  }
  return {
    metadataXml: xml,
    metadataFile: file,
    entityId,
    sessionDurationSeconds,
    isPlaceholder,
  };
}

/**
 * Validate and type a stack's config. `all` is the full config map (`customerchannel:key` →
 * value); values may be strings (as Pulumi hands them over) or native values (tests).
 */
/** What the chat settings cannot be, beyond their own schema. */
function chatProblems(c: Raw, stack: string): ConfigProblem[] {
  const k = `${PROJECT}:chat`;
  const out: ConfigProblem[] = [];
  const { chat } = c;
  if (chat.burst < chat.requestsPerSecond)
    out.push({
      key: k,
      message: `burst has ${chat.burst}, below requestsPerSecond ${chat.requestsPerSecond}; API Gateway would refuse the rate. Fix: pulumi config set --path '${k}.burst' ${chat.requestsPerSecond * 2} --stack ${stack}`,
    });
  if (chat.enabled && c.role === "primary" && !chat.portal && !chat.extraOrigins.length)
    out.push({
      key: k,
      message: `portal is false and extraOrigins is empty: no page could open a chat (CORS and the approved origins need the page's origin). Fix: pulumi config set --path '${k}.extraOrigins[0]' https://www.example-bank.co.jp --stack ${stack}, and set chat.portal false on the dr stack too (it keeps no copy then)`,
    });
  if (c.role === "dr") {
    for (const f of ["dr", "portalDomain", "webAclArn"] as const)
      if (chat[f] !== undefined)
        out.push({
          key: k,
          message: `${f} is set on the dr stack; it belongs to the primary (the portal and the link to DR live there). Fix: pulumi config rm --path '${k}.${f}' --stack ${stack}`,
        });
  } else if (chat.dr) {
    const region = (arn: string) => arn.split(":")[3];
    const fromDr = `"$(pulumi stack output chatDr --stack dr --json | jq -r .<field>)"`;
    if (region(chat.dr.targetParameterArn) !== c.drRegion)
      out.push({
        key: k,
        message: `dr.targetParameterArn is in ${region(chat.dr.targetParameterArn)}, not the DR region ${c.drRegion} (the dr stack's output chatDr.targetParameterArn). Fix: pulumi config set --path '${k}.dr.targetParameterArn' ${fromDr.replace("<field>", "targetParameterArn")} --stack ${stack}`,
      });
    if (region(chat.dr.instanceArn) !== c.drRegion)
      out.push({
        key: k,
        message: `dr.instanceArn is in ${region(chat.dr.instanceArn)}, not the DR region ${c.drRegion} (the dr stack's output chatDr.instanceArn). Fix: pulumi config set --path '${k}.dr.instanceArn' ${fromDr.replace("<field>", "instanceArn")} --stack ${stack}`,
      });
    const bucketRegion = chat.dr.portalBucketDomain?.split(".s3.")[1]?.split(".")[0];
    if (bucketRegion && bucketRegion !== c.drRegion)
      out.push({
        key: k,
        message: `dr.portalBucketDomain is in ${bucketRegion}, not the DR region ${c.drRegion} (the dr stack's output chatDr.portalBucketDomain). Fix: pulumi config set --path '${k}.dr.portalBucketDomain' ${fromDr.replace("<field>", "portalBucketDomain")} --stack ${stack}`,
      });
    if (!chat.dr.endpoint.includes(`.${c.drRegion}.`))
      out.push({
        key: k,
        message: `dr.endpoint ${q(chat.dr.endpoint)} is not an API in the DR region ${c.drRegion} (the dr stack's output chatDr.endpoint). Fix: pulumi config set --path '${k}.dr.endpoint' ${fromDr.replace("<field>", "endpoint")} --stack ${stack}`,
      });
  }
  return out;
}

/**
 * Fix hints for a config read from a file of the user's (plan --config): `pulumi config set/rm
 * --stack` would change the stack's own file, not the one that was read, so they say to edit it.
 */
export function hintsFor(message: string, file: string): string {
  return message
    .replace(
      /pulumi config set (?:--path )?'?(customerchannel:[^'\s]+)'? (?!--stack)(\S+) --stack \S+/g,
      (_m, key: string, value: string) => `set ${key} to ${value} in ${file}`,
    )
    .replace(
      /pulumi config rm (?:--path )?'?(customerchannel:[^'\s]+)'? --stack \S+/g,
      (_m, key: string) => `remove ${key} from ${file}`,
    );
}

const isReplicaDr = (c: Raw) => c.role === "dr" && c.drMode === "replica";

/**
 * The config as far as it parsed: each key that failed its schema takes its default (or stays
 * unset), so the cross-field checks can still run on the others.
 */
function usableKeys(raw: Record<string, unknown>, failed: ReadonlySet<string>): Raw {
  const out: Record<string, unknown> = {};
  for (const [k, schema] of Object.entries(rawSchema.shape)) {
    const r = (schema as z.ZodType).safeParse(failed.has(k) ? undefined : raw[k]);
    if (r.success) out[k] = r.data;
  }
  return out as Raw;
}

/** Runs each check on `c`, dropping what a check said after reading a key in `failed`. */
function runChecks(
  checks: readonly ((c: Raw, problems: ConfigProblem[]) => void)[],
  c: Raw,
  failed: ReadonlySet<string>,
): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  for (const check of checks) {
    const read = new Set<string>();
    const tracked = new Proxy(c, {
      get: (target, prop, receiver) => {
        read.add(String(prop));
        return Reflect.get(target, prop, receiver) as unknown;
      },
    });
    const said: ConfigProblem[] = [];
    try {
      check(tracked, said);
    } catch (e) {
      // A failed key left unset can make a check throw; that check has nothing to add.
      if (![...read].some((k) => failed.has(k))) throw e;
      continue;
    }
    if (![...read].some((k) => failed.has(k))) out.push(...said);
  }
  return out;
}

export function parseConfig(
  all: Readonly<Record<string, unknown>>,
  ctx: ParseContext,
): StackConfig {
  const raw = projectKeys(all);
  const problems: ConfigProblem[] = [];
  const known = Object.keys(rawSchema.shape);

  for (const k of Object.keys(raw)) {
    if (!known.includes(k)) {
      const near = known.filter((c) => levenshtein(c.toLowerCase(), k.toLowerCase()) <= 3);
      problems.push({
        key: `${PROJECT}:${k}`,
        message: `unknown key.${near.length ? ` Did you mean ${near.map((n) => `${PROJECT}:${n}`).join(" or ")}?` : ""} Fix: pulumi config rm ${PROJECT}:${k} --stack ${ctx.stack}`,
      });
    }
  }

  const parsed = rawSchema.safeParse(
    Object.fromEntries(Object.entries(raw).filter(([k]) => known.includes(k))),
  );
  const failed = new Set<string>();
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const top = String(issue.path[0] ?? "");
      failed.add(top);
      const sub = issue.path.slice(1).map(String).join(".");
      const value = issue.path.reduce<unknown>((v, p) => {
        if (v === undefined || v === null) return undefined;
        const dv = fromString(v);
        return (dv as Record<string | number, unknown>)?.[p as string];
      }, raw);
      const allowed =
        issue.code === "invalid_value" && "values" in issue
          ? `allowed: ${(issue.values as unknown[]).map((v) => String(v)).join(", ")}`
          : issue.message;
      const shown = value === undefined ? "is missing" : `has ${q(value)}`;
      problems.push({
        key: `${PROJECT}:${top}`,
        message: `${sub ? `${sub} ` : ""}${shown}; ${allowed}. ${fixFor(ctx.stack, top, ctx.stackFile)}`,
      });
    }
  }
  const c = parsed.success ? parsed.data : usableKeys(raw, failed);
  const key = (k: keyof Raw) => `${PROJECT}:${k}`;
  let saml: SamlConfig | undefined;
  // Cross-field rules: what AWS would reject late, or what cannot be undone. Each check runs even
  // when other keys failed their schema, so one run reports every problem; a check that reads a
  // key which failed is skipped (it would only repeat that key's problem in other words).
  const checks: ((c: Raw, problems: ConfigProblem[]) => void)[] = [
    (c, problems) => {
      // A replica inherits the primary's SAML provider (IAM is global): only the primary reads metadata.
      if (c.identityType === "SAML" && !isReplicaDr(c)) {
        saml = readSaml(c.samlMetadataFile, c.samlSessionDurationSeconds, ctx, problems);
      }
      if (c.identityType === "EXISTING_DIRECTORY" && !c.directoryId) {
        problems.push({
          key: key("directoryId"),
          message: `required when identityType is EXISTING_DIRECTORY. ${fix(ctx.stack, "directoryId", "d-1234567890")}`,
        });
      }
    },
    (c, problems) => {
      if (c.role === "primary" && c.globalResiliency) {
        if (c.identityType !== "SAML") {
          problems.push({
            key: key("identityType"),
            message: `has ${q(c.identityType)}; a primary that will be replicated with Global Resiliency must be SAML from day one (the identity type can never be changed and ReplicateInstance refuses non-SAML instances). ${fix(ctx.stack, "identityType", "SAML")}, or turn replication off with pulumi config set ${PROJECT}:globalResiliency false --stack ${ctx.stack}`,
          });
        }
        const pair = GLOBAL_RESILIENCY_PAIRS[c.region];
        if (pair !== c.drRegion) {
          problems.push({
            key: key("drRegion"),
            message: `has ${q(c.drRegion)}; Global Resiliency replicates ${c.region} only to ${pair ?? "no region"}. ${pair ? fix(ctx.stack, "drRegion", pair) : fix(ctx.stack, "globalResiliency", "false")}`,
          });
        }
      }
    },
    (c, problems) => {
      if (c.role === "dr") {
        if (!c.primaryStack) {
          problems.push({
            key: key("primaryStack"),
            message: `required for the dr stack (the primary stack whose outputs it reads). ${fix(ctx.stack, "primaryStack", "<org>/customerchannel/tokyo")}`,
          });
        }
        if (c.drMode === "replica") {
          if (c.identityType !== "SAML") {
            problems.push({
              key: key("identityType"),
              message: `has ${q(c.identityType)}; a Global Resiliency replica inherits the primary's SAML identity. ${fix(ctx.stack, "identityType", "SAML")}, or use ${PROJECT}:drMode standalone`,
            });
          }
          const source = Object.entries(GLOBAL_RESILIENCY_PAIRS).find(
            ([, dst]) => dst === c.region,
          )?.[0];
          if (!source || c.drRegion !== c.region) {
            problems.push({
              key: key("region"),
              message: `has ${q(c.region)} with drRegion ${q(c.drRegion)}; in replica mode the dr stack runs in the replica region (ap-northeast-3 for a Tokyo primary) and drRegion must equal region. ${fix(ctx.stack, "region", "ap-northeast-3")}, or use ${PROJECT}:drMode standalone`,
            });
          }
        }
      }
    },
    (c, problems) => {
      const failoverSet =
        c.failover.activeRegion !== "primary" || c.failover.drPercent !== undefined;
      if (failoverSet && c.role !== "dr") {
        problems.push({
          key: key("failover"),
          message: `has activeRegion ${q(c.failover.activeRegion)}${c.failover.drPercent === undefined ? "" : ` and drPercent ${c.failover.drPercent}`}; failover is declared on the dr stack (its Failover component moves the traffic). Fix: pulumi config rm ${PROJECT}:failover --stack ${ctx.stack}`,
        });
      } else if (
        c.role === "dr" &&
        c.drMode === "standalone" &&
        c.failover.drPercent !== undefined &&
        c.failover.drPercent % 100 !== 0
      ) {
        problems.push({
          key: key("failover"),
          message: `drPercent has ${c.failover.drPercent}; a standalone dr has its own numbers, which ring the standby or the live flow, so only 0 or 100 are possible (partial drills need Global Resiliency). Fix: pulumi config set --path '${PROJECT}:failover.activeRegion' dr --stack ${ctx.stack} and pulumi config rm --path '${PROJECT}:failover.drPercent' --stack ${ctx.stack}`,
        });
      }
    },
    (c, problems) => {
      const numbers = Object.keys(c.phoneNumbers).length;
      if (isReplicaDr(c) && raw.phoneNumbers !== undefined) {
        problems.push({
          key: key("phoneNumbers"),
          message: `is set on a replica dr stack; with Global Resiliency the primary claims the numbers to the traffic distribution group and they ring in both regions. Fix: pulumi config rm ${PROJECT}:phoneNumbers --stack ${ctx.stack}`,
        });
      } else if (!isReplicaDr(c) && numbers > c.phoneNumberQuota) {
        problems.push({
          key: key("phoneNumbers"),
          message: `has ${numbers} numbers, over the phone number quota of ${c.phoneNumberQuota} per instance (Connect's default is 5). Remove numbers, or after AWS raises the quota: ${fix(ctx.stack, "phoneNumberQuota", String(numbers))}`,
        });
      }
    },
    (c, problems) => {
      problems.push(...chatProblems(c, ctx.stack));
    },
    (c, problems) => {
      if (c.trafficDistributionGroupArn) {
        const tdg =
          /^arn:aws[-a-z]*:connect:([a-z0-9-]+):\d{12}:traffic-distribution-group\/[A-Za-z0-9-]+$/.exec(
            c.trafficDistributionGroupArn,
          );
        if (!(c.role === "primary" && c.globalResiliency)) {
          problems.push({
            key: key("trafficDistributionGroupArn"),
            message: `is set, but only a primary with globalResiliency claims numbers to a traffic distribution group. Fix: pulumi config rm ${PROJECT}:trafficDistributionGroupArn --stack ${ctx.stack}`,
          });
        } else if (!tdg || tdg[1] !== c.region) {
          problems.push({
            key: key("trafficDistributionGroupArn"),
            message: `has ${tdg ? `a group in ${tdg[1]}` : `${q(c.trafficDistributionGroupArn)}, not a group ARN`}; expected the ARN of a traffic distribution group in ${c.region} (the dr stack's output trafficDistributionGroupArn). Fix: pulumi config set ${PROJECT}:trafficDistributionGroupArn "$(pulumi stack output trafficDistributionGroupArn --stack dr)" --stack ${ctx.stack}`,
          });
        }
      }
    },
    (c, problems) => {
      if (c.role === "primary" && c.backupRegion === c.region) {
        problems.push({
          key: key("backupRegion"),
          message: `has ${q(c.backupRegion)}, the same as region; the backup vault must survive the loss of the primary region. ${fix(ctx.stack, "backupRegion", "ap-northeast-3")}`,
        });
      }
    },
    (c, problems) => {
      const s = c;
      if (
        s.recordingsExpirationDays > 0 &&
        s.recordingsExpirationDays <= s.recordingsTransitionDays
      ) {
        problems.push({
          key: key("recordingsExpirationDays"),
          message: `has ${s.recordingsExpirationDays}, not after recordingsTransitionDays (${s.recordingsTransitionDays}); 0 keeps recordings forever. ${fix(ctx.stack, "recordingsExpirationDays", "0")}`,
        });
      }
    },
    (c, problems) => {
      if (c.drFallbackNumber) {
        const phone = checkE164(c.drFallbackNumber);
        if (!phone.ok) {
          problems.push({
            key: key("drFallbackNumber"),
            message: `${phone.reason}. ${fix(ctx.stack, "drFallbackNumber", "+81312345678")}`,
          });
        }
      }
    },
    (c, problems) => {
      // Routing references must resolve by name.
      const r = c;
      for (const [qn, qc] of Object.entries(r.queues)) {
        if (!r.hoursOfOperation[qc.hours]) {
          problems.push({
            key: key("queues"),
            message: `${qn}.hours has ${q(qc.hours)}; allowed: ${Object.keys(r.hoursOfOperation).join(", ")} (keys of ${PROJECT}:hoursOfOperation). ${fixFor(ctx.stack, "queues")}`,
          });
        }
      }
      for (const [pn, pc] of Object.entries(r.routingProfiles)) {
        const refs = [pc.defaultOutboundQueue, ...pc.queues.map((x) => x.queue)];
        for (const ref of refs) {
          if (!r.queues[ref]) {
            problems.push({
              key: key("routingProfiles"),
              message: `${pn} refers to queue ${q(ref)}; allowed: ${Object.keys(r.queues).join(", ")} (keys of ${PROJECT}:queues). ${fixFor(ctx.stack, "routingProfiles")}`,
            });
          }
        }
        for (const qc of pc.queues) {
          for (const ch of qc.channels) {
            if (!pc.concurrency[ch]) {
              problems.push({
                key: key("routingProfiles"),
                message: `${pn}.queues routes ${ch} from ${qc.queue} but concurrency has no ${ch}; add concurrency.${ch}. ${fixFor(ctx.stack, "routingProfiles")}`,
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
            problems.push({
              key: key("securityProfiles"),
              message: `${sn} is an agent profile with ${bad.join(", ")}; agents may not download call recordings. Remove it or make a supervisor profile. ${fixFor(ctx.stack, "securityProfiles")}`,
            });
          }
        }
      }
    },
    (c, problems) => {
      if (c.auth.provider === "voice-id" && !c.auth.voiceIdAcknowledgeEndOfSupport) {
        problems.push({
          key: key("auth"),
          message: `auth.provider is "voice-id", but AWS ended Amazon Connect Voice ID on ${VOICE_ID_END_OF_SUPPORT}: its APIs, flow blocks and CCP widget no longer work, so callers would never be authenticated. Use the knowledge provider: pulumi config set --path '${PROJECT}:auth.provider' knowledge --stack ${ctx.stack}. Only if you run an environment where Voice ID still answers, acknowledge it: pulumi config set --path '${PROJECT}:auth.voiceIdAcknowledgeEndOfSupport' true --stack ${ctx.stack}`,
        });
      }
    },
  ];
  problems.push(...runChecks(checks, c, failed));
  if (problems.length)
    throw new ConfigError(
      ctx.stack,
      ctx.stackFile
        ? problems.map((x) => ({ ...x, message: hintsFor(x.message, ctx.stackFile!) }))
        : problems,
    );

  const replicaDr = isReplicaDr(c);
  return {
    project: PROJECT,
    stack: ctx.stack,
    role: c.role,
    region: c.region,
    backupRegion: c.backupRegion,
    drRegion: c.drRegion,
    instanceAlias: c.instanceAlias,
    identityType: c.identityType,
    directoryId: c.directoryId || undefined,
    saml,
    samlSessionDurationSeconds: c.samlSessionDurationSeconds,
    globalResiliency: c.globalResiliency,
    dr: { mode: c.drMode, primaryStack: c.primaryStack },
    outboundCallsEnabled: c.outboundCallsEnabled,
    contactLensEnabled: c.contactLensEnabled,
    greetingName: c.greetingName,
    drFallbackNumber: c.drFallbackNumber || undefined,
    logRetentionDays: c.logRetentionDays,
    storage: {
      recordingsTransitionDays: c.recordingsTransitionDays,
      recordingsExpirationDays: c.recordingsExpirationDays,
      noncurrentVersionExpirationDays: c.noncurrentVersionExpirationDays,
      accessLogExpirationDays: c.accessLogExpirationDays,
      vaultTransitionDays: c.vaultTransitionDays,
    },
    auth: c.auth,
    outbound: c.outbound,
    compliance: c.compliance,
    failover: c.failover,
    phoneNumbers: replicaDr ? {} : c.phoneNumbers,
    phoneNumberQuota: c.phoneNumberQuota,
    trafficDistributionGroupArn: c.trafficDistributionGroupArn || undefined,
    configBackup: c.configBackup,
    monitoring: c.monitoring,
    chat: c.chat,
    routing: {
      hours: c.hoursOfOperation,
      queues: c.queues,
      routingProfiles: c.routingProfiles,
      securityProfiles: c.securityProfiles,
    },
  };
}

/** Project root: where Pulumi.yaml lives (this file sits beside it). */
export const PROJECT_ROOT = __dirname;

export const readProjectFile = (relativePath: string): string | undefined => {
  const p = path.resolve(PROJECT_ROOT, relativePath);
  return fs.existsSync(p) ? fs.readFileSync(p, "utf8") : undefined;
};

/** Set by the offline plan runner (scripts/plan.ts); never by users. */
export const OFFLINE_ENV = "CUSTOMERCHANNEL_OFFLINE_PLAN";
/** Set by the offline plan to the --config file it read (fix hints name it). */
export const STACK_FILE_ENV = "CUSTOMERCHANNEL_STACK_FILE";

/** Read the running stack's config from Pulumi and validate it. Throws ConfigError. */
export function loadConfig(): StackConfig {
  return parseConfig(pulumi.runtime.allConfig(), {
    stack: pulumi.getStack(),
    readFile: readProjectFile,
    allowPlaceholderSaml: process.env[OFFLINE_ENV] === "1",
    stackFile: process.env[STACK_FILE_ENV] || undefined,
  });
}
