/**
 * The AWS-fidelity stage of the offline plan: the recorded stack checked against AWS's own
 * published rules, not against this project's understanding of them.
 *
 * - IAM: every declared statement against the Service Authorization Reference (iamStatic.ts), and
 *   every runtime call simulated against the policies that apply (simulate.ts).
 * - Step Functions definitions with asl-validator.
 * - Regional availability of the services each resource needs (regions.ts).
 * - aws-native inputs against the CloudFormation resource specification (cfn.ts).
 * - Flows are validated by ContactFlows as they are rendered (flows/validate.ts); here they are
 *   counted, since a flow error already fails the program.
 */
import { validateAsl } from "./asl";
import { MOCK_ACCOUNT, type RecordedResource } from "../offline";
import { declaredDocuments } from "./documents";
import { checkDocuments } from "./iamStatic";
import { checkNativeInputs } from "./cfn";
import { hasService, REGION_SOURCES, serviceOfType } from "./regions";
import { simulateStack } from "./simulate";
import { SOURCES, type FidelityReport, type Finding } from "./types";
import { timed, timedAsync } from "../timing";

export type { FidelityReport, Finding } from "./types";
export { prepareAsl } from "./asl";

async function checkStateMachines(resources: readonly RecordedResource[]): Promise<Finding[]> {
  const out: Finding[] = [];
  for (const r of resources.filter((x) => x.type === "aws:sfn/stateMachine:StateMachine")) {
    let definition: unknown;
    try {
      definition = JSON.parse(String(r.state.definition));
    } catch (e) {
      out.push({
        severity: "error",
        resource: r.name,
        type: r.type,
        rule: "asl/json",
        message: `definition is not JSON: ${(e as Error).message}`,
        source: SOURCES.asl,
      });
      continue;
    }
    const { isValid, errors } = await validateAsl(definition as object);
    if (!isValid)
      for (const e of errors)
        out.push({
          severity: "error",
          resource: r.name,
          type: r.type,
          rule: `asl/${String(e["Error code"])}`,
          message: String(e.Message),
          source: SOURCES.asl,
        });
  }
  return out;
}

function checkRegions(resources: readonly RecordedResource[]): {
  checked: number;
  findings: Finding[];
} {
  const findings: Finding[] = [];
  let checked = 0;
  for (const r of resources) {
    const service = serviceOfType(r.type);
    if (!service || !r.region) continue;
    checked++;
    const has = hasService(service, r.region);
    if (has === false)
      findings.push({
        severity: "error",
        resource: r.name,
        type: r.type,
        rule: "region/service-unavailable",
        message: `${service} has no endpoint in ${r.region}: the resource cannot be created there`,
        source: REGION_SOURCES[service],
      });
    else if (has === undefined)
      findings.push({
        severity: "warning",
        resource: r.name,
        type: r.type,
        rule: "region/unknown",
        message: `${r.region} is not in the regional table (lib/fidelity/regions.ts): check that ${service} is offered there`,
        source: REGION_SOURCES[service],
      });
  }
  return { checked, findings };
}

export async function checkFidelity(
  resources: readonly RecordedResource[],
): Promise<FidelityReport> {
  // Started first: it runs on a worker thread while the checks below run here.
  const asl = timedAsync("fidelity.asl", () => checkStateMachines(resources));
  // Its failure is reported where it is awaited below, not as an unhandled rejection meanwhile.
  asl.catch(() => undefined);
  const docs = timed("fidelity.documents", () => declaredDocuments(resources));
  const iam = await timedAsync("fidelity.iam", () => checkDocuments(docs));
  const sim = await timedAsync("fidelity.simulate", () =>
    simulateStack(resources, docs, MOCK_ACCOUNT),
  );
  const regions = timed("fidelity.regions", () => checkRegions(resources));
  const native = timed("fidelity.cfn", () => checkNativeInputs(resources));
  const stateMachines = resources.filter((r) => r.type === "aws:sfn/stateMachine:StateMachine");
  return {
    policies: docs.length,
    statements: iam.statements,
    simulatedCalls: sim.calls,
    expectedDenials: sim.expectedDenials,
    nativeResources: native.checked,
    stateMachines: stateMachines.length,
    flows: resources.filter((r) => r.type === "aws:connect/contactFlow:ContactFlow").length,
    regionalResources: regions.checked,
    findings: [
      ...iam.findings,
      ...sim.findings,
      ...(await asl),
      ...regions.findings,
      ...native.findings,
    ],
  };
}

export const fidelityErrors = (r: FidelityReport) =>
  r.findings.filter((f) => f.severity === "error");

/** The one-line summary the plan prints per stack. */
export const fidelitySummary = (r: FidelityReport) => {
  const errors = fidelityErrors(r).length;
  const warnings = r.findings.length - errors;
  return `AWS fidelity: ${r.policies} policies, ${r.statements} statements, ${r.simulatedCalls} simulated calls (${r.expectedDenials} expected denials), ${r.nativeResources} aws-native resources, ${r.stateMachines} state machines, ${r.regionalResources} regional resources, ${r.flows} flows: ${errors} errors${warnings ? `, ${warnings} warnings` : ""}`;
};
