/**
 * The offline plan: runs the real program (index.ts) for one stack under mocks with that stack's
 * YAML config and renders what would be deployed. Pure of process I/O so tests can call it.
 */
import * as path from "node:path";
import { ConfigError, OFFLINE_ENV, PROJECT, PROJECT_ROOT, STACK_FILE_ENV } from "../config";
import {
  DEFAULT_PACK_CONFIG,
  evaluate,
  type Evaluation,
  type PackConfig,
  type ResourceView,
} from "../policy/rules";
import { securityFacts, type Facts } from "./describe";
import { timed, timedAsync } from "./timing";
import {
  checkFidelity,
  fidelityErrors,
  fidelitySummary,
  prepareAsl,
  type FidelityReport,
} from "./fidelity";
import {
  readStackConfig,
  runOffline,
  typeOfUrn,
  nameOfUrn,
  type RecordedResource,
  type RunResult,
} from "./offline";

export interface PlanOptions {
  readonly stack: string;
  /** Use this file instead of Pulumi.<stack>.yaml (e.g. a copy with a change to try). */
  readonly stackFile?: string;
  readonly projectDir?: string;
  /** Policy pack config, as `pulumi preview --policy-pack-config` would pass it. */
  readonly policyConfig?: Partial<PackConfig>;
}

export interface PlannedResource {
  readonly type: string;
  readonly name: string;
  /** Name of the component this resource belongs to ("" at the top). */
  readonly component: string;
  readonly componentType: string;
  /** False for ComponentResources. */
  readonly custom: boolean;
  readonly region?: string;
  readonly security: Facts;
}

export interface Plan {
  readonly stack: string;
  readonly role: string;
  readonly region: string;
  readonly resources: PlannedResource[];
  readonly outputs: Record<string, unknown>;
  readonly warnings: string[];
  /** How the primary's outputs were obtained, for a dr stack. */
  readonly stackReferences: Record<string, string>;
  /** The policy pack's verdict on every resource of the stack. */
  readonly policy: Evaluation;
  /** The stack checked against AWS's published rules (lib/fidelity). */
  readonly fidelity: FidelityReport;
}

/** The resources as the policy pack sees them (state: inputs plus what AWS computes). */
export const policyViews = (resources: readonly RecordedResource[]): ResourceView[] =>
  resources.map((r) => ({
    type: r.type,
    name: r.name,
    urn: r.urn,
    parentUrn: r.parentUrn,
    props: r.state,
  }));

/** Fidelity errors fail the plan like mandatory policy violations. */
export const blockingFidelity = (plan: Plan) => fidelityErrors(plan.fidelity);

/** Mandatory violations fail the plan; advisory ones are shown. */
export const mandatoryViolations = (plan: Plan) =>
  plan.policy.violations.filter((v) => v.level === "mandatory");

export type PlanResult =
  | {
      ok: true;
      plan: Plan;
      /** Every registered resource with its inputs (the deployer policy and snapshots read them). */
      resources: RecordedResource[];
    }
  | { ok: false; error: string; kind: "config" | "program" };

/** Loads index.ts afresh (its top level is the program) and returns its exports. */
function runIndex(projectDir: string): Record<string, unknown> {
  const entry = require.resolve(path.join(projectDir, "index.ts"));
  delete require.cache[entry];
  return require(entry) as Record<string, unknown>;
}

async function runStackOffline(
  stack: string,
  config: Record<string, string>,
  projectDir: string,
  stackReferences: Record<string, Record<string, unknown>>,
  stackFile?: string,
): Promise<RunResult> {
  const previous = process.env[OFFLINE_ENV];
  const previousFile = process.env[STACK_FILE_ENV];
  process.env[OFFLINE_ENV] = "1";
  // Config fix hints name the file the user gave (--config), not Pulumi.<stack>.yaml.
  if (stackFile) process.env[STACK_FILE_ENV] = stackFile;
  else delete process.env[STACK_FILE_ENV];
  try {
    return await runOffline({
      stack,
      config,
      defaultRegion: config[`${PROJECT}:region`] ?? "ap-northeast-1",
      stackReferences,
      program: () => runIndex(projectDir),
    });
  } finally {
    if (previous === undefined) delete process.env[OFFLINE_ENV];
    else process.env[OFFLINE_ENV] = previous;
    if (previousFile === undefined) delete process.env[STACK_FILE_ENV];
    else process.env[STACK_FILE_ENV] = previousFile;
  }
}

/**
 * Outputs of stacks already run in this process, keyed by their exact config: planning tokyo and
 * dr together runs tokyo once (the deterministic mocks would give the same outputs anyway).
 */
const outputsByConfig = new Map<string, Record<string, unknown>>();

interface Ran {
  readonly run: RunResult;
  readonly config: Record<string, string>;
  readonly provenance: Record<string, string>;
}

/** Runs a stack's program offline (a dr stack after its primary, whose outputs it reads). */
async function runPlanned(opts: PlanOptions, projectDir: string): Promise<Ran> {
  const config = readStackConfig(opts.stack, { projectDir, stackFile: opts.stackFile });
  const stackReferences: Record<string, Record<string, unknown>> = {};
  const provenance: Record<string, string> = {};
  const primary = config[`${PROJECT}:primaryStack`];
  if (config[`${PROJECT}:role`] === "dr" && primary) {
    // The dr stack reads the primary's outputs; offline, they come from running the primary's
    // own stack file under the same mocks, so both plans agree on every id.
    const local = primary.split("/").pop() ?? primary;
    const primaryConfig = readStackConfig(local, { projectDir });
    const cacheKey = JSON.stringify([projectDir, local, primaryConfig]);
    stackReferences[primary] =
      outputsByConfig.get(cacheKey) ??
      (await timedAsync("program", () => runStackOffline(local, primaryConfig, projectDir, {})))
        .outputs;
    provenance[primary] = `offline run of Pulumi.${local}.yaml`;
  }
  const run = await timedAsync("program", () =>
    runStackOffline(opts.stack, config, projectDir, stackReferences, opts.stackFile),
  );
  outputsByConfig.set(JSON.stringify([projectDir, opts.stack, config]), run.outputs);
  return { run, config, provenance };
}

const failure = (e: unknown): { ok: false; error: string; kind: "config" | "program" } =>
  e instanceof ConfigError
    ? { ok: false, kind: "config", error: e.message }
    : {
        ok: false,
        kind: "program",
        error: e instanceof Error ? (e.stack ?? e.message) : String(e),
      };

export async function buildPlan(opts: PlanOptions): Promise<PlanResult> {
  const projectDir = opts.projectDir ?? PROJECT_ROOT;
  // The fidelity stage's Step Functions validator loads on its own thread while the program runs.
  prepareAsl();
  try {
    const { run, config, provenance } = await runPlanned(opts, projectDir);
    const pack = { ...DEFAULT_PACK_CONFIG, ...opts.policyConfig };
    const fidelity = await timedAsync("fidelity", () => checkFidelity(run.resources));
    const plan = toPlan(run, config, provenance, pack, fidelity);
    return { ok: true, plan, resources: run.resources };
  } catch (e) {
    return failure(e);
  }
}

/**
 * The resources the program registers and the stack's raw config, as a plan run makes them
 * (for the preflight's quota needs), without the plan's verdicts.
 */
export async function plannedResources(
  opts: Pick<PlanOptions, "stack" | "stackFile" | "projectDir">,
): Promise<
  | { ok: true; resources: RecordedResource[]; config: Record<string, string> }
  | ReturnType<typeof failure>
> {
  try {
    const { run, config } = await runPlanned(opts, opts.projectDir ?? PROJECT_ROOT);
    return { ok: true, resources: run.resources, config };
  } catch (e) {
    return failure(e);
  }
}

/**
 * Only the stack outputs `pulumi up` would produce (for the drill's rehearsal): the program runs
 * as for a plan, without the policy pack and the fidelity stage, which are the plan's verdicts.
 */
export async function offlineOutputs(
  opts: Pick<PlanOptions, "stack" | "stackFile" | "projectDir">,
): Promise<{ ok: true; outputs: Record<string, unknown> } | ReturnType<typeof failure>> {
  try {
    const { run } = await runPlanned(opts, opts.projectDir ?? PROJECT_ROOT);
    return { ok: true, outputs: run.outputs };
  } catch (e) {
    return failure(e);
  }
}

/**
 * Identifiers a reviewer cannot read (KMS key ARNs, Connect ids) mapped to the resource names
 * they belong to, so the plan says `key tokyo-data-key` instead of a UUID.
 */
function readableIds(resources: RecordedResource[]): Map<string, string> {
  const ids = new Map<string, string>();
  for (const r of resources) {
    if (r.type === "aws:kms/key:Key") ids.set(String(r.state.arn), `key:${r.name}`);
    // Only the owning type: a queue's state also carries its hours' id as an input.
    const own: Record<string, string> = {
      "aws:connect/hoursOfOperation:HoursOfOperation": "hoursOfOperationId",
      "aws:connect/queue:Queue": "queueId",
    };
    const field = own[r.type];
    const v = field ? r.state[field] : undefined;
    if (field && typeof v === "string")
      ids.set(v, `${field.replace(/Id$/, "")}:${String(r.inputs.name)}`);
  }
  return ids;
}

function withNames(facts: Facts, ids: Map<string, string>): Facts {
  const swap = (v: string) => {
    let out = v;
    for (const [id, label] of ids) if (out.includes(id)) out = out.split(id).join(label);
    return out;
  };
  const result: Facts = {};
  for (const [k, v] of Object.entries(facts)) {
    result[k] = typeof v === "string" ? swap(v) : Array.isArray(v) ? v.map(swap) : v;
  }
  return result;
}

const byNameThenType = (a: { name: string; type: string }, b: { name: string; type: string }) =>
  a.name === b.name ? a.type.localeCompare(b.type) : a.name.localeCompare(b.name);

function toPlan(
  run: RunResult,
  config: Record<string, string>,
  provenance: Record<string, string>,
  pack: PackConfig,
  fidelity: FidelityReport,
): Plan {
  const ids = readableIds(run.resources);
  const resources = [...run.resources].sort(byNameThenType).map((r: RecordedResource) => ({
    type: r.type,
    name: r.name,
    component: r.parentUrn ? nameOfUrn(r.parentUrn) : "",
    componentType: r.parentUrn ? typeOfUrn(r.parentUrn) : "",
    custom: r.custom,
    region: r.region,
    security: withNames(securityFacts(r), ids),
  }));
  return {
    stack: run.stack,
    role: config[`${PROJECT}:role`] ?? "primary",
    region: config[`${PROJECT}:region`] ?? "",
    resources,
    outputs: run.outputs,
    warnings: run.warnings,
    stackReferences: provenance,
    policy: timed("policy", () => evaluate(policyViews(run.resources), pack)),
    fidelity,
  };
}

const factLines = (f: Facts): string[] =>
  Object.entries(f).flatMap(([k, v]) =>
    Array.isArray(v)
      ? v.length
        ? [`${k}:`, ...v.map((x) => `  - ${x}`)]
        : []
      : [`${k}: ${String(v)}`],
  );

/** Human-readable tree: components, their children with type, name, region and security facts. */
export function renderPlan(plan: Plan): string {
  const out: string[] = [];
  const cloud = plan.resources.filter((r) => r.custom && !r.type.startsWith("pulumi:"));
  const components = plan.resources.filter((r) => !r.custom).length;
  const pulumiOnes = plan.resources.length - cloud.length - components;
  out.push(
    `${PROJECT} · stack ${plan.stack} · role ${plan.role} · region ${plan.region} · ${cloud.length} cloud resources in ${components} components (+${pulumiOnes} providers/references)`,
  );
  for (const [ref, how] of Object.entries(plan.stackReferences))
    out.push(`StackReference ${ref}: ${how}`);
  for (const w of plan.warnings) out.push(`warning: ${w}`);
  out.push("");
  // Components before resources, then by name: the tree reads top-down like the code.
  const children = (parent: string) =>
    plan.resources
      .filter((r) => r.component === parent)
      .sort((a, b) => Number(a.custom) - Number(b.custom) || byNameThenType(a, b));
  const walk = (r: PlannedResource, indent: string, last: boolean) => {
    const branch = indent + (last ? "└─ " : "├─ ");
    const region = r.region ? ` [${r.region}]` : "";
    out.push(`${branch}${r.name}  ${r.type}${region}`);
    const inner = indent + (last ? "   " : "│  ");
    const kids = children(r.name).filter((k) => k.componentType === r.type);
    const facts = factLines(r.security);
    for (const line of facts) out.push(`${inner}${kids.length ? "│ " : "  "} ${line}`);
    kids.forEach((k, idx) => walk(k, inner, idx === kids.length - 1));
  };
  const top = children("");
  top.forEach((r, idx) => walk(r, "", idx === top.length - 1));
  const p = plan.policy;
  const mandatory = p.violations.filter((v) => v.level === "mandatory").length;
  out.push(
    "",
    `Policy pack customerchannel-fisc: ${p.rulesRun} rules over ${p.resourcesChecked} resources: ${mandatory} mandatory, ${p.violations.length - mandatory} advisory violations`,
  );
  for (const v of p.violations)
    out.push(`  ${v.level.toUpperCase()} ${v.rule}: ${v.name} (${v.type}): ${v.message}`);
  out.push("", fidelitySummary(plan.fidelity));
  for (const f of plan.fidelity.findings)
    out.push(
      `  ${f.severity.toUpperCase()} ${f.rule}: ${f.resource} (${f.type}): ${f.message} [${f.source}]`,
    );
  out.push("", "Outputs:");
  for (const [k, v] of Object.entries(plan.outputs)) {
    if (v === undefined) continue;
    const text = typeof v === "string" ? v : JSON.stringify(v, null, 2).replace(/\n/g, "\n    ");
    out.push(`  ${k}: ${text}`);
  }
  return out.join("\n");
}
