/**
 * ChatPortal (primary stack): the sample web portal page that opens a chat (portal/), served from
 * a private, KMS-encrypted bucket through CloudFront with origin access control. Nothing in the
 * bucket is public: only this distribution may read it (bucket policy), and only CloudFront of
 * this account may decrypt with its key.
 *
 * Every answer carries security headers (response headers policy): HSTS, a content security
 * policy that allows scripts from the page's own origin only and connections to the chat backends
 * and Connect's participant service of both regions, no framing, no sniffing, no referrer.
 *
 * The files live in a PortalSite; the dr stack keeps a second PortalSite, and once its bucket is
 * known (`failoverDomainName`) the distribution reads through an origin group that turns to it
 * when Tokyo's bucket fails, so the page outlives a Tokyo outage.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { buildPortal, CONFIG_FILE, portalConfigText } from "../../lib/portal";
import { createKmsKey } from "../shared/kmsKey";
import { cloudFrontReadStatement } from "./policies";
import { PrivateBucket } from "../shared/privateBucket";

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
  /** The dr stack's copy of the site (its bucket's regional domain name): the failover origin. */
  readonly failoverDomainName?: string;
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

export const PORTAL_SITE_TOKEN = "customerchannel:chat:PortalSite";

export interface PortalSiteArgs {
  readonly region: string;
  readonly aliasPrefix: string;
  /** Where the bucket's access logs go. */
  readonly accessLogBucket: pulumi.Input<string>;
  readonly noncurrentVersionExpirationDays: number;
  /** The CloudFront distribution (ARN) that may read the files; the only reader. */
  readonly reader: pulumi.Input<string>;
  /** config.json's chat backends, primary first; absent: call publishConfig later. */
  readonly endpoints?: readonly pulumi.Input<string>[];
}

/**
 * The page's files (portal/ built by esbuild, and config.json) in a private, versioned bucket
 * under its own key, readable only by one CloudFront distribution (origin access control): the
 * portal's origin in the primary region and, in the dr stack, its failover origin.
 */
export class PortalSite extends pulumi.ComponentResource {
  public readonly bucketName: pulumi.Output<string>;
  public readonly bucketArn: pulumi.Output<string>;
  /** What CloudFront's origin names (`<bucket>.s3.<region>.amazonaws.com`). */
  public readonly domainName: pulumi.Output<string>;
  private readonly upload: (
    file: string,
    f: { content: pulumi.Input<string>; contentType: string; cacheControl: string },
  ) => aws.s3.BucketObjectv2;

  constructor(name: string, args: PortalSiteArgs, opts?: pulumi.ComponentResourceOptions) {
    super(PORTAL_SITE_TOKEN, name, {}, opts);
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
    const bucket = new PrivateBucket(
      `${name}-bucket`,
      {
        dataClass: "general",
        region,
        encryption: { kind: "kms", keyArn: key.arn },
        accessLogs: { bucket: args.accessLogBucket, prefix: "chat-portal/" },
        noncurrentVersionExpirationDays: args.noncurrentVersionExpirationDays,
        grants: (arn) =>
          pulumi.output(args.reader).apply((reader) => [cloudFrontReadStatement(arn, reader)]),
      },
      p,
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
    if (args.endpoints) this.publishConfig(args.endpoints);
    this.bucketName = bucket.bucketName;
    this.bucketArn = bucket.arn;
    this.domainName = bucket.bucket.bucketRegionalDomainName;
    this.registerOutputs({ bucketName: this.bucketName });
  }

  /** Writes config.json: the chat backends, primary first. */
  publishConfig(endpoints: readonly pulumi.Input<string>[]): void {
    this.upload("config.json", {
      ...CONFIG_FILE,
      content: pulumi.all([...endpoints]).apply((e) => portalConfigText({ endpoints: e })),
    });
  }
}

export class ChatPortal extends pulumi.ComponentResource {
  /** https://<domain>: the page, and the origin the chat backends and instances approve. */
  public readonly origin: pulumi.Output<string>;
  public readonly url: pulumi.Output<string>;
  public readonly distributionId: pulumi.Output<string>;
  public readonly distributionArn: pulumi.Output<string>;
  public readonly bucketName: pulumi.Output<string>;
  private readonly site: PortalSite;

  constructor(name: string, args: ChatPortalArgs, opts?: pulumi.ComponentResourceOptions) {
    super(CHAT_PORTAL_TOKEN, name, {}, opts);
    const p = { parent: this };
    const region = args.region;
    // The bucket admits this distribution only, and the distribution needs the bucket first: the
    // distribution's ARN reaches the bucket policy through a promise resolved once it exists.
    let resolveReader!: (arn: pulumi.Output<string>) => void;
    const reader = new Promise<pulumi.Output<string>>((r) => (resolveReader = r));
    const site = new PortalSite(
      name,
      {
        region,
        aliasPrefix: args.aliasPrefix,
        accessLogBucket: args.accessLogBucket,
        noncurrentVersionExpirationDays: args.noncurrentVersionExpirationDays,
        reader: pulumi.output(reader),
      },
      p,
    );
    const oac = new aws.cloudfront.OriginAccessControl(
      name,
      {
        name: `${name}-portal`,
        description: "Chat portal buckets, signed requests only",
        originAccessControlOriginType: "s3",
        signingBehavior: "always",
        signingProtocol: "sigv4",
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
          { originId: "portal", domainName: site.domainName, originAccessControlId: oac.id },
          ...(args.failoverDomainName
            ? [
                {
                  originId: "portal-dr",
                  domainName: args.failoverDomainName,
                  originAccessControlId: oac.id,
                },
              ]
            : []),
        ],
        // With the dr stack's copy: CloudFront reads from it when Tokyo's bucket fails to answer.
        originGroups: args.failoverDomainName
          ? [
              {
                originId: "portal-group",
                failoverCriteria: { statusCodes: [500, 502, 503, 504] },
                members: [{ originId: "portal" }, { originId: "portal-dr" }],
              },
            ]
          : [],
        defaultCacheBehavior: {
          targetOriginId: args.failoverDomainName ? "portal-group" : "portal",
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
    resolveReader(distribution.arn);
    this.site = site;

    this.origin = args.domain
      ? pulumi.output(`https://${args.domain.name}`)
      : pulumi.interpolate`https://${distribution.domainName}`;
    this.url = pulumi.interpolate`${this.origin}/`;
    this.distributionId = distribution.id;
    this.distributionArn = distribution.arn;
    this.bucketName = site.bucketName;
    this.registerOutputs({ url: this.url });
  }

  /**
   * Writes config.json: the chat backends, primary first. Separate from the constructor because
   * the backends approve this portal's origin, so they are made after it.
   */
  publishConfig(endpoints: readonly pulumi.Input<string>[]): void {
    this.site.publishConfig(endpoints);
  }
}
