/**
 * Where chats go now. The dr stack keeps the answer in one SSM parameter in the DR region (the
 * region failover is applied from, so it can be changed while the primary region is down); both
 * regions' chat backends read it. `pulumi up` with `failover.activeRegion` and the drill write it.
 *
 * A backend that cannot read the parameter (not configured yet, or the DR region is the one that
 * is down) sends chats to its own region's instance: that instance is up, since it is answering.
 */
import { z } from "zod";
import type { ChatTarget } from "./core";

const CONNECT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const chatTargetSchema = z.strictObject({
  region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, "an AWS region such as ap-northeast-3"),
  instanceId: z.string().regex(CONNECT_ID, "a Connect instance id (UUID)"),
  contactFlowId: z.string().regex(CONNECT_ID, "a contact flow id (UUID)"),
});

/**
 * The parameter's text, as every writer writes it (the dr stack, the drill, the tests' fake): one
 * format, so a drill's write and the next `pulumi up` agree on the value.
 */
export const targetText = (t: ChatTarget): string =>
  JSON.stringify({ region: t.region, instanceId: t.instanceId, contactFlowId: t.contactFlowId });

/** The parameter's value, or an error naming the field that is wrong. */
export function parseTarget(text: string): ChatTarget {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new Error("chat target parameter is not JSON");
  }
  const r = chatTargetSchema.safeParse(raw);
  if (!r.success)
    throw new Error(
      `chat target parameter is invalid: ${r.error.issues.map((i) => `${i.path.join(".") || "(value)"}: ${i.message}`).join("; ")}`,
    );
  return r.data;
}

export interface TargetSource {
  /** Reads the parameter's text; undefined when no parameter is configured. */
  readonly read?: () => Promise<string>;
  /** This region's own instance and chat flow. */
  readonly own: ChatTarget;
  /**
   * The other region's instance id. A target naming any instance but the own or this one (a
   * mistyped or another account's id) would make every chat fail: it is refused like an
   * unreadable parameter.
   */
  readonly peerInstanceId?: string;
  /** How long a value read is used before reading again. */
  readonly ttlMs: number;
  readonly now: () => number;
  /** Told when the parameter could not be used and the own instance was chosen. */
  readonly onFallback: (reason: string) => void;
}

/**
 * `target()` for makeChatApi: the parameter's value, read at most once per `ttlMs` (a flip
 * reaches every warm function within that time), or the own instance when it cannot be read.
 * The fallback is kept for `ttlMs` too: while the DR region is down, chats do not each wait for
 * a read that times out; a fixed parameter is picked up at the next read.
 */
export function targetFrom(s: TargetSource): () => Promise<ChatTarget> {
  let cached: { value: ChatTarget; at: number } | undefined;
  return async () => {
    if (!s.read) return s.own;
    if (cached && s.now() - cached.at < s.ttlMs) return cached.value;
    let value: ChatTarget;
    try {
      value = parseTarget(await s.read());
      if (value.instanceId !== s.own.instanceId && value.instanceId !== s.peerInstanceId)
        throw new Error(
          `chat target names instance ${value.instanceId}, neither this region's nor its peer's`,
        );
    } catch (e) {
      s.onFallback((e as Error).message || (e as Error).name);
      value = s.own;
    }
    cached = { value, at: s.now() };
    return value;
  };
}
