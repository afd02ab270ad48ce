/// <reference lib="dom" />
// End to end: stepBackward() in a real Jupyter Notebook server and headless Chromium (the same
// Debian packages and helpers as browser_test.ts), as a learner uses it in a 1280-px window.
//
// Every stepper of the Day-2, Day-3 and Day-4 notebooks, and of a fixture notebook written under
// .test-artifacts/browser/ (the Day-2 graph, the neuron top to bottom, a + a, and the outputs of
// an MLP(2, [4, 4, 1]) and an MLP(2, [16, 16, 1])), is stepped with clicks and keys: at each step
// the value being processed must be in view (in the stepper's box and in the window), the page
// must show the recorded grads, the text must be big enough to read, and focus must stay in the
// stepper at both ends. The big MLP's steps are timed in the page. Then a notebook with saved
// outputs is opened untrusted (each stepper must be its PNG, with no stray text) and exported
// with nbconvert (the exported page's steppers must run). Screenshots go to
// .test-artifacts/browser/.
import type { Page } from "playwright-core";
import { assert, assertEquals, assertLessOrEqual, fail } from "@std/assert";
import { formatFixed } from "../lib/_format.ts";
import { MLP, random, type StepBackward, stepBackward, Value } from "../mod.ts";
import { startJupyter } from "./_jupyter_server.ts";
import { artifacts, browserTest, launchChromium, root } from "./browser/setup.ts";
import { notebookOf } from "./browser/fixture.ts";
import { forget, inspectCells, prepare, runCell, runState } from "./browser/page.ts";

const FIXTURE = ".test-artifacts/browser/step_backward.ipynb";
const SAVED = ".test-artifacts/browser/step_backward_saved.ipynb";
const NOTEBOOKS = [
  "notebooks/day2_backpropagation.ipynb",
  "notebooks/day3_automatic_backpropagation.ipynb",
  "notebooks/day4_neural_net.ipynb",
];
const RUN_TIMEOUT_MS = 300_000;
/** Steppers with more steps are stepped this far with Next, then sent to the end with End. */
const MOST_CLICKS = 70;
/** The slowest a step of the MLP(2, [16, 16, 1]) stepper may be, in ms of script. */
const STEP_MS = 16;
/** Text must be at least this big, in CSS pixels, at the zoom a stepper opens at. */
const MIN_RECORD_TEXT = 11;
const MIN_EDGE_TEXT = 10;

/** L = (a * b + c) * f, the Day-2 graph, as the lecture labels it. */
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
/** The output of an MLP(2, sizes) seeded 1337, on inputs labelled x1 and x2. */
const mlp = (sizes: string) =>
  `random.seed(1337);
const net${sizes.replace(/\D/g, "")} = new MLP(2, [${sizes}]);
stepBackward(net${
    sizes.replace(/\D/g, "")
  }.call([new Value(2, { label: "x1" }), new Value(3, { label: "x2" })]));`;
const CELLS = [
  'import { MLP, random, stepBackward, Value } from "../../mod.ts";',
  `${DAY2}\nstepBackward(L);`,
  `${NEURON}\nstepBackward(o, { rankdir: "TB" });`,
  'const aa = new Value(3, { label: "a" });\nconst twice = aa.add(aa);\ntwice.label = "b";\nstepBackward(twice);',
  mlp("4, 4, 1"),
  mlp("16, 16, 1"),
];

browserTest(
  "stepBackward() in Chromium, run by a real Jupyter server, as a learner steps it",
  async (t) => {
    await Deno.writeTextFile(
      new URL(FIXTURE, root),
      JSON.stringify(notebookOf("stepBackward in the browser", CELLS), null, 1),
    );
    await Deno.writeTextFile(new URL(SAVED, root), JSON.stringify(await savedNotebook(), null, 1));
    const log = new URL("jupyter_step_backward.log", artifacts);
    const server = await startJupyter(root.pathname, log.pathname);
    let browser;
    try {
      browser = await launchChromium();
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      // Scrolling follows the steps smoothly, unless the learner asked for reduced motion: with
      // it, each step's scrolling is done by the time the step's code returns.
      await page.emulateMedia({ reducedMotion: "reduce" });
      const errors = watchErrors(page);

      await t.step(
        "the fixture: the Day-2 graph, the neuron top to bottom, a + a, two MLPs",
        async () => {
          const count = await runNotebook(page, `${server.url}notebooks/${FIXTURE}`);
          assertEquals(count, 5);
          for (let which = 0; which < count; which++) {
            await checkStepper(page, which, `fixture_${which}`);
          }
          await checkLecture(page);
          await checkControls(page, 3);
          await timeSteps(page, 4);
          assertEquals(errors.splice(0), [], "console errors");
          await page.evaluate(forget);
        },
      );
      for (const path of NOTEBOOKS) {
        const name = path.slice("notebooks/".length, -".ipynb".length);
        await t.step(path, async () => {
          const count = await runNotebook(page, `${server.url}notebooks/${path}`);
          assert(count > 0, `${path} has no stepper`);
          for (let which = 0; which < count; which++) {
            await checkStepper(page, which, `${name}_${which}`);
          }
          assertEquals(errors.splice(0), [], "console errors");
          await page.evaluate(forget);
        });
      }
      await t.step(
        "untrusted, a saved notebook shows each stepper's PNG, and no text",
        async () => {
          // This server's notebook-signing key is new (a temporary folder): it trusts no notebook
          // it has not run, so it runs no output script and sanitises the HTML.
          await page.goto(`${server.url}notebooks/${SAVED}`);
          await waitFor(page, (s) => s.ready, "the notebook to load");
          await page.waitForFunction(() =>
            [...document.querySelectorAll<HTMLImageElement>(".output_area img")].every((i) =>
              i.complete
            )
          );
          const shown = await page.evaluate(() =>
            [...document.querySelectorAll<HTMLElement>(".output_subarea")].map((area) => ({
              text: area.innerText.trim(),
              images: [...area.querySelectorAll("img")].map((
                i,
              ) => [i.naturalWidth, i.naturalHeight]),
              started: area.querySelectorAll("[data-step], svg, button").length,
              trusted: (globalThis as unknown as { Jupyter: { notebook: { trusted: boolean } } })
                .Jupyter.notebook.trusted,
            }))
          );
          assertEquals(shown.length, 5);
          for (const [i, area] of shown.entries()) {
            assertEquals(area.trusted, false);
            assertEquals(area.text, "", `output ${i}: no text soup`);
            assertEquals(area.images.length, 1, `output ${i}: one picture`);
            assert(area.images[0][0] > 0 && area.images[0][1] > 0, `output ${i}: the PNG loaded`);
            assertEquals(area.started, 0, `output ${i}: no script ran`);
          }
          await page.screenshot({
            path: new URL("step_backward_untrusted.png", artifacts).pathname,
            fullPage: true,
          });
          assertEquals(errors.splice(0), [], "console errors");
          await page.evaluate(forget);
        },
      );
      await t.step("nbconvert's HTML export runs each stepper", async () => {
        const exported = await exportHtml(SAVED);
        await page.goto(new URL(exported, root).href);
        await page.waitForFunction(
          () => document.querySelectorAll("[data-denograd-stepper][data-step]").length === 5,
          null,
          {
            timeout: 60_000,
          },
        );
        const first = page.locator("[data-denograd-stepper]").first();
        await first.locator("button[data-act=next]").click();
        assertEquals(await first.getAttribute("data-step"), "1");
        await first.screenshot({
          path: new URL("step_backward_nbconvert.png", artifacts).pathname,
        });
        // The template's own scripts come from the network, which the test has not: only
        // errors of the page's own code count.
        assertEquals(
          errors.splice(0).filter((e) => !/Failed to load resource|net::/.test(e)),
          [],
        );
      });
    } finally {
      await browser?.close();
      await server.stop();
    }
    const saves = Deno.readTextFileSync(log).split("\n").filter((l) => l.includes("Saving file"));
    assertEquals(saves, [], "the test never saves a notebook");
  },
);

/** Console errors and uncaught exceptions of `page`, as they come. */
function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(`console: ${m.text()}`);
  });
  page.on("pageerror", (e) => errors.push(`pageerror: ${e}`));
  return errors;
}

/** Open a notebook, run every code cell one at a time, and return how many steppers it shows. */
async function runNotebook(page: Page, url: string): Promise<number> {
  await page.goto(url);
  await waitFor(page, (s) => s.ready, "the notebook to load and its kernel to connect");
  await page.evaluate(prepare);
  for (const index of (await page.evaluate(runState)).pending) {
    await page.evaluate(runCell, index);
    await waitFor(page, (s) => !s.pending.includes(index) && !s.busy, `cell ${index} to run`);
  }
  assertEquals((await page.evaluate(inspectCells)).flatMap((r) => r.errors), []);
  // every stepper in the page has started
  const deadline = Date.now() + RUN_TIMEOUT_MS;
  while (true) {
    const [all, started] = await page.evaluate(() => [
      document.querySelectorAll("[data-denograd-stepper]").length,
      document.querySelectorAll("[data-denograd-stepper][data-step]").length,
    ]);
    if (all === started) return all;
    if (Date.now() > deadline) fail(`Timed out: ${started} of ${all} steppers started`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

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

/** What a stepper shows now, read in the page (stepper `which`, 0 for the first). */
interface Shown {
  step: number;
  last: number;
  /** The recorded data the page replays: its steps and each value's uses, as Deno wrote them. */
  steps: [number, string, (number | string)[]][];
  kids: number[][];
  counts: number[];
  checks: ([string, number] | null)[];
  /** Each value's grad cell, its state, and the caption. */
  grads: string[];
  states: string[];
  caption: string;
  /** The processed value's box against the stepper's box and the window, in CSS pixels. */
  node: { left: number; top: number; right: number; bottom: number };
  view: { left: number; top: number; right: number; bottom: number };
  window: { top: number; bottom: number };
  /** The rendered size of record text and of edge labels, in CSS pixels. */
  recordText: number;
  edgeText: number;
  /** Whether focus is inside the stepper. */
  focused: boolean;
  nextDisabled: boolean;
}

function readStepper(which: number): Shown {
  const root = document.querySelectorAll<HTMLElement>("[data-denograd-stepper]")[which];
  const data = JSON.parse(root.querySelector("script[type='application/json']")!.textContent!);
  const step = Number(root.getAttribute("data-step"));
  const svg = root.querySelector<SVGSVGElement>(".denograd-view svg")!;
  const record = (i: number) => svg.querySelector<SVGGElement>(`g.v${i}`)!;
  const n = data.names.length;
  const grads: string[] = [], states: string[] = [];
  for (let i = 0; i < n; i++) {
    grads.push((record(i).lastElementChild!.textContent ?? "").trim());
    states.push(record(i).getAttribute("data-s") ?? "");
  }
  const rect = (e: Element) => {
    const r = e.getBoundingClientRect();
    return { left: r.left, top: r.top, right: r.right, bottom: r.bottom };
  };
  const box = root.querySelector<HTMLElement>(".denograd-view")!;
  const b = box.getBoundingClientRect();
  // the part of the box that shows the picture: inside its border, without its scroll bars
  const view = {
    left: b.left + box.clientLeft,
    top: b.top + box.clientTop,
    right: b.left + box.clientLeft + box.clientWidth,
    bottom: b.top + box.clientTop + box.clientHeight,
  };
  // the classic Notebook scrolls its cells in #site, under its header
  const site = document.querySelector("#site")?.getBoundingClientRect();
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  const size = (e: Element | null) =>
    e === null ? Infinity : parseFloat(getComputedStyle(e).fontSize) * scale;
  return {
    step,
    last: data.steps.length - 1,
    steps: data.steps,
    kids: data.kids,
    counts: data.counts,
    checks: data.checks,
    grads,
    states,
    caption: root.querySelector(".dg-caption")!.textContent ?? "",
    node: rect(record(data.steps[step][0]).querySelector("rect")!),
    view,
    window: {
      top: Math.max(0, site?.top ?? 0),
      bottom: Math.min(innerHeight, site?.bottom ?? innerHeight),
    },
    recordText: size(svg.querySelector("g.v text")),
    edgeText: size(svg.querySelector("g.e text")),
    focused: root.contains(document.activeElement),
    nextDisabled:
      root.querySelector("button[data-act=next]")!.getAttribute("aria-disabled") === "true",
  };
}

/**
 * What the page must show at step `shown.step`, worked out here from the recorded data, with
 * lib/_format.ts's formatting: each grad cell's text and each value's state.
 */
function expected(shown: Shown): { grads: string[]; states: string[] } {
  const { steps, kids, counts, checks } = shown;
  const n = kids.length;
  const grads = new Array(n).fill(0), got = new Array(n).fill(0), uses = new Array(n).fill(0);
  const stepOf = new Array(n).fill(-1);
  let edge = 0;
  const first = kids.map((k) => (edge += k.length) - k.length);
  kids.forEach((k, p) => k.forEach((c, j) => uses[c] += counts[first[p] + j]));
  steps.forEach(([p], s) => s > 0 && (stepOf[p] = s));
  for (let s = 0; s <= shown.step; s++) {
    const [p, , written] = steps[s];
    for (let q = 0; q < written.length; q += 2) {
      grads[written[q] as number] = Number(written[q + 1]);
    }
    if (s > 0) kids[p].forEach((c, j) => got[c] += counts[first[p] + j]);
  }
  const [now, , written] = steps[shown.step];
  const justWritten = new Set(shown.step > 0 ? written.filter((_, q) => q % 2 === 0) : []);
  const leaf = (i: number) => kids[i].length === 0;
  return {
    grads: grads.map((g, i) => {
      const count = uses[i] > 1 ? ` (${got[i]}/${uses[i]})` : "";
      const check = checks[i];
      const mark = leaf(i) && got[i] === uses[i] && check ? (check[1] ? " ✓" : " ✗") : "";
      return `grad ${formatFixed(g, 4)}${count}${mark}`;
    }),
    states: grads.map((_, i) =>
      i === now
        ? "current"
        : justWritten.has(i)
        ? "written"
        : (stepOf[i] > 0 && stepOf[i] < shown.step) ||
            (leaf(i) && uses[i] > 0 && got[i] === uses[i])
        ? "done"
        : got[i] > 0 && got[i] < uses[i]
        ? "waiting"
        : ""
    ),
  };
}

/** Check stepper `which` as shown now: the step, its grads and states, and what is in view. */
async function checkShown(page: Page, which: number, step: number, where: string): Promise<Shown> {
  const shown = await page.evaluate(readStepper, which);
  assertEquals(shown.step, step, `${where}: the step`);
  const want = expected(shown);
  assertEquals(shown.grads, want.grads, `${where}: the grads`);
  assertEquals(shown.states, want.states, `${where}: the states`);
  assert(shown.caption.startsWith(`Step ${step}: `), `${where}: the caption ${shown.caption}`);
  const { node, view, window } = shown;
  const inside = node.left >= view.left - 1 && node.right <= view.right + 1 &&
    node.top >= Math.max(view.top, window.top) - 1 &&
    node.bottom <= Math.min(view.bottom, window.bottom) + 1;
  assert(
    inside,
    `${where}: the processed value's box ${JSON.stringify(node)} is out of view: ` +
      `box ${JSON.stringify(view)}, window ${JSON.stringify(window)}`,
  );
  return shown;
}

/**
 * Step stepper `which` from step 0 with Next, as far as the end or {@linkcode MOST_CLICKS},
 * checking each step; then check the text sizes, and that focus stays at the end.
 */
async function checkStepper(page: Page, which: number, name: string): Promise<void> {
  const stepper = page.locator("[data-denograd-stepper]").nth(which);
  await stepper.scrollIntoViewIfNeeded();
  await stepper.focus();
  await page.keyboard.press("Home");
  const first = await checkShown(page, which, 0, `${name}, step 0`);
  assert(first.recordText >= MIN_RECORD_TEXT, `${name}: record text ${first.recordText} px`);
  assert(first.edgeText >= MIN_EDGE_TEXT, `${name}: edge labels ${first.edgeText} px`);
  await stepper.screenshot({
    path: new URL(`step_backward_${name}_step0.png`, artifacts).pathname,
  });
  const next = stepper.locator("button[data-act=next]");
  const clicks = Math.min(first.last, MOST_CLICKS);
  for (let step = 1; step <= clicks; step++) {
    await next.click();
    await checkShown(page, which, step, `${name}, step ${step}`);
  }
  if (clicks < first.last) {
    await page.keyboard.press("End");
    await checkShown(page, which, first.last, `${name}, End`);
    await next.click({ force: true }); // at the end already: aria-disabled, and nothing happens
  }
  const end = await page.evaluate(readStepper, which);
  assertEquals(end.step, end.last, `${name}: at the end`);
  assert(end.nextDisabled, `${name}: Next is off at the end`);
  assert(end.focused, `${name}: focus stayed in the stepper at the end`);
  await stepper.screenshot({ path: new URL(`step_backward_${name}_end.png`, artifacts).pathname });
  if (end.last > 0) {
    await page.keyboard.press("ArrowLeft");
    await checkShown(page, which, end.last - 1, `${name}, ← at the end`);
    await page.keyboard.press("Home");
    await checkShown(page, which, 0, `${name}, Home`);
    assert((await page.evaluate(readStepper, which)).focused, `${name}: focus stayed at step 0`);
    await page.keyboard.press("ArrowLeft"); // at step 0 already
    assert((await page.evaluate(readStepper, which)).focused, `${name}: focus stayed at step 0`);
  }
}

/** The fixture's Day-2 stepper at its end shows the lecture's numbers, and its edge labels. */
async function checkLecture(page: Page): Promise<void> {
  const stepper = page.locator("[data-denograd-stepper]").first();
  await stepper.focus();
  await page.keyboard.press("End");
  const texts = await page.evaluate(() => {
    const svg = document.querySelector("[data-denograd-stepper] .denograd-view svg")!;
    return {
      records: [...svg.querySelectorAll("g.v")].map((g) =>
        [...g.querySelectorAll("text")].map((t) => t.textContent!.trim()).join(" | ")
      ),
      bold: [...svg.querySelectorAll("g.e[data-s=cur] text")].map((t) => t.textContent),
    };
  });
  // The Day-2 lecture's manual backpropagation: a 6, b -4, c -2, f 4, e -2, d -2; every leaf
  // agrees with nudging it.
  for (
    const record of [
      "a | data 2.0000 | grad 6.0000 ✓",
      "b | data -3.0000 | grad -4.0000 ✓",
      "c | data 10.0000 | grad -2.0000 ✓",
      "f | data -2.0000 | grad 4.0000 ✓",
      "e | data -6.0000 | grad -2.0000",
      "d | data 4.0000 | grad -2.0000",
      "L | data -8.0000 | grad 1.0000",
    ]
  ) assert(texts.records.includes(record), `${record} in ${texts.records}`);
  assertEquals(texts.bold.toSorted(), ["-3 × -2 = 6", "2 × -2 = -4"]);
  // a card, on hover: a's numbers in full and its nudged derivative
  await stepper.locator("svg g.v0").hover();
  const card = await stepper.locator(".dg-card").innerText();
  assert(card.includes("data = 2.0") && card.includes("grad = 6.0"), card);
  assert(/nudging a: \(L\(a\+h\) − L\(a−h\)\) \/ 2h = 5\.99999\d+ +✓ agrees/.test(card), card);
  // highlighted: a's box and its edge into e's op
  assertEquals(
    await page.evaluate(() =>
      [...document.querySelectorAll(".denograd-view svg g.hl")].map((g) => g.getAttribute("class"))
    ),
    ["v v0 hl", "e e0 hl"],
  );
}

/**
 * Stepper `which` (the MLP(2, [4, 4, 1]) output, too wide to show whole at a readable size):
 * Fit shows all of it and 100 % its natural size, and either way a step brings its value into
 * view; space plays and pauses.
 */
async function checkControls(page: Page, which: number): Promise<void> {
  const stepper = page.locator("[data-denograd-stepper]").nth(which);
  const scale = () =>
    page.evaluate((which): [number, boolean] => {
      const root = document.querySelectorAll("[data-denograd-stepper]")[which];
      const svg = root.querySelector<SVGSVGElement>(".denograd-view svg")!;
      const box = root.querySelector<HTMLElement>(".denograd-view")!;
      const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
      return [scale, box.scrollWidth <= box.clientWidth];
    }, which);
  await stepper.focus();
  await page.keyboard.press("Home");
  const [readable, fits] = await scale();
  assert(readable < 1 && !fits, `opens at ${readable}, scrolling`);
  await stepper.locator("button[data-zoom=fit]").click();
  const [fitted, whole] = await scale();
  assert(fitted < readable && whole, `Fit: ${fitted}, all in the box`);
  await stepper.locator("button[data-act=next]").click();
  await checkShown(page, which, 1, "MLP(2, [4, 4, 1]) fitted, step 1");
  await stepper.locator("button[data-zoom='1']").click();
  assertEquals((await scale())[0], 1, "100 %");
  await stepper.locator("button[data-act=next]").click();
  await checkShown(page, which, 2, "MLP(2, [4, 4, 1]) at 100 %, step 2");
  await stepper.screenshot({ path: new URL("step_backward_zoom100.png", artifacts).pathname });
  // space plays (a step every 30 s / 64 steps) and pauses
  await stepper.locator("button[data-act=reset]").click();
  await stepper.focus();
  await page.keyboard.press(" ");
  await page.waitForFunction(
    (which) =>
      Number(
        document.querySelectorAll("[data-denograd-stepper]")[which].getAttribute("data-step"),
      ) >= 2,
    which,
  );
  await page.keyboard.press(" ");
  const paused = (await page.evaluate(readStepper, which)).step;
  await page.waitForTimeout(1000);
  assertEquals((await page.evaluate(readStepper, which)).step, paused, "paused");
  assertEquals(await stepper.locator("button[data-act=play]").innerText(), "▶ Play");
}

/**
 * Time 20 steps of stepper `which` (the MLP(2, [16, 16, 1]) output) in the page: the script a
 * step runs, from the key press to the last change of the page, one step per frame. This machine
 * is shared and noisy (a garbage collection or another process can stall any one sample), so each
 * step is taken three times (stepping back, untimed, in between) and its best time is what counts:
 * noise only ever adds time.
 */
async function timeSteps(page: Page, which: number): Promise<void> {
  const samples = await page.evaluate(async (which) => {
    const root = document.querySelectorAll("[data-denograd-stepper]")[which] as HTMLElement;
    const press = (key: string) =>
      root.dispatchEvent(new KeyboardEvent("keydown", { key, bubbles: true }));
    const frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    root.focus();
    press("Home");
    const samples: number[][] = [];
    for (let i = 0; i < 20; i++) {
      const times: number[] = [];
      for (let r = 0; r < 3; r++) {
        if (r > 0) press("ArrowLeft"), await frame();
        await frame();
        const start = performance.now();
        press("ArrowRight");
        times.push(performance.now() - start);
      }
      samples.push(times);
    }
    return samples;
  }, which);
  const best = samples.map((times) => Math.min(...times));
  console.log(
    `MLP(2, [16, 16, 1]) stepper: ms per step, best of 3 ${
      best.map((t) => t.toFixed(1)).join(" ")
    }`,
  );
  assertLessOrEqual(Math.max(...best), STEP_MS, `steps took ${JSON.stringify(samples)} ms`);
}

/** The fixture notebook with the outputs its cells show, as a notebook saved after a run. */
async function savedNotebook(): Promise<unknown> {
  const notebook = notebookOf("stepBackward, saved", CELLS) as {
    cells: { cell_type: string; execution_count?: number; outputs?: unknown[]; source: string[] }[];
  };
  // each cell run here, its stepBackward(...) kept instead of shown
  const shown: StepBackward[] = [];
  new Function(
    "Value",
    "MLP",
    "random",
    "stepBackward",
    "shown",
    CELLS.slice(1).map((cell) =>
      cell.replace(/^stepBackward\((.*)\);$/m, "shown.push(stepBackward($1));")
    )
      .join("\n"),
  )(Value, MLP, random, stepBackward, shown);
  for (const [k, stepper] of shown.entries()) {
    const data = await Reflect.get(stepper, Symbol.for("Jupyter.display")).call(stepper);
    const code = notebook.cells[k + 2]; // after the title and the import
    code.execution_count = k + 2;
    code.outputs = [{ output_type: "execute_result", execution_count: k + 2, data, metadata: {} }];
  }
  return notebook;
}

/** Export `path` with Debian's nbconvert (lab template) next to it; returns the HTML's path. */
async function exportHtml(path: string): Promise<string> {
  const out = await new Deno.Command("/usr/bin/python3", {
    args: ["-m", "nbconvert", "--to", "html", path],
    cwd: root.pathname,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) fail(`nbconvert failed: ${new TextDecoder().decode(out.stderr)}`);
  return path.replace(/\.ipynb$/, ".html");
}
