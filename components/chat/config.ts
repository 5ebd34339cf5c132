/** Config of the web chat (ChatChannel, ChatPortal) and what it cannot be beyond its schema. */
import { z } from "zod";
import { PROJECT, q, type ConfigProblem } from "../shared/configSchema";

const httpsOrigin = z
  .string()
  .regex(
    /^https:\/\/[a-z0-9.-]+(:\d+)?$/,
    "an https origin such as https://www.example-bank.co.jp (no path)",
  );

/** The web portal's chat (ChatChannel in both stacks, ChatPortal and the page in the primary). */
export const chatSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** Chats the backend may start per second (API stage throttling), and the burst above it. */
  requestsPerSecond: z.number().int().min(1).max(10_000).default(10),
  burst: z.number().int().min(1).max(5_000).default(20),
  /** Most chats starting at the same moment (the function's reserved concurrency). */
  concurrency: z.number().int().min(1).max(1000).default(20),
  /** How long a chat may stay open (Connect: 60 to 10080 minutes). */
  chatDurationMinutes: z.number().int().min(60).max(10_080).default(60),
  /** How long a warm backend keeps the target it read: the most a flip takes to reach it. */
  targetTtlSeconds: z.number().int().min(0).max(300).default(15),
  /**
   * Primary: deploy the sample portal page (S3 + CloudFront). DR: keep a copy of the page, which
   * the primary's CloudFront reads when Tokyo's bucket does not answer.
   */
  portal: z.boolean().default(true),
  /** Primary: a custom domain for the portal and its ACM certificate (us-east-1, for CloudFront). */
  portalDomain: z
    .strictObject({
      name: z
        .string()
        .regex(/^[a-z0-9.-]+\.[a-z]{2,}$/, "a host name such as chat.example-bank.co.jp"),
      certificateArn: z
        .string()
        .regex(
          /^arn:aws[-a-z]*:acm:us-east-1:\d{12}:certificate\/[0-9a-f-]+$/,
          "an ACM certificate ARN in us-east-1 (CloudFront only uses certificates from there)",
        ),
    })
    .optional(),
  /** Primary: an AWS WAF web ACL (CLOUDFRONT scope) for the portal. */
  webAclArn: z
    .string()
    .regex(
      /^arn:aws[-a-z]*:wafv2:us-east-1:\d{12}:global\/webacl\/.+$/,
      "a WAFv2 global web ACL ARN",
    )
    .optional(),
  /** Other pages that open chats (the bank's own site): allowed by CORS and approved origins. */
  extraOrigins: z.array(httpsOrigin).max(20).default([]),
  /** AWS WAF in front of the chat API (both stacks). */
  waf: z
    .strictObject({
      /**
       * Requests one IP address may make in 5 minutes; a chat start is two (preflight and POST).
       * AWS WAF's lowest allowed limit is 10.
       */
      perIpRequestsPer5Minutes: z.number().int().min(10).max(2_000_000_000).default(30),
      /** AWS's Bot Control rule group, common level (billed per request on top of WAF). */
      botControl: z.boolean().default(true),
      /** Chat API requests in 5 minutes that raise the surge alarm. */
      surgeAlarmPer5Minutes: z.number().int().min(1).default(300),
    })
    .prefault({}),
  /**
   * Primary: the dr stack's chat outputs, once it has run. Until then chats start in the primary
   * region only and the portal knows no DR backend.
   */
  dr: z
    .strictObject({
      endpoint: z.url({ protocol: /^https$/ }),
      targetParameterArn: z
        .string()
        .regex(/^arn:aws[-a-z]*:ssm:[a-z0-9-]+:\d{12}:parameter\/.+$/, "an SSM parameter ARN"),
      instanceArn: z
        .string()
        .regex(
          /^arn:aws[-a-z]*:connect:[a-z0-9-]+:\d{12}:instance\/[0-9a-f-]+$/,
          "a Connect instance ARN",
        ),
      /** The dr stack's copy of the page (its bucket's regional domain name). */
      portalBucketDomain: z
        .string()
        .regex(/^[a-z0-9.-]+\.s3\.[a-z0-9-]+\.amazonaws\.com$/, "an S3 regional domain name")
        .optional(),
    })
    .optional(),
});

export type ChatConfig = z.output<typeof chatSchema>;

/** The chat settings and the stack facts the chat rules read. */
export interface ChatSettings {
  readonly chat: ChatConfig;
  readonly role: "primary" | "dr";
  readonly drRegion: string;
}

/** What the chat settings cannot be, beyond their own schema. */
export function chatProblems(c: ChatSettings, stack: string): ConfigProblem[] {
  const k = `${PROJECT}:chat`;
  const out: ConfigProblem[] = [];
  const { chat } = c;
  if (chat.burst < chat.requestsPerSecond)
    out.push({
      key: k,
      message: `burst has ${chat.burst}, below requestsPerSecond ${chat.requestsPerSecond}; API Gateway would refuse the rate. Fix: pulumi config set --path '${k}.burst' ${chat.requestsPerSecond * 2} --stack ${stack}`,
    });
  if (chat.enabled && c.role === "primary" && !chat.portal && !chat.extraOrigins.length)
    out.push({
      key: k,
      message: `portal is false and extraOrigins is empty: no page could open a chat (CORS and the approved origins need the page's origin). Fix: pulumi config set --path '${k}.extraOrigins[0]' https://www.example-bank.co.jp --stack ${stack}, and set chat.portal false on the dr stack too (it keeps no copy then)`,
    });
  if (c.role === "dr") {
    for (const f of ["dr", "portalDomain", "webAclArn"] as const)
      if (chat[f] !== undefined)
        out.push({
          key: k,
          message: `${f} is set on the dr stack; it belongs to the primary (the portal and the link to DR live there). Fix: pulumi config rm --path '${k}.${f}' --stack ${stack}`,
        });
  } else if (chat.dr) {
    const region = (arn: string) => arn.split(":")[3];
    const fromDr = `"$(pulumi stack output chatDr --stack dr --json | jq -r .<field>)"`;
    if (region(chat.dr.targetParameterArn) !== c.drRegion)
      out.push({
        key: k,
        message: `dr.targetParameterArn is in ${region(chat.dr.targetParameterArn)}, not the DR region ${c.drRegion} (the dr stack's output chatDr.targetParameterArn). Fix: pulumi config set --path '${k}.dr.targetParameterArn' ${fromDr.replace("<field>", "targetParameterArn")} --stack ${stack}`,
      });
    if (region(chat.dr.instanceArn) !== c.drRegion)
      out.push({
        key: k,
        message: `dr.instanceArn is in ${region(chat.dr.instanceArn)}, not the DR region ${c.drRegion} (the dr stack's output chatDr.instanceArn). Fix: pulumi config set --path '${k}.dr.instanceArn' ${fromDr.replace("<field>", "instanceArn")} --stack ${stack}`,
      });
    const bucketRegion = chat.dr.portalBucketDomain?.split(".s3.")[1]?.split(".")[0];
    if (bucketRegion && bucketRegion !== c.drRegion)
      out.push({
        key: k,
        message: `dr.portalBucketDomain is in ${bucketRegion}, not the DR region ${c.drRegion} (the dr stack's output chatDr.portalBucketDomain). Fix: pulumi config set --path '${k}.dr.portalBucketDomain' ${fromDr.replace("<field>", "portalBucketDomain")} --stack ${stack}`,
      });
    if (!chat.dr.endpoint.includes(`.${c.drRegion}.`))
      out.push({
        key: k,
        message: `dr.endpoint ${q(chat.dr.endpoint)} is not an API in the DR region ${c.drRegion} (the dr stack's output chatDr.endpoint). Fix: pulumi config set --path '${k}.dr.endpoint' ${fromDr.replace("<field>", "endpoint")} --stack ${stack}`,
      });
  }
  return out;
}
