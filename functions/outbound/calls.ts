/** What the outbound API, callback intake, dialer and recorder call at run time (simulated by the fidelity stage). */
import { arn, FOREIGN_INSTANCE, type FunctionManifest } from "../../lib/fidelity/manifest";

/** `runtime.ts` and `store.ts` are shared by the four entries, so they share the command table. */
const commands = {
  GetCommand: "dynamodb:GetItem",
  PutCommand: "dynamodb:PutItem",
  UpdateCommand: "dynamodb:UpdateItem",
  SendMessageCommand: "sqs:SendMessage",
  SendMessageBatchCommand: "sqs:SendMessage",
  StartOutboundVoiceContactCommand: "connect:StartOutboundVoiceContact",
  GetContactAttributesCommand: "connect:GetContactAttributes",
};

const table = (env: Readonly<Record<string, string>>, at: Parameters<typeof arn.table>[0]) =>
  ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"].map((action) => ({
    action,
    resource: arn.table(at, env.TABLE_NAME),
    why: "campaigns, requests and attempts",
  }));

/** Reading another instance's contact: neither the dialer nor the recorder may. */
const foreignContact = (at: Parameters<typeof arn.instance>[0]) => ({
  action: "connect:GetContactAttributes",
  resource: `${arn.instance(at, FOREIGN_INSTANCE)}/contact/c-1`,
  why: "another instance's contacts",
});

/** What stores requests and queues them, and never dials nor deletes (the API, the callback intake). */
const enqueuer = (entry: string, queues: string): FunctionManifest => ({
  entry,
  commands,
  calls: (env, at) => [
    ...table(env, at),
    {
      action: "sqs:SendMessage",
      resource: arn.queueFromUrl(at, env.QUEUE_URL),
      why: `queue ${queues}`,
    },
  ],
  denied: (env, at) => [
    {
      action: "connect:StartOutboundVoiceContact",
      resource: "*",
      why: "storing a request never dials: only the dialer does",
    },
    {
      action: "dynamodb:DeleteItem",
      resource: arn.table(at, env.TABLE_NAME),
      why: "campaigns, requests and attempts are never deleted",
    },
  ],
});

export const manifests: FunctionManifest[] = [
  // The callback offer books through the API's enqueue path in process: the same calls.
  enqueuer("functions/outbound/api.entry.ts", "a dial request"),
  enqueuer("functions/outbound/callbackIntake.entry.ts", "a callback's dial request"),
  {
    entry: "functions/outbound/dialer.entry.ts",
    commands,
    calls: (env, at) => [
      ...table(env, at),
      {
        action: "sqs:SendMessage",
        resource: arn.queueFromUrl(at, env.QUEUE_URL),
        why: "requeue a request outside its window",
      },
      {
        // StartOutboundVoiceContact has no resource type: AWS authorises it on "*" only.
        action: "connect:StartOutboundVoiceContact",
        resource: "*",
        why: "place an outbound call",
      },
    ],
    denied: (_env, at) => [foreignContact(at)],
  },
  {
    entry: "functions/outbound/recorder.entry.ts",
    commands,
    calls: (env, at) => [
      ...table(env, at),
      {
        action: "sqs:SendMessage",
        resource: arn.queueFromUrl(at, env.QUEUE_URL),
        why: "queue a retry",
      },
      {
        action: "connect:GetContactAttributes",
        resource: `${arn.instance(at, env.INSTANCE_ID)}/contact/c-1`,
        why: "read the flow's answer attributes of an ended contact",
      },
    ],
    denied: (_env, at) => [
      {
        action: "connect:GetContactAttributes",
        resource: `${arn.instance(at, FOREIGN_INSTANCE)}/contact/c-1`,
        why: "another instance's contacts",
      },
      {
        action: "connect:StartOutboundVoiceContact",
        resource: "*",
        why: "the recorder never dials",
      },
    ],
  },
];
