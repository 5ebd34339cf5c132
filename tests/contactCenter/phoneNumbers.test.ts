/**
 * Phone numbers: tokyo claims them (protected, chained, moved to the Global Resiliency group in
 * place once its ARN is known); a replica dr claims none and reports tokyo's; a standalone dr
 * claims its own and its Failover routes them to the standby or the live flow.
 */
import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import { PhoneNumbers } from "../../components";
import { runOffline } from "../../lib/offline";
import { runStack, stackConfig, type Recorded } from "../support/harness";

const TDG = "arn:aws:connect:ap-northeast-1:123456789012:traffic-distribution-group/99359a0c";
const PHONE = "aws:connect/phoneNumber:PhoneNumber";
const ASSOC = "aws:connect/phoneNumberContactFlowAssociation:PhoneNumberContactFlowAssociation";
const ROUTING = "pulumi-nodejs:dynamic/customerchannel:NumberRouting";

const three = {
  main: { description: "代表番号", countryCode: "JP", type: "DID", flow: "inbound-main" },
  card: { description: "カードローン", countryCode: "JP", type: "DID", prefix: "+8150" },
  night: { description: "夜間", countryCode: "JP", type: "TOLL_FREE", flow: "after-hours" },
};

describe("phone numbers (tokyo)", () => {
  let tokyo: Recorded;
  before(async () => {
    tokyo = await runStack("tokyo");
  });

  it("claims each configured number to the instance, protected, ringing its flow", () => {
    const n = tokyo.get(PHONE, "tokyo-numbers-main");
    expect(n.inputs).to.deep.include({
      targetArn: tokyo.run.outputs.instanceArn,
      countryCode: "JP",
      type: "DID",
      region: "ap-northeast-1",
    });
    expect(n.protect).to.equal(true);
    const a = tokyo.get(ASSOC, "tokyo-numbers-main-flow");
    expect(a.inputs).to.deep.include({
      phoneNumberId: n.id,
      instanceId: tokyo.run.outputs.instanceId,
      contactFlowId: tokyo.get("aws:connect/contactFlow:ContactFlow", "tokyo-flows-inbound-main")
        .state.contactFlowId,
    });
    expect(tokyo.run.outputs.phoneNumbers).to.deep.equal([
      {
        name: "main",
        address: n.state.phoneNumber,
        arn: n.state.arn,
        flow: "inbound-main",
      },
    ]);
    expect(tokyo.run.outputs.phoneNumbersTarget).to.equal("instance");
  });

  it("moves the numbers to the traffic distribution group once its ARN is configured", async () => {
    const moved = await runStack("tokyo", { trafficDistributionGroupArn: TDG });
    const before = tokyo.get(PHONE, "tokyo-numbers-main");
    const after = moved.get(PHONE, "tokyo-numbers-main");
    // Same resource (same URN), new target: Pulumi updates it in place (UpdatePhoneNumber).
    expect(after.urn).to.equal(before.urn);
    expect(after.inputs.targetArn).to.equal(TDG);
    expect(moved.run.outputs.phoneNumbersTarget).to.equal("traffic-distribution-group");
    expect(moved.run.warnings.join("\n")).not.to.include("will not fail over");
    // ...and the program's agents are associated with the group, so they follow it to Osaka.
    const agents = moved.get(
      "pulumi-nodejs:dynamic/customerchannel:GroupAgents",
      "tokyo-group-agents",
    );
    expect(agents.inputs).to.deep.include({
      region: "ap-northeast-1",
      groupArn: TDG,
      instanceId: moved.run.outputs.instanceId,
      routingProfileIds: Object.values(
        moved.run.outputs.routingProfileIds as Record<string, string>,
      ),
    });
    expect(agents.parentUrn).to.equal(
      moved.get("customerchannel:dr:GroupMembership", "tokyo-group").urn,
    );
    expect(tokyo.ofType("customerchannel:dr:GroupMembership")).to.deep.equal([]);
  });

  it("chains claims and re-associates the flow when the target changes", async () => {
    // Resource options are not in the mock's record: capture them with a transform.
    const seen: { name: string; dependsOn: string[]; trigger: unknown; dbr: unknown }[] = [];
    await runOffline({
      stack: "tokyo",
      config: {},
      defaultRegion: "ap-northeast-1",
      program: () => {
        const capture: pulumi.ResourceTransformation = (args) => {
          const deps = ([] as pulumi.Resource[]).concat(
            (args.opts.dependsOn as pulumi.Resource[] | undefined) ?? [],
          );
          const opts = args.opts as pulumi.CustomResourceOptions;
          seen.push({
            name: args.name,
            // Names of the resources it waits for (the mocks' own names are enough).
            dependsOn: deps.map((d) => (d as unknown as { __name?: string }).__name ?? "?"),
            trigger: opts.replacementTrigger,
            dbr: opts.deleteBeforeReplace,
          });
          return undefined;
        };
        // Transformations of a parent apply to everything under it.
        const wrap = new pulumi.ComponentResource(
          "test:index:Wrap",
          "w",
          {},
          {
            transformations: [capture],
          },
        );
        const c = new PhoneNumbers(
          "n",
          {
            region: "ap-northeast-1",
            targetArn: TDG,
            instanceId: "inst",
            numbers: stackConfig("tokyo", { phoneNumbers: three }).phoneNumbers,
            flowIds: { "inbound-main": "flow-main", "after-hours": "flow-night" },
          },
          { parent: wrap },
        );
        return { numbers: c.numbers };
      },
    });
    const byName = Object.fromEntries(seen.map((s) => [s.name, s]));
    // Parallel claims can take the same number: each waits for the one before.
    expect(byName["n-main"].dependsOn).to.deep.equal([]);
    expect(byName["n-card"].dependsOn).to.deep.equal(["n-main"]);
    expect(byName["n-night"].dependsOn).to.deep.equal(["n-card"]);
    for (const k of ["n-main-flow", "n-card-flow", "n-night-flow"]) {
      expect(byName[k].trigger, k).to.equal(TDG);
      expect(byName[k].dbr, k).to.equal(true);
    }
  });

  it("refuses more numbers than the quota, and names the key that raises it", () => {
    const six = Object.fromEntries(
      Array.from({ length: 6 }, (_, i) => [
        `n${i}`,
        { description: "x", countryCode: "JP", type: "DID" },
      ]),
    );
    // Callbacks come from one of them (the default "main" is not among these).
    const outbound = { callbackOffer: { sourceNumber: "n0" } };
    expect(() => stackConfig("tokyo", { phoneNumbers: six, outbound })).to.throw(
      /customerchannel:phoneNumbers: has 6 numbers, over the phone number quota of 5.*pulumi config set customerchannel:phoneNumberQuota 6 --stack tokyo/,
    );
    expect(
      stackConfig("tokyo", { phoneNumbers: six, phoneNumberQuota: 10, outbound }).phoneNumbers,
    ).to.have.keys(["n0", "n1", "n2", "n3", "n4", "n5"]);
  });

  it("refuses a group ARN from another region, or on a stack that cannot use one", () => {
    const osaka = TDG.replace("ap-northeast-1", "ap-northeast-3");
    expect(() => stackConfig("tokyo", { trafficDistributionGroupArn: osaka })).to.throw(
      /trafficDistributionGroupArn: has a group in ap-northeast-3; expected the ARN of a traffic distribution group in ap-northeast-1/,
    );
    expect(() =>
      stackConfig("tokyo", { trafficDistributionGroupArn: TDG, globalResiliency: false }),
    ).to.throw(
      /only a primary with globalResiliency claims numbers to a traffic distribution group/,
    );
    expect(() => stackConfig("dr", { phoneNumbers: three })).to.throw(
      /customerchannel:phoneNumbers: is set on a replica dr stack.*pulumi config rm customerchannel:phoneNumbers --stack dr/,
    );
  });

  it("refuses a flow callers cannot land in and a malformed prefix", () => {
    expect(() =>
      stackConfig("tokyo", {
        phoneNumbers: {
          main: { description: "x", countryCode: "JP", type: "DID", flow: "outbound" },
        },
      }),
    ).to.throw(/main\.flow has "outbound"; allowed: inbound-main, after-hours/);
    expect(() =>
      stackConfig("tokyo", {
        phoneNumbers: {
          main: { description: "x", countryCode: "JP", type: "DID", prefix: "+0120" },
        },
      }),
    ).to.throw(/main\.prefix has "\+0120"; an E.164 prefix such as \+8150/);
  });
});

describe("phone numbers and Failover in the dr stack", () => {
  it("replica: claims nothing, and reports tokyo's numbers and whether they can fail over", async () => {
    const dr = await runStack("dr");
    expect(dr.ofType(PHONE)).to.deep.equal([]);
    expect(dr.run.outputs.phoneNumbers).to.deep.equal([]);
    const numbers = dr.run.outputs.failoverNumbers as { name: string; target: string }[];
    expect(numbers.map((n) => n.name)).to.deep.equal(["main"]);
    // Tokyo has not moved them into the group yet (its first deploy): say so, and what to do.
    expect(numbers[0].target).to.equal(
      "the primary instance only: not in the traffic distribution group yet",
    );
    expect(dr.run.outputs.failoverCarrierAction).to.include(
      "set the primary's trafficDistributionGroupArn to this stack's output",
    );
    expect(dr.run.outputs.failoverSignInUrl).to.equal("https://example-bank-cc-dr.my.connect.aws/");
  });

  describe("standalone", () => {
    const standalone = {
      drMode: "standalone",
      region: "ap-southeast-1",
      drRegion: "ap-southeast-1",
      identityType: "CONNECT_MANAGED",
    };
    let dr: Recorded;
    before(async () => {
      dr = await runStack("dr", standalone);
    });
    const flowId = (rec: Recorded, name: string) =>
      String(
        rec.get("aws:connect/contactFlow:ContactFlow", `dr-flows-${name}`).state.contactFlowId,
      );

    it("claims its own numbers, protected, without a static flow association", () => {
      const n = dr.get(PHONE, "dr-numbers-main");
      expect(n.inputs.targetArn).to.equal(dr.run.outputs.instanceArn);
      expect(n.protect).to.equal(true);
      // The Failover's NumberRouting owns the association: two owners would fight.
      expect(dr.ofType(ASSOC)).to.deep.equal([]);
    });

    it("points them at the standby flow until failover.activeRegion is dr", () => {
      const r = dr.get(ROUTING, "dr-failover-routing");
      const n = dr.get(PHONE, "dr-numbers-main");
      expect(r.inputs).to.deep.include({
        region: "ap-southeast-1",
        instanceId: dr.run.outputs.instanceId,
        routes: [{ numberArn: n.state.arn, flowId: flowId(dr, "dr-standby") }],
      });
      expect(r.parentUrn).to.equal(dr.get("customerchannel:dr:Failover", "dr-failover").urn);
      expect(dr.run.outputs).to.deep.include({
        failoverDrPercent: 0,
        failoverActiveRegion: "ap-northeast-1",
        failoverSignInUrl: "https://example-bank-cc-dr.my.connect.aws/",
      });
      expect(dr.run.outputs.failoverNumbers).to.deep.equal([
        { name: "main", address: n.state.phoneNumber, target: "dr-standby" },
      ]);
      expect(dr.run.outputs.failoverCarrierAction).to.match(
        /^none; after a failback, end any carrier forwarding of \+8150\d{8}$/,
      );
    });

    it("failed over: each number rings its own live flow, and the carrier action says forward", async () => {
      const over = await runStack("dr", {
        ...standalone,
        failover: { activeRegion: "dr" },
        phoneNumbers: three,
      });
      const arn = (k: string) => String(over.get(PHONE, `dr-numbers-${k}`).state.arn);
      expect(over.get(ROUTING, "dr-failover-routing").inputs.routes).to.deep.equal([
        { numberArn: arn("main"), flowId: flowId(over, "inbound-main") },
        { numberArn: arn("card"), flowId: flowId(over, "inbound-main") },
        { numberArn: arn("night"), flowId: flowId(over, "after-hours") },
      ]);
      expect(over.run.outputs).to.deep.include({
        failoverDrPercent: 100,
        failoverActiveRegion: "ap-southeast-1",
      });
      const tokyo = await runStack("tokyo");
      const primary = (tokyo.run.outputs.phoneNumbers as { address: string }[])[0].address;
      expect(over.run.outputs.failoverCarrierAction).to.equal(
        `forward the primary's numbers (${primary}) to the DR numbers (${["main", "card", "night"]
          .map((k) => over.get(PHONE, `dr-numbers-${k}`).state.phoneNumber)
          .join(", ")}) at the carrier, or publish the DR numbers`,
      );
    });

    it("refuses a partial split: a standalone number rings one flow", () => {
      expect(() => stackConfig("dr", { ...standalone, failover: { drPercent: 30 } })).to.throw(
        /drPercent has 30; a standalone dr has its own numbers.*only 0 or 100/,
      );
    });
  });
});
