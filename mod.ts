/**
 * denograd: Karpathy's micrograd in TypeScript for Deno. A scalar autograd {@linkcode Value},
 * graphs drawn with Graphviz ({@linkcode drawDot}), for learning backpropagation in Jupyter
 * with the Deno kernel or in plain scripts.
 *
 * @example Backpropagate through a tanh neuron
 * ```ts
 * import { Value } from "./mod.ts";
 * import { assertAlmostEquals } from "@std/assert";
 *
 * const x = new Value(2, { label: "x" });
 * const w = new Value(-3, { label: "w" });
 * const b = new Value(6.8813735870195432, { label: "b" });
 * const o = x.mul(w).add(b).tanh();
 * o.backward();
 * assertAlmostEquals(o.data, Math.SQRT1_2);
 * assertAlmostEquals(w.grad, 1); // d(o)/d(w) = x · (1 - o²) = 2 · 0.5
 * ```
 *
 * @module
 */
export * from "./lib/value.ts";
export * from "./lib/nn.ts";
export * from "./lib/grad_check.ts";
export * from "./lib/draw_dot.ts";
export * from "./lib/plot.ts";
export * from "./lib/random.ts";
export * from "./lib/datasets.ts";
