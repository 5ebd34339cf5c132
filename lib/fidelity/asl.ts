/**
 * Step Functions definitions validated with asl-validator on a worker thread. The validator
 * compiles its JSON schemas on every call (measured: ~0.2 s per definition, 0.4 s of a two-stack
 * plan); off the main thread that runs while the IAM checks and simulation of the same stack
 * proceed on a second core.
 */
import * as path from "node:path";
import { Worker } from "node:worker_threads";

export interface AslResult {
  readonly isValid: boolean;
  readonly errors: readonly { readonly "Error code": string; readonly Message: string }[];
}

interface Pending {
  resolve: (r: AslResult) => void;
  reject: (e: Error) => void;
}

let worker: Worker | undefined;
const pending = new Map<number, Pending>();
let nextId = 0;

function start(): Worker {
  // No TypeScript loader in the worker: it is plain JavaScript and starts faster without.
  const w = new Worker(path.join(__dirname, "aslWorker.mjs"), { execArgv: [] });
  w.on("message", (m: { id: number; failure?: string } & AslResult) => {
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (m.failure) p.reject(new Error(`asl-validator failed: ${m.failure}`));
    else p.resolve({ isValid: m.isValid, errors: m.errors });
    // Idle, the worker must not keep the process alive.
    if (pending.size === 0) w.unref();
  });
  const fail = (e: Error) => {
    worker = undefined;
    for (const p of pending.values()) p.reject(e);
    pending.clear();
  };
  w.on("error", fail);
  w.on("exit", (code) => fail(new Error(`asl-validator worker exited with code ${code}`)));
  return w;
}

/**
 * Starts the worker (and its module loading) ahead of the first definition, e.g. while the
 * program runs. Idle, it does not keep the process alive.
 */
export function prepareAsl(): void {
  worker ??= start();
  if (pending.size === 0) worker.unref();
}

/** asl-validator's verdict on one definition (a parsed JSON object). */
export function validateAsl(definition: object): Promise<AslResult> {
  worker ??= start();
  const w = worker;
  const id = nextId++;
  return new Promise<AslResult>((resolve, reject) => {
    pending.set(id, { resolve, reject });
    // Awaited work keeps the process alive until its answer arrives.
    w.ref();
    w.postMessage({ id, definition });
  });
}
