/**
 * What each stack is made of: the composition only. `index.ts` calls
 * `composeStack(loadConfig())`; tests and the offline plan call it with a parsed config under
 * mocks. Returns the stack outputs. How each capability's config becomes its components is in
 * components/<capability>/wiring.ts; what the stacks share (providers, the vault, the region)
 * and how the capabilities connect (flows to auth, chat and outbound to flows, DR to the
 * primary's outputs) is here.
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
  ContactCenterRegion,
  Failover,
  GroupMembership,
  PhoneNumbers,
  startWatching,
  vaultTarget,
  type VaultTarget,
  type Watched,
} from "./components";
import { authFlows, authOutputs, deployAuth } from "./components/callerAuth/wiring";
import { chatFlows, deployChatDr, deployChatPrimary } from "./components/chat/wiring";
import { deployCompliance } from "./components/compliance/wiring";
import { deployConfigBackup } from "./components/configBackup/wiring";
import {
  newInstance,
  newSamlProvider,
  numberOutputs,
  regionOutputs,
  storageOf,
} from "./components/contactCenter/wiring";
import { deployFlows, INBOUND_FLOWS } from "./components/contactFlows/wiring";
import { deployAuditTrail, deployMonitoring } from "./components/operations/wiring";
import {
  callbackIntakeFor,
  callbackOfferThresholds,
  deployCallbackOffer,
  deployOutbound,
} from "./components/outbound/wiring";
import { deployPreScreening, deployTelephoneBanking } from "./components/selfService/wiring";
import { type StackConfig } from "./config";
import { numberWarnings } from "./lib/numberWarnings";
import { LAMBDA_UNRESERVED_MINIMUM } from "./lib/preflight";

export {
  complianceDictionary,
  detectorDictionary,
  EXPANDED_DICTIONARY,
} from "./lib/complianceDictionary";
export { CHAT_FLOW } from "./components/chat/wiring";
export { authFlows } from "./components/callerAuth/wiring";
export { INBOUND_FLOWS } from "./components/contactFlows/wiring";
export { LAMBDA_UNRESERVED_MINIMUM } from "./lib/preflight";

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

/** The executions the stack's functions reserve together. */
const reservedConcurrency = (watched: readonly Watched[]): number =>
  watched.reduce((n, w) => n + (w.kind === "function" ? (w.reservedConcurrency ?? 0) : 0), 0);

/** A factory that makes its value on first use and returns the same value after. */
function once<T>(make: () => T): () => T {
  let value: { v: T } | undefined;
  return () => (value ??= { v: make() }).v;
}

/**
 * The region's API Gateway account logging setting, once per stack and only when a REST API here
 * needs it (chat in both stacks, outbound in the primary).
 */
const apiGatewayLogging = (cfg: StackConfig, opts: pulumi.ComponentResourceOptions) =>
  new ApiGatewayLogging(`${cfg.stack}-api-logs`, { region: cfg.region }, opts);

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
  const compliance = deployCompliance(cfg, region, opts, sources.dictionaryJson);
  const banking = deployTelephoneBanking(cfg, region, opts);
  const screening = deployPreScreening(cfg, region, opts);
  const flows = deployFlows(
    { ...cfg, callbackOffer: callbackOfferThresholds(cfg) },
    region,
    {
      callerAuth: auth.flowFunctionArn,
      telephoneBanking: banking.flowArn,
      callbackIntake: callbackIntakeFor(cfg, region),
      preScreen: screening.flowArn,
    },
    [...INBOUND_FLOWS, ...authFlows(cfg), ...chatFlows(cfg)],
    opts,
  );
  const apiLogging = once(() => apiGatewayLogging(cfg, opts));
  const chat = deployChatPrimary(cfg, region, flows.ids, apiLogging, opts);
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
  const outbound = deployOutbound(cfg, region, flows.ids.outbound, apiLogging, opts);
  // After the flows (it needs the callback flow's id) and the numbers (it calls back from one).
  const callbackOffer = deployCallbackOffer(
    cfg,
    region,
    outbound,
    flows.ids.callback,
    numbers.numbers,
    opts,
  );
  return {
    ...regionOutputs(cfg, region),
    ...authOutputs(auth),
    ...banking.outputs,
    ...screening.outputs,
    ...backup.outputs,
    ...audit,
    complianceFindingsTable: compliance.tableName,
    complianceAlertTopicArn: compliance.topicArn,
    outboundApiUrl: outbound?.apiUrl,
    outboundTable: outbound?.tableName,
    outboundDeadLetterQueueUrl: outbound?.deadLetterQueueUrl,
    outboundContactFlowId: flows.ids.outbound,
    callbackContactFlowId: flows.ids.callback,
    callbackOfferFunctionArn: callbackOffer?.functionArn,
    callbackCampaigns: callbackOffer?.campaigns,
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
  const compliance = deployCompliance(cfg, region, opts, sources.dictionaryJson);
  const banking = deployTelephoneBanking(cfg, region, opts);
  const screening = deployPreScreening(cfg, region, opts);
  const backup = deployConfigBackup(cfg, region, vault, opts);
  const audit = deployAuditTrail(cfg, region, vault, backup.bucketArn, opts);
  const flows = replica
    ? undefined
    : deployFlows(
        cfg,
        region,
        {
          callerAuth: auth.flowFunctionArn,
          telephoneBanking: banking.flowArn,
          preScreen: screening.flowArn,
        },
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
    flows?.ids,
    primary,
    drPercent,
    once(() => apiGatewayLogging(cfg, opts)),
    opts,
  );
  return {
    ...regionOutputs(cfg, region),
    ...authOutputs(auth),
    ...banking.outputs,
    ...screening.outputs,
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
