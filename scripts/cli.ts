import { Command, CommanderError } from "commander";

/** Exit code for bad usage, shared by every command of the project. */
export const USAGE_ERROR = 2;

/**
 * Parses argv with the project's conventions: errors to stderr, `--help` exits 0, bad usage
 * exits 2. Returns the exit code to stop with, or undefined to go on.
 */
export function parseArgs(program: Command, argv: string[]): number | undefined {
  program.exitOverride().configureOutput({ writeErr: (s) => process.stderr.write(s) });
  try {
    program.parse(argv, { from: "node" });
    return undefined;
  } catch (e) {
    return e instanceof CommanderError && e.exitCode === 0 ? 0 : USAGE_ERROR;
  }
}
