/**
 * Reading configuration snapshots back (a local copy or `s3://bucket/prefix/`), naming every
 * object by what it is rather than by its instance-specific id, and comparing two snapshots.
 *
 * Ids and ARNs differ between instances (and between a snapshot and its restore), so both diff
 * and restore work on names: every id or ARN of a queue, flow, module, prompt, hours, profile,
 * quick connect, hierarchy group or user found in a record (including inside flow content) is
 * replaced by a reference `{kind:name}`.
 */
import type { S3Client } from "@aws-sdk/client-s3";
import * as fs from "node:fs";
import * as path from "node:path";
import {
  readSnapshot,
  type Manifest,
  type SignatureCheck,
  type SnapshotStore,
} from "../functions/config-backup/export";
import { s3Store } from "../functions/config-backup/runtime";

export type Records = Record<string, Record<string, unknown>[]>;

export interface Snapshot {
  readonly manifest: Manifest;
  readonly records: Records;
}

/** A snapshot copied to disk (`aws s3 sync s3://<bucket>/snapshots/<id>/<snapshot>/ <dir>`). */
export function dirStore(root: string): SnapshotStore {
  const base = path.resolve(root);
  // A key that would leave the folder (../, absolute) is refused, whatever a manifest says.
  const fileOf = (key: string) => {
    const file = path.resolve(base, key);
    if (!file.startsWith(base + path.sep)) throw new Error(`${key}: outside the snapshot folder`);
    return file;
  };
  return {
    put: (key, body) => {
      const file = fileOf(key);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, body);
      return Promise.resolve();
    },
    get: (key) => {
      const file = fileOf(key);
      return Promise.resolve(fs.existsSync(file) ? fs.readFileSync(file, "utf8") : undefined);
    },
  };
}

/**
 * Opens `s3://bucket/snapshots/<instance>/<snapshot>/` or a directory holding manifest.json.
 * Part keys in the manifest are relative to the bucket, so a local copy is read by stripping the
 * snapshot prefix.
 */
export async function openSnapshot(
  location: string,
  s3?: () => S3Client,
  opts: { readonly verify?: SignatureCheck } = {},
): Promise<Snapshot> {
  const m = /^s3:\/\/([^/]+)\/(.+?)\/?$/.exec(location);
  if (m) {
    if (!s3) throw new Error(`${location}: reading from S3 needs AWS credentials`);
    // The exporter's own store: readSnapshot only reads through it.
    return readSnapshot(s3Store(s3(), m[1]), `${m[2]}/`, opts);
  }
  const manifestFile = path.join(location, "manifest.json");
  if (!fs.existsSync(manifestFile))
    throw new Error(`${location}: no manifest.json (give a snapshot folder or s3:// URL)`);
  const manifest = JSON.parse(fs.readFileSync(manifestFile, "utf8")) as Manifest;
  const prefix = `snapshots/${manifest.instanceId}/${manifest.snapshotId}/`;
  const local = dirStore(location);
  return readSnapshot(
    {
      put: (key, body) => local.put(key, body),
      get: (key) => local.get(key.startsWith(prefix) ? key.slice(prefix.length) : key),
    },
    prefix,
    opts,
  );
}

/** How each collection's objects are named, and which of their fields are ids or ARNs. */
export const KINDS: Record<
  string,
  { name: (r: Record<string, unknown>) => string; ids: string[] }
> = {
  flows: { name: (r) => s(r.Name), ids: ["Id", "Arn"] },
  flowModules: { name: (r) => s(r.Name), ids: ["Id", "Arn"] },
  queues: { name: (r) => s(r.Name), ids: ["QueueId", "QueueArn"] },
  routingProfiles: { name: (r) => s(r.Name), ids: ["RoutingProfileId", "RoutingProfileArn"] },
  hoursOfOperation: { name: (r) => s(r.Name), ids: ["HoursOfOperationId", "HoursOfOperationArn"] },
  quickConnects: { name: (r) => s(r.Name), ids: ["QuickConnectId", "QuickConnectARN"] },
  securityProfiles: { name: (r) => s(r.SecurityProfileName ?? r.Name), ids: ["Id", "Arn"] },
  prompts: { name: (r) => s(r.Name), ids: ["PromptId", "PromptARN"] },
  users: { name: (r) => s(r.Username), ids: ["Id", "Arn"] },
  hierarchy: {
    name: (r) => (r.kind === "structure" ? "structure" : s(r.Name)),
    ids: ["Id", "Arn"],
  },
  phoneNumbers: { name: (r) => s(r.PhoneNumber), ids: ["PhoneNumberId", "PhoneNumberArn"] },
  lambdaFunctions: { name: (r) => s(r.FunctionArn).split(":").pop() ?? "", ids: ["FunctionArn"] },
  lexBots: {
    name: (r) =>
      s((r.LexV2Bot as { AliasArn?: string } | undefined)?.AliasArn)
        .split(":")
        .pop() ?? "",
    ids: [],
  },
  instance: {
    // The instance's own ARN, wherever a record names it (numbers' targets), is `{instance:instance}`.
    name: (r) =>
      r.kind === "instance"
        ? "instance"
        : r.kind === "attribute"
          ? `attribute ${s(r.AttributeType)}`
          : `storage ${s(r.StorageType)} ${s(r.ResourceType ?? "")}`.trim(),
    // The instance's own id and ARN differ between instances: never a difference.
    ids: ["Arn", "Id"],
  },
  // Keyed by the number's ARN, which differs between instances: named by the number (below).
  phoneNumberFlows: { name: (r) => s(r.ResourceId), ids: [] },
};

function s(v: unknown): string {
  return typeof v === "string" ? v : "";
}

/** Fields that change without a configuration change (versions, timestamps, hashes). */
const VOLATILE = new Set([
  "LastModifiedTime",
  "LastModifiedRegion",
  "Version",
  "VersionDescription",
  "FlowContentSha256",
  "FlowModuleContentSha256",
  "AssociationId",
  "$metadata",
]);

/** Every id and ARN of the snapshot → `{kind:name}`. */
export function referenceMap(records: Records): Map<string, string> {
  const refs = new Map<string, string>();
  for (const [kind, spec] of Object.entries(KINDS)) {
    for (const r of records[kind] ?? []) {
      const ref = `{${kind}:${spec.name(r)}}`;
      for (const f of spec.ids) {
        const v = s(r[f]);
        if (v) refs.set(v, ref);
      }
    }
  }
  return refs;
}

/**
 * Replaces strings `map` knows (ids, ARNs) anywhere in a record, inside flow content JSON too,
 * leaving out the `drop` fields (by default the volatile ones).
 */
export function rewrite(
  value: unknown,
  map: (idOrArn: string) => string | undefined,
  drop: ReadonlySet<string> = VOLATILE,
): unknown {
  if (typeof value === "string") {
    const direct = map(value);
    if (direct !== undefined) return direct;
    // Flow content as Connect stores it may begin with whitespace or a newline.
    if (value.trimStart().startsWith("{") && value.includes('"Actions"')) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(value);
      } catch {
        return value;
      }
      return JSON.stringify(rewrite(parsed, map, drop));
    }
    return value;
  }
  if (Array.isArray(value)) return value.map((v) => rewrite(v, map, drop));
  if (value && typeof value === "object")
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k]) => !drop.has(k))
        .map(([k, v]) => [k, rewrite(v, map, drop)]),
    );
  return value;
}

/** The snapshot as name → normalised record, per collection. */
export function normalise(records: Records): Record<string, Map<string, unknown>> {
  const refs = referenceMap(records);
  const out: Record<string, Map<string, unknown>> = {};
  for (const [kind, list] of Object.entries(records)) {
    const spec = KINDS[kind];
    const byName = new Map<string, unknown>();
    for (const r of list) {
      const own = new Set((spec?.ids ?? []).map((f) => s(r[f])));
      // An object's own id/ARN is not a difference; references to others are, by name.
      // A name that is itself an id or ARN (a number's association) is named by what it refers to.
      const raw = spec ? spec.name(r) : JSON.stringify(r);
      byName.set(
        refs.get(raw) ?? raw,
        rewrite(
          Object.fromEntries(Object.entries(r).filter(([k]) => !spec?.ids.includes(k))),
          (v) => (own.has(v) ? undefined : refs.get(v)),
        ),
      );
    }
    out[kind] = byName;
  }
  return out;
}

/** JSON paths where two values differ (objects by key, arrays by position). */
export function changedPaths(a: unknown, b: unknown, at = ""): string[] {
  if (typeof a === "string" && typeof b === "string" && a !== b) {
    // Flow content: show which actions changed, not one long string.
    try {
      const [ja, jb] = [JSON.parse(a) as unknown, JSON.parse(b) as unknown];
      if (typeof ja === "object" && typeof jb === "object") return changedPaths(ja, jb, at);
    } catch {
      // not JSON
    }
  }
  if (a && b && typeof a === "object" && typeof b === "object") {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((k) =>
      changedPaths(
        (a as Record<string, unknown>)[k],
        (b as Record<string, unknown>)[k],
        Array.isArray(a) ? `${at}[${k}]` : at ? `${at}.${k}` : k,
      ),
    );
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [at || "(value)"];
}

export interface CollectionDiff {
  readonly added: string[];
  readonly removed: string[];
  readonly changed: { name: string; paths: string[] }[];
  readonly unchanged: number;
}

export function diffSnapshots(a: Records, b: Records): Record<string, CollectionDiff> {
  const [na, nb] = [normalise(a), normalise(b)];
  const kinds = [...new Set([...Object.keys(na), ...Object.keys(nb)])].sort();
  return Object.fromEntries(
    kinds.map((kind) => {
      const ma = na[kind] ?? new Map<string, unknown>();
      const mb = nb[kind] ?? new Map<string, unknown>();
      const changed = [...ma.keys()]
        .filter((k) => mb.has(k))
        .map((name) => ({ name, paths: changedPaths(ma.get(name), mb.get(name)) }))
        .filter((c) => c.paths.length);
      return [
        kind,
        {
          added: [...mb.keys()].filter((k) => !ma.has(k)).sort(),
          removed: [...ma.keys()].filter((k) => !mb.has(k)).sort(),
          changed,
          unchanged: [...ma.keys()].filter((k) => mb.has(k)).length - changed.length,
        },
      ];
    }),
  );
}

export function renderDiff(d: Record<string, CollectionDiff>): string {
  const lines: string[] = [];
  let total = 0;
  for (const [kind, c] of Object.entries(d)) {
    const n = c.added.length + c.removed.length + c.changed.length;
    total += n;
    if (!n) continue;
    lines.push(
      `${kind}: ${c.added.length} added, ${c.removed.length} removed, ${c.changed.length} changed, ${c.unchanged} unchanged`,
    );
    for (const a of c.added) lines.push(`  + ${a}`);
    for (const r of c.removed) lines.push(`  - ${r}`);
    for (const ch of c.changed)
      lines.push(
        `  ~ ${ch.name}: ${ch.paths.slice(0, 8).join(", ")}${ch.paths.length > 8 ? `, … (${ch.paths.length})` : ""}`,
      );
  }
  lines.push(total ? `${total} difference(s)` : "no differences");
  return `${lines.join("\n")}\n`;
}
