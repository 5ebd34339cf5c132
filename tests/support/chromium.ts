/**
 * Debian's Chromium for the browser test: found at /usr/bin/chromium, or installed with apt-get
 * (with a Japanese font for the page's text) when missing and this process may install packages
 * (root with apt-get). Returns the path, or the reason it cannot be had, which the test prints
 * when it skips.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Debian fonts-ipafont-gothic: without it the screenshot shows boxes for Japanese text. */
const JAPANESE_FONT = "/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf";

/** Flags for a closed network: without them Chromium keeps calling Google's hosts. */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-default-apps",
];

export function ensureChromium(): { path: string } | { skip: string } {
  const missing = [
    ...(fs.existsSync(CHROMIUM) ? [] : ["chromium"]),
    ...(fs.existsSync(JAPANESE_FONT) ? [] : ["fonts-ipafont-gothic"]),
  ];
  if (!missing.length) return { path: CHROMIUM };
  if (process.getuid?.() !== 0 || !fs.existsSync("/usr/bin/apt-get"))
    // The font only changes the screenshot; the browser is required.
    return fs.existsSync(CHROMIUM)
      ? { path: CHROMIUM }
      : { skip: `${CHROMIUM} is missing and this user cannot install Debian's chromium package` };
  try {
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    execFileSync("apt-get", ["update", "-qq"], { env, stdio: "ignore", timeout: 300_000 });
    execFileSync("apt-get", ["install", "-y", "-qq", "--no-install-recommends", ...missing], {
      env,
      stdio: "ignore",
      timeout: 600_000,
    });
  } catch (e) {
    return {
      skip: `apt-get install ${missing.join(" ")} failed: ${(e as Error).message.split("\n")[0]}`,
    };
  }
  return fs.existsSync(CHROMIUM)
    ? { path: CHROMIUM }
    : { skip: `apt-get installed chromium but ${CHROMIUM} is not there` };
}
