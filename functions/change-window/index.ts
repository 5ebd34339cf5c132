/** Lambda entry: reports administrative changes made outside the change windows. */
import { Logger } from "@aws-lambda-powertools/logger";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { z } from "zod";
import { changeEvent, reportChange, windowSchema } from "./core";

const env = z
  .object({
    TOPIC_ARN: z.string().startsWith("arn:"),
    STACK: z.string().min(1),
    TIME_ZONE: z.string().min(1),
    CHANGE_WINDOWS: z.string().transform((s) => z.array(windowSchema).parse(JSON.parse(s))),
  })
  .parse(process.env);
const sns = new SNSClient({});
const logger = new Logger({ serviceName: "change-window" });

export const handler = async (event: unknown): Promise<void> => {
  // A malformed event fails the invocation: EventBridge retries, then keeps it in the DLQ.
  const e = changeEvent.parse(event);
  const report = reportChange(e, env.CHANGE_WINDOWS, env.TIME_ZONE, env.STACK);
  logger.info("administrative change", {
    eventName: e.detail.eventName,
    outsideWindow: report !== undefined,
  });
  if (report)
    await sns.send(
      new PublishCommand({
        TopicArn: env.TOPIC_ARN,
        Subject: report.subject,
        Message: report.message,
      }),
    );
};
