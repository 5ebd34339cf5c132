/**
 * `npm run plan -- --stack tokyo [--stack dr] [--json] [--config <file>] [--policy-config <file>]`
 *
 * Runs the real program offline under mocks with the stack's YAML and prints what `pulumi up`
 * would create. Exit codes: 0 plan printed, 1 invalid config or program error, 2 bad usage.
 */
import { Command } from "commander";
import * as fs from "node:fs";
import { packConfigFromFile, type PackConfig } from "../policy/rules";
import { parseArgs, USAGE_ERROR } from "./cli";
import { blockingFidelity, buildPlan, mandatoryViolations, renderPlan } from "../lib/plan";

async function main(argv: string[]): Promise<number> {
  const program = new Command()
    .name("npm run plan --")
    .description("Offline plan of a customerchannel stack (no AWS account, no Pulumi CLI)")
    .requiredOption(
      "-s, --stack <name>",
      "stack to plan: tokyo or dr (repeat to plan several in one run)",
      (v: string, all: string[] = []) => [...all, v],
    )
    .option("--json", "print the plan as JSON (an array when several stacks are planned)")
    .option("-c, --config <file>", "use this stack config file instead of Pulumi.<stack>.yaml")
    .option(
      "--policy-config <file>",
      "policy pack config JSON, as pulumi preview --policy-pack-config takes it",
    );
  const stop = parseArgs(program, argv);
  if (stop !== undefined) return stop;
  const o = program.opts<{
    stack: string[];
    json?: boolean;
    config?: string;
    policyConfig?: string;
  }>();
  let policyConfig: Partial<PackConfig> | undefined;
  if (o.policyConfig) {
    try {
      policyConfig = packConfigFromFile(fs.readFileSync(o.policyConfig, "utf8"));
    } catch (e) {
      process.stderr.write(`--policy-config ${o.policyConfig}: ${(e as Error).message}\n`);
      return USAGE_ERROR;
    }
  }
  if (o.config && o.stack.length > 1) {
    process.stderr.write("--config applies to one stack: give a single --stack with it\n");
    return USAGE_ERROR;
  }
  let code = 0;
  const json: unknown[] = [];
  for (const [i, stack] of o.stack.entries()) {
    const result = await buildPlan({ stack, stackFile: o.config, policyConfig });
    if (!result.ok) {
      code = 1;
      json.push({ ok: false, stack, kind: result.kind, error: result.error });
      process.stderr.write(`${result.kind === "config" ? "" : "program error: "}${result.error}\n`);
      continue;
    }
    const blocking = mandatoryViolations(result.plan);
    if (blocking.length) {
      code = 1;
      process.stderr.write(
        `${blocking.length} mandatory policy violation(s) in stack ${stack}:\n${blocking.map((v) => `  - ${v.rule}: ${v.name}: ${v.message}`).join("\n")}\n`,
      );
    }
    const fidelity = blockingFidelity(result.plan);
    if (fidelity.length) {
      code = 1;
      process.stderr.write(
        `${fidelity.length} AWS fidelity error(s) in stack ${stack}:\n${fidelity.map((f) => `  - ${f.rule}: ${f.resource}: ${f.message}`).join("\n")}\n`,
      );
    }
    json.push({ ok: blocking.length === 0 && fidelity.length === 0, ...result.plan });
    if (!o.json) process.stdout.write(`${i > 0 ? "\n" : ""}${renderPlan(result.plan)}\n`);
  }
  if (o.json)
    process.stdout.write(`${JSON.stringify(json.length === 1 ? json[0] : json, null, 2)}\n`);
  return code;
}

// Exit only once stdout has drained: a large --json plan written to a pipe is flushed
// asynchronously, and process.exit would cut it short.
const exitAfterFlush = (code: number) => process.stdout.write("", () => process.exit(code));

main(process.argv).then(exitAfterFlush, (e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  exitAfterFlush(1);
});
