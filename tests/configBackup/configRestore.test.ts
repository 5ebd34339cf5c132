/**
 * Diff and restore of configuration snapshots, between fake instances with different ids (and
 * regions): names match objects, references are remapped, what cannot be mapped is reported.
 */
import { expect } from "chai";
import { ConnectClient } from "@aws-sdk/client-connect";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { rateGate, type Pace } from "../../components/shared/drConnect";
import { PROJECT_ROOT } from "../../config";
import { exportSnapshot } from "../../functions/config-backup/export";
import { apiGates, kmsSigner } from "../../functions/config-backup/runtime";
import { FakeKmsSigner } from "../support/fakeKms";
import { applyRestore, planRestore, renderPlan } from "../../lib/configRestore";
import {
  diffSnapshots,
  dirStore,
  openSnapshot,
  renderDiff,
  type Records,
} from "../../lib/configSnapshot";
import { FakeConnectConfig, SMALL } from "../support/fakeConnectConfig";

const TOKYO = { region: "ap-northeast-1" };
const DR = {
  region: "ap-southeast-1",
  instanceId: "dddddddd-1111-4222-8333-444444444444",
  idSalt: "9999",
};

/** `npm run backup:…` as a user runs it. */
const backupCli = (...args: string[]) =>
  spawnSync(process.execPath, ["--import", "tsx", "scripts/backup.ts", ...args], {
    cwd: PROJECT_ROOT,
    encoding: "utf8",
  });

/** The exporter's signing key (one for the whole file: snapshots of any fake instance). */
const SIGNER = new FakeKmsSigner();
/** The key as a restore given --trust-key reads it. */
const trustKeyArg = () => {
  const pem = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "key-")), "signing.pem");
  fs.writeFileSync(pem, SIGNER.publicKey.export({ format: "pem", type: "spki" }));
  return `${SIGNER.keyArn}=${pem}`;
};

/** Exports a fake instance to a folder (as `aws s3 sync` would copy it), signed, and opens it. */
async function snapshotOf(fake: FakeConnectConfig, dir?: string) {
  const root = dir ?? fs.mkdtempSync(path.join(os.tmpdir(), "snap-"));
  const client = new ConnectClient({
    region: fake.region,
    credentials: { accessKeyId: "x", secretAccessKey: "x" },
  });
  const r = await exportSnapshot(
    { instanceId: fake.instanceId, instanceArn: fake.instanceArn, region: fake.region },
    {
      call: (c) => client.send(c as never) as unknown as Promise<Record<string, unknown>>,
      gate: apiGates(fake, 2, 5),
      sleep: fake.sleep,
      now: fake.now,
      store: dirStore(root),
      sign: kmsSigner(SIGNER, SIGNER.keyArn),
    },
    Infinity,
  );
  const folder = path.join(root, "snapshots", fake.instanceId, r.snapshotId);
  return { folder, snap: await openSnapshot(folder) };
}

describe("config backup: diff", () => {
  let fake: FakeConnectConfig | undefined;
  afterEach(() => fake?.restore());

  it("finds exactly what changed between two snapshots of one instance", async () => {
    fake = new FakeConnectConfig(SMALL, TOKYO);
    const a = await snapshotOf(fake);
    // A supervisor's day in the console: a queue's capacity, a flow's queue, a new flow, a
    // quick connect removed.
    fake.data.queues[1].MaxContacts = 20;
    const flow = fake.data.flows[3];
    flow.Content = String(flow.Content).replace(
      String(fake.data.queues[3].QueueArn),
      String(fake.data.queues[4].QueueArn),
    );
    fake.data.flows.push({
      ...fake.data.flows[0],
      Id: "new-flow",
      Arn: "arn:new",
      Name: "campaign-2026",
    });
    fake.data.quickConnects.pop();
    const b = await snapshotOf(fake);
    const d = diffSnapshots(a.snap.records, b.snap.records);
    expect(d.queues).to.deep.equal({
      added: [],
      removed: [],
      changed: [{ name: "queue-1", paths: ["MaxContacts"] }],
      unchanged: SMALL.queues - 1,
    });
    expect(d.flows.added).to.deep.equal(["campaign-2026"]);
    expect(d.flows.changed).to.deep.equal([
      { name: "flow-3", paths: ["Content.Actions[2].Parameters.QueueId"] },
    ]);
    expect(d.quickConnects.removed).to.deep.equal(["quick-2"]);
    expect(renderDiff(d)).to.include("  ~ flow-3: Content.Actions[2].Parameters.QueueId\n");
  });

  it("two instances with the same configuration and different ids show no differences", async () => {
    fake = new FakeConnectConfig(SMALL, TOKYO);
    const a = await snapshotOf(fake);
    fake.restore();
    fake = new FakeConnectConfig(SMALL, { ...TOKYO, instanceId: DR.instanceId, idSalt: "7777" });
    const b = await snapshotOf(fake);
    const d = diffSnapshots(a.snap.records, b.snap.records);
    const differing = Object.entries(d).filter(
      ([, c]) => c.added.length || c.removed.length || c.changed.length,
    );
    // The instance's own id and the numbers' ARNs (keys of the number→flow associations) differ
    // between the two; both are mapped, not reported (issue 21).
    expect(differing).to.deep.equal([]);
    expect(d.phoneNumberFlows.unchanged).to.be.greaterThan(0);
  });

  it("the CLI diffs two snapshot folders and exits 1 when they differ", async () => {
    fake = new FakeConnectConfig(SMALL, TOKYO);
    const a = await snapshotOf(fake);
    fake.data.queues[1].MaxContacts = 20;
    const b = await snapshotOf(fake);
    const run = backupCli;
    const r = run("diff", a.folder, b.folder);
    expect(r.status, r.stderr).to.equal(1);
    expect(r.stdout).to.include(
      "queues: 0 added, 0 removed, 1 changed, 5 unchanged\n  ~ queue-1: MaxContacts",
    );
    expect(run("diff", a.folder, a.folder).stdout).to.equal("no differences\n");
    const bad = run("diff", "/nonexistent");
    expect(bad.status).to.equal(2);
    expect(bad.stderr).to.include("give a second snapshot or --live <stack>");
  });
});

describe("config backup: restore", () => {
  let source: FakeConnectConfig;
  let target: FakeConnectConfig;
  let snap: Records;
  let sourceFolder: string;
  let pace: Pace;
  const client = new ConnectClient({
    region: DR.region,
    credentials: { accessKeyId: "x", secretAccessKey: "x" },
  });
  beforeEach(async () => {
    source = new FakeConnectConfig(SMALL, TOKYO);
    const taken = await snapshotOf(source);
    snap = taken.snap.records;
    sourceFolder = taken.folder;
    source.restore();
    // The DR instance: other ids and region, fewer objects, one queue managed by Pulumi, and no
    // balance-enquiry function (nothing in the snapshot calls it).
    target = new FakeConnectConfig({ ...SMALL, flows: 4, quickConnects: 1 }, DR);
    target.data.queues[0].Tags = { ManagedBy: "pulumi" };
    target.data.lambdas.pop();
    pace = { sleep: target.sleep, now: target.now, timeoutMs: 60_000, pollMs: 500, maxAttempts: 8 };
    pace = { ...pace, gate: rateGate(pace) };
  });
  afterEach(() => target.restore());

  it("plans by name: creates what is missing, skips what Pulumi manages, reports what it cannot map", async () => {
    const t = (await snapshotOf(target)).snap.records;
    const plan = planRestore(snap, t);
    const by = (action: string, kind: string) =>
      plan.items.filter((i) => i.action === action && i.kind === kind).map((i) => i.name);
    expect(by("CREATE", "flows")).to.deep.equal(
      Array.from({ length: SMALL.flows - 4 }, (_, k) => `flow-${k + 4}`),
    );
    expect(by("CREATE", "quickConnects")).to.deep.equal(["quick-1", "quick-2"]);
    expect(by("SKIP", "queues")).to.deep.equal(["customer-desk"]);
    expect(by("UNCHANGED", "hoursOfOperation")).to.have.length(SMALL.hours);
    expect(plan.notRestored.map((n) => n.kind)).to.include.members([
      "users",
      "prompts",
      "phoneNumbers",
    ]);
    // Every reference now points into the DR instance (or at an object the restore creates).
    const flow5 = plan.items.find((i) => i.name === "flow-5")?.record.Content as string;
    expect(flow5).not.to.include(source.instanceId);
    expect(flow5).to.include(
      `arn:aws:lambda:${DR.region}:123456789012:function:customerchannel-caller-auth`,
    );
    expect(renderPlan(plan)).to.match(
      /\n\d+ to create, \d+ to update, \d+ unchanged, 1 skipped; 0 with unmapped references\n$/,
    );
  });

  it("refuses an object whose references have no counterpart, and says which", async () => {
    // The DR region also lacks the caller-auth function every flow calls.
    target.data.lambdas.length = 0;
    const t = (await snapshotOf(target)).snap.records;
    const plan = planRestore(snap, t);
    const f5 = plan.items.find((i) => i.kind === "flows" && i.name === "flow-5");
    expect(f5?.unmapped).to.deep.equal(["Lambda function customerchannel-caller-auth"]);
    expect(renderPlan(plan)).to.include(
      "          unmapped: Lambda function customerchannel-caller-auth (no object of that name in the target)",
    );
    const lines: string[] = [];
    const r = await applyRestore(plan, client, target.instanceId, pace, (l) => lines.push(l));
    expect(r.refused).to.equal(plan.items.filter((i) => i.unmapped.length).length);
    expect(
      lines.some((l) => l.startsWith("refused  flows flow-5: unmapped Lambda function")),
    ).to.equal(true);
  });

  it("flags another account's function (qualified or not) and a numbered version; remaps flow content after a newline", async () => {
    const t = (await snapshotOf(target)).snap.records;
    const flows = snap.flows.map((f) => ({ ...f }));
    const own = `arn:aws:lambda:${TOKYO.region}:123456789012:function:customerchannel-caller-auth`;
    const cases: [string, string][] = [
      [
        `arn:aws:lambda:${TOKYO.region}:999999999999:function:customerchannel-caller-auth:7`,
        `Lambda function arn:aws:lambda:${TOKYO.region}:999999999999:function:customerchannel-caller-auth:7 of another account (999999999999)`,
      ],
      [
        `arn:aws:lambda:${TOKYO.region}:999999999999:function:exfiltrate`,
        `Lambda function arn:aws:lambda:${TOKYO.region}:999999999999:function:exfiltrate of another account (999999999999)`,
      ],
      [`${own}:3`, "Lambda function customerchannel-caller-auth version 3"],
    ];
    cases.forEach(([arn], i) => {
      flows[i].Content = String(flows[i].Content).split(own).join(arn);
    });
    // Flow content as Connect may store it: a newline before the JSON.
    flows[5].Content = `\n${String(flows[5].Content)}`;
    const plan = planRestore({ ...snap, flows }, t);
    cases.forEach(([arn, why], i) => {
      const item = plan.items.find((x) => x.kind === "flows" && x.name === String(flows[i].Name));
      expect(item?.unmapped, arn).to.include(why);
    });
    const f5 = plan.items.find((i) => i.name === String(flows[5].Name))?.record.Content as string;
    expect(f5).to.not.include(source.instanceId);
    expect(f5).to.include(
      `arn:aws:lambda:${DR.region}:123456789012:function:customerchannel-caller-auth`,
    );
  });

  it("applies the plan: afterwards the DR instance matches the snapshot except what it skips", async () => {
    const before = (await snapshotOf(target)).snap.records;
    const plan = planRestore(snap, before);
    const lines: string[] = [];
    const r = await applyRestore(plan, client, target.instanceId, pace, (l) => lines.push(l));
    expect(r.failed).to.deep.equal([]);
    expect(r.refused).to.equal(0);
    const after = (await snapshotOf(target)).snap.records;
    const d = diffSnapshots(snap, after);
    for (const kind of [
      "flows",
      "quickConnects",
      "routingProfiles",
      "securityProfiles",
      "hoursOfOperation",
      "flowModules",
    ]) {
      expect(d[kind], kind).to.deep.include({ added: [], removed: [], changed: [] });
    }
    // Restored flows point at the DR instance's own objects.
    for (const f of target.data.flows) expect(String(f.Content)).not.to.include(source.instanceId);
    // A second run finds nothing to do.
    const again = planRestore(snap, after);
    expect(again.items.filter((i) => i.action === "CREATE" || i.action === "UPDATE")).to.deep.equal(
      [],
    );
  });

  it("the CLI plans a restore against a snapshot of the target (dry run) and changes nothing", async () => {
    const from = sourceFolder;
    const { folder: to } = await snapshotOf(target);
    const trust = trustKeyArg();
    const dryRun = () =>
      backupCli(
        "restore",
        from,
        "--stack",
        "dr",
        "--dry-run",
        "--target-snapshot",
        to,
        "--trust-key",
        trust,
      );
    const r = dryRun();
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.include(
      "SKIP      queues customer-desk (managed by the target's Pulumi stack",
    );
    expect(r.stdout).to.include("CREATE    flows flow-4\n");
    expect(r.stdout).to.match(
      /\n10 to create, \d+ to update, \d+ unchanged, 1 skipped; 0 with unmapped references\n$/,
    );
    const refused = backupCli("restore", from, "--stack", "dr", "--target-snapshot", to);
    expect(refused.status).to.equal(2);
    expect(refused.stderr).to.include("--target-snapshot plans only: add --dry-run");
    // A snapshot whose manifest was edited after signing is refused before anything is planned.
    const manifest = path.join(from, "manifest.json");
    fs.writeFileSync(
      manifest,
      fs.readFileSync(manifest, "utf8").replace('"complete": true', '"complete": true '),
    );
    const tampered = dryRun();
    expect(tampered.status).to.equal(1);
    expect(tampered.stderr).to.include(
      "manifest.json is not the manifest that was signed: the snapshot was changed",
    );
    expect(tampered.stdout).to.equal("");
  });

  it("tries offline on the shipped samples: diff shows the one change, restore --fake applies into memory", () => {
    const dir = path.join(
      PROJECT_ROOT,
      "samples/config-snapshots/snapshots/ffffffff-1111-4222-8333-444444444444",
    );
    const [a, b] = fs
      .readdirSync(dir)
      .sort()
      .map((x) => path.join(dir, x));
    const d = backupCli("diff", a, b);
    expect(d.status, d.stderr).to.equal(1);
    expect(d.stdout).to.include("  ~ queue-1: MaxContacts");
    const r = backupCli("restore", a, "--stack", "dr", "--fake", "--yes");
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.include("nothing in AWS changes");
    expect(r.stdout).to.match(/\n11 applied, 0 refused, 0 failed \(in memory\)\n$/);
  });

  it("undoes console changes in the same instance", async () => {
    const tokyo = new FakeConnectConfig(SMALL, TOKYO);
    try {
      const { snap: before } = await snapshotOf(tokyo);
      tokyo.data.queues[2].MaxContacts = 1;
      tokyo.permissions.set(String(tokyo.data.securityProfiles[1].Id), []);
      const flow = tokyo.data.flows[6];
      flow.Content = String(flow.Content).replace(
        String(tokyo.data.queues[0].QueueArn),
        String(tokyo.data.queues[5].QueueArn),
      );
      const now = (await snapshotOf(tokyo)).snap.records;
      const plan = planRestore(before.records, now);
      expect(
        plan.items.filter((i) => i.action === "UPDATE").map((i) => [i.kind, i.name, i.changes]),
      ).to.deep.equal([
        ["queues", "queue-2", ["MaxContacts"]],
        ["flows", "flow-6", ["Content.Actions[2].Parameters.QueueId"]],
        ["securityProfiles", "security-1", ["Permissions[0]", "Permissions[1]"]],
      ]);
      const tpace: Pace = {
        sleep: tokyo.sleep,
        now: tokyo.now,
        timeoutMs: 60_000,
        pollMs: 500,
        maxAttempts: 8,
      };
      const r = await applyRestore(
        plan,
        new ConnectClient({
          region: TOKYO.region,
          credentials: { accessKeyId: "x", secretAccessKey: "x" },
        }),
        tokyo.instanceId,
        tpace,
        () => undefined,
      );
      expect(r).to.deep.equal({ done: 3, refused: 0, failed: [] });
      const after = (await snapshotOf(tokyo)).snap.records;
      const d = diffSnapshots(before.records, after);
      for (const c of Object.values(d)) expect(c.changed).to.deep.equal([]);
    } finally {
      tokyo.restore();
    }
  });
});
