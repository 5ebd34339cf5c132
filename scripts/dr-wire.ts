/**
 * `npm run dr:wire -- [--outputs-dir <dir>] [--from <stack>] [--to <stack>]` prints the
 * `pulumi config set` lines that give the primary stack what the dr stack made (its traffic
 * distribution group and chat backend), read from the dr stack's outputs. Run them, then
 * `pulumi up --stack tokyo`. Exit codes: 0 printed, 2 bad usage or outputs not readable.
 */
import { Command } from "commander";
import { drWiringCommands } from "../lib/drWiring";
import { parseArgs, readStackOutputs, runMain, USAGE_ERROR } from "./cli";

async function main(argv: string[]): Promise<number> {
  const program = new Command()
    .name("npm run dr:wire --")
    .option("--from <stack>", "the primary stack that receives the config", "tokyo")
    .option("--to <stack>", "the dr stack whose outputs are read", "dr")
    .option("--outputs-dir <dir>", "read <dir>/<stack>.json instead of pulumi stack output");
  const stop = parseArgs(program, argv);
  if (stop !== undefined) return stop;
  const o = program.opts<{ from: string; to: string; outputsDir?: string }>();
  const lines = drWiringCommands(readStackOutputs(o.to, o.outputsDir), o.from);
  if (!lines.length) {
    process.stderr.write(
      `stack ${o.to} has no trafficDistributionGroupArn or chatDr output: run pulumi up --stack ${o.to} first\n`,
    );
    return USAGE_ERROR;
  }
  process.stdout.write(`${lines.join("\n")}\n`);
  return Promise.resolve(0);
}

runMain(main);
