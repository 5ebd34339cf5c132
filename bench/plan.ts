/**
 * The offline plan of both stacks as a user runs it (`npm run plan -- --stack tokyo --stack dr`):
 * wall time and peak memory, median of `runs` fresh processes, with where the time goes (from the
 * plan's own phase timings, lib/timing.ts). Baselines, same run: what any process pays before the
 * plan does anything (Node, the TypeScript loader, loading the Pulumi SDK), and bundling the
 * functions with no cache. Then the whole test suite's wall time and its slowest test.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PROJECT_DIR, forgetBuilds } from "../lib/bundleCache";
import { functionBundles } from "../components/shared/nodeFunction";

const TIMINGS_ENV = "CUSTOMERCHANNEL_PLAN_TIMINGS";

interface Timings {
  startupMs: number;
  wallMs: number;
  maxRssKiB: number;
  phaseMs: Record<string, number>;
  bundle: { builds: number; buildMs: number; checks: number; checkMs: number };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Wall milliseconds of a command run from the project directory; throws if it fails. */
function wall(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd: PROJECT_DIR, env, encoding: "utf8", stdio: "pipe" });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0)
    throw new Error(`${cmd} ${args.join(" ")} exited ${String(r.status)}: ${r.stderr}`);
  return ms;
}

export interface PlanBenchOptions {
  readonly runs: number;
  /** Also time the whole test suite (about a minute on 2 cores). */
  readonly suite: boolean;
}

export function benchPlan(print: (k: string, v: unknown) => void, opts: PlanBenchOptions): void {
  const node = process.execPath;
  const runs = Math.max(1, opts.runs);
  const times = (f: () => number) => median(Array.from({ length: runs }, f));
  print("plan.runs", runs);
  print("plan.cores", os.availableParallelism());

  // Baselines: the floor under any TypeScript CLI of this project.
  print("baseline.node_start_ms", Math.round(times(() => wall(node, ["-e", "0"]))));
  print(
    "baseline.node_tsx_start_ms",
    Math.round(times(() => wall(node, ["--import", "tsx", "-e", "0"]))),
  );
  print(
    "baseline.pulumi_sdk_load_ms",
    Math.round(
      times(
        () =>
          wall(node, ["--import", "tsx", "-e", 'require("@pulumi/pulumi")']) -
          wall(node, ["--import", "tsx", "-e", "0"]),
      ),
    ),
  );
  const cold = fs.mkdtempSync(path.join(os.tmpdir(), "bench-bundles-"));
  try {
    const t0 = performance.now();
    forgetBuilds();
    functionBundles({ root: PROJECT_DIR, cacheDir: cold });
    print("baseline.bundle_functions_cold_ms", Math.round(performance.now() - t0));
  } finally {
    forgetBuilds();
    fs.rmSync(cold, { recursive: true, force: true });
  }

  // The plan as the README runs it; the first run also warms the bundle cache if it was empty.
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const args = ["run", "--silent", "plan", "--", "--stack", "tokyo", "--stack", "dr"];
  const file = path.join(os.tmpdir(), `plan-timings-${process.pid}.json`);
  wall(npm, args, { ...process.env, [TIMINGS_ENV]: file });
  const samples: { wall: number; t: Timings }[] = [];
  for (let i = 0; i < runs; i++) {
    const ms = wall(npm, args, { ...process.env, [TIMINGS_ENV]: file });
    samples.push({ wall: ms, t: JSON.parse(fs.readFileSync(file, "utf8")) as Timings });
  }
  fs.rmSync(file, { force: true });
  const m = (f: (s: { wall: number; t: Timings }) => number) => Math.round(median(samples.map(f)));
  print(
    "plan.wall_ms",
    m((s) => s.wall),
  );
  print(
    "plan.peak_rss_mib",
    m((s) => s.t.maxRssKiB / 1024),
  );
  print(
    "plan.process_wall_ms",
    m((s) => s.t.wallMs),
  );
  print(
    "plan.npm_and_deps_check_ms",
    m((s) => s.wall - s.t.wallMs),
  );
  print(
    "plan.phase.startup_ms",
    m((s) => s.t.startupMs),
  );
  const phase = (name: string) => (s: { t: Timings }) => s.t.phaseMs[name] ?? 0;
  print("plan.phase.load_program_modules_ms", m(phase("load")));
  print(
    "plan.phase.bundle_cache_check_ms",
    m((s) => s.t.bundle.checkMs + s.t.bundle.buildMs),
  );
  print(
    "plan.phase.program_under_mocks_ms",
    m((s) => phase("program")(s) - s.t.bundle.checkMs - s.t.bundle.buildMs),
  );
  print("plan.phase.policy_pack_ms", m(phase("policy")));
  print("plan.phase.fidelity_ms", m(phase("fidelity")));
  for (const sub of ["iam", "simulate", "asl", "cfn", "regions", "documents"])
    print(`plan.phase.fidelity.${sub}_ms`, m(phase(`fidelity.${sub}`)));
  print("plan.phase.render_ms", m(phase("render")));

  if (!opts.suite) return;
  const report = path.join(os.tmpdir(), `suite-${process.pid}.json`);
  const t0 = process.hrtime.bigint();
  const r = spawnSync(
    node,
    [
      path.join(PROJECT_DIR, "node_modules/mocha/bin/mocha.js"),
      "--reporter",
      "json",
      "--reporter-option",
      `output=${report}`,
    ],
    { cwd: PROJECT_DIR, stdio: "ignore" },
  );
  const suiteMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const results = JSON.parse(fs.readFileSync(report, "utf8")) as {
    stats: { tests: number; failures: number };
    passes: { fullTitle: string; duration?: number }[];
    failures: { fullTitle: string; duration?: number }[];
  };
  fs.rmSync(report, { force: true });
  const slowest = [...results.passes, ...results.failures].sort(
    (a, b) => (b.duration ?? 0) - (a.duration ?? 0),
  )[0];
  print("suite.mocha_wall_s", (suiteMs / 1000).toFixed(1));
  print("suite.exit_code", r.status);
  print("suite.tests", results.stats.tests);
  print("suite.failures", results.stats.failures);
  print("suite.slowest_test_ms", slowest?.duration ?? 0);
  print("suite.slowest_test", slowest?.fullTitle ?? "");
}
