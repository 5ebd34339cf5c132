/**
 * `npm run plan -- --stack tokyo [--json] [--config <file>]`
 *
 * Runs the real program offline under mocks with the stack's YAML and prints what `pulumi up`
 * would create. Exit codes: 0 plan printed, 1 invalid config or program error, 2 bad usage.
 */
import { Command, CommanderError } from "commander";
import { buildPlan, renderPlan } from "../lib/plan";

async function main(argv: string[]): Promise<number> {
  const program = new Command()
    .name("npm run plan --")
    .description("Offline plan of a customerchannel stack (no AWS account, no Pulumi CLI)")
    .requiredOption("-s, --stack <name>", "stack to plan: tokyo or dr")
    .option("--json", "print the plan as JSON")
    .option("-c, --config <file>", "use this stack config file instead of Pulumi.<stack>.yaml")
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  try {
    program.parse(argv, { from: "node" });
  } catch (e) {
    return e instanceof CommanderError && e.exitCode === 0 ? 0 : 2;
  }
  const o = program.opts<{ stack: string; json?: boolean; config?: string }>();
  const result = await buildPlan({ stack: o.stack, stackFile: o.config });
  if (!result.ok) {
    if (o.json)
      process.stdout.write(
        `${JSON.stringify({ ok: false, kind: result.kind, error: result.error }, null, 2)}\n`,
      );
    process.stderr.write(`${result.kind === "config" ? "" : "program error: "}${result.error}\n`);
    return 1;
  }
  process.stdout.write(
    o.json
      ? `${JSON.stringify({ ok: true, ...result.plan }, null, 2)}\n`
      : `${renderPlan(result.plan)}\n`,
  );
  return 0;
}

main(process.argv).then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
