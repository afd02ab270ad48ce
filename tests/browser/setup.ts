// What the browser tests share: where Debian's Chromium is, where screenshots go, and whether
// the test must run (under CI a missing browser is a failure, never a skip).

import { type Browser, chromium } from "playwright-core";
import { fail } from "@std/assert";
import { notebookServerMissing } from "../_jupyter_server.ts";

/** Debian's Chromium, driven by playwright-core (never a downloaded browser). */
export const CHROMIUM = "/usr/bin/chromium";
/** Whether this is CI (`CI=true`), where nothing may be skipped. */
export const CI = Deno.env.get("CI") === "true";
/** The project's root folder. */
export const root = new URL("../../", import.meta.url);
/** Where the browser tests write their notebooks, logs and screenshots. */
export const artifacts = new URL(".test-artifacts/browser/", root);
/** Whether Chromium is missing from this machine. */
export const chromiumMissing = !isFile(CHROMIUM);

function isFile(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

/**
 * A browser test. Where Chromium is missing it is skipped with a warning, but under CI it runs
 * and fails; so does it where the Notebook server is missing. The artifacts folder is made before
 * `fn` runs. Playwright keeps timers and sockets of its own, so Deno's sanitizers are off.
 */
export function browserTest(name: string, fn: (t: Deno.TestContext) => Promise<void>): void {
  const skip = chromiumMissing && !CI;
  if (skip) console.warn(`skipped "${name}": ${CHROMIUM} is missing (apt-get install -y chromium)`);
  Deno.test({
    name,
    ignore: skip,
    sanitizeOps: false,
    sanitizeResources: false,
    async fn(t) {
      if (chromiumMissing) fail(`Cannot run the browser test: ${CHROMIUM} is missing`);
      const missing = await notebookServerMissing();
      if (missing) fail(`Cannot run the browser test: ${missing}`);
      await Deno.mkdir(artifacts, { recursive: true });
      await fn(t);
    },
  });
}

/**
 * Debian's Chromium, headless, with what this machine's closed network needs: no background
 * connections (refused many at a time otherwise) and no QUIC.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}
