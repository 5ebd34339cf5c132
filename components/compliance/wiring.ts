/** How a stack's config becomes its compliance pipeline and real-time rule. */
import type * as pulumi from "@pulumi/pulumi";
import { complianceDictionary, expandedFor } from "../../lib/complianceDictionary";
import type { RegionRefs, StackFacts } from "../shared/stackFacts";
import { CompliancePipeline } from "./compliancePipeline";
import type { ComplianceConfig } from "./config";

/** What the compliance wiring reads of the stack config. */
export type ComplianceStack = StackFacts & {
  readonly compliance: ComplianceConfig;
  readonly contactLensEnabled: boolean;
};

/**
 * The compliance dictionary, validated before anything is deployed: a bad dictionary fails the
 * plan and `pulumi preview` with every problem, naming the entry and the fix.
 */
/** Compliance detection on this region's recordings bucket (both stacks: each region has its own). */
export function deployCompliance(
  cfg: ComplianceStack,
  region: RegionRefs,
  opts: pulumi.ComponentResourceOptions,
  /** A dictionary text given by a test; the repository's otherwise. */
  dictionaryJson?: string,
) {
  // Read and validated once: the real-time rule's terms and the detector's expansion of them.
  const written = complianceDictionary(dictionaryJson);
  return new CompliancePipeline(
    `${cfg.stack}-compliance`,
    {
      region: cfg.region,
      aliasPrefix: `${cfg.project}/${cfg.stack}`,
      bucketName: region.bucketName,
      bucketArn: region.bucketArn,
      dataKeyArn: region.dataKeyArn,
      logsKeyArn: region.logsKeyArn,
      logRetentionDays: cfg.logRetentionDays,
      dictionaryJson: written,
      // A dictionary given by a test ships as written; the repository's, expanded (issue 20).
      detectorDictionaryJson: dictionaryJson === undefined ? expandedFor(written) : written,
      alertSeverity: cfg.compliance.alertSeverity,
      eventBusName: region.eventBusName,
      eventBusArn: region.eventBusArn,
      // Rules live on the instance (Global Resiliency does not replicate them): each region's own.
      realtime:
        cfg.contactLensEnabled && cfg.compliance.realtimeRuleSeverity !== "off"
          ? { instanceArn: region.instanceArn, minSeverity: cfg.compliance.realtimeRuleSeverity }
          : undefined,
    },
    opts,
  );
}
