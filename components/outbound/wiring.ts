/** How the primary stack's config becomes its outbound campaign store and API. */
import type * as pulumi from "@pulumi/pulumi";
import type { ApiGatewayLogging } from "../shared/apiGatewayLogging";
import type { RegionRefs, StackFacts } from "../shared/stackFacts";
import type { OutboundConfig } from "./config";
import { OutboundCampaignStore } from "./outboundCampaignStore";

/** What the outbound wiring reads of the stack config. */
export type OutboundStack = StackFacts & { readonly outbound: OutboundConfig };

/** The campaign store, when outbound is on; its default flow reads the message to the callee. */
export function deployOutbound(
  cfg: OutboundStack,
  region: RegionRefs,
  outboundFlowId: pulumi.Input<string>,
  apiLogging: () => ApiGatewayLogging,
  opts: pulumi.ComponentResourceOptions,
): OutboundCampaignStore | undefined {
  return cfg.outbound.enabled
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
          defaultContactFlowId: outboundFlowId,
        },
        opts,
      )
    : undefined;
}
