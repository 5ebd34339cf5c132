/**
 * A fake of the Connect read APIs the configuration backup uses (functions/config-backup/
 * collections.ts), installed on every ConnectClient with aws-sdk-client-mock:
 *   - one instance of generated, realistic-looking configuration: flows whose content refers to
 *     queues, prompts, Lambda functions, Lex aliases and other flows by ARN; modules; queues;
 *     routing profiles with queue configs; hours; quick connects; security profiles with
 *     permissions; prompts; users; hierarchy; phone numbers and their flows; integrations;
 *   - pagination as Connect does it (MaxResults capped per API, opaque NextToken);
 *   - Connect's quota per API (throttling is per API and account: 2/s, burst 5) on a virtual
 *     clock, answering TooManyRequestsException; a 429 storm window; injected faults;
 *   - a request id on every answer.
 *
 * Over 500 lines on purpose: It generates a realistic instance configuration and serves every read
 * API the backup uses over it.
 */
import * as Connect from "@aws-sdk/client-connect";
import { mockClient, type AwsClientStub } from "aws-sdk-client-mock";
import { VirtualClock } from "./virtualClock";

const ACCOUNT = "123456789012";
const err = (name: string, message: string) => Object.assign(new Error(message), { name });
type Rec = Record<string, unknown>;

export interface ConfigSizes {
  flows: number;
  modules: number;
  queues: number;
  routingProfiles: number;
  hours: number;
  quickConnects: number;
  securityProfiles: number;
  prompts: number;
  users: number;
  hierarchyGroups: number;
  phoneNumbers: number;
}

export const SMALL: ConfigSizes = {
  flows: 12,
  modules: 2,
  queues: 6,
  routingProfiles: 4,
  hours: 4,
  quickConnects: 3,
  securityProfiles: 3,
  prompts: 5,
  users: 30,
  hierarchyGroups: 3,
  phoneNumbers: 2,
};

export interface FakeConfigOptions {
  readonly region?: string;
  /** Another instance: its own instance id and object ids (same names). */
  readonly instanceId?: string;
  readonly idSalt?: string;
  readonly rate?: number;
  readonly burst?: number;
}

let salt = "0000";
const id = (kind: string, k: number) =>
  `${kind.slice(0, 8).padEnd(8, "0")}-${String(k).padStart(4, "0")}-4000-8000-${salt}00000000`;

export class FakeConnectConfig {
  readonly stub: AwsClientStub<Connect.ConnectClient>;
  readonly region: string;
  readonly instanceId: string;
  readonly instanceArn: string;
  private created = 0;
  /** Virtual time: concurrent sleepers wait side by side (see virtualClock.ts). */
  readonly time = new VirtualClock(Date.parse("2026-12-01T18:00:00Z"));
  readonly calls: { api: string; at: number; throttled: boolean }[] = [];
  readonly data: Record<string, Rec[]> = {};
  /** Per-item lists: routing profile → queue configs, security profile → permissions. */
  readonly queueConfigs = new Map<string, Rec[]>();
  readonly permissions = new Map<string, string[]>();
  /** Calls in [from, to) of the virtual clock are all throttled (a 429 storm). */
  storm?: { from: number; to: number };
  private readonly buckets = new Map<string, { tokens: number; last: number }>();
  private readonly faults = new Map<string, (Error | undefined)[]>();
  private readonly rate: number;
  private readonly burst: number;

  constructor(sizes: ConfigSizes = SMALL, o: FakeConfigOptions = {}) {
    this.region = o.region ?? "ap-northeast-1";
    this.rate = o.rate ?? 2;
    this.burst = o.burst ?? 5;
    this.instanceId = o.instanceId ?? "ffffffff-1111-4222-8333-444444444444";
    salt = (o.idSalt ?? "0000").padStart(4, "0").slice(0, 4);
    this.instanceArn = `arn:aws:connect:${this.region}:${ACCOUNT}:instance/${this.instanceId}`;
    this.seed(sizes);
    this.stub = mockClient(Connect.ConnectClient);
    const page = (api: string, list: () => unknown[], key: string, max: number) =>
      this.on(api, (i: { NextToken?: string; MaxResults?: number }) => {
        const all = list();
        const start = Number(i.NextToken ?? 0);
        const size = Math.min(i.MaxResults ?? max, max);
        return {
          [key]: all.slice(start, start + size),
          NextToken: start + size < all.length ? String(start + size) : undefined,
        };
      });
    const d = this.data;
    this.on("DescribeInstance", () => ({
      Instance: {
        Id: this.instanceId,
        Arn: this.instanceArn,
        InstanceAlias: "example-bank-cc",
        IdentityManagementType: "SAML",
        InstanceStatus: "ACTIVE",
        InboundCallsEnabled: true,
        OutboundCallsEnabled: true,
      },
    }));
    page("ListInstanceAttributes", () => d.attributes, "Attributes", 7);
    this.on("ListInstanceStorageConfigs", (i: { ResourceType: string }) => ({
      StorageConfigs: d.storage.filter((s) => s.ResourceType === i.ResourceType),
    }));
    page(
      "ListContactFlows",
      () =>
        d.flows.map((f) => ({
          Id: f.Id,
          Arn: f.Arn,
          Name: f.Name,
          ContactFlowType: f.Type,
          ContactFlowState: "ACTIVE",
          ContactFlowStatus: "PUBLISHED",
        })),
      "ContactFlowSummaryList",
      1000,
    );
    this.on("DescribeContactFlow", (i: { ContactFlowId: string }) => ({
      ContactFlow: this.find("flows", "Id", i.ContactFlowId),
    }));
    page(
      "ListContactFlowModules",
      () => d.modules.map((m) => ({ Id: m.Id, Arn: m.Arn, Name: m.Name, State: "ACTIVE" })),
      "ContactFlowModulesSummaryList",
      1000,
    );
    this.on("DescribeContactFlowModule", (i: { ContactFlowModuleId: string }) => ({
      ContactFlowModule: this.find("modules", "Id", i.ContactFlowModuleId),
    }));
    page("SearchQueues", () => d.queues, "Queues", 100);
    page("SearchRoutingProfiles", () => d.routingProfiles, "RoutingProfiles", 100);
    this.on(
      "ListRoutingProfileQueues",
      (i: { RoutingProfileId: string; NextToken?: string; MaxResults?: number }) => {
        const all = this.queueConfigs.get(i.RoutingProfileId);
        if (!all) throw err("ResourceNotFoundException", `routing profile ${i.RoutingProfileId}`);
        const start = Number(i.NextToken ?? 0);
        const size = Math.min(i.MaxResults ?? 100, 100);
        return {
          RoutingProfileQueueConfigSummaryList: all.slice(start, start + size),
          NextToken: start + size < all.length ? String(start + size) : undefined,
        };
      },
    );
    page("SearchHoursOfOperations", () => d.hours, "HoursOfOperations", 100);
    page("SearchQuickConnects", () => d.quickConnects, "QuickConnects", 100);
    page(
      "SearchSecurityProfiles",
      () => d.securityProfiles.map((s) => ({ Id: s.Id, Arn: s.Arn, SecurityProfileName: s.Name })),
      "SecurityProfiles",
      100,
    );
    this.on("ListSecurityProfilePermissions", (i: { SecurityProfileId: string }) => ({
      Permissions: this.permissions.get(i.SecurityProfileId) ?? [],
    }));
    page("SearchPrompts", () => d.prompts, "Prompts", 100);
    page("SearchUsers", () => d.users, "Users", 100);
    this.on("DescribeUserHierarchyStructure", () => ({
      HierarchyStructure: { LevelOne: { Id: "level-1", Name: "部門" } },
    }));
    page("SearchUserHierarchyGroups", () => d.hierarchyGroups, "UserHierarchyGroups", 100);
    page("ListPhoneNumbersV2", () => d.phoneNumbers, "ListPhoneNumbersSummaryList", 1000);
    page("ListFlowAssociations", () => d.phoneNumberFlows, "FlowAssociationSummaryList", 100);
    page("ListLambdaFunctions", () => d.lambdas.map((l) => l.FunctionArn), "LambdaFunctions", 25);
    page("ListBots", () => d.bots, "LexBots", 25);
    this.writes();
  }

  /** Create/Update APIs the restore uses, with Connect's name uniqueness and content checks. */
  private writes(): void {
    const d = this.data;
    const fresh = (kind: string) => id(`new${kind}`.slice(0, 8), this.created++);
    const unique = (collection: string, name: string) => {
      if (d[collection].some((x) => (x.Name ?? x.SecurityProfileName) === name))
        throw err("DuplicateResourceException", `${collection} ${name} already exists`);
    };
    const content = (c: string) => {
      let parsed: { Actions?: unknown };
      try {
        parsed = JSON.parse(c) as { Actions?: unknown };
      } catch {
        throw err("InvalidContactFlowException", "content is not JSON");
      }
      if (!Array.isArray(parsed.Actions))
        throw err("InvalidContactFlowException", "content has no Actions");
      // Connect refuses flows that point at another instance's resources.
      const foreign = /instance\/([0-9a-f-]{36})/g;
      for (const m of c.matchAll(foreign))
        if (m[1] !== this.instanceId)
          throw err("InvalidContactFlowException", `references instance ${m[1]}`);
      return c;
    };
    const byId = (collection: string, key: string, v: string) => this.find(collection, key, v);
    this.on("CreateContactFlow", (i: Rec) => {
      unique("flows", String(i.Name));
      const fid = fresh("flow");
      d.flows.push({
        Id: fid,
        Arn: this.arn("contact-flow", fid),
        Name: i.Name,
        Type: i.Type,
        State: "ACTIVE",
        Status: i.Status ?? "PUBLISHED",
        Content: content(String(i.Content)),
        Tags: i.Tags,
      });
      return { ContactFlowId: fid, ContactFlowArn: this.arn("contact-flow", fid) };
    });
    this.on("UpdateContactFlowContent", (i: Rec) => {
      // `<id>:$SAVED` saves a draft; the plain id publishes.
      const [fid, alias] = String(i.ContactFlowId).split(":");
      const f = byId("flows", "Id", fid);
      f.Content = content(String(i.Content));
      f.Status = alias === "$SAVED" ? "SAVED" : "PUBLISHED";
      return {};
    });
    this.on("CreateContactFlowModule", (i: Rec) => {
      unique("modules", String(i.Name));
      const mid = fresh("module");
      d.modules.push({
        Id: mid,
        Arn: this.arn("flow-module", mid),
        Name: i.Name,
        State: "ACTIVE",
        Status: "PUBLISHED",
        Content: content(String(i.Content)),
        Tags: i.Tags,
      });
      return { Id: mid, Arn: this.arn("flow-module", mid) };
    });
    this.on("UpdateContactFlowModuleContent", (i: Rec) => {
      byId("modules", "Id", String(i.ContactFlowModuleId)).Content = content(String(i.Content));
      return {};
    });
    this.on("CreateHoursOfOperation", (i: Rec) => {
      unique("hours", String(i.Name));
      const hid = fresh("hours");
      d.hours.push({
        HoursOfOperationId: hid,
        HoursOfOperationArn: this.arn("operating-hours", hid),
        Name: i.Name,
        TimeZone: i.TimeZone,
        Config: i.Config,
        Description: i.Description,
        Tags: i.Tags,
      });
      return { HoursOfOperationId: hid, HoursOfOperationArn: this.arn("operating-hours", hid) };
    });
    this.on("UpdateHoursOfOperation", (i: Rec) => {
      Object.assign(byId("hours", "HoursOfOperationId", String(i.HoursOfOperationId)), {
        Name: i.Name,
        TimeZone: i.TimeZone,
        Config: i.Config,
      });
      return {};
    });
    const existing = (collection: string, key: string, v: unknown) => {
      if (!d[collection].some((x) => x[key] === v))
        throw err("ResourceNotFoundException", `${collection} ${String(v)} not found`);
    };
    this.on("CreateQueue", (i: Rec) => {
      unique("queues", String(i.Name));
      existing("hours", "HoursOfOperationId", i.HoursOfOperationId);
      const qid = fresh("queue");
      d.queues.push({
        QueueId: qid,
        QueueArn: this.arn("queue", qid),
        Name: i.Name,
        HoursOfOperationId: i.HoursOfOperationId,
        MaxContacts: i.MaxContacts,
        OutboundCallerConfig: i.OutboundCallerConfig,
        Status: "ENABLED",
        Tags: i.Tags,
      });
      return { QueueId: qid, QueueArn: this.arn("queue", qid) };
    });
    this.on("UpdateQueueHoursOfOperation", (i: Rec) => {
      existing("hours", "HoursOfOperationId", i.HoursOfOperationId);
      byId("queues", "QueueId", String(i.QueueId)).HoursOfOperationId = i.HoursOfOperationId;
      return {};
    });
    this.on("UpdateQueueMaxContacts", (i: Rec) => {
      byId("queues", "QueueId", String(i.QueueId)).MaxContacts = i.MaxContacts;
      return {};
    });
    const queueConfigs = (rid: string, list: Rec[]) => {
      for (const q of list) existing("queues", "QueueId", (q.QueueReference as Rec).QueueId);
      this.queueConfigs.set(
        rid,
        list.map((q) => {
          const ref = q.QueueReference as Rec;
          const queue = byId("queues", "QueueId", String(ref.QueueId));
          return {
            QueueId: ref.QueueId,
            QueueArn: queue.QueueArn,
            QueueName: queue.Name,
            Channel: ref.Channel,
            Priority: q.Priority,
            Delay: q.Delay,
          };
        }),
      );
    };
    this.on("CreateRoutingProfile", (i: Rec) => {
      unique("routingProfiles", String(i.Name));
      existing("queues", "QueueId", i.DefaultOutboundQueueId);
      const rid = fresh("routing");
      d.routingProfiles.push({
        RoutingProfileId: rid,
        RoutingProfileArn: this.arn("routing-profile", rid),
        Name: i.Name,
        Description: i.Description,
        DefaultOutboundQueueId: i.DefaultOutboundQueueId,
        MediaConcurrencies: i.MediaConcurrencies,
        Tags: i.Tags,
      });
      queueConfigs(rid, (i.QueueConfigs as Rec[]) ?? []);
      return { RoutingProfileId: rid, RoutingProfileArn: this.arn("routing-profile", rid) };
    });
    this.on("UpdateRoutingProfileConcurrency", (i: Rec) => {
      byId("routingProfiles", "RoutingProfileId", String(i.RoutingProfileId)).MediaConcurrencies =
        i.MediaConcurrencies;
      return {};
    });
    this.on("UpdateRoutingProfileDefaultOutboundQueue", (i: Rec) => {
      existing("queues", "QueueId", i.DefaultOutboundQueueId);
      byId(
        "routingProfiles",
        "RoutingProfileId",
        String(i.RoutingProfileId),
      ).DefaultOutboundQueueId = i.DefaultOutboundQueueId;
      return {};
    });
    this.on("UpdateRoutingProfileQueues", (i: Rec) => {
      queueConfigs(String(i.RoutingProfileId), (i.QueueConfigs as Rec[]) ?? []);
      return {};
    });
    this.on("CreateSecurityProfile", (i: Rec) => {
      unique("securityProfiles", String(i.SecurityProfileName));
      const sid = fresh("security");
      d.securityProfiles.push({
        Id: sid,
        Arn: this.arn("security-profile", sid),
        Name: i.SecurityProfileName,
        Tags: i.Tags,
      });
      this.permissions.set(sid, (i.Permissions as string[]) ?? []);
      return { SecurityProfileId: sid, SecurityProfileArn: this.arn("security-profile", sid) };
    });
    this.on("UpdateSecurityProfile", (i: Rec) => {
      byId("securityProfiles", "Id", String(i.SecurityProfileId));
      this.permissions.set(String(i.SecurityProfileId), (i.Permissions as string[]) ?? []);
      return {};
    });
    this.on("CreateQuickConnect", (i: Rec) => {
      unique("quickConnects", String(i.Name));
      const qid = fresh("quick");
      d.quickConnects.push({
        QuickConnectId: qid,
        QuickConnectARN: this.arn("transfer-destination", qid),
        Name: i.Name,
        QuickConnectConfig: i.QuickConnectConfig,
        Tags: i.Tags,
      });
      return { QuickConnectId: qid, QuickConnectARN: this.arn("transfer-destination", qid) };
    });
    this.on("UpdateQuickConnectConfig", (i: Rec) => {
      byId("quickConnects", "QuickConnectId", String(i.QuickConnectId)).QuickConnectConfig =
        i.QuickConnectConfig;
      return {};
    });
  }

  restore(): void {
    this.stub.restore();
  }

  readonly sleep = (ms: number): Promise<void> => this.time.sleep(ms);
  readonly now = (): number => this.time.now();
  get clock(): number {
    return this.time.now();
  }

  /** The `n`th call of `api` from now fails with `error`. */
  failNth(api: string, n: number, error: Error): void {
    const q = this.faults.get(api) ?? [];
    while (q.length < n - 1) q.push(undefined);
    q[n - 1] = error;
    this.faults.set(api, q);
  }

  /** Successful calls per API. */
  callsPer(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const c of this.calls) if (!c.throttled) out[c.api] = (out[c.api] ?? 0) + 1;
    return out;
  }

  private on<I>(api: string, f: (input: I) => Rec): void {
    const cmd = (Connect as unknown as Record<string, unknown>)[`${api}Command`];
    this.stub.on(cmd as never).callsFake((input: I) => {
      const b = this.buckets.get(api) ?? { tokens: this.burst, last: this.time.now() };
      b.tokens = Math.min(this.burst, b.tokens + ((this.time.now() - b.last) / 1000) * this.rate);
      b.last = this.time.now();
      this.buckets.set(api, b);
      const stormy =
        this.storm && this.time.now() >= this.storm.from && this.time.now() < this.storm.to;
      if (b.tokens < 1 || stormy) {
        this.calls.push({ api, at: this.time.now(), throttled: true });
        return Promise.reject(err("TooManyRequestsException", "Rate exceeded"));
      }
      b.tokens -= 1;
      this.calls.push({ api, at: this.time.now(), throttled: false });
      const fault = this.faults.get(api)?.shift();
      if (fault) return Promise.reject(fault);
      try {
        return Promise.resolve({
          ...f(input),
          $metadata: { httpStatusCode: 200, requestId: `req-${this.calls.length}` },
        });
      } catch (e) {
        return Promise.reject(e instanceof Error ? e : new Error(String(e)));
      }
    });
  }

  private find(collection: string, key: string, value: string): Rec {
    const hit = this.data[collection].find((x) => x[key] === value);
    if (!hit) throw err("ResourceNotFoundException", `${collection} ${value} not found`);
    return hit;
  }

  private arn(kind: string, rid: string) {
    return `${this.instanceArn}/${kind}/${rid}`;
  }

  private seed(n: ConfigSizes): void {
    const times = <T>(k: number, f: (i: number) => T) => Array.from({ length: k }, (_, i) => f(i));
    const acct = `arn:aws:lambda:${this.region}:${ACCOUNT}:function`;
    this.data.lambdas = [
      { FunctionArn: `${acct}:customerchannel-caller-auth` },
      { FunctionArn: `${acct}:customerchannel-balance` },
    ];
    this.data.bots = [
      {
        LexV2Bot: {
          AliasArn: `arn:aws:lex:${this.region}:${ACCOUNT}:bot-alias/BOT0000001/ALIAS00001`,
        },
      },
    ];
    this.data.hours = times(n.hours, (i) => ({
      HoursOfOperationId: id("hours", i),
      HoursOfOperationArn: this.arn("operating-hours", id("hours", i)),
      Name: i === 0 ? "business" : `hours-${i}`,
      TimeZone: "Asia/Tokyo",
      Config: [
        { Day: "MONDAY", StartTime: { Hours: 9, Minutes: 0 }, EndTime: { Hours: 17, Minutes: 0 } },
      ],
    }));
    this.data.prompts = times(n.prompts, (i) => ({
      PromptId: id("prompt", i),
      PromptARN: this.arn("prompt", id("prompt", i)),
      Name: `お知らせ-${i}`,
    }));
    this.data.flows = [];
    this.data.queues = times(n.queues, (i) => ({
      QueueId: id("queue", i),
      QueueArn: this.arn("queue", id("queue", i)),
      Name: i === 0 ? "customer-desk" : `queue-${i}`,
      HoursOfOperationId: this.data.hours[i % n.hours].HoursOfOperationId,
      Status: "ENABLED",
      MaxContacts: 50,
      OutboundCallerConfig: { OutboundCallerIdName: "カスタマーセンター" },
    }));
    const queueArn = (i: number) => this.data.queues[i % n.queues].QueueArn as string;
    const flowArn = (i: number) => this.arn("contact-flow", id("flow", i));
    this.data.flows = times(n.flows, (i) => ({
      Id: id("flow", i),
      Arn: flowArn(i),
      Name: i === 0 ? "inbound-main" : `flow-${i}`,
      Type: "CONTACT_FLOW",
      State: "ACTIVE",
      Status: "PUBLISHED",
      Content: JSON.stringify({
        Version: "2019-10-30",
        StartAction: "a1",
        Actions: [
          {
            Identifier: "a1",
            Type: "InvokeLambdaFunction",
            Parameters: {
              LambdaFunctionARN: this.data.lambdas[0].FunctionArn,
              InvocationTimeLimitSeconds: "8",
            },
            Transitions: { NextAction: "a2" },
          },
          {
            Identifier: "a2",
            Type: "MessageParticipant",
            Parameters: { PromptId: this.data.prompts[i % n.prompts].PromptARN },
            Transitions: { NextAction: "a3" },
          },
          {
            Identifier: "a3",
            Type: "UpdateContactTargetQueue",
            Parameters: { QueueId: queueArn(i) },
            Transitions: { NextAction: "a4" },
          },
          {
            Identifier: "a4",
            Type: "TransferToFlow",
            Parameters: { ContactFlowId: flowArn((i + 1) % n.flows) },
            Transitions: {},
          },
        ],
      }),
    }));
    this.data.modules = times(n.modules, (i) => ({
      Id: id("module", i),
      Arn: this.arn("flow-module", id("module", i)),
      Name: `module-${i}`,
      State: "ACTIVE",
      Status: "PUBLISHED",
      Content: JSON.stringify({ Version: "2019-10-30", StartAction: "m1", Actions: [] }),
    }));
    this.data.routingProfiles = times(n.routingProfiles, (i) => {
      const rid = id("routing", i);
      this.queueConfigs.set(
        rid,
        times(Math.min(3, n.queues), (k) => ({
          QueueId: this.data.queues[(i + k) % n.queues].QueueId,
          QueueArn: queueArn(i + k),
          QueueName: this.data.queues[(i + k) % n.queues].Name,
          Priority: k + 1,
          Delay: 0,
          Channel: "VOICE",
        })),
      );
      return {
        RoutingProfileId: rid,
        RoutingProfileArn: this.arn("routing-profile", rid),
        Name: i === 0 ? "customer-desk" : `profile-${i}`,
        DefaultOutboundQueueId: this.data.queues[i % n.queues].QueueId,
        MediaConcurrencies: [{ Channel: "VOICE", Concurrency: 1 }],
      };
    });
    this.data.quickConnects = times(n.quickConnects, (i) => ({
      QuickConnectId: id("quick", i),
      QuickConnectARN: this.arn("transfer-destination", id("quick", i)),
      Name: `quick-${i}`,
      QuickConnectConfig: {
        QuickConnectType: "QUEUE",
        QueueConfig: {
          QueueId: this.data.queues[i % n.queues].QueueId,
          ContactFlowId: id("flow", 0),
        },
      },
    }));
    this.data.securityProfiles = times(n.securityProfiles, (i) => {
      const sid = id("security", i);
      this.permissions.set(sid, ["BasicAgentAccess", "OutboundCallAccess"].slice(0, 1 + (i % 2)));
      return { Id: sid, Arn: this.arn("security-profile", sid), Name: `security-${i}` };
    });
    this.data.hierarchyGroups = times(n.hierarchyGroups, (i) => ({
      Id: id("group", i),
      Arn: this.arn("agent-group", id("group", i)),
      Name: `部門-${i}`,
      LevelId: "1",
    }));
    this.data.users = times(n.users, (i) => ({
      Id: id("user", i),
      Arn: this.arn("agent", id("user", i)),
      Username: `agent${i}@example-bank.jp`,
      IdentityInfo: { FirstName: "太郎", LastName: `銀行${i}` },
      PhoneConfig: { PhoneType: "SOFT_PHONE", AutoAccept: false, AfterContactWorkTimeLimit: 60 },
      RoutingProfileId: this.data.routingProfiles[i % n.routingProfiles].RoutingProfileId,
      SecurityProfileIds: [this.data.securityProfiles[0].Id],
      HierarchyGroupId: this.data.hierarchyGroups[i % Math.max(1, n.hierarchyGroups)]?.Id,
    }));
    this.data.phoneNumbers = times(n.phoneNumbers, (i) => ({
      PhoneNumberId: id("phone", i),
      PhoneNumberArn: `arn:aws:connect:${this.region}:${ACCOUNT}:phone-number/${id("phone", i)}`,
      PhoneNumber: `+8150${String(30_000_000 + i)}`,
      PhoneNumberType: "DID",
      PhoneNumberCountryCode: "JP",
      TargetArn: this.instanceArn,
    }));
    this.data.phoneNumberFlows = this.data.phoneNumbers.map((p) => ({
      ResourceId: p.PhoneNumberArn,
      FlowId: flowArn(0),
      ResourceType: "VOICE_PHONE_NUMBER",
    }));
    this.data.attributes = [
      "INBOUND_CALLS",
      "OUTBOUND_CALLS",
      "CONTACTFLOW_LOGS",
      "CONTACT_LENS",
      "AUTO_RESOLVE_BEST_VOICES",
      "USE_CUSTOM_TTS_VOICES",
      "EARLY_MEDIA",
      "MULTI_PARTY_CONFERENCE",
    ].map((AttributeType) => ({ AttributeType, Value: "true" }));
    this.data.storage = ["CALL_RECORDINGS", "CHAT_TRANSCRIPTS", "SCHEDULED_REPORTS"]
      .map((t, k) => ({
        AssociationId: `assoc-${k}`,
        ResourceType: t,
        StorageType: "S3",
        S3Config: {
          BucketName: "tokyo-contact-data",
          BucketPrefix: `connect/${this.region}`,
          EncryptionConfig: {
            EncryptionType: "KMS",
            KeyId: `arn:aws:kms:${this.region}:${ACCOUNT}:key/k`,
          },
        },
      }))
      .concat([
        {
          AssociationId: "assoc-ctr",
          ResourceType: "CONTACT_TRACE_RECORDS",
          StorageType: "KINESIS_FIREHOSE",
          S3Config: undefined as never,
        },
      ]);
  }
}
