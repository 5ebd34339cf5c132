/**
 * Failover (customerchannel:dr:Failover, dr stack): where calls, agents and sign-in go, declared in
 * config (`failover.activeRegion`, optional `failover.drPercent` for a partial drill) and applied
 * to the Global Resiliency group through the DR region's endpoint. `pulumi up` with
 * `activeRegion: dr` is the failover; back to `primary` is the failback. The drill CLI makes the
 * same calls with preflight, verification and a report.
 *
 * Standalone mode (numbers re-pointed from the standby flow) is not built yet: see issue #7.
 */
import * as pulumi from "@pulumi/pulumi";
import { TrafficDistribution } from "./trafficDistribution";

export const FAILOVER_TOKEN = "customerchannel:dr:Failover";

export interface FailoverArgs {
  readonly primaryRegion: pulumi.Input<string>;
  readonly drRegion: string;
  /** The replica's default traffic distribution group (ContactCenterRegion). */
  readonly groupArn: pulumi.Input<string>;
  /** 0 = everything in the primary, 100 = failed over; steps of 10 (validated by config.ts). */
  readonly drPercent: number;
}

export class Failover extends pulumi.ComponentResource {
  /** Percentage of calls (and agents) the DR region takes, as Connect reports it. */
  public readonly drPercent: pulumi.Output<number>;
  public readonly signIn: pulumi.Output<Record<string, boolean>>;
  public readonly activeRegion: pulumi.Output<string>;

  constructor(name: string, args: FailoverArgs, opts?: pulumi.ComponentResourceOptions) {
    super(FAILOVER_TOKEN, name, {}, opts);
    const traffic = new TrafficDistribution(
      `${name}-traffic`,
      {
        groupArn: args.groupArn,
        primaryRegion: args.primaryRegion,
        drRegion: args.drRegion,
        drPercent: args.drPercent,
      },
      { parent: this },
    );
    this.drPercent = traffic.drPercent;
    this.signIn = traffic.signIn;
    this.activeRegion = pulumi
      .all([traffic.drPercent, args.primaryRegion])
      .apply(([p, primary]) => (p === 0 ? primary : p === 100 ? args.drRegion : "split"));
    this.registerOutputs({ drPercent: this.drPercent, activeRegion: this.activeRegion });
  }
}
