/**
 * What lets a contact flow call a function: Connect's permission to invoke it, from this one
 * instance of this account only (`sourceArn`, `sourceAccount`), and the function's association
 * with the instance, which the flow designer and InvokeLambdaFunction need.
 */
import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";

export function letConnectInvoke(
  name: string,
  a: {
    readonly region: pulumi.Input<string>;
    readonly functionName: pulumi.Input<string>;
    readonly functionArn: pulumi.Input<string>;
    readonly instanceId: pulumi.Input<string>;
    readonly instanceArn: pulumi.Input<string>;
    readonly accountId: pulumi.Input<string>;
  },
  opts: pulumi.CustomResourceOptions,
) {
  const permission = new aws.lambda.Permission(
    `${name}-connect-invoke`,
    {
      region: a.region,
      action: "lambda:InvokeFunction",
      function: a.functionName,
      principal: "connect.amazonaws.com",
      sourceArn: a.instanceArn,
      sourceAccount: a.accountId,
    },
    opts,
  );
  const association = new aws.connect.LambdaFunctionAssociation(
    `${name}-function-association`,
    { region: a.region, instanceId: a.instanceId, functionArn: a.functionArn },
    opts,
  );
  return { permission, association };
}
