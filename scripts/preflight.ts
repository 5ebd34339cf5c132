/**
 * `npm run preflight -- --stack tokyo [--stack dr] [--config <file>] [--quotas-dir <dir>]`
 *
 * Compares the service quotas each stack needs (lib/preflight) with the account's: through the
 * AWS APIs with your credentials (Lambda GetAccountSettings, Service Quotas), or from answers
 * saved with the AWS CLI in --quotas-dir (for a workstation without AWS access):
 *   <dir>/<region>/lambda-account-settings.json   aws lambda get-account-settings --region <region>
 *   <dir>/<region>/connect-quotas.json            aws service-quotas list-service-quotas --service-code connect --region <region>
 *   <dir>/<region>/connect-default-quotas.json    aws service-quotas list-aws-default-service-quotas --service-code connect --region <region>
 * Exit codes: 0 every quota suffices, 1 a quota is short or unknown, 2 bad usage.
 */
import { Command } from "commander";
import * as fs from "node:fs";
import * as path from "node:path";
import { parseConfig, readProjectFile } from "../config";
import { plannedResources } from "../lib/plan";
import {
  checkQuotas,
  renderChecks,
  stackNeeds,
  type Quota,
  type QuotaSource,
} from "../lib/preflight";
import { parseArgs, runMain, stackFileProblem, UsageError, USAGE_ERROR } from "./cli";

/** Answers saved with the AWS CLI, one folder per region. */
export function savedQuotas(dir: string): QuotaSource {
  const read = <T>(region: string, file: string): T => {
    const p = path.join(dir, region, file);
    if (!fs.existsSync(p))
      throw new UsageError(`${p}: no such file (see npm run preflight -- --help)`);
    try {
      return JSON.parse(fs.readFileSync(p, "utf8")) as T;
    } catch {
      throw new UsageError(`${p}: not JSON`);
    }
  };
  return {
    lambdaAccountLimit: (region) => {
      const s = read<{
        AccountLimit?: { ConcurrentExecutions?: number; UnreservedConcurrentExecutions?: number };
      }>(region, "lambda-account-settings.json");
      const l = s.AccountLimit;
      if (
        typeof l?.ConcurrentExecutions !== "number" ||
        typeof l.UnreservedConcurrentExecutions !== "number"
      )
        throw new UsageError(
          `${path.join(dir, region, "lambda-account-settings.json")}: no AccountLimit.ConcurrentExecutions`,
        );
      return Promise.resolve({
        concurrentExecutions: l.ConcurrentExecutions,
        unreservedConcurrentExecutions: l.UnreservedConcurrentExecutions,
      });
    },
    appliedQuotas: (service, region) =>
      Promise.resolve(read<{ Quotas?: Quota[] }>(region, `${service}-quotas.json`).Quotas ?? []),
    defaultQuotas: (service, region) =>
      Promise.resolve(
        read<{ Quotas?: Quota[] }>(region, `${service}-default-quotas.json`).Quotas ?? [],
      ),
  };
}

/** The same answers from AWS, with the caller's credentials. */
export function liveQuotas(): QuotaSource {
  const allPages = async (region: string, service: string, defaults: boolean): Promise<Quota[]> => {
    const sq = await import("@aws-sdk/client-service-quotas");
    const client = new sq.ServiceQuotasClient({ region });
    const out: Quota[] = [];
    let NextToken: string | undefined;
    do {
      const page = defaults
        ? await client.send(
            new sq.ListAWSDefaultServiceQuotasCommand({ ServiceCode: service, NextToken }),
          )
        : await client.send(new sq.ListServiceQuotasCommand({ ServiceCode: service, NextToken }));
      out.push(...(page.Quotas ?? []));
      NextToken = page.NextToken;
    } while (NextToken);
    return out;
  };
  return {
    lambdaAccountLimit: async (region) => {
      const { LambdaClient, GetAccountSettingsCommand } = await import("@aws-sdk/client-lambda");
      const s = await new LambdaClient({ region }).send(new GetAccountSettingsCommand({}));
      return {
        concurrentExecutions: s.AccountLimit?.ConcurrentExecutions ?? 0,
        unreservedConcurrentExecutions: s.AccountLimit?.UnreservedConcurrentExecutions ?? 0,
      };
    },
    appliedQuotas: (service, region) => allPages(region, service, false),
    defaultQuotas: (service, region) => allPages(region, service, true),
  };
}

export async function preflightMain(
  argv: string[],
  io: { stdout: (s: string) => void; stderr: (s: string) => void },
  source?: QuotaSource,
): Promise<number> {
  const program = new Command()
    .name("npm run preflight --")
    .description("Compare the service quotas a stack needs with the account's")
    .requiredOption(
      "-s, --stack <name>",
      "stack to check (repeat for several)",
      (v: string, all: string[] = []) => [...all, v],
    )
    .option("-c, --config <file>", "use this stack config file instead of Pulumi.<stack>.yaml")
    .addHelpText(
      "after",
      `\nSaved answers for --quotas-dir, one folder per region:\n  <dir>/<region>/lambda-account-settings.json   aws lambda get-account-settings --region <region>\n  <dir>/<region>/connect-quotas.json            aws service-quotas list-service-quotas --service-code connect --region <region>\n  <dir>/<region>/connect-default-quotas.json    aws service-quotas list-aws-default-service-quotas --service-code connect --region <region>\n`,
    )
    .option(
      "--quotas-dir <dir>",
      "read the AWS answers saved in <dir>/<region>/ instead of calling AWS",
    );
  const stop = parseArgs(program, argv, io);
  if (stop !== undefined) return stop;
  const o = program.opts<{ stack: string[]; config?: string; quotasDir?: string }>();
  const quotas = source ?? (o.quotasDir ? savedQuotas(o.quotasDir) : liveQuotas());
  let code = 0;
  for (const stack of o.stack) {
    const problem = stackFileProblem(stack, o.config);
    if (problem) {
      io.stderr(`${problem}\n`);
      return USAGE_ERROR;
    }
    const planned = await plannedResources({ stack, stackFile: o.config });
    if (!planned.ok) {
      io.stderr(`${planned.error}\n`);
      code = 1;
      continue;
    }
    const cfg = parseConfig(planned.config, {
      stack,
      readFile: readProjectFile,
      allowPlaceholderSaml: true,
      stackFile: o.config,
    });
    try {
      const checks = await checkQuotas(stackNeeds(cfg, planned.resources), quotas);
      io.stdout(`${renderChecks(stack, checks).join("\n")}\n`);
      if (checks.some((c) => c.verdict !== "ok")) code = 1;
    } catch (e) {
      if (e instanceof UsageError) {
        io.stderr(`${e.message}\n`);
        return USAGE_ERROR;
      }
      // Credentials and access errors are said once, not per quota.
      io.stderr(
        `could not read the account's quotas (${(e as Error).name}: ${(e as Error).message}): log in with credentials that may call lambda:GetAccountSettings and servicequotas:ListServiceQuotas / ListAWSDefaultServiceQuotas, or save the answers and use --quotas-dir\n`,
      );
      return 1;
    }
  }
  return code;
}

if (require.main === module)
  runMain((argv) =>
    preflightMain(argv, {
      stdout: (s) => void process.stdout.write(s),
      stderr: (s) => void process.stderr.write(s),
    }),
  );
