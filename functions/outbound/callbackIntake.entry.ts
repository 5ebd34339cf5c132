/**
 * Lambda entry: the callback offer's intake (the callback-offer flow invokes it). It books
 * through the outbound API's own enqueue path in process, on the same table and dial queue.
 */
import { z } from "zod";
import { makeApi } from "./api";
import { campaignsByQueue, makeCallbackIntake } from "./callbackIntake";
import { enqueueTo, env, logger, storeFor } from "./runtime";

const e = env({
  TABLE_NAME: z.string().min(1),
  QUEUE_URL: z.string().url(),
  /** JSON: queue id → the desk's callback campaign id (components/outbound/callbackOffer.ts). */
  CALLBACK_CAMPAIGNS: z
    .string()
    .transform((s) => JSON.parse(s) as unknown)
    .pipe(z.record(z.string(), z.string())),
});
const store = storeFor(e.TABLE_NAME);
const intake = makeCallbackIntake({
  campaignFor: campaignsByQueue(e.CALLBACK_CAMPAIGNS),
  api: makeApi({ store, enqueue: enqueueTo(e.QUEUE_URL), now: () => Date.now() }),
  getCampaign: (id) => store.getCampaign(id),
  now: () => Date.now(),
  logger,
});

export const handler = (event: unknown) => intake(event);
