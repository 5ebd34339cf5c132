/**
 * Pure builders for the IAM, KMS and bucket policy documents the components attach. Kept free of
 * Pulumi so every statement is unit-tested exactly and the policy pack can reuse them.
 */

export interface PolicyStatement {
  Sid: string;
  Effect: "Allow" | "Deny";
  Principal?: "*" | Record<string, string | string[]>;
  Action: string | string[];
  /** Absent only in trust policies, where IAM forbids it. */
  Resource?: string | string[];
  Condition?: Record<string, Record<string, string | string[] | boolean>>;
}

export interface PolicyDocument {
  Version: "2012-10-17";
  Statement: PolicyStatement[];
}

export const doc = (...statements: PolicyStatement[]): PolicyDocument => ({
  Version: "2012-10-17",
  Statement: statements,
});

/**
 * Key administration actions granted to the account (so IAM policies decide who administers).
 * Listed one by one: the quality bar forbids `kms:*`, even for the account root.
 */
export const KMS_ADMIN_ACTIONS = [
  "kms:CancelKeyDeletion",
  "kms:CreateAlias",
  "kms:DeleteAlias",
  "kms:DescribeKey",
  "kms:DisableKey",
  "kms:EnableKey",
  "kms:EnableKeyRotation",
  "kms:GetKeyPolicy",
  "kms:GetKeyRotationStatus",
  "kms:ListGrants",
  "kms:ListKeyRotations",
  "kms:ListResourceTags",
  "kms:PutKeyPolicy",
  "kms:RevokeGrant",
  "kms:RotateKeyOnDemand",
  "kms:ScheduleKeyDeletion",
  "kms:TagResource",
  "kms:UntagResource",
  "kms:UpdateAlias",
  "kms:UpdateKeyDescription",
] as const;

/** Cryptographic use, delegated to IAM in this account (roles still need their own policy). */
export const KMS_USE_ACTIONS = [
  "kms:Decrypt",
  "kms:Encrypt",
  "kms:GenerateDataKey",
  "kms:GenerateDataKeyWithoutPlaintext",
  "kms:ReEncryptFrom",
  "kms:ReEncryptTo",
  // Connect, Firehose and S3 replication create grants on behalf of the deploying principal.
  "kms:CreateGrant",
  "kms:RetireGrant",
] as const;

/** What IAM policies of the account may grant on an HMAC key (GENERATE_VERIFY_MAC): MACs only. */
export const KMS_MAC_ACTIONS = ["kms:GenerateMac", "kms:VerifyMac"] as const;

/** What IAM policies of the account may grant on a signing key (SIGN_VERIFY). */
export const KMS_SIGN_ACTIONS = ["kms:Sign", "kms:Verify", "kms:GetPublicKey"] as const;

export interface KeyPolicyArgs {
  /** The key's use actions IAM policies may grant; default the encryption ones. */
  useActions?: readonly string[];
  partition: string;
  accountId: string;
  region: string;
  /** Let CloudWatch Logs in this region encrypt log groups of this account with the key. */
  allowCloudWatchLogs?: boolean;
  /** Let these AWS services (e.g. events.amazonaws.com) use the key for their deliveries. */
  allowServices?: string[];
  /** Let this CloudTrail trail (by name, in this region) encrypt its log files. */
  allowCloudTrail?: string;
  /**
   * Let CloudFront distributions of this account decrypt (origin access control reading SSE-KMS
   * objects). The distribution's id does not exist when the key is made; the bucket policy names
   * the one distribution that may read.
   */
  allowCloudFrontReads?: boolean;
}

/**
 * A key policy with no wildcard principal and no wildcard action. In a key policy `Resource: "*"`
 * means "this key" (the only form KMS accepts), which is why it appears here.
 */
export function keyPolicy(a: KeyPolicyArgs): PolicyDocument {
  const root = { AWS: `arn:${a.partition}:iam::${a.accountId}:root` };
  const statements: PolicyStatement[] = [
    {
      Sid: "AccountAdministersKey",
      Effect: "Allow",
      Principal: root,
      Action: [...KMS_ADMIN_ACTIONS],
      Resource: "*",
    },
    {
      Sid: "AccountIamPoliciesGrantUse",
      Effect: "Allow",
      Principal: root,
      Action: [...(a.useActions ?? KMS_USE_ACTIONS)],
      Resource: "*",
    },
  ];
  if (a.allowCloudWatchLogs) {
    statements.push({
      Sid: "CloudWatchLogsEncryptsThisAccountsLogGroups",
      Effect: "Allow",
      Principal: { Service: `logs.${a.region}.amazonaws.com` },
      Action: [
        "kms:Decrypt",
        "kms:Encrypt",
        "kms:GenerateDataKey",
        "kms:ReEncryptFrom",
        "kms:ReEncryptTo",
      ],
      Resource: "*",
      Condition: {
        ArnLike: {
          "kms:EncryptionContext:aws:logs:arn": `arn:${a.partition}:logs:${a.region}:${a.accountId}:log-group:*`,
        },
      },
    });
    // DescribeKey carries no encryption context (SAR: kms:DescribeKey has no
    // kms:EncryptionContext key), so under the statement above it would never be granted.
    statements.push({
      Sid: "CloudWatchLogsDescribesKey",
      Effect: "Allow",
      Principal: { Service: `logs.${a.region}.amazonaws.com` },
      Action: "kms:DescribeKey",
      Resource: "*",
    });
  }
  if (a.allowCloudTrail) {
    const trailArn = `arn:${a.partition}:cloudtrail:${a.region}:${a.accountId}:trail/${a.allowCloudTrail}`;
    statements.push(
      {
        Sid: "CloudTrailEncryptsThisTrailsLogs",
        Effect: "Allow",
        Principal: { Service: "cloudtrail.amazonaws.com" },
        Action: ["kms:GenerateDataKey"],
        Resource: "*",
        Condition: {
          StringEquals: { "aws:SourceArn": trailArn },
          StringLike: {
            "kms:EncryptionContext:aws:cloudtrail:arn": `arn:${a.partition}:cloudtrail:*:${a.accountId}:trail/*`,
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
    );
  }
  if (a.allowCloudFrontReads) {
    statements.push({
      Sid: "CloudFrontOfThisAccountDecrypts",
      Effect: "Allow",
      Principal: { Service: "cloudfront.amazonaws.com" },
      Action: ["kms:Decrypt"],
      Resource: "*",
      Condition: {
        StringLike: {
          "aws:SourceArn": `arn:${a.partition}:cloudfront::${a.accountId}:distribution/*`,
        },
      },
    });
  }
  if (a.allowServices?.length) {
    statements.push({
      Sid: "ServicesDeliverForThisAccount",
      Effect: "Allow",
      Principal: { Service: [...a.allowServices].sort() },
      // EventBridge needs DescribeKey too, to resolve and check the key of a bus or target
      // (docs.aws.amazon.com/eventbridge/latest/userguide/eb-encryption-key-policy.html).
      Action: ["kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKey"],
      Resource: "*",
      Condition: { StringEquals: { "aws:SourceAccount": a.accountId } },
    });
  }
  return doc(...statements);
}

/**
 * The deny that makes a resource TLS-only (buckets, queues, topics). A deny on the service's
 * actions is the documented way to require TLS; it grants nothing.
 */
export const denyInsecureTransport = (
  action: string,
  resource: string | string[],
): PolicyStatement => ({
  Sid: "DenyInsecureTransport",
  Effect: "Deny",
  Principal: "*",
  Action: action,
  Resource: resource,
  Condition: { Bool: { "aws:SecureTransport": "false" } },
});

/**
 * Statements every bucket gets: TLS 1.2+ only, and (for KMS buckets) no upload that asks for a
 * different encryption or a different key than the bucket's CMK.
 */
export function bucketBaselineStatements(bucketArn: string, kmsKeyArn?: string): PolicyStatement[] {
  const both = [bucketArn, `${bucketArn}/*`];
  const statements: PolicyStatement[] = [
    denyInsecureTransport("s3:*", both),
    {
      Sid: "DenyTlsBelow12",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:*",
      Resource: both,
      Condition: { NumericLessThan: { "s3:TlsVersion": "1.2" } },
    },
  ];
  if (kmsKeyArn) {
    statements.push(
      {
        Sid: "DenyUploadsNotUsingKms",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:PutObject",
        Resource: `${bucketArn}/*`,
        // Only an upload that asks for another encryption: one with no header gets the bucket's
        // default (its CMK). `...IfExists` would match a missing header and refuse every
        // writer relying on default encryption (IAM condition operators: a missing key makes
        // IfExists and negated operators match), so `Null: false` requires the header.
        Condition: {
          StringNotEquals: { "s3:x-amz-server-side-encryption": "aws:kms" },
          Null: { "s3:x-amz-server-side-encryption": "false" },
        },
      },
      {
        Sid: "DenyUploadsWithAnotherKey",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:PutObject",
        Resource: `${bucketArn}/*`,
        Condition: {
          StringNotEquals: { "s3:x-amz-server-side-encryption-aws-kms-key-id": kmsKeyArn },
          Null: { "s3:x-amz-server-side-encryption-aws-kms-key-id": "false" },
        },
      },
    );
  }
  return statements;
}

/** Lets the S3 logging service write server access logs from this account's buckets. */
export function accessLogDeliveryStatement(
  logBucketArn: string,
  accountId: string,
): PolicyStatement {
  return {
    Sid: "S3ServerAccessLogDelivery",
    Effect: "Allow",
    Principal: { Service: "logging.s3.amazonaws.com" },
    Action: "s3:PutObject",
    Resource: `${logBucketArn}/*`,
    Condition: { StringEquals: { "aws:SourceAccount": accountId } },
  };
}

export const assumeRolePolicy = (service: string, accountId: string): PolicyDocument =>
  doc({
    Sid: "ServiceAssumesRoleForThisAccount",
    Effect: "Allow",
    Principal: { Service: service },
    Action: "sts:AssumeRole",
    Condition: { StringEquals: { "aws:SourceAccount": accountId } },
  });

export interface ReplicationPolicyArgs {
  sourceBucketArn: string;
  sourceKeyArn: string;
  sourceRegion: string;
  destinationBucketArn: string;
  destinationKeyArn: string;
  destinationRegion: string;
}

/** What S3 needs to replicate KMS-encrypted objects to the vault; deletes are not replicated. */
export function replicationPolicy(a: ReplicationPolicyArgs): PolicyDocument {
  return doc(
    {
      Sid: "ReadReplicationConfiguration",
      Effect: "Allow",
      Action: ["s3:GetReplicationConfiguration", "s3:ListBucket"],
      Resource: a.sourceBucketArn,
    },
    {
      Sid: "ReadSourceVersions",
      Effect: "Allow",
      Action: [
        "s3:GetObjectVersionAcl",
        "s3:GetObjectVersionForReplication",
        "s3:GetObjectVersionTagging",
      ],
      Resource: `${a.sourceBucketArn}/*`,
    },
    {
      Sid: "WriteReplicasToVault",
      Effect: "Allow",
      Action: ["s3:ReplicateObject", "s3:ReplicateTags"],
      Resource: `${a.destinationBucketArn}/*`,
    },
    {
      Sid: "DecryptSourceViaS3",
      Effect: "Allow",
      Action: "kms:Decrypt",
      Resource: a.sourceKeyArn,
      Condition: {
        // Both buckets use S3 Bucket Keys: the encryption context is the bucket's ARN, not the
        // object's (docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-key.html).
        StringEquals: {
          "kms:ViaService": `s3.${a.sourceRegion}.amazonaws.com`,
          "kms:EncryptionContext:aws:s3:arn": a.sourceBucketArn,
        },
      },
    },
    {
      Sid: "EncryptReplicasViaS3",
      Effect: "Allow",
      Action: ["kms:Encrypt", "kms:GenerateDataKey"],
      Resource: a.destinationKeyArn,
      Condition: {
        StringEquals: {
          "kms:ViaService": `s3.${a.destinationRegion}.amazonaws.com`,
          "kms:EncryptionContext:aws:s3:arn": a.destinationBucketArn,
        },
      },
    },
  );
}

/** Lets EventBridge deliver matched events into the given log groups. */
export function eventsToLogsResourcePolicy(logGroupArns: string[]): PolicyDocument {
  return doc({
    Sid: "EventBridgeDeliversToLogGroups",
    Effect: "Allow",
    Principal: { Service: ["delivery.logs.amazonaws.com", "events.amazonaws.com"] },
    Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
    Resource: logGroupArns.map((a) => `${a}:*`),
  });
}

/** What every function may do with its own log group (the group is created by this program). */
export const functionLogStatement = (logGroupArn: string): PolicyStatement => ({
  Sid: "WriteOwnLogGroup",
  Effect: "Allow",
  Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
  Resource: `${logGroupArn}:*`,
});

/** Subnets and security groups a function's network interfaces are placed in. */
export interface FunctionVpc {
  readonly subnetIds: readonly string[];
  readonly securityGroupIds: readonly string[];
}

/**
 * What Lambda needs of a function's role to place the function in a VPC (the actions of the
 * AWS managed policy AWSLambdaVPCAccessExecutionRole), narrowed to the given subnets and groups
 * where the actions have resource types (lambda/latest/dg/configuration-vpc.html; SAR).
 * `logGroupArn` gives the partition, region and account.
 */
export const functionVpcStatements = (logGroupArn: string, vpc: FunctionVpc): PolicyStatement[] => {
  const [, partition, , region, account] = logGroupArn.split(":");
  const ec2 = (type: string, id: string) =>
    `arn:${partition}:ec2:${region}:${account}:${type}/${id}`;
  return [
    {
      Sid: "DescribeNetworkInterfacesAndSubnets",
      Effect: "Allow",
      Action: ["ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets"],
      // AWS requires "*": the SAR lists no resource type for these Describe actions.
      Resource: "*",
    },
    {
      Sid: "CreateNetworkInterfacesInTheseSubnets",
      Effect: "Allow",
      Action: "ec2:CreateNetworkInterface",
      Resource: [
        ec2("network-interface", "*"),
        ...vpc.subnetIds.map((id) => ec2("subnet", id)),
        ...vpc.securityGroupIds.map((id) => ec2("security-group", id)),
      ],
    },
    {
      Sid: "ManageNetworkInterfaces",
      Effect: "Allow",
      Action: [
        "ec2:DeleteNetworkInterface",
        "ec2:AssignPrivateIpAddresses",
        "ec2:UnassignPrivateIpAddresses",
      ],
      // The interfaces Lambda creates get AWS-generated ids: the account's, in this region.
      Resource: ec2("network-interface", "*"),
    },
  ];
};

/**
 * Use of a CMK only through one service in one region (DynamoDB, SQS, ...): the function can
 * read and write the encrypted data but cannot call KMS directly with the key.
 */
export const kmsViaServiceStatement = (
  sid: string,
  keyArn: string,
  service: string,
  region: string,
): PolicyStatement => ({
  Sid: sid,
  Effect: "Allow",
  Action: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"],
  Resource: keyArn,
  Condition: { StringEquals: { "kms:ViaService": `${service}.${region}.amazonaws.com` } },
});

/**
 * EventBridge may perform `action` on `resource` for these rules only (aws:SourceArn): how a rule
 * delivers to a queue or topic without opening it to other rules or accounts.
 */
const eventBridgeDelivers = (
  sid: string,
  action: string,
  resource: string,
  ruleArns: string | string[],
): PolicyStatement => ({
  Sid: sid,
  Effect: "Allow",
  Principal: { Service: "events.amazonaws.com" },
  Action: action,
  Resource: resource,
  Condition: { ArnEquals: { "aws:SourceArn": ruleArns } },
});

/** Queue policy: TLS only, and optionally EventBridge delivering the given rules' events. */
export function queuePolicy(queueArn: string, eventRuleArn?: string | string[]): PolicyDocument {
  const statements: PolicyStatement[] = [denyInsecureTransport("sqs:*", queueArn)];
  if (eventRuleArn?.length)
    statements.push(
      eventBridgeDelivers("EventBridgeDeadLetters", "sqs:SendMessage", queueArn, eventRuleArn),
    );
  return doc(...statements);
}

/** Topic policy: TLS only; EventBridge may publish for the given rules only. */
export const topicPolicy = (topicArn: string, eventRuleArns: string[] = []): PolicyDocument =>
  doc(
    denyInsecureTransport("sns:Publish", topicArn),
    ...(eventRuleArns.length
      ? [eventBridgeDelivers("EventBridgeRulesPublish", "sns:Publish", topicArn, eventRuleArns)]
      : []),
  );
