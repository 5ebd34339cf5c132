/**
 * The DR dynamic resources against a stateful fake of Connect (tests/support/fakeConnectDr.ts):
 * replica create/read/delete, traffic distribution apply/read, throttling and eventual consistency.
 */
import { expect } from "chai";
import { ConnectClient } from "@aws-sdk/client-connect";
import { distributionRequest, type Pace } from "../../components/shared/drConnect";
import {
  createReplica,
  deleteReplica,
  readReplicaResource,
  replicaInstanceProvider,
  type ReplicaInstanceInputs,
} from "../../components/contactCenter/replicaInstance";
import {
  applyTraffic,
  readTraffic,
  trafficDistributionProvider,
} from "../../components/dr/trafficDistribution";
import {
  applyGroupAgents,
  groupAgentsProvider,
  readGroupAgents,
  type GroupAgentsInputs,
} from "../../components/dr/groupAgents";
import {
  applyRouting,
  readRouting,
  routingChanged,
  type NumberRoutingInputs,
} from "../../components/dr/numberRouting";
import { FakeConnectDr } from "../support/fakeConnectDr";

/** The traffic distribution of the replica's group, Tokyo → Osaka, with this share in Osaka. */
const osaka = (groupArn: string, drPercent: number) => ({
  groupArn,
  primaryRegion: "ap-northeast-1",
  drRegion: "ap-northeast-3",
  drPercent,
});
const clients = (region: string) =>
  new ConnectClient({ region, credentials: { accessKeyId: "x", secretAccessKey: "x" } });

describe("DR dynamic resources on a fake Connect", () => {
  let fake: FakeConnectDr;
  let pace: Pace;
  let inputs: ReplicaInstanceInputs;
  beforeEach(() => {
    fake = new FakeConnectDr();
    pace = { sleep: fake.sleep, now: fake.now, timeoutMs: 600_000, pollMs: 1_000, maxAttempts: 8 };
    const src = fake.addInstance("ap-northeast-1", "example-bank-cc");
    inputs = {
      sourceRegion: "ap-northeast-1",
      sourceInstanceArn: src.arn,
      replicaRegion: "ap-northeast-3",
      replicaAlias: "example-bank-cc-osaka",
      allowDelete: false,
    };
  });
  afterEach(() => fake.restore());

  it("creates the replica and returns only once it and its default group are ACTIVE", async () => {
    const { id, outs } = await createReplica(clients, inputs, pace);
    expect(id).to.equal(`arn:aws:connect:ap-northeast-3:123456789012:instance/${outs.instanceId}`);
    expect(outs).to.deep.include({ status: "ACTIVE", instanceArn: id });
    expect(outs.trafficDistributionGroupArn).to.match(/:traffic-distribution-group\/tdg-/);
    expect(fake.instances.find((i) => i.region === "ap-northeast-3")?.status).to.equal("ACTIVE");
    expect(fake.groups[0].status).to.equal("ACTIVE");
    // Polled at 1 s: the fake keeps the replica in progress for 3 reads, the group for 3 more.
    expect(fake.mutatingCalls()).to.deep.equal(["ReplicateInstance"]);
    expect(fake.calls.filter((c) => c.command === "DescribeInstance")).to.have.length(4);
  });

  it("a retried create (same inputs) is the same request, not a second replica", async () => {
    await createReplica(clients, inputs, pace);
    const again = await createReplica(clients, inputs, pace);
    expect(again.outs.status).to.equal("ACTIVE");
    expect(fake.instances.filter((i) => i.region === "ap-northeast-3")).to.have.length(1);
  });

  it("fails with Connect's reason when the source cannot be replicated (not SAML)", async () => {
    const managed = fake.addInstance("ap-northeast-1", "managed", "CONNECT_MANAGED");
    let message = "";
    await createReplica(clients, { ...inputs, sourceInstanceArn: managed.arn }, pace).catch(
      (e: Error) => (message = e.message),
    );
    expect(message).to.equal("source instance must use SAML");
  });

  it("read reflects reality: a replica deleted outside Pulumi reads as gone", async () => {
    const { id, outs } = await createReplica(clients, inputs, pace);
    expect((await readReplicaResource(clients, id, outs, pace)).props?.status).to.equal("ACTIVE");
    fake.instances.splice(
      fake.instances.findIndex((i) => i.arn === id),
      1,
    );
    expect(await readReplicaResource(clients, id, outs, pace)).to.deep.equal({});
  });

  it("refuses to delete unless allowed, naming the config key; deletes when allowed", async () => {
    const { id, outs } = await createReplica(clients, inputs, pace);
    let message = "";
    await deleteReplica(clients, id, outs, pace).catch((e: Error) => (message = e.message));
    expect(message).to.include("refusing to delete the Connect replica");
    expect(message).to.include("customerchannel:failover.allowReplicaDeletion");
    expect(fake.mutatingCalls()).to.deep.equal(["ReplicateInstance"]);
    await deleteReplica(clients, id, { ...outs, allowDelete: true }, pace);
    expect(fake.instances.filter((i) => i.region === "ap-northeast-3")).to.deep.equal([]);
  });

  it("diff: alias or source changes replace (delete first), allowDelete updates in place", async () => {
    const { outs } = await createReplica(clients, inputs, pace);
    const diff = replicaInstanceProvider.diff!.bind(replicaInstanceProvider);
    expect(await diff("id", outs, { ...inputs, replicaAlias: "other" })).to.deep.equal({
      changes: true,
      replaces: ["replicaAlias"],
      deleteBeforeReplace: true,
    });
    expect(await diff("id", outs, { ...inputs, allowDelete: true })).to.deep.equal({
      changes: true,
      replaces: [],
      deleteBeforeReplace: true,
    });
    expect((await diff("id", outs, inputs)).changes).to.equal(false);
  });

  it("flips telephony, agents and sign-in together through the DR endpoint and waits for it", async () => {
    const { outs } = await createReplica(clients, inputs, pace);
    const dist = osaka(outs.trafficDistributionGroupArn, 100);
    const applied = await applyTraffic(clients("ap-northeast-3"), dist, pace);
    expect(applied).to.deep.include({
      drPercent: 100,
      agentsDrPercent: 100,
      signIn: { "ap-northeast-1": false, "ap-northeast-3": true },
    });
    const update = fake.calls.filter((c) => c.command === "UpdateTrafficDistribution");
    expect(update.map((c) => c.region)).to.deep.equal(["ap-northeast-3"]);
    // Read reports Connect's split: a change made elsewhere shows as drift.
    fake.groups[0].telephony = [
      { Region: "ap-northeast-1", Percentage: 70 },
      { Region: "ap-northeast-3", Percentage: 30 },
    ];
    const read = await readTraffic(clients("ap-northeast-3"), applied, pace);
    expect(read.drPercent).to.equal(30);
    const diff = await trafficDistributionProvider.diff!("id", read, dist);
    expect(diff.changes).to.equal(true);
  });

  it("a partial drill (30%) keeps sign-in open in both regions", () => {
    expect(
      distributionRequest("arn:tdg", {
        primaryRegion: "ap-northeast-1",
        drRegion: "ap-northeast-3",
        drPercent: 30,
      }),
    ).to.deep.equal({
      Id: "arn:tdg",
      TelephonyConfig: {
        Distributions: [
          { Region: "ap-northeast-1", Percentage: 70 },
          { Region: "ap-northeast-3", Percentage: 30 },
        ],
      },
      AgentConfig: {
        Distributions: [
          { Region: "ap-northeast-1", Percentage: 70 },
          { Region: "ap-northeast-3", Percentage: 30 },
        ],
      },
      SignInConfig: {
        Distributions: [
          { Region: "ap-northeast-1", Enabled: true },
          { Region: "ap-northeast-3", Enabled: true },
        ],
      },
    });
    expect(() =>
      distributionRequest("arn:tdg", { primaryRegion: "a", drRegion: "b", drPercent: 25 }),
    ).to.throw("drPercent 25: use 0-100 in steps of 10");
  });

  it("rides out throttling: a burst of reads over the 2/s quota is retried, nothing fails", async () => {
    const { outs } = await createReplica(clients, inputs, pace);
    const dist = osaka(outs.trafficDistributionGroupArn, 0);
    // 12 reads at once on a virtual clock that does not move: the bucket (burst 5) runs dry.
    const reads = await Promise.all(
      Array.from({ length: 12 }, () =>
        readTraffic(clients("ap-northeast-3"), { ...dist, agentsDrPercent: 0, signIn: {} }, pace),
      ),
    );
    expect(reads.every((r) => r.drPercent === 0)).to.equal(true);
    expect(fake.calls.some((c) => c.throttled)).to.equal(true);
  });

  it("an update refused while the group is still updating is reported, not retried blindly", async () => {
    const { outs } = await createReplica(clients, inputs, pace);
    fake.failNext(
      "UpdateTrafficDistribution",
      Object.assign(new Error("traffic distribution group is UPDATE_IN_PROGRESS"), {
        name: "ResourceConflictException",
      }),
    );
    let message = "";
    await applyTraffic(
      clients("ap-northeast-3"),
      osaka(outs.trafficDistributionGroupArn, 100),
      pace,
    ).catch((e: Error) => (message = e.message));
    expect(message).to.equal("traffic distribution group is UPDATE_IN_PROGRESS");
  });

  it("GroupAgents associates the program's agents with the group, and refresh finds new ones", async () => {
    const { outs } = await createReplica(clients, inputs, pace);
    const tokyo = fake.instances[0];
    fake.furnish(tokyo, {
      users: [
        { Id: "u1", Username: "sato", RoutingProfileId: "rp-customer-desk" },
        { Id: "u2", Username: "suzuki", RoutingProfileId: "rp-customer-desk" },
        { Id: "u3", Username: "tanaka", RoutingProfileId: "rp-agency-desk" },
        // An administrator on Connect's default profile takes no calls: not moved.
        { Id: "u4", Username: "admin", RoutingProfileId: "rp-basic" },
      ],
    });
    const i: GroupAgentsInputs = {
      region: "ap-northeast-1",
      groupArn: outs.trafficDistributionGroupArn,
      instanceId: tokyo.id,
      routingProfileIds: ["rp-customer-desk", "rp-agency-desk"],
    };
    const before = fake.mutatingCalls().length;
    const applied = await applyGroupAgents(clients("ap-northeast-1"), i, pace);
    expect(applied).to.deep.include({ associated: 3, outside: 0 });
    expect(fake.groupUsers.get(i.groupArn)).to.deep.equal(["u1", "u2", "u3"]);
    expect(fake.mutatingCalls().slice(before)).to.deep.equal(
      Array<string>(3).fill("AssociateTrafficDistributionGroupUser"),
    );
    // A new agent joins the customer desk: refresh shows one outside, diff asks for an update.
    fake.furnish(tokyo, {
      users: [{ Id: "u5", Username: "ito", RoutingProfileId: "rp-customer-desk" }],
    });
    const read = await readGroupAgents(clients("ap-northeast-1"), applied, pace);
    expect(read).to.deep.include({ associated: 3, outside: 1 });
    const diff = await groupAgentsProvider.diff!("id", read, i);
    expect(diff.changes).to.equal(true);
    await applyGroupAgents(clients("ap-northeast-1"), i, pace);
    expect(fake.groupUsers.get(i.groupArn)).to.deep.equal(["u1", "u2", "u3", "u5"]);
    const settled = await readGroupAgents(clients("ap-northeast-1"), applied, pace);
    expect((await groupAgentsProvider.diff!("id", settled, i)).changes).to.equal(false);
  });

  it("NumberRouting points each number at its flow and reads back what Connect reports", async () => {
    const dr = fake.addInstance("ap-southeast-1", "example-bank-cc-dr", "CONNECT_MANAGED");
    fake.furnish(dr, { flowNames: ["inbound-main", "after-hours", "dr-standby"] });
    const numbers = fake.claimNumbers("ap-southeast-1", dr.arn, 3, "flow-dr-standby");
    const i: NumberRoutingInputs = {
      region: "ap-southeast-1",
      instanceId: dr.id,
      routes: [
        { numberArn: numbers[0].arn, flowId: `${dr.arn}/contact-flow/flow-inbound-main` },
        { numberArn: numbers[1].arn, flowId: "flow-inbound-main" },
        { numberArn: numbers[2].arn, flowId: "flow-after-hours" },
      ],
    };
    const outs = await applyRouting(clients("ap-southeast-1"), i, pace);
    // Flow ids or ARNs: compared by id.
    expect(Object.values(outs.ringing)).to.deep.equal([
      "flow-inbound-main",
      "flow-inbound-main",
      "flow-after-hours",
    ]);
    expect(routingChanged(outs, i)).to.equal(false);
    // Applying again sends nothing.
    const mutating = fake.mutatingCalls().length;
    await applyRouting(clients("ap-southeast-1"), i, pace);
    expect(fake.mutatingCalls().length).to.equal(mutating);
    // A drill (or the console) puts a number back on standby: read shows it, diff wants it back.
    numbers[2].flowId = "flow-dr-standby";
    const read = await readRouting(clients("ap-southeast-1"), outs, pace);
    expect(read.ringing[numbers[2].arn]).to.equal("flow-dr-standby");
    expect(routingChanged(read, i)).to.equal(true);
  });
});
