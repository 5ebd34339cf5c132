/** Config of caller authentication (VoiceIdAuth and the knowledge provider). */
import { z } from "zod";
import { PROJECT, type ConfigProblem } from "../shared/configSchema";

/** Caller authentication (VoiceIdAuth). Every field has a default, so the key may be absent. */
export const authSchema = z.strictObject({
  provider: z.enum(["knowledge", "voice-id"]).default("knowledge"),
  /** Voice ID ended on 2026-05-20: the voice-id provider is refused unless this is true. */
  voiceIdAcknowledgeEndOfSupport: z.boolean().default(false),
  /** Failed knowledge checks within the window before the customer is locked out. */
  maxFailures: z.number().int().min(1).max(10).default(3),
  windowMinutes: z.number().int().min(1).max(1440).default(30),
  lockoutMinutes: z.number().int().min(1).max(1440).default(30),
  /**
   * Failed checks one source (a caller number; a chat's source address) may make across all
   * customers within the window before the source is locked out for sourceLockoutMinutes.
   */
  sourceMaxFailures: z.number().int().min(1).max(100).default(10),
  sourceLockoutMinutes: z.number().int().min(1).max(1440).default(60),
  /**
   * Failed checks of all callers in 5 minutes after which verification pauses (callers reach an
   * agent unverified) until the next 5 minutes; an alarm fires at a fifth of it.
   */
  globalFailuresPer5Minutes: z.number().int().min(5).max(100_000).default(200),
  /**
   * Chat step-up: the AWS End User Messaging SMS origination identity in this stack's region that
   * texts one-time codes to customers' registered numbers. Without it a chat whose customer
   * number and birth date match ends StepUpUnavailable (the agent verifies further).
   */
  stepUpOriginationArn: z
    .string()
    .regex(
      /^arn:aws[-a-z]*:sms-voice:[a-z0-9-]+:\d{12}:(phone-number|sender-id|pool)\/.+$/,
      "an End User Messaging SMS phone-number, sender-id or pool ARN",
    )
    .optional(),
  /** Voice ID authentication threshold (0-100; AWS recommends 90). */
  voiceIdThreshold: z.number().int().min(0).max(100).default(90),
});

/** The day AWS ended Amazon Connect Voice ID (../shared/FACTS.md, voiceid-apis.html). */
export const VOICE_ID_END_OF_SUPPORT = "2026-05-20";

export type AuthConfig = z.output<typeof authSchema>;

/** The voice-id provider is refused after Voice ID's end of support unless acknowledged. */
export function authProblems(auth: AuthConfig, stack: string): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  if (auth.provider === "voice-id" && !auth.voiceIdAcknowledgeEndOfSupport) {
    out.push({
      key: `${PROJECT}:auth`,
      message: `auth.provider is "voice-id", but AWS ended Amazon Connect Voice ID on ${VOICE_ID_END_OF_SUPPORT}: its APIs, flow blocks and CCP widget no longer work, so callers would never be authenticated. Use the knowledge provider: pulumi config set --path '${PROJECT}:auth.provider' knowledge --stack ${stack}. Only if you run an environment where Voice ID still answers, acknowledge it: pulumi config set --path '${PROJECT}:auth.voiceIdAcknowledgeEndOfSupport' true --stack ${stack}`,
    });
  }
  return out;
}
