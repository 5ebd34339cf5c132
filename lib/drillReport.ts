/**
 * The drill's audit record: the same report as JSON (for tools) and Markdown (for the people who
 * sign the drill off), written to a directory and, when asked, to the backup vault in the backup
 * region (SSE-KMS with the vault's key), where it survives the loss of the primary region.
 */
import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import * as fs from "node:fs";
import * as path from "node:path";
import type { DrillReport, StepRecord } from "./drill";

const seconds = (a: string, b: string) => ((Date.parse(b) - Date.parse(a)) / 1000).toFixed(1);

/** Table cells cannot hold `|` or line breaks. */
const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

function stepRow(s: StepRecord): string {
  const ids = s.calls.filter((c) => c.requestId).map((c) => `${c.command} ${c.requestId}`);
  const failed = s.calls.filter((c) => c.error).map((c) => `${c.command} ${c.error}`);
  return `| ${s.kind} | ${cell(s.name)} | ${s.startedAt} | ${seconds(s.startedAt, s.endedAt)} | ${s.ok ? "ok" : "FAILED"} | ${cell(s.detail)} | ${cell([...ids, ...failed.map((f) => `✘ ${f}`)].join("<br>") || "-")} |`;
}

export function renderMarkdown(r: DrillReport): string {
  const lines = [
    `# DR drill ${r.from} → ${r.to}: ${r.result.toUpperCase()}`,
    "",
    `| | |`,
    `|---|---|`,
    `| Mode | ${r.mode} (${r.regions.primary} → ${r.regions.dr}) |`,
    `| Environment | ${cell(r.environment)} |`,
    `| Target | ${r.targetDrPercent}% of calls in ${r.regions.dr}${r.failback ? ", then back" : ""}${r.dryRun ? " (dry run: nothing changed)" : ""} |`,
    `| Started / ended | ${r.startedAt} / ${r.endedAt} |`,
    `| Time to flip (RTO) | ${r.rtoSeconds === undefined ? "-" : `${r.rtoSeconds.toFixed(1)} s${r.environment === "AWS" ? "" : " (virtual clock of the rehearsal)"}`} |`,
    `| Failback | ${r.failbackSeconds === undefined ? "-" : `${r.failbackSeconds.toFixed(1)} s`} |`,
    `| API calls | ${r.apiCalls.total} (${r.apiCalls.mutating} mutating, ${r.apiCalls.throttled} throttled and retried) |`,
    ...(r.error ? [`| Stopped because | ${cell(r.error)} |`] : []),
    "",
    "## Steps",
    "",
    "| Step | What | Started (UTC) | Seconds | Result | Detail | Request ids |",
    "|---|---|---|---|---|---|---|",
    ...r.steps.map(stepRow),
    "",
    "## Still to do",
    "",
    ...(r.actions.length ? r.actions.map((a) => `- ${a}`) : ["- Nothing."]),
    "",
  ];
  return lines.join("\n");
}

/** `drill-<from>-<to>-<UTC timestamp>`: sorts by time, names the drill. */
export const reportName = (r: DrillReport) =>
  `drill-${r.from.replace(/[^\w-]/g, "_")}-${r.to.replace(/[^\w-]/g, "_")}-${r.startedAt.replace(/[:.]/g, "-")}`;

export function writeReport(r: DrillReport, dir: string): { json: string; markdown: string } {
  fs.mkdirSync(dir, { recursive: true });
  const base = path.join(dir, reportName(r));
  fs.writeFileSync(`${base}.json`, `${JSON.stringify(r, null, 2)}\n`);
  fs.writeFileSync(`${base}.md`, renderMarkdown(r));
  return { json: `${base}.json`, markdown: `${base}.md` };
}

export interface VaultTarget {
  readonly bucket: string;
  readonly keyArn: string;
}

/** Both forms under `drills/` in the vault, encrypted with the vault's key. */
export async function uploadReport(
  s3: S3Client,
  vault: VaultTarget,
  r: DrillReport,
): Promise<string[]> {
  const base = `drills/${reportName(r)}`;
  const bodies: [string, string, string][] = [
    [`${base}.json`, `${JSON.stringify(r, null, 2)}\n`, "application/json"],
    [`${base}.md`, renderMarkdown(r), "text/markdown; charset=utf-8"],
  ];
  for (const [key, body, type] of bodies) {
    await s3.send(
      new PutObjectCommand({
        Bucket: vault.bucket,
        Key: key,
        Body: body,
        ContentType: type,
        ServerSideEncryption: "aws:kms",
        SSEKMSKeyId: vault.keyArn,
      }),
    );
  }
  return bodies.map(([key]) => `s3://${vault.bucket}/${key}`);
}
