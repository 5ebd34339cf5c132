/**
 * Drill speed against the fake Connect (virtual clock, Connect's 2 requests/s quota, burst 5):
 * the standalone re-association of 1, 10 and 50 numbers and the replica flip. For each, the flip
 * (from the flip step's start to the verified state) against the quota-bound minimum: the fewest
 * calls the flip can be done with, made as fast as the quota's token bucket allows from the
 * tokens it holds when the flip starts (preflight has just spent most of them): the k-th call
 * cannot go before (k - tokens) / rate. Baseline, same run: the same drill without the
 * client-side rate gate, learning the quota from 429s and backing off.
 */
import { ConnectClient } from "@aws-sdk/client-connect";
import { rateGate, type Pace } from "../components/shared/drConnect";
import { SSMClient } from "@aws-sdk/client-ssm";
import { runDrill, type DrillReport, type Outputs } from "../lib/drill";

/** The chat target's calls (GetParameter, PutParameter). */
const SSM_CALL = /Parameter$/;
import { FakeConnectDr } from "../tests/support/fakeConnectDr";

const ACCOUNT = "123456789012";
const RATE = 2;

function outputs(mode: "replica" | "standalone", numbers: number): [Outputs, Outputs] {
  const id = "11111111-2222-4333-8444-555555555555";
  const tokyoArn = `arn:aws:connect:ap-northeast-1:${ACCOUNT}:instance/${id}`;
  const flow = (arn: string, name: string) => `${arn}/contact-flow/flow-${name}`;
  const phone = (region: string, k: number, flowName: string) => ({
    name: `n${k}`,
    address: `+8150${String(20_000_000 + k)}`,
    arn: `arn:aws:connect:${region}:${ACCOUNT}:phone-number/${String(k).padStart(8, "0")}-0000-4000-8000-000000000000`,
    flow: flowName,
  });
  const primary: Outputs = {
    region: "ap-northeast-1",
    instanceAlias: "bench-cc",
    instanceArn: tokyoArn,
    flowArns: { "inbound-main": flow(tokyoArn, "inbound-main") },
    phoneNumbers:
      mode === "replica"
        ? Array.from({ length: numbers }, (_, k) => phone("ap-northeast-1", k, "inbound-main"))
        : [phone("ap-northeast-1", 999, "inbound-main")],
  };
  const region = mode === "replica" ? "ap-northeast-3" : "ap-southeast-1";
  const drId = mode === "replica" ? id : "66666666-7777-4888-8999-000000000000";
  const drArn = `arn:aws:connect:${region}:${ACCOUNT}:instance/${drId}`;
  const dr: Outputs = {
    drMode: mode,
    region,
    instanceId: drId,
    instanceArn: drArn,
    instanceAlias: "bench-cc-dr",
    identityType: mode === "replica" ? "SAML" : "CONNECT_MANAGED",
    callerAuthFunctionArn: `arn:aws:lambda:${region}:${ACCOUNT}:function:customerchannel-caller-auth`,
    callerAuthBotAliasArn: `arn:aws:lex:${region}:${ACCOUNT}:bot-alias/BOT/ALIAS`,
    failoverDrPercent: 0,
    ...(mode === "replica"
      ? {
          trafficDistributionGroupArn: `arn:aws:connect:ap-northeast-1:${ACCOUNT}:traffic-distribution-group/tdg-bench`,
        }
      : {
          flowArns: {
            "inbound-main": flow(drArn, "inbound-main"),
            "dr-standby": flow(drArn, "dr-standby"),
          },
          phoneNumbers: Array.from({ length: numbers }, (_, k) => phone(region, k, "inbound-main")),
        }),
  };
  return [primary, dr];
}

async function drill(
  mode: "replica" | "standalone",
  numbers: number,
  gate: boolean,
  consistency: "instant" | "eventual",
) {
  const [primary, dr] = outputs(mode, numbers);
  const fake = FakeConnectDr.fromOutputs(primary, dr, {
    ...(consistency === "instant" ? { associationReads: 0, updateReads: 0 } : {}),
  });
  try {
    const base = {
      sleep: fake.sleep,
      now: fake.now,
      timeoutMs: 3_600_000,
      pollMs: 1000 / RATE,
      maxAttempts: 12,
    };
    const pace: Pace = gate ? { ...base, gate: rateGate(base, RATE, 5) } : base;
    let tokensAtFlip = NaN;
    const t0 = process.hrtime.bigint();
    const report: DrillReport = await runDrill(
      {
        from: "tokyo",
        to: "dr",
        primary,
        dr,
        percent: 100,
        failback: false,
        dryRun: false,
        yes: true,
        environment: "bench",
      },
      {
        client: (r) =>
          new ConnectClient({ region: r, credentials: { accessKeyId: "x", secretAccessKey: "x" } }),
        ssm: (r) =>
          new SSMClient({ region: r, credentials: { accessKeyId: "x", secretAccessKey: "x" } }),
        pace,
        confirm: () => Promise.resolve(true),
        log: (line) => {
          if (line.startsWith("▶ flip:")) tokensAtFlip = fake.tokensNow();
        },
      },
    );
    const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
    if (report.result !== "passed")
      throw new Error(`bench drill ${mode} ${numbers}: ${report.error}`);
    const flipCalls = report.steps
      .filter((s) => s.kind === "flip" || s.kind === "verify")
      // Connect's calls only: the quota-bound minimum is Connect's (SSM has its own quota).
      .reduce((n, s) => n + s.calls.filter((c) => !c.error && !SSM_CALL.test(c.command)).length, 0);
    return { report, flipCalls, wallMs, tokensAtFlip };
  } finally {
    fake.restore();
  }
}

export async function benchDr(print: (k: string, v: unknown) => void) {
  const cases: ["replica" | "standalone", number, string, number][] = [
    // mode, numbers, label, fewest calls for the flip and its verification:
    // standalone: 1 read of the associations, 1 associate per number, 1 read to verify;
    // replica: group status + split before, 1 update, group status + split after.
    ["standalone", 1, "standalone.1", 1 + 1 + 1],
    ["standalone", 10, "standalone.10", 1 + 10 + 1],
    ["standalone", 50, "standalone.50", 1 + 50 + 1],
    ["replica", 1, "replica", 5],
  ];
  for (const [mode, n, label, minCalls] of cases) {
    const gated = await drill(mode, n, true, "instant");
    const quotaMin = Math.max(0, minCalls - gated.tokensAtFlip) / RATE;
    const flip = gated.report.rtoSeconds ?? NaN;
    print(`dr.${label}.flip_s`, flip.toFixed(1));
    print(`dr.${label}.flip_calls`, gated.flipCalls);
    print(`dr.${label}.min_calls`, minCalls);
    print(`dr.${label}.tokens_at_flip`, gated.tokensAtFlip.toFixed(2));
    print(`dr.${label}.quota_min_s`, quotaMin.toFixed(2));
    print(`dr.${label}.ratio_to_quota_min`, quotaMin ? (flip / quotaMin).toFixed(2) : "n/a");
    print(`dr.${label}.throttled`, gated.report.apiCalls.throttled);
    print(`dr.${label}.drill_total_calls`, gated.report.apiCalls.total);
    print(`dr.${label}.cpu_ms`, Math.round(gated.wallMs));
    const eventual = await drill(mode, n, true, "eventual");
    print(
      `dr.${label}.eventual_consistency_flip_s`,
      (eventual.report.rtoSeconds ?? NaN).toFixed(1),
    );
    const naive = await drill(mode, n, false, "instant");
    print(`dr.${label}.baseline_no_gate_flip_s`, (naive.report.rtoSeconds ?? NaN).toFixed(1));
    print(`dr.${label}.baseline_no_gate_throttled`, naive.report.apiCalls.throttled);
  }
}
