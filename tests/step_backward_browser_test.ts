/// <reference lib="dom" />
// End to end: stepBackward() in a real Jupyter Notebook server and headless Chromium (the same
// Debian packages and helpers as browser_test.ts). A notebook with two steppers is written under
// .test-artifacts/browser/, run cell by cell, and stepped with clicks and arrow keys; the page
// must show the recorded steps. Screenshots go to .test-artifacts/browser/.
import { chromium, type Page } from "playwright-core";
import { assert, assertEquals, assertGreater, fail } from "@std/assert";
import { formatFixed } from "../lib/_format.ts";
import { stepBackward, Value } from "../mod.ts";
import { notebookServerMissing, startJupyter } from "./_jupyter_server.ts";
import { artifacts, CHROMIUM, chromiumMissing, CI, root } from "./browser/setup.ts";
import { notebookOf } from "./browser/fixture.ts";
import {
  forget,
  inspectCells,
  prepare,
  runCell,
  runState,
  textsOutsideCells,
} from "./browser/page.ts";

const NOTEBOOK = ".test-artifacts/browser/step_backward.ipynb";
const RUN_TIMEOUT_MS = 120_000;

/** L = (a * b + c) * f, the Day-2 graph; the same source runs in the notebook and here. */
const DAY2 =
  `const [a, b, c, f] = [2, -3, 10, -2].map((x, i) => new Value(x, { label: "abcf"[i] }));
const e = a.mul(b);
e.label = "e";
const d = e.add(c);
d.label = "d";
const L = d.mul(f);
L.label = "L";`;
/** The Day-2 neuron, o = tanh(x1*w1 + x2*w2 + b). */
const NEURON = `const [x1, x2, w1, w2] = [2, 0, -3, 1].map((x, i) =>
  new Value(x, { label: ["x1", "x2", "w1", "w2"][i] })
);
const bias = new Value(6.8813735870195432, { label: "b" });
const n = x1.mul(w1).add(x2.mul(w2)).add(bias);
n.label = "n";
const o = n.tanh();
o.label = "o";`;

if (chromiumMissing && !CI) {
  console.warn(`stepBackward browser test skipped: ${CHROMIUM} is missing`);
}

/** What a stepper shows in the page: its step, each record's texts and state, the edge labels. */
interface Shown {
  step: string | null;
  controlsHidden: boolean;
  caption: string;
  records: { texts: string[]; state: string; fill: string; title: string }[];
  edgeLabels: { text: string; visible: boolean; bold: boolean }[];
}

/** Read stepper `which` (0 for the first in the page) as the learner sees it. */
function readStepper(which: number): Shown {
  const root = document.querySelectorAll<HTMLElement>("[data-denograd-stepper]")[which];
  // Graphviz's own order of nodes and edges need not be ours: sort by the class's number.
  const byClass = (prefix: string) =>
    [...root.querySelectorAll<SVGGElement>("svg g")]
      .map((g) =>
        [
          Number(new RegExp(`\\b${prefix}(\\d+)\\b`).exec(g.getAttribute("class") ?? "")?.[1]),
          g,
        ] as const
      )
      .filter(([i]) => !Number.isNaN(i)).sort(([i], [j]) => i - j).map(([, g]) => g);
  const records = byClass("dgv")
    .map((g) => ({
      texts: [...g.querySelectorAll("text")].map((t) => (t.textContent ?? "").trim()),
      state: g.getAttribute("data-state") ?? "",
      fill: getComputedStyle(g.querySelector("polygon")!).fill,
      title: g.querySelector("title")?.textContent ?? "",
    }));
  const edgeLabels = byClass("dge")
    .map((g) => g.querySelector("text"))
    .filter((t) => t !== null)
    .map((t) => ({
      text: t!.textContent ?? "",
      visible: getComputedStyle(t!).visibility === "visible",
      bold: ["bold", "700"].includes(getComputedStyle(t!).fontWeight),
    }));
  return {
    step: root.getAttribute("data-step"),
    controlsHidden: root.querySelector(".denograd-controls")!.hasAttribute("hidden"),
    caption: root.querySelector(".denograd-caption")?.textContent ?? "",
    records,
    edgeLabels,
  };
}

/** The graph built by `source` (DAY2 or NEURON), evaluated here as the notebook evaluates it. */
function build(source: string, name: string): Value {
  return new Function("Value", `${source}\nreturn ${name};`)(Value);
}

/** Check that the page shows step `step` of `stepper` as recorded. */
function checkShown(shown: Shown, root: Value, step: number, where: string): void {
  const stepper = stepBackward(root);
  const grads = stepper.gradsAt(step);
  assertEquals(shown.step, String(step), `${where}: data-step`);
  assertEquals(shown.controlsHidden, false, `${where}: the controls are shown`);
  assertEquals(shown.records.length, stepper.nodes.length, `${where}: one record per value`);
  const current = stepper.steps[step].node;
  stepper.nodes.forEach((v, i) => {
    const record = shown.records[i];
    // The record's last text is its grad, as recorded at this step.
    assertEquals(record.texts.at(-1), `grad ${formatFixed(grads[i], 4)}`, `${where}: ${v.label}`);
    assertEquals(record.texts.at(-2), `data ${formatFixed(v.data, 4)}`, `${where}: ${v.label}`);
    const state = v === current
      ? "current"
      : step > 0 && stepper.steps[step].grads.has(v)
      ? "written"
      : stepper.steps.slice(1, step + 1).some((s) => s.node === v)
      ? "done"
      : "";
    assertEquals(record.state, state, `${where}: the state of ${v.label}`);
    assert(record.title.includes(`\ngrad = `), `${where}: ${v.label}'s tooltip`);
  });
  const highlighted = shown.records.filter((r) => r.state === "current");
  assertEquals(highlighted.length, 1, `${where}: one node highlighted`);
  assertEquals(highlighted[0].fill, "rgb(255, 224, 130)", `${where}: amber`); // #ffe082
  assertEquals(highlighted[0].texts[0], current.label, `${where}: the highlighted node`);
  assert(shown.caption.startsWith(`Step ${step}: `), `${where}: caption ${shown.caption}`);
  // The bold, visible edge labels are the chain-rule products of this step.
  const bold = shown.edgeLabels.filter((e) => e.visible && e.bold).map((e) => e.text);
  assertEquals(bold.length, step === 0 ? 0 : current.children.length, `${where}: ${bold}`);
}

Deno.test({
  name: "stepBackward() steps through backward() in Chromium, run by a real Jupyter server",
  ignore: chromiumMissing && !CI, // under CI a missing browser fails below, never skips
  sanitizeOps: false, // playwright keeps timers and sockets of its own
  sanitizeResources: false,
  async fn() {
    if (chromiumMissing) fail(`Cannot run the browser test under CI: ${CHROMIUM} is missing`);
    const missing = await notebookServerMissing();
    if (missing) fail(`Cannot run the browser test: ${missing}`);
    await Deno.mkdir(artifacts, { recursive: true });
    const cells = [
      'import { stepBackward, Value } from "../../mod.ts";',
      `${DAY2}\nstepBackward(L);`,
      `${NEURON}\nstepBackward(o, { rankdir: "TB" });`,
    ];
    await Deno.writeTextFile(
      new URL(NOTEBOOK, root),
      JSON.stringify(notebookOf("stepBackward in the browser", cells), null, 1),
    );
    const log = new URL("jupyter_step_backward.log", artifacts);
    const server = await startJupyter(root.pathname, log.pathname);
    let browser;
    try {
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"],
      });
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const pageErrors: string[] = [];
      page.on("pageerror", (e) => pageErrors.push(String(e)));
      await page.goto(`${server.url}notebooks/${NOTEBOOK}`);
      await waitFor(page, (s) => s.ready, "the notebook to load and its kernel to connect");
      await page.evaluate(prepare);
      for (const index of (await page.evaluate(runState)).pending) {
        await page.evaluate(runCell, index);
        await waitFor(page, (s) => !s.pending.includes(index) && !s.busy, `cell ${index} to run`);
      }
      await waitForSteppers(page, 2);
      assertEquals((await page.evaluate(inspectCells)).flatMap((r) => r.errors), []);

      const L = build(DAY2, "L");
      const o = build(NEURON, "o");
      checkShown(await page.evaluate(readStepper, 0), L, 0, "L, at first");
      checkShown(await page.evaluate(readStepper, 1), o, 0, "o, at first");

      // Next, clicked twice, then the arrow key (focus is on the button, inside the stepper).
      const first = page.locator("[data-denograd-stepper]").nth(0);
      for (let n = 1; n <= 2; n++) {
        await first.locator("button[data-act=next]").click();
        checkShown(await page.evaluate(readStepper, 0), L, n, `L, after ${n} clicks`);
      }
      await page.keyboard.press("ArrowRight");
      const shown = await page.evaluate(readStepper, 0);
      checkShown(shown, L, 3, "L, after the arrow key");
      // The lecture's numbers, by hand (Day-2 cell 5): a 6, b -4, c -2, f 4, e -2, d -2.
      assertEquals(
        shown.records.map((r) => `${r.texts[0]} ${r.texts.at(-1)}`),
        [
          "a grad 6.0000",
          "b grad -4.0000",
          "e grad -2.0000",
          "c grad -2.0000",
          "d grad -2.0000",
          "f grad 4.0000",
          "L grad 1.0000",
        ],
      );
      assertEquals(
        shown.edgeLabels.filter((e) => e.bold).map((e) => e.text),
        ["-3 × -2 = 6", "2 × -2 = -4"],
      );
      await first.screenshot({ path: new URL("step_backward_L_step3.png", artifacts).pathname });

      // The other stepper did not move; it steps on its own, by the keyboard alone.
      checkShown(await page.evaluate(readStepper, 1), o, 0, "o, untouched");
      const second = page.locator("[data-denograd-stepper]").nth(1);
      await second.focus();
      await page.keyboard.press("End");
      await page.keyboard.press("ArrowLeft");
      checkShown(await page.evaluate(readStepper, 1), o, 4, "o, End then ←");
      await page.keyboard.press("ArrowRight");
      const end = await page.evaluate(readStepper, 1);
      checkShown(end, o, 5, "o, at the end");
      // Karpathy's lecture: x1 -1.5, w1 1, x2 0.5, w2 0 (to the 4 decimals shown).
      const gradOf = (label: string) => end.records.find((r) => r.texts[0] === label)?.texts.at(-1);
      assertEquals(
        ["x1", "w1", "x2", "w2"].map(gradOf),
        ["grad -1.5000", "grad 1.0000", "grad 0.5000", "grad 0.0000"],
      );
      checkShown(await page.evaluate(readStepper, 0), L, 3, "L, untouched by o's keys");
      // Previous and Reset by click.
      await first.locator("button[data-act=prev]").click();
      checkShown(await page.evaluate(readStepper, 0), L, 2, "L, after Previous");
      await first.locator("button[data-act=reset]").click();
      checkShown(await page.evaluate(readStepper, 0), L, 0, "L, after Reset");
      assertEquals(pageErrors, []);

      // What browser_test.ts checks of every graph holds for steppers too: each fits its
      // output area or scrolls, shrinks no further than 60%, and every record's text (grads as
      // shown now: L at step 0, o at step 5) lies inside its cell, whichever monospace font.
      const svgs = (await page.evaluate(inspectCells)).flatMap((r) => r.svgs);
      assertEquals(svgs.map((s) => s.stepper), [true, true]);
      for (const svg of svgs) {
        assertGreater(svg.records, 0);
        assert(svg.fits || svg.scrollable, `clipped: ${JSON.stringify(svg)}`);
        assertGreater(svg.width / svg.naturalWidth, 0.59);
      }
      for (const font of [null, "DejaVu Sans Mono", "monospace"]) {
        assertEquals(await page.evaluate(textsOutsideCells, font), [], `font ${font}`);
      }

      await page.screenshot({
        path: new URL("step_backward.png", artifacts).pathname,
        fullPage: true,
      });
      await page.evaluate(forget);
    } finally {
      await browser?.close();
      await server.stop();
    }
    const saves = Deno.readTextFileSync(log).split("\n").filter((l) => l.includes("Saving file"));
    assertEquals(saves, [], "the test never saves the notebook");
  },
});

type RunState = ReturnType<typeof runState>;

/** Poll the page until `done` holds, failing after {@linkcode RUN_TIMEOUT_MS}. */
async function waitFor(page: Page, done: (s: RunState) => boolean, what: string): Promise<void> {
  const deadline = Date.now() + RUN_TIMEOUT_MS;
  let state = await page.evaluate(runState);
  while (!done(state)) {
    if (Date.now() > deadline) fail(`Timed out waiting for ${what}: ${JSON.stringify(state)}`);
    await new Promise((r) => setTimeout(r, 200));
    state = await page.evaluate(runState);
  }
}

/** Wait until `count` steppers are in the page and their scripts have started them. */
async function waitForSteppers(page: Page, count: number): Promise<void> {
  const deadline = Date.now() + RUN_TIMEOUT_MS;
  while (true) {
    const ready = await page.evaluate(() =>
      document.querySelectorAll("[data-denograd-stepper][data-step]").length
    );
    if (ready === count) return;
    if (Date.now() > deadline) {
      const errors = (await page.evaluate(inspectCells)).flatMap((r) => r.errors);
      fail(`Timed out waiting for ${count} steppers, ${ready} started; ${errors.join("; ")}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}
