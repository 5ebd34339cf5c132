/**
 * Pure validator for Amazon Connect Flow Language content (rendered templates or raw console
 * exports). Connect validates published flows only when they are created, and reports problems
 * without saying much about where; this catches what it would refuse, and what it would accept
 * but a caller would hit (dangling branches, unreachable blocks, a Lambda ARN pinned to one
 * region in a flow that must work in both), each with the action identifier and a fix hint.
 *
 * Errors are only what Connect itself requires (flow-language-actions.html, and what real console
 * exports always carry: `flows/fixtures/exports/README.md`). What Connect accepts but this project
 * wants of its own templates (every error type of an action routed) is a warning for any flow and
 * an error only with `templateRules`.
 *
 * Over 500 lines on purpose: The flow-language rules in one validator: each rule is small, and
 * they share one walk of the flow graph.
 */

export const FLOW_TYPES = [
  "CONTACT_FLOW",
  "CUSTOMER_QUEUE",
  "CUSTOMER_HOLD",
  "CUSTOMER_WHISPER",
  "AGENT_HOLD",
  "AGENT_WHISPER",
  "OUTBOUND_WHISPER",
  "AGENT_TRANSFER",
  "QUEUE_TRANSFER",
] as const;
export type FlowType = (typeof FLOW_TYPES)[number];

export const LIMITS = { actions: 250, contentChars: 256_000, identifierChars: 50 } as const;

export interface Problem {
  /** Action identifier, or "" for flow-level problems. */
  readonly action: string;
  readonly rule: string;
  readonly message: string;
  readonly hint: string;
  /** Warnings (unknown action types, unrouted errors outside templates) do not fail validation. */
  readonly severity: "error" | "warning";
}

export interface ValidateOptions {
  readonly type: FlowType;
  /** The flow runs in both regions (Global Resiliency): Lambda and Lex ARNs must use $.AwsRegion. */
  readonly multiRegion?: boolean;
  /**
   * This project's own templates: every error type an action can raise must be routed. Connect
   * accepts unrouted errors (console exports leave e.g. CheckVoiceId's NoMatchingCondition or the
   * Lex block's InputTimeLimitExceeded unrouted), so without this they are warnings.
   */
  readonly templateRules?: boolean;
}

interface Action {
  Identifier?: unknown;
  Type?: unknown;
  Parameters?: Record<string, unknown>;
  Transitions?: {
    NextAction?: unknown;
    Conditions?: { NextAction?: unknown; Condition?: { Operator?: unknown; Operands?: unknown } }[];
    Errors?: { NextAction?: unknown; ErrorType?: unknown }[];
  };
}

/** What this project knows of each action type it uses (Flow language reference, "contact-actions-*"). */
interface ActionSpec {
  /** Error types the action can raise (project rule: each needs an Errors entry). */
  readonly errors: readonly string[] | ((p: Record<string, unknown>) => readonly string[]);
  /**
   * Ends the flow: Transitions must be empty. Every other action needs `Transitions.NextAction`,
   * branching ones included (flow-language-actions.html; console exports set it to the error or
   * no-match target).
   */
  readonly terminal?: boolean;
  /** Flow types the action is supported in; all when absent. */
  readonly flowTypes?: readonly FlowType[];
  /** Needs at least one condition branch. */
  readonly needsConditions?: boolean | ((p: Record<string, unknown>) => boolean);
  /** Extra checks of the parameters; returns [message, hint] pairs. */
  readonly check?: (p: Record<string, unknown>, o: ValidateOptions) => [string, string][];
  /** Checks of the condition branches against the parameters; returns [message, hint] pairs. */
  readonly checkConditions?: (
    p: Record<string, unknown>,
    conditions: readonly { Operator?: unknown; Operands?: unknown }[],
  ) => [string, string][];
}

const INBOUND_AND_TRANSFER: readonly FlowType[] = [
  "CONTACT_FLOW",
  "AGENT_TRANSFER",
  "QUEUE_TRANSFER",
];

const oneOf = (p: Record<string, unknown>, keys: string[]): [string, string][] => {
  const present = keys.filter((k) => p[k] !== undefined);
  return present.length === 1
    ? []
    : [
        [
          `needs exactly one of ${keys.join(", ")} (has ${present.length ? present.join(", ") : "none"})`,
          `keep one of ${keys.join(" / ")}`,
        ],
      ];
};

/** GetParticipantInput that stores the input instead of branching on it. */
const stores = (p: Record<string, unknown>) => p.StoreInput === "True";
const has = (o: unknown, key: string) =>
  typeof o === "object" && o !== null && (o as Record<string, unknown>)[key] !== undefined;

/** A whole-value attribute reference such as `$.Attributes.authBot`, resolved per contact. */
const isDynamic = (v: unknown) => typeof v === "string" && v.startsWith("$.");

/**
 * A template placeholder (`{{function.caller-auth}}`): the program renders it into the region-
 * neutral ARN it checks then; in the template it is not an ARN at all.
 */
const isPlaceholder = (v: unknown) => typeof v === "string" && /^\{\{[^}]+\}\}$/.test(v);

const regionNeutral = (arn: unknown, what: string, o: ValidateOptions): [string, string][] => {
  if (!o.multiRegion || typeof arn !== "string" || isDynamic(arn) || isPlaceholder(arn)) return [];
  const region = arn.split(":")[3];
  return region === "$.AwsRegion"
    ? []
    : [
        [
          `${what} ${arn} is pinned to region ${region}`,
          `write the region segment as $.AwsRegion so the flow works in both regions, e.g. arn:aws:lambda:$.AwsRegion:<account>:function:<name>`,
        ],
      ];
};

/**
 * A Lex V2 alias ARN names a bot id, and each region's bot has its own id (Lex Global Resiliency
 * is not offered for Tokyo/Osaka), so in a mirrored flow only a per-contact value works: an
 * attribute the region's own function fills.
 */
const lexAliasNeutral = (arn: unknown, o: ValidateOptions): [string, string][] =>
  !o.multiRegion || typeof arn !== "string" || isDynamic(arn)
    ? []
    : [
        [
          `LexV2Bot.AliasArn ${arn} names one region's bot; the other region's bot has another id`,
          "set the alias ARN from a contact attribute filled by the region's function (e.g. $.Attributes.authBot from the caller-auth lookup)",
        ],
      ];

/** flow-control-actions-checkmetricdata.html: the five metrics, none dynamic. */
export const METRIC_TYPES = [
  "NumberOfAgentsAvailable",
  "NumberOfAgentsStaffed",
  "NumberOfAgentsOnline",
  "OldestContactInQueueAgeSeconds",
  "NumberOfContactsInQueue",
] as const;
const agentMetric = (p: Record<string, unknown>) =>
  typeof p.MetricType === "string" && p.MetricType.startsWith("NumberOfAgents");
/** Number* operators of the flow language's conditions (Compare and CheckMetricData). */
const NUMBER_OPERATORS = [
  "NumberGreaterThan",
  "NumberGreaterOrEqualTo",
  "NumberLessThan",
  "NumberLessOrEqualTo",
];

export const ACTIONS: Readonly<Record<string, ActionSpec>> = {
  MessageParticipant: {
    errors: ["NoMatchingError"],
    check: (p) => oneOf(p, ["Text", "SSML", "PromptId", "Media"]),
  },
  MessageParticipantIteratively: {
    errors: ["NoMatchingError"],
    flowTypes: ["CUSTOMER_QUEUE", "CUSTOMER_HOLD", "AGENT_HOLD"],
  },
  // participant-actions-getparticipantinput.html: with StoreInput "True" the input is stored in
  // $.StoredCustomerInput, conditions are not supported, InputValidation is required and
  // NoMatchingCondition must not be defined; InvalidPhoneNumber goes with PhoneNumberValidation.
  GetParticipantInput: {
    errors: (p) =>
      stores(p)
        ? [
            ...(has(p.InputValidation, "PhoneNumberValidation") ? ["InvalidPhoneNumber"] : []),
            "NoMatchingError",
          ]
        : ["InputTimeLimitExceeded", "NoMatchingCondition", "NoMatchingError"],
    needsConditions: (p) => !stores(p),
    flowTypes: [...INBOUND_AND_TRANSFER, "CUSTOMER_QUEUE"],
    check: (p) => [
      ...oneOf(p, ["Text", "SSML", "PromptId", "Media"]),
      ...(p.InputTimeLimitSeconds !== undefined &&
      !/^\d+$/.test(typeof p.InputTimeLimitSeconds === "string" ? p.InputTimeLimitSeconds : "")
        ? ([["InputTimeLimitSeconds must be a whole number of seconds", 'e.g. "5"']] as [
            string,
            string,
          ][])
        : []),
      ...(stores(p) && !has(p, "InputValidation")
        ? ([
            [
              'StoreInput "True" needs InputValidation',
              'add InputValidation: { CustomValidation: { MaximumLength: "8" } } (or PhoneNumberValidation)',
            ],
          ] as [string, string][])
        : []),
    ],
  },
  CheckHoursOfOperation: {
    errors: ["NoMatchingError"],
    check: (p) =>
      p.HoursOfOperationId === undefined
        ? [["HoursOfOperationId is missing", "name the hours (ARN) or leave the block out"]]
        : [],
  },
  // flow-control-actions-checkmetricdata.html: MetricType one of five, not dynamic; QueueId or
  // AgentId (not both; neither: the contact's target queue); agent-count metrics support only the
  // condition "NumberGreaterThan 0", the others Equals and the Number* operators; NoMatchingCondition
  // is raised only for the queue metrics, NoMatchingError always.
  CheckMetricData: {
    errors: (p) =>
      agentMetric(p) ? ["NoMatchingError"] : ["NoMatchingCondition", "NoMatchingError"],
    needsConditions: true,
    check: (p) => [
      ...(METRIC_TYPES.includes(p.MetricType as (typeof METRIC_TYPES)[number])
        ? []
        : ([
            [
              `MetricType ${JSON.stringify(p.MetricType)} is not a metric of this block${isDynamic(p.MetricType) ? " (dynamic values are not supported)" : ""}`,
              `use one of ${METRIC_TYPES.join(", ")}`,
            ],
          ] as [string, string][])),
      ...(p.QueueId !== undefined && p.AgentId !== undefined
        ? ([
            [
              "QueueId and AgentId are both set",
              "keep one, or neither to use the contact's target queue",
            ],
          ] as [string, string][])
        : []),
    ],
    checkConditions: (p, conditions) =>
      conditions.flatMap((c): [string, string][] => {
        const op = String(c.Operator);
        const operands = Array.isArray(c.Operands) ? c.Operands.map(String) : [];
        if (agentMetric(p))
          return op === "NumberGreaterThan" && operands.length === 1 && operands[0] === "0"
            ? []
            : [
                [
                  `${String(p.MetricType)} supports only the condition NumberGreaterThan 0 (has ${op} ${operands.join(", ")})`,
                  'use { Operator: "NumberGreaterThan", Operands: ["0"] }',
                ],
              ];
        if (op !== "Equals" && !NUMBER_OPERATORS.includes(op))
          return [
            [
              `operator ${op} does not compare a metric`,
              `use Equals or ${NUMBER_OPERATORS.join(", ")}`,
            ],
          ];
        return operands.length === 1 && (/^\d+$/.test(operands[0]) || isPlaceholder(operands[0]))
          ? []
          : [
              [
                `a metric is compared with one whole number (has ${JSON.stringify(operands)})`,
                'e.g. Operands: ["10"]',
              ],
            ];
      }),
  },
  UpdateContactTargetQueue: {
    errors: ["NoMatchingError"],
    flowTypes: INBOUND_AND_TRANSFER,
    check: (p) => oneOf(p, ["QueueId", "AgentId"]),
  },
  TransferContactToQueue: {
    errors: ["QueueAtCapacity", "NoMatchingError"],
    flowTypes: INBOUND_AND_TRANSFER,
  },
  DequeueContactAndTransferToQueue: {
    errors: ["QueueAtCapacity", "NoMatchingError"],
    flowTypes: ["CUSTOMER_QUEUE"],
  },
  TransferToFlow: {
    errors: ["NoMatchingError"],
    flowTypes: INBOUND_AND_TRANSFER,
    check: (p) =>
      p.ContactFlowId === undefined
        ? [["ContactFlowId is missing", "name the flow to transfer to"]]
        : [],
  },
  TransferParticipantToThirdParty: {
    errors: ["CallFailed", "ConnectionTimeLimitExceeded", "NoMatchingError"],
    flowTypes: INBOUND_AND_TRANSFER,
    check: (p) =>
      p.ThirdPartyPhoneNumber === undefined
        ? [["ThirdPartyPhoneNumber is missing", "an E.164 number, e.g. +81312345678"]]
        : [],
  },
  InvokeLambdaFunction: {
    errors: ["NoMatchingError"],
    check: (p, o) => [
      ...(p.LambdaFunctionARN === undefined
        ? ([["LambdaFunctionARN is missing", "the function's ARN"]] as [string, string][])
        : []),
      ...(p.InvocationTimeLimitSeconds !== undefined &&
      !(Number(p.InvocationTimeLimitSeconds) >= 1 && Number(p.InvocationTimeLimitSeconds) <= 8)
        ? ([
            [
              "InvocationTimeLimitSeconds must be 1-8",
              'Connect waits at most 8 s for a synchronous Lambda; use "8" or less',
            ],
          ] as [string, string][])
        : []),
      ...regionNeutral(p.LambdaFunctionARN, "LambdaFunctionARN", o),
    ],
  },
  ConnectParticipantWithLexBot: {
    errors: ["InputTimeLimitExceeded", "NoMatchingCondition", "NoMatchingError"],
    flowTypes: INBOUND_AND_TRANSFER,
    check: (p, o) => {
      const alias = (p.LexV2Bot as Record<string, unknown> | undefined)?.AliasArn;
      return [
        ...(alias === undefined
          ? ([["LexV2Bot.AliasArn is missing", "the Lex V2 bot alias ARN"]] as [string, string][])
          : []),
        ...lexAliasNeutral(alias, o),
      ];
    },
  },
  UpdateContactAttributes: {
    errors: ["NoMatchingError"],
    check: (p) => {
      const a = p.Attributes;
      return a && typeof a === "object" && Object.keys(a).length
        ? []
        : [["Attributes must set at least one attribute", "remove the block or add an attribute"]];
    },
  },
  UpdateContactData: { errors: ["NoMatchingError"] },
  // Voice ID (end of support 2026-05-20): kept so the voice-id provider's flow validates.
  StartVoiceIdStream: { errors: ["NoMatchingError"], flowTypes: INBOUND_AND_TRANSFER },
  CheckVoiceId: {
    errors: ["NoMatchingCondition", "NoMatchingError"],
    needsConditions: true,
    check: (p) =>
      ["enrollmentStatus", "voiceAuthentication", "fraudDetection"].includes(
        String(p.CheckVoiceIdOption),
      )
        ? []
        : [
            [
              `CheckVoiceIdOption ${JSON.stringify(p.CheckVoiceIdOption)} is not an option`,
              "use enrollmentStatus, voiceAuthentication or fraudDetection",
            ],
          ],
  },
  Compare: {
    errors: ["NoMatchingCondition"],
    needsConditions: true,
    check: (p) =>
      p.ComparisonValue === undefined
        ? [["ComparisonValue is missing", 'e.g. "$.External.result"']]
        : [],
  },
  UpdateContactRecordingBehavior: {
    errors: [],
    check: (p) =>
      (p.RecordingBehavior as Record<string, unknown> | undefined)?.RecordedParticipants ===
      undefined
        ? [["RecordingBehavior.RecordedParticipants is missing", 'e.g. ["Agent", "Customer"]']]
        : [],
  },
  UpdateFlowLoggingBehavior: {
    errors: [],
    check: (p) =>
      ["Enabled", "Disabled"].includes(String(p.FlowLoggingBehavior))
        ? []
        : [["FlowLoggingBehavior must be Enabled or Disabled", '"Enabled"']],
  },
  UpdateContactTextToSpeechVoice: {
    errors: [],
    check: (p) =>
      p.TextToSpeechVoice === undefined
        ? [["TextToSpeechVoice is missing", 'a Japanese voice such as "Kazuha" or "Takumi"']]
        : [],
  },
  UpdateContactEventHooks: { errors: ["NoMatchingError"] },
  DisconnectParticipant: {
    errors: [],
    terminal: true,
    flowTypes: [
      "CONTACT_FLOW",
      "CUSTOMER_QUEUE",
      "AGENT_TRANSFER",
      "QUEUE_TRANSFER",
      "CUSTOMER_HOLD",
      "AGENT_HOLD",
    ],
  },
  EndFlowExecution: { errors: [], terminal: true },
};

const isNonEmptyString = (v: unknown) => typeof v === "string" && v.length > 0;

/** Scalars anywhere in the parameters must be non-empty strings (Connect rejects others). */
function badScalars(v: unknown, path: string, out: string[]): void {
  if (v === null || typeof v === "number" || typeof v === "boolean")
    out.push(`${path} is ${JSON.stringify(v)}`);
  else if (typeof v === "string") {
    if (v === "") out.push(`${path} is an empty string`);
  } else if (Array.isArray(v)) v.forEach((x, i) => badScalars(x, `${path}[${i}]`, out));
  else if (v && typeof v === "object")
    for (const [k, x] of Object.entries(v)) badScalars(x, `${path}.${k}`, out);
}

/** `content`: flow JSON text, or the parsed flow. */
export function validateFlow(content: unknown, o: ValidateOptions): Problem[] {
  const problems: Problem[] = [];
  const add = (
    action: string,
    rule: string,
    message: string,
    hint: string,
    severity: "error" | "warning" = "error",
  ) => problems.push({ action, rule, message, hint, severity });

  let flow: { Version?: unknown; StartAction?: unknown; Actions?: unknown };
  const text = typeof content === "string" ? content : JSON.stringify(content);
  try {
    flow = (typeof content === "string" ? JSON.parse(content) : content) as typeof flow;
  } catch (e) {
    add(
      "",
      "json",
      `content is not JSON: ${(e as Error).message}`,
      "export the flow again from the designer",
    );
    return problems;
  }
  if (text.length > LIMITS.contentChars)
    add(
      "",
      "size",
      `content has ${text.length} characters, over ${LIMITS.contentChars}`,
      "split the flow into modules or transfer to another flow",
    );
  if (flow.Version !== "2019-10-30")
    add("", "version", `Version is ${JSON.stringify(flow.Version)}`, 'use "2019-10-30"');
  if (!Array.isArray(flow.Actions)) {
    add("", "actions", "Actions is not an array", "export the flow again from the designer");
    return problems;
  }
  const actions = flow.Actions as Action[];
  if (actions.length > LIMITS.actions)
    add("", "size", `${actions.length} actions, over ${LIMITS.actions}`, "split the flow");

  const ids = new Map<string, Action>();
  for (const a of actions) {
    const id = a.Identifier;
    if (!isNonEmptyString(id)) {
      add(
        "",
        "identifier",
        `an action of type ${String(a.Type)} has no Identifier`,
        "give every action a unique Identifier",
      );
      continue;
    }
    const idText = id as string;
    if (ids.has(idText))
      add(idText, "identifier", "Identifier is used twice", "rename one of the actions");
    if (idText.length > LIMITS.identifierChars)
      add(
        idText,
        "identifier",
        `Identifier has ${idText.length} characters, over ${LIMITS.identifierChars}`,
        "shorten it",
      );
    ids.set(idText, a);
  }

  if (!isNonEmptyString(flow.StartAction) || !ids.has(flow.StartAction as string))
    add(
      "",
      "start",
      `StartAction ${JSON.stringify(flow.StartAction)} is not an action of this flow`,
      "point StartAction at the first block",
    );

  const targets = (a: Action): { via: string; to: unknown }[] => [
    ...(a.Transitions?.NextAction !== undefined
      ? [{ via: "NextAction", to: a.Transitions.NextAction }]
      : []),
    ...(a.Transitions?.Conditions ?? []).map((c, i) => ({
      via: `Conditions[${i}]`,
      to: c.NextAction,
    })),
    ...(a.Transitions?.Errors ?? []).map((e) => ({
      via: `Errors(${String(e.ErrorType)})`,
      to: e.NextAction,
    })),
  ];

  for (const [id, a] of ids) {
    const type = String(a.Type);
    const spec = ACTIONS[type];
    for (const t of targets(a)) {
      if (!isNonEmptyString(t.to) || !ids.has(t.to as string))
        add(
          id,
          "dangling",
          `${t.via} points at ${JSON.stringify(t.to)}, which is not an action of this flow`,
          "connect the branch to an existing block",
        );
    }
    const scalars: string[] = [];
    badScalars(a.Parameters ?? {}, "Parameters", scalars);
    for (const s of scalars)
      add(
        id,
        "parameters",
        `${s}; every parameter value must be a non-empty string`,
        'write numbers and booleans as strings ("8", "True")',
      );

    if (!spec) {
      add(
        id,
        "unknown-type",
        `action type ${type} is not one this validator knows`,
        "check it in the flow designer; add it to ACTIONS in flows/validate.ts with its errors and restrictions",
        "warning",
      );
      continue;
    }
    const tr = a.Transitions ?? {};
    if (spec.terminal) {
      if (Object.keys(tr).length)
        add(
          id,
          "terminal",
          `${type} ends the flow but has transitions`,
          "remove its Transitions (use {})",
        );
    } else {
      if (tr.NextAction === undefined)
        add(
          id,
          "next-action",
          `${type} has no Transitions.NextAction (Connect requires it on every action that does not end the flow, branching ones included)`,
          tr.Conditions?.length || tr.Errors?.length
            ? "set NextAction to the block its no-match or error branch goes to, as the console does"
            : "connect the block to the next one",
        );
      const handled = new Set((tr.Errors ?? []).map((e) => String(e.ErrorType)));
      const errors =
        typeof spec.errors === "function" ? spec.errors(a.Parameters ?? {}) : spec.errors;
      if (
        type === "GetParticipantInput" &&
        stores(a.Parameters ?? {}) &&
        handled.has("NoMatchingCondition")
      )
        add(
          id,
          "stored-input-error",
          'GetParticipantInput with StoreInput "True" must not route NoMatchingCondition (it has no conditions)',
          "remove the NoMatchingCondition error entry",
        );
      for (const err of errors)
        if (!handled.has(err))
          add(
            id,
            "unhandled-error",
            `${type} does not route the ${err} error`,
            `add an Errors entry for ${err}`,
            o.templateRules ? "error" : "warning",
          );
    }
    const needsConditions =
      typeof spec.needsConditions === "function"
        ? spec.needsConditions(a.Parameters ?? {})
        : spec.needsConditions;
    if (needsConditions && !tr.Conditions?.length)
      add(id, "conditions", `${type} has no condition branches`, "add at least one condition");
    if (type === "GetParticipantInput" && stores(a.Parameters ?? {}) && tr.Conditions?.length)
      add(
        id,
        "stored-input",
        'GetParticipantInput with StoreInput "True" supports no conditions',
        "branch on the stored value with a Compare or a function after it",
      );
    if (type === "CheckHoursOfOperation") {
      const operands = new Set(
        (tr.Conditions ?? []).flatMap((c) =>
          Array.isArray(c.Condition?.Operands) ? c.Condition.Operands.map(String) : [],
        ),
      );
      for (const v of ["True", "False"])
        if (!operands.has(v))
          add(
            id,
            "hours-branches",
            `CheckHoursOfOperation has no ${v} branch`,
            `add a condition Equals ${v}`,
          );
    }
    if (spec.flowTypes && !spec.flowTypes.includes(o.type))
      add(
        id,
        "flow-type",
        `${type} is not supported in ${o.type} flows`,
        `supported in: ${spec.flowTypes.join(", ")}`,
      );
    for (const [m, h] of spec.check?.(a.Parameters ?? {}, o) ?? [])
      add(id, "parameters", `${type}: ${m}`, h);
    for (const [m, h] of spec.checkConditions?.(
      a.Parameters ?? {},
      (tr.Conditions ?? []).map((c) => c.Condition ?? {}),
    ) ?? [])
      add(id, "conditions", `${type}: ${m}`, h);
  }

  // Reachability from StartAction.
  if (isNonEmptyString(flow.StartAction) && ids.has(flow.StartAction as string)) {
    const seen = new Set<string>();
    const stack = [flow.StartAction as string];
    while (stack.length) {
      const id = stack.pop() as string;
      if (seen.has(id)) continue;
      seen.add(id);
      const a = ids.get(id);
      if (a)
        for (const t of targets(a)) if (typeof t.to === "string" && ids.has(t.to)) stack.push(t.to);
    }
    for (const id of ids.keys())
      if (!seen.has(id))
        add(
          id,
          "unreachable",
          "no path from StartAction reaches this action",
          "connect it or delete it",
        );
  }
  return problems;
}

export const errorsOnly = (p: readonly Problem[]) => p.filter((x) => x.severity === "error");

export const formatProblem = (flow: string, p: Problem) =>
  `${flow}: ${p.severity} [${p.rule}]${p.action ? ` action ${p.action}:` : ""} ${p.message} (fix: ${p.hint})`;
