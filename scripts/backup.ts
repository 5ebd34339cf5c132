/**
 * `npm run backup:diff -- <snapshotA> [<snapshotB> | --live <stack>] [--json]`
 * `npm run backup:restore -- <snapshot> --stack <stack> [--dry-run] [--yes] [--include-managed]
 *    [--target-snapshot <snapshot>] [--outputs-dir <dir>] [--signed-by <stack>...]
 *    [--trust-key <keyArn>=<public-key.pem>...]`
 *
 * A restore reads only a snapshot signed by a trusted key: by default the configuration backup
 * signing keys of the tokyo and dr stacks (output configBackupSigningKeyArn; their public keys
 * from KMS GetPublicKey), or the keys given with --trust-key (offline).
 *
 * Snapshots are `s3://<bucket>/snapshots/<instanceId>/<snapshotId>/` or a local copy of one.
 * `--live <stack>` / the restore target read the stack's instance now (its outputs instanceId,
 * instanceArn, region), with the exporter's own paced calls. Exit codes: diff 0 same, 1
 * different; restore 0 done (or planned), 1 refused or failed items; 2 bad usage.
 */
import { ConnectClient } from "@aws-sdk/client-connect";
import { GetPublicKeyCommand, KMSClient } from "@aws-sdk/client-kms";
import { S3Client } from "@aws-sdk/client-s3";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { Command } from "commander";
import { realPace, type Pace } from "../components/shared/drConnect";
import {
  exportSnapshot,
  readSnapshot,
  signatureCheck,
  type SignatureCheck,
  type SnapshotStore,
} from "../functions/config-backup/export";
import { apiGates } from "../functions/config-backup/runtime";
import { applyRestore, planRestore, renderPlan } from "../lib/configRestore";
import { diffSnapshots, openSnapshot, renderDiff, type Records } from "../lib/configSnapshot";
import { confirmStackName, readStackOutputs, runMain, USAGE_ERROR, UsageError } from "./cli";

const s3 = () => new S3Client({});

/** The stack's instance as it is now: a full export into memory, paced like the exporter. */
async function live(stack: string, outputsDir?: string): Promise<Records> {
  const o = readStackOutputs(stack, outputsDir);
  const [instanceId, instanceArn, region] = [o.instanceId, o.instanceArn, o.region].map(String);
  return exportRecords(
    { instanceId, instanceArn, region },
    new ConnectClient({ region, maxAttempts: 1 }),
    {
      now: () => Date.now(),
      sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)),
    },
    stack,
  );
}

/** An instance's configuration, exported into memory through `client`. */
async function exportRecords(
  target: { instanceId: string; instanceArn: string; region: string },
  client: ConnectClient,
  clock: { now: () => number; sleep: (ms: number) => Promise<void> },
  label: string,
): Promise<Records> {
  const { instanceId } = target;
  const files = new Map<string, string>();
  const store: SnapshotStore = {
    put: (k, b) => Promise.resolve(void files.set(k, b)),
    get: (k) => Promise.resolve(files.get(k)),
  };
  const r = await exportSnapshot(
    target,
    {
      call: (c) => client.send(c as never) as unknown as Promise<Record<string, unknown>>,
      gate: apiGates(clock, 2, 5),
      ...clock,
      store,
    },
    Infinity,
  );
  if (r.manifest && !r.manifest.complete)
    throw new Error(
      `reading ${label} live: ${r.manifest.missing.map((m) => `${m.collection}: ${m.error}`).join("; ")}`,
    );
  return (await readSnapshot(store, `snapshots/${instanceId}/${r.snapshotId}/`)).records;
}

/**
 * The signature check of a restore: --trust-key pairs (offline), else the stacks' signing keys
 * with their public keys from KMS (GetPublicKey answers DER SubjectPublicKeyInfo).
 */
async function trustedKeys(o: {
  trustKey: string[];
  signedBy: string[];
  outputsDir?: string;
}): Promise<SignatureCheck> {
  const trusted = new Map<string, crypto.KeyObject>();
  for (const pair of o.trustKey) {
    const at = pair.indexOf("=");
    if (at < 1) throw new Error(`--trust-key ${pair}: give <keyArn>=<public-key.pem>`);
    trusted.set(pair.slice(0, at), crypto.createPublicKey(fs.readFileSync(pair.slice(at + 1))));
  }
  const without: string[] = [];
  if (!o.trustKey.length)
    for (const stack of o.signedBy) {
      const arn = readStackOutputs(stack, o.outputsDir).configBackupSigningKeyArn;
      if (typeof arn !== "string" || !arn) {
        without.push(stack);
        continue;
      }
      const r = await new KMSClient({ region: arn.split(":")[3] }).send(
        new GetPublicKeyCommand({ KeyId: arn }),
      );
      if (!r.PublicKey) throw new Error(`KMS returned no public key for ${arn}`);
      trusted.set(
        arn,
        crypto.createPublicKey({ key: Buffer.from(r.PublicKey), format: "der", type: "spki" }),
      );
    }
  if (!trusted.size)
    throw new Error(
      `no trusted signing key: ${without.join(", ")} ha${without.length === 1 ? "s" : "ve"} no output configBackupSigningKeyArn (configuration backup off?); give --signed-by with the stack that took the snapshot, or --trust-key`,
    );
  return signatureCheck(trusted);
}

const collect = (v: string, all: string[]) => [...all, v];

/** The shipped sample snapshots (samples/config-snapshots) and the public key they are signed with. */
const SAMPLE_DIR = path.join(__dirname, "..", "samples", "config-snapshots");

/**
 * `restore --fake`: the same verification, plan and apply, against an in-memory DR instance (the
 * tests' fake Connect: other ids and region, fewer flows, one queue managed by Pulumi) on a
 * virtual clock. Trusts the shipped sample's signing key and any --trust-key.
 */
async function fakeRestore(
  snapshot: string,
  o: { trustKey: string[]; dryRun?: boolean; yes?: boolean; includeManaged?: boolean },
): Promise<number> {
  const sample = JSON.parse(fs.readFileSync(path.join(SAMPLE_DIR, "signing-key.json"), "utf8")) as {
    keyArn: string;
    publicKeyPem: string;
  };
  const trusted = new Map([[sample.keyArn, crypto.createPublicKey(sample.publicKeyPem)]]);
  for (const pair of o.trustKey) {
    const at = pair.indexOf("=");
    if (at < 1) throw new UsageError(`--trust-key ${pair}: give <keyArn>=<public-key.pem>`);
    trusted.set(pair.slice(0, at), crypto.createPublicKey(fs.readFileSync(pair.slice(at + 1))));
  }
  const source = (await openSnapshot(snapshot, s3, { verify: signatureCheck(trusted) })).records;
  // Imported only here: the rehearsal needs the dev dependencies, a real restore does not.
  const { FakeConnectConfig, SMALL } = await import("../tests/support/fakeConnectConfig");
  const { rateGate } = await import("../components/shared/drConnect");
  const fake = new FakeConnectConfig(
    { ...SMALL, flows: 4, quickConnects: 1 },
    {
      region: "ap-northeast-3",
      instanceId: "dddddddd-1111-4222-8333-444444444444",
      idSalt: "9999",
    },
  );
  try {
    fake.data.queues[0].Tags = { ManagedBy: "pulumi" };
    const client = new ConnectClient({
      region: fake.region,
      credentials: { accessKeyId: "fake", secretAccessKey: "fake" },
    });
    process.stdout.write(
      `rehearsal: restoring into an in-memory DR instance (${fake.instanceId}, ${fake.region}); nothing in AWS changes\n`,
    );
    const target = await exportRecords(
      { instanceId: fake.instanceId, instanceArn: fake.instanceArn, region: fake.region },
      client,
      fake,
      "the fake instance",
    );
    const plan = planRestore(source, target, { includeManaged: o.includeManaged });
    process.stdout.write(renderPlan(plan));
    if (o.dryRun) return 0;
    const pace: Pace = {
      sleep: fake.sleep,
      now: fake.now,
      timeoutMs: 60_000,
      pollMs: 500,
      maxAttempts: 8,
    };
    const r = await applyRestore(
      plan,
      client,
      fake.instanceId,
      { ...pace, gate: rateGate(pace) },
      (l) => process.stdout.write(`${l}\n`),
    );
    process.stdout.write(
      `${r.done} applied, ${r.refused} refused, ${r.failed.length} failed (in memory)\n`,
    );
    return r.refused || r.failed.length ? 1 : 0;
  } finally {
    fake.restore();
  }
}

async function main(argv: string[]): Promise<number> {
  const program = new Command().name("npm run backup:<diff|restore> --").exitOverride();
  program.configureOutput({ writeErr: (s) => process.stderr.write(s) });
  let code = 0;
  program
    .command("diff")
    .argument("<a>", "snapshot (s3:// URL or folder)")
    .argument("[b]", "second snapshot")
    .option("--live <stack>", "compare with the stack's instance as it is now")
    .option("--outputs-dir <dir>", "read <dir>/<stack>.json instead of pulumi stack output")
    .option("--json", "the differences as JSON")
    .action(
      async (
        a: string,
        b: string | undefined,
        o: { live?: string; json?: boolean; outputsDir?: string },
      ) => {
        if (!b === !o.live) {
          process.stderr.write("give a second snapshot or --live <stack> (one of them)\n");
          code = USAGE_ERROR;
          return;
        }
        const left = (await openSnapshot(a, s3)).records;
        const right = b
          ? (await openSnapshot(b, s3)).records
          : await live(o.live ?? "", o.outputsDir);
        const d = diffSnapshots(left, right);
        process.stdout.write(o.json ? `${JSON.stringify(d, null, 2)}\n` : renderDiff(d));
        code = Object.values(d).some((c) => c.added.length || c.removed.length || c.changed.length)
          ? 1
          : 0;
      },
    );
  program
    .command("restore")
    .argument("<snapshot>", "snapshot to restore (s3:// URL or folder)")
    .requiredOption("--stack <stack>", "the stack whose instance receives it")
    .option("--dry-run", "print the plan; change nothing")
    .option("-y, --yes", "do not ask before changing the instance")
    .option("--include-managed", "also restore objects the target's Pulumi stack manages")
    .option(
      "--target-snapshot <snapshot>",
      "plan against this snapshot of the target instead of reading it live (with --dry-run)",
    )
    .option("--outputs-dir <dir>", "read <dir>/<stack>.json instead of pulumi stack output")
    .option(
      "--signed-by <stack>",
      "trust snapshots signed by this stack's backup signing key (repeat; default tokyo and dr)",
      collect,
      [],
    )
    .option(
      "--trust-key <keyArn=pem>",
      "trust this signing key, its public key from a PEM file (repeat; offline)",
      collect,
      [],
    )
    .option(
      "--fake",
      "try it offline: restore into an in-memory DR instance, trusting the shipped sample's key",
    )
    .action(
      async (
        snapshot: string,
        o: {
          fake?: boolean;
          signedBy: string[];
          trustKey: string[];
          stack: string;
          dryRun?: boolean;
          yes?: boolean;
          includeManaged?: boolean;
          targetSnapshot?: string;
          outputsDir?: string;
        },
      ) => {
        if (o.targetSnapshot && !o.dryRun) {
          process.stderr.write(
            "--target-snapshot plans only: add --dry-run (a real restore reads the target live)\n",
          );
          code = USAGE_ERROR;
          return;
        }
        if (o.fake) {
          code = await fakeRestore(snapshot, o);
          return;
        }
        const verify = await trustedKeys({
          trustKey: o.trustKey,
          signedBy: o.signedBy.length ? o.signedBy : ["tokyo", "dr"],
          outputsDir: o.outputsDir,
        });
        const source = (await openSnapshot(snapshot, s3, { verify })).records;
        const target = o.targetSnapshot
          ? (await openSnapshot(o.targetSnapshot, s3)).records
          : await live(o.stack, o.outputsDir);
        const plan = planRestore(source, target, { includeManaged: o.includeManaged });
        process.stdout.write(renderPlan(plan));
        if (o.dryRun) return;
        const work = plan.items.filter(
          (i) => i.action === "CREATE" || i.action === "UPDATE",
        ).length;
        if (!work) return;
        if (!o.yes) {
          const yes = await confirmStackName(
            `Apply ${work} change(s) to the ${o.stack} instance? Type the stack name: `,
            o.stack,
          );
          if (!yes) {
            process.stderr.write("not confirmed: nothing was changed\n");
            code = 1;
            return;
          }
        }
        const outputs = readStackOutputs(o.stack, o.outputsDir);
        const r = await applyRestore(
          plan,
          new ConnectClient({ region: String(outputs.region) }),
          String(outputs.instanceId),
          realPace({ pollMs: 1_000 }),
          (l) => process.stdout.write(`${l}\n`),
        );
        process.stdout.write(
          `${r.done} applied, ${r.refused} refused, ${r.failed.length} failed\n`,
        );
        code = r.refused || r.failed.length ? 1 : 0;
      },
    );
  try {
    await program.parseAsync(argv, { from: "node" });
  } catch (e) {
    const c = (e as { exitCode?: number; code?: string }).exitCode;
    if (c !== undefined) return c === 0 ? 0 : USAGE_ERROR;
    process.stderr.write(`${(e as Error).message}\n`);
    return e instanceof UsageError ||
      /no manifest\.json|not a finished snapshot/.test((e as Error).message)
      ? USAGE_ERROR
      : 1;
  }
  return code;
}

runMain(main);
