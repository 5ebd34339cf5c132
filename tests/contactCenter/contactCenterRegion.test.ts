/** ContactCenterRegion in both roles: instance, storage, streams, routing, federation. */
import { expect } from "chai";
import {
  BackupVault,
  CONTACT_CENTER_REGION_TOKEN,
  ContactCenterRegion,
  vaultTarget,
  type ContactCenterRegionArgs,
} from "../../components";
import { DEFAULT_HOURS, DEFAULT_QUEUES } from "../../config";
import { S3 } from "../support/buckets";
import { failureOf, Recorded, runProgram, stackConfig } from "../support/harness";

describe("ContactCenterRegion (primary)", () => {
  let rec: Recorded;
  const cfg = stackConfig("tokyo");
  const args = (vault: BackupVault): ContactCenterRegionArgs => ({
    region: "ap-northeast-1",
    aliasPrefix: "customerchannel/tokyo",
    instance: { kind: "create", alias: "bank-cc", identityType: "SAML" },
    saml: { kind: "create", metadataXml: cfg.saml!.metadataXml, sessionDurationSeconds: 28800 },
    routing: cfg.routing,
    vault: vaultTarget(vault),
    storage: {
      recordingsTransitionDays: 90,
      recordingsExpirationDays: 3650,
      noncurrentVersionExpirationDays: 365,
      accessLogExpirationDays: 731,
    },
    logRetentionDays: 731,
  });
  before(async () => {
    rec = await runProgram(() => {
      const vault = new BackupVault("vault", {
        region: "ap-northeast-3",
        aliasPrefix: "customerchannel/tokyo",
        transitionDays: 0,
        noncurrentVersionExpirationDays: 365,
        accessLogExpirationDays: 731,
      });
      new ContactCenterRegion("tokyo", args(vault));
    });
  });

  it("creates a SAML instance with inbound, outbound, Contact Lens and flow logs on", () => {
    expect(rec.get(CONTACT_CENTER_REGION_TOKEN, "tokyo").custom).to.equal(false);
    expect(rec.get("aws:connect/instance:Instance", "tokyo-instance").inputs).to.deep.equal({
      region: "ap-northeast-1",
      instanceAlias: "bank-cc",
      identityManagementType: "SAML",
      inboundCallsEnabled: true,
      outboundCallsEnabled: true,
      contactLensEnabled: true,
      contactFlowLogsEnabled: true,
      autoResolveBestVoicesEnabled: true,
      earlyMediaEnabled: true,
      multiPartyConferenceEnabled: false,
    });
  });

  it("stores recordings, transcripts and reports under per-region prefixes with the data CMK", () => {
    const dataKey = String(rec.get("aws:kms/key:Key", "tokyo-data-key").state.arn);
    const bucket = String(rec.get(`${S3}bucket:Bucket`, "tokyo-contact-data").state.bucket);
    const s3Configs = rec
      .ofType("aws:connect/instanceStorageConfig:InstanceStorageConfig")
      .filter((r) => (r.inputs.storageConfig as Record<string, unknown>).storageType === "S3");
    expect(
      s3Configs.map((r) => [
        r.inputs.resourceType,
        (r.inputs.storageConfig as Record<string, unknown>).s3Config,
      ]),
    ).to.deep.equal([
      [
        "CALL_RECORDINGS",
        {
          bucketName: bucket,
          bucketPrefix: "connect/ap-northeast-1/CallRecordings",
          encryptionConfig: { encryptionType: "KMS", keyId: dataKey },
        },
      ],
      [
        "CHAT_TRANSCRIPTS",
        {
          bucketName: bucket,
          bucketPrefix: "connect/ap-northeast-1/ChatTranscripts",
          encryptionConfig: { encryptionType: "KMS", keyId: dataKey },
        },
      ],
      [
        "SCHEDULED_REPORTS",
        {
          bucketName: bucket,
          bucketPrefix: "connect/ap-northeast-1/Reports",
          encryptionConfig: { encryptionType: "KMS", keyId: dataKey },
        },
      ],
    ]);
  });

  it("streams contact trace records through a CMK-encrypted Firehose to the region bucket", () => {
    const dataKey = String(rec.get("aws:kms/key:Key", "tokyo-data-key").state.arn);
    const stream = rec.get(
      "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream",
      "tokyo-ctr",
    );
    expect(stream.inputs.serverSideEncryption).to.deep.equal({
      enabled: true,
      keyType: "CUSTOMER_MANAGED_CMK",
      keyArn: dataKey,
    });
    const s3 = stream.inputs.extendedS3Configuration as Record<string, unknown>;
    expect(s3.kmsKeyArn).to.equal(dataKey);
    expect(s3.bucketArn).to.equal(rec.get(`${S3}bucket:Bucket`, "tokyo-contact-data").state.arn);
    expect(String(s3.prefix)).to.match(/^connect\/ap-northeast-1\/ctr\/year=/);
    expect(s3.cloudwatchLoggingOptions).to.deep.include({
      enabled: true,
      logStreamName: "DestinationDelivery",
    });
    const ctr = rec.get(
      "aws:connect/instanceStorageConfig:InstanceStorageConfig",
      "tokyo-contact-trace-records",
    );
    expect(ctr.inputs.storageConfig).to.deep.equal({
      storageType: "KINESIS_FIREHOSE",
      kinesisFirehoseConfig: { firehoseArn: stream.state.arn },
    });
  });

  it("replicates the region bucket to the vault with the vault key, without deletes", () => {
    const repl = rec.get(
      `${S3}bucketReplicationConfig:BucketReplicationConfig`,
      "tokyo-contact-data",
    );
    const rule = (repl.inputs.rules as Record<string, unknown>[])[0];
    expect(rule).to.deep.equal({
      id: "to-backup-vault",
      status: "Enabled",
      priority: 1,
      filter: {},
      deleteMarkerReplication: { status: "Disabled" },
      sourceSelectionCriteria: {
        sseKmsEncryptedObjects: { status: "Enabled" },
        replicaModifications: { status: "Enabled" },
      },
      destination: {
        bucket: rec.get(`${S3}bucket:Bucket`, "vault-bucket").state.arn,
        storageClass: "STANDARD",
        encryptionConfiguration: {
          replicaKmsKeyId: rec.get("aws:kms/key:Key", "vault-key").state.arn,
        },
        metrics: { status: "Enabled", eventThreshold: { minutes: 15 } },
        replicationTime: { status: "Enabled", time: { minutes: 15 } },
      },
    });
    expect(repl.inputs.role).to.equal(rec.get("aws:iam/role:Role", "tokyo-replication").state.arn);
    const trust = rec.policy(rec.get("aws:iam/role:Role", "tokyo-replication"), "assumeRolePolicy");
    expect(trust.Statement[0].Principal).to.deep.equal({ Service: "s3.amazonaws.com" });
    const perms = rec.policy(rec.get("aws:iam/rolePolicy:RolePolicy", "tokyo-replication"));
    expect(perms.Statement.map((s) => s.Sid)).to.deep.equal([
      "ReadReplicationConfiguration",
      "ReadSourceVersions",
      "WriteReplicasToVault",
      "DecryptSourceViaS3",
      "EncryptReplicasViaS3",
    ]);
  });

  it("federates agents only to GetFederationToken on this instance's own user", () => {
    const instanceArn = String(
      rec.get("aws:connect/instance:Instance", "tokyo-instance").state.arn,
    );
    const policy = rec.policy(rec.get("aws:iam/rolePolicy:RolePolicy", "tokyo-federation"));
    expect(policy.Statement).to.deep.equal([
      {
        Sid: "FederateOnlyAsYourself",
        Effect: "Allow",
        Action: "connect:GetFederationToken",
        Resource: `${instanceArn}/user/\${aws:userid}`,
      },
    ]);
    const role = rec.get("aws:iam/role:Role", "tokyo-federation");
    expect(role.inputs.maxSessionDuration).to.equal(28800);
    const provider = rec.get("aws:iam/samlProvider:SamlProvider", "tokyo-identity-center");
    expect(rec.policy(role, "assumeRolePolicy").Statement[0].Principal).to.deep.equal({
      Federated: provider.state.arn,
    });
    expect(provider.inputs.samlMetadataDocument).to.equal(cfg.saml!.metadataXml);
    expect(role.region).to.equal("global");
  });

  it("gives every log group its retention and the logs CMK, and pre-creates the flow log group", () => {
    const logsKey = rec.get("aws:kms/key:Key", "tokyo-logs-key");
    const groups = rec.ofType("aws:cloudwatch/logGroup:LogGroup");
    expect(groups.map((g) => g.inputs.name).sort()).to.deep.equal([
      "/aws/connect/bank-cc",
      "/aws/events/customerchannel/bank-cc/contact-events",
      "/aws/kinesisfirehose/bank-cc-ctr",
    ]);
    for (const g of groups) {
      expect(g.inputs.retentionInDays).to.equal(731);
      expect(g.inputs.kmsKeyId).to.equal(logsKey.state.arn);
    }
    expect(rec.policy(logsKey).Statement.map((s) => s.Sid)).to.include(
      "CloudWatchLogsEncryptsThisAccountsLogGroups",
    );
  });

  it("sends this instance's contact events to the audit log group", () => {
    const instanceArn = rec.get("aws:connect/instance:Instance", "tokyo-instance").state.arn;
    const rule = rec.get("aws:cloudwatch/eventRule:EventRule", "tokyo-contact-events");
    expect(JSON.parse(String(rule.inputs.eventPattern))).to.deep.equal({
      source: ["aws.connect"],
      "detail-type": ["Amazon Connect Contact Event"],
      detail: { instanceArn: [instanceArn] },
    });
    const target = rec.get("aws:cloudwatch/eventTarget:EventTarget", "tokyo-contact-events");
    expect(target.inputs.arn).to.equal(
      rec.get("aws:cloudwatch/logGroup:LogGroup", "tokyo-contact-events").state.arn,
    );
  });

  it("creates hours, queues, routing and security profiles from config, by name", () => {
    const c = rec.countsByType();
    expect(c["aws:connect/hoursOfOperation:HoursOfOperation"]).to.equal(
      Object.keys(DEFAULT_HOURS).length,
    );
    expect(c["aws:connect/queue:Queue"]).to.equal(Object.keys(DEFAULT_QUEUES).length);
    const dunning = rec.get(
      "aws:connect/hoursOfOperation:HoursOfOperation",
      "tokyo-hours-dunning",
    ).inputs;
    expect(dunning.timeZone).to.equal("Asia/Tokyo");
    expect((dunning.configs as unknown[])[0]).to.deep.equal({
      day: "MONDAY",
      startTime: { hours: 9, minutes: 0 },
      endTime: { hours: 20, minutes: 0 },
    });
    const q = rec.get("aws:connect/queue:Queue", "tokyo-queue-dunning");
    expect(q.inputs.hoursOfOperationId).to.equal(
      rec.get("aws:connect/hoursOfOperation:HoursOfOperation", "tokyo-hours-dunning").state
        .hoursOfOperationId,
    );
    const rp = rec.get(
      "aws:connect/routingProfile:RoutingProfile",
      "tokyo-routing-customer-desk",
    ).inputs;
    expect(rp.mediaConcurrencies).to.deep.equal([
      { channel: "VOICE", concurrency: 1 },
      { channel: "CHAT", concurrency: 2 },
    ]);
    expect((rp.queueConfigs as unknown[]).length).to.equal(4);
    expect(rp.defaultOutboundQueueId).to.equal(
      rec.get("aws:connect/queue:Queue", "tokyo-queue-callback").state.queueId,
    );
    const agent = rec.get(
      "aws:connect/securityProfile:SecurityProfile",
      "tokyo-security-agent",
    ).inputs;
    expect(agent.permissions).to.deep.equal([
      "BasicAgentAccess",
      "OutboundCallAccess",
      "TransferDestinations.View",
    ]);
  });

  it("rotates both regional keys and expires recordings after the transition", () => {
    for (const k of ["tokyo-data-key", "tokyo-logs-key"]) {
      expect(rec.get("aws:kms/key:Key", k).inputs.enableKeyRotation).to.equal(true);
    }
    const rules = rec.get(
      `${S3}bucketLifecycleConfiguration:BucketLifecycleConfiguration`,
      "tokyo-contact-data",
    ).inputs.rules as Record<string, unknown>[];
    expect(rules.slice(2)).to.deep.equal([
      {
        id: "recordings-to-glacier-ir",
        status: "Enabled",
        filter: { prefix: "connect/ap-northeast-1/" },
        transitions: [{ days: 90, storageClass: "GLACIER_IR" }],
      },
      {
        id: "recordings-expire",
        status: "Enabled",
        filter: { prefix: "connect/ap-northeast-1/" },
        expiration: { days: 3650 },
      },
    ]);
  });

  it("creates nothing with a wildcard action and every role policy names its resources", () => {
    for (const p of rec.ofType("aws:iam/rolePolicy:RolePolicy")) {
      for (const s of rec.policy(p).Statement) {
        for (const a of [s.Action].flat()) expect(String(a), p.name).to.not.match(/(^\*$|:\*$)/);
        expect(s.Resource, p.name).to.not.equal("*");
      }
    }
  });

  it("refuses SAML identity without SAML federation", async () => {
    const err = await failureOf(async () => {
      await runProgram(() => {
        const vault = new BackupVault("v2", {
          region: "ap-northeast-3",
          aliasPrefix: "x",
          transitionDays: 0,
          noncurrentVersionExpirationDays: 1,
          accessLogExpirationDays: 1,
        });
        const a = args(vault);
        new ContactCenterRegion("bad", { ...a, saml: undefined });
      });
    });
    expect(err).to.include("[saml] is required when [instance.identityType] is SAML");
  });
});
