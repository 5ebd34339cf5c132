/**
 * Contact attribute names a caller of our APIs (outbound enqueue, web chat start) may not set,
 * because the flows, the whisper or the recorder read them as facts the system established:
 * `responded` (the outbound flow sets it when the callee pressed a key; the recorder completes the
 * request on it), `auth*` (caller authentication's result, method and bot; the agent whisper reads
 * `authResult`), `cc_topic` (the chat flow's routing) and the dialer's own identifiers. A preset
 * value would make an unanswered call count as answered or an unverified customer sound verified.
 */
export const RESERVED_ATTRIBUTES: ReadonlySet<string> = new Set([
  "responded",
  "campaignId",
  "campaignType",
  "requestId",
  "attempt",
  "cc_topic",
]);

/** Why a caller-supplied attribute name is refused, or undefined when it may be set. */
export function reservedAttributeReason(name: string): string | undefined {
  if (/^auth/i.test(name)) return "auth* attributes are set by caller authentication only";
  if (RESERVED_ATTRIBUTES.has(name)) return `${name} is set by the contact flows, not by callers`;
  return undefined;
}

/** Connect's limit on all user-defined attributes of one contact (StartOutboundVoiceContact, StartChatContact). */
export const CONNECT_ATTRIBUTES_MAX_BYTES = 32_768;
/**
 * What a caller may use of it: half, so the attributes the flows add later (authentication,
 * routing, the dialer's ids) always fit.
 */
export const CALLER_ATTRIBUTES_MAX_BYTES = CONNECT_ATTRIBUTES_MAX_BYTES / 2;

/** UTF-8 bytes of all keys and values, as Connect counts them. */
export const attributeBytes = (attrs: Readonly<Record<string, string>>): number =>
  Object.entries(attrs).reduce(
    (n, [k, v]) => n + Buffer.byteLength(k, "utf8") + Buffer.byteLength(v, "utf8"),
    0,
  );
