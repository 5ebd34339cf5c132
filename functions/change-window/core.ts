/**
 * Administrative changes outside the change window: Connect and IAM Identity Center write calls
 * (from CloudTrail, through EventBridge) made at a time no window allows are reported with who,
 * what and when. Pure: the clock is the event's own time, the windows come from config.
 */
import { z } from "zod";
import { DAYS } from "../outbound/windows";

/** Days as Date.getDay() numbers them (the outbound calling windows use the same names). */
export { DAYS };

const hhmm = z.string().regex(/^([01]\d|2[0-4]):[0-5]\d$/, "HH:MM, 00:00 to 24:00");

export const windowSchema = z.strictObject({
  days: z.array(z.enum(DAYS)).min(1),
  from: hhmm,
  to: hhmm,
});
export type ChangeWindow = z.output<typeof windowSchema>;

/** The CloudTrail event as EventBridge delivers it (only what the report uses). */
export const changeEvent = z.object({
  time: z.iso.datetime(),
  region: z.string(),
  detail: z.object({
    eventName: z.string(),
    eventSource: z.string(),
    userIdentity: z
      .object({ arn: z.string().optional(), principalId: z.string().optional() })
      .passthrough()
      .optional(),
    requestParameters: z.record(z.string(), z.unknown()).nullable().optional(),
  }),
});
export type ChangeEvent = z.output<typeof changeEvent>;

const minutes = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3));

/** Day and minute of the day of `iso` in `timeZone`. */
export function localTime(
  iso: string,
  timeZone: string,
): { day: (typeof DAYS)[number]; minute: number } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-US", {
      timeZone,
      weekday: "long",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    })
      .formatToParts(new Date(iso))
      .map((p) => [p.type, p.value]),
  );
  return {
    day: parts.weekday.toUpperCase() as (typeof DAYS)[number],
    minute: Number(parts.hour) * 60 + Number(parts.minute),
  };
}

/** True when some window holds the moment (a window's `to` is exclusive). */
export function inWindow(iso: string, windows: readonly ChangeWindow[], timeZone: string): boolean {
  const t = localTime(iso, timeZone);
  return windows.some(
    (w) => w.days.includes(t.day) && t.minute >= minutes(w.from) && t.minute < minutes(w.to),
  );
}

export interface ChangeReport {
  readonly subject: string;
  readonly message: string;
}

/** The report of a change outside every window, or undefined when a window allowed it. */
export function reportChange(
  e: ChangeEvent,
  windows: readonly ChangeWindow[],
  timeZone: string,
  stack: string,
): ChangeReport | undefined {
  if (inWindow(e.time, windows, timeZone)) return undefined;
  const who = e.detail.userIdentity?.arn ?? e.detail.userIdentity?.principalId ?? "unknown";
  const local = new Intl.DateTimeFormat("ja-JP", {
    timeZone,
    dateStyle: "medium",
    timeStyle: "medium",
  }).format(new Date(e.time));
  return {
    subject: `Change outside the change window: ${e.detail.eventName} (${stack})`.slice(0, 99),
    message: JSON.stringify(
      {
        what: `${e.detail.eventSource} ${e.detail.eventName}`,
        who,
        when: `${e.time} (${local} ${timeZone})`,
        region: e.region,
        stack,
        parameters: e.detail.requestParameters ?? {},
        windows,
      },
      null,
      2,
    ),
  };
}
