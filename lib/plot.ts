/**
 * Plots for notebooks: a line through points, as matplotlib's `plt.plot(xs, ys)`
 * ({@linkcode plotLine}) or a function's graph ({@linkcode plotFunction}), a loss curve ({@linkcode plotLoss}), a classifier's decision boundary
 * ({@linkcode plotDecisionBoundary}, as in micrograd's `demo.ipynb`) and a 2-D dataset
 * ({@linkcode plotPoints}). Each is a Vega-Lite chart rendered to SVG by Vega, headless: no
 * browser, DOM or canvas, and the same input always gives the same bytes.
 *
 * @module
 */
import type { TopLevelSpec } from "npm:vega-lite@6.5.0";
import { describe } from "./_format.ts";
import { checkFinite, checkOptions, checkPositive, checkString } from "./_check.ts";
import { rasterise, saveImage } from "./_image.ts";
import { figureHtml } from "./_figure.ts";

/** Options every plot takes. */
export interface PlotOptions {
  /** A title above the plot (default none). */
  title?: string;
  /** Width of the whole picture in pixels, axes included (default 500). */
  width?: number;
  /** Height of the whole picture in pixels, axes included (default 400). */
  height?: number;
}

/** Options of {@linkcode plotLine}. */
export interface LineOptions extends PlotOptions {
  /** The x axis's title (default `"x"`), matplotlib's `plt.xlabel`. */
  xLabel?: string;
  /** The y axis's title (default `"y"`), matplotlib's `plt.ylabel`. */
  yLabel?: string;
}

/** Options of {@linkcode plotDecisionBoundary}. */
export interface DecisionBoundaryOptions extends PlotOptions {
  /** Spacing of the grid on which the classifier is evaluated, micrograd's `h` (default 0.25). */
  step?: number;
}

/** A labelled 2-D dataset, as `makeMoons` returns it. */
export interface Points {
  /** The points, each an `[x, y]` pair. */
  X: number[][];
  /** One label per point: 0 or 1, or -1 or 1. */
  y: number[];
}

/**
 * A plot: its Vega-Lite spec now, its SVG on demand. In Jupyter (the Deno kernel) a `Chart`
 * displays itself as an SVG picture.
 *
 * @example Draw a Vega-Lite spec of your own, then change its title
 * ```ts
 * import { Chart } from "../mod.ts";
 * import { assertEquals, assertStringIncludes } from "@std/assert";
 * const chart = new Chart({
 *   data: { values: [{ op: "add", count: 3 }, { op: "mul", count: 5 }] },
 *   mark: "bar",
 *   encoding: { x: { field: "op", type: "nominal" }, y: { field: "count", type: "quantitative" } },
 * }, "ops in a graph");
 * assertEquals(chart.toString(), "Chart(ops in a graph)");
 * assertStringIncludes(await chart.svg(), "<svg");
 * chart.spec.title = "ops by kind"; // the spec is drawn afresh on every svg()
 * assertStringIncludes(await chart.svg(), ">ops by kind</text>");
 * ```
 */
export class Chart {
  /** The Vega-Lite spec, data included; change it and the next {@linkcode Chart.svg} shows that. */
  readonly spec: Record<string, unknown>;
  /** What it shows, for the text form, such as `loss over 100 steps`. */
  readonly description: string;

  /**
   * Wrap a Vega-Lite spec; {@linkcode plotLoss} and the other plot functions make these.
   *
   * @param spec A Vega-Lite spec with its data inline.
   * @param description What it shows, for the text form.
   */
  constructor(spec: Record<string, unknown>, description: string) {
    this.spec = spec;
    this.description = description;
  }

  /**
   * Render with Vega (loaded on first use and shared after that).
   *
   * @returns Standalone SVG markup (with `xmlns`, a white background and no external fonts
   * or CSS), starting at `<svg`.
   */
  async svg(): Promise<string> {
    const { vega, vegaLite } = await loadVega();
    const { spec } = vegaLite.compile(this.spec as unknown as TopLevelSpec);
    const view = new vega.View(vega.parse(spec), { renderer: "none" });
    try {
      return await view.toSVG();
    } finally {
      view.finalize();
    }
  }

  /**
   * Rasterise the SVG with resvg (WebAssembly) into a PNG, one pixel per SVG pixel, with
   * DejaVu Sans for the text. The first call reads the fonts from their npm package, so it
   * needs read access to that package's `ttf` folder in Deno's npm cache (the error says which).
   *
   * @returns The PNG file's bytes.
   * @throws {Deno.errors.NotCapable} If the fonts cannot be read for want of permission.
   * @example
   * ```ts
   * import { plotLoss } from "../mod.ts";
   * import { assertEquals } from "@std/assert";
   * const png = await plotLoss([3, 2, 1]).png();
   * assertEquals([...png.subarray(1, 4)], [0x50, 0x4e, 0x47]); // "PNG"
   * ```
   */
  async png(): Promise<Uint8Array> {
    return rasterise(await this.svg());
  }

  /**
   * Write the picture to a file, as SVG or PNG by the file's extension. An SVG needs write
   * access to `path` only; a PNG needs read access to its fonts too (see {@linkcode Chart.png}).
   *
   * @param path Where to write it: a path or `file:` URL ending in `.svg` or `.png`, such as
   * `out/loss.svg`.
   * @throws {TypeError} If `path` is not a string or URL.
   * @throws {RangeError} If the extension is neither `.svg` nor `.png`.
   * @throws {Deno.errors.NotFound} If the folder does not exist.
   * @example
   * ```ts
   * import { plotLoss } from "../mod.ts";
   * import { assertEquals } from "@std/assert";
   * const dir = await Deno.makeTempDir();
   * await plotLoss([3, 2, 1]).save(`${dir}/loss.png`);
   * const png = await Deno.readFile(`${dir}/loss.png`);
   * assertEquals([...png.subarray(1, 4)], [0x50, 0x4e, 0x47]); // "PNG"
   * await Deno.remove(dir, { recursive: true });
   * ```
   */
  save(path: string | URL): Promise<void> {
    return saveImage(path, "chart", this);
  }

  /** A short text form: `Chart(loss over 100 steps)`. */
  toString(): string {
    return `Chart(${this.description})`;
  }

  /**
   * How `console.log` and `Deno.inspect` show a chart: its text form, not its spec.
   *
   * @example
   * ```ts
   * import { plotLoss } from "../mod.ts";
   * import { assertEquals } from "@std/assert";
   * assertEquals(Deno.inspect(plotLoss([3, 2, 1])), "Chart(loss over 3 steps)");
   * ```
   */
  [Symbol.for("Deno.customInspect")](): string {
    return this.toString();
  }

  /**
   * What Deno's Jupyter kernel shows: HTML that every notebook front end shows as a picture (a
   * PNG for viewers that run no script, the SVG fitted to the output area's width for the rest),
   * with the text form for front ends that show neither.
   *
   * @example
   * ```ts
   * import { plotLoss } from "../mod.ts";
   * import { assertEquals } from "@std/assert";
   * const chart = plotLoss([3, 2, 1]);
   * const bundle = await Reflect.get(chart, Symbol.for("Jupyter.display")).call(chart);
   * assertEquals(Object.keys(bundle), ["text/html", "text/plain"]);
   * ```
   */
  async [Symbol.for("Jupyter.display")](): Promise<Record<string, string>> {
    const text = this.toString();
    return {
      "text/html": await figureHtml(await this.svg(), { alt: text, textSize: 11 }),
      "text/plain": text,
    };
  }
}

/**
 * A loss curve: the loss at each training step, step 0 first.
 *
 * @param losses The loss after each step, as numbers (`loss.data`, not the `Value`).
 * @param options A title and the picture's size.
 * @returns The chart, which Jupyter displays as SVG.
 * @throws {TypeError} If `losses` is not an array of numbers, or an option has the wrong type.
 * @throws {RangeError} If `losses` is empty or holds a number that is not finite, or a size
 * is not positive.
 * @example Plot three steps of training
 * ```ts
 * import { plotLoss } from "../mod.ts";
 * import { assertStringIncludes } from "@std/assert";
 * const chart = plotLoss([0.9, 0.5, 0.2], { title: "training loss" });
 * assertStringIncludes(chart.toString(), "loss over 3 steps");
 * assertStringIncludes(await chart.svg(), ">training loss</text>");
 * ```
 */
export function plotLoss(losses: number[], options: PlotOptions = {}): Chart {
  const action = "plot loss";
  if (!Array.isArray(losses)) {
    throw new TypeError(
      `Cannot ${action}: plotLoss() takes an array of numbers, got ${describe(losses)}`,
    );
  }
  if (losses.length === 0) {
    throw new RangeError(`Cannot ${action}: there are no losses, got an array of length 0`);
  }
  losses.forEach((loss, i) => checkFinite(loss, action, `losses[${i}]`));
  const layout = layoutOf(options, action);
  const n = losses.length;
  const [lo, hi] = extent(losses);
  // a flat curve leaves Vega no y range to spread: draw it against 0 instead
  const yScale = lo < hi
    ? { zero: false }
    : { domain: lo === 0 ? [0, 1] : [Math.min(lo, 0), Math.max(lo, 0)] };
  const spec = {
    ...layout,
    data: { values: losses.map((loss, step) => ({ step, loss })) },
    // a dot per step while there are few, so that even a single step shows
    mark: { type: "line", point: n <= 20 },
    encoding: {
      x: {
        field: "step",
        type: "quantitative",
        title: "step",
        scale: { domain: [0, Math.max(n - 1, 1)], nice: false },
        axis: { format: "d", tickMinStep: 1 },
      },
      y: { field: "loss", type: "quantitative", title: "loss", scale: yScale },
    },
  };
  return new Chart(spec, `loss over ${n} step${n === 1 ? "" : "s"}`);
}

/**
 * A line through the points `(xs[i], ys[i])`, joined in the order given, as matplotlib's
 * `plt.plot(xs, ys)` draws it, on a grid. To plot a function over evenly spaced xs, as the
 * lecture's `plt.plot(xs, f(xs))` over `np.arange(-5, 5, 0.25)`, {@linkcode plotFunction}
 * makes the xs for you; here `plotLine(xs, xs.map(f))` does the same with xs you made.
 *
 * @param xs The points' x coordinates, finite numbers.
 * @param ys Their y coordinates, one per x, finite numbers.
 * @param options A title, the axes' titles (`xLabel`, `yLabel`) and the picture's size.
 * @returns The chart, which Jupyter displays as SVG.
 * @throws {TypeError} If `xs` or `ys` is not an array of numbers, or an option has the wrong
 * type or an unknown name.
 * @throws {RangeError} If `xs` is empty, `ys` has a different length, a coordinate is not
 * finite, or a size is not positive.
 * @example Plot a parabola
 * ```ts
 * import { plotLine } from "../mod.ts";
 * import { assertEquals, assertStringIncludes } from "@std/assert";
 * const xs = [-2, -1, 0, 1, 2];
 * const chart = plotLine(xs, xs.map((x) => x ** 2), { title: "x²" });
 * assertEquals(chart.toString(), "Chart(line through 5 points)");
 * assertStringIncludes(await chart.svg(), ">x²</text>");
 * ```
 */
export function plotLine(xs: number[], ys: number[], options: LineOptions = {}): Chart {
  const action = "plot line";
  for (const [name, values] of [["xs", xs], ["ys", ys]] as const) {
    if (!Array.isArray(values)) {
      throw new TypeError(
        `Cannot ${action}: ${name} must be an array of numbers, got ${describe(values)}`,
      );
    }
  }
  if (xs.length === 0) {
    throw new RangeError(`Cannot ${action}: xs must not be empty, got an array of length 0`);
  }
  if (ys.length !== xs.length) {
    throw new RangeError(
      `Cannot ${action}: ys must have one number for each of the ${xs.length} xs, got ${
        describe(ys)
      }`,
    );
  }
  xs.forEach((x, i) => checkFinite(x, action, `xs[${i}]`));
  ys.forEach((y, i) => checkFinite(y, action, `ys[${i}]`));
  return lineChart(xs, ys, options, action);
}

/** Options of {@linkcode plotFunction}: where to evaluate the function, and the line's options. */
export interface FunctionOptions extends LineOptions {
  /** The first x. */
  from: number;
  /** Where the xs stop: every x is below it, as with `np.arange`. */
  to: number;
  /** The spacing between one x and the next. */
  step: number;
}

/**
 * A function's graph: `f` evaluated at `np.arange(from, to, step)`'s numbers (the same numbers
 * as numpy's, bit for bit, `to` left out) and joined by a line. The lecture's
 * `xs = np.arange(-5, 5, 0.25); plt.plot(xs, f(xs))` is
 * `plotFunction(f, { from: -5, to: 5, step: 0.25 })`; {@linkcode plotLine} takes the points
 * themselves.
 *
 * @param f The function, called once per x, in order: a number in, a number out.
 * @param options The xs (`from`, `to`, `step`), a title, the axes' titles and the picture's size.
 * @returns The chart, which Jupyter displays as SVG.
 * @throws {TypeError} If `f` is not a function or returns something not a number, or an option
 * is missing or has the wrong type or an unknown name.
 * @throws {RangeError} If `from` or `to` is not finite, `step` is not positive, `to` is not
 * above `from`, the xs would be more than 10,000, `f` returns a number that is not finite, or a
 * size is not positive.
 * @example Plot the lecture's parabola
 * ```ts
 * import { plotFunction } from "../mod.ts";
 * import { assertEquals } from "@std/assert";
 * const f = (x: number) => 3 * x ** 2 - 4 * x + 5;
 * const chart = plotFunction(f, { from: -5, to: 5, step: 0.25 });
 * assertEquals(chart.toString(), "Chart(line through 40 points)");
 * ```
 */
export function plotFunction(f: (x: number) => number, options: FunctionOptions): Chart {
  const action = "plot function";
  if (typeof f !== "function") {
    throw new TypeError(
      `Cannot ${action}: plotFunction() takes a function x => y, got ${describe(f)}`,
    );
  }
  const { from, to, step, ...line } = checkOptions(
    options,
    ["from", "to", "step", "title", "width", "height", ...LINE_OPTIONS],
    action,
  );
  checkFinite(from, action, "from");
  checkFinite(to, action, "to");
  checkPositive(step, action, "step");
  const [start, stop, spacing] = [from, to, step] as number[];
  const n = arangeLength(start, stop, spacing);
  if (n === 0) {
    throw new RangeError(`Cannot ${action}: to must be above from (${start}), got ${stop}`);
  }
  if (n > MAX_FUNCTION_POINTS) {
    throw new RangeError(
      `Cannot ${action}: step makes ${n} points from ${start} to ${stop}, more than ${MAX_FUNCTION_POINTS}, got ${spacing}`,
    );
  }
  const xs = arange(start, spacing, n);
  const ys = xs.map((x) => {
    const y = f(x);
    if (typeof y !== "number") {
      throw new TypeError(
        `Cannot ${action}: f must return a number, got ${describe(y)} from f(${x})`,
      );
    }
    if (!Number.isFinite(y)) {
      throw new RangeError(
        `Cannot ${action}: f must return a finite number, got ${y} from f(${x})`,
      );
    }
    return y;
  });
  return lineChart(xs, ys, line, action);
}

/** The options a line takes beyond every plot's. */
const LINE_OPTIONS = ["xLabel", "yLabel"] as const;
/** The most points {@linkcode plotFunction} evaluates (a line of 10,000 points is 0.3 MB of SVG). */
const MAX_FUNCTION_POINTS = 10_000;

/** The line chart through checked points, after checking its options. */
function lineChart(xs: number[], ys: number[], options: LineOptions, action: string): Chart {
  const layout = layoutOf(options, action, LINE_OPTIONS);
  const { xLabel = "x", yLabel = "y" } = options;
  checkString(xLabel, action, "xLabel");
  checkString(yLabel, action, "yLabel");
  const n = xs.length;
  const spec = {
    ...layout,
    data: { values: xs.map((x, i) => ({ i, x, y: ys[i] })) },
    // a dot per point while there are few, so that even a single point shows
    mark: { type: "line", point: n <= 20 },
    encoding: {
      x: { field: "x", type: "quantitative", title: xLabel, scale: { zero: false } },
      y: { field: "y", type: "quantitative", title: yLabel, scale: { zero: false } },
      // joined in the order given, as plt.plot does, not sorted by x
      order: { field: "i", type: "quantitative" },
    },
  };
  return new Chart(spec, `line through ${n} point${n === 1 ? "" : "s"}`);
}

/**
 * A classifier's decision boundary, as micrograd's `demo.ipynb` draws it: `predict` is
 * evaluated on a grid spanning the data with a margin of 1 (`np.arange(X[:,0].min() - 1,
 * X[:,0].max() + 1, step)` across, likewise up, the same numbers as numpy's), each grid point
 * colours the square around it by whether `predict(x, y) > 0`, and the points go on top,
 * coloured by label. Red is label 0 (or -1) and a score of at most 0; blue is label 1 and a
 * positive score.
 *
 * `predict` is called now, once per grid point, row by row from the bottom left, so the chart
 * shows the model as it is now even if training goes on.
 *
 * @param predict The classifier's score for a point, such as `(x, y) => model([x, y]).data`.
 * @param points The dataset, `{ X, y }`.
 * @param options The grid's `step`, a title and the picture's size.
 * @returns The chart, which Jupyter displays as SVG.
 * @throws {TypeError} If `predict` is not a function or returns something not a number, or
 * `points` or an option has the wrong type.
 * @throws {RangeError} If `predict` returns NaN; if `points` is empty, has a pair that is not
 * two finite numbers, a label count that differs from the point count, or labels that are not
 * all 0/1 or all -1/1; if `step` is not positive or makes more than 10,000 grid points.
 * @example Plot a linear classifier
 * ```ts
 * import { plotDecisionBoundary } from "../mod.ts";
 * import { assertEquals } from "@std/assert";
 * const points = { X: [[0, 0], [1, 1]], y: [-1, 1] };
 * const chart = plotDecisionBoundary((x, y) => x + y - 1, points);
 * assertEquals(chart.toString(), "Chart(decision boundary on a 12×12 grid, 2 points)");
 * ```
 */
export function plotDecisionBoundary(
  predict: (x: number, y: number) => number,
  points: Points,
  options: DecisionBoundaryOptions = {},
): Chart {
  const action = "plot decision boundary";
  if (typeof predict !== "function") {
    throw new TypeError(
      `Cannot ${action}: plotDecisionBoundary() takes a function (x, y) => score, got ${
        describe(predict)
      }`,
    );
  }
  const { X, labels } = checkPoints(points, action);
  const layout = layoutOf(options, action, ["step"]);
  const step = options.step === undefined ? 0.25 : checkPositive(options.step, action, "step");
  const [xMin, xMax] = extent(X.map((p) => p[0]));
  const [yMin, yMax] = extent(X.map((p) => p[1]));
  const columns = arangeLength(xMin - 1, xMax + 1, step);
  const rows = arangeLength(yMin - 1, yMax + 1, step);
  if (columns * rows > MAX_GRID_POINTS) {
    throw new RangeError(
      `Cannot ${action}: step makes a ${columns}×${rows} grid, more than ${MAX_GRID_POINTS} points, got ${
        describe(step)
      }`,
    );
  }
  const xs = arange(xMin - 1, step, columns);
  const ys = arange(yMin - 1, step, rows);
  const half = step / 2;
  const cells = [];
  for (const y of ys) {
    for (const x of xs) {
      const score = predict(x, y);
      if (typeof score !== "number") {
        throw new TypeError(
          `Cannot ${action}: predict must return a number, got ${
            describe(score)
          } from predict(${x}, ${y})`,
        );
      }
      if (Number.isNaN(score)) {
        throw new RangeError(
          `Cannot ${action}: predict must not return NaN, got NaN from predict(${x}, ${y})`,
        );
      }
      const color = score > 0 ? CELL_COLORS[1] : CELL_COLORS[0];
      cells.push({ x: x - half, x2: x + half, y: y - half, y2: y + half, color });
    }
  }
  const x = { field: "x", type: "quantitative", title: "x" };
  const y = { field: "y", type: "quantitative", title: "y" };
  const fill = { field: "color", type: "nominal", scale: null };
  const spec = {
    ...layout,
    config: { ...layout.config, axis: { grid: false } },
    layer: [
      {
        data: { values: cells },
        // the outline, in the fill's colour, closes the hairline gaps between cells
        mark: { type: "rect", strokeWidth: 0.5 },
        encoding: {
          x: { ...x, scale: { domain: [xs[0] - half, xs[columns - 1] + half], nice: false } },
          x2: { field: "x2" },
          y: { ...y, scale: { domain: [ys[0] - half, ys[rows - 1] + half], nice: false } },
          y2: { field: "y2" },
          fill,
          stroke: fill,
        },
      },
      pointLayer(X, labels),
    ],
  };
  return new Chart(
    spec,
    `decision boundary on a ${columns}×${rows} grid, ${X.length} point${X.length === 1 ? "" : "s"}`,
  );
}

/**
 * A scatter plot of a 2-D dataset, each point coloured by its label: red for 0 (or -1),
 * blue for 1.
 *
 * @param points The dataset, `{ X, y }`.
 * @param options A title and the picture's size.
 * @returns The chart, which Jupyter displays as SVG.
 * @throws {TypeError} If `points` or an option has the wrong type.
 * @throws {RangeError} If `points` is empty, has a pair that is not two finite numbers, a
 * label count that differs from the point count, or labels that are not all 0/1 or all -1/1.
 * @example Plot two points
 * ```ts
 * import { plotPoints } from "../mod.ts";
 * import { assertStringIncludes } from "@std/assert";
 * const chart = plotPoints({ X: [[0, 0], [1, 1]], y: [0, 1] });
 * assertStringIncludes(await chart.svg(), 'xmlns="http://www.w3.org/2000/svg"');
 * ```
 */
export function plotPoints(points: Points, options: PlotOptions = {}): Chart {
  const action = "plot points";
  const { X, labels } = checkPoints(points, action);
  const layout = layoutOf(options, action);
  const spec = { ...layout, ...pointLayer(X, labels) };
  return new Chart(spec, `${X.length} point${X.length === 1 ? "" : "s"}`);
}

/** Spectral's red and blue (matplotlib's colour map in micrograd's demo), for labels 0 and 1. */
const POINT_COLORS = ["#d53e4f", "#3288bd"] as const;
/** Paler tints of the same, for the grid under the points. */
const CELL_COLORS = ["#f5c0c6", "#c1dbee"] as const;
/** The most grid points a decision boundary evaluates: 100 × 100, 1.6 MB of SVG, 0.3 s to render. */
const MAX_GRID_POINTS = 10_000;

/** The Vega-Lite layer of a dataset's points, `labels` being 0 or 1. */
function pointLayer(X: number[][], labels: number[]): Record<string, unknown> {
  return {
    data: { values: X.map(([x, y], i) => ({ x, y, color: POINT_COLORS[labels[i]] })) },
    // micrograd's scatter: s=40 (area in points²), with an edge so the points stand out
    mark: { type: "circle", size: 40, opacity: 1, stroke: "#222", strokeWidth: 0.5 },
    encoding: {
      x: { field: "x", type: "quantitative", title: "x", scale: { zero: false } },
      y: { field: "y", type: "quantitative", title: "y", scale: { zero: false } },
      fill: { field: "color", type: "nominal", scale: null },
    },
  };
}

/**
 * The spec's top-level layout from checked options: `title`, `width`, `height`, and the plot's
 * own keys (`more`, checked by the caller); any other key is a `TypeError`.
 */
function layoutOf(
  options: PlotOptions,
  action: string,
  more: readonly string[] = [],
): Record<string, unknown> & { config: Record<string, unknown> } {
  const given = checkOptions(options, ["title", "width", "height", ...more], action);
  const { title, width = 500, height = 400 } = given;
  if (title !== undefined) checkString(title, action, "title");
  checkPositive(width, action, "width");
  checkPositive(height, action, "height");
  return {
    ...(title ? { title } : {}),
    width,
    height,
    // width and height are the whole picture's, not just the plotting area's
    autosize: { type: "fit", contains: "padding" },
    background: "white",
    // no aria-label per mark: it would double the SVG's size
    config: { aria: false },
  };
}

/** The points as pairs, and their labels as 0 or 1 (from 0/1 or -1/1). */
function checkPoints(points: Points, action: string): { X: number[][]; labels: number[] } {
  if (typeof points !== "object" || points === null || Array.isArray(points)) {
    throw new TypeError(
      `Cannot ${action}: points must be an object { X, y }, got ${describe(points)}`,
    );
  }
  const { X, y } = points;
  if (!Array.isArray(X)) {
    throw new TypeError(
      `Cannot ${action}: points.X must be an array of [x, y] pairs, got ${describe(X)}`,
    );
  }
  if (X.length === 0) {
    throw new RangeError(`Cannot ${action}: points.X must not be empty, got an array of length 0`);
  }
  X.forEach((p, i) => {
    if (!Array.isArray(p)) {
      throw new TypeError(
        `Cannot ${action}: points.X[${i}] must be an [x, y] pair, got ${describe(p)}`,
      );
    }
    if (p.length !== 2) {
      throw new RangeError(
        `Cannot ${action}: points.X[${i}] must be an [x, y] pair, got ${describe(p)}`,
      );
    }
    checkFinite(p[0], action, `points.X[${i}][0]`);
    checkFinite(p[1], action, `points.X[${i}][1]`);
  });
  if (!Array.isArray(y)) {
    throw new TypeError(
      `Cannot ${action}: points.y must be an array of labels, got ${describe(y)}`,
    );
  }
  if (y.length !== X.length) {
    throw new RangeError(
      `Cannot ${action}: points.y must have a label for each of the ${X.length} points, got ${
        describe(y)
      }`,
    );
  }
  let negative: number | undefined; // 0 or -1, whichever came first
  y.forEach((label, i) => {
    if (typeof label !== "number") {
      throw new TypeError(
        `Cannot ${action}: points.y[${i}] must be a number, got ${describe(label)}`,
      );
    }
    if (label !== 0 && label !== -1 && label !== 1) {
      throw new RangeError(
        `Cannot ${action}: points.y[${i}] must be 0, 1 or -1, got ${describe(label)}`,
      );
    }
    if (label === 1) return;
    negative ??= label;
    if (label !== negative) {
      throw new RangeError(
        `Cannot ${action}: labels must be all 0/1 or all -1/1, got ${negative} earlier and ${
          describe(label)
        } at points.y[${i}]`,
      );
    }
  });
  return { X, labels: y.map((label) => (label === 1 ? 1 : 0)) };
}

/** The smallest and largest of `values` (without spreading them into `Math.min`'s arguments). */
function extent(values: number[]): [number, number] {
  let min = Infinity, max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return [min, max];
}

/** How many numbers `np.arange(start, stop, step)` gives: ⌈(stop - start) / step⌉, at least 0. */
function arangeLength(start: number, stop: number, step: number): number {
  return Math.max(Math.ceil((stop - start) / step), 0);
}

/**
 * The numbers of `np.arange(start, stop, step)`, `length` of them, bit for bit: numpy sets
 * the first two to `start` and `start + step`, then the i-th to `start + i * delta` with
 * `delta = (start + step) - start`, which can differ from `step` in the last bit.
 */
function arange(start: number, step: number, length: number): number[] {
  const second = start + step;
  const delta = second - start;
  return Array.from({ length }, (_, i) => (i === 0 ? start : i === 1 ? second : start + i * delta));
}

type VegaModules = {
  vega: typeof import("npm:vega@6.4.0");
  vegaLite: typeof import("npm:vega-lite@6.5.0");
};
let modules: Promise<VegaModules> | undefined;

/** Vega and Vega-Lite, imported on first use (importing denograd alone need not load them). */
function loadVega(): Promise<VegaModules> {
  modules ??= Promise.all([import("npm:vega@6.4.0"), import("npm:vega-lite@6.5.0")]).then((
    [vega, vegaLite],
  ) => ({
    vega,
    vegaLite,
  })).catch((e) => {
    modules = undefined; // let the next call try again
    throw e;
  });
  return modules;
}
