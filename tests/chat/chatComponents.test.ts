/**
 * Chat in both stacks, as `pulumi up` would create it: the backend API (public, behind AWS WAF,
 * throttled, the portal's origin only), its function's exact permissions, the approved origins, the portal
 * (private bucket, CloudFront with origin access control and security headers), and the DR
 * target parameter that makes chat follow a failover.
 *
 * Over 500 lines on purpose: Chat in both stacks and its DR wiring, asserted on the two recorded
 * stacks.
 */
import { expect } from "chai";
import { chatStartPolicy, contentSecurityPolicy } from "../../components";
import { CHAT_FLOW } from "../../stack";
import { failureOf, runStack, stackConfig, type Recorded } from "../support/harness";

const DR_CHAT: Record<string, string> = {
  endpoint: "https://abcdef1234.execute-api.ap-northeast-3.amazonaws.com/chat",
  targetParameterArn:
    "arn:aws:ssm:ap-northeast-3:123456789012:parameter/customerchannel/dr/chat-target",
  instanceArn:
    "arn:aws:connect:ap-northeast-3:123456789012:instance/106e2e08-7557-830d-12f5-705934a7134a",
};

/** The provider marks a parameter's value secret; the mocks record it wrapped. */
const targetOf = (r: Recorded, name = "dr-chat-target") => {
  const v = r.get("aws:ssm/parameter:Parameter", name).inputs.value;
  return JSON.parse(String(v && typeof v === "object" && "value" in v ? v.value : v)) as Record<
    string,
    string
  >;
};

describe("chat components", () => {
  let tokyo: Recorded;
  let dr: Recorded;
  before(async () => {
    tokyo = await runStack("tokyo");
    dr = await runStack("dr");
  });
  const origin = () => String(tokyo.run.outputs.chatPortalOrigin);

  it("tokyo: a regional REST API, /chat POST and preflight only, no authoriser on purpose, throttled", () => {
    const api = tokyo.get("aws:apigateway/restApi:RestApi", "tokyo-chat-api");
    expect(api.inputs.endpointConfiguration).to.deep.equal({ types: "REGIONAL" });
    expect(origin()).to.match(/^https:\/\/d[0-9a-f]{13}\.cloudfront\.net$/);
    const methods = tokyo
      .ofType("aws:apigateway/method:Method")
      .filter((r) => r.name.startsWith("tokyo-chat"));
    expect(methods.map((m) => [m.inputs.httpMethod, m.inputs.authorization])).to.deep.equal([
      ["POST", "NONE"],
      ["OPTIONS", "NONE"],
    ]);
    const settings = tokyo.get("aws:apigateway/methodSettings:MethodSettings", "tokyo-chat-api");
    expect(settings.inputs.settings).to.deep.equal({
      throttlingRateLimit: 10,
      throttlingBurstLimit: 20,
      metricsEnabled: true,
      loggingLevel: "OFF",
      dataTraceEnabled: false,
    });
    const stage = tokyo.get("aws:apigateway/stage:Stage", "tokyo-chat-api");
    const logs = tokyo.get("aws:cloudwatch/logGroup:LogGroup", "tokyo-chat-api-access");
    expect((stage.inputs.accessLogSettings as { destinationArn: string }).destinationArn).to.equal(
      logs.state.arn,
    );
    expect(logs.inputs.kmsKeyId).to.equal(tokyo.get("aws:kms/key:Key", "tokyo-logs-key").state.arn);
    // Access logs never carry the body (display names are personal data).
    expect(String((stage.inputs.accessLogSettings as { format: string }).format)).to.not.match(
      /body|requestBody/i,
    );
    // The region's one API Gateway account setting (access logs), shared with the outbound API.
    expect(tokyo.ofType("aws:apigateway/account:Account").map((a) => a.name)).to.deep.equal([
      "tokyo-api-logs",
    ]);
    const permission = tokyo.get("aws:lambda/permission:Permission", "tokyo-chat-start");
    expect(permission.inputs.sourceArn).to.equal(`${String(api.state.executionArn)}/*/*/chat`);
    expect(tokyo.run.outputs.chatEndpoint).to.equal(`${String(stage.state.invokeUrl)}/chat`);
    // The function checks the page's origin itself (no CORS configuration at API Gateway).
    const env = (
      tokyo.get("aws:lambda/function:Function", "tokyo-chat-start").inputs.environment as {
        variables: Record<string, string>;
      }
    ).variables;
    expect(JSON.parse(env.ALLOWED_ORIGINS)).to.deep.equal([origin()]);
  });

  it("tokyo and dr: AWS WAF guards the chat stage with a per-IP limit, IP reputation and bot rules, logged", () => {
    for (const [rec, stack] of [
      [tokyo, "tokyo"],
      [dr, "dr"],
    ] as const) {
      const acl = rec.get("aws:wafv2/webAcl:WebAcl", `${stack}-chat-waf`);
      expect(acl.inputs).to.deep.include({
        scope: "REGIONAL",
        name: `customerchannel-chat-${stack}`,
        defaultAction: { allow: {} },
      });
      const rules = acl.inputs.rules as Record<string, unknown>[];
      expect(rules.map((r) => [r.priority, r.name])).to.deep.equal([
        [0, "AWSManagedRulesAmazonIpReputationList"],
        [1, "per-ip-rate"],
        [2, "AWSManagedRulesKnownBadInputsRuleSet"],
        [3, "AWSManagedRulesBotControlRuleSet"],
      ]);
      expect(rules[1]).to.deep.include({
        action: { block: {} },
        statement: {
          rateBasedStatement: { limit: 30, aggregateKeyType: "IP", evaluationWindowSec: 300 },
        },
      });
      const stage = rec.get("aws:apigateway/stage:Stage", `${stack}-chat-api`);
      const association = rec.get(
        "aws:wafv2/webAclAssociation:WebAclAssociation",
        `${stack}-chat-waf`,
      );
      expect(association.inputs).to.deep.equal({
        region: stage.inputs.region,
        resourceArn: stage.state.arn,
        webAclArn: acl.state.arn,
      });
      expect(String(acl.state.arn)).to.match(/^arn:aws:wafv2:[a-z0-9-]+:\d{12}:regional\/webacl\//);
      const logging = rec.get(
        "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration",
        `${stack}-chat-waf`,
      );
      const wafLogs = rec.get("aws:cloudwatch/logGroup:LogGroup", `${stack}-chat-waf-logs`);
      expect(String(wafLogs.inputs.name)).to.match(/^aws-waf-logs-/);
      expect(wafLogs.inputs.kmsKeyId).to.equal(
        rec.get("aws:kms/key:Key", `${stack}-logs-key`).state.arn,
      );
      expect(logging.inputs.logDestinationConfigs).to.deep.equal([wafLogs.state.arn]);
    }
  });

  it("chat.waf sets the per-IP limit and Bot Control; a limit under WAF's minimum fails the plan", async () => {
    const t = await runStack("tokyo", {
      chat: { waf: { perIpRequestsPer5Minutes: 100, botControl: false } },
    });
    const rules = t.get("aws:wafv2/webAcl:WebAcl", "tokyo-chat-waf").inputs.rules as {
      name: string;
      statement: { rateBasedStatement?: { limit: number } };
    }[];
    expect(rules.map((r) => r.name)).to.not.include("AWSManagedRulesBotControlRuleSet");
    expect(rules[1].statement.rateBasedStatement?.limit).to.equal(100);
    const failure = await failureOf(() =>
      runStack("tokyo", { chat: { waf: { perIpRequestsPer5Minutes: 5 } } }),
    );
    expect(failure).to.include("customerchannel:chat: waf.perIpRequestsPer5Minutes has 5");
    expect(failure).to.include(">=10");
  });

  it("tokyo: the function may start chats on its own instance only until chat.dr is set", () => {
    const policy = tokyo.policy(tokyo.get("aws:iam/rolePolicy:RolePolicy", "tokyo-chat-start"));
    const instanceArn = String(tokyo.run.outputs.instanceArn);
    expect(policy.Statement.slice(1)).to.deep.equal([
      {
        Sid: "StartChatsOnTheTargetInstances",
        Effect: "Allow",
        Action: "connect:StartChatContact",
        // The SAR's required resource type of StartChatContact is the contact flow.
        Resource: [`${instanceArn}/contact-flow/*`],
      },
    ]);
    const fn = tokyo.get("aws:lambda/function:Function", "tokyo-chat-start");
    const env = (fn.inputs.environment as { variables: Record<string, string> }).variables;
    expect(env).to.deep.include({
      TARGET_PARAMETER_ARN: "",
      OWN_REGION: "ap-northeast-1",
      OWN_INSTANCE_ID: tokyo.run.outputs.instanceId,
      OWN_CONTACT_FLOW_ID: tokyo.run.outputs.chatContactFlowId,
      CHAT_DURATION_MINUTES: "60",
      TARGET_TTL_SECONDS: "15",
    });
    expect(fn.inputs.reservedConcurrentExecutions).to.equal(20);
    expect(tokyo.run.outputs.chatFollowsFailover).to.equal(false);
  });

  it("tokyo with chat.dr: reads the DR target and may start chats on the DR instance too; the portal lists both backends", async () => {
    const t = await runStack("tokyo", { chat: { dr: DR_CHAT } });
    const policy = t.policy(t.get("aws:iam/rolePolicy:RolePolicy", "tokyo-chat-start"));
    expect(policy.Statement.slice(1)).to.deep.equal(
      chatStartPolicy({
        instanceArns: [String(t.run.outputs.instanceArn), DR_CHAT.instanceArn],
        targetParameterArn: DR_CHAT.targetParameterArn,
      }),
    );
    const env = (
      t.get("aws:lambda/function:Function", "tokyo-chat-start").inputs.environment as {
        variables: Record<string, string>;
      }
    ).variables;
    expect(env.TARGET_PARAMETER_ARN).to.equal(DR_CHAT.targetParameterArn);
    const config = t.get("aws:s3/bucketObjectv2:BucketObjectv2", "tokyo-chat-portal-config.json");
    expect(JSON.parse(String(config.inputs.content))).to.deep.equal({
      endpoints: [t.run.outputs.chatEndpoint, DR_CHAT.endpoint],
    });
    expect(config.inputs.cacheControl).to.equal("no-store");
    expect(t.run.outputs.chatFollowsFailover).to.equal(true);
  });

  it("a chat that does not follow the DR target raises an alarm (log metric filter on the function)", () => {
    const filter = tokyo.get(
      "aws:cloudwatch/logMetricFilter:LogMetricFilter",
      "tokyo-monitoring-tokyo-chat-target-unreadable-event",
    );
    expect(filter.inputs).to.deep.include({
      logGroupName: "/aws/lambda/customerchannel-chat-start-tokyo",
      pattern: '"chat target unreadable"',
    });
    const alarm = tokyo.get(
      "aws:cloudwatch/metricAlarm:MetricAlarm",
      "tokyo-monitoring-tokyo-chat-target-unreadable-event",
    );
    expect(alarm.inputs).to.deep.include({
      name: "customerchannel-tokyo-chat-target-unreadable-event",
      namespace: "customerchannel/LogEvents",
      metricName: "Events-tokyo-chat-target-unreadable",
      threshold: 1,
    });
  });

  it("chatStartPolicy: KMS only through SSM and only for the target parameter", () => {
    expect(
      chatStartPolicy({
        instanceArns: ["arn:aws:connect:ap-northeast-1:1:instance/i"],
        targetParameterArn: DR_CHAT.targetParameterArn,
      }).slice(1),
    ).to.deep.equal([
      {
        Sid: "ReadChatTarget",
        Effect: "Allow",
        Action: "ssm:GetParameter",
        Resource: DR_CHAT.targetParameterArn,
      },
      {
        Sid: "DecryptChatTargetThroughSsm",
        Effect: "Allow",
        Action: "kms:Decrypt",
        // The dr stack's key ARN is unknown here; the conditions pin the use to this parameter.
        Resource: "arn:aws:kms:ap-northeast-3:123456789012:key/*",
        Condition: {
          StringEquals: {
            "kms:ViaService": "ssm.ap-northeast-3.amazonaws.com",
            "kms:EncryptionContext:PARAMETER_ARN": DR_CHAT.targetParameterArn,
          },
        },
      },
    ]);
  });

  it("both instances approve the portal's origin (aws-native ApprovedOrigin)", () => {
    for (const [r, name] of [
      [tokyo, "tokyo-chat-origin-0"],
      [dr, "dr-chat-origin-0"],
    ] as const) {
      const o = r.get("aws-native:connect:ApprovedOrigin", name);
      expect(o.inputs).to.deep.equal({ instanceId: r.run.outputs.instanceArn, origin: origin() });
    }
    expect(tokyo.ofType("aws-native:connect:ApprovedOrigin")).to.have.length(1);
    const extra = "https://www.example-bank.co.jp";
    return runStack("tokyo", { chat: { extraOrigins: [extra] } }).then((t) =>
      expect(
        t
          .ofType("aws-native:connect:ApprovedOrigin")
          .map((o) => o.inputs.origin)
          .sort(),
      ).to.deep.equal([origin(), extra].sort()),
    );
  });

  it("portal: private KMS bucket only this distribution reads, HTTPS, security headers", () => {
    const dist = tokyo.get("aws:cloudfront/distribution:Distribution", "tokyo-chat-portal");
    const oac = tokyo.get(
      "aws:cloudfront/originAccessControl:OriginAccessControl",
      "tokyo-chat-portal",
    );
    expect(oac.inputs).to.deep.include({
      originAccessControlOriginType: "s3",
      signingBehavior: "always",
      signingProtocol: "sigv4",
    });
    const bucket = tokyo.get("aws:s3/bucket:Bucket", "tokyo-chat-portal-bucket");
    expect(dist.inputs.origins).to.deep.equal([
      {
        originId: "portal",
        domainName: bucket.state.bucketRegionalDomainName,
        originAccessControlId: oac.id,
      },
    ]);
    expect(dist.inputs.defaultCacheBehavior).to.deep.include({
      viewerProtocolPolicy: "redirect-to-https",
      allowedMethods: ["GET", "HEAD"],
      responseHeadersPolicyId: tokyo.get(
        "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy",
        "tokyo-chat-portal",
      ).id,
    });
    const statements = tokyo.policy(
      tokyo.get("aws:s3/bucketPolicy:BucketPolicy", "tokyo-chat-portal-bucket"),
    ).Statement;
    const allows = statements.filter((s) => s.Effect === "Allow");
    expect(allows).to.deep.equal([
      {
        Sid: "ThisDistributionReads",
        Effect: "Allow",
        Principal: { Service: "cloudfront.amazonaws.com" },
        Action: "s3:GetObject",
        Resource: `${String(bucket.state.arn)}/*`,
        Condition: { StringEquals: { "AWS:SourceArn": dist.state.arn } },
      },
    ]);
    const pab = tokyo.get(
      "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
      "tokyo-chat-portal-bucket",
    );
    expect(pab.inputs).to.deep.include({
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    const key = tokyo.get("aws:kms/key:Key", "tokyo-chat-portal-key");
    expect(key.inputs.enableKeyRotation).to.equal(true);
    const objects = tokyo.ofType("aws:s3/bucketObjectv2:BucketObjectv2");
    expect(objects.map((o) => o.inputs.key).sort()).to.deep.equal([
      "app.js",
      "config.json",
      "index.html",
      "style.css",
    ]);
    for (const o of objects)
      expect(o.inputs).to.deep.include({
        serverSideEncryption: "aws:kms",
        kmsKeyId: key.state.arn,
      });
    const headers = tokyo.get(
      "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy",
      "tokyo-chat-portal",
    ).inputs.securityHeadersConfig as Record<string, Record<string, unknown>>;
    expect(headers.strictTransportSecurity).to.deep.equal({
      accessControlMaxAgeSec: 63_072_000,
      includeSubdomains: true,
      preload: true,
      override: true,
    });
    expect(headers.frameOptions).to.deep.equal({ frameOption: "DENY", override: true });
    expect(headers.contentSecurityPolicy.contentSecurityPolicy).to.equal(
      contentSecurityPolicy(["ap-northeast-1", "ap-northeast-3"]),
    );
  });

  it("dr keeps a copy of the page that only the primary's distribution may read, listing both backends", () => {
    const bucket = dr.get("aws:s3/bucket:Bucket", "dr-chat-portal-bucket");
    const allows = dr
      .policy(dr.get("aws:s3/bucketPolicy:BucketPolicy", "dr-chat-portal-bucket"))
      .Statement.filter((x) => x.Effect === "Allow");
    expect(allows).to.deep.equal([
      {
        Sid: "ThisDistributionReads",
        Effect: "Allow",
        Principal: { Service: "cloudfront.amazonaws.com" },
        Action: "s3:GetObject",
        Resource: `${String(bucket.state.arn)}/*`,
        Condition: {
          StringEquals: { "AWS:SourceArn": tokyo.run.outputs.chatPortalDistributionArn },
        },
      },
    ]);
    const config = dr.get("aws:s3/bucketObjectv2:BucketObjectv2", "dr-chat-portal-config.json");
    expect(JSON.parse(String(config.inputs.content))).to.deep.equal({
      endpoints: [tokyo.run.outputs.chatEndpoint, dr.run.outputs.chatEndpoint],
    });
    // The same page as Tokyo's.
    for (const f of ["index.html", "app.js", "style.css"])
      expect(
        dr.get("aws:s3/bucketObjectv2:BucketObjectv2", `dr-chat-portal-${f}`).inputs.content,
      ).to.equal(
        tokyo.get("aws:s3/bucketObjectv2:BucketObjectv2", `tokyo-chat-portal-${f}`).inputs.content,
      );
    expect((dr.run.outputs.chatDr as Record<string, string>).portalBucketDomain).to.equal(
      bucket.state.bucketRegionalDomainName,
    );
  });

  it("tokyo with the dr copy: CloudFront fails over to it when Tokyo's bucket answers 5xx", async () => {
    const domain = "dr-chat-portal-bucket-1337f89.s3.ap-northeast-3.amazonaws.com";
    const t = await runStack("tokyo", { chat: { dr: { ...DR_CHAT, portalBucketDomain: domain } } });
    const dist = t.get("aws:cloudfront/distribution:Distribution", "tokyo-chat-portal");
    const oac = t.get(
      "aws:cloudfront/originAccessControl:OriginAccessControl",
      "tokyo-chat-portal",
    );
    expect(
      (
        dist.inputs.origins as {
          originId: string;
          domainName: string;
          originAccessControlId: string;
        }[]
      ).map((o) => [o.originId, o.domainName, o.originAccessControlId]),
    ).to.deep.equal([
      [
        "portal",
        t.get("aws:s3/bucket:Bucket", "tokyo-chat-portal-bucket").state.bucketRegionalDomainName,
        oac.id,
      ],
      ["portal-dr", domain, oac.id],
    ]);
    expect(dist.inputs.originGroups).to.deep.equal([
      {
        originId: "portal-group",
        failoverCriteria: { statusCodes: [500, 502, 503, 504] },
        members: [{ originId: "portal" }, { originId: "portal-dr" }],
      },
    ]);
    expect(
      (dist.inputs.defaultCacheBehavior as { targetOriginId: string }).targetOriginId,
    ).to.equal("portal-group");
    expect(t.run.outputs.chatPortalFailover).to.equal(true);
    expect(tokyo.run.outputs.chatPortalFailover).to.equal(false);
  });

  it("the content security policy allows only the page's own scripts and the chat services of both regions", () => {
    expect(contentSecurityPolicy(["ap-northeast-3", "ap-northeast-1"]).split("; ")).to.deep.equal([
      "default-src 'none'",
      "script-src 'self'",
      "style-src 'self'",
      "img-src 'self' data:",
      "connect-src 'self' https://*.execute-api.ap-northeast-1.amazonaws.com https://participant.connect.ap-northeast-1.amazonaws.com wss://*.transport.connect.ap-northeast-1.amazonaws.com https://*.execute-api.ap-northeast-3.amazonaws.com https://participant.connect.ap-northeast-3.amazonaws.com wss://*.transport.connect.ap-northeast-3.amazonaws.com",
      "frame-ancestors 'none'",
      "base-uri 'none'",
      "form-action 'none'",
    ]);
  });

  it("dr: the target parameter (SecureString, own key) points at the primary until failover sends all calls to DR", async () => {
    const p = dr.get("aws:ssm/parameter:Parameter", "dr-chat-target");
    expect(p.inputs).to.deep.include({
      name: "/customerchannel/dr/chat-target",
      type: "SecureString",
      keyId: dr.get("aws:kms/key:Key", "dr-chat-target-key").state.arn,
    });
    expect(targetOf(dr)).to.deep.equal({
      region: "ap-northeast-1",
      instanceId: tokyo.run.outputs.instanceId,
      contactFlowId: tokyo.run.outputs.chatContactFlowId,
    });
    const failed = await runStack("dr", { failover: { activeRegion: "dr" } });
    expect(targetOf(failed)).to.deep.equal({
      region: "ap-northeast-3",
      instanceId: failed.run.outputs.instanceId,
      // A replica runs the primary's mirrored chat flow, which keeps its id.
      contactFlowId: tokyo.run.outputs.chatContactFlowId,
    });
    expect(failed.run.outputs.chatActiveRegion).to.equal("ap-northeast-3");
    const split = await runStack("dr", { failover: { drPercent: 50 } });
    expect(split.run.outputs.chatActiveRegion).to.equal("ap-northeast-1");
    // What the primary's config takes.
    expect(dr.run.outputs.chatDr).to.deep.equal({
      endpoint: dr.run.outputs.chatEndpoint,
      targetParameterArn: p.state.arn,
      instanceArn: dr.run.outputs.instanceArn,
      portalBucketDomain: dr.get("aws:s3/bucket:Bucket", "dr-chat-portal-bucket").state
        .bucketRegionalDomainName,
    });
  });

  it("standalone dr: deploys its own chat flow and points the DR target at it", async () => {
    const s = await runStack("dr", {
      drMode: "standalone",
      identityType: "CONNECT_MANAGED",
      failover: { activeRegion: "dr" },
    });
    const flow = s.get("aws:connect/contactFlow:ContactFlow", `dr-flows-${CHAT_FLOW}`);
    expect(targetOf(s).contactFlowId).to.equal(flow.state.contactFlowId);
  });

  it("chat.enabled false deploys no chat piece in either stack", async () => {
    for (const stack of ["tokyo", "dr"] as const) {
      const r = await runStack(stack, { chat: { enabled: false } });
      expect(
        r.resources
          .filter((x) => /chat-(api|start|portal|target|origin)|chat-inbound/.test(x.name))
          .map((x) => x.name),
      ).to.deep.equal([]);
    }
  });

  it("bad chat config fails the plan naming the key and the fix", async () => {
    const cases: [string, Record<string, unknown>, RegExp][] = [
      [
        "tokyo",
        { chat: { requestsPerSecond: 50, burst: 10 } },
        /customerchannel:chat: burst has 10, below requestsPerSecond 50.*--path 'customerchannel:chat.burst' 100/,
      ],
      [
        "tokyo",
        {
          chat: {
            dr: {
              ...DR_CHAT,
              targetParameterArn: DR_CHAT.targetParameterArn.replace(
                "ap-northeast-3",
                "ap-northeast-1",
              ),
            },
          },
        },
        /dr.targetParameterArn is in ap-northeast-1, not the DR region ap-northeast-3.*pulumi stack output chatDr/,
      ],
      [
        "tokyo",
        {
          chat: {
            dr: { ...DR_CHAT, endpoint: "https://x.execute-api.ap-northeast-1.amazonaws.com/chat" },
          },
        },
        /dr.endpoint .* is not an API in the DR region/,
      ],
      [
        "dr",
        { chat: { dr: DR_CHAT } },
        /dr is set on the dr stack; it belongs to the primary.*pulumi config rm --path 'customerchannel:chat.dr'/,
      ],
      [
        "tokyo",
        { chat: { portal: false } },
        /portal is false and extraOrigins is empty: no page could open a chat.*extraOrigins\[0\]/,
      ],
      [
        "tokyo",
        { chat: { extraOrigins: ["http://www.example-bank.co.jp"] } },
        /customerchannel:chat: extraOrigins.0 has .*an https origin/,
      ],
      [
        "tokyo",
        {
          chat: {
            portalDomain: {
              name: "chat.example-bank.co.jp",
              certificateArn: "arn:aws:acm:ap-northeast-1:123456789012:certificate/abc",
            },
          },
        },
        /us-east-1/,
      ],
    ];
    for (const [stack, overrides, pattern] of cases) {
      const message = await failureOf(() =>
        Promise.resolve().then(() => stackConfig(stack, overrides)),
      );
      expect(message, JSON.stringify(overrides)).to.match(pattern);
    }
  });
});
