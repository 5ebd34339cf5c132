/**
 * Composition root for both stacks. Config decides the role: `tokyo` (primary) owns the source
 * instance and the backup vault; `dr` reads tokyo's outputs through a StackReference.
 */
import { loadConfig } from "./config";
import { composeStack } from "./stack";

export = composeStack(loadConfig());
