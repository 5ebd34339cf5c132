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
