/**
 * aws-native inputs checked against the CloudFormation resource specification (the extract in
 * `cfn-spec.json`, from @aws-cdk/aws-service-spec): every property exists, required ones are
 * present, values have the specified type, and strings with allowed values use one of them. The
 * specification carries no patterns or lengths (only the documentation does), so those are not
 * checked here.
 *
 * aws-native names a CloudFormation property by lower-casing its first letter (`BotAliasName` →
 * `botAliasName`), so names are compared without case.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { RecordedResource } from "../offline";
import type { CfnExtract, CfnProperty, CfnType } from "./cfnExtract";
import { SOURCES, type Finding } from "./types";

export const CFN_SPEC_FILE = path.join(__dirname, "cfn-spec.json");

/** The installed @aws-cdk/aws-service-spec version (the extract names the one it came from). */
export const specVersion = (): string =>
  (
    JSON.parse(
      fs.readFileSync(require.resolve("@aws-cdk/aws-service-spec/package.json"), "utf8"),
    ) as { version: string }
  ).version;

let cached: CfnExtract | undefined;
const spec = (): CfnExtract =>
  (cached ??= JSON.parse(fs.readFileSync(CFN_SPEC_FILE, "utf8")) as CfnExtract);

/** `aws-native:lex:BotAlias` → `AWS::Lex::BotAlias`, as the extract spells it. */
export function cfnTypeOf(token: string): string | undefined {
  const [, module, name] = token.split(":");
  const wanted = `aws::${module}::${name}`.toLowerCase();
  return Object.keys(spec().resources).find((t) => t.toLowerCase() === wanted);
}

const describe = (v: unknown) => (Array.isArray(v) ? "an array" : v === null ? "null" : typeof v);

function checkValue(v: unknown, t: CfnType, at: string, out: string[]): void {
  switch (t.type) {
    case "string":
      if (typeof v !== "string") out.push(`${at} is ${describe(v)}, the specification says string`);
      else if (t.allowedValues && !t.allowedValues.includes(v))
        out.push(`${at} is ${JSON.stringify(v)}, not one of ${t.allowedValues.join(", ")}`);
      return;
    case "number":
    case "integer":
      if (typeof v !== "number" || (t.type === "integer" && !Number.isInteger(v)))
        out.push(`${at} is ${describe(v)}, the specification says ${t.type}`);
      return;
    case "boolean":
      if (typeof v !== "boolean")
        out.push(`${at} is ${describe(v)}, the specification says boolean`);
      return;
    case "array":
      if (!Array.isArray(v)) out.push(`${at} is ${describe(v)}, the specification says array`);
      else v.forEach((x, i) => checkValue(x, t.element, `${at}[${i}]`, out));
      return;
    case "map":
      if (!v || typeof v !== "object" || Array.isArray(v))
        out.push(`${at} is ${describe(v)}, the specification says map`);
      else for (const [k, x] of Object.entries(v)) checkValue(x, t.element, `${at}.${k}`, out);
      return;
    case "ref": {
      const def = spec().types[t.reference.$ref];
      if (!v || typeof v !== "object" || Array.isArray(v))
        out.push(`${at} is ${describe(v)}, the specification says ${def?.name ?? "an object"}`);
      else if (def) checkObject(v as Record<string, unknown>, def.properties, at, out);
      return;
    }
    case "union": {
      const tries = t.types.map((u) => {
        const o: string[] = [];
        checkValue(v, u, at, o);
        return o;
      });
      if (!tries.some((o) => o.length === 0)) out.push(...(tries[0] ?? []));
      return;
    }
    default:
      // json, tag, date-time, null: any JSON value is accepted here.
      return;
  }
}

function checkObject(
  obj: Record<string, unknown>,
  properties: Record<string, CfnProperty>,
  at: string,
  out: string[],
): void {
  const byLower = new Map(Object.keys(properties).map((k) => [k.toLowerCase(), k]));
  for (const [k, v] of Object.entries(obj)) {
    const name = byLower.get(k.toLowerCase());
    const where = at ? `${at}.${k}` : k;
    if (!name) out.push(`${where} is not a property of the specification`);
    else if (v !== undefined) checkValue(v, properties[name].type, where, out);
  }
  const present = new Set(Object.keys(obj).map((k) => k.toLowerCase()));
  for (const [k, p] of Object.entries(properties))
    if (p.required && !present.has(k.toLowerCase()))
      out.push(`${at ? `${at}.` : ""}${k} is required and missing`);
}

export function checkNativeInputs(resources: readonly RecordedResource[]): {
  checked: number;
  findings: Finding[];
} {
  const findings: Finding[] = [];
  let checked = 0;
  for (const r of resources.filter((x) => x.custom && x.type.startsWith("aws-native:"))) {
    const type = cfnTypeOf(r.type);
    const finding = (rule: string, message: string): Finding => ({
      severity: "error",
      resource: r.name,
      type: r.type,
      rule,
      message,
      source: SOURCES.cfnSpec,
    });
    if (!type) {
      findings.push(
        finding(
          "cfn/not-extracted",
          `${r.type} is not in lib/fidelity/cfn-spec.json: add its CloudFormation type to CFN_TYPES (lib/fidelity/cfnExtract.ts) and run npm run fidelity:cfn-extract`,
        ),
      );
      continue;
    }
    checked++;
    const problems: string[] = [];
    // The program's inputs (a provider-level `region` is not a CloudFormation property).
    const inputs = Object.fromEntries(Object.entries(r.inputs).filter(([k]) => k !== "region"));
    checkObject(inputs, spec().resources[type], "", problems);
    for (const p of problems) findings.push(finding("cfn/property", `${type}: ${p}`));
  }
  return { checked, findings };
}
