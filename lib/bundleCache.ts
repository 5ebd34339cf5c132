/**
 * esbuild output cached on disk under `.bundles/<name>/`, keyed by the content of every file the
 * build read. A plan, a test process or `pulumi up` that finds the cache valid reads no source and
 * runs no esbuild; any change to an input (project code, a dependency in node_modules), to the
 * build options or to esbuild's version rebuilds.
 *
 * Validity is checked the way make and ccache do it: an input whose size and mtime match the
 * manifest is unchanged; one that differs is hashed and compared, so a checkout or `touch` that
 * leaves the content alone costs a hash, not a build. Outputs are written to a temporary name and
 * renamed, so a parallel test process never reads a half-written bundle.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { buildSync, version as esbuildVersion, type BuildOptions } from "esbuild";

export const PROJECT_DIR = path.resolve(__dirname, "..");
/** Root of every cache; gitignored, and ignored by ESLint and Prettier. */
export const BUNDLE_DIR = path.join(PROJECT_DIR, ".bundles");

interface InputStamp {
  readonly size: number;
  readonly mtimeMs: number;
  readonly sha256: string;
}

interface Manifest {
  readonly key: string;
  /** Every file any output read, relative to the project. */
  readonly inputs: Record<string, InputStamp>;
  /** By entry (relative to the project): output file (relative to the cache dir) and its inputs. */
  readonly outputs: Record<string, { file: string; size: number; inputs: string[] }>;
}

export interface CachedOutput {
  /** Absolute path of the bundled file. */
  readonly file: string;
  /** Project-relative paths of the files this bundle holds. */
  readonly inputs: readonly string[];
}

export interface CachedBuild {
  /** By entry, relative to the project (e.g. `functions/outbound/api.entry.ts`). */
  readonly outputs: Record<string, CachedOutput>;
  /** True when this call ran esbuild. */
  readonly rebuilt: boolean;
}

/** Build options the cache controls itself. */
type Options = Omit<
  BuildOptions,
  "write" | "metafile" | "absWorkingDir" | "outdir" | "outfile" | "entryPoints"
>;

const sha256 = (data: string | Buffer) => crypto.createHash("sha256").update(data).digest("hex");

/** Builds in this process, by cache name and key: a second call costs nothing. */
const memo = new Map<string, CachedBuild>();

/** Counters for the plan benchmark's breakdown. */
export const bundleStats = { builds: 0, buildMs: 0, checks: 0, checkMs: 0 };

/** Where sources and caches live: the project by default, a scratch tree in tests. */
export interface Place {
  readonly root: string;
  readonly cacheDir: string;
}

const PROJECT_PLACE: Place = { root: PROJECT_DIR, cacheDir: BUNDLE_DIR };

/**
 * Bundles `entries` (relative to the root) with `options`, or returns the cached outputs when
 * every input is unchanged.
 */
export function cachedBuild(
  name: string,
  entries: readonly string[],
  options: Options,
  place: Place = PROJECT_PLACE,
): CachedBuild {
  const key = sha256(
    JSON.stringify({ esbuild: esbuildVersion, entries: [...entries].sort(), options }),
  );
  const dir = path.join(place.cacheDir, name);
  const memoKey = `${dir}:${key}`;
  const known = memo.get(memoKey);
  if (known) return known;
  const manifestFile = path.join(dir, "manifest.json");
  const t0 = performance.now();
  const valid = readValid(place.root, manifestFile, key, dir);
  bundleStats.checks++;
  bundleStats.checkMs += performance.now() - t0;
  const result = valid
    ? toBuild(valid, dir, false)
    : build(place.root, dir, manifestFile, key, entries, options);
  memo.set(memoKey, result);
  return result;
}

/** Forgets this process's builds, so the next call checks the disk again (tests). */
export const forgetBuilds = () => memo.clear();

function toBuild(m: Manifest, dir: string, rebuilt: boolean): CachedBuild {
  const outputs: Record<string, CachedOutput> = {};
  for (const [entry, o] of Object.entries(m.outputs))
    outputs[entry] = { file: path.join(dir, o.file), inputs: o.inputs };
  return { outputs, rebuilt };
}

/** The manifest if the cache under `dir` is complete and current, else undefined. */
function readValid(
  root: string,
  manifestFile: string,
  key: string,
  dir: string,
): Manifest | undefined {
  let m: Manifest;
  try {
    m = JSON.parse(fs.readFileSync(manifestFile, "utf8")) as Manifest;
  } catch {
    return undefined;
  }
  if (m.key !== key) return undefined;
  for (const o of Object.values(m.outputs)) {
    const st = fs.statSync(path.join(dir, o.file), { throwIfNoEntry: false });
    if (!st || st.size !== o.size) return undefined;
  }
  for (const [rel, stamp] of Object.entries(m.inputs)) {
    const file = path.join(root, rel);
    const st = fs.statSync(file, { throwIfNoEntry: false });
    if (!st) return undefined;
    if (st.size === stamp.size && st.mtimeMs === stamp.mtimeMs) continue;
    if (st.size !== stamp.size || sha256(fs.readFileSync(file)) !== stamp.sha256) return undefined;
  }
  return m;
}

function build(
  root: string,
  dir: string,
  manifestFile: string,
  key: string,
  entries: readonly string[],
  options: Options,
): CachedBuild {
  const t0 = performance.now();
  const out = buildSync({
    ...options,
    entryPoints: entries.map((e) => path.join(root, e)),
    absWorkingDir: root,
    outbase: root,
    outdir: dir,
    write: false,
    metafile: true,
  });
  fs.mkdirSync(dir, { recursive: true });
  const outputs: Manifest["outputs"] = {};
  for (const [outRel, meta] of Object.entries(out.metafile.outputs)) {
    if (!meta.entryPoint) continue;
    const abs = path.join(root, outRel);
    const file = out.outputFiles.find((f) => f.path === abs);
    if (!file) throw new Error(`esbuild reported ${outRel} but produced no such file`);
    const rel = path.relative(dir, abs);
    writeAtomic(abs, file.contents);
    outputs[meta.entryPoint] = {
      file: rel,
      size: file.contents.byteLength,
      inputs: Object.keys(meta.inputs)
        .filter((f) => isFile(root, f))
        .sort(),
    };
  }
  for (const e of entries)
    if (!outputs[e]) throw new Error(`esbuild produced no output for entry ${e}`);
  const inputs: Record<string, InputStamp> = {};
  for (const rel of Object.keys(out.metafile.inputs)
    .filter((f) => isFile(root, f))
    .sort()) {
    const file = path.join(root, rel);
    const st = fs.statSync(file);
    inputs[rel] = { size: st.size, mtimeMs: st.mtimeMs, sha256: sha256(fs.readFileSync(file)) };
  }
  const manifest: Manifest = { key, inputs, outputs };
  // The manifest last: a cache without one is rebuilt, never half-trusted.
  writeAtomic(manifestFile, JSON.stringify(manifest));
  bundleStats.builds++;
  bundleStats.buildMs += performance.now() - t0;
  return toBuild(manifest, dir, true);
}

/** Metafile inputs in a namespace (`(disabled):fs`, `<stdin>`) are not files. */
const isFile = (root: string, rel: string) =>
  !/^[(<]/.test(rel) &&
  fs.statSync(path.join(root, rel), { throwIfNoEntry: false })?.isFile() === true;

function writeAtomic(file: string, data: string | Uint8Array): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString("hex")}.tmp`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}
