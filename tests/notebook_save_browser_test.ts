// End to end: a learner who opens, trusts and saves a notebook in the classic Notebook (Debian's
// jupyter-notebook, in headless Chromium driven by playwright-core) must find `git status` clean.
// So the committed notebooks must be exactly what the Notebook writes (its layout, and the
// language_info the kernel reports), and what else it writes (`.ipynb_checkpoints/`) must be
// ignored. The notebooks in the working tree and `.gitignore` are committed in a temporary git
// repository, which the server serves; no cell runs. The server's log (and, on a failure, the
// diff) go to .test-artifacts/browser/.
import type { Page } from "playwright-core";
import { assertEquals, fail } from "@std/assert";
import { startJupyter } from "./_jupyter_server.ts";
import { listNotebooks } from "./_notebook.ts";
import { artifacts, browserTest, launchChromium, root } from "./browser/setup.ts";

/** How long the page may take to load, to connect to its kernel, or to save. */
const WAIT_MS = 120_000;

browserTest(
  "opening, trusting and saving each notebook in the classic Notebook leaves git clean",
  async (t) => {
    const repo = await Deno.makeTempDir({ prefix: "denograd_save_" });
    const notebooks = listNotebooks();
    await Deno.mkdir(`${repo}/notebooks`);
    for (const path of [...notebooks, ".gitignore"]) {
      await Deno.copyFile(new URL(path, root), `${repo}/${path}`);
    }
    await git(repo, "init", "--quiet");
    await git(repo, "add", "--all");
    await commit(repo, "notebooks");

    const log = new URL("jupyter_save.log", artifacts).pathname;
    // Checkpoints go where a learner's Notebook puts them, so .gitignore must cover them.
    const server = await startJupyter(repo, log, { checkpointsBeside: true });
    let browser;
    try {
      browser = await launchChromium();
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      for (const path of notebooks) {
        await t.step(path, async () => {
          const name = path.replace(/^notebooks\/|\.ipynb$/g, "");
          const diffPath = new URL(`notebook_save_${name}.diff`, artifacts).pathname;
          await Deno.remove(diffPath).catch(() => {}); // a diff from an earlier run
          await page.goto(`${server.url}notebooks/${path}`);
          await waitInPage(page, connected, `${path} to load and its kernel to connect`);
          // Trust it as a learner does: the dialog's Trust button saves the notebook if it
          // changed, trusts it and reloads the page.
          const reloaded = page.waitForEvent("load", { timeout: WAIT_MS });
          await page.evaluate(() => Reflect.get(globalThis, "Jupyter").notebook.trust_notebook());
          await page.locator(".modal-dialog button.btn-danger").click();
          await reloaded;
          await waitInPage(page, connected, `${path} to reload and its kernel to connect`);
          assertEquals(
            await page.evaluate(() => Reflect.get(globalThis, "Jupyter").notebook.trusted),
            true,
            `${path} is not trusted after trusting it`,
          );
          const saves = savesOf(log, path);
          await page.evaluate(() => Reflect.get(globalThis, "Jupyter").notebook.save_notebook());
          await waitForSave(log, path, saves);
          const status = await git(repo, "status", "--porcelain");
          if (status !== "") {
            const diff = await git(repo, "diff");
            await Deno.writeTextFile(diffPath, diff);
            // Commit the change, so the next notebook's step shows only its own.
            await git(repo, "add", "--all");
            await commit(repo, `saved ${path}`);
            fail(
              `Saving ${path} in the Notebook changed the repository:\n${status}\n` +
                `${clip(diff, 6_000)}\n(the whole diff is in ${diffPath}; ` +
                "run `deno task notebooks` if a notebook changed)",
            );
          }
        });
      }
    } finally {
      await browser?.close();
      await server.stop();
      await Deno.remove(repo, { recursive: true });
    }
  },
);

/** Whether the page has loaded its notebook and has the kernel's `kernel_info_reply`. */
function connected(): boolean {
  const nb = Reflect.get(globalThis, "Jupyter")?.notebook;
  // The Notebook copies language_info into the notebook in the same step as it keeps the reply.
  return Boolean(
    nb?._fully_loaded && nb.kernel?.is_connected() && nb.kernel.info_reply?.language_info,
  );
}

/** Wait until `done` holds in the page, failing after {@linkcode WAIT_MS}. */
async function waitInPage(page: Page, done: () => boolean, what: string): Promise<void> {
  try {
    await page.waitForFunction(done, null, { timeout: WAIT_MS, polling: 200 });
  } catch (e) {
    fail(`Timed out waiting for ${what}: ${e}`);
  }
}

/** How many times the server has logged saving `path` (relative to the folder it serves). */
function savesOf(log: string, path: string): number {
  const line = `Saving file at /${path}`;
  return Deno.readTextFileSync(log).split("\n").filter((l) => l.endsWith(line)).length;
}

/** Wait until the server logs one more save of `path` than `before`. */
async function waitForSave(log: string, path: string, before: number): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (savesOf(log, path) <= before) {
    if (Date.now() > deadline) fail(`The server never logged saving ${path}; see ${log}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Run git in `repo`; its output, or a failure with its error. */
async function git(repo: string, ...args: string[]): Promise<string> {
  const out = await new Deno.Command("git", { args, cwd: repo, stdin: "null" }).output();
  const text = new TextDecoder().decode(out.stdout);
  if (!out.success) {
    fail(`Cannot run git ${args.join(" ")}: ${new TextDecoder().decode(out.stderr)}`);
  }
  return text;
}

/** Commit what is staged in `repo`, whatever the user's git configuration. */
async function commit(repo: string, message: string): Promise<void> {
  await git(
    repo,
    ...["-c", "user.name=denograd", "-c", "user.email=denograd@localhost"],
    ...["-c", "commit.gpgsign=false", "commit", "--quiet", "--no-verify", "-m", message],
  );
}

/** `text`, cut to `length` characters with a note of how much was left out. */
function clip(text: string, length: number): string {
  return text.length <= length
    ? text
    : `${text.slice(0, length)}\n... (${text.length - length} more characters)`;
}
