import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { KMS_MAC_ACTIONS, KMS_SIGN_ACTIONS, keyPolicy } from "./policies";

export interface KmsKeyArgs {
  /** Region of the key. */
  readonly region: pulumi.Input<string>;
  /** What the key protects; shown in the console and in audits. */
  readonly description: string;
  /** Alias without the `alias/` prefix, e.g. `customerchannel/tokyo/data`. */
  readonly alias: string;
  /** Allow CloudWatch Logs in the key's region to use it for this account's log groups. Default false. */
  readonly allowCloudWatchLogs?: boolean;
  /** AWS service principals that deliver into resources encrypted with this key. Default none. */
  readonly allowServices?: string[];
  /** A CloudTrail trail (name, same region and account) that encrypts its logs with the key. */
  readonly allowCloudTrail?: string;
  /** Let this account's CloudFront distributions decrypt (origin access control). Default false. */
  readonly allowCloudFrontReads?: boolean;
  /** Days KMS waits before deleting the key after a destroy (7-30). Default 30. */
  readonly deletionWindowInDays?: number;
}

/** The key's kind: what it does, and whether KMS can rotate it. */
interface KeyKind {
  readonly usage: "ENCRYPT_DECRYPT" | "GENERATE_VERIFY_MAC" | "SIGN_VERIFY";
  readonly spec: "SYMMETRIC_DEFAULT" | "HMAC_256" | "ECC_NIST_P256";
  /** Use actions IAM policies of the account may grant (default the encryption ones). */
  readonly useActions?: readonly string[];
}

/** Key, key policy and alias: what every kind of key here shares. */
function keyWithAlias(
  name: string,
  args: KmsKeyArgs,
  kind: KeyKind,
  opts: pulumi.CustomResourceOptions,
): { key: aws.kms.Key; alias: aws.kms.Alias } {
  const identity = aws.getCallerIdentityOutput({}, { parent: opts.parent });
  const partition = aws.getPartitionOutput({}, { parent: opts.parent });
  const policy = pulumi
    .all([identity.accountId, partition.partition, args.region])
    .apply(([accountId, part, region]) =>
      JSON.stringify(
        keyPolicy({
          partition: part,
          accountId,
          region,
          useActions: kind.useActions,
          allowCloudWatchLogs: args.allowCloudWatchLogs,
          allowServices: args.allowServices,
          allowCloudTrail: args.allowCloudTrail,
          allowCloudFrontReads: args.allowCloudFrontReads,
        }),
      ),
    );
  // KMS rotates symmetric encryption keys only ("You cannot enable automatic rotation of
  // asymmetric KMS keys, HMAC KMS keys, ...", KMS API reference, EnableKeyRotation); the policy
  // pack's rotation rule knows this exception.
  const rotates = kind.usage === "ENCRYPT_DECRYPT";
  const key = new aws.kms.Key(
    name,
    {
      region: args.region,
      description: args.description,
      keyUsage: kind.usage,
      customerMasterKeySpec: kind.spec,
      enableKeyRotation: rotates,
      ...(rotates ? { rotationPeriodInDays: 365 } : {}),
      deletionWindowInDays: args.deletionWindowInDays ?? 30,
      multiRegion: false,
      policy,
    },
    opts,
  );
  const alias = new aws.kms.Alias(
    name,
    { region: args.region, name: `alias/${args.alias}`, targetKeyId: key.keyId },
    opts,
  );
  return { key, alias };
}

type NonEncryptionKeyArgs = Pick<
  KmsKeyArgs,
  "region" | "description" | "alias" | "deletionWindowInDays"
>;

/** An HMAC key (HMAC_256; IAM may grant GenerateMac/VerifyMac only). Not rotatable by KMS. */
export const createHmacKey = (
  name: string,
  args: NonEncryptionKeyArgs,
  opts: pulumi.CustomResourceOptions,
) =>
  keyWithAlias(
    name,
    args,
    { usage: "GENERATE_VERIFY_MAC", spec: "HMAC_256", useActions: KMS_MAC_ACTIONS },
    opts,
  );

/** A signing key, ECDSA on P-256 (IAM may grant Sign/Verify/GetPublicKey only). Not rotatable. */
export const createSigningKey = (
  name: string,
  args: NonEncryptionKeyArgs,
  opts: pulumi.CustomResourceOptions,
) =>
  keyWithAlias(
    name,
    args,
    { usage: "SIGN_VERIFY", spec: "ECC_NIST_P256", useActions: KMS_SIGN_ACTIONS },
    opts,
  );

/**
 * A customer-managed key with yearly rotation and an explicit key policy. Rotation and the policy
 * are invariants: callers cannot turn them off. Returns the key and its alias, both children of
 * `opts.parent`.
 */
export const createKmsKey = (name: string, args: KmsKeyArgs, opts: pulumi.CustomResourceOptions) =>
  keyWithAlias(name, args, { usage: "ENCRYPT_DECRYPT", spec: "SYMMETRIC_DEFAULT" }, opts);
