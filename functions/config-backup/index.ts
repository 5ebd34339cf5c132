/** Lambda entry: the configuration exporter, one step of the backup state machine's loop. */
import { Logger } from "@aws-lambda-powertools/logger";
import { ConnectClient } from "@aws-sdk/client-connect";
import { KMSClient } from "@aws-sdk/client-kms";
import { S3Client } from "@aws-sdk/client-s3";
import { exporterEnv, makeHandler } from "./runtime";

const logger = new Logger({ serviceName: "config-backup" });

export const handler = makeHandler(
  exporterEnv.parse(process.env),
  // The engine paces and retries throttling itself; the SDK's own retries would hide 429s.
  {
    connect: new ConnectClient({ maxAttempts: 1 }),
    s3: new S3Client({}),
    kms: new KMSClient({}),
  },
  { now: () => Date.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) },
  (m, f) => logger.info(m, f),
);
