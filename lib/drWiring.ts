/**
 * The step between `pulumi up` of dr and the second `pulumi up` of tokyo (README "Deploy order"):
 * the primary learns the dr stack's traffic distribution group (replica mode: numbers move into
 * it) and its chat backend (chat follows a failover). These are the exact `pulumi config set`
 * lines, from the dr stack's outputs, quoted for a POSIX shell.
 */

/** Single-quoted for sh: the value as one word whatever it contains. */
const sh = (v: string) => `'${v.replace(/'/g, `'\\''`)}'`;

export function drWiringCommands(
  dr: Readonly<Record<string, unknown>>,
  primaryStack = "tokyo",
): string[] {
  const lines: string[] = [];
  const set = (key: string, value: string, pathKey = false) =>
    lines.push(
      `pulumi config set${pathKey ? " --path" : ""} ${sh(key)} ${sh(value)} --stack ${primaryStack}`,
    );
  if (typeof dr.trafficDistributionGroupArn === "string" && dr.trafficDistributionGroupArn)
    set("customerchannel:trafficDistributionGroupArn", dr.trafficDistributionGroupArn);
  const chat = dr.chatDr as Record<string, unknown> | undefined;
  if (chat && typeof chat === "object")
    for (const field of ["endpoint", "targetParameterArn", "instanceArn", "portalBucketDomain"])
      if (typeof chat[field] === "string" && chat[field])
        set(`customerchannel:chat.dr.${field}`, chat[field], true);
  return lines;
}
