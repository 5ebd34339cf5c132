/**
 * AuditTrail (customerchannel:ops:AuditTrail; primary by default): a CloudTrail trail that records
 * who read or wrote each recording, transcript, contact record and configuration backup (S3 data
 * events on those buckets) and every write management call of the region, into its own private
 * bucket under its own key, with log file validation; the bucket replicates to the vault so the
 * record survives the region.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { VaultTarget } from "../shared/backupVault";
import { createKmsKey } from "../shared/kmsKey";
import { cloudTrailDeliveryStatements } from "./policies";
import { PrivateBucket } from "../shared/privateBucket";
import { replicateToVault } from "../shared/vaultReplication";

export const AUDIT_TRAIL_TOKEN = "customerchannel:ops:AuditTrail";

export interface AuditTrailArgs {
  readonly region: string;
  readonly aliasPrefix: string;
  readonly stack: string;
  /** Buckets whose object reads and writes are recorded. */
  readonly dataBucketArns: pulumi.Input<string>[];
  readonly accessLogBucket: pulumi.Input<string>;
  readonly vault: VaultTarget;
  /** Days trail log files are kept in the region (the vault keeps its copy). */
  readonly retentionDays: number;
  readonly noncurrentVersionExpirationDays: number;
}

export class AuditTrail extends pulumi.ComponentResource {
  public readonly trailArn: pulumi.Output<string>;
  public readonly bucketName: pulumi.Output<string>;

  constructor(name: string, args: AuditTrailArgs, opts?: pulumi.ComponentResourceOptions) {
    super(AUDIT_TRAIL_TOKEN, name, {}, opts);
    const p = { parent: this };
    const region = args.region;
    const trailName = `customerchannel-${args.stack}-audit`;
    const identity = aws.getCallerIdentityOutput({}, p);
    const { key } = createKmsKey(
      `${name}-key`,
      {
        region,
        description: `Audit trail log files (${region})`,
        alias: `${args.aliasPrefix}/${region}/audit-trail`,
        allowCloudTrail: trailName,
      },
      p,
    );
    const bucket = new PrivateBucket(
      `${name}-bucket`,
      {
        region,
        dataClass: "general",
        encryption: { kind: "kms", keyArn: key.arn },
        accessLogs: { bucket: args.accessLogBucket, prefix: "audit-trail/" },
        noncurrentVersionExpirationDays: args.noncurrentVersionExpirationDays,
        lifecycleRules: [
          {
            id: "trail-logs-expire",
            status: "Enabled",
            filter: { prefix: "AWSLogs/" },
            expiration: { days: args.retentionDays },
          },
        ],
        extraStatements: (arn, account) =>
          cloudTrailDeliveryStatements(
            arn,
            account,
            `arn:aws:cloudtrail:${region}:${account}:trail/${trailName}`,
          ),
        protect: true,
      },
      p,
    );
    replicateToVault(
      { roleName: `${name}-replication`, configName: `${name}-bucket` },
      {
        region,
        source: bucket,
        sourceKeyArn: key.arn,
        vault: args.vault,
        what: `${region} audit trail`,
        replicationTimeControl: true,
        accountId: identity.accountId,
      },
      this,
    );
    const trail = new aws.cloudtrail.Trail(
      `${name}-trail`,
      {
        region,
        name: trailName,
        s3BucketName: bucket.bucketName,
        kmsKeyId: key.arn,
        enableLogFileValidation: true,
        enableLogging: true,
        isMultiRegionTrail: false,
        includeGlobalServiceEvents: false,
        advancedEventSelectors: [
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
              {
                field: "resources.ARN",
                startsWiths: pulumi
                  .all(args.dataBucketArns)
                  .apply((arns) => arns.map((a) => `${a}/`)),
              },
            ],
          },
        ],
      },
      { parent: this, dependsOn: [bucket.policy] },
    );
    this.trailArn = trail.arn;
    this.bucketName = bucket.bucketName;
    this.registerOutputs({ trailArn: this.trailArn, bucketName: this.bucketName });
  }
}
