/** Lambda entry: the outbound API (API Gateway proxy integration). */
import { z } from "zod";
import { makeApi } from "./api";
import { enqueueTo, env, logger, storeFor } from "./runtime";

const e = env({
  TABLE_NAME: z.string().min(1),
  QUEUE_URL: z.string().url(),
  DEFAULT_CONTACT_FLOW_ID: z.string().optional(),
});
const api = makeApi({
  store: storeFor(e.TABLE_NAME),
  enqueue: enqueueTo(e.QUEUE_URL),
  now: () => Date.now(),
  defaultContactFlowId: e.DEFAULT_CONTACT_FLOW_ID || undefined,
});

export const handler = async (event: Parameters<typeof api>[0]) => {
  const r = await api(event);
  logger.info("api", { method: event.httpMethod, resource: event.resource, status: r.statusCode });
  return r;
};
