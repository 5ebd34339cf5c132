/**
 * The sample chat portal (portal/): built with esbuild into three static files, plus the
 * config.json each deployment writes (its chat backends). Deterministic output, so an unchanged
 * page gives no diff in `pulumi preview`.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { PortalConfig } from "../portal/start";
import { cachedBuild } from "./bundleCache";

export const PORTAL_DIR = path.resolve(__dirname, "..", "portal");

export interface PortalFile {
  readonly content: string;
  readonly contentType: string;
  /** Cache-Control for CloudFront and browsers. */
  readonly cacheControl: string;
}

let built: Record<string, PortalFile> | undefined;

/** index.html, style.css and app.js (amazon-connect-chatjs bundled in). */
export function buildPortal(): Record<string, PortalFile> {
  if (built) return built;
  // Cached by input content (lib/bundleCache.ts): chatjs is parsed only when something changed.
  const out = cachedBuild("portal", ["portal/app.ts"], {
    bundle: true,
    platform: "browser",
    format: "iife",
    target: ["es2020"],
    minify: true,
    legalComments: "none",
    logLevel: "silent",
  });
  // Short caching: a new deployment reaches visitors within minutes without versioned names.
  const cacheControl = "public, max-age=300";
  built = {
    "index.html": {
      content: fs.readFileSync(path.join(PORTAL_DIR, "index.html"), "utf8"),
      contentType: "text/html; charset=utf-8",
      cacheControl,
    },
    "style.css": {
      content: fs.readFileSync(path.join(PORTAL_DIR, "style.css"), "utf8"),
      contentType: "text/css; charset=utf-8",
      cacheControl,
    },
    "app.js": {
      content: fs.readFileSync(out.outputs["portal/app.ts"].file, "utf8"),
      contentType: "text/javascript; charset=utf-8",
      cacheControl,
    },
  };
  return built;
}

/** config.json's headers: never cached, so a new DR endpoint is used at the next page load. */
export const CONFIG_FILE = { contentType: "application/json", cacheControl: "no-store" } as const;

/** config.json's text. */
export const portalConfigText = (config: PortalConfig): string =>
  `${JSON.stringify(config, null, 2)}\n`;
