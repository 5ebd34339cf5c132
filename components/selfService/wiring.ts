/** How a stack's config becomes its self-service reception: telephone banking, pre-screening. */
import type * as pulumi from "@pulumi/pulumi";
import { callerAuthMode } from "../../lib/fidelity/regions";
import type { RegionRefs, StackFacts } from "../shared/stackFacts";
import type { SelfServiceConfig } from "./config";
import { PreScreening } from "./preScreening";
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
      vpc: t.vpc,
    },
    opts,
  );
  return {
    outputs: { telephoneBankingFunctionArn: banking.functionArn },
    flowArn: banking.flowFunctionArn,
  };
}

/** Card-loan pre-screening, in every stack (the bot only where the region has Lex V2). */
export function deployPreScreening(
  cfg: SelfServiceStack,
  region: RegionRefs,
  opts: pulumi.ComponentResourceOptions,
): { outputs: Record<string, pulumi.Output<string>>; flowArn: pulumi.Output<string> } {
  const { retentionDays, concurrency, ...rules } = cfg.selfService.preScreening;
  const screening = new PreScreening(
    `${cfg.stack}-prescreen`,
    {
      region: cfg.region,
      aliasPrefix: `${cfg.project}/${cfg.stack}`,
      instanceId: region.instanceId,
      instanceArn: region.instanceArn,
      logsKeyArn: region.logsKeyArn,
      logRetentionDays: cfg.logRetentionDays,
      rules,
      retentionDays,
      concurrency,
      lex: callerAuthMode(cfg.region) === "lex",
      lexRoleSuffix: `${cfg.project}-${cfg.stack}-prescreen`,
    },
    opts,
  );
  return {
    outputs: {
      preScreenFunctionArn: screening.functionArn,
      preScreenTable: screening.tableName,
    },
    flowArn: screening.flowFunctionArn,
  };
}
