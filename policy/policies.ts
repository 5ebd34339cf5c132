/**
 * The rules of ./rules as CrossGuard policies (no server is started by importing this). Each rule
 * becomes a resource policy and/or a stack policy with the same name (a stack policy of a rule
 * that also checks single resources gets a `-stack` suffix: CrossGuard names must be unique).
 */
import {
  type Policy,
  type PolicyConfigSchema,
  type ResourceValidationPolicy,
  type StackValidationPolicy,
} from "@pulumi/policy";
import { DEFAULT_PACK_CONFIG, RULES, type PackConfig, type ResourceView } from "./rules";

const configSchema: PolicyConfigSchema = {
  properties: {
    minLogRetentionDays: { type: "integer", default: DEFAULT_PACK_CONFIG.minLogRetentionDays },
    samlRequiredStacks: {
      type: "array",
      items: { type: "string" },
      default: [...DEFAULT_PACK_CONFIG.samlRequiredStacks],
    },
    voiceIdAcknowledgeEndOfSupport: {
      type: "boolean",
      default: DEFAULT_PACK_CONFIG.voiceIdAcknowledgeEndOfSupport,
    },
  },
};

const description = (r: (typeof RULES)[number]) =>
  `${r.description} FISC 実務基準: ${r.fisc.join(", ")}. Still yours: ${r.userMustStill}`;

export const policies: Policy[] = RULES.flatMap((rule): Policy[] => {
  const out: Policy[] = [];
  const base = { description: description(rule), enforcementLevel: rule.level, configSchema };
  const check = rule.resource;
  if (check) {
    const p: ResourceValidationPolicy = {
      ...base,
      name: rule.name,
      validateResource: (args, report) => {
        const view: ResourceView = {
          type: args.type,
          name: args.name,
          urn: args.urn,
          parentUrn: args.opts.parent,
          props: args.props,
        };
        for (const m of check(view, {
          ...DEFAULT_PACK_CONFIG,
          ...args.getConfig<Partial<PackConfig>>(),
        }))
          report(m);
      },
    };
    out.push(p);
  }
  const checkStack = rule.stack;
  if (checkStack) {
    const p: StackValidationPolicy = {
      ...base,
      name: check ? `${rule.name}-stack` : rule.name,
      validateStack: (args, report) => {
        const views: ResourceView[] = args.resources.map((r) => ({
          type: r.type,
          name: r.name,
          urn: r.urn,
          parentUrn: r.parent?.urn,
          props: r.props,
        }));
        const config = { ...DEFAULT_PACK_CONFIG, ...args.getConfig<Partial<PackConfig>>() };
        for (const f of checkStack(views, config)) report(f.message, f.urn);
      },
    };
    out.push(p);
  }
  return out;
});
