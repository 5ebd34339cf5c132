/**
 * The Global Resiliency replica of the primary's instance, as a Pulumi dynamic resource (no
 * provider has one): create calls ReplicateInstance in the source region and waits until the
 * replica and its default traffic distribution group are ACTIVE; read reports what Connect says, so
 * `pulumi refresh` shows a replica that is gone or failed; delete is refused unless the stack has
 * explicitly allowed it (`failover.allowReplicaDeletion`), because a deleted replica takes its users,
 * flows and numbers' DR routing with it.
 */
import type { ConnectClient } from "@aws-sdk/client-connect";
import * as crypto from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import {
  deleteReplicaInstance,
  readReplica,
  realPace,
  replicate,
  type Pace,
  type ReplicaState,
} from "../shared/drConnect";

export interface ReplicaInstanceInputs {
  readonly sourceRegion: string;
  readonly sourceInstanceArn: string;
  readonly replicaRegion: string;
  readonly replicaAlias: string;
  readonly allowDelete: boolean;
}
export type ReplicaInstanceOutputs = ReplicaInstanceInputs & ReplicaState;

/** The same inputs always make the same request: a retried create cannot make a second replica. */
export const replicaClientToken = (i: ReplicaInstanceInputs) =>
  crypto
    .createHash("sha256")
    .update(`${i.sourceInstanceArn}|${i.replicaRegion}|${i.replicaAlias}`)
    .digest("hex");

export const REPLACING_INPUTS = [
  "sourceRegion",
  "sourceInstanceArn",
  "replicaRegion",
  "replicaAlias",
] as const;

export async function createReplica(
  clients: (region: string) => ConnectClient,
  i: ReplicaInstanceInputs,
  pace: Pace,
): Promise<{ id: string; outs: ReplicaInstanceOutputs }> {
  const state = await replicate(
    clients(i.sourceRegion),
    clients(i.replicaRegion),
    i,
    replicaClientToken(i),
    pace,
  );
  return { id: state.instanceArn, outs: { ...i, ...state } };
}

export async function readReplicaResource(
  clients: (region: string) => ConnectClient,
  id: string,
  props: ReplicaInstanceOutputs,
  pace: Pace,
): Promise<{ id?: string; props?: ReplicaInstanceOutputs }> {
  try {
    return {
      id,
      props: { ...props, ...(await readReplica(clients(props.replicaRegion), id, pace)) },
    };
  } catch (e) {
    // Gone: an empty id tells Pulumi the resource no longer exists.
    if ((e as { name?: string }).name === "ResourceNotFoundException") return {};
    throw e;
  }
}

export async function deleteReplica(
  clients: (region: string) => ConnectClient,
  id: string,
  props: ReplicaInstanceOutputs,
  pace: Pace,
): Promise<void> {
  if (!props.allowDelete)
    throw new Error(
      `refusing to delete the Connect replica ${id}: it holds the DR copy of users, flows and routing. ` +
        "If you mean it: move all traffic to the primary, then pulumi config set --path 'customerchannel:failover.allowReplicaDeletion' true --stack dr, pulumi up, and run the destroy again.",
    );
  await deleteReplicaInstance(clients(props.replicaRegion), id, pace);
}

const clientsFor = async () => {
  const { ConnectClient: Client } = await import("@aws-sdk/client-connect");
  return (region: string) => new Client({ region });
};

/** A plain object (named functions, no class expression) so Pulumi can serialise it. */
export const replicaInstanceProvider: pulumi.dynamic.ResourceProvider = {
  async create(inputs: ReplicaInstanceInputs) {
    return createReplica(await clientsFor(), inputs, realPace());
  },
  diff(_id: string, olds: ReplicaInstanceOutputs, news: ReplicaInstanceInputs) {
    const replaces = REPLACING_INPUTS.filter((k) => olds[k] !== news[k]);
    return Promise.resolve({
      changes: replaces.length > 0 || olds.allowDelete !== news.allowDelete,
      replaces: [...replaces],
      // Connect allows one replica per instance: the old one must go before a new one is made.
      deleteBeforeReplace: true,
    });
  },
  // Only allowDelete can change in place: it is a guard in the state, no API call.
  update(_id: string, olds: ReplicaInstanceOutputs, news: ReplicaInstanceInputs) {
    return Promise.resolve({ outs: { ...olds, allowDelete: news.allowDelete } });
  },
  async read(id: string, props: ReplicaInstanceOutputs) {
    return readReplicaResource(await clientsFor(), id, props, realPace());
  },
  async delete(id: string, props: ReplicaInstanceOutputs) {
    await deleteReplica(await clientsFor(), id, props, realPace());
  },
};

export class ReplicaInstance extends pulumi.dynamic.Resource {
  declare public readonly instanceId: pulumi.Output<string>;
  declare public readonly instanceArn: pulumi.Output<string>;
  declare public readonly status: pulumi.Output<string>;
  declare public readonly trafficDistributionGroupArn: pulumi.Output<string>;
  declare public readonly globalSignInEndpoint: pulumi.Output<string>;

  constructor(
    name: string,
    args: { [K in keyof ReplicaInstanceInputs]: pulumi.Input<ReplicaInstanceInputs[K]> },
    opts?: pulumi.CustomResourceOptions,
  ) {
    super(
      replicaInstanceProvider,
      name,
      {
        ...args,
        instanceId: undefined,
        instanceArn: undefined,
        status: undefined,
        trafficDistributionGroupArn: undefined,
        globalSignInEndpoint: undefined,
      },
      // Never replaced or deleted by accident: the delete guard above is the second line.
      { ...opts, protect: opts?.protect ?? true },
      "customerchannel",
      "ReplicaInstance",
    );
  }
}
