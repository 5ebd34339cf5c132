/**
 * `npm run plan:snapshot -- --out <dir>` writes, for both stacks and a set of config variants
 * (the ones the tests exercise), the plan JSON and every resource's full inputs (including the
 * serialised code of the dynamic providers and the function archives), one file each.
 * `npm run plan:snapshot -- --check <dir>` compares the current tree with such a directory and
 * exits 1 naming each file that differs.
 *
 * Use it around a change that must not change what `pulumi up` does (a move, a split, a rename of
 * files): `--out` before, `--check` after. A difference in `<variant>.inputs.json` is a change a
 * real stack would see as an update (a dynamic provider whose serialised code moved, say).
 */
import { Command } from "commander";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse as parseYaml, stringify as toYaml } from "yaml";
import { PROJECT_ROOT } from "../config";
import { buildPlan } from "../lib/plan";
import { parseArgs, runMain } from "./cli";

const STANDALONE_DR = {
  drMode: "standalone",
  region: "ap-southeast-1",
  drRegion: "ap-southeast-1",
  identityType: "CONNECT_MANAGED",
  drFallbackNumber: "+81312345678",
};
const DR_CHAT = {
  endpoint: "https://abcdef1234.execute-api.ap-northeast-3.amazonaws.com/chat",
  targetParameterArn:
    "arn:aws:ssm:ap-northeast-3:123456789012:parameter/customerchannel/dr/chat-target",
  instanceArn:
    "arn:aws:connect:ap-northeast-3:123456789012:instance/106e2e08-7557-830d-12f5-705934a7134a",
};

/** Stack and config overrides (keys without the project prefix) for each variant. */
export const VARIANTS: Record<string, { stack: "tokyo" | "dr"; over: Record<string, unknown> }> = {
  tokyo: { stack: "tokyo", over: {} },
  dr: { stack: "dr", over: {} },
  "tokyo-wired": {
    stack: "tokyo",
    over: {
      trafficDistributionGroupArn:
        "arn:aws:connect:ap-northeast-1:123456789012:traffic-distribution-group/99359a0c",
      chat: { dr: DR_CHAT },
      auth: {
        stepUpOriginationArn:
          "arn:aws:sms-voice:ap-northeast-1:123456789012:phone-number/phone-0123456789abcdef",
      },
    },
  },
  "tokyo-minimal": {
    stack: "tokyo",
    over: {
      outbound: { enabled: false },
      configBackup: { enabled: false },
      monitoring: { enabled: false },
    },
  },
  "dr-failed-over": { stack: "dr", over: { failover: { activeRegion: "dr", drPercent: 100 } } },
  "dr-standalone": { stack: "dr", over: STANDALONE_DR },
};

/** The variant's stack file: the stack's own with the overrides merged in. */
function variantFile(name: string, dir: string): string {
  const v = VARIANTS[name];
  const doc = parseYaml(
    fs.readFileSync(path.join(PROJECT_ROOT, `Pulumi.${v.stack}.yaml`), "utf8"),
  ) as { config: Record<string, unknown> };
  for (const [k, value] of Object.entries(v.over)) doc.config[`customerchannel:${k}`] = value;
  const file = path.join(dir, `Pulumi.${name}.yaml`);
  fs.writeFileSync(file, toYaml(doc));
  return file;
}

/** The files a snapshot has, by name. */
export async function snapshot(names = Object.keys(VARIANTS)): Promise<Record<string, string>> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "plan-snapshot-"));
  const out: Record<string, string> = {};
  try {
    for (const name of names) {
      const stack = VARIANTS[name].stack;
      const stackFile = name === stack ? undefined : variantFile(name, tmp);
      const plan = await buildPlan({ stack, stackFile });
      if (!plan.ok) throw new Error(`${name}: ${plan.error}`);
      out[`${name}.plan.json`] = `${JSON.stringify(plan.plan, null, 2)}\n`;
      // The same program run: its resources' full inputs, by URN (the order in which resources
      // register follows async timing, not anything pulumi up does).
      const inputs = plan.resources
        .map((r) => ({ urn: r.urn, inputs: r.inputs }))
        .sort((a, b) => (a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0));
      out[`${name}.inputs.json`] = `${JSON.stringify(inputs, null, 1)}\n`;
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return out;
}

async function main(argv: string[]): Promise<number> {
  const program = new Command()
    .name("npm run plan:snapshot --")
    .option("--out <dir>", "write the snapshot files into <dir>")
    .option("--check <dir>", "compare the current tree with a snapshot written by --out");
  const stop = parseArgs(program, argv);
  if (stop !== undefined) return stop;
  const o = program.opts<{ out?: string; check?: string }>();
  if (!o.out === !o.check) {
    process.stderr.write("give one of --out <dir> or --check <dir>\n");
    return 2;
  }
  const files = await snapshot();
  if (o.out) {
    fs.mkdirSync(o.out, { recursive: true });
    for (const [f, text] of Object.entries(files)) fs.writeFileSync(path.join(o.out, f), text);
    process.stdout.write(`${Object.keys(files).length} files written to ${o.out}\n`);
    return 0;
  }
  const differ = Object.entries(files).filter(([f, text]) => {
    const p = path.join(o.check!, f);
    return !fs.existsSync(p) || fs.readFileSync(p, "utf8") !== text;
  });
  for (const [f] of differ) process.stdout.write(`differs: ${f}\n`);
  process.stdout.write(
    `${Object.keys(files).length - differ.length} of ${Object.keys(files).length} files identical\n`,
  );
  return differ.length ? 1 : 0;
}

if (require.main === module) runMain(main);
