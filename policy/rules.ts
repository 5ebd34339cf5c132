/**
 * The FISC-aligned rules, as plain functions over resources. Importing this module starts
 * nothing: `policy/index.ts` wraps the rules in a CrossGuard PolicyPack for `pulumi preview
 * --policy-pack policy`, while `npm run plan` and the tests call `evaluate` directly on the
 * resources the program registers under mocks.
 *
 * FISC 安全対策基準 (第10版) 実務基準 items cited: 実3 stored-data protection, 実4/実7 protection
 * in transit, 実5 access control on data, 実8 authentication of users, 実10 access records,
 * 実13 protection of encryption keys, 実19 recovery of tampered configuration, 実20 protection
 * of programs, 実25 least privilege, 実39 backups.
 *
 * Over 500 lines on purpose: Every rule of the pack in one module (each is short), so the
 * CrossGuard pack and the plan evaluate the same list.
 */

import { text } from "../lib/describe";

/** A resource as both the plan (mocks) and CrossGuard can describe it. */
export interface ResourceView {
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  readonly parentUrn?: string;
  /** Inputs for resource rules; outputs where known for stack rules. Unknown values are undefined. */
  readonly props: Record<string, unknown>;
}

export interface PackConfig {
  /** Minimum CloudWatch Logs retention, days. */
  readonly minLogRetentionDays: number;
  /** Stacks whose Connect instances must be SAML (the replicated primary). */
  readonly samlRequiredStacks: readonly string[];
  /** Voice ID reached end of support on 2026-05-20; a domain is refused unless acknowledged. */
  readonly voiceIdAcknowledgeEndOfSupport: boolean;
}

export const DEFAULT_PACK_CONFIG: PackConfig = {
  minLogRetentionDays: 365,
  samlRequiredStacks: ["tokyo"],
  voiceIdAcknowledgeEndOfSupport: false,
};

/**
 * Reads a `--policy-pack-config` file: `{ "<policy name>": { enforcementLevel?, <config key>... },
 * "all"?: "<level>" }`. Every policy of this pack takes the same config, so the keys set under
 * any policy apply (the last one wins). Throws naming the bad key.
 */
export function packConfigFromFile(json: string): Partial<PackConfig> {
  const doc = JSON.parse(json) as unknown;
  if (!doc || typeof doc !== "object" || Array.isArray(doc))
    throw new Error('expected an object such as {"voice-id-acknowledged": {...}}');
  const out: Partial<Record<keyof PackConfig, unknown>> & Partial<PackConfig> = {};
  const known: Record<keyof PackConfig, (v: unknown) => boolean> = {
    minLogRetentionDays: (v) => Number.isInteger(v) && (v as number) > 0,
    samlRequiredStacks: (v) => Array.isArray(v) && v.every((x) => typeof x === "string"),
    voiceIdAcknowledgeEndOfSupport: (v) => typeof v === "boolean",
  };
  for (const [policy, settings] of Object.entries(doc as Record<string, unknown>)) {
    if (typeof settings !== "object" || settings === null) continue; // "all": "mandatory" etc.
    for (const [k, v] of Object.entries(settings as Record<string, unknown>)) {
      if (k === "enforcementLevel") continue;
      const ok = known[k as keyof PackConfig];
      if (!ok)
        throw new Error(`${policy}.${k}: unknown setting; known: ${Object.keys(known).join(", ")}`);
      if (!ok(v)) throw new Error(`${policy}.${k}: ${JSON.stringify(v)} is not a valid value`);
      (out as Record<string, unknown>)[k] = v;
    }
  }
  return out;
}

/**
 * Actions that AWS only authorises on `Resource: "*"`. An IAM statement may use `*` as its
 * resource only if every action in it is listed here (tests keep this list equal to what the
 * stacks use).
 */
export const RESOURCE_WILDCARD_ALLOWLIST: readonly string[] = [
  // The Service Authorization Reference lists no resource type for it: only "*" authorises it
  // (docs.aws.amazon.com/service-authorization/latest/reference/list_amazonconnect.html).
  "connect:StartOutboundVoiceContact",
];

export type Level = "mandatory" | "advisory";

export interface Finding {
  readonly urn: string;
  readonly message: string;
}

export interface Rule {
  readonly name: string;
  readonly description: string;
  /** FISC 実務基準 items the rule supports. */
  readonly fisc: readonly string[];
  /** What the user must still do that no rule can check. */
  readonly userMustStill: string;
  readonly level: Level;
  /** Checks one resource (its inputs); returns violation messages. */
  readonly resource?: (r: ResourceView, c: PackConfig) => string[];
  /** Checks relations between resources of the whole stack. */
  readonly stack?: (all: readonly ResourceView[], c: PackConfig) => Finding[];
}

export interface Violation extends Finding {
  readonly rule: string;
  readonly level: Level;
  readonly type: string;
  readonly name: string;
}

// ---------------------------------------------------------------------------------------------
// Helpers

type Statement = {
  Effect?: string;
  Principal?: unknown;
  Action?: unknown;
  NotAction?: unknown;
  Resource?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
};

const arr = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const get = (o: unknown, ...path: (string | number)[]): unknown =>
  path.reduce<unknown>(
    (v, k) => (v && typeof v === "object" ? (v as Record<string | number, unknown>)[k] : undefined),
    o,
  );

/** Statements of a policy given as JSON text or object; undefined when not known yet (preview). */
export function statementsOf(policy: unknown): Statement[] | undefined {
  if (policy === undefined || policy === null) return undefined;
  try {
    const doc = (typeof policy === "string" ? JSON.parse(policy) : policy) as {
      Statement?: unknown;
    };
    return arr(doc.Statement) as Statement[];
  } catch {
    return [];
  }
}

const principals = (p: unknown): string[] =>
  p === "*"
    ? ["*"]
    : p && typeof p === "object"
      ? Object.values(p).flatMap((v) => arr(v).map(String))
      : [];

const stackOf = (urn: string) => urn.split("::")[0]?.replace(/^urn:pulumi:/, "") ?? "";

const BUCKET = "aws:s3/bucket:Bucket";
export const DATA_CLASS_TAG = "customerchannel:data-class";
const dataClass = (b: ResourceView) => get(b.props, "tags", DATA_CLASS_TAG) as string | undefined;
const bucketName = (b: ResourceView) => get(b.props, "bucket") as string | undefined;

/**
 * The resources of `type` that configure bucket `b`: the same `bucket` value when both are known,
 * else the same resource name (components name a bucket's parts after the bucket, which also holds
 * in a preview where the bucket's name is still unknown).
 */
function partsOf(b: ResourceView, type: string, all: readonly ResourceView[]): ResourceView[] {
  const name = bucketName(b);
  return all.filter(
    (r) =>
      r.type === type &&
      ((name !== undefined && get(r.props, "bucket") === name) || r.name === b.name),
  );
}

function perBucket(
  all: readonly ResourceView[],
  check: (b: ResourceView) => string | undefined,
): Finding[] {
  return all
    .filter((r) => r.type === BUCKET)
    .flatMap((b) => {
      const m = check(b);
      return m ? [{ urn: b.urn, message: m }] : [];
    });
}

/** A Deny for requests without TLS on the given resource. */
const deniesInsecureTransport = (st: Statement[] | undefined) =>
  st === undefined ||
  st.some(
    (s) =>
      s.Effect === "Deny" &&
      principals(s.Principal).includes("*") &&
      String(get(s.Condition, "Bool", "aws:SecureTransport")) === "false",
  );

/** Identity policies of a resource (IAM role inline policies, role policies, managed policies). */
function identityPolicies(r: ResourceView): Statement[] | undefined {
  switch (r.type) {
    case "aws:iam/rolePolicy:RolePolicy":
    case "aws:iam/policy:Policy":
    case "aws:iam/userPolicy:UserPolicy":
    case "aws:iam/groupPolicy:GroupPolicy":
      return statementsOf(r.props.policy);
    case "aws:iam/role:Role":
      return arr(r.props.inlinePolicies).flatMap((p) => statementsOf(get(p, "policy")) ?? []);
    default:
      return undefined;
  }
}

/** SQS and SNS: encrypted with a CMK (not the AWS-managed key), and a policy that refuses non-TLS. */
function messagingEncryptedTlsOnly(m: {
  name: string;
  what: string;
  noun: string;
  type: string;
  policyType: string;
  awsManagedAlias: string;
  /** [property of the queue/topic, property of its policy] that hold the same identifier. */
  link: [string, string];
}): Rule {
  return {
    name: m.name,
    description: `Every ${m.what} is encrypted with a customer-managed KMS key and denies non-TLS access.`,
    fisc: ["実3", "実4"],
    userMustStill: "Nothing.",
    level: "mandatory",
    resource: (r) =>
      r.type === m.type &&
      (!r.props.kmsMasterKeyId || text(r.props.kmsMasterKeyId) === m.awsManagedAlias)
        ? ["kmsMasterKeyId must be a customer-managed key"]
        : [],
    stack: (all) =>
      all
        .filter((r) => r.type === m.type)
        .filter((x) => {
          const id = x.props[m.link[0]];
          const policies = all.filter(
            (p) =>
              p.type === m.policyType &&
              (p.name === x.name || (id !== undefined && p.props[m.link[1]] === id)),
          );
          return !policies.some((p) => deniesInsecureTransport(statementsOf(p.props.policy)));
        })
        .map((x) => ({
          urn: x.urn,
          message: `${m.noun} has no policy denying aws:SecureTransport false`,
        })),
  };
}

// ---------------------------------------------------------------------------------------------
// The rules

export const RULES: readonly Rule[] = [
  {
    name: "s3-public-access-blocked",
    description: "Every S3 bucket has a public access block with all four settings on.",
    fisc: ["実3", "実5"],
    userMustStill: "Turn on the account-level S3 Block Public Access as well.",
    level: "mandatory",
    resource: (r) =>
      r.type === "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
        ? ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"]
            .filter((k) => r.props[k] !== true)
            .map((k) => `${k} must be true`)
        : [],
    stack: (all) =>
      perBucket(all, (b) =>
        partsOf(b, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", all).length
          ? undefined
          : "bucket has no BucketPublicAccessBlock",
      ),
  },
  {
    name: "s3-tls-only",
    description:
      "Every S3 bucket policy denies requests that do not use TLS (aws:SecureTransport).",
    fisc: ["実4", "実7"],
    userMustStill: "Keep clients on TLS 1.2+; the policy already refuses older TLS.",
    level: "mandatory",
    stack: (all) =>
      perBucket(all, (b) => {
        const policies = partsOf(b, "aws:s3/bucketPolicy:BucketPolicy", all);
        if (!policies.length) return "bucket has no bucket policy denying non-TLS requests";
        return policies.some((p) => deniesInsecureTransport(statementsOf(p.props.policy)))
          ? undefined
          : "bucket policy does not deny requests with aws:SecureTransport false";
      }),
  },
  {
    name: "s3-versioning",
    description: "Every S3 bucket has versioning enabled.",
    fisc: ["実3", "実39"],
    userMustStill: "Decide how long old versions are kept (noncurrentVersionExpirationDays).",
    level: "mandatory",
    stack: (all) =>
      perBucket(all, (b) =>
        partsOf(b, "aws:s3/bucketVersioning:BucketVersioning", all).some(
          (v) => get(v.props, "versioningConfiguration", "status") === "Enabled",
        )
          ? undefined
          : "bucket versioning is not Enabled",
      ),
  },
  {
    name: "s3-cmk-encryption",
    description:
      "Every S3 bucket encrypts by default with a customer-managed KMS key; S3 access-log buckets (data class access-logs) may use SSE-S3 because log delivery cannot write to SSE-KMS.",
    fisc: ["実3", "実13"],
    userMustStill: "Control who may use the keys (kms:Decrypt) through IAM.",
    level: "mandatory",
    stack: (all) =>
      perBucket(all, (b) => {
        const rules = partsOf(
          b,
          "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
          all,
        ).flatMap((e) => arr(e.props.rules));
        const d = rules.map((x) => get(x, "applyServerSideEncryptionByDefault"));
        if (d.some((x) => get(x, "sseAlgorithm") === "aws:kms" && get(x, "kmsMasterKeyId")))
          return undefined;
        if (dataClass(b) === "access-logs" && d.some((x) => get(x, "sseAlgorithm") === "AES256"))
          return undefined;
        return "bucket has no default encryption with a customer-managed KMS key";
      }),
  },
  {
    name: "s3-owner-enforced",
    description: "Every S3 bucket enforces bucket-owner object ownership (ACLs disabled).",
    fisc: ["実5"],
    userMustStill: "Nothing.",
    level: "mandatory",
    stack: (all) =>
      perBucket(all, (b) =>
        partsOf(b, "aws:s3/bucketOwnershipControls:BucketOwnershipControls", all).some(
          (o) => get(o.props, "rule", "objectOwnership") === "BucketOwnerEnforced",
        )
          ? undefined
          : "bucket does not enforce BucketOwnerEnforced ownership",
      ),
  },
  {
    name: "s3-access-logging",
    description:
      "Every S3 bucket except access-log buckets logs its access to an access-log bucket.",
    fisc: ["実10"],
    userMustStill: "Review the access logs (who played or deleted a recording) regularly.",
    level: "mandatory",
    stack: (all) =>
      perBucket(all, (b) =>
        dataClass(b) === "access-logs" ||
        partsOf(b, "aws:s3/bucketLogging:BucketLogging", all).length
          ? undefined
          : "bucket has no server access logging",
      ),
  },
  {
    name: "s3-replicated-to-vault",
    description:
      "Buckets holding contact data or configuration backups replicate, re-encrypted with a KMS key, to the backup vault.",
    fisc: ["実39", "実19"],
    userMustStill: "Test restores from the vault; keep the vault in another region.",
    level: "mandatory",
    stack: (all) =>
      perBucket(all, (b) => {
        const cls = dataClass(b);
        if (cls !== "contact-data" && cls !== "config-backup") return undefined;
        const ok = partsOf(b, "aws:s3/bucketReplicationConfig:BucketReplicationConfig", all).some(
          (rc) =>
            arr(rc.props.rules).some(
              (rule) =>
                get(rule, "status") === "Enabled" &&
                get(rule, "destination", "bucket") !== undefined &&
                get(rule, "destination", "encryptionConfiguration", "replicaKmsKeyId") !==
                  undefined,
            ),
        );
        return ok ? undefined : `${cls} bucket is not replicated (with KMS) to the backup vault`;
      }),
  },
  {
    name: "kms-rotation",
    description:
      "Every customer-managed encryption KMS key rotates automatically (HMAC and signing keys, which KMS cannot rotate, excepted).",
    fisc: ["実13"],
    userMustStill:
      "Nothing for encryption keys (rotation keeps old key material for decryption); replace an HMAC or signing key on your own schedule.",
    level: "mandatory",
    resource: (r) =>
      r.type === "aws:kms/key:Key" &&
      // KMS API reference, EnableKeyRotation: "You cannot enable automatic rotation of
      // asymmetric KMS keys, HMAC KMS keys, ...". A MAC key is still a CMK with its key policy.
      r.props.keyUsage !== "GENERATE_VERIFY_MAC" &&
      r.props.keyUsage !== "SIGN_VERIFY" &&
      r.props.enableKeyRotation !== true
        ? ["enableKeyRotation must be true"]
        : [],
  },
  {
    name: "kms-no-public-principal",
    description: 'No KMS key policy allows "*" principals or the action kms:*.',
    fisc: ["実13", "実25"],
    userMustStill: "Grant key use to roles through IAM, least privilege.",
    level: "mandatory",
    resource: (r) => {
      if (r.type !== "aws:kms/key:Key") return [];
      const st = statementsOf(r.props.policy);
      if (st === undefined) return [];
      const out: string[] = [];
      for (const s of st) {
        if (s.Effect !== "Allow") continue;
        if (principals(s.Principal).includes("*")) out.push('key policy allows principal "*"');
        if (arr(s.Action).some((a) => a === "*" || a === "kms:*"))
          out.push("key policy allows kms:* (list the actions)");
      }
      return out;
    },
  },
  {
    name: "dynamodb-pitr-cmk",
    description: "Every DynamoDB table has point-in-time recovery and a customer-managed KMS key.",
    fisc: ["実3", "実13", "実39"],
    userMustStill: "Nothing.",
    level: "mandatory",
    resource: (r) => {
      if (r.type !== "aws:dynamodb/table:Table") return [];
      const out: string[] = [];
      if (get(r.props, "pointInTimeRecovery", "enabled") !== true)
        out.push("pointInTimeRecovery.enabled must be true");
      if (
        get(r.props, "serverSideEncryption", "enabled") !== true ||
        !get(r.props, "serverSideEncryption", "kmsKeyArn")
      )
        out.push("serverSideEncryption must be enabled with kmsKeyArn (a CMK)");
      return out;
    },
  },
  {
    name: "firehose-cmk",
    description: "Every Firehose delivery stream is encrypted with a customer-managed KMS key.",
    fisc: ["実3", "実13"],
    userMustStill: "Nothing.",
    level: "mandatory",
    resource: (r) =>
      r.type === "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream" &&
      !(
        get(r.props, "serverSideEncryption", "enabled") === true &&
        get(r.props, "serverSideEncryption", "keyType") === "CUSTOMER_MANAGED_CMK" &&
        get(r.props, "serverSideEncryption", "keyArn")
      )
        ? ["serverSideEncryption must use CUSTOMER_MANAGED_CMK with keyArn"]
        : [],
  },
  {
    name: "lambda-not-public",
    description:
      'No Lambda permission lets anyone invoke a function: principal "*" is refused and service principals must be scoped with sourceArn or sourceAccount.',
    fisc: ["実5", "実20"],
    userMustStill: "Nothing.",
    level: "mandatory",
    resource: (r) => {
      if (r.type !== "aws:lambda/permission:Permission") return [];
      if (r.props.principal === "*") return ['principal "*" makes the function public'];
      if (
        String(r.props.principal).endsWith(".amazonaws.com") &&
        !r.props.sourceArn &&
        !r.props.sourceAccount
      )
        return ["a service principal needs sourceArn or sourceAccount (confused deputy)"];
      return [];
    },
  },
  {
    name: "lambda-log-retention",
    description: "Every Lambda function logs to a log group this program manages (retention, KMS).",
    fisc: ["実10"],
    userMustStill: "Nothing.",
    level: "mandatory",
    stack: (all) => {
      const groups = new Set(
        all.filter((r) => r.type === "aws:cloudwatch/logGroup:LogGroup").map((g) => g.props.name),
      );
      return all
        .filter((r) => r.type === "aws:lambda/function:Function")
        .flatMap((f) => {
          const explicit = get(f.props, "loggingConfig", "logGroup");
          const group =
            explicit ??
            (f.props.name === undefined ? undefined : `/aws/lambda/${text(f.props.name)}`);
          if (group === undefined || groups.has(group)) return [];
          return [
            {
              urn: f.urn,
              message: `function logs to ${text(group)}, which this program does not create (no retention, no KMS)`,
            },
          ];
        });
    },
  },
  {
    name: "lambda-async-failure-destination",
    description:
      "Functions invoked asynchronously (EventBridge targets, S3 notifications) have a dead-letter queue or an on-failure destination.",
    fisc: ["実19"],
    userMustStill: "Watch the dead-letter queues (alarms come with the monitoring component).",
    level: "mandatory",
    stack: (all) => {
      const fns = all.filter((r) => r.type === "aws:lambda/function:Function");
      const arnOf = (f: ResourceView) => f.props.arn as string | undefined;
      const asyncTargets = new Set<unknown>([
        ...all
          .filter((r) => r.type === "aws:cloudwatch/eventTarget:EventTarget")
          .map((t) => t.props.arn),
        ...all
          .filter((r) => r.type === "aws:s3/bucketNotification:BucketNotification")
          .flatMap((n) => arr(n.props.lambdaFunctions).map((l) => get(l, "lambdaFunctionArn"))),
      ]);
      const withDestination = new Set(
        all
          .filter(
            (r) => r.type === "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig",
          )
          .filter((c) => get(c.props, "destinationConfig", "onFailure", "destination"))
          .map((c) => c.props.functionName),
      );
      return fns
        .filter((f) => arnOf(f) !== undefined && asyncTargets.has(arnOf(f)))
        .filter(
          (f) =>
            !get(f.props, "deadLetterConfig", "targetArn") &&
            !withDestination.has(f.props.name) &&
            !withDestination.has(arnOf(f)),
        )
        .map((f) => ({
          urn: f.urn,
          message: "asynchronously invoked function has no DLQ or on-failure destination",
        }));
    },
  },
  {
    name: "lambda-bounded-concurrency",
    description:
      "Lambda functions reserve (bound) their concurrency so one cannot starve the others.",
    fisc: ["実20"],
    userMustStill: "Size the reservations against the account's concurrency quota.",
    level: "advisory",
    resource: (r) =>
      r.type === "aws:lambda/function:Function" &&
      r.props.reservedConcurrentExecutions === undefined
        ? ["reservedConcurrentExecutions is not set"]
        : [],
  },
  {
    name: "log-group-retention-kms",
    description:
      "Every CloudWatch log group has a retention of at least the configured days and a KMS key.",
    fisc: ["実10", "実13"],
    userMustStill: "Export logs you must keep longer than the retention (e.g. to the vault).",
    level: "mandatory",
    resource: (r, c) => {
      if (r.type !== "aws:cloudwatch/logGroup:LogGroup") return [];
      const out: string[] = [];
      const days = r.props.retentionInDays;
      if (typeof days !== "number" || days < c.minLogRetentionDays)
        out.push(`retentionInDays must be at least ${c.minLogRetentionDays} (has ${String(days)})`);
      if (!r.props.kmsKeyId) out.push("kmsKeyId must name a customer-managed key");
      return out;
    },
  },
  messagingEncryptedTlsOnly({
    name: "sqs-kms-tls",
    what: "SQS queue",
    noun: "queue",
    type: "aws:sqs/queue:Queue",
    policyType: "aws:sqs/queuePolicy:QueuePolicy",
    awsManagedAlias: "alias/aws/sqs",
    // A queue policy names its queue by URL, a topic policy its topic by ARN.
    link: ["url", "queueUrl"],
  }),
  messagingEncryptedTlsOnly({
    name: "sns-kms-tls",
    what: "SNS topic",
    noun: "topic",
    type: "aws:sns/topic:Topic",
    policyType: "aws:sns/topicPolicy:TopicPolicy",
    awsManagedAlias: "alias/aws/sns",
    link: ["arn", "arn"],
  }),
  {
    name: "iam-no-wildcard-action",
    description: 'No IAM policy allows the action "*" or a whole service ("s3:*").',
    fisc: ["実25", "実5"],
    userMustStill: "Review the permissions of the humans who deploy this (outside this program).",
    level: "mandatory",
    resource: (r) =>
      (identityPolicies(r) ?? [])
        .filter((s) => s.Effect === "Allow")
        .flatMap((s) =>
          arr(s.Action)
            .map(String)
            .filter((a) => a === "*" || a.endsWith(":*")),
        )
        .map((a) => `allows ${a}`)
        .concat(
          (identityPolicies(r) ?? []).some((s) => s.Effect === "Allow" && s.NotAction !== undefined)
            ? ["uses NotAction with Allow"]
            : [],
        ),
  },
  {
    name: "iam-resource-wildcard-allowlist",
    description:
      'IAM policies use Resource "*" only for actions AWS authorises on nothing narrower (RESOURCE_WILDCARD_ALLOWLIST).',
    fisc: ["実25"],
    userMustStill: "Nothing.",
    level: "mandatory",
    resource: (r) =>
      (identityPolicies(r) ?? [])
        .filter((s) => s.Effect === "Allow" && arr(s.Resource).includes("*"))
        .flatMap((s) =>
          arr(s.Action)
            .map(String)
            .filter((a) => !RESOURCE_WILDCARD_ALLOWLIST.includes(a)),
        )
        .map((a) => `${a} on Resource "*" (not in the allow-list)`),
  },
  {
    name: "apigateway-method-auth",
    description:
      "Every API Gateway method requires IAM, a Lambda authorizer or Cognito; a public one (NONE) only behind an AWS WAF web ACL with a per-IP rate rule, in the same component (CORS preflight excepted).",
    fisc: ["実5", "実8"],
    userMustStill:
      "Grant execute-api:Invoke only to the callers that need it; review the WAF logs of public APIs.",
    level: "mandatory",
    stack: (all) =>
      all
        .filter(
          (r) =>
            r.type === "aws:apigateway/method:Method" &&
            r.props.httpMethod !== "OPTIONS" &&
            !["AWS_IAM", "CUSTOM", "COGNITO_USER_POOLS"].includes(String(r.props.authorization)),
        )
        .filter((m) => {
          const siblings = all.filter(
            (r) => r.parentUrn !== undefined && r.parentUrn === m.parentUrn,
          );
          const associated = siblings.some(
            (r) => r.type === "aws:wafv2/webAclAssociation:WebAclAssociation",
          );
          const perIp = siblings.some(
            (r) =>
              r.type === "aws:wafv2/webAcl:WebAcl" &&
              ((r.props.rules as Record<string, unknown>[] | undefined) ?? []).some(
                (rule) => get(rule, "statement", "rateBasedStatement", "aggregateKeyType") === "IP",
              ),
          );
          return !(associated && perIp);
        })
        .map((m) => ({
          urn: m.urn,
          message: `${m.name}: authorization is ${String(m.props.authorization)} and no AWS WAF web ACL with a per-IP rate rule is associated in its component`,
        })),
  },
  {
    name: "apigateway-access-logs",
    description: "Every API Gateway stage writes access logs.",
    fisc: ["実10"],
    userMustStill: "Nothing.",
    level: "mandatory",
    resource: (r) =>
      r.type === "aws:apigateway/stage:Stage" &&
      !get(r.props, "accessLogSettings", "destinationArn")
        ? ["accessLogSettings.destinationArn is not set"]
        : [],
  },
  {
    name: "connect-storage-kms",
    description:
      "Every Amazon Connect storage config is encrypted with KMS (S3 and Kinesis Video).",
    fisc: ["実3", "実13"],
    userMustStill: "Nothing.",
    level: "mandatory",
    resource: (r) => {
      if (r.type !== "aws:connect/instanceStorageConfig:InstanceStorageConfig") return [];
      const sc = r.props.storageConfig;
      const type = get(sc, "storageType");
      const enc =
        type === "S3"
          ? get(sc, "s3Config", "encryptionConfig")
          : type === "KINESIS_VIDEO_STREAM"
            ? get(sc, "kinesisVideoStreamConfig", "encryptionConfig")
            : { encryptionType: "KMS", keyId: "stream-encrypted" };
      return get(enc, "encryptionType") === "KMS" && get(enc, "keyId")
        ? []
        : [`${String(r.props.resourceType)} storage is not KMS-encrypted`];
    },
  },
  {
    name: "connect-flow-logs",
    description: "Every Amazon Connect instance has contact flow logs on.",
    fisc: ["実10"],
    userMustStill: "Do not log secrets from flows (use the flow's encryption for sensitive input).",
    level: "mandatory",
    resource: (r) =>
      r.type === "aws:connect/instance:Instance" && r.props.contactFlowLogsEnabled !== true
        ? ["contactFlowLogsEnabled must be true"]
        : [],
  },
  {
    name: "connect-saml-primary",
    description:
      "The primary's Connect instance uses SAML (IAM Identity Center: MFA, password policy).",
    fisc: ["実1", "実8", "実9"],
    userMustStill: "Require MFA and set the password policy in IAM Identity Center.",
    level: "mandatory",
    resource: (r, c) =>
      r.type === "aws:connect/instance:Instance" &&
      c.samlRequiredStacks.includes(stackOf(r.urn)) &&
      r.props.identityManagementType !== "SAML"
        ? [
            `identityManagementType is ${String(r.props.identityManagementType)} in stack ${stackOf(r.urn)}`,
          ]
        : [],
  },
  {
    name: "voice-id-acknowledged",
    description:
      "No Voice ID domain unless the end of support (2026-05-20) is acknowledged in the pack config.",
    fisc: ["実8"],
    userMustStill:
      "Use the knowledge-based caller authentication or a partner voice biometrics service.",
    level: "mandatory",
    resource: (r, c) =>
      r.type.toLowerCase() === "aws-native:voiceid:domain" && !c.voiceIdAcknowledgeEndOfSupport
        ? ["Amazon Connect Voice ID reached end of support on 2026-05-20"]
        : [],
  },
];

export interface Evaluation {
  readonly rulesRun: number;
  readonly resourcesChecked: number;
  readonly violations: Violation[];
}

/** Runs every rule over the stack's resources. */
export function evaluate(
  resources: readonly ResourceView[],
  config: PackConfig = DEFAULT_PACK_CONFIG,
  rules: readonly Rule[] = RULES,
): Evaluation {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const violations: Violation[] = [];
  const add = (rule: Rule, f: Finding) => {
    const r = byUrn.get(f.urn);
    violations.push({
      ...f,
      rule: rule.name,
      level: rule.level,
      type: r?.type ?? "",
      name: r?.name ?? "",
    });
  };
  for (const rule of rules) {
    if (rule.resource)
      for (const r of resources)
        for (const m of rule.resource(r, config)) add(rule, { urn: r.urn, message: m });
    if (rule.stack) for (const f of rule.stack(resources, config)) add(rule, f);
  }
  return { rulesRun: rules.length, resourcesChecked: resources.length, violations };
}
