/** How the primary stack's config becomes its outbound campaign store, API and callback offer. */
import * as pulumi from "@pulumi/pulumi";
import type { ApiGatewayLogging } from "../shared/apiGatewayLogging";
import { accountOfArn } from "../shared/connectInvoke";
import type { RegionRefs, StackFacts } from "../shared/stackFacts";
import { CallbackOffer, callbackIntakeFlowArn } from "./callbackOffer";
import { CALLBACK_DESKS, offersCallbacks, type OutboundConfig } from "./config";
import { OutboundCampaignStore } from "./outboundCampaignStore";

/** What the outbound wiring reads of the stack config. */
export type OutboundStack = StackFacts & {
  readonly outbound: OutboundConfig;
  readonly outboundCallsEnabled: boolean;
  readonly routing: {
    readonly hours: Readonly<Record<string, { readonly schedule: Record<string, string> }>>;
    readonly queues: Readonly<Record<string, { readonly hours: string }>>;
  };
};

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

/**
 * The thresholds the callback-offer flow compares with, when this stack books callbacks
 * (undefined: the flow of that name goes straight to the desk's queue).
 */
export const callbackOfferThresholds = (cfg: OutboundStack) =>
  offersCallbacks(cfg) ? cfg.outbound.callbackOffer : undefined;

/** The region-neutral ARN the callback-offer flow invokes, when this stack books callbacks. */
export const callbackIntakeFor = (cfg: OutboundStack, region: RegionRefs) =>
  callbackOfferThresholds(cfg)
    ? callbackIntakeFlowArn(accountOfArn(region.instanceArn))
    : undefined;

/** The callback offer's intake and the desks' campaigns, when this stack books callbacks. */
export function deployCallbackOffer(
  cfg: OutboundStack,
  region: RegionRefs,
  store: OutboundCampaignStore | undefined,
  callbackFlowId: pulumi.Input<string>,
  numbers: pulumi.Output<readonly { readonly name: string; readonly address: string }[]>,
  opts: pulumi.ComponentResourceOptions,
): CallbackOffer | undefined {
  const offer = callbackOfferThresholds(cfg);
  if (!offer || !store) return undefined;
  const queueId = (arn: pulumi.Output<string>) => arn.apply((a) => a.slice(a.lastIndexOf("/") + 1));
  return new CallbackOffer(
    `${cfg.stack}-callback-offer`,
    {
      region: cfg.region,
      instanceId: region.instanceId,
      instanceArn: region.instanceArn,
      logsKeyArn: region.logsKeyArn,
      logRetentionDays: cfg.logRetentionDays,
      store: {
        tableName: store.tableName,
        tableArn: store.tableArn,
        queueUrl: store.queueUrl,
        queueArn: store.queueArn,
        keyArn: store.keyArn,
      },
      // Config checks (callbackOfferProblems) hold the desks' hours to Asia/Tokyo.
      desks: Object.fromEntries(
        CALLBACK_DESKS.map((desk) => [
          desk,
          {
            queueId: queueId(region.queueArns[desk]),
            windows: cfg.routing.hours[cfg.routing.queues[desk].hours].schedule,
          },
        ]),
      ),
      callbackFlowId,
      sourcePhoneNumber: numbers.apply((ns) => {
        const n = ns.find((x) => x.name === offer.sourceNumber);
        // Config checks require the key; a missing claim here is a program error.
        if (!n) throw new Error(`callback offer: no claimed number ${offer.sourceNumber}`);
        return n.address;
      }),
      offer,
      managedBy: `${cfg.project}/${cfg.stack}`,
    },
    opts,
  );
}
