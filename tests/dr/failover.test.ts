/** The dr stack in replica mode: the replica it creates and the Failover component's traffic split. */
import { expect } from "chai";
import { runStack, type Recorded } from "../support/harness";

describe("dr stack (replica): ReplicaInstance and Failover", () => {
  let tokyo: Recorded;
  let dr: Recorded;
  before(async () => {
    [tokyo, dr] = await Promise.all([runStack("tokyo"), runStack("dr")]);
  });

  it("replicates tokyo's instance into Osaka, protected and with deletion refused by default", () => {
    const r = dr.get("pulumi-nodejs:dynamic/customerchannel:ReplicaInstance", "dr-replica");
    expect(r.inputs).to.deep.include({
      sourceRegion: "ap-northeast-1",
      sourceInstanceArn: tokyo.run.outputs.instanceArn,
      replicaRegion: "ap-northeast-3",
      allowDelete: false,
    });
    expect(r.protect).to.equal(true);
    // The replica keeps the source's id: Osaka's storage configs and outputs use it.
    expect(dr.run.outputs.instanceId).to.equal(tokyo.run.outputs.instanceId);
    expect(String(dr.run.outputs.instanceArn)).to.match(/^arn:aws:connect:ap-northeast-3:/);
    for (const s of dr.ofType("aws:connect/instanceStorageConfig:InstanceStorageConfig"))
      expect(s.inputs.instanceId).to.equal(tokyo.run.outputs.instanceId);
  });

  it("keeps all traffic in Tokyo by default, on the replica's default group", () => {
    const t = dr.get(
      "pulumi-nodejs:dynamic/customerchannel:TrafficDistribution",
      "dr-failover-traffic",
    );
    expect(t.inputs).to.deep.include({
      groupArn: dr.run.outputs.trafficDistributionGroupArn,
      primaryRegion: "ap-northeast-1",
      drRegion: "ap-northeast-3",
      drPercent: 0,
    });
    expect(t.parentUrn).to.equal(dr.get("customerchannel:dr:Failover", "dr-failover").urn);
    expect(dr.run.outputs).to.deep.include({
      failoverDrPercent: 0,
      failoverActiveRegion: "ap-northeast-1",
      failoverSignIn: { "ap-northeast-1": true, "ap-northeast-3": false },
    });
  });

  it("activeRegion dr is the failover; drPercent makes a partial drill", async () => {
    const over = await runStack("dr", { failover: { activeRegion: "dr" } });
    expect(over.run.outputs).to.deep.include({
      failoverDrPercent: 100,
      failoverActiveRegion: "ap-northeast-3",
      failoverSignIn: { "ap-northeast-1": false, "ap-northeast-3": true },
    });
    const drill = await runStack("dr", { failover: { drPercent: 30 } });
    expect(drill.run.outputs).to.deep.include({
      failoverDrPercent: 30,
      failoverActiveRegion: "split",
    });
  });

  it("allowReplicaDeletion reaches the replica's delete guard", async () => {
    const rec = await runStack("dr", { failover: { allowReplicaDeletion: true } });
    const r = rec.get("pulumi-nodejs:dynamic/customerchannel:ReplicaInstance", "dr-replica");
    expect(r.inputs.allowDelete).to.equal(true);
  });
});
