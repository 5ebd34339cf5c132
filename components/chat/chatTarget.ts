/**
 * ChatTarget (dr stack): where web-portal chats start now, as one SSM parameter in the DR region,
 * read by both regions' chat backends (ChatChannel). It lives where failover is applied from, so
 * it can be flipped while the primary region is down; `pulumi up` with `failover.activeRegion`
 * writes it, and so does the drill (`npm run drill`) in the same format.
 *
 * A SecureString under its own CMK: the value names no person, but every store here is under a
 * customer-managed key, and only principals allowed to decrypt through SSM can read it.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { targetText } from "../../functions/chat-start/target";
import { createKmsKey } from "../shared/kmsKey";

export const CHAT_TARGET_TOKEN = "customerchannel:chat:ChatTarget";

export interface ChatTargetValue {
  readonly region: pulumi.Input<string>;
  readonly instanceId: pulumi.Input<string>;
  readonly contactFlowId: pulumi.Input<string>;
}

export interface ChatTargetArgs {
  readonly region: string;
  /** Alias prefix of the key, e.g. customerchannel/dr. */
  readonly aliasPrefix: string;
  /** The parameter's name, e.g. /customerchannel/dr/chat-target. */
  readonly parameterName: string;
  readonly primary: ChatTargetValue;
  readonly dr: ChatTargetValue;
  /** Which one takes chats. */
  readonly active: "primary" | "dr";
}

/** The parameter's text, in the one format functions/chat-start/target.ts reads and writes. */
const valueText = (v: ChatTargetValue): pulumi.Output<string> =>
  pulumi
    .all([v.region, v.instanceId, v.contactFlowId])
    .apply(([region, instanceId, contactFlowId]) =>
      targetText({ region, instanceId, contactFlowId }),
    );

export class ChatTarget extends pulumi.ComponentResource {
  public readonly parameterArn: pulumi.Output<string>;
  public readonly parameterName: pulumi.Output<string>;
  public readonly keyArn: pulumi.Output<string>;
  /** The region chats start in, as declared. */
  public readonly activeRegion: pulumi.Output<string>;

  constructor(name: string, args: ChatTargetArgs, opts?: pulumi.ComponentResourceOptions) {
    super(CHAT_TARGET_TOKEN, name, {}, opts);
    const { key } = createKmsKey(
      `${name}-key`,
      {
        region: args.region,
        description: "Chat target parameter (which region takes web-portal chats)",
        alias: `${args.aliasPrefix}/chat-target`,
      },
      { parent: this },
    );
    const value = args.active === "dr" ? args.dr : args.primary;
    const parameter = new aws.ssm.Parameter(
      name,
      {
        region: args.region,
        name: args.parameterName,
        description:
          "Where web-portal chats start: {region, instanceId, contactFlowId}. Written by pulumi up (failover.activeRegion) and npm run drill.",
        type: "SecureString",
        keyId: key.arn,
        tier: "Standard",
        value: valueText(value),
      },
      { parent: this },
    );
    this.parameterArn = parameter.arn;
    this.parameterName = parameter.name;
    this.keyArn = key.arn;
    this.activeRegion = pulumi.output(value.region);
    this.registerOutputs({ parameterArn: this.parameterArn });
  }
}
