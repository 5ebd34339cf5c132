/**
 * Over 500 lines on purpose: One test per rule of the policy pack, each re-introducing its
 * violation into a copy of the stack.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "chai";
import { PROJECT_ROOT } from "../../config";
import { policyViews } from "../../lib/plan";
import { policies } from "../../policy/policies";
import { rulesMarkdownTable, withTable } from "../../policy/table";
import {
  DEFAULT_PACK_CONFIG,
  evaluate,
  RESOURCE_WILDCARD_ALLOWLIST,
  RULES,
  type ResourceView,
} from "../../policy/rules";
import { Recorded, runStack } from "../support/harness";

const urn = (type: string, name: string, stack = "tokyo") =>
  `urn:pulumi:${stack}::customerchannel::${type}::${name}`;
const res = (
  type: string,
  name: string,
  props: Record<string, unknown>,
  stack = "tokyo",
): ResourceView => ({
  type,
  name,
  urn: urn(type, name, stack),
  props,
});

const S3 = "aws:s3/";
const TLS = JSON.stringify({
  Statement: [
    {
      Effect: "Deny",
      Principal: "*",
      Action: "s3:*",
      Resource: "*",
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    },
  ],
});

/** A bucket with every guard rail, parts named after it (as PrivateBucket does). */
function goodBucket(name: string, dataClass = "general", omit: string[] = []): ResourceView[] {
  const parts: ResourceView[] = [
    res(`${S3}bucket:Bucket`, name, {
      bucket: `${name}-abc`,
      tags: { "customerchannel:data-class": dataClass },
    }),
    res(`${S3}bucketPublicAccessBlock:BucketPublicAccessBlock`, name, {
      bucket: `${name}-abc`,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    }),
    res(`${S3}bucketPolicy:BucketPolicy`, name, { bucket: `${name}-abc`, policy: TLS }),
    res(`${S3}bucketVersioning:BucketVersioning`, name, {
      bucket: `${name}-abc`,
      versioningConfiguration: { status: "Enabled" },
    }),
    res(
      `${S3}bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration`,
      name,
      {
        bucket: `${name}-abc`,
        rules: [
          {
            applyServerSideEncryptionByDefault: {
              sseAlgorithm: "aws:kms",
              kmsMasterKeyId: "arn:key",
            },
          },
        ],
      },
    ),
    res(`${S3}bucketOwnershipControls:BucketOwnershipControls`, name, {
      bucket: `${name}-abc`,
      rule: { objectOwnership: "BucketOwnerEnforced" },
    }),
    res(`${S3}bucketLogging:BucketLogging`, name, { bucket: `${name}-abc`, targetBucket: "logs" }),
  ];
  return parts.filter((p) => !omit.includes(p.type));
}
const replication = (name: string, kms = true) =>
  res(`${S3}bucketReplicationConfig:BucketReplicationConfig`, name, {
    bucket: `${name}-abc`,
    rules: [
      {
        status: "Enabled",
        destination: {
          bucket: "arn:aws:s3:::vault",
          ...(kms ? { encryptionConfiguration: { replicaKmsKeyId: "arn:k" } } : {}),
        },
      },
    ],
  });

interface Case {
  readonly rule: string;
  readonly pass: ResourceView[];
  readonly fail: ResourceView[];
  /** Text of the violation the failing set produces. */
  readonly says: string;
}

const withProps = (r: ResourceView, props: Record<string, unknown>): ResourceView => ({
  ...r,
  props: { ...r.props, ...props },
});
const swap = (set: ResourceView[], type: string, props: Record<string, unknown>) =>
  set.map((r) => (r.type === type ? withProps(r, props) : r));

const lambda = (name: string, props: Record<string, unknown> = {}) =>
  res("aws:lambda/function:Function", name, {
    name,
    arn: `arn:aws:lambda:ap-northeast-1:1:function:${name}`,
    ...props,
  });
const logGroup = (name: string, props: Record<string, unknown> = {}) =>
  res("aws:cloudwatch/logGroup:LogGroup", name, {
    name,
    retentionInDays: 3653,
    kmsKeyId: "arn:k",
    ...props,
  });
const tlsPolicy = (type: string, name: string, extra: Record<string, unknown>) =>
  res(type, name, { policy: TLS, ...extra });

const cases: Case[] = [
  {
    rule: "s3-public-access-blocked",
    pass: goodBucket("b"),
    fail: swap(goodBucket("b"), `${S3}bucketPublicAccessBlock:BucketPublicAccessBlock`, {
      restrictPublicBuckets: false,
    }),
    says: "restrictPublicBuckets must be true",
  },
  {
    rule: "s3-public-access-blocked",
    pass: goodBucket("b"),
    fail: goodBucket("b", "general", [`${S3}bucketPublicAccessBlock:BucketPublicAccessBlock`]),
    says: "bucket has no BucketPublicAccessBlock",
  },
  {
    rule: "s3-tls-only",
    pass: goodBucket("b"),
    fail: swap(goodBucket("b"), `${S3}bucketPolicy:BucketPolicy`, {
      policy: JSON.stringify({ Statement: [] }),
    }),
    says: "does not deny requests with aws:SecureTransport false",
  },
  {
    rule: "s3-tls-only",
    pass: goodBucket("b"),
    fail: goodBucket("b", "general", [`${S3}bucketPolicy:BucketPolicy`]),
    says: "bucket has no bucket policy",
  },
  {
    rule: "s3-versioning",
    pass: goodBucket("b"),
    fail: swap(goodBucket("b"), `${S3}bucketVersioning:BucketVersioning`, {
      versioningConfiguration: { status: "Suspended" },
    }),
    says: "versioning is not Enabled",
  },
  {
    rule: "s3-cmk-encryption",
    pass: swap(
      goodBucket("logs", "access-logs"),
      `${S3}bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration`,
      { rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] },
    ),
    fail: swap(
      goodBucket("b"),
      `${S3}bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration`,
      { rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] },
    ),
    says: "no default encryption with a customer-managed KMS key",
  },
  {
    rule: "s3-owner-enforced",
    pass: goodBucket("b"),
    fail: swap(goodBucket("b"), `${S3}bucketOwnershipControls:BucketOwnershipControls`, {
      rule: { objectOwnership: "ObjectWriter" },
    }),
    says: "does not enforce BucketOwnerEnforced",
  },
  {
    rule: "s3-access-logging",
    pass: goodBucket("logs", "access-logs", [`${S3}bucketLogging:BucketLogging`]),
    fail: goodBucket("b", "general", [`${S3}bucketLogging:BucketLogging`]),
    says: "bucket has no server access logging",
  },
  {
    rule: "s3-replicated-to-vault",
    pass: [...goodBucket("cd", "contact-data"), replication("cd")],
    fail: goodBucket("cd", "contact-data"),
    says: "contact-data bucket is not replicated",
  },
  {
    rule: "s3-replicated-to-vault",
    pass: [...goodBucket("cfg", "config-backup"), replication("cfg")],
    fail: [...goodBucket("cfg", "config-backup"), replication("cfg", false)],
    says: "config-backup bucket is not replicated (with KMS)",
  },
  {
    rule: "kms-rotation",
    pass: [res("aws:kms/key:Key", "k", { enableKeyRotation: true })],
    fail: [res("aws:kms/key:Key", "k", { enableKeyRotation: false })],
    says: "enableKeyRotation must be true",
  },
  {
    rule: "kms-no-public-principal",
    pass: [
      res("aws:kms/key:Key", "k", {
        enableKeyRotation: true,
        policy: JSON.stringify({
          Statement: [
            {
              Effect: "Allow",
              Principal: { AWS: "arn:aws:iam::1:root" },
              Action: ["kms:Decrypt"],
              Resource: "*",
            },
          ],
        }),
      }),
    ],
    fail: [
      res("aws:kms/key:Key", "k", {
        enableKeyRotation: true,
        policy: JSON.stringify({
          Statement: [{ Effect: "Allow", Principal: { AWS: "*" }, Action: "kms:*", Resource: "*" }],
        }),
      }),
    ],
    says: 'key policy allows principal "*"',
  },
  {
    rule: "dynamodb-pitr-cmk",
    pass: [
      res("aws:dynamodb/table:Table", "t", {
        pointInTimeRecovery: { enabled: true },
        serverSideEncryption: { enabled: true, kmsKeyArn: "arn:k" },
      }),
    ],
    fail: [res("aws:dynamodb/table:Table", "t", { serverSideEncryption: { enabled: true } })],
    says: "pointInTimeRecovery.enabled must be true",
  },
  {
    rule: "firehose-cmk",
    pass: [
      res("aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream", "f", {
        serverSideEncryption: { enabled: true, keyType: "CUSTOMER_MANAGED_CMK", keyArn: "arn:k" },
      }),
    ],
    fail: [
      res("aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream", "f", {
        serverSideEncryption: { enabled: true, keyType: "AWS_OWNED_CMK" },
      }),
    ],
    says: "CUSTOMER_MANAGED_CMK",
  },
  {
    rule: "lambda-not-public",
    pass: [
      res("aws:lambda/permission:Permission", "p", {
        principal: "events.amazonaws.com",
        sourceArn: "arn:rule",
      }),
    ],
    fail: [res("aws:lambda/permission:Permission", "p", { principal: "*" })],
    says: 'principal "*" makes the function public',
  },
  {
    rule: "lambda-not-public",
    pass: [
      res("aws:lambda/permission:Permission", "p", {
        principal: "lex.amazonaws.com",
        sourceAccount: "1",
      }),
    ],
    fail: [res("aws:lambda/permission:Permission", "p", { principal: "s3.amazonaws.com" })],
    says: "confused deputy",
  },
  {
    rule: "lambda-log-retention",
    pass: [lambda("fn"), logGroup("/aws/lambda/fn")],
    fail: [lambda("fn"), logGroup("/aws/lambda/other")],
    says: "function logs to /aws/lambda/fn, which this program does not create",
  },
  {
    rule: "lambda-async-failure-destination",
    pass: [
      lambda("fn", { deadLetterConfig: { targetArn: "arn:sqs" } }),
      res("aws:cloudwatch/eventTarget:EventTarget", "t", {
        arn: "arn:aws:lambda:ap-northeast-1:1:function:fn",
      }),
    ],
    fail: [
      lambda("fn"),
      res("aws:cloudwatch/eventTarget:EventTarget", "t", {
        arn: "arn:aws:lambda:ap-northeast-1:1:function:fn",
      }),
    ],
    says: "asynchronously invoked function has no DLQ or on-failure destination",
  },
  {
    rule: "lambda-async-failure-destination",
    pass: [
      lambda("fn"),
      res("aws:s3/bucketNotification:BucketNotification", "n", {
        lambdaFunctions: [{ lambdaFunctionArn: "arn:aws:lambda:ap-northeast-1:1:function:fn" }],
      }),
      res("aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig", "c", {
        functionName: "fn",
        destinationConfig: { onFailure: { destination: "arn:sqs" } },
      }),
    ],
    fail: [
      lambda("fn"),
      res("aws:s3/bucketNotification:BucketNotification", "n", {
        lambdaFunctions: [{ lambdaFunctionArn: "arn:aws:lambda:ap-northeast-1:1:function:fn" }],
      }),
    ],
    says: "no DLQ or on-failure destination",
  },
  {
    rule: "lambda-bounded-concurrency",
    pass: [lambda("fn", { reservedConcurrentExecutions: 5 })],
    fail: [lambda("fn")],
    says: "reservedConcurrentExecutions is not set",
  },
  {
    rule: "log-group-retention-kms",
    pass: [logGroup("g", { retentionInDays: 365 })],
    fail: [logGroup("g", { retentionInDays: 30 })],
    says: "retentionInDays must be at least 365 (has 30)",
  },
  {
    rule: "log-group-retention-kms",
    pass: [logGroup("g")],
    fail: [logGroup("g", { kmsKeyId: undefined })],
    says: "kmsKeyId must name a customer-managed key",
  },
  {
    rule: "sqs-kms-tls",
    pass: [
      res("aws:sqs/queue:Queue", "q", { kmsMasterKeyId: "arn:k" }),
      tlsPolicy("aws:sqs/queuePolicy:QueuePolicy", "q", {}),
    ],
    fail: [
      res("aws:sqs/queue:Queue", "q", { kmsMasterKeyId: "alias/aws/sqs" }),
      tlsPolicy("aws:sqs/queuePolicy:QueuePolicy", "q", {}),
    ],
    says: "kmsMasterKeyId must be a customer-managed key",
  },
  {
    rule: "sqs-kms-tls",
    pass: [
      res("aws:sqs/queue:Queue", "q", { kmsMasterKeyId: "arn:k" }),
      tlsPolicy("aws:sqs/queuePolicy:QueuePolicy", "q", {}),
    ],
    fail: [res("aws:sqs/queue:Queue", "q", { kmsMasterKeyId: "arn:k" })],
    says: "queue has no policy denying aws:SecureTransport false",
  },
  {
    rule: "sns-kms-tls",
    pass: [
      res("aws:sns/topic:Topic", "t", { kmsMasterKeyId: "arn:k" }),
      tlsPolicy("aws:sns/topicPolicy:TopicPolicy", "t", {}),
    ],
    fail: [
      res("aws:sns/topic:Topic", "t", {}),
      tlsPolicy("aws:sns/topicPolicy:TopicPolicy", "t", {}),
    ],
    says: "kmsMasterKeyId must be a customer-managed key",
  },
  {
    rule: "iam-no-wildcard-action",
    pass: [
      res("aws:iam/rolePolicy:RolePolicy", "p", {
        policy: JSON.stringify({
          Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" }],
        }),
      }),
    ],
    fail: [
      res("aws:iam/rolePolicy:RolePolicy", "p", {
        policy: JSON.stringify({
          Statement: [{ Effect: "Allow", Action: ["s3:*"], Resource: "arn:aws:s3:::b/*" }],
        }),
      }),
    ],
    says: "allows s3:*",
  },
  {
    rule: "iam-no-wildcard-action",
    pass: [res("aws:iam/role:Role", "r", { inlinePolicies: [] })],
    fail: [
      res("aws:iam/role:Role", "r", {
        inlinePolicies: [
          {
            name: "x",
            policy: JSON.stringify({
              Statement: [{ Effect: "Allow", Action: "*", Resource: "arn:x" }],
            }),
          },
        ],
      }),
    ],
    says: "allows *",
  },
  {
    rule: "iam-resource-wildcard-allowlist",
    // StartOutboundVoiceContact has no resource type in the SAR: "*" is the only way to grant it.
    pass: [
      res("aws:iam/policy:Policy", "p", {
        policy: JSON.stringify({
          Statement: [
            { Effect: "Allow", Action: "connect:StartOutboundVoiceContact", Resource: "*" },
          ],
        }),
      }),
    ],
    fail: [
      res("aws:iam/policy:Policy", "p", {
        policy: JSON.stringify({
          Statement: [{ Effect: "Allow", Action: "connect:StartChatContact", Resource: "*" }],
        }),
      }),
    ],
    says: 'connect:StartChatContact on Resource "*" (not in the allow-list)',
  },
  {
    rule: "apigateway-method-auth",
    pass: [
      res("aws:apigateway/method:Method", "m", { httpMethod: "POST", authorization: "AWS_IAM" }),
      res("aws:apigateway/method:Method", "o", { httpMethod: "OPTIONS", authorization: "NONE" }),
    ],
    fail: [res("aws:apigateway/method:Method", "m", { httpMethod: "POST", authorization: "NONE" })],
    says: "authorization is NONE",
  },
  {
    rule: "apigateway-access-logs",
    pass: [
      res("aws:apigateway/stage:Stage", "s", {
        accessLogSettings: { destinationArn: "arn:lg", format: "{}" },
      }),
    ],
    fail: [res("aws:apigateway/stage:Stage", "s", {})],
    says: "accessLogSettings.destinationArn is not set",
  },
  {
    rule: "connect-storage-kms",
    pass: [
      res("aws:connect/instanceStorageConfig:InstanceStorageConfig", "s", {
        resourceType: "CALL_RECORDINGS",
        storageConfig: {
          storageType: "S3",
          s3Config: { encryptionConfig: { encryptionType: "KMS", keyId: "arn:k" } },
        },
      }),
    ],
    fail: [
      res("aws:connect/instanceStorageConfig:InstanceStorageConfig", "s", {
        resourceType: "CALL_RECORDINGS",
        storageConfig: { storageType: "S3", s3Config: { bucketName: "b" } },
      }),
    ],
    says: "CALL_RECORDINGS storage is not KMS-encrypted",
  },
  {
    rule: "connect-flow-logs",
    pass: [
      res("aws:connect/instance:Instance", "i", {
        contactFlowLogsEnabled: true,
        identityManagementType: "SAML",
      }),
    ],
    fail: [
      res("aws:connect/instance:Instance", "i", {
        contactFlowLogsEnabled: false,
        identityManagementType: "SAML",
      }),
    ],
    says: "contactFlowLogsEnabled must be true",
  },
  {
    rule: "connect-saml-primary",
    pass: [
      res(
        "aws:connect/instance:Instance",
        "i",
        { contactFlowLogsEnabled: true, identityManagementType: "CONNECT_MANAGED" },
        "dr",
      ),
    ],
    fail: [
      res(
        "aws:connect/instance:Instance",
        "i",
        { contactFlowLogsEnabled: true, identityManagementType: "CONNECT_MANAGED" },
        "tokyo",
      ),
    ],
    says: "identityManagementType is CONNECT_MANAGED in stack tokyo",
  },
  {
    rule: "voice-id-acknowledged",
    pass: [res("aws-native:connect:Instance", "i", {})],
    fail: [res("aws-native:voiceid:Domain", "d", { name: "voice" })],
    says: "end of support on 2026-05-20",
  },
];

describe("policy pack: each rule passes a good resource and catches a bad one", () => {
  for (const c of cases) {
    it(`${c.rule}: ${c.says}`, () => {
      const only = RULES.filter((r) => r.name === c.rule);
      expect(only, c.rule).to.have.length(1);
      expect(evaluate(c.pass, DEFAULT_PACK_CONFIG, only).violations, "passing set").to.deep.equal(
        [],
      );
      const v = evaluate(c.fail, DEFAULT_PACK_CONFIG, only).violations;
      expect(v.length, "failing set").to.be.greaterThan(0);
      expect(v.map((x) => x.message).join(" | ")).to.include(c.says);
      for (const x of v) expect(x.rule).to.equal(c.rule);
    });
  }

  it("every rule has at least one table case, a FISC mapping and a user action", () => {
    for (const r of RULES) {
      expect(
        cases.some((c) => c.rule === r.name),
        r.name,
      ).to.equal(true);
      expect(r.fisc.length, r.name).to.be.greaterThan(0);
      for (const f of r.fisc) expect(f, r.name).to.match(/^実\d+$/);
      expect(r.userMustStill, r.name).to.not.equal("");
    }
  });

  it("treats a policy not known yet (preview) as unknown, not as a violation", () => {
    const key = res("aws:kms/key:Key", "k", { enableKeyRotation: true, policy: undefined });
    expect(evaluate([key]).violations).to.deep.equal([]);
  });

  it("honours pack config: Voice ID acknowledged, longer minimum retention", () => {
    const domain = res("aws-native:voiceid:Domain", "d", {});
    expect(
      evaluate([domain], { ...DEFAULT_PACK_CONFIG, voiceIdAcknowledgeEndOfSupport: true })
        .violations,
    ).to.deep.equal([]);
    const v = evaluate([logGroup("g", { retentionInDays: 3653 })], {
      ...DEFAULT_PACK_CONFIG,
      minLogRetentionDays: 4000,
    }).violations;
    expect(v.map((x) => x.message)).to.deep.equal([
      "retentionInDays must be at least 4000 (has 3653)",
    ]);
  });
});

describe("policy pack: CrossGuard wrapper", () => {
  it("registers one uniquely named policy per rule check, with FISC items in each description", () => {
    const names = policies.map((p) => p.name);
    expect(new Set(names).size).to.equal(names.length);
    const expected = RULES.flatMap((r) => [
      ...(r.resource ? [r.name] : []),
      ...(r.stack ? [r.resource ? `${r.name}-stack` : r.name] : []),
    ]);
    expect(names).to.deep.equal(expected);
    for (const p of policies) {
      expect(p.description).to.match(/FISC 実務基準: 実\d+/);
      expect(p.enforcementLevel).to.be.oneOf(["mandatory", "advisory"]);
    }
  });

  it("reports through CrossGuard's callback with the pack's default config", () => {
    const p = policies.find((x) => x.name === "kms-rotation") as unknown as {
      validateResource: (args: unknown, report: (m: string) => void) => void;
    };
    const reported: string[] = [];
    p.validateResource(
      {
        type: "aws:kms/key:Key",
        name: "k",
        urn: urn("aws:kms/key:Key", "k"),
        props: { enableKeyRotation: false },
        opts: {},
        getConfig: () => ({}),
      },
      (m) => reported.push(m),
    );
    expect(reported).to.deep.equal(["enableKeyRotation must be true"]);
  });
});

describe("policy pack over both stacks", () => {
  let tokyo: Recorded;
  let dr: Recorded;
  before(async () => {
    tokyo = await runStack("tokyo");
    dr = await runStack("dr");
  });

  it("finds zero violations in tokyo and dr", () => {
    for (const rec of [tokyo, dr]) {
      const e = evaluate(policyViews(rec.resources));
      expect(e.violations, rec.run.stack).to.deep.equal([]);
      expect(e.rulesRun).to.equal(RULES.length);
    }
  });

  it("catches a weakened stack: a bucket part removed or a key not rotated", () => {
    const views = policyViews(tokyo.resources);
    const noVersioning = views.filter(
      (v) => !(v.type === `${S3}bucketVersioning:BucketVersioning` && v.name === "vault-bucket"),
    );
    expect(evaluate(noVersioning).violations.map((v) => `${v.rule}:${v.name}`)).to.deep.equal([
      "s3-versioning:vault-bucket",
    ]);
    const unrotated = views.map((v) =>
      v.name === "tokyo-data-key" && v.type === "aws:kms/key:Key"
        ? withProps(v, { enableKeyRotation: false })
        : v,
    );
    expect(evaluate(unrotated).violations.map((v) => `${v.rule}:${v.name}`)).to.deep.equal([
      "kms-rotation:tokyo-data-key",
    ]);
  });

  it('keeps the Resource "*" allow-list exactly what the stacks use', () => {
    const used = new Set<string>();
    for (const rec of [tokyo, dr]) {
      for (const r of policyViews(rec.resources)) {
        const docs =
          r.type === "aws:iam/rolePolicy:RolePolicy" || r.type === "aws:iam/policy:Policy"
            ? [r.props.policy]
            : [];
        for (const d of docs) {
          for (const s of (
            JSON.parse(String(d)) as { Statement: { Action: unknown; Resource: unknown }[] }
          ).Statement) {
            if ([s.Resource].flat().includes("*"))
              for (const a of [s.Action].flat()) used.add(String(a));
          }
        }
      }
    }
    expect([...used].sort()).to.deep.equal([...RESOURCE_WILDCARD_ALLOWLIST].sort());
  });
});

describe("policy pack: README", () => {
  it("shows exactly the generated rule table", () => {
    const readme = fs.readFileSync(path.join(PROJECT_ROOT, "README.md"), "utf8");
    expect(readme).to.equal(withTable(readme));
    expect(readme).to.include(rulesMarkdownTable());
  });
});
