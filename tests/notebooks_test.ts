// Executes every notebook in notebooks/ through the real Deno Jupyter kernel and checks what it shows.
import { assert, assertEquals, assertLess, assertStringIncludes } from "@std/assert";
import {
  type CellRun,
  jupyterMissing,
  listNotebooks,
  type Output,
  runNotebook,
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
  "day2_backpropagation.ipynb": checkDay2,
  "day3_automatic_backpropagation.ipynb": checkDay3,
  "day4_neural_net.ipynb": checkDay4,
  "moons_demo.ipynb": checkMoons,
};

function text(run: CellRun): string {
  return run.outputs.filter((o) => o.output_type === "stream").map((o) => o.text).join("");
}

function svgOf(run: CellRun): string {
  const out = run.outputs.find((o) => o.data?.["image/svg+xml"]);
  assert(out, `cell ${run.index} shows no image/svg+xml`);
  return out.data!["image/svg+xml"];
}

/** The Python original, executed with Python's kernel and native Graphviz (a copy of ../shared/seed/). */
function pythonOriginal(): {
  cells: { cell_type: string; outputs?: { text?: string[]; data?: Record<string, string[]> }[] }[];
} {
  return JSON.parse(
    Deno.readTextFileSync(
      new URL("./data/day2_backpropagation.python-executed.ipynb", import.meta.url),
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
  const charts = runs.flatMap((r) => r.outputs).filter((o) => o.data?.["image/svg+xml"]);
  assertEquals(charts.map((o) => o.data!["text/plain"]), [
    "Chart(100 points)",
    "Chart(loss over 100 steps)",
    "Chart(decision boundary on a 21×15 grid, 100 points)",
  ]);
}

function checkDay2(runs: CellRun[]): void {
  const python = pythonOriginal();
  const tsNotebook = JSON.parse(
    Deno.readTextFileSync(new URL("day2_backpropagation.ipynb", notebooksDir)),
  );
  // Cell for cell: the same kinds of cells in the same order, the same headings and prose.
  assertEquals(
    tsNotebook.cells.map((c: { cell_type: string }) => c.cell_type),
    python.cells.map((c) => c.cell_type),
  );
  const prose = (cells: { cell_type: string; source: string[] | string }[]) =>
    cells.filter((c) => c.cell_type === "markdown").map((c) => [c.source].flat().join(""));
  assertEquals(
    prose(tsNotebook.cells),
    prose(python.cells as never).map((s) => s.replace("â‰ˆ", "≈")),
  );
  const byIndex = new Map(runs.map((r) => [r.index, r]));
  python.cells.forEach((cell, index) => {
    for (const out of cell.outputs ?? []) {
      const run = byIndex.get(index)!;
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
}

function checkDay4(runs: CellRun[]): void {
  const cell = (snippet: string) => cellWith("day4_neural_net.ipynb", runs, snippet);
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
  assertEquals(losses[0][1], 3.1407);
  assertLess(losses[19][1], losses[0][1] / 10);
  assert(training.outputs.some((o) => o.data?.["image/svg+xml"]), "no loss curve while training");
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
      const stored = JSON.parse(Deno.readTextFileSync(new URL(name, notebooksDir)));
      const storedOutputs = stored.cells.flatMap((c: StoredCell, index: number) =>
        c.cell_type === "code" ? [{ index, outputs: normalize(c.outputs ?? []) }] : []
      );
      assertEquals(
        runs.map((r) => ({ index: r.index, outputs: normalize(r.outputs) })),
        storedOutputs,
        `${name}'s stored outputs are stale: run \`deno task notebooks\``,
      );
    },
  });
}

interface StoredCell {
  cell_type: string;
  outputs?: Output[];
}

/**
 * Outputs in the order and form the notebook stores them (streams first, multi-line strings
 * joined), without the volatile parts (execution counts, display ids).
 */
function normalize(outputs: Output[]): unknown[] {
  const join = (v: string | string[] | undefined) => [v ?? ""].flat().join("");
  const streams = new Map<string, string>();
  for (const o of outputs) {
    if (o.output_type === "stream") {
      streams.set(o.name!, (streams.get(o.name!) ?? "") + join(o.text));
    }
  }
  const merged: Output[] = [...streams].map(([name, text]) => ({
    output_type: "stream",
    name,
    text,
  }));
  const rest = outputs.filter((o) => o.output_type !== "stream");
  return [...merged, ...rest].map((o) =>
    o.output_type === "stream"
      ? { stream: o.name, text: join(o.text) }
      : o.output_type === "error"
      ? { error: `${o.ename}: ${o.evalue}` }
      : {
        data: Object.fromEntries(
          Object.entries(o.data ?? {}).map((
            [k, v],
          ) => [k, typeof v === "object" && !Array.isArray(v) ? v : join(v)]),
        ),
      }
  );
}

Deno.test("committed notebooks hold no ANSI colour codes, absolute paths or timestamps", () => {
  for (const name of notebooks) {
    const raw = Deno.readTextFileSync(new URL(name, notebooksDir));
    assert(!raw.includes("\\u001b") && !raw.includes("\x1b"), `${name} has ANSI colour codes`);
    assert(!raw.includes("file:///") && !raw.includes(Deno.cwd()), `${name} has an absolute path`);
    assert(!raw.includes('"iopub.execute_input"'), `${name} has execution timestamps`);
  }
});

// `deno fmt --check` flags every .ipynb file it has not itself written before, even when
// formatting changes nothing (Deno 2.9.6), so `deno task ok` leaves notebooks out of it and this
// test checks them instead: formatting a copy must not change a byte.
Deno.test("committed notebooks are laid out as `deno fmt` lays them out", async () => {
  const dir = await Deno.makeTempDir();
  try {
    for (const name of notebooks) {
      const original = await Deno.readTextFile(new URL(name, notebooksDir));
      await Deno.writeTextFile(`${dir}/${name}`, original);
      const fmt = await new Deno.Command(Deno.execPath(), {
        args: [
          "fmt",
          "--quiet",
          "--config",
          new URL("../deno.json", import.meta.url).pathname,
          `${dir}/${name}`,
        ],
      }).output();
      assert(fmt.success, `deno fmt failed on ${name}`);
      assertEquals(
        await Deno.readTextFile(`${dir}/${name}`),
        original,
        `${name} is not formatted: run \`deno fmt ${name}\``,
      );
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("every notebook uses the Deno kernelspec and imports ../mod.ts", () => {
  assert(notebooks.length > 0, "no notebooks found");
  for (const name of notebooks) {
    const nb = JSON.parse(Deno.readTextFileSync(new URL(name, notebooksDir)));
    assertEquals(nb.metadata.kernelspec.name, "deno", name);
    const code = nb.cells.filter((c: { cell_type: string }) => c.cell_type === "code")
      .map((c: { source: string[] }) => c.source.join("")).join("\n");
    assert(code.includes('from "../mod.ts"'), `${name} does not import ../mod.ts`);
  }
});
