/** What the change-window reporter calls at run time (simulated by the AWS-fidelity stage). */
import type { FunctionManifest } from "../../lib/fidelity/manifest";

export const manifests: FunctionManifest[] = [
  {
    entry: "functions/change-window/index.ts",
    commands: { PublishCommand: "sns:Publish" },
    calls: (env) => [
      { action: "sns:Publish", resource: env.TOPIC_ARN, why: "report a change outside its window" },
    ],
    denied: (env) => [
      {
        action: "sns:Subscribe",
        resource: env.TOPIC_ARN,
        why: "the reporter cannot add readers to the alarm topic",
      },
    ],
  },
];
