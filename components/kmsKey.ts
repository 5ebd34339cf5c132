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

/**
 * A customer-managed key that does not encrypt: HMAC (HMAC_256, GenerateMac/VerifyMac) or
 * signing (ECC_NIST_P256, Sign/Verify/GetPublicKey), with the same key policy except that IAM
 * policies may grant only these use actions. KMS cannot rotate either automatically ("Automatic
 * key rotation is supported only on symmetric encryption KMS keys. You cannot enable automatic
 * rotation of asymmetric KMS keys, HMAC KMS keys, ...", KMS API reference, EnableKeyRotation);
 * the policy pack's rotation rule knows this exception.
 */
function createNonEncryptionKey(
  name: string,
  args: Pick<KmsKeyArgs, "region" | "description" | "alias" | "deletionWindowInDays">,
  kind: { usage: string; spec: string; useActions: readonly string[] },
  opts: pulumi.CustomResourceOptions,
): { key: aws.kms.Key; alias: aws.kms.Alias } {
  const identity = aws.getCallerIdentityOutput({}, { parent: opts.parent });
  const partition = aws.getPartitionOutput({}, { parent: opts.parent });
  const policy = pulumi
    .all([identity.accountId, partition.partition, args.region])
    .apply(([accountId, part, region]) =>
      JSON.stringify(
        keyPolicy({ partition: part, accountId, region, useActions: kind.useActions }),
      ),
    );
  const key = new aws.kms.Key(
    name,
    {
      region: args.region,
      description: args.description,
      keyUsage: kind.usage,
      customerMasterKeySpec: kind.spec,
      enableKeyRotation: false,
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

/** An HMAC key (see createNonEncryptionKey). */
export const createHmacKey = (
  name: string,
  args: Pick<KmsKeyArgs, "region" | "description" | "alias" | "deletionWindowInDays">,
  opts: pulumi.CustomResourceOptions,
) =>
  createNonEncryptionKey(
    name,
    args,
    { usage: "GENERATE_VERIFY_MAC", spec: "HMAC_256", useActions: KMS_MAC_ACTIONS },
    opts,
  );

/** A signing key, ECDSA on P-256 (see createNonEncryptionKey). */
export const createSigningKey = (
  name: string,
  args: Pick<KmsKeyArgs, "region" | "description" | "alias" | "deletionWindowInDays">,
  opts: pulumi.CustomResourceOptions,
) =>
  createNonEncryptionKey(
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
export function createKmsKey(
  name: string,
  args: KmsKeyArgs,
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
          allowCloudWatchLogs: args.allowCloudWatchLogs,
          allowServices: args.allowServices,
          allowCloudTrail: args.allowCloudTrail,
          allowCloudFrontReads: args.allowCloudFrontReads,
        }),
      ),
    );
  const key = new aws.kms.Key(
    name,
    {
      region: args.region,
      description: args.description,
      keyUsage: "ENCRYPT_DECRYPT",
      customerMasterKeySpec: "SYMMETRIC_DEFAULT",
      enableKeyRotation: true,
      rotationPeriodInDays: 365,
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
