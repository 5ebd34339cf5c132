/**
 * Restore of a configuration snapshot into an instance (the same one after a bad change, or a
 * standalone DR instance): objects are matched by name, and every instance-specific reference in
 * them (queue, flow, module, prompt, hours, profile ARNs and ids; Lambda and Lex ARNs) is remapped
 * to the target's object of the same name. What cannot be mapped is reported, never guessed.
 *
 * Restored, in dependency order: hours of operation, queues, flow modules, flows, routing
 * profiles, security profiles, quick connects. Not restored, and said so: users (identities and
 * passwords belong to the identity provider and onboarding), prompts (audio is not in the
 * snapshot), phone numbers (claims are made by the stacks), Lambda/Lex associations (made by the
 * stacks), instance attributes and storage (made by the stacks). Objects the target's Pulumi
 * stack manages (tag ManagedBy=pulumi) are skipped: `pulumi up` restores those.
 *
 * Over 500 lines on purpose: Restore is one remapping pass over a snapshot: matching, reference
 * remapping and the apply plan share its maps.
 */
import {
  CreateContactFlowCommand,
  CreateContactFlowModuleCommand,
  CreateHoursOfOperationCommand,
  CreateQueueCommand,
  CreateQuickConnectCommand,
  CreateRoutingProfileCommand,
  CreateSecurityProfileCommand,
  UpdateContactFlowContentCommand,
  UpdateContactFlowModuleContentCommand,
  UpdateHoursOfOperationCommand,
  UpdateQueueHoursOfOperationCommand,
  UpdateQueueMaxContactsCommand,
  UpdateQuickConnectConfigCommand,
  UpdateRoutingProfileConcurrencyCommand,
  UpdateRoutingProfileDefaultOutboundQueueCommand,
  UpdateRoutingProfileQueuesCommand,
  UpdateSecurityProfileCommand,
  type ConnectClient,
} from "@aws-sdk/client-connect";
import { throttled, type Pace } from "../components/shared/drConnect";
import {
  changedPaths,
  KINDS,
  normalise,
  referenceMap,
  rewrite,
  type Records,
} from "./configSnapshot";

/** Restored kinds, in the order their references need them. */
export const RESTORE_ORDER = [
  "hoursOfOperation",
  "queues",
  "flowModules",
  "flows",
  "routingProfiles",
  "securityProfiles",
  "quickConnects",
] as const;
type Kind = (typeof RESTORE_ORDER)[number];

export const NOT_RESTORED: Record<string, string> = {
  users: "identities belong to the identity provider and onboarding; the snapshot is their record",
  prompts: "the snapshot holds prompt metadata, not the audio",
  phoneNumbers: "numbers are claimed by the stacks (PhoneNumbers)",
  phoneNumberFlows: "number routing is made by the stacks (PhoneNumbers, Failover)",
  lambdaFunctions: "function associations are made by the stacks",
  lexBots: "bot associations are made by the stacks",
  instance: "instance attributes and storage are made by the stacks",
  hierarchy: "the agent hierarchy is not restored yet",
};

export interface PlanItem {
  readonly kind: Kind;
  readonly name: string;
  readonly action: "CREATE" | "UPDATE" | "UNCHANGED" | "SKIP";
  readonly reason?: string;
  /** What differs from the target (UPDATE). */
  readonly changes?: string[];
  /** References the target has nothing of the same name for. */
  readonly unmapped: string[];
  /** The source record with references remapped to the target. */
  readonly record: Record<string, unknown>;
  /** The target's id and ARN when it has the object. */
  readonly target?: { id: string; arn: string };
}

export interface RestorePlan {
  readonly items: PlanItem[];
  readonly notRestored: { kind: string; count: number; reason: string }[];
}

const str = (v: unknown) => (typeof v === "string" ? v : "");

/** Target lookups: `{kind:name}` → id and ARN. */
function targetIndex(target: Records) {
  const byRef = new Map<string, { id: string; arn: string }>();
  for (const [kind, spec] of Object.entries(KINDS)) {
    const [idField, arnField] = spec.ids;
    for (const r of target[kind] ?? [])
      byRef.set(`{${kind}:${spec.name(r)}}`, {
        id: str(r[idField ?? ""]),
        arn: str(r[arnField ?? idField ?? ""]),
      });
  }
  return byRef;
}

/**
 * Marks a reference to an object this restore creates: `«restore»kind:name|id` (or `|arn`). No
 * control characters, so it survives JSON.stringify inside flow content unchanged.
 */
export const PENDING = "«restore»";

/** A Lambda function ARN, unqualified or with a version or alias (`:7`, `:$LATEST`, `:live`). */
const LAMBDA = /^arn:aws[-a-z]*:lambda:[^:]+:(\d{12}):function:([^:]+)(?::([^:]+))?$/;
const accountOf = (arn: string) => arn.split(":")[4] ?? "";
const LEX_ALIAS = /^arn:aws[-a-z]*:lex:[^:]+:\d{12}:bot-alias\//;

export function planRestore(
  source: Records,
  target: Records,
  o: { includeManaged?: boolean } = {},
): RestorePlan {
  const refs = referenceMap(source);
  const targets = targetIndex(target);
  const targetLambdas = new Map(
    (target.lambdaFunctions ?? []).map((l) => [
      str(l.FunctionArn).split(":").pop(),
      str(l.FunctionArn),
    ]),
  );
  const sourceBots = (source.lexBots ?? []).map((b) =>
    str((b.LexV2Bot as { AliasArn?: string })?.AliasArn),
  );
  const targetBots = (target.lexBots ?? []).map((b) =>
    str((b.LexV2Bot as { AliasArn?: string })?.AliasArn),
  );
  const sourceInstance = str(source.instance?.find((i) => i.kind === "instance")?.Arn);
  const targetInstance = str(target.instance?.find((i) => i.kind === "instance")?.Arn);
  const [ns, nt] = [normalise(source), normalise(target)];

  const KEEP_ALL = new Set<string>();
  const remap = (value: unknown, unmapped: Set<string>): unknown =>
    rewrite(
      value,
      (v) => {
        if (v === sourceInstance && targetInstance) return targetInstance;
        const fn = LAMBDA.exec(v);
        if (fn) {
          const [, account, lambda, qualifier] = fn;
          // A flow calling another account's function is never carried over silently, whether
          // or not a function of that name exists here.
          if (sourceInstance && account !== accountOf(sourceInstance)) {
            unmapped.add(`Lambda function ${v} of another account (${account})`);
            return v;
          }
          // Version numbers are per region and function: only $LATEST and aliases carry over.
          if (qualifier && /^\d+$/.test(qualifier)) {
            unmapped.add(`Lambda function ${lambda} version ${qualifier}`);
            return v;
          }
          const t = targetLambdas.get(lambda);
          if (!t) unmapped.add(`Lambda function ${lambda}`);
          return t ? `${t}${qualifier ? `:${qualifier}` : ""}` : v;
        }
        if (LEX_ALIAS.test(v)) {
          // Lex alias ARNs carry no name: mapped only when each side has exactly one bot alias.
          if (sourceBots.length === 1 && targetBots.length === 1 && sourceBots[0] === v)
            return targetBots[0];
          unmapped.add(`Lex bot alias ${v}`);
          return v;
        }
        const ref = refs.get(v);
        if (!ref) return undefined;
        const t = targets.get(ref);
        if (t) return v.startsWith("arn:") ? t.arn : t.id;
        // Created by this restore: resolved when it exists (see applyRestore).
        const [kind] = ref.slice(1, -1).split(":");
        if ((RESTORE_ORDER as readonly string[]).includes(kind))
          return `${PENDING}${ref.slice(1, -1)}|${v.startsWith("arn:") ? "arn" : "id"}`;
        unmapped.add(ref);
        return v;
      },
      KEEP_ALL,
    );

  const items: PlanItem[] = [];
  for (const kind of RESTORE_ORDER) {
    const spec = KINDS[kind];
    for (const r of source[kind] ?? []) {
      const name = spec.name(r);
      const t = targets.get(`{${kind}:${name}}`);
      const targetRecord = (target[kind] ?? []).find((x) => spec.name(x) === name);
      const unmapped = new Set<string>();
      const record = remap(
        Object.fromEntries(Object.entries(r).filter(([k]) => !spec.ids.includes(k))),
        unmapped,
      ) as Record<string, unknown>;
      const managed =
        (targetRecord?.Tags as Record<string, string> | undefined)?.ManagedBy === "pulumi";
      const base = {
        kind,
        name,
        record,
        unmapped: [...unmapped].sort(),
        ...(t ? { target: t } : {}),
      };
      if (managed && !o.includeManaged) {
        items.push({
          ...base,
          action: "SKIP",
          reason: "managed by the target's Pulumi stack: pulumi up restores it",
        });
      } else if (!t) {
        items.push({ ...base, action: "CREATE" });
      } else {
        const changes = changedPaths(nt[kind]?.get(name), ns[kind]?.get(name)).filter(
          (p) => !/^Tags/.test(p),
        );
        items.push(
          changes.length
            ? { ...base, action: "UPDATE", changes }
            : { ...base, action: "UNCHANGED" },
        );
      }
    }
  }
  const notRestored = Object.entries(NOT_RESTORED)
    .map(([kind, reason]) => ({ kind, count: source[kind]?.length ?? 0, reason }))
    .filter((x) => x.count > 0);
  return { items, notRestored };
}

export function renderPlan(p: RestorePlan): string {
  const lines: string[] = [];
  const count = (a: PlanItem["action"]) => p.items.filter((i) => i.action === a).length;
  for (const i of p.items.filter((x) => x.action !== "UNCHANGED")) {
    lines.push(
      `${i.action.padEnd(9)} ${i.kind} ${i.name}${i.reason ? ` (${i.reason})` : ""}${i.changes ? `: ${i.changes.slice(0, 6).join(", ")}${i.changes.length > 6 ? ", …" : ""}` : ""}`,
    );
    for (const u of i.unmapped)
      lines.push(`          unmapped: ${u} (no object of that name in the target)`);
  }
  for (const n of p.notRestored) lines.push(`NOT RESTORED ${n.kind} (${n.count}): ${n.reason}`);
  const unmapped = p.items.filter((i) => i.unmapped.length).length;
  lines.push(
    `${count("CREATE")} to create, ${count("UPDATE")} to update, ${count("UNCHANGED")} unchanged, ${count("SKIP")} skipped; ${unmapped} with unmapped references`,
  );
  return `${lines.join("\n")}\n`;
}

/**
 * Carries out the plan against the target instance. Items with unmapped references are refused
 * (they would point at the source instance). New flows are created empty first and filled in a
 * second pass, so flows that refer to each other can all be created.
 */
export async function applyRestore(
  plan: RestorePlan,
  client: ConnectClient,
  instanceId: string,
  pace: Pace,
  log: (line: string) => void,
): Promise<{ done: number; refused: number; failed: { item: string; error: string }[] }> {
  const send = (c: object) =>
    throttled(pace, () => client.send(c as never) as unknown as Promise<Record<string, unknown>>);
  const created = new Map<string, { id: string; arn: string }>();
  const failed: { item: string; error: string }[] = [];
  let done = 0;
  let refused = 0;
  const work = plan.items.filter(
    (i) => (i.action === "CREATE" || i.action === "UPDATE") && !i.unmapped.length,
  );
  for (const i of plan.items.filter((x) => x.unmapped.length && x.action !== "SKIP")) {
    refused += 1;
    log(`refused  ${i.kind} ${i.name}: unmapped ${i.unmapped.join(", ")}`);
  }
  // Pass 1: new flows first, empty, so every flow exists before anything refers to it (queues'
  // outbound whisper, quick connects, other flows).
  for (const i of work.filter((x) => x.kind === "flows" && x.action === "CREATE")) {
    const r = await send(
      new CreateContactFlowCommand({
        InstanceId: instanceId,
        Name: i.name,
        Type: str(i.record.Type) as never,
        Description: str(i.record.Description) || undefined,
        Status: "SAVED",
        Content: JSON.stringify({
          Version: "2019-10-30",
          StartAction: "end",
          Actions: [
            { Identifier: "end", Type: "DisconnectParticipant", Parameters: {}, Transitions: {} },
          ],
        }),
      }),
    );
    created.set(`flows:${i.name}`, { id: str(r.ContactFlowId), arn: str(r.ContactFlowArn) });
  }
  const resolve = (value: unknown): unknown =>
    rewrite(
      value,
      (v) => {
        if (!v.startsWith(PENDING)) return undefined;
        const [ref, form] = v.slice(PENDING.length).split("|");
        const c = created.get(ref);
        if (!c) throw new Error(`${ref} was to be created by this restore and is not there`);
        return form === "arn" ? c.arn : c.id;
      },
      new Set(),
    );
  for (const i of work) {
    const label = `${i.kind} ${i.name}`;
    try {
      const record = resolve(i.record) as Record<string, unknown>;
      const made = await restoreOne({ ...i, record }, send, instanceId, created);
      if (made) created.set(`${i.kind}:${i.name}`, made);
      done += 1;
      log(`${i.action === "CREATE" ? "created " : "updated "} ${label}`);
    } catch (e) {
      failed.push({
        item: label,
        error: `${(e as { name?: string }).name ?? "Error"}: ${(e as Error).message}`,
      });
      log(`FAILED   ${label}: ${(e as Error).message}`);
    }
  }
  return { done, refused, failed };
}

/** One object; returns the id and ARN of what it created. */
async function restoreOne(
  i: PlanItem,
  send: (c: object) => Promise<Record<string, unknown>>,
  InstanceId: string,
  created: Map<string, { id: string; arn: string }>,
): Promise<{ id: string; arn: string } | undefined> {
  const r = i.record;
  const kept = Object.entries((r.Tags as Record<string, string> | undefined) ?? {}).filter(
    ([k]) => k !== "ManagedBy",
  );
  // The target's Pulumi stack did not make it: it must not look as if it had.
  const tags = kept.length ? Object.fromEntries(kept) : undefined;
  const id = i.target?.id ?? "";
  const made = (o: Record<string, unknown>, idKey: string, arnKey: string) => ({
    id: str(o[idKey]),
    arn: str(o[arnKey]),
  });
  const description = str(r.Description) || undefined;
  switch (i.kind) {
    case "hoursOfOperation": {
      const body = {
        Name: i.name,
        TimeZone: str(r.TimeZone),
        Config: r.Config as never,
        Description: description,
      };
      if (i.target) {
        await send(
          new UpdateHoursOfOperationCommand({ InstanceId, HoursOfOperationId: id, ...body }),
        );
        return undefined;
      }
      return made(
        await send(new CreateHoursOfOperationCommand({ InstanceId, ...body, Tags: tags })),
        "HoursOfOperationId",
        "HoursOfOperationArn",
      );
    }
    case "queues":
      if (!i.target)
        return made(
          await send(
            new CreateQueueCommand({
              InstanceId,
              Name: i.name,
              Description: description,
              HoursOfOperationId: str(r.HoursOfOperationId),
              MaxContacts: r.MaxContacts as number | undefined,
              OutboundCallerConfig: r.OutboundCallerConfig as never,
              Tags: tags,
            }),
          ),
          "QueueId",
          "QueueArn",
        );
      await send(
        new UpdateQueueHoursOfOperationCommand({
          InstanceId,
          QueueId: id,
          HoursOfOperationId: str(r.HoursOfOperationId),
        }),
      );
      if (r.MaxContacts !== undefined)
        await send(
          new UpdateQueueMaxContactsCommand({
            InstanceId,
            QueueId: id,
            MaxContacts: r.MaxContacts as number,
          }),
        );
      return undefined;
    case "flowModules":
      if (!i.target)
        return made(
          await send(
            new CreateContactFlowModuleCommand({
              InstanceId,
              Name: i.name,
              Content: str(r.Content),
              Description: description,
              Tags: tags,
            }),
          ),
          "Id",
          "Arn",
        );
      await send(
        new UpdateContactFlowModuleContentCommand({
          InstanceId,
          ContactFlowModuleId: id,
          Content: str(r.Content),
        }),
      );
      return undefined;
    case "flows":
      // Created empty in pass 1; its content (references resolved by now) goes in here.
      await send(
        new UpdateContactFlowContentCommand({
          InstanceId,
          ContactFlowId: i.target?.id ?? created.get(`flows:${i.name}`)?.id ?? "",
          Content: str(r.Content),
        }),
      );
      return undefined;
    case "routingProfiles": {
      const queues = ((r.QueueConfigs as Record<string, unknown>[] | undefined) ?? []).map((q) => ({
        QueueReference: { QueueId: str(q.QueueId), Channel: str(q.Channel) as never },
        Priority: q.Priority as number,
        Delay: q.Delay as number,
      }));
      if (!i.target)
        return made(
          await send(
            new CreateRoutingProfileCommand({
              InstanceId,
              Name: i.name,
              Description: description ?? i.name,
              DefaultOutboundQueueId: str(r.DefaultOutboundQueueId),
              MediaConcurrencies: r.MediaConcurrencies as never,
              QueueConfigs: queues,
              Tags: tags,
            }),
          ),
          "RoutingProfileId",
          "RoutingProfileArn",
        );
      await send(
        new UpdateRoutingProfileConcurrencyCommand({
          InstanceId,
          RoutingProfileId: id,
          MediaConcurrencies: r.MediaConcurrencies as never,
        }),
      );
      await send(
        new UpdateRoutingProfileDefaultOutboundQueueCommand({
          InstanceId,
          RoutingProfileId: id,
          DefaultOutboundQueueId: str(r.DefaultOutboundQueueId),
        }),
      );
      if (queues.length)
        await send(
          new UpdateRoutingProfileQueuesCommand({
            InstanceId,
            RoutingProfileId: id,
            QueueConfigs: queues,
          }),
        );
      return undefined;
    }
    case "securityProfiles":
      if (!i.target)
        return made(
          await send(
            new CreateSecurityProfileCommand({
              InstanceId,
              SecurityProfileName: i.name,
              Permissions: r.Permissions as string[],
              Tags: tags,
            }),
          ),
          "SecurityProfileId",
          "SecurityProfileArn",
        );
      await send(
        new UpdateSecurityProfileCommand({
          InstanceId,
          SecurityProfileId: id,
          Permissions: r.Permissions as string[],
        }),
      );
      return undefined;
    case "quickConnects":
      if (!i.target)
        return made(
          await send(
            new CreateQuickConnectCommand({
              InstanceId,
              Name: i.name,
              QuickConnectConfig: r.QuickConnectConfig as never,
              Tags: tags,
            }),
          ),
          "QuickConnectId",
          "QuickConnectARN",
        );
      await send(
        new UpdateQuickConnectConfigCommand({
          InstanceId,
          QuickConnectId: id,
          QuickConnectConfig: r.QuickConnectConfig as never,
        }),
      );
      return undefined;
  }
}
