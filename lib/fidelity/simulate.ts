/**
 * Every AWS call the stack will make at run time, evaluated against the policies that apply to it
 * with AWS's policy evaluation logic (@cloud-copilot/iam-simulate): the identity policy of the
 * calling role, and the resource policy of the bucket, key, queue, topic or function it names.
 *
 * The calls are: each function's manifest (`functions/<name>/calls.ts`), filled with the deployed
 * environment; the calls of the services the stack configures (S3 replication, Firehose, CloudWatch
 * Logs, EventBridge, CloudTrail, CloudFront, Scheduler, Step Functions, Lambda event sources); and
 * the KMS calls each of them implies, with the context AWS sends (kms:ViaService, and the
 * encryption context: the bucket ARN under S3 Bucket Keys, the parameter ARN for SSM, ...).
 * Manifests also declare calls that must be denied; they are checked the same way.
 *
 * Over 500 lines on purpose: The run-time calls of every function (their manifests are most of the
 * length) and their evaluation, in one place.
 */
import { runSimulation, type Simulation } from "@cloud-copilot/iam-simulate";
import { actionInfo } from "./iamStatic";
import { statementsOf, type DeclaredDocument, type Document } from "./documents";
import { SOURCE_TAG, type FunctionManifest, type RuntimeCall, type Where } from "./manifest";
import type { RecordedResource } from "../offline";
import { SOURCES, type Finding } from "./types";
import { keyPolicy } from "../../components/shared/policies";
import { manifests as callerAuth } from "../../functions/caller-auth/calls";
import { manifests as changeWindow } from "../../functions/change-window/calls";
import { manifests as chatStart } from "../../functions/chat-start/calls";
import { manifests as compliance } from "../../functions/compliance-detector/calls";
import { manifests as configBackup } from "../../functions/config-backup/calls";
import { manifests as outbound } from "../../functions/outbound/calls";
import { manifests as selfService } from "../../functions/self-service/calls";

export const MANIFESTS: readonly FunctionManifest[] = [
  ...callerAuth,
  ...changeWindow,
  ...chatStart,
  ...compliance,
  ...configBackup,
  ...outbound,
  ...selfService,
];

export interface SimulatedCall extends RuntimeCall {
  /** Role ARN, or a service principal such as `logs.ap-northeast-1.amazonaws.com`. */
  readonly principal: string;
  /** Name of the stack resource the call belongs to (function, role, trail, ...). */
  readonly owner: string;
  readonly ownerType: string;
  readonly expect: "allow" | "deny";
  /** Region the caller runs in (for `sar:` resources). */
  readonly region?: string;
  /** The service encrypts on its own (CloudTrail sets its own encryption context). */
  readonly noImpliedKms?: boolean;
}

/** What the simulation needs to know of the stack, indexed once. */
class StackIndex {
  readonly partition = "aws";
  readonly identity = new Map<string, Document[]>();
  readonly resourcePolicies = new Map<string, Document[]>();
  readonly byType = new Map<string, RecordedResource[]>();

  constructor(resources: readonly RecordedResource[], docs: readonly DeclaredDocument[]) {
    for (const r of resources) this.byType.set(r.type, [...this.of(r.type), r]);
    const roleArn = new Map(this.of("aws:iam/role:Role").map((r) => [str(r.state.name), r]));
    for (const d of docs) {
      if (d.kind === "identity") {
        const role = roleArn.get(d.attachedTo);
        const key = role ? str(role.state.arn) : d.attachedTo;
        this.identity.set(key, [...(this.identity.get(key) ?? []), d.document]);
      } else if (d.kind === "resource") {
        const key = this.resourceKey(d);
        this.resourcePolicies.set(key, [...(this.resourcePolicies.get(key) ?? []), d.document]);
      }
    }
  }

  of(type: string): RecordedResource[] {
    return this.byType.get(type) ?? [];
  }

  /** Resource policies are keyed by the ARN they protect (bucket ARN for a bucket's objects). */
  private resourceKey(d: DeclaredDocument): string {
    switch (d.resource.type) {
      case "aws:s3/bucketPolicy:BucketPolicy":
        return `arn:${this.partition}:s3:::${d.attachedTo}`;
      case "aws:sqs/queuePolicy:QueuePolicy": {
        const q = this.of("aws:sqs/queue:Queue").find((x) => str(x.state.url) === d.attachedTo);
        return q ? str(q.state.arn) : d.attachedTo;
      }
      case "aws:cloudwatch/logResourcePolicy:LogResourcePolicy":
        return "logs";
      default:
        return d.attachedTo;
    }
  }

  /** The resource policies that apply to a call on `resource`. */
  policiesFor(resource: string): Document[] {
    if (resource.startsWith("arn:aws:s3:::"))
      return this.resourcePolicies.get(resource.split("/")[0]) ?? [];
    if (resource.startsWith("arn:aws:logs:")) return this.resourcePolicies.get("logs") ?? [];
    if (resource.startsWith("arn:aws:lambda:"))
      return this.resourcePolicies.get(resource.split(":").slice(0, 7).join(":")) ?? [];
    const own = this.resourcePolicies.get(resource);
    if (own) return own;
    // A key of the other stack (the vault's, the dr chat target's): every key of this program is
    // made by createKmsKey with the baseline key policy, so that policy stands in for it.
    if (resource.startsWith("arn:aws:kms:")) {
      const [, partition, , region, account] = resource.split(":");
      return [keyPolicy({ partition, region, accountId: account })];
    }
    return [];
  }

  /**
   * A bucket of the other stack (the vault) is not in this plan: every bucket of this program is
   * a PrivateBucket, whose S3 Bucket Keys are an invariant.
   */
  bucketEncryption(bucket: string): { key?: string; bucketKey: boolean } {
    const c = this.of(
      "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    ).find((x) => str(x.state.bucket) === bucket);
    const rule = (c?.state.rules as Record<string, unknown>[] | undefined)?.[0];
    const by = rule?.applyServerSideEncryptionByDefault as Record<string, unknown> | undefined;
    return {
      key: by?.sseAlgorithm === "aws:kms" ? str(by.kmsMasterKeyId) : undefined,
      bucketKey: c ? rule?.bucketKeyEnabled === true : true,
    };
  }

  /**
   * The `aws:s3:arn` encryption context of an object's KMS calls: the bucket's ARN under S3
   * Bucket Keys (docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-key.html), else the object's.
   */
  s3EncryptionContext(objectArn: string): string {
    const bucketArn = objectArn.split("/")[0];
    return this.bucketEncryption(bucketArn.split(":::")[1] ?? "").bucketKey ? bucketArn : objectArn;
  }

  keyOf(type: string, match: (r: RecordedResource) => boolean, field: string): string | undefined {
    const r = this.of(type).find(match);
    const v = field
      .split(".")
      .reduce<unknown>((o, k) => (o as Record<string, unknown>)?.[k], r?.state);
    return typeof v === "string" && v.startsWith("arn:") ? v : undefined;
  }
}

const str = (v: unknown) => (typeof v === "string" ? v : "");
const regionOf = (arn: string) => arn.split(":")[3] ?? "";

/** Queues and topics: what each call asks KMS for, and the encryption context it sends. */
const QUEUE_AND_TOPIC: Record<string, { type: string; actions: string[]; context: string }> = {
  "sqs:sendmessage": {
    type: "aws:sqs/queue:Queue",
    actions: ["kms:GenerateDataKey", "kms:Decrypt"],
    context: "kms:EncryptionContext:aws:sqs:arn",
  },
  "sqs:receivemessage": {
    type: "aws:sqs/queue:Queue",
    actions: ["kms:Decrypt"],
    context: "kms:EncryptionContext:aws:sqs:arn",
  },
  "sns:publish": {
    type: "aws:sns/topic:Topic",
    actions: ["kms:GenerateDataKey", "kms:Decrypt"],
    context: "kms:EncryptionContext:aws:sns:topicArn",
  },
};

/** KMS calls a call implies, made by the same principal through the service. */
function impliedKmsCalls(ix: StackIndex, c: SimulatedCall): SimulatedCall[] {
  const [, , service] = c.resource.split(":");
  const out: SimulatedCall[] = [];
  if (c.noImpliedKms) return out;
  // A service acting for a source (an EventBridge rule, a distribution) passes it on to KMS.
  const source = Object.fromEntries(
    Object.entries(c.context ?? {}).filter(([k]) => /^aws:Source(Arn|Account)$/i.test(k)),
  );
  const kms = (key: string | undefined, actions: string[], context: Record<string, string>) => {
    if (!key) return;
    for (const action of actions)
      out.push({
        ...c,
        action,
        resource: key,
        context: {
          "kms:ViaService": `${service}.${regionOf(key)}.amazonaws.com`,
          ...context,
          ...source,
        },
        why: `${c.why} (${c.action} encrypts with the ${service} resource's key)`,
      });
  };
  const a = c.action.toLowerCase();
  if (service === "s3" && (a === "s3:putobject" || a === "s3:getobject")) {
    const bucket = c.resource.split(":::")[1]?.split("/")[0] ?? "";
    const enc = ix.bucketEncryption(bucket);
    const headerKey = c.context?.["s3:x-amz-server-side-encryption-aws-kms-key-id"];
    kms(
      typeof headerKey === "string" ? headerKey : enc.key,
      [a === "s3:putobject" ? "kms:GenerateDataKey" : "kms:Decrypt"],
      { "kms:EncryptionContext:aws:s3:arn": ix.s3EncryptionContext(c.resource) },
    );
  } else if (service === "dynamodb") {
    const name = c.resource.split("table/")[1] ?? "";
    kms(
      ix.keyOf(
        "aws:dynamodb/table:Table",
        (t) => str(t.state.name) === name,
        "serverSideEncryption.kmsKeyArn",
      ),
      ["kms:Decrypt"],
      { "kms:EncryptionContext:aws:dynamodb:tableName": name },
    );
  } else if (QUEUE_AND_TOPIC[a]) {
    const { type, actions, context } = QUEUE_AND_TOPIC[a];
    kms(
      ix.keyOf(type, (r) => str(r.state.arn) === c.resource, "kmsMasterKeyId"),
      actions,
      { [context]: c.resource },
    );
  } else if (service === "ssm" && a === "ssm:getparameter") {
    const name = `/${c.resource.split(":parameter/")[1] ?? ""}`;
    const own = ix.keyOf("aws:ssm/parameter:Parameter", (p) => str(p.state.name) === name, "keyId");
    // A parameter of the other stack: its key is unknown here, any key of its region stands in
    // (and gets this program's baseline key policy, see policiesFor).
    const [, partition, , region, account] = c.resource.split(":");
    kms(
      own ?? `arn:${partition}:kms:${region}:${account}:key/00000000-0000-4000-8000-00000000ffff`,
      ["kms:Decrypt"],
      {
        "kms:EncryptionContext:PARAMETER_ARN": c.resource,
      },
    );
  }
  return out;
}

/**
 * iam-simulate 0.1.173 drops `kms:EncryptionContext:<key>` from the request (FACTS.md), so those
 * keys travel under a global key the simulator keeps, in the policies and the request alike. The
 * static checks read the original policies.
 */
const EC = /^kms:EncryptionContext:/i;
const EC_ALIAS = "aws:PrincipalTag/kms-ec:";
function aliasDoc(d: Document): Document {
  return {
    Version: "2012-10-17",
    Statement: statementsOf(d).map((s) =>
      s.Condition
        ? {
            ...s,
            Condition: Object.fromEntries(
              Object.entries(s.Condition).map(([op, m]) => [
                op,
                Object.fromEntries(
                  Object.entries(m).map(([k, v]) => [EC.test(k) ? k.replace(EC, EC_ALIAS) : k, v]),
                ),
              ]),
            ),
          }
        : s,
    ),
  };
}

async function requestResource(c: SimulatedCall, at: Where): Promise<string> {
  if (!c.resource.startsWith("sar:")) return c.resource;
  const values: Record<string, string> = {
    Partition: at.partition,
    Region: at.region,
    Account: at.account,
    ...Object.fromEntries(
      c.resource
        .slice(4)
        .split(",")
        .map((kv) => kv.split("=") as [string, string]),
    ),
  };
  const info = await actionInfo(c.action);
  const type = info?.resourceTypes.find((t) => t.required) ?? info?.resourceTypes[0];
  if (!type) return "*";
  return type.arns[0].replace(/\$\{([^}]+)\}/g, (_, n: string) => values[n] ?? "x1");
}

async function evaluateCall(
  ix: StackIndex,
  c: SimulatedCall,
  at: Where,
): Promise<{ result: string; detail?: string }> {
  const resource = await requestResource(c, at);
  const context: Record<string, string | string[]> = { "aws:SecureTransport": "true" };
  if (c.action.toLowerCase().startsWith("s3:")) context["s3:TlsVersion"] = "1.3";
  for (const [k, v] of Object.entries(c.context ?? {}))
    context[EC.test(k) ? k.replace(EC, EC_ALIAS) : k] = v;
  const isRole = c.principal.startsWith("arn:");
  const sim: Simulation = {
    request: {
      principal: c.principal,
      action: c.action,
      resource: { resource, accountId: at.account },
      contextVariables: context,
    },
    identityPolicies: isRole
      ? (ix.identity.get(c.principal) ?? []).map((p, i) => ({ name: `p${i}`, policy: aliasDoc(p) }))
      : [],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: mergeDocs(ix.policiesFor(resource)),
  };
  const r = await runSimulation(sim, {});
  if (r.resultType === "error") return { result: "error", detail: JSON.stringify(r.errors) };
  return { result: r.overallResult };
}

function mergeDocs(docs: Document[]): Document | undefined {
  if (!docs.length) return undefined;
  return aliasDoc({ Version: "2012-10-17", Statement: docs.flatMap(statementsOf) });
}

/** Calls made by the functions, from their manifests and deployed environment. */
function functionCalls(ix: StackIndex, at: Where, findings: Finding[]): SimulatedCall[] {
  const out: SimulatedCall[] = [];
  // The detector's bucket comes with each event: the bucket whose notifications feed it.
  const analysisBucket = str(
    ix.of("aws:s3/bucketNotification:BucketNotification")[0]?.state.bucket,
  );
  for (const fn of ix.of("aws:lambda/function:Function")) {
    const entry = str((fn.state.tags as Record<string, unknown> | undefined)?.[SOURCE_TAG]);
    const m = MANIFESTS.find((x) => x.entry === entry);
    if (!m) {
      findings.push({
        severity: "error",
        resource: fn.name,
        type: fn.type,
        rule: "sim/no-manifest",
        message: `function ${str(fn.state.name)} (${entry || "no source tag"}) has no call manifest: add functions/<name>/calls.ts and list it in lib/fidelity/simulate.ts`,
        source: SOURCES.simulate,
      });
      continue;
    }
    const env = {
      ...(((fn.state.environment as Record<string, unknown> | undefined)?.variables ??
        {}) as Record<string, string>),
      ANALYSIS_BUCKET: analysisBucket,
    };
    const where = { ...at, region: regionOf(str(fn.state.arn)) };
    const base = {
      principal: str(fn.state.role),
      owner: fn.name,
      ownerType: fn.type,
      region: where.region,
    };
    for (const c of m.calls(env, where)) out.push({ ...c, ...base, expect: "allow" });
    for (const c of m.denied(env, where)) out.push({ ...c, ...base, expect: "deny" });
    // Lambda polls the function's event sources with the function's role.
    for (const esm of ix.of("aws:lambda/eventSourceMapping:EventSourceMapping")) {
      const target = str(esm.state.functionName);
      if (target !== str(fn.state.name) && target !== str(fn.state.arn)) continue;
      for (const action of ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"])
        out.push({
          ...base,
          action,
          resource: str(esm.state.eventSourceArn),
          why: "Lambda polls the event source queue",
          expect: "allow",
        });
    }
  }
  return out;
}

/** Calls the AWS services configured by the stack make. */
function serviceCalls(ix: StackIndex, at: Where): SimulatedCall[] {
  const out: SimulatedCall[] = [];
  const push = (r: RecordedResource, c: Omit<SimulatedCall, "owner" | "ownerType">) =>
    out.push({ ...c, owner: r.name, ownerType: r.type });

  // S3 replication: read source versions, write replicas re-encrypted with the vault key.
  for (const r of ix.of("aws:s3/bucketReplicationConfig:BucketReplicationConfig")) {
    const role = str(r.state.role);
    const source = str(r.state.bucket);
    const sourceArn = `arn:aws:s3:::${source}`;
    push(r, {
      principal: role,
      action: "s3:GetReplicationConfiguration",
      resource: sourceArn,
      why: "replication reads its configuration",
      expect: "allow",
    });
    push(r, {
      principal: role,
      action: "s3:GetObjectVersionForReplication",
      resource: `${sourceArn}/connect/x`,
      why: "replication reads a source version",
      expect: "allow",
    });
    const src = ix.bucketEncryption(source);
    if (src.key)
      push(r, {
        principal: role,
        action: "kms:Decrypt",
        resource: src.key,
        context: {
          "kms:ViaService": `s3.${regionOf(src.key)}.amazonaws.com`,
          "kms:EncryptionContext:aws:s3:arn": ix.s3EncryptionContext(`${sourceArn}/connect/x`),
        },
        why: "replication decrypts the source object",
        expect: "allow",
      });
    for (const rule of (r.state.rules as Record<string, Record<string, unknown>>[]) ?? []) {
      const dest = str(rule.destination?.bucket);
      const destKey = str(
        (rule.destination?.encryptionConfiguration as Record<string, unknown> | undefined)
          ?.replicaKmsKeyId,
      );
      push(r, {
        principal: role,
        action: "s3:ReplicateObject",
        resource: `${dest}/connect/x`,
        why: "replication writes the replica",
        expect: "allow",
      });
      if (destKey)
        push(r, {
          principal: role,
          action: "kms:GenerateDataKey",
          resource: destKey,
          context: {
            "kms:ViaService": `s3.${regionOf(destKey)}.amazonaws.com`,
            "kms:EncryptionContext:aws:s3:arn": ix.s3EncryptionContext(`${dest}/connect/x`),
          },
          why: "replication encrypts the replica with the vault key",
          expect: "allow",
        });
      push(r, {
        principal: role,
        action: "s3:ReplicateDelete",
        resource: `${dest}/connect/x`,
        why: "delete markers must not reach the vault",
        expect: "deny",
      });
    }
  }

  // Firehose delivers contact trace records into its prefix, encrypted, and logs errors.
  for (const r of ix.of("aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream")) {
    const s3 = r.state.extendedS3Configuration as Record<string, unknown>;
    const role = str(s3.roleArn);
    const object = `${str(s3.bucketArn)}/${str(s3.prefix).split("!")[0]}2026/12/02/x.gz`;
    push(r, {
      principal: role,
      action: "s3:PutObject",
      resource: object,
      why: "Firehose writes a contact trace record batch",
      expect: "allow",
    });
    const logs = s3.cloudwatchLoggingOptions as Record<string, unknown> | undefined;
    if (logs?.enabled)
      push(r, {
        principal: role,
        action: "logs:PutLogEvents",
        resource: `arn:aws:logs:${r.region}:${at.account}:log-group:${str(logs.logGroupName)}:log-stream:${str(logs.logStreamName)}`,
        why: "Firehose logs a delivery error",
        expect: "allow",
      });
  }

  // CloudWatch Logs encrypts each log group with its key.
  for (const r of ix.of("aws:cloudwatch/logGroup:LogGroup")) {
    const key = str(r.state.kmsKeyId);
    if (!key.startsWith("arn:")) continue;
    const principal = `logs.${r.region}.amazonaws.com`;
    const context = { "kms:EncryptionContext:aws:logs:arn": str(r.state.arn) };
    for (const action of ["kms:Encrypt", "kms:GenerateDataKey", "kms:Decrypt"])
      push(r, {
        principal,
        action,
        resource: key,
        context,
        why: "CloudWatch Logs encrypts the log group",
        expect: "allow",
      });
    push(r, {
      principal,
      action: "kms:DescribeKey",
      resource: key,
      why: "CloudWatch Logs checks the key when it is associated",
      expect: "allow",
    });
  }

  // EventBridge delivers to queues and topics (and dead-letters) for its rules only.
  const rules = new Map(
    ix.of("aws:cloudwatch/eventRule:EventRule").map((x) => [str(x.state.name), str(x.state.arn)]),
  );
  for (const r of ix.of("aws:cloudwatch/eventTarget:EventTarget")) {
    const ruleArn = rules.get(str(r.inputs.rule)) ?? "";
    const targets = [
      str(r.inputs.arn),
      str((r.inputs.deadLetterConfig as Record<string, unknown> | undefined)?.arn),
    ];
    for (const t of targets.filter(
      (x) => x.startsWith("arn:aws:sqs:") || x.startsWith("arn:aws:sns:"),
    )) {
      const action = t.startsWith("arn:aws:sqs:") ? "sqs:SendMessage" : "sns:Publish";
      const call: SimulatedCall = {
        principal: "events.amazonaws.com",
        action,
        resource: t,
        context: { "aws:SourceArn": ruleArn, "aws:SourceAccount": at.account },
        why: `EventBridge delivers rule ${str(r.inputs.rule)}`,
        expect: "allow",
        owner: r.name,
        ownerType: r.type,
      };
      out.push(call);
    }
  }

  // EventBridge encrypts the events of a bus with its key (eb-encryption-key-policy.html).
  for (const r of ix.of("aws:cloudwatch/eventBus:EventBus")) {
    const key = str(r.state.kmsKeyIdentifier);
    if (!key.startsWith("arn:")) continue;
    const bus = `arn:aws:events:${r.region}:${at.account}:event-bus/${str(r.state.name)}`;
    const context = { "aws:SourceArn": bus, "aws:SourceAccount": at.account };
    for (const action of ["kms:DescribeKey", "kms:GenerateDataKey", "kms:Decrypt"])
      push(r, {
        principal: "events.amazonaws.com",
        action,
        resource: key,
        context:
          action === "kms:DescribeKey"
            ? context
            : { ...context, "kms:EncryptionContext:aws:events:event-bus:arn": bus },
        why: "EventBridge encrypts the bus's events",
        expect: "allow",
      });
  }

  // CloudTrail checks the bucket and writes its log files, encrypted with the trail's key.
  for (const r of ix.of("aws:cloudtrail/trail:Trail")) {
    const bucket = `arn:aws:s3:::${str(r.state.s3BucketName)}`;
    const trailArn = str(r.state.arn);
    const src = { "aws:SourceArn": trailArn, "aws:SourceAccount": at.account };
    const key = str(r.state.kmsKeyId);
    push(r, {
      principal: "cloudtrail.amazonaws.com",
      action: "s3:GetBucketAcl",
      resource: bucket,
      context: src,
      why: "CloudTrail checks the bucket",
      expect: "allow",
    });
    push(r, {
      principal: "cloudtrail.amazonaws.com",
      action: "s3:PutObject",
      resource: `${bucket}/AWSLogs/${at.account}/CloudTrail/${r.region}/2026/12/02/x.json.gz`,
      context: {
        ...src,
        "s3:x-amz-acl": "bucket-owner-full-control",
        ...(key
          ? {
              "s3:x-amz-server-side-encryption": "aws:kms",
              "s3:x-amz-server-side-encryption-aws-kms-key-id": key,
            }
          : {}),
      },
      why: "CloudTrail writes a log file",
      expect: "allow",
      noImpliedKms: true,
    });
    if (key) {
      push(r, {
        principal: "cloudtrail.amazonaws.com",
        action: "kms:GenerateDataKey",
        resource: key,
        context: { ...src, "kms:EncryptionContext:aws:cloudtrail:arn": trailArn },
        why: "CloudTrail encrypts a log file",
        expect: "allow",
      });
      push(r, {
        principal: "cloudtrail.amazonaws.com",
        action: "kms:DescribeKey",
        resource: key,
        context: src,
        why: "CloudTrail checks its key",
        expect: "allow",
      });
    }
  }

  // CloudFront reads the portal through origin access control, decrypting with the bucket's key.
  for (const r of ix.of("aws:cloudfront/distribution:Distribution")) {
    for (const o of (r.state.origins as Record<string, unknown>[]) ?? []) {
      if (!o.originAccessControlId) continue;
      const bucket = str(o.domainName).split(".s3.")[0];
      const context = { "aws:SourceArn": str(r.state.arn) };
      const call: SimulatedCall = {
        principal: "cloudfront.amazonaws.com",
        action: "s3:GetObject",
        resource: `arn:aws:s3:::${bucket}/index.html`,
        context,
        why: "CloudFront serves the page",
        expect: "allow",
        owner: r.name,
        ownerType: r.type,
      };
      out.push(call);
    }
  }

  // EventBridge Scheduler starts the state machine; the state machine invokes the exporter.
  for (const r of ix.of("aws:scheduler/schedule:Schedule")) {
    const t = r.state.target as Record<string, unknown>;
    push(r, {
      principal: str(t.roleArn),
      action: "states:StartExecution",
      resource: str(t.arn),
      why: "the schedule starts a backup",
      expect: "allow",
    });
    const dlq = str((t.deadLetterConfig as Record<string, unknown> | undefined)?.arn);
    if (dlq) {
      const call: SimulatedCall = {
        principal: str(t.roleArn),
        action: "sqs:SendMessage",
        resource: dlq,
        why: "the schedule dead-letters a failed start",
        expect: "allow",
        owner: r.name,
        ownerType: r.type,
      };
      out.push(call);
    }
  }
  for (const r of ix.of("aws:sfn/stateMachine:StateMachine")) {
    const def = JSON.parse(str(r.state.definition) || "{}") as {
      States?: Record<string, { Resource?: string; Parameters?: Record<string, unknown> }>;
    };
    for (const s of Object.values(def.States ?? {})) {
      const fn = str(s.Parameters?.FunctionName);
      if (s.Resource?.startsWith("arn:aws:states:::lambda:invoke") && fn)
        push(r, {
          principal: str(r.state.roleArn),
          action: "lambda:InvokeFunction",
          resource: fn,
          why: "the state machine invokes the exporter",
          expect: "allow",
        });
    }
  }
  return out;
}

export interface SimulationResult {
  readonly calls: number;
  readonly expectedDenials: number;
  readonly findings: Finding[];
}

export async function simulateStack(
  resources: readonly RecordedResource[],
  docs: readonly DeclaredDocument[],
  account: string,
): Promise<SimulationResult> {
  const ix = new StackIndex(resources, docs);
  const at: Where = { region: "", account, partition: "aws" };
  const findings: Finding[] = [];
  const direct = [...functionCalls(ix, at, findings), ...serviceCalls(ix, at)];
  const calls = direct.flatMap((c) =>
    c.expect === "allow" && !c.action.startsWith("kms:") ? [c, ...impliedKmsCalls(ix, c)] : [c],
  );
  for (const c of calls) {
    const region = c.region ?? regionOf(c.resource);
    const { result, detail } = await evaluateCall(ix, c, { ...at, region });
    const allowed = result === "Allowed";
    if (result === "error" || allowed !== (c.expect === "allow"))
      findings.push({
        severity: "error",
        resource: c.owner,
        type: c.ownerType,
        rule:
          result === "error" ? "sim/error" : c.expect === "allow" ? "sim/denied" : "sim/allowed",
        message:
          result === "error"
            ? `${c.action} on ${c.resource} could not be simulated: ${detail}`
            : `${c.principal} ${c.action} on ${c.resource} (${c.why}) is ${result}${c.context ? ` with ${JSON.stringify(c.context)}` : ""}; it must be ${c.expect === "allow" ? "allowed" : "denied"}`,
        source: SOURCES.simulate,
      });
  }
  return {
    calls: calls.length,
    expectedDenials: calls.filter((c) => c.expect === "deny").length,
    findings,
  };
}
