/** How a stack's config becomes its contact flows: which templates, filled with what. */
import * as pulumi from "@pulumi/pulumi";
import { loadTemplate } from "../../flows/catalog";
import type { RegionRefs, StackFacts } from "../shared/stackFacts";
import { ContactFlows } from "./contactFlows";

/** What the flows read of the stack config. */
export type FlowsStack = StackFacts & {
  readonly auth: { readonly voiceIdThreshold: number };
  readonly greetingName: string;
  readonly drFallbackNumber?: string;
  readonly globalResiliency: boolean;
  /** When queues are long enough to offer a callback (the primary's outbound.callbackOffer). */
  readonly callbackOffer?: {
    readonly queueSizeAbove: number;
    readonly oldestWaitSecondsAbove: number;
  };
};

/** The flows every instance this program creates runs (templates in flows/templates). */
export const INBOUND_FLOWS = [
  "inbound-main",
  "after-hours",
  "customer-queue",
  "agent-whisper",
  "outbound",
  "callback",
  "telephone-banking",
  "callback-offer",
  "card-loan-prescreen",
];

/** Region-neutral ARNs of the functions the flows invoke ($.AwsRegion: mirrored flows). */
export interface FlowFunctions {
  readonly callerAuth: pulumi.Input<string>;
  readonly telephoneBanking?: pulumi.Input<string>;
  readonly callbackIntake?: pulumi.Input<string>;
  readonly preScreen: pulumi.Input<string>;
}

/**
 * Flows deployed from another template when the stack lacks the function they invoke, under the
 * same name, so the flows that transfer to them hold either way: telephone banking goes straight
 * to its queue without a CoreBanking gateway, the callback offer straight to the desk's queue
 * where no callbacks are booked (outbound or the offer off, and every dr stack).
 */
const WITHOUT_FUNCTION: Readonly<
  Record<string, { readonly template: string; readonly needs: keyof FlowFunctions }>
> = {
  "telephone-banking": { template: "telephone-banking-queue", needs: "telephoneBanking" },
  "callback-offer": { template: "callback-offer-queue", needs: "callbackIntake" },
};

const templateFor = (name: string, functions: FlowFunctions): string => {
  const w = WITHOUT_FUNCTION[name];
  return w && !functions[w.needs] ? w.template : name;
};

/** Template variables a region can fill: greeting, hours and queue ARNs by config name. */
export function flowVariables(
  cfg: FlowsStack,
  region: RegionRefs,
  functions: FlowFunctions,
): Record<string, pulumi.Input<string>> {
  return {
    "function.caller-auth": functions.callerAuth,
    ...(functions.telephoneBanking
      ? { "function.telephone-banking": functions.telephoneBanking }
      : {}),
    ...(functions.callbackIntake ? { "function.callback-intake": functions.callbackIntake } : {}),
    "function.prescreen": functions.preScreen,
    ...(cfg.callbackOffer
      ? {
          "callback.queue-size": String(cfg.callbackOffer.queueSizeAbove),
          "callback.oldest-wait-seconds": String(cfg.callbackOffer.oldestWaitSecondsAbove),
        }
      : {}),
    "voiceid.threshold": String(cfg.auth.voiceIdThreshold),
    "bank.name": cfg.greetingName,
    ...Object.fromEntries(Object.entries(region.hoursArns).map(([n, arn]) => [`hours.${n}`, arn])),
    ...Object.fromEntries(Object.entries(region.queueArns).map(([n, arn]) => [`queue.${n}`, arn])),
    ...(cfg.drFallbackNumber ? { "dr.fallback-number": cfg.drFallbackNumber } : {}),
  };
}

export function deployFlows(
  cfg: FlowsStack,
  region: RegionRefs,
  functions: FlowFunctions,
  names: string[],
  opts: pulumi.ComponentResourceOptions,
): ContactFlows {
  const flows = names.map((n) => ({ ...loadTemplate(templateFor(n, functions)), name: n }));
  const used = new Set(flows.flatMap((f) => f.variables));
  return new ContactFlows(
    `${cfg.stack}-flows`,
    {
      region: cfg.region,
      instanceId: region.instanceId,
      flows,
      // Only what these flows use: the renderer refuses variables supplied but unused.
      variables: Object.fromEntries(
        Object.entries(flowVariables(cfg, region, functions)).filter(([k]) => used.has(k)),
      ),
      // Flows of a replicated primary are mirrored to the replica region.
      multiRegion: cfg.role === "primary" && cfg.globalResiliency,
    },
    opts,
  );
}
