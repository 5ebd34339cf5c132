/**
 * Where a plan's time goes, for `npm run bench -- plan`: milliseconds per phase, summed over the
 * stacks planned in this process. Recording costs two `performance.now()` calls per phase.
 */
export const phaseMs: Record<string, number> = {};

const add = (phase: string, ms: number) => {
  phaseMs[phase] = (phaseMs[phase] ?? 0) + ms;
};

export function timed<T>(phase: string, work: () => T): T {
  const t0 = performance.now();
  try {
    return work();
  } finally {
    add(phase, performance.now() - t0);
  }
}

export async function timedAsync<T>(phase: string, work: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  try {
    return await work();
  } finally {
    add(phase, performance.now() - t0);
  }
}
