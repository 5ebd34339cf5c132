/**
 * The configuration exporter against the fake Connect (tests/support/fakeConnectConfig.ts):
 * what a snapshot holds, pagination, continuation across invocations, 429 storms, partial
 * failure, vanished items, damaged parts; and the Lambda handler against a local S3 server.
 */
import { expect } from "chai";
import { ConnectClient } from "@aws-sdk/client-connect";
import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import { COLLECTIONS, EXPORT_ACTIONS } from "../functions/config-backup/collections";
import {
  exportSnapshot,
  readSnapshot,
  type ExportDeps,
  type SnapshotStore,
} from "../functions/config-backup/export";
import { apiGates, makeHandler, s3Store } from "../functions/config-backup/runtime";
import { FakeConnectConfig, SMALL, type ConfigSizes } from "./support/fakeConnectConfig";
import { startLocalS3, type LocalS3 } from "./support/localS3";

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

  it("writes the snapshot to the bucket and answers the state machine's loop", async () => {
    fake = new FakeConnectConfig({ ...SMALL, flows: 40 });
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
      },
      { connect, s3: s3.client },
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
    const snap = await readSnapshot(
      s3Store(s3.client, "config-backups"),
      `snapshots/${fake.instanceId}/${r.snapshotId}/`,
    );
    expect(snap.records.flows).to.have.length(40);
    expect(logged.at(-1)).to.deep.include({ snapshotId: r.snapshotId, status: "DONE" });
    // A malformed event is refused, not guessed at.
    let message = "";
    await handler({ snapshotId: "../../etc" }, context).catch((e: Error) => (message = e.message));
    expect(message).to.include("snapshotId");
  });
});
