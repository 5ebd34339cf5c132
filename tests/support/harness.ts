/**
 * Shared mock harness: runs a program (a component, or a whole stack from its YAML) under the
 * offline mocks and returns every registered resource with type, name, inputs and parent. The
 * mocks throw on any invoke they do not know, and a failed registration fails the run instead of
 * hanging it.
 */
import { parseConfig, readProjectFile, type StackConfig } from "../../config";
import {
  readStackConfig,
  runOffline,
  nameOfUrn,
  type RecordedResource,
  type RunResult,
} from "../../lib/offline";
import { PROJECT_ROOT } from "../../config";
import { composeStack, type ProgramSources } from "../../stack";

export class Recorded {
  constructor(readonly run: RunResult) {}

  get resources(): RecordedResource[] {
    return this.run.resources;
  }

  ofType(type: string): RecordedResource[] {
    return this.resources.filter((r) => r.type === type);
  }

  /** The one resource of this type and name; throws listing candidates otherwise. */
  get(type: string, name: string): RecordedResource {
    const found = this.resources.filter((r) => r.type === type && r.name === name);
    if (found.length !== 1) {
      const names = this.ofType(type).map((r) => r.name);
      throw new Error(
        `expected one ${type} named ${name}, found ${found.length}; ${type} names: ${names.join(", ")}`,
      );
    }
    return found[0];
  }

  /** Direct children of the resource with this name. */
  childrenOf(name: string): RecordedResource[] {
    return this.resources.filter(
      (r) => r.parentUrn !== undefined && nameOfUrn(r.parentUrn) === name,
    );
  }

  /** Counts of custom resources by type, for exact-count assertions. */
  countsByType(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const r of this.resources) if (r.custom) counts[r.type] = (counts[r.type] ?? 0) + 1;
    return counts;
  }

  policy(r: RecordedResource, field = "policy"): { Statement: Record<string, unknown>[] } {
    return JSON.parse(String(r.inputs[field])) as { Statement: Record<string, unknown>[] };
  }
}

/** Runs `program` (which creates resources) under mocks. */
export async function runProgram(
  program: () => Record<string, unknown> | void,
  opts: {
    stack?: string;
    region?: string;
    stackReferences?: Record<string, Record<string, unknown>>;
  } = {},
): Promise<Recorded> {
  const run = await runOffline({
    stack: opts.stack ?? "unit",
    config: {},
    defaultRegion: opts.region ?? "ap-northeast-1",
    stackReferences: opts.stackReferences,
    program: () => program() ?? {},
  });
  return new Recorded(run);
}

/** Parses a stack's YAML (with Pulumi.yaml defaults) plus overrides, as the CLI would. */
export function stackConfig(stack: string, overrides: Record<string, unknown> = {}): StackConfig {
  const raw: Record<string, unknown> = { ...readStackConfig(stack, { projectDir: PROJECT_ROOT }) };
  for (const [k, v] of Object.entries(overrides)) {
    if (v === undefined) delete raw[`customerchannel:${k}`];
    else raw[`customerchannel:${k}`] = v;
  }
  return parseConfig(raw, { stack, readFile: readProjectFile, allowPlaceholderSaml: true });
}

/**
 * Runs of whole stacks in this test process, by stack and overrides. A stack's program is
 * deterministic under the mocks, so every test that reads the default tokyo (or dr) stack shares
 * one run instead of composing ~400 resources again; a test with overrides runs its own, once.
 * The shared results are frozen: a test that edits one must copy it (see fidelity.test.ts).
 */
const stackRuns = new Map<string, Promise<Recorded>>();

/** Composes a whole stack from its config under mocks (dr gets tokyo's real offline outputs). */
export function runStack(
  stack: "tokyo" | "dr",
  overrides: Record<string, unknown> = {},
  sources: ProgramSources = {},
): Promise<Recorded> {
  // `undefined` means "remove the key", which JSON would drop: keep it in the cache key.
  const key = JSON.stringify([stack, overrides, sources], (_k, v: unknown) =>
    v === undefined ? "\u0000undefined" : v,
  );
  let run = stackRuns.get(key);
  if (!run) {
    run = composeOffline(stack, overrides, sources).then((r) => new Recorded(deepFreeze(r)));
    stackRuns.set(key, run);
    // A failed run is not cached: the next caller sees the failure again, freshly.
    run.catch(() => stackRuns.delete(key));
  }
  return run;
}

async function composeOffline(
  stack: "tokyo" | "dr",
  overrides: Record<string, unknown>,
  sources: ProgramSources,
): Promise<RunResult> {
  const cfg = stackConfig(stack, overrides);
  const stackReferences: Record<string, Record<string, unknown>> = {};
  if (cfg.role === "dr") {
    const primary = await runStack("tokyo");
    stackReferences[cfg.dr.primaryStack] = primary.run.outputs;
  }
  return runOffline({
    stack,
    config: {},
    defaultRegion: cfg.region,
    stackReferences,
    program: () => composeStack(cfg, sources),
  });
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** The message a run fails with; fails the test if it does not fail. */
export async function failureOf(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
  } catch (e) {
    return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  }
  throw new Error("expected the run to fail, and it succeeded");
}
