/**
 * TelephoneBanking (customerchannel:selfService:TelephoneBanking, both stacks): the function the
 * flows invoke for balances, recent transactions and card suspension, reaching the bank's
 * CoreBanking gateway with a token it reads from Secrets Manager; Connect may invoke it from this
 * stack's instance only.
 */
import * as pulumi from "@pulumi/pulumi";
import { letConnectInvoke } from "../shared/connectInvoke";
import { NodeFunction } from "../shared/nodeFunction";
import type { FunctionVpc } from "../shared/policies";
import { telephoneBankingPolicy } from "./policies";

export const TELEPHONE_BANKING_TOKEN = "customerchannel:selfService:TelephoneBanking";
export const TELEPHONE_BANKING_FUNCTION = "customerchannel-telephone-banking";

export interface TelephoneBankingArgs {
  readonly region: string;
  readonly instanceId: pulumi.Input<string>;
  readonly instanceArn: pulumi.Input<string>;
  readonly logsKeyArn: pulumi.Input<string>;
  readonly logRetentionDays: number;
  readonly endpoint: string;
  readonly secretArn: string;
  readonly secretKeyArn: string;
  readonly timeoutMs: number;
  readonly deadlineMs: number;
  readonly concurrency: number;
  readonly vpc?: FunctionVpc;
}

export class TelephoneBanking extends pulumi.ComponentResource {
  public readonly functionArn: pulumi.Output<string>;
  /**
   * The ARN flows invoke, with the region written $.AwsRegion: a mirrored flow runs in both
   * regions and each has its own function of the same name. Resolves once Connect may invoke it.
   */
  public readonly flowFunctionArn: pulumi.Output<string>;

  constructor(name: string, args: TelephoneBankingArgs, opts?: pulumi.ComponentResourceOptions) {
    super(TELEPHONE_BANKING_TOKEN, name, {}, opts);
    const p = { parent: this };
    const fn = new NodeFunction(
      `${name}-function`,
      {
        region: args.region,
        functionName: TELEPHONE_BANKING_FUNCTION,
        entry: "functions/self-service/index.ts",
        description: "Telephone banking for contact flows (balance, transactions, card suspension)",
        environment: {
          CORE_BANKING_ENDPOINT: args.endpoint,
          CORE_BANKING_SECRET_ARN: args.secretArn,
          TIMEOUT_MS: String(args.timeoutMs),
          DEADLINE_MS: String(args.deadlineMs),
        },
        statements: telephoneBankingPolicy(args),
        logsKeyArn: args.logsKeyArn,
        envKeyArn: args.logsKeyArn,
        logRetentionDays: args.logRetentionDays,
        reservedConcurrency: args.concurrency,
        // Connect waits at most 8 s for a function; the adapter's deadline fits inside this.
        timeoutSeconds: 7,
        memoryMb: 256,
        vpc: args.vpc,
      },
      p,
    );
    this.functionArn = fn.arn;
    this.flowFunctionArn = letConnectInvoke(name, fn, args, p).flowArn;
    this.registerOutputs({ functionArn: this.functionArn });
  }
}
