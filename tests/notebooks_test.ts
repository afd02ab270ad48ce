// Executes every notebook in notebooks/ through the real Deno Jupyter kernel and checks what it shows.
import { assert, assertEquals } from "@std/assert";
import { type CellRun, jupyterMissing, type Output, runNotebook } from "./_notebook.ts";
import { readGraph } from "./_svg_graph.ts";

const notebooksDir = new URL("../notebooks/", import.meta.url);
const notebooks = [...Deno.readDirSync(notebooksDir)]
  .filter((e) => e.isFile && e.name.endsWith(".ipynb"))
  .map((e) => e.name)
  .sort();

const missing = await jupyterMissing();
if (missing && Deno.env.get("CI") === "true") {
  throw new Error(`Cannot run the notebook tests under CI: ${missing}`);
}
if (missing) console.warn(`notebook tests ignored: ${missing}`);

/** What each notebook must show, beyond running without an error. */
const checks: Record<string, (runs: CellRun[]) => void | Promise<void>> = {
  "day2_backpropagation.ipynb": checkDay2,
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
  const streams = outputs.filter((o) => o.output_type === "stream");
  const rest = outputs.filter((o) => o.output_type !== "stream");
  return [...streams, ...rest].map((o) =>
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
