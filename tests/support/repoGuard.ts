/**
 * Mocha global fixture (main process, parallel mode too): tests must never change a tracked file
 * of the repository (an interrupted run would leave the change behind: issue 19 found a test that
 * rewrote compliance/dictionary.json). Every tracked file is hashed before the run and again
 * after; any difference fails the run, naming the files. Tests write temporary copies
 * (os.tmpdir()) instead.
 */
import { spawnSync } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

const ROOT = path.join(__dirname, "..", "..");
let before: Map<string, string> | undefined;

/** Hash of every tracked file of the checkout at `root`; undefined outside a git checkout. */
export function trackedHashes(root = ROOT): Map<string, string> | undefined {
  const r = spawnSync("git", ["ls-files", "-z"], { cwd: root, encoding: "utf8" });
  // Not a git checkout (an unpacked archive): nothing to compare against.
  if (r.status !== 0) return undefined;
  const out = new Map<string, string>();
  for (const file of r.stdout.split("\0").filter(Boolean)) {
    const full = path.join(root, file);
    const hash = fs.existsSync(full)
      ? crypto.createHash("sha256").update(fs.readFileSync(full)).digest("hex")
      : "(missing)";
    out.set(file, hash);
  }
  return out;
}

/** Tracked files whose content differs from `before`. */
export function changedSince(before: ReadonlyMap<string, string>, root = ROOT): string[] {
  const after = trackedHashes(root) ?? new Map<string, string>();
  return [...before].filter(([f, h]) => after.get(f) !== h).map(([f]) => f);
}

export function mochaGlobalSetup(): void {
  before = trackedHashes();
}

export function mochaGlobalTeardown(): void {
  if (!before) return;
  const changed = changedSince(before);
  if (changed.length) {
    process.exitCode = 1;
    throw new Error(
      `the tests changed tracked files (write temporary copies instead): ${changed.join(", ")}`,
    );
  }
}
