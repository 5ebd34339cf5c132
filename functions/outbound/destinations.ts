/**
 * Whom a campaign may call. Connect dials any E.164 the instance's outbound settings allow,
 * premium-rate (+81 990 …), international and satellite numbers included, so the campaign carries
 * an allow-list of countries and number types (libphonenumber's classification) and every request
 * is checked against it at enqueue and again before each call. Dunning stays in Japan: its
 * lawful hours (08:00-21:00) are Japan's, and a debtor abroad has other hours.
 */
import {
  DIALLABLE_NUMBER_TYPES,
  destinationAllowed,
  type DiallableNumberType,
} from "../../lib/phone";
import type { CampaignType } from "./windows";

export interface Destinations {
  /** ISO 3166 alpha-2 codes, e.g. ["JP"]. */
  readonly countries: readonly string[];
  readonly types: readonly DiallableNumberType[];
}

/** Japanese mobile (070/080/090) and fixed lines: what every campaign type calls unless told. */
export const DEFAULT_DESTINATIONS: Destinations = {
  countries: ["JP"],
  types: ["MOBILE", "FIXED_LINE"],
};

export { DIALLABLE_NUMBER_TYPES };

/** Countries a campaign type may list (undefined: any). */
export const COUNTRIES_BY_TYPE: Partial<Record<CampaignType, readonly string[]>> = {
  dunning: ["JP"],
};

/** The campaign's allow-list; campaigns created before it existed get the default. */
export const destinationsOf = (c: { readonly destinations?: Destinations }): Destinations =>
  c.destinations ?? DEFAULT_DESTINATIONS;

/** The number to dial (normalised E.164), or why this campaign may not call it. */
export const checkDestination = (
  c: { readonly destinations?: Destinations },
  phoneNumber: string,
) => destinationAllowed(phoneNumber, destinationsOf(c));
