/**
 * The one typed config loader. `parseConfig` is pure (raw key/value map in, typed config or a
 * ConfigError listing every problem out) so it is unit-tested table by table; `loadConfig` only
 * reads Pulumi's config and the SAML metadata file and hands them to it.
 *
 * Every error names the key, the bad value, what is allowed and the `pulumi config set` command
 * that fixes it, because the person reading it is running `pulumi preview` for a bank at 2 a.m.
 *
 * Over 500 lines on purpose: It composes every capability's schema and keeps the checks that span
 * capabilities (Global Resiliency pairing, dr roles, a replica's numbers), the typed StackConfig
 * and the loader.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { checkE164 } from "./lib/phone";
import {
  bool,
  editHint,
  fix,
  fromString,
  int,
  obj,
  PROJECT,
  q,
  type ConfigProblem,
} from "./components/shared/configSchema";
import {
  DEFAULT_HOURS,
  DEFAULT_PHONE_NUMBERS,
  DEFAULT_QUEUES,
  DEFAULT_ROUTING_PROFILES,
  DEFAULT_SECURITY_PROFILES,
  hoursSchema,
  phoneNumberRecord,
  queueSchema,
  routingProblems,
  routingProfileSchema,
  securityProfileSchema,
  type HoursConfig,
  type PhoneNumbersConfig,
  type QueuesConfig,
  type RoutingProfilesConfig,
  type SecurityProfilesConfig,
} from "./components/contactCenter/config";
import {
  hintsFor,
  levenshtein,
  projectKeys,
  runChecks,
  type ParseContext,
} from "./components/shared/configParse";
import { readSaml, type SamlConfig } from "./components/contactCenter/saml";
import { authProblems, authSchema, type AuthConfig } from "./components/callerAuth/config";
import {
  callbackOfferProblems,
  outboundSchema,
  type OutboundConfig,
} from "./components/outbound/config";
import { complianceSchema, type ComplianceConfig } from "./components/compliance/config";
import { configBackupSchema, type ConfigBackupConfig } from "./components/configBackup/config";
import { monitoringSchema, type MonitoringConfig } from "./components/operations/config";
import { chatProblems, chatSchema, type ChatConfig } from "./components/chat/config";
import { failoverProblems, failoverSchema, type FailoverConfig } from "./components/dr/config";
import {
  selfServiceProblems,
  selfServiceSchema,
  type SelfServiceConfig,
} from "./components/selfService/config";

// What the rest of the program imports from here: each capability's schema lives with it.
export { PROJECT, type ConfigProblem } from "./components/shared/configSchema";
export { hintsFor, type ParseContext } from "./components/shared/configParse";
export type { SamlConfig } from "./components/contactCenter/saml";
export {
  AGENT_FORBIDDEN_PERMISSIONS,
  DAYS,
  DEFAULT_HOURS,
  DEFAULT_PHONE_NUMBERS,
  DEFAULT_QUEUES,
  DEFAULT_ROUTING_PROFILES,
  DEFAULT_SECURITY_PROFILES,
  KNOWN_PERMISSIONS,
  NUMBER_FLOWS,
  type Day,
} from "./components/contactCenter/config";
export { VOICE_ID_END_OF_SUPPORT } from "./components/callerAuth/config";

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

const region = z.enum(CONNECT_REGIONS);
const anyRegion = z
  .string()
  .regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, "an AWS region name such as ap-northeast-3");
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
  selfService: obj(selfServiceSchema).prefault({}),
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
  "selfService",
  "hoursOfOperation",
  "queues",
  "routingProfiles",
  "securityProfiles",
] as const;

type Raw = z.output<typeof rawSchema>;
export type {
  HoursConfig,
  PhoneNumbersConfig,
  QueuesConfig,
  RoutingProfilesConfig,
  SecurityProfilesConfig,
} from "./components/contactCenter/config";
export type { AuthConfig } from "./components/callerAuth/config";
export type { OutboundConfig } from "./components/outbound/config";
export type { ComplianceConfig } from "./components/compliance/config";
export type { FailoverConfig } from "./components/dr/config";
export type { ConfigBackupConfig } from "./components/configBackup/config";
export type { MonitoringConfig } from "./components/operations/config";
export type { ChatConfig } from "./components/chat/config";
export type { SelfServiceConfig } from "./components/selfService/config";

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
  readonly selfService: SelfServiceConfig;
  readonly routing: {
    readonly hours: HoursConfig;
    readonly queues: QueuesConfig;
    readonly routingProfiles: RoutingProfilesConfig;
    readonly securityProfiles: SecurityProfilesConfig;
  };
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

const fixFor = (stack: string, key: string, stackFile?: string): string =>
  (STRUCTURED_KEYS as readonly string[]).includes(key)
    ? editHint(stack, key, stackFile)
    : fix(stack, key, "<value>");

/**
 * Validate and type a stack's config. `all` is the full config map (`customerchannel:key` →
 * value); values may be strings (as Pulumi hands them over) or native values (tests).
 */

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
    (c, problems) => void problems.push(...failoverProblems(c, ctx.stack)),
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
    (c, problems) => void problems.push(...routingProblems(c, ctx.stack)),
    (c, problems) => void problems.push(...authProblems(c.auth, ctx.stack)),
    (c, problems) => void problems.push(...callbackOfferProblems(c, ctx.stack)),
    (c, problems) =>
      void problems.push(
        ...selfServiceProblems(c.selfService, ctx.stack, ctx.allowPlaceholderSaml === true),
      ),
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
    selfService: c.selfService,
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
