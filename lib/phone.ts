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
