/**
 * What lets a contact flow call a function: Connect's permission to invoke it, from this one
 * instance of this account only (`sourceArn`, `sourceAccount`), and the function's association
 * with the instance, which the flow designer and InvokeLambdaFunction need.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** The account of an ARN (`arn:<partition>:<service>:<region>:<account>:...`), e.g. the instance's. */
export const accountOfArn = (arn: pulumi.Input<string>): pulumi.Output<string> =>
  pulumi.output(arn).apply((a) => a.split(":")[4]);

/** A Lambda ARN with its region written $.AwsRegion: one flow text serves both regions. */
export const regionNeutralArn = (arn: string) =>
  arn
    .split(":")
    .map((part, i) => (i === 3 ? "$.AwsRegion" : part))
    .join(":");

export function letConnectInvoke(
  name: string,
  fn: { readonly name: pulumi.Input<string>; readonly arn: pulumi.Input<string> },
  at: {
    readonly region: pulumi.Input<string>;
    readonly instanceId: pulumi.Input<string>;
    /** `arn:<partition>:connect:<region>:<account>:instance/<id>`: also names the account. */
    readonly instanceArn: pulumi.Input<string>;
  },
  opts: pulumi.CustomResourceOptions,
) {
  const permission = new aws.lambda.Permission(
    `${name}-connect-invoke`,
    {
      region: at.region,
      action: "lambda:InvokeFunction",
      function: fn.name,
      principal: "connect.amazonaws.com",
      sourceArn: at.instanceArn,
      sourceAccount: accountOfArn(at.instanceArn),
    },
    opts,
  );
  const association = new aws.connect.LambdaFunctionAssociation(
    `${name}-function-association`,
    { region: at.region, instanceId: at.instanceId, functionArn: fn.arn },
    opts,
  );
  return {
    permission,
    association,
    /**
     * The ARN flows invoke (region $.AwsRegion: a mirrored flow runs in both regions, each with
     * its own function of the same name); resolves once Connect may invoke it, so flows that
     * use it are created after.
     */
    flowArn: pulumi
      .all([fn.arn, permission.id, association.id])
      .apply(([arn]) => regionNeutralArn(arn)),
  };
}
