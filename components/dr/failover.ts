/**
 * Failover (customerchannel:dr:Failover, dr stack): where calls go, declared in config
 * (`failover.activeRegion`, optional `failover.drPercent` for a partial drill). `pulumi up` with
 * `activeRegion: dr` is the failover; back to `primary` is the failback. The drill CLI makes the
 * same calls with preflight, verification and a report.
 *
 * - replica mode: calls, agents and sign-in of the Global Resiliency group, applied through the DR
 *   region's endpoint (TrafficDistribution), so it works while the primary region is down;
 * - standalone mode: the DR instance's own numbers ring the standby flow, or after a failover the
 *   live inbound flow (NumberRouting). Callers dial the primary's numbers, so the carrier must
 *   forward them (or the bank publishes the DR numbers): the component says so in `carrierAction`.
 */
import * as pulumi from "@pulumi/pulumi";
import { idOf, type ClaimedNumber } from "../shared/drConnect";
import { NumberRouting } from "./numberRouting";
import { TrafficDistribution } from "./trafficDistribution";

export const FAILOVER_TOKEN = "customerchannel:dr:Failover";

/** A number and what it rings now, for the operator. */
export interface NumberTarget {
  readonly name: string;
  readonly address: string;
  readonly target: string;
}

export interface ReplicaFailoverArgs {
  readonly mode: "replica";
  readonly primaryRegion: pulumi.Input<string>;
  readonly drRegion: string;
  /** The replica's default traffic distribution group (ContactCenterRegion). */
  readonly groupArn: pulumi.Input<string>;
  /** 0 = everything in the primary, 100 = failed over; steps of 10 (validated by config.ts). */
  readonly drPercent: number;
  /** Global sign-in endpoint of the replica (agents land where sign-in is enabled). */
  readonly signInUrl: pulumi.Input<string>;
  /** The primary's numbers (its stack output). */
  readonly numbers: pulumi.Input<{ name: string; address: string }[]>;
  /** False until the primary has moved its numbers into the group (its trafficDistributionGroupArn). */
  readonly numbersInGroup: pulumi.Input<boolean>;
}

export interface StandaloneFailoverArgs {
  readonly mode: "standalone";
  readonly primaryRegion: pulumi.Input<string>;
  readonly drRegion: string;
  readonly instanceId: pulumi.Input<string>;
  /** The DR instance's own numbers (PhoneNumbers, claimed without a flow). */
  readonly numbers: pulumi.Input<ClaimedNumber[]>;
  /** Live flow ids by template name: after a failover each number rings its configured flow. */
  readonly flowIds: Readonly<Record<string, pulumi.Input<string>>>;
  readonly standbyFlowId: pulumi.Input<string>;
  /** True: failed over, the numbers ring the live flow. */
  readonly active: boolean;
  /** Where DR agents sign in. */
  readonly signInUrl: pulumi.Input<string>;
  /** The primary's numbers, which callers know: the carrier forwards them during a failover. */
  readonly primaryNumbers: pulumi.Input<{ name: string; address: string }[]>;
}

export type FailoverArgs = ReplicaFailoverArgs | StandaloneFailoverArgs;

const list = (ns: readonly { address: string }[]) => ns.map((n) => n.address).join(", ") || "none";

export class Failover extends pulumi.ComponentResource {
  /** Percentage of calls the DR region takes, as Connect reports it (standalone: 0 or 100). */
  public readonly drPercent: pulumi.Output<number>;
  /** Regions agents may sign in to (replica mode; standalone agents sign in to the DR instance). */
  public readonly signIn: pulumi.Output<Record<string, boolean>>;
  /** The region taking calls, or "split" during a partial drill. */
  public readonly activeRegion: pulumi.Output<string>;
  public readonly signInUrl: pulumi.Output<string>;
  /** Every number callers may dial and what it rings now. */
  public readonly numbers: pulumi.Output<NumberTarget[]>;
  /** What someone must do outside AWS for calls to arrive ("none" when nothing). */
  public readonly carrierAction: pulumi.Output<string>;

  constructor(name: string, args: FailoverArgs, opts?: pulumi.ComponentResourceOptions) {
    super(FAILOVER_TOKEN, name, {}, opts);
    const regionOf = (p: number, primary: string) =>
      p === 0 ? primary : p === 100 ? args.drRegion : "split";
    this.signInUrl = pulumi.output(args.signInUrl);
    if (args.mode === "replica") {
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
        .apply(([p, primary]) => regionOf(p, primary));
      this.numbers = pulumi
        .all([args.numbers, traffic.drPercent, args.groupArn, args.numbersInGroup])
        .apply(([ns, p, group, inGroup]) =>
          ns.map((n) => ({
            name: n.name,
            address: n.address,
            target: inGroup
              ? `traffic distribution group ${group}: ${100 - p}% primary, ${p}% DR`
              : "the primary instance only: not in the traffic distribution group yet",
          })),
        );
      this.carrierAction = pulumi
        .output(args.numbersInGroup)
        .apply((inGroup) =>
          inGroup
            ? "none: the numbers are in the Global Resiliency group and Connect routes them"
            : "the primary's numbers are not in the traffic distribution group, so they cannot fail over: set the primary's trafficDistributionGroupArn to this stack's output and run pulumi up on the primary (README DR runbook)",
        );
    } else {
      const flows = pulumi.all(args.flowIds);
      const liveRoutes = pulumi.all([args.numbers, flows]).apply(([ns, ids]) =>
        ns.map((n) => {
          const flowId = ids[n.flow];
          if (!flowId) throw new Error(`phone number ${n.name}: no flow ${n.flow} in this stack`);
          return { numberArn: n.arn, flowId };
        }),
      );
      const routing = new NumberRouting(
        `${name}-routing`,
        {
          region: args.drRegion,
          instanceId: args.instanceId,
          routes: args.active
            ? liveRoutes
            : pulumi
                .all([args.numbers, args.standbyFlowId])
                .apply(([ns, standby]) => ns.map((n) => ({ numberArn: n.arn, flowId: standby }))),
        },
        { parent: this },
      );
      // Names of what each number rings, for the operator.
      const named = flows.apply(
        (ids) => (id: string) =>
          Object.entries(ids).find(([, f]) => idOf(f) === id)?.[0] ?? (id || "no flow"),
      );
      this.numbers = pulumi
        .all([args.numbers, routing.ringing, named])
        .apply(([ns, ringing, name]) =>
          ns.map((n) => ({ name: n.name, address: n.address, target: name(ringing[n.arn] ?? "") })),
        );
      const live = pulumi
        .all([liveRoutes, routing.ringing])
        .apply(
          ([routes, ringing]) =>
            routes.length > 0 && routes.every((r) => ringing[r.numberArn] === idOf(r.flowId)),
        );
      this.drPercent = live.apply((l) => (l ? 100 : 0));
      this.signIn = pulumi.output<Record<string, boolean>>({});
      this.activeRegion = pulumi
        .all([this.drPercent, args.primaryRegion])
        .apply(([p, primary]) => regionOf(p, primary));
      this.carrierAction = pulumi
        .all([live, args.primaryNumbers, args.numbers])
        .apply(([l, primary, dr]) =>
          l
            ? `forward the primary's numbers (${list(primary)}) to the DR numbers (${list(dr)}) at the carrier, or publish the DR numbers`
            : `none; after a failback, end any carrier forwarding of ${list(primary)}`,
        );
    }
    this.registerOutputs({
      drPercent: this.drPercent,
      activeRegion: this.activeRegion,
      numbers: this.numbers,
      carrierAction: this.carrierAction,
    });
  }
}
