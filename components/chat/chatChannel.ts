/**
 * ChatChannel (both stacks): the web portal's chat backend in this region.
 *
 * - `POST /chat` on an API Gateway REST API (regional), public on purpose: the portal's visitors
 *   have no AWS identity, and identification happens inside the chat (Lex text and the
 *   caller-auth function). What stands in for authentication: AWS WAF (a per-IP rate limit, AWS's
 *   IP reputation, known-bad-inputs and Bot Control rules), stage throttling (rate and burst), the
 *   function's checks (the page's Origin, `application/json` only, a body cap before parsing, a
 *   validated body: functions/chat-start), reserved concurrency, access and WAF logs, and a surge
 *   alarm (Monitoring, `publicApi`).
 * - The function starts the chat where the dr stack's target parameter points (ChatTarget), or on
 *   this region's instance when it cannot read it; so chat follows a failover with no change in
 *   the portal.
 * - The portal's origins are approved on the instance (AWS::Connect::ApprovedOrigin), for Connect's
 *   own hosted widget and chat clients that check them.
 */
import * as aws from "@pulumi/aws";
// Only the services used: the package's index loads all of its ~300 services (0.4 s of every
// plan, test process and \`pulumi up\`), each service's index loads its resources lazily.
import * as awsConnect from "@pulumi/aws-native/connect";
import * as pulumi from "@pulumi/pulumi";
import { lambdaProxyIntegration, loggedStage } from "../shared/apiGatewayLogging";
import { NodeFunction } from "../shared/nodeFunction";
import { chatStartPolicy } from "./policies";
import { watch } from "../shared/watch";

export const CHAT_CHANNEL_TOKEN = "customerchannel:chat:ChatChannel";

/** The route the portal posts to. */
export const CHAT_ROUTE = "POST /chat";

export interface ChatChannelArgs {
  readonly region: string;
  /** Suffix of the function and API names (the stack). */
  readonly stack: string;
  readonly instanceId: pulumi.Input<string>;
  readonly instanceArn: pulumi.Input<string>;
  /** This instance's chat-inbound flow: where chats go when the target cannot be read. */
  readonly contactFlowId: pulumi.Input<string>;
  /** The other region's instance: chats start there after a failover (or failback). */
  readonly peerInstanceArn?: pulumi.Input<string>;
  /** The dr stack's target parameter (ARN); absent until the dr stack has run. */
  readonly targetParameterArn?: pulumi.Input<string>;
  /**
   * Origins (https://host) the portal is served from: CORS and the instance's approved origins.
   * A list of inputs, so the number of approved origins is known when planning.
   */
  readonly origins: readonly pulumi.Input<string>[];
  readonly logsKeyArn: pulumi.Input<string>;
  readonly logRetentionDays: number;
  readonly requestsPerSecond: number;
  readonly burst: number;
  readonly chatDurationMinutes: number;
  /** Seconds a warm function keeps the target it read (how fast a flip reaches it). */
  readonly targetTtlSeconds: number;
  /** The most chats starting at once (reserved concurrency of the function). */
  readonly concurrency: number;
  /** The region's API Gateway logging setting (ApiGatewayLogging.account). */
  readonly apiLogging: pulumi.Resource;
  readonly waf: ChatWafSettings;
}

export interface ChatWafSettings {
  /** Requests one IP address may make in 5 minutes (a chat start is a preflight and a POST). */
  readonly perIpRequestsPer5Minutes: number;
  /** AWS's Bot Control rule group (common level; billed per request on top of WAF). */
  readonly botControl: boolean;
  /** Chat-start requests in 5 minutes that raise the surge alarm. */
  readonly surgeAlarmPer5Minutes: number;
}

/** The stage the portal posts to: `https://<api>.execute-api.<region>.amazonaws.com/v1/chat`. */
export const CHAT_STAGE = "v1";
/** The rate-based rule's name and metric (the alarm reads its blocked requests). */
export const RATE_RULE = "per-ip-rate";

const visibility = (metricName: string) => ({
  cloudwatchMetricsEnabled: true,
  metricName,
  sampledRequestsEnabled: true,
});

/**
 * The web ACL's rules, in order: AWS's IP reputation list (known bad sources), the per-IP rate
 * limit (one visitor or bot cannot take the stage's whole throttle), AWS's known-bad-inputs group,
 * and Bot Control (scrapers and automation frameworks; verified search bots are let through).
 * Rate limit and windows: AWS WAF developer guide, "Rate-based rule high-level settings" (limit at
 * least 10, evaluation window 60/120/300/600 s).
 */
export function chatWafRules(w: ChatWafSettings): aws.types.input.wafv2.WebAclRule[] {
  const managed = (
    priority: number,
    ruleName: string,
    config?: aws.types.input.wafv2.WebAclRuleStatementManagedRuleGroupStatementManagedRuleGroupConfig,
  ): aws.types.input.wafv2.WebAclRule => ({
    name: ruleName,
    priority,
    overrideAction: { none: {} },
    statement: {
      managedRuleGroupStatement: {
        vendorName: "AWS",
        name: ruleName,
        ...(config ? { managedRuleGroupConfigs: [config] } : {}),
      },
    },
    visibilityConfig: visibility(ruleName),
  });
  return [
    managed(0, "AWSManagedRulesAmazonIpReputationList"),
    {
      name: RATE_RULE,
      priority: 1,
      action: { block: {} },
      statement: {
        rateBasedStatement: {
          limit: w.perIpRequestsPer5Minutes,
          aggregateKeyType: "IP",
          evaluationWindowSec: 300,
        },
      },
      visibilityConfig: visibility(RATE_RULE),
    },
    managed(2, "AWSManagedRulesKnownBadInputsRuleSet"),
    ...(w.botControl
      ? [
          managed(3, "AWSManagedRulesBotControlRuleSet", {
            awsManagedRulesBotControlRuleSet: { inspectionLevel: "COMMON" },
          }),
        ]
      : []),
  ];
}

export class ChatChannel extends pulumi.ComponentResource {
  /** Where the portal posts (`https://<api>/chat`). */
  public readonly endpoint: pulumi.Output<string>;
  public readonly apiId: pulumi.Output<string>;
  public readonly functionName: pulumi.Output<string>;

  constructor(name: string, args: ChatChannelArgs, opts?: pulumi.ComponentResourceOptions) {
    super(CHAT_CHANNEL_TOKEN, name, {}, opts);
    const p = { parent: this };
    const region = args.region;
    const identity = aws.getCallerIdentityOutput({}, p);

    const fn = new NodeFunction(
      `${name}-start`,
      {
        region,
        functionName: `customerchannel-chat-start-${args.stack}`,
        entry: "functions/chat-start/index.ts",
        description: "Web portal chat: validate, pick the active region, StartChatContact",
        environment: {
          TARGET_PARAMETER_ARN: args.targetParameterArn ?? "",
          OWN_REGION: region,
          OWN_INSTANCE_ID: args.instanceId,
          OWN_CONTACT_FLOW_ID: args.contactFlowId,
          CHAT_DURATION_MINUTES: String(args.chatDurationMinutes),
          TARGET_TTL_SECONDS: String(args.targetTtlSeconds),
          ALLOWED_ORIGINS: pulumi.all([...args.origins]).apply((o) => JSON.stringify(o)),
          PEER_INSTANCE_ID: pulumi
            .output(args.peerInstanceArn ?? "")
            .apply((arn) => arn.split("/").pop() ?? ""),
          POWERTOOLS_LOG_LEVEL: "INFO",
        },
        statements: pulumi
          .all([args.instanceArn, args.peerInstanceArn, args.targetParameterArn])
          .apply(([own, peer, parameter]) =>
            chatStartPolicy({
              instanceArns: peer ? [own, peer] : [own],
              targetParameterArn: parameter || undefined,
            }),
          ),
        logsKeyArn: args.logsKeyArn,
        envKeyArn: args.logsKeyArn,
        logRetentionDays: args.logRetentionDays,
        reservedConcurrency: args.concurrency,
        timeoutSeconds: 10,
        memoryMb: 256,
      },
      p,
    );

    // Chats that do not follow the DR target (its region down, or IAM or the ARN wrong).
    watch({
      kind: "logEvent",
      id: `${name}-target-unreadable`,
      logGroupName: fn.logGroupName,
      pattern: '"chat target unreadable"',
      description:
        "The chat backend could not read the DR target parameter and started chats on its own instance",
    });
    // --- A REST API (regional): unlike an HTTP API it can carry an AWS WAF web ACL.
    const restApi = new aws.apigateway.RestApi(
      `${name}-api`,
      {
        region,
        name: `customerchannel-chat-${args.stack}`,
        description: "Web portal chat backend (public: WAF, throttled, origin-checked, validated)",
        endpointConfiguration: { types: "REGIONAL" },
      },
      p,
    );
    const resource = new aws.apigateway.Resource(
      `${name}-api-chat`,
      { region, restApi: restApi.id, parentId: restApi.rootResourceId, pathPart: "chat" },
      p,
    );
    // POST starts a chat; OPTIONS answers the CORS preflight. Both go to the function, which
    // knows the allowed origins (one Access-Control-Allow-Origin per answer, never "*").
    const integrations = ["POST", "OPTIONS"].map((httpMethod) => {
      const id = `${name}-api-${httpMethod.toLowerCase()}`;
      const method = new aws.apigateway.Method(
        id,
        {
          region,
          restApi: restApi.id,
          resourceId: resource.id,
          httpMethod,
          // Public on purpose: the portal's visitors have no AWS identity (see the top).
          authorization: "NONE",
        },
        p,
      );
      return lambdaProxyIntegration(
        id,
        {
          region,
          restApi: restApi.id,
          resourceId: resource.id,
          method,
          functionArn: fn.arn,
          timeoutMilliseconds: 10_000,
        },
        p,
      );
    });
    new aws.lambda.Permission(
      `${name}-start`,
      {
        region,
        action: "lambda:InvokeFunction",
        function: fn.name,
        principal: "apigateway.amazonaws.com",
        // Only this API's /chat resource (POST and its preflight) may invoke it.
        sourceArn: pulumi.interpolate`${restApi.executionArn}/*/*/chat`,
        sourceAccount: identity.accountId,
      },
      p,
    );
    const deployment = new aws.apigateway.Deployment(
      `${name}-api`,
      {
        region,
        restApi: restApi.id,
        // A new deployment whenever the route's definition changes.
        triggers: { definition: "POST,OPTIONS /chat AWS_PROXY v1" },
      },
      { parent: this, dependsOn: integrations },
    );
    const stage = loggedStage(
      `${name}-api`,
      {
        region,
        restApi: restApi.id,
        deployment: deployment.id,
        stageName: CHAT_STAGE,
        logSuffix: `chat-${args.stack}`,
        logRetentionDays: args.logRetentionDays,
        logsKeyArn: args.logsKeyArn,
        // No body, no query string: display names are personal data.
        format: {
          requestId: "$context.requestId",
          ip: "$context.identity.sourceIp",
          method: "$context.httpMethod",
          path: "$context.resourcePath",
          status: "$context.status",
          waf: "$context.wafResponseCode",
          error: "$context.error.message",
          integrationError: "$context.integrationErrorMessage",
          latencyMs: "$context.responseLatency",
        },
        apiLogging: args.apiLogging,
        ratePerSecond: args.requestsPerSecond,
        burst: args.burst,
      },
      this,
    );

    // --- AWS WAF in front of the stage: per-visitor limits the stage throttle cannot give.
    const webAclName = `customerchannel-chat-${args.stack}`;
    const webAcl = new aws.wafv2.WebAcl(
      `${name}-waf`,
      {
        region,
        name: webAclName,
        description: "Chat start: per-IP rate limit, AWS IP reputation and bot rules",
        scope: "REGIONAL",
        defaultAction: { allow: {} },
        rules: chatWafRules(args.waf),
        visibilityConfig: visibility(webAclName),
      },
      p,
    );
    new aws.wafv2.WebAclAssociation(
      `${name}-waf`,
      { region, resourceArn: stage.arn, webAclArn: webAcl.arn },
      p,
    );
    // WAF's own log (who was blocked by which rule). The name must start with aws-waf-logs-.
    const wafLogs = new aws.cloudwatch.LogGroup(
      `${name}-waf-logs`,
      {
        region,
        name: `aws-waf-logs-customerchannel-chat-${args.stack}`,
        retentionInDays: args.logRetentionDays,
        kmsKeyId: args.logsKeyArn,
      },
      p,
    );
    new aws.wafv2.WebAclLoggingConfiguration(
      `${name}-waf`,
      {
        region,
        resourceArn: webAcl.arn,
        logDestinationConfigs: [wafLogs.arn],
        // The body is never logged by WAF; the cookie could identify a visitor: redacted.
        redactedFields: [{ singleHeader: { name: "cookie" } }],
      },
      p,
    );
    watch({
      kind: "publicApi",
      id: `${name}-api`,
      apiName: restApi.name,
      stage: CHAT_STAGE,
      region,
      webAclName,
      rateRuleName: RATE_RULE,
      surgePer5Minutes: args.waf.surgeAlarmPer5Minutes,
    });

    args.origins.forEach(
      (origin, i) =>
        new awsConnect.ApprovedOrigin(
          `${name}-origin-${i}`,
          { instanceId: args.instanceArn, origin },
          p,
        ),
    );

    this.endpoint = pulumi.interpolate`${stage.invokeUrl}/chat`;
    this.apiId = restApi.id;
    this.functionName = fn.name;
    this.registerOutputs({ endpoint: this.endpoint });
  }
}
