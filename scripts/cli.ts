import { Command, CommanderError } from "commander";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as readline from "node:readline/promises";
import { parse as parseYaml } from "yaml";

/** Exit code for bad usage, shared by every command of the project. */
export const USAGE_ERROR = 2;

/**
 * What the user must fix before the command can run (a missing tool or file): said in one line,
 * exit 2, no stack trace.
 */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/**
 * Runs a CLI's `main` and sets the exit code: its answer, or 1 with the stack of an unexpected
 * error. `process.exitCode`, not `process.exit`, so pending output is flushed.
 */
export function runMain(main: (argv: string[]) => Promise<number>): void {
  main(process.argv).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      if (e instanceof UsageError) {
        process.stderr.write(`${e.message}\n`);
        process.exitCode = USAGE_ERROR;
        return;
      }
      process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}

/**
 * Parses argv with the project's conventions: errors to stderr, `--help` exits 0, bad usage
 * exits 2. Returns the exit code to stop with, or undefined to go on.
 */
export function parseArgs(
  program: Command,
  argv: string[],
  io: { stdout: (s: string) => void; stderr: (s: string) => void } = {
    stdout: (s) => void process.stdout.write(s),
    stderr: (s) => void process.stderr.write(s),
  },
): number | undefined {
  program.exitOverride().configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  try {
    program.parse(argv, { from: "node" });
    return undefined;
  } catch (e) {
    return e instanceof CommanderError && e.exitCode === 0 ? 0 : USAGE_ERROR;
  }
}

/**
 * A stack's outputs: `<dir>/<stack>.json` when a directory is given (a saved copy, e.g. while the
 * state backend is unreachable), else `pulumi stack output --json --show-secrets`.
 */
export function readStackOutputs(stack: string, dir?: string): Record<string, unknown> {
  const saved = `pulumi stack output --json --show-secrets --stack ${stack} > ${dir ?? "<dir>"}/${stack}.json`;
  let text: string;
  if (dir) {
    const file = path.join(dir, `${stack}.json`);
    if (!fs.existsSync(file))
      throw new UsageError(`${file}: no such file (save it with: ${saved})`);
    text = fs.readFileSync(file, "utf8");
  } else {
    try {
      text = execFileSync(
        "pulumi",
        ["stack", "output", "--json", "--show-secrets", "--stack", stack],
        { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] },
      );
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT")
        throw new UsageError(
          `the Pulumi CLI is not installed here, so stack ${stack}'s outputs cannot be read: install it (pulumi.com/docs/install), or give --outputs-dir <dir> with ${stack}.json (${saved}), or rehearse with --fake where the command has it`,
        );
      throw new UsageError(
        `pulumi stack output --stack ${stack} failed (see above): log in to the stack's backend, or give --outputs-dir <dir>`,
      );
    }
  }
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new UsageError(`stack ${stack}'s outputs are not JSON`);
  }
}

/** Asks `question` on the terminal; true only when the answer is exactly `stack`. */
export async function confirmStackName(question: string, stack: string): Promise<boolean> {
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout });
  try {
    return (await rl.question(question)).trim() === stack;
  } finally {
    rl.close();
  }
}

/**
 * Why the stack file of `stack` (or the `--config` file) cannot be planned, in one line: missing,
 * or not YAML. Undefined when it can. Said before anything heavy is loaded (exit 2, no trace).
 */
export function stackFileProblem(stack: string, config?: string): string | undefined {
  const file = config ?? path.join(path.resolve(__dirname, ".."), `Pulumi.${stack}.yaml`);
  if (!fs.existsSync(file))
    return config
      ? `--config ${config}: no such file`
      : `unknown stack ${stack}: there is no Pulumi.${stack}.yaml (stacks: tokyo, dr)`;
  try {
    parseYaml(fs.readFileSync(file, "utf8"));
  } catch (e) {
    return `${file}: not valid YAML: ${(e as Error).message.split("\n")[0]}`;
  }
  return undefined;
}
