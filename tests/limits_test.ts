// Big and odd inputs a learner meets: graphs too deep for Graphviz, data sets too big for the
// heap, and the text forms console.log shows.
import {
  assert,
  assertEquals,
  assertRejects,
  assertStringIncludes,
  assertThrows,
} from "@std/assert";
import { getHeapStatistics } from "node:v8";
import { drawDot, Graph, makeMoons, plotLoss, Value } from "../mod.ts";

/** x + 1 + 1 + ... : `n` ops in a row, 2n + 1 Graphviz nodes deep. */
function chain(n: number): Value {
  let v = new Value(0, { label: "x" });
  for (let i = 0; i < n; i++) v = v.add(1);
  return v;
}

Deno.test("drawDot() draws up to its depth limit and refuses deeper graphs at once", async (t) => {
  await t.step("1999 ops in a row (3999 nodes deep) draw, with maxNodes: Infinity", async () => {
    const svg = await drawDot(chain(1999), { maxNodes: Infinity }).svg();
    assertEquals(svg.match(/<g id="node\d+" class="node">/g)?.length, 1999 * 3 + 1);
  });
  await t.step("2000 ops in a row are refused, naming the limit", () => {
    assertThrows(
      () => drawDot(chain(2000), { maxNodes: Infinity }),
      RangeError,
      "Cannot draw: the graph is 4001 Graphviz nodes deep (its longest chain of values and " +
        "ops), more than the 4000 that Graphviz can lay out before it runs out of stack, got a " +
        "Value computed by 2000 ops in a row",
    );
  });
  await t.step("the limit is real: Graphviz itself overflows on 2400 ops in a row", async () => {
    // the DOT drawDot would make, built by hand (drawDot refuses it), is what fails in Graphviz
    const lines = ["digraph {", "graph [rankdir=LR nslimit=0.05]"];
    for (let i = 1; i <= 2400; i++) lines.push(`v${i - 1} -> op${i} -> v${i}`, `c${i} -> op${i}`);
    const graph = new Graph(lines.join("\n") + "}\n");
    await assertRejects(() => graph.svg(), Error, "Maximum call stack size exceeded");
    // and Graphviz still works after it
    assertStringIncludes(await drawDot(chain(2)).svg(), "<svg");
  });
});

Deno.test("makeMoons() refuses at once a size the heap cannot hold", () => {
  const { heap_size_limit } = getHeapStatistics();
  for (const n of [1e9, [5e8, 5e8] as [number, number], Math.ceil(heap_size_limit / 300)]) {
    const error = assertThrows(() => makeMoons(n), RangeError) as RangeError;
    assertStringIncludes(error.message, "Cannot make moons: ");
    assertStringIncludes(error.message, "of memory, and the JavaScript heap has room for about");
  }
  assertThrows(() => makeMoons(1e9), RangeError, "1000000000 points need about 300.0 GB");
  assertEquals(makeMoons(1000, { rng: 1 }).X.length, 1000);
});

Deno.test("console.log shows graphs and charts by their text form", async () => {
  const L = new Value(2).mul(3).add(1);
  assertEquals(Deno.inspect(drawDot(L)), "Graph(7 nodes)");
  assertEquals(Deno.inspect({ graph: drawDot(L) }), "{ graph: Graph(7 nodes) }");
  assertEquals(Deno.inspect(plotLoss([2, 1])), "Chart(loss over 2 steps)");
  // what console.log really prints, in a process of its own
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "eval",
      `import { drawDot, plotLoss, Value } from ${
        JSON.stringify(new URL("../mod.ts", import.meta.url))
      };
       console.log(drawDot(new Value(2).mul(3).add(1)), plotLoss([2, 1]));`,
    ],
    env: { NO_COLOR: "1" },
    stdout: "piped",
  }).output();
  assertEquals(new TextDecoder().decode(out.stdout), "Graph(7 nodes) Chart(loss over 2 steps)\n");
  const png = await plotLoss([2, 1]).png();
  assertEquals([...png.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
});

Deno.test("Chart.save() writes SVG or a real PNG by extension, and refuses others", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const chart = plotLoss([3, 2, 1]);
    await chart.save(`${dir}/loss.svg`);
    assert((await Deno.readTextFile(`${dir}/loss.svg`)).startsWith("<svg"));
    await chart.save(new URL(`file://${dir}/loss.PNG`));
    const png = await Deno.readFile(`${dir}/loss.PNG`);
    // the PNG signature (PNG spec, section 5.2), then IHDR with the chart's 500 × 400 size
    assertEquals([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const view = new DataView(png.buffer, png.byteOffset);
    assertEquals([view.getUint32(16), view.getUint32(20)], [500, 400]);
    await assertRejects(
      () => chart.save(`${dir}/loss.jpg`),
      RangeError,
      "must end in .svg or .png",
    );
    await assertRejects(
      () => chart.save(`${dir}/nope/loss.svg`),
      Deno.errors.NotFound,
      `Cannot save chart: folder "${dir}/nope" does not exist`,
    );
    await assertRejects(() => chart.save(1 as never), TypeError, "path must be a string or URL");
    assertEquals([...Deno.readDirSync(dir)].map((e) => e.name).sort(), ["loss.PNG", "loss.svg"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a training loop's memory stays flat: each step's tape is freed", async () => {
  // In a process of its own, where gc() can be called: 300 steps of an MLP(2, [16, 16, 1]) on
  // 20 points, measuring the live heap plus the tape's slabs (external memory) after a full GC.
  const script = `
    import { MLP, PyRandom, Value } from ${JSON.stringify(new URL("../mod.ts", import.meta.url))};
    const model = new MLP(2, [16, 16, 1], { rng: new PyRandom(1) });
    const X = Array.from({ length: 20 }, (_, i) => [Math.sin(i), Math.cos(3 * i)]);
    // ArrayBuffers are freed on a background thread after a GC: give it a moment, then collect
    const used = async () => {
      globalThis.gc();
      await new Promise((resolve) => setTimeout(resolve, 50));
      globalThis.gc();
      const { heapUsed, external } = Deno.memoryUsage();
      return heapUsed + external;
    };
    const sizes = [];
    for (let step = 1; step <= 300; step++) {
      let loss = new Value(0);
      for (const x of X) loss = loss.add(model.call(x).sub(x[0]).pow(2));
      model.zeroGrad();
      loss.backward();
      for (const p of model.parameters()) p.data -= 0.01 * p.grad;
      if (step === 50 || step === 300) sizes.push(await used());
    }
    console.log(JSON.stringify(sizes));`;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--v8-flags=--expose-gc", script],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert(out.success, new TextDecoder().decode(out.stderr));
  const [early, late] = JSON.parse(new TextDecoder().decode(out.stdout));
  // a step's graph is about 14,000 values, 0.7 MB of tape; 250 more steps kept would be 170 MB
  assert(late - early < 2e6, `grew by ${late - early} bytes from step 50 to step 300`);
});
