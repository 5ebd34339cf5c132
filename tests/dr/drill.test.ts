/**
 * The DR drill (lib/drill.ts) against the fake Connect seeded from both stacks' offline outputs:
 * happy paths in both modes, dry run, refused preflight, confirmation, partial failure and
 * resume, throttling, the report, and the CLI.
 */
import { expect } from "chai";
import { ConnectClient } from "@aws-sdk/client-connect";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { mockClient } from "aws-sdk-client-mock";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { rateGate, type Pace } from "../../components/shared/drConnect";
import { SSMClient } from "@aws-sdk/client-ssm";
import { runDrill, type DrillReport, type DrillRequest, type Outputs } from "../../lib/drill";
import { renderMarkdown, uploadReport, writeReport } from "../../lib/drillReport";
import { PROJECT_ROOT } from "../../config";
import { runStack } from "../support/harness";
import { FakeConnectDr } from "../support/fakeConnectDr";

const client = (region: string) =>
  new ConnectClient({ region, credentials: { accessKeyId: "x", secretAccessKey: "x" } });
const ssm = (region: string) =>
  new SSMClient({ region, credentials: { accessKeyId: "x", secretAccessKey: "x" } });
const paceOf = (fake: FakeConnectDr, gate = true): Pace => {
  const p = { sleep: fake.sleep, now: fake.now, timeoutMs: 600_000, pollMs: 500, maxAttempts: 8 };
  return gate ? { ...p, gate: rateGate(p) } : p;
};
const STANDALONE = {
  drMode: "standalone",
  region: "ap-southeast-1",
  drRegion: "ap-southeast-1",
  identityType: "CONNECT_MANAGED",
};
const tenNumbers = Object.fromEntries(
  Array.from({ length: 10 }, (_, i) => [
    `n${i}`,
    { description: `number ${i}`, countryCode: "JP", type: "DID" },
  ]),
);

describe("DR drill", () => {
  let tokyo: Outputs;
  let replica: Outputs;
  let standalone: Outputs;
  before(async () => {
    [tokyo, replica, standalone] = (
      await Promise.all([
        runStack("tokyo"),
        runStack("dr"),
        runStack("dr", { ...STANDALONE, phoneNumbers: tenNumbers, phoneNumberQuota: 10 }),
      ])
    ).map((r) => r.run.outputs);
  });

  let fake: FakeConnectDr;
  afterEach(() => fake?.restore());

  const drill = (
    dr: Outputs,
    over: Partial<DrillRequest> = {},
    deps: { confirm?: (question: string) => Promise<boolean>; pace?: Pace } = {},
  ) => {
    const lines: string[] = [];
    const run = runDrill(
      {
        from: "tokyo",
        to: "dr",
        primary: tokyo,
        dr,
        percent: 100,
        failback: false,
        dryRun: false,
        yes: true,
        environment: "test: fake Connect",
        ...over,
      },
      {
        client,
        ssm,
        pace: deps.pace ?? paceOf(fake),
        confirm: deps.confirm ?? (() => Promise.resolve(true)),
        log: (l) => lines.push(l),
      },
    );
    return run.then((report) => ({ report, lines }));
  };
  const kinds = (r: DrillReport) => r.steps.map((s) => `${s.kind}:${s.ok ? "ok" : "failed"}`);

  describe("replica mode (Global Resiliency)", () => {
    beforeEach(() => {
      fake = FakeConnectDr.fromOutputs(tokyo, replica);
    });

    it("flips telephony, agents and sign-in to Osaka, verifies, fails back, and times it", async () => {
      const { report, lines } = await drill(replica, { failback: true });
      expect(report.result).to.equal("passed");
      expect(kinds(report)).to.deep.equal([
        ...Array<string>(7).fill("preflight:ok"),
        "plan:ok",
        "flip:ok",
        "verify:ok",
        "failback:ok",
        "failback-verify:ok",
      ]);
      // One update there, one back, both through Osaka's endpoint (the chat target too).
      expect(fake.mutatingCalls()).to.deep.equal([
        "UpdateTrafficDistribution",
        "UpdateTrafficDistribution",
      ]);
      expect(new Set(fake.calls.map((c) => c.region))).to.deep.equal(new Set(["ap-northeast-3"]));
      // The fake keeps the group UPDATE_IN_PROGRESS for 2 reads at 0.5 s polls.
      expect(report.rtoSeconds).to.be.greaterThan(0);
      expect(report.failbackSeconds).to.be.greaterThan(0);
      expect(fake.groups[0].telephony).to.deep.equal([
        { Region: "ap-northeast-1", Percentage: 100 },
        { Region: "ap-northeast-3", Percentage: 0 },
      ]);
      const flip = report.steps.find((s) => s.kind === "flip");
      expect(flip?.calls.map((c) => c.command)).to.deep.equal([
        "DescribeTrafficDistributionGroup",
        "GetTrafficDistribution",
        "UpdateTrafficDistribution",
        "GetParameter",
        "PutParameter",
      ]);
      expect(flip?.calls.every((c) => /^req-\d+$/.test(c.requestId))).to.equal(true);
      expect(report.apiCalls).to.deep.equal({
        total: fake.calls.length,
        // Two traffic updates and two chat target writes.
        mutating: 4,
        throttled: 0,
      });
      // Back where the stack declares it: nothing left to record.
      expect(report.actions).to.deep.equal([]);
      // A rehearsal's times are virtual, and the line says so.
      expect(lines.at(-1)).to.match(
        /^✔ drill passed; time to flip \(RTO, virtual clock\) \d+\.\d s; failback/,
      );
    });

    it("a real failover (no failback) says how to record it in the stack and where agents sign in", async () => {
      const { report } = await drill(replica);
      expect(report.result).to.equal("passed");
      expect(report.actions).to.deep.equal([
        "The dr stack declares 0% in ap-northeast-3; the traffic is now at 100%. Record it before the next pulumi up, or that up moves it back: pulumi config set --path 'customerchannel:failover.activeRegion' dr --stack dr",
        "Agents sign in at https://example-bank-cc-dr.my.connect.aws/ (global sign-in endpoint).",
      ]);
      // Running it again is a no-op: the flip reads the state and sends nothing.
      const again = await drill(replica);
      expect(again.report.result).to.equal("passed");
      expect(again.report.steps.find((s) => s.kind === "flip")?.detail).to.equal(
        "already at 100%: nothing to send; chat target already ap-northeast-3",
      );
      expect(fake.mutatingCalls()).to.deep.equal(["UpdateTrafficDistribution"]);
    });

    it("dry run: preflight and plan only, no mutating call", async () => {
      const { report } = await drill(replica, { dryRun: true, yes: false });
      expect(report.result).to.equal("dry-run");
      expect(kinds(report)).to.deep.equal([...Array<string>(7).fill("preflight:ok"), "plan:ok"]);
      // The replica region (Osaka) has no Lex V2: the preflight says callers will use the keypad.
      expect(report.steps.map((s) => s.detail)).to.include(
        "caller-auth function associated in ap-northeast-3; no Lex V2 there: DR voice callers authenticate by keypad, chats reach agents unverified",
      );
      expect(report.steps.at(-1)?.detail).to.equal(
        'UpdateTrafficDistribution 99359a0c: telephony 0% → 100%, agents 0% → 100% in ap-northeast-3; sign-in {"ap-northeast-1":false,"ap-northeast-3":true}; PutParameter /customerchannel/dr/chat-target: chats ap-northeast-1 → ap-northeast-3',
      );
      expect(fake.mutatingCalls()).to.deep.equal([]);
      expect(report.rtoSeconds).to.equal(undefined);
    });

    it("refuses to flip when preflight fails, listing every failed check", async () => {
      // Tokyo never moved its number into the group, and no agent is associated with it.
      fake.numbers[0].targetArn = String(tokyo.instanceArn);
      fake.groupUsers.clear();
      const { report } = await drill(replica);
      expect(report.result).to.equal("failed");
      expect(kinds(report)).to.deep.equal([
        "preflight:ok",
        "preflight:ok",
        "preflight:failed",
        "preflight:ok",
        "preflight:ok",
        "preflight:failed",
        // The chat target is readable.
        "preflight:ok",
      ]);
      // From Osaka a number outside the group is not even visible (Connect answers not found).
      expect(report.steps[2].detail).to.equal(
        `main ${(tokyo.phoneNumbers as { address: string }[])[0].address} is not visible from ap-northeast-3: not claimed to the traffic distribution group`,
      );
      expect(report.steps[5].detail).to.include("no agents are associated");
      expect(report.error).to.equal("preflight failed (2 of 7 checks): nothing was changed");
      expect(fake.mutatingCalls()).to.deep.equal([]);
    });

    it("asks before changing anything; a wrong answer aborts with nothing changed", async () => {
      const asked: string[] = [];
      const { report } = await drill(
        replica,
        { yes: false },
        {
          confirm: (question) => {
            asked.push(question);
            return Promise.resolve(false);
          },
        },
      );
      expect(asked).to.have.length(1);
      // A rehearsal never claims to act for real (issue 21); a real drill does.
      expect(asked[0]).to.include("in the rehearsal (in-memory Connect: nothing in AWS changes)");
      expect(asked[0]).to.not.include("for real");
      const real: string[] = [];
      await drill(
        replica,
        { yes: false, environment: "AWS" },
        { confirm: (q) => (real.push(q), Promise.resolve(false)) },
      );
      expect(real[0]).to.include(", for real. Type the dr stack name (dr) to go on: ");
      expect(report.result).to.equal("aborted");
      expect(report.error).to.equal("not confirmed: nothing was changed");
      expect(fake.mutatingCalls()).to.deep.equal([]);
    });

    it("resumes a drill that stopped mid-update: waits for the group, then sends nothing twice", async () => {
      // The first run gives up while Connect is still applying its update.
      fake = (fake.restore(), FakeConnectDr.fromOutputs(tokyo, replica, { updateReads: 40 }));
      const first = await drill(replica, {}, { pace: { ...paceOf(fake), timeoutMs: 5_000 } });
      expect(first.report.result).to.equal("failed");
      expect(first.report.steps.at(-1)?.kind).to.equal("verify");
      expect(first.report.actions).to.deep.equal([
        "The flip did not finish: run the same command again; it reads the current state and completes what is left.",
      ]);
      const second = await drill(replica);
      expect(second.report.result).to.equal("passed");
      expect(second.report.steps.find((s) => s.kind === "flip")?.detail).to.equal(
        "already at 100%: nothing to send; chat target already ap-northeast-3",
      );
      expect(fake.mutatingCalls()).to.deep.equal(["UpdateTrafficDistribution"]);
    });
  });

  describe("chat follows the failover", () => {
    const target = () => {
      const [k, v] = [...fake.parameters.entries()][0];
      return { where: k, keyId: v.keyId, ...(JSON.parse(v.value) as Record<string, string>) };
    };
    beforeEach(() => {
      fake = FakeConnectDr.fromOutputs(tokyo, replica);
    });

    it("a full failover points the chat target at Osaka under the stack's key; failback points it back", async () => {
      expect(target()).to.deep.include({ region: "ap-northeast-1" });
      const { report } = await drill(replica);
      expect(report.result).to.equal("passed");
      expect(target()).to.deep.equal({
        where: `ap-northeast-3|${String(replica.chatTargetParameter)}`,
        // Not SSM's default key: the parameter stays under the dr stack's CMK.
        keyId: replica.chatTargetKeyArn,
        region: "ap-northeast-3",
        instanceId: replica.instanceId,
        contactFlowId: tokyo.chatContactFlowId,
      });
      expect(report.steps.find((s) => s.kind === "verify")?.detail).to.match(
        /; chat target ap-northeast-3$/,
      );
      const back = await drill(replica, { percent: 0 });
      expect(back.report.result).to.equal("passed");
      expect(target()).to.deep.include({
        region: "ap-northeast-1",
        instanceId: tokyo.instanceId,
        contactFlowId: tokyo.chatContactFlowId,
      });
    });

    it("a partial split leaves chat where it is; a re-run writes nothing twice", async () => {
      const { report } = await drill(replica, { percent: 30 });
      expect(report.result).to.equal("passed");
      expect(target()).to.deep.include({ region: "ap-northeast-1" });
      expect(fake.calls.filter((c) => c.command === "PutParameter")).to.have.length(0);
      await drill(replica);
      await drill(replica);
      expect(fake.calls.filter((c) => c.command === "PutParameter")).to.have.length(1);
    });

    it("an unreadable chat target fails preflight and nothing moves", async () => {
      fake.parameters.clear();
      const { report } = await drill(replica);
      expect(report.result).to.equal("failed");
      const chat = report.steps.find((s) => s.name === "chat target parameter readable");
      expect(chat?.ok).to.equal(false);
      expect(chat?.detail).to.match(/not found in ap-northeast-3/);
      expect(fake.mutatingCalls()).to.deep.equal([]);
    });
  });

  describe("standalone mode", () => {
    beforeEach(() => {
      fake = FakeConnectDr.fromOutputs(tokyo, standalone);
    });
    const liveFlow = () => String((standalone.flowArns as Record<string, string>)["inbound-main"]);
    // What Connect has accepted (a new association shows in ListFlowAssociations a read later).
    const onLive = () =>
      fake.numbers.filter(
        (n) => (n.pendingFlow?.flowId ?? n.flowId) === liveFlow().split("/").pop(),
      ).length;

    it("moves the DR numbers to their live flows and back, and names the carrier action", async () => {
      const { report } = await drill(standalone);
      expect(report.result).to.equal("passed");
      expect(onLive()).to.equal(10);
      expect(fake.mutatingCalls()).to.deep.equal(
        Array<string>(10).fill("AssociatePhoneNumberContactFlow"),
      );
      expect(report.actions[1]).to.match(
        /^Carrier: forward the primary's numbers \(\+8150\d{8}\) to the DR numbers \((\+8150\d{8}, ){9}\+8150\d{8}\), or publish the DR numbers\.$/,
      );
      const back = await drill(standalone, { percent: 0 });
      expect(back.report.result).to.equal("passed");
      expect(onLive()).to.equal(0);
      expect(back.report.actions).to.deep.equal([
        `Carrier: end any forwarding of ${(tokyo.phoneNumbers as { address: string }[])[0].address} to the DR numbers.`,
      ]);
    });

    it("a failure half-way is finished by running again, without repeating what was done", async () => {
      fake.failNth(
        "AssociatePhoneNumberContactFlow",
        5,
        Object.assign(new Error("Internal failure"), { name: "InternalServiceException" }),
      );
      const first = await drill(standalone);
      expect(first.report.result).to.equal("failed");
      expect(first.report.error).to.equal(
        'flip "the 10 DR number(s) to their live flows; chats to ap-southeast-1" failed: Internal failure',
      );
      expect(onLive()).to.equal(4);
      const second = await drill(standalone);
      expect(second.report.result).to.equal("passed");
      expect(onLive()).to.equal(10);
      // 4 + 1 refused in the first run, only the remaining 6 in the second (and the chat target,
      // which the first run never reached).
      expect(second.report.apiCalls.mutating).to.equal(7);
      expect(second.report.steps.find((s) => s.kind === "flip")?.detail).to.equal(
        "6 number(s) re-associated; chat target → ap-southeast-1",
      );
    });

    it("dry run lists each number's move and changes nothing", async () => {
      const { report } = await drill(standalone, { dryRun: true });
      expect(report.steps.at(-1)?.detail).to.match(
        /^AssociatePhoneNumberContactFlow × 10: \+8150\d{8} dr-standby → inbound-main, /,
      );
      expect(fake.mutatingCalls()).to.deep.equal([]);
      expect(onLive()).to.equal(0);
    });

    it("stays inside the 2/s quota: 0 throttled calls with the rate gate, retries without it", async () => {
      const gated = await drill(standalone, { failback: true });
      expect(gated.report.apiCalls.throttled).to.equal(0);
      expect(fake.calls.filter((c) => c.throttled)).to.deep.equal([]);
      fake = (fake.restore(), FakeConnectDr.fromOutputs(tokyo, standalone));
      const ungated = await drill(standalone, { failback: true }, { pace: paceOf(fake, false) });
      expect(ungated.report.result).to.equal("passed");
      expect(ungated.report.apiCalls.throttled).to.be.greaterThan(0);
      expect(ungated.report.apiCalls.throttled).to.equal(
        fake.calls.filter((c) => c.throttled).length,
      );
    });

    it("refuses a partial split: a standalone number rings one flow", async () => {
      const { report } = await drill(standalone, { percent: 30 });
      expect(report.result).to.equal("failed");
      expect(report.error).to.equal(
        "--percent 30: a standalone dr's numbers ring one flow, so only 0 or 100",
      );
      expect(fake.calls).to.deep.equal([]);
    });
  });

  describe("report", () => {
    beforeEach(() => {
      fake = FakeConnectDr.fromOutputs(tokyo, replica);
    });

    it("is written as JSON and Markdown with every step, request id and the RTO", async () => {
      const { report } = await drill(replica, { failback: true });
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "drill-"));
      const files = writeReport(report, dir);
      expect(JSON.parse(fs.readFileSync(files.json, "utf8"))).to.deep.equal(report);
      const md = fs.readFileSync(files.markdown, "utf8");
      expect(md.split("\n")[0]).to.equal("# DR drill tokyo → dr: PASSED");
      expect(md).to.include(
        `| Time to flip (RTO) | ${report.rtoSeconds?.toFixed(1)} s (virtual clock of the rehearsal) |`,
      );
      expect(md).to.include("| Environment | test: fake Connect |");
      for (const s of report.steps)
        expect(md).to.include(`| ${s.kind} | ${s.name} | ${s.startedAt} |`);
      for (const c of report.steps.flatMap((s) => s.calls))
        expect(md).to.include(`${c.command} ${c.requestId}`);
      expect(path.basename(files.json)).to.match(/^drill-tokyo-dr-\d{4}-\d\d-\d\dT[\d-]+Z\.json$/);
    });

    it("goes to the vault encrypted with the vault key", async () => {
      const { report } = await drill(replica, { dryRun: true });
      const s3 = mockClient(S3Client);
      try {
        s3.on(PutObjectCommand).resolves({});
        const urls = await uploadReport(
          new S3Client({ region: "ap-northeast-3" }),
          { bucket: "vault-bucket", keyArn: "arn:aws:kms:ap-northeast-3:123456789012:key/k" },
          report,
        );
        const puts = s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input);
        expect(puts.map((p) => [p.Key, p.ServerSideEncryption, p.SSEKMSKeyId])).to.deep.equal(
          urls.map((u) => [
            u.replace("s3://vault-bucket/", ""),
            "aws:kms",
            "arn:aws:kms:ap-northeast-3:123456789012:key/k",
          ]),
        );
        expect(puts[1].Body).to.equal(renderMarkdown(report));
        expect(urls[0]).to.match(/^s3:\/\/vault-bucket\/drills\/drill-tokyo-dr-.*\.json$/);
      } finally {
        s3.restore();
      }
    });
  });

  describe("CLI", () => {
    const cli = (...args: string[]) =>
      spawnSync(process.execPath, ["--import", "tsx", "scripts/drill.ts", ...args], {
        cwd: PROJECT_ROOT,
        encoding: "utf8",
      });

    it("--fake --dry-run prints the preflight and the plan and writes the report", () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "drill-cli-"));
      const r = cli("--from", "tokyo", "--to", "dr", "--fake", "--dry-run", "--report-dir", dir);
      expect(r.status, r.stderr).to.equal(0);
      expect(r.stdout).to.include("▶ preflight: replica instance ACTIVE");
      expect(r.stdout).to.include("▶ plan: 100% of calls and agents to ap-northeast-3");
      expect(r.stdout).to.match(/· drill dry-run; 10 API calls \(0 mutating, 0 throttled\)/);
      // The silent offline planning says what it is doing first (issue 21).
      expect(r.stdout.split("\n")[0]).to.equal(
        "… running tokyo and dr offline for their outputs (a few seconds)",
      );
      expect(fs.readdirSync(dir).sort()).to.have.length(2);
    });

    it("bad usage exits 2 with the reason", () => {
      const r = cli("--from", "tokyo", "--to", "dr", "--percent", "25");
      expect(r.status).to.equal(2);
      expect(r.stderr).to.include(
        "option '--percent <n>' argument '25' is invalid. use 0-100 in steps of 10",
      );
      const u = cli("--from", "tokyo", "--to", "dr", "--fake", "--upload");
      expect(u.status).to.equal(2);
      expect(u.stderr).to.include("--upload needs the real vault");
    });

    it("without a Pulumi CLI or a saved outputs file it says what to give instead, in one line (exit 2)", () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "drill-outputs-"));
      const r = cli("--from", "tokyo", "--to", "dr", "--dry-run", "--outputs-dir", dir);
      expect(r.status).to.equal(2);
      expect(r.stderr).to.equal(
        `cannot read the stack outputs: ${path.join(dir, "tokyo.json")}: no such file (save it with: pulumi stack output --json --show-secrets --stack tokyo > ${dir}/tokyo.json)\n`,
      );
      // This machine has no Pulumi CLI (as a new user's may not): the message names the ways on.
      const noCli = spawnSync(
        process.execPath,
        ["--import", "tsx", "scripts/drill.ts", "--from", "tokyo", "--to", "dr", "--dry-run"],
        {
          cwd: PROJECT_ROOT,
          encoding: "utf8",
          env: { ...process.env, PATH: path.dirname(process.execPath) },
        },
      );
      expect(noCli.status).to.equal(2);
      expect(noCli.stderr).to.include("the Pulumi CLI is not installed here");
      expect(noCli.stderr).to.include("--outputs-dir");
      expect(noCli.stderr).to.include("--fake");
      expect(noCli.stderr.trim().split("\n")).to.have.length(1);
    });
  });
});
