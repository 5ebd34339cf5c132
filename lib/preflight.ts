/**
 * Service quotas a stack needs, compared with what the account has (`npm run preflight`), before
 * `pulumi up` fails half-way on the first function or the first claimed number.
 *
 * What is compared, and with which AWS answer:
 * - Lambda concurrent executions: the functions' reserved concurrency plus the 100 executions
 *   Lambda keeps unreserved (Lambda developer guide, "Configuring reserved concurrency"), against
 *   GetAccountSettings' AccountLimit.ConcurrentExecutions, and against UnreservedConcurrentExecutions
 *   for a first deploy (a stack already deployed holds its reservation in that figure).
 * - Connect "Concurrent active calls per instance": at least what outbound may hold at once
 *   (`outbound.maxConcurrentCalls`), inbound calls share it.
 * - Connect "Phone numbers per instance": the numbers the stack claims, and the
 *   `phoneNumberQuota` the config declares must not exceed it.
 * - Connect StartOutboundVoiceContact rate: the dialer's `outbound.dialRatePerSecond`, when
 *   Service Quotas lists that API's rate for the account.
 * Quota names are those of the Amazon Connect service quotas page
 * (docs.aws.amazon.com/connect/latest/adminguide/amazon-connect-service-limits.html); Service
 * Quotas lists an applied value only once one exists, so the AWS default is read when it does not
 * (ListServiceQuotas / ListAWSDefaultServiceQuotas, Service Quotas API reference).
 */
import type { StackConfig } from "../config";
import type { RecordedResource } from "./offline";

/**
 * Executions Lambda always keeps unreserved in an account and region (Lambda developer guide,
 * "Configuring reserved concurrency": a function's reservation must leave at least 100).
 */
export const LAMBDA_UNRESERVED_MINIMUM = 100;

export interface Quota {
  readonly QuotaName?: string;
  readonly Value?: number;
}

/** The AWS calls the preflight makes; injected so tests answer them. */
export interface QuotaSource {
  lambdaAccountLimit(
    region: string,
  ): Promise<{ concurrentExecutions: number; unreservedConcurrentExecutions: number }>;
  /** Applied quota values of a service (ListServiceQuotas), all pages. */
  appliedQuotas(serviceCode: string, region: string): Promise<readonly Quota[]>;
  /** AWS default quota values of a service (ListAWSDefaultServiceQuotas), all pages. */
  defaultQuotas(serviceCode: string, region: string): Promise<readonly Quota[]>;
}

export interface QuotaCheck {
  readonly quota: string;
  readonly region: string;
  readonly need: number;
  /** undefined: the account's value could not be found. */
  readonly have?: number;
  readonly verdict: "ok" | "short" | "unknown";
  readonly message: string;
}

export const CONNECT_QUOTAS = {
  concurrentCalls: "Concurrent active calls per instance",
  phoneNumbers: "Phone numbers per instance",
} as const;

export interface StackNeeds {
  readonly region: string;
  readonly reservedConcurrency: number;
  /** Calls outbound may hold at once (0: no outbound on this stack). */
  readonly outboundConcurrentCalls: number;
  readonly dialRatePerSecond: number;
  readonly phoneNumbers: number;
  readonly declaredPhoneNumberQuota: number;
}

/** What the stack needs, from its config and the resources its plan creates. */
export function stackNeeds(cfg: StackConfig, resources: readonly RecordedResource[]): StackNeeds {
  const reserved = resources
    .filter(
      (r) => r.type === "aws:lambda/function:Function" && (r.region ?? cfg.region) === cfg.region,
    )
    .reduce(
      (n, r) =>
        n +
        (typeof r.inputs.reservedConcurrentExecutions === "number"
          ? r.inputs.reservedConcurrentExecutions
          : 0),
      0,
    );
  const outbound = resources.some(
    (r) => r.type === "customerchannel:outbound:OutboundCampaignStore",
  );
  return {
    region: cfg.region,
    reservedConcurrency: reserved,
    outboundConcurrentCalls: outbound ? cfg.outbound.maxConcurrentCalls : 0,
    dialRatePerSecond: outbound ? cfg.outbound.dialRatePerSecond : 0,
    phoneNumbers: resources.filter((r) => r.type === "aws:connect/phoneNumber:PhoneNumber").length,
    declaredPhoneNumberQuota: cfg.phoneNumberQuota,
  };
}

const sameName = (a: string | undefined, b: string) => a?.toLowerCase() === b.toLowerCase();

async function connectQuota(
  source: QuotaSource,
  region: string,
  match: (q: Quota) => boolean,
): Promise<{ value?: number; name?: string; applied: boolean }> {
  const applied = (await source.appliedQuotas("connect", region)).find(match);
  if (applied?.Value !== undefined)
    return { value: applied.Value, name: applied.QuotaName, applied: true };
  const fallback = (await source.defaultQuotas("connect", region)).find(match);
  return { value: fallback?.Value, name: fallback?.QuotaName, applied: false };
}

export async function checkQuotas(needs: StackNeeds, source: QuotaSource): Promise<QuotaCheck[]> {
  const out: QuotaCheck[] = [];
  const { region } = needs;
  const need = needs.reservedConcurrency + LAMBDA_UNRESERVED_MINIMUM;
  const lambda = await source.lambdaAccountLimit(region);
  out.push(
    lambda.concurrentExecutions >= need
      ? {
          quota: "Lambda concurrent executions",
          region,
          need,
          have: lambda.concurrentExecutions,
          verdict: lambda.unreservedConcurrentExecutions >= need ? "ok" : "short",
          message:
            lambda.unreservedConcurrentExecutions >= need
              ? `${lambda.concurrentExecutions} (${lambda.unreservedConcurrentExecutions} unreserved) covers the ${needs.reservedConcurrency} reserved plus ${LAMBDA_UNRESERVED_MINIMUM} Lambda keeps unreserved`
              : `only ${lambda.unreservedConcurrentExecutions} of ${lambda.concurrentExecutions} are unreserved: other functions hold the rest, so reserving ${needs.reservedConcurrency} more fails unless this stack is already deployed (then its own reservation is counted in). Lower other reservations or raise the quota`,
        }
      : {
          quota: "Lambda concurrent executions",
          region,
          need,
          have: lambda.concurrentExecutions,
          verdict: "short",
          message: `${lambda.concurrentExecutions} is below ${need} (${needs.reservedConcurrency} reserved by the stack + ${LAMBDA_UNRESERVED_MINIMUM} unreserved): request an increase (Service Quotas → AWS Lambda → Concurrent executions)`,
        },
  );

  const calls = await connectQuota(source, region, (q) =>
    sameName(q.QuotaName, CONNECT_QUOTAS.concurrentCalls),
  );
  if (needs.outboundConcurrentCalls > 0)
    out.push(
      calls.value === undefined
        ? unknown(CONNECT_QUOTAS.concurrentCalls, region, needs.outboundConcurrentCalls)
        : {
            quota: CONNECT_QUOTAS.concurrentCalls,
            region,
            need: needs.outboundConcurrentCalls,
            have: calls.value,
            verdict: calls.value > needs.outboundConcurrentCalls ? "ok" : "short",
            message:
              calls.value > needs.outboundConcurrentCalls
                ? `${calls.value}${calls.applied ? "" : " (AWS default)"}: outbound may hold ${needs.outboundConcurrentCalls} at once, ${calls.value - needs.outboundConcurrentCalls} remain for inbound`
                : `${calls.value}${calls.applied ? "" : " (AWS default)"} leaves no room for inbound calls while outbound holds ${needs.outboundConcurrentCalls} (outbound.maxConcurrentCalls): raise the quota or lower outbound.maxConcurrentCalls`,
          },
    );

  const numbers = await connectQuota(source, region, (q) =>
    sameName(q.QuotaName, CONNECT_QUOTAS.phoneNumbers),
  );
  const numberNeed = Math.max(needs.phoneNumbers, needs.declaredPhoneNumberQuota);
  out.push(
    numbers.value === undefined
      ? unknown(CONNECT_QUOTAS.phoneNumbers, region, numberNeed)
      : {
          quota: CONNECT_QUOTAS.phoneNumbers,
          region,
          need: numberNeed,
          have: numbers.value,
          verdict: numbers.value >= numberNeed ? "ok" : "short",
          message:
            numbers.value >= numberNeed
              ? `${numbers.value}${numbers.applied ? "" : " (AWS default)"}: the stack claims ${needs.phoneNumbers}`
              : `${numbers.value}${numbers.applied ? "" : " (AWS default)"}, but the stack claims ${needs.phoneNumbers} and its config declares phoneNumberQuota ${needs.declaredPhoneNumberQuota}: request the increase first, or lower phoneNumberQuota to what AWS granted`,
        },
  );

  if (needs.dialRatePerSecond > 0) {
    const rate = await connectQuota(source, region, (q) =>
      /StartOutboundVoiceContact/i.test(q.QuotaName ?? ""),
    );
    out.push(
      rate.value === undefined
        ? {
            ...unknown(
              "StartOutboundVoiceContact requests per second",
              region,
              needs.dialRatePerSecond,
            ),
            message: `not listed in Service Quotas for this account: the Connect API throttling table gives 2/s by default and the dialer sends ${needs.dialRatePerSecond}/s (outbound.dialRatePerSecond); a higher rate needs the Connect quota increase form`,
          }
        : {
            quota: rate.name ?? "StartOutboundVoiceContact",
            region,
            need: needs.dialRatePerSecond,
            have: rate.value,
            verdict: rate.value >= needs.dialRatePerSecond ? "ok" : "short",
            message:
              rate.value >= needs.dialRatePerSecond
                ? `${rate.value}/s covers the dialer's ${needs.dialRatePerSecond}/s`
                : `${rate.value}/s is below the dialer's ${needs.dialRatePerSecond}/s (outbound.dialRatePerSecond): calls would be throttled; lower it or raise the quota`,
          },
    );
  }
  return out;
}

const unknown = (quota: string, region: string, need: number): QuotaCheck => ({
  quota,
  region,
  need,
  verdict: "unknown",
  message: `not found in Service Quotas (applied or default) for connect in ${region}: check it in the console before pulumi up`,
});

/** The checks as lines, one per quota. */
export const renderChecks = (stack: string, checks: readonly QuotaCheck[]): string[] =>
  checks.map(
    (c) =>
      `${stack} ${c.region} ${c.verdict.toUpperCase().padEnd(7)} ${c.quota}: need ${c.need}, ${c.message}`,
  );
