/** How a stack's config becomes its self-service reception (telephone banking, for now). */
import type * as pulumi from "@pulumi/pulumi";
import type { RegionRefs, StackFacts } from "../shared/stackFacts";
import type { SelfServiceConfig } from "./config";
import { TelephoneBanking } from "./telephoneBanking";

export type SelfServiceStack = StackFacts & { readonly selfService: SelfServiceConfig };

/** Telephone banking when the config names a CoreBanking gateway; nothing otherwise. */
export function deployTelephoneBanking(
  cfg: SelfServiceStack,
  region: RegionRefs,
  opts: pulumi.ComponentResourceOptions,
): { outputs: Record<string, pulumi.Output<string>>; flowArn?: pulumi.Output<string> } {
  const t = cfg.selfService.telephoneBanking;
  if (!t) return { outputs: {} };
  const banking = new TelephoneBanking(
    `${cfg.stack}-telephone-banking`,
    {
      region: cfg.region,
      instanceId: region.instanceId,
      instanceArn: region.instanceArn,
      logsKeyArn: region.logsKeyArn,
      logRetentionDays: cfg.logRetentionDays,
      endpoint: t.endpoint,
      secretArn: t.secretArn,
      secretKeyArn: t.secretKeyArn,
      timeoutMs: t.timeoutMs,
      deadlineMs: t.deadlineMs,
      concurrency: t.concurrency,
    },
    opts,
  );
  return {
    outputs: { telephoneBankingFunctionArn: banking.functionArn },
    flowArn: banking.flowFunctionArn,
  };
}
