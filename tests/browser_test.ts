// End to end: a real Jupyter Notebook server and headless Chromium (Debian's packages, driven by
// playwright-core) run every notebook in notebooks/, plus a fixture notebook of awkward graphs,
// with the Deno kernel, and check in the page what a learner would see. Screenshots and the
// server's log go to .test-artifacts/browser/.
import type { Page } from "playwright-core";
import {
  assert,
  assertAlmostEquals,
  assertEquals,
  assertGreater,
  assertGreaterOrEqual,
  assertLessOrEqual,
  fail,
} from "@std/assert";
import { drawDot, Value } from "../mod.ts";
import { startJupyter } from "./_jupyter_server.ts";
import { artifacts, browserTest, launchChromium, root } from "./browser/setup.ts";
import { listNotebooks } from "./_notebook.ts";
import { type CellExpectation, fixtureExpectations, fixtureNotebook } from "./browser/fixture.ts";
import {
  type CellReport,
  type FigureReport,
  forget,
  inspectCells,
  inspectFigures,
  inspectPictures,
  prepare,
  runCell,
  runState,
  textsOutsideCells,
  unrollForScreenshot,
} from "./browser/page.ts";

const FIXTURE = ".test-artifacts/browser/fixture.ipynb";
/** How long one cell may take to run. */
const RUN_TIMEOUT_MS = 300_000;
/**
 * Deno 2.9's kernel may send a cell's last printed lines after it reports the cell done, and
 * tags them with the next cell's request if one is already queued (so "Run All" can show a line
 * under the next cell). The test runs cells one at a time, as a learner does, and after each
 * waits until the outputs have not changed for this long.
 */
const QUIET_MS = 500;

browserTest(
  "notebooks show their graphs and printed lines in Chromium, run by a real Jupyter server",
  async (t) => {
    await Deno.writeTextFile(new URL(FIXTURE, root), JSON.stringify(fixtureNotebook(), null, 1));
    // Each notebook, what its cells must show, and how many pictures it was saved with.
    const notebooks: [string, Map<number, CellExpectation>, number][] = [
      ...listNotebooks().map((path): [string, Map<number, CellExpectation>, number] => {
        const saved = JSON.parse(Deno.readTextFileSync(new URL(path, root)));
        return [path, expectationsFromOutputs(saved), countPictures(saved)];
      }),
      [FIXTURE, fixtureExpectations(), 0],
    ];
    const log = new URL("jupyter.log", artifacts);
    const server = await startJupyter(root.pathname, log.pathname);
    let browser;
    try {
      browser = await launchChromium();
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      for (const [path, expectations, pictures] of notebooks) {
        await t.step(
          path,
          () => checkNotebook(page, `${server.url}notebooks/${path}`, expectations, pictures),
        );
      }
      await t.step("nbconvert's HTML export shows every graph, chart and stepper", async () => {
        // Debian's nbconvert 6.5.3 blanks image/svg+xml in HTML exports but inserts text/html
        // as it is, so the exported page runs each picture's script. Day 4 has a graph too big
        // to read fitted, charts and a stepper.
        const path = "notebooks/day4_neural_net.ipynb";
        const html = await exportHtml(path);
        const saved = JSON.parse(await Deno.readTextFile(new URL(path, root)));
        await page.goto(`file://${html}`);
        const figures = await page.evaluate(() =>
          [...document.querySelectorAll("[data-denograd-figure]")].map((f) =>
            f.querySelector(".denograd-view > svg") !== null
          )
        );
        assertEquals(figures.length, countPictures(saved) - countSteppers(saved));
        assertEquals(figures.filter((shown) => !shown), [], "figures whose script did not run");
        const steppers = await page.evaluate(() =>
          document.querySelectorAll("[data-denograd-stepper][data-step]").length
        );
        assertEquals(steppers, countSteppers(saved), "steppers whose script did not start");
        await page.screenshot({
          path: new URL("nbconvert_day4.png", artifacts).pathname,
          fullPage: true,
        });
      });
      await t.step("an SVG in a plain page shrinks to fit down to 60%, then scrolls", async () => {
        // Classic Notebook shows SVGs at their natural size in a sized box (and scrolls); other
        // front ends (JupyterLab, VS Code, nbviewer) and pages embed the SVG itself.
        const svg = await drawDot(day2()).svg();
        const natural = Number(/^<svg width="(\d+)px"/.exec(svg)![1]);
        const measure = async (box: number) => {
          await page.setContent(`<div style="width:${box}px;overflow-x:auto">${svg}</div>`);
          return await page.evaluate(() => [
            document.querySelector("svg")!.getBoundingClientRect().width,
            document.querySelector("div")!.scrollWidth,
          ]);
        };
        let [width, scroll] = await measure(natural + 100);
        assertAlmostEquals(width, natural, 1, "in a wider box: natural size");
        [width, scroll] = await measure(natural * 0.8);
        assertAlmostEquals(width, natural * 0.8, 1, "in a box 80% as wide: shrunk to fit");
        assertLessOrEqual(scroll, Math.ceil(natural * 0.8), "with nothing to scroll");
        [width, scroll] = await measure(natural / 2);
        assertAlmostEquals(width, natural * 0.6, 1, "in a box half as wide: shrunk to 60%");
        assertAlmostEquals(scroll, width, 1, "and the box scrolls to show all of it");
      });
    } finally {
      await browser?.close();
      await server.stop();
    }
    // The test never saved a notebook: autosave was off, and each was marked clean before leaving.
    const saves = Deno.readTextFileSync(log).split("\n").filter((l) => l.includes("Saving file"));
    assertEquals(saves, []);
  },
);

/** Open a notebook, run all its cells, and check what every code cell shows. */
async function checkNotebook(
  page: Page,
  url: string,
  expectations: Map<number, CellExpectation>,
  pictures: number,
): Promise<void> {
  const name = decodeURIComponent(url.slice(url.lastIndexOf("/") + 1)).replace(/\.ipynb$/, "");
  await page.goto(url);
  await waitFor(page, (s) => s.ready, "the notebook to load and its kernel to connect");
  await checkUntrusted(page, name, pictures);
  await page.evaluate(prepare);
  for (const index of (await page.evaluate(runState)).pending) {
    await page.evaluate(runCell, index);
    await waitFor(page, (s) => !s.pending.includes(index) && !s.busy, `cell ${index} to run`);
    await waitForQuiet(page);
  }
  const reports = await page.evaluate(inspectCells);
  const figures = await page.evaluate(inspectFigures);
  for (const figure of figures) checkFigure(`${name}, cell ${figure.index}`, figure);
  // A click on a fitted picture shows it at 100 %, scrolled to the point clicked; another, whole.
  const fitted = figures.findIndex((f) => f.whole && f.width < f.naturalWidth - 1);
  if (fitted >= 0) await checkClickZoom(page, fitted, `${name}, cell ${figures[fitted].index}`);
  for (const [index, expect] of expectations) {
    if (!expect.zoomed) continue;
    const figure = figures.find((f) => f.index === index);
    assert(figure && !figure.whole, `${name}, cell ${index}: must open zoomed: ${figure}`);
  }

  for (const report of reports) {
    const where = `${name}, cell ${report.index}`;
    assertEquals(report.errors, [], `${where} raised an error`);
    for (const [i, svg] of report.svgs.entries()) {
      assertGreater(svg.width, 0, `${where}: graph ${i} has no laid-out width`);
      assertGreater(svg.height, 0, `${where}: graph ${i} has no laid-out height`);
      assertGreater(svg.records, 0, `${where}: graph ${i} has no value boxes`);
    }
    const expect = expectations.get(report.index) ?? {};
    checkCell(where, report, expect);
  }
  for (const index of expectations.keys()) {
    assert(reports.some((r) => r.index === index), `${name}: no code cell ${index} in the page`);
  }

  // Each record cell's text lies inside its cell: in the font the page picked for
  // "Courier,monospace", and in the fonts a browser without Courier or Liberation Mono uses.
  for (const font of [null, "DejaVu Sans Mono", "monospace"]) {
    assertEquals(await page.evaluate(textsOutsideCells, font), [], `${name}: font ${font}`);
  }
  // Labels are text, never markup: no element from a label, no script run.
  assertEquals(
    await page.evaluate(() =>
      document.querySelectorAll(".output_area svg img, .output_area svg script").length
    ),
    0,
  );
  assertEquals(await page.evaluate(() => Reflect.get(globalThis, "__pwned")), undefined);

  // The whole page, and each graph as the page shows it (scrolled to its left edge).
  await page.evaluate(unrollForScreenshot);
  await page.screenshot({ path: new URL(`${name}.png`, artifacts).pathname, fullPage: true });
  const graphs = await page.locator("div.output_subarea:has(svg g.graph)").all();
  for (const [i, graph] of graphs.entries()) {
    await graph.screenshot({ path: new URL(`${name}_graph${i + 1}.png`, artifacts).pathname });
  }
  await page.evaluate(forget);
}

/** Check one cell's report against what it must show. */
function checkCell(where: string, report: CellReport, expect: CellExpectation): void {
  if (expect.svgTexts) {
    // A stepper shows step 0, not its saved final state: step_backward_browser_test.ts checks it.
    const svgs = report.svgs.filter((s) => !s.stepper);
    assertEquals(svgs.length, expect.svgTexts.length, `${where}: how many graphs`);
    expect.svgTexts.forEach((texts, i) => {
      const shown = svgs[i].texts.map((t) => t.replace(/\u00a0/g, " ").trim());
      if (expect.exact) {
        assertEquals(shown.toSorted(), texts.toSorted(), `${where}: texts of graph ${i}`);
      } else {
        const absent = texts.filter((t) => !shown.includes(t));
        assertEquals(absent, [], `${where}: texts missing from graph ${i}`);
      }
    });
  }
  for (const line of expect.printed ?? []) {
    assert(
      report.printed.includes(line),
      `${where}: ${JSON.stringify(line)} is not printed; it shows ${
        JSON.stringify(report.printed)
      }`,
    );
  }
  if (expect.images !== undefined) {
    assertEquals(report.images.length, expect.images, `${where}: how many images`);
    for (const image of report.images) {
      assertGreater(image.naturalWidth, 0, `${where}: the image did not load`);
      assertGreater(image.width, 0, `${where}: the image has no laid-out width`);
    }
  }
}

/**
 * A figure (a graph or chart, trusted) either lies whole inside its output area with its text
 * at least 6 px, or, too big to read when fitted, opens zoomed, text at least 8 px, in a box
 * inside the area that scrolls to the rest, on its output.
 */
function checkFigure(where: string, figure: FigureReport): void {
  const report = JSON.stringify(figure);
  assert(figure.shown, `${where}: the figure's script did not show its SVG: ${report}`);
  assert(figure.inArea, `${where}: the figure sticks out of its output area: ${report}`);
  if (figure.whole) {
    assertGreaterOrEqual(figure.textPx, 6, `${where}: text too small when fitted: ${report}`);
  } else {
    assertGreaterOrEqual(figure.textPx, 8, `${where}: text too small when zoomed: ${report}`);
    assert(figure.scrolls, `${where}: a zoomed figure must scroll: ${report}`);
    assert(figure.anchorInView !== false, `${where}: it does not open on its output: ${report}`);
  }
}

/** Click figure `k` (in page order) to zoom in, and again to see it whole. */
async function checkClickZoom(page: Page, k: number, where: string): Promise<void> {
  const figure = page.locator("[data-denograd-figure]").nth(k);
  const state = () =>
    figure.evaluate((f) => {
      const svg = f.querySelector("svg")!;
      const box = f.querySelector(".denograd-view")!;
      return {
        zoom: f.getAttribute("data-zoom"),
        scale: svg.getBoundingClientRect().width / parseFloat(svg.getAttribute("width")!),
        scrolls: box.scrollWidth > box.clientWidth,
      };
    });
  const before = await state();
  assertEquals(before.zoom, "fit", `${where}: opens fitted`);
  await figure.locator(".denograd-view").click(); // its centre
  const zoomed = await state();
  assertEquals(zoomed.zoom, "1", `${where}: a click zooms to 100 %`);
  assertAlmostEquals(zoomed.scale, 1, 0.01, `${where}: at 100 %`);
  assert(zoomed.scrolls, `${where}: at 100 % the box scrolls to the rest`);
  await figure.locator(".denograd-view").click();
  const after = await state();
  assertEquals(after.zoom, "fit", `${where}: a second click shows it whole`);
  assertAlmostEquals(after.scale, before.scale, 0.01, `${where}: as before`);
}

/**
 * The notebook as a fresh clone shows it, untrusted: every saved graph, chart and stepper is a
 * picture (its PNG, loaded, inside the output area), never SVG (which an untrusted notebook
 * drops) and never text (what a sanitised SVG would leave).
 */
async function checkUntrusted(page: Page, name: string, expected: number): Promise<void> {
  assertEquals(
    await page.evaluate(() => Reflect.get(globalThis, "Jupyter").notebook.trusted),
    false,
    `${name}: opened from a fresh Jupyter data folder, the notebook must be untrusted`,
  );
  const pictures = await page.evaluate(inspectPictures);
  assertEquals(pictures.length, expected, `${name}: how many saved pictures the page lists`);
  for (const picture of pictures) {
    const where = `${name}, cell ${picture.index}, untrusted, ${picture.kind}`;
    assertEquals(picture.images.length, 1, `${where}: shows ${picture.images.length} pictures`);
    const [image] = picture.images;
    assertGreater(image.naturalWidth, 0, `${where}: the picture did not load`);
    assert(image.inside, `${where}: the picture sticks out of its output area`);
    assertEquals(picture.svgs, 0, `${where}: an SVG survived`);
    assertEquals(picture.text, "", `${where}: text shows instead of a picture`);
  }
  await page.evaluate(unrollForScreenshot);
  await page.screenshot({
    path: new URL(`${name}_untrusted.png`, artifacts).pathname,
    fullPage: true,
  });
}

type RunState = ReturnType<typeof runState>;

/** Poll the page until `done` holds, failing after {@linkcode RUN_TIMEOUT_MS}. */
async function waitFor(page: Page, done: (s: RunState) => boolean, what: string): Promise<void> {
  const deadline = Date.now() + RUN_TIMEOUT_MS;
  let state = await page.evaluate(runState);
  while (!done(state)) {
    if (Date.now() > deadline) {
      const errors = state.ready
        ? (await page.evaluate(inspectCells)).flatMap((r) => r.errors)
        : [];
      fail(`Timed out waiting for ${what}: ${JSON.stringify(state)} ${errors.join("; ")}`);
    }
    await new Promise((r) => setTimeout(r, 200));
    state = await page.evaluate(runState);
  }
}

/** Wait until the outputs have not changed for {@linkcode QUIET_MS}. */
async function waitForQuiet(page: Page): Promise<void> {
  let last = -1;
  let since = Date.now();
  while (Date.now() - since < QUIET_MS) {
    await new Promise((r) => setTimeout(r, 200));
    const { outputs } = await page.evaluate(runState);
    if (outputs !== last) [last, since] = [outputs, Date.now()];
  }
}

interface NotebookJson {
  cells: {
    cell_type: string;
    execution_count?: number | null;
    outputs?: {
      output_type: string;
      text?: string | string[];
      data?: Record<string, string | string[]>;
    }[];
  }[];
}

/**
 * What each code cell must show, read from the outputs the notebook was saved with: the same
 * graph texts (Graphviz's `<text>` elements), the same printed lines, the same number of PNGs.
 * A cell saved without running (no execution count) only has to run without an error.
 */
function expectationsFromOutputs(notebook: NotebookJson): Map<number, CellExpectation> {
  const expectations = new Map<number, CellExpectation>();
  notebook.cells.forEach((cell, index) => {
    if (cell.cell_type !== "code" || cell.execution_count === null) return; // saved unrun
    const outputs = cell.outputs ?? [];
    const join = (s: string | string[] | undefined) => [s ?? ""].flat().join("");
    const svgs = outputs.map((o) => join(o.data?.["text/html"]))
      .filter((html) => html.includes("data-denograd-figure")) // not a stepper's
      .map((html) => /<script type="image\/svg\+xml">([\s\S]*?)<\/script>/.exec(html)?.[1] ?? "")
      .filter((s) => s.includes(`class="graph"`)); // Graphviz's, not plots
    expectations.set(index, {
      svgTexts: svgs.map(svgTexts),
      exact: true,
      printed: outputs.filter((o) => o.output_type === "stream")
        .flatMap((o) => join(o.text).split("\n")).map((l) => l.trim()).filter((l) => l !== ""),
      images: outputs.filter((o) => o.data?.["image/png"]).length,
    });
  });
  return expectations;
}

/** Export a notebook to HTML with Debian's nbconvert, into the artifacts folder; its path. */
async function exportHtml(path: string): Promise<string> {
  const out = await new Deno.Command("/usr/bin/python3", {
    args: ["-m", "nbconvert", "--to", "html", "--output-dir", artifacts.pathname, path],
    cwd: root.pathname,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) {
    fail(`Cannot export ${path} with nbconvert: ${new TextDecoder().decode(out.stderr)}`);
  }
  return new URL(path.replace(/^.*\//, "").replace(/\.ipynb$/, ".html"), artifacts).pathname;
}

/** How many of a saved notebook's outputs are steppers, by their text form. */
function countSteppers(notebook: NotebookJson): number {
  return notebook.cells.flatMap((cell) => cell.outputs ?? []).filter((o) =>
    /^StepBackward\(/.test([o.data?.["text/plain"] ?? ""].flat().join(""))
  ).length;
}

/** How many of a saved notebook's outputs are graphs, charts or steppers, by their text form. */
function countPictures(notebook: NotebookJson): number {
  return notebook.cells.flatMap((cell) => cell.outputs ?? []).filter((o) =>
    /^(Graph|Chart|StepBackward)\(/.test([o.data?.["text/plain"] ?? ""].flat().join(""))
  ).length;
}

/** The contents of an SVG's `<text>` elements, entities decoded, trimmed as the page's are. */
function svgTexts(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map(([, t]) =>
    t.replace(/&#(\d+);/g, (_, n) => String.fromCodePoint(Number(n))).replace(/&lt;/g, "<")
      .replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&amp;/g, "&")
      .replace(/\u00a0/g, " ").trim()
  );
}

/** L = (a * b + c) * f, the Day-2 lecture's graph, after backward(). */
function day2(): Value {
  const [a, b, c, f] = [2, -3, 10, -2].map((x, i) => new Value(x, { label: "abcf"[i] }));
  const L = a.mul(b).add(c).mul(f);
  L.label = "L";
  L.backward();
  return L;
}
