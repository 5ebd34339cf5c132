/**
 * Tokyo's agents in the Global Resiliency group (customerchannel:dr:GroupMembership, tokyo stack):
 * only users associated with the traffic distribution group follow its agent distribution to
 * Osaka, so a failover without them moves the calls and leaves nobody to answer.
 *
 * Connect users are not created by this program (they come from the bank's joiner process, with
 * SAML names), so the dynamic resource GroupAgents associates every user whose routing profile is
 * one of the program's profiles: create/update associate the ones not in the group yet; read
 * counts the eligible users still outside it, so `pulumi preview --refresh` shows new agents as a
 * change and `pulumi up --refresh` associates them. Users are never removed from the group here
 * (a leaver is deleted from Connect, which ends the association). Deleting it changes nothing.
 */
import type { ConnectClient } from "@aws-sdk/client-connect";
import * as pulumi from "@pulumi/pulumi";
import {
  associateUsers,
  connectIn,
  groupUsers,
  realPace,
  usersWithProfiles,
  type Pace,
} from "../shared/drConnect";

export const GROUP_MEMBERSHIP_TOKEN = "customerchannel:dr:GroupMembership";

export interface GroupAgentsInputs {
  /** The group's region (the primary's): calls go through its endpoint. */
  readonly region: string;
  readonly groupArn: string;
  readonly instanceId: string;
  readonly routingProfileIds: string[];
}
export interface GroupAgentsOutputs extends GroupAgentsInputs {
  /** Eligible users associated with the group. */
  readonly associated: number;
  /** Eligible users not associated yet (0 after create/update; refresh finds new agents). */
  readonly outside: number;
}

async function state(client: ConnectClient, i: GroupAgentsInputs, pace: Pace) {
  const [eligible, inGroup] = await Promise.all([
    usersWithProfiles(client, i.instanceId, i.routingProfileIds, pace),
    groupUsers(client, i.groupArn, pace),
  ]);
  const member = new Set(inGroup);
  return { eligible, missing: eligible.filter((u) => !member.has(u)) };
}

export async function applyGroupAgents(
  client: ConnectClient,
  i: GroupAgentsInputs,
  pace: Pace,
): Promise<GroupAgentsOutputs> {
  const { eligible, missing } = await state(client, i, pace);
  await associateUsers(client, i.groupArn, i.instanceId, missing, pace);
  return { ...i, associated: eligible.length, outside: 0 };
}

export async function readGroupAgents(
  client: ConnectClient,
  props: GroupAgentsOutputs,
  pace: Pace,
): Promise<GroupAgentsOutputs> {
  const { eligible, missing } = await state(client, props, pace);
  return { ...props, associated: eligible.length - missing.length, outside: missing.length };
}

/** A plain object (named functions, no class expression) so Pulumi can serialise it. */
export const groupAgentsProvider: pulumi.dynamic.ResourceProvider = {
  async create(inputs: GroupAgentsInputs) {
    const outs = await applyGroupAgents(await connectIn(inputs.region), inputs, realPace());
    return { id: `${inputs.groupArn}/agents`, outs };
  },
  diff(_id: string, olds: GroupAgentsOutputs, news: GroupAgentsInputs) {
    return Promise.resolve({
      changes:
        olds.outside > 0 ||
        olds.groupArn !== news.groupArn ||
        olds.instanceId !== news.instanceId ||
        [...olds.routingProfileIds].sort().join() !== [...news.routingProfileIds].sort().join(),
      replaces: olds.groupArn !== news.groupArn ? ["groupArn"] : [],
      deleteBeforeReplace: false,
    });
  },
  async update(_id: string, _olds: GroupAgentsOutputs, news: GroupAgentsInputs) {
    return { outs: await applyGroupAgents(await connectIn(news.region), news, realPace()) };
  },
  async read(id: string, props: GroupAgentsOutputs) {
    return { id, props: await readGroupAgents(await connectIn(props.region), props, realPace()) };
  },
  delete() {
    return Promise.resolve();
  },
};

export class GroupAgents extends pulumi.dynamic.Resource {
  declare public readonly associated: pulumi.Output<number>;
  declare public readonly outside: pulumi.Output<number>;

  constructor(
    name: string,
    args: { [K in keyof GroupAgentsInputs]: pulumi.Input<GroupAgentsInputs[K]> },
    opts?: pulumi.CustomResourceOptions,
  ) {
    super(
      groupAgentsProvider,
      name,
      { ...args, associated: undefined, outside: undefined },
      opts,
      "customerchannel",
      "GroupAgents",
    );
  }
}

export interface GroupMembershipArgs {
  readonly region: string;
  readonly groupArn: string;
  readonly instanceId: pulumi.Input<string>;
  /** The program's routing profiles: their users are the agents that fail over. */
  readonly routingProfileIds: pulumi.Input<string>[];
}

export class GroupMembership extends pulumi.ComponentResource {
  public readonly agentsAssociated: pulumi.Output<number>;

  constructor(name: string, args: GroupMembershipArgs, opts?: pulumi.ComponentResourceOptions) {
    super(GROUP_MEMBERSHIP_TOKEN, name, {}, opts);
    const agents = new GroupAgents(
      `${name}-agents`,
      {
        region: args.region,
        groupArn: args.groupArn,
        instanceId: args.instanceId,
        routingProfileIds: pulumi.all(args.routingProfileIds),
      },
      { parent: this },
    );
    this.agentsAssociated = agents.associated;
    this.registerOutputs({ agentsAssociated: this.agentsAssociated });
  }
}
