/**
 * ChatChannel (both stacks): the web portal's chat backend in this region.
 *
 * - `POST /chat` on an API Gateway HTTP API, public on purpose: the portal's visitors have no AWS
 *   identity, and identification happens inside the chat (Lex text and the caller-auth function).
 *   What stands in for authentication: stage throttling (rate and burst), CORS for the portal's
 *   origins only, a validated body (functions/chat-start), reserved concurrency, and access logs.
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
import { NodeFunction } from "./nodeFunction";
import { chatStartPolicy } from "./policies";
import { watch } from "./watch";

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
    const api = new aws.apigatewayv2.Api(
      `${name}-api`,
      {
        region,
        name: `customerchannel-chat-${args.stack}`,
        description: "Web portal chat backend (public: throttled, CORS-restricted, validated)",
        protocolType: "HTTP",
        corsConfiguration: {
          allowOrigins: pulumi.all([...args.origins]),
          allowMethods: ["POST"],
          allowHeaders: ["content-type"],
          allowCredentials: false,
          maxAge: 600,
        },
      },
      p,
    );
    const integration = new aws.apigatewayv2.Integration(
      `${name}-start`,
      {
        region,
        apiId: api.id,
        integrationType: "AWS_PROXY",
        integrationUri: fn.arn,
        payloadFormatVersion: "2.0",
        timeoutMilliseconds: 10_000,
      },
      p,
    );
    const route = new aws.apigatewayv2.Route(
      `${name}-start`,
      {
        region,
        apiId: api.id,
        routeKey: CHAT_ROUTE,
        authorizationType: "NONE",
        target: pulumi.interpolate`integrations/${integration.id}`,
      },
      p,
    );
    new aws.lambda.Permission(
      `${name}-start`,
      {
        region,
        action: "lambda:InvokeFunction",
        function: fn.name,
        principal: "apigateway.amazonaws.com",
        // Only this API's chat route may invoke it.
        sourceArn: pulumi.interpolate`${api.executionArn}/*/POST/chat`,
        sourceAccount: identity.accountId,
      },
      p,
    );
    const accessLogs = new aws.cloudwatch.LogGroup(
      `${name}-api-access`,
      {
        region,
        name: `/aws/apigateway/customerchannel-chat-${args.stack}`,
        retentionInDays: args.logRetentionDays,
        kmsKeyId: args.logsKeyArn,
      },
      p,
    );
    // HTTP APIs write access logs through their service-linked role (no account-wide role, unlike
    // the outbound REST API).
    new aws.apigatewayv2.Stage(
      `${name}-api`,
      {
        region,
        apiId: api.id,
        name: "$default",
        autoDeploy: true,
        defaultRouteSettings: {
          throttlingRateLimit: args.requestsPerSecond,
          throttlingBurstLimit: args.burst,
          detailedMetricsEnabled: true,
        },
        accessLogSettings: {
          destinationArn: accessLogs.arn,
          // No body, no query string: display names are personal data.
          format: JSON.stringify({
            requestId: "$context.requestId",
            ip: "$context.identity.sourceIp",
            route: "$context.routeKey",
            status: "$context.status",
            error: "$context.error.message",
            integrationError: "$context.integrationErrorMessage",
            latencyMs: "$context.responseLatency",
          }),
        },
      },
      { parent: this, dependsOn: [route] },
    );

    args.origins.forEach(
      (origin, i) =>
        new awsConnect.ApprovedOrigin(
          `${name}-origin-${i}`,
          { instanceId: args.instanceArn, origin },
          p,
        ),
    );

    this.endpoint = pulumi.interpolate`${api.apiEndpoint}/chat`;
    this.apiId = api.id;
    this.functionName = fn.name;
    this.registerOutputs({ endpoint: this.endpoint });
  }
}
