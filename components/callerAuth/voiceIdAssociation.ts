/**
 * Associates a Voice ID domain with a Connect instance (CreateIntegrationAssociation, type
 * VOICE_ID). Neither CloudFormation's AWS::Connect::IntegrationAssociation nor the classic
 * provider offers this type, so this dynamic resource calls the Connect API. Only the voice-id
 * provider uses it, and only with the end of support acknowledged (Voice ID ended 2026-05-20).
 */
import {
  ConnectClient,
  CreateIntegrationAssociationCommand,
  DeleteIntegrationAssociationCommand,
  ListIntegrationAssociationsCommand,
} from "@aws-sdk/client-connect";
import * as pulumi from "@pulumi/pulumi";

export interface VoiceIdAssociationInputs {
  readonly region: string;
  readonly instanceId: string;
  readonly domainArn: string;
}

export interface VoiceIdAssociationOutputs extends VoiceIdAssociationInputs {
  readonly integrationAssociationId: string;
}

export async function createVoiceIdAssociation(
  client: ConnectClient,
  i: VoiceIdAssociationInputs,
): Promise<VoiceIdAssociationOutputs> {
  const r = await client.send(
    new CreateIntegrationAssociationCommand({
      InstanceId: i.instanceId,
      IntegrationType: "VOICE_ID",
      IntegrationArn: i.domainArn,
    }),
  );
  if (!r.IntegrationAssociationId) {
    throw new Error(`CreateIntegrationAssociation returned no id for ${i.domainArn}`);
  }
  return { ...i, integrationAssociationId: r.IntegrationAssociationId };
}

/** Finds the association again (refresh); undefined when it is gone. */
export async function readVoiceIdAssociation(
  client: ConnectClient,
  o: VoiceIdAssociationOutputs,
): Promise<VoiceIdAssociationOutputs | undefined> {
  let token: string | undefined;
  do {
    const r = await client.send(
      new ListIntegrationAssociationsCommand({
        InstanceId: o.instanceId,
        IntegrationType: "VOICE_ID",
        NextToken: token,
      }),
    );
    const found = r.IntegrationAssociationSummaryList?.find(
      (a) => a.IntegrationAssociationId === o.integrationAssociationId,
    );
    if (found) return { ...o, domainArn: found.IntegrationArn ?? o.domainArn };
    token = r.NextToken;
  } while (token);
  return undefined;
}

export async function deleteVoiceIdAssociation(
  client: ConnectClient,
  o: VoiceIdAssociationOutputs,
): Promise<void> {
  try {
    await client.send(
      new DeleteIntegrationAssociationCommand({
        InstanceId: o.instanceId,
        IntegrationAssociationId: o.integrationAssociationId,
      }),
    );
  } catch (e) {
    // Already gone (deleted in the console, or with the instance): nothing left to do.
    if ((e as { name?: string }).name !== "ResourceNotFoundException") throw e;
  }
}

/** A plain object (named functions, no class expression) so Pulumi can serialise it. */
export const voiceIdAssociationProvider: pulumi.dynamic.ResourceProvider = {
  async create(inputs: VoiceIdAssociationInputs) {
    const { ConnectClient: Client } = await import("@aws-sdk/client-connect");
    const outs = await createVoiceIdAssociation(new Client({ region: inputs.region }), inputs);
    return { id: outs.integrationAssociationId, outs };
  },
  diff(_id: string, olds: VoiceIdAssociationOutputs, news: VoiceIdAssociationInputs) {
    const replaces = (["region", "instanceId", "domainArn"] as const).filter(
      (k) => olds[k] !== news[k],
    );
    return Promise.resolve({ changes: replaces.length > 0, replaces, deleteBeforeReplace: true });
  },
  async read(id: string, props: VoiceIdAssociationOutputs) {
    const { ConnectClient: Client } = await import("@aws-sdk/client-connect");
    const found = await readVoiceIdAssociation(new Client({ region: props.region }), props);
    // An empty id tells Pulumi the resource no longer exists.
    return found ? { id, props: found } : { id: "", props: {} };
  },
  async delete(_id: string, props: VoiceIdAssociationOutputs) {
    const { ConnectClient: Client } = await import("@aws-sdk/client-connect");
    await deleteVoiceIdAssociation(new Client({ region: props.region }), props);
  },
};

export class VoiceIdAssociation extends pulumi.dynamic.Resource {
  public readonly integrationAssociationId!: pulumi.Output<string>;

  constructor(
    name: string,
    args: { [K in keyof VoiceIdAssociationInputs]: pulumi.Input<VoiceIdAssociationInputs[K]> },
    opts?: pulumi.CustomResourceOptions,
  ) {
    super(
      voiceIdAssociationProvider,
      name,
      { ...args, integrationAssociationId: undefined },
      opts,
      "customerchannel",
      "VoiceIdAssociation",
    );
  }
}
