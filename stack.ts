/**
 * What each stack is made of. `index.ts` calls `composeStack(loadConfig())`; tests and the offline
 * plan call it with a parsed config under mocks. Returns the stack outputs.
 */
import * as aws from "@pulumi/aws";
import * as awsNative from "@pulumi/aws-native";
import * as pulumi from "@pulumi/pulumi";
import {
  BackupVault,
  ContactCenterRegion,
  ContactFlows,
  vaultTarget,
  type InstanceSpec,
  type SamlSpec,
  type VaultTarget,
} from "./components";
import type { StackConfig } from "./config";
import { loadTemplate } from "./flows/catalog";

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
      region: cfg.region as awsNative.Region,
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

/** Template variables a region can fill: greeting, hours and queue ARNs by config name. */
function flowVariables(
  cfg: StackConfig,
  region: ContactCenterRegion,
): Record<string, pulumi.Input<string>> {
  return {
    "bank.name": cfg.greetingName,
    ...Object.fromEntries(Object.entries(region.hoursArns).map(([n, arn]) => [`hours.${n}`, arn])),
    ...Object.fromEntries(Object.entries(region.queueArns).map(([n, arn]) => [`queue.${n}`, arn])),
    ...(cfg.drFallbackNumber ? { "dr.fallback-number": cfg.drFallbackNumber } : {}),
  };
}

function deployFlows(
  cfg: StackConfig,
  region: ContactCenterRegion,
  names: string[],
  opts: pulumi.ComponentResourceOptions,
): ContactFlows {
  return new ContactFlows(
    `${cfg.stack}-flows`,
    {
      region: cfg.region,
      instanceId: region.instanceId,
      flows: names.map((n) => loadTemplate(n)),
      variables: flowVariables(cfg, region),
      // Flows of a replicated primary are mirrored to the replica region.
      multiRegion: cfg.role === "primary" && cfg.globalResiliency,
    },
    opts,
  );
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

export function composeStack(cfg: StackConfig): Record<string, pulumi.Input<unknown>> {
  if (cfg.saml?.isPlaceholder) {
    void pulumi.log.warn(
      `${cfg.saml.metadataFile} is the placeholder SAML metadata: replace it with your IAM Identity Center metadata before deploying (README "SAML set-up").`,
    );
  }
  const prov = providers(cfg);
  const opts: pulumi.ComponentResourceOptions = { providers: [prov.aws, prov.awsNative] };
  return cfg.role === "primary" ? composePrimary(cfg, opts) : composeDr(cfg, opts);
}

function composePrimary(cfg: StackConfig, opts: pulumi.ComponentResourceOptions) {
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
  const flows = deployFlows(cfg, region, INBOUND_FLOWS, opts);
  return {
    ...regionOutputs(cfg, region),
    flowArns: flows.arns,
    samlProviderArn: region.federation?.providerArn,
    vaultBucketArn: vault.bucketArn,
    vaultBucketName: vault.bucketName,
    vaultKeyArn: vault.keyArn,
    vaultRegion: vault.region,
  };
}

function composeDr(cfg: StackConfig, opts: pulumi.ComponentResourceOptions) {
  const primary = new pulumi.StackReference("primary", { name: cfg.dr.primaryStack });
  const out = (k: (typeof PRIMARY_OUTPUTS)[number]) => primary.requireOutput(k).apply(String);
  const vault: VaultTarget = {
    region: out("vaultRegion"),
    bucketArn: out("vaultBucketArn"),
    keyArn: out("vaultKeyArn"),
  };
  const replica = cfg.dr.mode === "replica";
  // A Global Resiliency replica keeps the source instance's id; its ARN names the replica region.
  const instanceId = out("instanceId");
  const region = new ContactCenterRegion(
    cfg.stack,
    {
      region: cfg.region,
      aliasPrefix: `${cfg.project}/${cfg.stack}`,
      instance: replica
        ? {
            kind: "existing",
            alias: cfg.instanceAlias,
            instanceId,
            instanceArn: pulumi
              .all([out("instanceArn"), instanceId])
              .apply(([arn, id]) =>
                arn.replace(
                  /^arn:([^:]+):connect:[^:]+:(\d+):instance\/.*$/,
                  `arn:$1:connect:${cfg.region}:$2:instance/${id}`,
                ),
              ),
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
  const flows = replica ? undefined : deployFlows(cfg, region, [...INBOUND_FLOWS, standby], opts);
  return {
    ...regionOutputs(cfg, region),
    flowArns: flows?.arns ?? {},
    drMode: cfg.dr.mode,
    primaryStack: cfg.dr.primaryStack,
  };
}
