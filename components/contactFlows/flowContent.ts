/**
 * Workaround for pulumi-aws #6222: updating an aws.connect.ContactFlow whose content contains
 * ConnectParticipantWithLexBot or UpdateContactData fails with InvalidContactFlowException,
 * while the same content goes through UpdateContactFlowContent from the AWS CLI/SDK. The flow
 * resource therefore ignores changes to `content` after creation, and this dynamic resource puts
 * the rendered content with the SDK whenever it changes (and once after creation, so the flow
 * always holds what the template renders to).
 */
import {
  ConnectClient,
  DescribeContactFlowCommand,
  UpdateContactFlowContentCommand,
} from "@aws-sdk/client-connect";
import * as crypto from "node:crypto";
import * as pulumi from "@pulumi/pulumi";

export interface FlowContentInputs {
  readonly region: string;
  readonly instanceId: string;
  readonly contactFlowId: string;
  readonly content: string;
}

export interface FlowContentOutputs extends FlowContentInputs {
  /** SHA-256 of the content last put, so state stays small and diffs are exact. */
  readonly contentSha256: string;
}

const sha256 = (s: string) => crypto.createHash("sha256").update(s).digest("hex");

/** The one SDK call, separated so tests can drive it with a mocked client. */
export async function putFlowContent(
  client: ConnectClient,
  i: FlowContentInputs,
): Promise<FlowContentOutputs> {
  await client.send(
    new UpdateContactFlowContentCommand({
      InstanceId: i.instanceId,
      ContactFlowId: i.contactFlowId,
      Content: i.content,
    }),
  );
  return { ...i, content: "", contentSha256: sha256(i.content) };
}

/** Reads the flow back: the content hash in AWS, so drift shows in `pulumi refresh`. */
export async function readFlowContent(
  client: ConnectClient,
  i: FlowContentInputs,
): Promise<FlowContentOutputs> {
  const r = await client.send(
    new DescribeContactFlowCommand({ InstanceId: i.instanceId, ContactFlowId: i.contactFlowId }),
  );
  const content = r.ContactFlow?.Content ?? "";
  return { ...i, content: "", contentSha256: sha256(content) };
}

/** Pulumi's diff: replace on another flow, update on other content. */
export function diffFlowContent(
  olds: FlowContentOutputs,
  news: FlowContentInputs,
): pulumi.dynamic.DiffResult {
  const replaces = ["region", "instanceId", "contactFlowId"].filter(
    (k) => olds[k as keyof FlowContentInputs] !== news[k as keyof FlowContentInputs],
  );
  const changed = olds.contentSha256 !== sha256(news.content);
  return { changes: replaces.length > 0 || changed, replaces, deleteBeforeReplace: false };
}

/** A plain object (named functions, no class expression) so Pulumi can serialise it. */
export const flowContentProvider: pulumi.dynamic.ResourceProvider = {
  async create(inputs: FlowContentInputs) {
    const { ConnectClient: Client } = await import("@aws-sdk/client-connect");
    const outs = await putFlowContent(new Client({ region: inputs.region }), inputs);
    return { id: `${inputs.instanceId}:${inputs.contactFlowId}`, outs };
  },
  async update(_id: string, _olds: FlowContentOutputs, news: FlowContentInputs) {
    const { ConnectClient: Client } = await import("@aws-sdk/client-connect");
    return { outs: await putFlowContent(new Client({ region: news.region }), news) };
  },
  diff(_id: string, olds: FlowContentOutputs, news: FlowContentInputs) {
    return Promise.resolve(diffFlowContent(olds, news));
  },
  async read(id: string, props: FlowContentOutputs) {
    const { ConnectClient: Client } = await import("@aws-sdk/client-connect");
    return { id, props: await readFlowContent(new Client({ region: props.region }), props) };
  },
  // Deleting the content record leaves the flow to its own resource.
  delete() {
    return Promise.resolve();
  },
};

export class FlowContent extends pulumi.dynamic.Resource {
  declare public readonly contentSha256: pulumi.Output<string>;

  constructor(
    name: string,
    args: { [K in keyof FlowContentInputs]: pulumi.Input<FlowContentInputs[K]> },
    opts?: pulumi.CustomResourceOptions,
  ) {
    super(
      flowContentProvider,
      name,
      { ...args, contentSha256: undefined },
      opts,
      "customerchannel",
      "FlowContent",
    );
  }
}
