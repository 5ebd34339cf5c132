/**
 * What a reviewer needs to see of each resource in the plan: the security-relevant inputs only,
 * summarised per type (encryption, public access, retention, IAM actions and resources, ...).
 * Pure, so the plan's text and JSON forms show the same facts and tests can assert them.
 */
import type { RecordedResource } from "./offline";

export type Facts = Record<string, string | number | boolean | string[]>;

type Statement = {
  Sid?: string;
  Effect?: string;
  Action?: string | string[];
  Resource?: string | string[];
  Principal?: unknown;
};

const list = (v: unknown): string[] => (v === undefined ? [] : Array.isArray(v) ? v.map(String) : [String(v)]);

const statements = (policy: unknown): Statement[] => {
  if (typeof policy !== "string") return [];
  try {
    const d = JSON.parse(policy) as { Statement?: Statement[] };
    return d.Statement ?? [];
  } catch {
    return [];
  }
};

const principalOf = (p: unknown): string =>
  p === "*" ? "*" : p && typeof p === "object" ? Object.values(p as Record<string, unknown>).flatMap(list).join("|") : "";

/** `Sid: Effect actions on resources` lines, the form auditors read. */
export const summariseStatements = (policy: unknown): string[] =>
  statements(policy).map((s) => {
    const principal = s.Principal === undefined ? "" : ` principal=${principalOf(s.Principal)}`;
    const resources = s.Resource === undefined ? "" : ` on ${list(s.Resource).join(",")}`;
    return `${s.Sid ?? "(no Sid)"}: ${s.Effect} ${list(s.Action).join(",")}${principal}${resources}`;
  });

const get = (o: unknown, ...path: (string | number)[]): unknown =>
  path.reduce<unknown>((v, k) => (v && typeof v === "object" ? (v as Record<string | number, unknown>)[k] : undefined), o);

/** Security-relevant inputs of one resource, by type. */
export function securityFacts(r: RecordedResource): Facts {
  const i = r.inputs;
  switch (r.type) {
    case "aws:kms/key:Key":
      return {
        rotation: i.enableKeyRotation === true,
        rotationPeriodInDays: Number(i.rotationPeriodInDays),
        deletionWindowInDays: Number(i.deletionWindowInDays),
        keyPolicy: summariseStatements(i.policy),
      };
    case "aws:kms/alias:Alias":
      return { alias: String(i.name) };
    case "aws:s3/bucket:Bucket":
      return { forceDestroy: i.forceDestroy === true };
    case "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock":
      return {
        blockPublicAcls: i.blockPublicAcls === true,
        blockPublicPolicy: i.blockPublicPolicy === true,
        ignorePublicAcls: i.ignorePublicAcls === true,
        restrictPublicBuckets: i.restrictPublicBuckets === true,
      };
    case "aws:s3/bucketOwnershipControls:BucketOwnershipControls":
      return { objectOwnership: String(get(i, "rule", "objectOwnership")) };
    case "aws:s3/bucketVersioning:BucketVersioning":
      return { versioning: String(get(i, "versioningConfiguration", "status")) };
    case "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": {
      const d = get(i, "rules", 0, "applyServerSideEncryptionByDefault");
      const key = get(d, "kmsMasterKeyId");
      return {
        sseAlgorithm: String(get(d, "sseAlgorithm")),
        ...(key ? { kmsKey: String(key) } : {}),
        bucketKeyEnabled: get(i, "rules", 0, "bucketKeyEnabled") === true,
      };
    }
    case "aws:s3/bucketLogging:BucketLogging":
      return { accessLogsTo: `${String(i.targetBucket)}/${String(i.targetPrefix)}` };
    case "aws:s3/bucketPolicy:BucketPolicy":
      return { statements: summariseStatements(i.policy) };
    case "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration":
      return {
        rules: ((i.rules as Record<string, unknown>[]) ?? []).map((rule) => {
          const parts = [String(rule.id)];
          const tr = get(rule, "transitions", 0);
          if (tr) parts.push(`→${String(get(tr, "storageClass"))}@${String(get(tr, "days"))}d`);
          const exp = get(rule, "expiration", "days");
          if (exp) parts.push(`expire@${String(exp)}d`);
          const nc = get(rule, "noncurrentVersionExpiration", "noncurrentDays");
          if (nc) parts.push(`noncurrent@${String(nc)}d`);
          return parts.join(" ");
        }),
      };
    case "aws:s3/bucketReplicationConfig:BucketReplicationConfig": {
      const rule = get(i, "rules", 0);
      return {
        destination: String(get(rule, "destination", "bucket")),
        replicaKmsKey: String(get(rule, "destination", "encryptionConfiguration", "replicaKmsKeyId")),
        deleteMarkerReplication: String(get(rule, "deleteMarkerReplication", "status")),
        kmsObjects: String(get(rule, "sourceSelectionCriteria", "sseKmsEncryptedObjects", "status")),
        replicaModifications: String(get(rule, "sourceSelectionCriteria", "replicaModifications", "status")),
        replicationTimeControl: String(get(rule, "destination", "replicationTime", "status") ?? "Disabled"),
      };
    }
    case "aws:iam/role:Role":
      return {
        trust: summariseStatements(i.assumeRolePolicy),
        ...(i.maxSessionDuration ? { maxSessionDuration: Number(i.maxSessionDuration) } : {}),
      };
    case "aws:iam/rolePolicy:RolePolicy":
      return { statements: summariseStatements(i.policy) };
    case "aws:iam/samlProvider:SamlProvider":
      return { name: String(i.name) };
    case "aws:connect/instance:Instance":
      return {
        alias: String(i.instanceAlias),
        identityManagementType: String(i.identityManagementType),
        contactFlowLogsEnabled: i.contactFlowLogsEnabled === true,
        contactLensEnabled: i.contactLensEnabled === true,
        inboundCallsEnabled: i.inboundCallsEnabled === true,
        outboundCallsEnabled: i.outboundCallsEnabled === true,
      };
    case "aws:connect/instanceStorageConfig:InstanceStorageConfig": {
      const sc = i.storageConfig;
      const s3 = get(sc, "s3Config");
      return {
        resourceType: String(i.resourceType),
        storageType: String(get(sc, "storageType")),
        ...(s3
          ? {
              destination: `s3://${String(get(s3, "bucketName"))}/${String(get(s3, "bucketPrefix"))}`,
              encryption: `${String(get(s3, "encryptionConfig", "encryptionType"))} ${String(get(s3, "encryptionConfig", "keyId"))}`,
            }
          : { destination: String(get(sc, "kinesisFirehoseConfig", "firehoseArn")) }),
      };
    }
    case "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream":
      return {
        streamEncryption: `${String(get(i, "serverSideEncryption", "keyType"))} ${String(get(i, "serverSideEncryption", "keyArn"))}`,
        s3Encryption: String(get(i, "extendedS3Configuration", "kmsKeyArn")),
        errorLogging: get(i, "extendedS3Configuration", "cloudwatchLoggingOptions", "enabled") === true,
      };
    case "aws:cloudwatch/logGroup:LogGroup":
      return { logGroup: String(i.name), retentionInDays: Number(i.retentionInDays), kmsKey: String(i.kmsKeyId) };
    case "aws:cloudwatch/logResourcePolicy:LogResourcePolicy":
      return { statements: summariseStatements(i.policyDocument) };
    case "aws:cloudwatch/eventRule:EventRule":
      return { eventPattern: String(i.eventPattern) };
    case "aws:cloudwatch/eventTarget:EventTarget":
      return { target: String(i.arn) };
    case "aws:connect/hoursOfOperation:HoursOfOperation":
      return {
        name: String(i.name),
        timeZone: String(i.timeZone),
        schedule: ((i.configs as Record<string, unknown>[]) ?? []).map(
          (c) =>
            `${String(c.day).slice(0, 3)} ${[get(c, "startTime"), get(c, "endTime")]
              .map((t) => `${String(get(t, "hours")).padStart(2, "0")}:${String(get(t, "minutes")).padStart(2, "0")}`)
              .join("-")}`,
        ),
      };
    case "aws:connect/queue:Queue":
      return { name: String(i.name), hoursOfOperationId: String(i.hoursOfOperationId) };
    case "aws:connect/routingProfile:RoutingProfile":
      return {
        name: String(i.name),
        queues: ((i.queueConfigs as Record<string, unknown>[]) ?? []).map(
          (q) => `${String(q.channel)} p${String(q.priority)} ${String(q.queueId)}`,
        ),
      };
    case "aws:connect/securityProfile:SecurityProfile":
      return { name: String(i.name), permissions: list(i.permissions) };
    case "pulumi:pulumi:StackReference":
      return { stack: String(i.name) };
    default:
      return r.type.startsWith("pulumi:providers:") && i.region ? { region: String(i.region) } : {};
  }
}
