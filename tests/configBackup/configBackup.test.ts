/**
 * The configuration exporter against the fake Connect (tests/support/fakeConnectConfig.ts):
 * what a snapshot holds, pagination, continuation across invocations, 429 storms, partial
 * failure, vanished items, damaged parts; and the Lambda handler against a local S3 server.
 */
import { expect } from "chai";
import { ConnectClient } from "@aws-sdk/client-connect";
import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import { COLLECTIONS, EXPORT_ACTIONS } from "../../functions/config-backup/collections";
import {
  exportSnapshot,
  readSnapshot,
  signatureCheck,
  type ExportDeps,
  type Manifest,
  type SnapshotStore,
} from "../../functions/config-backup/export";
import { apiGates, kmsSigner, makeHandler, s3Store } from "../../functions/config-backup/runtime";
import { FakeKmsSigner } from "../support/fakeKms";
import { createHash } from "node:crypto";
import { FakeConnectConfig, SMALL, type ConfigSizes } from "../support/fakeConnectConfig";
import { startLocalS3, type LocalS3 } from "../support/localS3";

const connect = new ConnectClient({
  region: "ap-northeast-1",
  credentials: { accessKeyId: "x", secretAccessKey: "x" },
});

export function memoryStore(): SnapshotStore & { files: Map<string, string> } {
  const files = new Map<string, string>();
  return {
    files,
    put: (k, b) => {
      files.set(k, b);
      return Promise.resolve();
    },
    get: (k) => Promise.resolve(files.get(k)),
  };
}

const depsFor = (fake: FakeConnectConfig, store: SnapshotStore): ExportDeps => ({
  call: (c) => connect.send(c as never) as unknown as Promise<Record<string, unknown>>,
  gate: apiGates(fake, 2, 5),
  sleep: fake.sleep,
  now: fake.now,
  store,
});
const target = (fake: FakeConnectConfig) => ({
  instanceId: fake.instanceId,
  instanceArn: fake.instanceArn,
  region: fake.region,
});

describe("config backup: exporter", () => {
  let fake: FakeConnectConfig;
  afterEach(() => fake?.restore());
  const setUp = (sizes: Partial<ConfigSizes> = {}) => {
    fake = new FakeConnectConfig({ ...SMALL, ...sizes });
    return fake;
  };

  it("exports every collection with counts, checksums and request ids in the manifest", async () => {
    setUp();
    const store = memoryStore();
    const r = await exportSnapshot(target(fake), depsFor(fake, store), Infinity);
    expect(r.status).to.equal("DONE");
    expect(r.snapshotId).to.equal("2026-12-01T18-00-00-000Z");
    const m = r.manifest!;
    expect(m.complete).to.equal(true);
    expect(m.missing).to.deep.equal([]);
    const counts = Object.fromEntries(Object.entries(m.collections).map(([k, c]) => [k, c.count]));
    expect(counts).to.deep.equal({
      instance: 1 + 8 + 4, // the instance, its 8 attributes, 4 storage configs
      flows: SMALL.flows,
      flowModules: SMALL.modules,
      queues: SMALL.queues,
      routingProfiles: SMALL.routingProfiles,
      hoursOfOperation: SMALL.hours,
      quickConnects: SMALL.quickConnects,
      securityProfiles: SMALL.securityProfiles,
      prompts: SMALL.prompts,
      users: SMALL.users,
      hierarchy: 1 + SMALL.hierarchyGroups,
      phoneNumbers: SMALL.phoneNumbers,
      phoneNumberFlows: SMALL.phoneNumbers,
      lambdaFunctions: 2,
      lexBots: 1,
    });
    // What a restore needs is there: published content, queue configs, permissions.
    const snap = await readSnapshot(store, `snapshots/${fake.instanceId}/${r.snapshotId}/`);
    const flow = snap.records.flows.find((f) => f.Name === "inbound-main");
    expect((JSON.parse(String(flow?.Content)) as { Actions: unknown[] }).Actions).to.have.length(4);
    expect(snap.records.routingProfiles[0].QueueConfigs).to.have.length(3);
    expect(snap.records.securityProfiles[1].Permissions).to.deep.equal([
      "BasicAgentAccess",
      "OutboundCallAccess",
    ]);
    // Every successful call's request id is kept, per API.
    for (const [api, n] of Object.entries(fake.callsPer()))
      expect(m.apis[api].requestIds, api).to.have.length(n);
    expect(Object.keys(m.apis).sort()).to.deep.equal(
      EXPORT_ACTIONS.map((a) => a.replace("connect:", "")),
    );
    expect(store.files.has(`snapshots/${fake.instanceId}/${r.snapshotId}/_state.json`)).to.equal(
      true,
    );
  });

  it("paginates: 250 users in 3 pages, 30 functions would take 2", async () => {
    setUp({ users: 250 });
    const store = memoryStore();
    const r = await exportSnapshot(target(fake), depsFor(fake, store), Infinity);
    expect(r.manifest?.collections.users.count).to.equal(250);
    expect(r.manifest?.collections.users.parts.map((p) => p.count)).to.deep.equal([100, 100, 50]);
    expect(fake.callsPer().SearchUsers).to.equal(3);
    expect(fake.callsPer().ListInstanceStorageConfigs).to.equal(6);
  });

  it("continues a large export in new invocations from its cursor, without gaps or repeats", async () => {
    setUp({ flows: 120, users: 250 });
    const store = memoryStore();
    const deps = depsFor(fake, store);
    let r = await exportSnapshot(target(fake), deps, fake.clock + 20_000);
    const runs = [r.status];
    while (r.status === "CONTINUE") {
      r = await exportSnapshot(target(fake), deps, fake.clock + 20_000, r.snapshotId);
      runs.push(r.status);
    }
    // 120 DescribeContactFlow calls at 2/s need about a minute: several 20 s invocations.
    expect(runs.length).to.be.greaterThan(2);
    expect(runs.at(-1)).to.equal("DONE");
    expect(r.manifest?.invocations).to.equal(runs.length);
    const snap = await readSnapshot(store, `snapshots/${fake.instanceId}/${r.snapshotId}/`);
    const flowIds = snap.records.flows.map((f) => f.Id);
    expect(new Set(flowIds).size).to.equal(120);
    expect(flowIds).to.have.length(120);
    expect(snap.records.users).to.have.length(250);
    // Each flow described once: no call repeated across invocations.
    expect(fake.callsPer().DescribeContactFlow).to.equal(120);
  });

  it("rides out a 429 storm: retries with backoff, nothing missing", async () => {
    setUp();
    fake.storm = { from: fake.clock, to: fake.clock + 10_000 };
    const store = memoryStore();
    const logged: string[] = [];
    const r = await exportSnapshot(
      target(fake),
      { ...depsFor(fake, store), onThrottle: (api, error) => logged.push(`${api} ${error}`) },
      Infinity,
    );
    expect(r.status).to.equal("DONE");
    // Each 429 is told (and logged by the runtime, where Monitoring's metric filter counts it).
    expect(logged.length).to.equal(fake.calls.filter((c) => c.throttled).length);
    expect(logged[0]).to.match(/^[A-Za-z]+ TooManyRequestsException$/);
    const throttled = Object.values(r.manifest!.apis).reduce((n, a) => n + a.throttled, 0);
    expect(throttled).to.be.greaterThan(0);
    expect(throttled).to.equal(fake.calls.filter((c) => c.throttled).length);
    expect(r.manifest?.collections.flows.count).to.equal(SMALL.flows);
  });

  it("a failed collection makes the snapshot FAILED with what is missing; the rest is kept", async () => {
    setUp({ users: 250 });
    fake.failNth(
      "SearchUsers",
      2,
      Object.assign(new Error("User is not authorized"), { name: "AccessDeniedException" }),
    );
    const store = memoryStore();
    const r = await exportSnapshot(target(fake), depsFor(fake, store), Infinity);
    expect(r.status).to.equal("FAILED");
    expect(r.manifest?.complete).to.equal(false);
    expect(r.manifest?.missing).to.deep.equal([
      { collection: "users", error: "AccessDeniedException: User is not authorized" },
    ]);
    expect(r.manifest?.collections.users).to.deep.include({
      count: 100,
      error: "AccessDeniedException: User is not authorized",
    });
    expect(r.manifest?.collections.flows.count).to.equal(SMALL.flows);
  });

  it("an item deleted between list and describe is recorded as vanished, not a failure", async () => {
    setUp();
    fake.failNth(
      "DescribeContactFlow",
      3,
      Object.assign(new Error("flow not found"), { name: "ResourceNotFoundException" }),
    );
    const r = await exportSnapshot(target(fake), depsFor(fake, memoryStore()), Infinity);
    expect(r.status).to.equal("DONE");
    expect(r.manifest?.collections.flows.count).to.equal(SMALL.flows - 1);
    expect(r.manifest?.collections.flows.vanished).to.deep.equal([String(fake.data.flows[2].Id)]);
  });

  describe("signed manifests (issue 19)", () => {
    const signer = new FakeKmsSigner();
    const signedExport = async () => {
      setUp();
      const store = memoryStore();
      const r = await exportSnapshot(
        target(fake),
        { ...depsFor(fake, store), sign: kmsSigner(signer, signer.keyArn) },
        Infinity,
      );
      return { store, r, prefix: `snapshots/${fake.instanceId}/${r.snapshotId}/` };
    };
    const refusal = async (
      store: SnapshotStore,
      prefix: string,
      trusted = signer.trusted(),
    ): Promise<string> => {
      let message = "";
      await readSnapshot(store, prefix, { verify: signatureCheck(trusted) }).catch(
        (e: Error) => (message = e.message),
      );
      return message;
    };

    it("the exporter signs the manifest's digest with the KMS key; a restore's read verifies it", async () => {
      const { store, prefix } = await signedExport();
      expect(signer.calls.at(-1)).to.deep.equal({
        KeyId: signer.keyArn,
        MessageType: "DIGEST",
        SigningAlgorithm: "ECDSA_SHA_256",
      });
      const snap = await readSnapshot(store, prefix, { verify: signatureCheck(signer.trusted()) });
      expect(snap.records.queues.length).to.be.greaterThan(0);
    });

    it("refuses a tampered part whose manifest checksum was recomputed", async () => {
      const { store, r, prefix } = await signedExport();
      const part = r.manifest!.collections.queues.parts[0].key;
      const tampered = store.files.get(part)!.replace("customer-desk", "tampered");
      store.files.set(part, tampered);
      // The attacker fixes the checksum too: the part check passes, the signature does not.
      const manifest = JSON.parse(store.files.get(`${prefix}manifest.json`)!) as Manifest;
      const fixed = {
        ...manifest,
        collections: {
          ...manifest.collections,
          queues: {
            ...manifest.collections.queues,
            parts: manifest.collections.queues.parts.map((x) =>
              x.key === part
                ? { ...x, sha256: createHash("sha256").update(tampered).digest("hex") }
                : x,
            ),
          },
        },
      };
      store.files.set(`${prefix}manifest.json`, `${JSON.stringify(fixed, null, 2)}\n`);
      expect(await refusal(store, prefix)).to.equal(
        "manifest.json is not the manifest that was signed: the snapshot was changed",
      );
      // Even with the digest in the signature file recomputed, the signature itself fails.
      const sig = JSON.parse(store.files.get(`${prefix}manifest.sig.json`)!) as Record<
        string,
        string
      >;
      sig.manifestSha256 = createHash("sha256")
        .update(store.files.get(`${prefix}manifest.json`)!)
        .digest("hex");
      store.files.set(`${prefix}manifest.sig.json`, JSON.stringify(sig));
      expect(await refusal(store, prefix)).to.equal(
        "manifest.json's signature does not verify: the snapshot was changed",
      );
    });

    it("refuses an unsigned snapshot and one signed by a key it does not trust", async () => {
      const { store, prefix } = await signedExport();
      const other = new FakeKmsSigner("arn:aws:kms:ap-northeast-1:999999999999:key/other");
      expect(await refusal(store, prefix, other.trusted())).to.match(
        /^manifest signed by arn:aws:kms:ap-northeast-1:123456789012:key\/.+, which is not a trusted signing key/,
      );
      store.files.delete(`${prefix}manifest.sig.json`);
      expect(await refusal(store, prefix)).to.equal(
        `${prefix}manifest.sig.json not found: the snapshot is not signed`,
      );
    });

    it("refuses a part key outside the snapshot (../, another snapshot) before reading it", async () => {
      const prefix = "snapshots/i-1/2026-12-06T00-00-00Z/";
      for (const key of [
        `${prefix}../x.json`,
        `${prefix}./queues-000.json`,
        "snapshots/other/1/queues-000.json",
        "/etc/passwd",
      ]) {
        const store = memoryStore();
        const manifest = {
          collections: {
            queues: { count: 1, parts: [{ key, count: 1, sha256: "x" }], vanished: [] },
          },
        };
        store.files.set(`${prefix}manifest.json`, JSON.stringify(manifest));
        let message = "";
        await readSnapshot(store, prefix).catch((e: Error) => (message = e.message));
        expect(message, key).to.match(
          /is outside the snapshot snapshots\/i-1\/.+: the manifest is not trusted$/,
        );
      }
    });
  });

  it("reading refuses a part that does not match its checksum", async () => {
    setUp();
    const store = memoryStore();
    const r = await exportSnapshot(target(fake), depsFor(fake, store), Infinity);
    const part = r.manifest!.collections.queues.parts[0].key;
    store.files.set(part, store.files.get(part)!.replace("customer-desk", "tampered"));
    let message = "";
    await readSnapshot(store, `snapshots/${fake.instanceId}/${r.snapshotId}/`).catch(
      (e: Error) => (message = e.message),
    );
    expect(message).to.equal(
      `${part} does not match its manifest checksum: the snapshot is damaged`,
    );
  });

  it("the exporter's IAM actions are exactly the read calls it makes", () => {
    expect(
      EXPORT_ACTIONS.every((a) => /^connect:(List|Describe|Search)[A-Za-z0-9]+$/.test(a)),
    ).to.equal(true);
    expect(EXPORT_ACTIONS).to.include.members([
      "connect:DescribeContactFlow",
      "connect:SearchUsers",
      "connect:ListRoutingProfileQueues",
    ]);
    expect(COLLECTIONS.map((c) => c.name)).to.have.length(15);
  });
});

describe("config backup: handler on a local S3", () => {
  let s3: LocalS3;
  let fake: FakeConnectConfig;
  before(async () => {
    s3 = await startLocalS3();
    await s3.createBucket("config-backups");
  });
  after(async () => s3.close());
  afterEach(() => fake?.restore());

  it("writes the snapshot to the bucket, signed, and answers the state machine's loop", async () => {
    fake = new FakeConnectConfig({ ...SMALL, flows: 40 });
    const kms = new FakeKmsSigner();
    const logged: Record<string, unknown>[] = [];
    const handler = makeHandler(
      {
        BACKUP_BUCKET: "config-backups",
        INSTANCE_ID: fake.instanceId,
        INSTANCE_ARN: fake.instanceArn,
        AWS_REGION: "ap-northeast-1",
        REQUESTS_PER_SECOND: 2,
        BURST: 5,
        SAFETY_MARGIN_MS: 60_000,
        SIGNING_KEY_ARN: kms.keyArn,
      },
      { connect, s3: s3.client, kms },
      fake,
      (_m, f) => logged.push(f),
    );
    // 75 s left, 60 s margin: 15 s of work per invocation.
    const context = { getRemainingTimeInMillis: () => 75_000 };
    let r = await handler({}, context);
    const statuses = [r.status];
    while (r.status === "CONTINUE") {
      r = await handler({ snapshotId: r.snapshotId }, context);
      statuses.push(r.status);
    }
    expect(statuses.at(-1)).to.equal("DONE");
    expect(statuses.length).to.be.greaterThan(1);
    expect(r.summary?.complete).to.equal(true);
    expect(r.summary?.counts.flows).to.equal(40);
    const listed = await s3.client.send(
      new ListObjectsV2Command({
        Bucket: "config-backups",
        Prefix: `snapshots/${fake.instanceId}/`,
      }),
    );
    const keys = (listed.Contents ?? []).map((o) => o.Key ?? "");
    expect(keys).to.include(`snapshots/${fake.instanceId}/${r.snapshotId}/manifest.json`);
    expect(keys).to.include(`snapshots/${fake.instanceId}/${r.snapshotId}/manifest.sig.json`);
    const snap = await readSnapshot(
      s3Store(s3.client, "config-backups"),
      `snapshots/${fake.instanceId}/${r.snapshotId}/`,
      { verify: signatureCheck(kms.trusted()) },
    );
    expect(snap.records.flows).to.have.length(40);
    expect(logged.at(-1)).to.deep.include({ snapshotId: r.snapshotId, status: "DONE" });
    // A malformed event is refused, not guessed at.
    let message = "";
    await handler({ snapshotId: "../../etc" }, context).catch((e: Error) => (message = e.message));
    expect(message).to.include("snapshotId");
  });
});
