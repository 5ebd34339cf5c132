/**
 * Configuration backup of a large fake instance (500 flows, 100 queues, 50 routing profiles,
 * 1,000 users) against the fake Connect: each API throttled separately at 2/s, burst 5, on a
 * virtual clock. The quota-bound minimum is the slowest API's share: the fewest calls that API
 * must take, as fast as its token bucket allows (here 500 DescribeContactFlow calls: (500 - 5) / 2
 * s after the flow list). Baseline, same run: the same exporter reading collections one after
 * another.
 */
import { ConnectClient } from "@aws-sdk/client-connect";
import { exportSnapshot } from "../functions/config-backup/export";
import { apiGates } from "../functions/config-backup/runtime";
import { FakeConnectConfig, type ConfigSizes } from "../tests/support/fakeConnectConfig";

const SIZES: ConfigSizes = {
  flows: 500,
  modules: 20,
  queues: 100,
  routingProfiles: 50,
  hours: 10,
  quickConnects: 50,
  securityProfiles: 10,
  prompts: 50,
  users: 1000,
  hierarchyGroups: 20,
  phoneNumbers: 20,
};
const RATE = 2;
const BURST = 5;

async function run(sequential: boolean) {
  const fake = new FakeConnectConfig(SIZES, { rate: RATE, burst: BURST });
  const files = new Map<string, string>();
  const client = new ConnectClient({
    region: fake.region,
    credentials: { accessKeyId: "x", secretAccessKey: "x" },
  });
  try {
    const t0 = process.hrtime.bigint();
    const start = fake.now();
    const r = await exportSnapshot(
      { instanceId: fake.instanceId, instanceArn: fake.instanceArn, region: fake.region },
      {
        call: (c) => client.send(c as never) as unknown as Promise<Record<string, unknown>>,
        gate: apiGates(fake, RATE, BURST),
        sleep: fake.sleep,
        now: fake.now,
        store: {
          put: (k, b) => Promise.resolve(void files.set(k, b)),
          get: (k) => Promise.resolve(files.get(k)),
        },
        sequential,
      },
      // One Lambda invocation: 15 minutes less the 60 s margin.
      start + 840_000,
    );
    const cpuMs = Number(process.hrtime.bigint() - t0) / 1e6;
    const m = r.manifest;
    if (!m) throw new Error(`backup bench: export did not finish in one invocation (${r.status})`);
    const calls = fake.callsPer();
    // Per API: the minimum number of calls is what it took (no call is repeated: counts are
    // checked below), and the k-th call cannot go before (k - burst) / rate.
    const perApiMin = Object.entries(calls).map(
      ([api, n]) => [api, Math.max(0, n - BURST) / RATE] as const,
    );
    const [slowestApi, quotaMin] = perApiMin.reduce((a, b) => (b[1] > a[1] ? b : a));
    return {
      seconds: (fake.now() - start) / 1000,
      quotaMin,
      slowestApi,
      objects: Object.values(m.collections).reduce((n, c) => n + c.count, 0),
      calls: Object.values(calls).reduce((a, b) => a + b, 0),
      throttled: fake.calls.filter((c) => c.throttled).length,
      missing: m.missing.length,
      complete: m.complete,
      describes: calls.DescribeContactFlow,
      cpuMs,
    };
  } finally {
    fake.restore();
  }
}

export async function benchBackup(print: (k: string, v: unknown) => void) {
  const r = await run(false);
  if (r.describes !== SIZES.flows) throw new Error("backup bench: a flow was described twice");
  print("backup.objects", r.objects);
  print("backup.api_calls", r.calls);
  print("backup.missing_collections", r.missing);
  print("backup.complete", r.complete);
  print("backup.throttled", r.throttled);
  print("backup.virtual_s", r.seconds.toFixed(1));
  print("backup.quota_min_s", `${r.quotaMin.toFixed(1)} (${r.slowestApi})`);
  print("backup.ratio_to_quota_min", (r.seconds / r.quotaMin).toFixed(3));
  print("backup.cpu_ms", Math.round(r.cpuMs));
  const b = await run(true);
  print("backup.baseline_sequential_virtual_s", b.seconds.toFixed(1));
  print("backup.baseline_sequential_ratio", (b.seconds / r.quotaMin).toFixed(3));
}
