/**
 * Mermaid diagrams of flows, for review in pull requests and by auditors: one node per action
 * (type and what it says or does, Japanese prompts shown), one edge per transition labelled with
 * its condition or error.
 */
import { text } from "../lib/describe";
import type { FlowTemplate } from "./catalog";

interface Action {
  Identifier: string;
  Type: string;
  Parameters?: Record<string, unknown>;
  Transitions?: {
    NextAction?: string;
    Conditions?: {
      NextAction: string;
      Condition?: { Operator?: unknown; Operands?: unknown[] };
    }[];
    Errors?: { NextAction: string; ErrorType: string }[];
  };
}

const MAX_LABEL = 60;

/** Text safe inside a Mermaid "..." label. */
const label = (s: string) => {
  const flat = s
    .replace(/<[^>]+>/g, "")
    .replace(/\s+/g, " ")
    .trim();
  const cut = flat.length > MAX_LABEL ? `${flat.slice(0, MAX_LABEL - 1)}…` : flat;
  return cut.replace(/"/g, "#quot;").replace(/[<>]/g, "");
};

/** The one detail of an action worth showing. */
function detail(a: Action): string {
  const p = a.Parameters ?? {};
  const pick = (...keys: string[]): string | undefined =>
    keys.map((k) => p[k]).find((v): v is string => typeof v === "string");
  const nested = (o: unknown, k: string): string =>
    o && typeof o === "object" ? text((o as Record<string, unknown>)[k] ?? "") : "";
  switch (a.Type) {
    case "UpdateContactAttributes":
      return Object.keys((p.Attributes as object) ?? {}).join(", ");
    case "ConnectParticipantWithLexBot":
      return `${pick("Text", "SSML") ?? ""} (Lex ${nested(p.LexV2Bot, "AliasArn")})`;
    case "InvokeLambdaFunction":
      return `${text(p.LambdaFunctionARN)} ${nested(p.LambdaInvocationAttributes, "action")}`.trim();
    case "UpdateContactEventHooks":
      return Object.entries((p.EventHooks as Record<string, unknown>) ?? {})
        .map(([k, v]) => `${k}=${String(v)}`)
        .join(", ");
    case "MessageParticipantIteratively":
      return ((p.Messages as { Text?: string }[]) ?? []).map((m) => m.Text ?? "").join(" / ");
    case "UpdateContactRecordingBehavior":
      return "recording + Contact Lens";
    default:
      return (
        pick(
          "Text",
          "SSML",
          "QueueId",
          "HoursOfOperationId",
          "ContactFlowId",
          "ComparisonValue",
          "ThirdPartyPhoneNumber",
          "FlowLoggingBehavior",
          "TextToSpeechVoice",
          "LanguageCode",
        ) ?? ""
      );
  }
}

/** How a numeric condition reads on an edge (Equals, the common case, shows the value alone). */
const OPERATOR_SIGNS: Readonly<Record<string, string>> = {
  NumberGreaterThan: "over ",
  NumberGreaterOrEqualTo: "at least ",
  NumberLessThan: "under ",
  NumberLessOrEqualTo: "at most ",
};

export function flowToMermaid(flow: FlowTemplate): string {
  const f = flow.template as { StartAction: string; Actions: Action[] };
  const ids = new Map(f.Actions.map((a, i) => [a.Identifier, `n${i}`]));
  const lines = [
    "flowchart TD",
    `  start(["${label(flow.name)} (${flow.type})"]) --> ${ids.get(f.StartAction) ?? "missing"}`,
  ];
  for (const a of f.Actions) {
    const d = detail(a);
    const text = `${a.Identifier}: ${a.Type}${d ? `<br/>${label(d)}` : ""}`;
    const terminal = a.Type === "DisconnectParticipant" || a.Type === "EndFlowExecution";
    lines.push(`  ${ids.get(a.Identifier)}${terminal ? `(["${text}"])` : `["${text}"]`}`);
  }
  // One edge per target: branches that lead to the same block share it, labelled together.
  for (const a of f.Actions) {
    const from = ids.get(a.Identifier);
    const t = a.Transitions ?? {};
    const byTarget = new Map<string, string[]>();
    const add = (to: string, what: string) => byTarget.set(to, [...(byTarget.get(to) ?? []), what]);
    if (t.NextAction) add(t.NextAction, "");
    for (const c of t.Conditions ?? [])
      add(
        c.NextAction,
        `${OPERATOR_SIGNS[String(c.Condition?.Operator)] ?? ""}${(c.Condition?.Operands ?? []).map(String).join(", ")}`,
      );
    for (const e of t.Errors ?? []) add(e.NextAction, `error: ${e.ErrorType}`);
    for (const [to, whats] of byTarget) {
      const what = whats.length === 1 ? whats[0] : whats.map((w) => w || "next").join(" / ");
      lines.push(
        `  ${from} ${what ? `-- "${label(what)}" -->` : "-->"} ${ids.get(to) ?? "missing"}`,
      );
    }
  }
  return lines.join("\n");
}

export function flowDoc(flow: FlowTemplate): string {
  const vars = [...flow.variables, ...flow.dependsOn.map((d) => `flow.${d}`)];
  return [
    `# ${flow.name} (${flow.type})`,
    "",
    flow.description,
    "",
    vars.length ? `Variables: ${vars.map((v) => `\`{{${v}}}\``).join(", ")}` : "Variables: none",
    "",
    "```mermaid",
    flowToMermaid(flow),
    "```",
    "",
    `Generated from \`flows/templates/${flow.name}.json\` by \`npm run flows:diagram\`; do not edit.`,
    "",
  ].join("\n");
}
