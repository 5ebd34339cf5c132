/**
 * Over 500 lines on purpose: One table of cases (every error path) for the one parser.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "chai";
import { parse as parseYaml } from "yaml";
import {
  ConfigError,
  DEFAULT_QUEUES,
  parseConfig,
  PROJECT_ROOT,
  rawSchema,
  readProjectFile,
  STRUCTURED_KEYS,
  type ParseContext,
} from "../../config";
import { readStackConfig } from "../../lib/offline";

const tokyoRaw = () => readStackConfig("tokyo", { projectDir: PROJECT_ROOT });
const drRaw = () => readStackConfig("dr", { projectDir: PROJECT_ROOT });

const files: Record<string, string> = {
  "saml/real.xml": `<?xml version="1.0"?><md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://portal.sso.ap-northeast-1.amazonaws.com/saml/assertion/MTIzNDU2"><md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"><md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>MIIB</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor><md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://portal.sso.ap-northeast-1.amazonaws.com/saml/assertion/MTIzNDU2"/></md:IDPSSODescriptor></md:EntityDescriptor>`,
  "saml/broken.xml": "<md:EntityDescriptor><unclosed></md:EntityDescriptor>",
  "saml/sp.xml": `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://sp.example"><md:SPSSODescriptor/></md:EntityDescriptor>`,
};
const ctx = (stack = "tokyo", allowPlaceholderSaml = true): ParseContext => ({
  stack,
  allowPlaceholderSaml,
  readFile: (p) => files[p] ?? readProjectFile(p),
});

const withKeys = (base: Record<string, unknown>, over: Record<string, unknown>) => {
  const raw: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) delete raw[`customerchannel:${k}`];
    else raw[`customerchannel:${k}`] = v;
  }
  return raw;
};

function problemsOf(raw: Record<string, unknown>, c: ParseContext = ctx()): ConfigError {
  try {
    parseConfig(raw, c);
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error("expected a ConfigError");
}

describe("config: valid stacks", () => {
  it("parses tokyo from Pulumi.yaml defaults and Pulumi.tokyo.yaml, coercing strings", () => {
    const c = parseConfig(tokyoRaw(), ctx());
    expect(c.role).to.equal("primary");
    expect(c.region).to.equal("ap-northeast-1");
    expect(c.backupRegion).to.equal("ap-northeast-3");
    expect(c.instanceAlias).to.equal("example-bank-cc");
    expect(c.identityType).to.equal("SAML");
    expect(c.globalResiliency).to.equal(true);
    expect(c.logRetentionDays).to.equal(3653);
    expect(c.samlSessionDurationSeconds).to.equal(43200);
    expect(c.saml?.isPlaceholder).to.equal(true);
    expect(c.saml?.entityId).to.equal(
      "https://portal.sso.ap-northeast-1.amazonaws.com/saml/assertion/PLACEHOLDER",
    );
    expect(c.storage).to.deep.equal({
      recordingsTransitionDays: 90,
      recordingsExpirationDays: 0,
      noncurrentVersionExpirationDays: 365,
      accessLogExpirationDays: 1827,
      vaultTransitionDays: 30,
    });
  });

  it("defaults caller authentication to the knowledge provider with a 3-in-30-minutes lockout", () => {
    expect(parseConfig(tokyoRaw(), ctx()).auth).to.deep.equal({
      provider: "knowledge",
      voiceIdAcknowledgeEndOfSupport: false,
      maxFailures: 3,
      windowMinutes: 30,
      lockoutMinutes: 30,
      // Across customers: 10 failures per source in the window lock the source for an hour;
      // 200 failures of all callers in 5 minutes pause verification.
      sourceMaxFailures: 10,
      sourceLockoutMinutes: 60,
      globalFailuresPer5Minutes: 200,
      voiceIdThreshold: 90,
    });
    // A partial object (pulumi config set --path ...auth.maxFailures 5) keeps the other defaults.
    const c = parseConfig(withKeys(tokyoRaw(), { auth: '{"maxFailures":5}' }), ctx());
    expect(c.auth).to.deep.include({ provider: "knowledge", maxFailures: 5, lockoutMinutes: 30 });
  });

  it("defaults outbound to Connect's quotas: 2 calls/s over 4 workers, 10 concurrent calls", () => {
    expect(parseConfig(tokyoRaw(), ctx()).outbound).to.deep.equal({
      enabled: true,
      dialRatePerSecond: 2,
      workers: 4,
      maxConcurrentCalls: 10,
      apiRatePerSecond: 20,
      // Offer a callback past 10 waiting or 3 minutes; call back from the main number.
      callbackOffer: {
        enabled: true,
        queueSizeAbove: 10,
        oldestWaitSecondsAbove: 180,
        sourceNumber: "main",
        maxAttemptsPerDay: 2,
        maxAttemptsTotal: 3,
        retryAfterMinutes: 30,
        concurrency: 5,
        holidays: [],
      },
    });
  });

  it("defaults compliance to alerts and real-time rules for high and critical terms", () => {
    expect(parseConfig(tokyoRaw(), ctx()).compliance).to.deep.equal({
      alertSeverity: "high",
      realtimeRuleSeverity: "high",
    });
  });

  it("applies structured defaults through the schema (time zone, queue delay)", () => {
    const c = parseConfig(tokyoRaw(), ctx());
    expect(Object.keys(c.routing.queues)).to.deep.equal(Object.keys(DEFAULT_QUEUES));
    expect(c.routing.hours.business.timeZone).to.equal("Asia/Tokyo");
    expect(c.routing.routingProfiles["customer-desk"].queues[0].delay).to.equal(0);
    expect(c.routing.securityProfiles.agent.permissions).to.not.include("DownloadCallRecordings");
  });

  it("reads an object key given as JSON text, as the Pulumi CLI hands it over", () => {
    const hours = JSON.stringify({
      h24: { description: "24h", schedule: { MONDAY: "00:00-23:59" } },
    });
    const queues = JSON.stringify({ only: { description: "one", hours: "h24" } });
    const profiles = JSON.stringify({
      p: {
        description: "p",
        defaultOutboundQueue: "only",
        concurrency: { VOICE: 1 },
        queues: [{ queue: "only", channels: ["VOICE"], priority: 1 }],
      },
    });
    // One queue: none of the menu's desks, so no callback offer for them.
    const outbound = JSON.stringify({ callbackOffer: { enabled: false } });
    const c = parseConfig(
      withKeys(tokyoRaw(), {
        hoursOfOperation: hours,
        queues,
        routingProfiles: profiles,
        outbound,
      }),
      ctx(),
    );
    expect(Object.keys(c.routing.queues)).to.deep.equal(["only"]);
    expect(c.routing.hours.h24.schedule).to.deep.equal({ MONDAY: "00:00-23:59" });
  });

  it("parses dr (replica) without reading SAML metadata: the replica uses the primary's provider", () => {
    const c = parseConfig(withKeys(drRaw(), { samlMetadataFile: "does/not/exist.xml" }), ctx("dr"));
    expect(c.role).to.equal("dr");
    expect(c.dr).to.deep.equal({
      mode: "replica",
      primaryStack: "organization/customerchannel/tokyo",
    });
    expect(c.saml).to.equal(undefined);
  });

  it("accepts real-looking Identity Center metadata", () => {
    const c = parseConfig(
      // Without the example CoreBanking gateway, which a real preview refuses too.
      withKeys(tokyoRaw(), { samlMetadataFile: "saml/real.xml", selfService: undefined }),
      ctx("tokyo", false),
    );
    expect(c.saml?.isPlaceholder).to.equal(false);
    expect(c.saml?.entityId).to.match(/MTIzNDU2$/);
  });
});

interface Case {
  readonly title: string;
  readonly stack?: "tokyo" | "dr";
  readonly over: Record<string, unknown>;
  readonly key: string;
  readonly says: string[];
  readonly strictSaml?: boolean;
}

const cases: Case[] = [
  {
    title: "alias with an underscore",
    over: { instanceAlias: "Acme_Bank" },
    key: "instanceAlias",
    says: [
      'has "Acme_Bank"',
      'not starting with "d-"',
      "pulumi config set customerchannel:instanceAlias <value> --stack tokyo",
    ],
  },
  {
    title: "alias over 45 characters",
    over: { instanceAlias: "a".repeat(46) },
    key: "instanceAlias",
    says: ["1 to 45 characters"],
  },
  {
    title: "alias starting with d-",
    over: { instanceAlias: "d-bank" },
    key: "instanceAlias",
    says: ['has "d-bank"'],
  },
  {
    title: "missing alias",
    over: { instanceAlias: undefined },
    key: "instanceAlias",
    says: ["is missing"],
  },
  {
    title: "unknown role",
    over: { role: "secondary" },
    key: "role",
    says: ['has "secondary"', "allowed: primary, dr"],
  },
  {
    title: "region without Connect",
    over: { region: "eu-west-1" },
    key: "region",
    says: ['has "eu-west-1"', "ap-northeast-1"],
  },
  {
    title: "unknown identity type",
    over: { identityType: "LDAP" },
    key: "identityType",
    says: ["allowed: SAML, CONNECT_MANAGED, EXISTING_DIRECTORY"],
  },
  {
    title: "replicated primary not on SAML",
    over: { identityType: "CONNECT_MANAGED" },
    key: "identityType",
    says: [
      "must be SAML from day one",
      "pulumi config set customerchannel:identityType SAML --stack tokyo",
      "globalResiliency false",
    ],
  },
  {
    title: "Tokyo replicating anywhere but Osaka",
    over: { drRegion: "ap-southeast-1" },
    key: "drRegion",
    says: [
      "replicates ap-northeast-1 only to ap-northeast-3",
      "pulumi config set customerchannel:drRegion ap-northeast-3 --stack tokyo",
    ],
  },
  {
    title: "retention CloudWatch rejects",
    over: { logRetentionDays: "100" },
    key: "logRetentionDays",
    says: ["has 100", "CloudWatch Logs retention values"],
  },
  {
    title: "session too short",
    over: { samlSessionDurationSeconds: 60 },
    key: "samlSessionDurationSeconds",
    says: ["has 60"],
  },
  {
    title: "boolean that is not one",
    over: { globalResiliency: "yes" },
    key: "globalResiliency",
    says: ['has "yes"'],
  },
  {
    title: "metadata file missing",
    over: { samlMetadataFile: "saml/nope.xml" },
    key: "samlMetadataFile",
    says: ['"saml/nope.xml" does not exist', "IAM Identity Center SAML metadata file"],
  },
  {
    title: "metadata not XML",
    over: { samlMetadataFile: "saml/broken.xml" },
    key: "samlMetadataFile",
    says: ["not well-formed XML"],
  },
  {
    title: "SP metadata instead of IdP",
    over: { samlMetadataFile: "saml/sp.xml" },
    key: "samlMetadataFile",
    says: ["is not IdP metadata", "IDPSSODescriptor"],
  },
  {
    title: "empty metadata path with SAML",
    over: { samlMetadataFile: "" },
    key: "samlMetadataFile",
    says: ["required when identityType is SAML"],
  },
  {
    title: "placeholder metadata outside the offline plan",
    over: {},
    strictSaml: true,
    key: "samlMetadataFile",
    says: ["repository's placeholder"],
  },
  {
    title: "directory type without a directory",
    over: { identityType: "EXISTING_DIRECTORY", globalResiliency: false },
    key: "directoryId",
    says: ["required when identityType is EXISTING_DIRECTORY", "d-1234567890"],
  },
  {
    title: "malformed directory id",
    over: { directoryId: "dir-1" },
    key: "directoryId",
    says: ['has "dir-1"'],
  },
  {
    title: "misspelt key",
    over: { instanceAlas: "x" },
    key: "instanceAlas",
    says: [
      "unknown key",
      "Did you mean customerchannel:instanceAlias?",
      "pulumi config rm customerchannel:instanceAlas",
    ],
  },
  {
    title: "vault in the primary's region",
    over: { backupRegion: "ap-northeast-1" },
    key: "backupRegion",
    says: ["must survive the loss of the primary region"],
  },
  {
    title: "recordings deleted before they are archived",
    over: { recordingsTransitionDays: 90, recordingsExpirationDays: 30 },
    key: "recordingsExpirationDays",
    says: ["not after recordingsTransitionDays (90)"],
  },
  {
    title: "queue with unknown hours",
    over: { queues: { q: { description: "q", hours: "nights" } }, routingProfiles: {} },
    key: "queues",
    says: [
      'q.hours has "nights"',
      "allowed: business, extended, telephone-banking, dunning",
      "Pulumi.tokyo.yaml",
    ],
  },
  {
    title: "routing profile with unknown queue",
    over: {
      routingProfiles: {
        p: {
          description: "p",
          defaultOutboundQueue: "ghost",
          concurrency: { VOICE: 1 },
          queues: [{ queue: "callback", channels: ["VOICE"], priority: 1 }],
        },
      },
    },
    key: "routingProfiles",
    says: ['p refers to queue "ghost"'],
  },
  {
    title: "routing a channel with no concurrency",
    over: {
      routingProfiles: {
        p: {
          description: "p",
          defaultOutboundQueue: "callback",
          concurrency: { VOICE: 1 },
          queues: [{ queue: "callback", channels: ["CHAT"], priority: 1 }],
        },
      },
    },
    key: "routingProfiles",
    says: ["routes CHAT from callback but concurrency has no CHAT"],
  },
  {
    title: "agent profile that can download recordings",
    over: {
      securityProfiles: {
        agent: {
          description: "a",
          kind: "agent",
          permissions: ["BasicAgentAccess", "DownloadCallRecordings"],
        },
      },
    },
    key: "securityProfiles",
    says: ["agents may not download call recordings"],
  },
  {
    title: "unknown permission",
    over: {
      securityProfiles: {
        a: { description: "a", kind: "agent", permissions: ["BasicAgentAccess", "GodMode"] },
      },
    },
    key: "securityProfiles",
    says: ['a.permissions.1 has "GodMode"', "BasicAgentAccess"],
  },
  {
    title: "hours ending before they start",
    over: {
      hoursOfOperation: { business: { description: "b", schedule: { MONDAY: "17:00-09:00" } } },
    },
    key: "hoursOfOperation",
    says: ['business.schedule.MONDAY has "17:00-09:00"', "start before end"],
  },
  {
    title: "Voice ID without acknowledging its end of support",
    over: { auth: { provider: "voice-id" } },
    key: "auth",
    says: [
      "AWS ended Amazon Connect Voice ID on 2026-05-20",
      "pulumi config set --path 'customerchannel:auth.voiceIdAcknowledgeEndOfSupport' true --stack tokyo",
    ],
  },
  {
    title: "misspelt auth setting",
    over: { auth: { maxFailure: 5 } },
    key: "auth",
    says: ['"maxFailure"'],
  },
  {
    title: "lockout that never triggers",
    over: { auth: { maxFailures: 0 } },
    key: "auth",
    says: ["maxFailures"],
  },
  {
    title: "outbound with no dialer worker",
    over: { outbound: { workers: 0 } },
    key: "outbound",
    says: ["workers"],
  },
  {
    title: "compliance alert threshold that is not a severity",
    over: { compliance: { alertSeverity: "urgent" } },
    key: "compliance",
    says: ['alertSeverity has "urgent"; allowed: low, medium, high, critical'],
  },
  {
    title: "failover split that is not a step of 10",
    stack: "dr",
    over: { failover: { drPercent: 25 } },
    key: "failover",
    says: ["use steps of 10"],
  },
  {
    title: "failover settings on the primary stack",
    over: { failover: { activeRegion: "dr" } },
    key: "failover",
    says: [
      "failover is declared on the dr stack",
      "pulumi config rm customerchannel:failover --stack tokyo",
    ],
  },
  {
    title: "DR fallback number in national format",
    over: { drFallbackNumber: "03-1234-5678" },
    key: "drFallbackNumber",
    says: [
      "write it as +81312345678",
      "pulumi config set customerchannel:drFallbackNumber +81312345678 --stack tokyo",
    ],
  },
  {
    title: "dr without a primary stack",
    stack: "dr",
    over: { primaryStack: "" },
    key: "primaryStack",
    says: ["required for the dr stack"],
  },
  {
    title: "replica outside the replica region",
    stack: "dr",
    over: { region: "ap-southeast-1", drRegion: "ap-southeast-1" },
    key: "region",
    says: ["in replica mode the dr stack runs in the replica region", "drMode standalone"],
  },
  {
    title: "replica not on SAML",
    stack: "dr",
    over: { identityType: "CONNECT_MANAGED" },
    key: "identityType",
    says: ["inherits the primary's SAML identity"],
  },
];

describe("config: every error names the key, the value and the fix", () => {
  for (const c of cases) {
    it(c.title, () => {
      const stack = c.stack ?? "tokyo";
      const base = stack === "tokyo" ? tokyoRaw() : drRaw();
      const err = problemsOf(withKeys(base, c.over), ctx(stack, !c.strictSaml));
      const p = err.problems.find((x) => x.key === `customerchannel:${c.key}`);
      expect(p, err.message).to.not.equal(undefined);
      for (const s of c.says) expect(p!.message).to.include(s);
      expect(err.message).to.include(`Invalid configuration for stack "${stack}"`);
    });
  }

  it("reports every problem at once, not just the first", () => {
    const err = problemsOf(
      withKeys(tokyoRaw(), { instanceAlias: "bad_alias", logRetentionDays: 2, role: "x" }),
    );
    expect(err.problems.map((p) => p.key)).to.have.members([
      "customerchannel:instanceAlias",
      "customerchannel:logRetentionDays",
      "customerchannel:role",
    ]);
  });

  it("reports schema and cross-field problems in the same pass", () => {
    // logRetentionDays fails its schema; backupRegion = region and a fallback number that is
    // not E.164 are cross-field problems of keys that parsed: all three at once.
    const err = problemsOf(
      withKeys(tokyoRaw(), {
        logRetentionDays: 2,
        backupRegion: "ap-northeast-1",
        drFallbackNumber: "0312345678",
      }),
    );
    expect(err.problems.map((p) => p.key)).to.deep.equal([
      "customerchannel:logRetentionDays",
      "customerchannel:backupRegion",
      "customerchannel:drFallbackNumber",
    ]);
  });

  it("skips a cross-field check that reads a key which failed its schema (no second-hand problems)", () => {
    // region fails its schema; the Global Resiliency pairing check reads region and would
    // otherwise complain about drRegion for a region the user never meant.
    const err = problemsOf(withKeys(tokyoRaw(), { region: "tokyo-1" }));
    expect(err.problems.map((p) => p.key)).to.deep.equal(["customerchannel:region"]);
  });

  it("with a --config file, fix hints edit that file instead of running pulumi config on the stack", () => {
    const err = problemsOf(
      withKeys(tokyoRaw(), {
        failover: JSON.stringify({ activeRegion: "dr" }),
        backupRegion: "ap-northeast-1",
      }),
      {
        ...ctx(),
        stackFile: "/tmp/try.yaml",
      },
    );
    const messages = err.problems.map((p) => p.message).join("\n");
    expect(messages).to.include("Fix: remove customerchannel:failover from /tmp/try.yaml");
    expect(messages).to.include(
      "Fix: set customerchannel:backupRegion to ap-northeast-3 in /tmp/try.yaml",
    );
    expect(messages).to.not.include("--stack tokyo");
  });

  it("accepts standalone dr in any Connect region with Connect-managed users", () => {
    const c = parseConfig(
      withKeys(drRaw(), {
        drMode: "standalone",
        region: "ap-southeast-1",
        drRegion: "ap-southeast-1",
        identityType: "CONNECT_MANAGED",
      }),
      ctx("dr"),
    );
    expect(c.dr.mode).to.equal("standalone");
    expect(c.identityType).to.equal("CONNECT_MANAGED");
  });
});

describe("config: Pulumi.yaml declares every scalar key", () => {
  const project = parseYaml(fs.readFileSync(path.join(PROJECT_ROOT, "Pulumi.yaml"), "utf8")) as {
    name: string;
    config: Record<string, { type: string; description: string; default?: unknown }>;
  };

  it("is the customerchannel project", () => {
    expect(project.name).to.equal("customerchannel");
  });

  it("declares exactly the schema's keys minus the object-valued ones", () => {
    const scalar = Object.keys(rawSchema.shape).filter(
      (k) => !(STRUCTURED_KEYS as readonly string[]).includes(k),
    );
    expect(Object.keys(project.config).sort()).to.deep.equal(scalar.sort());
  });

  it("gives each a simple type and a description, and defaults that validate", () => {
    for (const [k, d] of Object.entries(project.config)) {
      expect(["string", "integer", "boolean"], k).to.include(d.type);
      expect(d.description, k).to.be.a("string").and.not.equal("");
      if (d.default !== undefined) {
        const t = d.type === "integer" ? "number" : d.type;
        expect(typeof d.default, k).to.equal(t);
      }
    }
  });

  it("keeps the stack files to values only, in the project namespace", () => {
    for (const stack of ["tokyo", "dr"]) {
      const doc = parseYaml(
        fs.readFileSync(path.join(PROJECT_ROOT, `Pulumi.${stack}.yaml`), "utf8"),
      ) as {
        config: Record<string, unknown>;
      };
      for (const k of Object.keys(doc.config)) expect(k, stack).to.match(/^customerchannel:/);
    }
  });
});
