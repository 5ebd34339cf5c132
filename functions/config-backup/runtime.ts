/**
 * The exporter's AWS side: environment, the S3 snapshot store, per-API quota gates and the
 * Step Functions task handler. Kept apart from the Lambda entry so tests run the same code against
 * a local S3 server and the fake Connect.
 */
import type { ConnectClient } from "@aws-sdk/client-connect";
import { GetObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { SignCommand } from "@aws-sdk/client-kms";
import { z } from "zod";
import { rateGate } from "../../components/shared/drConnect";
import {
  exportSnapshot,
  type DigestSigner,
  type ExportStatus,
  type Manifest,
  type SnapshotStore,
} from "./export";

/** KMS Sign of a SHA-256 digest with the signing key (ECDSA_SHA_256, MessageType DIGEST). */
export interface KmsSign {
  send(command: SignCommand): Promise<{ KeyId?: string; Signature?: Uint8Array }>;
}

export const kmsSigner =
  (kms: KmsSign, keyArn: string): DigestSigner =>
  async (digest) => {
    const r = await kms.send(
      new SignCommand({
        KeyId: keyArn,
        Message: digest,
        MessageType: "DIGEST",
        SigningAlgorithm: "ECDSA_SHA_256",
      }),
    );
    if (!r.Signature) throw new Error("KMS Sign returned no signature");
    // The key's ARN as configured: what a restore's list of trusted keys names.
    return { keyId: keyArn, signature: Buffer.from(r.Signature) };
  };

export const exporterEnv = z.object({
  BACKUP_BUCKET: z.string().min(1),
  INSTANCE_ID: z.string().min(1),
  INSTANCE_ARN: z.string().startsWith("arn:"),
  AWS_REGION: z.string().min(1),
  /** Connect's default quota per API: 2 requests/s, burst 5. */
  REQUESTS_PER_SECOND: z.coerce.number().positive().default(2),
  BURST: z.coerce.number().int().positive().default(5),
  /** Stop this long before the Lambda's timeout, write the cursor, and continue in a new run. */
  SAFETY_MARGIN_MS: z.coerce.number().int().nonnegative().default(60_000),
  /** The KMS key (ECC_NIST_P256, SIGN_VERIFY) that signs every finished manifest. */
  SIGNING_KEY_ARN: z.string().startsWith("arn:"),
});
export type ExporterEnv = z.output<typeof exporterEnv>;

/** The Step Functions loop passes the snapshot back in until the export is done. */
export const exporterEvent = z
  .object({
    snapshotId: z
      .string()
      .regex(/^[0-9T-]+Z$/)
      .optional(),
  })
  .passthrough();

export interface ExporterResult {
  readonly snapshotId: string;
  readonly status: ExportStatus;
  /** Counts per collection and what is missing, once finished (the state machine's output). */
  readonly summary?: { complete: boolean; counts: Record<string, number>; missing: string[] };
}

export function s3Store(s3: S3Client, bucket: string): SnapshotStore {
  return {
    async put(key, body) {
      // The bucket's default encryption (SSE-KMS with the backup key) applies.
      await s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: body,
          ContentType: "application/json",
        }),
      );
    },
    async get(key) {
      try {
        const r = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        return await r.Body?.transformToString("utf-8");
      } catch (e) {
        if ((e as { name?: string }).name === "NoSuchKey") return undefined;
        throw e;
      }
    },
  };
}

export interface Clock {
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
}

/** One token bucket per Connect API (Connect throttles each API separately). */
export function apiGates(
  clock: Clock,
  rate: number,
  burst: number,
): (api: string) => Promise<void> {
  const gates = new Map<string, () => Promise<void>>();
  return (api) => {
    let gate = gates.get(api);
    if (!gate) {
      gate = rateGate(clock, rate, burst);
      gates.set(api, gate);
    }
    return gate();
  };
}

const summarise = (m: Manifest): ExporterResult["summary"] => ({
  complete: m.complete,
  counts: Object.fromEntries(Object.entries(m.collections).map(([k, c]) => [k, c.count])),
  missing: m.missing.map((x) => `${x.collection}: ${x.error}`),
});

export function makeHandler(
  env: ExporterEnv,
  clients: { connect: ConnectClient; s3: S3Client; kms: KmsSign },
  clock: Clock,
  log: (message: string, fields: Record<string, unknown>) => void,
) {
  const store = s3Store(clients.s3, env.BACKUP_BUCKET);
  const gate = apiGates(clock, env.REQUESTS_PER_SECOND, env.BURST);
  return async (
    event: unknown,
    context: { getRemainingTimeInMillis(): number },
  ): Promise<ExporterResult> => {
    const e = exporterEvent.parse(event ?? {});
    const deadline = clock.now() + context.getRemainingTimeInMillis() - env.SAFETY_MARGIN_MS;
    const r = await exportSnapshot(
      { instanceId: env.INSTANCE_ID, instanceArn: env.INSTANCE_ARN, region: env.AWS_REGION },
      {
        call: (command) =>
          clients.connect.send(command as never) as unknown as Promise<Record<string, unknown>>,
        gate,
        sleep: clock.sleep,
        now: clock.now,
        store,
        sign: kmsSigner(clients.kms, env.SIGNING_KEY_ARN),
        // One line per 429, with Connect's error name: Monitoring counts these (api-throttled).
        onThrottle: (api, error) => log("Connect API throttled", { api, error }),
      },
      deadline,
      e.snapshotId,
    );
    const result = {
      snapshotId: r.snapshotId,
      status: r.status,
      ...(r.manifest ? { summary: summarise(r.manifest) } : {}),
    };
    log("config backup", { ...result });
    return result;
  };
}
