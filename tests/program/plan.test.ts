import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expect } from "chai";
import { PROJECT_ROOT } from "../../config";
import { buildPlan, renderPlan, type Plan } from "../../lib/plan";
import { planMain } from "../../scripts/plan";

/**
 * Runs the plan CLI in this process (scripts/plan.ts's planMain, argv parsing included) and
 * captures what it writes. The process wrapper around it (exit codes, a large stdout through a
 * pipe) is tested once below with a real process.
 */
async function planCli(...args: string[]) {
  let stdout = "";
  let stderr = "";
  const code = await planMain(["node", "plan.ts", ...args], {
    stdout: (s) => (stdout += s),
    stderr: (s) => (stderr += s),
  });
  return { code, stdout, stderr };
}

/** Runs the plan CLI exactly as `npm run plan -- ...` does (minus the dependency check). */
function planProcess(...args: string[]) {
  const r = spawnSync(
    process.execPath,
    ["--import", "tsx", path.join(PROJECT_ROOT, "scripts/plan.ts"), ...args],
    {
      cwd: PROJECT_ROOT,
      encoding: "utf8",
      timeout: 120_000,
    },
  );
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("plan (in-process)", () => {
  let tokyo: Plan;
  before(async () => {
    const r = await buildPlan({ stack: "tokyo" });
    if (!r.ok) throw new Error(r.error);
    tokyo = r.plan;
  });

  it("lists each resource with its type token, component and region", () => {
    const instance = tokyo.resources.find((r) => r.type === "aws:connect/instance:Instance");
    expect(instance).to.deep.include({
      name: "tokyo-instance",
      component: "tokyo",
      componentType: "customerchannel:connect:ContactCenterRegion",
      region: "ap-northeast-1",
      custom: true,
    });
    expect(instance?.security).to.deep.include({
      identityManagementType: "SAML",
      contactFlowLogsEnabled: true,
    });
    const vaultKey = tokyo.resources.find(
      (r) => r.name === "vault-key" && r.type === "aws:kms/key:Key",
    );
    expect(vaultKey).to.deep.include({ component: "vault", region: "ap-northeast-3" });
    expect(vaultKey?.security.rotation).to.equal(true);
  });

  it("shows readable names for keys and Connect ids instead of UUIDs", () => {
    const q = tokyo.resources.find((r) => r.name === "tokyo-queue-dunning");
    expect(q?.security.hoursOfOperationId).to.equal("hoursOfOperation:dunning");
    const lg = tokyo.resources.find((r) => r.name === "tokyo-flow-logs");
    expect(lg?.security).to.deep.equal({
      logGroup: "/aws/connect/example-bank-cc",
      retentionInDays: 3653,
      kmsKey: "key:tokyo-logs-key",
    });
  });

  it("warns that the SAML metadata is the placeholder, JP numbers take weeks, and the numbers are not in the group", () => {
    expect(tokyo.warnings).to.have.length(4);
    expect(tokyo.warnings.join("\n")).to.include("stack tokyo claims Japanese numbers (main)");
    // The stack's reserved Lambda concurrency against the account quota (issue 21).
    expect(tokyo.warnings.join("\n")).to.include(
      "stack tokyo reserves 147 concurrent Lambda executions in ap-northeast-1: the account's quota (Service Quotas → AWS Lambda → Concurrent executions) must be at least 247 there",
    );
    expect(tokyo.warnings.join("\n")).to.include("placeholder SAML metadata");
    // Until tokyo has the replica's group ARN its numbers ring Tokyo only.
    expect(tokyo.warnings.join("\n")).to.include(
      "phone numbers are claimed to the instance and will not fail over",
    );
  });

  it("renders a tree whose lines name components, children and facts", () => {
    const text = renderPlan(tokyo);
    const lines = text.split("\n");
    expect(lines[0]).to.equal(
      "customerchannel · stack tokyo · role primary · region ap-northeast-1 · 434 cloud resources in 36 components (+2 providers/references)",
    );
    expect(lines.slice(1, 7)).to.deep.equal([
      `warning: ${tokyo.warnings[0]}`,
      `warning: ${tokyo.warnings[1]}`,
      `warning: ${tokyo.warnings[2]}`,
      `warning: ${tokyo.warnings[3]}`,
      "",
      "├─ tokyo  customerchannel:connect:ContactCenterRegion",
    ]);
    expect(lines).to.include(
      "│  ├─ tokyo-instance  aws:connect/instance:Instance [ap-northeast-1]",
    );
    expect(lines).to.include("├─ vault  customerchannel:backup:BackupVault");
    expect(lines).to.include("└─ tokyo-aws-native  pulumi:providers:aws-native");
    expect(text).to.include("identityManagementType: SAML");
    expect(text).to.include("deleteMarkerReplication: Disabled");
    // The operations dashboard, with a graph per alarmed metric.
    expect(text).to.include("dashboard: customerchannel-tokyo-ap-northeast-1");
    expect(text).to.include("- ConcurrentCallsPercentage (Connect)");
    expect(text).to.include(
      "  samlRelayState: https://ap-northeast-1.console.aws.amazon.com/connect/federate/",
    );
    expect(lines).to.include(
      "Policy pack customerchannel-fisc: 26 rules over 472 resources: 0 mandatory, 0 advisory violations",
    );
  });

  it("is deterministic: two runs give the same plan", async () => {
    const again = await buildPlan({ stack: "tokyo" });
    expect(again.ok && renderPlan(again.plan)).to.equal(renderPlan(tokyo));
  });
});

describe("plan CLI", () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cc-plan-"));

  it("prints tokyo's tree and exits 0", async () => {
    const r = await planCli("--stack", "tokyo");
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/^customerchannel · stack tokyo · role primary/);
    expect(r.stdout).to.include("aws:connect/instance:Instance");
    expect(r.stdout).to.include("customerchannel:backup:BackupVault");
  });

  it("gives dr as JSON with the primary's outputs read through the StackReference", async () => {
    const r = await planCli("--stack", "dr", "--json");
    expect(r.code, r.stderr).to.equal(0);
    const plan = JSON.parse(r.stdout) as Plan & { ok: boolean };
    expect(plan.ok).to.equal(true);
    expect(plan.stackReferences).to.deep.equal({
      "organization/customerchannel/tokyo": "offline run of Pulumi.tokyo.yaml",
    });
    expect(plan.resources.some((x) => x.type === "pulumi:pulumi:StackReference")).to.equal(true);
    expect(plan.resources.some((x) => x.type === "aws:connect/instance:Instance")).to.equal(false);
    expect(plan.outputs.drMode).to.equal("replica");
  });

  it("plans both stacks in one run, and the whole JSON arrives through a pipe (a real process)", () => {
    const r = planProcess("--stack", "tokyo", "--stack", "dr", "--json");
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout.length).to.be.greaterThan(65536);
    const plans = JSON.parse(r.stdout) as (Plan & { ok: boolean })[];
    expect(plans.map((p) => [p.ok, p.stack, p.role])).to.deep.equal([
      [true, "tokyo", "primary"],
      [true, "dr", "dr"],
    ]);
    const tokyoId = plans[0].outputs.instanceId;
    expect(plans[1].outputs.instanceId).to.equal(tokyoId);
  });

  it("exits 1 naming the key and the fix when the alias is bad", async () => {
    const file = path.join(tmp, "Pulumi.tokyo.yaml");
    const yaml = fs.readFileSync(path.join(PROJECT_ROOT, "Pulumi.tokyo.yaml"), "utf8");
    fs.writeFileSync(
      file,
      yaml.replace("instanceAlias: example-bank-cc", "instanceAlias: example_bank"),
    );
    const r = await planCli("--stack", "tokyo", "--config", file);
    expect(r.code).to.equal(1);
    expect(r.stderr).to.include('customerchannel:instanceAlias: has "example_bank"');
    // The config came from --config, so the fix edits that file, not the stack's own.
    expect(r.stderr).to.include(`Fix: set customerchannel:instanceAlias to <value> in ${file}`);
    expect(r.stdout).to.equal("");
  });

  it("fix hints name the --config file actually read, not Pulumi.<stack>.yaml (issue 21)", async () => {
    const file = path.join(tmp, "Pulumi.try.yaml");
    const yaml = fs.readFileSync(path.join(PROJECT_ROOT, "Pulumi.tokyo.yaml"), "utf8");
    fs.writeFileSync(
      file,
      `${yaml.replace("backupRegion: ap-northeast-3", "backupRegion: ap-northeast-1")}  customerchannel:chat: {waf: {perIpRequestsPer5Minutes: 5}}\n`,
    );
    const r = await planCli("--stack", "tokyo", "--config", file);
    expect(r.code).to.equal(1);
    expect(r.stderr).to.include(`Fix: edit customerchannel:chat in ${file} (or pulumi config set`);
    expect(r.stderr).to.include(
      `Fix: set customerchannel:backupRegion to ap-northeast-3 in ${file}`,
    );
    expect(r.stderr).to.not.include("Pulumi.tokyo.yaml");
  });

  it("exits 1 on a mandatory policy violation, naming the rule and the resource", async () => {
    const file = path.join(tmp, "Pulumi.short-logs.yaml");
    const yaml = fs.readFileSync(path.join(PROJECT_ROOT, "Pulumi.tokyo.yaml"), "utf8");
    fs.writeFileSync(file, `${yaml}  customerchannel:logRetentionDays: 30\n`);
    const r = await planCli("--stack", "tokyo", "--config", file);
    expect(r.code).to.equal(1);
    expect(r.stderr).to.include("18 mandatory policy violation(s) in stack tokyo:");
    expect(r.stderr).to.include(
      "  - log-group-retention-kms: tokyo-flow-logs: retentionInDays must be at least 365 (has 30)",
    );
    expect(r.stdout).to.include(
      "Policy pack customerchannel-fisc: 26 rules over 472 resources: 18 mandatory, 0 advisory violations",
    );
  });

  it("exits 1 with a JSON error under --json", async () => {
    const file = path.join(tmp, "Pulumi.bad.yaml");
    fs.writeFileSync(
      file,
      "config:\n  customerchannel:role: primary\n  customerchannel:instanceAlias: ok\n  customerchannel:logRetentionDays: 2\n",
    );
    const r = await planCli("--stack", "tokyo", "--config", file, "--json");
    expect(r.code).to.equal(1);
    const body = JSON.parse(r.stdout) as { ok: boolean; kind: string; error: string };
    expect(body).to.deep.include({ ok: false, kind: "config" });
    expect(body.error).to.include("customerchannel:logRetentionDays: has 2");
  });

  it("bad usage exits 2 with one line and no stack trace: unknown stack, missing or broken --config", async () => {
    const one = (r: { code: number; stderr: string; stdout: string }) => {
      expect(r.code).to.equal(2);
      expect(r.stderr.trim().split("\n"), r.stderr).to.have.length(1);
      expect(r.stderr).to.not.match(/\n\s+at /);
      expect(r.stdout).to.equal("");
      return r.stderr.trim();
    };
    expect(one(await planCli("--stack", "osaka"))).to.equal(
      "unknown stack osaka: there is no Pulumi.osaka.yaml (stacks: tokyo, dr)",
    );
    expect(one(await planCli("--stack", "tokyo", "--config", "/nonexistent.yaml"))).to.equal(
      "--config /nonexistent.yaml: no such file",
    );
    const broken = path.join(tmp, "Pulumi.broken.yaml");
    fs.writeFileSync(broken, "config:\n  a: [\n");
    expect(one(await planCli("--stack", "tokyo", "--config", broken))).to.match(
      /Pulumi\.broken\.yaml: not valid YAML: /,
    );
    expect(one(await planCli())).to.include("required option '-s, --stack <name>' not specified");
  });

  it("as a process, exits with planMain's code and its message on stderr", () => {
    const missing = planProcess("--stack", "osaka");
    expect(missing.code).to.equal(2);
    expect(missing.stderr).to.include("there is no Pulumi.osaka.yaml");
    expect(missing.stdout).to.equal("");
  });
});

describe("ensure-deps (runs before plan and test)", () => {
  it("finds the installed tree complete and installs nothing", () => {
    // A package whose package.json says "v1.2.3" against lock version 1.2.3 (@pulumi/policy)
    // once made every `npm run plan` reinstall everything (~30 s).
    const r = spawnSync(process.execPath, ["scripts/ensure-deps.mjs"], {
      cwd: PROJECT_ROOT,
      encoding: "utf8",
    });
    expect(r.status).to.equal(0);
    expect(r.stderr).to.equal("");
  });
});
