/**
 * API Gateway (Lambda proxy) answers shared by the project's APIs: JSON bodies, no caching, and
 * errors that always name the field and the reason.
 */
import type { z } from "zod";

export interface ApiResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

export const json = (
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): ApiResponse => ({
  statusCode,
  headers: { "content-type": "application/json", "cache-control": "no-store", ...headers },
  body: JSON.stringify(body),
});

export const problem = (
  statusCode: number,
  error: string,
  details?: unknown,
  headers?: Record<string, string>,
) => json(statusCode, { error, ...(details ? { details } : {}) }, headers);

export const issues = (e: z.ZodError) =>
  e.issues.map((i) => ({ field: i.path.join(".") || "(body)", reason: i.message }));

/** The body validated by `schema`, or the 400 that says why not. */
export function parseBody<T extends z.ZodType>(
  schema: T,
  body: string | null | undefined,
): z.output<T> | ApiResponse {
  let raw: unknown;
  try {
    raw = JSON.parse(body ?? "");
  } catch {
    return problem(400, "body is not JSON");
  }
  const r = schema.safeParse(raw);
  return r.success ? r.data : problem(400, "invalid body", issues(r.error));
}

export const isResponse = (v: unknown): v is ApiResponse =>
  typeof v === "object" && v !== null && "statusCode" in v && "body" in v;
