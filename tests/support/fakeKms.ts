/**
 * KMS Sign as the configuration exporter uses it, for one ECC_NIST_P256 key: ECDSA over the
 * SHA-256 digest it is given (MessageType DIGEST), a DER signature, as KMS answers. The rules it
 * enforces are KMS's (API reference, Sign): the key named must be the key; with DIGEST the message
 * must be exactly the algorithm's digest length (32 bytes for ECDSA_SHA_256); a P-256 key signs
 * with ECDSA_SHA_256 only. Node's crypto cannot sign a precomputed digest with ECDSA, so the
 * signature is made with @noble/curves; verification in the code under test uses Node's crypto.
 */
import { p256 } from "@noble/curves/nist.js";
import type { SignCommand } from "@aws-sdk/client-kms";
import * as crypto from "node:crypto";

export class FakeKmsSigner {
  readonly keyArn: string;
  readonly publicKey: crypto.KeyObject;
  readonly calls: { KeyId?: string; MessageType?: string; SigningAlgorithm?: string }[] = [];
  private readonly secret: Uint8Array;

  constructor(
    keyArn = "arn:aws:kms:ap-northeast-1:123456789012:key/5167a2b1-0000-4000-8000-00000000c0de",
  ) {
    this.keyArn = keyArn;
    const { privateKey, publicKey } = crypto.generateKeyPairSync("ec", { namedCurve: "P-256" });
    this.publicKey = publicKey;
    this.secret = Buffer.from(privateKey.export({ format: "jwk" }).d!, "base64url");
  }

  send = (command: SignCommand): Promise<{ KeyId: string; Signature: Uint8Array }> => {
    const i = command.input;
    this.calls.push({
      KeyId: i.KeyId,
      MessageType: i.MessageType,
      SigningAlgorithm: i.SigningAlgorithm,
    });
    const fail = (name: string, message: string) =>
      Promise.reject(Object.assign(new Error(message), { name }));
    if (i.KeyId !== this.keyArn) return fail("NotFoundException", `key ${i.KeyId} not found`);
    if (i.SigningAlgorithm !== "ECDSA_SHA_256")
      return fail(
        "InvalidKeyUsageException",
        `${i.SigningAlgorithm} is not valid for ECC_NIST_P256`,
      );
    const message = Buffer.from(i.Message ?? new Uint8Array());
    if (i.MessageType !== "DIGEST")
      return fail("ValidationException", "the fake signs digests only");
    if (message.length !== 32)
      return fail("ValidationException", "Digest is invalid length for algorithm ECDSA_SHA_256");
    return Promise.resolve({
      KeyId: this.keyArn,
      Signature: p256.sign(message, this.secret, { prehash: false, format: "der" }),
    });
  };

  /** The trusted-keys map a restore builds from GetPublicKey. */
  trusted(): Map<string, crypto.KeyObject> {
    return new Map([[this.keyArn, this.publicKey]]);
  }
}
