/**
 * The shape of a function's call manifest (`functions/<name>/calls.ts`): the AWS SDK commands its
 * code sends, the IAM action each one needs, and the calls it makes at run time, with the request
 * context AWS would see. The fidelity stage simulates every call against the stack's policies,
 * and a test fails when the bundled code sends a command the manifest does not list.
 */
/** The Lambda tag naming a function's entry file, which picks its manifest. */
export const SOURCE_TAG = "customerchannel:source";

export interface Where {
  readonly region: string;
  readonly account: string;
  readonly partition: string;
}

export interface RuntimeCall {
  readonly action: string;
  /**
   * The resource ARN; or `sar:Name=value,...` for "the action's resource type in the Service
   * Authorization Reference, with these placeholders filled" (other ids are made up).
   */
  readonly resource: string;
  /** Request context keys AWS sets for this call (e.g. S3 encryption headers the code sends). */
  readonly context?: Readonly<Record<string, string | string[]>>;
  /** What the call is for, in the finding's words. */
  readonly why: string;
}

export interface FunctionManifest {
  /** The entry file, as NodeFunction's `entry` (the function's `customerchannel:source` tag). */
  readonly entry: string;
  /** SDK command class → IAM action (lib-dynamodb's document commands included). */
  readonly commands: Readonly<Record<string, string>>;
  /** The calls made with the deployed environment. */
  readonly calls: (env: Readonly<Record<string, string>>, at: Where) => RuntimeCall[];
  /** Calls the function must not be able to make (another instance, table or bucket). */
  readonly denied: (env: Readonly<Record<string, string>>, at: Where) => RuntimeCall[];
}

export const arn = {
  table: (at: Where, name: string) =>
    `arn:${at.partition}:dynamodb:${at.region}:${at.account}:table/${name}`,
  queueFromUrl: (at: Where, url: string) => {
    const [, , host, account, name] = url.split("/");
    const region = host?.split(".")[1] ?? at.region;
    return `arn:${at.partition}:sqs:${region}:${account}:${name}`;
  },
  object: (at: Where, bucket: string, key: string) => `arn:${at.partition}:s3:::${bucket}/${key}`,
  instance: (at: Where, id: string) =>
    `arn:${at.partition}:connect:${at.region}:${at.account}:instance/${id}`,
  bus: (at: Where, name: string) =>
    `arn:${at.partition}:events:${at.region}:${at.account}:event-bus/${name}`,
} as const;

/** An instance id no stack of this program owns, for the calls that must be denied. */
export const FOREIGN_INSTANCE = "00000000-0000-4000-8000-000000000000";
