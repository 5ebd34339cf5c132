/**
 * What the operations alarms watch, registered by the components that create it: every Lambda
 * function (NodeFunction), every queue (encryptedQueue), the CTR stream and the vault replication
 * (ContactCenterRegion, ConfigBackup), the instance, its queues and flows, the backup state
 * machine. `Monitoring` turns the list into alarms and a dashboard, so a new function or queue
 * gets its alarms without anyone listing it.
 *
 * One list per program run: `composeStack` starts it (`startWatching`) before creating anything
 * and hands it to Monitoring last.
 */
import type * as pulumi from "@pulumi/pulumi";

export type Watched =
  | {
      readonly kind: "function";
      readonly id: string;
      readonly functionName: pulumi.Input<string>;
      readonly timeoutSeconds: number;
      /** Its log group: AWS API throttling it retried is counted from the logs. */
      readonly logGroupName: pulumi.Input<string>;
      /** Its reserved concurrency: the stack's total is checked against the account's quota. */
      readonly reservedConcurrency?: number;
    }
  | {
      readonly kind: "queue";
      readonly id: string;
      readonly queueName: pulumi.Input<string>;
      /** Dead-letter queue: any message is an alarm. Work queue: messages waiting too long. */
      readonly deadLetter: boolean;
    }
  | { readonly kind: "stream"; readonly id: string; readonly streamName: pulumi.Input<string> }
  | {
      readonly kind: "replication";
      readonly id: string;
      readonly sourceBucket: pulumi.Input<string>;
      readonly destinationBucketArn: pulumi.Input<string>;
      readonly ruleId: string;
    }
  | { readonly kind: "stateMachine"; readonly id: string; readonly arn: pulumi.Input<string> }
  | { readonly kind: "instance"; readonly id: string; readonly instanceId: pulumi.Input<string> }
  | {
      readonly kind: "connectQueue";
      readonly id: string;
      readonly instanceId: pulumi.Input<string>;
      readonly queueName: string;
    }
  | {
      /** A line a function logs that someone must look at (a metric filter counts it). */
      readonly kind: "logEvent";
      readonly id: string;
      readonly logGroupName: pulumi.Input<string>;
      /** CloudWatch Logs filter pattern, e.g. '"chat target unreadable"'. */
      readonly pattern: string;
      readonly description: string;
      /** Lines in 5 minutes that raise the alarm (default 1: every line is worth a look). */
      readonly threshold?: number;
    }
  | {
      /** A public API behind AWS WAF: a surge of requests, and visitors the rate rule blocks. */
      readonly kind: "publicApi";
      readonly id: string;
      readonly apiName: pulumi.Input<string>;
      readonly stage: string;
      readonly region: string;
      readonly webAclName: string;
      readonly rateRuleName: string;
      readonly surgePer5Minutes: number;
    }
  | {
      readonly kind: "flow";
      readonly id: string;
      readonly instanceId: pulumi.Input<string>;
      readonly flowName: string;
    };

let current: Watched[] = [];

/** A fresh list for this program run; returns it (Monitoring reads it at the end). */
export function startWatching(): Watched[] {
  current = [];
  return current;
}

/** Registers something to alarm on (ignored when no program run is collecting). */
export function watch(w: Watched): void {
  current.push(w);
}
