import { expect } from "chai";
import { Recorded, runStack } from "../support/harness";

/** Exact resource counts per stack: a change that adds or drops a resource must update these. */
const TOKYO_COUNTS: Record<string, number> = {
  "pulumi:providers:aws": 1,
  "pulumi:providers:aws-native": 1,
  "aws:kms/key:Key": 14,
  "aws:kms/alias:Alias": 14,
  "aws:s3/bucket:Bucket": 7,
  "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": 7,
  "aws:s3/bucketOwnershipControls:BucketOwnershipControls": 7,
  "aws:s3/bucketVersioning:BucketVersioning": 7,
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": 7,
  "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": 7,
  "aws:s3/bucketPolicy:BucketPolicy": 7,
  "aws:s3/bucketLogging:BucketLogging": 5,
  "aws:s3/bucketReplicationConfig:BucketReplicationConfig": 3,
  "aws:iam/role:Role": 19,
  "aws:iam/rolePolicy:RolePolicy": 19,
  "aws:iam/serviceLinkedRole:ServiceLinkedRole": 2,
  "aws:iam/samlProvider:SamlProvider": 1,
  "aws:connect/instance:Instance": 1,
  "aws:connect/instanceStorageConfig:InstanceStorageConfig": 4,
  "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream": 1,
  "aws:cloudwatch/logGroup:LogGroup": 18,
  "aws:cloudwatch/logStream:LogStream": 1,
  "aws:cloudwatch/logResourcePolicy:LogResourcePolicy": 2,
  "aws:cloudwatch/eventRule:EventRule": 5,
  "aws:cloudwatch/eventTarget:EventTarget": 6,
  "aws:connect/hoursOfOperation:HoursOfOperation": 4,
  "aws:connect/queue:Queue": 6,
  "aws:connect/routingProfile:RoutingProfile": 4,
  "aws:connect/securityProfile:SecurityProfile": 2,
  "aws:connect/contactFlow:ContactFlow": 13,
  "pulumi-nodejs:dynamic/customerchannel:FlowContent": 13,
  // Caller authentication (VoiceIdAuth, knowledge provider) and telephone banking
  // (TelephoneBanking and PreScreening: their functions, roles, log groups, permissions,
  // associations, the pre-screening table, key and bot are counted in).
  "aws:dynamodb/table:Table": 4,
  // The desks' callback campaigns (CallbackOffer).
  "aws:dynamodb/tableItem:TableItem": 3,
  "aws:lambda/function:Function": 11,
  "aws:lambda/permission:Permission": 8,
  "aws:connect/lambdaFunctionAssociation:LambdaFunctionAssociation": 4,
  "aws-native:lex:Bot": 2,
  "aws-native:lex:BotVersion": 2,
  "aws-native:lex:BotAlias": 2,
  "aws-native:lex:ResourcePolicy": 2,
  "aws-native:connect:IntegrationAssociation": 2,
  // Outbound campaigns (OutboundCampaignStore): queues, dialer, recorder and the REST API.
  "aws:sqs/queue:Queue": 7,
  "aws:sqs/queuePolicy:QueuePolicy": 7,
  "aws:lambda/eventSourceMapping:EventSourceMapping": 2,
  "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig": 1,
  // With the chat API's (below): resource /chat, POST and OPTIONS, its stage and settings.
  "aws:apigateway/restApi:RestApi": 2,
  "aws:apigateway/requestValidator:RequestValidator": 1,
  "aws:apigateway/model:Model": 2,
  "aws:apigateway/resource:Resource": 5,
  "aws:apigateway/method:Method": 8,
  "aws:apigateway/integration:Integration": 8,
  "aws:apigateway/deployment:Deployment": 2,
  "aws:apigateway/stage:Stage": 2,
  "aws:apigateway/methodSettings:MethodSettings": 2,
  // One per region (ApiGatewayLogging), shared by both REST APIs.
  "aws:apigateway/account:Account": 1,
  // Compliance detection (CompliancePipeline; queues and mapping counted above).
  "aws:s3/bucketNotification:BucketNotification": 1,
  "aws:sns/topic:Topic": 2,
  "aws:sns/topicPolicy:TopicPolicy": 2,
  // The project event bus (ContactCenterRegion) and the real-time Contact Lens rule.
  "aws:cloudwatch/eventBus:EventBus": 1,
  "aws-native:connect:Rule": 1,
  // The configured number ("main") and its flow association (PhoneNumbers).
  "aws:connect/phoneNumber:PhoneNumber": 1,
  "aws:connect/phoneNumberContactFlowAssociation:PhoneNumberContactFlowAssociation": 1,
  // Configuration snapshots (ConfigBackup): the state machine, its schedule and alarms (the key,
  // bucket, replication, exporter, roles and dead-letter queue are counted above).
  "aws:sfn/stateMachine:StateMachine": 1,
  "aws:scheduler/schedule:Schedule": 1,
  // Operations (Monitoring): its topic and key, the change audit (rule, log group, reporter
  // function, dead-letter queue) counted above, one dashboard, and the alarms derived from what
  // the components registered (tests/operations/monitoring.test.ts checks each).
  "aws:cloudwatch/metricAlarm:MetricAlarm": 101,
  // One per function: throttled AWS API calls counted from its log.
  "aws:cloudwatch/logMetricFilter:LogMetricFilter": 13,
  "aws:cloudwatch/dashboard:Dashboard": 1,
  // The audit trail (AuditTrail): its key, bucket and replication are counted above.
  "aws:cloudtrail/trail:Trail": 1,
  // Web portal chat: the backend API (ChatChannel; REST API, function, role, log groups counted
  // above), its AWS WAF web ACL with association and logging, the approved origin, and the
  // portal (ChatPortal; key and bucket counted above).
  "aws:wafv2/webAcl:WebAcl": 1,
  "aws:wafv2/webAclAssociation:WebAclAssociation": 1,
  "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration": 1,
  "aws-native:connect:ApprovedOrigin": 1,
  "aws:cloudfront/distribution:Distribution": 1,
  "aws:cloudfront/originAccessControl:OriginAccessControl": 1,
  "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy": 1,
  "aws:s3/bucketObjectv2:BucketObjectv2": 4,
};

describe("stack tokyo (primary) composes from Pulumi.tokyo.yaml", () => {
  let rec: Recorded;
  before(async () => {
    rec = await runStack("tokyo");
  });

  it("registers exactly the expected resources", () => {
    expect(rec.countsByType()).to.deep.equal(TOKYO_COUNTS);
  });

  it("nests every resource under its component", () => {
    const tops = rec.resources
      .filter((r) => !r.parentUrn)
      .map((r) => `${r.type}::${r.name}`)
      .sort();
    expect(tops).to.deep.equal([
      "customerchannel:auth:VoiceIdAuth::tokyo-auth",
      "customerchannel:backup:BackupVault::vault",
      "customerchannel:backup:ConfigBackup::tokyo-config-backup",
      "customerchannel:chat:ChatChannel::tokyo-chat",
      "customerchannel:chat:ChatPortal::tokyo-chat-portal",
      "customerchannel:compliance:CompliancePipeline::tokyo-compliance",
      "customerchannel:connect:ContactCenterRegion::tokyo",
      "customerchannel:connect:ContactFlows::tokyo-flows",
      "customerchannel:connect:PhoneNumbers::tokyo-numbers",
      "customerchannel:ops:ApiGatewayLogging::tokyo-api-logs",
      "customerchannel:ops:AuditTrail::tokyo-audit",
      "customerchannel:ops:Monitoring::tokyo-monitoring",
      "customerchannel:outbound:CallbackOffer::tokyo-callback-offer",
      "customerchannel:outbound:OutboundCampaignStore::tokyo-outbound",
      "customerchannel:selfService:PreScreening::tokyo-prescreen",
      "customerchannel:selfService:TelephoneBanking::tokyo-telephone-banking",
      "pulumi:providers:aws-native::tokyo-aws-native",
      "pulumi:providers:aws::tokyo-aws",
    ]);
  });

  it("places the vault in Osaka and everything else regional in Tokyo (IAM, CloudFront global)", () => {
    for (const r of rec.resources.filter(
      (x) => x.custom && x.region && !x.type.startsWith("pulumi-nodejs:"),
    )) {
      const inVault =
        rec.childrenOf("vault").some((c) => r.parentUrn?.endsWith(`::${c.name}`)) ||
        r.name.startsWith("vault-");
      const expected = /^aws:(iam|cloudfront)\//.test(r.type)
        ? "global"
        : inVault
          ? "ap-northeast-3"
          : "ap-northeast-1";
      expect(r.region, `${r.type} ${r.name}`).to.equal(expected);
    }
  });

  it("tags every AWS resource through the provider's default tags", () => {
    const p = rec.get("pulumi:providers:aws", "tokyo-aws").inputs;
    expect(p.region).to.equal("ap-northeast-1");
    expect(JSON.parse(String(p.defaultTags))).to.deep.equal({
      tags: {
        Project: "customerchannel",
        Stack: "tokyo",
        Role: "primary",
        ManagedBy: "pulumi",
        DataClassification: "confidential",
      },
    });
  });

  it("rotates every key and encrypts every bucket (CMK, or SSE-S3 for access logs only)", () => {
    // Every encryption key rotates; KMS cannot rotate HMAC or signing keys (EnableKeyRotation):
    // caller-auth's reference key and the backup signing key (tests/callerAuth/voiceIdAuth.test.ts,
    // tests/configBackup/configBackupComponent.test.ts).
    const encrypts = (k: { inputs: Record<string, unknown> }) =>
      k.inputs.keyUsage === "ENCRYPT_DECRYPT";
    for (const k of rec.ofType("aws:kms/key:Key"))
      expect(k.inputs.enableKeyRotation, k.name).to.equal(encrypts(k));
    expect(
      rec
        .ofType("aws:kms/key:Key")
        .filter((k) => !encrypts(k))
        .map((k) => k.name)
        .sort(),
    ).to.deep.equal(["tokyo-auth-ref-key", "tokyo-config-backup-signing-key"]);
    for (const e of rec.ofType(
      "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    )) {
      const algo = (e.inputs.rules as Record<string, Record<string, string>>[])[0]
        .applyServerSideEncryptionByDefault.sseAlgorithm;
      expect(algo, e.name).to.equal(e.name.endsWith("access-logs") ? "AES256" : "aws:kms");
    }
  });

  it("exports what an admin and the dr stack need", () => {
    const o = rec.run.outputs;
    expect(o.role).to.equal("primary");
    expect(o.instanceArn).to.equal(
      rec.get("aws:connect/instance:Instance", "tokyo-instance").state.arn,
    );
    expect(o.samlRelayState).to.equal(
      `https://ap-northeast-1.console.aws.amazon.com/connect/federate/${String(o.instanceId)}`,
    );
    expect(
      (o.samlAttributeMapping as Record<string, string>)[
        "https://aws.amazon.com/SAML/Attributes/Role"
      ],
    ).to.equal(`${String(o.federationRoleArn)},${String(o.samlProviderArn)}`);
    expect(o.vaultRegion).to.equal("ap-northeast-3");
    expect(o.vaultBucketArn).to.equal(rec.get("aws:s3/bucket:Bucket", "vault-bucket").state.arn);
    expect(Object.keys(o.queueIds as object)).to.have.length(6);
  });
});

describe("stack dr (Global Resiliency replica) composes from Pulumi.dr.yaml", () => {
  let rec: Recorded;
  let tokyo: Recorded;
  before(async () => {
    tokyo = await runStack("tokyo");
    rec = await runStack("dr");
  });

  it("reads the primary through a StackReference", () => {
    expect(rec.get("pulumi:pulumi:StackReference", "primary").inputs.name).to.equal(
      "organization/customerchannel/tokyo",
    );
  });

  it("creates no instance, SAML provider or routing objects (Connect mirrors them to the replica)", () => {
    const c = rec.countsByType();
    for (const t of [
      "aws:connect/instance:Instance",
      "aws:iam/samlProvider:SamlProvider",
      "aws:connect/queue:Queue",
      "aws:connect/hoursOfOperation:HoursOfOperation",
      "aws:connect/routingProfile:RoutingProfile",
      "aws:connect/securityProfile:SecurityProfile",
    ]) {
      expect(c[t], t).to.equal(undefined);
    }
  });

  it("configures in Osaka what Connect does not replicate: storage, CTR stream, keys, audit", () => {
    const c = rec.countsByType();
    expect(c["aws:connect/instanceStorageConfig:InstanceStorageConfig"]).to.equal(4);
    expect(c["aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream"]).to.equal(1);
    // Logs, data and event-bus keys of the region, and the keys of its caller-auth, compliance,
    // configuration backups, alarm topic, chat target, the copy of the chat page and pre-screening.
    expect(c["aws:kms/key:Key"]).to.equal(12);
    for (const s of rec.ofType("aws:connect/instanceStorageConfig:InstanceStorageConfig")) {
      expect(s.region).to.equal("ap-northeast-3");
      expect(s.inputs.instanceId).to.equal(tokyo.run.outputs.instanceId);
    }
  });

  it("uses the replica's ARN (same id, DR region) for federation and the event rule", () => {
    const id = String(tokyo.run.outputs.instanceId);
    const replicaArn = `arn:aws:connect:ap-northeast-3:123456789012:instance/${id}`;
    expect(rec.run.outputs.instanceArn).to.equal(replicaArn);
    const pattern = JSON.parse(
      String(
        rec.get("aws:cloudwatch/eventRule:EventRule", "dr-contact-events").inputs.eventPattern,
      ),
    ) as {
      detail: { instanceArn: string[] };
    };
    expect(pattern.detail.instanceArn).to.deep.equal([replicaArn]);
    const fed = rec.policy(rec.get("aws:iam/rolePolicy:RolePolicy", "dr-federation"));
    expect(fed.Statement[0].Resource).to.equal(`${replicaArn}/user/\${aws:userid}`);
    const trust = rec.policy(rec.get("aws:iam/role:Role", "dr-federation"), "assumeRolePolicy");
    expect(trust.Statement[0].Principal).to.deep.equal({
      Federated: tokyo.run.outputs.samlProviderArn,
    });
  });

  it("replicates the DR bucket into tokyo's vault with tokyo's vault key", () => {
    const rule = (
      rec.get("aws:s3/bucketReplicationConfig:BucketReplicationConfig", "dr-contact-data").inputs
        .rules as Record<string, Record<string, unknown>>[]
    )[0];
    expect(rule.destination.bucket).to.equal(tokyo.run.outputs.vaultBucketArn);
    expect(rule.destination.encryptionConfiguration).to.deep.equal({
      replicaKmsKeyId: tokyo.run.outputs.vaultKeyArn,
    });
    const perms = rec.policy(rec.get("aws:iam/rolePolicy:RolePolicy", "dr-replication"));
    const enc = perms.Statement.find((s) => s.Sid === "EncryptReplicasViaS3") as {
      Condition: { StringEquals: Record<string, string> };
    };
    expect(enc.Condition.StringEquals["kms:ViaService"]).to.equal(
      "s3.ap-northeast-3.amazonaws.com",
    );
  });
});

describe("stack dr (standalone) builds a full second instance", () => {
  it("creates its own Connect-managed instance with routing objects and no SAML", async () => {
    const rec = await runStack("dr", {
      drMode: "standalone",
      region: "ap-southeast-1",
      drRegion: "ap-southeast-1",
      identityType: "CONNECT_MANAGED",
    });
    const inst = rec.get("aws:connect/instance:Instance", "dr-instance");
    expect(inst.inputs.identityManagementType).to.equal("CONNECT_MANAGED");
    expect(inst.region).to.equal("ap-southeast-1");
    expect(rec.ofType("aws:connect/queue:Queue")).to.have.length(6);
    expect(rec.ofType("aws:iam/samlProvider:SamlProvider")).to.have.length(0);
    expect(
      rec
        .ofType("aws:iam/role:Role")
        .map((r) => r.name)
        .sort(),
    ).to.deep.equal([
      // API Gateway's access-log role for the region (the chat API's stage logs through it).
      "dr-api-logs",
      "dr-auth-function",
      "dr-chat-start",
      "dr-compliance-detector",
      "dr-config-backup-exporter",
      "dr-config-backup-machine",
      "dr-config-backup-replication",
      "dr-config-backup-scheduler",
      "dr-ctr-firehose",
      "dr-monitoring-changes-reporter",
      "dr-prescreen-function",
      "dr-replication",
      "dr-telephone-banking-function",
    ]);
    // No replica and no traffic distribution: a standalone dr owns its numbers and routes them.
    expect(rec.ofType("pulumi-nodejs:dynamic/customerchannel:ReplicaInstance")).to.deep.equal([]);
    expect(rec.ofType("pulumi-nodejs:dynamic/customerchannel:TrafficDistribution")).to.deep.equal(
      [],
    );
    expect(rec.ofType("pulumi-nodejs:dynamic/customerchannel:NumberRouting")).to.have.length(1);
  });
});
