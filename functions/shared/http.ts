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

/** At most this many problems are returned: a hostile body can have millions. */
export const MAX_REPORTED_ISSUES = 20;

export const issues = (e: z.ZodError) => {
  const all = e.issues.map((i) => ({ field: i.path.join(".") || "(body)", reason: i.message }));
  return all.length <= MAX_REPORTED_ISSUES
    ? all
    : [
        ...all.slice(0, MAX_REPORTED_ISSUES),
        { field: "(body)", reason: `${all.length - MAX_REPORTED_ISSUES} more problems not listed` },
      ];
};

/**
 * The body validated by `schema`, or the 4xx that says why not. A body over `maxBytes` is refused
 * before it is parsed (413): JSON.parse and validation of megabytes cost seconds of CPU, and the
 * error list of such a body could exceed Lambda's 6 MB response limit.
 */
export function parseBody<T extends z.ZodType>(
  schema: T,
  body: string | null | undefined,
  opts: { readonly maxBytes: number },
): z.output<T> | ApiResponse {
  const text = body ?? "";
  // length counts UTF-16 units, never more than the UTF-8 bytes: the cheap test first.
  if (text.length > opts.maxBytes || Buffer.byteLength(text, "utf8") > opts.maxBytes)
    return problem(413, `body over ${opts.maxBytes} bytes`);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return problem(400, "body is not JSON");
  }
  const r = schema.safeParse(raw);
  return r.success ? r.data : problem(400, "invalid body", issues(r.error));
}

export const isResponse = (v: unknown): v is ApiResponse =>
  typeof v === "object" && v !== null && "statusCode" in v && "body" in v;
