/** How a stack's config becomes its caller authentication, and the flows it needs. */
import type * as pulumi from "@pulumi/pulumi";
import { callerAuthMode } from "../../lib/fidelity/regions";
import type { RegionRefs, StackFacts } from "../shared/stackFacts";
import type { AuthConfig } from "./config";
import { VoiceIdAuth } from "./voiceIdAuth";

/** What the caller-auth wiring reads of the stack config. */
export type AuthStack = StackFacts & { readonly auth: AuthConfig };

/** The caller-authentication flows for the configured provider (entry flow last). */
export const authFlows = (cfg: { readonly auth: AuthConfig }): string[] =>
  cfg.auth.provider === "voice-id"
    ? ["auth-enrol", "auth-verify", "auth-voiceid"]
    : ["auth-enrol", "auth-verify"];

/** Caller authentication in this stack's region, on this stack's (or the replica's) instance. */
export function deployAuth(
  cfg: AuthStack,
  region: RegionRefs,
  opts: pulumi.ComponentResourceOptions,
): VoiceIdAuth {
  return new VoiceIdAuth(
    `${cfg.stack}-auth`,
    {
      region: cfg.region,
      provider: cfg.auth.provider,
      instanceId: region.instanceId,
      instanceArn: region.instanceArn,
      aliasPrefix: `${cfg.project}/${cfg.stack}`,
      logsKeyArn: region.logsKeyArn,
      logRetentionDays: cfg.logRetentionDays,
      lockout: {
        maxFailures: cfg.auth.maxFailures,
        windowMinutes: cfg.auth.windowMinutes,
        lockoutMinutes: cfg.auth.lockoutMinutes,
        sourceMaxFailures: cfg.auth.sourceMaxFailures,
        sourceLockoutMinutes: cfg.auth.sourceLockoutMinutes,
        globalFailuresPer5Minutes: cfg.auth.globalFailuresPer5Minutes,
      },
      stepUpOriginationArn: cfg.auth.stepUpOriginationArn,
      lexRoleSuffix: `${cfg.project}-${cfg.stack}`,
      lex: callerAuthMode(cfg.region) === "lex",
    },
    opts,
  );
}

export const authOutputs = (auth: VoiceIdAuth) => ({
  callerAuthFunctionArn: auth.functionArn,
  callerAuthBotId: auth.botId,
  callerAuthBotAliasArn: auth.botAliasArn,
  callerAuthTable: auth.tableName,
});
