// What the "Deno (denograd)" kernel (tools/kernel_relay.py) costs over Deno's own kernel: the
// Day-3 notebook executed end to end by nbclient (kernel start, its 23 code cells, shutdown),
// and 40 one-line cells, each with both kernels in the same run. Target: at most 20 ms more per
// cell. Run with `deno bench --allow-all bench/kernel_bench.ts` (Jupyter and both kernelspecs
// installed: see docs/development.md); divide the difference of the means by the cell count.
import { KERNEL, runNbclient } from "../tests/_notebook.ts";

const root = new URL("../", import.meta.url);
const day3 = new URL("notebooks/day3_automatic_backpropagation.ipynb", root).pathname;

// 40 cells that each print a line: the relay's cost per cell, with little else to measure.
const small = await Deno.makeTempFile({ suffix: ".ipynb" });
await Deno.writeTextFile(
  small,
  JSON.stringify({
    cells: Array.from({ length: 40 }, (_, i) => ({
      cell_type: "code",
      execution_count: null,
      metadata: {},
      outputs: [],
      source: `console.log(${i});`,
    })),
    metadata: {},
    nbformat: 4,
    nbformat_minor: 5,
  }),
);

for (const kernel of ["deno", KERNEL]) {
  const baseline = kernel === "deno";
  Deno.bench({
    name: `Day 3 by nbclient, end to end, ${kernel}`,
    group: "day3",
    baseline,
    n: 5,
    warmup: 1,
    async fn() {
      await runNbclient(day3, { kernel });
    },
  });
  Deno.bench({
    name: `40 one-line cells by nbclient, end to end, ${kernel}`,
    group: "cells",
    baseline,
    n: 5,
    warmup: 1,
    async fn() {
      await runNbclient(small, { kernel });
    },
  });
}
