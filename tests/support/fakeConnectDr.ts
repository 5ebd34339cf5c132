/**
 * A stateful fake of the Connect API calls disaster recovery uses, installed on every ConnectClient
 * with aws-sdk-client-mock and keyed by the client's region, as the real service is:
 *   - ReplicateInstance (idempotent per client token; refuses a source that is not ACTIVE, not SAML,
 *     without an alias, or already replicated), DescribeInstance, DeleteInstance;
 *   - ListTrafficDistributionGroups, DescribeTrafficDistributionGroup,
 *     Get/UpdateTrafficDistribution (both regions listed, sum 100, 10% steps, sign-in only on the
 *     default group);
 *   - eventual consistency: a new replica is CREATION_IN_PROGRESS, an updated group
 *     UPDATE_IN_PROGRESS, and GetTrafficDistribution reports the old split, for a number of reads;
 *   - the 2 requests/s (burst 5) quota on a virtual clock, answering TooManyRequestsException;
 *   - phone numbers claimed to an instance or to a group (DescribePhoneNumber, ListPhoneNumbersV2),
 *     their flow associations (AssociatePhoneNumberContactFlow, ListFlowAssociations: a new
 *     association shows after a number of reads; an id instead of an ARN from a group's alternate
 *     region is not found, as documented), and what preflight lists: ListContactFlows,
 *     ListLambdaFunctions, ListBots, ListUsers, ListTrafficDistributionGroupUsers;
 *   - a request id on every answer, as the drill's report records them;
 *   - injectable faults (the next call of a command fails with a given error).
 * Virtual time: `sleep` advances the clock instead of waiting, so tests run in milliseconds.
 *
 * Over 500 lines on purpose: One fake for the whole DR API surface, because the calls share one
 * state (instances, groups, numbers, users) as they do in Connect.
 */
import { GetParameterCommand, PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { targetText } from "../../functions/chat-start/target";
import {
  AssociatePhoneNumberContactFlowCommand,
  AssociateTrafficDistributionGroupUserCommand,
  ConnectClient,
  DeleteInstanceCommand,
  DescribeInstanceCommand,
  DescribePhoneNumberCommand,
  DescribeTrafficDistributionGroupCommand,
  GetTrafficDistributionCommand,
  ListBotsCommand,
  ListContactFlowsCommand,
  ListFlowAssociationsCommand,
  ListLambdaFunctionsCommand,
  ListPhoneNumbersV2Command,
  ListTrafficDistributionGroupsCommand,
  ListTrafficDistributionGroupUsersCommand,
  ListUsersCommand,
  ReplicateInstanceCommand,
  SearchUsersCommand,
  UpdateTrafficDistributionCommand,
} from "@aws-sdk/client-connect";
import { mockClient, type AwsClientStub } from "aws-sdk-client-mock";
import { idOf } from "../../components/shared/drConnect";

const ACCOUNT = "123456789012";
type Split = { Region: string; Percentage: number }[];

interface Instance {
  id: string;
  arn: string;
  region: string;
  alias: string;
  status: string;
  identity: string;
  readsUntilActive: number;
  replicatedTo?: string;
  token?: string;
}
interface Group {
  id: string;
  arn: string;
  instanceArn: string;
  isDefault: boolean;
  status: string;
  readsUntilActive: number;
  telephony: Split;
  agents: Split;
  signIn: { Region: string; Enabled: boolean }[];
  pending?: { telephony: Split; agents: Split; signIn: { Region: string; Enabled: boolean }[] };
}

export interface FakeNumber {
  id: string;
  arn: string;
  address: string;
  /** Region it was claimed in. */
  region: string;
  /** Instance or group ARN. */
  targetArn: string;
  status: string;
  flowId?: string;
  /** Reads of ListFlowAssociations that still report the previous flow. */
  pendingFlow?: { flowId: string; reads: number; previous?: string };
}

/** What an instance has besides its status: flows, functions, bots, users (per region). */
interface Contents {
  flows: {
    Id: string;
    Arn: string;
    Name: string;
    ContactFlowType: string;
    ContactFlowStatus: string;
    ContactFlowState: string;
  }[];
  lambdas: string[];
  bots: string[];
  users: { Id: string; Username: string; RoutingProfileId: string }[];
}

const err = (name: string, message: string) => Object.assign(new Error(message), { name });

export interface FakeConnectDrOptions {
  /** Reads a new replica stays CREATION_IN_PROGRESS. */
  readonly replicaReads?: number;
  /** Reads an updated group stays UPDATE_IN_PROGRESS (and reports the old split). */
  readonly updateReads?: number;
  /** Reads of ListFlowAssociations before a new number → flow association shows. */
  readonly associationReads?: number;
  /** Requests per second and burst of the quota (Connect's defaults: 2 and 5). */
  readonly rate?: number;
  readonly burst?: number;
}

export class FakeConnectDr {
  readonly stub: AwsClientStub<ConnectClient>;
  /** SSM parameters (the chat target), by region and name: value and the key it is under. */
  readonly ssmStub: AwsClientStub<SSMClient>;
  readonly parameters = new Map<string, { value: string; keyId: string }>();
  readonly instances: Instance[] = [];
  readonly groups: Group[] = [];
  readonly numbers: FakeNumber[] = [];
  /** Flows, functions, bots and users, keyed by `region|instanceId`. */
  readonly contents = new Map<string, Contents>();
  /** Users associated with each group (AssociateTrafficDistributionGroupUser). */
  readonly groupUsers = new Map<string, string[]>();
  /** Every call: command name, region, virtual time, and whether it was throttled. */
  readonly calls: { command: string; region: string; at: number; throttled: boolean }[] = [];
  clock = 0;
  private tokens: number;
  private last = 0;
  private faults = new Map<string, (Error | undefined)[]>();
  private readonly o: Required<FakeConnectDrOptions>;

  constructor(options: FakeConnectDrOptions = {}) {
    this.o = {
      replicaReads: 3,
      updateReads: 2,
      associationReads: 1,
      rate: 2,
      burst: 5,
      ...options,
    };
    this.tokens = this.o.burst;
    this.ssmStub = mockClient(SSMClient);
    // SSM's own quota is far above what a drill sends: no token bucket here.
    const ssmCall = async <T>(
      name: string,
      getClient: () => SSMClient,
      f: (region: string) => T,
    ) => {
      const region = await getClient().config.region();
      return this.call(name, region, () => f(region), { quota: false });
    };
    this.ssmStub
      .on(GetParameterCommand)
      .callsFake((i: { Name: string }, getClient: () => SSMClient) =>
        ssmCall("GetParameter", getClient, (region) => {
          const p = this.parameters.get(`${region}|${i.Name}`);
          if (!p) throw err("ParameterNotFound", `${i.Name} not found in ${region}`);
          return { Parameter: { Name: i.Name, Type: "SecureString", Value: p.value } };
        }),
      );
    this.ssmStub
      .on(PutParameterCommand)
      .callsFake(
        (
          i: { Name: string; Value: string; KeyId?: string; Overwrite?: boolean },
          getClient: () => SSMClient,
        ) =>
          ssmCall("PutParameter", getClient, (region) => {
            const k = `${region}|${i.Name}`;
            const had = this.parameters.get(k);
            if (had && !i.Overwrite) throw err("ParameterAlreadyExists", i.Name);
            // As SSM does: no KeyId means its default key, whatever the parameter had before.
            this.parameters.set(k, { value: i.Value, keyId: i.KeyId ?? "alias/aws/ssm" });
            return { Version: 2, Tier: "Standard" };
          }),
      );
    this.stub = mockClient(ConnectClient);
    const on = <I, O>(cmd: { name: string }, f: (input: I, region: string) => O) =>
      this.stub.on(cmd as never).callsFake(async (input: I, getClient: () => ConnectClient) => {
        const region = await getClient().config.region();
        return this.call(cmd.name, region, () => f(input, region));
      });
    on(
      ReplicateInstanceCommand,
      (
        i: { InstanceId: string; ReplicaRegion: string; ReplicaAlias: string; ClientToken: string },
        region,
      ) => this.replicate(i, region),
    );
    on(DescribeInstanceCommand, (i: { InstanceId: string }, region) =>
      this.describeInstance(i.InstanceId, region),
    );
    on(DeleteInstanceCommand, (i: { InstanceId: string }, region) => {
      const inst = this.instance(i.InstanceId, region);
      this.instances.splice(this.instances.indexOf(inst), 1);
      return {};
    });
    on(ListTrafficDistributionGroupsCommand, (i: { InstanceId: string }, region) => ({
      TrafficDistributionGroupSummaryList: this.groups
        .filter((g) => g.instanceArn === this.instance(i.InstanceId, region).arn)
        .map((g) => ({
          Id: g.id,
          Arn: g.arn,
          InstanceArn: g.instanceArn,
          Status: g.status,
          IsDefault: g.isDefault,
        })),
    }));
    on(DescribeTrafficDistributionGroupCommand, (i: { TrafficDistributionGroupId: string }) => {
      const g = this.group(i.TrafficDistributionGroupId);
      this.settle(g);
      return {
        TrafficDistributionGroup: {
          Id: g.id,
          Arn: g.arn,
          Status: g.status,
          InstanceArn: g.instanceArn,
          IsDefault: g.isDefault,
        },
      };
    });
    on(GetTrafficDistributionCommand, (i: { Id: string }) => {
      const g = this.group(i.Id);
      return {
        Id: g.id,
        Arn: g.arn,
        TelephonyConfig: { Distributions: g.telephony },
        AgentConfig: { Distributions: g.agents },
        SignInConfig: { Distributions: g.signIn },
      };
    });
    on(
      UpdateTrafficDistributionCommand,
      (i: {
        Id: string;
        TelephonyConfig?: { Distributions: Split };
        AgentConfig?: { Distributions: Split };
        SignInConfig?: { Distributions: { Region: string; Enabled: boolean }[] };
      }) => this.update(i),
    );
    on(DescribePhoneNumberCommand, (i: { PhoneNumberId: string }, region) => {
      const n = this.number(i.PhoneNumberId, region);
      return {
        ClaimedPhoneNumberSummary: {
          PhoneNumberId: n.id,
          PhoneNumberArn: n.arn,
          PhoneNumber: n.address,
          TargetArn: n.targetArn,
          PhoneNumberStatus: { Status: n.status },
        },
      };
    });
    on(ListPhoneNumbersV2Command, (i: { TargetArn?: string; InstanceId?: string }, region) => ({
      ListPhoneNumbersSummaryList: this.numbers
        .filter((n) =>
          i.TargetArn
            ? n.targetArn === i.TargetArn
            : this.visible(n, region) &&
              (!i.InstanceId || this.reaches(n, this.instance(i.InstanceId, region))),
        )
        .map((n) => ({
          PhoneNumberId: n.id,
          PhoneNumberArn: n.arn,
          PhoneNumber: n.address,
          TargetArn: n.targetArn,
        })),
    }));
    on(
      ListFlowAssociationsCommand,
      (i: { InstanceId: string; NextToken?: string; MaxResults?: number }, region) => {
        const inst = this.instance(i.InstanceId, region);
        const all = this.numbers
          .filter((n) => this.reaches(n, inst))
          .map((n) => {
            if (n.pendingFlow && n.pendingFlow.reads-- <= 0) {
              n.flowId = n.pendingFlow.flowId;
              n.pendingFlow = undefined;
            }
            return { n, flow: n.pendingFlow ? n.pendingFlow.previous : n.flowId };
          })
          .filter((x) => x.flow)
          .map(({ n, flow }) => ({
            ResourceId: n.arn,
            FlowId: `${inst.arn}/contact-flow/${flow}`,
            ResourceType: "VOICE_PHONE_NUMBER",
          }));
        const start = Number(i.NextToken ?? 0);
        const size = i.MaxResults ?? 100;
        return {
          FlowAssociationSummaryList: all.slice(start, start + size),
          NextToken: start + size < all.length ? String(start + size) : undefined,
        };
      },
    );
    on(
      AssociatePhoneNumberContactFlowCommand,
      (i: { PhoneNumberId: string; InstanceId: string; ContactFlowId: string }, region) => {
        const n = this.number(i.PhoneNumberId, region);
        const inst = this.instance(i.InstanceId, region);
        if (!this.reaches(n, inst))
          throw err("InvalidParameterException", `${n.address} is not claimed to ${inst.arn}`);
        if (!this.has(inst).flows.some((f) => f.Id === i.ContactFlowId))
          throw err("ResourceNotFoundException", `flow ${i.ContactFlowId} not found`);
        n.pendingFlow = {
          flowId: i.ContactFlowId,
          reads: this.o.associationReads,
          previous: n.pendingFlow?.previous ?? n.flowId,
        };
        return {};
      },
    );
    on(ListContactFlowsCommand, (i: { InstanceId: string }, region) => ({
      ContactFlowSummaryList: this.has(this.instance(i.InstanceId, region)).flows,
    }));
    on(ListLambdaFunctionsCommand, (i: { InstanceId: string }, region) => ({
      LambdaFunctions: this.has(this.instance(i.InstanceId, region)).lambdas,
    }));
    on(ListBotsCommand, (i: { InstanceId: string }, region) => ({
      LexBots: this.has(this.instance(i.InstanceId, region)).bots.map((b) => ({
        LexV2Bot: { AliasArn: b },
      })),
    }));
    on(ListUsersCommand, (i: { InstanceId: string }, region) => ({
      UserSummaryList: this.has(this.instance(i.InstanceId, region)).users.map((u) => ({
        Id: u.Id,
        Username: u.Username,
      })),
    }));
    on(
      SearchUsersCommand,
      (
        i: {
          InstanceId: string;
          SearchCriteria?: {
            OrConditions?: { StringCondition?: { FieldName: string; Value: string } }[];
          };
        },
        region,
      ) => {
        const wanted = (i.SearchCriteria?.OrConditions ?? [])
          .filter((c) => c.StringCondition?.FieldName === "RoutingProfileId")
          .map((c) => c.StringCondition?.Value);
        return {
          Users: this.has(this.instance(i.InstanceId, region)).users.filter((u) =>
            wanted.includes(u.RoutingProfileId),
          ),
        };
      },
    );
    on(
      AssociateTrafficDistributionGroupUserCommand,
      (i: { TrafficDistributionGroupId: string; UserId: string; InstanceId: string }, region) => {
        const g = this.group(i.TrafficDistributionGroupId);
        const inst = this.instance(i.InstanceId, region);
        // The group's instance, in either region (a replica keeps its source's id).
        if (inst.id !== idOf(g.instanceArn))
          throw err("InvalidParameterException", `${inst.arn} is not in ${g.arn}`);
        if (!this.has(inst).users.some((u) => u.Id === i.UserId))
          throw err("ResourceNotFoundException", `user ${i.UserId} not found`);
        const users = this.groupUsers.get(g.arn) ?? [];
        if (!users.includes(i.UserId)) users.push(i.UserId);
        this.groupUsers.set(g.arn, users);
        return {};
      },
    );
    on(ListTrafficDistributionGroupUsersCommand, (i: { TrafficDistributionGroupId: string }) => ({
      TrafficDistributionGroupUserSummaryList: (
        this.groupUsers.get(this.group(i.TrafficDistributionGroupId).arn) ?? []
      ).map((UserId) => ({ UserId })),
    }));
  }

  /** Numbers claimed in `region` to `target` (an instance or group ARN), already on `flowId`. */
  claimNumbers(region: string, target: string, count: number, flowId?: string): FakeNumber[] {
    return Array.from({ length: count }, () => {
      const k = this.numbers.length;
      const id = `${String(k).padStart(8, "0")}-5555-4666-8777-888888888888`;
      const n: FakeNumber = {
        id,
        arn: `arn:aws:connect:${region}:${ACCOUNT}:phone-number/${id}`,
        address: `+8150${String(10_000_000 + k).slice(-8)}`,
        region,
        targetArn: target,
        status: "CLAIMED",
        flowId,
      };
      this.numbers.push(n);
      return n;
    });
  }

  /**
   * Flows (published; by name, or name → id or ARN), function ARNs, bot alias ARNs and user count
   * of an instance.
   */
  furnish(
    inst: Instance,
    c: Partial<Omit<Contents, "flows" | "users">> & {
      flowNames?: string[];
      flows?: Record<string, string>;
      /** A number of agents, or users with their routing profiles. */
      users?: number | Contents["users"];
    },
  ): Contents {
    const have = this.has(inst);
    const flows = {
      ...Object.fromEntries((c.flowNames ?? []).map((n) => [n, `flow-${n}`])),
      ...c.flows,
    };
    for (const [name, idOrArn] of Object.entries(flows)) {
      const id = idOf(idOrArn);
      have.flows.push({
        Id: id,
        Arn: `${inst.arn}/contact-flow/${id}`,
        Name: name,
        ContactFlowType: "CONTACT_FLOW",
        ContactFlowStatus: "PUBLISHED",
        ContactFlowState: "ACTIVE",
      });
    }
    have.lambdas.push(...(c.lambdas ?? []));
    have.bots.push(...(c.bots ?? []));
    const users =
      typeof c.users === "number"
        ? Array.from({ length: c.users }, (_, k) => ({
            Id: `user-${have.users.length + k}`,
            Username: `agent${have.users.length + k}`,
            RoutingProfileId: "rp-agents",
          }))
        : (c.users ?? []);
    have.users.push(...users);
    return have;
  }

  /**
   * A fake Connect in the state both stacks' outputs describe, as after the README's deploy steps
   * (replica: tokyo's numbers moved into the group, agents associated with it; standalone: the DR
   * numbers on the standby flow): what `npm run drill -- --fake` rehearses against.
   */
  static fromOutputs(
    primary: Record<string, unknown>,
    dr: Record<string, unknown>,
    options: FakeConnectDrOptions & { agents?: number } = {},
  ): FakeConnectDr {
    const fake = new FakeConnectDr(options);
    const s = (v: unknown) => (typeof v === "string" ? v : "");
    const flows = (o: Record<string, unknown>) => (o.flowArns ?? {}) as Record<string, string>;
    const numbers = (o: Record<string, unknown>) =>
      (o.phoneNumbers ?? []) as { address: string; arn: string; flow: string }[];
    const agents = options.agents ?? 12;
    const drRegion = s(dr.region);
    const integrations = {
      lambdas: [s(dr.callerAuthFunctionArn)],
      // No bot where the DR region has no Lex V2 (the output is then "").
      bots: [s(dr.callerAuthBotAliasArn)].filter(Boolean),
    };
    const claim = (
      n: { address: string; arn: string },
      region: string,
      target: string,
      flow?: string,
    ) =>
      fake.numbers.push({
        id: idOf(n.arn),
        arn: n.arn,
        address: n.address,
        region,
        targetArn: target,
        status: "CLAIMED",
        flowId: flow && idOf(flow),
      });
    if (dr.drMode === "replica") {
      const src = fake.addInstance(
        s(primary.region),
        s(primary.instanceAlias),
        "SAML",
        s(primary.instanceArn),
      );
      src.replicatedTo = drRegion;
      const replica: Instance = {
        ...src,
        arn: s(dr.instanceArn),
        region: drRegion,
        alias: s(dr.instanceAlias),
        replicatedTo: undefined,
        token: "seeded",
      };
      fake.instances.push(replica);
      const group = s(dr.trafficDistributionGroupArn);
      const p = Number(dr.failoverDrPercent ?? 0);
      const split = [
        { Region: s(primary.region), Percentage: 100 - p },
        { Region: drRegion, Percentage: p },
      ];
      fake.groups.push({
        id: idOf(group),
        arn: group,
        instanceArn: replica.arn,
        isDefault: true,
        status: "ACTIVE",
        readsUntilActive: 0,
        telephony: split,
        agents: split,
        signIn: [
          { Region: s(primary.region), Enabled: p < 100 },
          { Region: drRegion, Enabled: p > 0 },
        ],
      });
      fake.groupUsers.set(
        group,
        Array.from({ length: agents }, (_, k) => `user-${k}`),
      );
      // Flows are mirrored with the same ids in both regions.
      fake.furnish(src, { flows: flows(primary), users: agents });
      fake.furnish(replica, { flows: flows(primary), users: agents, ...integrations });
      for (const n of numbers(primary)) claim(n, s(primary.region), group, flows(primary)[n.flow]);
    } else {
      const inst = fake.addInstance(
        drRegion,
        s(dr.instanceAlias),
        s(dr.identityType),
        s(dr.instanceArn),
      );
      fake.furnish(inst, { flows: flows(dr), users: agents, ...integrations });
      const standby = flows(dr)["dr-standby-transfer"] ?? flows(dr)["dr-standby"];
      const live = Number(dr.failoverDrPercent ?? 0) === 100;
      for (const n of numbers(dr)) claim(n, drRegion, inst.arn, live ? flows(dr)[n.flow] : standby);
    }
    // The chat target as the dr stack's pulumi up wrote it.
    if (dr.chatTargetParameter) {
      const active = Number(dr.failoverDrPercent ?? 0) === 100 ? dr : primary;
      fake.parameters.set(`${drRegion}|${s(dr.chatTargetParameter)}`, {
        value: targetText({
          region: s(active.region),
          instanceId: s(active.instanceId),
          contactFlowId: s(active.chatContactFlowId),
        }),
        keyId: s(dr.chatTargetKeyArn),
      });
    }
    return fake;
  }

  /** The replica instance of `source` in `region` (after ReplicateInstance). */
  replicaOf(source: Instance, region: string): Instance {
    return this.instance(source.id, region);
  }

  has(inst: Instance): Contents {
    const k = `${inst.region}|${inst.id}`;
    let c = this.contents.get(k);
    if (!c) {
      c = { flows: [], lambdas: [], bots: [], users: [] };
      this.contents.set(k, c);
    }
    return c;
  }

  /** A number rings `inst`: claimed to it, or to a group of it (or of its source). */
  private reaches(n: FakeNumber, inst: Instance): boolean {
    if (n.targetArn === inst.arn) return true;
    const g = this.groups.find((x) => x.arn === n.targetArn);
    return !!g && this.instances.some((i) => i.arn === g.instanceArn && i.id === inst.id);
  }

  /** Numbers are seen in the region they were claimed in, and in a group's alternate region. */
  private visible(n: FakeNumber, region: string): boolean {
    if (n.region === region) return true;
    const g = this.groups.find((x) => x.arn === n.targetArn);
    return !!g && g.instanceArn.split(":")[3] === region;
  }

  private number(idOrArn: string, region: string): FakeNumber {
    const n = this.numbers.find((x) => x.arn === idOrArn || x.id === idOrArn);
    // Documented: from a group's alternate region only the full ARN resolves.
    if (!n || !this.visible(n, region) || (n.region !== region && idOrArn !== n.arn))
      throw err("ResourceNotFoundException", `phone number ${idOrArn} not found in ${region}`);
    return n;
  }

  restore(): void {
    this.stub.restore();
    this.ssmStub.restore();
  }

  /** The next call of `command` fails with `error`. */
  failNext(command: string, error: Error): void {
    this.failNth(command, 1, error);
  }

  /** The `n`th call of `command` from now (1 = the next) fails with `error`; the others pass. */
  failNth(command: string, n: number, error: Error): void {
    const queue = this.faults.get(command) ?? [];
    while (queue.length < n - 1) queue.push(undefined);
    queue[n - 1] = error;
    this.faults.set(command, queue);
  }

  readonly sleep = (ms: number): Promise<void> => {
    this.clock += ms;
    return Promise.resolve();
  };
  readonly now = (): number => this.clock;

  /** A source instance in `region`, ACTIVE, with an alias (what tokyo's stack deploys). */
  addInstance(region: string, alias: string, identity = "SAML", arn?: string): Instance {
    const id = arn ? idOf(arn) : `0000000${this.instances.length}-aaaa-4bbb-8ccc-dddddddddddd`;
    const inst: Instance = {
      id,
      arn: arn ?? `arn:aws:connect:${region}:${ACCOUNT}:instance/${id}`,
      region,
      alias,
      status: "ACTIVE",
      identity,
      readsUntilActive: 0,
    };
    this.instances.push(inst);
    return inst;
  }

  /** Tokens in the quota's bucket now (what the next calls can spend without waiting). */
  tokensNow(): number {
    return Math.min(this.o.burst, this.tokens + ((this.clock - this.last) / 1000) * this.o.rate);
  }

  mutatingCalls(): string[] {
    return this.calls
      .filter((c) => !c.throttled && /^(Replicate|Update|Delete|Claim|Associate)/.test(c.command))
      .map((c) => c.command);
  }

  /** Records a call, applies its fault, answers with a request id; `quota`: Connect's bucket. */
  private call<T>(
    command: string,
    region: string,
    f: () => T,
    { quota = true } = {},
  ): T & { $metadata: object } {
    const name = command.replace(/Command$/, "");
    if (quota) {
      // Token bucket on the virtual clock.
      this.tokens = Math.min(
        this.o.burst,
        this.tokens + ((this.clock - this.last) / 1000) * this.o.rate,
      );
      this.last = this.clock;
      if (this.tokens < 1) {
        this.calls.push({ command: name, region, at: this.clock, throttled: true });
        throw err("TooManyRequestsException", "Rate exceeded");
      }
      this.tokens -= 1;
    }
    this.calls.push({ command: name, region, at: this.clock, throttled: false });
    const fault = this.faults.get(name)?.shift();
    if (fault) throw fault;
    const out = f() as T & object;
    return { ...out, $metadata: { httpStatusCode: 200, requestId: `req-${this.calls.length}` } };
  }

  private instance(idOrArn: string, region: string): Instance {
    const inst = this.instances.find(
      (i) => (i.arn === idOrArn || i.id === idOrArn) && i.region === region,
    );
    if (!inst) throw err("ResourceNotFoundException", `instance ${idOrArn} not found in ${region}`);
    return inst;
  }

  private group(idOrArn: string): Group {
    const g = this.groups.find((x) => x.arn === idOrArn || x.id === idOrArn);
    if (!g)
      throw err("ResourceNotFoundException", `traffic distribution group ${idOrArn} not found`);
    return g;
  }

  private replicate(
    i: { InstanceId: string; ReplicaRegion: string; ReplicaAlias: string; ClientToken: string },
    region: string,
  ) {
    const src = this.instance(i.InstanceId, region);
    const existing = this.instances.find((x) => x.id === src.id && x.region === i.ReplicaRegion);
    if (existing && existing.token === i.ClientToken) return { Id: existing.id, Arn: existing.arn };
    if (src.replicatedTo) throw err("ResourceConflictException", "instance is already replicated");
    if (src.status !== "ACTIVE")
      throw err("InvalidRequestException", "source instance is not ACTIVE");
    if (src.identity !== "SAML")
      throw err("InvalidRequestException", "source instance must use SAML");
    if (region !== "ap-northeast-1" || i.ReplicaRegion !== "ap-northeast-3")
      throw err(
        "InvalidRequestException",
        `replication from ${region} to ${i.ReplicaRegion} is not supported`,
      );
    src.replicatedTo = i.ReplicaRegion;
    const replica: Instance = {
      ...src,
      arn: `arn:aws:connect:${i.ReplicaRegion}:${ACCOUNT}:instance/${src.id}`,
      region: i.ReplicaRegion,
      alias: i.ReplicaAlias,
      status: "CREATION_IN_PROGRESS",
      readsUntilActive: this.o.replicaReads,
      replicatedTo: undefined,
      token: i.ClientToken,
    };
    this.instances.push(replica);
    const gid = `tdg-${src.id.slice(0, 8)}`;
    const all = (r: string) => [
      { Region: region, Percentage: r === region ? 100 : 0 },
      { Region: i.ReplicaRegion, Percentage: r === region ? 0 : 100 },
    ];
    this.groups.push({
      id: gid,
      arn: `arn:aws:connect:${region}:${ACCOUNT}:traffic-distribution-group/${gid}`,
      instanceArn: replica.arn,
      isDefault: true,
      status: "CREATION_IN_PROGRESS",
      readsUntilActive: this.o.replicaReads,
      telephony: all(region),
      agents: all(region),
      signIn: [
        { Region: region, Enabled: true },
        { Region: i.ReplicaRegion, Enabled: false },
      ],
    });
    return { Id: replica.id, Arn: replica.arn };
  }

  private describeInstance(idOrArn: string, region: string) {
    const inst = this.instance(idOrArn, region);
    if (inst.status === "CREATION_IN_PROGRESS" && inst.readsUntilActive-- <= 0)
      inst.status = "ACTIVE";
    const replicated = inst.token !== undefined || inst.replicatedTo !== undefined;
    return {
      Instance: {
        Id: inst.id,
        Arn: inst.arn,
        InstanceAlias: inst.alias,
        InstanceStatus: inst.status,
        IdentityManagementType: inst.identity,
      },
      ...(replicated && inst.status === "ACTIVE"
        ? {
            ReplicationConfiguration: {
              GlobalSignInEndpoint: `https://${this.sourceAlias(inst)}.my.connect.aws/global`,
            },
          }
        : {}),
    };
  }

  private sourceAlias(inst: Instance): string {
    return this.instances.find((i) => i.id === inst.id && i.replicatedTo)?.alias ?? inst.alias;
  }

  private settle(g: Group): void {
    if (g.status === "ACTIVE" || g.readsUntilActive-- > 0) return;
    g.status = "ACTIVE";
    if (g.pending) {
      Object.assign(g, g.pending);
      g.pending = undefined;
    }
  }

  private update(i: {
    Id: string;
    TelephonyConfig?: { Distributions: Split };
    AgentConfig?: { Distributions: Split };
    SignInConfig?: { Distributions: { Region: string; Enabled: boolean }[] };
  }) {
    const g = this.group(i.Id);
    if (g.status !== "ACTIVE")
      throw err("ResourceConflictException", `traffic distribution group is ${g.status}`);
    for (const [k, cfg] of [
      ["TelephonyConfig", i.TelephonyConfig],
      ["AgentConfig", i.AgentConfig],
    ] as const) {
      if (!cfg) continue;
      const d = cfg.Distributions;
      if (
        d.length !== 2 ||
        d.reduce((n, x) => n + x.Percentage, 0) !== 100 ||
        d.some((x) => x.Percentage % 10)
      )
        throw err(
          "InvalidRequestException",
          `${k}: list both regions, in 10% steps, summing to 100`,
        );
    }
    if (i.SignInConfig && !g.isDefault)
      throw err("InvalidRequestException", "SignInConfig is only accepted by the default group");
    g.status = "UPDATE_IN_PROGRESS";
    g.readsUntilActive = this.o.updateReads;
    g.pending = {
      telephony: i.TelephonyConfig?.Distributions ?? g.telephony,
      agents: i.AgentConfig?.Distributions ?? g.agents,
      signIn: i.SignInConfig?.Distributions ?? g.signIn,
    };
    return {};
  }
}
