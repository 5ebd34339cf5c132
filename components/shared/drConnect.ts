/**
 * The Connect calls disaster recovery makes (Global Resiliency replica, traffic distribution),
 * written once for the dynamic resources and the drill: throttle-aware (Connect's default quota is
 * 2 requests/s, burst 5; a 429 is retried with backoff), and waiting out Connect's eventual
 * consistency (CREATION_IN_PROGRESS, UPDATE_IN_PROGRESS) by polling until the state holds.
 * Clients, sleep and clock are injected so tests drive a fake Connect with virtual time.
 *
 * Over 500 lines on purpose: Every Connect call DR makes, so the dynamic resources and the drill
 * pace and retry them the same way.
 */
import {
  AssociatePhoneNumberContactFlowCommand,
  AssociateTrafficDistributionGroupUserCommand,
  ListTrafficDistributionGroupUsersCommand,
  SearchUsersCommand,
  DeleteInstanceCommand,
  DescribePhoneNumberCommand,
  ListFlowAssociationsCommand,
  DescribeInstanceCommand,
  DescribeTrafficDistributionGroupCommand,
  GetTrafficDistributionCommand,
  ListTrafficDistributionGroupsCommand,
  ReplicateInstanceCommand,
  UpdateTrafficDistributionCommand,
  type ConnectClient,
} from "@aws-sdk/client-connect";
import { backoffMs, THROTTLES_AND_LIMITS } from "../../functions/shared/throttle";

export interface Pace {
  readonly sleep: (ms: number) => Promise<void>;
  readonly now: () => number;
  /** Give up waiting after this long (ms). */
  readonly timeoutMs: number;
  /** Poll interval (ms); each poll is one API call against the 2/s quota. */
  readonly pollMs: number;
  /** Attempts for one call that keeps being throttled. */
  readonly maxAttempts: number;
  /**
   * Awaited before every call: a client-side rate limit, so a long run (the drill re-pointing 50
   * numbers) stays inside the quota instead of learning it from 429s.
   */
  readonly gate?: () => Promise<void>;
}

/**
 * A token bucket on the pace's clock: at most `burst` calls at once, then `rate` per second.
 * Connect's default for the APIs used here is 2/s, burst 5, shared by everything in the account
 * and region, so callers that share the quota should share one gate.
 */
export function rateGate(
  clock: Pick<Pace, "now" | "sleep">,
  rate = 2,
  burst = 5,
): () => Promise<void> {
  let tokens = burst;
  let last = clock.now();
  return async () => {
    for (;;) {
      const now = clock.now();
      tokens = Math.min(burst, tokens + ((now - last) / 1000) * rate);
      last = now;
      if (tokens >= 1) {
        tokens -= 1;
        return;
      }
      await clock.sleep(Math.ceil(((1 - tokens) / rate) * 1000));
    }
  };
}

export function realPace(over: Partial<Pace> = {}): Pace {
  const clock = {
    sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)),
    now: () => Date.now(),
  };
  return {
    ...clock,
    timeoutMs: 45 * 60_000,
    pollMs: 5_000,
    maxAttempts: 8,
    gate: rateGate(clock),
    ...over,
  };
}

/** One call, retried on throttling with exponential backoff (500 ms doubling, capped at 8 s). */
export async function throttled<T>(pace: Pace, call: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      await pace.gate?.();
      return await call();
    } catch (e) {
      const name = (e as { name?: string }).name ?? "";
      if (!THROTTLES_AND_LIMITS.has(name) || attempt >= pace.maxAttempts) throw e;
      await pace.sleep(backoffMs(attempt));
    }
  }
}

/**
 * Polls `read` (a throttle-aware read) until `done` holds; the error names what was awaited and
 * the last state seen.
 */
export async function waitFor<T>(
  pace: Pace,
  what: string,
  read: () => Promise<T>,
  done: (v: T) => boolean,
  failed: (v: T) => string | undefined = () => undefined,
): Promise<T> {
  const deadline = pace.now() + pace.timeoutMs;
  for (;;) {
    const v = await read();
    if (done(v)) return v;
    const why = failed(v);
    if (why) throw new Error(`${what}: ${why}`);
    if (pace.now() >= deadline)
      throw new Error(
        `${what}: still not done after ${pace.timeoutMs / 1000} s (last: ${JSON.stringify(v)})`,
      );
    await pace.sleep(pace.pollMs);
  }
}

/**
 * Every item of a paginated Connect list: `fetch` one page per token (each call throttle-aware),
 * until Connect stops returning a NextToken.
 */
export async function allPages<P extends { NextToken?: string }, T>(
  pace: Pace,
  fetch: (token: string | undefined) => Promise<P>,
  items: (page: P) => readonly T[] | undefined,
): Promise<T[]> {
  const out: T[] = [];
  let token: string | undefined;
  do {
    const page = await throttled(pace, () => fetch(token));
    out.push(...(items(page) ?? []));
    token = page.NextToken;
  } while (token);
  return out;
}

/**
 * A Connect client for a region, loaded when first needed: the dynamic resources' providers are
 * serialised into the Pulumi state, and a lazy import keeps the SDK out of that closure.
 */
export async function connectIn(region: string): Promise<ConnectClient> {
  const { ConnectClient: Client } = await import("@aws-sdk/client-connect");
  return new Client({ region });
}

// ---------------------------------------------------------------------------------------------
// Replica instance

export interface ReplicaSpec {
  /** ARN of the source instance (tokyo). */
  readonly sourceInstanceArn: string;
  readonly replicaRegion: string;
  readonly replicaAlias: string;
}

export interface ReplicaState {
  readonly instanceId: string;
  readonly instanceArn: string;
  readonly status: string;
  /** The default traffic distribution group ReplicateInstance creates (the only one with sign-in). */
  readonly trafficDistributionGroupArn: string;
  /** Where agents sign in: follows the group's SignInConfig (empty until Connect reports it). */
  readonly globalSignInEndpoint: string;
}

/**
 * ReplicateInstance from the source region, then wait in the replica region until the replica is
 * ACTIVE and its default traffic distribution group is ACTIVE. The client token makes a retried
 * create (after a timeout or a crash) the same request, not a second replica.
 */
export async function replicate(
  source: ConnectClient,
  replica: ConnectClient,
  spec: ReplicaSpec,
  clientToken: string,
  pace: Pace,
): Promise<ReplicaState> {
  const r = await throttled(pace, () =>
    source.send(
      new ReplicateInstanceCommand({
        InstanceId: spec.sourceInstanceArn,
        ReplicaRegion: spec.replicaRegion,
        ReplicaAlias: spec.replicaAlias,
        ClientToken: clientToken,
      }),
    ),
  );
  if (!r.Arn || !r.Id) throw new Error("ReplicateInstance answered without the replica's ARN");
  return readReplica(replica, r.Arn, pace, true);
}

/** The replica as Connect reports it; with `wait`, only once it and its group are ACTIVE. */
export async function readReplica(
  replica: ConnectClient,
  replicaArn: string,
  pace: Pace,
  wait = false,
): Promise<ReplicaState> {
  let signIn = "";
  const describe = () =>
    throttled(pace, () =>
      replica.send(new DescribeInstanceCommand({ InstanceId: replicaArn })),
    ).then((d) => {
      signIn = d.ReplicationConfiguration?.GlobalSignInEndpoint ?? signIn;
      return d.Instance;
    });
  const instance = wait
    ? await waitFor(
        pace,
        `replica ${replicaArn}`,
        describe,
        (i) => i?.InstanceStatus === "ACTIVE",
        (i) =>
          i?.InstanceStatus === "CREATION_FAILED"
            ? `creation failed (${i.StatusReason?.Message ?? "no reason given"})`
            : undefined,
      )
    : await describe();
  if (!instance?.Id || !instance.Arn) throw new Error(`replica ${replicaArn} not found`);
  const groups = await throttled(pace, () =>
    replica.send(new ListTrafficDistributionGroupsCommand({ InstanceId: instance.Arn })),
  );
  const group = groups.TrafficDistributionGroupSummaryList?.find((g) => g.IsDefault);
  if (wait && group?.Arn) await groupActive(replica, group.Arn, pace);
  return {
    instanceId: instance.Id,
    instanceArn: instance.Arn,
    status: instance.InstanceStatus ?? "UNKNOWN",
    trafficDistributionGroupArn: group?.Arn ?? "",
    globalSignInEndpoint: signIn,
  };
}

/** Deletes the replica instance (the caller decides whether that is allowed). */
export async function deleteReplicaInstance(
  replica: ConnectClient,
  replicaArn: string,
  pace: Pace,
): Promise<void> {
  await throttled(pace, () => replica.send(new DeleteInstanceCommand({ InstanceId: replicaArn })));
}

/** Waits until a traffic distribution group is ACTIVE (after creation or an update). */
export function groupActive(client: ConnectClient, groupArn: string, pace: Pace) {
  return waitFor(
    pace,
    `traffic distribution group ${groupArn}`,
    () =>
      throttled(pace, () =>
        client.send(
          new DescribeTrafficDistributionGroupCommand({ TrafficDistributionGroupId: groupArn }),
        ),
      ).then((g) => g.TrafficDistributionGroup?.Status ?? "UNKNOWN"),
    (s) => s === "ACTIVE",
    (s) => (s.endsWith("_FAILED") || s === "PENDING_DELETION" ? `status ${s}` : undefined),
  );
}

// ---------------------------------------------------------------------------------------------
// Traffic distribution

/** Where traffic goes: percentage to the DR region (0-100, 10% steps); sign-in follows. */
export interface Distribution {
  readonly primaryRegion: string;
  readonly drRegion: string;
  readonly drPercent: number;
}

/**
 * Where agents may sign in: where they take calls. During a partial drill both regions accept
 * sign-in; at 0% or 100% only the region that takes every call.
 */
export const signInFor = (d: Distribution): Record<string, boolean> => ({
  [d.primaryRegion]: d.drPercent < 100,
  [d.drRegion]: d.drPercent > 0,
});

/** Telephony, agents and sign-in shifted together, as AWS recommends; both regions listed. */
export function distributionRequest(groupArn: string, d: Distribution) {
  if (!Number.isInteger(d.drPercent / 10) || d.drPercent < 0 || d.drPercent > 100)
    throw new Error(`drPercent ${d.drPercent}: use 0-100 in steps of 10`);
  const split = [
    { Region: d.primaryRegion, Percentage: 100 - d.drPercent },
    { Region: d.drRegion, Percentage: d.drPercent },
  ];
  const signIn = signInFor(d);
  return {
    Id: groupArn,
    TelephonyConfig: { Distributions: split },
    AgentConfig: { Distributions: split },
    SignInConfig: {
      Distributions: [d.primaryRegion, d.drRegion].map((r) => ({ Region: r, Enabled: signIn[r] })),
    },
  };
}

/** The distribution Connect reports, as the DR percentage of telephony (and of agents, sign-in). */
export interface ObservedDistribution {
  readonly telephonyDrPercent: number;
  readonly agentsDrPercent: number;
  readonly signIn: Record<string, boolean>;
}

export async function readDistribution(
  client: ConnectClient,
  groupArn: string,
  drRegion: string,
  pace: Pace,
): Promise<ObservedDistribution> {
  const r = await throttled(pace, () =>
    client.send(new GetTrafficDistributionCommand({ Id: groupArn })),
  );
  const pct = (list?: { Region?: string; Percentage?: number }[]) =>
    list?.find((x) => x.Region === drRegion)?.Percentage ?? 0;
  return {
    telephonyDrPercent: pct(r.TelephonyConfig?.Distributions),
    agentsDrPercent: pct(r.AgentConfig?.Distributions),
    signIn: Object.fromEntries(
      (r.SignInConfig?.Distributions ?? []).map((s) => [s.Region ?? "", s.Enabled === true]),
    ),
  };
}

/** True when what Connect reports is the requested distribution, on all three axes. */
export function matches(o: ObservedDistribution, d: Distribution): boolean {
  return (
    o.telephonyDrPercent === d.drPercent &&
    o.agentsDrPercent === d.drPercent &&
    Object.entries(signInFor(d)).every(([region, enabled]) => o.signIn[region] === enabled)
  );
}

/** Asks Connect for the distribution (one UpdateTrafficDistribution); returns its request id. */
export async function requestDistribution(
  dr: ConnectClient,
  groupArn: string,
  d: Distribution,
  pace: Pace,
): Promise<string> {
  const request = distributionRequest(groupArn, d);
  const r = await throttled(pace, () => dr.send(new UpdateTrafficDistributionCommand(request)));
  return r.$metadata?.requestId ?? "";
}

/** Waits for the group to be ACTIVE again and for GetTrafficDistribution to report `d`. */
export async function awaitDistribution(
  dr: ConnectClient,
  groupArn: string,
  d: Distribution,
  pace: Pace,
): Promise<ObservedDistribution> {
  await groupActive(dr, groupArn, pace);
  return waitFor(
    pace,
    `traffic distribution of ${groupArn} to reach ${d.drPercent}% in ${d.drRegion}`,
    () => readDistribution(dr, groupArn, d.drRegion, pace),
    (o) => matches(o, d),
  );
}

/**
 * Applies a distribution through the DR region's endpoint (so it works while the primary region is
 * down) and returns once Connect reports it.
 */
export async function applyDistribution(
  dr: ConnectClient,
  groupArn: string,
  d: Distribution,
  pace: Pace,
): Promise<ObservedDistribution> {
  await requestDistribution(dr, groupArn, d, pace);
  return awaitDistribution(dr, groupArn, d, pace);
}

// ---------------------------------------------------------------------------------------------
// Phone numbers (standalone DR: the DR instance's own numbers move between the standby flow and
// the live inbound flow; replica DR: preflight checks tokyo's numbers sit in the group)

/** The id part of a Connect id or ARN (`.../phone-number/<id>`, `.../contact-flow/<id>`). */
export const idOf = (idOrArn: string): string => idOrArn.slice(idOrArn.lastIndexOf("/") + 1);

/** A number a stack claimed (PhoneNumbers), as the DR routing reads it. */
export interface ClaimedNumber {
  readonly name: string;
  /** E.164, as Connect assigned it. */
  readonly address: string;
  readonly arn: string;
  readonly id: string;
  /** The flow (by template name) the number is meant to ring. */
  readonly flow: string;
}

export interface NumberState {
  readonly arn: string;
  readonly address: string;
  readonly status: string;
  readonly targetArn: string;
}

export async function describeNumber(
  client: ConnectClient,
  numberArn: string,
  pace: Pace,
): Promise<NumberState> {
  const r = await throttled(pace, () =>
    // The ARN, not the id: from the alternate region of a group only the ARN resolves.
    client.send(new DescribePhoneNumberCommand({ PhoneNumberId: numberArn })),
  );
  const n = r.ClaimedPhoneNumberSummary;
  return {
    arn: n?.PhoneNumberArn ?? numberArn,
    address: n?.PhoneNumber ?? "",
    status: n?.PhoneNumberStatus?.Status ?? "UNKNOWN",
    targetArn: n?.TargetArn ?? "",
  };
}

/** Which flow each phone number of the instance rings, keyed by number id, flow id as value. */
export async function numberFlows(
  client: ConnectClient,
  instanceId: string,
  pace: Pace,
): Promise<Map<string, string>> {
  const associations = await allPages(
    pace,
    (token) =>
      client.send(
        new ListFlowAssociationsCommand({
          InstanceId: instanceId,
          ResourceType: "VOICE_PHONE_NUMBER",
          MaxResults: 100,
          NextToken: token,
        }),
      ),
    (page) => page.FlowAssociationSummaryList,
  );
  const flows = new Map<string, string>();
  for (const a of associations)
    if (a.ResourceId && a.FlowId) flows.set(idOf(a.ResourceId), idOf(a.FlowId));
  return flows;
}

/** One number and the flow it should ring. */
export interface Route {
  readonly numberArn: string;
  readonly flowId: string;
}

export interface RouteResult {
  /** Numbers that were re-associated by this call (the rest already rang their flow). */
  readonly changed: string[];
  /** Request ids of the AssociatePhoneNumberContactFlow calls, for the drill's audit report. */
  readonly requestIds: string[];
}

/** True when every number rings its flow in `flows` (ListFlowAssociations, by id). */
export const routed = (flows: Map<string, string>, routes: readonly Route[]): boolean =>
  routes.every((r) => flows.get(idOf(r.numberArn)) === idOf(r.flowId));

/**
 * Points every number at its flow, one AssociatePhoneNumberContactFlow per number that is not
 * there yet, so a re-run finishes a half-done switch without repeating it.
 */
export async function associateRoutes(
  client: ConnectClient,
  instanceId: string,
  routes: readonly Route[],
  pace: Pace,
  onEach: (numberArn: string, requestId: string) => void = () => undefined,
): Promise<RouteResult> {
  const before = await numberFlows(client, instanceId, pace);
  const changed: string[] = [];
  const requestIds: string[] = [];
  for (const route of routes) {
    if (routed(before, [route])) continue;
    const r = await throttled(pace, () =>
      client.send(
        new AssociatePhoneNumberContactFlowCommand({
          PhoneNumberId: route.numberArn,
          InstanceId: instanceId,
          ContactFlowId: idOf(route.flowId),
        }),
      ),
    );
    const id = r.$metadata?.requestId ?? "";
    changed.push(route.numberArn);
    requestIds.push(id);
    onEach(route.numberArn, id);
  }
  return { changed, requestIds };
}

/** Polls ListFlowAssociations until every number rings its flow. */
export function awaitRoutes(
  client: ConnectClient,
  instanceId: string,
  routes: readonly Route[],
  pace: Pace,
): Promise<Map<string, string>> {
  return waitFor(
    pace,
    `phone numbers of ${instanceId} to ring their flows`,
    () => numberFlows(client, instanceId, pace),
    (flows) => routed(flows, routes),
  );
}

/** associateRoutes, then awaitRoutes. */
export async function routeNumbers(
  client: ConnectClient,
  instanceId: string,
  routes: readonly Route[],
  pace: Pace,
): Promise<RouteResult> {
  const result = await associateRoutes(client, instanceId, routes, pace);
  await awaitRoutes(client, instanceId, routes, pace);
  return result;
}

// ---------------------------------------------------------------------------------------------
// Agents of a Global Resiliency group: only users associated with the group follow its
// AgentConfig to the DR region.

/** Ids of the instance's users whose routing profile is one of `routingProfileIds`. */
export async function usersWithProfiles(
  client: ConnectClient,
  instanceId: string,
  routingProfileIds: readonly string[],
  pace: Pace,
): Promise<string[]> {
  if (!routingProfileIds.length) return [];
  const users = await allPages(
    pace,
    (token) =>
      client.send(
        new SearchUsersCommand({
          InstanceId: instanceId,
          MaxResults: 100,
          NextToken: token,
          SearchCriteria: {
            OrConditions: routingProfileIds.map((id) => ({
              StringCondition: {
                FieldName: "RoutingProfileId",
                Value: id,
                ComparisonType: "EXACT",
              },
            })),
          },
        }),
      ),
    (page) => page.Users,
  );
  return users.flatMap((u) => (u.Id ? [u.Id] : [])).sort();
}

/** Ids of the users associated with the group. */
export async function groupUsers(
  client: ConnectClient,
  groupArn: string,
  pace: Pace,
): Promise<string[]> {
  const users = await allPages(
    pace,
    (token) =>
      client.send(
        new ListTrafficDistributionGroupUsersCommand({
          TrafficDistributionGroupId: groupArn,
          NextToken: token,
        }),
      ),
    (page) => page.TrafficDistributionGroupUserSummaryList,
  );
  return users.flatMap((u) => (u.UserId ? [u.UserId] : [])).sort();
}

/** Associates each user with the group (callers pass only the ones not associated yet). */
export async function associateUsers(
  client: ConnectClient,
  groupArn: string,
  instanceId: string,
  userIds: readonly string[],
  pace: Pace,
): Promise<void> {
  for (const userId of userIds)
    await throttled(pace, () =>
      client.send(
        new AssociateTrafficDistributionGroupUserCommand({
          TrafficDistributionGroupId: groupArn,
          UserId: userId,
          InstanceId: instanceId,
        }),
      ),
    );
}
