import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { watch } from "../shared/watch";
import { deploymentOrder, FLOW_VARIABLE_PREFIX, type FlowTemplate } from "../../flows/catalog";
import { renderFlow } from "../../flows/render";
import { errorsOnly, formatProblem, validateFlow } from "../../flows/validate";
import { FlowContent } from "./flowContent";

export const CONTACT_FLOWS_TOKEN = "customerchannel:connect:ContactFlows";

export interface ContactFlowsArgs {
  readonly region: string;
  readonly instanceId: pulumi.Input<string>;
  /** Flow templates to deploy (see flows/catalog.ts); their `{{flow.x}}` references are filled here. */
  readonly flows: readonly FlowTemplate[];
  /** Values of every other template variable (queue and hours ARNs, names, numbers). */
  readonly variables: Readonly<Record<string, pulumi.Input<string>>>;
  /** The flows are mirrored to a Global Resiliency replica: Lambda and Lex ARNs must use $.AwsRegion. Default false. */
  readonly multiRegion?: boolean;
}

/**
 * Renders, validates and deploys contact flows in dependency order (a flow is created after the
 * flows it references, whose ARNs fill its `{{flow.<name>}}` variables). A flow that fails
 * validation fails the deployment before anything is created from it, listing every problem
 * with its action id. Content updates go through FlowContent (pulumi-aws #6222).
 */
export class ContactFlows extends pulumi.ComponentResource {
  /** Flow ARNs by template name. */
  public readonly arns: Record<string, pulumi.Output<string>> = {};
  /** Flow ids by template name. */
  public readonly ids: Record<string, pulumi.Output<string>> = {};

  constructor(name: string, args: ContactFlowsArgs, opts?: pulumi.ComponentResourceOptions) {
    super(CONTACT_FLOWS_TOKEN, name, {}, opts);
    const order = deploymentOrder(args.flows);
    const supplied = new Set(Object.keys(args.variables));
    for (const f of order) {
      const missing = f.variables.filter((v) => !supplied.has(v));
      if (missing.length) {
        throw new pulumi.ResourceError(
          `[variables] for flow ${f.name} lack ${missing.join(", ")}`,
          this,
        );
      }
    }

    for (const f of order) {
      const vars: Record<string, pulumi.Input<string>> = {};
      for (const v of f.variables) vars[v] = args.variables[v];
      for (const d of f.dependsOn) vars[`${FLOW_VARIABLE_PREFIX}${d}`] = this.arns[d];
      const names = Object.keys(vars).sort();
      const content = pulumi.all(names.map((n) => vars[n])).apply((values) => {
        const text = renderFlow(
          f.name,
          f.template,
          Object.fromEntries(names.map((n, i) => [n, values[i]])),
        );
        const problems = errorsOnly(
          validateFlow(text, { type: f.type, multiRegion: args.multiRegion, templateRules: true }),
        );
        if (problems.length) {
          throw new pulumi.ResourceError(
            `flow ${f.name} is invalid:\n${problems.map((p) => `  ${formatProblem(f.name, p)}`).join("\n")}`,
            this,
          );
        }
        return text;
      });
      watch({
        kind: "flow",
        id: `${name}-${f.name}`,
        instanceId: args.instanceId,
        flowName: f.name,
      });
      const flow = new aws.connect.ContactFlow(
        `${name}-${f.name}`,
        {
          region: args.region,
          instanceId: args.instanceId,
          name: f.name,
          type: f.type,
          description: f.description,
          content,
        },
        // Content updates are FlowContent's job (pulumi-aws #6222); the provider only creates.
        { parent: this, ignoreChanges: ["content"] },
      );
      new FlowContent(
        `${name}-${f.name}-content`,
        {
          region: args.region,
          instanceId: args.instanceId,
          contactFlowId: flow.contactFlowId,
          content,
        },
        { parent: this },
      );
      this.arns[f.name] = flow.arn;
      this.ids[f.name] = flow.contactFlowId;
    }
    this.registerOutputs({ arns: this.arns });
  }
}
