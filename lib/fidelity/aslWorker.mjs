// Worker thread for lib/fidelity/asl.ts: validates Step Functions definitions with asl-validator,
// which compiles its JSON schemas afresh on every call (~0.2 s). Plain JavaScript so the worker
// starts without the TypeScript loader.
import { parentPort } from "node:worker_threads";
import validate from "asl-validator";

parentPort.on("message", ({ id, definition }) => {
  try {
    const { isValid, errors } = validate(definition);
    parentPort.postMessage({ id, isValid, errors });
  } catch (e) {
    parentPort.postMessage({
      id,
      failure: e instanceof Error ? (e.stack ?? e.message) : String(e),
    });
  }
});
