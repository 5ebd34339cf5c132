/**
 * CallbackOffer (customerchannel:outbound:CallbackOffer, primary stack): what books a callback
 * when a desk's queue is long. The callback-offer flow invokes the intake function (Connect may
 * invoke it from this stack's instance only); it books in the desk's callback campaign, which this
 * component keeps in the outbound table: the desk's hours as calling windows, the desk's queue as
 * the queue the call back is added to, the `callback` flow to greet the customer.
 *
 * Why the outbound store and not Connect's queued callback: the store enforces calling windows,
 * the do-not-call list and the destination rules, and records every attempt; a queued callback
 * does not (README "Call peaks: the callback offer").
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { marshall } from "@aws-sdk/util-dynamodb";
import {
  callbackCampaignId,
  deskCallbackCampaign,
  type DeskCallbacks,
} from "../../functions/outbound/callbackIntake";
import { campaignRecord, TABLE_KEYS } from "../../functions/outbound/store";
import { letConnectInvoke } from "../shared/connectInvoke";
import { NodeFunction } from "../shared/nodeFunction";
import type { CallbackOfferConfig } from "./config";
import { outboundApiPolicy } from "./policies";

export const CALLBACK_OFFER_TOKEN = "customerchannel:outbound:CallbackOffer";
export const CALLBACK_INTAKE_FUNCTION = "customerchannel-outbound-callback-intake";

/**
 * The ARN the callback-offer flow invokes, region written $.AwsRegion (mirrored flows), known
 * from the function's fixed name before the function exists: the function is made after the flows
 * (it needs the `callback` flow's id, and the outbound store it writes to needs the `outbound`
 * flow's). Until this component has run, an invocation fails and the flow's error branch puts the
 * caller in the desk's queue as before; in a Global Resiliency replica, which has no outbound
 * store, it always does.
 */
export const callbackIntakeFlowArn = (accountId: pulumi.Input<string>) =>
  pulumi.interpolate`arn:aws:lambda:$.AwsRegion:${accountId}:function:${CALLBACK_INTAKE_FUNCTION}`;

export interface CallbackOfferArgs {
  readonly region: string;
  readonly instanceId: pulumi.Input<string>;
  readonly instanceArn: pulumi.Input<string>;
  readonly logsKeyArn: pulumi.Input<string>;
  readonly logRetentionDays: number;
  /** The outbound store: its table, dial queue and key. */
  readonly store: {
    readonly tableName: pulumi.Input<string>;
    readonly tableArn: pulumi.Input<string>;
    readonly queueUrl: pulumi.Input<string>;
    readonly queueArn: pulumi.Input<string>;
    readonly keyArn: pulumi.Input<string>;
  };
  /** Desk name → its queue id and hours (Asia/Tokyo "HH:MM-HH:MM" by day). */
  readonly desks: Readonly<
    Record<
      string,
      { readonly queueId: pulumi.Input<string>; readonly windows: DeskCallbacks["windows"] }
    >
  >;
  /** The `callback` flow: greets the customer and queues the call to the desk. */
  readonly callbackFlowId: pulumi.Input<string>;
  /** E.164 number calls back come from (config sourceNumber's claimed number). */
  readonly sourcePhoneNumber: pulumi.Input<string>;
  readonly offer: CallbackOfferConfig;
  /** `<project>/<stack>`: recorded on the campaigns, which the API then will not cancel. */
  readonly managedBy: string;
}

export class CallbackOffer extends pulumi.ComponentResource {
  public readonly functionArn: pulumi.Output<string>;
  /** Campaign ids by desk. */
  public readonly campaigns: Record<string, string>;

  constructor(name: string, args: CallbackOfferArgs, opts?: pulumi.ComponentResourceOptions) {
    super(CALLBACK_OFFER_TOKEN, name, {}, opts);
    const p = { parent: this };
    const desks = Object.entries(args.desks);
    this.campaigns = Object.fromEntries(desks.map(([desk]) => [desk, callbackCampaignId(desk)]));

    // One record per desk, as the API would store it (same key layout, same fields).
    for (const [desk, d] of desks) {
      new aws.dynamodb.TableItem(
        `${name}-${desk}`,
        {
          region: args.region,
          tableName: args.store.tableName,
          hashKey: TABLE_KEYS.hash,
          rangeKey: TABLE_KEYS.range,
          item: pulumi
            .all([d.queueId, args.callbackFlowId, args.sourcePhoneNumber])
            .apply(([queueId, contactFlowId, sourcePhoneNumber]) =>
              campaignItem({
                desk,
                queueId,
                contactFlowId,
                sourcePhoneNumber,
                windows: d.windows,
                holidays: args.offer.holidays,
                maxAttemptsPerDay: args.offer.maxAttemptsPerDay,
                maxAttemptsTotal: args.offer.maxAttemptsTotal,
                retryAfterMinutes: args.offer.retryAfterMinutes,
                managedBy: args.managedBy,
              }),
            ),
        },
        p,
      );
    }

    const fn = new NodeFunction(
      `${name}-intake`,
      {
        region: args.region,
        functionName: CALLBACK_INTAKE_FUNCTION,
        entry: "functions/outbound/callbackIntake.entry.ts",
        description: "Callback offer: books a waiting caller's callback in the desk's campaign",
        environment: {
          TABLE_NAME: args.store.tableName,
          QUEUE_URL: args.store.queueUrl,
          CALLBACK_CAMPAIGNS: pulumi
            .all(desks.map(([desk, d]) => pulumi.all([d.queueId, callbackCampaignId(desk)])))
            .apply((pairs) => JSON.stringify(Object.fromEntries(pairs))),
        },
        // The outbound API's own enqueue path, so the same rights: the table, the dial queue, the
        // store's key through DynamoDB and SQS only. Never Connect.
        statements: pulumi
          .all([args.store.tableArn, args.store.keyArn, args.store.queueArn, args.instanceArn])
          .apply(([tableArn, keyArn, queueArn, instanceArn]) =>
            outboundApiPolicy({ tableArn, keyArn, queueArn, instanceArn, region: args.region }),
          ),
        logsKeyArn: args.logsKeyArn,
        envKeyArn: args.store.keyArn,
        logRetentionDays: args.logRetentionDays,
        reservedConcurrency: args.offer.concurrency,
        // Connect waits at most 8 s for a function (the flow's InvocationTimeLimitSeconds).
        timeoutSeconds: 8,
        memoryMb: 256,
      },
      p,
    );
    letConnectInvoke(name, fn, args, p);
    this.functionArn = fn.arn;
    this.registerOutputs({ functionArn: this.functionArn });
  }
}

/** A desk's campaign as a DynamoDB item (JSON of attribute values, as TableItem takes it). */
export const campaignItem = (d: DeskCallbacks): string => {
  return JSON.stringify(
    marshall(campaignRecord(deskCallbackCampaign(d)), { removeUndefinedValues: true }),
  );
};
