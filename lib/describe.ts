/**
 * What a reviewer needs to see of each resource in the plan: the security-relevant inputs only,
 * summarised per type (encryption, public access, retention, IAM actions and resources, ...).
 * Pure, so the plan's text and JSON forms show the same facts and tests can assert them.
 */
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import type { RecordedResource } from "./offline";

export type Facts = Record<string, string | number | boolean | string[]>;

type Statement = {
  Sid?: string;
  Effect?: string;
  Action?: string | string[];
  Resource?: string | string[];
  Principal?: unknown;
};

/** Text of a scalar input; objects (never expected here) show as JSON rather than [object Object]. */
export const text = (v: unknown): string =>
  typeof v === "string" ? v : v !== null && typeof v === "object" ? JSON.stringify(v) : String(v);

const list = (v: unknown): string[] =>
  v === undefined ? [] : Array.isArray(v) ? v.map(text) : [text(v)];

const statements = (policy: unknown): Statement[] => {
  // aws-native takes policies as objects, the classic provider as JSON strings.
  if (policy && typeof policy === "object")
    return (policy as { Statement?: Statement[] }).Statement ?? [];
  if (typeof policy !== "string") return [];
  try {
    const d = JSON.parse(policy) as { Statement?: Statement[] };
    return d.Statement ?? [];
  } catch {
    return [];
  }
};

const principalOf = (p: unknown): string =>
  p === "*"
    ? "*"
    : p && typeof p === "object"
      ? Object.values(p as Record<string, unknown>)
          .flatMap(list)
          .join("|")
      : "";

/** `Sid: Effect actions on resources` lines, the form auditors read. */
export const summariseStatements = (policy: unknown): string[] =>
  statements(policy).map((s) => {
    const principal = s.Principal === undefined ? "" : ` principal=${principalOf(s.Principal)}`;
    const resources = s.Resource === undefined ? "" : ` on ${list(s.Resource).join(",")}`;
    return `${s.Sid ?? "(no Sid)"}: ${s.Effect} ${list(s.Action).join(",")}${principal}${resources}`;
  });

const get = (o: unknown, ...path: (string | number)[]): unknown =>
  path.reduce<unknown>(
    (v, k) => (v && typeof v === "object" ? (v as Record<string | number, unknown>)[k] : undefined),
    o,
  );

/** A TableItem's `item` (JSON of DynamoDB attribute values) as plain values; {} if unreadable. */
const unmarshallText = (v: unknown): Record<string, unknown> => {
  try {
    return unmarshall(JSON.parse(String(v)) as Record<string, AttributeValue>);
  } catch {
    return {};
  }
};

/** Security-relevant inputs of one resource, by type. */
export function securityFacts(r: RecordedResource): Facts {
  const i = r.inputs;
  switch (r.type) {
    case "aws:kms/key:Key":
      return {
        ...(i.keyUsage === "GENERATE_VERIFY_MAC" || i.keyUsage === "SIGN_VERIFY"
          ? // KMS cannot rotate HMAC keys (EnableKeyRotation): say what the key is instead.
            { usage: `${text(i.keyUsage)} ${text(i.customerMasterKeySpec)}`, rotation: false }
          : {
              rotation: i.enableKeyRotation === true,
              rotationPeriodInDays: Number(i.rotationPeriodInDays),
            }),
        deletionWindowInDays: Number(i.deletionWindowInDays),
        keyPolicy: summariseStatements(i.policy),
      };
    case "aws:kms/alias:Alias":
      return { alias: text(i.name) };
    case "aws:s3/bucket:Bucket":
      return { forceDestroy: i.forceDestroy === true };
    case "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock":
      return {
        blockPublicAcls: i.blockPublicAcls === true,
        blockPublicPolicy: i.blockPublicPolicy === true,
        ignorePublicAcls: i.ignorePublicAcls === true,
        restrictPublicBuckets: i.restrictPublicBuckets === true,
      };
    case "aws:s3/bucketOwnershipControls:BucketOwnershipControls":
      return { objectOwnership: text(get(i, "rule", "objectOwnership")) };
    case "aws:s3/bucketVersioning:BucketVersioning":
      return { versioning: text(get(i, "versioningConfiguration", "status")) };
    case "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": {
      const d = get(i, "rules", 0, "applyServerSideEncryptionByDefault");
      const key = get(d, "kmsMasterKeyId");
      return {
        sseAlgorithm: text(get(d, "sseAlgorithm")),
        ...(key ? { kmsKey: text(key) } : {}),
        bucketKeyEnabled: get(i, "rules", 0, "bucketKeyEnabled") === true,
      };
    }
    case "aws:s3/bucketLogging:BucketLogging":
      return { accessLogsTo: `${text(i.targetBucket)}/${text(i.targetPrefix)}` };
    case "aws:s3/bucketPolicy:BucketPolicy":
      return { statements: summariseStatements(i.policy) };
    case "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration":
      return {
        rules: ((i.rules as Record<string, unknown>[]) ?? []).map((rule) => {
          const parts = [text(rule.id)];
          const tr = get(rule, "transitions", 0);
          if (tr) parts.push(`→${text(get(tr, "storageClass"))}@${text(get(tr, "days"))}d`);
          const exp = get(rule, "expiration", "days");
          if (exp) parts.push(`expire@${text(exp)}d`);
          const nc = get(rule, "noncurrentVersionExpiration", "noncurrentDays");
          if (nc) parts.push(`noncurrent@${text(nc)}d`);
          return parts.join(" ");
        }),
      };
    case "aws:s3/bucketReplicationConfig:BucketReplicationConfig": {
      const rule = get(i, "rules", 0);
      return {
        destination: text(get(rule, "destination", "bucket")),
        replicaKmsKey: text(get(rule, "destination", "encryptionConfiguration", "replicaKmsKeyId")),
        deleteMarkerReplication: text(get(rule, "deleteMarkerReplication", "status")),
        kmsObjects: text(get(rule, "sourceSelectionCriteria", "sseKmsEncryptedObjects", "status")),
        replicaModifications: text(
          get(rule, "sourceSelectionCriteria", "replicaModifications", "status"),
        ),
        replicationTimeControl: text(
          get(rule, "destination", "replicationTime", "status") ?? "Disabled",
        ),
      };
    }
    case "aws:iam/role:Role":
      return {
        trust: summariseStatements(i.assumeRolePolicy),
        ...(i.maxSessionDuration ? { maxSessionDuration: Number(i.maxSessionDuration) } : {}),
      };
    case "aws:iam/rolePolicy:RolePolicy":
      return { statements: summariseStatements(i.policy) };
    case "aws:iam/samlProvider:SamlProvider":
      return { name: text(i.name) };
    case "aws:connect/instance:Instance":
      return {
        alias: text(i.instanceAlias),
        identityManagementType: text(i.identityManagementType),
        contactFlowLogsEnabled: i.contactFlowLogsEnabled === true,
        contactLensEnabled: i.contactLensEnabled === true,
        inboundCallsEnabled: i.inboundCallsEnabled === true,
        outboundCallsEnabled: i.outboundCallsEnabled === true,
      };
    case "aws:connect/instanceStorageConfig:InstanceStorageConfig": {
      const sc = i.storageConfig;
      const s3 = get(sc, "s3Config");
      return {
        resourceType: text(i.resourceType),
        storageType: text(get(sc, "storageType")),
        ...(s3
          ? {
              destination: `s3://${text(get(s3, "bucketName"))}/${text(get(s3, "bucketPrefix"))}`,
              encryption: `${text(get(s3, "encryptionConfig", "encryptionType"))} ${text(get(s3, "encryptionConfig", "keyId"))}`,
            }
          : { destination: text(get(sc, "kinesisFirehoseConfig", "firehoseArn")) }),
      };
    }
    case "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream":
      return {
        streamEncryption: `${text(get(i, "serverSideEncryption", "keyType"))} ${text(get(i, "serverSideEncryption", "keyArn"))}`,
        s3Encryption: text(get(i, "extendedS3Configuration", "kmsKeyArn")),
        errorLogging:
          get(i, "extendedS3Configuration", "cloudwatchLoggingOptions", "enabled") === true,
      };
    case "aws:cloudwatch/logGroup:LogGroup":
      return {
        logGroup: text(i.name),
        retentionInDays: Number(i.retentionInDays),
        kmsKey: text(i.kmsKeyId),
      };
    case "aws:cloudwatch/logResourcePolicy:LogResourcePolicy":
      return { statements: summariseStatements(i.policyDocument) };
    case "aws:cloudwatch/eventRule:EventRule":
      return {
        eventPattern: text(i.eventPattern),
        ...(i.eventBusName ? { eventBus: text(i.eventBusName) } : {}),
      };
    case "aws:cloudwatch/eventBus:EventBus":
      return { name: text(i.name), kmsKey: text(i.kmsKeyIdentifier ?? "AWS owned key") };
    case "aws-native:connect:Rule": {
      // What a reviewer checks: when it fires, on what, and what it does (not the phrases: long).
      let conditions: string[] = ["(function not known yet)"];
      try {
        const fn = JSON.parse(text(i.function)) as {
          RuleFunction: {
            Operands: { Operands: unknown[]; FilterClause?: { Filters: { Data: string }[] } }[];
          };
        };
        conditions = fn.RuleFunction.Operands.map(
          (c) => `${c.FilterClause?.Filters[0]?.Data ?? "ANY"}: ${c.Operands.length} phrases`,
        );
      } catch {
        // An unresolved input during preview: the plan shows the rest.
      }
      return {
        name: text(i.name),
        trigger: text(get(i, "triggerEventSource", "eventSourceName")),
        publishStatus: text(i.publishStatus),
        conditions,
        actions: Object.keys(i.actions ?? {}).sort(),
      };
    }
    case "aws:dynamodb/table:Table":
      return {
        name: text(i.name),
        pointInTimeRecovery: get(i, "pointInTimeRecovery", "enabled") === true,
        encryption:
          get(i, "serverSideEncryption", "enabled") === true
            ? `KMS ${text(get(i, "serverSideEncryption", "kmsKeyArn"))}`
            : "AWS owned key",
        deletionProtection: i.deletionProtectionEnabled === true,
      };
    case "aws:lambda/function:Function":
      return {
        name: text(i.name),
        runtime: `${text(i.runtime)} ${list(i.architectures).join(",")}`,
        reservedConcurrency: Number(i.reservedConcurrentExecutions ?? -1),
        timeoutSeconds: Number(i.timeout),
        environmentKey: text(i.kmsKeyArn),
        logGroup: text(get(i, "loggingConfig", "logGroup")),
        environment: Object.keys((get(i, "environment", "variables") as object) ?? {}).sort(),
        ...(i.vpcConfig
          ? {
              vpc: [
                ...list(get(i, "vpcConfig", "subnetIds")),
                ...list(get(i, "vpcConfig", "securityGroupIds")),
              ],
            }
          : {}),
      };
    case "aws:lambda/permission:Permission":
      return {
        principal: text(i.principal),
        action: text(i.action),
        sourceArn: text(i.sourceArn),
        sourceAccount: text(i.sourceAccount),
      };
    case "aws:connect/lambdaFunctionAssociation:LambdaFunctionAssociation":
      return { functionArn: text(i.functionArn) };
    case "aws:iam/serviceLinkedRole:ServiceLinkedRole":
      return { service: text(i.awsServiceName), suffix: text(i.customSuffix) };
    case "aws-native:lex:Bot": {
      const locales = (i.botLocales as Record<string, unknown>[]) ?? [];
      return {
        name: text(i.name),
        locales: locales.map((l) => text(l.localeId)),
        intents: locales.flatMap((l) =>
          ((l.intents as Record<string, unknown>[]) ?? []).map((x) => text(x.name)),
        ),
        obfuscatedSlots: locales.flatMap((l) =>
          ((l.intents as Record<string, unknown>[]) ?? []).flatMap((x) =>
            ((x.slots as Record<string, unknown>[]) ?? [])
              .filter(
                (sl) =>
                  get(sl, "obfuscationSetting", "obfuscationSettingType") === "DefaultObfuscation",
              )
              .map((sl) => `${text(x.name)}.${text(sl.name)}`),
          ),
        ),
        childDirected: get(i, "dataPrivacy", "childDirected") === true,
        idleSessionTtlInSeconds: Number(i.idleSessionTtlInSeconds),
      };
    }
    case "aws-native:lex:BotVersion":
      return { description: text(i.description) };
    case "aws-native:lex:BotAlias":
      return {
        aliasName: text(i.botAliasName),
        conversationLogs: i.conversationLogSettings ? "on" : "off",
        sentimentAnalysis: get(i, "sentimentAnalysisSettings", "detectSentiment") === true,
      };
    case "aws-native:lex:ResourcePolicy":
      return { statements: summariseStatements(i.policy) };
    case "aws-native:connect:IntegrationAssociation":
      return { integrationType: text(i.integrationType), integrationArn: text(i.integrationArn) };
    case "aws-native:voiceid:Domain":
      return { kmsKey: text(get(i, "serverSideEncryptionConfiguration", "kmsKeyId")) };
    case "aws:sqs/queue:Queue":
      return {
        name: text(i.name),
        kmsKey: text(i.kmsMasterKeyId),
        retentionDays: Number(i.messageRetentionSeconds) / 86_400,
        ...(i.redrivePolicy ? { redrive: text(i.redrivePolicy) } : {}),
      };
    case "aws:sqs/queuePolicy:QueuePolicy":
      return { statements: summariseStatements(i.policy) };
    case "aws:apigateway/method:Method":
      return {
        method: text(i.httpMethod),
        authorization: text(i.authorization),
        ...(i.requestModels ? { model: text(get(i, "requestModels", "application/json")) } : {}),
      };
    case "aws:apigateway/stage:Stage":
      return {
        stage: text(i.stageName),
        accessLogs: text(get(i, "accessLogSettings", "destinationArn")),
      };
    case "aws:wafv2/webAcl:WebAcl":
      return {
        scope: text(i.scope),
        defaultAction: Object.keys((i.defaultAction as object | undefined) ?? {}).join(","),
        rules: ((i.rules as Record<string, unknown>[] | undefined) ?? []).map((r) => {
          const rate = get(r, "statement", "rateBasedStatement");
          const managed = get(r, "statement", "managedRuleGroupStatement");
          const what = rate
            ? `${text(get(rate, "limit"))} requests per ${text(get(rate, "evaluationWindowSec"))} s per ${text(get(rate, "aggregateKeyType"))}`
            : managed
              ? `managed ${text(get(managed, "vendorName"))}/${text(get(managed, "name"))}`
              : "custom statement";
          const action = r.action ? Object.keys(r.action).join(",") : "group's own actions";
          return `${text(r.priority)} ${text(r.name)}: ${what} → ${action}`;
        }),
      };
    case "aws:wafv2/webAclAssociation:WebAclAssociation":
      return { resource: text(i.resourceArn), webAcl: text(i.webAclArn) };
    case "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration":
      return {
        destinations: list(i.logDestinationConfigs),
        redacted: ((i.redactedFields as Record<string, unknown>[] | undefined) ?? []).map((f) =>
          text(get(f, "singleHeader", "name")),
        ),
      };
    case "aws-native:connect:ApprovedOrigin":
      return { origin: text(i.origin) };
    case "aws:ssm/parameter:Parameter":
      return { parameter: text(i.name), type: text(i.type), kmsKey: text(i.keyId) };
    case "aws:cloudfront/distribution:Distribution": {
      const b = get(i, "defaultCacheBehavior");
      return {
        viewerProtocol: text(get(b, "viewerProtocolPolicy")),
        methods: list(get(b, "allowedMethods")),
        originAccessControl: list(get(i, "origins")).length
          ? text(get(i, "origins", 0, "originAccessControlId"))
          : "none",
        tls: get(i, "viewerCertificate", "cloudfrontDefaultCertificate")
          ? "CloudFront default certificate"
          : text(get(i, "viewerCertificate", "minimumProtocolVersion")),
        webAcl: i.webAclId === undefined ? "none" : text(i.webAclId),
      };
    }
    case "aws:cloudfront/originAccessControl:OriginAccessControl":
      return { signing: `${text(i.signingBehavior)} ${text(i.signingProtocol)}` };
    case "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy":
      return {
        hsts: `max-age=${text(get(i, "securityHeadersConfig", "strictTransportSecurity", "accessControlMaxAgeSec"))}`,
        frameOptions: text(get(i, "securityHeadersConfig", "frameOptions", "frameOption")),
        csp: text(
          get(i, "securityHeadersConfig", "contentSecurityPolicy", "contentSecurityPolicy"),
        ),
      };
    case "aws:s3/bucketObjectv2:BucketObjectv2":
      return {
        key: text(i.key),
        encryption: text(i.serverSideEncryption),
        kmsKey: text(i.kmsKeyId),
        cacheControl: text(i.cacheControl),
      };
    case "aws:apigateway/methodSettings:MethodSettings":
      return {
        throttling: `${text(get(i, "settings", "throttlingRateLimit"))}/s burst ${text(get(i, "settings", "throttlingBurstLimit"))}`,
        executionLogging: text(get(i, "settings", "loggingLevel")),
        dataTrace: get(i, "settings", "dataTraceEnabled") === true,
      };
    case "aws:lambda/eventSourceMapping:EventSourceMapping":
      return {
        source: text(i.eventSourceArn),
        batchSize: Number(i.batchSize),
        partialBatchResponses: list(i.functionResponseTypes).includes("ReportBatchItemFailures"),
      };
    case "aws:cloudwatch/eventTarget:EventTarget":
      return {
        target: text(i.arn),
        ...(get(i, "deadLetterConfig", "arn")
          ? { deadLetter: text(get(i, "deadLetterConfig", "arn")) }
          : {}),
      };
    case "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig":
      return { onFailure: text(get(i, "destinationConfig", "onFailure", "destination")) };
    case "aws:dynamodb/tableItem:TableItem": {
      // What a stack writes into a table (the desks' callback campaigns): its key, and for a
      // campaign the rules an auditor checks (when and whom it may call, how often).
      const item = unmarshallText(i.item);
      const facts: Facts = { table: text(i.tableName), key: `${text(item.pk)} ${text(item.sk)}` };
      if (item.kind !== "campaign") return facts;
      return {
        ...facts,
        campaign: `${text(item.type)} ${text(item.state)}, kept by ${text(item.managedBy)}`,
        windows: Object.entries((item.windows as Record<string, string>) ?? {}).map(
          ([day, w]) => `${day.slice(0, 3)} ${w}`,
        ),
        holidays: list(item.holidays).length,
        attempts: `${text(item.maxAttemptsPerDay)}/day, ${text(item.maxAttemptsTotal)} in all, retry after ${text(item.retryAfterMinutes)} min`,
        destinations: `${list(get(item, "destinations", "countries")).join(",")} ${list(get(item, "destinations", "types")).join(",")}`,
        queueId: text(item.queueId),
        contactFlowId: text(item.contactFlowId),
      };
    }
    case "aws:connect/hoursOfOperation:HoursOfOperation":
      return {
        name: text(i.name),
        timeZone: text(i.timeZone),
        schedule: ((i.configs as Record<string, unknown>[]) ?? []).map(
          (c) =>
            `${text(c.day).slice(0, 3)} ${[get(c, "startTime"), get(c, "endTime")]
              .map(
                (t) =>
                  `${text(get(t, "hours")).padStart(2, "0")}:${text(get(t, "minutes")).padStart(2, "0")}`,
              )
              .join("-")}`,
        ),
      };
    case "aws:connect/queue:Queue":
      return { name: text(i.name), hoursOfOperationId: text(i.hoursOfOperationId) };
    case "aws:connect/routingProfile:RoutingProfile":
      return {
        name: text(i.name),
        queues: ((i.queueConfigs as Record<string, unknown>[]) ?? []).map(
          (q) => `${text(q.channel)} p${text(q.priority)} ${text(q.queueId)}`,
        ),
      };
    case "aws:connect/securityProfile:SecurityProfile":
      return { name: text(i.name), permissions: list(i.permissions) };
    case "aws:connect/contactFlow:ContactFlow": {
      let actions = "?";
      try {
        actions = String((JSON.parse(text(i.content)) as { Actions: unknown[] }).Actions.length);
      } catch {
        // content not known yet
      }
      return { name: text(i.name), type: text(i.type), actions, validated: true };
    }
    case "pulumi-nodejs:dynamic/customerchannel:ReplicaInstance":
      return {
        source: text(i.sourceInstanceArn),
        replicaRegion: text(i.replicaRegion),
        alias: text(i.replicaAlias),
        allowDelete: i.allowDelete === true,
      };
    case "pulumi-nodejs:dynamic/customerchannel:TrafficDistribution":
      return {
        group: text(i.groupArn),
        drPercent: Number(i.drPercent),
        regions: `${text(i.primaryRegion)} → ${text(i.drRegion)}`,
      };
    case "aws:connect/phoneNumber:PhoneNumber":
      return {
        number: `${text(i.countryCode)} ${text(i.type)}${i.prefix ? ` ${text(i.prefix)}` : ""}`,
        target: text(i.targetArn),
        protect: r.protect,
      };
    case "aws:connect/phoneNumberContactFlowAssociation:PhoneNumberContactFlowAssociation":
      return { flow: text(i.contactFlowId) };
    case "pulumi-nodejs:dynamic/customerchannel:GroupAgents":
      return {
        group: text(i.groupArn),
        agentsOf: `${list(i.routingProfileIds).length} routing profiles`,
      };
    case "pulumi-nodejs:dynamic/customerchannel:NumberRouting":
      return {
        routes: ((i.routes as { numberArn: string; flowId: string }[]) ?? []).map(
          (x) => `${x.numberArn.split("/").pop()} → ${x.flowId.split("/").pop()}`,
        ),
      };
    case "aws:sfn/stateMachine:StateMachine": {
      let states: string[] = [];
      try {
        states = Object.keys((JSON.parse(text(i.definition)) as { States: object }).States);
      } catch {
        // definition not known yet
      }
      return { name: text(i.name), type: text(i.type), role: text(i.roleArn), states };
    }
    case "aws:scheduler/schedule:Schedule":
      return {
        schedule: `${text(i.scheduleExpression)} ${text(i.scheduleExpressionTimezone)}`,
        target: text(get(i, "target", "arn")),
        retries: Number(get(i, "target", "retryPolicy", "maximumRetryAttempts")),
        deadLetter: text(get(i, "target", "deadLetterConfig", "arn")),
      };
    case "aws:cloudwatch/metricAlarm:MetricAlarm":
      return {
        alarm: `${text(i.namespace)} ${text(i.metricName)} ${text(i.statistic)} ${text(i.comparisonOperator) === "LessThanThreshold" ? "<" : ">="} ${text(i.threshold)} per ${text(i.period)}s`,
        missingData: text(i.treatMissingData),
        actions: list(i.alarmActions).length,
      };
    case "aws:cloudtrail/trail:Trail":
      return {
        bucket: text(i.s3BucketName),
        kmsKey: text(i.kmsKeyId),
        logFileValidation: i.enableLogFileValidation === true,
        selectors: ((i.advancedEventSelectors as { name?: string }[]) ?? []).map((x) =>
          text(x.name),
        ),
      };
    case "aws:cloudwatch/dashboard:Dashboard": {
      let widgets: string[] = [];
      try {
        widgets = (
          JSON.parse(text(i.dashboardBody)) as {
            widgets: { type: string; properties: { title?: string } }[];
          }
        ).widgets.map((w) => (w.type === "text" ? "text" : (w.properties.title ?? "metric")));
      } catch {
        // body not known yet
      }
      return { dashboard: text(i.dashboardName), widgets };
    }
    case "pulumi-nodejs:dynamic/customerchannel:FlowContent":
      return { updatesContentWith: "UpdateContactFlowContent (pulumi-aws #6222 workaround)" };
    case "pulumi:pulumi:StackReference":
      return { stack: text(i.name) };
    default:
      return r.type.startsWith("pulumi:providers:") && i.region ? { region: text(i.region) } : {};
  }
}
