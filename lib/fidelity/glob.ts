/**
 * Whether two ARN patterns can name the same resource. A policy resource has `*`, `?` and policy
 * variables (`${aws:userid}`), each standing for any characters. A Service Authorization
 * Reference ARN format has placeholders (`${InstanceId}`): one path segment, no `/` or `:`,
 * except the free-form names that may hold slashes (S3 object keys, log group names, parameter
 * names). The patterns intersect when some string matches both: a search over pairs of positions,
 * stepping both patterns over the same character.
 */
const ANY = 0;
const SEG = 1;
type Token = string | typeof ANY | typeof SEG;

/** Placeholders whose values may contain `/` (and `:` for log streams). */
const FREE_FORM = new Set([
  "objectname",
  "loggroupname",
  "logstreamname",
  "parameternamewithoutleadingslash",
  "rolenamewithpath",
  "policynamewithpath",
  "resourcepath",
  "relativeid",
  "tagkey",
  // Secret names may hold "/" (CreateSecret API reference, Name: letters, digits and /_+=.@-).
  "secretid",
]);

function tokens(pattern: string, placeholders: "segment" | "any"): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "*" || c === "?") out.push(ANY);
    else if ((c === "$" && pattern[i + 1] === "{") || c === "<") {
      const end = pattern.indexOf(c === "$" ? "}" : ">", i);
      if (end < 0) out.push(c.toLowerCase());
      else {
        const name = pattern.slice(i + (c === "$" ? 2 : 1), end).toLowerCase();
        out.push(placeholders === "any" || FREE_FORM.has(name) ? ANY : SEG);
        i = end;
      }
    } else out.push(c.toLowerCase());
  }
  return out;
}

const allows = (t: Token, c: string) =>
  t === ANY ? true : t === SEG ? c !== "/" && c !== ":" : t === c;

/**
 * `policy`: a policy's Resource (wildcards and variables match anything); `format`: an ARN format
 * of the Service Authorization Reference (placeholders match one segment unless free-form).
 */
export function globsIntersect(policy: string, format: string): boolean {
  // Pure, and asked for the same pairs over and over (every statement against every resource
  // type of every action it lists): remembered per process.
  const key = `${policy}\u0000${format}`;
  let known = intersections.get(key);
  if (known === undefined) intersections.set(key, (known = intersect(policy, format)));
  return known;
}

const intersections = new Map<string, boolean>();

function intersect(policy: string, format: string): boolean {
  const x = tokens(policy, "any");
  const y = tokens(format, "segment");
  const chars = [
    ...new Set([...x, ...y].filter((t): t is string => typeof t === "string")),
    "\u0000", // any character neither pattern names
  ];
  const wild = (t: Token | undefined) => t === ANY || t === SEG;
  // Epsilon closure: a wildcard may match nothing.
  const close = (i: number, j: number, out: Set<number>) => {
    const key = i * (y.length + 1) + j;
    if (out.has(key)) return;
    out.add(key);
    if (wild(x[i])) close(i + 1, j, out);
    if (wild(y[j])) close(i, j + 1, out);
  };
  let frontier = new Set<number>();
  close(0, 0, frontier);
  const seen = new Set(frontier);
  while (frontier.size) {
    const next = new Set<number>();
    for (const key of frontier) {
      const i = Math.floor(key / (y.length + 1));
      const j = key % (y.length + 1);
      if (i === x.length && j === y.length) return true;
      if (i === x.length || j === y.length) continue;
      for (const c of chars) {
        if (!allows(x[i], c) || !allows(y[j], c)) continue;
        const is = wild(x[i]) ? [i, i + 1] : [i + 1];
        const js = wild(y[j]) ? [j, j + 1] : [j + 1];
        for (const a of is) for (const b of js) close(a, b, next);
      }
    }
    frontier = new Set([...next].filter((k) => !seen.has(k)));
    for (const k of frontier) seen.add(k);
  }
  return false;
}

/** A pattern with placeholders as a case-insensitive regular expression (for condition keys). */
export function placeholderRegex(pattern: string): RegExp {
  const body = pattern
    .split(/(\$\{[^}]+\}|<[^>]+>)/)
    .map((part, i) => (i % 2 ? ".+" : part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
    .join("");
  return new RegExp(`^${body}$`, "i");
}
