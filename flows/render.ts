/**
 * Strict renderer for flow templates. A template is Amazon Connect Flow Language JSON (what the
 * flow designer exports) in which instance-specific values are replaced by `{{name}}` variables.
 *
 * The JSON is parsed first and variables are substituted only inside string values, so a value
 * can never break the JSON (quotes and backslashes are escaped by JSON.stringify), and literal
 * `%` in SSML (`rate="120%"`) is never touched. Any variable left unresolved and any variable
 * supplied but unused is an error. Output is canonical JSON: keys sorted, no whitespace, so the
 * same inputs always give the same content (and no spurious diff in `pulumi preview`).
 */
import * as pulumi from "@pulumi/pulumi";

export const VARIABLE = /\{\{\s*([A-Za-z][A-Za-z0-9_.-]*)\s*\}\}/g;

export class FlowRenderError extends Error {
  constructor(
    readonly flow: string,
    message: string,
  ) {
    super(`flow ${flow}: ${message}`);
    this.name = "FlowRenderError";
  }
}

/** Names of the variables a template uses, sorted. */
export function templateVariables(template: unknown): string[] {
  const names = new Set<string>();
  walkStrings(template, (s) => {
    for (const m of s.matchAll(VARIABLE)) names.add(m[1]);
    return s;
  });
  return [...names].sort();
}

function walkStrings(v: unknown, f: (s: string) => string): unknown {
  if (typeof v === "string") return f(v);
  if (Array.isArray(v)) return v.map((x) => walkStrings(x, f));
  if (v && typeof v === "object") {
    const out: Record<string, unknown> = {};
    // Keys are never templated: identifiers and parameter names are structure, not data.
    for (const [k, x] of Object.entries(v)) out[k] = walkStrings(x, f);
    return out;
  }
  return v;
}

/** JSON with keys sorted at every level and no whitespace. */
export function canonicalJson(v: unknown): string {
  const sort = (x: unknown): unknown =>
    Array.isArray(x)
      ? x.map(sort)
      : x && typeof x === "object"
        ? Object.fromEntries(
            Object.keys(x)
              .sort()
              .map((k) => [k, sort((x as Record<string, unknown>)[k])]),
          )
        : x;
  return JSON.stringify(sort(v));
}

/** Parses template text, naming the flow in the error. */
export function parseTemplate(flow: string, text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new FlowRenderError(flow, `is not JSON: ${(e as Error).message}`);
  }
}

/**
 * Substitutes `vars` into the template's string values and returns canonical JSON. Throws
 * FlowRenderError listing every unresolved and every unused variable.
 */
export function renderFlow(
  flow: string,
  template: unknown,
  vars: Readonly<Record<string, string>>,
): string {
  const used = new Set<string>();
  const missing = new Set<string>();
  const rendered = walkStrings(template, (s) =>
    s.replace(VARIABLE, (whole, name: string) => {
      const value = vars[name];
      if (value === undefined) {
        missing.add(name);
        return whole;
      }
      if (value === "") missing.add(`${name} (empty)`);
      used.add(name);
      return value;
    }),
  );
  const unused = Object.keys(vars).filter((k) => !used.has(k));
  const problems = [
    ...(missing.size ? [`unresolved variables: ${[...missing].sort().join(", ")}`] : []),
    ...(unused.length ? [`variables supplied but not used: ${unused.sort().join(", ")}`] : []),
  ];
  if (problems.length) throw new FlowRenderError(flow, problems.join("; "));
  return canonicalJson(rendered);
}

/** `renderFlow` for variables that are Pulumi Outputs (ARNs of queues, functions, bots...). */
export function renderFlowOutput(
  flow: string,
  template: unknown,
  vars: Readonly<Record<string, pulumi.Input<string>>>,
): pulumi.Output<string> {
  const names = Object.keys(vars);
  return pulumi
    .all(names.map((n) => vars[n]))
    .apply((values) =>
      renderFlow(flow, template, Object.fromEntries(names.map((n, i) => [n, values[i]]))),
    );
}
