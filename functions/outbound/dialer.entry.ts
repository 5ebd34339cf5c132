/**
 * Lambda entry: the dialer, fed by SQS with partial batch responses (a failed record returns to
 * the queue alone; after maxReceiveCount it goes to the DLQ with the request still in its state).
 */
import { ConnectClient } from "@aws-sdk/client-connect";
import { z } from "zod";
import {
  DEFAULT_CALL_LEASE_MINUTES,
  DEFAULT_DIAL_RATE,
  DEFAULT_MAX_CONCURRENT_CALLS,
  dialOne,
  Pacer,
  type DialMessage,
} from "./dialer";
import { connectCalls, env, logger, requeueTo, storeFor } from "./runtime";

const e = env({
  TABLE_NAME: z.string().min(1),
  QUEUE_URL: z.string().url(),
  INSTANCE_ID: z.string().min(1),
  DIAL_RATE_PER_SECOND: z.coerce.number().positive().default(DEFAULT_DIAL_RATE),
  WORKERS: z.coerce.number().int().positive().default(1),
  MAX_CONCURRENT_CALLS: z.coerce.number().int().positive().default(DEFAULT_MAX_CONCURRENT_CALLS),
  CALL_LEASE_MINUTES: z.coerce.number().int().positive().default(DEFAULT_CALL_LEASE_MINUTES),
});
// One SDK attempt: the dialer's pacer must see every 429 to slow down, and its own retries (and
// the queue's) are safe because every call carries its ClientToken.
const connect = connectCalls(new ConnectClient({ maxAttempts: 1 }), e.INSTANCE_ID);
// Reserved concurrency = WORKERS, so each worker takes its share of the account's quota.
const pacer = new Pacer(e.DIAL_RATE_PER_SECOND / e.WORKERS, {
  now: () => Date.now(),
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
});
const deps = {
  store: storeFor(e.TABLE_NAME),
  startCall: connect.startCall,
  requeue: requeueTo(e.QUEUE_URL),
  pacer,
  now: () => Date.now(),
  instanceId: e.INSTANCE_ID,
  maxConcurrentCalls: e.MAX_CONCURRENT_CALLS,
  staleDialingMs: 120_000,
  callLeaseMs: e.CALL_LEASE_MINUTES * 60_000,
  log: (m: string, f: Record<string, unknown>) => logger.warn(m, f),
};

const message = z.object({ campaignId: z.string().min(1), requestId: z.string().min(1) });

export const handler = async (event: { Records: { messageId: string; body: string }[] }) => {
  const batchItemFailures: { itemIdentifier: string }[] = [];
  for (const record of event.Records) {
    let msg: DialMessage;
    try {
      msg = message.parse(JSON.parse(record.body));
    } catch {
      // Unreadable: let SQS retry it into the DLQ, where it is kept for inspection.
      logger.error("malformed dial message", { messageId: record.messageId });
      batchItemFailures.push({ itemIdentifier: record.messageId });
      continue;
    }
    try {
      const out = await dialOne(deps, msg);
      logger.info("dial", {
        requestId: msg.requestId,
        outcome: out.kind,
        ...("reason" in out ? { reason: out.reason } : {}),
      });
    } catch (err) {
      logger.warn("dial failed; message returns to the queue", {
        requestId: msg.requestId,
        error: (err as Error).name,
      });
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
};
