/** Offline plan time per stack, in process: the first run (bundling the functions) and a warm one. */
import { buildPlan } from "../lib/plan";

export async function benchPlan(print: (k: string, v: unknown) => void) {
  for (const stack of ["tokyo", "dr"]) {
    for (const run of ["first", "warm"]) {
      const t0 = process.hrtime.bigint();
      const r = await buildPlan({ stack });
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (!r.ok) throw new Error(`plan ${stack}: ${r.error}`);
      print(`plan.${stack}.${run}_ms`, Math.round(ms));
      if (run === "warm")
        print(`plan.${stack}.resources`, r.plan.resources.filter((x) => x.custom).length);
    }
  }
}
