/**
 * Lambda entry of the chat backend (API Gateway REST API, Lambda proxy). The environment is read
 * once at cold start, so a misconfigured function fails its first request loudly.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { ConnectClient, StartChatContactCommand } from "@aws-sdk/client-connect";
import { GetParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { z } from "zod";
import { makeChatApi } from "./core";
import { targetFrom } from "./target";

const logger = new Logger({ serviceName: "chat-start" });

const env = z
  .object({
    /** ARN of the dr stack's target parameter; empty until the dr stack exists. */
    TARGET_PARAMETER_ARN: z
      .string()
      .regex(/^(arn:aws[-a-z]*:ssm:[a-z0-9-]+:\d{12}:parameter\/.+)?$/),
    OWN_REGION: z.string().min(1),
    OWN_INSTANCE_ID: z.string().min(1),
    OWN_CONTACT_FLOW_ID: z.string().min(1),
    CHAT_DURATION_MINUTES: z.coerce.number().int().min(60).max(10080),
    TARGET_TTL_SECONDS: z.coerce.number().int().min(0).max(300),
    /** JSON list of the https origins whose pages may start chats. */
    ALLOWED_ORIGINS: z
      .string()
      .transform((v) => JSON.parse(v) as unknown)
      .pipe(z.array(z.string().regex(/^https:\/\/[^/]+$/)).min(1)),
    /** The other region's instance id: the only other instance the target may name. */
    PEER_INSTANCE_ID: z.string().default(""),
  })
  .parse(process.env);

const parameterRegion = env.TARGET_PARAMETER_ARN.split(":")[3];
// Short timeouts: when the DR region is down the read fails fast and the chat starts here.
const ssm = env.TARGET_PARAMETER_ARN
  ? new SSMClient({
      region: parameterRegion,
      maxAttempts: 2,
      requestHandler: { connectionTimeout: 1_000, requestTimeout: 2_000 },
    })
  : undefined;

/** One Connect client per region a chat has been started in. */
const clients = new Map<string, ConnectClient>();
const connectIn = (region: string) => {
  let c = clients.get(region);
  if (!c) clients.set(region, (c = new ConnectClient({ region })));
  return c;
};

const api = makeChatApi({
  target: targetFrom({
    read: ssm
      ? async () => {
          const r = await ssm.send(
            new GetParameterCommand({ Name: env.TARGET_PARAMETER_ARN, WithDecryption: true }),
          );
          return r.Parameter?.Value ?? "";
        }
      : undefined,
    own: {
      region: env.OWN_REGION,
      instanceId: env.OWN_INSTANCE_ID,
      contactFlowId: env.OWN_CONTACT_FLOW_ID,
    },
    ttlMs: env.TARGET_TTL_SECONDS * 1000,
    peerInstanceId: env.PEER_INSTANCE_ID || undefined,
    now: () => Date.now(),
    // The monitoring component counts this line (metric filter) and alarms on it.
    onFallback: (reason) => logger.warn("chat target unreadable: using own instance", { reason }),
  }),
  start: (region, request) => connectIn(region).send(new StartChatContactCommand(request)),
  chatDurationMinutes: env.CHAT_DURATION_MINUTES,
  allowedOrigins: env.ALLOWED_ORIGINS,
});

/** API Gateway REST API proxy event (the fields read here). */
interface RestApiEvent {
  httpMethod?: string;
  headers?: Record<string, string | undefined> | null;
  body?: string | null;
  isBase64Encoded?: boolean;
  requestContext?: { requestId?: string; identity?: { sourceIp?: string } };
}

export const handler = async (event: RestApiEvent) => {
  const body =
    event.isBase64Encoded && event.body ? Buffer.from(event.body, "base64").toString() : event.body;
  const r = await api({
    httpMethod: event.httpMethod,
    headers: event.headers,
    body,
    sourceIp: event.requestContext?.identity?.sourceIp,
  });
  // No names, no attributes: they are personal data.
  const fields = { requestId: event.requestContext?.requestId, status: r.statusCode };
  if (r.statusCode === 429)
    // Counted by the monitoring component's throttling metric filter.
    logger.warn("Connect API throttled", { ...fields, error: "TooManyRequestsException" });
  else logger.info("chat", fields);
  return r;
};
