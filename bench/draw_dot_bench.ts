// How long drawing takes: DOT building and Graphviz rendering for graphs from the lectures, and a
// fresh process's first SVG. Run with `deno bench --allow-all bench/draw_dot_bench.ts`.
// Targets: the MLP(2, [16, 16, 1]) graph (about 1,600 Graphviz nodes) renders in ≤ 300 ms once
// Graphviz is loaded; a fresh `deno run` shows the Day-2 graph's SVG ≤ 150 ms after spawning.
import { drawDot, Graph, Value } from "../mod.ts";

/** L = (a * b + c) * f, the Day-2 lecture's graph, after backward(). */
function day2(): Value {
  const a = new Value(2, { label: "a" });
  const b = new Value(-3, { label: "b" });
  const c = new Value(10, { label: "c" });
  const f = new Value(-2, { label: "f" });
  const L = a.mul(b).add(c).mul(f);
  L.backward();
  return L;
}

/** The lecture's neuron: tanh(x1*w1 + x2*w2 + b). */
function neuron(): Value {
  const x1 = new Value(2, { label: "x1" });
  const x2 = new Value(0, { label: "x2" });
  const w1 = new Value(-3, { label: "w1" });
  const w2 = new Value(1, { label: "w2" });
  const b = new Value(6.8813735870195432, { label: "b" });
  const o = x1.mul(w1).add(x2.mul(w2)).add(b).tanh();
  o.backward();
  return o;
}

/**
 * The forward pass of micrograd's MLP(nin, sizes) on one input, built from Value ops: each neuron
 * is b + w1*x1 + … + wn*xn (micrograd's `sum(..., self.b)`), then ReLU except in the last layer.
 * Weights come from a fixed linear congruential generator, so every run draws the same graph.
 */
function mlp(nin: number, sizes: number[]): Value {
  let seed = 1;
  const uniform = () => (seed = (seed * 16807) % 2147483647) / 2147483647 * 2 - 1;
  let xs = Array.from({ length: nin }, (_, i) => new Value(i + 2, { label: `x${i + 1}` }));
  sizes.forEach((size, layer) => {
    xs = Array.from({ length: size }, () => {
      let act = new Value(uniform(), { label: "b" });
      for (const x of xs) act = act.add(new Value(uniform(), { label: "w" }).mul(x));
      return layer === sizes.length - 1 ? act : act.relu();
    });
  });
  xs[0].backward();
  return xs[0];
}

const graphs: [string, Value][] = [
  ["Day-2 L = (a*b+c)*f", day2()],
  ["neuron tanh(x1*w1+x2*w2+b)", neuron()],
  ["MLP(2, [4, 4, 1])", mlp(2, [4, 4, 1])],
  ["MLP(2, [16, 16, 1])", mlp(2, [16, 16, 1])],
];

for (const [name, root] of graphs) {
  const graph = drawDot(root);
  const label = `${name}, ${graph.nodeCount} nodes`;
  Deno.bench({ name: `DOT: ${label}`, group: "dot" }, () => {
    drawDot(root);
  });
  // A new Graph each time: Graph.svg() keeps its result, and this measures Graphviz.
  Deno.bench({ name: `SVG: ${label}`, group: "svg" }, async () => {
    await new Graph(graph.dot).svg();
  });
}

Deno.bench({ name: "PNG: Day-2 graph (SVG already rendered)", group: "png" }, async (b) => {
  const graph = drawDot(day2());
  await graph.svg();
  b.start();
  await graph.png();
  b.end();
});

// A fresh process: spawn `deno run` of a script that draws the Day-2 graph and prints when its SVG
// is ready; the time runs from the spawn to that line (the process's exit is not waited for).
const script = `
import { drawDot, Value } from ${JSON.stringify(new URL("../mod.ts", import.meta.url).href)};
const a = new Value(2, { label: "a" }), b = new Value(-3, { label: "b" });
const L = a.mul(b).add(new Value(10, { label: "c" })).mul(new Value(-2, { label: "f" }));
L.backward();
const svg = await drawDot(L).svg();
console.log(svg.length);
`;
const config = new URL("../deno.json", import.meta.url).pathname;
const scriptFile = await Deno.makeTempFile({ prefix: "draw_dot_bench_", suffix: ".ts" });
await Deno.writeTextFile(scriptFile, script);
globalThis.addEventListener("unload", () => Deno.removeSync(scriptFile));

/** Spawn the script; `ready` runs when it has printed its SVG's length, i.e. the SVG is ready. */
async function firstSvgInFreshProcess(start = () => {}, ready = () => {}): Promise<void> {
  start();
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--config", config, scriptFile],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.getReader();
  const { value } = await reader.read();
  ready();
  await reader.cancel();
  if (!(await child.status).success || !(Number(new TextDecoder().decode(value)) > 1000)) {
    throw new Error("Cannot measure: the child process printed no SVG length");
  }
}

await firstSvgInFreshProcess(); // fill Deno's caches (npm packages, transpiled modules) first
Deno.bench({
  name: "fresh `deno run` process: spawn to Day-2 SVG ready",
  group: "fresh",
  n: 20,
  warmup: 2,
}, async (b) => {
  await firstSvgInFreshProcess(() => b.start(), () => b.end());
});
