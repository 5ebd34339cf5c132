import { FLOW_TYPES, type FlowType } from "./validate";

/** Flow designer export `Metadata.type` → API flow type. */
export const DESIGNER_TYPES: Readonly<Record<string, FlowType>> = {
  contactFlow: "CONTACT_FLOW",
  customerQueue: "CUSTOMER_QUEUE",
  customerHold: "CUSTOMER_HOLD",
  customerWhisper: "CUSTOMER_WHISPER",
  agentHold: "AGENT_HOLD",
  agentWhisper: "AGENT_WHISPER",
  outboundWhisper: "OUTBOUND_WHISPER",
  agentTransfer: "AGENT_TRANSFER",
  queueTransfer: "QUEUE_TRANSFER",
};

/** The flow type a file declares in its designer metadata, if any. */
export function declaredType(flow: unknown): FlowType | undefined {
  const t = (flow as { Metadata?: { type?: unknown } } | null)?.Metadata?.type;
  if (typeof t !== "string") return undefined;
  if ((FLOW_TYPES as readonly string[]).includes(t)) return t as FlowType;
  return DESIGNER_TYPES[t];
}
