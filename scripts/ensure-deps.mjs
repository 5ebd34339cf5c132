// Installs the locked dependencies when they are missing or stale, so `npm run plan` works on a
// fresh clone. Plain Node with no imports beyond the standard library: it runs before anything is
// installed.
import { existsSync, readFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const lock = JSON.parse(readFileSync(join(root, "package-lock.json"), "utf8"));
const missing = Object.entries(lock.packages ?? {})
  .filter(([p, meta]) => p.startsWith("node_modules/") && !meta.optional)
  .filter(([p]) => p.split("node_modules/").length === 2)
  .filter(([p, meta]) => {
    const f = join(root, p, "package.json");
    if (!existsSync(f)) return !meta.optional;
    // Some packages publish "v1.2.3" in package.json (e.g. @pulumi/policy) for lock version 1.2.3.
    const installed = String(JSON.parse(readFileSync(f, "utf8")).version).replace(/^v/, "");
    return installed !== meta.version;
  });
if (missing.length > 0) {
  console.error(
    `Installing locked dependencies (${missing.length} missing or stale, e.g. ${missing[0][0]})...`,
  );
  const r = spawnSync("npm", ["ci", "--no-audit", "--no-fund"], { cwd: root, stdio: "inherit" });
  process.exit(r.status ?? 1);
}
