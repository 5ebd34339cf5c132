/**
 * The parse machinery config.ts runs every capability's schema and checks through: the parse
 * context, the project's keys out of Pulumi's config map, near-miss key names, one-pass checks
 * and the fix hints for a config read from the user's own file.
 */
import { PROJECT, type ConfigProblem } from "./configSchema";

export interface ParseContext {
  readonly stack: string;
  /** Reads a file relative to the project root; injected so parsing stays pure. */
  readonly readFile: (relativePath: string) => string | undefined;
  /**
   * Accept the repository's placeholder SAML metadata (offline plan and tests only). A real
   * `pulumi preview`/`up` refuses it, so nobody federates agents to a throw-away certificate.
   */
  readonly allowPlaceholderSaml?: boolean;
  /** The stack file the values came from, when not Pulumi.<stack>.yaml (plan --config). */
  readonly stackFile?: string;
}

/** Pull `<project>:<key>` entries out of a full config map; other namespaces (aws:, pulumi:) pass. */
export function projectKeys(all: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(all)) {
    if (k.startsWith(`${PROJECT}:`)) out[k.slice(PROJECT.length + 1)] = v;
  }
  return out;
}

export function levenshtein(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++)
      d[i][j] = Math.min(
        d[i - 1][j] + 1,
        d[i][j - 1] + 1,
        d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
  return d[a.length][b.length];
}

/** Runs each check on `c`, dropping what a check said after reading a key in `failed`. */
export function runChecks<T extends object>(
  checks: readonly ((c: T, problems: ConfigProblem[]) => void)[],
  c: T,
  failed: ReadonlySet<string>,
): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  for (const check of checks) {
    const read = new Set<string>();
    const tracked = new Proxy(c, {
      get: (target, prop, receiver) => {
        read.add(String(prop));
        return Reflect.get(target, prop, receiver) as unknown;
      },
    });
    const said: ConfigProblem[] = [];
    try {
      check(tracked, said);
    } catch (e) {
      // A failed key left unset can make a check throw; that check has nothing to add.
      if (![...read].some((k) => failed.has(k))) throw e;
      continue;
    }
    if (![...read].some((k) => failed.has(k))) out.push(...said);
  }
  return out;
}

/**
 * Fix hints for a config read from a file of the user's (plan --config): `pulumi config set/rm
 * --stack` would change the stack's own file, not the one that was read, so they say to edit it.
 */
export function hintsFor(message: string, file: string): string {
  return message
    .replace(
      /pulumi config set (?:--path )?'?(customerchannel:[^'\s]+)'? (?!--stack)(\S+) --stack \S+/g,
      (_m, key: string, value: string) => `set ${key} to ${value} in ${file}`,
    )
    .replace(
      /pulumi config rm (?:--path )?'?(customerchannel:[^'\s]+)'? --stack \S+/g,
      (_m, key: string) => `remove ${key} from ${file}`,
    );
}
