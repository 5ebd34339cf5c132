/**
 * EventBridge events kept in an encrypted log group with retention: the group, the resource
 * policy that lets EventBridge write to it, the rule and its target. One `id` names all four.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { eventsToLogsResourcePolicy } from "./policies";

export interface EventLogArgs {
  readonly region: string;
  readonly logGroupName: string;
  readonly policyName: string;
  readonly retentionInDays: number;
  readonly kmsKeyArn: pulumi.Input<string>;
  readonly description: string;
  readonly eventPattern: pulumi.Input<string>;
}

export function eventLog(
  id: string,
  a: EventLogArgs,
  parent: pulumi.Resource,
): { rule: aws.cloudwatch.EventRule; logGroup: aws.cloudwatch.LogGroup } {
  const p = { parent };
  const logGroup = new aws.cloudwatch.LogGroup(
    id,
    {
      region: a.region,
      name: a.logGroupName,
      retentionInDays: a.retentionInDays,
      kmsKeyId: a.kmsKeyArn,
    },
    p,
  );
  const policy = new aws.cloudwatch.LogResourcePolicy(
    id,
    {
      region: a.region,
      policyName: a.policyName,
      policyDocument: logGroup.arn.apply((arn) =>
        JSON.stringify(eventsToLogsResourcePolicy([arn])),
      ),
    },
    p,
  );
  const rule = new aws.cloudwatch.EventRule(
    id,
    { region: a.region, description: a.description, eventPattern: a.eventPattern },
    p,
  );
  new aws.cloudwatch.EventTarget(
    id,
    { region: a.region, rule: rule.name, arn: logGroup.arn },
    { parent, dependsOn: [policy] },
  );
  return { rule, logGroup };
}
