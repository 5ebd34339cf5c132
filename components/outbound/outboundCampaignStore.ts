import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as crypto from "node:crypto";
import { requestModels } from "../../functions/outbound/api";
import { TABLE_KEYS, TTL_ATTRIBUTE } from "../../functions/outbound/store";
import {
  deliveryWithDeadLetter,
  encryptedQueue,
  encryptedTable,
  redriveTo,
} from "../shared/encryptedStores";
import { createKmsKey } from "../shared/kmsKey";
import { NodeFunction } from "../shared/nodeFunction";
import { queuePolicy } from "../shared/policies";
import {
  dialerPolicy,
  outboundApiPolicy,
  recorderPolicy,
  type OutboundPolicyArgs,
} from "./policies";
import { lambdaProxyIntegration, loggedStage } from "../shared/apiGatewayLogging";

export const OUTBOUND_TOKEN = "customerchannel:outbound:OutboundCampaignStore";
export const OUTBOUND_TABLE = "customerchannel-outbound";

export interface OutboundCampaignStoreArgs {
  readonly region: string;
  readonly instanceId: pulumi.Input<string>;
  readonly instanceArn: pulumi.Input<string>;
  readonly aliasPrefix: string;
  readonly logsKeyArn: pulumi.Input<string>;
  readonly logRetentionDays: number;
  /** StartOutboundVoiceContact calls per second for the account and region (Connect default 2). */
  readonly dialRatePerSecond: number;
  /** Dialer workers (reserved concurrency); each paces at dialRatePerSecond / workers. */
  readonly workers: number;
  /** Concurrent active calls the instance allows (Connect default 10). */
  readonly maxConcurrentCalls: number;
  /** API requests per second at the stage (burst twice that). */
  readonly apiRatePerSecond: number;
  /** The region's API Gateway logging setting (ApiGatewayLogging.account). */
  readonly apiLogging: pulumi.Resource;
  /** The `outbound` flow campaigns use unless they name another. */
  readonly defaultContactFlowId?: pulumi.Input<string>;
}

/** API routes: resource path → methods. POST bodies are validated against the named model. */
const ROUTES: Record<string, Record<string, string | undefined>> = {
  "/campaigns": { POST: "Campaign" },
  "/campaigns/{campaignId}": { GET: undefined, DELETE: undefined },
  "/campaigns/{campaignId}/contacts": { POST: "Enqueue" },
  "/campaigns/{campaignId}/contacts/{requestId}": { GET: undefined, DELETE: undefined },
};

/**
 * Outbound calls for callbacks, telemarketing and dunning: an IAM-authorised REST API that
 * stores campaigns and contact requests, a paced dialer fed by an encrypted SQS queue (with DLQ),
 * and a recorder that follows every call through the instance's contact events. One CMK encrypts
 * the table, the queues and the functions' environments.
 */
export class OutboundCampaignStore extends pulumi.ComponentResource {
  public readonly apiUrl: pulumi.Output<string>;
  public readonly apiArn: pulumi.Output<string>;
  public readonly tableName: pulumi.Output<string>;
  public readonly tableArn: pulumi.Output<string>;
  public readonly queueUrl: pulumi.Output<string>;
  public readonly queueArn: pulumi.Output<string>;
  /** The CMK of the table, the queues and the functions' environments. */
  public readonly keyArn: pulumi.Output<string>;
  public readonly deadLetterQueueUrl: pulumi.Output<string>;

  constructor(
    name: string,
    args: OutboundCampaignStoreArgs,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super(OUTBOUND_TOKEN, name, {}, opts);
    const p = { parent: this };
    const region = args.region;
    const identity = aws.getCallerIdentityOutput({}, p);

    const { key } = createKmsKey(
      `${name}-key`,
      {
        region,
        description: `Outbound campaigns (${region}): contact requests, call attempts, queues`,
        alias: `${args.aliasPrefix}/outbound`,
        // EventBridge writes undeliverable contact events to the encrypted dead-letter queue.
        allowServices: ["events.amazonaws.com"],
      },
      p,
    );

    // Only contact→attempt pointers carry the TTL attribute; campaigns, requests and attempts are kept.
    const table = encryptedTable(
      `${name}-table`,
      {
        region,
        tableName: OUTBOUND_TABLE,
        kmsKeyArn: key.arn,
        hashKey: TABLE_KEYS.hash,
        rangeKey: TABLE_KEYS.range,
        ttlAttribute: TTL_ATTRIBUTE,
      },
      p,
    );

    const queue = (
      qname: string,
      extra: Partial<Pick<aws.sqs.QueueArgs, "visibilityTimeoutSeconds" | "redrivePolicy">> = {},
    ) =>
      encryptedQueue(
        `${name}-${qname}`,
        { region, queueName: `customerchannel-outbound-${qname}`, kmsKeyArn: key.arn, ...extra },
        p,
      );
    const dialDlq = queue("dial-dlq");
    const dialQueue = queue("dial", {
      // Six times the dialer's timeout: a message is never visible while a worker still has it.
      visibilityTimeoutSeconds: 6 * 60,
      redrivePolicy: redriveTo(dialDlq.arn, 10),
    });
    const eventsDlq = queue("events-dlq");

    const common = (a: {
      tableArn: string;
      keyArn: string;
      queueArn: string;
      instanceArn: string;
    }): OutboundPolicyArgs => ({
      ...a,
      region,
    });
    const policyArgs = pulumi
      .all([table.arn, key.arn, dialQueue.arn, pulumi.output(args.instanceArn)])
      .apply(([tableArn, keyArn, queueArn, instanceArn]) =>
        common({ tableArn, keyArn, queueArn, instanceArn }),
      );

    const fn = (
      fname: string,
      entry: string,
      description: string,
      statements: pulumi.Input<ReturnType<typeof outboundApiPolicy>>,
      environment: Record<string, pulumi.Input<string>>,
      reservedConcurrency: number,
      timeoutSeconds: number,
    ) =>
      new NodeFunction(
        `${name}-${fname}`,
        {
          region,
          functionName: `customerchannel-outbound-${fname}`,
          entry,
          description,
          environment: { TABLE_NAME: table.name, QUEUE_URL: dialQueue.url, ...environment },
          statements,
          logsKeyArn: args.logsKeyArn,
          envKeyArn: key.arn,
          logRetentionDays: args.logRetentionDays,
          reservedConcurrency,
          timeoutSeconds,
          memoryMb: 256,
        },
        p,
      );

    const api = fn(
      "api",
      "functions/outbound/api.entry.ts",
      "Outbound API: campaigns and contact requests",
      policyArgs.apply(outboundApiPolicy),
      args.defaultContactFlowId ? { DEFAULT_CONTACT_FLOW_ID: args.defaultContactFlowId } : {},
      20,
      10,
    );
    const dialer = fn(
      "dialer",
      "functions/outbound/dialer.entry.ts",
      "Outbound dialer: paced StartOutboundVoiceContact within lawful hours",
      policyArgs.apply(dialerPolicy),
      {
        INSTANCE_ID: args.instanceId,
        DIAL_RATE_PER_SECOND: String(args.dialRatePerSecond),
        WORKERS: String(args.workers),
        MAX_CONCURRENT_CALLS: String(args.maxConcurrentCalls),
      },
      args.workers,
      60,
    );
    const recorder = fn(
      "recorder",
      "functions/outbound/recorder.entry.ts",
      "Outbound recorder: contact events to call attempts",
      pulumi
        .all([policyArgs, eventsDlq.arn])
        .apply(([a, deadLetterArn]) => recorderPolicy({ ...a, deadLetterArn })),
      { INSTANCE_ID: args.instanceId },
      20,
      30,
    );

    new aws.lambda.EventSourceMapping(
      `${name}-dial`,
      {
        region,
        eventSourceArn: dialQueue.arn,
        functionName: dialer.name,
        batchSize: 10,
        // A failed record returns alone; the rest of the batch is done.
        functionResponseTypes: ["ReportBatchItemFailures"],
        scalingConfig: { maximumConcurrency: Math.max(2, args.workers) },
      },
      p,
    );

    // --- Contact events of this instance → recorder (failures land in the events DLQ with the error).
    const rule = new aws.cloudwatch.EventRule(
      `${name}-contact-events`,
      {
        region,
        description: "Connect contact events for outbound call attempts",
        eventPattern: pulumi.output(args.instanceArn).apply((instanceArn) =>
          JSON.stringify({
            source: ["aws.connect"],
            "detail-type": ["Amazon Connect Contact Event"],
            detail: {
              instanceArn: [instanceArn],
              eventType: ["CONNECTED_TO_SYSTEM", "CONNECTED_TO_AGENT", "DISCONNECTED"],
            },
          }),
        ),
      },
      p,
    );
    new aws.sqs.QueuePolicy(
      `${name}-events-dlq`,
      {
        region,
        queueUrl: eventsDlq.url,
        policy: pulumi
          .all([eventsDlq.arn, rule.arn])
          .apply(([q, r]) => JSON.stringify(queuePolicy(q, r))),
      },
      p,
    );
    for (const [qname, q] of [
      ["dial", dialQueue],
      ["dial-dlq", dialDlq],
    ] as const) {
      new aws.sqs.QueuePolicy(
        `${name}-${qname}`,
        { region, queueUrl: q.url, policy: q.arn.apply((a) => JSON.stringify(queuePolicy(a))) },
        p,
      );
    }
    const invokeFromEvents = new aws.lambda.Permission(
      `${name}-events-invoke`,
      {
        region,
        action: "lambda:InvokeFunction",
        function: recorder.name,
        principal: "events.amazonaws.com",
        sourceArn: rule.arn,
        sourceAccount: identity.accountId,
      },
      p,
    );
    new aws.cloudwatch.EventTarget(
      `${name}-recorder`,
      {
        region,
        rule: rule.name,
        arn: recorder.arn,
        ...deliveryWithDeadLetter(eventsDlq.arn),
      },
      { parent: this, dependsOn: [invokeFromEvents] },
    );
    // EventBridge invokes asynchronously: a function error goes (after Lambda's retries) to the
    // same DLQ, with the error message, instead of vanishing.
    new aws.lambda.FunctionEventInvokeConfig(
      `${name}-recorder`,
      {
        region,
        functionName: recorder.name,
        maximumRetryAttempts: 2,
        maximumEventAgeInSeconds: 21_600,
        destinationConfig: { onFailure: { destination: eventsDlq.arn } },
      },
      p,
    );

    // --- The REST API: IAM on every method, bodies validated by models before the function runs.
    const restApi = new aws.apigateway.RestApi(
      `${name}-api`,
      {
        region,
        name: "customerchannel-outbound",
        description: "Outbound campaigns (IAM-authorised; SigV4)",
        endpointConfiguration: { types: "REGIONAL" },
        disableExecuteApiEndpoint: false,
      },
      p,
    );
    const validator = new aws.apigateway.RequestValidator(
      `${name}-api`,
      {
        region,
        restApi: restApi.id,
        name: "body-and-parameters",
        validateRequestBody: true,
        validateRequestParameters: true,
      },
      p,
    );
    const models = requestModels();
    const modelResources = Object.entries(models).map(
      ([mname, schema]) =>
        new aws.apigateway.Model(
          `${name}-api-${mname}`,
          {
            region,
            restApi: restApi.id,
            name: mname,
            contentType: "application/json",
            schema: JSON.stringify(schema),
          },
          p,
        ),
    );
    const resources = new Map<string, aws.apigateway.Resource>();
    const resourceFor = (path: string): pulumi.Output<string> => {
      if (path === "") return restApi.rootResourceId;
      const existing = resources.get(path);
      if (existing) return existing.id;
      const parentPath = path.slice(0, path.lastIndexOf("/"));
      const part = path.slice(path.lastIndexOf("/") + 1);
      const r = new aws.apigateway.Resource(
        `${name}-api${path.replace(/[{}]/g, "").replace(/\//g, "-")}`,
        { region, restApi: restApi.id, parentId: resourceFor(parentPath), pathPart: part },
        p,
      );
      resources.set(path, r);
      return r.id;
    };
    const integrations: pulumi.Resource[] = [];
    for (const [path, methods] of Object.entries(ROUTES)) {
      const resourceId = resourceFor(path);
      const params = Object.fromEntries(
        [...path.matchAll(/\{(\w+)\}/g)].map((m) => [`method.request.path.${m[1]}`, true]),
      );
      for (const [httpMethod, model] of Object.entries(methods)) {
        const id = `${name}-api-${httpMethod.toLowerCase()}${path.replace(/[{}]/g, "").replace(/\//g, "-")}`;
        const method = new aws.apigateway.Method(
          id,
          {
            region,
            restApi: restApi.id,
            resourceId,
            httpMethod,
            authorization: "AWS_IAM",
            requestValidatorId: validator.id,
            requestParameters: params,
            ...(model ? { requestModels: { "application/json": model } } : {}),
          },
          // A method names its model: the model must exist first.
          { parent: this, dependsOn: modelResources },
        );
        integrations.push(
          lambdaProxyIntegration(
            id,
            { region, restApi: restApi.id, resourceId, method, functionArn: api.arn },
            p,
          ),
        );
      }
    }
    new aws.lambda.Permission(
      `${name}-api-invoke`,
      {
        region,
        action: "lambda:InvokeFunction",
        function: api.name,
        principal: "apigateway.amazonaws.com",
        sourceArn: pulumi.interpolate`${restApi.executionArn}/*/*`,
        sourceAccount: identity.accountId,
      },
      p,
    );
    const deployment = new aws.apigateway.Deployment(
      `${name}-api`,
      {
        region,
        restApi: restApi.id,
        // A new deployment whenever the routes or models change.
        triggers: {
          definition: crypto
            .createHash("sha256")
            .update(JSON.stringify([ROUTES, models]))
            .digest("hex"),
        },
      },
      { parent: this, dependsOn: integrations },
    );
    const stage = loggedStage(
      `${name}-api`,
      {
        region,
        restApi: restApi.id,
        deployment: deployment.id,
        stageName: "v1",
        logSuffix: "outbound",
        logRetentionDays: args.logRetentionDays,
        logsKeyArn: args.logsKeyArn,
        format: {
          requestId: "$context.requestId",
          caller: "$context.identity.caller",
          user: "$context.identity.userArn",
          method: "$context.httpMethod",
          path: "$context.resourcePath",
          status: "$context.status",
          validationError: "$context.error.validationErrorString",
          latencyMs: "$context.responseLatency",
        },
        apiLogging: args.apiLogging,
        ratePerSecond: args.apiRatePerSecond,
        burst: args.apiRatePerSecond * 2,
      },
      this,
    );

    this.apiUrl = stage.invokeUrl;
    this.apiArn = pulumi.interpolate`${restApi.executionArn}/v1`;
    this.tableName = table.name;
    this.tableArn = table.arn;
    this.queueUrl = dialQueue.url;
    this.queueArn = dialQueue.arn;
    this.keyArn = key.arn;
    this.deadLetterQueueUrl = dialDlq.url;
    this.registerOutputs({ apiUrl: this.apiUrl });
  }
}
