/**
 * Which services the program needs exist in which region, from AWS's endpoint pages (the General
 * Reference's service endpoint tables). A region not listed here is unknown: the plan warns
 * instead of guessing. Connect and Lex V2 were compared with their pages on 2026-12-02; the Voice
 * ID list is the one from before its end of support (2026-05-20) and was not re-checked.
 */
export const REGION_SOURCES = {
  connect: "docs.aws.amazon.com/general/latest/gr/connect_region.html",
  "connect-replica":
    "docs.aws.amazon.com/connect/latest/adminguide/setup-connect-global-resiliency.html (Osaka hosts replicas of Tokyo instances; it is not in the Connect endpoint table)",
  lexv2:
    "docs.aws.amazon.com/general/latest/gr/lex.html (Lex V2 model building and runtime endpoints)",
  voiceid: "docs.aws.amazon.com/general/latest/gr/voiceid.html",
} as const;

type Service = keyof typeof REGION_SOURCES;

/** Where a Connect instance can be created (CreateInstance): the Connect endpoint table. */
const CONNECT = [
  "ap-northeast-1",
  "ap-northeast-2",
  "ap-southeast-1",
  "ap-southeast-2",
  "ca-central-1",
  "eu-central-1",
  "eu-west-2",
  "us-east-1",
  "us-west-2",
  "af-south-1",
];

/** Regions with each service's endpoints. */
const AVAILABLE: Record<Service, readonly string[]> = {
  connect: CONNECT,
  // Where an instance's configuration can live: the above, and Global Resiliency replica regions,
  // whose instance comes from ReplicateInstance in the source region.
  "connect-replica": [...CONNECT, "ap-northeast-3"],
  // No ap-northeast-3: Lex V2 has no Osaka endpoint.
  lexv2: [
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ca-central-1",
    "eu-central-1",
    "eu-west-1",
    "eu-west-2",
    "us-east-1",
    "us-west-2",
    "af-south-1",
  ],
  voiceid: [
    "ap-northeast-1",
    "ap-southeast-1",
    "ap-southeast-2",
    "ca-central-1",
    "eu-central-1",
    "eu-west-2",
    "us-east-1",
    "us-west-2",
  ],
};

const KNOWN = new Set(Object.values(AVAILABLE).flat());

/** true / false from the table; undefined for a region the table does not know. */
export function hasService(service: Service, region: string): boolean | undefined {
  if (!KNOWN.has(region)) return undefined;
  return AVAILABLE[service].includes(region);
}

/** The service a resource type needs, for the types whose service is not everywhere. */
export function serviceOfType(type: string): Service | undefined {
  if (type.startsWith("aws-native:lex:") || type.startsWith("aws:lex/")) return "lexv2";
  if (type.startsWith("aws-native:voiceid:")) return "voiceid";
  if (type === "aws:connect/instance:Instance") return "connect";
  if (type.startsWith("aws:connect/") || type.startsWith("aws-native:connect:"))
    return "connect-replica";
  return undefined;
}

/** How callers are authenticated in a region: by the Lex bot, or by keypad where Lex is absent. */
export const callerAuthMode = (region: string): "lex" | "keypad" =>
  hasService("lexv2", region) === false ? "keypad" : "lex";
