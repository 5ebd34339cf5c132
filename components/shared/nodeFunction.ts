import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { watch } from "./watch";
import * as fs from "node:fs";
import * as path from "node:path";
import { cachedBuild, type CachedBuild, type Place } from "../../lib/bundleCache";
import {
  doc,
  functionLogStatement,
  functionVpcStatements,
  type FunctionVpc,
  type PolicyStatement,
} from "./policies";
import { serviceRole } from "./serviceRole";
import { SOURCE_TAG } from "../../lib/fidelity/manifest";

export const NODE_FUNCTION_TOKEN = "customerchannel:lambda:NodeFunction";

/** Runtime and architecture of every function (Graviton: cheaper per ms, same code). */
export const RUNTIME = "nodejs22.x";
export const ARCHITECTURE = "arm64";

export interface NodeFunctionArgs {
  readonly region: pulumi.Input<string>;
  /**
   * The function's name. Give it the same name in both stacks: mirrored flows call
   * `arn:aws:lambda:$.AwsRegion:<account>:function:<name>`.
   */
  readonly functionName: string;
  /** TypeScript entry file exporting `handler`, relative to the project root. */
  readonly entry: string;
  /** Other files shipped next to index.js (e.g. a dictionary read at cold start). */
  readonly files?: Record<string, string>;
  readonly description: string;
  readonly environment: Record<string, pulumi.Input<string>>;
  /** What the function may do besides writing its own logs; least privilege, no `*` actions. */
  readonly statements: pulumi.Input<PolicyStatement[]>;
  /** CMK for the log group. */
  readonly logsKeyArn: pulumi.Input<string>;
  /** CMK for the environment variables at rest. */
  readonly envKeyArn: pulumi.Input<string>;
  readonly logRetentionDays: number;
  /** Reserved concurrency: the most parallel invocations, and a guarantee of that many. */
  readonly reservedConcurrency: number;
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
  /** Place the function in these subnets (to reach a private endpoint); absent: no VPC. */
  readonly vpc?: FunctionVpc;
}

/**
 * Every function entry of the program. They are bundled in one esbuild call: the AWS SDK and zod
 * are parsed once for all of them (measured: 0.65 s for the five together, 1.2 s one by one), and
 * the result is cached on disk by input content (lib/bundleCache.ts), so a plan or test process
 * that finds the sources unchanged runs no esbuild at all.
 */
export const FUNCTION_ENTRIES = [
  "functions/caller-auth/index.ts",
  "functions/outbound/api.entry.ts",
  "functions/outbound/dialer.entry.ts",
  "functions/outbound/recorder.entry.ts",
  "functions/outbound/callbackIntake.entry.ts",
  "functions/compliance-detector/index.ts",
  "functions/config-backup/index.ts",
  "functions/change-window/index.ts",
  "functions/chat-start/index.ts",
  "functions/self-service/index.ts",
  "functions/self-service/preScreen.entry.ts",
];

/**
 * Bundles the function entries with esbuild into one CommonJS file each, AWS SDK included, so the
 * deployed code runs exactly the dependency versions package-lock.json pins and the tests ran (the
 * runtime's built-in SDK changes under you). Deterministic output: the same source gives the same
 * asset hash, so `pulumi preview` shows no change when nothing changed.
 */
export const FUNCTION_BUNDLE_OPTIONS = {
  bundle: true,
  platform: "node",
  target: "node22",
  format: "cjs",
  minify: true,
  keepNames: true,
  sourcemap: false,
  legalComments: "none",
  logLevel: "silent",
} as const;

export function functionBundles(place?: Place): CachedBuild {
  return cachedBuild("functions", FUNCTION_ENTRIES, FUNCTION_BUNDLE_OPTIONS, place);
}

/** Absolute path of an entry's bundle (one of FUNCTION_ENTRIES). */
export function bundleFile(entry: string): string {
  const out = functionBundles().outputs[entry];
  if (!out)
    throw new Error(`${entry} is not in FUNCTION_ENTRIES (components/shared/nodeFunction.ts)`);
  return out.file;
}

/** An entry's bundled code. */
export const bundle = (entry: string): string => fs.readFileSync(bundleFile(entry), "utf8");

/**
 * A Node.js Lambda function with what every function here needs: its own log group (retention,
 * KMS) created before it, a role that may only write that group plus the given statements,
 * environment encrypted with a CMK, JSON logs, and reserved concurrency.
 */
export class NodeFunction extends pulumi.ComponentResource {
  public readonly arn: pulumi.Output<string>;
  public readonly name: pulumi.Output<string>;
  public readonly roleArn: pulumi.Output<string>;
  public readonly logGroupName: pulumi.Output<string>;

  constructor(name: string, args: NodeFunctionArgs, opts?: pulumi.ComponentResourceOptions) {
    super(NODE_FUNCTION_TOKEN, name, {}, opts);
    const p = { parent: this };
    const identity = aws.getCallerIdentityOutput({}, p);

    const logGroup = new aws.cloudwatch.LogGroup(
      name,
      {
        region: args.region,
        name: `/aws/lambda/${args.functionName}`,
        retentionInDays: args.logRetentionDays,
        kmsKeyId: args.logsKeyArn,
      },
      p,
    );
    const { role, policy } = serviceRole(
      name,
      {
        service: "lambda.amazonaws.com",
        description: `Execution role of ${args.functionName}: ${args.description}`,
        accountId: identity.accountId,
        policy: pulumi
          .all([logGroup.arn, args.statements])
          .apply(([lg, st]) =>
            doc(
              functionLogStatement(lg),
              ...st,
              ...(args.vpc ? functionVpcStatements(lg, args.vpc) : []),
            ),
          ),
      },
      p,
    );
    const fn = new aws.lambda.Function(
      name,
      {
        region: args.region,
        name: args.functionName,
        description: args.description,
        role: role.arn,
        runtime: RUNTIME,
        architectures: [ARCHITECTURE],
        handler: "index.handler",
        code: new pulumi.asset.AssetArchive({
          // A file, not the text: the engine reads and hashes it, and ~1.3 MB per function never
          // travels through the program's RPC messages (measured: 0.9 s of a two-stack plan).
          // Relative to the program's working directory (the project), so the asset does not
          // name the machine that deployed it.
          "index.js": new pulumi.asset.FileAsset(
            path.relative(process.cwd(), bundleFile(args.entry)),
          ),
          ...Object.fromEntries(
            Object.entries(args.files ?? {}).map(([n, text]) => [
              n,
              new pulumi.asset.StringAsset(text),
            ]),
          ),
        }),
        memorySize: args.memoryMb,
        timeout: args.timeoutSeconds,
        reservedConcurrentExecutions: args.reservedConcurrency,
        kmsKeyArn: args.envKeyArn,
        environment: { variables: args.environment },
        loggingConfig: { logFormat: "JSON", logGroup: logGroup.name },
        ...(args.vpc
          ? {
              vpcConfig: {
                subnetIds: [...args.vpc.subnetIds],
                securityGroupIds: [...args.vpc.securityGroupIds],
              },
            }
          : {}),
        // Which code this is: an auditor traces the function to its source, and the plan's
        // AWS-fidelity stage picks the function's call manifest by it.
        tags: { [SOURCE_TAG]: args.entry },
      },
      // The role's policy must exist before the first invocation can log or read.
      { parent: this, dependsOn: [logGroup, policy] },
    );
    watch({
      kind: "function",
      id: name,
      functionName: fn.name,
      timeoutSeconds: args.timeoutSeconds,
      logGroupName: logGroup.name,
      reservedConcurrency: args.reservedConcurrency,
    });
    this.arn = fn.arn;
    this.name = fn.name;
    this.roleArn = role.arn;
    this.logGroupName = logGroup.name;
    this.registerOutputs({ arn: this.arn });
  }
}
