/**
 * denograd: Karpathy's micrograd in TypeScript for Deno, for learning backpropagation in Jupyter
 * (the Deno kernel) or in plain scripts. A scalar autograd {@linkcode Value}; graphs drawn with
 * Graphviz compiled to WebAssembly ({@linkcode drawDot}); micrograd's nets ({@linkcode MLP});
 * {@linkcode gradCheck}; Python's and NumPy's random numbers ({@linkcode random},
 * {@linkcode RandomState}) and scikit-learn's {@linkcode makeMoons}, so results match the Python
 * lectures digit for digit; and charts ({@linkcode plotLoss}, {@linkcode plotDecisionBoundary}).
 *
 * @example Train a tiny tanh neuron to output 0.5
 * ```ts
 * import { Neuron, random } from "./mod.ts";
 * import { assertAlmostEquals } from "@std/assert";
 *
 * random.seed(1337);
 * const neuron = new Neuron(2, { activation: "tanh" });
 * for (let step = 0; step < 100; step++) {
 *   const loss = neuron.forward([1, -2]).sub(0.5).pow(2); // squared error
 *   neuron.zeroGrad();
 *   loss.backward();
 *   for (const p of neuron.parameters()) p.data -= 0.1 * p.grad;
 * }
 * assertAlmostEquals(neuron.forward([1, -2]).data, 0.5, 1e-3);
 * ```
 *
 * @module
 */
export * from "./lib/value.ts";
export * from "./lib/nn.ts";
export * from "./lib/grad_check.ts";
export * from "./lib/draw_dot.ts";
export * from "./lib/step_backward.ts";
export * from "./lib/plot.ts";
export * from "./lib/random.ts";
export * from "./lib/datasets.ts";
export * from "./lib/repr.ts";
