import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
  accessLogDeliveryStatement,
  bucketBaselineStatements,
  doc,
  PolicyStatement,
} from "./policies";

export const PRIVATE_BUCKET_TOKEN = "customerchannel:storage:PrivateBucket";

export type BucketEncryption =
  | { readonly kind: "kms"; readonly keyArn: pulumi.Input<string> }
  /**
   * SSE-S3: only for S3 server-access-log buckets, because log delivery cannot write to SSE-KMS
   * targets.
   */
  | { readonly kind: "s3-managed-for-access-logs" };

/**
 * What a bucket holds, as the tag `customerchannel:data-class`: the policy pack requires
 * replication to the vault for `contact-data` and `config-backup`, and allows SSE-S3 only for
 * `access-logs`.
 */
export type DataClass =
  "contact-data" | "config-backup" | "backup-vault" | "access-logs" | "general";
export const DATA_CLASS_TAG = "customerchannel:data-class";

export interface PrivateBucketArgs {
  /** What the bucket holds (tagged on the bucket). */
  readonly dataClass: DataClass;
  /** Region of the bucket. */
  readonly region: pulumi.Input<string>;
  /** Default encryption. */
  readonly encryption: BucketEncryption;
  /**
   * Where this bucket's server access logs go (`bucket` name and key `prefix`). Required, except
   * for an access-log bucket itself (logging a log bucket into itself loops).
   */
  readonly accessLogs?: { readonly bucket: pulumi.Input<string>; readonly prefix: string };
  /** This bucket receives S3 server access logs from buckets of this account. Default false. */
  readonly isAccessLogTarget?: boolean;
  /** Lifecycle rules added to the invariant ones (abort uploads, expire old versions). Default none. */
  readonly lifecycleRules?: aws.types.input.s3.BucketLifecycleConfigurationRule[];
  /** Days superseded versions are kept. */
  readonly noncurrentVersionExpirationDays: number;
  /** Extra bucket policy statements (bucket ARN and account in, statements out). Default none. */
  readonly extraStatements?: (bucketArn: string, accountId: string) => PolicyStatement[];
  /** Statements that name other resources, known only once they exist. Default none. */
  readonly grants?: (bucketArn: string) => pulumi.Input<PolicyStatement[]>;
  /** Refuse `pulumi destroy` of the bucket. Default false. */
  readonly protect?: boolean;
}

/**
 * A private, versioned, owner-enforced S3 bucket with public access blocked, a TLS-only policy,
 * default encryption and access logging. None of these can be turned off by a caller.
 */
export class PrivateBucket extends pulumi.ComponentResource {
  public readonly bucket: aws.s3.Bucket;
  public readonly bucketName: pulumi.Output<string>;
  public readonly arn: pulumi.Output<string>;
  /** Versioning must be on before replication can be configured; depend on this. */
  public readonly versioning: aws.s3.BucketVersioning;
  public readonly policy: aws.s3.BucketPolicy;

  constructor(name: string, args: PrivateBucketArgs, opts?: pulumi.ComponentResourceOptions) {
    super(PRIVATE_BUCKET_TOKEN, name, {}, opts);
    if (!args.accessLogs && !args.isAccessLogTarget) {
      throw new pulumi.ResourceError(
        `[accessLogs] is required for ${name}: every bucket except an access-log bucket logs its access`,
        this,
      );
    }
    if ((args.dataClass === "access-logs") !== Boolean(args.isAccessLogTarget)) {
      throw new pulumi.ResourceError(
        `[dataClass] of ${name} is ${args.dataClass}: "access-logs" goes with [isAccessLogTarget] and only with it`,
        this,
      );
    }
    if (args.encryption.kind !== "kms" && !args.isAccessLogTarget) {
      throw new pulumi.ResourceError(
        `[encryption] of ${name} must be a KMS CMK: SSE-S3 is only for access-log buckets`,
        this,
      );
    }
    const region = args.region;
    const child = { parent: this, protect: args.protect };

    this.bucket = new aws.s3.Bucket(
      name,
      { region, forceDestroy: false, tags: { [DATA_CLASS_TAG]: args.dataClass } },
      child,
    );
    const bucketId = this.bucket.id;

    new aws.s3.BucketPublicAccessBlock(
      name,
      {
        region,
        bucket: bucketId,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      },
      { parent: this },
    );
    new aws.s3.BucketOwnershipControls(
      name,
      { region, bucket: bucketId, rule: { objectOwnership: "BucketOwnerEnforced" } },
      { parent: this },
    );
    this.versioning = new aws.s3.BucketVersioning(
      name,
      { region, bucket: bucketId, versioningConfiguration: { status: "Enabled" } },
      { parent: this },
    );
    const enc = args.encryption;
    new aws.s3.BucketServerSideEncryptionConfiguration(
      name,
      {
        region,
        bucket: bucketId,
        rules: [
          enc.kind === "kms"
            ? {
                applyServerSideEncryptionByDefault: {
                  sseAlgorithm: "aws:kms",
                  kmsMasterKeyId: enc.keyArn,
                },
                // Bucket keys cut KMS requests (and cost) by orders of magnitude for recordings.
                bucketKeyEnabled: true,
              }
            : { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } },
        ],
      },
      { parent: this },
    );
    if (args.accessLogs) {
      new aws.s3.BucketLogging(
        name,
        {
          region,
          bucket: bucketId,
          targetBucket: args.accessLogs.bucket,
          targetPrefix: args.accessLogs.prefix,
          targetObjectKeyFormat: {
            partitionedPrefix: { partitionDateSource: "EventTime" },
          },
        },
        { parent: this },
      );
    }
    new aws.s3.BucketLifecycleConfiguration(
      name,
      {
        region,
        bucket: bucketId,
        rules: [
          {
            id: "abort-incomplete-uploads",
            status: "Enabled",
            filter: {},
            abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
          },
          {
            id: "expire-noncurrent-versions",
            status: "Enabled",
            filter: {},
            noncurrentVersionExpiration: { noncurrentDays: args.noncurrentVersionExpirationDays },
            expiration: { expiredObjectDeleteMarker: true },
          },
          ...(args.lifecycleRules ?? []),
        ],
      },
      { parent: this, dependsOn: [this.versioning] },
    );

    const accountId = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
    const keyArn = enc.kind === "kms" ? enc.keyArn : undefined;
    this.policy = new aws.s3.BucketPolicy(
      name,
      {
        region,
        bucket: bucketId,
        policy: pulumi
          .all([
            this.bucket.arn,
            accountId,
            keyArn,
            this.bucket.arn.apply((arn) => args.grants?.(arn) ?? []),
          ])
          .apply(([arn, account, key, grants]) =>
            JSON.stringify(
              doc(
                ...bucketBaselineStatements(arn, key),
                ...(args.isAccessLogTarget ? [accessLogDeliveryStatement(arn, account)] : []),
                ...(args.extraStatements?.(arn, account) ?? []),
                ...grants,
              ),
            ),
          ),
      },
      { parent: this },
    );

    this.bucketName = this.bucket.bucket;
    this.arn = this.bucket.arn;
    this.registerOutputs({ bucketName: this.bucketName, arn: this.arn });
  }
}

/**
 * The S3 server-access-log bucket of a region: SSE-S3 (log delivery cannot write to SSE-KMS
 * targets), logs expire after `expirationDays`.
 */
export function createAccessLogBucket(
  name: string,
  args: {
    readonly region: pulumi.Input<string>;
    readonly expirationDays: number;
    readonly noncurrentVersionExpirationDays: number;
  },
  opts: pulumi.ComponentResourceOptions,
): PrivateBucket {
  return new PrivateBucket(
    name,
    {
      region: args.region,
      dataClass: "access-logs",
      encryption: { kind: "s3-managed-for-access-logs" },
      isAccessLogTarget: true,
      noncurrentVersionExpirationDays: args.noncurrentVersionExpirationDays,
      lifecycleRules: [
        {
          id: "expire-access-logs",
          status: "Enabled",
          filter: {},
          expiration: { days: args.expirationDays },
        },
      ],
    },
    opts,
  );
}
