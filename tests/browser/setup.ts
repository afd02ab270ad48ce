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
 * Before a browser test: fail (under CI and locally alike, once the test runs) when Chromium or
 * the Notebook server is missing, and make the artifacts folder.
 */
export async function prepareBrowserTest(): Promise<void> {
  if (chromiumMissing) fail(`Cannot run the browser test: ${CHROMIUM} is missing`);
  const missing = await notebookServerMissing();
  if (missing) fail(`Cannot run the browser test: ${missing}`);
  await Deno.mkdir(artifacts, { recursive: true });
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
