/**
 * What "throttled" means for the project's AWS calls, and how long to wait before trying again.
 * The functions, the DR code and the configuration exporter each decide which errors they retry;
 * they share these names and this schedule.
 */

/** Error names the AWS SDK gives a request refused for its rate (HTTP 429). */
export const RATE_THROTTLES: ReadonlySet<string> = new Set([
  "TooManyRequestsException",
  "ThrottlingException",
]);

/** The rate throttles, plus Connect's LimitExceededException, which the DR and dialer calls also wait out. */
export const THROTTLES_AND_LIMITS: ReadonlySet<string> = new Set([
  ...RATE_THROTTLES,
  "LimitExceededException",
]);

/** Wait before retry number `attempt` (1-based): 0.5 s, doubling, at most 8 s. */
export const backoffMs = (attempt: number): number => Math.min(8_000, 500 * 2 ** (attempt - 1));
