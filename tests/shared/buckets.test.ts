/** PrivateBucket and BackupVault: the shared storage every capability builds on. */
import { expect } from "chai";
import {
  BACKUP_VAULT_TOKEN,
  BackupVault,
  PRIVATE_BUCKET_TOKEN,
  PrivateBucket,
} from "../../components";
import { bucketParts, expectPrivate, S3 } from "../support/buckets";
import { failureOf, Recorded, runProgram } from "../support/harness";

describe("PrivateBucket", () => {
  it("creates exactly the bucket and its seven guard rails, all children of the component", async () => {
    const rec = await runProgram(() => {
      new PrivateBucket("b", {
        region: "ap-northeast-1",
        dataClass: "general",
        encryption: { kind: "kms", keyArn: "arn:aws:kms:ap-northeast-1:123456789012:key/k" },
        accessLogs: { bucket: "logs", prefix: "b/" },
        noncurrentVersionExpirationDays: 100,
      });
    });
    expect(rec.get(PRIVATE_BUCKET_TOKEN, "b").custom).to.equal(false);
    const kids = rec
      .childrenOf("b")
      .map((r) => r.type)
      .sort();
    expect(kids).to.deep.equal([...bucketParts, `${S3}bucketLogging:BucketLogging`].sort());
    expectPrivate(rec, "b", true);
    const sse = rec.get(
      `${S3}bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration`,
      "b",
    ).inputs.rules as Record<string, unknown>[];
    expect(sse[0]).to.deep.equal({
      applyServerSideEncryptionByDefault: {
        sseAlgorithm: "aws:kms",
        kmsMasterKeyId: "arn:aws:kms:ap-northeast-1:123456789012:key/k",
      },
      bucketKeyEnabled: true,
    });
    expect(rec.get(`${S3}bucketLogging:BucketLogging`, "b").inputs).to.deep.include({
      targetBucket: "logs",
      targetPrefix: "b/",
    });
    const rules = rec.get(`${S3}bucketLifecycleConfiguration:BucketLifecycleConfiguration`, "b")
      .inputs.rules as Record<string, unknown>[];
    expect(rules.map((r) => r.id)).to.deep.equal([
      "abort-incomplete-uploads",
      "expire-noncurrent-versions",
    ]);
    expect(rules[1].noncurrentVersionExpiration).to.deep.equal({ noncurrentDays: 100 });
    for (const r of rec.childrenOf("b")) expect(r.region).to.equal("ap-northeast-1");
  });

  it("an access-log target gets SSE-S3, the log delivery grant and no logging of its own", async () => {
    const rec = await runProgram(() => {
      new PrivateBucket("logs", {
        region: "ap-northeast-3",
        dataClass: "access-logs",
        encryption: { kind: "s3-managed-for-access-logs" },
        isAccessLogTarget: true,
        noncurrentVersionExpirationDays: 30,
      });
    });
    expectPrivate(rec, "logs", false);
    expect(rec.ofType(`${S3}bucketLogging:BucketLogging`)).to.have.length(0);
    const grant = rec
      .policy(rec.get(`${S3}bucketPolicy:BucketPolicy`, "logs"))
      .Statement.find((s) => s.Sid === "S3ServerAccessLogDelivery");
    expect(grant).to.deep.equal({
      Sid: "S3ServerAccessLogDelivery",
      Effect: "Allow",
      Principal: { Service: "logging.s3.amazonaws.com" },
      Action: "s3:PutObject",
      Resource: `arn:aws:s3:::${String(rec.get(`${S3}bucket:Bucket`, "logs").id)}/*`,
      Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } },
    });
  });

  it("refuses a bucket without access logs, and SSE-S3 for anything but a log bucket", async () => {
    const err = await failureOf(async () => {
      await runProgram(() => {
        new PrivateBucket("x", {
          region: "ap-northeast-1",
          dataClass: "general",
          encryption: { kind: "kms", keyArn: "k" },
          noncurrentVersionExpirationDays: 1,
        });
      });
    });
    expect(err).to.include("[accessLogs] is required for x");
    const err2 = await failureOf(async () => {
      await runProgram(() => {
        new PrivateBucket("y", {
          region: "ap-northeast-1",
          dataClass: "general",
          encryption: { kind: "s3-managed-for-access-logs" },
          accessLogs: { bucket: "l", prefix: "y/" },
          noncurrentVersionExpirationDays: 1,
        });
      });
    });
    expect(err2).to.include("[encryption] of y must be a KMS CMK");
  });
});

describe("BackupVault", () => {
  let rec: Recorded;
  before(async () => {
    rec = await runProgram(() => {
      new BackupVault("vault", {
        region: "ap-northeast-3",
        aliasPrefix: "customerchannel/tokyo",
        transitionDays: 30,
        noncurrentVersionExpirationDays: 365,
        accessLogExpirationDays: 400,
      });
    });
  });

  it("has its own rotated CMK in the backup region", () => {
    const key = rec.get("aws:kms/key:Key", "vault-key");
    expect(key.region).to.equal("ap-northeast-3");
    expect(key.inputs).to.deep.include({
      enableKeyRotation: true,
      rotationPeriodInDays: 365,
      deletionWindowInDays: 30,
    });
    expect(rec.get("aws:kms/alias:Alias", "vault-key").inputs.name).to.equal(
      "alias/customerchannel/tokyo/vault",
    );
  });

  it("keeps replicas in a private, KMS-encrypted, logged bucket that moves to Glacier", () => {
    expect(rec.get(BACKUP_VAULT_TOKEN, "vault").custom).to.equal(false);
    expectPrivate(rec, "vault-bucket", true);
    expectPrivate(rec, "vault-access-logs", false);
    const sse = rec.get(
      `${S3}bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration`,
      "vault-bucket",
    ).inputs.rules as Record<string, Record<string, string>>[];
    expect(sse[0].applyServerSideEncryptionByDefault.kmsMasterKeyId).to.equal(
      rec.get("aws:kms/key:Key", "vault-key").state.arn,
    );
    const rules = rec.get(
      `${S3}bucketLifecycleConfiguration:BucketLifecycleConfiguration`,
      "vault-bucket",
    ).inputs.rules as Record<string, unknown>[];
    expect(rules[2]).to.deep.equal({
      id: "vault-to-glacier",
      status: "Enabled",
      filter: {},
      transitions: [{ days: 30, storageClass: "GLACIER" }],
    });
    expect(rec.ofType(`${S3}bucket:Bucket`).map((b) => b.region)).to.deep.equal([
      "ap-northeast-3",
      "ap-northeast-3",
    ]);
    expect(
      rec.get(`${S3}bucketLogging:BucketLogging`, "vault-bucket").inputs.targetPrefix,
    ).to.equal("vault/");
  });

  it("creates exactly 1 key, 1 alias and 2 buckets", () => {
    const c = rec.countsByType();
    expect(c["aws:kms/key:Key"]).to.equal(1);
    expect(c["aws:kms/alias:Alias"]).to.equal(1);
    expect(c[`${S3}bucket:Bucket`]).to.equal(2);
    expect(c[`${S3}bucketReplicationConfig:BucketReplicationConfig`]).to.equal(undefined);
  });
});
