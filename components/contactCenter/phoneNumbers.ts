/**
 * The phone numbers a stack claims (customerchannel:connect:PhoneNumbers): tokyo's numbers, which
 * with Global Resiliency sit in the replica's traffic distribution group and ring in both regions,
 * or a standalone dr's own numbers.
 *
 * A claimed number is hard to get back: releasing and re-claiming more than 200% of the number
 * quota in 180 days blocks claims, and callers know the number. So every claim is protected
 * (`pulumi state unprotect` is the deliberate way out), and the claims are chained one after
 * another because parallel claims can take the same number (terraform-provider-aws #45572).
 * Moving numbers from the instance to the group is an in-place UpdatePhoneNumber, not a new claim.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { PhoneNumbersConfig } from "./config";

import type { ClaimedNumber } from "../shared/drConnect";
export type { ClaimedNumber };

export const PHONE_NUMBERS_TOKEN = "customerchannel:connect:PhoneNumbers";

export interface PhoneNumbersArgs {
  readonly region: string;
  /** Instance ARN, or the traffic distribution group ARN once the replica exists. */
  readonly targetArn: pulumi.Input<string>;
  readonly instanceId: pulumi.Input<string>;
  readonly numbers: PhoneNumbersConfig;
  /**
   * Flow ids by template name. Given: each number is associated with its configured flow here.
   * Omitted: the caller routes the numbers (a standalone dr's Failover points them at the standby
   * or the live flow).
   */
  readonly flowIds?: Readonly<Record<string, pulumi.Input<string>>>;
}

export class PhoneNumbers extends pulumi.ComponentResource {
  public readonly numbers: pulumi.Output<ClaimedNumber[]>;

  constructor(name: string, args: PhoneNumbersArgs, opts?: pulumi.ComponentResourceOptions) {
    super(PHONE_NUMBERS_TOKEN, name, {}, opts);
    let previous: aws.connect.PhoneNumber | undefined;
    const claimed = Object.entries(args.numbers).map(([key, n]) => {
      const number = new aws.connect.PhoneNumber(
        `${name}-${key}`,
        {
          region: args.region,
          targetArn: args.targetArn,
          countryCode: n.countryCode,
          type: n.type,
          prefix: n.prefix,
          description: n.description,
          tags: { Name: key, Flow: n.flow },
        },
        { parent: this, protect: true, dependsOn: previous ? [previous] : [] },
      );
      previous = number;
      const flowId = args.flowIds?.[n.flow];
      if (args.flowIds && flowId === undefined)
        throw new Error(`phone number ${key}: no flow ${n.flow} in this stack`);
      if (flowId !== undefined) {
        new aws.connect.PhoneNumberContactFlowAssociation(
          `${name}-${key}-flow`,
          {
            region: args.region,
            instanceId: args.instanceId,
            phoneNumberId: number.id,
            contactFlowId: flowId,
          },
          {
            parent: this,
            // Connect drops a number's flow association when the number moves between an
            // instance and a group (UpdatePhoneNumber): re-associate whenever the target changes.
            // Delete first, or the replacement's Disassociate would undo its own Associate.
            replacementTrigger: args.targetArn,
            deleteBeforeReplace: true,
          },
        );
      }
      return pulumi
        .all([number.phoneNumber, number.arn, number.id])
        .apply(([address, arn, id]) => ({ name: key, address, arn, id, flow: n.flow }));
    });
    this.numbers = pulumi.all(claimed);
    this.registerOutputs({ numbers: this.numbers });
  }
}
