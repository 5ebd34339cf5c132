/**
 * How a stack's config becomes its chat: the backend in each region, the sample portal and its
 * DR copy, and the target parameter that sends new chats to the region that takes calls.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { ApiGatewayLogging } from "../shared/apiGatewayLogging";
import type { RegionRefs, StackFacts } from "../shared/stackFacts";
import { ChatChannel } from "./chatChannel";
import { ChatPortal, PortalSite } from "./chatPortal";
import { ChatTarget } from "./chatTarget";
import type { ChatConfig } from "./config";

/** What the chat wiring reads of the stack config. */
export type ChatStack = StackFacts & { readonly chat: ChatConfig };

/** The chat flow, deployed with the other flows when chat is on. */
export const CHAT_FLOW = "chat-inbound";
/** The chat entry flow and the card-loan pre-screening it transfers to (topic card-loan-screening). */
export const chatFlows = (cfg: ChatStack): string[] =>
  cfg.chat.enabled ? [CHAT_FLOW, "card-loan-prescreen-chat"] : [];

/** The ChatChannel settings every stack takes from config and its region. */
export const chatSettings = (
  cfg: ChatStack,
  region: RegionRefs,
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
 * Primary: the chat backend, and the sample portal page whose config.json lists this backend and,
 * once the dr stack's outputs are in config (chat.dr), the DR backend after it.
 */
export function deployChatPrimary(
  cfg: ChatStack,
  region: RegionRefs,
  flowIds: Record<string, pulumi.Output<string>>,
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
      contactFlowId: flowIds[CHAT_FLOW],
      peerInstanceArn: c.dr?.instanceArn,
      targetParameterArn: c.dr?.targetParameterArn,
      origins,
    },
    opts,
  );
  portal?.publishConfig([channel.endpoint, ...(c.dr ? [c.dr.endpoint] : [])]);
  return {
    chatEndpoint: channel.endpoint,
    chatContactFlowId: flowIds[CHAT_FLOW],
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
export function deployChatDr(
  cfg: ChatStack,
  region: RegionRefs,
  flowIds: Record<string, pulumi.Output<string>> | undefined,
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
  const drFlowId = flowIds ? flowIds[CHAT_FLOW] : primaryFlowId;
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
