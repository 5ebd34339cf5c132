import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { failureOf, runProgram, runStack } from "./harness";
import { changedSince, trackedHashes } from "./repoGuard";

class Group extends pulumi.ComponentResource {
  constructor(name: string) {
    super("customerchannel:test:Group", name, {});
    new aws.sns.Topic(`${name}-topic`, { region: "ap-northeast-3" }, { parent: this });
    this.registerOutputs({});
  }
}

describe("mock harness", () => {
  it("records type, name, inputs, parent and region of every resource", async () => {
    const rec = await runProgram(() => {
      new Group("g");
    });
    const topic = rec.get("aws:sns/topic:Topic", "g-topic");
    expect(topic.inputs).to.deep.equal({ region: "ap-northeast-3" });
    expect(topic.region).to.equal("ap-northeast-3");
    expect(topic.parentUrn).to.equal(
      "urn:pulumi:unit::customerchannel::customerchannel:test:Group::g",
    );
    expect(topic.urn).to.equal(
      "urn:pulumi:unit::customerchannel::customerchannel:test:Group$aws:sns/topic:Topic::g-topic",
    );
    expect(rec.get("customerchannel:test:Group", "g").custom).to.equal(false);
  });

  it("fails the run, instead of hanging, on an invoke it has no mock for", async () => {
    const err = await failureOf(async () => {
      await runProgram(() => ({ zones: aws.getAvailabilityZonesOutput().names }));
    });
    expect(err).to.include(
      "no mock for invoke aws:index/getAvailabilityZones:getAvailabilityZones",
    );
  });

  it("fails the run on a StackReference it has no outputs for", async () => {
    const err = await failureOf(async () => {
      await runProgram(() => ({
        x: new pulumi.StackReference("ref", { name: "org/p/missing" }).getOutput("x"),
      }));
    });
    expect(err).to.include("no outputs for StackReference org/p/missing");
  });

  it("returns realistic ARNs, and the same ids on every run", async () => {
    const program = () => {
      const key = new aws.kms.Key("k", {});
      const bucket = new aws.s3.Bucket("b", {});
      return { key: key.arn, bucket: bucket.arn };
    };
    const a = await runProgram(program);
    const b = await runProgram(program);
    expect(a.run.outputs.key).to.match(
      /^arn:aws:kms:ap-northeast-1:123456789012:key\/[0-9a-f-]{36}$/,
    );
    expect(a.run.outputs.bucket).to.match(/^arn:aws:s3:::b-[0-9a-f]{7}$/);
    expect(b.run.outputs).to.deep.equal(a.run.outputs);
  });

  it("keeps error stacks with their frames, and puts the SDK's promise tracing back after a run", async () => {
    const debuggable = require("@pulumi/pulumi/runtime/debuggable") as {
      debuggablePromise: unknown;
    };
    const before = debuggable.debuggablePromise;
    const sourceMaps = process.sourceMapsEnabled;
    let stack = "";
    await runProgram(() => {
      new aws.sns.Topic("t", {});
      stack = new Error("inside the program").stack ?? "";
      return {};
    });
    // The program's own errors keep where they came from (only the SDK's promises go untraced).
    expect(stack.split("\n").filter((l) => l.trim().startsWith("at ")).length).to.be.greaterThan(1);
    expect(debuggable.debuggablePromise).to.equal(before);
    expect(process.sourceMapsEnabled).to.equal(sourceMaps);
  });
});

describe("mock harness: shared stack runs", () => {
  it("runs a stack once per test process and config, and freezes what it shares", async () => {
    const a = await runStack("tokyo");
    const b = await runStack("tokyo");
    expect(b).to.equal(a);
    expect(Object.isFrozen(a.resources[0].inputs)).to.equal(true);
    expect(() => {
      (a.resources[0] as { name: string }).name = "changed";
    }).to.throw(TypeError);
    const other = await runStack("tokyo", { logRetentionDays: 3653 });
    expect(other).to.not.equal(a);
    expect(await runStack("tokyo", { logRetentionDays: 3653 })).to.equal(other);
  });

  it("tells removing a key apart from not overriding it", async () => {
    await runStack("tokyo");
    // Had `undefined` been dropped from the cache key, this would be the successful run above.
    const removed = await failureOf(() => runStack("tokyo", { instanceAlias: undefined }));
    expect(removed).to.include("customerchannel:instanceAlias");
  });

  it("does not keep a failed run: the next call runs (and fails) again", async () => {
    const bad = { instanceAlias: "bad_alias" };
    const first = await failureOf(() => runStack("tokyo", bad));
    expect(first).to.include("customerchannel:instanceAlias");
    expect(await failureOf(() => runStack("tokyo", bad))).to.equal(first);
  });
});

describe("repository guard (tests never change tracked files)", () => {
  it("names a tracked file a run changed, and ignores untracked ones", () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "guard-"));
    try {
      fs.writeFileSync(path.join(root, "dictionary.json"), "{}\n");
      execFileSync("git", ["init", "-q"], { cwd: root });
      execFileSync("git", ["add", "dictionary.json"], { cwd: root });
      const before = trackedHashes(root)!;
      fs.writeFileSync(path.join(root, "scratch.txt"), "untracked");
      expect(changedSince(before, root)).to.deep.equal([]);
      fs.writeFileSync(path.join(root, "dictionary.json"), '{"entries":[]}\n');
      expect(changedSince(before, root)).to.deep.equal(["dictionary.json"]);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
