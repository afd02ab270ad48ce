/**
 * The "Day 2: Backpropagation" notebook as a plain Deno script: the same steps, with the graphs
 * written to `out/` as SVG files instead of shown inline.
 *
 * Run it with `deno task demo`; `deno task demo --help` says what it does.
 *
 * @module
 */
import { drawDot, Value } from "../mod.ts";
import { readArgs } from "./_cli.ts";

readArgs({
  task: "demo",
  help: `Usage: deno task demo

The "Day 2: Backpropagation" notebook as a script: the gradients of L = (a * b + c) * f worked out
by hand with the chain rule and checked numerically, then a tanh neuron. It prints the same
numbers as the notebook and draws both graphs to out/day2_expression.svg and out/day2_neuron.svg,
making the folder out/ if needed (the only thing it may write).

Options:
  -h, --help  print this help and exit

Without the task: deno run --allow-write=out examples/day2_backpropagation.ts`,
});

const outDir = "out";
await Deno.mkdir(outDir, { recursive: true });

// Manual gradient calculation: L = (a * b + c) * f
const a = new Value(2.0, { label: "a" });
const b = new Value(-3.0, { label: "b" });
const c = new Value(10.0, { label: "c" });
const e = a.mul(b);
e.label = "e";
const d = e.add(c);
d.label = "d";
const f = new Value(-2.0, { label: "f" });
const L = d.mul(f);
L.label = "L";

// Backpropagation by hand, with the chain rule.
L.grad = 1.0; // dL/dL
f.grad = d.data; // dL/df = d
d.grad = f.data; // dL/dd = f
c.grad = d.grad; // dL/dc = dL/dd * 1
e.grad = d.grad; // dL/de = dL/dd * 1
a.grad = e.grad * b.data; // dL/da = dL/de * b
b.grad = e.grad * a.data; // dL/db = dL/de * a
console.log(`L = ${L}`);
await drawDot(L).save(`${outDir}/day2_expression.svg`);
console.log(`wrote ${outDir}/day2_expression.svg`);

// Gradient checking with numerical differentiation: df/dx ≈ (f(x+h) - f(x)) / h
function forward(aData: number): number {
  return new Value(aData).mul(-3.0).add(10.0).mul(-2.0).data;
}
const h = 0.0001;
console.log(`Numerical dL/da: ${((forward(2.0 + h) - forward(2.0)) / h).toFixed(4)}`);
console.log(`Analytical dL/da: ${a.grad.toFixed(4)} (from chain rule)`);

// A simple neuron: o = tanh(x1*w1 + x2*w2 + b)
const x1 = new Value(2.0, { label: "x1" });
const x2 = new Value(0.0, { label: "x2" });
const w1 = new Value(-3.0, { label: "w1" });
const w2 = new Value(1.0, { label: "w2" });
const bias = new Value(6.8813735870195432, { label: "b" });
const x1w1 = x1.mul(w1);
x1w1.label = "x1*w1";
const x2w2 = x2.mul(w2);
x2w2.label = "x2*w2";
const x1w1x2w2 = x1w1.add(x2w2);
x1w1x2w2.label = "x1w1+x2w2";
const n = x1w1x2w2.add(bias);
n.label = "n";
const o = n.tanh();
o.label = "o";
console.log(`o = ${o}`);
await drawDot(o).save(`${outDir}/day2_neuron.svg`);
console.log(`wrote ${outDir}/day2_neuron.svg`);
