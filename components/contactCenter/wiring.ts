/**
 * How a stack's config becomes its contact center region: the instance it creates, the SAML
 * provider, the storage rules, and the outputs both roles export about the region.
 */
import type { StackFacts } from "../shared/stackFacts";
import type { ClaimedNumber } from "../shared/drConnect";
import type { ContactCenterRegion, InstanceSpec, SamlSpec } from "./contactCenterRegion";
import type { SamlConfig } from "./saml";

/** What an instance this program creates takes from the stack config. */
export interface InstanceSettings {
  readonly instanceAlias: string;
  readonly identityType: "SAML" | "CONNECT_MANAGED" | "EXISTING_DIRECTORY";
  readonly directoryId?: string;
  readonly outboundCallsEnabled: boolean;
  readonly contactLensEnabled: boolean;
}

export const storageOf = (cfg: StackFacts) => ({
  recordingsTransitionDays: cfg.storage.recordingsTransitionDays,
  recordingsExpirationDays: cfg.storage.recordingsExpirationDays,
  noncurrentVersionExpirationDays: cfg.storage.noncurrentVersionExpirationDays,
  accessLogExpirationDays: cfg.storage.accessLogExpirationDays,
});

/** An instance this stack creates (the primary, or a standalone dr). */
export const newInstance = (cfg: InstanceSettings): InstanceSpec => ({
  kind: "create",
  alias: cfg.instanceAlias,
  identityType: cfg.identityType,
  directoryId: cfg.directoryId,
  outboundCallsEnabled: cfg.outboundCallsEnabled,
  contactLensEnabled: cfg.contactLensEnabled,
});

/** A SAML provider this stack creates from the metadata file, when the config has one. */
export const newSamlProvider = (cfg: { readonly saml?: SamlConfig }): SamlSpec | undefined =>
  cfg.saml && {
    kind: "create",
    metadataXml: cfg.saml.metadataXml,
    sessionDurationSeconds: cfg.saml.sessionDurationSeconds,
  };

/** Outputs both roles export about their region. */
export function regionOutputs(cfg: StackFacts & InstanceSettings, region: ContactCenterRegion) {
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
export const numberOutputs = (ns: ClaimedNumber[]) =>
  ns.map((n) => ({ name: n.name, address: n.address, arn: n.arn, flow: n.flow }));
