/**
 * `npm run plan -- --stack tokyo [--stack dr] [--json] [--config <file>] [--policy-config <file>]`
 *
 * Runs the real program offline under mocks with the stack's YAML and prints what `pulumi up`
 * would create. Exit codes: 0 plan printed, 1 invalid config or program error, 2 bad usage.
 *
 * `--deployer-policy [--account <id>]` prints instead the least-privilege IAM policies for the
 * identity that runs `pulumi up` of each stack (lib/deployer), as JSON managed policy documents.
 */
import { Command } from "commander";
import * as fs from "node:fs";
import { packConfigFromFile, type PackConfig } from "../policy/rules";
import { parseArgs, stackFileProblem, USAGE_ERROR } from "./cli";
import { blockingFidelity, buildPlan, mandatoryViolations, renderPlan } from "../lib/plan";
import { bundleStats } from "../lib/bundleCache";
import { phaseMs, timed } from "../lib/timing";
import {
  ATTACHED_POLICIES_DEFAULT,
  checkDeployerPolicy,
  deployerPolicy,
  MANAGED_POLICY_CHARS,
  type DeployerPolicy,
} from "../lib/deployer/policy";
import type { Finding } from "../lib/fidelity/types";

/** Set to a file path to get the run's phase timings as JSON (npm run bench -- plan). */
export const TIMINGS_ENV = "CUSTOMERCHANNEL_PLAN_TIMINGS";
// Node start, tsx and the CLI's own imports (the SDK, the policy pack, the fidelity data).
const startupMs = performance.now();

/** Where the CLI writes: the process's streams, or a test's buffers. */
export interface Io {
  readonly stdout: (s: string) => void;
  readonly stderr: (s: string) => void;
}

/** The whole CLI but the process: parses argv, plans, writes, and returns the exit code. */
export async function planMain(argv: string[], io: Io): Promise<number> {
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
    )
    .option(
      "--deployer-policy",
      "print the least-privilege IAM policies for running pulumi up of the stack (JSON)",
    )
    .option("--account <id>", "AWS account id for --deployer-policy's ARNs", PLACEHOLDER_ACCOUNT);
  const stop = parseArgs(program, argv, io);
  if (stop !== undefined) return stop;
  const o = program.opts<{
    stack: string[];
    json?: boolean;
    config?: string;
    policyConfig?: string;
    deployerPolicy?: boolean;
    account: string;
  }>();
  if (!/^\d{12}$/.test(o.account)) {
    io.stderr(`--account ${o.account}: an AWS account id is 12 digits\n`);
    return USAGE_ERROR;
  }
  let policyConfig: Partial<PackConfig> | undefined;
  if (o.policyConfig) {
    try {
      policyConfig = packConfigFromFile(fs.readFileSync(o.policyConfig, "utf8"));
    } catch (e) {
      io.stderr(`--policy-config ${o.policyConfig}: ${(e as Error).message}\n`);
      return USAGE_ERROR;
    }
  }
  if (o.config && o.stack.length > 1) {
    io.stderr("--config applies to one stack: give a single --stack with it\n");
    return USAGE_ERROR;
  }
  // Bad usage is said in one line, before anything is loaded: a stack with no stack file, a
  // --config file that is missing or is not YAML (exit 2, no stack trace).
  for (const stack of o.stack) {
    const problem = stackFileProblem(stack, o.config);
    if (problem) {
      io.stderr(`${problem}\n`);
      return USAGE_ERROR;
    }
  }
  // The program's modules (the stack, its components, @pulumi/aws): loaded once, timed apart from
  // the program run that follows.
  timed("load", () => void require("../stack"));
  let code = 0;
  const json: unknown[] = [];
  for (const [i, stack] of o.stack.entries()) {
    const result = await buildPlan({
      stack,
      stackFile: o.config,
      policyConfig,
    });
    if (!result.ok) {
      code = 1;
      json.push({ ok: false, stack, kind: result.kind, error: result.error });
      io.stderr(`${result.kind === "config" ? "" : "program error: "}${result.error}\n`);
      continue;
    }
    const blocking = mandatoryViolations(result.plan);
    if (blocking.length) {
      code = 1;
      io.stderr(
        `${blocking.length} mandatory policy violation(s) in stack ${stack}:\n${blocking.map((v) => `  - ${v.rule}: ${v.name}: ${v.message}`).join("\n")}\n`,
      );
    }
    const fidelity = blockingFidelity(result.plan);
    if (fidelity.length) {
      code = 1;
      io.stderr(
        `${fidelity.length} AWS fidelity error(s) in stack ${stack}:\n${fidelity.map((f) => `  - ${f.rule}: ${f.resource}: ${f.message}`).join("\n")}\n`,
      );
    }
    if (o.deployerPolicy) {
      const policy = await deployerPolicy(stack, result.resources, o.account);
      const findings = await checkDeployerPolicy(policy);
      if (!deployerPolicyOk(policy, findings, o.account, io)) code = 1;
      json.push(policy);
      continue;
    }
    json.push({ ok: blocking.length === 0 && fidelity.length === 0, ...result.plan });
    if (!o.json)
      timed("render", () => io.stdout(`${i > 0 ? "\n" : ""}${renderPlan(result.plan)}\n`));
  }
  if (o.json || o.deployerPolicy)
    timed("render", () =>
      io.stdout(`${JSON.stringify(json.length === 1 ? json[0] : json, null, 2)}\n`),
    );
  return code;
}

/** The account id printed when none is given: AWS's documentation example account. */
const PLACEHOLDER_ACCOUNT = "111122223333";

/** One summary line per stack on stderr; false when the policy could not deploy the stack. */
function deployerPolicyOk(
  policy: DeployerPolicy,
  findings: readonly Finding[],
  account: string,
  io: Io,
): boolean {
  const largest = Math.max(...policy.documents.map((d) => d.chars));
  io.stderr(
    `${policy.stack}: ${policy.documents.length} managed policies (largest ${largest} of ${MANAGED_POLICY_CHARS} characters), ${policy.actions} actions, ${findings.length} static findings\n`,
  );
  if (account === PLACEHOLDER_ACCOUNT)
    io.stderr(`  account ${account} is a placeholder: pass --account <your account id>\n`);
  if (policy.documents.length > ATTACHED_POLICIES_DEFAULT)
    io.stderr(
      `  more than ${ATTACHED_POLICIES_DEFAULT} managed policies: raise the IAM quota "Managed policies per role" (up to 20) before attaching them\n`,
    );
  for (const t of policy.uncovered)
    io.stderr(`  no deploy permissions known for ${t}: add it to lib/deployer/grants.ts\n`);
  for (const f of findings) io.stderr(`  ${f.rule}: ${f.resource}: ${f.message}\n`);
  return policy.uncovered.length === 0 && findings.length === 0;
}

function writeTimings(): void {
  const file = process.env[TIMINGS_ENV];
  if (!file) return;
  fs.writeFileSync(
    file,
    JSON.stringify({
      startupMs,
      phaseMs,
      bundle: bundleStats,
      wallMs: performance.now(),
      // Peak resident set of this process, KiB (getrusage ru_maxrss).
      maxRssKiB: process.resourceUsage().maxRSS,
    }),
  );
}

if (require.main === module) {
  // Exit only once stdout has drained: a large --json plan written to a pipe is flushed
  // asynchronously, and process.exit would cut it short.
  const exitAfterFlush = (code: number) => {
    writeTimings();
    process.stdout.write("", () => process.exit(code));
  };
  const io: Io = {
    stdout: (s) => void process.stdout.write(s),
    stderr: (s) => void process.stderr.write(s),
  };
  planMain(process.argv, io).then(exitAfterFlush, (e: unknown) => {
    io.stderr(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    exitAfterFlush(1);
  });
}
