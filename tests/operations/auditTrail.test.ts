/**
 * AuditTrail: S3 data events of contact data and configuration backups plus write management
 * calls, into a private bucket under a key only this trail may use, replicated to the vault.
 */
import { expect } from "chai";
import { runStack, stackConfig, type Recorded } from "../support/harness";

describe("AuditTrail", () => {
  let tokyo: Recorded;
  before(async () => {
    tokyo = await runStack("tokyo");
  });

  it("records reads and writes of recordings and configuration backups, and write calls", () => {
    const trail = tokyo.get("aws:cloudtrail/trail:Trail", "tokyo-audit-trail");
    expect(trail.inputs).to.deep.include({
      name: "customerchannel-tokyo-audit",
      enableLogFileValidation: true,
      enableLogging: true,
      kmsKeyId: tokyo.get("aws:kms/key:Key", "tokyo-audit-key").state.arn,
      s3BucketName: tokyo.get("aws:s3/bucket:Bucket", "tokyo-audit-bucket").state.bucket,
    });
    const contact = tokyo.get("aws:s3/bucket:Bucket", "tokyo-contact-data").state.arn;
    const backups = tokyo.get("aws:s3/bucket:Bucket", "tokyo-config-backup-bucket").state.arn;
    expect(trail.inputs.advancedEventSelectors).to.deep.equal([
      {
        name: "Write management events",
        fieldSelectors: [
          { field: "eventCategory", equals: ["Management"] },
          { field: "readOnly", equals: ["false"] },
        ],
      },
      {
        name: "Reads and writes of contact data and configuration backups",
        fieldSelectors: [
          { field: "eventCategory", equals: ["Data"] },
          { field: "resources.type", equals: ["AWS::S3::Object"] },
          { field: "resources.ARN", startsWiths: [`${String(contact)}/`, `${String(backups)}/`] },
        ],
      },
    ]);
    expect(tokyo.run.outputs.auditTrailArn).to.equal(
      "arn:aws:cloudtrail:ap-northeast-1:123456789012:trail/customerchannel-tokyo-audit",
    );
  });

  it("only this trail may write to its bucket and use its key", () => {
    const trailArn =
      "arn:aws:cloudtrail:ap-northeast-1:123456789012:trail/customerchannel-tokyo-audit";
    const bucket = tokyo.get("aws:s3/bucket:Bucket", "tokyo-audit-bucket").state.arn;
    const policy = tokyo.policy(
      tokyo.get("aws:s3/bucketPolicy:BucketPolicy", "tokyo-audit-bucket"),
    );
    expect(policy.Statement.filter((s) => String(s.Sid).startsWith("CloudTrail"))).to.deep.equal([
      {
        Sid: "CloudTrailAclCheck",
        Effect: "Allow",
        Principal: { Service: "cloudtrail.amazonaws.com" },
        Action: "s3:GetBucketAcl",
        Resource: bucket,
        Condition: { StringEquals: { "aws:SourceArn": trailArn } },
      },
      {
        Sid: "CloudTrailWrite",
        Effect: "Allow",
        Principal: { Service: "cloudtrail.amazonaws.com" },
        Action: "s3:PutObject",
        Resource: `${String(bucket)}/AWSLogs/123456789012/*`,
        Condition: {
          StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": trailArn },
        },
      },
    ]);
    const key = tokyo.policy(tokyo.get("aws:kms/key:Key", "tokyo-audit-key"));
    expect(key.Statement.filter((s) => String(s.Sid).startsWith("CloudTrail"))).to.deep.equal([
      {
        Sid: "CloudTrailEncryptsThisTrailsLogs",
        Effect: "Allow",
        Principal: { Service: "cloudtrail.amazonaws.com" },
        Action: ["kms:GenerateDataKey"],
        Resource: "*",
        Condition: {
          StringEquals: { "aws:SourceArn": trailArn },
          StringLike: {
            "kms:EncryptionContext:aws:cloudtrail:arn": "arn:aws:cloudtrail:*:123456789012:trail/*",
          },
        },
      },
      {
        Sid: "CloudTrailDescribesKey",
        Effect: "Allow",
        Principal: { Service: "cloudtrail.amazonaws.com" },
        Action: ["kms:DescribeKey"],
        Resource: "*",
        Condition: { StringEquals: { "aws:SourceArn": trailArn } },
      },
    ]);
    const rule = (
      tokyo.get("aws:s3/bucketReplicationConfig:BucketReplicationConfig", "tokyo-audit-bucket")
        .inputs.rules as { destination: { bucket: string }; deleteMarkerReplication: unknown }[]
    )[0];
    expect(rule.destination.bucket).to.equal(tokyo.run.outputs.vaultBucketArn);
    expect(rule.deleteMarkerReplication).to.deep.equal({ status: "Disabled" });
  });

  it("is on by default for the primary only; monitoring.auditTrail turns it on for dr", async () => {
    expect(stackConfig("dr").monitoring.auditTrail).to.equal(undefined);
    const dr = await runStack("dr");
    expect(dr.ofType("aws:cloudtrail/trail:Trail")).to.deep.equal([]);
    const drOn = await runStack("dr", { monitoring: { auditTrail: true } });
    expect(drOn.get("aws:cloudtrail/trail:Trail", "dr-audit-trail").inputs.name).to.equal(
      "customerchannel-dr-audit",
    );
    const off = await runStack("tokyo", { monitoring: { auditTrail: false } });
    expect(off.ofType("aws:cloudtrail/trail:Trail")).to.deep.equal([]);
  });
});
