/**
 * When a campaign may call. Windows are wall-clock times in Japan (Asia/Tokyo is UTC+9 all year:
 * no daylight saving, so the arithmetic is exact). Dunning (督促) is clamped to 08:00-21:00 JST
 * whatever the campaign says (貸金業法 21条1項 / 施行規則 19条: no calls between 21:00 and 08:00
 * without the debtor's request), and a debtor who promised to pay on a date is not called before it.
 */
export const DAYS = [
  "SUNDAY",
  "MONDAY",
  "TUESDAY",
  "WEDNESDAY",
  "THURSDAY",
  "FRIDAY",
  "SATURDAY",
] as const;
export type Day = (typeof DAYS)[number];

export type CampaignType = "callback" | "telemarketing" | "dunning";

export interface CallingRules {
  readonly type: CampaignType;
  /** Day → "HH:MM-HH:MM" in JST; a day that is absent has no calls. */
  readonly windows: Partial<Record<Day, string>>;
  /** JST dates (YYYY-MM-DD) with no calls at all (e.g. 祝日, 年末年始). */
  readonly holidays?: readonly string[];
}

/** 貸金業法 21条: the lawful dunning hours, minutes after JST midnight. */
export const DUNNING_HOURS = { start: 8 * 60, end: 21 * 60 } as const;

const JST_OFFSET_MS = 9 * 3_600_000;
const DAY_MS = 86_400_000;
const MINUTE = 60_000;

export const parseWindow = (w: string): { start: number; end: number } | undefined => {
  const m = /^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$/.exec(w);
  if (!m) return undefined;
  const start = Number(m[1]) * 60 + Number(m[2]);
  const end = Number(m[3]) * 60 + Number(m[4]);
  return end > start && end <= 24 * 60 ? { start, end } : undefined;
};

/** The JST calendar date (YYYY-MM-DD) of an instant. */
export const jstDate = (t: number): string =>
  new Date(t + JST_OFFSET_MS).toISOString().slice(0, 10);

/** The instant of 00:00 JST on the JST day containing t. */
const jstMidnight = (t: number): number =>
  Math.floor((t + JST_OFFSET_MS) / DAY_MS) * DAY_MS - JST_OFFSET_MS;

/** The effective window of a JST day, in minutes after midnight, or undefined for none. */
function dayWindow(
  rules: CallingRules,
  midnight: number,
): { start: number; end: number } | undefined {
  if (rules.holidays?.includes(jstDate(midnight))) return undefined;
  const day = DAYS[new Date(midnight + JST_OFFSET_MS).getUTCDay()];
  const raw = rules.windows[day];
  const w = raw ? parseWindow(raw) : undefined;
  if (!w) return undefined;
  if (rules.type !== "dunning") return w;
  const start = Math.max(w.start, DUNNING_HOURS.start);
  const end = Math.min(w.end, DUNNING_HOURS.end);
  return end > start ? { start, end } : undefined;
}

/**
 * The earliest instant at or after `now` when a call is allowed, or undefined when the rules
 * allow none within two weeks (no windows at all, or only holidays). `notBefore` (a promised
 * payment date, JST YYYY-MM-DD) moves the earliest day.
 */
export function nextCallTime(
  rules: CallingRules,
  now: number,
  notBefore?: string,
): number | undefined {
  let from = now;
  if (notBefore) {
    const promised = Date.parse(`${notBefore}T00:00:00+09:00`);
    if (Number.isFinite(promised) && promised > from) from = promised;
  }
  for (let d = 0; d < 15; d++) {
    const midnight = jstMidnight(from) + d * DAY_MS;
    const w = dayWindow(rules, midnight);
    if (!w) continue;
    const open = midnight + w.start * MINUTE;
    const close = midnight + w.end * MINUTE;
    if (from < close) return Math.max(from, open);
  }
  return undefined;
}

/** Whether a call may start at `now`. */
export const mayCallNow = (rules: CallingRules, now: number, notBefore?: string): boolean =>
  nextCallTime(rules, now, notBefore) === now;
