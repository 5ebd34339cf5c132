/**
 * What a plan says before numbers are claimed (issue 21): the lead time of Japanese numbers, and
 * a number of a country other than the region's (a standalone DR outside Japan planning a JP
 * number). Amazon Connect sells a country's numbers only where its coverage list says so, and
 * Japanese numbers need an approved case with documents: the claim fails at `pulumi up` otherwise.
 */

/** The country a region's Connect numbers are local to (regions where Connect runs). */
export const REGION_COUNTRY: Readonly<Record<string, string>> = {
  "ap-northeast-1": "JP",
  "ap-northeast-3": "JP",
  "ap-northeast-2": "KR",
  "ap-southeast-1": "SG",
  "ap-southeast-2": "AU",
  "ca-central-1": "CA",
  "eu-central-1": "DE",
  "eu-west-2": "GB",
  "af-south-1": "ZA",
  "us-east-1": "US",
  "us-west-2": "US",
};

export function numberWarnings(
  stack: string,
  region: string,
  numbers: Readonly<Record<string, { readonly countryCode: string }>>,
): string[] {
  const warnings: string[] = [];
  const jp = Object.entries(numbers)
    .filter(([, n]) => n.countryCode === "JP")
    .map(([k]) => k);
  if (jp.length)
    warnings.push(
      `stack ${stack} claims Japanese numbers (${jp.join(", ")}): AWS sells them only after a Support case with documents proving a business in Japan is approved (allow several weeks); open it before the first pulumi up, or set customerchannel:phoneNumbers to {} until then (README "Before your first pulumi up")`,
    );
  const local = REGION_COUNTRY[region];
  const foreign = Object.entries(numbers).filter(([, n]) => local && n.countryCode !== local);
  if (foreign.length)
    warnings.push(
      `stack ${stack} is in ${region} (${local}) but claims ${foreign.map(([k, n]) => `${k} (${n.countryCode})`).join(", ")}: a number of another country is claimable there only if Connect's country coverage for ${region} lists it; otherwise claim ${local} numbers, or route callers to the primary's numbers`,
    );
  return warnings;
}
