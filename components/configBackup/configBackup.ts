/**
 * ConfigBackup (customerchannel:backup:ConfigBackup, both stacks): scheduled snapshots of the
 * Connect configuration (functions/config-backup) in a versioned, CMK-encrypted bucket that
 * replicates to the backup vault.
 *
 *   EventBridge Scheduler (daily by default, Asia/Tokyo) → Step Functions loop → exporter Lambda,
 *   re-invoked with the snapshot id while it answers CONTINUE (large instances outgrow one
 *   15-minute invocation) → `snapshots/<instanceId>/<snapshotId>/` with a manifest.
 *
 * A snapshot with missing collections ends the execution in the Fail state, and a schedule that
 * cannot start the execution lands in a dead-letter queue: Monitoring's alarms watch both, so a
 * gap in the backups is never silent.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { EXPORT_ACTIONS } from "../../functions/config-backup/collections";
import type { VaultTarget } from "../shared/backupVault";
import { encryptedQueue } from "../shared/encryptedStores";
import { createKmsKey, createSigningKey } from "../shared/kmsKey";
import { NodeFunction } from "../shared/nodeFunction";
import { doc, queuePolicy } from "../shared/policies";
import { configBackupPolicy } from "./policies";
import { serviceRole } from "../shared/serviceRole";
import { PrivateBucket } from "../shared/privateBucket";
import { replicateToVault } from "../shared/vaultReplication";
import { watch } from "../shared/watch";

export const CONFIG_BACKUP_TOKEN = "customerchannel:backup:ConfigBackup";

export interface ConfigBackupArgs {
  readonly region: string;
  /** `customerchannel/<stack>`: prefix of key aliases. */
  readonly aliasPrefix: string;
  readonly instanceId: pulumi.Input<string>;
  readonly instanceArn: pulumi.Input<string>;
  readonly vault: VaultTarget;
  /** The region's access-log bucket (server access logs of the backup bucket go there). */
  readonly accessLogBucket: pulumi.Input<string>;
  readonly logsKeyArn: pulumi.Input<string>;
  readonly logRetentionDays: number;
  /** EventBridge Scheduler expression. */
  readonly schedule: string;
  readonly scheduleTimezone: string;
  /** Days a snapshot stays in the regional bucket (the vault keeps its own copy). */
  readonly retentionDays: number;
  readonly noncurrentVersionExpirationDays: number;
  /** Connect requests per second per API the exporter allows itself (Connect's default: 2). */
  readonly requestsPerSecond: number;
}

/** The state machine: export, loop while the exporter answers CONTINUE, fail on a gap. */
export const stateMachineDefinition = (functionArn: string) =>
  JSON.stringify({
    Comment: "Connect configuration snapshot (customerchannel ConfigBackup)",
    StartAt: "Export",
    States: {
      Export: {
        Type: "Task",
        Resource: "arn:aws:states:::lambda:invoke",
        Parameters: { FunctionName: functionArn, "Payload.$": "$" },
        OutputPath: "$.Payload",
        Retry: [
          {
            ErrorEquals: [
              "Lambda.ServiceException",
              "Lambda.AWSLambdaException",
              "Lambda.SdkClientException",
              "Lambda.TooManyRequestsException",
            ],
            IntervalSeconds: 10,
            MaxAttempts: 3,
            BackoffRate: 2,
          },
        ],
        Next: "Finished?",
      },
      "Finished?": {
        Type: "Choice",
        Choices: [
          { Variable: "$.status", StringEquals: "CONTINUE", Next: "Export" },
          { Variable: "$.status", StringEquals: "DONE", Next: "Snapshot complete" },
        ],
        Default: "Snapshot incomplete",
      },
      "Snapshot complete": { Type: "Succeed" },
      "Snapshot incomplete": {
        Type: "Fail",
        Error: "ConfigBackupIncomplete",
        Cause: "The snapshot's manifest lists collections that could not be exported",
      },
    },
  });

export class ConfigBackup extends pulumi.ComponentResource {
  public readonly bucketName: pulumi.Output<string>;
  public readonly bucketArn: pulumi.Output<string>;
  public readonly stateMachineArn: pulumi.Output<string>;
  public readonly functionName: pulumi.Output<string>;
  /** The key whose signature a restore requires (output configBackupSigningKeyArn). */
  public readonly signingKeyArn: pulumi.Output<string>;

  constructor(name: string, args: ConfigBackupArgs, opts?: pulumi.ComponentResourceOptions) {
    super(CONFIG_BACKUP_TOKEN, name, {}, opts);
    const p = { parent: this };
    const region = args.region;
    const identity = aws.getCallerIdentityOutput({}, p);
    const { key } = createKmsKey(
      `${name}-key`,
      {
        region,
        description: `Connect configuration backups (${region})`,
        alias: `${args.aliasPrefix}/${region}/config-backup`,
      },
      p,
    );
    // Signs every finished manifest; a restore trusts a snapshot only with this key's signature.
    const { key: signingKey } = createSigningKey(
      `${name}-signing-key`,
      {
        region,
        description: `Connect configuration snapshot signatures (${region})`,
        alias: `${args.aliasPrefix}/${region}/config-backup-signing`,
      },
      p,
    );
    const bucket = new PrivateBucket(
      `${name}-bucket`,
      {
        region,
        dataClass: "config-backup",
        encryption: { kind: "kms", keyArn: key.arn },
        accessLogs: { bucket: args.accessLogBucket, prefix: "config-backups/" },
        noncurrentVersionExpirationDays: args.noncurrentVersionExpirationDays,
        lifecycleRules: [
          {
            id: "snapshots-expire",
            status: "Enabled",
            filter: { prefix: "snapshots/" },
            expiration: { days: args.retentionDays },
          },
        ],
        protect: true,
      },
      p,
    );
    replicateToVault(
      { roleName: `${name}-replication`, configName: `${name}-bucket` },
      {
        region,
        source: bucket,
        sourceKeyArn: key.arn,
        vault: args.vault,
        what: `${region} configuration backups`,
        replicationTimeControl: true,
        accountId: identity.accountId,
      },
      this,
    );

    const fn = new NodeFunction(
      `${name}-exporter`,
      {
        region,
        functionName: "customerchannel-config-backup",
        entry: "functions/config-backup/index.ts",
        description: "Exports the Connect configuration to the backup bucket",
        environment: {
          BACKUP_BUCKET: bucket.bucketName,
          INSTANCE_ID: args.instanceId,
          INSTANCE_ARN: args.instanceArn,
          REQUESTS_PER_SECOND: String(args.requestsPerSecond),
          SAFETY_MARGIN_MS: "60000",
          SIGNING_KEY_ARN: signingKey.arn,
        },
        statements: pulumi
          .all([args.instanceArn, bucket.arn, key.arn, signingKey.arn])
          .apply(([instanceArn, bucketArn, keyArn, signingKeyArn]) =>
            configBackupPolicy({
              actions: EXPORT_ACTIONS,
              instanceArn,
              bucketArn,
              keyArn,
              signingKeyArn,
              region,
            }),
          ),
        logsKeyArn: args.logsKeyArn,
        envKeyArn: key.arn,
        logRetentionDays: args.logRetentionDays,
        // One export at a time: two would share (and halve) the same per-API quota.
        reservedConcurrency: 1,
        timeoutSeconds: 900,
        memoryMb: 512,
      },
      p,
    );

    // Step Functions: invoke the exporter, nothing else. Its state ({snapshotId, status}) holds
    // no customer data, so the service's own encryption is enough; the manifest is the record.
    const { role: machineRole } = serviceRole(
      `${name}-machine`,
      {
        service: "states.amazonaws.com",
        description: "Config backup state machine: invokes the exporter",
        accountId: identity.accountId,
        policy: fn.arn.apply((arn) =>
          doc({
            Sid: "InvokeExporter",
            Effect: "Allow",
            Action: ["lambda:InvokeFunction"],
            Resource: [arn, `${arn}:*`],
          }),
        ),
      },
      p,
    );
    const machine = new aws.sfn.StateMachine(
      `${name}-machine`,
      {
        region,
        name: `customerchannel-config-backup`,
        type: "STANDARD",
        roleArn: machineRole.arn,
        definition: fn.arn.apply(stateMachineDefinition),
      },
      p,
    );

    // The schedule: retried for an hour, then kept in a dead-letter queue.
    const dlq = encryptedQueue(
      `${name}-schedule-dlq`,
      { region, queueName: "customerchannel-config-backup-dlq", kmsKeyArn: key.arn },
      p,
    );
    new aws.sqs.QueuePolicy(
      `${name}-schedule-dlq`,
      {
        region,
        queueUrl: dlq.url,
        policy: dlq.arn.apply((arn) => JSON.stringify(queuePolicy(arn))),
      },
      p,
    );
    const { role: schedulerRole } = serviceRole(
      `${name}-scheduler`,
      {
        service: "scheduler.amazonaws.com",
        description: "Config backup schedule: starts the state machine",
        accountId: identity.accountId,
        policy: pulumi.all([machine.arn, dlq.arn, key.arn]).apply(([sm, q, k]) =>
          doc(
            {
              Sid: "StartBackup",
              Effect: "Allow",
              Action: ["states:StartExecution"],
              Resource: sm,
            },
            { Sid: "DeadLetter", Effect: "Allow", Action: ["sqs:SendMessage"], Resource: q },
            {
              Sid: "DeadLetterKey",
              Effect: "Allow",
              Action: ["kms:GenerateDataKey", "kms:Decrypt"],
              Resource: k,
              Condition: { StringEquals: { "kms:ViaService": `sqs.${region}.amazonaws.com` } },
            },
          ),
        ),
      },
      p,
    );
    new aws.scheduler.Schedule(
      `${name}-schedule`,
      {
        region,
        name: "customerchannel-config-backup",
        description: "Connect configuration snapshot",
        scheduleExpression: args.schedule,
        scheduleExpressionTimezone: args.scheduleTimezone,
        flexibleTimeWindow: { mode: "OFF" },
        target: {
          arn: machine.arn,
          roleArn: schedulerRole.arn,
          input: "{}",
          retryPolicy: { maximumRetryAttempts: 10, maximumEventAgeInSeconds: 3600 },
          deadLetterConfig: { arn: dlq.arn },
        },
      },
      p,
    );

    // Monitoring alarms on failed and timed-out executions; the dead-letter queue registered
    // itself (a schedule that could not start a snapshot).
    watch({ kind: "stateMachine", id: `${name}-machine`, arn: machine.arn });

    this.bucketName = bucket.bucketName;
    this.bucketArn = bucket.arn;
    this.stateMachineArn = machine.arn;
    this.functionName = fn.name;
    this.signingKeyArn = signingKey.arn;
    this.registerOutputs({
      bucketName: this.bucketName,
      stateMachineArn: this.stateMachineArn,
      functionName: this.functionName,
    });
  }
}
