/**
 * ChatPortal (primary stack): the sample web portal page that opens a chat (portal/), served from
 * a private, KMS-encrypted bucket through CloudFront with origin access control. Nothing in the
 * bucket is public: only this distribution may read it (bucket policy), and only CloudFront of
 * this account may decrypt with its key.
 *
 * Every answer carries security headers (response headers policy): HSTS, a content security
 * policy that allows scripts from the page's own origin only and connections to the chat backends
 * and Connect's participant service of both regions, no framing, no sniffing, no referrer.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { buildPortal, portalConfigFile } from "../lib/portal";
import { createKmsKey } from "./kmsKey";
import { cloudFrontReadStatement } from "./policies";
import { PrivateBucket } from "./privateBucket";

export const CHAT_PORTAL_TOKEN = "customerchannel:chat:ChatPortal";

/** AWS managed cache policy "CachingOptimized" (honours the objects' Cache-Control). */
export const CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6";

export interface ChatPortalArgs {
  readonly region: string;
  readonly aliasPrefix: string;
  /** Regions whose participant service the page talks to (where chats may start). */
  readonly chatRegions: readonly string[];
  /** Where the bucket's access logs go. */
  readonly accessLogBucket: pulumi.Input<string>;
  readonly noncurrentVersionExpirationDays: number;
  /** Custom domain (aliases) and its ACM certificate in us-east-1; default CloudFront's domain. */
  readonly domain?: { readonly name: string; readonly certificateArn: string };
  /** AWS WAF web ACL (us-east-1, CLOUDFRONT scope) to attach. Default none. */
  readonly webAclArn?: string;
}

/**
 * The content security policy of the page. The chat backends are allowed by region
 * (execute-api of each chat region), not by exact URL: the backends approve the portal's origin
 * (CORS), so naming them here would make each wait for the other. `extraConnect`: more sources
 * (the browser test's local server).
 */
export function contentSecurityPolicy(regions: readonly string[], extraConnect: string[] = []) {
  const connect = [...regions]
    .sort()
    .flatMap((r) => [
      `https://*.execute-api.${r}.amazonaws.com`,
      `https://participant.connect.${r}.amazonaws.com`,
      `wss://*.transport.connect.${r}.amazonaws.com`,
    ]);
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src 'self' ${[...connect, ...extraConnect].join(" ")}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join("; ");
}

export class ChatPortal extends pulumi.ComponentResource {
  /** https://<domain>: the page, and the origin the chat backends and instances approve. */
  public readonly origin: pulumi.Output<string>;
  public readonly url: pulumi.Output<string>;
  public readonly distributionId: pulumi.Output<string>;
  public readonly bucketName: pulumi.Output<string>;
  private readonly upload: (
    file: string,
    f: { content: pulumi.Input<string>; contentType: string; cacheControl: string },
  ) => aws.s3.BucketObjectv2;

  constructor(name: string, args: ChatPortalArgs, opts?: pulumi.ComponentResourceOptions) {
    super(CHAT_PORTAL_TOKEN, name, {}, opts);
    const p = { parent: this };
    const region = args.region;
    const { key } = createKmsKey(
      `${name}-key`,
      {
        region,
        description: "Chat portal static files",
        alias: `${args.aliasPrefix}/chat-portal`,
        allowCloudFrontReads: true,
      },
      p,
    );
    const oac = new aws.cloudfront.OriginAccessControl(
      name,
      {
        name: `${name}-portal`,
        description: "Chat portal bucket, signed requests only",
        originAccessControlOriginType: "s3",
        signingBehavior: "always",
        signingProtocol: "sigv4",
      },
      p,
    );
    // The bucket policy names the distribution, which needs the bucket first: its statement
    // arrives through a promise resolved once the distribution exists.
    let grant!: (s: pulumi.Output<ReturnType<typeof cloudFrontReadStatement>[]>) => void;
    const grants = new Promise<pulumi.Output<ReturnType<typeof cloudFrontReadStatement>[]>>(
      (resolve) => (grant = resolve),
    );
    const bucket = new PrivateBucket(
      `${name}-bucket`,
      {
        dataClass: "general",
        region,
        encryption: { kind: "kms", keyArn: key.arn },
        accessLogs: { bucket: args.accessLogBucket, prefix: "chat-portal/" },
        noncurrentVersionExpirationDays: args.noncurrentVersionExpirationDays,
        grants: pulumi.output(grants).apply((g) => g),
      },
      p,
    );

    const headers = new aws.cloudfront.ResponseHeadersPolicy(
      name,
      {
        name: `${name}-security-headers`,
        comment: "Chat portal security headers",
        securityHeadersConfig: {
          strictTransportSecurity: {
            accessControlMaxAgeSec: 63_072_000,
            includeSubdomains: true,
            preload: true,
            override: true,
          },
          contentSecurityPolicy: {
            contentSecurityPolicy: contentSecurityPolicy(args.chatRegions),
            override: true,
          },
          contentTypeOptions: { override: true },
          frameOptions: { frameOption: "DENY", override: true },
          referrerPolicy: { referrerPolicy: "no-referrer", override: true },
        },
        customHeadersConfig: {
          items: [
            {
              header: "Permissions-Policy",
              value: "camera=(), microphone=(), geolocation=(), payment=()",
              override: true,
            },
          ],
        },
      },
      p,
    );
    const distribution = new aws.cloudfront.Distribution(
      name,
      {
        enabled: true,
        comment: "Chat portal",
        defaultRootObject: "index.html",
        httpVersion: "http2and3",
        isIpv6Enabled: true,
        // Japan is in PriceClass_200; PriceClass_All adds only South America and Oceania edges.
        priceClass: "PriceClass_200",
        aliases: args.domain ? [args.domain.name] : [],
        webAclId: args.webAclArn,
        origins: [
          {
            originId: "portal",
            domainName: bucket.bucket.bucketRegionalDomainName,
            originAccessControlId: oac.id,
          },
        ],
        defaultCacheBehavior: {
          targetOriginId: "portal",
          viewerProtocolPolicy: "redirect-to-https",
          allowedMethods: ["GET", "HEAD"],
          cachedMethods: ["GET", "HEAD"],
          cachePolicyId: CACHING_OPTIMIZED,
          responseHeadersPolicyId: headers.id,
          compress: true,
        },
        restrictions: { geoRestriction: { restrictionType: "none" } },
        viewerCertificate: args.domain
          ? {
              acmCertificateArn: args.domain.certificateArn,
              sslSupportMethod: "sni-only",
              minimumProtocolVersion: "TLSv1.2_2021",
            }
          : // CloudFront's own certificate: TLS 1.2 cannot be enforced on *.cloudfront.net; set
            // chat.portalDomain for a custom domain with TLSv1.2_2021.
            { cloudfrontDefaultCertificate: true },
      },
      p,
    );
    grant(
      pulumi.all([bucket.arn, distribution.arn]).apply(([b, d]) => [cloudFrontReadStatement(b, d)]),
    );

    this.upload = (file, f) =>
      new aws.s3.BucketObjectv2(
        `${name}-${file}`,
        {
          region,
          bucket: bucket.bucketName,
          key: file,
          content: f.content,
          contentType: f.contentType,
          cacheControl: f.cacheControl,
          serverSideEncryption: "aws:kms",
          kmsKeyId: key.arn,
        },
        { parent: this, dependsOn: [bucket.policy] },
      );
    for (const [file, f] of Object.entries(buildPortal())) this.upload(file, f);

    this.origin = args.domain
      ? pulumi.output(`https://${args.domain.name}`)
      : pulumi.interpolate`https://${distribution.domainName}`;
    this.url = pulumi.interpolate`${this.origin}/`;
    this.distributionId = distribution.id;
    this.bucketName = bucket.bucketName;
    this.registerOutputs({ url: this.url });
  }

  /**
   * Writes config.json: the chat backends, primary first. Separate from the constructor because
   * the backends approve this portal's origin, so they are made after it.
   */
  publishConfig(endpoints: readonly pulumi.Input<string>[]): void {
    const file = pulumi.all([...endpoints]).apply((e) => portalConfigFile({ endpoints: e }));
    const { contentType, cacheControl } = portalConfigFile({ endpoints: [] });
    this.upload("config.json", { content: file.content, contentType, cacheControl });
  }
}
