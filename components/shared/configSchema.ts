/**
 * The building blocks every capability's config schema uses: raw-value coercion (Pulumi hands
 * every config value to the program as a string, objects as JSON; tests hand native values, and
 * both go through the same schema), the problem shape, and the fix hints that name the key.
 * The schemas themselves live with their capability (components/<capability>/config.ts);
 * config.ts composes them and keeps the checks that span capabilities.
 */
import { z } from "zod";

export const PROJECT = "customerchannel";

export interface ConfigProblem {
  /** Fully qualified key, e.g. `customerchannel:instanceAlias`. */
  readonly key: string;
  readonly message: string;
}

export const fromString = (v: unknown): unknown => {
  if (typeof v !== "string") return v;
  const t = v.trim();
  if (t === "true") return true;
  if (t === "false") return false;
  if (/^-?\d+$/.test(t)) return Number(t);
  if (t.startsWith("{") || t.startsWith("[")) {
    try {
      return JSON.parse(t);
    } catch {
      return v;
    }
  }
  return v;
};
export const bool = () => z.preprocess(fromString, z.boolean());
export const int = (min: number, max: number) =>
  z.preprocess(fromString, z.number().int().min(min).max(max));
export const obj = <T extends z.ZodTypeAny>(schema: T) => z.preprocess(fromString, schema);

/** A value as the user wrote it: strings quoted, numbers and booleans bare, long ones cut. */
export const q = (v: unknown): string => {
  const s = JSON.stringify(fromString(v));
  return s === undefined ? "(unset)" : s.length > 80 ? `${s.slice(0, 77)}...` : s;
};

export const fix = (stack: string, key: string, value: string) =>
  `Fix: pulumi config set ${PROJECT}:${key} ${value} --stack ${stack}`;

/** The fix for an object-valued key: edit it in the stack file. */
export const editHint = (stack: string, key: string, stackFile?: string) =>
  `Fix: edit ${PROJECT}:${key} in ${stackFile ?? `Pulumi.${stack}.yaml`} (or pulumi config set --path '${PROJECT}:${key}.<name>...' --stack ${stack})`;
