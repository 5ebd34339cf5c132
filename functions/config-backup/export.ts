/**
 * The exporter's engine: reads every collection (collections.ts) of one instance into a snapshot
 * folder, `snapshots/<instanceId>/<snapshotId>/`, as part files of at most PART_SIZE records each,
 * then writes `manifest.json` (counts, SHA-256 of every part, API request ids, calls, throttling,
 * duration, and what is missing), signed: `manifest.sig.json` holds a KMS signature (ECDSA P-256,
 * SHA-256) of the manifest's exact bytes, written before the manifest, so a finished snapshot is
 * always signed. The part checksums protect the parts; the signature protects the checksums: a
 * part changed together with a recomputed manifest checksum fails the signature.
 *
 * Large instances: the run stops before its deadline (the Lambda's remaining time less a margin),
 * writes what it holds and its cursor to `_state.json`, and answers CONTINUE; the next invocation
 * (the Step Functions loop) resumes from the cursor. Collections use different APIs, which Connect
 * throttles separately, so they run side by side, each paced by its API's gate.
 *
 * A collection that fails (after the throttle retries) is recorded with its error and the others
 * go on; the manifest then says `complete: false` with the missing collections, and the answer is
 * FAILED, so the state machine fails and its alarm fires: never a silent gap. An item deleted
 * between the list and its describe is recorded as vanished, not as a failure.
 */
import * as crypto from "node:crypto";
import { backoffMs, RATE_THROTTLES } from "../shared/throttle";
import { COLLECTIONS, type CollectionSpec, type Send } from "./collections";

export const PART_SIZE = 100;

/** The signature file next to manifest.json. */
export interface ManifestSignature {
  readonly format: "customerchannel-config-snapshot-signature/1";
  /** The KMS key that signed (its ARN). */
  readonly keyId: string;
  readonly algorithm: "ECDSA_SHA_256";
  /** SHA-256 of the manifest's bytes, hex (what KMS signed, as a digest). */
  readonly manifestSha256: string;
  /** DER-encoded ECDSA signature, base64 (KMS Sign's output). */
  readonly signature: string;
}

/** Signs a SHA-256 digest (KMS Sign with MessageType DIGEST in production). */
export type DigestSigner = (digest: Buffer) => Promise<{ keyId: string; signature: Buffer }>;

/** Checks a snapshot's signature: throws with the reason when it is not trusted. */
export type SignatureCheck = (manifestText: string, sig: ManifestSignature) => void;

/**
 * A SignatureCheck from the public keys of the signing keys trusted (KMS GetPublicKey gives
 * them, DER SubjectPublicKeyInfo): the key named must be one of them, and the signature must
 * verify over the manifest's bytes.
 */
export function signatureCheck(trusted: ReadonlyMap<string, crypto.KeyObject>): SignatureCheck {
  return (text, sig) => {
    if (
      sig.format !== "customerchannel-config-snapshot-signature/1" ||
      sig.algorithm !== "ECDSA_SHA_256"
    )
      throw new Error("manifest.sig.json is not a signature this tool knows");
    const key = trusted.get(sig.keyId);
    if (!key)
      throw new Error(
        `manifest signed by ${sig.keyId}, which is not a trusted signing key (${[...trusted.keys()].join(", ") || "none given"})`,
      );
    if (sha256(text) !== sig.manifestSha256)
      throw new Error(
        "manifest.json is not the manifest that was signed: the snapshot was changed",
      );
    if (!crypto.verify("sha256", Buffer.from(text), key, Buffer.from(sig.signature, "base64")))
      throw new Error("manifest.json's signature does not verify: the snapshot was changed");
  };
}

export interface SnapshotStore {
  put(key: string, body: string): Promise<void>;
  get(key: string): Promise<string | undefined>;
}

export interface Part {
  readonly key: string;
  readonly count: number;
  readonly sha256: string;
}

export interface CollectionState {
  /** Which of the collection's lists is being read, and its next page. */
  list: number;
  token?: string;
  listed: boolean;
  /** Items listed and still to be completed by the detail call. */
  pending: Record<string, unknown>[];
  /** Records not yet written to a part. */
  buffer: Record<string, unknown>[];
  parts: Part[];
  count: number;
  vanished: string[];
  done: boolean;
  error?: string;
}

export interface RunState {
  readonly snapshotId: string;
  readonly prefix: string;
  readonly instanceId: string;
  readonly startedAt: string;
  invocations: number;
  collections: Record<string, CollectionState>;
  /** Per API: successful calls, throttled answers, request ids. */
  apis: Record<string, { calls: number; throttled: number; requestIds: string[] }>;
}

export interface Manifest {
  readonly format: "customerchannel-config-snapshot/1";
  readonly snapshotId: string;
  readonly instanceId: string;
  readonly instanceArn: string;
  readonly region: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly durationMs: number;
  readonly invocations: number;
  readonly complete: boolean;
  readonly collections: Record<
    string,
    { count: number; parts: Part[]; vanished: string[]; error?: string }
  >;
  readonly missing: { collection: string; error: string }[];
  readonly apis: RunState["apis"];
}

export interface ExportDeps {
  /** Raw Connect call; the engine adds the quota gate, throttle retries and bookkeeping. */
  readonly call: (command: object) => Promise<Record<string, unknown>>;
  /** Waits for the API's quota gate (one token per call). */
  readonly gate: (api: string) => Promise<void>;
  readonly sleep: (ms: number) => Promise<void>;
  readonly now: () => number;
  readonly store: SnapshotStore;
  /** Signs the finished manifest; without it no signature is written (a restore refuses). */
  readonly sign?: DigestSigner;
  readonly maxAttempts?: number;
  /** Read the collections one after another instead of side by side (a baseline). */
  readonly sequential?: boolean;
  /** Told of each throttled call (the runtime logs it: Monitoring counts them). */
  readonly onThrottle?: (api: string, error: string) => void;
}

export interface ExportTarget {
  readonly instanceId: string;
  readonly instanceArn: string;
  readonly region: string;
}

export type ExportStatus = "CONTINUE" | "DONE" | "FAILED";

const sha256 = (s: string) => crypto.createHash("sha256").update(s).digest("hex");

/** Snapshot ids sort by time: 2026-12-01T03-00-00-000Z. */
export const snapshotIdAt = (ms: number) => new Date(ms).toISOString().replace(/[:.]/g, "-");

export const snapshotPrefix = (instanceId: string, snapshotId: string) =>
  `snapshots/${instanceId}/${snapshotId}/`;

function freshState(target: ExportTarget, snapshotId: string, now: number): RunState {
  return {
    snapshotId,
    prefix: snapshotPrefix(target.instanceId, snapshotId),
    instanceId: target.instanceId,
    startedAt: new Date(now).toISOString(),
    invocations: 0,
    apis: {},
    collections: Object.fromEntries(
      COLLECTIONS.map((c) => [
        c.name,
        {
          list: 0,
          listed: false,
          pending: [],
          buffer: [],
          parts: [],
          count: 0,
          vanished: [],
          done: false,
        },
      ]),
    ),
  };
}

class Deadline extends Error {}

/**
 * One invocation's worth of export. `snapshotId` given: resume that snapshot from its state file;
 * otherwise start a new one. Stops by `deadline` (epoch ms).
 */
export async function exportSnapshot(
  target: ExportTarget,
  deps: ExportDeps,
  deadline: number,
  snapshotId?: string,
): Promise<{ snapshotId: string; status: ExportStatus; manifest?: Manifest }> {
  const id = snapshotId ?? snapshotIdAt(deps.now());
  const prefix = snapshotPrefix(target.instanceId, id);
  const saved = snapshotId ? await deps.store.get(`${prefix}_state.json`) : undefined;
  if (snapshotId && !saved) throw new Error(`snapshot ${snapshotId}: no state to resume from`);
  const state: RunState = saved
    ? (JSON.parse(saved) as RunState)
    : freshState(target, id, deps.now());
  state.invocations += 1;
  const maxAttempts = deps.maxAttempts ?? 10;

  const send: Send = async (api, command) => {
    const stats = (state.apis[api] ??= { calls: 0, throttled: 0, requestIds: [] });
    for (let attempt = 1; ; attempt++) {
      if (deps.now() >= deadline) throw new Deadline();
      await deps.gate(api);
      try {
        const r = await deps.call(command);
        stats.calls += 1;
        const rid = (r.$metadata as { requestId?: string } | undefined)?.requestId;
        if (rid) stats.requestIds.push(rid);
        return r;
      } catch (e) {
        const name = (e as { name?: string }).name ?? "";
        // LimitExceededException is a resource limit here, not a rate: not retried.
        if (!RATE_THROTTLES.has(name) || attempt >= maxAttempts) throw e;
        stats.throttled += 1;
        deps.onThrottle?.(api, name);
        // Adaptive: back off more the longer the API keeps refusing (0.5 s doubling, 8 s cap).
        await deps.sleep(backoffMs(attempt));
      }
    }
  };

  const flush = async (spec: CollectionSpec, st: CollectionState, all = false) => {
    while (st.buffer.length >= PART_SIZE || (all && st.buffer.length)) {
      const records = st.buffer.slice(0, PART_SIZE);
      const body = `${JSON.stringify(records, null, 1)}\n`;
      const key = `${prefix}${spec.name}/part-${String(st.parts.length + 1).padStart(4, "0")}.json`;
      await deps.store.put(key, body);
      st.parts.push({ key, count: records.length, sha256: sha256(body) });
      st.count += records.length;
      st.buffer = st.buffer.slice(records.length);
    }
  };

  const run = async (spec: CollectionSpec) => {
    const st = state.collections[spec.name];
    try {
      while (!st.listed) {
        const list = spec.lists[st.list];
        const page = await send(list.api, list.command(target.instanceId, st.token));
        const items = list.items(page) as Record<string, unknown>[];
        if (spec.detail) st.pending.push(...items);
        else st.buffer.push(...items);
        st.token =
          typeof page.NextToken === "string" && page.NextToken ? page.NextToken : undefined;
        if (!st.token) {
          st.list += 1;
          st.listed = st.list >= spec.lists.length;
        }
        await flush(spec, st);
      }
      while (spec.detail && st.pending.length) {
        const item = st.pending[0];
        try {
          st.buffer.push(await spec.detail.fetch(send, target.instanceId, item));
        } catch (e) {
          if ((e as { name?: string }).name !== "ResourceNotFoundException") throw e;
          st.vanished.push(spec.id(item));
        }
        st.pending.shift();
        await flush(spec, st);
      }
      await flush(spec, st, true);
      st.done = true;
    } catch (e) {
      if (e instanceof Deadline) return;
      st.error = `${(e as { name?: string }).name ?? "Error"}: ${(e as Error).message}`;
      st.done = true;
    }
  };

  const todo = COLLECTIONS.filter((c) => !state.collections[c.name].done);
  if (deps.sequential) for (const c of todo) await run(c);
  else await Promise.all(todo.map(run));

  if (COLLECTIONS.some((c) => !state.collections[c.name].done)) {
    // Out of time: keep every record listed so far, resume next invocation.
    for (const c of COLLECTIONS) await flush(c, state.collections[c.name], true);
    await deps.store.put(`${prefix}_state.json`, JSON.stringify(state));
    return { snapshotId: id, status: "CONTINUE" };
  }
  const finished = deps.now();
  const missing = COLLECTIONS.flatMap((c) => {
    const error = state.collections[c.name].error;
    return error ? [{ collection: c.name, error }] : [];
  });
  const manifest: Manifest = {
    format: "customerchannel-config-snapshot/1",
    snapshotId: id,
    instanceId: target.instanceId,
    instanceArn: target.instanceArn,
    region: target.region,
    startedAt: state.startedAt,
    finishedAt: new Date(finished).toISOString(),
    durationMs: finished - Date.parse(state.startedAt),
    invocations: state.invocations,
    complete: missing.length === 0,
    collections: Object.fromEntries(
      COLLECTIONS.map((c) => {
        const st = state.collections[c.name];
        return [
          c.name,
          {
            count: st.count,
            parts: st.parts,
            vanished: st.vanished,
            ...(st.error ? { error: st.error } : {}),
          },
        ];
      }),
    ),
    missing,
    apis: state.apis,
  };
  const manifestText = `${JSON.stringify(manifest, null, 2)}\n`;
  if (deps.sign) {
    const digest = crypto.createHash("sha256").update(manifestText).digest();
    const { keyId, signature } = await deps.sign(digest);
    const sig: ManifestSignature = {
      format: "customerchannel-config-snapshot-signature/1",
      keyId,
      algorithm: "ECDSA_SHA_256",
      manifestSha256: digest.toString("hex"),
      signature: signature.toString("base64"),
    };
    await deps.store.put(`${prefix}manifest.sig.json`, `${JSON.stringify(sig, null, 2)}\n`);
  }
  await deps.store.put(`${prefix}manifest.json`, manifestText);
  await deps.store.put(`${prefix}_state.json`, JSON.stringify({ ...state, finished: true }));
  return { snapshotId: id, status: missing.length ? "FAILED" : "DONE", manifest };
}

/** Reads a snapshot back: the manifest and every record per collection, checksums verified. */
export async function readSnapshot(
  store: SnapshotStore,
  prefix: string,
  opts: { readonly verify?: SignatureCheck } = {},
): Promise<{ manifest: Manifest; records: Record<string, Record<string, unknown>[]> }> {
  const text = await store.get(`${prefix}manifest.json`);
  if (!text) throw new Error(`${prefix}manifest.json not found: not a finished snapshot`);
  if (opts.verify) {
    const sigText = await store.get(`${prefix}manifest.sig.json`);
    if (!sigText)
      throw new Error(`${prefix}manifest.sig.json not found: the snapshot is not signed`);
    opts.verify(text, JSON.parse(sigText) as ManifestSignature);
  }
  const manifest = JSON.parse(text) as Manifest;
  const records: Record<string, Record<string, unknown>[]> = {};
  for (const [name, c] of Object.entries(manifest.collections)) {
    records[name] = [];
    for (const part of c.parts) {
      // Parts live under the snapshot's own prefix: a manifest naming anything else (another
      // snapshot, ../, an absolute path) is refused before it is read.
      if (
        typeof part.key !== "string" ||
        !part.key.startsWith(prefix) ||
        part.key.split("/").some((seg) => seg === ".." || seg === ".") ||
        part.key.includes("\\")
      )
        throw new Error(
          `${JSON.stringify(part.key)} is outside the snapshot ${prefix}: the manifest is not trusted`,
        );
      const body = await store.get(part.key);
      if (body === undefined) throw new Error(`${part.key} is missing from the snapshot`);
      if (sha256(body) !== part.sha256)
        throw new Error(
          `${part.key} does not match its manifest checksum: the snapshot is damaged`,
        );
      records[name].push(...(JSON.parse(body) as Record<string, unknown>[]));
    }
  }
  return { manifest, records };
}
