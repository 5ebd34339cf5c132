/**
 * What a configuration snapshot holds, as data: for each collection the paginated calls that list
 * it and, where a list does not carry everything, the per-item call that completes it. Search*
 * calls are used where Connect returns whole objects 100 at a time (queues, hours, users...);
 * flows and modules need Describe* for their published content. No call returns a secret: Connect
 * never returns user passwords, and storage configs hold only bucket/stream names and key ARNs.
 */
import {
  DescribeContactFlowCommand,
  DescribeContactFlowModuleCommand,
  DescribeInstanceCommand,
  DescribeUserHierarchyStructureCommand,
  ListBotsCommand,
  ListContactFlowModulesCommand,
  ListContactFlowsCommand,
  ListFlowAssociationsCommand,
  ListInstanceAttributesCommand,
  ListInstanceStorageConfigsCommand,
  ListLambdaFunctionsCommand,
  ListPhoneNumbersV2Command,
  ListRoutingProfileQueuesCommand,
  ListSecurityProfilePermissionsCommand,
  SearchHoursOfOperationsCommand,
  SearchPromptsCommand,
  SearchQueuesCommand,
  SearchQuickConnectsCommand,
  SearchRoutingProfilesCommand,
  SearchSecurityProfilesCommand,
  SearchUserHierarchyGroupsCommand,
  SearchUsersCommand,
  type InstanceStorageResourceType,
} from "@aws-sdk/client-connect";

/** Sends one command through the quota gate of its API, throttle-retried; returns the answer. */
export type Send = (api: string, command: object) => Promise<Record<string, unknown>>;

export interface ListSpec {
  /** The API (quota bucket) the call uses. */
  readonly api: string;
  readonly command: (instanceId: string, token?: string) => object;
  /** The page's items (each becomes one record, or one detail call). */
  readonly items: (page: Record<string, unknown>) => unknown[];
}

export interface CollectionSpec {
  readonly name: string;
  /** One or more lists, read one after another (the instance collection has several). */
  readonly lists: readonly ListSpec[];
  /** The item's identity (resume and diff key). */
  readonly id: (item: Record<string, unknown>) => string;
  /** Completes an item with more calls (published content, queue configs, permissions). */
  readonly detail?: {
    readonly api: string;
    readonly fetch: (
      send: Send,
      instanceId: string,
      item: Record<string, unknown>,
    ) => Promise<Record<string, unknown>>;
  };
}

const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string => (typeof v === "string" ? v : "");

/** Every page of a per-item list (a routing profile's queues, a profile's permissions). */
async function allOf(
  send: Send,
  api: string,
  command: (token?: string) => object,
  items: (page: Record<string, unknown>) => unknown[],
): Promise<unknown[]> {
  const out: unknown[] = [];
  let token: string | undefined;
  do {
    const page = await send(api, command(token));
    out.push(...items(page));
    token = str(page.NextToken) || undefined;
  } while (token);
  return out;
}

const search = (
  api: string,
  make: (input: { InstanceId: string; MaxResults: number; NextToken?: string }) => object,
  key: string,
): ListSpec => ({
  api,
  command: (InstanceId, NextToken) => make({ InstanceId, MaxResults: 100, NextToken }),
  items: (page) => arr(page[key]),
});

/** Storage kinds an instance can have; each is listed separately (ResourceType is required). */
export const STORAGE_TYPES: InstanceStorageResourceType[] = [
  "CALL_RECORDINGS",
  "CHAT_TRANSCRIPTS",
  "SCHEDULED_REPORTS",
  "MEDIA_STREAMS",
  "CONTACT_TRACE_RECORDS",
  "AGENT_EVENTS",
];

export const COLLECTIONS: readonly CollectionSpec[] = [
  {
    name: "instance",
    lists: [
      {
        api: "DescribeInstance",
        command: (InstanceId) => new DescribeInstanceCommand({ InstanceId }),
        items: (page) => [{ kind: "instance", ...(page.Instance as object) }],
      },
      {
        api: "ListInstanceAttributes",
        command: (InstanceId, NextToken) =>
          new ListInstanceAttributesCommand({ InstanceId, NextToken, MaxResults: 7 }),
        items: (page) => arr(page.Attributes).map((a) => ({ kind: "attribute", ...(a as object) })),
      },
      ...STORAGE_TYPES.map((ResourceType): ListSpec => ({
        api: "ListInstanceStorageConfigs",
        command: (InstanceId, NextToken) =>
          new ListInstanceStorageConfigsCommand({ InstanceId, ResourceType, NextToken }),
        items: (page) =>
          arr(page.StorageConfigs).map((c) => ({ kind: "storage", ...(c as object) })),
      })),
    ],
    id: (i) =>
      i.kind === "instance"
        ? "instance"
        : i.kind === "attribute"
          ? `attribute/${str(i.AttributeType)}`
          : `storage/${str(i.StorageType)}/${str(i.AssociationId)}`,
  },
  {
    name: "flows",
    lists: [
      {
        api: "ListContactFlows",
        command: (InstanceId, NextToken) =>
          new ListContactFlowsCommand({ InstanceId, NextToken, MaxResults: 1000 }),
        items: (page) => arr(page.ContactFlowSummaryList),
      },
    ],
    id: (i) => str(i.Id),
    detail: {
      api: "DescribeContactFlow",
      fetch: async (send, InstanceId, item) =>
        (
          await send(
            "DescribeContactFlow",
            new DescribeContactFlowCommand({ InstanceId, ContactFlowId: str(item.Id) }),
          )
        ).ContactFlow as Record<string, unknown>,
    },
  },
  {
    name: "flowModules",
    lists: [
      {
        api: "ListContactFlowModules",
        command: (InstanceId, NextToken) =>
          new ListContactFlowModulesCommand({ InstanceId, NextToken, MaxResults: 1000 }),
        items: (page) => arr(page.ContactFlowModulesSummaryList),
      },
    ],
    id: (i) => str(i.Id),
    detail: {
      api: "DescribeContactFlowModule",
      fetch: async (send, InstanceId, item) =>
        (
          await send(
            "DescribeContactFlowModule",
            new DescribeContactFlowModuleCommand({ InstanceId, ContactFlowModuleId: str(item.Id) }),
          )
        ).ContactFlowModule as Record<string, unknown>,
    },
  },
  {
    name: "queues",
    lists: [search("SearchQueues", (i) => new SearchQueuesCommand(i), "Queues")],
    id: (i) => str(i.QueueId),
  },
  {
    name: "routingProfiles",
    lists: [
      search(
        "SearchRoutingProfiles",
        (i) => new SearchRoutingProfilesCommand(i),
        "RoutingProfiles",
      ),
    ],
    id: (i) => str(i.RoutingProfileId),
    detail: {
      api: "ListRoutingProfileQueues",
      fetch: async (send, InstanceId, item) => ({
        ...item,
        QueueConfigs: await allOf(
          send,
          "ListRoutingProfileQueues",
          (NextToken) =>
            new ListRoutingProfileQueuesCommand({
              InstanceId,
              RoutingProfileId: str(item.RoutingProfileId),
              NextToken,
              MaxResults: 100,
            }),
          (page) => arr(page.RoutingProfileQueueConfigSummaryList),
        ),
      }),
    },
  },
  {
    name: "hoursOfOperation",
    lists: [
      search(
        "SearchHoursOfOperations",
        (i) => new SearchHoursOfOperationsCommand(i),
        "HoursOfOperations",
      ),
    ],
    id: (i) => str(i.HoursOfOperationId),
  },
  {
    name: "quickConnects",
    lists: [
      search("SearchQuickConnects", (i) => new SearchQuickConnectsCommand(i), "QuickConnects"),
    ],
    id: (i) => str(i.QuickConnectId),
  },
  {
    name: "securityProfiles",
    lists: [
      search(
        "SearchSecurityProfiles",
        (i) => new SearchSecurityProfilesCommand(i),
        "SecurityProfiles",
      ),
    ],
    id: (i) => str(i.Id),
    detail: {
      api: "ListSecurityProfilePermissions",
      fetch: async (send, InstanceId, item) => ({
        ...item,
        Permissions: await allOf(
          send,
          "ListSecurityProfilePermissions",
          (NextToken) =>
            new ListSecurityProfilePermissionsCommand({
              InstanceId,
              SecurityProfileId: str(item.Id),
              NextToken,
              MaxResults: 100,
            }),
          (page) => arr(page.Permissions),
        ),
      }),
    },
  },
  {
    name: "prompts",
    lists: [search("SearchPrompts", (i) => new SearchPromptsCommand(i), "Prompts")],
    id: (i) => str(i.PromptId),
  },
  {
    name: "users",
    lists: [search("SearchUsers", (i) => new SearchUsersCommand(i), "Users")],
    id: (i) => str(i.Id),
  },
  {
    name: "hierarchy",
    lists: [
      {
        api: "DescribeUserHierarchyStructure",
        command: (InstanceId) => new DescribeUserHierarchyStructureCommand({ InstanceId }),
        items: (page) => [{ kind: "structure", ...(page.HierarchyStructure as object) }],
      },
      {
        ...search(
          "SearchUserHierarchyGroups",
          (i) => new SearchUserHierarchyGroupsCommand(i),
          "UserHierarchyGroups",
        ),
      },
    ],
    id: (i) => (i.kind === "structure" ? "structure" : str(i.Id)),
  },
  {
    name: "phoneNumbers",
    lists: [
      {
        api: "ListPhoneNumbersV2",
        command: (InstanceId, NextToken) =>
          new ListPhoneNumbersV2Command({ InstanceId, NextToken, MaxResults: 1000 }),
        items: (page) => arr(page.ListPhoneNumbersSummaryList),
      },
    ],
    id: (i) => str(i.PhoneNumberId),
  },
  {
    name: "phoneNumberFlows",
    lists: [
      {
        api: "ListFlowAssociations",
        command: (InstanceId, NextToken) =>
          new ListFlowAssociationsCommand({
            InstanceId,
            ResourceType: "VOICE_PHONE_NUMBER",
            NextToken,
            MaxResults: 100,
          }),
        items: (page) => arr(page.FlowAssociationSummaryList),
      },
    ],
    id: (i) => str(i.ResourceId),
  },
  {
    name: "lambdaFunctions",
    lists: [
      {
        api: "ListLambdaFunctions",
        command: (InstanceId, NextToken) =>
          new ListLambdaFunctionsCommand({ InstanceId, NextToken, MaxResults: 25 }),
        items: (page) => arr(page.LambdaFunctions).map((FunctionArn) => ({ FunctionArn })),
      },
    ],
    id: (i) => str(i.FunctionArn),
  },
  {
    name: "lexBots",
    lists: [
      {
        api: "ListBots",
        command: (InstanceId, NextToken) =>
          new ListBotsCommand({ InstanceId, LexVersion: "V2", NextToken, MaxResults: 25 }),
        items: (page) => arr(page.LexBots),
      },
    ],
    id: (i) => str((i.LexV2Bot as { AliasArn?: string } | undefined)?.AliasArn),
  },
];

/** Every Connect action the exporter calls: the function's IAM policy is exactly this list. */
export const EXPORT_ACTIONS = [
  ...new Set(
    COLLECTIONS.flatMap((c) => [...c.lists.map((l) => l.api), ...(c.detail ? [c.detail.api] : [])]),
  ),
]
  .map((api) => `connect:${api}`)
  .sort();
