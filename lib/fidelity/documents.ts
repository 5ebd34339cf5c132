/**
 * Every IAM policy document the stack declares, read from the recorded resources: role policies
 * (identity), trust policies, and the resource policies of buckets, keys, queues, topics, log
 * delivery and Lex, plus the Lambda permissions as the resource policy AWS builds from them.
 */
import type { RecordedResource } from "../offline";

export interface Statement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Principal?: unknown;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}
export interface Document {
  Version?: string;
  Statement: Statement[] | Statement;
}

export type DocumentKind = "identity" | "trust" | "resource";

export interface DeclaredDocument {
  readonly kind: DocumentKind;
  /** The resource that declares it. */
  readonly resource: RecordedResource;
  readonly document: Document;
  /**
   * identity: the role's name; resource: the ARN (or bucket name, queue URL) it is attached to.
   */
  readonly attachedTo: string;
}

const parse = (v: unknown): Document | undefined => {
  if (typeof v === "string" && v.trim()) return JSON.parse(v) as Document;
  if (v && typeof v === "object") return v as Document;
  return undefined;
};

export const statementsOf = (d: Document): Statement[] =>
  Array.isArray(d.Statement) ? d.Statement : [d.Statement];

export const list = <T>(v: T | T[] | undefined): T[] =>
  v === undefined ? [] : Array.isArray(v) ? v : [v];

/** Where each resource type keeps its policy, and what it is attached to. */
const FIELDS: Record<string, { kind: DocumentKind; field: string; attachedTo: string }> = {
  "aws:iam/rolePolicy:RolePolicy": { kind: "identity", field: "policy", attachedTo: "role" },
  "aws:iam/role:Role": { kind: "trust", field: "assumeRolePolicy", attachedTo: "name" },
  "aws:s3/bucketPolicy:BucketPolicy": { kind: "resource", field: "policy", attachedTo: "bucket" },
  "aws:kms/key:Key": { kind: "resource", field: "policy", attachedTo: "arn" },
  "aws:sqs/queuePolicy:QueuePolicy": { kind: "resource", field: "policy", attachedTo: "queueUrl" },
  "aws:sns/topicPolicy:TopicPolicy": { kind: "resource", field: "policy", attachedTo: "arn" },
  "aws:cloudwatch/logResourcePolicy:LogResourcePolicy": {
    kind: "resource",
    field: "policyDocument",
    attachedTo: "policyName",
  },
  "aws-native:lex:ResourcePolicy": {
    kind: "resource",
    field: "policy",
    attachedTo: "resourceArn",
  },
};

/** The statement Lambda adds to a function's policy for one `aws:lambda/permission`. */
function permissionStatement(r: RecordedResource, functionArn: string): Statement {
  const s = r.state;
  const text = (v: unknown) => (typeof v === "string" ? v : "");
  const principal = text(s.principal);
  const condition: Record<string, Record<string, unknown>> = {};
  if (s.sourceArn) condition.ArnLike = { "AWS:SourceArn": text(s.sourceArn) };
  if (s.sourceAccount) condition.StringEquals = { "AWS:SourceAccount": text(s.sourceAccount) };
  return {
    Sid: text(s.statementId) || r.name,
    Effect: "Allow",
    Principal: principal.endsWith(".amazonaws.com") ? { Service: principal } : { AWS: principal },
    Action: text(s.action),
    Resource: functionArn,
    ...(Object.keys(condition).length ? { Condition: condition } : {}),
  };
}

export function declaredDocuments(resources: readonly RecordedResource[]): DeclaredDocument[] {
  const out: DeclaredDocument[] = [];
  // A permission may name its function by name; Lambda's policy holds the function's ARN.
  const functionArns = new Map<string, string>();
  for (const r of resources)
    if (r.type === "aws:lambda/function:Function") {
      functionArns.set(String(r.state.name), String(r.state.arn));
      functionArns.set(String(r.state.arn), String(r.state.arn));
    }
  for (const r of resources) {
    const f = FIELDS[r.type];
    if (f) {
      const document = parse(r.state[f.field]);
      if (document)
        out.push({
          kind: f.kind,
          resource: r,
          document,
          // What the program declared wins over what the mocks compute for the same field.
          attachedTo: String(r.inputs[f.attachedTo] ?? r.state[f.attachedTo]),
        });
    }
    if (r.type === "aws:lambda/permission:Permission") {
      const arn = functionArns.get(String(r.state.function)) ?? String(r.state.function);
      out.push({
        kind: "resource",
        resource: r,
        document: { Version: "2012-10-17", Statement: [permissionStatement(r, arn)] },
        attachedTo: arn,
      });
    }
  }
  return out;
}
