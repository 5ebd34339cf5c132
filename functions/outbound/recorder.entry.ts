/**
 * Lambda entry: the recorder, an EventBridge target. It throws on malformed events and on store
 * failures, so EventBridge retries and then delivers the event to the target's DLQ with the error.
 */
import { ConnectClient } from "@aws-sdk/client-connect";
import { z } from "zod";
import { recordEvent } from "./recorder";
import { connectCalls, env, logger, requeueTo, storeFor } from "./runtime";

const e = env({
  TABLE_NAME: z.string().min(1),
  QUEUE_URL: z.string().url(),
  INSTANCE_ID: z.string().min(1),
});
const connect = connectCalls(new ConnectClient({}), e.INSTANCE_ID);
const deps = {
  store: storeFor(e.TABLE_NAME),
  contactAttributes: connect.contactAttributes,
  requeue: requeueTo(e.QUEUE_URL),
  now: () => Date.now(),
  log: (m: string, f: Record<string, unknown>) => logger.info(m, f),
};

export const handler = async (event: unknown) => {
  const outcome = await recordEvent(deps, event);
  logger.info("contact event", { outcome });
  return { outcome };
};
