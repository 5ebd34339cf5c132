/**
 * `npm run drill -- --from tokyo --to dr [--dry-run] [--failback] [--percent N] [--yes]
 *   [--report-dir DIR] [--upload] [--outputs-dir DIR | --fake [--config FILE]]`
 *
 * A DR drill against the stacks' real outputs (`pulumi stack output --json`) and the real Connect
 * API, or a rehearsal (`--fake`): both stacks planned offline and an in-memory Connect seeded from
 * their outputs, on a virtual clock. See lib/drill.ts for the steps and README "DR runbook".
 * Exit codes: 0 drill passed (or dry run done), 1 drill failed or not confirmed, 2 bad usage.
 */
import { ConnectClient } from "@aws-sdk/client-connect";
import { S3Client } from "@aws-sdk/client-s3";
import { SSMClient } from "@aws-sdk/client-ssm";
import { Command, InvalidArgumentError, Option } from "commander";
import { rateGate, realPace, type Pace } from "../components/shared/drConnect";
import { runDrill, type Outputs } from "../lib/drill";
import { uploadReport, writeReport } from "../lib/drillReport";
import {
  confirmStackName,
  parseArgs,
  readStackOutputs,
  runMain,
  USAGE_ERROR,
  UsageError,
} from "./cli";

interface Options {
  from: string;
  to: string;
  dryRun?: boolean;
  failback?: boolean;
  percent: number;
  yes?: boolean;
  reportDir: string;
  upload?: boolean;
  outputsDir?: string;
  fake?: boolean;
  config?: string;
}

async function main(argv: string[]): Promise<number> {
  const program = new Command()
    .name("npm run drill --")
    .description("Fail over to the DR stack and back, verify it, and report it")
    .requiredOption("--from <stack>", "the primary stack (its outputs: numbers, flows, vault)")
    .requiredOption("--to <stack>", "the dr stack (its outputs: replica or DR instance, group)")
    .option("--dry-run", "preflight and plan only: no call that changes anything")
    .option("--failback", "after the verified flip, move everything back and verify that too")
    .addOption(
      new Option("--percent <n>", "share of calls for the DR region: 100 fails over, 0 fails back")
        .default(100)
        .argParser((v) => {
          const n = Number(v);
          if (!Number.isInteger(n) || n < 0 || n > 100 || n % 10)
            throw new InvalidArgumentError("use 0-100 in steps of 10");
          return n;
        }),
    )
    .option("-y, --yes", "do not ask for confirmation before changing anything")
    .option("--report-dir <dir>", "where the JSON and Markdown reports go", "drills")
    .option("--upload", "also put the report in the backup vault (primary outputs vaultBucketName)")
    .option("--outputs-dir <dir>", "read <dir>/<stack>.json instead of pulumi stack output")
    .option("--fake", "rehearse: plan both stacks offline and drill an in-memory Connect")
    .option("-c, --config <file>", "with --fake: the dr stack's config file (e.g. standalone)");
  const stop = parseArgs(program, argv);
  if (stop !== undefined) return stop;
  const o = program.opts<Options>();
  if (o.fake && o.outputsDir) {
    process.stderr.write("--fake plans the stacks itself: drop --outputs-dir\n");
    return USAGE_ERROR;
  }
  if (o.config && !o.fake) {
    process.stderr.write("--config applies to --fake (offline planning) only\n");
    return USAGE_ERROR;
  }
  if (o.upload && o.fake) {
    process.stderr.write(
      "--upload needs the real vault: a rehearsal's report stays in --report-dir\n",
    );
    return USAGE_ERROR;
  }

  let primary: Outputs;
  let dr: Outputs;
  let client: (region: string) => ConnectClient;
  let ssm: (region: string) => SSMClient;
  let pace: Pace;
  let restore = () => undefined as void;
  let environment = "AWS";
  if (o.fake) {
    // Imported only here: the rehearsal needs the dev dependencies, a real drill does not.
    const { offlineOutputs } = await import("../lib/plan");
    const { FakeConnectDr } = await import("../tests/support/fakeConnectDr");
    // The stacks' outputs as `pulumi up` would leave them; `npm run plan` is what checks them.
    // A few seconds of silence otherwise: say what is happening.
    process.stdout.write(
      `… running ${o.from} and ${o.to} offline for their outputs (a few seconds)\n`,
    );
    const stacks = [
      await offlineOutputs({ stack: o.from }),
      await offlineOutputs({ stack: o.to, stackFile: o.config }),
    ];
    for (const p of stacks)
      if (!p.ok) {
        process.stderr.write(`${p.error}\n`);
        return 1;
      }
    [primary, dr] = stacks.map((p) => (p.ok ? p.outputs : {}));
    const fake = FakeConnectDr.fromOutputs(primary, dr);
    fake.clock = Date.now();
    restore = () => fake.restore();
    const credentials = { accessKeyId: "fake", secretAccessKey: "fake" };
    client = (region) => new ConnectClient({ region, credentials });
    ssm = (region) => new SSMClient({ region, credentials });
    pace = {
      sleep: fake.sleep,
      now: fake.now,
      timeoutMs: 15 * 60_000,
      pollMs: 500,
      maxAttempts: 8,
    };
    pace = { ...pace, gate: rateGate(pace) };
    environment =
      "rehearsal: both stacks planned offline, Connect in memory (seeded as after the README's deploy steps), virtual clock";
    process.stdout.write(`${environment}\n`);
  } else {
    try {
      [primary, dr] = [o.from, o.to].map((stack) => readStackOutputs(stack, o.outputsDir));
    } catch (e) {
      // A missing tool or file is the user's to fix (exit 2); anything else failed (exit 1).
      process.stderr.write(`cannot read the stack outputs: ${(e as Error).message}\n`);
      return e instanceof UsageError ? USAGE_ERROR : 1;
    }
    client = (region) => new ConnectClient({ region });
    ssm = (region) => new SSMClient({ region });
    pace = realPace({ pollMs: 1_000, timeoutMs: 15 * 60_000 });
  }
  const reads = typeof dr.primaryStack === "string" ? dr.primaryStack.split("/").pop() : undefined;
  if (reads && reads !== o.from) {
    process.stderr.write(
      `the ${o.to} stack reads the primary ${String(dr.primaryStack)}, not ${o.from}: check --from\n`,
    );
    return USAGE_ERROR;
  }

  const confirm = (question: string) => confirmStackName(question, o.to);
  try {
    const report = await runDrill(
      {
        from: o.from,
        to: o.to,
        primary,
        dr,
        percent: o.percent,
        failback: o.failback === true,
        dryRun: o.dryRun === true,
        yes: o.yes === true,
        environment,
      },
      { client, ssm, pace, confirm, log: (line) => process.stdout.write(`${line}\n`) },
    );
    const files = writeReport(report, o.reportDir);
    process.stdout.write(`report: ${files.markdown}\nreport: ${files.json}\n`);
    if (o.upload) {
      const bucket = typeof primary.vaultBucketName === "string" ? primary.vaultBucketName : "";
      const keyArn = typeof primary.vaultKeyArn === "string" ? primary.vaultKeyArn : "";
      if (!bucket || !keyArn) {
        process.stderr.write(
          `the ${o.from} stack has no vaultBucketName/vaultKeyArn output: not uploaded\n`,
        );
        return 1;
      }
      const s3 = new S3Client({ region: String(primary.vaultRegion) });
      for (const url of await uploadReport(s3, { bucket, keyArn }, report))
        process.stdout.write(`report: ${url}\n`);
    }
    return report.result === "passed" || report.result === "dry-run" ? 0 : 1;
  } finally {
    restore();
  }
}

runMain(main);
