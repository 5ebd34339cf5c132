/**
 * The DR drill: from both stacks' outputs, check that the DR side can take the calls (preflight),
 * show what would change (plan), then move the traffic (flip), poll until Connect reports every
 * part of it (verify), optionally move it back (failback), and write down what happened with
 * timestamps and API request ids (report). The time from the flip's first call to the verified
 * state is the measured recovery time (RTO).
 *
 * Two modes, from the dr stack's `drMode` output:
 * - replica: UpdateTrafficDistribution on the Global Resiliency group, through the DR region's
 *   endpoint (works while the primary region is down): telephony, agents and sign-in together;
 * - standalone: the DR instance's own numbers move from the standby flow to their live flows
 *   (AssociatePhoneNumberContactFlow), and the carrier forwards the primary's numbers.
 *
 * Every step reads before it writes, so a drill that stopped half-way (a crash, a timeout, a
 * refused call) is finished by running it again; `dryRun` makes no mutating call at all.
 * Clients, clock and confirmation are injected: tests and `--fake` drive a fake Connect.
 *
 * Over 500 lines on purpose: The drill's phases (preflight, plan, flip, verify, failback, report)
 * share one run state; split by phase they would hand it around.
 */
import {
  DescribeInstanceCommand,
  DescribePhoneNumberCommand,
  ListBotsCommand,
  ListContactFlowsCommand,
  ListLambdaFunctionsCommand,
  ListUsersCommand,
  type ConnectClient,
} from "@aws-sdk/client-connect";
import { GetParameterCommand, PutParameterCommand, type SSMClient } from "@aws-sdk/client-ssm";
import { parseTarget, targetText } from "../functions/chat-start/target";
import {
  allPages,
  associateRoutes,
  awaitDistribution,
  awaitRoutes,
  groupActive,
  groupUsers,
  idOf,
  matches,
  numberFlows,
  readDistribution,
  requestDistribution,
  routed,
  signInFor,
  throttled,
  type Distribution,
  type Pace,
  type Route,
} from "../components/shared/drConnect";

export type Outputs = Record<string, unknown>;

export interface DrillRequest {
  /** Stack names, as given on the command line (for the report). */
  readonly from: string;
  readonly to: string;
  readonly primary: Outputs;
  readonly dr: Outputs;
  /** Share of calls the DR region should take: 100 = full failover, 0 = failback. */
  readonly percent: number;
  /** After the verified flip, move everything back to the primary and verify that too. */
  readonly failback: boolean;
  readonly dryRun: boolean;
  /** Skip the confirmation question. */
  readonly yes: boolean;
  /** Where this ran, for the report: "AWS" or a rehearsal's description. */
  readonly environment: string;
}

/** A rehearsal (--fake): any environment but real AWS. Its times are on a virtual clock. */
export const rehearsal = (req: Pick<DrillRequest, "environment">): boolean =>
  req.environment !== "AWS";

export interface DrillDeps {
  readonly client: (region: string) => ConnectClient;
  /** SSM in the DR region: the chat target parameter (when the dr stack has chat). */
  readonly ssm?: (region: string) => SSMClient;
  readonly pace: Pace;
  /** Asked before the first mutating call of a real run; false aborts. */
  readonly confirm: (question: string) => Promise<boolean>;
  /** Progress, one line at a time. */
  readonly log: (line: string) => void;
}

export interface ApiCall {
  readonly command: string;
  readonly region: string;
  readonly requestId: string;
  readonly at: string;
  /** Error name when the call failed (a throttled call that was retried shows here too). */
  readonly error?: string;
}

export interface StepRecord {
  readonly kind: "preflight" | "plan" | "flip" | "verify" | "failback" | "failback-verify";
  readonly name: string;
  readonly startedAt: string;
  readonly endedAt: string;
  readonly ok: boolean;
  readonly detail: string;
  readonly calls: ApiCall[];
}

export interface DrillReport {
  readonly tool: "customerchannel drill";
  readonly from: string;
  readonly to: string;
  readonly mode: string;
  readonly regions: { readonly primary: string; readonly dr: string };
  readonly environment: string;
  readonly targetDrPercent: number;
  readonly dryRun: boolean;
  readonly failback: boolean;
  readonly startedAt: string;
  readonly endedAt: string;
  readonly result: "passed" | "failed" | "dry-run" | "aborted";
  /** Flip's first call to the verified state, seconds. */
  readonly rtoSeconds?: number;
  readonly failbackSeconds?: number;
  readonly steps: StepRecord[];
  readonly apiCalls: { total: number; mutating: number; throttled: number };
  /** What someone still has to do (declared Pulumi state, carrier, agents). */
  readonly actions: string[];
  readonly error?: string;
}

const MUTATING = /^(Update|Associate|Claim|Replicate|Delete|Release|Disassociate|Put)/;
const THROTTLE = new Set(["TooManyRequestsException", "ThrottlingException"]);

const str = (v: unknown): string => (typeof v === "string" ? v : "");
const arr = <T>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : []);
const rec = (v: unknown): Record<string, string> =>
  v && typeof v === "object" ? (v as Record<string, string>) : {};

interface NumberOut {
  name: string;
  address: string;
  arn: string;
  flow: string;
}

/** A step failed: the drill stops and says why. */
class StepFailed extends Error {}

/** Runs one drill and returns its report (it never throws for a Connect-side failure). */
export async function runDrill(req: DrillRequest, deps: DrillDeps): Promise<DrillReport> {
  const { pace, log } = deps;
  const iso = () => new Date(pace.now()).toISOString();
  const mode = str(req.dr.drMode);
  const primaryRegion = str(req.primary.region);
  const drRegion = str(req.dr.region);
  const steps: StepRecord[] = [];
  const allCalls: ApiCall[] = [];
  let current: ApiCall[] = [];
  // Every call of the drill goes through the DR region's endpoint (the primary may be down) and
  // is written down with its request id in the step that made it.
  const recorded = <C>(raw: { send(c: never): Promise<unknown> }): C =>
    ({
      send: async (command: { constructor: { name: string } }) => {
        const name = command.constructor.name.replace(/Command$/, "");
        const at = { command: name, region: drRegion };
        try {
          const r = (await raw.send(command as never)) as { $metadata?: { requestId?: string } };
          const call = { ...at, requestId: r.$metadata?.requestId ?? "", at: iso() };
          current.push(call);
          allCalls.push(call);
          return r;
        } catch (e) {
          const err = e as { name?: string; $metadata?: { requestId?: string } };
          const call = {
            ...at,
            requestId: err.$metadata?.requestId ?? "",
            at: iso(),
            error: err.name ?? "Error",
          };
          current.push(call);
          allCalls.push(call);
          throw e;
        }
      },
    }) as unknown as C;
  const client = recorded<ConnectClient>(deps.client(drRegion));
  const ssm = deps.ssm && recorded<SSMClient>(deps.ssm(drRegion));

  const step = async (
    kind: StepRecord["kind"],
    name: string,
    run: () => Promise<string>,
    { stopOnFailure = true } = {},
  ): Promise<boolean> => {
    const startedAt = iso();
    current = [];
    log(`▶ ${kind}: ${name}`);
    let ok = true;
    let detail: string;
    try {
      detail = await run();
    } catch (e) {
      ok = false;
      detail = e instanceof Error ? e.message : String(e);
    }
    const ids = current.filter((c) => c.requestId).map((c) => c.requestId);
    steps.push({ kind, name, startedAt, endedAt: iso(), ok, detail, calls: current });
    log(
      `  ${ok ? "✔" : "✘"} ${detail}${ids.length ? ` (${current.length} call${current.length === 1 ? "" : "s"}, request ids ${ids.slice(0, 3).join(", ")}${ids.length > 3 ? ", …" : ""})` : ""}`,
    );
    if (!ok && stopOnFailure) throw new StepFailed(`${kind} "${name}" failed: ${detail}`);
    return ok;
  };

  const startedAt = iso();
  const t = { flip: 0, verified: 0, back: 0, backVerified: 0 };
  const actions: string[] = [];
  let result: DrillReport["result"] = "passed";
  let error: string | undefined;

  try {
    if (mode !== "replica" && mode !== "standalone")
      throw new StepFailed(
        `the ${req.to} stack's output drMode is ${JSON.stringify(req.dr.drMode)}: is it the dr stack?`,
      );
    if (mode === "standalone" && req.percent % 100 !== 0)
      throw new StepFailed(
        `--percent ${req.percent}: a standalone dr's numbers ring one flow, so only 0 or 100`,
      );
    const modePlan = mode === "replica" ? replicaPlan(req) : standalonePlan(req);
    const p = req.dr.chatTargetParameter ? withChat(modePlan, req, ssm) : modePlan;

    // Preflight: every check runs, so the report lists all that is wrong at once.
    const checks = p.preflight(client, pace);
    const results = [];
    for (const [name, check] of checks)
      results.push(await step("preflight", name, check, { stopOnFailure: false }));
    if (results.some((ok) => !ok)) {
      throw new StepFailed(
        `preflight failed (${results.filter((ok) => !ok).length} of ${results.length} checks): nothing was changed`,
      );
    }

    let todo = "";
    await step("plan", p.describe(req.percent), async () => {
      todo = await p.plan(client, pace, req.percent);
      return todo;
    });
    if (req.dryRun) {
      result = "dry-run";
    } else {
      if (
        !req.yes &&
        !(await deps.confirm(
          `${p.describe(req.percent)} in ${mode} mode, ${rehearsal(req) ? "in the rehearsal (in-memory Connect: nothing in AWS changes)" : "for real"}. Type the dr stack name (${req.to}) to go on: `,
        ))
      ) {
        result = "aborted";
        throw new StepFailed("not confirmed: nothing was changed");
      }
      t.flip = pace.now();
      await step("flip", p.describe(req.percent), () => p.flip(client, pace, req.percent));
      await step("verify", `Connect reports ${p.describe(req.percent)}`, () =>
        p.verify(client, pace, req.percent),
      );
      t.verified = pace.now();
      if (req.failback) {
        t.back = pace.now();
        await step("failback", p.describe(0), () => p.flip(client, pace, 0));
        await step("failback-verify", `Connect reports ${p.describe(0)}`, () =>
          p.verify(client, pace, 0),
        );
        t.backVerified = pace.now();
      }
    }
    actions.push(...p.actions(req.dryRun ? undefined : req.failback ? 0 : req.percent));
  } catch (e) {
    if (result !== "aborted") result = "failed";
    error = e instanceof Error ? e.message : String(e);
    log(`✘ ${error}`);
    if (result === "failed" && t.flip)
      actions.push(
        "The flip did not finish: run the same command again; it reads the current state and completes what is left.",
      );
  }
  const report: DrillReport = {
    tool: "customerchannel drill",
    from: req.from,
    to: req.to,
    mode,
    regions: { primary: primaryRegion, dr: drRegion },
    environment: req.environment,
    targetDrPercent: req.percent,
    dryRun: req.dryRun,
    failback: req.failback,
    startedAt,
    endedAt: iso(),
    result,
    ...(t.verified ? { rtoSeconds: (t.verified - t.flip) / 1000 } : {}),
    ...(t.backVerified ? { failbackSeconds: (t.backVerified - t.back) / 1000 } : {}),
    steps,
    apiCalls: {
      total: allCalls.length,
      mutating: allCalls.filter((c) => MUTATING.test(c.command) && !c.error).length,
      throttled: allCalls.filter((c) => c.error && THROTTLE.has(c.error)).length,
    },
    actions,
    ...(error ? { error } : {}),
  };
  log(
    `${result === "passed" ? "✔" : result === "dry-run" ? "·" : "✘"} drill ${result}${report.rtoSeconds !== undefined ? `; time to flip (RTO${rehearsal(req) ? ", virtual clock" : ""}) ${report.rtoSeconds.toFixed(1)} s` : ""}${report.failbackSeconds !== undefined ? `; failback ${report.failbackSeconds.toFixed(1)} s` : ""}; ${report.apiCalls.total} API calls (${report.apiCalls.mutating} mutating, ${report.apiCalls.throttled} throttled)`,
  );
  for (const a of actions) log(`→ ${a}`);
  return report;
}

type Check = readonly [string, () => Promise<string>];

interface ModePlan {
  describe(percent: number): string;
  preflight(client: ConnectClient, pace: Pace): Check[];
  /** What the flip would change, read from Connect (no writes). */
  plan(client: ConnectClient, pace: Pace, percent: number): Promise<string>;
  flip(client: ConnectClient, pace: Pace, percent: number): Promise<string>;
  verify(client: ConnectClient, pace: Pace, percent: number): Promise<string>;
  /** What is left to do once the traffic is at `final` (undefined: nothing moved). */
  actions(final: number | undefined): string[];
}

/** Fails with `why` unless `ok`; returns `detail`. */
const expectThat = (ok: boolean, detail: string, why: string): string => {
  if (!ok) throw new Error(why);
  return detail;
};

async function instanceActive(client: ConnectClient, pace: Pace, arn: string, what: string) {
  const d = await throttled(pace, () =>
    client.send(new DescribeInstanceCommand({ InstanceId: arn })),
  );
  const status = d.Instance?.InstanceStatus ?? "UNKNOWN";
  return expectThat(status === "ACTIVE", `${what} ${idOf(arn)} is ACTIVE`, `${what} is ${status}`);
}

/** Every number CLAIMED and claimed to `target` (read from the DR region, by ARN). */
async function numbersClaimed(
  client: ConnectClient,
  pace: Pace,
  numbers: NumberOut[],
  target: string,
  where: string,
  region: string,
) {
  if (!numbers.length)
    throw new Error("no phone numbers in the stack outputs: nothing to fail over");
  const wrong: string[] = [];
  for (const n of numbers) {
    let d;
    try {
      d = await throttled(pace, () =>
        client.send(new DescribePhoneNumberCommand({ PhoneNumberId: n.arn })),
      );
    } catch (e) {
      if ((e as { name?: string }).name !== "ResourceNotFoundException") throw e;
      // From the DR region Connect sees only numbers of this instance or of its group.
      wrong.push(`${n.name} ${n.address} is not visible from ${region}: not claimed to ${where}`);
      continue;
    }
    const s = d.ClaimedPhoneNumberSummary;
    const status = s?.PhoneNumberStatus?.Status ?? "UNKNOWN";
    if (status !== "CLAIMED") wrong.push(`${n.name} ${n.address} is ${status}`);
    else if (s?.TargetArn !== target)
      wrong.push(`${n.name} ${n.address} is claimed to ${s?.TargetArn ?? "nothing"}, not ${where}`);
  }
  return expectThat(
    wrong.length === 0,
    `${numbers.length} number${numbers.length === 1 ? "" : "s"} CLAIMED to ${where}`,
    wrong.join("; "),
  );
}

/** Every flow (by id) present in the DR instance and published. */
async function flowsPublished(
  client: ConnectClient,
  pace: Pace,
  instanceArn: string,
  flows: Record<string, string>,
) {
  const summaries = await allPages(
    pace,
    (token) =>
      client.send(
        new ListContactFlowsCommand({
          InstanceId: instanceArn,
          MaxResults: 1000,
          NextToken: token,
        }),
      ),
    (page) => page.ContactFlowSummaryList,
  );
  const seen = new Map(
    summaries.map((f) => [
      f.Id ?? "",
      `${f.ContactFlowStatus ?? "?"}/${f.ContactFlowState ?? "?"}`,
    ]),
  );
  const names = Object.keys(flows);
  if (!names.length) throw new Error("no flows in the stack outputs (flowArns)");
  const bad = names.filter((n) => seen.get(idOf(flows[n])) !== "PUBLISHED/ACTIVE");
  return expectThat(
    bad.length === 0,
    `${names.length} flows published in ${idOf(instanceArn)}`,
    `not published in the DR instance: ${bad.map((n) => `${n} (${seen.get(idOf(flows[n])) ?? "missing"})`).join(", ")}`,
  );
}

/** The caller-authentication function and bot of the DR stack, associated with the instance. */
async function integrationsPresent(
  client: ConnectClient,
  pace: Pace,
  instanceArn: string,
  dr: Outputs,
) {
  const fn = str(dr.callerAuthFunctionArn);
  const bot = str(dr.callerAuthBotAliasArn);
  const lambdas = await allPages(
    pace,
    (token) =>
      client.send(new ListLambdaFunctionsCommand({ InstanceId: instanceArn, NextToken: token })),
    (page) => page.LambdaFunctions,
  );
  const bots = (
    await allPages(
      pace,
      (token) =>
        client.send(
          new ListBotsCommand({ InstanceId: instanceArn, LexVersion: "V2", NextToken: token }),
        ),
      (page) => page.LexBots,
    )
  ).map((b) => b.LexV2Bot?.AliasArn ?? "");
  const missing = [
    ...(fn && lambdas.includes(fn)
      ? []
      : [`function ${fn || "(no callerAuthFunctionArn output)"}`]),
    // An empty alias output means the DR region has no Lex V2 (Osaka): no bot to look for.
    ...(bot === "" || bots.includes(bot) ? [] : [`Lex bot alias ${bot}`]),
  ];
  const path =
    bot === ""
      ? `caller-auth function associated in ${drRegionOf(instanceArn)}; no Lex V2 there: DR voice callers authenticate by keypad, chats reach agents unverified`
      : `caller-auth function and Lex bot associated in ${drRegionOf(instanceArn)}: DR callers authenticate through the bot`;
  return expectThat(
    missing.length === 0,
    path,
    `not associated with the DR instance: ${missing.join(", ")}`,
  );
}

const drRegionOf = (arn: string) => arn.split(":")[3] ?? "";

function replicaPlan(req: DrillRequest): ModePlan {
  const group = str(req.dr.trafficDistributionGroupArn);
  const instanceArn = str(req.dr.instanceArn);
  const primaryRegion = str(req.primary.region);
  const drRegion = str(req.dr.region);
  const numbers = arr<NumberOut>(req.primary.phoneNumbers);
  const dist = (drPercent: number): Distribution => ({ primaryRegion, drRegion, drPercent });
  return {
    describe: (p) =>
      p === 0
        ? `all calls, agents and sign-in back to ${primaryRegion}`
        : `${p}% of calls and agents to ${drRegion}${p === 100 ? ", sign-in there only" : ", sign-in in both"}`,
    preflight: (client, pace) => [
      ["replica instance ACTIVE", () => instanceActive(client, pace, instanceArn, "replica")],
      [
        "traffic distribution group ACTIVE",
        // An update still in progress (a drill that stopped half-way) is waited out, not refused.
        async () => `group ${idOf(group)} is ${await groupActive(client, group, pace)}`,
      ],
      [
        "numbers CLAIMED and in the group",
        () =>
          numbersClaimed(client, pace, numbers, group, "the traffic distribution group", drRegion),
      ],
      // The replica mirrors the primary's flows with the same ids.
      [
        "DR flows published",
        () => flowsPublished(client, pace, instanceArn, rec(req.primary.flowArns)),
      ],
      ["Lex bot and functions in DR", () => integrationsPresent(client, pace, instanceArn, req.dr)],
      [
        "agents associated with the group",
        async () => {
          const users = (await groupUsers(client, group, pace)).length;
          return expectThat(
            users > 0,
            `${users} agent${users === 1 ? "" : "s"} can be moved with the group`,
            "no agents are associated with the traffic distribution group: calls would reach Osaka with nobody to answer (README DR runbook, agents)",
          );
        },
      ],
    ],
    async plan(client, pace, p) {
      const o = await readDistribution(client, group, drRegion, pace);
      if (matches(o, dist(p))) return `already at ${p}% in ${drRegion}: nothing to change`;
      return `UpdateTrafficDistribution ${idOf(group)}: telephony ${o.telephonyDrPercent}% → ${p}%, agents ${o.agentsDrPercent}% → ${p}% in ${drRegion}; sign-in ${JSON.stringify(signInFor(dist(p)))}`;
    },
    async flip(client, pace, p) {
      // A drill that stopped mid-update left the group UPDATE_IN_PROGRESS, and Connect refuses a
      // second update until it settles: wait, then see whether the first one already did it.
      await groupActive(client, group, pace);
      const o = await readDistribution(client, group, drRegion, pace);
      // Re-running a half-done drill: a distribution already asked for is not asked again.
      if (matches(o, dist(p))) return `already at ${p}%: nothing to send`;
      const id = await requestDistribution(client, group, dist(p), pace);
      return `UpdateTrafficDistribution accepted (${id})`;
    },
    async verify(client, pace, p) {
      const o = await awaitDistribution(client, group, dist(p), pace);
      return `group ACTIVE; telephony ${o.telephonyDrPercent}%, agents ${o.agentsDrPercent}% in ${drRegion}; sign-in ${JSON.stringify(o.signIn)}`;
    },
    actions(final) {
      const out: string[] = [];
      const declared = Number(req.dr.failoverDrPercent ?? 0);
      if (final !== undefined && final !== declared)
        out.push(
          `The ${req.to} stack declares ${declared}% in ${drRegion}; the traffic is now at ${final}%. Record it before the next pulumi up, or that up moves it back: ${final === 100 ? `pulumi config set --path 'customerchannel:failover.activeRegion' dr` : `pulumi config set --path 'customerchannel:failover.drPercent' ${final}`} --stack ${req.to}`,
        );
      if (final !== undefined && final > 0 && str(req.dr.failoverSignInUrl))
        out.push(`Agents sign in at ${str(req.dr.failoverSignInUrl)} (global sign-in endpoint).`);
      return out;
    },
  };
}

function standalonePlan(req: DrillRequest): ModePlan {
  const instanceArn = str(req.dr.instanceArn);
  const instanceId = str(req.dr.instanceId) || idOf(instanceArn);
  const flows = rec(req.dr.flowArns);
  const numbers = arr<NumberOut>(req.dr.phoneNumbers);
  const standby = flows["dr-standby-transfer"] ?? flows["dr-standby"] ?? "";
  const routes = (p: number): Route[] =>
    numbers.map((n) => ({ numberArn: n.arn, flowId: p === 100 ? (flows[n.flow] ?? "") : standby }));
  const primaryNumbers = arr<NumberOut>(req.primary.phoneNumbers);
  return {
    describe: (p) =>
      p === 0
        ? `the ${numbers.length} DR number(s) back to the standby flow`
        : `the ${numbers.length} DR number(s) to their live flows`,
    preflight: (client, pace) => [
      ["DR instance ACTIVE", () => instanceActive(client, pace, instanceArn, "DR instance")],
      [
        "numbers CLAIMED to the DR instance",
        () =>
          numbersClaimed(
            client,
            pace,
            numbers,
            instanceArn,
            "the DR instance",
            drRegionOf(instanceArn),
          ),
      ],
      [
        "DR flows published (live and standby)",
        async () => {
          if (!standby) throw new Error("no standby flow in the dr stack's flowArns");
          const missing = numbers.filter((n) => !flows[n.flow]).map((n) => `${n.name} → ${n.flow}`);
          if (missing.length)
            throw new Error(`numbers ring flows the stack lacks: ${missing.join(", ")}`);
          return flowsPublished(client, pace, instanceArn, flows);
        },
      ],
      ["Lex bot and functions in DR", () => integrationsPresent(client, pace, instanceArn, req.dr)],
      [
        "agents in the DR instance",
        async () => {
          const page = await throttled(pace, () =>
            client.send(new ListUsersCommand({ InstanceId: instanceArn, MaxResults: 100 })),
          );
          const users = page.UserSummaryList?.length ?? 0;
          return expectThat(
            users > 0,
            `${users}${page.NextToken ? "+" : ""} user(s) in the DR instance`,
            "the DR instance has no users: create the DR agents (Connect-managed users are allowed in standalone mode)",
          );
        },
      ],
    ],
    async plan(client, pace, p) {
      const now = await numberFlows(client, instanceId, pace);
      const todo = routes(p).filter((r) => !routed(now, [r]));
      if (!todo.length)
        return `every number already rings its ${p === 100 ? "live" : "standby"} flow`;
      const name = (id: string) =>
        Object.entries(flows).find(([, f]) => idOf(f) === idOf(id))?.[0] ?? id;
      return `AssociatePhoneNumberContactFlow × ${todo.length}: ${todo
        .map((r) => {
          const n = numbers.find((x) => x.arn === r.numberArn);
          return `${n?.address ?? r.numberArn} ${name(now.get(idOf(r.numberArn)) ?? "none")} → ${name(r.flowId)}`;
        })
        .join(", ")}`;
    },
    async flip(client, pace, p) {
      const r = await associateRoutes(client, instanceId, routes(p), pace);
      return r.changed.length
        ? `${r.changed.length} number(s) re-associated`
        : "every number already rang its flow: nothing to send";
    },
    async verify(client, pace, p) {
      await awaitRoutes(client, instanceId, routes(p), pace);
      return `ListFlowAssociations reports all ${numbers.length} number(s) on their ${p === 100 ? "live" : "standby"} flows`;
    },
    actions(final) {
      const out: string[] = [];
      const declared = Number(req.dr.failoverDrPercent ?? 0);
      if (final !== undefined && final !== declared)
        out.push(
          `The ${req.to} stack declares ${declared === 100 ? "failed over" : "standby"}; the numbers are now ${final === 100 ? "live" : "on standby"}. Record it before the next pulumi up, or that up moves them back: pulumi config set --path 'customerchannel:failover.activeRegion' ${final === 100 ? "dr" : "primary"} --stack ${req.to}`,
        );
      const list = (ns: NumberOut[]) => ns.map((n) => n.address).join(", ") || "none";
      if (final === 100)
        out.push(
          `Carrier: forward the primary's numbers (${list(primaryNumbers)}) to the DR numbers (${list(numbers)}), or publish the DR numbers.`,
        );
      if (final === 0 && !req.dryRun)
        out.push(`Carrier: end any forwarding of ${list(primaryNumbers)} to the DR numbers.`);
      return out;
    },
  };
}

/**
 * Chat follows the calls: after a full failover (100%) the dr stack's chat target parameter names
 * the DR instance, after a failback (0%) the primary's; a partial split leaves chat where it is
 * (a chat is not split). Both regions' chat backends read the parameter within their cache time
 * (chat.targetTtlSeconds).
 */
function withChat(p: ModePlan, req: DrillRequest, ssm: SSMClient | undefined): ModePlan {
  const name = str(req.dr.chatTargetParameter);
  const primary = {
    region: str(req.primary.region),
    instanceId: str(req.primary.instanceId),
    contactFlowId: str(req.primary.chatContactFlowId),
  };
  const dr = {
    region: str(req.dr.region),
    instanceId: str(req.dr.instanceId),
    contactFlowId: str(req.dr.chatContactFlowId),
  };
  const want = (percent: number) => (percent === 100 ? dr : percent === 0 ? primary : undefined);
  const need = () => {
    if (!ssm) throw new Error(`the drill has no SSM client for the chat target ${name}`);
    return ssm;
  };
  const read = async () => {
    const r = await need().send(new GetParameterCommand({ Name: name, WithDecryption: true }));
    return parseTarget(r.Parameter?.Value ?? "");
  };
  const same = (a: { region: string; instanceId: string; contactFlowId: string }, b: typeof a) =>
    a.region === b.region && a.instanceId === b.instanceId && a.contactFlowId === b.contactFlowId;
  const describe = (percent: number) => {
    const w = want(percent);
    return w ? `chats to ${w.region}` : "chats stay where they are";
  };
  return {
    describe: (percent) => `${p.describe(percent)}; ${describe(percent)}`,
    preflight: (client, pace) => [
      ...p.preflight(client, pace),
      [
        "chat target parameter readable",
        async () => {
          for (const [what, t] of [
            ["primary", primary],
            ["dr", dr],
          ] as const)
            if (!t.instanceId || !t.contactFlowId)
              throw new Error(`the ${what} stack's outputs lack chatContactFlowId or instanceId`);
          if (!str(req.dr.chatTargetKeyArn))
            throw new Error("the dr stack's outputs lack chatTargetKeyArn: run pulumi up on it");
          const now = await read();
          return `${name}: chats start in ${now.region} (${now.instanceId})`;
        },
      ],
    ],
    async plan(client, pace, percent) {
      const calls = await p.plan(client, pace, percent);
      const w = want(percent);
      if (!w) return `${calls}; chat target unchanged`;
      const now = await read();
      return same(now, w)
        ? `${calls}; chat target already ${w.region}`
        : `${calls}; PutParameter ${name}: chats ${now.region} → ${w.region}`;
    },
    async flip(client, pace, percent) {
      const done = await p.flip(client, pace, percent);
      const w = want(percent);
      if (!w) return `${done}; chat target unchanged`;
      // Re-running a half-done drill: a target already written is not written again.
      if (same(await read(), w)) return `${done}; chat target already ${w.region}`;
      await need().send(
        new PutParameterCommand({
          Name: name,
          Value: targetText(w),
          Type: "SecureString",
          // Without it SSM would re-encrypt under its default key, not the stack's CMK.
          KeyId: str(req.dr.chatTargetKeyArn),
          Overwrite: true,
        }),
      );
      return `${done}; chat target → ${w.region}`;
    },
    async verify(client, pace, percent) {
      const checked = await p.verify(client, pace, percent);
      const w = want(percent);
      if (!w) return checked;
      const now = await read();
      return expectThat(
        same(now, w),
        `${checked}; chat target ${now.region}`,
        `the chat target names ${now.region} (${now.instanceId}), not ${w.region}`,
      );
    },
    actions: (final) => p.actions(final),
  };
}
