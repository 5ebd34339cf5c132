/**
 * A flow template as a graph, for tests that follow every path: each action's successors, and
 * the flow-logging states (on/off) each action can be reached with from StartAction.
 */
export interface FlowAction {
  Identifier: string;
  Type: string;
  Parameters: Record<string, unknown>;
  Transitions: {
    NextAction?: string;
    Conditions?: { NextAction: string }[];
    Errors?: { NextAction: string }[];
  };
}
export interface FlowGraph {
  StartAction: string;
  Actions: FlowAction[];
}

export const nextActions = (a: FlowAction): string[] => [
  ...(a.Transitions.NextAction ? [a.Transitions.NextAction] : []),
  ...(a.Transitions.Conditions ?? []).map((c) => c.NextAction),
  ...(a.Transitions.Errors ?? []).map((e) => e.NextAction),
];

/**
 * The logging states each reachable action can be reached with (flow logs start on; an
 * UpdateFlowLoggingBehavior block sets the state for what follows it). Unreachable actions
 * have no entry.
 */
export function loggingStates(flow: FlowGraph): Map<string, Set<"on" | "off">> {
  const byId = new Map(flow.Actions.map((a) => [a.Identifier, a]));
  const states = new Map<string, Set<"on" | "off">>();
  const todo: [string, "on" | "off"][] = [[flow.StartAction, "on"]];
  while (todo.length) {
    const [id, state] = todo.pop()!;
    const seen = states.get(id) ?? new Set<"on" | "off">();
    if (seen.has(state)) continue;
    states.set(id, seen.add(state));
    const a = byId.get(id)!;
    const after =
      a.Type === "UpdateFlowLoggingBehavior"
        ? a.Parameters.FlowLoggingBehavior === "Enabled"
          ? "on"
          : "off"
        : state;
    for (const n of nextActions(a)) todo.push([n, after]);
  }
  return states;
}

/** What the caller and the services do on one walk through a flow (walkFlow). */
export interface Scenario {
  /** CheckMetricData's value of a metric type. */
  readonly metric?: (type: string) => number;
  /** Keys pressed at a GetParticipantInput (by action id); undefined: the caller pressed nothing. */
  readonly keys?: Readonly<Record<string, string>>;
  /** A function's answer (by action id), or "error" when the invocation fails. */
  readonly invoke?: (
    id: string,
    params: Record<string, unknown>,
  ) => Record<string, string> | "error";
  /** What the caller told a Lex bot (by action id): the intent and its slots, or a timeout. */
  readonly lex?: (
    id: string,
    aliasArn: string,
  ) => { intent: string; slots: Record<string, string> } | "timeout" | "error";
}

export interface Walk {
  /** Action ids in the order the contact passed them. */
  readonly path: string[];
  /** Where it ended: the queue, a disconnect, or another flow (TransferToFlow). */
  readonly end: "queue" | "disconnect" | "transfer";
  readonly attributes: Record<string, string>;
  /** What the caller heard (Text or SSML, dynamic values resolved). */
  readonly heard: string[];
  /** The parameters each function got, by action id, and the logging state then. */
  readonly invoked: { id: string; params: Record<string, unknown>; logging: "on" | "off" }[];
  /** The Lex bots talked to, by action id, and the logging state then. */
  readonly bots: { id: string; aliasArn: string; logging: "on" | "off" }[];
}

const numberConditions: Record<string, (a: number, b: number) => boolean> = {
  NumberGreaterThan: (a, b) => a > b,
  NumberGreaterOrEqualTo: (a, b) => a >= b,
  NumberLessThan: (a, b) => a < b,
  NumberLessOrEqualTo: (a, b) => a <= b,
  Equals: (a, b) => a === b,
};

/**
 * Follows one contact through a rendered or template flow, taking branches as the flow-language
 * reference describes them: conditions in order, else the named error (NoMatchingCondition,
 * InputTimeLimitExceeded, InvalidPhoneNumber, NoMatchingError). Only the action types this
 * project's flows use; anything else throws, so a test never walks past what it cannot model.
 */
export function walkFlow(flow: FlowGraph, s: Scenario, maxSteps = 100): Walk {
  const byId = new Map(flow.Actions.map((a) => [a.Identifier, a]));
  const path: string[] = [];
  const attributes: Record<string, string> = {};
  const heard: string[] = [];
  const invoked: Walk["invoked"] = [];
  const bots: Walk["bots"] = [];
  let external: Record<string, string> = {};
  let slots: Record<string, string> = {};
  let stored = "";
  let logging: "on" | "off" = "on";
  const resolve = (v: unknown) => {
    if (typeof v !== "string") return v;
    if (v.startsWith("$.External.")) return external[v.slice(11)] ?? "";
    if (v.startsWith("$.Attributes.")) return attributes[v.slice(13)] ?? "";
    if (v.startsWith("$.Lex.Slots.")) return slots[v.slice(12)] ?? "";
    return v === "$.StoredCustomerInput" ? stored : v;
  };
  const error = (a: FlowAction, type: string) => {
    const e = (a.Transitions.Errors ?? []) as { NextAction: string; ErrorType?: string }[];
    const hit =
      e.find((x) => x.ErrorType === type) ?? e.find((x) => x.ErrorType === "NoMatchingError");
    if (!hit) throw new Error(`${a.Identifier}: ${type} not routed`);
    return hit.NextAction;
  };
  const branch = (a: FlowAction, matches: (op: string, operand: string) => boolean) => {
    const conds = (a.Transitions.Conditions ?? []) as {
      NextAction: string;
      Condition: { Operator: string; Operands: string[] };
    }[];
    const hit = conds.find((c) => matches(c.Condition.Operator, c.Condition.Operands[0]));
    return hit ? hit.NextAction : error(a, "NoMatchingCondition");
  };
  let id = flow.StartAction;
  for (let step = 0; step < maxSteps; step++) {
    const a = byId.get(id);
    if (!a) throw new Error(`no action ${id}`);
    path.push(id);
    const p = a.Parameters;
    const next = a.Transitions.NextAction as string;
    switch (a.Type) {
      case "DisconnectParticipant":
        return { path, end: "disconnect", attributes, heard, invoked, bots };
      case "TransferContactToQueue":
        return { path, end: "queue", attributes, heard, invoked, bots };
      case "UpdateFlowLoggingBehavior":
        logging = p.FlowLoggingBehavior === "Enabled" ? "on" : "off";
        id = next;
        break;
      case "UpdateContactTextToSpeechVoice":
      case "UpdateContactRecordingBehavior":
      case "UpdateContactEventHooks":
      case "UpdateContactData":
      case "UpdateContactTargetQueue":
        id = next;
        break;
      case "UpdateContactAttributes":
        for (const [k, v] of Object.entries(p.Attributes as Record<string, string>))
          attributes[k] = String(resolve(v));
        id = next;
        break;
      case "MessageParticipant":
        heard.push(String(resolve(p.Text ?? p.SSML)));
        id = next;
        break;
      case "CheckMetricData": {
        const value = s.metric?.(String(p.MetricType));
        if (value === undefined) throw new Error(`${id}: no value for ${String(p.MetricType)}`);
        id = branch(a, (op, operand) => numberConditions[op]?.(value, Number(operand)) ?? false);
        break;
      }
      case "GetParticipantInput": {
        heard.push(String(p.Text ?? p.SSML));
        const keys = s.keys?.[id];
        if (p.StoreInput === "True") {
          // Stored input: nothing keyed stores "Timeout" and takes the success branch
          // (store-customer-input.html); "invalid" stands for a number that fails validation.
          if (keys === "invalid") id = error(a, "InvalidPhoneNumber");
          else {
            stored = keys ?? "Timeout";
            id = next;
          }
        } else if (keys === undefined) id = error(a, "InputTimeLimitExceeded");
        else id = branch(a, (op, operand) => op === "Equals" && operand === keys);
        break;
      }
      case "InvokeLambdaFunction": {
        const params = Object.fromEntries(
          Object.entries((p.LambdaInvocationAttributes as Record<string, unknown>) ?? {}).map(
            ([k, v]) => [k, resolve(v)],
          ),
        );
        invoked.push({ id, params, logging });
        const r = s.invoke?.(id, params) ?? "error";
        if (r === "error") id = error(a, "NoMatchingError");
        else {
          external = r;
          id = next;
        }
        break;
      }
      case "ConnectParticipantWithLexBot": {
        heard.push(String(p.Text ?? p.SSML));
        const aliasArn = String(resolve((p.LexV2Bot as Record<string, unknown>).AliasArn));
        bots.push({ id, aliasArn, logging });
        const r = s.lex?.(id, aliasArn) ?? "error";
        if (r === "timeout") id = error(a, "InputTimeLimitExceeded");
        else if (r === "error") id = error(a, "NoMatchingError");
        else {
          slots = r.slots;
          id = branch(a, (op, operand) => op === "Equals" && operand === r.intent);
        }
        break;
      }
      case "TransferToFlow":
        // Leaves this flow: the walk ends where the next flow takes over.
        return { path, end: "transfer", attributes, heard, invoked, bots };
      case "Compare": {
        const value = String(resolve(p.ComparisonValue));
        id = branch(a, (op, operand) => op === "Equals" && operand === value);
        break;
      }
      default:
        throw new Error(`${id}: walkFlow does not model ${a.Type}`);
    }
  }
  throw new Error(`no end after ${maxSteps} steps: ${path.join(" → ")}`);
}
