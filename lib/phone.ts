/**
 * Phone number checks shared by config validation, the outbound API and number claims. Amazon
 * Connect takes numbers only in strict E.164 (`+81312345678`); people write `03-1234-5678`. The
 * check says which it got and what to write instead, using libphonenumber-js's full metadata so
 * a number that cannot exist in Japan is refused before Connect refuses it.
 */
import { parsePhoneNumberFromString, type CountryCode } from "libphonenumber-js/max";

export type PhoneCheck =
  | { readonly ok: true; readonly e164: string; readonly country?: string; readonly type?: string }
  | { readonly ok: false; readonly reason: string };

const E164 = /^\+[1-9]\d{1,14}$/;

export interface PhoneCheckOptions {
  /** Country the number must belong to, and the one assumed for a national-format suggestion. */
  readonly country?: CountryCode;
}

export function checkE164(value: string, opts: PhoneCheckOptions = {}): PhoneCheck {
  const country = opts.country ?? "JP";
  if (!E164.test(value)) {
    const guess = parsePhoneNumberFromString(value, country);
    const hint = guess?.isValid() ? `; write it as ${guess.number}` : "";
    return {
      ok: false,
      reason: `${JSON.stringify(value)} is not E.164 (a + then up to 15 digits, no spaces or hyphens${hint ? "" : ", national 0 dropped"})${hint}`,
    };
  }
  const parsed = parsePhoneNumberFromString(value);
  if (!parsed || !parsed.isValid()) {
    return { ok: false, reason: `${value} is E.164 in form but is not a number that can exist` };
  }
  if (opts.country && parsed.country !== opts.country) {
    return {
      ok: false,
      reason: `${value} is a ${parsed.country ?? "non-geographic"} number; expected a ${opts.country} number`,
    };
  }
  return { ok: true, e164: parsed.number, country: parsed.country, type: parsed.getType() };
}

/**
 * The one spelling a number is stored, compared and dialled in: libphonenumber's E.164
 * (`+8109012345678` → `+819012345678`, the national trunk 0 dropped), or undefined when the
 * string is no valid number. A do-not-call check on any other spelling could be bypassed.
 */
export function normalizeE164(value: string): string | undefined {
  const c = checkE164(value);
  return c.ok ? c.e164 : undefined;
}

/** Number types libphonenumber tells apart (`getType()`), as an outbound campaign may allow them. */
export const DIALLABLE_NUMBER_TYPES = [
  "MOBILE",
  "FIXED_LINE",
  "FIXED_LINE_OR_MOBILE",
  "TOLL_FREE",
  "VOIP",
  "UAN",
] as const;
export type DiallableNumberType = (typeof DIALLABLE_NUMBER_TYPES)[number];

/**
 * Whether an outbound call may go to this number under a destination allow-list: its country must
 * be listed (non-geographic numbers such as satellite +881 have none, so they never are) and its
 * type too (premium rate, shared cost, pager, personal numbers are never in the list above).
 */
export function destinationAllowed(
  value: string,
  allow: { readonly countries: readonly string[]; readonly types: readonly string[] },
): { readonly ok: true; readonly e164: string } | { readonly ok: false; readonly reason: string } {
  const c = checkE164(value);
  if (!c.ok) return c;
  if (!c.country || !allow.countries.includes(c.country))
    return {
      ok: false,
      reason: `${c.e164} is ${c.country ? `a ${c.country}` : "a non-geographic"} number; this campaign calls ${allow.countries.join(", ")} numbers only`,
    };
  if (!c.type || !allow.types.includes(c.type))
    return {
      ok: false,
      reason: `${c.e164} is a ${c.type ?? "unknown-type"} number; this campaign calls ${allow.types.join(", ")} numbers only`,
    };
  return { ok: true, e164: c.e164 };
}
