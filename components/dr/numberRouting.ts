/**
 * Which flow a standalone DR instance's numbers ring, as a declarative dynamic resource: standby
 * (announce, or transfer to the primary's number) in normal times, the live inbound flow after a
 * failover. Create/update re-associate only the numbers that are not on the flow yet, in the DR
 * region, and wait until Connect reports every number on it; read reports the flow each number
 * really rings, so a drill that flipped numbers outside Pulumi shows as drift in preview.
 * Delete leaves the numbers where they are (their claims are released, if ever, by PhoneNumbers).
 */
import type { ConnectClient } from "@aws-sdk/client-connect";
import * as pulumi from "@pulumi/pulumi";
import {
  connectIn,
  idOf,
  numberFlows,
  realPace,
  routeNumbers,
  type Pace,
  type Route,
} from "../shared/drConnect";

export interface NumberRoutingInputs {
  readonly region: string;
  readonly instanceId: string;
  /** Each number and the flow it should ring. */
  readonly routes: Route[];
}
export interface NumberRoutingOutputs extends NumberRoutingInputs {
  /** Number ARN → id of the flow Connect reports it ringing ("" when none). */
  readonly ringing: Record<string, string>;
}

const ringing = (flows: Map<string, string>, routes: readonly Route[]) =>
  Object.fromEntries(routes.map((r) => [r.numberArn, flows.get(idOf(r.numberArn)) ?? ""]));

export async function applyRouting(
  client: ConnectClient,
  i: NumberRoutingInputs,
  pace: Pace,
): Promise<NumberRoutingOutputs> {
  await routeNumbers(client, i.instanceId, i.routes, pace);
  return { ...i, ringing: ringing(await numberFlows(client, i.instanceId, pace), i.routes) };
}

export async function readRouting(
  client: ConnectClient,
  props: NumberRoutingOutputs,
  pace: Pace,
): Promise<NumberRoutingOutputs> {
  const flows = await numberFlows(client, props.instanceId, pace);
  return { ...props, ringing: ringing(flows, props.routes) };
}

/** Changes when the target or the numbers changed, or when any number rings something else. */
export function routingChanged(olds: NumberRoutingOutputs, news: NumberRoutingInputs): boolean {
  return (
    olds.instanceId !== news.instanceId ||
    olds.region !== news.region ||
    news.routes.some((r) => olds.ringing?.[r.numberArn] !== idOf(r.flowId)) ||
    olds.routes.length !== news.routes.length
  );
}

/** A plain object (named functions, no class expression) so Pulumi can serialise it. */
export const numberRoutingProvider: pulumi.dynamic.ResourceProvider = {
  async create(inputs: NumberRoutingInputs) {
    const outs = await applyRouting(await connectIn(inputs.region), inputs, realPace());
    return { id: `${inputs.instanceId}/number-routing`, outs };
  },
  diff(_id: string, olds: NumberRoutingOutputs, news: NumberRoutingInputs) {
    return Promise.resolve({
      changes: routingChanged(olds, news),
      replaces: olds.instanceId !== news.instanceId ? ["instanceId"] : [],
      deleteBeforeReplace: false,
    });
  },
  async update(_id: string, _olds: NumberRoutingOutputs, news: NumberRoutingInputs) {
    return { outs: await applyRouting(await connectIn(news.region), news, realPace()) };
  },
  async read(id: string, props: NumberRoutingOutputs) {
    return { id, props: await readRouting(await connectIn(props.region), props, realPace()) };
  },
  delete() {
    return Promise.resolve();
  },
};

export class NumberRouting extends pulumi.dynamic.Resource {
  declare public readonly ringing: pulumi.Output<Record<string, string>>;

  constructor(
    name: string,
    args: { [K in keyof NumberRoutingInputs]: pulumi.Input<NumberRoutingInputs[K]> },
    opts?: pulumi.CustomResourceOptions,
  ) {
    super(
      numberRoutingProvider,
      name,
      { ...args, ringing: undefined },
      opts,
      "customerchannel",
      "NumberRouting",
    );
  }
}
