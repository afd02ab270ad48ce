// What both browser tests share: where Debian's Chromium is, where screenshots go, and whether
// the test must run (under CI a missing browser is a failure, never a skip).

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
