/**
 * ApiGatewayLogging (customerchannel:ops:ApiGatewayLogging): the account-and-region setting through
 * which every API Gateway REST API of the region writes its access logs (AWS::ApiGateway::Account's
 * CloudWatch role). There is one such setting per account and region, so one component per stack
 * owns it and the REST APIs here (outbound and chat) wait for it instead of each setting it.
 *
 * The role may write only to log groups named `/aws/apigateway/customerchannel-*` of this region.
 * The REST APIs' shared pieces live here too: their logged, throttled stage and their Lambda proxy
 * integrations.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { doc } from "./policies";
import { serviceRole } from "./serviceRole";

export const API_GATEWAY_LOGGING_TOKEN = "customerchannel:ops:ApiGatewayLogging";

/** Access log groups of this program's REST APIs: the role writes to these names only. */
export const API_ACCESS_LOG_PREFIX = "/aws/apigateway/customerchannel-";

export interface ApiGatewayLoggingArgs {
  readonly region: string;
}

export class ApiGatewayLogging extends pulumi.ComponentResource {
  /** The account setting: a REST API stage with access logs depends on it. */
  public readonly account: aws.apigateway.Account;

  constructor(name: string, args: ApiGatewayLoggingArgs, opts?: pulumi.ComponentResourceOptions) {
    super(API_GATEWAY_LOGGING_TOKEN, name, {}, opts);
    const p = { parent: this };
    const identity = aws.getCallerIdentityOutput({}, p);
    const { role, policy } = serviceRole(
      name,
      {
        service: "apigateway.amazonaws.com",
        description: `API Gateway access logging (${args.region})`,
        accountId: identity.accountId,
        policy: identity.accountId.apply((acct) =>
          doc({
            Sid: "WriteAccessLogs",
            Effect: "Allow",
            Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
            Resource: `arn:aws:logs:${args.region}:${acct}:log-group:${API_ACCESS_LOG_PREFIX}*:*`,
          }),
        ),
      },
      p,
    );
    this.account = new aws.apigateway.Account(
      name,
      { region: args.region, cloudwatchRoleArn: role.arn },
      { parent: this, dependsOn: [policy] },
    );
    this.registerOutputs({});
  }
}

/**
 * A REST API stage as both APIs here deploy it: access logs to their own retained, encrypted log
 * group (`/aws/apigateway/customerchannel-<suffix>`, written through the region's account role),
 * and every method throttled, with CloudWatch metrics and no execution logs (they would contain
 * request bodies: phone numbers, display names). Access logs are the record.
 */
export function loggedStage(
  name: string,
  a: {
    readonly region: string;
    readonly restApi: pulumi.Input<string>;
    readonly deployment: pulumi.Input<string>;
    readonly stageName: string;
    /** The log group's name after API_ACCESS_LOG_PREFIX. */
    readonly logSuffix: string;
    readonly logRetentionDays: number;
    readonly logsKeyArn: pulumi.Input<string>;
    /** Access log fields ($context variables): never the body. */
    readonly format: Record<string, string>;
    /** The region's API Gateway logging setting (ApiGatewayLogging.account). */
    readonly apiLogging: pulumi.Resource;
    readonly ratePerSecond: number;
    readonly burst: number;
  },
  parent: pulumi.Resource,
): aws.apigateway.Stage {
  const p = { parent };
  const accessLogs = new aws.cloudwatch.LogGroup(
    `${name}-access`,
    {
      region: a.region,
      name: `${API_ACCESS_LOG_PREFIX}${a.logSuffix}`,
      retentionInDays: a.logRetentionDays,
      kmsKeyId: a.logsKeyArn,
    },
    p,
  );
  const stage = new aws.apigateway.Stage(
    name,
    {
      region: a.region,
      restApi: a.restApi,
      deployment: a.deployment,
      stageName: a.stageName,
      accessLogSettings: { destinationArn: accessLogs.arn, format: JSON.stringify(a.format) },
    },
    // Access logs are written through the region's API Gateway account role.
    { parent, dependsOn: [a.apiLogging] },
  );
  new aws.apigateway.MethodSettings(
    name,
    {
      region: a.region,
      restApi: a.restApi,
      stageName: stage.stageName,
      methodPath: "*/*",
      settings: {
        throttlingRateLimit: a.ratePerSecond,
        throttlingBurstLimit: a.burst,
        metricsEnabled: true,
        loggingLevel: "OFF",
        dataTraceEnabled: false,
      },
    },
    p,
  );
  return stage;
}

/**
 * A method's Lambda proxy integration (AWS_PROXY: the function gets the whole request and shapes
 * the response). API Gateway always invokes Lambda with POST, whatever the method's verb.
 */
export function lambdaProxyIntegration(
  name: string,
  a: {
    readonly region: string;
    readonly restApi: pulumi.Input<string>;
    readonly resourceId: pulumi.Input<string>;
    readonly method: aws.apigateway.Method;
    readonly functionArn: pulumi.Output<string>;
    /** Below API Gateway's default of 29 s where the caller should not wait that long. */
    readonly timeoutMilliseconds?: number;
  },
  opts: pulumi.CustomResourceOptions,
): aws.apigateway.Integration {
  return new aws.apigateway.Integration(
    name,
    {
      region: a.region,
      restApi: a.restApi,
      resourceId: a.resourceId,
      httpMethod: a.method.httpMethod,
      type: "AWS_PROXY",
      integrationHttpMethod: "POST",
      uri: a.functionArn.apply(
        (arn) =>
          `arn:aws:apigateway:${a.region}:lambda:path/2015-03-31/functions/${arn}/invocations`,
      ),
      ...(a.timeoutMilliseconds === undefined
        ? {}
        : { timeoutMilliseconds: a.timeoutMilliseconds }),
    },
    opts,
  );
}
