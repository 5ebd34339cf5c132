/**
 * Outbound dialer throughput against the local Connect fake (token bucket: quota/s, burst 5,
 * 429 beyond) and a local DynamoDB: N queued requests, W concurrent workers, each call hung up by
 * the recorder shortly after it starts. Reports achieved calls/s against the quota, 429s,
 * duplicates, and the dialer's own time per request with pacing waits taken out. The baseline in
 * the same run is the same dialer without pacing (every worker as fast as it can, fixed retries).
 */
import { ConnectClient } from "@aws-sdk/client-connect";
import { dialOne, Pacer, type DialerDeps, type DialMessage } from "../functions/outbound/dialer";
import { recordEvent } from "../functions/outbound/recorder";
import { connectCalls } from "../functions/outbound/runtime";
import { hashBody, OutboundStore, requestIdFor, type Campaign } from "../functions/outbound/store";
import { createPkSkTable, startLocalDynamo } from "../tests/support/localDynamo";
import { FakeConnectServer } from "./fakeConnect";

export interface OutboundBenchOptions {
  readonly requests: number;
  readonly workers: number;
  /** Multiplies the quota (and the dialer's configured rate) to shorten a run; 1 = Connect's 2/s. */
  readonly scale: number;
  /** Messages delivered twice, as SQS may (share, 0-1). */
  readonly redeliveryShare: number;
}

const INSTANCE = "bench-instance";
const ALL_DAY = Object.fromEntries(
  ["SUNDAY", "MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY"].map((d) => [
    d,
    "00:00-24:00",
  ]),
);

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] : 0;
};

async function run(
  label: string,
  o: OutboundBenchOptions,
  paced: boolean,
): Promise<Record<string, number>> {
  const quota = 2 * o.scale;
  const fake = new FakeConnectServer({ ratePerSecond: quota, burst: 5 });
  const endpoint = await fake.start();
  const local = await startLocalDynamo();
  const table = `bench-${label}`;
  await createPkSkTable(local, table);
  const store = new OutboundStore(local.doc, table);
  const campaign: Campaign = {
    campaignId: "bench",
    name: "bench",
    type: "telemarketing",
    sourcePhoneNumber: "+81312345678",
    contactFlowId: "flow",
    windows: ALL_DAY,
    holidays: [],
    maxAttemptsPerDay: 3,
    maxAttemptsTotal: 3,
    retryAfterMinutes: 60,
    state: "ACTIVE",
    createdAt: new Date().toISOString(),
  };
  await store.putCampaign(campaign);
  const queue: DialMessage[] = [];
  for (let i = 0; i < o.requests; i++) {
    const requestId = requestIdFor("bench", `k${i}`);
    await store.putRequest({
      campaignId: "bench",
      requestId,
      phoneNumber: `+8190${String(10_000_000 + i)}`,
      customerRef: `c${i}`,
      attributes: { message: "bench" },
      state: "QUEUED",
      attempts: 0,
      attemptsThatDay: 0,
      bodyHash: hashBody(i),
      createdAt: "",
      updatedAt: "",
    });
    queue.push({ campaignId: "bench", requestId });
    if (
      i % Math.max(1, Math.round(1 / Math.max(o.redeliveryShare, 1e-9))) === 0 &&
      o.redeliveryShare > 0
    )
      queue.push({ campaignId: "bench", requestId });
  }
  const client = new ConnectClient({
    endpoint,
    region: "ap-northeast-1",
    credentials: { accessKeyId: "bench", secretAccessKey: "bench" },
    maxAttempts: 1, // the dialer's own back-off decides, not the SDK's
  });
  const connect = connectCalls(client, INSTANCE);
  const pending = new Set<Promise<unknown>>();
  let errors = 0;
  // Deferred work (redeliveries, hang-ups). A failure is retried a second later, as SQS and
  // EventBridge would, and counted.
  const later = (ms: number, f: () => Promise<unknown>): void => {
    const p: Promise<unknown> = new Promise((r) => setTimeout(r, ms))
      .then(f)
      .catch(() => {
        errors++;
        later(1_000, f);
      })
      .finally(() => pending.delete(p));
    pending.add(p);
  };
  const ownMs: number[] = [];
  const start = Date.now();
  const worker = async () => {
    let waited = 0;
    const pacer = new Pacer(paced ? quota / o.workers : 1e6, {
      now: () => Date.now(),
      sleep: (ms) => {
        waited += ms;
        return new Promise((r) => setTimeout(r, ms));
      },
    });
    if (!paced) pacer.throttled = () => undefined; // baseline: no adaptive back-off
    const deps: DialerDeps = {
      store,
      startCall: connect.startCall,
      requeue: (msg) => {
        later(100, () => Promise.resolve(queue.push(msg)));
        return Promise.resolve();
      },
      pacer,
      now: () => Date.now(),
      instanceId: INSTANCE,
      maxConcurrentCalls: 10,
      // SQS would redeliver after the visibility timeout (6 min); the bench compresses that.
      staleDialingMs: 1_000,
      callLeaseMs: 4 * 3_600_000,
      log: () => undefined,
    };
    for (;;) {
      const msg = queue.shift();
      if (!msg) {
        if (pending.size === 0) return;
        await new Promise((r) => setTimeout(r, 20));
        continue;
      }
      const t0 = Date.now();
      waited = 0;
      try {
        const out = await dialOne(deps, msg);
        ownMs.push(Date.now() - t0 - waited);
        if (out.kind === "dialled") {
          fake.attributes.set(out.contactId, { responded: "true" });
          // The callee hangs up after 300 ms: the recorder frees the slot.
          later(300, () =>
            recordEvent(
              {
                store,
                contactAttributes: connect.contactAttributes,
                requeue: () => Promise.resolve(),
                now: () => Date.now(),
                log: () => undefined,
              },
              {
                source: "aws.connect",
                "detail-type": "Amazon Connect Contact Event",
                time: new Date().toISOString(),
                detail: {
                  eventType: "DISCONNECTED",
                  contactId: out.contactId,
                  instanceArn: INSTANCE,
                },
              },
            ),
          );
        }
      } catch {
        // Throttled six times in a row: the message returns to the queue, as SQS would.
        later(1_200, () => Promise.resolve(queue.push(msg)));
      }
    }
  };
  await Promise.all(Array.from({ length: o.workers }, worker));
  await Promise.all([...pending]);
  const calls = fake.calls;
  const elapsed = (calls[calls.length - 1].at - start) / 1000;
  const perRequest = new Map<string, number>();
  for (const c of calls) perRequest.set(c.destination, (perRequest.get(c.destination) ?? 0) + 1);
  const duplicates = [...perRequest.values()].reduce((n, k) => n + (k - 1), 0);
  await fake.stop();
  await local.close();
  return {
    calls: calls.length,
    seconds: Number(elapsed.toFixed(1)),
    calls_per_s: Number((calls.length / elapsed).toFixed(3)),
    fraction_of_quota: Number((calls.length / elapsed / quota).toFixed(3)),
    throttled_429s: fake.throttled,
    duplicates,
    retried_errors: errors,
    dialer_ms_per_request_p50: percentile(ownMs, 50),
    dialer_ms_per_request_p95: percentile(ownMs, 95),
  };
}

export async function benchOutbound(
  o: OutboundBenchOptions,
  print: (k: string, v: unknown) => void,
) {
  print("outbound.requests", o.requests);
  print("outbound.workers", o.workers);
  print("outbound.quota_calls_per_s", 2 * o.scale);
  print("outbound.scale", o.scale);
  print("outbound.redelivered_messages", Math.round(o.requests * o.redeliveryShare));
  const paced = await run("paced", o, true);
  for (const [k, v] of Object.entries(paced)) print(`outbound.${k}`, v);
  // Baseline: the same dialer with no pacing, on a tenth of the requests (it only gets worse).
  const base = await run(
    "unpaced",
    { ...o, requests: Math.max(20, Math.round(o.requests / 10)) },
    false,
  );
  for (const [k, v] of Object.entries(base)) print(`outbound.baseline_unpaced.${k}`, v);
}
