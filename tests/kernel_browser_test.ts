// Run All in the live classic Notebook, with the kernel the notebooks name ("Deno (denograd)"):
// every printed line and picture shows under the cell that made it, none under the next one.
// Deno's own kernel shows some of them a cell late (docs/upstream/deno-jupyter-late-output.md).
import { assertEquals } from "@std/assert";
import type { Page } from "playwright-core";
import { startJupyter } from "./_jupyter_server.ts";
import { artifacts, browserTest, launchChromium, root } from "./browser/setup.ts";
import { forget, prepare, runState } from "./browser/page.ts";

/** The notebooks with the most printed lines per cell: where late lines showed on Deno 2.9.6. */
const NOTEBOOKS = [
  "notebooks/day3_automatic_backpropagation.ipynb",
  "notebooks/day4_neural_net.ipynb",
];
/** After Run All ends, how long to wait for a late line before reading the page. */
const SETTLE_MS = 1_000;

/** What one code cell shows: its printed text and the kinds of its other outputs. */
interface Shown {
  index: number;
  printed: string;
  others: string[];
}

/** Every code cell's outputs as the committed notebook holds them. */
function committed(path: string): Shown[] {
  const nb = JSON.parse(Deno.readTextFileSync(new URL(path, root)));
  return nb.cells.flatMap((
    c: { cell_type: string; outputs: { output_type: string; text?: string[] }[] },
    index: number,
  ) =>
    c.cell_type === "code"
      ? [{
        index,
        printed: c.outputs.filter((o) => o.output_type === "stream")
          .map((o) => o.text!.join("")).join(""),
        others: c.outputs.filter((o) => o.output_type !== "stream").map((o) => o.output_type),
      }]
      : []
  );
}

/** Run in the page: Run All, as the Cell menu does. */
function runAll(): void {
  // deno-lint-ignore no-explicit-any
  (globalThis as any).Jupyter.notebook.execute_all_cells();
}

/** Run in the page: what each code cell shows, read from the page's output areas. */
function shown(): Shown[] {
  // deno-lint-ignore no-explicit-any
  const cells = (globalThis as any).Jupyter.notebook.get_cells();
  // deno-lint-ignore no-explicit-any
  return cells.flatMap((c: any, index: number) =>
    c.cell_type === "code"
      ? [{
        index,
        // the text of the page's stream outputs, as rendered
        printed: [...c.element[0].querySelectorAll(".output_stream pre")]
          .map((e: HTMLElement) => e.textContent).join(""),
        // deno-lint-ignore no-explicit-any
        others: c.output_area.outputs.filter((o: any) => o.output_type !== "stream")
          // deno-lint-ignore no-explicit-any
          .map((o: any) => o.output_type),
      }]
      : []
  );
}

type RunState = ReturnType<typeof runState>;

/** Wait until `done` holds of the page's run state (`runState`), or fail after `timeoutMs`. */
async function until(
  page: Page,
  done: (s: RunState) => boolean,
  what: string,
  timeoutMs: number,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!done(await page.evaluate(runState))) {
    if (Date.now() > end) throw new Error(`Run All: not ${what} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

browserTest(
  "Run All in the classic Notebook shows every printed line under its own cell",
  async (t) => {
    const server = await startJupyter(
      root.pathname,
      new URL("kernel_browser_jupyter.log", artifacts).pathname,
    );
    let browser;
    try {
      browser = await launchChromium();
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      for (const path of NOTEBOOKS) {
        await t.step(path, async () => {
          await page.goto(`${server.url}notebooks/${path}`);
          await until(page, (s) => s.ready, "ready", 60_000);
          await page.evaluate(prepare);
          await page.evaluate(runAll);
          await until(page, (s) => s.ready && s.pending.length === 0 && !s.busy, "done", 300_000);
          await new Promise((r) => setTimeout(r, SETTLE_MS));
          const cells = await page.evaluate(shown);
          // A picture of the cell that prints the most lines, to look at (.test-artifacts/browser)
          const most = cells.reduce((a, b) => b.printed.length > a.printed.length ? b : a);
          const name = path.slice(path.lastIndexOf("/") + 1, -".ipynb".length);
          await page.locator(".cell").nth(most.index).screenshot({
            path: new URL(`kernel_run_all_${name}.png`, artifacts).pathname,
          });
          await page.evaluate(forget);
          assertEquals(cells, committed(path), `${path} after Run All`);
        });
      }
    } finally {
      await browser?.close();
      await server.stop();
    }
  },
);
