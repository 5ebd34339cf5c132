/**
 * What a capability's wiring knows of the stack it is deployed in, and what a contact center
 * region offers the capabilities deployed on it. The capabilities take these shapes instead of
 * the whole stack config or another capability's component, so each imports only shared/.
 */
import type * as pulumi from "@pulumi/pulumi";

export interface StorageSettings {
  readonly recordingsTransitionDays: number;
  readonly recordingsExpirationDays: number;
  readonly noncurrentVersionExpirationDays: number;
  readonly accessLogExpirationDays: number;
  readonly vaultTransitionDays: number;
}

export interface StackFacts {
  readonly project: string;
  readonly stack: string;
  readonly role: "primary" | "dr";
  readonly region: string;
  readonly drRegion: string;
  readonly logRetentionDays: number;
  readonly storage: StorageSettings;
}

/** The instance, keys, buckets and bus of a region (ContactCenterRegion implements it). */
export interface RegionRefs {
  readonly instanceId: pulumi.Output<string>;
  readonly instanceArn: pulumi.Output<string>;
  readonly dataKeyArn: pulumi.Output<string>;
  readonly logsKeyArn: pulumi.Output<string>;
  readonly bucketName: pulumi.Output<string>;
  readonly bucketArn: pulumi.Output<string>;
  readonly accessLogBucketName: pulumi.Output<string>;
  readonly eventBusName: pulumi.Output<string>;
  readonly eventBusArn: pulumi.Output<string>;
  readonly hoursArns: Record<string, pulumi.Output<string>>;
  readonly queueArns: Record<string, pulumi.Output<string>>;
}
