/**
 * Over 500 lines on purpose: The region is one component: instance, storage, streams, routing and
 * federation are created together because each depends on the instance and its keys.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type {
  HoursConfig,
  QueuesConfig,
  RoutingProfilesConfig,
  SecurityProfilesConfig,
} from "./config";
import type { VaultTarget } from "../shared/backupVault";
import type { RegionRefs } from "../shared/stackFacts";
import { createKmsKey } from "../shared/kmsKey";
import { ReplicaInstance } from "./replicaInstance";
import { eventLog } from "../shared/eventLog";
import { replicateToVault } from "../shared/vaultReplication";
import { watch } from "../shared/watch";
import { federationPolicy, firehoseDeliveryPolicy, samlTrustPolicy } from "./policies";
import { serviceRole } from "../shared/serviceRole";
import { createAccessLogBucket, PrivateBucket } from "../shared/privateBucket";

export const CONTACT_CENTER_REGION_TOKEN = "customerchannel:connect:ContactCenterRegion";

/** The instance storage types this component always configures, with their key prefixes. */
export const STORAGE_PREFIXES = {
  CALL_RECORDINGS: "CallRecordings",
  CHAT_TRANSCRIPTS: "ChatTranscripts",
  SCHEDULED_REPORTS: "Reports",
} as const;

export type InstanceSpec =
  | {
      readonly kind: "create";
      /** Instance alias (validated by config.ts). */
      readonly alias: string;
      readonly identityType: "SAML" | "CONNECT_MANAGED" | "EXISTING_DIRECTORY";
      /** Only for EXISTING_DIRECTORY. */
      readonly directoryId?: string;
      /** Default true. */
      readonly outboundCallsEnabled?: boolean;
      /** Default true. */
      readonly contactLensEnabled?: boolean;
      /** Refuse `pulumi destroy` of the instance (its identity type can never be re-created). Default true. */
      readonly protect?: boolean;
    }
  | {
      /**
       * A Global Resiliency replica this stack creates with ReplicateInstance (ReplicaInstance
       * dynamic resource), from the primary's instance in `sourceRegion`.
       */
      readonly kind: "replica";
      readonly alias: string;
      readonly sourceRegion: pulumi.Input<string>;
      readonly sourceInstanceArn: pulumi.Input<string>;
      /** Let `pulumi destroy` delete the replica (guarded twice: protect and this flag). */
      readonly allowDelete: boolean;
    };

export type SamlSpec =
  | {
      readonly kind: "create";
      /** IAM Identity Center metadata XML. */
      readonly metadataXml: string;
      /** Role maximum session, 900-43200 seconds. */
      readonly sessionDurationSeconds: number;
    }
  | {
      /** Reuse the primary stack's provider (IAM is global); only the role is regional. */
      readonly kind: "existing";
      readonly providerArn: pulumi.Input<string>;
      readonly sessionDurationSeconds: number;
    };

export interface RoutingSpec {
  readonly hours: HoursConfig;
  readonly queues: QueuesConfig;
  readonly routingProfiles: RoutingProfilesConfig;
  readonly securityProfiles: SecurityProfilesConfig;
}

export interface ContactCenterRegionArgs {
  /** Region of the instance and of everything this component creates. */
  readonly region: string;
  /** Prefix of KMS aliases and names, e.g. `customerchannel/tokyo`. */
  readonly aliasPrefix: string;
  readonly instance: InstanceSpec;
  /** SAML federation through IAM Identity Center. Omit for CONNECT_MANAGED or EXISTING_DIRECTORY. */
  readonly saml?: SamlSpec;
  /**
   * Hours, queues, routing and security profiles. Omit for a Global Resiliency replica: Connect
   * mirrors them from the source instance.
   */
  readonly routing?: RoutingSpec;
  /**
   * Vault that receives replicas of this region's bucket. Usually another region; a dr stack in
   * the vault's own region replicates within the region (still a separate, delete-proof copy).
   */
  readonly vault: VaultTarget;
  readonly storage: {
    /** Days before objects move to Glacier Instant Retrieval; 0 = never. */
    readonly recordingsTransitionDays: number;
    /** Days before objects are deleted here; 0 = never (the vault keeps its copy regardless). */
    readonly recordingsExpirationDays: number;
    readonly noncurrentVersionExpirationDays: number;
    readonly accessLogExpirationDays: number;
  };
  /** Retention of every log group this component creates (a CloudWatch retention value). */
  readonly logRetentionDays: number;
  /** S3 Replication Time Control (15-minute SLA and metrics) on the vault rule. Default true. */
  readonly replicationTimeControl?: boolean;
}

export interface FederationOutputs {
  readonly providerArn: pulumi.Output<string>;
  readonly roleArn: pulumi.Output<string>;
  /** Relay state to enter in the IAM Identity Center application. */
  readonly relayStateUrl: pulumi.Output<string>;
  /** SAML attribute mappings an administrator enters in IAM Identity Center. */
  readonly attributeMapping: pulumi.Output<Record<string, string>>;
}

const minutes = (hhmm: string) => {
  const [h, m] = hhmm.split(":").map(Number);
  return { hours: h, minutes: m };
};

/**
 * One region of the contact center: the Connect instance (or a replica's regional pieces), its
 * keys, private buckets, storage configs, CTR stream, replication to the vault, routing objects,
 * SAML federation and an audit trail of contact events.
 */
export class ContactCenterRegion extends pulumi.ComponentResource implements RegionRefs {
  public readonly instanceId: pulumi.Output<string>;
  public readonly instanceArn: pulumi.Output<string>;
  public readonly dataKeyArn: pulumi.Output<string>;
  public readonly logsKeyArn: pulumi.Output<string>;
  public readonly bucketName: pulumi.Output<string>;
  /** The region's S3 server access log bucket (other buckets of the stack log there too). */
  public readonly accessLogBucketName: pulumi.Output<string>;
  public readonly bucketArn: pulumi.Output<string>;
  public readonly ctrStreamArn: pulumi.Output<string>;
  public readonly contactEventsLogGroup: pulumi.Output<string>;
  /** The project's event bus in this region (findings and other events the program emits). */
  public readonly eventBusName: pulumi.Output<string>;
  public readonly eventBusArn: pulumi.Output<string>;
  public readonly federation?: FederationOutputs;
  /** The replica's default traffic distribution group (replica only). */
  public readonly trafficDistributionGroupArn?: pulumi.Output<string>;
  /** Replica only: the global sign-in endpoint Connect reports for the replicated instance. */
  public readonly globalSignInEndpoint?: pulumi.Output<string>;
  /** Connect ids by config name (empty for a replica: those objects are mirrored). */
  public readonly hoursIds: Record<string, pulumi.Output<string>> = {};
  public readonly queueIds: Record<string, pulumi.Output<string>> = {};
  /** ARNs of hours and queues by config name, for flow templates (`{{hours.x}}`, `{{queue.x}}`). */
  public readonly hoursArns: Record<string, pulumi.Output<string>> = {};
  public readonly queueArns: Record<string, pulumi.Output<string>> = {};
  public readonly routingProfileIds: Record<string, pulumi.Output<string>> = {};
  public readonly securityProfileIds: Record<string, pulumi.Output<string>> = {};

  constructor(name: string, args: ContactCenterRegionArgs, opts?: pulumi.ComponentResourceOptions) {
    super(CONTACT_CENTER_REGION_TOKEN, name, {}, opts);
    const region = args.region;
    if (args.instance.kind === "create" && args.instance.identityType === "SAML" && !args.saml) {
      throw new pulumi.ResourceError(
        `[saml] is required when [instance.identityType] is SAML`,
        this,
      );
    }
    const p = { parent: this };
    const identity = aws.getCallerIdentityOutput({}, p);
    const partition = aws.getPartitionOutput({}, p).partition;

    // --- Keys: one for contact data (S3, Firehose), one for log groups.
    const data = createKmsKey(
      `${name}-data-key`,
      {
        region,
        description: `customerchannel ${region}: recordings, transcripts, reports, contact trace records`,
        alias: `${args.aliasPrefix}/${region}/data`,
      },
      p,
    ).key;
    const logsKey = createKmsKey(
      `${name}-logs-key`,
      {
        region,
        description: `customerchannel ${region}: CloudWatch log groups (flow logs, contact events, delivery errors)`,
        alias: `${args.aliasPrefix}/${region}/logs`,
        allowCloudWatchLogs: true,
      },
      p,
    ).key;

    // --- The project's own event bus: events this program emits (compliance findings, ...) stay
    // apart from the default bus's AWS service events, encrypted with a key of their own.
    const eventsKey = createKmsKey(
      `${name}-events-key`,
      {
        region,
        description: `customerchannel ${region}: the project event bus`,
        alias: `${args.aliasPrefix}/${region}/events`,
        allowServices: ["events.amazonaws.com"],
      },
      p,
    ).key;
    const bus = new aws.cloudwatch.EventBus(
      `${name}-events`,
      {
        region,
        name: `${args.aliasPrefix.replace(/\//g, "-")}-events`,
        description: "customerchannel events: compliance findings and other program events",
        kmsKeyIdentifier: eventsKey.arn,
      },
      p,
    );

    // --- Buckets: access logs (SSE-S3, required by log delivery) and contact data (CMK).
    const accessLogs = createAccessLogBucket(
      `${name}-access-logs`,
      {
        region,
        expirationDays: args.storage.accessLogExpirationDays,
        noncurrentVersionExpirationDays: args.storage.noncurrentVersionExpirationDays,
      },
      p,
    );
    const s = args.storage;
    const prefix = `connect/${region}/`;
    const contactData = new PrivateBucket(
      `${name}-contact-data`,
      {
        region,
        dataClass: "contact-data",
        encryption: { kind: "kms", keyArn: data.arn },
        accessLogs: { bucket: accessLogs.bucketName, prefix: "contact-data/" },
        noncurrentVersionExpirationDays: s.noncurrentVersionExpirationDays,
        lifecycleRules: [
          ...(s.recordingsTransitionDays > 0
            ? [
                {
                  id: "recordings-to-glacier-ir",
                  status: "Enabled",
                  filter: { prefix },
                  transitions: [{ days: s.recordingsTransitionDays, storageClass: "GLACIER_IR" }],
                },
              ]
            : []),
          ...(s.recordingsExpirationDays > 0
            ? [
                {
                  id: "recordings-expire",
                  status: "Enabled",
                  filter: { prefix },
                  expiration: { days: s.recordingsExpirationDays },
                },
              ]
            : []),
        ],
        protect: true,
      },
      p,
    );

    // --- Replication of everything in the contact-data bucket to the vault.
    replicateToVault(
      { roleName: `${name}-replication`, configName: `${name}-contact-data` },
      {
        region,
        source: contactData,
        sourceKeyArn: data.arn,
        vault: args.vault,
        what: `${region} contact data`,
        replicationTimeControl: args.replicationTimeControl ?? true,
        accountId: identity.accountId,
      },
      this,
    );

    // --- The instance: created here, or a Global Resiliency replica made by ReplicateInstance.
    const inst = args.instance;
    let instanceId: pulumi.Output<string>;
    let instanceArn: pulumi.Output<string>;
    if (inst.kind === "create") {
      const instance = new aws.connect.Instance(
        `${name}-instance`,
        {
          region,
          instanceAlias: inst.alias,
          identityManagementType: inst.identityType,
          directoryId: inst.directoryId,
          inboundCallsEnabled: true,
          outboundCallsEnabled: inst.outboundCallsEnabled ?? true,
          contactLensEnabled: inst.contactLensEnabled ?? true,
          // Invariant: every flow logs to CloudWatch (audit of what callers went through).
          contactFlowLogsEnabled: true,
          autoResolveBestVoicesEnabled: true,
          earlyMediaEnabled: true,
          multiPartyConferenceEnabled: false,
        },
        { parent: this, protect: inst.protect ?? true },
      );
      instanceId = instance.id;
      instanceArn = instance.arn;
    } else {
      const replica = new ReplicaInstance(
        `${name}-replica`,
        {
          sourceRegion: inst.sourceRegion,
          sourceInstanceArn: inst.sourceInstanceArn,
          replicaRegion: region,
          replicaAlias: inst.alias,
          allowDelete: inst.allowDelete,
        },
        { parent: this },
      );
      instanceId = replica.instanceId;
      instanceArn = replica.instanceArn;
      this.trafficDistributionGroupArn = replica.trafficDistributionGroupArn;
      this.globalSignInEndpoint = replica.globalSignInEndpoint;
    }

    // Connect writes flow logs to /aws/connect/<alias>; creating it first gives it retention and a
    // CMK instead of the never-expiring, AWS-key group Connect would create.
    new aws.cloudwatch.LogGroup(
      `${name}-flow-logs`,
      {
        region,
        name: `/aws/connect/${inst.alias}`,
        retentionInDays: args.logRetentionDays,
        kmsKeyId: logsKey.arn,
      },
      p,
    );

    // --- Instance storage: recordings, transcripts and reports to S3 with the data key.
    const storageConfigs = Object.entries(STORAGE_PREFIXES).map(
      ([resourceType, folder]) =>
        new aws.connect.InstanceStorageConfig(
          `${name}-${resourceType.toLowerCase().replace(/_/g, "-")}`,
          {
            region,
            instanceId,
            resourceType,
            storageConfig: {
              storageType: "S3",
              s3Config: {
                bucketName: contactData.bucketName,
                bucketPrefix: `${prefix}${folder}`,
                encryptionConfig: { encryptionType: "KMS", keyId: data.arn },
              },
            },
          },
          { parent: this, dependsOn: [contactData.policy] },
        ),
    );

    // --- Contact trace records: Firehose (CMK) → contact-data bucket.
    const ctrPrefix = `${prefix}ctr/`;
    const firehoseLogs = new aws.cloudwatch.LogGroup(
      `${name}-ctr-delivery-logs`,
      {
        region,
        name: `/aws/kinesisfirehose/${inst.alias}-ctr`,
        retentionInDays: args.logRetentionDays,
        kmsKeyId: logsKey.arn,
      },
      p,
    );
    const firehoseLogStream = new aws.cloudwatch.LogStream(
      `${name}-ctr-delivery-logs`,
      { region, logGroupName: firehoseLogs.name, name: "DestinationDelivery" },
      p,
    );
    const { role: firehoseRole, policy: firehosePolicy } = serviceRole(
      `${name}-ctr-firehose`,
      {
        service: "firehose.amazonaws.com",
        description: `Firehose delivery of ${region} contact trace records to S3`,
        accountId: identity.accountId,
        policy: pulumi.all([contactData.arn, data.arn, firehoseLogs.arn]).apply(([b, k, lg]) =>
          firehoseDeliveryPolicy({
            bucketArn: b,
            keyArn: k,
            region,
            logGroupArn: lg,
            prefix: ctrPrefix,
          }),
        ),
      },
      p,
    );
    const ctrStream = new aws.kinesis.FirehoseDeliveryStream(
      `${name}-ctr`,
      {
        region,
        name: `${inst.alias}-ctr`,
        destination: "extended_s3",
        serverSideEncryption: { enabled: true, keyType: "CUSTOMER_MANAGED_CMK", keyArn: data.arn },
        extendedS3Configuration: {
          roleArn: firehoseRole.arn,
          bucketArn: contactData.arn,
          prefix: `${ctrPrefix}year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/`,
          errorOutputPrefix: `${ctrPrefix}errors/!{firehose:error-output-type}/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/`,
          kmsKeyArn: data.arn,
          compressionFormat: "GZIP",
          bufferingInterval: 300,
          bufferingSize: 5,
          cloudwatchLoggingOptions: {
            enabled: true,
            logGroupName: firehoseLogs.name,
            logStreamName: firehoseLogStream.name,
          },
        },
      },
      { parent: this, dependsOn: [firehosePolicy] },
    );
    storageConfigs.push(
      new aws.connect.InstanceStorageConfig(
        `${name}-contact-trace-records`,
        {
          region,
          instanceId,
          resourceType: "CONTACT_TRACE_RECORDS",
          storageConfig: {
            storageType: "KINESIS_FIREHOSE",
            kinesisFirehoseConfig: { firehoseArn: ctrStream.arn },
          },
        },
        p,
      ),
    );

    // --- Audit trail: every contact event of this instance into an encrypted log group.
    const contactEvents = eventLog(
      `${name}-contact-events`,
      {
        region,
        logGroupName: `/aws/events/customerchannel/${inst.alias}/contact-events`,
        policyName: `${inst.alias}-contact-events-delivery`,
        retentionInDays: args.logRetentionDays,
        kmsKeyArn: logsKey.arn,
        description: `Amazon Connect contact events of ${inst.alias} (${region}) for the audit trail`,
        eventPattern: pulumi.jsonStringify({
          source: ["aws.connect"],
          "detail-type": ["Amazon Connect Contact Event"],
          detail: { instanceArn: [instanceArn] },
        }),
      },
      this,
    ).logGroup;

    // --- Routing objects (a replica gets them mirrored from its source instead).
    if (args.routing) {
      this.createRouting(name, region, instanceId, args.routing);
    }

    // --- SAML federation through IAM Identity Center.
    if (args.saml) {
      this.federation = this.createFederation(
        name,
        region,
        instanceId,
        instanceArn,
        args.saml,
        partition,
      );
    }

    this.instanceId = instanceId;
    watch({ kind: "instance", id: `${name}-instance`, instanceId });
    watch({ kind: "stream", id: `${name}-ctr`, streamName: ctrStream.name });
    this.instanceArn = instanceArn;
    this.dataKeyArn = data.arn;
    this.accessLogBucketName = accessLogs.bucketName;
    this.logsKeyArn = logsKey.arn;
    this.bucketName = contactData.bucketName;
    this.bucketArn = contactData.arn;
    this.ctrStreamArn = ctrStream.arn;
    this.contactEventsLogGroup = contactEvents.name;
    this.eventBusName = bus.name;
    this.eventBusArn = bus.arn;
    this.registerOutputs({
      instanceId: this.instanceId,
      instanceArn: this.instanceArn,
      bucketName: this.bucketName,
      ctrStreamArn: this.ctrStreamArn,
    });
  }

  private createRouting(
    name: string,
    region: string,
    instanceId: pulumi.Output<string>,
    r: RoutingSpec,
  ): void {
    const p = { parent: this };
    for (const [hn, h] of Object.entries(r.hours)) {
      const res = new aws.connect.HoursOfOperation(
        `${name}-hours-${hn}`,
        {
          region,
          instanceId,
          name: hn,
          description: h.description,
          timeZone: h.timeZone,
          configs: Object.entries(h.schedule).map(([day, range]) => {
            const [start, end] = range.split("-");
            return { day, startTime: minutes(start), endTime: minutes(end) };
          }),
        },
        p,
      );
      this.hoursIds[hn] = res.hoursOfOperationId;
      this.hoursArns[hn] = res.arn;
    }
    for (const [qn, q] of Object.entries(r.queues)) {
      const res = new aws.connect.Queue(
        `${name}-queue-${qn}`,
        {
          region,
          instanceId,
          name: qn,
          description: q.description,
          hoursOfOperationId: this.hoursIds[q.hours],
          maxContacts: q.maxContacts,
        },
        p,
      );
      this.queueIds[qn] = res.queueId;
      this.queueArns[qn] = res.arn;
      watch({ kind: "connectQueue", id: `${name}-queue-${qn}`, instanceId, queueName: qn });
    }
    for (const [rn, rp] of Object.entries(r.routingProfiles)) {
      const res = new aws.connect.RoutingProfile(
        `${name}-routing-${rn}`,
        {
          region,
          instanceId,
          name: rn,
          description: rp.description,
          defaultOutboundQueueId: this.queueIds[rp.defaultOutboundQueue],
          mediaConcurrencies: Object.entries(rp.concurrency).map(([channel, concurrency]) => ({
            channel,
            concurrency: concurrency,
          })),
          queueConfigs: rp.queues.flatMap((qc) =>
            qc.channels.map((channel) => ({
              channel,
              priority: qc.priority,
              delay: qc.delay,
              queueId: this.queueIds[qc.queue],
            })),
          ),
        },
        p,
      );
      this.routingProfileIds[rn] = res.routingProfileId;
    }
    for (const [sn, sp] of Object.entries(r.securityProfiles)) {
      const res = new aws.connect.SecurityProfile(
        `${name}-security-${sn}`,
        {
          region,
          instanceId,
          name: sn,
          description: sp.description,
          permissions: [...sp.permissions].sort(),
        },
        p,
      );
      this.securityProfileIds[sn] = res.securityProfileId;
    }
  }

  private createFederation(
    name: string,
    region: string,
    instanceId: pulumi.Output<string>,
    instanceArn: pulumi.Output<string>,
    saml: SamlSpec,
    partition: pulumi.Output<string>,
  ): FederationOutputs {
    const p = { parent: this };
    const providerArn =
      saml.kind === "create"
        ? new aws.iam.SamlProvider(
            `${name}-identity-center`,
            {
              name: `customerchannel-${name}-identity-center`,
              samlMetadataDocument: saml.metadataXml,
            },
            p,
          ).arn
        : pulumi.output(saml.providerArn);
    const role = new aws.iam.Role(
      `${name}-federation`,
      {
        description: `Agents federated from IAM Identity Center into Amazon Connect (${region})`,
        maxSessionDuration: saml.sessionDurationSeconds,
        assumeRolePolicy: providerArn.apply((a) => JSON.stringify(samlTrustPolicy(a))),
      },
      p,
    );
    new aws.iam.RolePolicy(
      `${name}-federation`,
      {
        role: role.id,
        policy: instanceArn.apply((a) => JSON.stringify(federationPolicy(a))),
      },
      p,
    );
    const consoleHost = partition.apply((part) =>
      part === "aws"
        ? `${region}.console.aws.amazon.com`
        : `${region}.console.amazonaws-us-gov.com`,
    );
    return {
      providerArn,
      roleArn: role.arn,
      relayStateUrl: pulumi.interpolate`https://${consoleHost}/connect/federate/${instanceId}`,
      attributeMapping: pulumi
        .all([role.arn, providerArn])
        .apply(([r, pa]): Record<string, string> => ({
          Subject: "${user:email} (format: emailAddress)",
          "https://aws.amazon.com/SAML/Attributes/RoleSessionName":
            "${user:email} (must equal the agent's Amazon Connect user name)",
          "https://aws.amazon.com/SAML/Attributes/Role": `${r},${pa}`,
          "https://aws.amazon.com/SAML/Attributes/SessionDuration": String(
            saml.sessionDurationSeconds,
          ),
          "Application ACS URL": "https://signin.aws.amazon.com/saml",
          "Application SAML audience": "urn:amazon:webservices",
        })),
    };
  }
}
