/**
 * Where a Global Resiliency group sends calls, agents and sign-in, as a declarative dynamic
 * resource: create/update apply UpdateTrafficDistribution through the DR region's endpoint (so a
 * failover works while the primary region is down) and wait until Connect reports the split; read
 * reports the split Connect actually has, so a console change or a half-done drill shows as drift
 * in `pulumi preview --refresh`. Deleting the resource leaves the traffic where it is.
 */
import type { ConnectClient } from "@aws-sdk/client-connect";
import * as pulumi from "@pulumi/pulumi";
import {
  applyDistribution,
  connectIn,
  readDistribution,
  realPace,
  type Pace,
} from "../shared/drConnect";

export interface TrafficDistributionInputs {
  readonly groupArn: string;
  readonly primaryRegion: string;
  readonly drRegion: string;
  /** 0 (all in the primary) to 100 (failed over), in steps of 10. */
  readonly drPercent: number;
}
export interface TrafficDistributionOutputs extends TrafficDistributionInputs {
  readonly agentsDrPercent: number;
  readonly signIn: Record<string, boolean>;
}

export async function applyTraffic(
  dr: ConnectClient,
  i: TrafficDistributionInputs,
  pace: Pace,
): Promise<TrafficDistributionOutputs> {
  const o = await applyDistribution(dr, i.groupArn, i, pace);
  return {
    ...i,
    drPercent: o.telephonyDrPercent,
    agentsDrPercent: o.agentsDrPercent,
    signIn: o.signIn,
  };
}

export async function readTraffic(
  dr: ConnectClient,
  props: TrafficDistributionOutputs,
  pace: Pace,
): Promise<TrafficDistributionOutputs> {
  const o = await readDistribution(dr, props.groupArn, props.drRegion, pace);
  return {
    ...props,
    drPercent: o.telephonyDrPercent,
    agentsDrPercent: o.agentsDrPercent,
    signIn: o.signIn,
  };
}

/** A plain object (named functions, no class expression) so Pulumi can serialise it. */
export const trafficDistributionProvider: pulumi.dynamic.ResourceProvider = {
  async create(inputs: TrafficDistributionInputs) {
    const outs = await applyTraffic(await connectIn(inputs.drRegion), inputs, realPace());
    return { id: inputs.groupArn, outs };
  },
  diff(_id: string, olds: TrafficDistributionOutputs, news: TrafficDistributionInputs) {
    const replaces = olds.groupArn !== news.groupArn ? ["groupArn"] : [];
    const changes =
      replaces.length > 0 ||
      olds.drPercent !== news.drPercent ||
      olds.agentsDrPercent !== news.drPercent ||
      olds.primaryRegion !== news.primaryRegion ||
      olds.drRegion !== news.drRegion;
    return Promise.resolve({ changes, replaces, deleteBeforeReplace: false });
  },
  async update(_id: string, _olds: TrafficDistributionOutputs, news: TrafficDistributionInputs) {
    return { outs: await applyTraffic(await connectIn(news.drRegion), news, realPace()) };
  },
  async read(id: string, props: TrafficDistributionOutputs) {
    return { id, props: await readTraffic(await connectIn(props.drRegion), props, realPace()) };
  },
  delete() {
    return Promise.resolve();
  },
};

export class TrafficDistribution extends pulumi.dynamic.Resource {
  declare public readonly drPercent: pulumi.Output<number>;
  declare public readonly agentsDrPercent: pulumi.Output<number>;
  declare public readonly signIn: pulumi.Output<Record<string, boolean>>;

  constructor(
    name: string,
    args: { [K in keyof TrafficDistributionInputs]: pulumi.Input<TrafficDistributionInputs[K]> },
    opts?: pulumi.CustomResourceOptions,
  ) {
    super(
      trafficDistributionProvider,
      name,
      { ...args, agentsDrPercent: undefined, signIn: undefined },
      opts,
      "customerchannel",
      "TrafficDistribution",
    );
  }
}
