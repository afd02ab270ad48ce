// Executes every notebook in notebooks/ through the real Deno Jupyter kernel and checks what it shows.
import { assert, assertEquals, assertLess, assertMatch, assertStringIncludes } from "@std/assert";
import { MLP, random, type Value } from "../mod.ts";
import {
  type CellRun,
  formatNotebook,
  jupyterMissing,
  KERNEL,
  listNotebooks,
  nbformatLayout,
  normalize,
  type Output,
  runNotebook,
  storedOutputs,
} from "./_notebook.ts";
import { readGraph } from "./_svg_graph.ts";

const notebooksDir = new URL("../notebooks/", import.meta.url);
const notebooks = listNotebooks().map((path) => path.slice("notebooks/".length));

const missing = await jupyterMissing();
if (missing && Deno.env.get("CI") === "true") {
  throw new Error(`Cannot run the notebook tests under CI: ${missing}`);
}
if (missing) console.warn(`notebook tests ignored: ${missing}`);

/** What each notebook must show, beyond running without an error. */
const checks: Record<string, (runs: CellRun[]) => void | Promise<void>> = {
  "day1_derivatives.ipynb": checkDay1,
  "day2_backpropagation.ipynb": checkDay2,
  "day3_automatic_backpropagation.ipynb": checkDay3,
  "day4_neural_net.ipynb": checkDay4,
  "moons_demo.ipynb": checkMoons,
  "microgpt.ipynb": checkMicrogpt,
};

function text(run: CellRun): string {
  return run.outputs.filter((o) => o.output_type === "stream").map((o) => o.text).join("");
}

/**
 * The SVG a figure output (a graph or chart: lib/_figure.ts) carries in its HTML, beside the PNG
 * that viewers without scripts show; `undefined` for any other output.
 */
function figureSvg(output: Output): string | undefined {
  const html = output.data?.["text/html"] ?? "";
  if (!html.startsWith('<div class="denograd-figure"')) return undefined;
  assertStringIncludes(html, '<img src="data:image/png;base64,');
  return /<script type="image\/svg\+xml">([\s\S]*?)<\/script>/.exec(html)?.[1];
}

/** The figures (graphs and charts) among some cells' outputs. */
function figures(runs: CellRun[]): Output[] {
  return runs.flatMap((r) => r.outputs).filter((o) => figureSvg(o) !== undefined);
}

function svgOf(run: CellRun): string {
  const svg = run.outputs.map(figureSvg).find((s) => s !== undefined);
  assert(svg, `cell ${run.index} shows no graph or chart`);
  return svg;
}

/** The Python original, executed with Python's kernel and native Graphviz (a copy of ../shared/seed/). */
function pythonOriginal(): {
  cells: { cell_type: string; outputs?: { text?: string[]; data?: Record<string, string[]> }[] }[];
} {
  return JSON.parse(
    Deno.readTextFileSync(
      new URL("./data/day2_backpropagation.python-executed.ipynb.txt", import.meta.url),
    ),
  );
}

/**
 * The moons demo prints what micrograd's demo.ipynb prints in Python (published in that notebook:
 * `step 0 loss 0.8958441028683222, accuracy 50.0%` ... `step 99 loss 0.010978370135492717,
 * accuracy 100.0%`), to the last digit, and shows its three charts.
 */
function checkMoons(runs: CellRun[]): void {
  const printed = runs.map(text).join("");
  assert(printed.includes("number of parameters 337\n"), printed);
  const steps = [...printed.matchAll(/^step (\d+) loss (\S+), accuracy (\S+)%$/gm)];
  assertEquals(steps.map((m) => Number(m[1])), [...Array(100).keys()]);
  assertEquals([Number(steps[0][2]), Number(steps[0][3])], [0.8958441028683222, 50]);
  assertEquals([Number(steps[99][2]), Number(steps[99][3])], [0.010978370135492717, 100]);
  const charts = figures(runs);
  assertEquals(charts.map((o) => o.data!["text/plain"]), [
    "Chart(100 points)",
    "Chart(loss over 100 steps)",
    "Chart(decision boundary on a 21×15 grid, 100 points)",
  ]);
}

/**
 * microgpt prints every line Karpathy's microgpt.py prints: what /usr/bin/python3 (CPython 3.11)
 * printed running it on names.txt, copied from ../shared/microgpt/microgpt.python-output.txt
 * (num docs, vocab size, num params, 1,000 losses, 20 names). This is the suite's one full run.
 */
function checkMicrogpt(runs: CellRun[]): void {
  const python = Deno.readTextFileSync(
    new URL("./data/microgpt.python-output.txt", import.meta.url),
  );
  assertEquals(runs.map(text).join("").split("\n"), python.split("\n"));
  // One loss chart, redrawn in place while training: only its last state is shown.
  const charts = figures(runs);
  assertEquals(charts.map((o) => o.data!["text/plain"]), ["Chart(loss over 1000 steps)"]);
  assertStringIncludes(figureSvg(charts[0])!, "microgpt training loss, step 1000");
}

/**
 * Day 1 prints what the lecture's first cells print in Python. Computed independently with
 * /usr/bin/python3 (CPython 3.11):
 * python3 -c 'f = lambda x: 3*x**2 - 4*x + 5; h = 0.000001; print(f(3.0))
 * for x in [3.0, -3.0, 2/3]: print((f(x + h) - f(x))/h)'
 * -> 20.0, 14.000003002223593, -21.999997002808414, 2.999378523327323e-06 (the lecture shows
 * 20.0 and 2.999378523327323e-06), and for d = a*b + c with each input nudged by h = 0.0001:
 * python3 -c 'h = 0.0001
 * for i in range(3):
 *     v = [2.0, -3.0, 10.0]; d1 = v[0]*v[1] + v[2]; v[i] += h; d2 = v[0]*v[1] + v[2]
 *     print(d1, d2, (d2 - d1)/h)'
 * -> 4.0 3.999699999999999 -3.000000000010772, 4.0 4.0002 2.0000000000042206,
 * 4.0 4.0001 0.9999999999976694 (the lecture shows the last line: c nudged).
 */
function checkDay1(runs: CellRun[]): void {
  const cell = (snippet: string) => cellWith("day1_derivatives.ipynb", runs, snippet);
  assertEquals(text(cell("console.log(repr(f(3.0)));")), "20.0\n");
  assertEquals(text(cell("let x = 3.0;")), "14.000003002223593\n-21.999997002808414\n");
  assertEquals(text(cell("x = 2 / 3;")), "2.999378523327323e-06\n");
  assertEquals(text(cell("const d = a * b + c;")), "4.0\n");
  assertEquals(
    text(cell('nudge("c");')),
    [
      ["a", "3.999699999999999", "-3.000000000010772"],
      ["b", "4.0002", "2.0000000000042206"],
      ["c", "4.0001", "0.9999999999976694"],
    ].map(([input, d2, slope]) => `nudging ${input}:\nd1 4.0\nd2 ${d2}\nslope ${slope}\n`).join(""),
  );
  // f over np.arange(-5, 5, 0.25): 40 points, f(-5) = 100 the highest
  const [plot] = figures([cell("plotFunction(f,")]);
  assertEquals(plot?.data?.["text/plain"], "Chart(line through 40 points)");
  assertStringIncludes(figureSvg(plot)!, ">f(x) = 3x² - 4x + 5</text>");
}

/**
 * A cell the TypeScript notebook adds to the Python seed it follows cell for cell (a lecture beat
 * the seed leaves out): it carries `"denograd": { "extra": true }` in its metadata, and the
 * comparison with the seed skips it.
 */
function isExtra(cell: { metadata?: { denograd?: { extra?: boolean } } }): boolean {
  return cell.metadata?.denograd?.extra === true;
}

function checkDay2(runs: CellRun[]): void {
  const python = pythonOriginal();
  const tsNotebook = JSON.parse(
    Deno.readTextFileSync(new URL("day2_backpropagation.ipynb", notebooksDir)),
  );
  // The seed's cells: every cell that is not an extra, with its index in the TypeScript notebook.
  const seedCells: { cell: { cell_type: string; source: string[] | string }; index: number }[] =
    tsNotebook.cells.flatMap((cell: never, index: number) =>
      isExtra(cell) ? [] : [{ cell, index }]
    );
  // Cell for cell: the same kinds of cells in the same order, the same headings and prose.
  assertEquals(
    seedCells.map(({ cell }) => cell.cell_type),
    python.cells.map((c) => c.cell_type),
  );
  const prose = (cells: { cell_type: string; source: string[] | string }[]) =>
    cells.filter((c) => c.cell_type === "markdown").map((c) => [c.source].flat().join(""));
  assertEquals(
    prose(seedCells.map(({ cell }) => cell)),
    prose(python.cells as never).map((s) => s.replace("â‰ˆ", "≈")),
  );
  const byIndex = new Map(runs.map((r) => [r.index, r]));
  python.cells.forEach((cell, index) => {
    for (const out of cell.outputs ?? []) {
      const run = byIndex.get(seedCells[index].index)!;
      if (out.data?.["image/svg+xml"]) {
        // Same record nodes (label, data, grad), op nodes and edges as the Python original's graph.
        const expected = readGraph(out.data["image/svg+xml"].join(""));
        assertEquals(readGraph(svgOf(run)), expected, `graph of cell ${index}`);
      }
      if (out.text) assertEquals(text(run), out.text.join(""), `printed lines of cell ${index}`);
    }
  });
  // Values show as Python's repr, with no ANSI colour codes.
  const repr = runs.flatMap((r) => r.outputs).map((o) => o.data?.["text/plain"] ?? "").join("\n");
  assert(!repr.includes("\x1b["), `ANSI colour codes in ${JSON.stringify(repr)}`);
  assert(repr.includes("Value(data=7.0, label=y)"), repr);

  // The lecture beats the seed leaves out, each an extra cell (markdown before code).
  assertEquals(tsNotebook.cells.filter(isExtra).length, 11);
  const cell = (snippet: string) => cellWith("day2_backpropagation.ipynb", runs, snippet);
  // The step-through of backward() on L: e, d and L send grads back (3 steps); 7 values and
  // 3 op nodes are drawn.
  checkStepper(cell("stepBackward(L)"), "StepBackward(3 steps, 10 nodes)");
  // One step along the gradients. The lecture prints -7.286496; so does
  // /usr/bin/python3 -c 'a, b, c, f = 2.0 + 0.01 * 6, -3.0 + 0.01 * -4, 10.0 + 0.01 * -2, -2.0 + 0.01 * 4
  // print((a * b + c) * f)'
  assertEquals(text(cell("a.data += 0.01 * a.grad;")), "-7.286496\n");
  // lol(): each value nudged by h = 0.001. The lecture prints dL/db = -3.9999999999995595; the
  // others from the same computation in /usr/bin/python3 (CPython 3.11), e.g. for c:
  // python3 -c 'print((((2.0 * -3.0) + 10.001) * -2.0 - (2.0 * -3.0 + 10.0) * -2.0) / 0.001)'
  assertEquals(
    text(cell("function lol(")),
    [
      "dL/dL: 1.000000000000334",
      "dL/df: 3.9999999999995595",
      "dL/dd: -2.000000000000668",
      "dL/de: -2.000000000000668",
      "dL/dc: -1.9999999999988916",
      "dL/db: -3.9999999999995595",
      "dL/da: 6.000000000000227",
      "",
    ].join("\n"),
  );
  // tanh over np.arange(-5, 5, 0.2): 50 points
  const [tanh] = figures([cell("plotFunction(Math.tanh")]);
  assertEquals(tanh?.data?.["text/plain"], "Chart(line through 50 points)");
  // The neuron by hand: the lecture's 1 - o.data**2 is 0.4999999999999999 (python3 -c
  // 'import math; n = 0.8813735870195432; o = (math.exp(2*n) - 1) / (math.exp(2*n) + 1); print(1 - o**2)').
  const byHand = cell("n.grad = 1 - o.data ** 2;");
  assertEquals(text(byHand), "n.grad = 1 - o.data ** 2 = 0.4999999999999999\n");
  const records = readGraph(svgOf(byHand)).records;
  for (
    const leaf of [
      "x1 | data 2.0000 | grad -1.5000",
      "w1 | data -3.0000 | grad 1.0000",
      "x2 | data 0.0000 | grad 0.5000",
      "w2 | data 1.0000 | grad 0.0000",
      "b | data 6.8814 | grad 0.5000",
      "o | data 0.7071 | grad 1.0000",
    ]
  ) assert(records.includes(leaf), `no ${leaf} in ${records}`);
}

/**
 * A `stepBackward` output, as a notebook shows it: its text form, and the page with a PNG of the
 * last step for viewers that run no script.
 */
function checkStepper(run: CellRun, plain: string): void {
  const out = run.outputs.find((o) => o.data?.["text/html"]);
  assert(out, `cell ${run.index} shows no text/html`);
  assertEquals(out.data!["text/plain"], plain);
  assertEquals(Object.keys(out.data!).sort(), ["text/html", "text/plain"]);
  assertStringIncludes(out.data!["text/html"], '<img src="data:image/png;base64,');
  assertStringIncludes(out.data!["text/html"], "<script");
  assert(!/https?:\/\/(?!www\.w3\.org\/)/.test(out.data!["text/html"]), "a URL in the page");
}

/** The run of `name`'s code cell whose source includes `snippet`. */
function cellWith(name: string, runs: CellRun[], snippet: string): CellRun {
  const nb = JSON.parse(Deno.readTextFileSync(new URL(name, notebooksDir)));
  const index = nb.cells.findIndex((c: { cell_type: string; source: string[] }) =>
    c.cell_type === "code" && c.source.join("").includes(snippet)
  );
  const run = runs.find((r) => r.index === index);
  assert(run, `${name} has no code cell with ${JSON.stringify(snippet)}`);
  return run;
}

function checkDay3(runs: CellRun[]): void {
  const cell = (snippet: string) => cellWith("day3_automatic_backpropagation.ipynb", runs, snippet);
  const records = (snippet: string) => readGraph(svgOf(cell(snippet))).records;
  // The neuron's backward() step by step: o, n, x1w1x2w2, x1w1 and x2w2 send grads back; 10
  // values and 5 op nodes are drawn.
  checkStepper(cell("stepBackward(o)"), "StepBackward(5 steps, 15 nodes)");
  // The lecture's neuron (Karpathy, "The spelled-out intro to neural networks and backpropagation"):
  // do/dn = 1 - tanh²(0.8814) = 0.5, so x1 = w1·0.5, w1 = x1·0.5, x2 = w2·0.5, w2 = x2·0.5, b = 0.5.
  const leaves = [
    "x1 | data 2.0000 | grad -1.5000",
    "w1 | data -3.0000 | grad 1.0000",
    "x2 | data 0.0000 | grad 0.5000",
    "w2 | data 1.0000 | grad 0.0000",
    "b | data 6.8814 | grad 0.5000",
  ];
  const before = records("const o = n.tanh();");
  assert(before.every((r) => r.endsWith("| grad 0.0000")), `grads before backward: ${before}`);
  // by hand, by the reversed topological order, by backward(), and through exp/pow
  const ways = ["x1w1._backward();", "topo.toReversed()", "oFresh.backward()", "oExp.backward()"];
  for (const snippet of ways) {
    const drawn = records(snippet);
    for (const leaf of leaves) assert(drawn.includes(leaf), `${snippet}: no ${leaf} in ${drawn}`);
  }
  // Every value is listed after its operands.
  const order = text(cell("topologicalSort(o)")).trim().split(", ");
  const operands: Record<string, string[]> = {
    "x1*w1": ["x1", "w1"],
    "x2*w2": ["x2", "w2"],
    "x1w1+x2w2": ["x1*w1", "x2*w2"],
    n: ["x1w1+x2w2", "b"],
    o: ["n"],
  };
  assertEquals(order.length, 10, `${order}`);
  for (const [v, children] of Object.entries(operands)) {
    for (const c of children) assertLess(order.indexOf(c), order.indexOf(v), `${c} before ${v}`);
  }
  // b = a + a: db/da = 2; a backward step that assigns keeps only one of the two 1s.
  assert(records("a.add(a)").includes("a | data 3.0000 | grad 2.0000"));
  assertStringIncludes(text(cell("b = addAssigning(a, a)")), "a.grad is 1,");
  // f = (a·b)(a + b) at a = -2, b = 3: df/da = b(a + b) + ab = -3, df/db = a(a + b) + ab = -8.
  const f = records("f.backward()");
  assert(f.includes("a | data -2.0000 | grad -3.0000"), `${f}`);
  assert(f.includes("b | data 3.0000 | grad -8.0000"), `${f}`);
  // gradCheck: both tanh neurons agree with finite differences; the assigning add is off by
  // |1 - 2| / 2 = 0.5.
  const errors = [...text(cell("gradCheck(f, point)")).matchAll(/worst relative error: (\S+)/g)];
  assertEquals(errors.length, 2);
  for (const [, e] of errors) assertLess(Number(e), 1e-6);
  assertStringIncludes(text(cell("gradCheck(([a])")), "worst relative error: 0.50");
  // What each op stored at forward time: d(x1*w1)/dx1 = w1 = -3 and d/dw1 = x1 = 2; a + has 1, 1;
  // tanh has 1 - o² = 0.4999999999999999 (python3 -c 'import math; n = 0.8813735870195432
  // o = (math.exp(2*n) - 1) / (math.exp(2*n) + 1); print(1 - o**2)').
  assertEquals(
    text(cell("v.localGrads")),
    [
      "x1*w1 = *(x1, w1), local derivatives -3, 2",
      "x1w1+x2w2 = +(x1*w1, x2*w2), local derivatives 1, 1",
      "n = +(x1w1+x2w2, b), local derivatives 1, 1",
      "o = tanh(n), local derivatives 0.4999999999999999",
      "",
    ].join("\n"),
  );
  // A number on the left, and division as a * b**-1, at a = 2, b = 4: the lecture shows a / b =
  // 0.5, a - b = -2.0, and a.exp() = 7.38905609893065 (python3 -c 'import math; print(math.exp(2.0))').
  const ops = cell("Value.mul(2, a)");
  assertEquals(
    text(ops).split("\n").map((line) => line.replace(/ {2,}/, " ")),
    [
      "a + 1 Value(data=3.0, label=)",
      "2 + a Value(data=4.0, label=)",
      "a * 2 Value(data=4.0, label=)",
      "2 * a Value(data=4.0, label=)",
      "a.exp() Value(data=7.38905609893065, label=)",
      "a * b**-1 Value(data=0.5, label=)",
      "a / b Value(data=0.5, label=)",
      "a - b Value(data=-2.0, label=)",
      "",
    ],
  );
  // the graph of a / b: b feeds a **-1 node, whose result and a feed a * node
  const division = readGraph(svgOf(ops));
  assertEquals(division.ops.map((o) => o.split(" -> ")[0]).sort(), ["*", "**-1"]);
  assertEquals(division.records.length, 4);
  // tanh as one op and as exp(2n) pieces: every gradient equal to 15 significant digits, w2's
  // exactly, the other four 2 ulps apart, as the prose under the cell says.
  const pairs = [
    ...text(cell("(exp form)")).matchAll(/(\w+)\.grad: (\S+) \(tanh\) +(\S+) \(exp form\)/g),
  ];
  assertEquals(pairs.map((m) => m[1]), ["x1", "w1", "x2", "w2", "b"]);
  for (const [, name, tanh, exp] of pairs) {
    assertEquals(ulpsApart(Number(tanh), Number(exp)), name === "w2" ? 0 : 2, name);
    assertEquals(Number(tanh).toPrecision(15), Number(exp).toPrecision(15), name);
  }
  // PyTorch's numbers, printed in the lecture (karpathy/nn-zero-to-hero,
  // lectures/micrograd/micrograd_lecture_first_half_roughly.ipynb): with the bias rounded to
  // float32 first, as torch.Tensor([...]) does, backward() gives every one of them. The same
  // follows without PyTorch: python3 -c 'import math, struct
  // b = struct.unpack("f", struct.pack("f", 6.8813735870195432))[0]; o = math.tanh(-6.0 + 0.0 + b)
  // print(b, o, 1 - o*o, -3 * (1 - o*o), 2 * (1 - o*o))' -> 6.881373405456543 0.7071066904050358
  // 0.5000001283844369 -1.5000003851533106 1.0000002567688737
  const torch = text(cell("const torchBias"));
  assertStringIncludes(torch, "b = 6.881373405456543\n");
  for (const name of ["o", "x2", "w2", "x1", "w1"]) {
    assertMatch(torch, new RegExp(`^${name}: ours \\S+, PyTorch \\S+, equal$`, "m"), name);
  }
  const checked = [...torch.matchAll(/gradCheck at b = (\S+): worst relative error (\S+)/g)];
  assertEquals(checked.map((m) => m[1]), ["6.881373587019543", "6.881373405456543"]);
  for (const [, , e] of checked) assertLess(Number(e), 1e-6);
}

/** How many doubles lie from `a` to `b` (0 when equal), for two numbers of the same sign. */
function ulpsApart(a: number, b: number): number {
  const bits = new BigInt64Array(new Float64Array([a, b]).buffer);
  const d = bits[0] - bits[1];
  return Number(d < 0n ? -d : d);
}

function checkDay4(runs: CellRun[]): void {
  const cell = (snippet: string) => cellWith("day4_neural_net.ipynb", runs, snippet);
  // A Neuron(3) backpropagated step by step: tanh, 3 additions and 3 products (7 steps); 3
  // weights, the bias, 3 inputs and 7 results are drawn with 7 op nodes (21).
  checkStepper(cell("stepBackward(neuronOut)"), "StepBackward(7 steps, 21 nodes)");
  const steps = (run: CellRun) =>
    [...text(run).matchAll(/^step (\d+) loss (\d+\.\d+)/gm)].map((
      m,
    ) => [Number(m[1]), Number(m[2])]);
  // 4·(3 + 1) + 4·(4 + 1) + 1·(4 + 1) = 41 parameters, tanh throughout
  const model = cell("const mlp = new MLP(");
  assertStringIncludes(text(model), "41 parameters");
  assertEquals(
    model.outputs.map((o) => o.data?.["text/plain"] ?? "").join(""),
    `MLP of [Layer of [${Array(4).fill("TanhNeuron(3)").join(", ")}], ` +
      `Layer of [${Array(4).fill("TanhNeuron(4)").join(", ")}], Layer of [TanhNeuron(4)]]`,
  );
  const training = cell("mlp.zeroGrad();");
  const losses = steps(training);
  assertEquals(losses.map(([k]) => k), [...Array(20).keys()]);
  // The first loss, micrograd's initialisation (weights uniform(-1, 1) in order, biases 0), by
  // /usr/bin/python3 -c 'import random, math; random.seed(1337); s = [3, 4, 4, 1]
  // L = [[([random.uniform(-1, 1) for _ in range(i)], 0.0) for _ in range(o)] for i, o in zip(s, s[1:])]
  // def f(x):
  //     for l in L: x = [math.tanh(sum((w * v for w, v in zip(ws, x)), b)) for ws, b in l]
  //     return x[0]
  // print(sum((f(x) - y) ** 2 for x, y in zip([[2, 3, -1], [3, -1, 0.5], [0.5, 1, 1], [1, 1, -1]], [1, -1, -1, 1])))'
  // -> 3.1407178684209995
  // The whole MLP's output for [2, 3, -1], drawn: 126 values (73 computed: 4·(3 + 3 + 1) +
  // 4·(4 + 4 + 1) + (4 + 4 + 1); 41 parameters; 12 input leaves, one per neuron of the first
  // layer), so 126 boxes and 73 op ovals. Its value, from the same Python as below with the
  // lecture's tanh, (math.exp(2*n) - 1) / (math.exp(2*n) + 1): 0.2769134447057285.
  const graph = cell("drawDot(y);");
  assertEquals(text(graph), "Value(data=0.2769134447057285, label=), a graph of 126 values\n");
  const drawn = readGraph(svgOf(graph));
  assertEquals([drawn.records.length, drawn.ops.length], [126, 73]);
  assertEquals(
    graph.outputs.find((o) => o.data?.["text/plain"])?.data?.["text/plain"],
    "Graph(199 nodes)",
  );
  assertEquals(losses[0][1], 3.1407);
  assertLess(losses[19][1], losses[0][1] / 10);
  assert(figures([training]).length > 0, "no loss curve while training");
  // After training every prediction has its target's sign.
  const predictions = [...text(cell("const trained")).matchAll(/target (\S+) +prediction (\S+)/g)];
  assertEquals(predictions.length, 4);
  for (const [, target, y] of predictions) {
    assertEquals(Math.sign(Number(y)), Math.sign(Number(target)));
  }
  // Without zeroGrad() the loss jumps up at some step instead of falling steadily.
  const forgetful = steps(cell("const forgetful"));
  assertEquals(forgetful.length, 20);
  assert(forgetful.some(([, loss], k) => k > 0 && loss > forgetful[k - 1][1]), `${forgetful}`);
}

Deno.test("day4's prose: without zeroGrad(), random.seed(5) ends at a loss of 8 = 2 × 2²", () => {
  // The last markdown cell of day4_neural_net.ipynb says so: run its forgetful loop with seed 5.
  const xs = [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]];
  const ys = [1.0, -1.0, -1.0, 1.0];
  const squaredError = (ypred: Value[]) =>
    ypred.map((yout, i) => yout.sub(ys[i]).pow(2)).reduce((sum, term) => sum.add(term));
  const train = (zeroGrad: boolean) => {
    random.seed(5);
    const net = new MLP(3, [4, 4, 1], { activation: "tanh", outputActivation: "tanh" });
    let loss = 0;
    for (let k = 0; k < 20; k++) {
      const l = squaredError(xs.map((x) => net.call(x)));
      if (zeroGrad) net.zeroGrad();
      l.backward();
      for (const p of net.parameters()) p.data -= 0.1 * p.grad;
      loss = l.data;
    }
    return { loss, predictions: xs.map((x) => net.call(x).data) };
  };
  // Both losses, computed independently: micrograd's network (weights uniform(-1, 1) in order,
  // biases 0, summed from the bias, tanh throughout) with its backpropagation written out by hand,
  // in /usr/bin/python3 (CPython 3.11), the random module seeded with 5 as here:
  // /usr/bin/python3 - <<'EOF'
  // import random, math
  // xs = [[2, 3, -1], [3, -1, 0.5], [0.5, 1, 1], [1, 1, -1]]; ys = [1, -1, -1, 1]
  // def train(zero_grad):
  //     random.seed(5); s = [3, 4, 4, 1]
  //     L = [[[random.uniform(-1, 1) for _ in range(i)] + [0.0] for _ in range(o)] for i, o in zip(s, s[1:])]
  //     G = [[[0.0] * len(n) for n in l] for l in L]
  //     for k in range(20):
  //         if zero_grad: G = [[[0.0] * len(n) for n in l] for l in L]
  //         loss = 0.0
  //         for x, y in zip(xs, ys):
  //             acts = [x]
  //             for l in L: acts.append([math.tanh(sum((w * v for w, v in zip(n, acts[-1])), n[-1])) for n in l])
  //             loss += (acts[-1][0] - y) ** 2
  //             d = [2 * (acts[-1][0] - y)]
  //             for j in reversed(range(len(L))):
  //                 d = [dj * (1 - a * a) for dj, a in zip(d, acts[j + 1])]
  //                 for n, g, dj in zip(L[j], G[j], d):
  //                     for i, v in enumerate(acts[j] + [1.0]): g[i] += dj * v
  //                 d = [sum(dj * n[i] for dj, n in zip(d, L[j])) for i in range(len(acts[j]))]
  //         for l, gl in zip(L, G):
  //             for n, g in zip(l, gl):
  //                 for i in range(len(n)): n[i] -= 0.1 * g[i]
  //     return loss
  // print(train(False), train(True))
  // EOF
  // -> 7.999998337384744 0.029886223122152666 (the same two numbers this test's loop gives, to
  // the last digit): "8.0000" and "0.03", the 8 and the "near 0.03" of the notebook's prose.
  const forgetful = train(false);
  assertEquals(forgetful.loss.toFixed(4), "8.0000");
  // every prediction at +1: right for the two targets of +1, off by 2 for the two of -1
  for (const y of forgetful.predictions) assertEquals(y.toFixed(6), "1.000000");
  assertEquals(train(true).loss.toFixed(2), "0.03");
});

for (const name of notebooks) {
  Deno.test({
    name: `notebook ${name} runs in the Deno kernel and shows its outputs`,
    ignore: missing !== undefined,
    sanitizeOps: false,
    sanitizeResources: false,
    async fn() {
      const runs = await runNotebook(new URL(name, notebooksDir).pathname);
      for (const run of runs) {
        const error = run.outputs.find((o) => o.output_type === "error");
        assert(
          !error,
          `cell ${run.index} of ${name} failed: ${error?.ename}: ${error?.evalue}\n${
            error?.traceback?.join("\n")
          }`,
        );
      }
      await checks[name]?.(runs);
      // Notebooks are committed executed; their stored outputs must be what a fresh run shows.
      assertEquals(
        runs.map((r) => ({ index: r.index, outputs: normalize(r.outputs) })),
        storedOutputs(new URL(name, notebooksDir).pathname),
        `${name}'s stored outputs are stale: run \`deno task notebooks\``,
      );
    },
  });
}

Deno.test("committed notebooks hold no ANSI colour codes, absolute paths or timestamps", () => {
  for (const name of notebooks) {
    const raw = Deno.readTextFileSync(new URL(name, notebooksDir));
    assert(!raw.includes("\\u001b") && !raw.includes("\x1b"), `${name} has ANSI colour codes`);
    assert(!raw.includes("file:///") && !raw.includes(Deno.cwd()), `${name} has an absolute path`);
    assert(!raw.includes('"iopub.execute_input"'), `${name} has execution timestamps`);
  }
});

// deno.json keeps notebooks/ out of `deno fmt --check` (see formatNotebook), so this test checks
// their cells instead: formatting a copy must not change a byte.
Deno.test("committed notebooks' code and prose are formatted as `deno fmt` formats them", async () => {
  for (const name of notebooks) {
    const original = await Deno.readTextFile(new URL(name, notebooksDir));
    assertEquals(
      await formatNotebook(original),
      original,
      `${name} is not formatted: run \`deno task notebooks\``,
    );
  }
});

// The file as the classic Notebook would save it, without a browser: notebook_save_browser_test.ts
// opens and saves each one in the Notebook itself.
Deno.test({
  name: "committed notebooks are laid out byte for byte as nbformat (the Notebook's saver) writes",
  ignore: missing !== undefined,
  async fn() {
    for (const name of notebooks) {
      const original = await Deno.readTextFile(new URL(name, notebooksDir));
      assertEquals(
        await nbformatLayout(original),
        original,
        `${name} is not laid out as the Notebook saves it: run \`deno task notebooks\``,
      );
    }
  },
});

Deno.test("every notebook names the denograd kernelspec and imports ../mod.ts", () => {
  assert(notebooks.length > 0, "no notebooks found");
  for (const name of notebooks) {
    const nb = JSON.parse(Deno.readTextFileSync(new URL(name, notebooksDir)));
    assertEquals(nb.metadata.kernelspec, {
      display_name: "Deno (denograd)",
      language: "typescript",
      name: KERNEL,
    }, name);
    const code = nb.cells.filter((c: { cell_type: string }) => c.cell_type === "code")
      .map((c: { source: string[] }) => c.source.join("")).join("\n");
    assert(code.includes('from "../mod.ts"'), `${name} does not import ../mod.ts`);
  }
});
