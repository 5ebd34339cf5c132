/**
 * Runs the real program in-process under Pulumi mocks, with no AWS account and no Pulumi CLI.
 * Used by the offline plan (`npm run plan`) and by every component and stack test, so what the
 * tests assert is exactly what the plan shows.
 *
 * The mocks record every registered resource (type, name, inputs, parent), return realistic ids
 * and ARNs per type, and throw on any invoke they do not know, so a new data source cannot slip
 * into the program untested.
 *
 * Over 500 lines on purpose: The mock engine in one module: registration, provider regions,
 * invokes and stack references share its state.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { parse as parseYaml } from "yaml";
import { PROJECT } from "../config";
import { idOf, signInFor } from "../components/shared/drConnect";
import { text } from "./describe";

export const MOCK_ACCOUNT = "123456789012";

export interface RecordedResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  /** False for ComponentResources. */
  readonly custom: boolean;
  readonly inputs: Record<string, unknown>;
  readonly id: string;
  readonly state: Record<string, unknown>;
  /** URN of the parent, undefined for top-level resources. */
  readonly parentUrn?: string;
  /** Region the resource is placed in (its `region` input, else its provider's). */
  readonly region?: string;
  /** Resource options that matter for safety, as registered. */
  readonly protect: boolean;
  readonly ignoreChanges: string[];
}

export interface RunResult {
  readonly stack: string;
  readonly resources: RecordedResource[];
  readonly outputs: Record<string, unknown>;
  readonly warnings: string[];
}

/** Deterministic hex from a seed, so plan output and ids are stable between runs. */
const hex = (seed: string, len: number) =>
  crypto.createHash("sha256").update(seed).digest("hex").slice(0, len);
const uuid = (seed: string) => {
  const h = hex(seed, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
};

/**
 * Errors thrown from mocks travel as gRPC errors, and the SDK rethrows only their `details`: set
 * it, or the run fails with an empty message.
 */
function mockError(message: string): Error {
  return Object.assign(new Error(message), { details: message });
}

const qualifiedTypeOf = (urn: string) => urn.split("::")[2] ?? "";
export const typeOfUrn = (urn: string) => qualifiedTypeOf(urn).split("$").pop() ?? "";
export const nameOfUrn = (urn: string) => urn.split("::").slice(3).join("::");

export interface MockOptions {
  readonly stack: string;
  /** Region of providers that set none. */
  readonly defaultRegion: string;
  /** Outputs returned for `pulumi:pulumi:StackReference` resources, by referenced stack name. */
  readonly stackReferences?: Readonly<Record<string, Record<string, unknown>>>;
}

/**
 * Pulumi mocks that fake the AWS provider with realistic identifiers. Ids are derived from the
 * resource name, so two runs of the same stack produce the same plan.
 */
export class RecordingMocks implements pulumi.runtime.Mocks {
  readonly providerRegions = new Map<string, string>();
  readonly pending: {
    type: string;
    name: string;
    inputs: Record<string, unknown>;
    id: string;
    state: Record<string, unknown>;
    custom: boolean;
    provider?: string;
  }[] = [];

  constructor(readonly opts: MockOptions) {}

  call(args: pulumi.runtime.MockCallArgs): pulumi.runtime.MockCallResult {
    switch (args.token) {
      case "aws:index/getCallerIdentity:getCallerIdentity":
        return {
          accountId: MOCK_ACCOUNT,
          arn: `arn:aws:iam::${MOCK_ACCOUNT}:user/offline-plan`,
          userId: "AIDAOFFLINEPLAN",
          id: MOCK_ACCOUNT,
        };
      case "aws:index/getPartition:getPartition":
        return {
          partition: "aws",
          dnsSuffix: "amazonaws.com",
          id: "aws",
          reverseDnsPrefix: "com.amazonaws",
        };
      default:
        throw mockError(
          `offline mocks: no mock for invoke ${args.token}; add one to lib/offline.ts (RecordingMocks.call) with realistic output`,
        );
    }
  }

  newResource(args: pulumi.runtime.MockResourceArgs): {
    id: string | undefined;
    state: Record<string, unknown>;
  } {
    const { type, name } = args;
    const inputs = args.inputs as Record<string, unknown>;
    if (type.startsWith("pulumi:providers:")) {
      const region = (inputs.region as string | undefined) ?? this.opts.defaultRegion;
      const result = { id: `${name}-provider-id`, state: inputs };
      this.pending.push({ type, name, inputs, id: result.id, state: inputs, custom: true });
      this.providerRegions.set(name, region);
      return result;
    }
    if (type === "pulumi:pulumi:StackReference") {
      const ref = String(inputs.name);
      const outputs = this.opts.stackReferences?.[ref];
      if (!outputs) {
        throw mockError(
          `offline mocks: no outputs for StackReference ${ref}; run that stack first or pass them in stackReferences`,
        );
      }
      this.pending.push({ type, name, inputs, id: ref, state: { outputs }, custom: true });
      return { id: ref, state: { name: ref, outputs, secretOutputNames: [] } };
    }
    const providerName = args.provider
      ? nameOfUrn(args.provider.split("::").slice(0, 4).join("::"))
      : undefined;
    const region =
      (inputs.region as string | undefined) ??
      (providerName ? this.providerRegions.get(providerName) : undefined) ??
      this.opts.defaultRegion;
    const { id, state } =
      args.custom === false ? { id: undefined, state: {} } : fakeState(type, name, inputs, region);
    this.pending.push({
      type,
      name,
      inputs,
      id: id ?? "",
      state: { ...inputs, ...state },
      custom: args.custom !== false,
      provider: providerName,
    });
    return { id, state: { ...inputs, ...state } };
  }
}

/** Computed attributes AWS would return, per resource type. */
function fakeState(
  type: string,
  name: string,
  inputs: Record<string, unknown>,
  region: string,
): { id: string; state: Record<string, unknown> } {
  const acct = MOCK_ACCOUNT;
  const seed = `${type}/${name}`;
  const instanceId = typeof inputs.instanceId === "string" ? inputs.instanceId : "";
  const connectChild = (kind: string, idField: string) => {
    const childId = uuid(seed);
    return {
      id: `${instanceId}:${childId}`,
      state: {
        [idField]: childId,
        arn: `arn:aws:connect:${region}:${acct}:instance/${instanceId}/${kind}/${childId}`,
      },
    };
  };
  switch (type) {
    case "aws:kms/key:Key": {
      const id = uuid(seed);
      return { id, state: { keyId: id, arn: `arn:aws:kms:${region}:${acct}:key/${id}` } };
    }
    case "aws:kms/alias:Alias":
      return {
        id: String(inputs.name),
        state: {
          arn: `arn:aws:kms:${region}:${acct}:${String(inputs.name)}`,
          targetKeyArn: `arn:aws:kms:${region}:${acct}:key/${String(inputs.targetKeyId)}`,
        },
      };
    case "aws:s3/bucket:Bucket": {
      // Pulumi auto-names buckets `<name>-<7 hex>`.
      const bucket = (inputs.bucket as string | undefined) ?? `${name}-${hex(seed, 7)}`;
      return {
        id: bucket,
        state: {
          bucket,
          arn: `arn:aws:s3:::${bucket}`,
          region,
          bucketDomainName: `${bucket}.s3.amazonaws.com`,
          bucketRegionalDomainName: `${bucket}.s3.${region}.amazonaws.com`,
        },
      };
    }
    case "aws:iam/role:Role": {
      const roleName = (inputs.name as string | undefined) ?? `${name}-${hex(seed, 7)}`;
      return {
        id: roleName,
        state: {
          name: roleName,
          arn: `arn:aws:iam::${acct}:role/${roleName}`,
          uniqueId: `AROA${hex(seed, 17).toUpperCase()}`,
        },
      };
    }
    case "aws:iam/samlProvider:SamlProvider": {
      const n = text(inputs.name ?? name);
      return {
        id: `arn:aws:iam::${acct}:saml-provider/${n}`,
        state: { arn: `arn:aws:iam::${acct}:saml-provider/${n}` },
      };
    }
    case "aws:iam/rolePolicy:RolePolicy":
      return { id: `${String(inputs.role)}:${name}`, state: { name } };
    case "aws:connect/instance:Instance": {
      const id = uuid(seed);
      return {
        id,
        state: {
          arn: `arn:aws:connect:${region}:${acct}:instance/${id}`,
          status: "ACTIVE",
          serviceRole: `arn:aws:iam::${acct}:role/aws-service-role/connect.amazonaws.com/AWSServiceRoleForAmazonConnect_${hex(seed, 20)}`,
          createdTime: "2026-01-01T00:00:00Z",
        },
      };
    }
    case "aws:connect/hoursOfOperation:HoursOfOperation":
      return connectChild("operating-hours", "hoursOfOperationId");
    case "aws:connect/queue:Queue":
      return connectChild("queue", "queueId");
    case "aws:connect/contactFlow:ContactFlow":
      return connectChild("contact-flow", "contactFlowId");
    case "aws:connect/routingProfile:RoutingProfile":
      return connectChild("routing-profile", "routingProfileId");
    case "aws:connect/securityProfile:SecurityProfile":
      return connectChild("security-profile", "securityProfileId");
    case "aws:connect/instanceStorageConfig:InstanceStorageConfig": {
      const assoc = hex(seed, 64);
      return {
        id: `${instanceId}:${assoc}:${String(inputs.resourceType)}`,
        state: { associationId: assoc },
      };
    }
    case "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream": {
      const n = text(inputs.name ?? name);
      const arn = `arn:aws:firehose:${region}:${acct}:deliverystream/${n}`;
      return { id: arn, state: { arn, name: n } };
    }
    case "aws:cloudwatch/logGroup:LogGroup": {
      const n = text(inputs.name ?? `${name}-${hex(seed, 7)}`);
      return { id: n, state: { name: n, arn: `arn:aws:logs:${region}:${acct}:log-group:${n}` } };
    }
    case "aws:cloudwatch/logStream:LogStream": {
      const n = text(inputs.name ?? name);
      return {
        id: n,
        state: {
          name: n,
          arn: `arn:aws:logs:${region}:${acct}:log-group:${String(inputs.logGroupName)}:log-stream:${n}`,
        },
      };
    }
    case "aws:cloudwatch/eventRule:EventRule": {
      const n = text(inputs.name ?? `${name}-${hex(seed, 7)}`);
      return { id: n, state: { name: n, arn: `arn:aws:events:${region}:${acct}:rule/${n}` } };
    }
    case "pulumi-nodejs:dynamic/customerchannel:ReplicaInstance": {
      // Global Resiliency keeps the source's instance id; the ARN names the replica region.
      const source = text(inputs.sourceInstanceArn);
      const id = source.split("/").pop() ?? "";
      const arn = `arn:aws:connect:${text(inputs.replicaRegion)}:${acct}:instance/${id}`;
      const tdg = `arn:aws:connect:${text(inputs.sourceRegion)}:${acct}:traffic-distribution-group/${hex(seed, 8)}`;
      return {
        id: arn,
        state: {
          instanceId: id,
          instanceArn: arn,
          status: "ACTIVE",
          trafficDistributionGroupArn: tdg,
          globalSignInEndpoint: `https://${text(inputs.replicaAlias)}.my.connect.aws/`,
        },
      };
    }
    case "aws:connect/phoneNumber:PhoneNumber": {
      // Connect picks an available number: a stable 050 number per resource here.
      const id = uuid(seed);
      const digits = String(parseInt(hex(seed, 8), 16) % 100_000_000).padStart(8, "0");
      return {
        id,
        state: {
          arn: `arn:aws:connect:${region}:${acct}:phone-number/${id}`,
          phoneNumber: `${text(inputs.prefix ?? "+8150")}${digits}`.slice(0, 13),
          statuses: [{ status: "CLAIMED" }],
        },
      };
    }
    case "aws:connect/phoneNumberContactFlowAssociation:PhoneNumberContactFlowAssociation":
      return {
        id: `${text(inputs.phoneNumberId)},${instanceId},${text(inputs.contactFlowId)}`,
        state: {},
      };
    case "pulumi-nodejs:dynamic/customerchannel:NumberRouting": {
      // What Connect reports once every number rings its flow.
      const routes = (inputs.routes ?? []) as { numberArn: string; flowId: string }[];
      return {
        id: `${instanceId}/number-routing`,
        state: {
          ringing: Object.fromEntries(routes.map((r) => [r.numberArn, idOf(r.flowId)])),
        },
      };
    }
    case "pulumi-nodejs:dynamic/customerchannel:GroupAgents":
      // Offline there are no Connect users: none to associate.
      return { id: `${text(inputs.groupArn)}/agents`, state: { associated: 0, outside: 0 } };
    case "pulumi-nodejs:dynamic/customerchannel:TrafficDistribution": {
      const d = {
        primaryRegion: text(inputs.primaryRegion),
        drRegion: text(inputs.drRegion),
        drPercent: Number(inputs.drPercent),
      };
      return {
        id: text(inputs.groupArn),
        // What Connect reports once the distribution is applied.
        state: { drPercent: d.drPercent, agentsDrPercent: d.drPercent, signIn: signInFor(d) },
      };
    }
    case "aws:sfn/stateMachine:StateMachine": {
      const n = text(inputs.name ?? `${name}-${hex(seed, 7)}`);
      const arn = `arn:aws:states:${region}:${acct}:stateMachine:${n}`;
      return { id: arn, state: { name: n, arn } };
    }
    case "aws:scheduler/schedule:Schedule": {
      const n = text(inputs.name ?? `${name}-${hex(seed, 7)}`);
      return {
        id: `default/${n}`,
        state: { name: n, arn: `arn:aws:scheduler:${region}:${acct}:schedule/default/${n}` },
      };
    }
    case "aws:cloudwatch/metricAlarm:MetricAlarm": {
      const n = text(inputs.name ?? `${name}-${hex(seed, 7)}`);
      return { id: n, state: { name: n, arn: `arn:aws:cloudwatch:${region}:${acct}:alarm:${n}` } };
    }
    case "aws:cloudtrail/trail:Trail": {
      const n = text(inputs.name ?? name);
      const arn = `arn:aws:cloudtrail:${region}:${acct}:trail/${n}`;
      return { id: arn, state: { arn, name: n } };
    }
    case "aws:cloudwatch/dashboard:Dashboard": {
      const n = text(inputs.dashboardName);
      return {
        id: n,
        state: { dashboardArn: `arn:aws:cloudwatch::${acct}:dashboard/${n}` },
      };
    }
    case "aws:sns/topicSubscription:TopicSubscription":
      return {
        id: `${text(inputs.topic)}:${hex(seed, 8)}`,
        state: { arn: `${text(inputs.topic)}:${hex(seed, 8)}` },
      };
    case "aws:sns/topic:Topic": {
      const n = text(inputs.name ?? `${name}-${hex(seed, 7)}`);
      return {
        id: `arn:aws:sns:${region}:${acct}:${n}`,
        state: { name: n, arn: `arn:aws:sns:${region}:${acct}:${n}` },
      };
    }
    case "aws:cloudwatch/eventBus:EventBus": {
      const n = text(inputs.name);
      return { id: n, state: { name: n, arn: `arn:aws:events:${region}:${acct}:event-bus/${n}` } };
    }
    case "aws-native:connect:Rule": {
      const ruleId = uuid(seed);
      const instanceArn = text(inputs.instanceArn);
      return {
        id: `${instanceArn}/rule/${ruleId}`,
        state: { ruleArn: `${instanceArn}/rule/${ruleId}` },
      };
    }
    case "aws:dynamodb/table:Table": {
      const n = text(inputs.name ?? `${name}-${hex(seed, 7)}`);
      return { id: n, state: { name: n, arn: `arn:aws:dynamodb:${region}:${acct}:table/${n}` } };
    }
    case "aws:lambda/function:Function": {
      const n = text(inputs.name ?? `${name}-${hex(seed, 7)}`);
      const arn = `arn:aws:lambda:${region}:${acct}:function:${n}`;
      return {
        id: n,
        state: {
          name: n,
          arn,
          qualifiedArn: `${arn}:$LATEST`,
          invokeArn: `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/${arn}/invocations`,
          version: "$LATEST",
        },
      };
    }
    case "aws:lambda/permission:Permission":
      return { id: text(inputs.statementId ?? `${name}-${hex(seed, 7)}`), state: {} };
    case "aws:connect/lambdaFunctionAssociation:LambdaFunctionAssociation":
      return { id: `${instanceId},${text(inputs.functionArn)}`, state: {} };
    case "aws:iam/serviceLinkedRole:ServiceLinkedRole": {
      const svc = text(inputs.awsServiceName);
      const roleName = `AWSServiceRoleForLexV2Bots_${text(inputs.customSuffix)}`;
      const arn = `arn:aws:iam::${acct}:role/aws-service-role/${svc}/${roleName}`;
      return { id: arn, state: { arn, name: roleName } };
    }
    case "aws:sqs/queue:Queue": {
      const n = text(inputs.name ?? `${name}-${hex(seed, 7)}`);
      const url = `https://sqs.${region}.amazonaws.com/${acct}/${n}`;
      return { id: url, state: { name: n, url, arn: `arn:aws:sqs:${region}:${acct}:${n}` } };
    }
    case "aws:apigateway/restApi:RestApi": {
      const apiId = hex(seed, 10);
      return {
        id: apiId,
        state: {
          rootResourceId: hex(`${seed}/root`, 10),
          executionArn: `arn:aws:execute-api:${region}:${acct}:${apiId}`,
          arn: `arn:aws:apigateway:${region}::/restapis/${apiId}`,
        },
      };
    }
    case "aws:wafv2/webAcl:WebAcl": {
      // ARN as WAFV2 returns it: scope (regional or global), name, then a UUID.
      const id = uuid(seed);
      const scope = text(inputs.scope) === "CLOUDFRONT" ? "global" : "regional";
      return {
        id,
        state: {
          arn: `arn:aws:wafv2:${region}:${acct}:${scope}/webacl/${text(inputs.name)}/${id}`,
          capacity: 0,
        },
      };
    }
    case "aws:cloudfront/distribution:Distribution": {
      // CloudFront ids: 14 upper-case alphanumerics; global, so no region in the ARN.
      const id = `E${hex(seed, 13).toUpperCase()}`;
      return {
        id,
        state: {
          domainName: `d${hex(`${seed}/domain`, 13)}.cloudfront.net`,
          arn: `arn:aws:cloudfront::${acct}:distribution/${id}`,
        },
      };
    }
    case "aws:cloudfront/originAccessControl:OriginAccessControl":
    case "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy":
      return { id: `E${hex(seed, 13).toUpperCase()}`, state: {} };
    case "aws:ssm/parameter:Parameter":
      return {
        id: text(inputs.name),
        state: { arn: `arn:aws:ssm:${region}:${acct}:parameter${text(inputs.name)}` },
      };
    case "aws:apigateway/stage:Stage":
      return {
        id: `ags-${text(inputs.restApi)}-${text(inputs.stageName)}`,
        state: {
          invokeUrl: `https://${text(inputs.restApi)}.execute-api.${region}.amazonaws.com/${text(inputs.stageName)}`,
          // The stage ARN WAF associations name (no account: API Gateway resource ARNs have none).
          arn: `arn:aws:apigateway:${region}::/restapis/${text(inputs.restApi)}/stages/${text(inputs.stageName)}`,
        },
      };
    // aws-native: ids as the services mint them (Lex: 10 upper-case alphanumerics).
    case "aws-native:lex:Bot": {
      const botId = hex(seed, 10).toUpperCase();
      return {
        id: botId,
        state: { awsId: botId, arn: `arn:aws:lex:${region}:${acct}:bot/${botId}` },
      };
    }
    case "aws-native:lex:BotVersion":
      return { id: `${text(inputs.botId)}|1`, state: { botVersion: "1" } };
    case "aws-native:lex:BotAlias": {
      const aliasId = hex(seed, 10).toUpperCase();
      return {
        id: `${aliasId}|${text(inputs.botId)}`,
        state: {
          botAliasId: aliasId,
          botAliasStatus: "Available",
          arn: `arn:aws:lex:${region}:${acct}:bot-alias/${text(inputs.botId)}/${aliasId}`,
        },
      };
    }
    case "aws-native:lex:ResourcePolicy":
      return { id: hex(seed, 12), state: { awsId: hex(seed, 12), revisionId: "1" } };
    case "aws-native:connect:IntegrationAssociation": {
      const assoc = uuid(seed);
      return { id: assoc, state: { integrationAssociationId: assoc } };
    }
    case "aws-native:voiceid:Domain": {
      const domainId = hex(seed, 22);
      return { id: domainId, state: { domainId } };
    }
    default: {
      const service = type.split(":")[1]?.split("/")[0] ?? "unknown";
      return {
        id: `${name}-${hex(seed, 8)}`,
        state: { arn: `arn:aws:${service}:${region}:${acct}:${name}` },
      };
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Stack config as the Pulumi CLI would build it: Pulumi.yaml defaults + Pulumi.<stack>.yaml.

export interface StackFiles {
  /** Directory holding Pulumi.yaml. */
  readonly projectDir: string;
  /** Stack config file; default `<projectDir>/Pulumi.<stack>.yaml`. */
  readonly stackFile?: string;
}

/**
 * Flattens project defaults and stack values into the `project:key` → string map the Pulumi
 * runtime hands a program (objects JSON-encoded, as the CLI does).
 */
export function readStackConfig(stack: string, files: StackFiles): Record<string, string> {
  const project = parseYaml(
    fs.readFileSync(path.join(files.projectDir, "Pulumi.yaml"), "utf8"),
  ) as {
    config?: Record<string, { default?: unknown } | string | number | boolean>;
  };
  const stackPath = files.stackFile ?? path.join(files.projectDir, `Pulumi.${stack}.yaml`);
  if (!fs.existsSync(stackPath)) {
    throw new Error(`stack config ${stackPath} does not exist (stacks: tokyo, dr)`);
  }
  const stackDoc = (parseYaml(fs.readFileSync(stackPath, "utf8")) ?? {}) as {
    config?: Record<string, unknown>;
  };
  const encode = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));
  const out: Record<string, string> = {};
  for (const [k, decl] of Object.entries(project.config ?? {})) {
    const key = k.includes(":") ? k : `${PROJECT}:${k}`;
    const value = typeof decl === "object" && decl !== null ? decl.default : decl;
    if (value !== undefined) out[key] = encode(value);
  }
  for (const [k, v] of Object.entries(stackDoc.config ?? {})) {
    if (v !== null && typeof v === "object" && "secure" in v) {
      throw new Error(
        `${k} is an encrypted secret; the offline plan cannot decrypt it (use a plain value in a copy of the stack file)`,
      );
    }
    out[k.includes(":") ? k : `${PROJECT}:${k}`] = encode(v);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

export interface RunOptions extends MockOptions {
  /** The full config map (`project:key` → string). */
  readonly config: Record<string, string>;
  /** Runs the program: creates resources and returns the stack outputs. */
  readonly program: () => Record<string, unknown> | Promise<Record<string, unknown>>;
  /** Run as `pulumi preview` (unknowns stay unknown). Default false. */
  readonly preview?: boolean;
}

const RUN_TIMEOUT_MS = 30_000;

/** Serialise runs: Pulumi's runtime state (config, mocks) is process-global. */
let queue: Promise<unknown> = Promise.resolve();

/**
 * Runs one stack's program under mocks and resolves once every resource has registered. Rejects
 * with the first error any resource or the program raised (never hangs on a failed output).
 */
export function runOffline(opts: RunOptions): Promise<RunResult> {
  const run = queue.then(() => runOnce(opts));
  queue = run.catch(() => undefined);
  return run;
}

async function runOnce(opts: RunOptions): Promise<RunResult> {
  const mocks = new RecordingMocks(opts);
  const settings = require("@pulumi/pulumi/runtime/settings") as {
    getMonitor(): { registerResource: (req: unknown, cb: unknown) => unknown };
    waitForRPCs(): Promise<void>;
  };
  await pulumi.runtime.setMocks(mocks, PROJECT, opts.stack, opts.preview ?? false);
  // The SDK captures a stack trace for every promise it creates and formats it at once, only to
  // print it if the promise leaks (runtime/debuggable.js); under tsx each trace is also mapped
  // through the source maps. Together 1.9 s of a two-stack plan. During the run, those promises get
  // no trace, and others are not source-mapped until read: errors are formatted when first read,
  // so one the program throws still shows its TypeScript lines when printed after the run.
  const sourceMaps = process.sourceMapsEnabled;
  process.setSourceMapsEnabled(false);
  const debuggable = require("@pulumi/pulumi/runtime/debuggable") as {
    debuggablePromise: (p: Promise<unknown>, ctx: unknown) => Promise<unknown>;
  };
  const debuggablePromise = debuggable.debuggablePromise;
  debuggable.debuggablePromise = (p, ctx) => {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      return debuggablePromise(p, ctx);
    } finally {
      Error.stackTraceLimit = limit;
    }
  };
  pulumi.runtime.setAllConfig(opts.config);

  // The mock API hands newResource no parent; read it off each registration request instead.
  const parents = new Map<string, string>();
  const options = new Map<string, { protect: boolean; ignoreChanges: string[] }>();
  const monitor = settings.getMonitor();
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req: unknown, cb: unknown) => {
    const r = req as {
      getType(): string;
      getName(): string;
      getParent(): string;
      getProtect(): boolean;
      getIgnorechangesList(): string[];
    };
    const key = `${r.getType()}::${r.getName()}`;
    if (r.getParent()) parents.set(key, r.getParent());
    options.set(key, { protect: r.getProtect(), ignoreChanges: r.getIgnorechangesList() });
    return register(req, cb);
  };

  // A resource that fails to register never resolves its outputs: race every wait against the
  // first failure (and a time limit) so a broken program fails loudly instead of hanging.
  const warnings: string[] = [];
  let fail: (e: unknown) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => (fail = reject));
  failed.catch(() => undefined);
  const onRejection = (e: unknown) => fail(e);
  process.on("unhandledRejection", onRejection);
  const limit = setTimeout(
    () =>
      fail(
        new Error(
          `offline run of ${opts.stack} did not finish in ${RUN_TIMEOUT_MS} ms (an output never resolved)`,
        ),
      ),
    RUN_TIMEOUT_MS,
  );
  const guard = <T>(p: Promise<T>) => Promise.race([p, failed]);
  const log = pulumi.log as unknown as { warn: (m: string) => void };
  const originalWarn = log.warn;
  log.warn = (m: string) => {
    warnings.push(m);
  };
  try {
    const exported = await guard(Promise.resolve().then(opts.program));
    const outputs: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(exported ?? {})) {
      outputs[k] = await guard(resolveDeep(v));
    }
    await guard(settings.waitForRPCs());

    const byKey = new Map<string, RecordedResource>();
    const resources: RecordedResource[] = [];
    for (const p of mocks.pending) {
      const key = `${p.type}::${p.name}`;
      if (byKey.has(key)) {
        throw new Error(
          `two resources named ${p.name} of type ${p.type}: names must be unique per stack`,
        );
      }
      const parentUrn = parents.get(key);
      const qualified = parentUrn ? `${qualifiedTypeOf(parentUrn)}$${p.type}` : p.type;
      const rec: RecordedResource = {
        urn: `urn:pulumi:${opts.stack}::${PROJECT}::${qualified}::${p.name}`,
        type: p.type,
        name: p.name,
        custom: p.custom,
        inputs: p.inputs,
        id: p.id,
        state: p.state,
        parentUrn,
        region: regionOf(p, mocks, opts.defaultRegion),
        protect: options.get(key)?.protect ?? false,
        ignoreChanges: options.get(key)?.ignoreChanges ?? [],
      };
      byKey.set(key, rec);
      resources.push(rec);
    }
    return { stack: opts.stack, resources, outputs, warnings };
  } finally {
    process.setSourceMapsEnabled(sourceMaps);
    debuggable.debuggablePromise = debuggablePromise;
    clearTimeout(limit);
    process.off("unhandledRejection", onRejection);
    log.warn = originalWarn;
  }
}

/** IAM is a global service: its resources ignore the provider's region. */
export const GLOBAL_TYPE_PREFIXES = ["aws:iam/", "aws:cloudfront/"];

function regionOf(
  p: RecordingMocks["pending"][number],
  mocks: RecordingMocks,
  defaultRegion: string,
): string | undefined {
  if (p.type.startsWith("pulumi:") || !p.custom) return undefined;
  if (GLOBAL_TYPE_PREFIXES.some((g) => p.type.startsWith(g))) return "global";
  return (
    (p.inputs.region as string | undefined) ??
    (p.provider ? mocks.providerRegions.get(p.provider) : undefined) ??
    defaultRegion
  );
}

/** Awaits Outputs nested anywhere in a value. */
async function resolveDeep(v: unknown): Promise<unknown> {
  if (pulumi.Output.isInstance(v)) {
    return resolveDeep(await new Promise((resolve) => v.apply(resolve)));
  }
  if (v instanceof Promise) return resolveDeep(await v);
  if (Array.isArray(v)) return Promise.all(v.map(resolveDeep));
  if (v && typeof v === "object" && !pulumi.Resource.isInstance(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = await resolveDeep(x);
    return out;
  }
  return v;
}
