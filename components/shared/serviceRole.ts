/**
 * An IAM role that one AWS service of this account assumes, with its one inline policy: the pair
 * every component here creates for Lambda, Firehose, S3 replication, Step Functions, Scheduler
 * and API Gateway. Role and policy share the name, so the plan reads them together.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { assumeRolePolicy, type PolicyDocument } from "./policies";

export interface ServiceRoleArgs {
  /** The service principal, e.g. lambda.amazonaws.com. */
  readonly service: string;
  readonly description: pulumi.Input<string>;
  readonly accountId: pulumi.Input<string>;
  /** What the role may do (least privilege, no `*` actions). */
  readonly policy: pulumi.Input<PolicyDocument>;
}

export function serviceRole(
  name: string,
  a: ServiceRoleArgs,
  opts: pulumi.CustomResourceOptions,
): { role: aws.iam.Role; policy: aws.iam.RolePolicy } {
  const role = new aws.iam.Role(
    name,
    {
      description: a.description,
      assumeRolePolicy: pulumi
        .output(a.accountId)
        .apply((acct) => JSON.stringify(assumeRolePolicy(a.service, acct))),
    },
    opts,
  );
  const policy = new aws.iam.RolePolicy(
    name,
    { role: role.id, policy: pulumi.output(a.policy).apply((d) => JSON.stringify(d)) },
    opts,
  );
  return { role, policy };
}
