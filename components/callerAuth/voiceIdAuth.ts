import * as aws from "@pulumi/aws";
// Only the services used: the package's index loads all of its ~300 services (0.4 s of every
// plan, test process and \`pulumi up\`), each service's index loads its resources lazily.
import * as awsVoiceId from "@pulumi/aws-native/voiceid";
import * as pulumi from "@pulumi/pulumi";
import { FAILURE_LOG_LINE } from "../../functions/caller-auth/handler";
import { TABLE_KEY } from "../../functions/caller-auth/store";
import { callerAuthBotLocale, stepUpBotLocale } from "./callerAuthBot";
import { encryptedTable } from "../shared/encryptedStores";
import { lexBot } from "../shared/lexBot";
import { createHmacKey, createKmsKey } from "../shared/kmsKey";
import { letConnectInvoke } from "../shared/connectInvoke";
import { NodeFunction } from "../shared/nodeFunction";
import { callerAuthPolicy } from "./policies";
import { VoiceIdAssociation } from "./voiceIdAssociation";
import { watch } from "../shared/watch";

export const VOICE_ID_AUTH_TOKEN = "customerchannel:auth:VoiceIdAuth";

/** Same in both regions: mirrored flows call the function by name with `$.AwsRegion`. */
export const CALLER_AUTH_FUNCTION = "customerchannel-caller-auth";
export const CALLER_AUTH_BOT = "customerchannel-caller-auth";
/** The chat step-up's one-time-code bot (where an SMS sender is configured). */
export const CALLER_AUTH_CODE_BOT = "customerchannel-caller-auth-code";
export const CALLER_AUTH_TABLE = "customerchannel-caller-auth";

export interface VoiceIdAuthArgs {
  readonly region: string;
  /** knowledge: customer number + birth date (+ enrolled caller number); voice-id: Voice ID first. */
  readonly provider: "knowledge" | "voice-id";
  readonly instanceId: pulumi.Input<string>;
  /** The instance ARN in this region (a replica's ARN names the replica region). */
  readonly instanceArn: pulumi.Input<string>;
  /** Alias prefix for the CMK, e.g. `customerchannel/tokyo`. */
  readonly aliasPrefix: string;
  /** CMK of the region's log groups. */
  readonly logsKeyArn: pulumi.Input<string>;
  readonly logRetentionDays: number;
  readonly lockout: {
    readonly maxFailures: number;
    readonly windowMinutes: number;
    readonly lockoutMinutes: number;
    readonly sourceMaxFailures: number;
    readonly sourceLockoutMinutes: number;
    readonly globalFailuresPer5Minutes: number;
  };
  /**
   * End User Messaging SMS origination identity (phone number, sender id or pool ARN, this
   * region) for chat's one-time codes; without it a chat's knowledge check ends
   * StepUpUnavailable and the agent verifies further.
   */
  readonly stepUpOriginationArn?: string;
  /** Service-linked role suffix for the Lex bot; IAM is global, so one per stack. */
  readonly lexRoleSuffix: string;
  /**
   * Whether Lex V2 exists in the region (lib/fidelity/regions.ts). Default true. Without it (Osaka)
   * no bot is created and the function tells the flows to ask by keypad (authInput "keypad"):
   * customer number and birth date as DTMF entries, verified by the same function. Chat has no
   * keypad, so a chat in such a region reaches an agent unverified.
   */
  readonly lex?: boolean;
  /** Parallel verifications at most (each ~100 ms of scrypt). Default 50. */
  readonly reservedConcurrency?: number;
}

/**
 * Caller authentication for one region: the customer verification table, the caller-auth
 * function, the ja_JP Lex bot that collects customer number and birth date, and their wiring into
 * the Connect instance (bot association with a resource policy scoped to the instance; Lambda
 * association and invoke permission scoped to the instance). With `provider: voice-id`, also a
 * Voice ID domain and its association (refused by config unless the end of support is
 * acknowledged). Each region gets its own bot and function with the same names: Connect does not
 * replicate Lex or Lambda.
 */
export class VoiceIdAuth extends pulumi.ComponentResource {
  public readonly functionArn: pulumi.Output<string>;
  public readonly functionName: pulumi.Output<string>;
  /** `arn:<partition>:lambda:$.AwsRegion:<account>:function:<name>`: what the flows call. */
  public readonly flowFunctionArn: pulumi.Output<string>;
  public readonly tableName: pulumi.Output<string>;
  public readonly tableArn: pulumi.Output<string>;
  public readonly keyArn: pulumi.Output<string>;
  public readonly botId: pulumi.Output<string>;
  public readonly botAliasArn: pulumi.Output<string>;
  public readonly voiceIdDomainId?: pulumi.Output<string>;

  constructor(name: string, args: VoiceIdAuthArgs, opts?: pulumi.ComponentResourceOptions) {
    super(VOICE_ID_AUTH_TOKEN, name, {}, opts);
    const p = { parent: this };
    const region = args.region;
    const identity = aws.getCallerIdentityOutput({}, p);
    const partition = aws.getPartitionOutput({}, p).partition;

    // --- Customer verification data: its own key, so access to it is granted separately.
    const { key } = createKmsKey(
      `${name}-key`,
      {
        region,
        description: `Caller authentication data (${region}): hashed birth dates, enrolled numbers, consent records`,
        alias: `${args.aliasPrefix}/caller-auth`,
      },
      p,
    );
    const table = encryptedTable(
      `${name}-customers`,
      {
        region,
        tableName: CALLER_AUTH_TABLE,
        kmsKeyArn: key.arn,
        hashKey: TABLE_KEY,
        // Failure budgets and the 5-minute failure counts go by themselves (customers never do).
        ttlAttribute: "expiresAt",
      },
      p,
    );
    // The key of the function's references (logs, budget keys, Voice ID speaker ids): HMAC in
    // KMS, never exported; the function derives its reference key from it once per cold start.
    const { key: refKey } = createHmacKey(
      `${name}-ref-key`,
      {
        region,
        description: `Caller authentication references (${region}): keyed HMAC of customer and caller numbers`,
        alias: `${args.aliasPrefix}/caller-auth-ref`,
      },
      p,
    );

    // --- The bot (only where Lex V2 exists). Lex V2 needs a role: its service-linked role, so
    // no policy of ours is involved.
    const lexRole = args.lex === false ? undefined : this.lexRole(name, args);
    const lex = lexRole
      ? lexBot(
          name,
          {
            botName: CALLER_AUTH_BOT,
            description:
              "本人確認: お客さま番号と生年月日を伺う (Connect から呼ばれる; コードフックなし)",
            locale: callerAuthBotLocale(),
            role: lexRole,
            instanceArn: args.instanceArn,
            accountId: identity.accountId,
          },
          p,
        )
      : undefined;
    // Chat's one-time code: only where Lex exists and an SMS sender is configured.
    const codeBot =
      lexRole && args.stepUpOriginationArn
        ? lexBot(
            `${name}-code`,
            {
              botName: CALLER_AUTH_CODE_BOT,
              description: "本人確認コード: SMSで送ったワンタイムコードを伺う (コードフックなし)",
              locale: stepUpBotLocale(),
              role: lexRole,
              instanceArn: args.instanceArn,
              accountId: identity.accountId,
            },
            p,
          )
        : undefined;
    if (!lex)
      void pulumi.log.warn(
        `${args.region} has no Lex V2 endpoint (docs.aws.amazon.com/general/latest/gr/lex.html): no caller-auth bot here; voice callers authenticate by keypad (customer number and birth date), chats reach agents unverified`,
        this,
      );

    // --- The function the flows invoke.
    const failureAlarm = Math.max(1, Math.floor(args.lockout.globalFailuresPer5Minutes / 5));
    const fn = new NodeFunction(
      `${name}-function`,
      {
        region,
        functionName: CALLER_AUTH_FUNCTION,
        entry: "functions/caller-auth/index.ts",
        description: "Caller authentication for contact flows (lookup, verify, enrol, opt-out)",
        environment: {
          TABLE_NAME: table.name,
          // "" where the region has no Lex: the function then tells the flows to use the keypad.
          LEX_ALIAS_ARN: lex?.alias.arn ?? "",
          // "" without a code bot: chats then end StepUpUnavailable instead of asking a code.
          CODE_LEX_ALIAS_ARN: codeBot?.alias.arn ?? "",
          MAX_FAILURES: String(args.lockout.maxFailures),
          WINDOW_MINUTES: String(args.lockout.windowMinutes),
          LOCKOUT_MINUTES: String(args.lockout.lockoutMinutes),
          SOURCE_MAX_FAILURES: String(args.lockout.sourceMaxFailures),
          SOURCE_LOCKOUT_MINUTES: String(args.lockout.sourceLockoutMinutes),
          GLOBAL_FAILURES_PER_5_MINUTES: String(args.lockout.globalFailuresPer5Minutes),
          REF_KEY_ARN: refKey.arn,
          STEP_UP_ORIGINATION: args.stepUpOriginationArn ?? "",
        },
        statements: pulumi
          .all([table.arn, key.arn, refKey.arn])
          .apply(([tableArn, keyArn, refKeyArn]) =>
            callerAuthPolicy({
              tableArn,
              keyArn,
              refKeyArn,
              stepUpOriginationArn: args.stepUpOriginationArn,
              region,
            }),
          ),
        logsKeyArn: args.logsKeyArn,
        envKeyArn: key.arn,
        logRetentionDays: args.logRetentionDays,
        reservedConcurrency: args.reservedConcurrency ?? 50,
        // Connect waits at most 8 s; a cold start plus one scrypt fits well inside 7.
        timeoutSeconds: 7,
        // scrypt N=2^15 needs 32 MiB; more memory also means more CPU, so faster hashes.
        memoryMb: 512,
      },
      p,
    );
    // Failed verifications of all callers: an alarm at a fifth of the rate that pauses them.
    watch({
      kind: "logEvent",
      id: `${name}-verification-failures`,
      logGroupName: fn.logGroupName,
      pattern: `"${FAILURE_LOG_LINE}"`,
      description: `Caller verification failed ${failureAlarm} times in 5 minutes (guessing? verification pauses at ${args.lockout.globalFailuresPer5Minutes})`,
      threshold: failureAlarm,
    });
    const invoke = letConnectInvoke(
      name,
      fn,
      { region, instanceId: args.instanceId, instanceArn: args.instanceArn },
      p,
    );

    // --- Voice ID (end of support 2026-05-20; config refuses it unless acknowledged).
    if (args.provider === "voice-id") {
      const domain = new awsVoiceId.Domain(
        `${name}-voiceid`,
        {
          name: `${CALLER_AUTH_BOT}-voiceid`,
          description: "Voice ID speakers and fraudsters (end of support 2026-05-20)",
          serverSideEncryptionConfiguration: { kmsKeyId: key.arn },
        },
        p,
      );
      new VoiceIdAssociation(
        `${name}-voiceid-association`,
        {
          region,
          instanceId: args.instanceId,
          domainArn: pulumi.interpolate`arn:${partition}:voiceid:${region}:${identity.accountId}:domain/${domain.domainId}`,
        },
        p,
      );
      this.voiceIdDomainId = domain.domainId;
    }

    this.functionArn = fn.arn;
    this.functionName = fn.name;
    // Resolves only once the function may be invoked by the instance and the bot is associated,
    // so flows that use it are created after their dependencies exist.
    this.flowFunctionArn = pulumi
      .all([invoke.flowArn, lex?.association.id])
      .apply(([flowArn]) => flowArn);
    this.tableName = table.name;
    this.tableArn = table.arn;
    this.keyArn = key.arn;
    this.botId = lex?.bot.awsId ?? pulumi.output("");
    this.botAliasArn = lex?.alias.arn ?? pulumi.output("");
    this.registerOutputs({ functionArn: this.functionArn, botAliasArn: this.botAliasArn });
  }

  /** The ja_JP bot, its version and alias, the alias policy and the Connect association. */
  private lexRole(name: string, args: VoiceIdAuthArgs) {
    return new aws.iam.ServiceLinkedRole(
      `${name}-lex`,
      {
        awsServiceName: "lexv2.amazonaws.com",
        customSuffix: args.lexRoleSuffix,
        description: `Lex V2 bots ${CALLER_AUTH_BOT}* (${args.region})`,
      },
      { parent: this },
    );
  }
}
