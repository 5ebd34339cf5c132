/**
 * `npm run bench [-- <area>] [--requests N] [--workers N] [--scale N] [--runs N] [--no-suite]`
 * Benchmarks, separate from the tests: each prints `name: value` lines, with its baseline measured
 * in the same run. Areas not built yet say so and are skipped (exit 2 when asked for alone).
 */
import { Command } from "commander";
import { OFFLINE_ENV } from "../config";
import { benchBackup } from "../bench/backup";
import { benchCompliance } from "../bench/compliance";
import { benchComplianceQuality } from "../bench/complianceQuality";
import { benchDr } from "../bench/dr";
import { benchOutbound } from "../bench/outbound";
import { benchPlan } from "../bench/plan";
import { parseArgs, USAGE_ERROR } from "./cli";

const AREAS = ["outbound", "compliance", "dr", "backup", "plan"] as const;
const NOT_YET: Record<string, string> = {};

async function main(argv: string[]): Promise<number> {
  const program = new Command()
    .name("npm run bench --")
    .argument("[area]", `one of ${AREAS.join(", ")} (default: all)`)
    .option("--requests <n>", "outbound: queued requests", "1000")
    .option("--workers <n>", "outbound: concurrent dialer workers", "4")
    .option(
      "--scale <n>",
      "outbound: multiply Connect's 2/s quota (and the dialer's rate) to shorten a run",
      "1",
    )
    .option("--runs <n>", "plan: fresh plan processes to take the median of", "3")
    .option("--no-suite", "plan: skip timing the whole test suite");
  const stop = parseArgs(program, argv);
  if (stop !== undefined) return stop;
  const area = program.args[0];
  if (area && !(AREAS as readonly string[]).includes(area)) {
    process.stderr.write(`unknown area ${area}; one of ${AREAS.join(", ")}\n`);
    return USAGE_ERROR;
  }
  const o = program.opts<{
    requests: string;
    workers: string;
    scale: string;
    runs: string;
    suite: boolean;
  }>();
  const print = (k: string, v: unknown) => process.stdout.write(`${k}: ${String(v)}\n`);
  process.env[OFFLINE_ENV] = "1";
  let code = 0;
  for (const a of area ? [area] : AREAS) {
    if (NOT_YET[a]) {
      print(`${a}.status`, `not available: ${NOT_YET[a]}`);
      if (area) code = USAGE_ERROR;
      continue;
    }
    if (a === "outbound")
      await benchOutbound(
        {
          requests: Number(o.requests),
          workers: Number(o.workers),
          scale: Number(o.scale),
          redeliveryShare: 0.02,
        },
        print,
      );
    if (a === "plan") benchPlan(print, { runs: Number(o.runs), suite: o.suite });
    if (a === "compliance") {
      benchComplianceQuality(print);
      benchCompliance(print);
    }
    if (a === "dr") await benchDr(print);
    if (a === "backup") await benchBackup(print);
  }
  return code;
}

main(process.argv).then(
  (c) => process.exit(c),
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
