/**
 * What each stack is made of. `index.ts` calls `composeStack(loadConfig())`; tests and the offline
 * plan call it with a parsed config under mocks. Returns the stack outputs.
 */
import * as aws from "@pulumi/aws";
// Only the services used: the package's index loads all of its ~300 services (0.4 s of every
// plan, test process and \`pulumi up\`), each service's index loads its resources lazily.
import * as awsNative from "@pulumi/aws-native/provider";
import type { Region as AwsNativeRegion } from "@pulumi/aws-native";
import * as pulumi from "@pulumi/pulumi";
import {
  ApiGatewayLogging,
  BackupVault,
  ChatChannel,
  ChatPortal,
  ChatTarget,
  PortalSite,
  ContactCenterRegion,
  CompliancePipeline,
  AuditTrail,
  ConfigBackup,
  ContactFlows,
  Failover,
  GroupMembership,
  Monitoring,
  OutboundCampaignStore,
  PhoneNumbers,
  VoiceIdAuth,
  startWatching,
  vaultTarget,
  type ClaimedNumber,
  type InstanceSpec,
  type Watched,
  type SamlSpec,
  type VaultTarget,
} from "./components";
import { type StackConfig } from "./config";
import { loadTemplate } from "./flows/catalog";
import { complianceDictionary, expandedFor } from "./lib/complianceDictionary";
import { numberWarnings } from "./lib/numberWarnings";

export {
  complianceDictionary,
  detectorDictionary,
  EXPANDED_DICTIONARY,
} from "./lib/complianceDictionary";
import { callerAuthMode } from "./lib/fidelity/regions";

/** Outputs the dr stack reads from the primary through its StackReference. */
export const PRIMARY_OUTPUTS = [
  "instanceId",
  "instanceArn",
  "instanceAlias",
  "region",
  "samlProviderArn",
  "vaultBucketArn",
  "vaultKeyArn",
  "vaultRegion",
] as const;

/** The chat flow, deployed with the other flows when chat is on. */
export const CHAT_FLOW = "chat-inbound";
const chatFlows = (cfg: StackConfig): string[] => (cfg.chat.enabled ? [CHAT_FLOW] : []);

/** The ChatChannel settings every stack takes from config and its region. */
const chatSettings = (
  cfg: StackConfig,
  region: ContactCenterRegion,
  apiLogging: ApiGatewayLogging,
) => ({
  region: cfg.region,
  instanceId: region.instanceId,
  instanceArn: region.instanceArn,
  logsKeyArn: region.logsKeyArn,
  stack: cfg.stack,
  logRetentionDays: cfg.logRetentionDays,
  requestsPerSecond: cfg.chat.requestsPerSecond,
  burst: cfg.chat.burst,
  chatDurationMinutes: cfg.chat.chatDurationMinutes,
  targetTtlSeconds: cfg.chat.targetTtlSeconds,
  concurrency: cfg.chat.concurrency,
  apiLogging: apiLogging.account,
  waf: cfg.chat.waf,
});

/**
 * The region's API Gateway account logging setting, once per stack and only when a REST API here
 * needs it (chat in both stacks, outbound in the primary).
 */
/**
 * Lambda keeps this many concurrent executions of an account's quota unreserved (Lambda developer
 * guide, "Configuring reserved concurrency": a function's reservation must leave at least 100).
 */
export const LAMBDA_UNRESERVED_MINIMUM = 100;

/** The executions the stack's functions reserve together. */
const reservedConcurrency = (watched: readonly Watched[]): number =>
  watched.reduce((n, w) => n + (w.kind === "function" ? (w.reservedConcurrency ?? 0) : 0), 0);

/** A factory that makes its value on first use and returns the same value after. */
function once<T>(make: () => T): () => T {
  let value: { v: T } | undefined;
  return () => (value ??= { v: make() }).v;
}

const apiGatewayLogging = (cfg: StackConfig, opts: pulumi.ComponentResourceOptions) =>
  new ApiGatewayLogging(`${cfg.stack}-api-logs`, { region: cfg.region }, opts);

/**
 * Primary: the chat backend, and the sample portal page whose config.json lists this backend and,
 * once the dr stack's outputs are in config (chat.dr), the DR backend after it.
 */
function deployChatPrimary(
  cfg: StackConfig,
  region: ContactCenterRegion,
  flows: ContactFlows,
  apiLogging: () => ApiGatewayLogging,
  opts: pulumi.ComponentResourceOptions,
) {
  const c = cfg.chat;
  if (!c.enabled) return {};
  const portal = c.portal
    ? new ChatPortal(
        `${cfg.stack}-chat-portal`,
        {
          region: cfg.region,
          aliasPrefix: `${cfg.project}/${cfg.stack}`,
          chatRegions: [...new Set([cfg.region, cfg.drRegion])],
          accessLogBucket: region.accessLogBucketName,
          noncurrentVersionExpirationDays: cfg.storage.noncurrentVersionExpirationDays,
          domain: c.portalDomain,
          webAclArn: c.webAclArn,
          failoverDomainName: c.dr?.portalBucketDomain,
        },
        opts,
      )
    : undefined;
  const origins = [...(portal ? [portal.origin] : []), ...c.extraOrigins];
  const channel = new ChatChannel(
    `${cfg.stack}-chat`,
    {
      ...chatSettings(cfg, region, apiLogging()),
      contactFlowId: flows.ids[CHAT_FLOW],
      peerInstanceArn: c.dr?.instanceArn,
      targetParameterArn: c.dr?.targetParameterArn,
      origins,
    },
    opts,
  );
  portal?.publishConfig([channel.endpoint, ...(c.dr ? [c.dr.endpoint] : [])]);
  return {
    chatEndpoint: channel.endpoint,
    chatContactFlowId: flows.ids[CHAT_FLOW],
    chatPortalUrl: portal?.url,
    chatPortalDistributionId: portal?.distributionId,
    // The dr stack's copy of the page admits this distribution (its StackReference reads this).
    chatPortalDistributionArn: portal?.distributionArn,
    chatPortalFailover: Boolean(portal && c.dr?.portalBucketDomain),
    // The dr stack approves the same origin (its StackReference reads this).
    chatPortalOrigin: origins[0],
    chatFollowsFailover: Boolean(c.dr),
  };
}

/**
 * DR: the target parameter both backends read (here, where failover is applied from) and this
 * region's backend. Chats go to DR when the failover config sends all calls there.
 */
function deployChatDr(
  cfg: StackConfig,
  region: ContactCenterRegion,
  flows: ContactFlows | undefined,
  primary: pulumi.StackReference,
  drPercent: number,
  apiLogging: () => ApiGatewayLogging,
  opts: pulumi.ComponentResourceOptions,
) {
  const c = cfg.chat;
  if (!c.enabled) return {};
  const out = (k: string) => primary.requireOutput(k).apply(String);
  // A replica runs the primary's mirrored chat flow, which keeps its id.
  const primaryFlowId = out("chatContactFlowId");
  const drFlowId = flows ? flows.ids[CHAT_FLOW] : primaryFlowId;
  const target = new ChatTarget(
    `${cfg.stack}-chat-target`,
    {
      region: cfg.region,
      aliasPrefix: `${cfg.project}/${cfg.stack}`,
      parameterName: `/${cfg.project}/${cfg.stack}/chat-target`,
      primary: {
        region: out("region"),
        instanceId: out("instanceId"),
        contactFlowId: primaryFlowId,
      },
      dr: { region: cfg.region, instanceId: region.instanceId, contactFlowId: drFlowId },
      active: drPercent === 100 ? "dr" : "primary",
    },
    opts,
  );
  const channel = new ChatChannel(
    `${cfg.stack}-chat`,
    {
      ...chatSettings(cfg, region, apiLogging()),
      contactFlowId: drFlowId,
      peerInstanceArn: out("instanceArn"),
      targetParameterArn: target.parameterArn,
      origins: [out("chatPortalOrigin"), ...c.extraOrigins],
    },
    opts,
  );
  // A copy of the primary's page, for its CloudFront to fail over to while Tokyo is down.
  const site = c.portal
    ? new PortalSite(
        `${cfg.stack}-chat-portal`,
        {
          region: cfg.region,
          aliasPrefix: `${cfg.project}/${cfg.stack}`,
          accessLogBucket: region.accessLogBucketName,
          noncurrentVersionExpirationDays: cfg.storage.noncurrentVersionExpirationDays,
          reader: out("chatPortalDistributionArn"),
          endpoints: [out("chatEndpoint"), channel.endpoint],
        },
        opts,
      )
    : undefined;
  return {
    // What the primary's config takes (chat.dr), in one output.
    chatDr: {
      endpoint: channel.endpoint,
      targetParameterArn: target.parameterArn,
      instanceArn: region.instanceArn,
      ...(site ? { portalBucketDomain: site.domainName } : {}),
    },
    chatEndpoint: channel.endpoint,
    chatContactFlowId: drFlowId,
    chatTargetParameter: target.parameterName,
    // The drill writes the parameter under this key (not SSM's default key).
    chatTargetKeyArn: target.keyArn,
    chatActiveRegion: target.activeRegion,
  };
}

export function providers(cfg: StackConfig): { aws: aws.Provider; awsNative: awsNative.Provider } {
  const tags = {
    Project: cfg.project,
    Stack: cfg.stack,
    Role: cfg.role,
    ManagedBy: "pulumi",
    // Contact data is customer PII: auditors and SCPs key on this tag.
    DataClassification: "confidential",
  };
  return {
    aws: new aws.Provider(`${cfg.stack}-aws`, { region: cfg.region, defaultTags: { tags } }),
    awsNative: new awsNative.Provider(`${cfg.stack}-aws-native`, {
      region: cfg.region as AwsNativeRegion,
      defaultTags: { tags },
    }),
  };
}

const storageOf = (cfg: StackConfig) => ({
  recordingsTransitionDays: cfg.storage.recordingsTransitionDays,
  recordingsExpirationDays: cfg.storage.recordingsExpirationDays,
  noncurrentVersionExpirationDays: cfg.storage.noncurrentVersionExpirationDays,
  accessLogExpirationDays: cfg.storage.accessLogExpirationDays,
});

/** An instance this stack creates (the primary, or a standalone dr). */
const newInstance = (cfg: StackConfig): InstanceSpec => ({
  kind: "create",
  alias: cfg.instanceAlias,
  identityType: cfg.identityType,
  directoryId: cfg.directoryId,
  outboundCallsEnabled: cfg.outboundCallsEnabled,
  contactLensEnabled: cfg.contactLensEnabled,
});

/** A SAML provider this stack creates from the metadata file, when the config has one. */
const newSamlProvider = (cfg: StackConfig): SamlSpec | undefined =>
  cfg.saml && {
    kind: "create",
    metadataXml: cfg.saml.metadataXml,
    sessionDurationSeconds: cfg.saml.sessionDurationSeconds,
  };

/** The flows every instance this program creates runs (templates in flows/templates). */
export const INBOUND_FLOWS = [
  "inbound-main",
  "after-hours",
  "customer-queue",
  "agent-whisper",
  "outbound",
];

/** The caller-authentication flows for the configured provider (entry flow last). */
export const authFlows = (cfg: StackConfig): string[] =>
  cfg.auth.provider === "voice-id"
    ? ["auth-enrol", "auth-verify", "auth-voiceid"]
    : ["auth-enrol", "auth-verify"];

/** Template variables a region can fill: greeting, hours and queue ARNs by config name. */
function flowVariables(
  cfg: StackConfig,
  region: ContactCenterRegion,
  auth: VoiceIdAuth,
): Record<string, pulumi.Input<string>> {
  return {
    "function.caller-auth": auth.flowFunctionArn,
    "voiceid.threshold": String(cfg.auth.voiceIdThreshold),
    "bank.name": cfg.greetingName,
    ...Object.fromEntries(Object.entries(region.hoursArns).map(([n, arn]) => [`hours.${n}`, arn])),
    ...Object.fromEntries(Object.entries(region.queueArns).map(([n, arn]) => [`queue.${n}`, arn])),
    ...(cfg.drFallbackNumber ? { "dr.fallback-number": cfg.drFallbackNumber } : {}),
  };
}

function deployFlows(
  cfg: StackConfig,
  region: ContactCenterRegion,
  auth: VoiceIdAuth,
  names: string[],
  opts: pulumi.ComponentResourceOptions,
): ContactFlows {
  const flows = names.map((n) => loadTemplate(n));
  const used = new Set(flows.flatMap((f) => f.variables));
  return new ContactFlows(
    `${cfg.stack}-flows`,
    {
      region: cfg.region,
      instanceId: region.instanceId,
      flows,
      // Only what these flows use: the renderer refuses variables supplied but unused.
      variables: Object.fromEntries(
        Object.entries(flowVariables(cfg, region, auth)).filter(([k]) => used.has(k)),
      ),
      // Flows of a replicated primary are mirrored to the replica region.
      multiRegion: cfg.role === "primary" && cfg.globalResiliency,
    },
    opts,
  );
}

/** Caller authentication in this stack's region, on this stack's (or the replica's) instance. */
function deployAuth(
  cfg: StackConfig,
  region: ContactCenterRegion,
  opts: pulumi.ComponentResourceOptions,
): VoiceIdAuth {
  return new VoiceIdAuth(
    `${cfg.stack}-auth`,
    {
      region: cfg.region,
      provider: cfg.auth.provider,
      instanceId: region.instanceId,
      instanceArn: region.instanceArn,
      aliasPrefix: `${cfg.project}/${cfg.stack}`,
      logsKeyArn: region.logsKeyArn,
      logRetentionDays: cfg.logRetentionDays,
      lockout: {
        maxFailures: cfg.auth.maxFailures,
        windowMinutes: cfg.auth.windowMinutes,
        lockoutMinutes: cfg.auth.lockoutMinutes,
        sourceMaxFailures: cfg.auth.sourceMaxFailures,
        sourceLockoutMinutes: cfg.auth.sourceLockoutMinutes,
        globalFailuresPer5Minutes: cfg.auth.globalFailuresPer5Minutes,
      },
      stepUpOriginationArn: cfg.auth.stepUpOriginationArn,
      lexRoleSuffix: `${cfg.project}-${cfg.stack}`,
      lex: callerAuthMode(cfg.region) === "lex",
    },
    opts,
  );
}

const authOutputs = (auth: VoiceIdAuth) => ({
  callerAuthFunctionArn: auth.functionArn,
  callerAuthBotId: auth.botId,
  callerAuthBotAliasArn: auth.botAliasArn,
  callerAuthTable: auth.tableName,
});

/**
 * The compliance dictionary, validated before anything is deployed: a bad dictionary fails the
 * plan and `pulumi preview` with every problem, naming the entry and the fix.
 */
/** Compliance detection on this region's recordings bucket (both stacks: each region has its own). */
function deployCompliance(
  cfg: StackConfig,
  region: ContactCenterRegion,
  opts: pulumi.ComponentResourceOptions,
  sources: ProgramSources,
) {
  // Read and validated once: the real-time rule's terms and the detector's expansion of them.
  const written = complianceDictionary(sources.dictionaryJson);
  return new CompliancePipeline(
    `${cfg.stack}-compliance`,
    {
      region: cfg.region,
      aliasPrefix: `${cfg.project}/${cfg.stack}`,
      bucketName: region.bucketName,
      bucketArn: region.bucketArn,
      dataKeyArn: region.dataKeyArn,
      logsKeyArn: region.logsKeyArn,
      logRetentionDays: cfg.logRetentionDays,
      dictionaryJson: written,
      // A dictionary given by a test ships as written; the repository's, expanded (issue 20).
      detectorDictionaryJson: sources.dictionaryJson === undefined ? expandedFor(written) : written,
      alertSeverity: cfg.compliance.alertSeverity,
      eventBusName: region.eventBusName,
      eventBusArn: region.eventBusArn,
      // Rules live on the instance (Global Resiliency does not replicate them): each region's own.
      realtime:
        cfg.contactLensEnabled && cfg.compliance.realtimeRuleSeverity !== "off"
          ? { instanceArn: region.instanceArn, minSeverity: cfg.compliance.realtimeRuleSeverity }
          : undefined,
    },
    opts,
  );
}

/** Scheduled configuration snapshots of this stack's instance, replicated to the vault. */
function deployConfigBackup(
  cfg: StackConfig,
  region: ContactCenterRegion,
  vault: VaultTarget,
  opts: pulumi.ComponentResourceOptions,
) {
  const b = cfg.configBackup;
  if (!b.enabled) return { outputs: {}, bucketArn: undefined };
  const backup = new ConfigBackup(
    `${cfg.stack}-config-backup`,
    {
      region: cfg.region,
      aliasPrefix: `${cfg.project}/${cfg.stack}`,
      instanceId: region.instanceId,
      instanceArn: region.instanceArn,
      vault,
      accessLogBucket: region.accessLogBucketName,
      logsKeyArn: region.logsKeyArn,
      logRetentionDays: cfg.logRetentionDays,
      schedule: b.schedule,
      scheduleTimezone: b.timezone,
      retentionDays: b.retentionDays,
      noncurrentVersionExpirationDays: cfg.storage.noncurrentVersionExpirationDays,
      requestsPerSecond: b.requestsPerSecond,
    },
    opts,
  );
  return {
    outputs: {
      configBackupBucket: backup.bucketName,
      configBackupStateMachineArn: backup.stateMachineArn,
      // What a restore trusts: only snapshots signed with this key (npm run backup:restore).
      configBackupSigningKeyArn: backup.signingKeyArn,
    },
    bucketArn: backup.bucketArn,
  };
}

/**
 * Who read or wrote recordings, contact records and configuration backups (S3 data events), and
 * every write management call: on by default for the primary (`monitoring.auditTrail`).
 */
function deployAuditTrail(
  cfg: StackConfig,
  region: ContactCenterRegion,
  vault: VaultTarget,
  backupBucketArn: pulumi.Output<string> | undefined,
  opts: pulumi.ComponentResourceOptions,
) {
  if (!(cfg.monitoring.enabled && (cfg.monitoring.auditTrail ?? cfg.role === "primary"))) return {};
  const trail = new AuditTrail(
    `${cfg.stack}-audit`,
    {
      region: cfg.region,
      aliasPrefix: `${cfg.project}/${cfg.stack}`,
      stack: cfg.stack,
      dataBucketArns: [region.bucketArn, ...(backupBucketArn ? [backupBucketArn] : [])],
      accessLogBucket: region.accessLogBucketName,
      vault,
      retentionDays: cfg.logRetentionDays,
      noncurrentVersionExpirationDays: cfg.storage.noncurrentVersionExpirationDays,
    },
    opts,
  );
  return { auditTrailArn: trail.trailArn, auditTrailBucket: trail.bucketName };
}

/** Outputs both roles export about their region. */
function regionOutputs(cfg: StackConfig, region: ContactCenterRegion) {
  return {
    role: cfg.role,
    region: cfg.region,
    instanceAlias: cfg.instanceAlias,
    instanceId: region.instanceId,
    instanceArn: region.instanceArn,
    identityType: cfg.identityType,
    contactDataBucket: region.bucketName,
    eventBusName: region.eventBusName,
    ctrStreamArn: region.ctrStreamArn,
    contactEventsLogGroup: region.contactEventsLogGroup,
    federationRoleArn: region.federation?.roleArn,
    samlRelayState: region.federation?.relayStateUrl,
    samlAttributeMapping: region.federation?.attributeMapping,
    queueIds: region.queueIds,
    routingProfileIds: region.routingProfileIds,
    securityProfileIds: region.securityProfileIds,
  };
}

/** What the operator and the drill need of each number (no ids: ARNs work in both regions). */
const numberOutputs = (ns: ClaimedNumber[]) =>
  ns.map((n) => ({ name: n.name, address: n.address, arn: n.arn, flow: n.flow }));

/** Project files the program reads besides the stack config; tests pass their own copies. */
export interface ProgramSources {
  /** Text of compliance/dictionary.json (default: the repository's file). */
  readonly dictionaryJson?: string;
}

export function composeStack(
  cfg: StackConfig,
  sources: ProgramSources = {},
): Record<string, pulumi.Input<unknown>> {
  if (cfg.saml?.isPlaceholder) {
    void pulumi.log.warn(
      `${cfg.saml.metadataFile} is the placeholder SAML metadata: replace it with your IAM Identity Center metadata before deploying (README "SAML set-up").`,
    );
  }
  const prov = providers(cfg);
  const opts: pulumi.ComponentResourceOptions = { providers: [prov.aws, prov.awsNative] };
  // Everything the components register (functions, queues, streams, ...) gets its alarms.
  const watched = startWatching();
  const outputs =
    cfg.role === "primary" ? composePrimary(cfg, opts, sources) : composeDr(cfg, opts, sources);
  // Monitoring makes functions of its own (the change audit): counted after it.
  const monitoring = deployMonitoring(cfg, watched, outputs, opts);
  const reserved = reservedConcurrency(watched);
  if (reserved > 0)
    void pulumi.log.warn(
      `stack ${cfg.stack} reserves ${reserved} concurrent Lambda executions in ${cfg.region}: the account's quota (Service Quotas → AWS Lambda → Concurrent executions) must be at least ${reserved + LAMBDA_UNRESERVED_MINIMUM} there, since Lambda keeps ${LAMBDA_UNRESERVED_MINIMUM} unreserved; new accounts can start lower, and pulumi up then fails on the first function. Check it, or lower the concurrency settings (README "Before your first pulumi up")`,
    );
  return { ...outputs, ...monitoring };
}

/** Alarms, alarm topic and dashboard for everything this stack registered. */
function deployMonitoring(
  cfg: StackConfig,
  watched: Watched[],
  outputs: Record<string, pulumi.Input<unknown>>,
  opts: pulumi.ComponentResourceOptions,
) {
  const m0 = cfg.monitoring;
  const { enabled, subscriptions, changeWindows, changeWindowTimeZone } = m0;
  // Only the numbers are thresholds (auditTrail is deployed with the region: deployAuditTrail).
  const thresholds = {
    concurrentCallsPercent: m0.concurrentCallsPercent,
    longestQueueWaitSeconds: m0.longestQueueWaitSeconds,
    missedCallsPer5Minutes: m0.missedCallsPer5Minutes,
    queueMessageAgeSeconds: m0.queueMessageAgeSeconds,
    durationOfTimeoutPercent: m0.durationOfTimeoutPercent,
    replicationLatencySeconds: m0.replicationLatencySeconds,
  };
  if (!enabled) return {};
  const failover = outputs.failoverDrPercent as pulumi.Input<number> | undefined;
  const m = new Monitoring(
    `${cfg.stack}-monitoring`,
    {
      region: cfg.region,
      aliasPrefix: `${cfg.project}/${cfg.stack}`,
      namePrefix: `${cfg.project}-${cfg.stack}`,
      watched,
      thresholds,
      subscriptions,
      note:
        failover === undefined
          ? `**${cfg.stack}** (${cfg.role}, ${cfg.region}): alarms go to ${cfg.project}-${cfg.stack}-alarms.`
          : pulumi.interpolate`**${cfg.stack}** (${cfg.role}, ${cfg.region}): traffic declared at the last pulumi up: ${failover}% of calls in ${cfg.region}. The live split: npm run drill -- --from <primary> --to ${cfg.stack} --dry-run.`,
      changeAudit: {
        stack: cfg.stack,
        logRetentionDays: cfg.logRetentionDays,
        windows: changeWindows,
        timeZone: changeWindowTimeZone,
      },
    },
    opts,
  );
  return {
    adminChangesLogGroup: m.changeLogGroup,
    alarmTopicArn: m.topicArn,
    alarmCount: m.alarmNames.length,
    dashboardName: m.dashboardName,
  };
}

function composePrimary(
  cfg: StackConfig,
  opts: pulumi.ComponentResourceOptions,
  sources: ProgramSources,
) {
  const vault = new BackupVault(
    "vault",
    {
      region: cfg.backupRegion,
      aliasPrefix: `${cfg.project}/${cfg.stack}`,
      transitionDays: cfg.storage.vaultTransitionDays,
      noncurrentVersionExpirationDays: cfg.storage.noncurrentVersionExpirationDays,
      accessLogExpirationDays: cfg.storage.accessLogExpirationDays,
    },
    opts,
  );
  const region = new ContactCenterRegion(
    cfg.stack,
    {
      region: cfg.region,
      aliasPrefix: `${cfg.project}/${cfg.stack}`,
      instance: newInstance(cfg),
      saml: newSamlProvider(cfg),
      routing: cfg.routing,
      vault: vaultTarget(vault),
      storage: storageOf(cfg),
      logRetentionDays: cfg.logRetentionDays,
    },
    opts,
  );
  const backup = deployConfigBackup(cfg, region, vaultTarget(vault), opts);
  const audit = deployAuditTrail(cfg, region, vaultTarget(vault), backup.bucketArn, opts);
  const auth = deployAuth(cfg, region, opts);
  const compliance = deployCompliance(cfg, region, opts, sources);
  const flows = deployFlows(
    cfg,
    region,
    auth,
    [...INBOUND_FLOWS, ...authFlows(cfg), ...chatFlows(cfg)],
    opts,
  );
  const apiLogging = once(() => apiGatewayLogging(cfg, opts));
  const chat = deployChatPrimary(cfg, region, flows, apiLogging, opts);
  // With Global Resiliency the numbers belong in the replica's traffic distribution group, which
  // exists only once the dr stack has run: until the operator sets its ARN here they ring this
  // instance only, then they move to the group in place (README "DR runbook").
  const group = cfg.globalResiliency ? cfg.trafficDistributionGroupArn : undefined;
  for (const w of numberWarnings(cfg.stack, cfg.region, cfg.phoneNumbers)) void pulumi.log.warn(w);
  if (cfg.globalResiliency && !group && Object.keys(cfg.phoneNumbers).length) {
    void pulumi.log.warn(
      `phone numbers are claimed to the instance and will not fail over; after deploying the dr stack, move them to its traffic distribution group: pulumi config set ${cfg.project}:trafficDistributionGroupArn "$(pulumi stack output trafficDistributionGroupArn --stack dr)" --stack ${cfg.stack}`,
    );
  }
  const numbers = new PhoneNumbers(
    `${cfg.stack}-numbers`,
    {
      region: cfg.region,
      targetArn: group ?? region.instanceArn,
      instanceId: region.instanceId,
      numbers: cfg.phoneNumbers,
      flowIds: flows.ids,
    },
    opts,
  );
  // Agents follow the group to Osaka only when associated with it.
  const membership = group
    ? new GroupMembership(
        `${cfg.stack}-group`,
        {
          region: cfg.region,
          groupArn: group,
          instanceId: region.instanceId,
          routingProfileIds: Object.values(region.routingProfileIds),
        },
        opts,
      )
    : undefined;
  // Outbound runs where the campaign data lives: the primary (see README "Outbound calls").
  const outbound = cfg.outbound.enabled
    ? new OutboundCampaignStore(
        `${cfg.stack}-outbound`,
        {
          region: cfg.region,
          instanceId: region.instanceId,
          instanceArn: region.instanceArn,
          aliasPrefix: `${cfg.project}/${cfg.stack}`,
          logsKeyArn: region.logsKeyArn,
          logRetentionDays: cfg.logRetentionDays,
          dialRatePerSecond: cfg.outbound.dialRatePerSecond,
          workers: cfg.outbound.workers,
          maxConcurrentCalls: cfg.outbound.maxConcurrentCalls,
          apiRatePerSecond: cfg.outbound.apiRatePerSecond,
          apiLogging: apiLogging().account,
          defaultContactFlowId: flows.ids.outbound,
        },
        opts,
      )
    : undefined;
  return {
    ...regionOutputs(cfg, region),
    ...authOutputs(auth),
    ...backup.outputs,
    ...audit,
    complianceFindingsTable: compliance.tableName,
    complianceAlertTopicArn: compliance.topicArn,
    outboundApiUrl: outbound?.apiUrl,
    outboundTable: outbound?.tableName,
    outboundDeadLetterQueueUrl: outbound?.deadLetterQueueUrl,
    outboundContactFlowId: flows.ids.outbound,
    flowArns: flows.arns,
    ...chat,
    phoneNumbers: numbers.numbers.apply(numberOutputs),
    phoneNumbersTarget: group ? "traffic-distribution-group" : "instance",
    agentsInGroup: membership?.agentsAssociated,
    samlProviderArn: region.federation?.providerArn,
    vaultBucketArn: vault.bucketArn,
    vaultBucketName: vault.bucketName,
    vaultKeyArn: vault.keyArn,
    vaultRegion: vault.region,
  };
}

function composeDr(
  cfg: StackConfig,
  opts: pulumi.ComponentResourceOptions,
  sources: ProgramSources,
) {
  const primary = new pulumi.StackReference("primary", { name: cfg.dr.primaryStack });
  const out = (k: (typeof PRIMARY_OUTPUTS)[number]) => primary.requireOutput(k).apply(String);
  const vault: VaultTarget = {
    region: out("vaultRegion"),
    bucketArn: out("vaultBucketArn"),
    keyArn: out("vaultKeyArn"),
  };
  const replica = cfg.dr.mode === "replica";
  const region = new ContactCenterRegion(
    cfg.stack,
    {
      region: cfg.region,
      aliasPrefix: `${cfg.project}/${cfg.stack}`,
      instance: replica
        ? {
            // Global Resiliency: ReplicateInstance from the primary's instance (same id).
            kind: "replica",
            alias: cfg.instanceAlias,
            sourceRegion: out("region"),
            sourceInstanceArn: out("instanceArn"),
            allowDelete: cfg.failover.allowReplicaDeletion,
          }
        : newInstance(cfg),
      saml:
        cfg.identityType !== "SAML"
          ? undefined
          : replica
            ? {
                kind: "existing",
                providerArn: out("samlProviderArn"),
                sessionDurationSeconds: cfg.samlSessionDurationSeconds,
              }
            : newSamlProvider(cfg),
      routing: replica ? undefined : cfg.routing,
      vault,
      storage: storageOf(cfg),
      logRetentionDays: cfg.logRetentionDays,
    },
    opts,
  );
  // A replica runs the flows Connect mirrors from the primary; a standalone instance gets its
  // own, plus the standby flow its numbers point at until a failover.
  const standby = cfg.drFallbackNumber ? "dr-standby-transfer" : "dr-standby";
  // Connect does not replicate Lex or Lambda: every dr stack deploys its own bot and function,
  // with the same names, so the primary's mirrored flows find them through $.AwsRegion.
  const auth = deployAuth(cfg, region, opts);
  const compliance = deployCompliance(cfg, region, opts, sources);
  const backup = deployConfigBackup(cfg, region, vault, opts);
  const audit = deployAuditTrail(cfg, region, vault, backup.bucketArn, opts);
  const flows = replica
    ? undefined
    : deployFlows(
        cfg,
        region,
        auth,
        [...INBOUND_FLOWS, ...authFlows(cfg), ...chatFlows(cfg), standby],
        opts,
      );
  const primaryRegion = out("region");
  // The primary's numbers: callers dial these (an older primary without the output has none).
  const primaryNumbers = primary.getOutput("phoneNumbers").apply((ns) =>
    ((ns ?? []) as { name: string; address: string }[]).map((n) => ({
      name: n.name,
      address: n.address,
    })),
  );
  const drPercent = cfg.failover.drPercent ?? (cfg.failover.activeRegion === "dr" ? 100 : 0);
  // Standalone: the DR instance's own numbers, claimed without a flow: Failover routes them.
  if (flows)
    for (const w of numberWarnings(cfg.stack, cfg.region, cfg.phoneNumbers))
      void pulumi.log.warn(w);
  const numbers =
    flows &&
    new PhoneNumbers(
      `${cfg.stack}-numbers`,
      {
        region: cfg.region,
        targetArn: region.instanceArn,
        instanceId: region.instanceId,
        numbers: cfg.phoneNumbers,
      },
      opts,
    );
  const failover =
    flows && numbers
      ? new Failover(
          `${cfg.stack}-failover`,
          {
            mode: "standalone",
            primaryRegion,
            drRegion: cfg.region,
            instanceId: region.instanceId,
            numbers: numbers.numbers,
            flowIds: flows.ids,
            standbyFlowId: flows.ids[standby],
            active: drPercent === 100,
            signInUrl:
              region.federation?.relayStateUrl ??
              pulumi.interpolate`https://${cfg.instanceAlias}.my.connect.aws/`,
            primaryNumbers,
          },
          opts,
        )
      : region.trafficDistributionGroupArn &&
        new Failover(
          `${cfg.stack}-failover`,
          {
            mode: "replica",
            primaryRegion,
            drRegion: cfg.region,
            groupArn: region.trafficDistributionGroupArn,
            drPercent,
            signInUrl: region.globalSignInEndpoint ?? "",
            numbers: primaryNumbers,
            numbersInGroup: primary
              .getOutput("phoneNumbersTarget")
              .apply((t) => t === "traffic-distribution-group"),
          },
          opts,
        );
  const chat = deployChatDr(
    cfg,
    region,
    flows,
    primary,
    drPercent,
    once(() => apiGatewayLogging(cfg, opts)),
    opts,
  );
  return {
    ...regionOutputs(cfg, region),
    ...authOutputs(auth),
    ...backup.outputs,
    ...audit,
    ...chat,
    flowArns: flows?.arns ?? {},
    complianceFindingsTable: compliance.tableName,
    complianceAlertTopicArn: compliance.topicArn,
    drMode: cfg.dr.mode,
    primaryStack: cfg.dr.primaryStack,
    trafficDistributionGroupArn: region.trafficDistributionGroupArn,
    failoverDrPercent: failover?.drPercent,
    failoverActiveRegion: failover?.activeRegion,
    failoverSignIn: failover?.signIn,
    failoverSignInUrl: failover?.signInUrl,
    failoverNumbers: failover?.numbers,
    failoverCarrierAction: failover?.carrierAction,
    phoneNumbers: numbers?.numbers.apply(numberOutputs) ?? [],
  };
}
