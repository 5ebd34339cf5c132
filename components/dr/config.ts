/** Config of the DR traffic split (Failover). */
import { z } from "zod";
import { PROJECT, q, type ConfigProblem } from "../shared/configSchema";

/** Where DR traffic goes (Failover, dr stack in replica mode). */
export const failoverSchema = z.strictObject({
  /** primary: everything in the primary region; dr: failed over. */
  activeRegion: z.enum(["primary", "dr"]).default("primary"),
  /** A partial drill: the DR region's share of calls and agents, 0-100 in steps of 10. */
  drPercent: z
    .number()
    .int()
    .min(0)
    .max(100)
    .refine((n) => n % 10 === 0, "use steps of 10 (Connect's traffic distribution granularity)")
    .optional(),
  /** Let `pulumi destroy` delete the Connect replica (it is protected otherwise). */
  allowReplicaDeletion: z.boolean().default(false),
});

export type FailoverConfig = z.output<typeof failoverSchema>;

/** The traffic split and the stack facts the failover rules read. */
export interface FailoverSettings {
  readonly failover: FailoverConfig;
  readonly role: "primary" | "dr";
  readonly drMode: "replica" | "standalone";
}

/** Failover is declared on the dr stack; a standalone dr can only be all or nothing. */
export function failoverProblems(c: FailoverSettings, stack: string): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  const failoverSet = c.failover.activeRegion !== "primary" || c.failover.drPercent !== undefined;
  if (failoverSet && c.role !== "dr") {
    out.push({
      key: `${PROJECT}:failover`,
      message: `has activeRegion ${q(c.failover.activeRegion)}${c.failover.drPercent === undefined ? "" : ` and drPercent ${c.failover.drPercent}`}; failover is declared on the dr stack (its Failover component moves the traffic). Fix: pulumi config rm ${PROJECT}:failover --stack ${stack}`,
    });
  } else if (
    c.role === "dr" &&
    c.drMode === "standalone" &&
    c.failover.drPercent !== undefined &&
    c.failover.drPercent % 100 !== 0
  ) {
    out.push({
      key: `${PROJECT}:failover`,
      message: `drPercent has ${c.failover.drPercent}; a standalone dr has its own numbers, which ring the standby or the live flow, so only 0 or 100 are possible (partial drills need Global Resiliency). Fix: pulumi config set --path '${PROJECT}:failover.activeRegion' dr --stack ${stack} and pulumi config rm --path '${PROJECT}:failover.drPercent' --stack ${stack}`,
    });
  }
  return out;
}
