/**
 * The shipped flow templates: name, type (from the designer metadata), description, and the
 * flows each one references through `{{flow.<name>}}` variables, which decides the order in
 * which they must be created.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { declaredType } from "./metadata";
import { parseTemplate, templateVariables } from "./render";
import type { FlowType } from "./validate";

export const TEMPLATE_DIR = path.join(__dirname, "templates");

export interface FlowTemplate {
  readonly name: string;
  readonly type: FlowType;
  readonly description: string;
  readonly template: unknown;
  /** Variables other than flow references, which the caller must supply. */
  readonly variables: string[];
  /** Flows this one references (`{{flow.<name>}}`). */
  readonly dependsOn: string[];
}

export const FLOW_VARIABLE_PREFIX = "flow.";

export function loadTemplate(name: string, dir = TEMPLATE_DIR): FlowTemplate {
  const file = path.join(dir, `${name}.json`);
  const template = parseTemplate(name, fs.readFileSync(file, "utf8"));
  const type = declaredType(template);
  if (!type) throw new Error(`flow template ${file} has no Metadata.type (e.g. "contactFlow")`);
  const meta = (template as { Metadata?: { description?: unknown } }).Metadata;
  const vars = templateVariables(template);
  return {
    name,
    type,
    description: typeof meta?.description === "string" ? meta.description : name,
    template,
    variables: vars.filter((v) => !v.startsWith(FLOW_VARIABLE_PREFIX)),
    dependsOn: vars
      .filter((v) => v.startsWith(FLOW_VARIABLE_PREFIX))
      .map((v) => v.slice(FLOW_VARIABLE_PREFIX.length)),
  };
}

/** Every template in the directory, by name. */
export function loadTemplates(dir = TEMPLATE_DIR): FlowTemplate[] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .map((f) => f.replace(/\.json$/, ""))
    .sort()
    .map((name) => loadTemplate(name, dir));
}

/**
 * The given flows ordered so that every flow comes after the flows it references. Throws on a
 * reference to a flow not in the set, and on a cycle (Connect cannot create either).
 */
export function deploymentOrder(flows: readonly FlowTemplate[]): FlowTemplate[] {
  const byName = new Map(flows.map((f) => [f.name, f]));
  const order: FlowTemplate[] = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (f: FlowTemplate, chain: string[]) => {
    if (state.get(f.name) === "done") return;
    if (state.get(f.name) === "visiting")
      throw new Error(`flows reference each other in a cycle: ${[...chain, f.name].join(" → ")}`);
    state.set(f.name, "visiting");
    for (const d of f.dependsOn) {
      const dep = byName.get(d);
      if (!dep)
        throw new Error(`flow ${f.name} references flow ${d}, which is not deployed with it`);
      visit(dep, [...chain, f.name]);
    }
    state.set(f.name, "done");
    order.push(f);
  };
  for (const f of [...flows].sort((a, b) => a.name.localeCompare(b.name))) visit(f, []);
  return order;
}
