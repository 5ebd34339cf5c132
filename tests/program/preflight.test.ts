/**
 * `npm run preflight`: the quotas each stack needs, from its plan, compared with the account's
 * answers (Lambda GetAccountSettings, Service Quotas applied then default values), as saved with
 * the AWS CLI or given in memory.
 */
import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  checkQuotas,
  CONNECT_QUOTAS,
  stackNeeds,
  type Quota,
  type QuotaSource,
  type StackNeeds,
} from "../../lib/preflight";
import { preflightMain, savedQuotas } from "../../scripts/preflight";
import { runStack, stackConfig } from "../support/harness";

const source = (over: {
  concurrent?: number;
  unreserved?: number;
  applied?: Quota[];
  defaults?: Quota[];
}): QuotaSource => ({
  lambdaAccountLimit: () =>
    Promise.resolve({
      concurrentExecutions: over.concurrent ?? 1000,
      unreservedConcurrentExecutions: over.unreserved ?? over.concurrent ?? 1000,
    }),
  appliedQuotas: () => Promise.resolve(over.applied ?? []),
  defaultQuotas: () =>
    Promise.resolve(
      over.defaults ?? [
        { QuotaName: CONNECT_QUOTAS.concurrentCalls, Value: 10 },
        { QuotaName: CONNECT_QUOTAS.phoneNumbers, Value: 5 },
      ],
    ),
});

const tokyoNeeds: StackNeeds = {
  region: "ap-northeast-1",
  reservedConcurrency: 147,
  outboundConcurrentCalls: 5,
  dialRatePerSecond: 2,
  phoneNumbers: 1,
  declaredPhoneNumberQuota: 5,
};

describe("preflight: quotas", () => {
  it("reads each stack's needs from its plan: reserved Lambda concurrency, outbound, numbers", async () => {
    const tokyo = stackNeeds(stackConfig("tokyo"), (await runStack("tokyo")).resources);
    const dr = stackNeeds(stackConfig("dr"), (await runStack("dr")).resources);
    // The same figures the plan's warning states (147 tokyo, 98 dr).
    expect(tokyo).to.deep.equal({
      region: "ap-northeast-1",
      reservedConcurrency: 147,
      outboundConcurrentCalls: 10,
      dialRatePerSecond: 2,
      phoneNumbers: 1,
      declaredPhoneNumberQuota: 5,
    });
    expect(dr).to.deep.include({
      region: "ap-northeast-3",
      reservedConcurrency: 98,
      outboundConcurrentCalls: 0,
      phoneNumbers: 0,
    });
  });

  it("passes an account with room, reading AWS defaults where nothing was applied", async () => {
    const checks = await checkQuotas(tokyoNeeds, source({}));
    expect(checks.map((c) => [c.quota, c.verdict, c.need, c.have])).to.deep.equal([
      ["Lambda concurrent executions", "ok", 247, 1000],
      [CONNECT_QUOTAS.concurrentCalls, "ok", 5, 10],
      [CONNECT_QUOTAS.phoneNumbers, "ok", 5, 5],
      ["StartOutboundVoiceContact requests per second", "unknown", 2, undefined],
    ]);
    expect(checks[1].message).to.equal(
      "10 (AWS default): outbound may hold 5 at once, 5 remain for inbound",
    );
  });

  it("fails a new account's low Lambda limit, and an account whose other functions hold the rest", async () => {
    const [low] = await checkQuotas(tokyoNeeds, source({ concurrent: 10 }));
    expect(low.verdict).to.equal("short");
    expect(low.message).to.include("10 is below 247 (147 reserved by the stack + 100 unreserved)");
    const [held] = await checkQuotas(tokyoNeeds, source({ concurrent: 1000, unreserved: 150 }));
    expect(held.verdict).to.equal("short");
    expect(held.message).to.include("only 150 of 1000 are unreserved");
  });

  it("prefers the applied value, and flags outbound that would take every call or a declared number quota AWS did not grant", async () => {
    const checks = await checkQuotas(
      { ...tokyoNeeds, outboundConcurrentCalls: 10, declaredPhoneNumberQuota: 20 },
      source({
        applied: [
          { QuotaName: CONNECT_QUOTAS.concurrentCalls, Value: 10 },
          { QuotaName: "Rate of StartOutboundVoiceContact API requests", Value: 5 },
        ],
      }),
    );
    expect(checks.map((c) => [c.verdict, c.have])).to.deep.equal([
      ["ok", 1000],
      ["short", 10],
      ["short", 5],
      ["ok", 5],
    ]);
    expect(checks[1].message).to.include("leaves no room for inbound calls");
    expect(checks[2].message).to.include("declares phoneNumberQuota 20");
    expect(checks[3].message).to.equal("5/s covers the dialer's 2/s");
  });

  it("npm run preflight reads answers saved with the AWS CLI and exits 1 on a short quota", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "preflight-"));
    const save = (region: string, file: string, body: unknown) => {
      fs.mkdirSync(path.join(dir, region), { recursive: true });
      fs.writeFileSync(path.join(dir, region, file), JSON.stringify(body));
    };
    for (const region of ["ap-northeast-1", "ap-northeast-3"]) {
      save(region, "lambda-account-settings.json", {
        AccountLimit: { ConcurrentExecutions: 1000, UnreservedConcurrentExecutions: 1000 },
      });
      save(region, "connect-quotas.json", { Quotas: [] });
      save(region, "connect-default-quotas.json", {
        Quotas: [
          { QuotaName: CONNECT_QUOTAS.concurrentCalls, Value: 10 },
          { QuotaName: CONNECT_QUOTAS.phoneNumbers, Value: 5 },
        ],
      });
    }
    let out = "";
    let err = "";
    const io = { stdout: (s: string) => void (out += s), stderr: (s: string) => void (err += s) };
    const argv = ["node", "preflight", "--stack", "dr", "--quotas-dir", dir];
    expect(await preflightMain(argv, io), err).to.equal(0);
    expect(out).to.equal(
      [
        "dr ap-northeast-3 OK      Lambda concurrent executions: need 198, 1000 (1000 unreserved) covers the 98 reserved plus 100 Lambda keeps unreserved",
        `dr ap-northeast-3 OK      ${CONNECT_QUOTAS.phoneNumbers}: need 5, 5 (AWS default): the stack claims 0`,
        "",
      ].join("\n"),
    );
    // tokyo: outbound holds all 10 default calls (outbound.maxConcurrentCalls 10).
    out = "";
    expect(
      await preflightMain(["node", "preflight", "--stack", "tokyo", "--quotas-dir", dir], io),
    ).to.equal(1);
    expect(out).to.match(
      /^tokyo ap-northeast-1 SHORT {3}Concurrent active calls per instance: need 10, 10 \(AWS default\) leaves no room/m,
    );
    // Missing answers and unknown stacks are bad usage, said in one line.
    err = "";
    expect(
      await preflightMain(
        ["node", "preflight", "--stack", "tokyo", "--quotas-dir", path.join(dir, "none")],
        io,
      ),
    ).to.equal(2);
    expect(err).to.match(/lambda-account-settings\.json: no such file/);
    err = "";
    expect(await preflightMain(["node", "preflight", "--stack", "osaka"], io)).to.equal(2);
    expect(err).to.equal(
      "unknown stack osaka: there is no Pulumi.osaka.yaml (stacks: tokyo, dr)\n",
    );
    expect(savedQuotas(dir)).to.have.keys(["lambdaAccountLimit", "appliedQuotas", "defaultQuotas"]);
  });

  it("says a credentials failure once, with what to do", async () => {
    let err = "";
    const io = { stdout: () => undefined, stderr: (s: string) => void (err += s) };
    const failing: QuotaSource = {
      lambdaAccountLimit: () =>
        Promise.reject(
          Object.assign(new Error("Could not load credentials from any providers"), {
            name: "CredentialsProviderError",
          }),
        ),
      appliedQuotas: () => Promise.resolve([]),
      defaultQuotas: () => Promise.resolve([]),
    };
    expect(await preflightMain(["node", "preflight", "--stack", "dr"], io, failing)).to.equal(1);
    expect(err.trim().split("\n")).to.have.length(1);
    expect(err).to.include("CredentialsProviderError: Could not load credentials");
    expect(err).to.include("--quotas-dir");
  });
});
