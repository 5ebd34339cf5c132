/**
 * The deploy sequence's wiring step, as a dry run with the offline tools (issue 21): tokyo up →
 * dr up → `npm run dr:wire` prints the config lines from dr's outputs → tokyo up again. The lines
 * are applied to tokyo's config, and the second tokyo plan must accept them and move the numbers
 * into dr's traffic distribution group and the chat into failover.
 */
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PROJECT_ROOT } from "../../config";
import { drWiringCommands } from "../../lib/drWiring";
import { runStack } from "../support/harness";

/** `pulumi config set [--path] 'key' 'value'` lines → the override object runStack takes. */
function overridesOf(lines: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const line of lines) {
    const m =
      /^pulumi config set (--path )?'customerchannel:([^']+)' '([^']*)' --stack tokyo$/.exec(line);
    if (!m) throw new Error(`not a config line: ${line}`);
    const keys = m[2].split(".");
    let at = out;
    for (const k of keys.slice(0, -1)) at = (at[k] ??= {}) as Record<string, unknown>;
    at[keys.at(-1)!] = m[3];
  }
  return out;
}

describe("deploy sequence: wiring tokyo to dr (npm run dr:wire)", function () {
  this.timeout(60_000);

  it("prints the config lines from dr's outputs, and the second tokyo plan takes them", async () => {
    const dr = await runStack("dr");
    const lines = drWiringCommands(dr.run.outputs);
    expect(lines.map((l) => /^pulumi config set (--path )?'[^']+'/.exec(l)?.[0])).to.deep.equal([
      "pulumi config set 'customerchannel:trafficDistributionGroupArn'",
      "pulumi config set --path 'customerchannel:chat.dr.endpoint'",
      "pulumi config set --path 'customerchannel:chat.dr.targetParameterArn'",
      "pulumi config set --path 'customerchannel:chat.dr.instanceArn'",
      "pulumi config set --path 'customerchannel:chat.dr.portalBucketDomain'",
    ]);
    const tokyo = await runStack("tokyo", overridesOf(lines));
    expect(tokyo.run.outputs.phoneNumbersTarget).to.not.equal("instance");
    expect(tokyo.run.outputs.chatFollowsFailover).to.equal(true);
    expect(tokyo.run.outputs.chatPortalFailover).to.equal(true);
  });

  it("the CLI reads a saved outputs file, and says what to do when dr has not run", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "wire-"));
    const cli = () =>
      spawnSync(process.execPath, ["--import", "tsx", "scripts/dr-wire.ts", "--outputs-dir", dir], {
        cwd: PROJECT_ROOT,
        encoding: "utf8",
      });
    fs.writeFileSync(path.join(dir, "dr.json"), JSON.stringify({ role: "dr" }));
    const none = cli();
    expect(none.status).to.equal(2);
    expect(none.stderr).to.include("run pulumi up --stack dr first");
    fs.writeFileSync(
      path.join(dir, "dr.json"),
      JSON.stringify({
        trafficDistributionGroupArn:
          "arn:aws:connect:ap-northeast-1:1:traffic-distribution-group/x",
      }),
    );
    const ok = cli();
    expect(ok.status, ok.stderr).to.equal(0);
    expect(ok.stdout).to.equal(
      "pulumi config set 'customerchannel:trafficDistributionGroupArn' 'arn:aws:connect:ap-northeast-1:1:traffic-distribution-group/x' --stack tokyo\n",
    );
  });
});
