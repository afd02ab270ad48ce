import {
  assert,
  assertEquals,
  assertMatch,
  assertNotMatch,
  assertStringIncludes,
  assertThrows,
} from "@std/assert";
import {
  Chart,
  plotDecisionBoundary,
  plotFunction,
  plotLine,
  plotLoss,
  plotPoints,
} from "../mod.ts";

/** The `<path>` elements drawn by the first Vega mark group of a kind (`rect`, `symbol`, `line`). */
function markPaths(svg: string, kind: string): string[] {
  const group = svg.match(new RegExp(`<g class="mark-${kind} role-mark[^"]*"[^>]*>(.*?)</g>`, "s"));
  assert(group, `no mark-${kind} group in the SVG`);
  return group[1].match(/<path [^>]*\/>/g) ?? [];
}

/** The tick labels of each axis, in drawing order (x first). */
function axisLabels(svg: string): string[][] {
  return [...svg.matchAll(/<g class="mark-text role-axis-label"[^>]*>(.*?)<\/g>/gs)]
    .map((m) => [...m[1].matchAll(/>([^<]*)<\/text>/g)].map((t) => t[1]));
}

/** Checks what every chart's SVG must be: standalone, sized, self-contained. */
function assertStandaloneSvg(svg: string, width = 500, height = 400): void {
  assertMatch(
    svg,
    /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^>]* width="(\d+)" height="(\d+)"/,
  );
  assertStringIncludes(
    svg,
    ` width="${width}" height="${height}" viewBox="0 0 ${width} ${height}"`,
  );
  assert(svg.endsWith("</svg>"), "SVG is cut short");
  // nothing fetched from outside: no stylesheets, fonts, links or generated class names
  assertNotMatch(svg, /<style|@import|@font-face|url\(|href=|class="plot-/);
  assertEquals(svg.match(/<g[\s>]/g)?.length, svg.match(/<\/g>/g)?.length, "unbalanced <g>");
}

// Two crescents of four points each, labels 0/1.
const X = [[-1, 0], [0, 1], [1, 0], [0.5, 0.8], [0, 0.5], [1, -0.5], [2, 0.5], [1.5, -0.3]];
const y01 = [0, 0, 0, 0, 1, 1, 1, 1];

Deno.test("plotLoss() draws one line through every step, titled and labelled", async () => {
  const losses = Array.from({ length: 100 }, (_, i) => 1 / (1 + i));
  const chart = plotLoss(losses, { title: "training loss" });
  assertEquals(chart.toString(), "Chart(loss over 100 steps)");
  const svg = await chart.svg();
  assertStandaloneSvg(svg);
  const lines = markPaths(svg, "line");
  assertEquals(lines.length, 1);
  // one move then a segment to each later step
  assertEquals(lines[0].match(/[ML]/g)?.length, 100);
  for (const text of [">training loss</text>", ">step</text>", ">loss</text>"]) {
    assertStringIncludes(svg, text);
  }
});

Deno.test("plotLoss() marks each step with a dot for short runs, even a single step", async (t) => {
  await t.step("3 steps: 3 dots", async () => {
    assertEquals(markPaths(await plotLoss([0.9, 0.5, 0.2]).svg(), "symbol").length, 3);
  });
  await t.step("1 step, and flat runs, get a y range that shows them", async () => {
    for (const losses of [[0.5], [0, 0], [2, 2, 2]]) {
      const svg = await plotLoss(losses).svg();
      assertEquals(markPaths(svg, "symbol").length, losses.length);
      const yLabels = axisLabels(svg)[1].map(Number);
      assertEquals(yLabels[0], 0);
      assertEquals(yLabels.at(-1), losses[0] || 1); // [0, 0.5], [0, 1], [0, 2]
    }
  });
  await t.step("100 steps: no dots", async () => {
    assertNotMatch(
      await plotLoss(Array(100).fill(1).map((v, i) => v / (i + 1))).svg(),
      /mark-symbol/,
    );
  });
});

Deno.test("plotDecisionBoundary() evaluates predict on numpy's arange grid, row by row", () => {
  // Golden grid from numpy 1.24.2, as micrograd's demo.ipynb builds it:
  // /usr/bin/python3 -c "import numpy as np; X = np.array([[-2.19, 0.3], [0.0, -0.4], [-1.0, 0.75]]);
  //   h = 0.3; x_min, x_max = X[:, 0].min() - 1, X[:, 0].max() + 1;
  //   y_min, y_max = X[:, 1].min() - 1, X[:, 1].max() + 1;
  //   xx, yy = np.meshgrid(np.arange(x_min, x_max, h), np.arange(y_min, y_max, h));
  //   print([float(v) for v in xx[0]], [float(v) for v in yy[:, 0]])"
  // Xmesh = np.c_[xx.ravel(), yy.ravel()] takes them x fastest; -2.59...03 (not -2.59) shows
  // numpy's fill rule start + i * ((start + h) - start).
  const xs = [
    -3.19,
    -2.89,
    -2.5900000000000003,
    -2.2900000000000005,
    -1.9900000000000007,
    -1.6900000000000008,
    -1.390000000000001,
    -1.0900000000000012,
    -0.7900000000000014,
    -0.49000000000000155,
    -0.19000000000000172,
    0.1099999999999981,
    0.4099999999999979,
    0.7099999999999977,
  ];
  const ys = [
    -1.4,
    -1.0999999999999999,
    -0.7999999999999998,
    -0.4999999999999998,
    -0.19999999999999973,
    0.10000000000000031,
    0.40000000000000036,
    0.7000000000000006,
    1.0000000000000004,
    1.3000000000000003,
    1.6000000000000005,
  ];
  const calls: [number, number][] = [];
  const points = { X: [[-2.19, 0.3], [0.0, -0.4], [-1.0, 0.75]], y: [1, -1, 1] };
  const chart = plotDecisionBoundary((x, y) => (calls.push([x, y]), x), points, { step: 0.3 });
  assertEquals(calls, ys.flatMap((y) => xs.map((x) => [x, y])));
  assertEquals(chart.toString(), "Chart(decision boundary on a 14×11 grid, 3 points)");
});

Deno.test("plotDecisionBoundary() colours a cell per grid point by predict > 0, points by label", async () => {
  // default step 0.25 on X: x in arange(-2, 3, 0.25) (20), y in arange(-1.5, 2, 0.25) (14)
  const svg = await plotDecisionBoundary((x) => x, { X, y: y01 }).svg();
  assertStandaloneSvg(svg);
  const cells = markPaths(svg, "rect");
  assertEquals(cells.length, 20 * 14);
  // x > 0 for the 11 columns 0.25 ... 2.75; the column at x = 0 scores 0, which is not > 0
  assertEquals(cells.filter((c) => c.includes('fill="#c1dbee"')).length, 11 * 14);
  assertEquals(cells.filter((c) => c.includes('fill="#f5c0c6"')).length, 9 * 14);
  const dots = markPaths(svg, "symbol");
  assertEquals(dots.length, X.length);
  assertEquals(dots.filter((d) => d.includes('fill="#d53e4f"')).length, 4);
  assertEquals(dots.filter((d) => d.includes('fill="#3288bd"')).length, 4);
  // the points are drawn after (on top of) the cells
  assert(svg.indexOf("mark-rect") < svg.indexOf("mark-symbol"));
});

Deno.test("plotDecisionBoundary() reads labels -1/1 as 0/1", async () => {
  const predict = (x: number, y: number) => x * y;
  const a = await plotDecisionBoundary(predict, { X, y: y01 }).svg();
  const b = await plotDecisionBoundary(predict, { X, y: y01.map((v) => 2 * v - 1) }).svg();
  assertEquals(a, b);
});

Deno.test("plotPoints() draws one dot per point, coloured by label", async () => {
  const chart = plotPoints({ X, y: y01.map((v) => 2 * v - 1) }, { title: "moons" });
  assertEquals(chart.toString(), "Chart(8 points)");
  const svg = await chart.svg();
  assertStandaloneSvg(svg);
  const dots = markPaths(svg, "symbol");
  assertEquals(dots.map((d) => d.match(/fill="(#\w+)"/)?.[1]), [
    ...Array(4).fill("#d53e4f"),
    ...Array(4).fill("#3288bd"),
  ]);
  assertStringIncludes(svg, ">moons</text>");
});

Deno.test("charts render the same bytes every time", async () => {
  const make = [
    () => plotLoss([3, 2, 1.5, 1.2]),
    () => plotDecisionBoundary((x, y) => x - y, { X, y: y01 }),
    () => plotPoints({ X, y: y01 }),
  ];
  for (const f of make) {
    const chart = f();
    assertEquals(await f().svg(), await chart.svg());
    assertEquals(await chart.svg(), await chart.svg());
  }
});

Deno.test("plot options set the title and the whole picture's size", async () => {
  const svg = await plotPoints({ X, y: y01 }, { width: 320, height: 240 }).svg();
  assertStandaloneSvg(svg, 320, 240);
  assertNotMatch(svg, /role-title/);
});

Deno.test("Chart displays in Jupyter as HTML carrying its SVG, with a text fallback, and saves to a file", async () => {
  const chart = plotLoss([1, 0.5]);
  const display = (chart as unknown as Record<symbol, () => Promise<Record<string, string>>>)[
    Symbol.for("Jupyter.display")
  ];
  const bundle = await display.call(chart);
  assertEquals(Object.keys(bundle), ["text/html", "text/plain"]);
  assertEquals(bundle["text/plain"], "Chart(loss over 2 steps)");
  const svg = await chart.svg();
  assertStringIncludes(bundle["text/html"], `<script type="image/svg+xml">${svg}</script>`);
  const path = await Deno.makeTempFile({ suffix: ".svg" });
  try {
    await chart.save(path);
    assertEquals(await Deno.readTextFile(path), svg);
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("Chart renders a changed spec", async () => {
  const chart = new Chart({ mark: "point", data: { values: [{ a: 1 }] } }, "one point");
  assertEquals(chart.toString(), "Chart(one point)");
  chart.spec.encoding = { x: { field: "a", type: "quantitative", title: "alpha" } };
  assertStringIncludes(await chart.svg(), ">alpha</text>");
});

Deno.test("plotLoss() rejects what is not a list of finite numbers", async (t) => {
  const cases: [unknown, unknown, typeof TypeError | typeof RangeError, string][] = [
    [undefined, undefined, TypeError, "plotLoss() takes an array of numbers, got undefined"],
    [new Float64Array(2), undefined, TypeError, "got an object (Float64Array)"],
    [[], undefined, RangeError, "there are no losses, got an array of length 0"],
    [[1, "2"], undefined, TypeError, 'losses[1] must be a number, got string "2"'],
    [[1, NaN], undefined, RangeError, "losses[1] must be finite, got NaN"],
    [[Infinity], undefined, RangeError, "losses[0] must be finite, got Infinity"],
    [[1], null, TypeError, "options must be an object, got null"],
    [[1], { title: 3 }, TypeError, "title must be a string, got 3"],
    [[1], { width: "500" }, TypeError, 'width must be a number, got string "500"'],
    [[1], { height: 0 }, RangeError, "height must be positive and finite, got 0"],
  ];
  for (const [losses, options, ErrorClass, message] of cases) {
    await t.step(message, () => {
      assertThrows(() => plotLoss(losses as number[], options as never), ErrorClass, message);
    });
  }
});

Deno.test("plotDecisionBoundary() and plotPoints() reject bad datasets", async (t) => {
  const cases: [unknown, typeof TypeError | typeof RangeError, string][] = [
    [undefined, TypeError, "points must be an object { X, y }, got undefined"],
    [[[0, 0]], TypeError, "points must be an object { X, y }, got an array of length 1"],
    [{ X: "ab", y: [] }, TypeError, 'points.X must be an array of [x, y] pairs, got string "ab"'],
    [{ X: [], y: [] }, RangeError, "points.X must not be empty, got an array of length 0"],
    [{ X: [0, 1], y: [0, 1] }, TypeError, "points.X[0] must be an [x, y] pair, got 0"],
    [{ X: [[0, 1, 2]], y: [0] }, RangeError, "points.X[0] must be an [x, y] pair, got an array"],
    [{ X: [[0, null]], y: [0] }, TypeError, "points.X[0][1] must be a number, got null"],
    [{ X: [[NaN, 0]], y: [0] }, RangeError, "points.X[0][0] must be finite, got NaN"],
    [{ X: [[0, 0]] }, TypeError, "points.y must be an array of labels, got undefined"],
    [
      { X: [[0, 0]], y: [0, 1] },
      RangeError,
      "points.y must have a label for each of the 1 points, got an array of length 2",
    ],
    [{ X: [[0, 0]], y: [true] }, TypeError, "points.y[0] must be a number, got boolean true"],
    [{ X: [[0, 0]], y: [2] }, RangeError, "points.y[0] must be 0, 1 or -1, got 2"],
    [
      { X: [[0, 0], [1, 1], [2, 2]], y: [0, 1, -1] },
      RangeError,
      "labels must be all 0/1 or all -1/1, got 0 earlier and -1 at points.y[2]",
    ],
  ];
  for (const [points, ErrorClass, message] of cases) {
    await t.step(message, () => {
      assertThrows(() => plotPoints(points as never), ErrorClass, `Cannot plot points: ${message}`);
      let called = false;
      assertThrows(
        () => plotDecisionBoundary(() => (called = true, 0), points as never),
        ErrorClass,
        `Cannot plot decision boundary: ${message}`,
      );
      assert(!called, "predict was called before the points were checked");
    });
  }
});

Deno.test("plotDecisionBoundary() rejects a bad predict or step", async (t) => {
  const points = { X, y: y01 };
  await t.step("predict not a function", () => {
    assertThrows(
      () => plotDecisionBoundary("x > 0" as never, points),
      TypeError,
      'plotDecisionBoundary() takes a function (x, y) => score, got string "x > 0"',
    );
  });
  await t.step("predict returning a non-number or NaN", () => {
    assertThrows(
      () => plotDecisionBoundary(() => ({ data: 1 }) as never, points),
      TypeError,
      "predict must return a number, got an object (Object) from predict(-2, -1.5)",
    );
    assertThrows(
      () => plotDecisionBoundary((x, y) => (x > 0 && y > 0 ? NaN : 1), points),
      RangeError,
      "predict must not return NaN, got NaN from predict(0.25, 0.25)",
    );
  });
  await t.step("step not a positive finite number, or too fine", () => {
    for (const step of [0, -0.25, NaN, Infinity]) {
      assertThrows(
        () => plotDecisionBoundary(() => 1, points, { step }),
        RangeError,
        "step must be positive and finite",
      );
    }
    assertThrows(
      () => plotDecisionBoundary(() => 1, points, { step: "0.25" as never }),
      TypeError,
      'step must be a number, got string "0.25"',
    );
    let calls = 0;
    // x: ⌈5 / 0.02⌉ = 250 columns, y: ⌈3.5 / 0.02⌉ = 175 rows
    assertThrows(
      () => plotDecisionBoundary(() => ++calls, points, { step: 0.02 }),
      RangeError,
      "step makes a 250×175 grid, more than 10000 points, got 0.02",
    );
    assertEquals(calls, 0);
    // x and y: ⌈(9 - -1) / 0.1⌉ = 100, so exactly the limit
    plotDecisionBoundary(() => ++calls, { X: [[0, 0], [8, 8]], y: [0, 1] }, { step: 0.1 });
    assertEquals(calls, 100 * 100);
  });
});

Deno.test("plotLine() joins the points in the order given, on the lecture's parabola", async () => {
  // the lecture's first plot: xs = np.arange(-5, 5, 0.25) (40 numbers, -5 to 4.75), ys = f(xs)
  const xs = Array.from({ length: 40 }, (_, i) => -5 + i * 0.25);
  const f = (x: number) => 3 * x ** 2 - 4 * x + 5;
  const chart = plotLine(xs, xs.map(f), { title: "f(x) = 3x² - 4x + 5" });
  assertEquals(chart.toString(), "Chart(line through 40 points)");
  const svg = await chart.svg();
  assertStandaloneSvg(svg);
  const lines = markPaths(svg, "line");
  assertEquals(lines.length, 1);
  // one move then a segment to each later point, and no dots for 40 points
  assertEquals(lines[0].match(/[ML]/g)?.length, 40);
  assertNotMatch(svg, /mark-symbol/);
  for (const text of [">f(x) = 3x² - 4x + 5</text>", ">x</text>", ">y</text>"]) {
    assertStringIncludes(svg, text);
  }
  // f(-5) = 100 at the left end, f(2/3) ≈ 3.67 the lowest: the y axis spans them
  const yLabels = axisLabels(svg)[1].map(Number);
  assert(yLabels[0] <= 3.67 && yLabels.at(-1)! >= 100, `${yLabels}`);
});

Deno.test("plotLine() keeps plt.plot's order instead of sorting by x", async () => {
  // a zig-zag: sorted by x the line would run left to right along one side
  const zigzag = await plotLine([0, 2, 1, 3], [0, 0, 1, 1]).svg();
  const sorted = await plotLine([0, 1, 2, 3], [0, 1, 0, 1]).svg();
  const path = (svg: string) => markPaths(svg, "line")[0].match(/ d="([^"]*)"/)![1];
  const points = (svg: string) =>
    [...path(svg).matchAll(/[ML]([-\d.]+),([-\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
  const [a, b] = [points(zigzag), points(sorted)];
  assertEquals(a.length, 4);
  // the zig-zag's second point is the sorted line's third, and the other way round
  assertEquals([a[0], a[1], a[2], a[3]], [b[0], b[2], b[1], b[3]]);
  assertEquals(markPaths(zigzag, "symbol").length, 4);
});

Deno.test("plotLine() titles the axes with xLabel and yLabel", async () => {
  const svg = await plotLine([-1, 0, 1], [-0.76, 0, 0.76], { xLabel: "n", yLabel: "tanh(n)" })
    .svg();
  assertStringIncludes(svg, ">n</text>");
  assertStringIncludes(svg, ">tanh(n)</text>");
  assertStandaloneSvg(await plotLine([1], [2], { width: 300, height: 200 }).svg(), 300, 200);
});

Deno.test("plotLine() rejects bad points and options", async (t) => {
  const cases: [unknown, unknown, unknown, typeof TypeError | typeof RangeError, string][] = [
    [undefined, [1], undefined, TypeError, "xs must be an array of numbers, got undefined"],
    [[1], "1", undefined, TypeError, 'ys must be an array of numbers, got string "1"'],
    [[], [], undefined, RangeError, "xs must not be empty, got an array of length 0"],
    [
      [1, 2],
      [1],
      undefined,
      RangeError,
      "ys must have one number for each of the 2 xs, got an array of length 1",
    ],
    [[1, "2"], [1, 2], undefined, TypeError, 'xs[1] must be a number, got string "2"'],
    [[1, 2], [1, NaN], undefined, RangeError, "ys[1] must be finite, got NaN"],
    [[1], [Infinity], undefined, RangeError, "ys[0] must be finite, got Infinity"],
    [[1], [1], null, TypeError, "options must be an object, got null"],
    [
      [1],
      [1],
      { xlabel: "n" },
      TypeError,
      'the options are title, width, height, xLabel, yLabel, got "xlabel"',
    ],
    [[1], [1], { xLabel: 1 }, TypeError, "xLabel must be a string, got 1"],
    [[1], [1], { width: -1 }, RangeError, "width must be positive and finite, got -1"],
  ];
  for (const [xs, ys, options, ErrorClass, message] of cases) {
    await t.step(message, () => {
      assertThrows(
        () => plotLine(xs as number[], ys as number[], options as never),
        ErrorClass,
        `Cannot plot line: ${message}`,
      );
    });
  }
});

Deno.test("plotFunction() evaluates f at np.arange's numbers, bit for bit", async () => {
  // /usr/bin/python3 -c "import numpy as np; a = np.arange(-5, 5, 0.2); print(len(a),
  //   [repr(float(a[i])) for i in [0, 1, 2, 3, 25, 49]])"  (numpy 1.24.2)
  // -> 50 ['-5.0', '-4.8', '-4.6', '-4.3999999999999995', '4.440892098500626e-15', '4.800000000000008']
  const seen: number[] = [];
  const chart = plotFunction((x) => (seen.push(x), Math.tanh(x)), { from: -5, to: 5, step: 0.2 });
  assertEquals(chart.toString(), "Chart(line through 50 points)");
  assertEquals(seen.length, 50);
  assertEquals(
    [0, 1, 2, 3, 25, 49].map((i) => seen[i]),
    [-5, -4.8, -4.6, -4.3999999999999995, 4.440892098500626e-15, 4.800000000000008],
  );
  const values = (chart.spec.data as { values: { x: number; y: number }[] }).values;
  assertEquals(values.map((v) => v.x), seen);
  assertEquals(values.map((v) => v.y), seen.map(Math.tanh));
  // the lecture's parabola over np.arange(-5, 5, 0.25): 40 points, -5 to 4.75, as plotLine draws them
  const f = (x: number) => 3 * x ** 2 - 4 * x + 5;
  const xs = Array.from({ length: 40 }, (_, i) => -5 + i * 0.25);
  const options = { title: "f(x)", xLabel: "x", yLabel: "f(x)" };
  assertEquals(
    await plotFunction(f, { from: -5, to: 5, step: 0.25, ...options }).svg(),
    await plotLine(xs, xs.map(f), options).svg(),
  );
});

Deno.test("plotFunction() rejects a bad f, range or option", async (t) => {
  const ok = { from: 0, to: 1, step: 0.5 };
  const cases: [unknown, unknown, typeof TypeError | typeof RangeError, string][] = [
    ["x", ok, TypeError, 'plotFunction() takes a function x => y, got string "x"'],
    [Math.sin, undefined, TypeError, "options must be an object, got undefined"],
    [Math.sin, { from: 0, to: 1 }, TypeError, "step must be a number, got undefined"],
    [
      Math.sin,
      { ...ok, stp: 1 },
      TypeError,
      'the options are from, to, step, title, width, height, xLabel, yLabel, got "stp"',
    ],
    [Math.sin, { ...ok, from: NaN }, RangeError, "from must be finite, got NaN"],
    [Math.sin, { ...ok, step: 0 }, RangeError, "step must be positive and finite, got 0"],
    [Math.sin, { ...ok, to: 0 }, RangeError, "to must be above from (0), got 0"],
    [
      Math.sin,
      { ...ok, step: 1e-5 },
      RangeError,
      "step makes 100000 points from 0 to 1, more than 10000, got 0.00001",
    ],
    [() => "1", ok, TypeError, 'f must return a number, got string "1" from f(0)'],
    [
      (x: number) => 1 / (x - 0.5),
      ok,
      RangeError,
      "f must return a finite number, got Infinity from f(0.5)",
    ],
    [Math.sin, { ...ok, yLabel: 2 }, TypeError, "yLabel must be a string, got 2"],
    [Math.sin, { ...ok, height: 0 }, RangeError, "height must be positive and finite, got 0"],
  ];
  for (const [f, options, ErrorClass, message] of cases) {
    await t.step(message, () => {
      assertThrows(
        () => plotFunction(f as (x: number) => number, options as never),
        ErrorClass,
        `Cannot plot function: ${message}`,
      );
    });
  }
});
