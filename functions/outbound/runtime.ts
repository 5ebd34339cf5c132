/**
 * What the three outbound Lambda entry points share: environment read once at cold start (a
 * misconfigured function fails on its first invocation), the store, the queue and Connect.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import {
  ConnectClient,
  GetContactAttributesCommand,
  StartOutboundVoiceContactCommand,
} from "@aws-sdk/client-connect";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SendMessageBatchCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { z } from "zod";
import { ThrottledError, type DialMessage, type StartCall } from "./dialer";
import { THROTTLES_AND_LIMITS } from "../shared/throttle";
import { OutboundStore } from "./store";

export const logger = new Logger({ serviceName: "outbound" });

export function env<T extends z.ZodRawShape>(shape: T): z.output<z.ZodObject<T>> {
  return z.object(shape).parse(process.env);
}

export const storeFor = (table: string) =>
  new OutboundStore(DynamoDBDocumentClient.from(new DynamoDBClient({})), table);

const sqs = new SQSClient({});

export const requeueTo =
  (queueUrl: string) =>
  async (msg: DialMessage, delaySeconds: number): Promise<void> => {
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: JSON.stringify(msg),
        DelaySeconds: delaySeconds,
      }),
    );
  };

export const enqueueTo =
  (queueUrl: string) =>
  async (msgs: DialMessage[]): Promise<void> => {
    for (let i = 0; i < msgs.length; i += 10) {
      const batch = msgs.slice(i, i + 10);
      const r = await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: batch.map((m, j) => ({ Id: String(j), MessageBody: JSON.stringify(m) })),
        }),
      );
      // The requests are stored; a message that failed to send would leave one waiting forever.
      if (r.Failed?.length)
        throw new Error(`SQS refused ${r.Failed.length} message(s): ${r.Failed[0].Code}`);
    }
  };

export function connectCalls(client: ConnectClient, instanceId: string) {
  return {
    startCall: async (c: StartCall): Promise<string> => {
      try {
        const r = await client.send(
          new StartOutboundVoiceContactCommand({
            InstanceId: c.instanceId,
            ContactFlowId: c.contactFlowId,
            DestinationPhoneNumber: c.destination,
            SourcePhoneNumber: c.source,
            QueueId: c.queueId,
            Attributes: c.attributes,
            ClientToken: c.clientToken,
          }),
        );
        if (!r.ContactId) throw new Error("StartOutboundVoiceContact returned no ContactId");
        return r.ContactId;
      } catch (e) {
        if (
          THROTTLES_AND_LIMITS.has((e as Error).name) ||
          (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 429
        )
          throw new ThrottledError((e as Error).name);
        throw e;
      }
    },
    contactAttributes: async (contactId: string): Promise<Record<string, string>> => {
      const r = await client.send(
        new GetContactAttributesCommand({ InstanceId: instanceId, InitialContactId: contactId }),
      );
      return r.Attributes ?? {};
    },
  };
}
